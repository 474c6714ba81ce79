"""Microphone capture: sounddevice input at 16 kHz mono, a WAV written as it records.

Threads (pipecat's shape): PortAudio's callback only copies each block onto a queue; one
consumer thread writes the block to the WAV, updates the live level (RMS dBFS) for the UI,
feeds the turn detector (hands-free) and any listener (e.g. StreamingTranscriber.feed).

Crash safety: the WAV is written with the stdlib `wave` module's header layout (44-byte PCM
header) followed by raw 16-bit frames appended as they arrive; every `HEADER_EVERY` seconds the
RIFF and data sizes in the header are rewritten and the file flushed (and fsynced), so a crash
leaves a valid WAV missing at most the last second; `repair_wav()` restores the header from the
file size if needed. (`wave` alone only writes the sizes on close, and soundfile is not a
dependency.)

Failures become `AudioError` with the cause and the way out (text mode): PortAudio missing
(`import sounddevice` raises OSError), no input device, an unknown device name, or a device
error (here with no sound card: "Error querying device -1").
"""

from __future__ import annotations

import os
import queue
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from agent.errors import AudioError
from agent.speech import SAMPLE_RATE
from agent.speech.gate import CaptureGate
from agent.speech.vad import TurnDetector, VadParams, make_scorer, rms_dbfs

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

TEXT_MODE = "use text mode instead (--text, or the 'Text' mode in the app)"
BLOCK_SECONDS = 0.1
HEADER_EVERY = 1.0


def _sounddevice():
    try:
        import sounddevice as sd
    except OSError as exc:
        raise AudioError(
            f"cannot use the microphone: the PortAudio library is missing ({exc}); install it "
            f"(Debian/Ubuntu: sudo apt-get install libportaudio2), or {TEXT_MODE}"
        ) from None
    except ImportError as exc:
        raise AudioError(
            f"cannot use the microphone: sounddevice is not installed ({exc}); {TEXT_MODE}"
        ) from None
    return sd


def _clean(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def list_input_devices() -> list[dict[str, Any]]:
    """Input devices PortAudio sees: index, name, hostapi, channels, default rate, is_default."""
    sd = _sounddevice()
    try:
        devices = list(sd.query_devices())
        apis = list(sd.query_hostapis())
    except Exception as exc:  # noqa: BLE001 - PortAudioError
        raise AudioError(f"cannot list audio devices: {_clean(exc)}; {TEXT_MODE}") from None
    try:
        default_in = sd.default.device[0]
    except Exception:  # noqa: BLE001
        default_in = -1
    out = []
    for index, dev in enumerate(devices):
        if int(dev.get("max_input_channels", 0) or 0) <= 0:
            continue
        api = dev.get("hostapi")
        out.append(
            {
                "index": index,
                "name": str(dev.get("name")),
                "hostapi": str(apis[api]["name"])
                if isinstance(api, int) and api < len(apis)
                else "",
                "channels": int(dev.get("max_input_channels", 0)),
                "default_samplerate": float(dev.get("default_samplerate", 0) or 0),
                "is_default": index == default_in,
            }
        )
    return out


def refresh_devices() -> None:
    """Re-read the device list. PortAudio takes it once, when first used: a microphone plugged
    in (or an audio server started) after that stays invisible until PortAudio restarts. Only
    call this with no stream open."""
    sd = _sounddevice()
    try:
        sd._terminate()
        sd._initialize()
    except Exception:  # noqa: BLE001 - best effort; the caller reports what it then sees
        pass


def resolve_device(wanted: str | int | None) -> int | None:
    """The PortAudio index for a configured device (index or part of a name); None = default.

    When the device is not found, the device list is re-read once before giving up."""
    try:
        return _resolve_device(wanted)
    except AudioError:
        refresh_devices()
        return _resolve_device(wanted)


def _resolve_device(wanted: str | int | None) -> int | None:
    sd = _sounddevice()
    inputs = list_input_devices()
    if not inputs:
        raise AudioError(f"no audio input device found (no microphone or sound card); {TEXT_MODE}")
    if wanted is None or str(wanted).strip() == "":
        try:
            sd.query_devices(kind="input")
        except Exception as exc:  # noqa: BLE001 - "Error querying device -1"
            raise AudioError(
                f"no default audio input device ({_clean(exc)}); set audio_device to one of: "
                + ", ".join(d["name"] for d in inputs[:6])
                + f"; or {TEXT_MODE}"
            ) from None
        return None
    text = str(wanted).strip()
    if text.isdigit():
        index = int(text)
        if any(d["index"] == index for d in inputs):
            return index
    else:
        exact = [d for d in inputs if d["name"].lower() == text.lower()]
        partial = [d for d in inputs if text.lower() in d["name"].lower()]
        if exact or partial:
            return (exact or partial)[0]["index"]
    raise AudioError(
        f"audio input device {text!r} not found; available: "
        + ", ".join(f"{d['index']}: {d['name']}" for d in inputs[:8])
        + f"; or {TEXT_MODE}"
    )


# ---------------------------------------------------------------------------- WAV on disk


class IncrementalWav:
    """16-bit mono PCM WAV that stays readable while it grows (header refreshed every second)."""

    def __init__(self, path: Path, rate: int = SAMPLE_RATE):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.rate = rate
        self.frames = 0
        self._fh = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._write_header()
        self._last_header = time.monotonic()

    def _header(self) -> bytes:
        data = self.frames * 2
        return struct.pack(
            "<4sI4s4sIHHIIHH4sI",
            b"RIFF", 36 + data, b"WAVE", b"fmt ", 16, 1, 1, self.rate, self.rate * 2, 2, 16,
            b"data", data,
        )  # fmt: skip

    def _write_header(self) -> None:
        pos = self._fh.tell()
        self._fh.seek(0)
        self._fh.write(self._header())
        self._fh.seek(max(pos, 44))

    def write(self, samples: np.ndarray) -> None:
        import numpy as np

        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
        self._fh.write(pcm.tobytes())
        self.frames += len(pcm)
        if time.monotonic() - self._last_header >= HEADER_EVERY:
            self.sync()

    def sync(self) -> None:
        self._write_header()
        self._fh.flush()
        try:
            os.fsync(self._fh.fileno())
        except OSError:
            pass
        self._last_header = time.monotonic()

    def close(self) -> None:
        if not self._fh.closed:
            self.sync()
            self._fh.close()


def repair_wav(path: str | Path) -> int:
    """Rewrite a 16-bit mono WAV's sizes from the file length (after a crash). Returns frames."""
    path = Path(path)
    size = path.stat().st_size
    data = max(0, size - 44) // 2 * 2
    with open(path, "r+b") as fh:
        head = fh.read(44)
        if len(head) < 44 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise AudioError(f"{path}: not a Viva recording (no WAV header)")
        fh.seek(4)
        fh.write(struct.pack("<I", 36 + data))
        fh.seek(40)
        fh.write(struct.pack("<I", data))
    return data // 2


# ---------------------------------------------------------------------------- recorder


class Recording(BaseModel):
    path: str
    duration: float
    reason: str
    """stopped (push-to-talk / caller), silence, max-length, no-speech, or error."""
    speech_detected: bool
    overflows: int = 0
    """Blocks PortAudio reported as overflowed (audio lost because the machine was busy)."""


Mode = Literal["push-to-talk", "hands-free"]


class Recorder:
    """Records one answer to `path`. Push-to-talk: start() ... stop(). Hands-free: start(), then
    `wait(timeout)` returns when the turn detector ends the answer (silence or cap); call stop().

    `on_audio(block)` gets every 16 kHz float32 block (from the consumer thread, not the
    PortAudio callback); `on_end(reason)` is called once when hands-free ends the turn. With a
    `gate`, blocks that arrive while it is closed are silenced before anything sees them.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        settings: Any = None,
        mode: Mode = "push-to-talk",
        device: str | int | None = None,
        vad_params: VadParams | None = None,
        on_audio: Callable[[np.ndarray], None] | None = None,
        on_end: Callable[[str], None] | None = None,
        keep_audio: bool = True,
        gate: CaptureGate | None = None,
    ):
        self.path = Path(path)
        self.mode = mode
        self.device = device if device is not None else getattr(settings, "audio_device", None)
        self.vad_params = vad_params or VadParams.from_settings(settings)
        self.on_audio = on_audio
        self.on_end = on_end
        self.keep_audio = keep_audio
        self.gate = gate
        """While it is closed (the interviewer speaks), blocks are recorded as silence."""
        self.level_db = -120.0
        """Live input level of the last block, in dBFS (for a level meter)."""
        self.reason: str | None = None
        self.overflows = 0
        self._queue: queue.Queue = queue.Queue()
        self._stream: Any = None
        """The sounddevice.InputStream while recording."""
        self._thread: threading.Thread | None = None
        self._ended = threading.Event()
        self._blocks: list[np.ndarray] = []
        self._wav: IncrementalWav | None = None
        self._detector = TurnDetector(self.vad_params)
        self._scorer: Any = None
        """Speech probability per frame of a block (agent.speech.vad.make_scorer)."""
        self._frames = 0
        self._rate = SAMPLE_RATE
        self._error: BaseException | None = None

    # -------------------------------------------------------------- public API
    @property
    def seconds(self) -> float:
        """Seconds recorded so far."""
        return self._frames / SAMPLE_RATE

    @property
    def speech_detected(self) -> bool:
        return self._detector.speech_started_at is not None

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    def start(self) -> Recorder:
        sd = _sounddevice()
        index = resolve_device(self.device)
        self._scorer = make_scorer("auto")
        self._rate = SAMPLE_RATE
        try:
            sd.check_input_settings(
                device=index, channels=1, dtype="float32", samplerate=SAMPLE_RATE
            )
        except Exception:  # noqa: BLE001 - 16 kHz unsupported: record at the device rate, resample
            try:
                info = (
                    sd.query_devices(index, kind="input")
                    if index is not None
                    else sd.query_devices(kind="input")
                )
                self._rate = int(info["default_samplerate"])
            except Exception as exc:  # noqa: BLE001
                raise AudioError(
                    f"cannot use the audio input device: {_clean(exc)}; {TEXT_MODE}"
                ) from None
        self._wav = IncrementalWav(self.path)
        self._thread = threading.Thread(target=self._consume, name="viva-capture", daemon=True)
        self._thread.start()
        try:
            self._stream = sd.InputStream(
                samplerate=self._rate,
                channels=1,
                dtype="float32",
                device=index,
                blocksize=int(self._rate * BLOCK_SECONDS),
                callback=self._callback,
            )
            self._stream.start()
        except Exception as exc:  # noqa: BLE001 - PortAudioError, ValueError
            self._queue.put(None)
            self._thread.join()
            self._wav.close()
            raise AudioError(f"cannot open the microphone: {_clean(exc)}; {TEXT_MODE}") from None
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Hands-free: block until the turn ends (True) or `timeout` passes (False)."""
        return self._ended.wait(timeout)

    def stop(self) -> Recording:
        """Stop recording, finish the WAV and return what was recorded."""
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:  # noqa: BLE001 - closing a failed stream
                pass
            self._stream = None
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._wav is not None:
            self._wav.close()
        if self.reason is None:
            self.reason = "stopped"
        if self._error is not None:
            raise AudioError(
                f"recording failed: {_clean(self._error)}; the audio so far is in {self.path}"
            )
        return Recording(
            path=str(self.path),
            duration=self.seconds,
            reason=self.reason,
            speech_detected=self.speech_detected,
            overflows=self.overflows,
        )

    def audio(self) -> np.ndarray:
        """Everything recorded (16 kHz mono float32), when keep_audio is on."""
        import numpy as np

        return np.concatenate(self._blocks) if self._blocks else np.zeros(0, dtype=np.float32)

    # -------------------------------------------------------------- threads
    def _callback(self, indata, frames, time_info, status) -> None:  # PortAudio thread
        if status and getattr(status, "input_overflow", False):
            self.overflows += 1
        self._queue.put(indata[:, 0].copy())

    def _consume(self) -> None:
        resampler = _Resampler(self._rate, SAMPLE_RATE) if self._rate != SAMPLE_RATE else None
        wav = self._wav
        if wav is None:
            return
        while True:
            block = self._queue.get()
            if block is None:
                return
            try:
                if resampler is not None:
                    block = resampler(block)
                gate = self.gate if self.gate is not None and self.gate.closed else None
                # Every block is scored once, in order (the scorer keeps a partial frame).
                probs = self._scorer(block) if gate is not None or not self._ended.is_set() else []
                if gate is not None:  # the interviewer speaks
                    block, probs = _through_gate(gate, block, probs)
                wav.write(block)
                self._frames += len(block)
                if self.keep_audio:
                    self._blocks.append(block)
                self.level_db = rms_dbfs(block)
                if not self._ended.is_set():
                    state = self._detector.feed(probs)
                    if self.mode == "hands-free" and state == "ended":
                        reason = self._detector.reason or "silence"
                        self.reason = reason
                        self._ended.set()
                        if self.on_end is not None:
                            self.on_end(reason)
                    elif self.seconds >= self.vad_params.max_seconds:
                        self.reason = "max-length"
                        self._ended.set()
                        if self.on_end is not None:
                            self.on_end(self.reason)
                if self.on_audio is not None:
                    self.on_audio(block)
            except Exception as exc:  # noqa: BLE001 - reported by stop()
                self._error = exc
                self._ended.set()


def _through_gate(
    gate: CaptureGate, block: np.ndarray, probs: list[float]
) -> tuple[np.ndarray, list[float]]:
    """What the recorder keeps of a block heard while the gate is closed: silence, or at a
    barge-in the onset's blocks with their scores."""
    import numpy as np

    kept = gate.heard(probs, block)
    if not kept:
        return block * 0.0, [0.0] * len(probs)
    return np.concatenate([b for b, _ in kept]), [p for _, scores in kept for p in scores]


class _Resampler:
    """Linear-interpolation resampler for a continuous stream (device rate -> 16 kHz)."""

    def __init__(self, src: int, dst: int):
        self.step = src / dst
        self.pos = 0.0
        self.last = None

    def __call__(self, block: np.ndarray) -> np.ndarray:
        import numpy as np

        data = block if self.last is None else np.concatenate([[self.last], block])
        positions = np.arange(self.pos, len(data) - 1, self.step)
        out = np.interp(positions, np.arange(len(data)), data).astype(np.float32)
        self.pos = (
            positions[-1] + self.step - (len(data) - 1)
            if len(positions)
            else self.pos - (len(data) - 1)
        )
        self.pos = max(self.pos, 0.0)
        self.last = data[-1]
        return out
