"""Progress across sessions: per-topic score trend, the most frequent misconceptions and the
drill plan, derived from every journal in the data dir (nothing stored, never stale)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from agent.report.build import topic_trends
from agent.report.drill import DrillPlan, build_drill_plan
from agent.report.history import graded_questions, rubric_for, score_of
from agent.report.model import TopicTrend
from agent.sessions.store import mean_score

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.sessions.store import SessionRecord

SCHEMA = "viva.progress/1"
TOP_MISCONCEPTIONS = 10


class SessionPoint(BaseModel):
    session_id: str
    date: str
    track: str
    mode: str
    score: float | None


class MisconceptionCount(BaseModel):
    question_id: str
    id: str
    claim: str
    correction: str
    count: int
    """Sessions in which it was detected."""
    last_date: str
    last_session: str


class ProgressReport(BaseModel):
    schema_: str = Field(SCHEMA, alias="schema")
    sessions: int
    graded_sessions: int
    overall: list[SessionPoint] = Field(default_factory=list)
    """Every graded session, oldest first."""
    trend: list[TopicTrend] = Field(default_factory=list)
    misconceptions: list[MisconceptionCount] = Field(default_factory=list)
    """Most frequent first (then most recent)."""
    drill: DrillPlan

    model_config = {"populate_by_name": True}

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True)


def build_progress(records: list[SessionRecord], bank: Bank | None) -> ProgressReport:
    records = sorted(records, key=lambda r: (r.started or "", r.session_id))
    graded = [r for r in records if graded_questions(r)]
    counts: dict[tuple[str, str], MisconceptionCount] = {}
    for record in graded:
        seen: set[tuple[str, str]] = set()
        for q in graded_questions(record):
            found = (q.grade or {}).get("misconceptions", [])
            for m in found if isinstance(found, list) else []:
                if not isinstance(m, dict) or not m.get("detected") or not m.get("id"):
                    continue
                key = (q.question_id, str(m["id"]))
                if key in seen:
                    continue
                seen.add(key)
                entry = counts.get(key)
                if entry is None:
                    rubric = rubric_for(record, q.question_id, bank)
                    mc = rubric.misconception(key[1]) if rubric else None
                    entry = counts[key] = MisconceptionCount(
                        question_id=key[0],
                        id=key[1],
                        claim=mc.claim if mc else key[1],
                        correction=mc.correction if mc else "",
                        count=0,
                        last_date="",
                        last_session="",
                    )
                entry.count += 1
                entry.last_date = (record.started or "")[:10]
                entry.last_session = record.session_id
    frequent = sorted(counts.values(), key=lambda m: (m.question_id, m.id))
    frequent.sort(key=lambda m: (-m.count, _neg(m.last_session)))
    return ProgressReport(
        sessions=len(records),
        graded_sessions=len(graded),
        overall=[
            SessionPoint(
                session_id=r.session_id,
                date=(r.started or "")[:10],
                track=r.track,
                mode=r.mode,
                score=_overall(r),
            )
            for r in graded
        ],
        trend=topic_trends(graded, bank),
        misconceptions=frequent[:TOP_MISCONCEPTIONS],
        drill=build_drill_plan(records, bank),
    )


def _overall(record: SessionRecord) -> float | None:
    return mean_score(score_of(q) for q in record.questions)


def _neg(text: str) -> tuple[int, ...]:
    """Sort key putting later session ids first."""
    return tuple(-ord(c) for c in text)
