"""The end-of-session summary a front end prints: scores, what was missed, the weakest points."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.bank.models import Rubric
    from agent.sessions.store import SessionRecord


@dataclass
class QuestionSummary:
    question_id: str
    question: str
    score: float | None
    """0-4, the question's final grade (None: asked but never graded)."""
    grader: str | None
    follow_ups: int
    answered: bool
    missed: list[str]
    """Texts of the key points the final grade found missing."""
    misconceptions: list[str]
    """Corrections for the misconceptions the final grade detected."""


@dataclass
class Summary:
    session_id: str
    track: str
    status: str
    overall: float | None
    answered: int
    asked: int
    planned: int
    elapsed: float
    questions: list[QuestionSummary]
    weakest: list[str]
    """Missed key points, those of answered questions first, heaviest first (at most 5)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_summary(
    rec: SessionRecord,
    rubrics: dict[str, Rubric],
    *,
    track: str,
    planned: int,
    elapsed: float,
) -> Summary:
    """The summary of `rec` (final grades as journaled so far) against the session's rubrics."""
    questions = []
    weak: list[tuple[bool, float, str]] = []
    for q in rec.questions:
        rubric = rubrics.get(q.question_id)
        grade = q.grade or {}
        missed_ids = [k["id"] for k in grade.get("key_points", []) if not k.get("covered")]
        detected = [m["id"] for m in grade.get("misconceptions", []) if m.get("detected")]
        missed = []
        if rubric is not None:
            for kid in missed_ids:
                kp = rubric.key_point(kid)
                if kp is not None:
                    missed.append(kp.text)
                    weak.append((not q.answered, -kp.weight, kp.text))
        corrections = [
            m.correction for m in (rubric.misconceptions if rubric else []) if m.id in detected
        ]
        questions.append(
            QuestionSummary(
                question_id=q.question_id,
                question=q.text,
                score=q.score,
                grader=grade.get("grader"),
                follow_ups=q.follow_ups,
                answered=q.answered,
                missed=missed,
                misconceptions=corrections,
            )
        )
    weakest = [t for *_, t in sorted(weak, key=lambda x: x[:2])][:5]
    return Summary(
        session_id=rec.session_id,
        track=track,
        status=rec.status,
        overall=rec.overall,
        answered=rec.answered,
        asked=len(rec.questions),
        planned=planned,
        elapsed=elapsed,
        questions=questions,
        weakest=weakest,
    )
