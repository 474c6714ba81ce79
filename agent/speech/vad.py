"""Voice activity: speech scores per frame and hands-free turn ends.

The turn end is a state machine over the frame scores.

Two scorers give each ~32 ms frame a speech probability:
- `SileroScorer` (default): the Silero VAD ONNX model shipped inside faster-whisper, run on new
  512-sample windows as audio arrives (~3% of one core). Robust to steady noise and hum.
- `EnergyScorer`: RMS energy over an adaptive noise floor; no model, used if onnxruntime or the
  Silero file is unavailable.

`TurnDetector` is a small state machine with a params model (pipecat-style): WAITING until
speech lasts `min_speech_seconds`, then SPEAKING until `silence_seconds` of silence (generous by
default, 3 s, because candidates pause to think) or the hard cap `max_seconds`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from agent.speech import SAMPLE_RATE

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

WINDOW = 512
"""Samples per VAD frame (32 ms at 16 kHz)."""
FRAME_SECONDS = WINDOW / SAMPLE_RATE


def rms_dbfs(samples: np.ndarray) -> float:
    """Level of a block in dB relative to full scale (-120 for digital silence)."""
    import numpy as np

    if samples.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20.0 * math.log10(rms) if rms > 1e-6 else -120.0


class _Framer:
    """Cuts a stream of arbitrary-size chunks into WINDOW-sample frames."""

    def __init__(self) -> None:
        import numpy as np

        self._rest = np.zeros(0, dtype=np.float32)

    def frames(self, chunk: np.ndarray) -> np.ndarray:
        import numpy as np

        data = np.concatenate([self._rest, np.asarray(chunk, dtype=np.float32).reshape(-1)])
        n = len(data) // WINDOW
        self._rest = data[n * WINDOW :]
        return data[: n * WINDOW].reshape(n, WINDOW)


class EnergyScorer:
    """Speech probability from frame energy: 1 when `margin_db` above the tracked noise floor."""

    def __init__(
        self, margin_db: float = 12.0, floor_db: float = -60.0, min_speech_db: float = -45.0
    ):
        self.margin_db = margin_db
        self.noise_db = floor_db
        self.min_speech_db = min_speech_db
        self._framer = _Framer()

    def __call__(self, chunk: np.ndarray) -> list[float]:
        out: list[float] = []
        for frame in self._framer.frames(chunk):
            level = rms_dbfs(frame)
            speech = level > max(self.noise_db + self.margin_db, self.min_speech_db)
            # Noise floor: falls fast, rises slowly (so speech does not become "noise").
            rate = 0.2 if level < self.noise_db else 0.005
            if not speech:
                self.noise_db += rate * (level - self.noise_db)
            out.append(1.0 if speech else 0.0)
        return out


class SileroScorer:
    """Silero VAD probabilities for each new 512-sample frame (64 samples of left context)."""

    def __init__(self) -> None:
        import numpy as np
        from faster_whisper.vad import get_vad_model

        self._model = get_vad_model()
        self._framer = _Framer()
        self._previous = np.zeros(WINDOW, dtype=np.float32)

    def __call__(self, chunk: np.ndarray) -> list[float]:
        import numpy as np

        frames = self._framer.frames(chunk)
        if len(frames) == 0:
            return []
        # The model takes each window's left context from the window before it: prepend the
        # last frame of the previous call and drop its score.
        batch = np.concatenate([self._previous, frames.reshape(-1)])
        self._previous = frames[-1].copy()
        probs = self._model(batch)
        return [float(p) for p in np.asarray(probs).reshape(-1)[1:]]


def make_scorer(kind: Literal["auto", "silero", "energy"] = "auto"):
    """The Silero scorer when it loads, else the energy one (or exactly the kind asked for)."""
    if kind == "energy":
        return EnergyScorer()
    try:
        return SileroScorer()
    except Exception:  # noqa: BLE001 - onnxruntime/Silero missing or broken
        if kind == "silero":
            raise
        return EnergyScorer()


class VadParams(BaseModel):
    """Hands-free turn-taking parameters."""

    threshold: float = Field(0.5, gt=0, lt=1)
    """A frame with speech probability at or above this is speech."""
    min_speech_seconds: float = Field(0.25, ge=0)
    """Speech must last this long before the answer counts as started (clicks, coughs)."""
    silence_seconds: float = Field(3.0, gt=0)
    """This much silence after speech ends the answer (settings.silence_seconds)."""
    max_seconds: float = Field(240.0, gt=0)
    """Hard cap on the answer's length (settings.max_answer_seconds)."""
    no_speech_seconds: float | None = None
    """End with reason 'no-speech' when nothing is said for this long (None: wait forever)."""

    @classmethod
    def from_settings(cls, settings) -> VadParams:
        return cls(
            silence_seconds=getattr(settings, "silence_seconds", 3.0),
            max_seconds=getattr(settings, "max_answer_seconds", 240.0),
        )


TurnState = Literal["waiting", "speaking", "ended"]
EndReason = Literal["silence", "max-length", "no-speech", "stopped"]


@dataclass
class TurnDetector:
    """Feed frame probabilities; `state` becomes 'ended' with `reason` when the turn is over."""

    params: VadParams

    def __post_init__(self) -> None:
        self.state: TurnState = "waiting"
        self.reason: EndReason | None = None
        self.elapsed = 0.0
        self.speech_run = 0.0
        self.silence_run = 0.0
        self.speech_started_at: float | None = None
        self.last_speech_at: float | None = None

    def feed(self, probabilities: list[float], frame_seconds: float = FRAME_SECONDS) -> TurnState:
        p = self.params
        for prob in probabilities:
            if self.state == "ended":
                break
            self.elapsed += frame_seconds
            if prob >= p.threshold:
                self.speech_run += frame_seconds
                self.silence_run = 0.0
                self.last_speech_at = self.elapsed
                if self.state == "waiting" and self.speech_run >= p.min_speech_seconds:
                    self.state = "speaking"
                    self.speech_started_at = self.elapsed - self.speech_run
            else:
                self.silence_run += frame_seconds
                self.speech_run = 0.0
                if self.state == "speaking" and self.silence_run >= p.silence_seconds:
                    self._end("silence")
            if self.state != "ended" and self.elapsed >= p.max_seconds:
                self._end("max-length")
            if (
                self.state == "waiting"
                and p.no_speech_seconds is not None
                and self.elapsed >= p.no_speech_seconds
            ):
                self._end("no-speech")
        return self.state

    def _end(self, reason: EndReason) -> None:
        self.state = "ended"
        self.reason = reason
