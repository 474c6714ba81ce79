"""Every step of an interview as a journal event: written (fsynced) first, then applied to the
conversation state, so the state is always what a resume would rebuild from the journal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent.interview.intents import GRADED
from agent.sessions.events import Decision, GradeRecorded, QuestionAsked

if TYPE_CHECKING:
    from pydantic import BaseModel

    from agent.grading.models import Grade
    from agent.interview.policy_offline import Choice
    from agent.interview.state import ConversationState, Prompt
    from agent.sessions.journal import Journal


class EventWriter:
    """Writes the interview's events. `elapsed()` gives the interview seconds stamped on each."""

    def __init__(
        self,
        journal: Journal,
        state: ConversationState,
        lock: threading.RLock,
        elapsed: Callable[[], float],
    ):
        self.journal = journal
        self.state = state
        self._lock = lock
        self._elapsed = elapsed

    def emit(self, event: BaseModel, **extra: Any) -> dict[str, Any]:
        with self._lock:
            data = self.journal.append(event, elapsed=round(self._elapsed(), 3), **extra)
            self.state.apply(data)
            return data

    def ask(
        self,
        qid: str,
        text: str,
        kind: str,
        *,
        index: int | None = None,
        follow_up: bool = False,
        probe_id: str | None = None,
        targets: list[str] | tuple[str, ...] = (),
        **extra: Any,
    ) -> None:
        """A prompt (`kind` as in state.Prompt); `index`: 1-based place in the plan."""
        self.emit(
            QuestionAsked(
                turn=self.state.turn + 1,
                question_id=qid,
                text=text,
                follow_up=follow_up,
                probe_id=probe_id,
                targets=list(targets),
            ),
            kind=kind,
            index=self.state.index + 1 if index is None else index,
            **extra,
        )

    def follow_up(self, qid: str, choice: Choice) -> None:
        self.ask(
            qid,
            choice.question,
            "follow_up",
            follow_up=True,
            probe_id=choice.probe_id,
            targets=choice.targets,
        )

    def keep_open(self, pending: Prompt, kind: str, text: str, **extra: Any) -> None:
        """A prompt that keeps the pending question open (repeat, clarify, decline, redirect,
        nudge): it carries the pending question's follow-up fields."""
        self.ask(
            pending.question_id,
            text,
            kind,
            follow_up=pending.follow_up,
            probe_id=pending.probe_id,
            targets=pending.targets,
            **extra,
        )

    def decision(
        self,
        prompt: Prompt,
        action: str,
        reason: str,
        *,
        targets: list[str] | tuple[str, ...] = (),
        policy: str = "offline",
        **extra: Any,
    ) -> None:
        extra = {k: v for k, v in extra.items() if v is not None}
        self.emit(
            Decision(
                turn=prompt.turn,
                action=action,  # type: ignore[arg-type]
                targets=list(targets),
                reason=reason,
                policy=policy,
            ),
            question_id=prompt.question_id,
            **extra,
        )

    def grade(self, turn: int, qid: str, grade: Grade) -> None:
        answer_turns = [t for t, _, i in self.state.questions[qid].answers if i in GRADED]
        self.emit(
            GradeRecorded(
                turn=turn,
                question_id=qid,
                overall=grade.overall,
                grade=grade.model_dump(mode="json"),
            ),
            scope="question",
            answer_turns=answer_turns,
        )
