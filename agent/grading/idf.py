"""Inverse document frequency over reference texts, for weighting reference words.

Computed on the fly from whatever reference texts are at hand (a bank's questions and reference
answers, or the references of an evaluation set). Never from answers or their scores. Unknown
stems get the largest weight (a word no reference uses is specific). Optional: the default
weighting in `reference.py` is uniform over content words, which measured as well on Mohler.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from agent.grading import text as tx


def build_idf(documents: Iterable[str]) -> dict[str, float]:
    """{stem: log((N + 1) / (df + 0.5))} over the content stems of `documents`."""
    docs = [d for d in documents if d and d.strip()]
    df: dict[str, int] = {}
    for doc in docs:
        for s in set(tx.content_stems(doc)):
            df[s] = df.get(s, 0) + 1
    n = len(docs)
    return {s: math.log((n + 1) / (c + 0.5)) for s, c in df.items()}


def bank_idf(rubrics: Iterable[object]) -> dict[str, float]:
    """IDF over the question and reference texts of rubrics (agent.bank.models.Rubric)."""
    docs: list[str] = []
    for r in rubrics:
        docs.append(getattr(r, "question", "") or "")
        ref = getattr(r, "reference", None)
        if ref is not None:
            docs.append(
                " ".join(
                    x
                    for x in (getattr(ref, k, "") or "" for k in ("short", "standard", "deep"))
                    if x
                )
            )
    return build_idf(docs)
