"""Conversation state, rebuilt from journal events (event sourcing). Pure: no I/O, no clock.

The engine decides what happens, writes it to the journal as an event, then `apply`s the same
event here. Resuming a session is therefore just applying the journal's events in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from agent.interview.intents import GRADED, Intent
from agent.interview.text import normalize

PromptKind = Literal["question", "follow_up", "repeat", "clarify", "redirect", "decline", "nudge"]

NON_ANSWER_LIMIT = 5
"""After this many non-answers in a row to the pending question (repeat, clarify, decline, redirect, nudge) the
interviewer moves on, so a candidate can never trap it in a loop."""


@dataclass(frozen=True)
class Prompt:
    """Something the interviewer says and then waits for an answer to."""

    turn: int
    """1-based; the answer to this prompt carries the same turn."""
    question_id: str
    text: str
    follow_up: bool = False
    """True while the pending question is a follow-up (also for a repeat of a follow-up)."""
    targets: tuple[str, ...] = ()
    """Key point / misconception ids the pending question probes."""
    kind: PromptKind = "question"
    """question | follow_up: a new question. repeat: the pending question again, verbatim.
    clarify: a scope note (the answer is still pending). redirect: back to the question after an
    off-topic answer. decline: refused a request for the answer or a role change. nudge: a gentle
    re-prompt after an empty answer (contains the question again)."""
    probe_id: str | None = None
    index: int = 1
    """1-based position of the question in the plan."""
    total: int = 1
    """Questions in the plan."""

    @property
    def is_new_question(self) -> bool:
        return self.kind in ("question", "follow_up")


SET_ASIDE = "set_aside"
"""The intent a reply takes in `QuestionState.answers` once the interviewer redirected it."""


@dataclass
class QuestionState:
    question_id: str
    asked: list[Prompt] = field(default_factory=list)
    answers: list[tuple[int, str, str]] = field(default_factory=list)
    """(turn, text, intent) for every reply to this question, graded or not."""
    follow_ups: int = 0
    probes_asked: list[str] = field(default_factory=list)
    targets_asked: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Replies by intent (answer, empty, repeat, clarify, injection, off_topic, ...)."""
    non_answers: int = 0
    """Non-answers to the pending question (reset when a new question or follow-up is asked)."""
    pending_counts: dict[str, int] = field(default_factory=dict)
    """Replies by intent to the pending question (reset like `non_answers`)."""
    redirects: int = 0
    """Times the interviewer brought the candidate back to this question (at most once)."""
    grade: dict[str, Any] | None = None
    """Latest grade event for this question (the final one once the question is done)."""
    started_at: float | None = None
    """Interview seconds when the question was first asked."""
    done: bool = False

    @property
    def pending(self) -> Prompt | None:
        """The last real question (main or follow-up) asked for this question id."""
        for p in reversed(self.asked):
            if p.is_new_question:
                return p
        return None

    def answer_text(self) -> str:
        """Everything said that counts as an answer to this question, in order."""
        return "\n".join(t for _, t, i in self.answers if i in GRADED and t.strip())

    def count(self, intent: str) -> int:
        return self.counts.get(intent, 0)

    def set_aside_last_answer(self) -> None:
        """The last reply did not answer this question (the interviewer brought the candidate
        back to it: off topic, or an answer to another question), so it is not graded with the
        answers that follow. It stays in the journal and the debrief."""
        if self.answers:
            turn, text, _intent = self.answers[-1]
            self.answers[-1] = (turn, text, SET_ASIDE)


@dataclass
class ConversationState:
    plan: list[str]
    max_follow_ups: int = 3
    budget_seconds: float = 45 * 60
    question_minutes: dict[str, float] = field(default_factory=dict)
    questions: dict[str, QuestionState] = field(default_factory=dict)
    index: int = -1
    """0-based position in `plan` of the current question (-1 before the first)."""
    turn: int = 0
    current: Prompt | None = None
    answered_turns: set[int] = field(default_factory=set)
    asked_texts: set[str] = field(default_factory=set)
    last_decision: dict[str, Any] | None = None
    elapsed: float = 0.0
    """Interview seconds at the last applied event."""
    fallback: bool = False
    """The LLM policy failed once; the offline policy runs for the rest of the session."""
    finished: bool = False
    end_reason: str | None = None
    draft: tuple[str, str] | None = None
    """(question id, text) the candidate had not sent when the interview last stopped; an answer
    clears it."""

    @classmethod
    def from_start(cls, event: dict[str, Any]) -> ConversationState:
        return cls(
            plan=list(event.get("plan") or []),
            max_follow_ups=int(event.get("max_follow_ups", 3)),
            budget_seconds=float(event.get("budget_seconds", 45 * 60)),
            question_minutes=dict(event.get("question_minutes") or {}),
        )

    # ---- queries ----
    @property
    def question_id(self) -> str | None:
        return self.plan[self.index] if 0 <= self.index < len(self.plan) else None

    @property
    def qstate(self) -> QuestionState | None:
        qid = self.question_id
        return self.questions.get(qid) if qid else None

    @property
    def awaiting_answer(self) -> bool:
        return self.current is not None and self.current.turn not in self.answered_turns

    def was_asked(self, text: str) -> bool:
        return normalize_question(text) in self.asked_texts

    def remaining(self) -> float:
        return self.budget_seconds - self.elapsed

    # ---- event application ----
    def apply(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if "elapsed" in event:
            try:
                self.elapsed = max(self.elapsed, float(event["elapsed"]))
            except (TypeError, ValueError):
                pass
        if kind == "question":
            self._apply_question(event)
        elif kind == "answer":
            self._apply_answer(event)
        elif kind == "grade":
            q = self.questions.get(event.get("question_id", ""))
            if q is not None:
                q.grade = event
        elif kind == "decision":
            self.last_decision = event
            if event.get("action") == "redirect":
                q = self.questions.get(event.get("question_id") or "") or self.qstate
                if q is not None:
                    q.redirects += 1
                    q.set_aside_last_answer()
            if event.get("action") in ("next", "wrap_up"):
                q = self.questions.get(event.get("question_id") or "") or self.qstate
                if q is not None:
                    q.done = True
        elif kind == "notice":
            if event.get("kind") == "fallback" and event.get("source", "policy") == "policy":
                self.fallback = True
        elif kind == "draft":
            self.draft = (str(event.get("question_id", "")), str(event.get("text", "")))
        elif kind == "session_end":
            self.finished = True
            self.end_reason = event.get("reason")

    def _apply_question(self, event: dict[str, Any]) -> None:
        qid = event["question_id"]
        if qid in self.plan:
            self.index = self.plan.index(qid)
        q = self.questions.setdefault(qid, QuestionState(qid))
        kind: PromptKind = event.get("kind") or (
            "follow_up" if event.get("follow_up") else "question"
        )
        prompt = Prompt(
            turn=int(event["turn"]),
            question_id=qid,
            text=event.get("text", ""),
            follow_up=bool(event.get("follow_up")),
            targets=tuple(event.get("targets") or ()),
            kind=kind,
            probe_id=event.get("probe_id"),
            index=self.index + 1,
            total=len(self.plan),
        )
        self.turn = max(self.turn, prompt.turn)
        self.current = prompt
        q.asked.append(prompt)
        if q.started_at is None:
            q.started_at = float(event.get("elapsed", self.elapsed) or 0.0)
        if kind in ("question", "follow_up"):
            self.asked_texts.add(normalize_question(prompt.text))
        if kind in ("question", "follow_up") and not event.get("reask"):
            q.non_answers = 0
            q.pending_counts = {}
        if kind == "follow_up" and not event.get("reask"):
            q.follow_ups += 1
            if prompt.probe_id:
                q.probes_asked.append(prompt.probe_id)
            q.targets_asked.extend(prompt.targets)

    def _apply_answer(self, event: dict[str, Any]) -> None:
        turn = int(event["turn"])
        qid = event.get("question_id", "")
        q = self.questions.setdefault(qid, QuestionState(qid))
        intent = event.get("intent") or Intent.ANSWER.value
        q.answers.append((turn, event.get("text", ""), intent))
        q.counts[intent] = q.counts.get(intent, 0) + 1
        q.pending_counts[intent] = q.pending_counts.get(intent, 0) + 1
        if intent not in GRADED and intent not in (Intent.SKIP, Intent.DONT_KNOW):
            q.non_answers += 1
        self.answered_turns.add(turn)
        self.draft = None


def normalize_question(text: str) -> str:
    return " ".join(w for w in normalize(text).replace("?", " ").split())
