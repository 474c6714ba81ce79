"""The app's thin adapter over agent.speech: one recording at a time, then its transcript.

`start`, `stop` and `transcribe` may block (opening the device, joining threads, running
Whisper) and are called from worker threads; the properties (`level`, `seconds`, `preview`,
`ended`) are cheap reads the UI polls ten times a second.

While the candidate talks, every recorded block also goes to agent.speech.streaming's
StreamingTranscriber, which transcribes settled speech in the background: that gives the live
preview, and at the end only the last stretch is left to transcribe. Without the real
Transcriber (tests pass `transcriber_factory`), the whole file is transcribed after `stop`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LEVEL_FLOOR_DB = -60.0
"""dBFS shown as an empty meter (0 dBFS is full)."""


@dataclass
class _Take:
    """One recording in progress: its recorder, the streaming transcriber fed by it (None when
    the whole file is transcribed at the end), the WAV it writes and when it started."""

    recorder: Any
    stream: Any
    path: str
    started: float


class VoiceBackend:
    def __init__(
        self, settings: Any, *, recorder_factory: Any = None, transcriber_factory: Any = None
    ) -> None:
        self.settings = settings
        self._recorder_factory = recorder_factory
        self._transcriber_factory = transcriber_factory
        self._transcriber = None
        self._take: _Take | None = None
        self._streamed: Any = None  # the last take's streaming transcript, until transcribed
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- recording
    def start(
        self, path: str, *, hands_free: bool, glossary: Sequence[str] = (), gate: Any = None
    ) -> None:
        """Open the microphone and write `path` as it records. Raises AudioError (clear cause).
        `gate` (agent.speech.gate.CaptureGate) silences the microphone while the interviewer
        speaks."""
        lower_thread_priority()  # the streaming thread started here inherits it
        with self._lock:
            if self._take is not None:
                return
            factory = self._recorder_factory
            if factory is None:
                from agent.speech.capture import Recorder

                factory = Recorder
            stream = self._streaming(glossary)
            extra = {"gate": gate} if gate is not None else {}
            recorder = factory(
                path,
                settings=self.settings,
                mode="hands-free" if hands_free else "push-to-talk",
                on_audio=stream.feed if stream is not None else None,
                **extra,
            )
            recorder.start()
            self._take = _Take(recorder, stream, path, time.monotonic())

    def _streaming(self, glossary):
        try:
            from agent.speech.streaming import StreamingTranscriber
            from agent.speech.transcribe import Transcriber
        except Exception:  # noqa: BLE001 - no streaming: the whole file is transcribed at the end
            return None
        transcriber = self._get_transcriber()
        if not isinstance(transcriber, Transcriber):
            return None
        return StreamingTranscriber(transcriber, glossary=list(glossary))

    def stop(self) -> tuple[str | None, float]:
        """Stop recording; (the WAV path, seconds recorded)."""
        with self._lock:
            take, self._take = self._take, None
            if take is None:
                return None, 0.0
            self._streamed = take.stream
            result = take.recorder.stop()
            path = str(getattr(result, "path", None) or take.path)
            seconds = getattr(result, "duration", None)
            if seconds is None:
                seconds = time.monotonic() - take.started
            return path, float(seconds)

    @property
    def recording(self) -> bool:
        return self._take is not None

    @property
    def level(self) -> float:
        """0-1 for the meter, from the recorder's dBFS level of the last block."""
        take = self._take
        if take is None:
            return 0.0
        rec = take.recorder
        db = getattr(rec, "level_db", None)
        if db is None:
            return float(getattr(rec, "level", 0.0) or 0.0)
        return max(0.0, min(1.0, (float(db) - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB))

    @property
    def seconds(self) -> float:
        take = self._take
        if take is None:
            return 0.0
        value = getattr(take.recorder, "seconds", None)
        return float(value) if value is not None else time.monotonic() - take.started

    @property
    def preview(self) -> str:
        take = self._take
        stream = take.stream if take is not None else None
        return str(getattr(stream, "preview", "") or "") if stream is not None else ""

    @property
    def ended(self) -> bool:
        """Hands-free: the recorder ended the answer (silence after speech, or the length cap)."""
        take = self._take
        return take is not None and bool(getattr(take.recorder, "ended", False))

    # ---------------------------------------------------------------- transcription
    def warm(self) -> None:
        """Load the recognizer before the first answer (blocks: call from a worker)."""
        lower_thread_priority()
        transcriber = self._get_transcriber()
        warm = getattr(transcriber, "warm", None)
        if callable(warm):
            warm()

    def _get_transcriber(self):
        if self._transcriber is None:
            factory = self._transcriber_factory
            if factory is None:
                from agent.speech.transcribe import Transcriber

                factory = Transcriber
            self._transcriber = factory(self.settings)
        return self._transcriber

    def transcribe(
        self, path: str, *, glossary: Sequence[str] = ()
    ) -> tuple[str, dict[str, Any] | None]:
        """(text, delivery metrics as a dict or None) of the answer just recorded at `path`
        (finishing the streaming transcript when there is one), or of any audio file."""
        lower_thread_priority()
        streamed, self._streamed = self._streamed, None
        if streamed is not None:
            transcript = streamed.finish()
        else:
            transcript = self._get_transcriber().transcribe(path, glossary=list(glossary))
        text = str(getattr(transcript, "text", transcript) or "").strip()
        metrics = None
        try:
            from agent.speech.metrics import delivery_metrics

            metrics = delivery_metrics(transcript).model_dump(mode="json")
        except Exception:  # noqa: BLE001 - metrics are a bonus; the text is what matters
            metrics = None
        return text, metrics


def lower_thread_priority(nice: int = 10) -> None:
    """Run the calling worker thread (and threads it starts) at a lower CPU priority, so on a
    2-core machine the UI thread still gets the CPU while Whisper decodes. Linux applies
    niceness per thread; elsewhere this is a no-op."""
    import os

    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < nice:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
    except (AttributeError, OSError):
        pass
