"""The answer as the cue matcher sees it: one LexSentence per sentence (fillers dropped, joined
word pairs added, a stem index, clause numbers) with a score for how much it reads as an
explanation rather than a list of terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.grading import text as tx

STRUCTURE_FULL = 0.25
"""A sentence whose share of function words reaches this reads as an explanation (full credit)."""


STRUCTURE_ZERO = 0.06
"""At or below this share it is a list of terms (no credit)."""


NO_PREDICATE_CAP = 0.35
"""Credit for a cue found in a sentence with no verb or connective."""


LIST_MIN_SEGMENTS = 4


LIST_SHARE = 0.6
"""A sentence whose segments are at least this share bare terms is a list."""


LIST_CREDIT = 0.5
"""Credit for a point named inside a list (listing remedies is fine, but it explains nothing)."""


@dataclass
class LexSentence:
    sentence: tx.Sentence
    toks: list[tx.Token]
    """Non-filler tokens, plus joined adjacent pairs ('mini' 'batch' -> 'minibatch')."""
    index: dict[str, list[int]]
    quality: float
    text: str
    pos: list[int]
    """Word position of each token in `toks`."""
    clause: list[int]
    """Clause number of each token in `toks`."""
    plain: set[str]
    """Stems of the tokens outside any negation."""
    is_list: bool
    n_words: int
    """Number of real words (the joined pairs follow them in `toks`)."""
    """The sentence is mostly a list of bare terms ('Fixes: A, B, C and D.')."""


def _structure(tokens: list[tx.Token]) -> float:
    """1.0 for a sentence that reads as an explanation, down to 0 for a list of terms."""
    real = [t for t in tokens if not t.filler]
    if not real:
        return 0.0
    ratio = tx.function_word_ratio(real)
    q = (ratio - STRUCTURE_ZERO) / (STRUCTURE_FULL - STRUCTURE_ZERO)
    q = max(0.0, min(1.0, q))
    if len(real) >= 3 and not tx.has_predicate(real):
        q = min(q, NO_PREDICATE_CAP)
    return q


_SEGMENT_SPLIT = re.compile(r"[,;:/&()]|\s-\s|\b(?:and|or|plus|etc)\b", re.I)


_CONNECTIVES = tx.PREDICATE_WORDS | {
    "to",
    "because",
    "so",
    "which",
    "that",
    "when",
    "if",
    "than",
    "while",
}


def _is_list(text: str) -> bool:
    """A sentence made mostly of bare terms: at least four segments (split at commas, 'and',
    'or'...), most of them short and without a verb or connective."""
    segments = [seg for seg in _SEGMENT_SPLIT.split(text) if re.search(r"\w", seg)]
    if len(segments) < LIST_MIN_SEGMENTS:
        return False
    bare = 0
    for seg in segments:
        words = [w.lower() for w in re.findall(r"[A-Za-z0-9_]+", seg)]
        if len(words) <= 4 and not any(w in _CONNECTIVES for w in words):
            bare += 1
    return bare / len(segments) >= LIST_SHARE


def joinable(a: str, b: str) -> bool:
    """Two words that may be written as one ('mini batch' / 'minibatch')."""
    return (
        len(a) >= 2
        and len(b) >= 2
        and a.isalpha()
        and b.isalpha()
        and a not in tx.FUNCTION_WORDS
        and b not in tx.FUNCTION_WORDS
    )


def overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < b and a < e for s, e in spans)


def prepare(answer: str, drop: list[tuple[int, int]]) -> list[LexSentence]:
    out = []
    for s in tx.analyze(answer):
        if overlaps(s.start, s.end, drop):
            continue
        real = [t for t in s.tokens if not t.filler]
        if not real:
            continue
        clause_of = {id(t): ci for ci, c in enumerate(s.clauses) for t in c.tokens}
        toks = list(real)
        pos = list(range(len(real)))
        clause = [clause_of.get(id(t), 0) for t in real]
        index: dict[str, list[int]] = {}
        for i, t in enumerate(real):
            if t.denied:  # named inside "I don't know what ... is": never evidence
                continue
            index.setdefault(t.stem, []).append(i)
            if tx._NUMBER_RE.match(t.text):
                index.setdefault(tx.NUMBER_STEM, []).append(i)
        # joined pairs ('mini' 'batch' -> 'minibatch') sit at the position of their first word
        for i in range(len(real) - 1):
            a, b = real[i], real[i + 1]
            if (
                joinable(a.text, b.text)
                and clause[i] == clause[i + 1]
                and not (a.denied or b.denied)
            ):
                st = tx.stem(a.text + b.text)
                index.setdefault(st, []).append(len(toks))
                toks.append(
                    tx.Token(
                        text=a.text + b.text,
                        stem=st,
                        start=a.start,
                        end=b.end,
                        negated=a.negated or b.negated,
                        neg_distance=min(d for d in (a.neg_distance, b.neg_distance, 99) if d) % 99,
                    )
                )
                pos.append(i)
                clause.append(clause[i])
        out.append(
            LexSentence(
                sentence=s,
                toks=toks,
                index=index,
                quality=_structure(s.tokens)
                * (LIST_CREDIT if _is_list(answer[s.start : s.end]) else 1.0),
                is_list=_is_list(answer[s.start : s.end]),
                n_words=len(real),
                text=answer[s.start : s.end].strip(),
                pos=pos,
                clause=clause,
                plain={t.stem for t in toks if not t.negated},
            )
        )
    return out
