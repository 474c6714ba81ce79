"""How close an answer comes to a reference answer, with no rubric.

Used for custom questions (only a question and a reference answer) and for the external Mohler
benchmark (`bench/mohler.py`). Zero-shot: nothing here is fitted to any labelled data.

Two signals, both "question-demoted" (words the question already contains earn no credit, so
restating the question scores nothing) and both recall-oriented (how much of the reference the
answer covers):

- lexical (always on): share of the reference's content stems that appear in the answer;
- semantic (when the optional all-MiniLM-L6-v2 package is installed, see `semantic.py`):
  BERTScore-style recall, where each content word-piece of the reference is matched to its most
  similar content word-piece of the answer by MiniLM's contextual vectors (cosine), minus the
  similarity unrelated text reaches anyway (`SEMANTIC_BASELINE`).

Coverage is mapped to credit with a fixed concave curve, `1 - (1 - x)^2`: reference answers are
worded fully, and an answer that covers half of the reference's content has usually made its
main point (0.5 -> 0.75). With the semantic layer the two are averaged with fixed weights
(`LEXICAL_WEIGHT`). Measured on Mohler (2,273 answers), see bench/mohler.py and the README.

Honesty note: no weight was fitted, but the curve, QUESTION_WEIGHT and SEMANTIC_BASELINE were
picked among a handful of settings tried on Mohler; `bench/mohler.py --variants` prints them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from agent.grading import text as tx

if TYPE_CHECKING:  # pragma: no cover
    from agent.grading.semantic import Encoded

QUESTION_WEIGHT = 0.2
"""Lexical weight of a reference word that the question already contains (others weigh 1)."""

SEMANTIC_BASELINE = 0.15
"""Token-alignment recall that unrelated text reaches anyway (median 0.145 over Mohler answers
paired with another question's reference; no scores used); subtracted before the credit curve."""

LEXICAL_WEIGHT = 0.25
"""Share of the lexical signal in the combined similarity when the semantic layer is on."""

_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_SKIP = tx.FUNCTION_WORDS | tx.FILLERS


def credit(coverage: float) -> float:
    """Coverage (0-1) to credit (0-1): concave, 0 -> 0, 0.5 -> 0.75, 1 -> 1."""
    x = min(1.0, max(0.0, coverage))
    return 1.0 - (1.0 - x) ** 2


# ---------------------------------------------------------------------------------------------
# lexical


def _weights(
    question_stems: set[str], ref_stems: Iterable[str], idf: dict[str, float] | None
) -> dict[str, float]:
    top = max(idf.values()) if idf else 1.0
    out: dict[str, float] = {}
    for s in ref_stems:
        if s == "not":
            continue
        base = idf.get(s, top) if idf else 1.0
        out[s] = base * (QUESTION_WEIGHT if s in question_stems else 1.0)
    return out


def lexical_coverage(
    question: str, reference: str, answer: str, *, idf: dict[str, float] | None = None
) -> float:
    """Weighted share of the reference's content stems found in the answer (0-1)."""
    weights = _weights(
        set(tx.content_stems(question)), dict.fromkeys(tx.content_stems(reference)), idf
    )
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    have = set(tx.content_stems(answer))
    return sum(w for s, w in weights.items() if s in have) / total


def lexical_similarity(
    question: str, reference: str, answer: str, *, idf: dict[str, float] | None = None
) -> float:
    """Lexical similarity in [0, 1] (credit of the lexical coverage)."""
    if not answer or not answer.strip():
        return 0.0
    return credit(lexical_coverage(question, reference, answer, idf=idf))


# ---------------------------------------------------------------------------------------------
# semantic


def _piece_stems(text: str, enc: Encoded) -> list[str | None]:
    """For each word-piece, the stem of the word it belongs to; None for punctuation and for
    function words and fillers (they carry no content of their own)."""
    spans = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD_RE.finditer(text)]
    out: list[str | None] = []
    k = 0
    for start, _end in enc.offsets:
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if k < len(spans) and spans[k][0] <= start < spans[k][1]:
            word = spans[k][2].replace("'", "")
            out.append(None if word in _SKIP else tx.stem(word))
        else:
            out.append(None)
    return out


def token_alignment_recall(
    question: str,
    reference: str,
    answer: str,
    encodings: tuple[Encoded, Encoded],
    *,
    idf: dict[str, float] | None = None,
) -> float:
    """BERTScore-style recall of the reference's content pieces in the answer's content pieces
    (question words removed on both sides). `encodings`: the reference and the answer as the
    encoder read them."""
    import numpy as np

    ref_enc, ans_enc = encodings
    q_stems = set(tx.content_stems(question))
    ref_stems = _piece_stems(reference, ref_enc)
    top = max(idf.values()) if idf else 1.0
    weights = np.array(
        [
            0.0 if s is None or s in q_stems else (idf.get(s, top) if idf else 1.0)
            for s in ref_stems
        ],
        dtype=np.float32,
    )
    if weights.sum() <= 0:  # the reference only repeats the question: keep its content words
        weights = np.array([0.0 if s is None else 1.0 for s in ref_stems], dtype=np.float32)
    keep = [
        i for i, s in enumerate(_piece_stems(answer, ans_enc)) if s is not None and s not in q_stems
    ]
    if weights.sum() <= 0 or not keep:
        return 0.0
    ref_vecs = ref_enc.vectors / np.linalg.norm(ref_enc.vectors, axis=1, keepdims=True).clip(1e-9)
    ans_vecs = ans_enc.vectors[keep]
    ans_vecs = ans_vecs / np.linalg.norm(ans_vecs, axis=1, keepdims=True).clip(1e-9)
    best = (ref_vecs @ ans_vecs.T).max(axis=1)
    return float((best * weights).sum() / weights.sum())


def semantic_similarity(
    question: str, reference: str, answer: str, *, idf: dict[str, float] | None = None
) -> float | None:
    """Semantic similarity in [0, 1], or None when the optional layer is off or not installed."""
    if not answer or not answer.strip():
        return 0.0
    from agent.grading.encodings import cache
    from agent.grading.semantic import get_encoder

    encoder = get_encoder()
    if encoder is None:
        return None
    ref_enc, ans_enc = cache.get(encoder, [reference, answer])
    recall = token_alignment_recall(question, reference, answer, (ref_enc, ans_enc), idf=idf)
    return semantic_credit(recall)


def semantic_credit(recall: float, baseline: float = SEMANTIC_BASELINE) -> float:
    """Token-alignment recall to credit: the unrelated-text baseline removed, then `credit`."""
    return credit((recall - baseline) / (1.0 - baseline))


def combine(
    lexical: float, semantic: float | None, lexical_weight: float = LEXICAL_WEIGHT
) -> float:
    """The combined similarity: fixed-weight average (just `lexical` without the semantic layer)."""
    if semantic is None:
        return lexical
    return lexical_weight * lexical + (1.0 - lexical_weight) * semantic


# ---------------------------------------------------------------------------------------------
# public API


def reference_components(
    question: str,
    reference: str,
    answer: str,
    *,
    idf: dict[str, float] | None = None,
    semantic: bool | None = None,
) -> dict[str, float | str | None]:
    """All signals: {'lexical', 'semantic' (None when off), 'similarity', 'method'}.

    `semantic=None` uses the optional layer when it is installed (and VIVA_SEMANTIC is not 0);
    False never uses it; True uses it when it can."""
    lexical = lexical_similarity(question, reference, answer, idf=idf)
    sem = None
    if semantic is not False and answer and answer.strip():
        sem = semantic_similarity(question, reference, answer, idf=idf)
    if sem is None:
        return {"lexical": lexical, "semantic": None, "similarity": lexical, "method": "lexical"}
    return {
        "lexical": lexical,
        "semantic": sem,
        "similarity": combine(lexical, sem),
        "method": "lexical+semantic",
    }


def reference_similarity(question: str, reference: str, answer: str, **options: Any) -> float:
    """How well `answer` covers `reference` (as an answer to `question`), in [0, 1] (`options`
    as for `reference_components`).

    Empty answers and answers that only restate the question score 0. Deterministic."""
    value = reference_components(question, reference, answer, **options)
    similarity = value["similarity"]
    return float(min(1.0, max(0.0, float(similarity or 0.0))))


def reference_score(question: str, reference: str, answer: str, **options: Any) -> float:
    """The similarity on the grade scale, 0-4 (`options` as for `reference_similarity`)."""
    return 4.0 * reference_similarity(question, reference, answer, **options)


__all__ = [
    "combine",
    "credit",
    "lexical_coverage",
    "lexical_similarity",
    "reference_components",
    "reference_score",
    "reference_similarity",
    "semantic_credit",
    "semantic_similarity",
    "token_alignment_recall",
]
