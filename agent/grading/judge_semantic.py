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

Contradiction: a window about a key point's claim that says one of its words the other way
round (`contrast.py`: 'high BIAS means overfitting' against 'high variance means overfitting')
contradicts the key point, and its cue credit is withdrawn. Misconceptions are asserted by
their authored cues outside denials (see the note in `judge_semantic`).

Authored cues stay as fast evidence: a cue found in a sentence keeps the lexical judge's credit
when it is higher (cues are precise when they fire; meaning covers what they miss).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from agent.bank.models import Rubric
from agent.grading import text as tx
from agent.grading.analyze import AnalyzedAnswer
from agent.grading.candidates import Target, Window, find_candidates, targets, windows
from agent.grading.contrast import polarity
from agent.grading.judge_lexical import judge_lexical
from agent.grading.judgement import Judgement
from agent.grading.models import Verdict

if TYPE_CHECKING:  # pragma: no cover
    from agent.grading.semantic import MiniLMEncoder

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
NOISE_FLOOR = 0.2
"""Support below this is what unrelated ML text gets: no credit, no quote."""
CONTRADICTION_MIN_SUPPORT = 0.3
"""A window says the opposite of a claim only when it is about the claim at all."""


@dataclass
class MeaningModel:
    """The encoder behind the semantic judge (loaded once per process)."""

    encoder: MiniLMEncoder

    def embed(self, texts: list[str]):
        """Unit sentence vectors, through the shared encoding cache (each text encoded once
        per answer, whichever stage asks)."""
        from agent.grading.encodings import sentence_vectors

        return sentence_vectors(self.encoder, texts)


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


def _in_background(work, name: str) -> threading.Thread:
    """Run `work` on a thread that Python waits for at exit (not a daemon): onnxruntime aborts
    the process (SIGABRT) when the interpreter is torn down under a thread still inside it,
    which a short `viva interview --no-tui` would do. The wait is one model load or one
    rubric's encoding, well under a second."""
    thread = threading.Thread(target=work, name=name)
    thread.start()
    return thread


def warm_in_background() -> None:
    """Load the meaning model in the background (an interview calls this while its first
    question is read, so the first answer's grade does not wait for the load)."""
    if _MODEL is None:
        _in_background(get_model, "viva-grader-warm")


def rubric_texts(rubric: Rubric) -> list[str]:
    """What the judge compares every answer to this question with: its key points' claims,
    its misconceptions' claims and its reference answer."""
    reference = rubric.reference.compared  # the text offline.holistic compares with
    return [c for t in targets(rubric) for c in t.claims] + ([reference] if reference else [])


def encode_rubric(rubric: Rubric) -> None:
    """Encode a question's rubric texts into the encoding cache now (they stay there while
    answers come and go)."""
    from agent.grading.encodings import cache

    model = get_model()
    if model is not None:
        texts = rubric_texts(rubric)
        cache.keep(texts)
        cache.get(model.encoder, texts)


def warm_rubric_in_background(rubric: Rubric) -> threading.Thread:
    """Encode a question's rubric in the background while the question is being read, so the
    answer's grade does not wait for it (`bench/grading_speed.py` prints the difference)."""
    return _in_background(lambda: encode_rubric(rubric), "viva-rubric-warm")


def _scale(x: float, lo: float, hi: float) -> float:
    return max(0.0, min(1.0, (x - lo) / (hi - lo)))


def _window_tokens(passages: tuple[int, ...], answer: AnalyzedAnswer) -> list[list[tx.Token]]:
    """The window's words, clause by clause."""
    return [c.tokens for i in passages for c in answer.lexical[i].sentence.clauses]


def _support(model: MeaningModel, question: str, pairs: list[tuple[str, str]]) -> list[float]:
    """Support of each (window, claim) pair: sentence cosine and token alignment, blended."""
    from agent.grading.encodings import cache
    from agent.grading.reference import token_alignment_recall

    if not pairs:
        return []
    texts = list(dict.fromkeys([w for w, _ in pairs] + [c for _, c in pairs]))
    encoded = dict(zip(texts, cache.get(model.encoder, texts), strict=True))
    out: list[float] = []
    for w, c in pairs:
        ew, ec = encoded[w], encoded[c]
        cosine = float(ew.sentence @ ec.sentence)
        align = token_alignment_recall(question, c, w, (ec, ew))
        out.append(
            ALIGN_WEIGHT * _scale(align, ALIGN_BASELINE, ALIGN_FULL)
            + (1 - ALIGN_WEIGHT) * _scale(cosine, COSINE_BASELINE, COSINE_FULL)
        )
    return out


def _key_point(
    target: Target,
    per_claim: list[list[tuple[float, Window]]],
    lex: Judgement,
    answer: AnalyzedAnswer,
    wrong_passages: set[int],
) -> Judgement:
    """`wrong_passages`: passages asserting a misconception of this key point's criterion (they
    earn it no credit)."""
    credits: list[float] = []
    quotes: list[str] = []
    contra, contra_w = 0.0, None
    for claim, claim_scores in zip(target.claims, per_claim, strict=True):
        best, best_w = 0.0, None
        for s, w in claim_scores:
            if set(w.passages) & wrong_passages:
                continue
            if polarity(claim, _window_tokens(w.passages, answer)).contradicts:
                if s >= CONTRADICTION_MIN_SUPPORT and s > contra:
                    contra, contra_w = s, w
                continue
            s = s * (0.5 + 0.5 * w.quality)
            if s > best:
                best, best_w = s, w
        credits.append(best)
        if best_w is not None and best > 0:
            quotes += [answer.passages[i].text for i in best_w.passages]
    credit = sum(credits) / len(credits) if credits else 0.0
    if credit < NOISE_FLOOR:
        credit, quotes = 0.0, []
    wrong = {answer.passages[i].text for i in contra_w.passages} if contra_w else set()
    # the cues' credit stands unless its sentence says the point the other way round
    for i, p in enumerate(answer.passages):
        if p.text in lex.quotes and any(
            polarity(claim, _window_tokens((i,), answer)).contradicts for claim in target.claims
        ):
            wrong.add(p.text)
    if lex.credit >= credit and not (set(lex.quotes) & wrong):
        credit, quotes = lex.credit, list(lex.quotes)
    verdict: Verdict = "entails" if credit >= ENTAILS_AT else "neither"
    # Said the other way round: only where the polarity check finds it in a passage (it reads a
    # claim that is itself negative, "no guarantee of the global optimum", with its negation; the
    # cue matcher's negation scope alone would call "there is no promise of the best" the
    # opposite of it).
    if verdict == "neither" and wrong:
        verdict = "contradicts"
        quotes = sorted(wrong)
    return Judgement(
        target=target,
        verdict=verdict,
        confidence=round(credit if verdict != "contradicts" else max(contra, 0.5), 3),
        credit=credit if verdict != "contradicts" else 0.0,
        quotes=tuple(dict.fromkeys(quotes))[:2] if credit > 0 or verdict == "contradicts" else (),
        method="semantic",
        negated=verdict == "contradicts",
        named=lex.named,
        explained=lex.explained,
    )


def judge_semantic(rubric: Rubric, answer: AnalyzedAnswer, model: MeaningModel) -> list[Judgement]:
    from agent.grading.encodings import cache

    # the encoder reads each sentence once; windows of two sentences are joined from them
    plains = [p.plain for p in answer.passages]
    joins = [[plains[i] for i in w.passages] for w in windows(answer)]
    cache.keep(rubric_texts(rubric))
    cache.join(model.encoder, joins)
    lexical = {j.target.id: j for j in judge_lexical(rubric, answer)}
    cands = [
        c
        for c in find_candidates(rubric, answer, embed=model.embed)
        if c.target.kind == "key_point"
    ]
    pairs = [
        (w.text, claim)
        for c in cands
        for claim, wins in zip(c.target.claims, c.windows, strict=True)
        for w in wins
    ]
    support = iter(_support(model, rubric.question, pairs))
    texts = [p.text for p in answer.passages]
    wrong: dict[str, set[int]] = {}
    for j in lexical.values():
        if j.target.kind == "misconception" and j.verdict == "entails":
            wrong.setdefault(j.target.criterion, set()).update(
                i for i, t in enumerate(texts) if t in j.quotes
            )
    out = [
        _key_point(
            c.target,
            [[(next(support), w) for w in wins] for wins in c.windows],
            lexical[c.target.id],
            answer,
            wrong.get(c.target.criterion, set()),
        )
        for c in cands
    ]
    # A sentence that states one key point is not the opposite of its sibling ('BF16 keeps the
    # FP32 range' is the BF16 point, not a wrong version of the FP16 one).
    stated = {(j.target.criterion, q) for j in out if j.verdict == "entails" for q in j.quotes}
    out = [
        replace(j, verdict="neither", quotes=(), negated=False)
        if j.verdict == "contradicts" and any((j.target.criterion, q) in stated for q in j.quotes)
        else j
        for j in out
    ]
    # Misconceptions: authored cues (outside denials) decide. On the development set, embedding
    # similarity to the wrong claim was as high for strong answers that discuss the same idea as
    # for answers asserting it (median margin over the best key point 0.02 vs 0.06), so meaning
    # alone does not assert a misconception without an NLI model.
    out += [
        replace(j, method="semantic") for j in lexical.values() if j.target.kind == "misconception"
    ]
    return out
