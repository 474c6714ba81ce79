"""Transcribe settled speech while the candidate is still talking, so the answer's transcript is
ready about as soon as they stop.

Naive fixed-size chunking (cutting every N seconds) cuts words in half and loses context: it
was measured here to raise WER from 0.13 to 0.18-0.21. This module cuts only inside real pauses:

1. Every incoming block is scored by the VAD (Silero, 32 ms frames).
2. When a pause of at least `min_pause` (0.6 s) follows at least `min_group` seconds of audio,
   the audio up to the end of that pause is a closed "group": a background worker transcribes
   it at once, with the glossary and the end of the previous group's text as prompt context.
3. A group that grows past `max_group` without such a pause is cut at its longest shorter pause.
4. At the end (`finish()`), only the last open group is left to transcribe.

Push-to-talk ends an answer with no closing silence, so step 4 is the wait the candidate sees.
A last group of up to `spec_after` (10 s) is simply decoded then, with an encoder window that
fits it (decoder.py): about 0.5 s. For a longer one, the worker uses its idle time (it is idle
~85% of the time: RTF ~0.15) to decode the open group speculatively, again and again, as
speech arrives, and keeps the words that are settled: they ended at least `settle` seconds before the decoded audio did, and the decode
before said the same words up to there (Whisper's last words change as more audio arrives,
earlier ones rarely do; this is LocalAgreement, as in whisper_streaming by Machacek et al.).
Each decode starts from the kept words: the last `context` seconds of them are heard again and
forced as a prefix (so the model knows where they end), and only what follows is generated,
with an encoder window that fits the audio (decoder.py) instead of a full 30 s one.

5. At `finish()`, if the latest speculative decode already heard all the speech of the open
   group, it is the answer: nothing is left to decode.
6. Otherwise one more such decode, of the second or two after the kept words, finishes it.

Closed groups are still decoded from scratch with a full window, so speculation only ever
touches the final tail.

`preview` is the text of the groups transcribed so far, plus the latest speculative text of the
open group (for the TUI's live caption).
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, Field

from agent.speech import SAMPLE_RATE
from agent.speech.models import Transcript, Word
from agent.speech.segments import LONG_AUDIO_SECONDS, sentences
from agent.speech.vad import FRAME_SECONDS, WINDOW, make_scorer

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


class Transcriber(Protocol):
    """What streaming needs of a recognizer (agent.speech.transcribe.Transcriber has it): one
    decoding window over a stretch of audio."""

    def transcribe_once(
        self,
        audio: Any,
        *,
        glossary: Any = (),
        context: str = "",
        offset: float = 0.0,
        prefix: str = "",
        fit_frames: int | None = None,
    ) -> Transcript: ...


class StreamParams(BaseModel):
    min_pause: float = Field(0.6, gt=0)
    """Silence (seconds) that closes a group."""
    min_group: float = Field(8.0, ge=0)
    """A group is not closed before it holds this much audio. Short groups lose context: on the
    same 30/60 s answers, 3 s groups gave WER 0.21-0.23, longer ones 0.175."""
    long_pause: float = Field(1.2, gt=0)
    """A pause this long closes the group whatever its length: the candidate stopped (to think,
    or for good), and in hands-free mode the last group is then decoded during the silence that
    ends the turn."""
    speculate: bool = True
    """Decode the open group while the worker is idle (steps 5-6 above). Files never do: no
    one is waiting, and results must not depend on timing."""
    spec_after: float = Field(10.0, ge=0)
    """Speculate only once the open group holds this much audio. Decoding the last group from
    scratch after the stop took 0.44-0.65 s for 4.8-7.6 s groups and 0.40-0.47 s for 10 s,
    but about 1.05 s for 15 s; speculation held the wait at 0.36-0.79 s whatever the length,
    and below 10 s the decode in flight when the key is released cost as much as it saved."""
    spec_min_new: float = Field(0.8, ge=0)
    """A new speculative decode needs at least this much new audio since the previous one."""
    settle: float = Field(1.0, ge=0)
    """A speculated word is kept only once it ended this long before the decoded audio did
    (and the decode before agreed). Measured on 44 s and 82 s answers in two voices: 1.0 s
    with 3 s of context gave the same WER as 0.5 s with 2 s (within a word or two either way)
    and kept the wait at 0.4-0.7 s; 0.5 s with 1 s of context cost 1-2 points of WER."""
    context: float = Field(3.0, ge=0)
    """Seconds of kept words heard again (forced as a prefix) in front of each decode."""
    fit_frames: int = Field(1000, ge=500)
    """Speculative and final-tail decodes encode the speech plus this many 10 ms frames of
    padding, not a full 30 s window. Measured on 61 clips: +1000 frames kept WER (0.218 vs
    0.223 espeak, 0.014 vs 0.042 LibriVox) at 60% of the time; +500 raised LibriVox WER to 0.13
    and +200 broke decoding, hence the floor."""
    max_group: float = Field(25.0, gt=1)
    """Past this, the group is cut at its longest pause, however short (Whisper sees 30 s)."""
    threshold: float = Field(0.5, gt=0, lt=1)
    """VAD probability at or above which a frame is speech."""
    use_context: bool = False
    """Give Whisper the previous group's last words as prompt context. Off: measured no gain
    (88 s answer: WER 0.212 with, 0.202 without), and a longer prompt makes tiny.en more prone
    to skip speech."""


class StreamingTranscriber:
    """feed() audio blocks as they are recorded; finish() returns the whole Transcript."""

    def __init__(
        self,
        transcriber: Transcriber,
        glossary=(),
        params: StreamParams | None = None,
        *,
        scorer: Any = None,
    ):
        import numpy as np

        self.transcriber = transcriber
        self.glossary = list(glossary)
        self.params = params or StreamParams()
        self._scorer = scorer or make_scorer("auto")
        self._audio: list[np.ndarray] = []
        self._samples = 0
        self._probs: list[float] = []  # one per WINDOW frame
        self._cut = 0  # sample index where the open group starts
        self._np = np
        self._jobs: queue.Queue = queue.Queue()
        self._results: list[Transcript] = []
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self.groups: list[tuple[float, float]] = []
        """(start, end) seconds of every group sent to the model, in order."""
        self.closed_while_speaking = 0
        """Groups closed before finish() (the work done while the candidate talked)."""
        self.speculations = 0
        """Speculative decodes of the open group made so far."""
        self.tail_mode = ""
        """How the last group was finished: "speculation reused" or "N words kept, S s decoded"
        (bench and tests)."""
        self.tail_seconds = 0.0
        """Time the final tail's decode took (the rest of the wait is work already running)."""
        self._open = _OpenGroup(-1)
        """What speculation knows of the open group."""
        self._finished = False
        self._worker = threading.Thread(target=self._work, name="viva-stream-stt", daemon=True)
        self._worker.start()

    # ------------------------------------------------------------------ input
    def feed(self, chunk: np.ndarray) -> None:
        """Append a mono float32 16 kHz block (called from the capture thread)."""
        if self._finished:
            return
        chunk = self._np.asarray(chunk, dtype=self._np.float32).reshape(-1)
        if chunk.size == 0:
            return
        probs = self._scorer(chunk)
        with self._lock:  # the worker slices the audio and reads the open group
            self._audio.append(chunk)
            self._samples += chunk.size
            self._probs.extend(probs)
            self._maybe_close()

    def _maybe_close(self) -> None:
        p = self.params
        start_frame = self._cut // WINDOW
        frames = self._probs[start_frame:]
        open_seconds = len(frames) * FRAME_SECONDS
        rules = [(p.min_pause, p.min_group), (p.long_pause, 0.0)]
        for pause, group in rules:
            if open_seconds < group + pause:
                continue
            pause_frames = max(1, int(round(pause / FRAME_SECONDS)))
            if all(x < p.threshold for x in frames[-pause_frames:]):
                if any(x >= p.threshold for x in frames[:-pause_frames]):
                    # close here, keeping the whole pause in the group: Whisper does worse
                    # when the last word is followed by too little silence (cutting mid-pause
                    # measured WER 0.22 vs 0.18 on the same 30-60 s answers)
                    self._close(len(self._probs) * WINDOW)
                return
        if open_seconds >= p.max_group:
            # no long pause: cut at the longest silent run (at least one frame) in the group
            best_len, best_mid, run = 0, None, 0
            for i, x in enumerate(frames[:-1]):
                run = run + 1 if x < p.threshold else 0
                if run > best_len:
                    best_len, best_mid = run, i - run // 2
            mid = best_mid if best_mid is not None else len(frames) - 1
            self._close((start_frame + mid) * WINDOW)

    def _close(self, end_sample: int) -> None:
        start = self._cut
        end_sample = max(start, min(end_sample, self._samples))
        self._cut = end_sample
        if end_sample - start < SAMPLE_RATE // 10:
            return
        if not self._has_speech(start, end_sample):
            return  # silence only: nothing to transcribe (and nothing to hallucinate)
        self.groups.append((start / SAMPLE_RATE, end_sample / SAMPLE_RATE))
        if not self._finished:
            self.closed_while_speaking += 1
        self._jobs.put((start, end_sample, self._finished))

    def _has_speech(self, start: int, end: int) -> bool:
        frames = self._probs[start // WINDOW : end // WINDOW]
        return any(x >= self.params.threshold for x in frames)

    def _slice(self, start: int, end: int) -> np.ndarray:
        audio = self._np.concatenate(self._audio) if len(self._audio) > 1 else self._audio[0]
        self._audio = [audio]
        return audio[start:end]

    # ------------------------------------------------------------------ worker
    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=0.02)
            except queue.Empty:
                self._speculate()
                continue
            if job is None:
                return
            start, end, last = job
            try:
                with self._lock:
                    samples = self._slice(start, end)
                if last:
                    began = time.perf_counter()
                    result = self._final_tail(start, end, samples)
                    self.tail_seconds = time.perf_counter() - began
                else:
                    result = self._decode(samples, start)
            except BaseException as exc:  # noqa: BLE001 - re-raised in finish()
                with self._lock:
                    self._error = exc
                result = Transcript()
            with self._lock:
                self._results.append(result)
            self._jobs.task_done()

    def _decode(self, samples, start: int, **options) -> Transcript:
        context = ""
        if self.params.use_context:
            with self._lock:
                context = self._results[-1].text if self._results else ""
        return self.transcriber.transcribe_once(
            samples, glossary=self.glossary, context=context, offset=start / SAMPLE_RATE, **options
        )

    def _speculate(self) -> None:
        """Decode the open group as it stands, if enough new speech arrived since last time."""
        p = self.params
        if not p.speculate or self._finished or self._error is not None:
            return
        with self._lock:
            start, end = self._cut, self._samples
            group = self._open_group(start)
            if (
                end - start < p.spec_after * SAMPLE_RATE
                or end - group.heard_to < p.spec_min_new * SAMPLE_RATE
                or not self._has_speech(group.heard_to, end)
                or (end - start) / SAMPLE_RATE > LONG_AUDIO_SECONDS  # not one window: no use
            ):
                return
            samples = self._slice(start, end)
        try:
            heard = self._decode_after(group.kept, start, end, samples)
        except Exception:  # noqa: BLE001 - a speculation is optional; the final decode reports
            return
        with self._lock:
            if self._cut != start:
                return  # the group was closed meanwhile: it is decoded from scratch
            group.kept = settled_words(group.heard, heard, end / SAMPLE_RATE - p.settle)
            group.heard, group.heard_to = heard, end
            self._open = group
            self.speculations += 1

    def _open_group(self, start: int) -> _OpenGroup:
        """What speculation knows of the group that opens at sample `start` (maybe nothing)."""
        return self._open if self._open.start == start else _OpenGroup(start, heard_to=start)

    def _decode_after(self, kept: list[Word], start: int, end: int, samples) -> list[Word]:
        """The open group's words: `kept`, then what a decode of the audio after them says."""
        p = self.params
        if not kept:
            return self._decode(samples, start, fit_frames=p.fit_frames).words
        first = len(kept) - 1
        while first > 0 and kept[-1].end - kept[first - 1].start <= p.context:
            first -= 1
        edge = start / SAMPLE_RATE if first == 0 else (kept[first - 1].end + kept[first].start) / 2
        cut = min(max(start, int(edge * SAMPLE_RATE)), end)
        forced = " ".join(w.word for w in kept[first:])
        rest = self._decode(samples[cut - start :], cut, fit_frames=p.fit_frames, prefix=forced)
        return [*kept, *rest.words]

    def _final_tail(self, start: int, end: int, samples) -> Transcript:
        """The last open group at finish(): reuse the speculation, or decode after its words."""
        group = self._open_group(start)
        duration = (end - start) / SAMPLE_RATE
        # a 0.1 s margin: a word that starts right at the speculated edge must not be missed
        if group.heard and not self._has_speech(
            max(start, group.heard_to - SAMPLE_RATE // 10), end
        ):
            self.tail_mode = "speculation reused"
            words = group.heard
        else:
            words = self._decode_after(group.kept, start, end, samples)
            kept_to = group.kept[-1].end if group.kept else start / SAMPLE_RATE
            self.tail_mode = (
                f"{len(group.kept)} words kept, {end / SAMPLE_RATE - kept_to:.1f} s decoded"
            )
        return Transcript(text=" ".join(w.word for w in words), words=words, duration=duration)

    # ------------------------------------------------------------------ output
    @property
    def preview(self) -> str:
        """Text transcribed so far: closed groups, then the open group's latest speculation."""
        with self._lock:
            parts = [r.text for r in self._results if r.text]
            if self._open.start == self._cut and self._open.heard and not self._finished:
                parts.append(" ".join(w.word for w in self._open.heard))
            return " ".join(parts).strip()

    def finish(self) -> Transcript:
        """Transcribe what is left and return the whole answer's transcript."""
        if not self._finished:
            with self._lock:
                self._finished = True
                self._close(self._samples)
            self._jobs.put(None)
        self._worker.join()
        if self._error is not None:
            raise self._error
        return merge(self._results, duration=self._samples / SAMPLE_RATE)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until every closed group is transcribed (tests, bench)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._jobs.unfinished_tasks == 0:
                return True
            time.sleep(0.01)
        return False


@dataclass
class _OpenGroup:
    start: int
    """Sample where the open group starts."""
    kept: list[Word] = field(default_factory=list)
    """Settled words, final unless the group is closed at a pause and decoded from scratch."""
    heard: list[Word] = field(default_factory=list)
    """The latest speculative decode of the whole group (kept words, then the rest)."""
    heard_to: int = 0
    """Sample up to which `heard` was decoded."""


def settled_words(previous: list[Word], latest: list[Word], limit: float) -> list[Word]:
    """The words of `latest` that more audio is unlikely to change: `previous` (the decode
    before, with less audio) said the same words up to them, and they ended by `limit` seconds.
    """
    kept: list[Word] = []
    for before, word in zip(previous, latest, strict=False):
        if word.end > limit or _key(before.word) != _key(word.word):
            break
        kept.append(word)
    return kept


def _key(word: str) -> str:
    return "".join(c for c in word.lower() if c.isalnum())


def merge(parts: list[Transcript], *, duration: float) -> Transcript:
    words = [w for part in parts for w in part.words]
    segments = sentences(words) if words else [s for part in parts for s in part.segments]
    text = " ".join(p.text for p in parts if p.text).strip()
    return Transcript(text=text, segments=segments, words=words, duration=duration)
