"""Tokens with offsets into the original text.

Words (contractions expanded, speech slips fixed, abbreviations read as the words they stand
for), fillers and denial-of-knowledge frames. Every token keeps its character span in the
ORIGINAL text, so evidence quoted from an answer is an exact substring."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.grading.text.wordlists import (
    _DENY_AUX,
    _DENY_SCOPE_END,
    _DENY_SUBJECT,
    _DENY_VERBS,
    _NEGATING_PHRASES,
    _SYNONYM_SEQS,
    _UPPER_ONLY,
    _WH,
    ABBREVIATIONS,
    ASR_FIXES,
    FILLERS,
)

_CONTRACTIONS = [
    (re.compile(r"\b(can)'?t\b", re.I), r"\1 not"),
    (re.compile(r"\bwon'?t\b", re.I), "will not"),
    (re.compile(r"\bshan'?t\b", re.I), "shall not"),
    (re.compile(r"\bain'?t\b", re.I), "is not"),
    (re.compile(r"n't\b", re.I), " not"),
]

_TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)+(?![A-Za-z0-9])|[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?|%|[.!?;:,\u2014\u2013()\"]|--|\s-\s"
)
_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)*$")
NUMBER_STEM = "#num"
"""Extra index stem every number carries; a cue word written `<num>` matches any number."""
_SENTENCE_END = frozenset(".!?;")
_CLAUSE_BREAK = frozenset(':,\u2014\u2013()"') | {"--", "-"}


@dataclass(frozen=True)
class Token:
    text: str
    """Lowercased surface form (contractions expanded: "isn't" gives 'is', 'not')."""
    stem: str
    start: int
    end: int
    """Span of the source word in the original answer text."""
    negated: bool = False
    neg_distance: int = 0
    """Words since the negation this token is in the scope of (0 = not negated)."""
    filler: bool = False
    denied: bool = False
    """Inside a denial-of-knowledge frame ("I don't know what X means", "never heard of X"): the
    candidate names X without claiming it, so X earns nothing (it is also marked negated)."""


@dataclass
class Clause:
    """A stretch of words between clause breaks (sentence ends, ';', ',', 'but', dashes...)."""

    tokens: list[Token]
    sentence: int

    @property
    def stems(self) -> set[str]:
        return {t.stem for t in self.tokens if not t.filler}


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    tokens: list[Token] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)

    def text(self, source: str) -> str:
        return source[self.start : self.end].strip()


# ---------------------------------------------------------------------------------------------
# Tokenising
# ---------------------------------------------------------------------------------------------


def normalize_chars(text: str) -> str:
    """Curly quotes and odd spaces to plain ASCII, keeping every character's position."""
    table = {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
    return "".join(table.get(ch, ch) for ch in text)


def _raw_words(text: str) -> list[tuple[str, int, int]]:
    """(lowercased word or punctuation, start, end), contractions split into word + 'not'."""
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN_RE.finditer(text):
        word = m.group(0).strip()
        start, end = m.start(), m.end()
        low = word.lower()
        if low == "%":
            out.append(("percent", start, end))
            continue
        if "'" in low:
            base, _, suffix = low.partition("'")
            if suffix == "t":  # isn't, doesn't, can't, won't
                if base.endswith("n") and base not in ("can", "won", "shan"):
                    base = base[:-1]
                base = {"won": "will", "shan": "shall", "ai": "is", "ca": "can"}.get(base, base)
                out.append((base, start, end))
                out.append(("not", start, end))
                continue
            if suffix == "s":
                out.append((base, start, end))
                if base in ("it", "that", "there", "what", "here", "he", "she", "who", "this"):
                    out.append(("is", start, end))
                continue
            if suffix in ("re", "ve", "ll", "d", "m"):
                out.append((base, start, end))
                out.append(
                    (
                        {"re": "are", "ve": "have", "ll": "will", "d": "would", "m": "am"}[suffix],
                        start,
                        end,
                    )
                )
                continue
            low = base + suffix
        out.append((low, start, end))
    return out


_ASR_FIRST = {k[0] for k in ASR_FIXES}


def _apply_asr_fixes(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    i = 0
    n = len(words)
    while i < n:
        if words[i][0] in _ASR_FIRST:
            for size in (3, 2, 1):
                if i + size > n:
                    continue
                repl = ASR_FIXES.get(tuple(w for w, _, _ in words[i : i + size]))
                if repl is not None:
                    start, end = words[i][1], words[i + size - 1][2]
                    out.extend((r, start, end) for r in repl)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        else:
            out.append(words[i])
            i += 1
    return out


_SYN_FIRST = {k[0] for k in _SYNONYM_SEQS}


def _apply_abbreviations(words: list[tuple[str, int, int]], src: str) -> list[tuple[str, int, int]]:
    """Expand abbreviations and canonicalise synonyms; expanded words keep the abbreviation's
    span, so quotes stay exact. 'LR' is read as learning rate unless the text talks about
    logistic regression."""
    logistic = "logistic" in src.lower()
    out: list[tuple[str, int, int]] = []
    i = 0
    n = len(words)
    while i < n:
        w, start, end = words[i]
        if w in _SYN_FIRST:
            for size in (3, 2):
                if i + size > n:
                    continue
                repl = _SYNONYM_SEQS.get(tuple(x for x, _, _ in words[i : i + size]))
                if repl is not None:
                    e = words[i + size - 1][2]
                    out.extend((r, start, e) for r in repl)
                    i += size
                    break
            else:
                repl = None
            if repl is not None:
                continue
        exp = ABBREVIATIONS.get(w)
        if exp is not None and w != "half":
            surface = src[start:end]
            if w in _UPPER_ONLY and not surface.rstrip("s").isupper():
                exp = None
            elif w in ("lr", "lrs") and logistic:
                exp = None
            if exp is not None:
                out.extend((r, start, end) for r in exp)
                i += 1
                continue
        out.append((w, start, end))
        i += 1
    return out


# ---------------------------------------------------------------------------------------------
# Denial of knowledge
# ---------------------------------------------------------------------------------------------


def _denial_frames(plain: list[str]) -> list[bool]:
    """Word flags for denial-of-knowledge frames: "I don't know what X means", "I'm not sure
    how X works", "I can't remember X", "(I have) never heard of X", "no idea what X is", "not
    familiar with X". The frame runs from its opening word to the end of the clause (a comma,
    a sentence end, or 'but', 'because', 'so'...; 'and' ends it before a new subject)."""
    flags = [False] * len(plain)
    n = len(plain)
    i = 0
    while i < n:
        start = None
        j = i
        w = plain[i]
        if w in _DENY_SUBJECT:
            j = i + 1
            while j < n and plain[j] in _DENY_AUX:
                j += 1
            if j < n and plain[j] in ("not", "never"):
                k = j + 1
                while k < n and plain[k] in _DENY_AUX:
                    k += 1
                if k < n and (
                    plain[k] in _DENY_VERBS
                    or (
                        plain[k] in ("sure", "certain", "clear")
                        and k + 1 < n
                        and plain[k + 1] in _WH
                    )
                    or (
                        plain[k] in ("familiar", "aware")
                        and k + 1 < n
                        and plain[k + 1] in ("with", "of")
                    )
                ):
                    start, j = i, k + 1
            elif (
                j < n
                and plain[j] in ("no", "zero")
                and j + 1 < n
                and plain[j + 1] in ("idea", "clue")
            ):
                start, j = i, j + 2
            elif j < n and plain[j] in ("forgot", "forget", "forgotten"):
                start, j = i, j + 1
        elif w == "never" and i + 1 < n and plain[i + 1] in ("heard", "seen", "learned", "learnt"):
            start, j = i, i + 2
        elif (
            w == "no"
            and i + 1 < n
            and plain[i + 1] in ("idea", "clue")
            and i + 2 < n
            and (plain[i + 2] in _WH or plain[i + 2] in ("about", "of"))
        ):
            start, j = i, i + 2
        if start is None:
            i += 1
            continue
        k = start
        while k < n:
            x = plain[k]
            if x in _SENTENCE_END or x in _CLAUSE_BREAK or not x:
                break
            if k >= j and x in _DENY_SCOPE_END:
                break
            if (
                k >= j
                and x == "and"
                and k + 1 < n
                and plain[k + 1] in ("i", "we", "you", "it", "they", "then", "so", "this")
            ):
                break
            flags[k] = True
            k += 1
        i = max(k, i + 1)
    return flags


def _mark_fillers(words: list[tuple[str, int, int]]) -> list[bool]:
    flags = [False] * len(words)
    n = len(words)
    for i, (w, _, _) in enumerate(words):
        if w in FILLERS:
            flags[i] = True
        elif w == "like":
            # "like" is a filler between commas/fillers, not in "it's like a ball rolling".
            prev = words[i - 1][0] if i else ","
            nxt = words[i + 1][0] if i + 1 < n else "."
            if prev in (",", ".") or prev in FILLERS or nxt in (",", ".") or nxt in FILLERS:
                flags[i] = True
        elif w == "you" and i + 1 < n and words[i + 1][0] == "know":
            # "you know" as a filler unless an object follows ("you know the gradient").
            nxt = words[i + 2][0] if i + 2 < n else "."
            if (
                nxt in (",", ".", "um", "uh", "like", "so", "it", "the", "i", "we")
                or nxt in FILLERS
            ):
                flags[i] = flags[i + 1] = True
        elif (
            w == "i"
            and i + 1 < n
            and words[i + 1][0] == "mean"
            and (i + 2 >= n or words[i + 2][0] in (",", "the", "it", "so", "like"))
        ):
            flags[i] = flags[i + 1] = True
    return flags


_NEG_PHRASE_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in _NEGATING_PHRASES:
    _NEG_PHRASE_FIRST.setdefault(_phrase[0], []).append(_phrase)


def _negating_phrase_at(words: list[str], i: int) -> int:
    """Length of a negating phrase starting at i, or 0."""
    for phrase in _NEG_PHRASE_FIRST.get(words[i], ()):
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0
