"""Evidence checks: a quote counts only if the candidate said it.

A quote is kept when, after a small normalisation of both sides, it is a substring of the answer:
case, curly vs straight quotes and dashes, runs of whitespace, and punctuation at the quote's ends
(a model often adds a full stop or drops one). Nothing else is forgiven: a paraphrase, a
"cleaned up" version of a spoken answer, or a quote stitched from two places is dropped.
Kept quotes are returned as the exact text of the answer they match, not the model's version.
"""

from __future__ import annotations

import re

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)
_EDGE = " \t\r\n.,;:!?\"'()[]-"
MIN_QUOTE_CHARS = 3
"""Quotes shorter than this (after trimming) prove nothing and are dropped."""


def _normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Lowercased, char-mapped, whitespace-collapsed text plus, for each output character, the
    index of the source character it came from."""
    out: list[str] = []
    where: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        mapped = ch.translate(_CHAR_MAP).lower()
        for m in mapped:
            if m.isspace():
                if prev_space:
                    continue
                out.append(" ")
                where.append(i)
                prev_space = True
            else:
                out.append(m)
                where.append(i)
                prev_space = False
    return "".join(out), where


def normalize(text: str) -> str:
    return _normalize_with_map(text)[0].strip(_EDGE)


def find_quote(answer: str, quote: str) -> str | None:
    """The exact text of `answer` that `quote` matches after normalisation, or None."""
    if not isinstance(quote, str):
        return None
    needle = normalize(quote)
    if len(needle) < MIN_QUOTE_CHARS:
        return None
    hay, where = _normalize_with_map(answer)
    at = hay.find(needle)
    if at < 0:
        return None
    start = where[at]
    end = where[at + len(needle) - 1] + 1
    return answer[start:end]


def verify_quotes(answer: str, quotes: list[str]) -> tuple[list[str], list[str]]:
    """Split `quotes` into (kept, dropped). Kept quotes are returned as the answer's own text
    (so they are exact substrings of `answer`); duplicates are removed."""
    kept: list[str] = []
    dropped: list[str] = []
    for q in quotes or []:
        found = find_quote(answer, q)
        if found is None:
            dropped.append(q if isinstance(q, str) else repr(q))
        elif found not in kept:
            kept.append(found)
    return kept, dropped


def neutralize_delimiters(answer: str, tag: str = "candidate_answer") -> str:
    """The answer with every copy of our delimiter tag made harmless ('<' and '>' become '[' and
    ']'), so the candidate cannot close the data block early and write instructions after it."""
    rx = re.compile(rf"<\s*/?\s*{re.escape(tag)}\b[^>]*>", re.I)
    return rx.sub(lambda m: m.group(0).replace("<", "[").replace(">", "]"), answer)
