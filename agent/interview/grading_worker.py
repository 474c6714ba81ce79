"""Final grades from a slow (LLM) grader, made on one background thread while the interview goes
on. The offline grade of a question is journaled first; the final grade, when it arrives, is
journaled after it (the latest grade event of a question is its final grade). A failure keeps
the offline grades and is reported once.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.bank.models import Rubric
    from agent.config import Settings
    from agent.grading.models import Grade


def final_grader(settings: Settings) -> tuple[Any | None, str]:
    """(LLM grader or None, label). Offline grades are always made synchronously as well."""
    mode = settings.grader_mode
    if mode == "offline":
        return None, "offline"
    from agent.llm.presets import resolve_provider

    if mode == "auto" and resolve_provider(settings, "grader") is None:
        return None, "offline"
    from agent.grading.service import make_grader

    grader = make_grader(settings)
    label = getattr(grader, "label", "offline")
    if label == "offline":
        return None, "offline"
    return grader, label


@dataclass
class BackgroundGrader:
    """Grades submitted answers in order on one daemon thread (started on the first submit).

    `on_grade(turn, question_id, grade)` and `on_failure(cause)` run on that thread while
    holding `lock` (the engine's lock); `on_failure` is called for the first failure only."""

    grader: Any
    lock: threading.RLock
    on_grade: Callable[[int, str, Grade], None]
    on_failure: Callable[[str], None]
    _failed: bool = field(default=False, init=False)
    _futures: list[Future[Any]] = field(default_factory=list, init=False)
    _work: queue.Queue[tuple[Future[Any], Rubric, str, int]] | None = field(
        default=None, init=False
    )

    def submit(self, rubric: Rubric, text: str, turn: int) -> None:
        fut: Future[Any] = Future()
        self._futures.append(fut)
        if self._work is None:
            self._work = queue.Queue()
            threading.Thread(target=self._run, name="viva-grader", daemon=True).start()
        self._work.put((fut, rubric, text, turn))

    def wait(self, timeout: float | None = None) -> bool:
        """True when every submitted grade arrived within `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for fut in list(self._futures):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                fut.result(timeout=left)
            except Exception:
                return False
        return True

    def _run(self) -> None:
        assert self._work is not None
        while True:
            fut, rubric, text, turn = self._work.get()
            try:
                grade = self.grader.grade(rubric, text)
                with self.lock:
                    if grade.fallback:
                        self._fail(grade.fallback)
                    else:
                        self.on_grade(turn, rubric.id, grade)
                fut.set_result(grade)
            except Exception as exc:  # the offline grade is already journaled: keep it, say so
                with self.lock:
                    self._fail(getattr(exc, "cause", None) or str(exc))
                fut.set_result(None)

    def _fail(self, cause: str) -> None:
        if self._failed:
            return
        self._failed = True
        self.on_failure(cause)
