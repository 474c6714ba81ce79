"""Cut the interviewer's text into sentences, so the first one can be spoken while the rest is
synthesized (or, for a streamed LLM follow-up, before the rest is even written)."""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (optionally closed by a quote or bracket) followed by space, unless
# the word before the stop is a common abbreviation or a single letter ("e.g.", "Mr.", "U.S.").
_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_ABBREVIATIONS = {"e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "no.", "approx."}


def _ends_sentence(text: str, stop: int) -> bool:
    word = text[:stop].rsplit(None, 1)[-1].lower() if text[:stop].strip() else ""
    word = word.rstrip("\"')]")
    if word in _ABBREVIATIONS:
        return False
    return not re.fullmatch(r"(?:[a-z]\.)+", word)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, stripped; the last one may lack a stop."""
    sentences, rest = take_sentences(text)
    if rest.strip():
        sentences.append(rest.strip())
    return sentences


def take_sentences(text: str) -> tuple[list[str], str]:
    """(complete sentences at the start of `text`, the unfinished rest)."""
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if not _ends_sentence(text, match.start()):
            continue
        sentence = text[start : match.start()].strip()
        if sentence:
            out.append(sentence)
        start = match.end()
    return out, text[start:]


class SentenceStream:
    """Feed a streamed text piece by piece; get each sentence once it is complete."""

    def __init__(self) -> None:
        self.buffer = ""
        self.emitted = ""
        """Everything handed out so far (to tell what of the final text is left to say)."""
        self.started = False
        """The first sentence is being said (set by the caller)."""
        self.cut = False
        """The candidate cut it off (set by the caller): say no more of it."""

    def feed(self, delta: str) -> list[str]:
        self.buffer += delta
        sentences, self.buffer = take_sentences(self.buffer)
        for sentence in sentences:
            self.emitted += sentence + " "
        return sentences


def remainder_after(spoken: str, final: str) -> str:
    """The part of `final` not yet spoken, when `spoken` (sentences already said, joined by
    spaces) is a prefix of it word for word; otherwise the whole final text."""
    said = spoken.split()
    words = final.split()
    if said and words[: len(said)] == said:
        return " ".join(words[len(said) :])
    return final


_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=\u2014|-\s)")
FIRST_PIECE_WORDS = 10
"""A first sentence longer than this is said in two pieces (cut at a comma, semicolon, colon
or dash), so the first audio does not wait for the whole sentence to be synthesized."""


def speakable_pieces(text: str) -> list[str]:
    """The sentences of `text`, the first one cut at its first clause break when it is long."""
    sentences = split_sentences(text)
    if not sentences or len(sentences[0].split()) <= FIRST_PIECE_WORDS:
        return sentences
    first = sentences[0]
    for match in _CLAUSE.finditer(first):
        head, tail = first[: match.start()].strip(), first[match.end() :].strip()
        if len(head.split()) >= 4 and len(tail.split()) >= 2:
            return [head, tail, *sentences[1:]]
    return sentences
