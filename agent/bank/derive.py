"""Build a usable rubric from a question and its reference answer alone.

This is how teams bring their own question banks: a file with `id`, `question` and
`reference: {standard: ...}` becomes a rubric whose key points are the reference's sentences
(long ones split into clauses), whose cues are the content words and short phrases of each point
that the question itself does not contain ("question demoting": repeating the question earns
nothing), with one or two criteria whose level descriptors count the points covered.
"""

from __future__ import annotations

import math
import re
from typing import Any

from agent.bank.models import (
    Criterion,
    KeyPoint,
    Levels,
    Probe,
    ReferenceAnswers,
    Rubric,
)
from agent.text import is_content, stem, words

MAX_KEY_POINTS = 10
MAX_CUES = 6
MAX_PHRASES = 3
# Words too common in technical answers to be evidence on their own.
GENERIC = frozenset(
    """
    time times value values model models data result results work works good better best bad
    high higher low lower large larger small smaller new first second number numbers set sets
    part parts case cases point points problem problems answer question important different
    same common general specific simple easy hard whole main lot lots able help helps
    """.split()
)
LONG_SENTENCE_WORDS = 18
MIN_CLAUSE_CONTENT = 3

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|approx|resp|fig|eq)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n+|\n\s*(?:[-*•]|\d+[.)])\s+")
# Clause boundaries in a long sentence; never before an elaboration ("e.g.", "such as").
_CLAUSE_BREAK = re.compile(
    r";\s+|:\s+|,\s+(?!(?:e\.g|i\.e|for example|for instance|such as|like|including|etc)\b)"
)
_PROTECT = "\x00"


class DeriveError(ValueError):
    """The reference answer gives nothing to grade beyond the question's own words."""


def _sentences(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").strip()
    text = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", text)
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0)[:-1] + _PROTECT, text)
    parts = _SENTENCE_END.split(protected)
    out = []
    for part in parts:
        part = " ".join(part.replace(_PROTECT, ".").split())
        if part:
            out.append(part)
    return out


def _novel(text: str, question_stems: set[str]) -> list[str]:
    return [w for w in words(text) if is_content(w) and stem(w) not in question_stems]


def _clauses(sentence: str, question_stems: set[str]) -> list[str]:
    """Split a long sentence at clause boundaries, keeping each piece meaningful."""
    if len(words(sentence)) < LONG_SENTENCE_WORDS:
        return [sentence]
    pieces = _rejoin_lists([p.strip() for p in _split_outside_brackets(sentence) if p.strip()])
    merged: list[str] = []
    for piece in pieces:
        if merged and len(_novel(merged[-1], question_stems)) < MIN_CLAUSE_CONTENT:
            merged[-1] = f"{merged[-1]}, {piece}"
        else:
            merged.append(piece)
    if len(merged) > 1 and len(_novel(merged[-1], question_stems)) < MIN_CLAUSE_CONTENT:
        last = merged.pop()
        merged[-1] = f"{merged[-1]}, {last}"
    return merged


_CLAUSE_OPENERS = frozenset(
    "and or but so which while whereas because since although though then that who where when "
    "if it its this these they we you as thus hence".split()
)
_AUXILIARIES = frozenset(
    "is are was were be been being has have had do does did can could will would shall should "
    "may might must".split()
)


def _rejoin_lists(pieces: list[str]) -> list[str]:
    """Put an enumeration cut at its commas back together: in "the cache grows with batch size,
    sequence length, number of layers and hidden size" the pieces after the first are list items
    (short, no verb, not opening a clause, the last one closing with "and"/"or"), not clauses."""

    def item(piece: str) -> bool:
        ws = piece.lower().split()
        return 0 < len(ws) <= 8 and ws[0] not in _CLAUSE_OPENERS and not set(ws) & _AUXILIARIES

    def closes(piece: str) -> bool:
        return re.search(r"\b(?:and|or)\b", piece) is not None

    out: list[str] = []
    i = 0
    while i < len(pieces):
        j = i
        while j < len(pieces) and item(pieces[j]) and not closes(pieces[j]):
            j += 1
        if out and j < len(pieces) and item(pieces[j]) and closes(pieces[j]):
            out[-1] = ", ".join([out[-1], *pieces[i : j + 1]])
            i = j + 1
        else:
            out.append(pieces[i])
            i += 1
    return out


_LIST_SEP = re.compile(r",\s*(?:and|or)\s+|,\s*|\s+and\s+|\s+or\s+")


def _list_items(sentence: str, question_stems: set[str]) -> list[str]:
    """'Encapsulation, inheritance and polymorphism.' -> three items, so each is its own point
    (otherwise naming any one item would count for the whole list)."""
    body = sentence.strip().rstrip(".!?;:")
    if len(words(body)) > 16 or "(" in body:
        return []
    items = [p.strip() for p in _LIST_SEP.split(body) if p.strip()]
    if len(items) < 2 or any(len(words(item)) > 4 for item in items):
        return []
    if not all(_novel(item, question_stems) for item in items):
        return []
    return items


def _split_outside_brackets(sentence: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        before = sentence[: match.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue
        pieces.append(sentence[start : match.start()])
        start = match.end()
    pieces.append(sentence[start:])
    return pieces


def _as_point(text: str) -> str:
    text = re.sub(r"^(?:and|but|or|so)\s+", "", text.strip().rstrip(",;:"), flags=re.I)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _phrases(text: str, question_stems: set[str]) -> list[str]:
    """Two-word phrases of consecutive content words (never across punctuation), at least one
    of them not in the question."""
    out: list[str] = []
    for chunk in re.split(r"[,;:()\[\]{}!?\"]+|\.(?=\s|$)", text):
        tokens = words(chunk)
        for a, b in zip(tokens, tokens[1:], strict=False):
            if not (is_content(a) and is_content(b)):
                continue
            if stem(a) in question_stems and stem(b) in question_stems:
                continue
            if a in GENERIC and b in GENERIC:
                continue
            out.append(f"{a} {b}")
    return out


def _cues(text: str, question_stems: set[str], shared: set[str], taken: set[str]) -> list[str]:
    """Cues for one point: distinctive phrases first, then distinctive single words.

    Any one cue counts as evidence, so weak single words (generic, short, or shared with
    other points) are left out whenever something better exists."""
    cues: list[str] = []
    seen: set[str] = set()
    for phrase in _phrases(text, question_stems):
        key = " ".join(stem(w) for w in phrase.split())
        if key in taken or key in seen:
            continue
        seen.add(key)
        cues.append(phrase)
        if len(cues) >= MAX_PHRASES:
            break
    novel = list(dict.fromkeys(_novel(text, question_stems)))
    strong = [
        w
        for w in novel
        if w not in GENERIC
        and stem(w) not in shared
        and (len(w) >= 5 or any(ch.isdigit() for ch in w) or "-" in w)
    ]
    strong.sort(key=len, reverse=True)
    for word in strong:
        if len(cues) >= MAX_CUES:
            break
        if stem(word) not in seen:
            seen.add(stem(word))
            cues.append(word)
    if not cues:
        cues = novel[:MAX_CUES]
    return cues


def _probe_topic(cues: list[str]) -> str | None:
    """A cue that reads like a noun phrase, to name in a generated follow-up question."""

    def nounish(word: str) -> bool:
        return not word.endswith(("ed", "ing", "ly")) and not (
            word.endswith("s") and not word.endswith("ss")
        )

    for cue in cues:
        if " " in cue and all(nounish(w) for w in cue.split()):
            return cue
    return None


def _levels_for(points: int, what: str, one: str) -> Levels:
    most = max(1, math.ceil(points * 0.75))
    half = max(1, math.ceil(points * 0.5))
    if points == 1:
        return Levels.model_validate(
            {
                "0": f"Does not state {one}; may only restate the question.",
                "1": f"Hints at {one} without saying it.",
                "2": f"States part of {one}, loosely or with a gap.",
                "3": f"States {one} correctly.",
                "4": f"States {one} precisely and explains why it holds.",
            }
        )
    return Levels.model_validate(
        {
            "0": f"Covers none of the {points} {what}; may only restate the question.",
            "1": f"Covers one of the {points} {what}, or several only in passing.",
            "2": f"Covers at least {half} of the {points} {what}.",
            "3": f"Covers at least {most} of the {points} {what}, with no errors.",
            "4": f"Covers all {points} {what} accurately, with the reasoning behind them.",
        }
    )


def derive_rubric(
    id: str,
    question: str,
    reference: str | ReferenceAnswers,
    topic: str = "custom",
    **fields: Any,
) -> Rubric:
    """A rubric (`derived=True`) whose key points and cues come from the reference answer.

    `fields` may carry other Rubric fields (tracks, tags, difficulty, minutes, clarifications,
    source, probes); authored probes replace the generated ones.
    Raises DeriveError when the reference adds nothing beyond the question's words.
    """
    refs = reference if isinstance(reference, ReferenceAnswers) else None
    text = refs.standard if refs else str(reference)
    question_stems = {stem(w) for w in words(question) if is_content(w)}

    segments: list[tuple[int, str]] = []  # (sentence index, text)
    first_is_list = False
    for index, sentence in enumerate(_sentences(text)):
        items = _list_items(sentence, question_stems)
        if items and index == 0:
            first_is_list = True
        for clause in items or _clauses(sentence, question_stems):
            if _novel(clause, question_stems):
                segments.append((index, clause))
    if not segments:
        raise DeriveError(
            "cannot derive key points: the reference answer has no words beyond the question's"
        )
    while len(segments) > MAX_KEY_POINTS:
        sizes = [
            len(_novel(a[1], question_stems)) + len(_novel(b[1], question_stems))
            for a, b in zip(segments, segments[1:], strict=False)
        ]
        i = sizes.index(min(sizes))
        segments[i : i + 2] = [(segments[i][0], f"{segments[i][1]} {segments[i + 1][1]}")]

    # Stems used by more than one point are weak evidence for any one of them.
    counts: dict[str, int] = {}
    for _, seg in segments:
        for s in {stem(w) for w in _novel(seg, question_stems)}:
            counts[s] = counts.get(s, 0) + 1
    shared = {s for s, n in counts.items() if n > 1}

    n = len(segments)
    if n >= 3 and not first_is_list:  # a list's first item is not "the main idea"
        first = [i for i, (sentence, _) in enumerate(segments) if sentence == segments[0][0]]
        main = first[: max(1, min(len(first), n // 2))]
    else:
        main = []
    criteria: list[Criterion] = []
    if main:
        criteria.append(
            Criterion(
                id="main-idea",
                name="The main idea of the reference answer",
                weight=0.4,
                levels=_levels_for(len(main), "core points", "the main idea"),
            )
        )
    rest = n - len(main)
    criteria.append(
        Criterion(
            id="coverage",
            name="Coverage of the reference answer's points",
            weight=0.6 if main else 1.0,
            levels=_levels_for(
                rest,
                "supporting points" if main else "points",
                "the supporting point" if main else "the point",
            ),
        )
    )

    key_points: list[KeyPoint] = []
    taken: set[str] = set()
    for i, (_, seg) in enumerate(segments):
        cues = _cues(seg, question_stems, shared, taken)
        taken.update(" ".join(stem(w) for w in c.split()) for c in cues if " " in c)
        key_points.append(
            KeyPoint(
                id=f"point-{i + 1}",
                criterion="main-idea" if i in main else "coverage",
                text=_as_point(seg),
                cues=cues,
            )
        )

    probes = fields.pop("probes", None)
    if not probes:
        probes = []
        coverage = [k for k in key_points if k.criterion == "coverage"]
        for kp in coverage:
            topic_phrase = _probe_topic(kp.cues)
            if topic_phrase is None:
                continue
            probes.append(
                Probe(
                    id=f"probe-{kp.id}",
                    question=f"How does {topic_phrase} come into this?",  # a point not yet said
                    targets=[kp.id],
                    depth=len(probes) + 1,
                )
            )
            if len(probes) == 3:
                break
        if not probes and coverage:
            probes.append(
                Probe(
                    id="probe-more",
                    question="What else would you add to that answer?",
                    targets=[k.id for k in coverage],
                    depth=1,
                )
            )

    sentences = _sentences(text)
    if refs is None:
        short = sentences[0] if len(sentences) > 1 else None
        refs = ReferenceAnswers(short=short, standard=text)
    elif refs.short is None and len(sentences) > 1:
        refs = ReferenceAnswers(short=sentences[0], standard=refs.standard, deep=refs.deep)

    return Rubric(
        id=id,
        topic=topic,
        question=question,
        criteria=criteria,
        key_points=key_points,
        misconceptions=[],
        probes=probes,
        reference=refs,
        derived=True,
        **fields,
    )
