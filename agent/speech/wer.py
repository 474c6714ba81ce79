"""Word error rate with light normalisation (case, punctuation, hyphens, small numbers).

Used by the tests and bench/speech.py to compare transcripts with reference texts.
"""

from __future__ import annotations

import re

_NUMBERS = {
    "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
    "7": "seven", "8": "eight", "9": "nine", "10": "ten", "11": "eleven", "12": "twelve",
    "16": "sixteen", "20": "twenty", "32": "thirty two", "64": "sixty four",
    "100": "one hundred", "1000": "one thousand",
}  # fmt: skip
_SPELLING = {"mr": "mister", "mrs": "missus", "dr": "doctor", "vs": "versus", "ok": "okay"}


def normalize(text: str) -> list[str]:
    """Lowercase words: punctuation dropped, hyphens split, digits spelled, 'Mr.' -> 'mister'."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)  # mini-batch -> mini batch
    text = re.sub(r"[^\w'\s]", " ", text)
    words: list[str] = []
    for word in text.split():
        word = word.strip("'")
        if not word:
            continue
        if word in _NUMBERS:
            words.extend(_NUMBERS[word].split())
        else:
            words.append(_SPELLING.get(word, word))
    return words


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1]


def wer(reference: str, hypothesis: str) -> float:
    """Edits / reference words for one pair (1.0 if the reference is empty and hyp is not)."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


def corpus_wer(pairs: list[tuple[str, str]]) -> float:
    """Total edits / total reference words over (reference, hypothesis) pairs."""
    edits = words = 0
    for reference, hypothesis in pairs:
        ref, hyp = normalize(reference), normalize(hypothesis)
        edits += edit_distance(ref, hyp)
        words += len(ref)
    return edits / words if words else 0.0
