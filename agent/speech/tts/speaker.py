"""The interviewer's mouth: a text said sentence by sentence.

The audio goes out through sounddevice.

`say(text)` returns at once: a synthesis thread turns sentences into audio (the Piper process,
or flite / espeak-ng) while a playback thread writes the previous sentence to an OutputStream,
so the first sentence plays as soon as it is made. `add(sentence)` appends to what is being
said (a streamed LLM follow-up, one complete sentence at a time). `stop()` cuts it off at
once (barge-in). While anything is being said, the capture gate is held.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent.errors import AudioError
from agent.speech.gate import CaptureGate
from agent.speech.tts.engines import Engine, make_engine
from agent.speech.tts.sentences import speakable_pieces
from agent.speech.tts.voices import VoiceChoice, resolve_voice

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

CHUNK_SECONDS = 0.02
"""Audio is written to the device in chunks this long."""
STALL_SECONDS = 3.0
"""An output device that takes no audio for this long is reported as failed."""
_END = object()


class _Utterance:
    """One say(): its sentences, whether it still holds the capture gate, when it is done."""

    def __init__(self, generation: int, gate: CaptureGate):
        self.generation = generation
        self.sentences: queue.Queue[Any] = queue.Queue()
        self.done = threading.Event()
        self._gate = gate
        self._holding = True
        self._lock = threading.Lock()
        gate.hold()

    def let_go(self) -> None:
        """Release the capture gate (once: at a cut-off, or when playback ends)."""
        with self._lock:
            holding, self._holding = self._holding, False
        if holding:
            self._gate.release()


class Speaker:
    def __init__(
        self,
        voice: VoiceChoice | None = None,
        *,
        rate: float = 1.0,
        device: Any = None,
        gate: CaptureGate | None = None,
        on_error: Callable[[str], None] | None = None,
        on_done: Callable[[], None] | None = None,
    ):
        self.voice = voice or resolve_voice(None)
        self.engine: Engine = make_engine(self.voice, rate)
        self.device = device
        self.gate = gate or CaptureGate()
        self.on_error = on_error
        self.on_done = on_done
        """Called (from the speaker's thread) when a say() has ended or was cut off."""
        self.first_audio_seconds: float | None = None
        """Seconds from the last say() to its first audio written to the device."""
        self._generation = 0
        self._utterance: _Utterance | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> Speaker:
        voice = resolve_voice(getattr(settings, "voice", None))
        return cls(voice, rate=float(getattr(settings, "speech_rate", 1.0) or 1.0), **kwargs)

    # ---------------------------------------------------------------- public API
    def warm(self) -> None:
        """Load the voice now (blocks; call it from a worker thread) so say() starts at once."""
        start = getattr(self.engine, "start", None)
        if start is not None:
            start()

    def say(self, text: str, *, more: bool = False) -> None:
        """Cut off anything being said and start saying `text`. With more=True, more sentences
        will follow through add(); end them with finish()."""
        self.stop()
        with self._lock:
            self._generation += 1
            utterance = self._utterance = _Utterance(self._generation, self.gate)
            self.first_audio_seconds = None
        for piece in speakable_pieces(text):
            utterance.sentences.put(piece)
        if not more:
            utterance.sentences.put(_END)
        threading.Thread(
            target=self._run, args=(utterance, time.monotonic()), name="viva-speaker",
            daemon=True,
        ).start()  # fmt: skip

    def add(self, sentence: str) -> None:
        """Say `sentence` after what is being said (when say(..., more=True) started it)."""
        utterance = self._utterance
        if utterance is not None and sentence.strip():
            utterance.sentences.put(sentence.strip())

    def finish(self) -> None:
        """No more sentences for the current say(..., more=True)."""
        if self._utterance is not None:
            self._utterance.sentences.put(_END)

    def stop(self) -> None:
        """Cut off what is being said (barge-in), at once: the device stops within a few ms and
        the capture gate opens now (its threads wind down on their own)."""
        with self._lock:
            self._generation += 1
            utterance, self._utterance = self._utterance, None
        if utterance is not None:
            utterance.sentences.put(_END)
            utterance.let_go()

    @property
    def speaking(self) -> bool:
        utterance = self._utterance
        return utterance is not None and not utterance.done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is being said; False on timeout."""
        utterance = self._utterance
        return utterance is None or utterance.done.wait(timeout)

    def close(self) -> None:
        self.stop()
        self.engine.close()

    # ---------------------------------------------------------------- threads
    def _current(self, generation: int) -> bool:
        return generation == self._generation

    def _run(self, utterance: _Utterance, started: float) -> None:
        generation = utterance.generation
        audio: queue.Queue[Any] = queue.Queue(maxsize=4)
        synth = threading.Thread(
            target=self._synthesize, args=(generation, utterance.sentences, audio), daemon=True
        )
        synth.start()
        try:
            self._play(generation, audio, started)
        except Exception as exc:  # noqa: BLE001 - PortAudioError: no output device
            self._report(f"cannot play the interviewer's voice: {clean(exc)}")
        finally:
            utterance.let_go()
            while synth.is_alive():  # unblock a synthesizer waiting on a full queue
                try:
                    audio.get(timeout=0.05)
                except queue.Empty:
                    pass
            utterance.done.set()
            if self.on_done is not None:
                self.on_done()

    def _synthesize(self, generation: int, sentences: queue.Queue[Any], audio: queue.Queue) -> None:
        try:
            while self._current(generation):
                sentence = sentences.get()
                if sentence is _END:
                    break
                for rate, pcm in self.engine.synthesize(sentence):
                    if not self._current(generation):
                        break
                    audio.put((rate, pcm))
        except AudioError as exc:
            self._report(str(exc))
        finally:
            audio.put(_END)

    def _play(self, generation: int, audio: queue.Queue, started: float) -> None:
        feed: _Feed | None = None
        rate = getattr(self.engine, "sample_rate", None)
        if rate:  # open the device while the first sentence is synthesized
            feed = _Feed(rate, self.device, started)
        try:
            while self._current(generation):
                item = audio.get()
                if item is _END:
                    break
                rate, pcm = item
                if feed is None or feed.rate != rate:
                    if feed is not None:
                        feed.drain(lambda: self._current(generation))
                        feed.close()
                    feed = _Feed(rate, self.device, started)
                feed.play(pcm, lambda: self._current(generation))
                if self.first_audio_seconds is None:
                    self.first_audio_seconds = feed.first_audio
            if feed is not None:
                feed.drain(lambda: self._current(generation))
        finally:
            if feed is not None:
                feed.close()

    def _report(self, message: str) -> None:
        if self.on_error is not None:
            self.on_error(message)


class _Feed:
    """A blocking OutputStream written in small chunks, and only when the device has room, so
    a cut-off never waits inside write(): it aborts the stream, dropping what is buffered.
    (Callback streams stall behind PulseAudio's ALSA plugin; blocking writes do not.)"""

    def __init__(self, rate: int, device: Any, started: float):
        self.rate = rate
        self.started = started
        self.first_audio: float | None = None
        self._stream = open_output(rate, device)
        self._stream.start()

    def play(self, pcm: np.ndarray, keep_going: Callable[[], bool]) -> None:
        step = int(self.rate * CHUNK_SECONDS)
        for at in range(0, len(pcm), step):
            chunk = pcm[at : at + step].reshape(-1, 1)
            waited = time.monotonic()
            while keep_going() and self._stream.write_available < len(chunk):
                if time.monotonic() - waited > STALL_SECONDS:
                    raise AudioError("the audio output device stopped taking sound")
                time.sleep(0.005)
            if not keep_going():
                return
            self._stream.write(chunk)
            if self.first_audio is None:
                self.first_audio = time.monotonic() - self.started

    def drain(self, keep_going: Callable[[], bool]) -> None:
        """Wait until what was written has played (or the speech is cut off)."""
        deadline = time.monotonic() + float(self._stream.latency) + 0.1
        while keep_going() and time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self) -> None:
        try:
            self._stream.abort()
            self._stream.close()
        except Exception:  # noqa: BLE001 - closing a failed stream
            pass


def open_output(rate: int, device: Any) -> Any:
    """An int16 mono blocking OutputStream on `device` (None: the default output)."""
    try:
        import sounddevice as sd
    except OSError as exc:
        raise AudioError(f"cannot play sound: the PortAudio library is missing ({exc})") from None
    return sd.OutputStream(samplerate=rate, channels=1, dtype="int16", device=device)


def clean(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
