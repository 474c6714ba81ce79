"""Journal event shapes. A session is `<data>/sessions/<id>/journal.jsonl`, one event per line,
appended and fsynced the moment it happens; answer audio sits beside it as `turn-<n>.wav`.

Every event has `type`, `seq` (1, 2, ...) and `ts` (ISO 8601 UTC). Readers must ignore unknown
event types and unknown fields (newer writers may add them) and a torn last line (a crash).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Event(BaseModel):
    model_config = ConfigDict(extra="allow")

    seq: int = 0
    ts: str = ""


class SessionStart(_Event):
    type: Literal["session_start"] = "session_start"
    session_id: str
    track: str
    mode: Literal["text", "voice", "import"]
    policy: str
    """offline | llm (model label)"""
    grader: str
    """offline | llm (model label)"""
    settings: dict[str, Any] = Field(default_factory=dict)
    """Settings with secrets masked as '***'."""
    version: str = ""


class QuestionAsked(_Event):
    type: Literal["question"] = "question"
    turn: int
    """1-based turn number; an answer and its grade carry the same turn."""
    question_id: str
    text: str
    follow_up: bool = False
    probe_id: str | None = None
    targets: list[str] = Field(default_factory=list)


class AnswerGiven(_Event):
    type: Literal["answer"] = "answer"
    turn: int
    question_id: str
    text: str
    source: Literal["typed", "voice", "import"] = "typed"
    audio: str | None = None
    """Audio file name relative to the session folder."""
    metrics: dict[str, Any] | None = None
    """Delivery metrics (voice answers)."""
    seconds: float | None = None
    """How long the candidate took to answer."""


class DraftKept(_Event):
    """What the candidate had typed (or had transcribed) for a prompt but not sent when the
    interview stopped; a resume puts it back in front of them. An answer replaces it."""

    type: Literal["draft"] = "draft"
    turn: int
    question_id: str
    text: str


class GradeRecorded(_Event):
    type: Literal["grade"] = "grade"
    turn: int
    question_id: str
    overall: float
    grade: dict[str, Any]
    """A grading.models.Grade dumped as JSON."""


class Decision(_Event):
    type: Literal["decision"] = "decision"
    turn: int
    action: Literal[
        "follow_up", "next", "wrap_up", "repeat", "clarify", "redirect", "decline", "nudge"
    ]
    """nudge: a gentle re-prompt after an empty answer (added by the interviewer)."""
    targets: list[str] = Field(default_factory=list)
    reason: str = ""
    policy: str = "offline"


class Notice(_Event):
    type: Literal["notice"] = "notice"
    kind: Literal["fallback", "error", "info"] = "info"
    message: str


class SessionEnd(_Event):
    type: Literal["session_end"] = "session_end"
    session_id: str
    reason: Literal["completed", "quit", "eof", "time", "error"] = "completed"


Event = Annotated[
    SessionStart
    | QuestionAsked
    | AnswerGiven
    | DraftKept
    | GradeRecorded
    | Decision
    | Notice
    | SessionEnd,
    Field(discriminator="type"),
]
