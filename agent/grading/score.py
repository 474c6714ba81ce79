"""Stage 4 of the offline grader: score each criterion.

Each is scored from the judgements and its level descriptors.

A criterion's coverage is the weighted credit of its key points (0-1). Coverage is mapped onto
the rubric's 0-4 scale by a calibration curve that rises fast at first: an answer that states
the core of a criterion tersely sits at 2-3, as a human interviewer would put it, and only a
full one reaches 4 (`LEVEL_CURVE`; measured on the development set, see README). Then:
- a key point the answer contradicts costs `CONTRADICTION_PENALTY` levels on its criterion,
  and an asserted misconception its authored penalty (half of it when a later answer to the
  question states the right key point: the candidate corrected themselves);
- a phrase a level-1 or level-2 descriptor quotes ('Says "more threads is faster"') lifts the
  criterion to that level at least;
- vague but relevant talk earns at most `RELEVANCE_MAX` of the scale;
- a bag of terms scores at most `BAG_CAP`, text aimed at the grader at most `INJECTION_CAP`,
  and an answer with nothing to grade 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.bank.models import Rubric
from agent.grading import text as tx
from agent.grading.analyze import AnalyzedAnswer, Status
from agent.grading.cues import match_at
from agent.grading.judgement import Judgement
from agent.grading.rubric_index import RubricIndex, compile_rubric
from agent.grading.vocab import GENERIC

LEVEL_CURVE = (1.0, 1.0)
"""(saturation, exponent): credit = 4 * min(1, coverage / saturation) ** exponent."""
COVERAGE_WEIGHT = 0.3
REFERENCE_WEIGHT = 1.1
LEVEL_OFFSET = -0.4
COVERAGE_FLOOR = 0.8
"""A criterion keeps at least this share of its key-point level, however short the answer."""
"""Criterion level = COVERAGE_WEIGHT * (its key points' credit, 0-4) + REFERENCE_WEIGHT * (the
answer's similarity to the reference answer, 0-4) + LEVEL_OFFSET, before penalties and caps.
Fitted on the development set (tests/data/dev_blind.jsonl, MAE): answers written blind state
key points in words the key-point judge often misses, and the holistic similarity to the
reference answer ranks them better; coverage keeps the criteria apart."""
CONTRADICTION_PENALTY = 2.0
CORRECTED_SHARE = 0.5
"""Share of a misconception's penalty kept when a later answer to the same question states the
right key point (the candidate corrected themselves after a follow-up)."""
RELEVANCE_MAX = 0.25
RELEVANCE_HITS = 3
REFERENCE_LIFT = 0.2
BAG_CAP = 0.5
OFF_TOPIC_CREDIT = 0.15
"""Key-point credit below this (a faint similarity) does not make an answer on topic."""
INJECTION_CAP = 1.0
CREDIT_NEG_REACH = 4

STATUS_TEXT = {
    "empty": "no answer was given",
    "not_an_answer": "not an answer (a request to repeat, 'I don't know', or text aimed at the grader)",
    "off_topic": "the answer does not address this question",
}


@dataclass(frozen=True)
class CriterionResult:
    id: str
    credit: float
    """0-4, unrounded (the overall is their weighted mean)."""
    score: int
    rationale: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Scored:
    criteria: tuple[CriterionResult, ...]
    overall: float
    status: Status | None
    notes: tuple[str, ...]


def curve(coverage: float) -> float:
    saturation, exponent = LEVEL_CURVE
    return 4.0 * min(1.0, max(0.0, coverage) / saturation) ** exponent


def _level_floor(index: RubricIndex, crit_id: str, answer: AnalyzedAnswer) -> tuple[int, str]:
    """The highest level (1-2) whose quoted phrase the answer says outside negations."""
    best, phrase = 0, ""
    for level, cue in index.level_cues.get(crit_id, []):
        if level <= best:
            continue
        for s in answer.lexical:
            m = match_at(cue, s, near=CREDIT_NEG_REACH)
            if m is not None and not m[1]:
                best, phrase = level, cue.phrase
                break
    return best, phrase


def _relevance(index: RubricIndex, crit_id: str, answer: AnalyzedAnswer, quality: float) -> float:
    """Small credit for using a criterion's vocabulary outside negations, in real sentences,
    in an answer that names what the question is about."""
    vocab = index.crit_vocab.get(crit_id) or set()
    hits: set[str] = set()
    on_topic = False
    for s in answer.lexical:
        for k, t in enumerate(s.toks):
            if t.negated or t.filler or t.text in tx.FUNCTION_WORDS or t.stem in GENERIC:
                continue
            on_topic = on_topic or t.stem in index.topic
            if k < s.n_words and t.stem in vocab:
                hits.add(t.stem)
    if not vocab or not on_topic:
        return 0.0
    return RELEVANCE_MAX * min(1.0, len(hits) / RELEVANCE_HITS) * quality


def _reference_boost(index: RubricIndex, answer: AnalyzedAnswer) -> float:
    if not index.reference or not answer.lexical:
        return 0.0
    have = set().union(*(s.plain for s in answer.lexical))
    recall = sum(w for st, w in index.reference.items() if st in have) / sum(
        index.reference.values()
    )
    toks = sum(len(s.toks) for s in answer.lexical)
    quality = sum(s.quality * len(s.toks) for s in answer.lexical) / max(1, toks)
    return min(1.0, recall / 0.5) * quality


def corrected_later(
    text: str, wrong: tuple[str, ...] | list[str], right: list[tuple[str, ...]]
) -> str | None:
    """The quote of a key point (on the wrong claim's criterion) that a later answer states:
    everything said to a question is graded as one text, one answer per line, so a statement
    after a line break that follows the wrong claim is the candidate correcting themselves."""
    ends = [text.find(q) + len(q) for q in wrong if q and q in text]
    if not ends:
        return None
    line_break = text.find("\n", max(ends))
    if line_break < 0:
        return None
    return next((q for quotes in right for q in quotes if q and q in text[line_break:]), None)


def score_criteria(
    rubric: Rubric,
    answer: AnalyzedAnswer,
    judgements: list[Judgement],
    status: Status | None,
    holistic: float = 0.0,
) -> Scored:
    """`holistic`: the answer's similarity to the reference answer (0-1)."""
    index = compile_rubric(rubric)
    by_id = {j.target.id: j for j in judgements}
    notes: list[str] = []
    if answer.set_aside:
        notes.append(
            "text addressed to the grader (instructions, role labels or tags) was ignored; "
            f"scores are capped at {INJECTION_CAP:g}"
        )
    # terms dressed up as sentences ('It has saddle points.'): several points named by their
    # cues, none with anything said about it
    bag = answer.bag_of_terms or (
        sum(1 for j in judgements if j.target.kind == "key_point" and j.named) >= 2
        and not any(j.explained for j in judgements)
    )
    if bag and status is None:
        notes.append(
            f"reads as a list of terms without a claim; each criterion capped at {BAG_CAP:g}"
        )
    boost = _reference_boost(index, answer)
    toks = sum(len(s.toks) for s in answer.lexical)
    quality = sum(s.quality * len(s.toks) for s in answer.lexical) / max(1, toks)

    results: list[CriterionResult] = []
    total_w = sum(c.weight for c in rubric.criteria) or 1.0
    overall = 0.0
    for crit in rubric.criteria:
        kps = [k for k in rubric.key_points if k.criterion == crit.id]
        wsum = sum(k.weight for k in kps)
        credit = {k.id: by_id[k.id].credit for k in kps}
        coverage = sum(k.weight * credit[k.id] for k in kps) / wsum if wsum else boost * 0.75
        lifted = coverage + REFERENCE_LIFT * boost * (1 - coverage) if coverage > 0 else 0.0
        vague, floor, floor_phrase = 0.0, 0, ""
        if status is None and not bag and not answer.set_aside:
            vague = _relevance(index, crit.id, answer, quality)
            floor, floor_phrase = _level_floor(index, crit.id, answer)
        raw = max(curve(lifted), 4.0 * vague)
        if raw > 0:  # the holistic term lifts a criterion with evidence; it never creates one
            blend = COVERAGE_WEIGHT * raw + REFERENCE_WEIGHT * 4.0 * holistic + LEVEL_OFFSET
            raw = max(COVERAGE_FLOOR * raw, blend, 0.0)
        raw = max(raw, float(floor))  # what a level descriptor quotes sets a floor
        parts: list[str] = []
        found = [k.id for k in kps if credit[k.id] >= 0.5]
        weak = [k.id for k in kps if 0 < credit[k.id] < 0.5]
        contradicted = [k.id for k in kps if by_id[k.id].verdict == "contradicts"]
        missed = [k.id for k in kps if credit[k.id] == 0 and k.id not in contradicted]
        if found:
            parts.append("covered: " + ", ".join(found))
        if weak:
            parts.append("mentioned but not explained: " + ", ".join(weak))
        if floor and floor > curve(lifted):
            parts.append(f"says what a level-{floor} answer says ('{floor_phrase}')")
        elif 4.0 * vague > curve(lifted) and vague > 0:
            parts.append("on-topic words without a key point (small credit)")
        if missed:
            parts.append("missed: " + ", ".join(missed))
        evidence: list[str] = []
        for k in kps:
            evidence += [q for q in by_id[k.id].quotes if q not in evidence]
        penalty = 0.0
        for kid in contradicted:
            penalty += CONTRADICTION_PENALTY
            parts.append(f"contradicts '{kid}' (-{CONTRADICTION_PENALTY:g})")
            evidence += [q for q in by_id[kid].quotes if q not in evidence]
        for mc in rubric.misconceptions:
            j = by_id[mc.id]
            if mc.criterion == crit.id and j.verdict == "entails":
                fix = corrected_later(answer.text, j.quotes, [by_id[k].quotes for k in found])
                cost = mc.penalty * (CORRECTED_SHARE if fix else 1.0)
                penalty += cost
                later = f", corrected in a later answer ('{fix}')" if fix else ""
                parts.append(f"wrong claim '{mc.id}'{later} (-{cost:g})")
                evidence += [q for q in j.quotes if q not in evidence]
        raw = max(0.0, min(4.0, raw - penalty))
        if bag and raw > BAG_CAP:
            raw = BAG_CAP
            parts.append(f"capped at {BAG_CAP:g}: terms listed without a claim")
        if answer.set_aside and raw > INJECTION_CAP:
            raw = INJECTION_CAP
            parts.append(f"capped at {INJECTION_CAP:g}: the answer addresses the grader")
        if status is not None:
            raw, evidence, parts = 0.0, [], [STATUS_TEXT[status]]
        results.append(
            CriterionResult(
                id=crit.id,
                credit=raw,
                score=int(round(raw + 1e-9)),
                rationale="; ".join(parts) or "no key point of this criterion was found",
                evidence=tuple(evidence),
            )
        )
        overall += crit.weight * raw
    overall = overall / total_w if rubric.criteria else 0.0
    if status is not None:
        overall = 0.0
        notes.append(STATUS_TEXT[status])
    return Scored(tuple(results), max(0.0, min(4.0, overall)), status, tuple(notes))


def off_topic(rubric: Rubric, answer: AnalyzedAnswer, judgements: list[Judgement]) -> bool:
    """Nothing judged stated or asserted, and the answer shares little vocabulary with the
    rubric: it does not address this question."""
    if any(j.credit >= OFF_TOPIC_CREDIT or j.verdict == "entails" for j in judgements):
        return False
    index = compile_rubric(rubric)
    stems = [
        t.stem
        for s in answer.lexical
        for t in s.sentence.tokens
        if not t.filler and t.text not in tx.FUNCTION_WORDS and t.stem not in GENERIC
    ]
    shared = sum(1 for st in stems if st in index.vocabulary)
    return shared / max(1, len(stems)) < 0.2 or shared < 2
