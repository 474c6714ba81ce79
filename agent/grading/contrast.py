"""Polarity of a stretch of the answer against a claim: does it say the claim, or its opposite?

Sentence embeddings put "high bias means overfitting" right next to "high variance means
overfitting": the words are the same, one is swapped. This module reads the claim's content
words in the window and counts

- matches: the word is there, with the claim's polarity (both plain, or both negated);
- flips: the window says the word's domain opposite instead, in a clause about the claim
  (overfit/underfit, bias/variance, FP16/BF16, wider/narrower, same/opposite direction ...;
  `_PAIRS`). A negated word alone is no flip: good answers draw contrasts ("LN does not use
  batch statistics") far more often than they assert a negated key point.

An odd number of flips is a contradiction: "high bias -> overfit" against the claim "high
variance -> overfit" flips once. Two flips cancel out: "high bias -> underfit" is the *other*
correct point, not a wrong version of this one. A word whose opposite is also in the claim
('too large ... too small') never counts as flipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agent.grading import text as tx

_PAIRS = """
overfit underfit | overfitting underfitting | bias variance | fp16 bf16 | batchnorm layernorm
convex nonconvex | same opposite | uphill downhill | ascent descent | add subtract | plus minus
noisy exact | noisiest exact | underflow overflow | wide narrow | wider narrower | tensor cuda
encoder decoder | sparse dense | sharp flat | sharper flatter | increase decrease
increases decreases | faster slower | simple complex | simpler complex | rigid flexible
underestimate overestimate | biased unbiased | independent dependent | synchronous asynchronous
"""


@lru_cache(maxsize=1)
def opposites() -> dict[str, set[str]]:
    """Stem -> the stems that say its opposite in ML talk (a general lexicon, not per question)."""
    out: dict[str, set[str]] = {}
    for pair in re.split(r"[|\n]", _PAIRS):
        words = pair.split()
        if len(words) != 2 or words[0] == words[1]:
            continue
        a, b = tx.stem(words[0]), tx.stem(words[1])
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


@dataclass(frozen=True)
class Polarity:
    matches: int
    flips: int
    flipped: tuple[str, ...]
    """The claim words said the other way round."""

    @property
    def contradicts(self) -> bool:
        return self.flips % 2 == 1 and self.matches >= 2


NEGATION_REACH = 3
"""A word is said negatively only when a negation sits at most this many words before it."""


def _words(tokens: list[tx.Token]) -> dict[str, bool]:
    """Content stem -> True when it is stated plainly somewhere (False: only negated)."""
    out: dict[str, bool] = {}
    opp = opposites()
    for t in tokens:
        if t.filler or t.denied or t.stem == "not":
            continue
        if t.text in tx.FUNCTION_WORDS and t.stem not in opp:  # 'same', 'more' do matter here
            continue
        negated = t.negated and 0 < t.neg_distance <= NEGATION_REACH
        out[t.stem] = out.get(t.stem, False) or not negated
    return out


@lru_cache(maxsize=4096)
def _claim_words(claim: str) -> tuple[tuple[str, bool], ...]:
    return tuple(_words([t for s in tx.analyze(claim) for t in s.tokens]).items())


def polarity(claim: str, window_clauses: list[list[tx.Token]]) -> Polarity:
    """`window_clauses`: the window's tokens, clause by clause."""
    opp = opposites()
    claim_words = dict(_claim_words(claim))
    window = _words([t for c in window_clauses for t in c])
    tight = {t.stem for c in window_clauses for t in c if t.negated and t.neg_distance == 1}
    clause_stems = [{t.stem for t in c} for c in window_clauses]
    matches = flips = 0
    flipped: list[str] = []
    for stem, plain in claim_words.items():
        partners = opp.get(stem, set())
        if stem in window:
            # A negated claim word is no flip by itself: 'LN does not use batch statistics' is
            # usually the contrast a good answer draws, not the opposite of 'BN uses them'.
            # Polar words are the exception: 'non-convex' is the opposite of 'convex'.
            if window[stem] == plain:
                matches += 1
            elif partners and stem in tight:
                flips += 1
                flipped.append(stem)
            continue
        # an opposite the claim itself also says ('too large ... too small') is no flip
        other = next((p for p in partners if p in window and p not in claim_words), None)
        if other is None or not any(
            other in c and len((c - {other}) & claim_words.keys()) >= 1 for c in clause_stems
        ):
            continue  # the opposite must sit in a clause that is about the claim
        if window[other] == plain:
            flips += 1
            flipped.append(stem)
        else:
            matches += 1  # 'not underfit' for 'overfit'
    return Polarity(matches, flips, tuple(flipped))
