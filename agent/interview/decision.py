"""The follow-up decision after a graded answer: follow up (and with what) or move on.

The offline policy always makes a choice; when an LLM interviewer is configured and the answer
left something out, the LLM policy is asked instead (its question streamed to the front end) and
the offline choice stands whenever the model fails or proposes something unsafe.

Streaming the follow-up to a front end (`Interview.start`/`resume` take both callbacks):
- `on_text_delta(text)`: the next piece of the follow-up question while the LLM policy's one
  structured call is still running (pieces in order; append them). Only the LLM policy streams;
  offline prompts never produce deltas.
- `on_text_reset()`: drop every piece shown since the last reset. Sent when an attempt is
  retried (a stream that broke off, a re-asked invalid reply), when the call fails (the
  offline policy takes over), and when the engine REJECTS the streamed question (it leaked
  the reference answer, repeats an earlier question, is too short) or the model chose to move
  on instead: the next prompt is then the offline choice or the next question.
- The reply is authoritative: when `answer()` returns, show `Reply.prompt.text` in place of
  the streamed text, always (an accepted question equals the streamed pieces up to whitespace
  normalisation; `Reply.prompt.kind` says whether it is a follow_up at all).
- Without `on_text_reset` the pieces simply stop at the first point a reset would be needed.
- Both are called synchronously on the thread that called `answer()`/`resume()`, while the
  engine holds its lock: keep them quick (post a message to the UI loop) and do not call the
  engine from them. An exception in one is logged and ends the streaming, never the interview.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.interview import policy_llm, policy_offline
from agent.interview.bridge import said_from_grade
from agent.interview.policy_offline import Choice

if TYPE_CHECKING:
    from agent.bank.models import Rubric
    from agent.config import Settings
    from agent.grading.models import Grade
    from agent.interview.state import ConversationState, QuestionState
    from agent.llm.client import LLMClient

MIN_FOLLOW_UP_SECONDS = 30.0
"""No follow-up is started with less than this left in the interview."""


def policy_client(settings: Settings) -> tuple[LLMClient | None, str]:
    """(the LLM interviewer's client or None, the policy label)."""
    from agent.llm.client import client_for_mode

    client = client_for_mode(settings, "interviewer", settings.policy_mode)
    if client is None:
        return None, "offline"
    return client, f"llm {client.label}"


@dataclass
class FollowUpDecider:
    """Chooses the next step after a graded answer. `on_fallback(message)` is called when the LLM
    policy fails (the engine journals the notice); the offline choice is used then."""

    llm: LLMClient | None
    label: str
    on_text_delta: Callable[[str], None] | None
    on_text_reset: Callable[[], None] | None
    on_fallback: Callable[[str], None]

    def decide(
        self,
        state: ConversationState,
        q: QuestionState,
        rubric: Rubric,
        grade: Grade,
        *,
        elapsed: float,
        remaining: float,
    ) -> Choice:
        left = state.max_follow_ups - q.follow_ups
        if left <= 0:
            return Choice("next", reason=f"follow-up limit ({state.max_follow_ups}) reached")
        if grade.status != "graded":
            return Choice("next", reason=f"answer graded as {grade.status}")
        budget = state.question_minutes.get(q.question_id, rubric.minutes) * 60.0
        if q.started_at is not None and elapsed - q.started_at >= budget:
            return Choice("next", reason="time for this question used")
        if remaining < MIN_FOLLOW_UP_SECONDS:
            return Choice("next", reason="interview time nearly up")
        said = said_from_grade(rubric, grade)
        last = q.answers[-1][1] if q.answers else ""
        offline = policy_offline.choose(
            rubric,
            missed=grade.missed_key_points,
            detected=grade.detected_misconceptions,
            probes_asked=q.probes_asked,
            was_asked=state.was_asked,
            follow_ups_left=left,
            said=[s for s in said if s.quote in last] or said,
            said_before=[p.text for p in q.asked],
        )
        if self.llm is None or state.fallback:
            return offline
        if not grade.missed_key_points and not grade.detected_misconceptions:
            return offline  # everything covered: no need to wait for the model to agree
        relay = TextRelay(self.on_text_delta, self.on_text_reset)
        try:
            messages, _version = policy_llm.build_messages(
                rubric,
                covered=[k.id for k in grade.key_points if k.covered],
                missed=grade.missed_key_points,
                detected=grade.detected_misconceptions,
                probes_asked=q.probes_asked,
                conversation=conversation(q),
                follow_ups_left=left,
                minutes_left=remaining / 60.0,
            )
            out = policy_llm.decide(
                self.llm, messages, on_delta=relay.on_delta, on_reset=relay.on_reset
            )
        except Exception as exc:  # ProviderError, or anything unexpected: never stop the interview
            relay.retract()
            self.on_fallback(self._fallback_message(exc))
            return offline
        choice = policy_llm.validate(
            out, rubric, fallback=offline, was_asked=state.was_asked, label=self.label
        )
        if choice.action == "wrap_up":
            choice = Choice(
                "next",
                reason=f"model asked to wrap up; moving on ({choice.reason})",
                policy=choice.policy,
            )
        if choice.action != "follow_up" or choice.policy == "offline":
            relay.retract()  # the streamed question is not what will be asked
        return choice

    def _fallback_message(self, exc: Exception) -> str:
        url = getattr(exc, "base_url", None) or getattr(
            getattr(self.llm, "provider", None), "base_url", "?"
        )
        cause = getattr(exc, "cause", None) or f"{type(exc).__name__}: {exc}"
        return f"The LLM interviewer at {url} failed ({cause}); continuing offline."


def conversation(q: QuestionState) -> list[tuple[str, str]]:
    """(speaker, text) of everything said on this question so far, in order."""
    answers = {turn: text for turn, text, _ in q.answers}
    out: list[tuple[str, str]] = []
    for p in q.asked:
        out.append(("interviewer", p.text))
        if p.turn in answers:
            out.append(("candidate", answers[p.turn]))
    return out


class TextRelay:
    """Forwards the LLM policy's streamed question to the front end and remembers whether
    something is on screen, so a rejected question can be retracted with one reset."""

    def __init__(self, on_delta: Callable[[str], None] | None, on_reset: Callable[[], None] | None):
        self._delta = on_delta
        self._reset = on_reset
        self.shown = False

    @property
    def on_delta(self) -> Callable[[str], None] | None:
        return self._forward if self._delta is not None else None

    @property
    def on_reset(self) -> Callable[[], None] | None:
        return self._cleared if (self._delta is not None and self._reset is not None) else None

    def _forward(self, text: str) -> None:
        self.shown = True
        if self._delta is not None:
            self._delta(text)  # an exception here is caught (and logged) by the LLM client

    def _cleared(self) -> None:
        self.shown = False
        if self._reset is not None:
            self._reset()

    def retract(self) -> None:
        """Tell the front end to drop the streamed text (when any is shown)."""
        if not self.shown:
            return
        self.shown = False
        if self._reset is None:
            return
        try:
            self._reset()
        except Exception:  # noqa: BLE001 - a front-end bug must not stop the interview
            logging.getLogger("viva.interview").warning("on_text_reset failed", exc_info=True)
