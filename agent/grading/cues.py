"""Authored cue phrases, matched in an answer with negation scope.

Compiled to stem sequences, they are the fast, lexical evidence for key points, misconceptions
and level phrases."""

from __future__ import annotations

from dataclasses import dataclass

from agent.grading import text as tx
from agent.grading.lexical import LexSentence, joinable
from agent.grading.vocab import LIGHT_VERBS, MEANINGFUL

CROSS_CLAUSE_WINDOW = 3
"""Cue words in different clauses of a sentence must sit within this many words per cue word."""


@dataclass(frozen=True)
class Cue:
    phrase: str
    alternatives: tuple[tuple[str, ...], ...]
    """Stem sequences that each count as the cue ('mini-batch' also as 'minibatch')."""
    negative: bool
    """The cue itself holds a negation ('no guarantee'): it needs one in the answer."""
    contrastive: bool = False
    """The cue holds a contrast word ('opposite the gradient', 'instead of'): the negation that
    word opens in the answer is the cue's own meaning, so negation is not checked."""


_NUM_MARK = "qqnumqq"


def _cue_stem(word: str) -> str:
    return tx.NUMBER_STEM if word == _NUM_MARK else tx.stem(word)


def compile_cue(phrase: str) -> Cue | None:
    """A cue phrase compiled to stem sequences. `<num>` in a cue stands for any number
    ('went from <num> to <num>' is a measured change)."""
    text = phrase.replace("<num>", f" {_NUM_MARK} ")
    toks = [t for s in tx.analyze(text) for t in s.tokens if not t.filler]
    words = [t.text for t in toks]
    keep = [w for w in words if w not in tx.FUNCTION_WORDS or w in MEANINGFUL or w in tx.NEGATORS]
    light = [w for w in keep if tx.stem(w) not in LIGHT_VERBS]
    if len(light) >= 2:
        keep = light
    if not keep:
        keep = words
    if not keep:
        return None
    stems = tuple(_cue_stem(w) for w in keep)
    alts = [stems]
    for i in range(len(keep) - 1):
        if not joinable(keep[i], keep[i + 1]):
            continue
        joined = keep[:i] + [keep[i] + keep[i + 1]] + keep[i + 2 :]
        alts.append(tuple(_cue_stem(w) for w in joined))
    negative = "not" in stems
    contrastive = bool(CONTRAST_STEMS & set(stems))
    return Cue(
        phrase=phrase,
        alternatives=tuple(dict.fromkeys(alts)),
        negative=negative and not contrastive,
        contrastive=contrastive,
    )


CONTRAST_STEMS = frozenset(
    tx.stem(w)
    for w in "opposite instead rather contrary unlike opposed against negative reverse minus inverse".split()
)


def _position(sent: LexSentence, k: int) -> int:
    """Word position of token k (a joined pair sits at its first word)."""
    return sent.pos[k]


def _negated(tok: tx.Token, near: int | None) -> bool:
    if near == -1:  # contrastive cue: negation not checked
        return False
    if near is None:
        return tok.negated
    return 0 < tok.neg_distance <= near


def _match(cue: Cue, sent: LexSentence, near: int | None = None) -> tuple[bool, bool] | None:
    """(found, negated) for the best occurrence of `cue` in the sentence, or None (see
    `match_at`)."""
    m = match_at(cue, sent, near)
    return None if m is None else (m[0], m[1])


def match_at(
    cue: Cue, sent: LexSentence, near: int | None = None
) -> tuple[bool, bool, list[int]] | None:
    """(found, negated, token indices) for the best occurrence of `cue` in the sentence, or None.

    `near`: only a negation at most this many words before a cue word counts (used for credit,
    so 'does not always reach the optimum on non-convex losses' still shows 'non-convex');
    None: the whole negation scope counts (used for misconceptions: deny a penalty readily)."""
    best_neg = None
    if cue.contrastive:
        near = -1
    for alt in cue.alternatives:
        if any(s not in sent.index for s in alt):
            continue
        if len(set(alt)) < len(alt) and any(len(sent.index[s]) < alt.count(s) for s in set(alt)):
            continue
        window = 4 * len(alt) + 4
        for allow_negated in (False, True):
            picks = []
            ok = True
            for s in alt:
                occ = [
                    k
                    for k in sent.index[s]
                    if allow_negated or cue.negative or not _negated(sent.toks[k], near)
                ]
                if not occ:
                    ok = False
                    break
                picks.append(occ)
            if not ok:
                continue
            # anchor on the rarest stem, take the nearest occurrence of every other stem
            anchor_list = min(picks, key=len)
            for a in anchor_list:
                pa = _position(sent, a)
                chosen: list[int] = []
                for occ in picks:  # nearest occurrence, a different word for a repeated stem
                    free = [
                        k
                        for k in occ
                        if _position(sent, k) not in {_position(sent, c) for c in chosen}
                    ]
                    chosen.append(min(free or occ, key=lambda k: abs(_position(sent, k) - pa)))
                pos = [_position(sent, k) for k in chosen]
                same_clause = len({sent.clause[k] for k in chosen}) == 1
                if max(pos) - min(pos) <= (
                    window if same_clause else CROSS_CLAUSE_WINDOW * len(alt)
                ):
                    if cue.negative and not _negation_binds(sent, alt, chosen):
                        continue
                    negated = (not cue.negative) and any(
                        _negated(sent.toks[k], near) for k in chosen
                    )
                    if near is None and not negated and not cue.contrastive:
                        # a claim matched across a contrast word ('the opposite direction of
                        # the gradient') is not the claim
                        lo, hi = min(pos) - 2, max(pos)
                        negated = any(
                            sent.toks[k].stem in CONTRAST_STEMS
                            for k in range(sent.n_words)
                            if lo <= k <= hi
                        )
                    if not negated:
                        return (True, False, chosen)
                    best_neg = (True, True, chosen)
                    break
    return best_neg


def _negation_binds(sent: LexSentence, alt: tuple[str, ...], chosen: list[int]) -> bool:
    """For a cue holding a negation ('no guarantee', 'costs nothing'): the answer's negation must
    bear on the cue word next to the negation in the cue (that word sits in its scope, or the
    negation follows it closely: 'is guaranteed? no' / 'costs nothing')."""
    if "not" not in alt or len(alt) < 2:
        return True
    i = alt.index("not")
    j = i + 1 if i == 0 else i - 1
    k = chosen[j]
    if sent.toks[k].negated:
        return True
    p = _position(sent, k)
    return any(0 < _position(sent, q) - p <= 2 for q in sent.index.get("not", []))
