"""Stage 3, semantic: judge key points and misconceptions by meaning.

For every claim of a target (a key point's separate claims, or a misconception's claim) the
candidate windows from stage 2 are read by the meaning model, all-MiniLM-L6-v2 (in numpy, see
`semantic.py`):
- sentence cosine between window and claim, and
- token alignment: the share of the claim's content words whose contextual vectors find a close
  match in the window (BERTScore-style recall; words of the question carry no weight).
Their blend is the claim's `support` (0-1, an unrelated-text baseline removed). A key point's
credit is the mean support of its claims (capped by how much the window reads as an explanation),
so a paraphrase in unusual words earns credit that no authored cue would give.

Contradiction: a window that supports a key point's claim while negating it (its matched words
fall in a negation the claim does not have: 'does NOT reach the global minimum' vs the claim)
contradicts the key point. A misconception is asserted when a window supports its claim clearly
more than the key points of the same criterion, outside negations and rejecting sentences.

Authored cues stay as fast evidence: a cue found in a sentence keeps the lexical judge's credit
when it is higher (cues are precise when they fire; meaning covers what they miss).
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.bank.models import Rubric
from agent.grading import text as tx
from agent.grading.analyze import AnalyzedAnswer
from agent.grading.candidates import Candidates, find_candidates
from agent.grading.judge_lexical import judge_lexical
from agent.grading.judgement import Judgement

COSINE_BASELINE = 0.25
"""Sentence cosine of unrelated ML text (all-MiniLM-L6-v2): no support at or below it."""
COSINE_FULL = 0.70
"""Sentence cosine at which a claim counts as fully supported."""
ALIGN_BASELINE = 0.45
ALIGN_FULL = 0.80
ALIGN_WEIGHT = 0.5
"""Blend of token alignment and sentence cosine in `support`."""
ENTAILS_AT = 0.5
"""A key point with at least this credit is stated (covered)."""
MISCONCEPTION_AT = 0.6
MISCONCEPTION_MARGIN = 0.1
"""A misconception is asserted when its support reaches MISCONCEPTION_AT and beats the best
key point of its criterion by this margin in the same window."""


@dataclass
class MeaningModel:
    """The encoder behind the semantic judge (loaded once per process)."""

    encoder: object

    def embed(self, texts: list[str]):
        return self.encoder.embed(texts)  # type: ignore[attr-defined]


_MODEL: MeaningModel | None = None


def get_model() -> MeaningModel | None:
    """The meaning model, or None when it is not installed (grading is then lexical)."""
    global _MODEL
    if _MODEL is None:
        from agent.grading.semantic import get_encoder

        enc = get_encoder()
        if enc is None:
            return None
        _MODEL = MeaningModel(enc)
    return _MODEL


def _scale(x: float, lo: float, hi: float) -> float:
    return max(0.0, min(1.0, (x - lo) / (hi - lo)))


def _negated_share(claim: str, window_passages: tuple[int, ...], answer: AnalyzedAnswer) -> float:
    """Share of the claim's content words found in the window that sit inside a negation there
    while the claim states them plainly."""
    claim_tokens = [t for s in tx.analyze(claim) for t in s.tokens]
    plain_claim = {
        t.stem for t in claim_tokens if not t.negated and t.text not in tx.FUNCTION_WORDS
    }
    if any(t.negated for t in claim_tokens):
        return 0.0  # the claim itself is negative ('no guarantee'): leave it to the cues
    hits = negated = 0
    for i in window_passages:
        for t in answer.lexical[i].toks:
            if t.stem in plain_claim and not t.filler:
                hits += 1
                negated += t.negated and not t.denied
    return negated / hits if hits else 0.0


def _support(model: MeaningModel, question: str, pairs: list[tuple[str, str]]) -> list[float]:
    """Support of each (window, claim) pair: sentence cosine and token alignment, blended."""
    from agent.grading.reference import _cache, token_alignment_recall

    if not pairs:
        return []
    texts = list(dict.fromkeys([w for w, _ in pairs] + [c for _, c in pairs]))
    encoded = dict(zip(texts, _cache.get(model.encoder, texts), strict=True))  # type: ignore[arg-type]
    out: list[float] = []
    for w, c in pairs:
        ew, ec = encoded[w], encoded[c]
        cosine = float(ew.sentence @ ec.sentence)
        align = token_alignment_recall(question, c, w, encodings=(ec, ew)) or 0.0
        out.append(
            ALIGN_WEIGHT * _scale(align, ALIGN_BASELINE, ALIGN_FULL)
            + (1 - ALIGN_WEIGHT) * _scale(cosine, COSINE_BASELINE, COSINE_FULL)
        )
    return out


def judge_semantic(rubric: Rubric, answer: AnalyzedAnswer, model: MeaningModel) -> list[Judgement]:
    lexical = {j.target.id: j for j in judge_lexical(rubric, answer)}
    cands: list[Candidates] = find_candidates(rubric, answer, embed=model.embed)
    pairs: list[tuple[str, str]] = []
    for c in cands:
        for claim, wins in zip(c.target.claims, c.windows, strict=True):
            pairs += [(w.text, claim) for w in wins]
    support = iter(_support(model, rubric.question, pairs))

    by_window_kp: dict[tuple[str, tuple[int, ...]], float] = {}
    scored: list[tuple[Candidates, list[list[tuple[float, object]]]]] = []
    for c in cands:
        per_claim = []
        for wins in c.windows:
            per_claim.append([(next(support), w) for w in wins])
        scored.append((c, per_claim))
        if c.target.kind == "key_point":
            for claim_scores in per_claim:
                for s, w in claim_scores:
                    key = (c.target.criterion, w.passages)  # type: ignore[attr-defined]
                    by_window_kp[key] = max(by_window_kp.get(key, 0.0), s)

    out: list[Judgement] = []
    for c, per_claim in scored:
        lex = lexical[c.target.id]
        t = c.target
        if t.kind == "key_point":
            credits, quotes, contra = [], [], 0.0
            for claim, claim_scores in zip(t.claims, per_claim, strict=True):
                best, best_w = 0.0, None
                for s, w in claim_scores:
                    neg = _negated_share(claim, w.passages, answer)  # type: ignore[attr-defined]
                    if neg >= 0.5:
                        contra = max(contra, s)
                        continue
                    s = s * (0.5 + 0.5 * w.quality)  # type: ignore[attr-defined]
                    if s > best:
                        best, best_w = s, w
                credits.append(best)
                if best_w is not None and best > 0:
                    for i in best_w.passages:  # type: ignore[attr-defined]
                        q = answer.passages[i].text
                        if q not in quotes:
                            quotes.append(q)
            credit = sum(credits) / len(credits) if credits else 0.0
            if lex.credit >= credit:
                credit, quotes = lex.credit, list(lex.quotes)
            contradicts = contra >= ENTAILS_AT and credit < ENTAILS_AT
            verdict = "entails" if credit >= ENTAILS_AT else "contradicts" if contradicts else "neither"
            if lex.verdict == "contradicts" and verdict == "neither":
                verdict = "contradicts"
            out.append(
                Judgement(
                    target=t,
                    verdict=verdict,  # type: ignore[arg-type]
                    confidence=round(credit if verdict != "contradicts" else max(contra, 0.5), 3),
                    credit=credit,
                    quotes=tuple(quotes[:2]) if credit > 0 or verdict == "contradicts" else (),
                    method="semantic",
                    negated=verdict == "contradicts",
                    explained=lex.explained or credit >= ENTAILS_AT,
                )
            )
        else:
            best, best_w = 0.0, None
            for s, w in per_claim[0]:
                if w.denies or _negated_share(t.claims[0], w.passages, answer) >= 0.5:  # type: ignore[attr-defined]
                    continue
                rival = by_window_kp.get((t.criterion, w.passages), 0.0)  # type: ignore[attr-defined]
                if s >= MISCONCEPTION_AT and s >= rival + MISCONCEPTION_MARGIN and s > best:
                    best, best_w = s, w
            asserted = best_w is not None or lex.verdict == "entails"
            quotes = (
                list(lex.quotes)
                if lex.verdict == "entails"
                else [answer.passages[i].text for i in best_w.passages]  # type: ignore[union-attr]
                if best_w is not None
                else []
            )
            out.append(
                Judgement(
                    target=t,
                    verdict="entails" if asserted else "neither",
                    confidence=round(max(best, lex.confidence if asserted else 0.0) or 0.5, 3),
                    credit=1.0 if asserted else 0.0,
                    quotes=tuple(quotes),
                    method="semantic",
                )
            )
    return out
