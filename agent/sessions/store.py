"""Reading sessions back, one (`read_session`) or all (`list_sessions`).

Scores. Every grade event carries the grade of EVERYTHING the candidate said on that question so
far (main answer plus follow-up answers, graded together against the question's rubric), so the
per-question score is simply the latest grade event for that question id: the offline grade
written at once, replaced by the LLM grade when one arrives. A question the candidate left
without answering (skip, "I don't know", silence) is graded too and scores 0; questions never
reached are not counted. The session's overall score is the mean of the per-question scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from agent import locations
from agent.errors import UsageError
from agent.sessions.events import QuestionAsked
from agent.sessions.journal import JOURNAL_NAME, read_events, session_dir

REAL_ANSWER_INTENTS = ("answer", "off_topic")


def mean_score(scores: Iterable[float | None]) -> float | None:
    """The mean of the scores given (None entries skipped), rounded to 2 places; None when there
    is none. Session, topic and trend averages all use this."""
    values = [s for s in scores if s is not None]
    return round(sum(values) / len(values), 2) if values else None


class Turn(QuestionAsked):
    """One thing the interviewer said (its question event, as journaled) and what the candidate
    replied."""

    kind: str = ""
    """question or follow_up (the journal's `kind`, else told by `follow_up`)."""
    answer: dict[str, Any] | None = None
    """The answer event (text, source, audio, metrics, seconds, intent) or None."""
    grades: list[dict[str, Any]] = Field(default_factory=list)
    """Grade events written for this turn (offline first, then the LLM's)."""
    decisions: list[dict[str, Any]] = Field(default_factory=list)


@dataclass
class QuestionRecord:
    question_id: str
    text: str
    index: int
    turns: list[int] = field(default_factory=list)
    follow_ups: int = 0
    answered: bool = False
    """At least one real answer (not only repeat/clarify/don't know/silence)."""
    grade: dict[str, Any] | None = None
    """The final grade (a grading.models.Grade as JSON), or None if never graded."""

    @property
    def score(self) -> float | None:
        return None if self.grade is None else float(self.grade.get("overall", 0.0))


@dataclass
class SessionRecord:
    session_id: str
    path: Path
    started: str = ""
    ended: str | None = None
    track: str = ""
    mode: str = ""
    policy: str = ""
    grader: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    status: str = "interrupted"
    """complete (the plan was finished or the time ran out) or interrupted (a crash, a quit or
    EOF before the end: such a session can be resumed)."""
    end_reason: str | None = None
    plan: list[str] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    questions: list[QuestionRecord] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    draft: str | None = None
    """An answer typed but not sent when the session stopped (kept for a resume), if any."""

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.answered)

    @property
    def overall(self) -> float | None:
        return mean_score(q.score for q in self.questions)

    def summary(self) -> SessionSummary:
        return SessionSummary(
            id=self.session_id,
            date=self.started,
            track=self.track,
            mode=self.mode,
            answered=self.answered,
            questions=len(self.questions),
            overall=self.overall,
            status=self.status,
        )


@dataclass
class SessionSummary:
    id: str
    date: str
    track: str
    mode: str
    answered: int
    """Questions with at least one real answer."""
    questions: int
    """Questions asked."""
    overall: float | None
    """Mean per-question score 0-4 (None before any grade)."""
    status: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_record(session_id: str, path: Path, events: list[dict[str, Any]]) -> SessionRecord:
    """Fold journal events into a record. Unknown event types and fields are ignored."""
    rec = SessionRecord(session_id=session_id, path=path, events=events)
    by_turn: dict[int, Turn] = {}
    by_q: dict[str, QuestionRecord] = {}
    last_question_seq = 0
    last_end: dict[str, Any] | None = None
    for ev in events:
        kind = ev.get("type")
        try:
            if kind == "session_start":
                rec.started = ev.get("ts", "")
                rec.track = str(ev.get("track", ""))
                rec.mode = str(ev.get("mode", ""))
                rec.policy = str(ev.get("policy", ""))
                rec.grader = str(ev.get("grader", ""))
                rec.settings = dict(ev.get("settings") or {})
                rec.plan = list(ev.get("plan") or [])
            elif kind == "question":
                t = Turn.model_validate(ev)
                t.kind = t.kind or ("follow_up" if t.follow_up else "question")
                by_turn[t.turn] = t
                rec.turns.append(t)
                q = by_q.get(t.question_id)
                if q is None:
                    index = (
                        rec.plan.index(t.question_id) + 1
                        if t.question_id in rec.plan
                        else len(by_q) + 1
                    )
                    q = by_q[t.question_id] = QuestionRecord(t.question_id, t.text, index)
                q.turns.append(t.turn)
                if t.kind == "follow_up" and not ev.get("reask"):
                    q.follow_ups += 1
                last_question_seq = int(ev.get("seq", 0) or 0)
            elif kind == "answer":
                rec.draft = None
                turn = by_turn.get(int(ev["turn"]))
                if turn is not None:
                    turn.answer = ev
                q = by_q.get(str(ev.get("question_id", "")))
                if q is not None and ev.get("intent", "answer") in REAL_ANSWER_INTENTS:
                    if str(ev.get("text", "")).strip():
                        q.answered = True
            elif kind == "grade":
                turn = by_turn.get(int(ev.get("turn", 0) or 0))
                if turn is not None:
                    turn.grades.append(ev)
                q = by_q.get(str(ev.get("question_id", "")))
                if q is not None and isinstance(ev.get("grade"), dict):
                    q.grade = ev["grade"]
            elif kind == "decision":
                turn = by_turn.get(int(ev.get("turn", 0) or 0))
                if turn is not None:
                    turn.decisions.append(ev)
            elif kind == "notice":
                rec.notices.append(ev)
            elif kind == "draft":
                rec.draft = str(ev.get("text", "")) or None
            elif kind == "session_end":
                last_end = ev
        except (KeyError, TypeError, ValueError):
            continue  # a malformed event from a future or broken writer: skip it
    rec.questions = sorted(by_q.values(), key=lambda q: q.index)
    if last_end is not None and int(last_end.get("seq", 0) or 0) > last_question_seq:
        rec.ended = last_end.get("ts")
        rec.end_reason = last_end.get("reason")
        if rec.end_reason in ("completed", "time"):
            rec.status = "complete"
    return rec


def read_session(session_id: str, root: Path | None = None) -> SessionRecord:
    folder = session_dir(session_id, root)
    path = folder / JOURNAL_NAME
    if not path.exists():
        raise UsageError(f"no session {session_id!r} (see 'viva sessions list')")
    return build_record(session_id, folder, read_events(path))


def list_sessions(root: Path | None = None) -> list[SessionSummary]:
    """Summaries of every session, newest first. Unreadable folders are skipped."""
    root = root or locations.sessions_dir()
    if not root.is_dir():
        return []
    out: list[SessionSummary] = []
    for folder in sorted(root.iterdir(), reverse=True):
        path = folder / JOURNAL_NAME
        if not folder.is_dir() or not path.is_file():
            continue
        try:
            out.append(build_record(folder.name, folder, read_events(path)).summary())
        except UsageError:
            continue
    return out
