"""One Whisper window (up to 30 s) decoded with one encoder pass.

faster-whisper's `WhisperModel.transcribe` is built for long files: with word timestamps on, it
moves its seek to the last word's end and decodes what is left of the window a second time.
On our short groups that second pass only re-reads the closing silence, yet it costs a whole
encoder run (measured here, tiny.en int8 on 2 cores: 0.45 s of a 1.3 s call), and it is where
"Thank you." gets invented. Viva only ever hands it single windows (longer audio is cut at pauses
first, see streaming.py), so this module decodes a window directly with the same parts
faster-whisper uses: its Silero VAD filter, feature extractor, tokenizer and word alignment, and
CTranslate2's `generate` with Whisper's temperature fallback.

Doing it here also allows a forced `prefix`: the words already decoded for this audio (see
streaming.py) are fed to the decoder as given, so only the words after them are generated, and
the word alignment runs over prefix and new words together, so every word gets a real time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent.speech import SAMPLE_RATE

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

FRAMES_PER_WINDOW = 3000
"""Mel frames in one Whisper window (30 s at 10 ms)."""
SECONDS_PER_FRAME = 0.01
PREPEND_PUNCTUATION = "\"'“¿([{-"
APPEND_PUNCTUATION = "\"'.。,，!！?？:：”)]}、"
LOGPROB_THRESHOLD = -1.0
"""Below this mean token log-probability a decode is retried at the next temperature."""
COMPRESSION_THRESHOLD = 2.4
"""Above this gzip ratio the text is a repetition loop: retried at the next temperature."""
NO_SPEECH_THRESHOLD = 0.6


@dataclass
class DecodedWord:
    word: str
    start: float
    end: float
    probability: float


@dataclass
class WindowResult:
    """What one window decoded to. Times are seconds from the start of the audio given."""

    text: str = ""
    words: list[DecodedWord] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    """Generated text tokens (a forced prefix is not included)."""
    prefix_words: int = 0
    """How many of `words` came from the forced prefix."""
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0
    temperature: float = 0.0
    speech_seconds: float = 0.0
    """Audio left after the VAD filter (0: nothing was decoded)."""


class WindowDecoder:
    """Decodes single windows with a loaded faster-whisper `WhisperModel`."""

    def __init__(self, model: Any, *, beam_size: int = 5, temperatures=(0.0, 0.2, 0.4)):
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

        self.model = model
        self.beam_size = beam_size
        self.temperatures = tuple(temperatures)
        self.tokenizer = Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en"
        )
        self.suppress = list(get_suppressed_tokens(self.tokenizer, [-1]))
        self._compression_ratio = get_compression_ratio

    def encode_text(self, text: str) -> list[int]:
        return self.tokenizer.encode(" " + text.strip()) if text.strip() else []

    # ------------------------------------------------------------------ steps
    def speech_only(self, audio: np.ndarray):
        """(speech audio, time map) after the Silero VAD filter, as faster-whisper's vad_filter."""
        import numpy as np
        from faster_whisper.vad import SpeechTimestampsMap, VadOptions, get_speech_timestamps

        chunks = get_speech_timestamps(audio, VadOptions())
        if not chunks:
            return np.zeros(0, dtype=np.float32), None
        speech = np.concatenate([audio[c["start"] : c["end"]] for c in chunks])
        return speech, SpeechTimestampsMap(chunks, SAMPLE_RATE)

    def _prompt(self, initial_prompt: str | None, hotwords: str | None, prefix: list[int]):
        """Whisper's prompt layout: [prev] hotwords + initial prompt, [sot] [notimestamps] prefix."""
        tok = self.tokenizer
        half = self.model.max_length // 2 - 1
        previous = (self.encode_text(hotwords or "")[:half]) + self.encode_text(
            initial_prompt or ""
        )
        prompt: list[int] = []
        if previous:
            prompt += [tok.sot_prev, *previous[-half:]]
        prompt += [*tok.sot_sequence, tok.no_timestamps]
        return prompt + prefix[:half]

    def _generate(self, encoder_output, prompt: list[int], prefix: list[int]):
        """Generate with Whisper's temperature fallback.

        Returns (tokens, avg_logprob, no_speech_prob, temperature, compression_ratio).

        CTranslate2 returns a forced prefix as part of the sequence: it is cut off here, so
        `tokens` holds only what the model generated.
        """
        candidates = []
        for temperature in self.temperatures:
            if temperature > 0:
                kwargs = {"beam_size": 1, "num_hypotheses": 5, "sampling_topk": 0,
                          "sampling_temperature": temperature}  # fmt: skip
            else:
                kwargs = {"beam_size": self.beam_size, "patience": 1.0}
            result = self.model.model.generate(
                encoder_output,
                [prompt],
                length_penalty=1.0,
                max_length=self.model.max_length,
                return_scores=True,
                return_no_speech_prob=True,
                suppress_blank=True,
                suppress_tokens=self.suppress,
                **kwargs,
            )[0]
            sequence = [t for t in result.sequences_ids[0] if t < self.tokenizer.eot]
            tokens = sequence[len(prefix) :] if sequence[: len(prefix)] == prefix else sequence
            # the score is the generated tokens' mean log-probability (length_penalty 1; a
            # forced prefix is not scored); Whisper's avg_logprob also counts the end token
            avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
            ratio = self._compression_ratio(self.tokenizer.decode(tokens).strip())
            candidate = (tokens, avg_logprob, result.no_speech_prob, temperature, ratio)
            candidates.append(candidate)
            if result.no_speech_prob > NO_SPEECH_THRESHOLD and avg_logprob < LOGPROB_THRESHOLD:
                return candidate  # silence: Whisper's rule is to stop here, not to retry
            if ratio <= COMPRESSION_THRESHOLD and avg_logprob >= LOGPROB_THRESHOLD:
                return candidate
        # every temperature failed a check: the most likely non-looping one, as Whisper does
        below = [c for c in candidates if c[4] <= COMPRESSION_THRESHOLD] or candidates
        return max(below, key=lambda c: c[1])

    def _align(
        self, tokens: list[int], encoder_output, num_frames: int, forced: int
    ) -> tuple[list[DecodedWord], int]:
        """Word times for `tokens`; also how many words lie within the first `forced` tokens."""
        from faster_whisper.transcribe import merge_punctuations

        if not tokens:
            return [], 0
        alignment = self.model.find_alignment(self.tokenizer, [tokens], encoder_output, num_frames)
        aligned = alignment[0] if alignment else []
        merge_punctuations(aligned, PREPEND_PUNCTUATION, APPEND_PUNCTUATION)
        words, in_prefix, seen = [], 0, 0
        for w in aligned:
            seen += len(w["tokens"])
            if not w["word"]:
                continue
            words.append(
                DecodedWord(
                    word=w["word"],
                    start=float(w["start"]),
                    end=float(w["end"]),
                    probability=float(w["probability"]),
                )
            )
            if seen <= forced:
                in_prefix += 1
        return words, in_prefix

    # ------------------------------------------------------------------ entry point
    def decode(
        self,
        audio: np.ndarray,
        *,
        initial_prompt: str | None = None,
        hotwords: str | None = None,
        prefix: str = "",
        vad_filter: bool = True,
        fit_frames: int | None = None,
    ) -> WindowResult:
        """Decode mono float32 16 kHz `audio` (at most 30 s after the VAD filter)."""
        import numpy as np
        from faster_whisper.audio import pad_or_trim

        if vad_filter:
            speech, time_map = self.speech_only(audio)
        else:
            speech, time_map = np.asarray(audio, dtype=np.float32), None
        if speech.size == 0:
            return WindowResult()
        features = self.model.feature_extractor(speech)
        content_frames = features.shape[-1] - 1
        if content_frames > FRAMES_PER_WINDOW:
            raise ValueError(
                f"{speech.size / SAMPLE_RATE:.1f} s of speech is more than one 30 s window: "
                "cut it at pauses first (Transcriber.transcribe does)"
            )
        size = (
            FRAMES_PER_WINDOW
            if fit_frames is None
            else min(FRAMES_PER_WINDOW, content_frames + fit_frames)
        )
        size += size % 2
        window = pad_or_trim(features[:, :content_frames], size)
        encoder_output = self.model.encode(window)

        prefix_tokens = self.encode_text(prefix)
        prompt = self._prompt(initial_prompt, hotwords, prefix_tokens)
        tokens, avg_logprob, no_speech, temperature, ratio = self._generate(
            encoder_output, prompt, prefix_tokens
        )
        forced = prompt[len(prompt) - len(prefix_tokens) :] if prefix_tokens else []
        words, prefix_words = self._align(
            forced + tokens, encoder_output, content_frames, len(forced)
        )
        if time_map is not None:
            for w in words:
                w.start = time_map.get_original_time(w.start)
                w.end = time_map.get_original_time(w.end, is_end=True)
        text = self.tokenizer.decode(forced + tokens).strip()
        return WindowResult(
            text=text,
            words=words,
            tokens=tokens,
            prefix_words=prefix_words,
            avg_logprob=float(avg_logprob),
            no_speech_prob=float(no_speech),
            compression_ratio=ratio,
            temperature=float(temperature),
            speech_seconds=speech.size / SAMPLE_RATE,
        )
