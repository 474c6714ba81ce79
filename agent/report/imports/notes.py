"""Label-free notes: each question on a line of its own, its answer below.

A question is marked the way notes mark items: a number ('1. What is dropout?', or a table's
row number on the line above it), a heading ('## How does checkpointing work?') or a list mark
('- Why is accuracy a bad metric?'). The kind of mark that most often stands before a question
(a line that ends with '?') is the questions' mark; such a line is a question when text follows
it before the next one. Its answer runs to the next question, or to a heading that is not a
question's (notes after the answers: '## To improve').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from agent.report.imports.layouts import LIST_MARK, NUMBERED, Line, is_notice
from agent.report.imports.model import ImportedTurn, ParsedText, line_span

_HEADING = re.compile(r"^\s*(#{1,6})\s+(.+?)\s*$")
_ROW_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")
MIN_QUESTIONS = 2
"""A kind of mark counts as the questions' mark when at least this many of its lines ask."""


def parse_notes(raws: list[str], lines: list[Line], path: Path) -> ParsedText:
    """The questions and answers of label-free notes; empty when no kind of mark asks."""
    marks = [_mark(raws, i) for i in range(len(raws))]
    kind = _questions_mark(marks)
    if kind is None:
        return ParsedText([], None)
    turns: list[ImportedTurn] = []
    said: list[list[str]] = []  # each question's answer, line by line
    answering = False  # below a question, before a heading that asks nothing
    skipped: list[int] = []
    below_row = False  # the line after a row's number: its question, already read
    for i, raw in enumerate(raws):
        mark = marks[i]
        if below_row:
            below_row = False
            continue
        if mark is not None and mark.kind == kind and _answered(raws, marks, kind, i):
            turns.append(ImportedTurn(question=mark.text, answer="", line=i + 1))
            said.append([])
            answering, below_row = True, mark.row
        elif lines[i].kind == "break" or (mark is not None and mark.kind.startswith("heading")):
            answering = False  # notes under a heading that asks nothing ('## To improve')
        elif answering and not is_notice(raw):
            said[-1].append(raw.rstrip())
        elif raw.strip() and not turns:
            skipped.append(i + 1)
    for turn, answer in zip(turns, said, strict=True):
        turn.answer = "\n".join(answer).strip()
    turns = [t for t in turns if t.answer]
    return ParsedText(turns, line_span(skipped) if turns else None)


@dataclass(frozen=True)
class _Mark:
    kind: str
    """number, heading 1-6 or list."""
    text: str
    row: bool = False
    """A table's row number alone on its line, the question on the next."""


def _mark(raws: list[str], i: int) -> _Mark | None:
    """How line `i` is marked as an item, and the question it would be."""
    raw = raws[i]
    if m := NUMBERED.match(raw):
        return _Mark("number", (m.group(2) or m.group(3)).strip())
    below = raws[i + 1].strip() if i + 1 < len(raws) else ""
    if _ROW_NUMBER.match(raw) and below and not _ROW_NUMBER.match(below):
        return _Mark("number", below, row=True)
    if m := _HEADING.match(raw):
        return _Mark(f"heading {len(m.group(1))}", m.group(2))
    if m := LIST_MARK.match(raw):
        return _Mark("list", raw[m.end() :].strip())
    return None


def _questions_mark(marks: list[_Mark | None]) -> str | None:
    """The kind of mark before a question: a number whenever one is, else the kind most often
    before a line that asks, if at least MIN_QUESTIONS do."""
    if any(m is not None and m.kind == "number" for m in marks):
        return "number"
    asking: dict[str, int] = {}
    for mark in marks:
        if mark is not None and mark.text.endswith("?"):
            asking[mark.kind] = asking.get(mark.kind, 0) + 1
    best = max(asking.items(), key=lambda kv: kv[1], default=None)
    return best[0] if best is not None and best[1] >= MIN_QUESTIONS else None


def _answered(raws: list[str], marks: list[_Mark | None], kind: str, i: int) -> bool:
    """Whether text that is no mark of `kind` follows the marked line `i` before the next."""
    start = i + 2 if (mark := marks[i]) is not None and mark.row else i + 1
    for j in range(start, len(raws)):
        if raws[j].strip():
            other = marks[j]
            return other is None or other.kind != kind
    return False
