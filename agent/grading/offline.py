"""The offline grader: rubric cues matched on word stems, with negation, misconceptions,
buzzword and prompt-injection checks. Deterministic, pure, a few milliseconds per answer.

How a grade is made (the same steps `explain` in the rationale reports):
1. Pre-checks. Text that addresses the grader ("ignore the rubric", "SYSTEM:", fake closing tags)
   is cut out and never credited; when it was present every criterion is capped at 1. Empty
   answers, "can you repeat the question", "I don't know" and answers made only of denials of
   knowledge ("I don't know what X means, never heard of Y") score 0 (status empty /
   not_an_answer); answers sharing almost no vocabulary with the rubric are off_topic (0).
   Words inside a denial frame ("I'm not sure what X is") never count as evidence (text.py).
   Abbreviations are read as the words they stand for on both sides (BN = batch norm, LR =
   learning rate, OOM = out of memory; text.py `ABBREVIATIONS`).
2. Misconceptions. A claim's cues matched like key-point cues; a hit inside a negation, or in a
   sentence that rejects it ("that's a myth", "not true", "wrong"), is not a hit. Each hit takes
   `penalty` levels off its criterion, and the clause that states it (plus a verbless clause
   right after it) earns no key-point credit for that same criterion.
3. Key points. A key point is covered when one of its cues appears in a sentence: every content
   word of the cue, matched on stems, close together, in any order, with no negation over it
   ("not", "no", "never", "without", "instead of", "the opposite of"...). A cue that itself holds
   a negation ("no guarantee") needs a negation in the answer; `<num>` in a cue matches any
   number ("went from <num> to <num>"). Secondary evidence: a sentence that restates most of the
   key point's own text. Credit is scaled by how much the sentence reads as an explanation
   (function words, a verb or connective) rather than a list of terms. A key point with some
   credit but under half is "mentioned but not explained" (not covered; its quote is kept).
4. Criterion credit (0-4) = 4 x weighted coverage, lifted a little by the answer's overlap with
   the reference answer; at least a small relevance credit (`RELEVANCE_MAX`) when the answer
   names the question's subject and uses the criterion's vocabulary, and at least level 1-2 when
   it says a phrase the level descriptions quote ('Says "more threads is faster"'); minus
   penalties, clamped to 0-4. A bag of terms (or terms dressed up as "It has X." sentences) and
   text aimed at the grader cap every criterion at 1 and get no relevance credit.
   The criterion score shown is that credit rounded to an integer; the overall is the weighted
   mean of the UN-rounded credit (`FRACTIONAL_OVERALL`), so it can differ from the weighted mean
   of the shown integers by up to 0.5.
Reference-only rubrics use `agent.grading.reference.reference_similarity` when available.
"""

from __future__ import annotations

from agent.bank.models import Rubric
from agent.grading import text as tx
from agent.grading.cues import Cue, compile_cue, match_at
from agent.grading.lexical import LexSentence, prepare
from agent.grading.models import CriterionScore, Grade, KeyPointResult, MisconceptionResult
from agent.grading.rubric_index import RubricIndex, _quoted, compile_rubric
from agent.grading.screening import injection_spans, sentence_denies, status_check
from agent.grading.vocab import GENERIC, LIGHT

__all__ = ["compile_cue", "grade_offline", "injection_spans", "prepare", "token_recall", "_quoted"]


BAG_RATIO = 0.18
"""Whole answers with fewer function words than this (and enough terms) are a bag of terms."""


REFERENCE_LIFT = 0.2
"""How much the overlap with the reference answer can lift a criterion's coverage."""


NAMED_ONLY_CREDIT = 0.4
"""Credit for a sentence that only names the cue ('It uses the learning rate.')."""


KP_TEXT_MIN_SHARE = 0.5
"""A sentence restating this share of a key point's own words covers it (secondary evidence)."""


KP_TEXT_CREDIT = 0.6


SINGLE_CUE_CREDIT = 0.8
"""A key point shown by a single cue gets this share of full credit; two independent cues (the
point named and explained) get full credit."""


CREDIT_NEG_REACH = 4
"""A key-point cue loses credit only when a negation sits at most this many words before it."""


CLAIM_MIN_SHARE = 0.75


RELEVANCE_MAX = 0.25
"""A criterion with no key point found still gets up to this share of full credit (1 of 4
points) when the answer uses its vocabulary (key point texts, cues, level 1-4 descriptions) in
real sentences: vague but relevant ('more threads makes it faster') is not the same as nothing.
Never given to bags of terms, answers aimed at the grader, or off-topic answers."""


RELEVANCE_HITS = 3
"""Distinct on-topic words (not in the question) needed for the full relevance credit; a single
word earns none, two earn half."""


FRACTIONAL_OVERALL = True
"""Overall = weighted mean of the UN-rounded criterion credit (0-4 each, after penalties and
caps); the integer criterion scores shown are that credit rounded. So small credit on several
criteria still separates a weak answer from nothing."""
"""A sentence restating this share of a misconception's claim (not negated) states it."""


def _distinct_count(cues: set[str]) -> int:
    """Cues that are not contained in one another ('learning rate' and 'learning rate too
    large' are one piece of evidence, 'learning rate' and 'diverge' are two)."""
    sets = [set(c.split()) for c in cues]
    return sum(
        1 for i, a in enumerate(sets) if not any(i != j and a < b for j, b in enumerate(sets))
    )


def _support(sent: LexSentence, cue: Cue, question: set[str]) -> float:
    """1.0 when the sentence says something besides the cue itself; NAMED_ONLY_CREDIT when its
    only content is the cue plus empty verbs ('It has saddle points.')."""
    cue_stems = set().union(*cue.alternatives)
    for t in sent.toks[: sent.n_words]:  # the real words, not the joined pairs after them
        if t.filler or t.text in tx.FUNCTION_WORDS or t.stem in cue_stems or t.stem in LIGHT:
            continue
        if t.stem in question or t.stem in GENERIC:
            continue
        return 1.0
    return NAMED_ONLY_CREDIT


def _level_floor(
    comp: RubricIndex, crit_id: str, sents: list[LexSentence], wrong: dict[int, set[int]]
) -> tuple[int, str]:
    """The highest level (1-2) whose quoted phrase the answer says, outside negations and
    misconception clauses of this criterion, with the phrase; (0, '') when none."""
    best, phrase = 0, ""
    for level, cue in comp.level_cues.get(crit_id, []):
        if level <= best:
            continue
        for si, s in enumerate(sents):
            m = match_at(cue, s, near=CREDIT_NEG_REACH)
            if m is None or m[1]:
                continue
            if any(s.clause[k] in wrong.get(si, set()) for k in m[2]):
                continue
            best, phrase = level, cue.phrase
            break
    return best, phrase


def _relevance(
    comp: RubricIndex,
    crit_id: str,
    sents: list[LexSentence],
    wrong: dict[int, set[int]],
    quality: float,
) -> float:
    """Small credit (0-RELEVANCE_MAX) for an answer that uses a criterion's vocabulary outside
    negations, denials and misconception clauses, scaled by how much it reads as sentences."""
    vocab = comp.crit_vocab.get(crit_id) or set()
    if not vocab:
        return 0.0
    hits: set[str] = set()
    on_topic = False
    for si, s in enumerate(sents):
        bad = wrong.get(si, set())
        for k, t in enumerate(s.toks):
            if t.negated or t.filler or s.clause[k] in bad or t.text in tx.FUNCTION_WORDS:
                continue
            if t.stem in comp.topic and t.stem not in GENERIC:
                on_topic = True
            if k < s.n_words and t.stem in vocab and t.stem not in GENERIC:
                hits.add(t.stem)
    if not on_topic:  # never names what the question is about: related words by chance
        return 0.0
    return RELEVANCE_MAX * min(1.0, len(hits) / RELEVANCE_HITS) * quality


def _round2(x: float) -> float:
    return float(f"{x + 1e-9:.2f}")


def grade_offline(rubric: Rubric, answer: str) -> Grade:
    """Grade one answer against a rubric without any model. Deterministic and explained."""
    answer = answer or ""
    if rubric.reference_only or rubric.derived:
        return _grade_reference(rubric, answer)
    return _grade_rubric(rubric, answer)


def _grade_rubric(rubric: Rubric, answer: str) -> Grade:
    comp = compile_rubric(rubric)
    inj = injection_spans(answer)
    sents = prepare(answer, inj)
    notes: list[str] = []
    if inj:
        notes.append(
            "text addressed to the grader (instructions, role labels or tags) was ignored; "
            "scores are capped at 1"
        )

    status = status_check(answer, sents, bool(inj))
    if status is None and not answer.strip():
        status = "empty"

    # ---- misconceptions (first: a clause stating one earns no key-point credit for its criterion)
    mc_hits: dict[str, list[str]] = {}
    wrong_clauses: dict[str, dict[int, set[int]]] = {}
    """criterion id -> sentence index -> clauses that state a misconception of that criterion."""
    for mc in rubric.misconceptions:
        ev = []
        parts = comp.mc_claim[mc.id]
        for si, s in enumerate(sents):
            clauses: set[int] = set()
            for cue in comp.mc_cues[mc.id]:
                m = match_at(cue, s)
                if m is not None and not m[1]:
                    lo, hi = min(s.clause[k] for k in m[2]), max(s.clause[k] for k in m[2])
                    clauses.update(range(lo, hi + 1))
            if not clauses:
                for p in parts:
                    common = p & s.plain
                    if len(common) >= max(3, CLAIM_MIN_SHARE * len(p)):
                        clauses.update(
                            s.clause[k]
                            for k, t in enumerate(s.toks)
                            if t.stem in common and not t.negated
                        )
            if clauses:
                # a verbless clause right after ('..., exactly like FP16') belongs to the claim
                nxt = max(clauses) + 1
                cl = s.sentence.clauses
                while nxt < len(cl) and not tx.has_predicate(cl[nxt].tokens):
                    clauses.add(nxt)
                    nxt += 1
            if clauses and not sentence_denies(sents, si):
                if s.text not in ev:
                    ev.append(s.text)
                wrong_clauses.setdefault(mc.criterion, {}).setdefault(si, set()).update(clauses)
        if ev:
            mc_hits[mc.id] = ev

    # ---- key points
    explained_any = False
    """Some cue sat in a sentence that says more than the cue ('It has saddle points.' does not)."""
    kp_credit: dict[str, float] = {}
    kp_evidence: dict[str, list[str]] = {}
    kp_negated: dict[str, bool] = {}
    for kp in rubric.key_points:
        best = 0.0
        ev: list[str] = []
        neg_seen = False
        distinct: set[str] = set()
        wrong_here = wrong_clauses.get(kp.criterion, {})
        for si, s in enumerate(sents):
            wrong = wrong_here.get(si, set())
            found_here = 0.0
            for cue in comp.kp_cues[kp.id]:
                m = match_at(cue, s, near=CREDIT_NEG_REACH)
                if m is None:
                    continue
                if wrong and any(s.clause[k] in wrong for k in m[2]):
                    continue  # these words state a misconception of the same criterion
                if m[1]:
                    neg_seen = True
                    continue
                support = _support(s, cue, comp.question)
                if support >= 1.0:
                    explained_any = True
                found_here = max(found_here, s.quality * support)
                distinct.add(" ".join(sorted(set(cue.alternatives[0]))))
            if found_here == 0.0 and comp.kp_text[kp.id]:
                words = comp.kp_text[kp.id]
                have = (
                    {
                        t.stem
                        for k, t in enumerate(s.toks)
                        if not t.negated and s.clause[k] not in wrong
                    }
                    if wrong
                    else s.plain
                )
                share = len(words & have) / len(words)
                if share >= KP_TEXT_MIN_SHARE and len(words & have) >= 3:
                    found_here = KP_TEXT_CREDIT * s.quality
                    explained_any = True
            if found_here > 0:
                if found_here > best:
                    best = found_here
                if s.text not in ev and len(ev) < 2:
                    ev.append(s.text)
        if _distinct_count(distinct) < 2:
            best *= SINGLE_CUE_CREDIT
        kp_credit[kp.id] = best
        kp_evidence[kp.id] = ev if best > 0 else []
        kp_negated[kp.id] = neg_seen and best == 0

    # ---- off topic: nothing matched and little shared vocabulary
    if status is None:
        answer_stems = [
            t.stem
            for s in sents
            for t in s.sentence.tokens
            if not t.filler and t.text not in tx.FUNCTION_WORDS and t.stem not in GENERIC
        ]
        shared = sum(1 for st in answer_stems if st in comp.vocabulary)
        share = shared / max(1, len(answer_stems))
        any_kp = any(v > 0 for v in kp_credit.values())
        if not any_kp and not mc_hits and (share < 0.2 or shared < 2):
            status = "off_topic"

    # ---- answer-level structure: a bag of terms
    all_real = [t for s in sents for t in s.sentence.tokens if not t.filler]
    ratio = tx.function_word_ratio(all_real)
    listed = sum(len(s.toks) for s in sents if s.is_list)
    explained = sum(len(s.toks) for s in sents if not s.is_list and s.quality >= 0.5)
    bag = len(all_real) >= 6 and (ratio < BAG_RATIO or (listed >= 6 and explained < 8))
    # terms dressed up as sentences: several points named, none said anything about
    named_only = sum(1 for v in kp_credit.values() if v > 0) >= 2 and not explained_any
    bag = bag or named_only
    if bag and status is None:
        notes.append("reads as a list of terms without explanation; each criterion capped at 1")

    # ---- reference overlap (secondary evidence)
    ref_recall = 0.0
    if comp.reference:
        have = set().union(*(s.plain for s in sents))
        ref_recall = sum(w for st, w in comp.reference.items() if st in have) / sum(
            comp.reference.values()
        )
    avg_quality = (
        (sum(s.quality * len(s.toks) for s in sents) / max(1, sum(len(s.toks) for s in sents)))
        if sents
        else 0.0
    )
    ref_boost = min(1.0, ref_recall / 0.5) * avg_quality

    # ---- criteria
    criteria: list[CriterionScore] = []
    total_w = sum(c.weight for c in rubric.criteria) or 1.0
    overall = 0.0
    for crit in rubric.criteria:
        kps = [k for k in rubric.key_points if k.criterion == crit.id]
        wsum = sum(k.weight for k in kps)
        coverage = sum(k.weight * kp_credit[k.id] for k in kps) / wsum if wsum else 0.0
        if wsum == 0:
            coverage = ref_boost * 0.75
        lifted = coverage + REFERENCE_LIFT * ref_boost * (1 - coverage) if coverage > 0 else 0.0
        vague = 0.0
        floor, floor_phrase = 0, ""
        if status is None and not bag and not inj:
            vague = _relevance(comp, crit.id, sents, wrong_clauses.get(crit.id, {}), avg_quality)
            floor, floor_phrase = _level_floor(comp, crit.id, sents, wrong_clauses.get(crit.id, {}))
        raw = max(4.0 * max(lifted, vague), float(floor))
        found = [k.id for k in kps if kp_credit[k.id] >= 0.5]
        weak = [k.id for k in kps if 0 < kp_credit[k.id] < 0.5]
        missed = [k.id for k in kps if kp_credit[k.id] == 0]
        parts = []
        if found:
            parts.append("covered: " + ", ".join(found))
        if weak:
            parts.append("mentioned but not explained: " + ", ".join(weak))
        if floor and floor > 4.0 * max(lifted, vague):
            parts.append(f"says what a level-{floor} answer says ('{floor_phrase}')")
        elif vague > lifted and vague > 0:
            parts.append("on-topic words without a key point (small credit)")
        if missed:
            negs = [m for m in missed if kp_negated[m]]
            parts.append(
                "missed: "
                + ", ".join(missed)
                + (f" (negated in the answer: {', '.join(negs)})" if negs else "")
            )
        evidence: list[str] = []
        for k in kps:
            for e in kp_evidence[k.id]:
                if e not in evidence:
                    evidence.append(e)
        penalty = 0
        for mc in rubric.misconceptions:
            if mc.criterion == crit.id and mc.id in mc_hits:
                penalty += mc.penalty
                parts.append(f"wrong claim '{mc.id}' (-{mc.penalty})")
                for e in mc_hits[mc.id]:
                    if e not in evidence:
                        evidence.append(e)
        raw = max(0.0, min(4.0, raw - penalty))
        if bag and raw > 1:
            raw = 1.0
            parts.append("capped at 1: terms listed without explanation")
        if inj and raw > 1:
            raw = 1.0
            parts.append("capped at 1: the answer addresses the grader")
        if status is not None:
            raw = 0.0
            evidence = []
            parts = [_STATUS_TEXT[status]]
        score = int(round(raw + 1e-9))
        criteria.append(
            CriterionScore(
                id=crit.id,
                score=score,
                rationale="; ".join(parts) if parts else "no key point of this criterion was found",
                evidence=evidence,
            )
        )
        overall += crit.weight * (raw if FRACTIONAL_OVERALL else score)
    overall = overall / total_w if rubric.criteria else 0.0
    if status is not None:
        overall = 0.0
        notes.append(_STATUS_TEXT[status])

    return Grade(
        question_id=rubric.id,
        overall=_round2(max(0.0, min(4.0, overall))),
        criteria=criteria,
        key_points=[
            KeyPointResult(
                id=k.id,
                covered=status is None and kp_credit[k.id] >= 0.5,
                # not covered but with evidence = mentioned without being explained
                evidence=kp_evidence[k.id] if status is None and kp_credit[k.id] > 0 else [],
            )
            for k in rubric.key_points
        ],
        misconceptions=[
            MisconceptionResult(
                id=m.id,
                detected=status is None and m.id in mc_hits,
                evidence=mc_hits.get(m.id, []) if status is None else [],
            )
            for m in rubric.misconceptions
        ],
        grader="offline",
        status=status or "graded",
        notes=notes,
    )


_STATUS_TEXT = {
    "empty": "no answer was given",
    "not_an_answer": "not an answer (a request to repeat, 'I don't know', or text aimed at the grader)",
    "off_topic": "the answer does not address this question",
}


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


def _grade_reference(rubric: Rubric, answer: str) -> Grade:
    """Reference-answer mode: the score is the similarity to the reference answer (0-1, x4);
    key points derived from the reference are still reported as covered or missed."""
    inj = injection_spans(answer)
    sents = prepare(answer, inj)
    status = status_check(answer, sents, bool(inj))
    if status is None and not answer.strip():
        status = "empty"
    reference = "\n".join(x for x in (rubric.reference.standard, rubric.reference.short) if x)
    notes = ["graded against the reference answer only"]
    kept = " ".join(s.text for s in sents)
    sim, method = (0.0, "none") if status else _similarity(rubric.question, reference, kept)
    sim = max(0.0, min(1.0, sim))
    overall = 4.0 * sim
    if inj:
        overall = min(overall, 1.0)
        notes.append("text addressed to the grader was ignored; score capped at 1")
    if status:
        overall = 0.0
        notes.append(_STATUS_TEXT[status])
    by_cues = _grade_rubric(rubric, answer) if rubric.criteria else None
    evidence = [s.text for s in sents][:3] if not status else []
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
        overall=_round2(overall),
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
