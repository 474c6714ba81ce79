"""The capture gate: the microphone muted while the interviewer speaks.

While the interviewer speaks (and a short tail after), the microphone's blocks are replaced by
silence, so the candidate's recording and transcript never contain the interviewer's voice.

The speaker holds the gate while it plays; the recorder asks `closed` for every block. In
hands-free mode the recorder still scores the real sound under the gate: when the candidate
starts talking over the interviewer (speech onset), `on_speech` is called once, and the app
cuts the interviewer off (barge-in). That works with headphones; through loudspeakers the
interviewer's own voice would count as speech, so there only the key cuts it off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

TAIL_SECONDS = 0.15
"""The gate stays closed this long after the last audio (the device's buffered tail, echo)."""
ONSET_FRAMES = 8
"""Consecutive speech frames (~32 ms each, ~0.25 s) that count as the candidate talking."""
PRE_ROLL_BLOCKS = 40
"""At a barge-in, this many of the last gated blocks (0.1 s each) are kept: the first words
(the onset is only recognised after ~0.25 s of speech, later under load)."""


class CaptureGate:
    def __init__(self, tail: float = TAIL_SECONDS, threshold: float = 0.5):
        self.tail = tail
        self.threshold = threshold
        self.on_speech: Callable[[], None] | None = None
        """Barge-in listener (hands-free); None: speech under the gate is just dropped."""
        self._holds = 0
        self._until = 0.0
        self._run = 0
        self._barged = False
        self._recent: list[tuple[np.ndarray, list[float]]] = []
        self._lock = threading.Lock()
        self.dropped_blocks = 0
        """Microphone blocks silenced so far (tests check the gate held)."""

    def hold(self) -> None:
        with self._lock:
            self._holds += 1
            self._run = 0
            self._barged = False
            self._recent = []

    def release(self) -> None:
        with self._lock:
            self._holds = max(0, self._holds - 1)
            self._until = time.monotonic() + self.tail

    @property
    def closed(self) -> bool:
        if self._barged:  # the candidate talks: their words pass from the onset on
            return False
        return self._holds > 0 or time.monotonic() < self._until

    def heard(
        self, probabilities: list[float], block: np.ndarray
    ) -> list[tuple[np.ndarray, list[float]]]:
        """A gated block and its speech probabilities. Returns [] (drop it) until a speech
        onset with a listener: then `on_speech` is called, the gate opens until the next
        hold(), and the blocks of the onset (the last PRE_ROLL_BLOCKS, each with its
        probabilities) are returned to keep."""
        listener = self.on_speech
        if listener is not None:
            self._recent.append((block, probabilities))
            del self._recent[:-PRE_ROLL_BLOCKS]
            for prob in probabilities:
                self._run = self._run + 1 if prob >= self.threshold else 0
                if self._run == ONSET_FRAMES:
                    self._barged = True
                    listener()
                    kept, self._recent = self._recent, []
                    return kept
        self.dropped_blocks += 1
        return []
