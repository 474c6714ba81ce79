"""The offline grader, as a pipeline of named stages (each a module with a typed contract):

1. analyze (`analyze.py`): passages, fillers dropped, text aimed at the grader set aside,
   non-answers and bags of terms screened;
2. candidates (`candidates.py`): per key point and misconception, the stretches of the answer
   that may state it, ranked by meaning and by authored cues;
3. judge: does the answer state the key point, assert its opposite, or assert the
   misconception? By meaning with the NLI model (`judge_semantic.py`) when it is installed,
   else from authored cues alone (`judge_lexical.py`, the grade is then marked lexical);
4. score (`score.py`): criterion scores from the judgements and the level descriptors;
5. assemble (`assemble.py`): the `Grade`, with the judgement and confidence per key point.

Reference-only rubrics are scored by similarity to the reference (`reference_mode.py`).
"""

from __future__ import annotations

from agent.bank.models import Rubric
from agent.grading.analyze import AnalyzedAnswer, analyze_answer
from agent.grading.assemble import assemble_grade
from agent.grading.cues import compile_cue
from agent.grading.judge_lexical import judge_lexical
from agent.grading.judgement import Judgement, Method
from agent.grading.lexical import prepare
from agent.grading.models import Grade
from agent.grading.reference_mode import grade_reference, token_recall
from agent.grading.score import off_topic, score_criteria
from agent.grading.screening import injection_spans

__all__ = ["compile_cue", "grade_offline", "injection_spans", "prepare", "token_recall"]


def judge(rubric: Rubric, answer) -> tuple[list[Judgement], Method]:
    """Stage 3: the semantic judge when its model is installed, else the lexical one."""
    from agent.grading import judge_semantic

    model = judge_semantic.get_model()
    if model is None:
        return judge_lexical(rubric, answer), "lexical"
    return judge_semantic.judge_semantic(rubric, answer, model), "semantic"


def holistic(rubric: Rubric, answer: AnalyzedAnswer) -> float:
    """The kept answer's similarity to the reference answer (0-1; semantic when installed)."""
    from agent.grading.reference import reference_similarity

    reference = rubric.reference.compared
    kept = " ".join(p.plain for p in answer.passages)
    if not reference or not kept:
        return 0.0
    return reference_similarity(rubric.question, reference, kept)


def grade_rubric(rubric: Rubric, answer: str) -> Grade:
    analyzed = analyze_answer(answer)
    judgements, method = judge(rubric, analyzed)
    status = analyzed.status
    if status is None and off_topic(rubric, analyzed, judgements):
        status = "off_topic"
    scored = score_criteria(rubric, analyzed, judgements, status, holistic(rubric, analyzed))
    return assemble_grade(rubric, scored, judgements, method)


def grade_offline(rubric: Rubric, answer: str) -> Grade:
    """Grade one answer against a rubric on this machine. Deterministic and explained."""
    answer = answer or ""
    if rubric.reference_only or rubric.derived:
        by_cues = grade_rubric(rubric, answer) if rubric.criteria else None
        return grade_reference(rubric, answer, by_cues)
    return grade_rubric(rubric, answer)
