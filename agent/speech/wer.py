"""Word error rate with light normalisation (case, punctuation, hyphens, small numbers).

Used by the tests and bench/speech.py to compare transcripts with reference texts. The
edit counting is the kept library jiwer (Apache-2.0); the normalisation is Viva's own.
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


def _joined(text: str) -> str:
    return " ".join(normalize(text))


def wer(reference: str, hypothesis: str) -> float:
    """Edits / reference words for one pair (1.0 if the reference is empty and hyp is not)."""
    return corpus_wer([(reference, hypothesis)])


def corpus_wer(pairs: list[tuple[str, str]]) -> float:
    """Total edits / total reference words over (reference, hypothesis) pairs (jiwer counts
    the edits, on Viva's normalised words)."""
    import jiwer

    kept = [(_joined(r), _joined(h)) for r, h in pairs]
    scored = [(r, h) for r, h in kept if r]
    extra = sum(len(h.split()) for r, h in kept if not r)  # words said against silence
    words = sum(len(r.split()) for r, _ in scored)
    if not words:
        return 0.0 if not extra else 1.0
    out = jiwer.process_words([r for r, _ in scored], [h for _, h in scored])
    return (out.substitutions + out.deletions + out.insertions + extra) / words
