"""Reference-answer mode of the offline grader: for questions that have only a reference answer
(no authored criteria), the score is the answer's similarity to the reference (0-1, x4), by
`agent.grading.reference` (question-demoted lexical recall, plus MiniLM token alignment when
installed). Key points derived from the reference are still judged and reported."""

from __future__ import annotations

from agent.bank.models import Rubric
from agent.grading import text as tx
from agent.grading.analyze import analyze_answer
from agent.grading.assemble import round2
from agent.grading.models import CriterionScore, Grade, KeyPointResult, MisconceptionResult
from agent.grading.score import STATUS_TEXT


def token_recall(question: str, reference: str, answer: str) -> float:
    """Share of the reference's content stems (question words demoted) found in the answer."""
    q = set(tx.content_stems(question))
    ref = [s for s in dict.fromkeys(tx.content_stems(reference)) if s != "not"]
    if not ref:
        return 0.0
    have = set(tx.content_stems(answer))
    weights = {s: (0.2 if s in q else 1.0) for s in ref}
    return sum(w for s, w in weights.items() if s in have) / sum(weights.values())


def _similarity(question: str, reference: str, answer: str) -> tuple[float, str]:
    try:
        from agent.grading.reference import reference_similarity  # type: ignore[attr-defined]
    except ImportError:
        return token_recall(question, reference, answer), "token recall"
    return float(reference_similarity(question, reference, answer)), "reference similarity"


def grade_reference(rubric: Rubric, answer: str, by_cues: Grade | None) -> Grade:
    """Reference-answer mode: the score is the similarity to the reference answer (0-1, x4);
    key points derived from the reference are still reported as covered or missed."""
    analyzed = analyze_answer(answer)
    inj = analyzed.set_aside
    status = analyzed.status
    reference = "\n".join(x for x in (rubric.reference.standard, rubric.reference.short) if x)
    notes = ["graded against the reference answer only"]
    kept = " ".join(p.text for p in analyzed.passages)
    sim, method = (0.0, "none") if status else _similarity(rubric.question, reference, kept)
    sim = max(0.0, min(1.0, sim))
    overall = 4.0 * sim
    if inj:
        overall = min(overall, 1.0)
        notes.append("text addressed to the grader was ignored; score capped at 1")
    if status:
        overall = 0.0
        notes.append(STATUS_TEXT[status])
    evidence = [p.text for p in analyzed.passages][:3] if not status else []
    criteria = [
        CriterionScore(
            id=rubric.criteria[0].id if len(rubric.criteria) == 1 else "reference",
            score=int(round(overall + 1e-9)),
            rationale=f"{method} with the reference answer: {sim:.2f}",
            evidence=evidence,
        )
    ]
    if len(rubric.criteria) > 1:
        # Derived criteria (e.g. main idea / coverage) each cover part of the reference: each is
        # scored on its own part, with the quotes that matched its points. The overall stays
        # the similarity with the whole reference.
        criteria = []
        cue_crit = {c.id: c for c in by_cues.criteria} if by_cues else {}
        for crit in rubric.criteria:
            part = "\n".join(k.text for k in rubric.key_points if k.criterion == crit.id)
            csim, _ = (
                (0.0, method) if status or not part else _similarity(rubric.question, part, kept)
            )
            csim = max(0.0, min(1.0, csim))
            cscore = 4.0 * csim if not inj else min(1.0, 4.0 * csim)
            cev = list(cue_crit[crit.id].evidence) if crit.id in cue_crit and not status else []
            criteria.append(
                CriterionScore(
                    id=crit.id,
                    score=int(round(cscore + 1e-9)),
                    rationale=f"{method} with this criterion's part of the reference "
                    f"({sum(1 for k in rubric.key_points if k.criterion == crit.id)} points): "
                    f"{csim:.2f}",
                    evidence=cev,
                )
            )
    return Grade(
        question_id=rubric.id,
        overall=round2(overall),
        criteria=criteria,
        key_points=by_cues.key_points
        if by_cues and not status
        else [KeyPointResult(id=k.id, covered=False) for k in rubric.key_points],
        misconceptions=by_cues.misconceptions
        if by_cues and not status
        else [MisconceptionResult(id=m.id, detected=False) for m in rubric.misconceptions],
        grader="offline",
        status=status or "graded",
        notes=notes,
    )
