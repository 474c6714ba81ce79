"""Stage 3, lexical: judge each target from authored cues alone.

The targets are the rubric's key points and misconceptions.

Used when the meaning model is not installed (the grade is then marked `judged_by: lexical`),
and as fast evidence beside the model. A key point is stated when one of its cues appears in a
sentence outside a negation; credit grows with how much the sentence explains (function words,
a verb) rather than names, and with a second, independent cue. A sentence restating most of the
key point's own words counts too. A misconception is asserted when its cues (or most of its
claim's words) appear outside a negation, in a sentence that does not reject it.
"""

from __future__ import annotations

from agent.bank.models import Rubric
from agent.grading import text as tx
from agent.grading.analyze import AnalyzedAnswer
from agent.grading.candidates import CREDIT_NEG_REACH, Target, targets
from agent.grading.cues import Cue, match_at
from agent.grading.judgement import Judgement
from agent.grading.lexical import LexSentence
from agent.grading.models import Verdict
from agent.grading.rubric_index import RubricIndex, compile_rubric
from agent.grading.vocab import GENERIC, LIGHT

NAMED_ONLY_CREDIT = 0.4
"""Credit for a sentence that only names the cue ('It uses the learning rate.')."""
KP_TEXT_MIN_SHARE = 0.5
KP_TEXT_CREDIT = 0.6
SINGLE_CUE_CREDIT = 0.8
"""A key point shown by one cue gets this share of full credit; two independent cues full."""
CLAIM_MIN_SHARE = 0.75
"""A sentence restating this share of a misconception's claim (not negated) states it."""


def _distinct_count(cues: set[str]) -> int:
    """Cues not contained in one another ('learning rate' and 'learning rate too large' are one
    piece of evidence; 'learning rate' and 'diverge' are two)."""
    sets = [set(c.split()) for c in cues]
    return sum(
        1 for i, a in enumerate(sets) if not any(i != j and a < b for j, b in enumerate(sets))
    )


def _support(sent: LexSentence, cue: Cue, question: set[str]) -> float:
    """1.0 when the sentence says something besides the cue; NAMED_ONLY_CREDIT otherwise."""
    cue_stems = set().union(*cue.alternatives)
    for t in sent.toks[: sent.n_words]:
        if t.filler or t.text in tx.FUNCTION_WORDS or t.stem in cue_stems or t.stem in LIGHT:
            continue
        if t.stem in question or t.stem in GENERIC:
            continue
        return 1.0
    return NAMED_ONLY_CREDIT


def wrong_clauses(
    rubric: Rubric, answer: AnalyzedAnswer, index: RubricIndex
) -> tuple[dict[str, list[str]], dict[str, dict[int, set[int]]]]:
    """Misconceptions asserted (id -> quotes), and per criterion the clauses stating them
    (criterion -> sentence -> clause numbers), which earn no key-point credit for it."""
    sents = answer.lexical
    hits: dict[str, list[str]] = {}
    wrong: dict[str, dict[int, set[int]]] = {}
    for mc in rubric.misconceptions:
        quotes: list[str] = []
        for si, s in enumerate(sents):
            clauses: set[int] = set()
            for cue in index.mc_cues[mc.id]:
                m = match_at(cue, s)
                if m is not None and not m[1]:
                    lo, hi = min(s.clause[k] for k in m[2]), max(s.clause[k] for k in m[2])
                    clauses.update(range(lo, hi + 1))
            if not clauses:
                for part in index.mc_claim[mc.id]:
                    common = part & s.plain
                    if len(common) >= max(3, CLAIM_MIN_SHARE * len(part)):
                        clauses.update(
                            s.clause[k]
                            for k, t in enumerate(s.toks)
                            if t.stem in common and not t.negated
                        )
            if clauses:  # a verbless clause right after ('..., exactly like FP16') belongs to it
                nxt = max(clauses) + 1
                cl = s.sentence.clauses
                while nxt < len(cl) and not tx.has_predicate(cl[nxt].tokens):
                    clauses.add(nxt)
                    nxt += 1
            if clauses and not answer.passages[si].denies:
                if s.text not in quotes:
                    quotes.append(s.text)
                wrong.setdefault(mc.criterion, {}).setdefault(si, set()).update(clauses)
        if quotes:
            hits[mc.id] = quotes
    return hits, wrong


def _key_point(
    target: Target, answer: AnalyzedAnswer, index: RubricIndex, wrong: dict[int, set[int]]
) -> Judgement:
    best = 0.0
    quotes: list[str] = []
    negated_seen = False
    explained = False
    distinct: set[str] = set()
    for si, s in enumerate(answer.lexical):
        bad = wrong.get(si, set())
        here = 0.0
        for cue in index.kp_cues[target.id]:
            m = match_at(cue, s, near=CREDIT_NEG_REACH)
            if m is None or (bad and any(s.clause[k] in bad for k in m[2])):
                continue
            if m[1]:
                negated_seen = True
                continue
            support = _support(s, cue, index.question)
            explained = explained or support >= 1.0
            here = max(here, s.quality * support)
            distinct.add(" ".join(sorted(set(cue.alternatives[0]))))
        words = index.kp_text[target.id]
        if here == 0.0 and words:
            have = (
                {t.stem for k, t in enumerate(s.toks) if not t.negated and s.clause[k] not in bad}
                if bad
                else s.plain
            )
            common = words & have
            if len(common) / len(words) >= KP_TEXT_MIN_SHARE and len(common) >= 3:
                here = KP_TEXT_CREDIT * s.quality
                explained = True
        if here > 0:
            best = max(best, here)
            if s.text not in quotes and len(quotes) < 2:
                quotes.append(s.text)
    if _distinct_count(distinct) < 2:
        best *= SINGLE_CUE_CREDIT
    negated = negated_seen and best == 0
    verdict: Verdict = "entails" if best >= 0.5 else ("contradicts" if negated else "neither")
    return Judgement(
        target=target,
        verdict=verdict,
        confidence=round(best if best > 0 else (0.5 if negated else 0.5), 3),
        credit=best,
        quotes=tuple(quotes) if best > 0 else (),
        method="lexical",
        negated=negated,
        named=best > 0,
        explained=explained,
    )


def judge_lexical(rubric: Rubric, answer: AnalyzedAnswer) -> list[Judgement]:
    index = compile_rubric(rubric)
    mc_hits, wrong = wrong_clauses(rubric, answer, index)
    out: list[Judgement] = []
    for t in targets(rubric):
        if t.kind == "key_point":
            out.append(_key_point(t, answer, index, wrong.get(t.criterion, {})))
        else:
            quotes = mc_hits.get(t.id, [])
            out.append(
                Judgement(
                    target=t,
                    verdict="entails" if quotes else "neither",
                    confidence=0.7 if quotes else 0.5,
                    credit=1.0 if quotes else 0.0,
                    quotes=tuple(quotes),
                    method="lexical",
                )
            )
    return out
