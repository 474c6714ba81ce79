"""Stage 5 of the offline grader: assemble the `Grade`.

It is built from the scored criteria and the judgements (per key point and misconception:
verdict, confidence and verbatim evidence)."""

from __future__ import annotations

from agent.bank.models import Rubric
from agent.grading.judgement import Judgement, Method
from agent.grading.models import CriterionScore, Grade, KeyPointResult, MisconceptionResult
from agent.grading.score import Scored


def round2(x: float) -> float:
    return float(f"{x + 1e-9:.2f}")


def assemble_grade(
    rubric: Rubric, scored: Scored, judgements: list[Judgement], method: Method
) -> Grade:
    by_id = {j.target.id: j for j in judgements}
    graded = scored.status is None

    def kp(k_id: str) -> KeyPointResult:
        j = by_id[k_id]
        return KeyPointResult(
            id=k_id,
            covered=graded and j.credit >= 0.5,
            # not covered but with evidence = mentioned without being explained
            evidence=list(j.quotes) if graded and (j.credit > 0 or j.verdict != "neither") else [],
            judgement=j.verdict if graded else "neither",
            confidence=round2(j.confidence) if graded else 0.0,
        )

    def mc(m_id: str) -> MisconceptionResult:
        j = by_id[m_id]
        detected = graded and j.verdict == "entails"
        return MisconceptionResult(
            id=m_id,
            detected=detected,
            evidence=list(j.quotes) if detected else [],
            judgement=j.verdict if graded else "neither",
            confidence=round2(j.confidence) if graded else 0.0,
        )

    return Grade(
        question_id=rubric.id,
        overall=round2(scored.overall),
        criteria=[
            CriterionScore(id=c.id, score=c.score, rationale=c.rationale, evidence=list(c.evidence))
            for c in scored.criteria
        ],
        key_points=[kp(k.id) for k in rubric.key_points],
        misconceptions=[mc(m.id) for m in rubric.misconceptions],
        grader="offline",
        status=scored.status or "graded",
        notes=list(scored.notes),
        judged_by=method,
    )
