"""LLM gradings put together and checked against the offline judgement.

- `combine_samples`: with `grader_samples = N`, each criterion's score is the median of the N
  gradings (its evidence from the grading closest to it); a key point is covered when most
  gradings say so, with the share that agreed as its confidence.
- `cross_check`: every LLM grade is compared with the offline grade of the same answer; where a
  criterion differs by `DISAGREEMENT` (1.5) or more, the grade carries a `Disagreement` with
  both scores and the evidence each used, and the debrief shows both.
"""

from __future__ import annotations

from statistics import median

from agent.bank.models import Rubric
from agent.grading.models import CriterionScore, Disagreement, Grade, KeyPointResult

DISAGREEMENT = 1.5


def combine_samples(rubric: Rubric, grades: list[Grade]) -> Grade:
    if len(grades) == 1:
        return grades[0]
    first = grades[0]
    criteria: list[CriterionScore] = []
    for i, crit in enumerate(first.criteria):
        scores = [g.criteria[i].score for g in grades]
        mid = median(scores)
        closest = min(grades, key=lambda g: abs(g.criteria[i].score - mid))
        c = closest.criteria[i]
        criteria.append(
            CriterionScore(
                id=crit.id,
                score=int(round(mid + 1e-9)),
                rationale=f"{c.rationale} [median of {len(grades)} gradings: {scores}]",
                evidence=c.evidence,
                supported=c.supported,
            )
        )
    key_points: list[KeyPointResult] = []
    for i, kp in enumerate(first.key_points):
        votes = [g.key_points[i] for g in grades]
        entail = [v for v in votes if v.judgement == "entails"]
        contra = [v for v in votes if v.judgement == "contradicts"]
        winner = max((entail, "entails"), (contra, "contradicts"), key=lambda x: len(x[0]))
        if len(winner[0]) * 2 > len(votes):
            verdict, agree = winner[1], winner[0]
        else:
            verdict, agree = "neither", [v for v in votes if v.judgement == "neither"]
        key_points.append(
            KeyPointResult(
                id=kp.id,
                covered=verdict == "entails",
                evidence=agree[0].evidence if agree and verdict != "neither" else [],
                judgement=verdict,  # type: ignore[arg-type]
                confidence=round(len(agree) / len(votes), 2),
            )
        )
    misconceptions = []
    for i, _mc in enumerate(first.misconceptions):
        votes_mc = [g.misconceptions[i] for g in grades]
        hits = [v for v in votes_mc if v.detected]
        mc = (
            hits[0]
            if len(hits) * 2 > len(votes_mc)
            else votes_mc[0].model_copy(
                update={"detected": False, "evidence": [], "judgement": "neither"}
            )
        )
        agree_n = len(hits) if mc.detected else len(votes_mc) - len(hits)
        misconceptions.append(
            mc.model_copy(update={"confidence": round(agree_n / len(votes_mc), 2)})
        )
    weights = {c.id: c.weight for c in rubric.criteria} or {"reference": 1.0}
    total = sum(weights.get(c.id, 0.0) for c in criteria) or 1.0
    overall = sum(weights.get(c.id, 0.0) * c.score for c in criteria) / total
    notes = list(dict.fromkeys(n for g in grades for n in g.notes))
    return first.model_copy(
        update={
            "criteria": criteria,
            "key_points": key_points,
            "misconceptions": misconceptions,
            "overall": round(max(0.0, min(4.0, overall)), 2),
            "notes": notes,
            "samples": len(grades),
        }
    )


def cross_check(llm: Grade, offline: Grade) -> Grade:
    """The LLM grade with `disagreement` filled where the offline judgement differs a lot."""
    by_id = {c.id: c for c in offline.criteria}
    found: list[Disagreement] = []
    for c in llm.criteria:
        off = by_id.get(c.id)
        if off is None or abs(c.score - off.score) < DISAGREEMENT:
            continue
        found.append(
            Disagreement(
                criterion=c.id,
                llm_score=c.score,
                offline_score=off.score,
                llm_evidence=list(c.evidence),
                offline_evidence=list(off.evidence),
            )
        )
    if not found:
        return llm
    notes = list(llm.notes) + [
        "the offline judgement differs on "
        + ", ".join(
            f"{d.criterion} (LLM {d.llm_score:g}, offline {d.offline_score:g})" for d in found
        )
    ]
    return llm.model_copy(update={"disagreement": found, "notes": notes})
