"""Stage 1 of the offline grader: analyze the answer.

The answer is cut into passages (its sentences, each a verbatim substring). Text addressed to
the grader ("ignore the rubric", fake role tags) is set aside and never judged; speech fillers are
dropped from the text the model reads; sentences that report a claim in order to reject it are
marked; and the answer is screened for non-answers ("can you repeat that", "I don't know") and
for a bag of terms with no claim in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.grading import text as tx
from agent.grading.lexical import LexSentence, prepare
from agent.grading.screening import injection_spans, sentence_denies, status_check

Status = Literal["empty", "not_an_answer", "off_topic"]

BAG_RATIO = 0.18
"""Whole answers with fewer function words than this (and enough terms) are a bag of terms."""
BAG_MIN_WORDS = 6


@dataclass(frozen=True)
class Passage:
    """One sentence of the answer."""

    index: int
    text: str
    """Verbatim, as the candidate said it (quotes in a grade are exact substrings)."""
    plain: str
    """The same without speech fillers: what the meaning model reads."""
    quality: float
    """1.0 when it reads as an explanation, down to 0 for a list of terms."""
    is_list: bool
    denies: bool
    """It reports a claim in order to reject it ('it's a myth that ...')."""


@dataclass(frozen=True)
class AnalyzedAnswer:
    text: str
    passages: tuple[Passage, ...]
    lexical: tuple[LexSentence, ...]
    """The same sentences as the cue matcher sees them (same order as `passages`)."""
    set_aside: tuple[str, ...]
    """Text addressed to the grader, removed before judging."""
    status: Status | None
    """Set when there is nothing to grade (the grade is 0 whatever else is found)."""
    bag_of_terms: bool
    """Terms listed with (almost) no claim connecting them."""
    words: int
    """Real words (fillers excluded) in the kept passages."""


def _plain(sent: LexSentence, source: str) -> str:
    """The sentence as the meaning model reads it: fillers cut out, abbreviations and spoken
    spellings read as the words they stand for ('BN' -> 'batch norm'), the rest as written."""
    s = sent.sentence
    pieces: list[str] = []
    cursor = s.start
    groups: dict[tuple[int, int], list[str]] = {}
    fillers: set[tuple[int, int]] = set()
    for tok in s.tokens:
        groups.setdefault((tok.start, tok.end), []).append(tok.text)
        if tok.filler:
            fillers.add((tok.start, tok.end))
    for (start, end), texts in groups.items():
        if start < cursor:
            continue
        surface = source[start:end]
        if (start, end) in fillers:
            pieces.append(source[cursor:start])
            cursor = end
        elif (
            len(texts) > 1
            and "'" not in surface
            or (len(texts) == 1 and texts[0] != surface.lower() and surface.isalnum())
        ):
            pieces.append(source[cursor:start] + " ".join(texts))
            cursor = end
    pieces.append(source[cursor : s.end])
    text = " ".join("".join(pieces).split())
    return text.replace(" ,", ",").replace(",,", ",").strip(" ,") or sent.text


def analyze_answer(answer: str) -> AnalyzedAnswer:
    answer = answer or ""
    spans = injection_spans(answer)
    lexical = prepare(answer, spans)
    source = tx.normalize_chars(answer)
    passages = tuple(
        Passage(
            index=i,
            text=s.text,
            plain=_plain(s, source),
            quality=s.quality,
            is_list=s.is_list,
            denies=sentence_denies(lexical, i),
        )
        for i, s in enumerate(lexical)
    )
    status: Status | None = status_check(answer, lexical, bool(spans))  # type: ignore[assignment]
    if status is None and not answer.strip():
        status = "empty"
    real = [t for s in lexical for t in s.sentence.tokens if not t.filler]
    listed = sum(len(s.toks) for s in lexical if s.is_list)
    explained = sum(len(s.toks) for s in lexical if not s.is_list and s.quality >= 0.5)
    bag = len(real) >= BAG_MIN_WORDS and (
        tx.function_word_ratio(real) < BAG_RATIO or (listed >= 6 and explained < 8)
    )
    set_aside = tuple(answer[a:b].strip() for a, b in spans if answer[a:b].strip())
    return AnalyzedAnswer(
        text=answer,
        passages=passages,
        lexical=tuple(lexical),
        set_aside=set_aside,
        status=status,
        bag_of_terms=bag,
        words=len(real),
    )
