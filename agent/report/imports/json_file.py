"""JSON transcripts: `{"turns": [...]}` or a bare list of turns, each with the line it starts on."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agent.report.imports.model import SLUG, ImportedTurn, Speakers, TranscriptError

_SPACE = re.compile(r"\s*")


def _skip_space(text: str, pos: int) -> int:
    """The first position at or after `pos` that is not whitespace."""
    m = _SPACE.match(text, pos)
    return m.end() if m else pos


def parse_json(text: str, path: Path, speakers: Speakers | None = None) -> list[ImportedTurn]:
    """`{"turns": [{"question", "answer", "question_id"?, "reference"?, "follow_up"?,
    "topic"?}]}` or a bare list of such objects. (`speakers` is not needed: the fields say who
    said what.)"""
    decoder = json.JSONDecoder()

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    def fail_json(exc: json.JSONDecodeError) -> TranscriptError:
        return TranscriptError(path, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")

    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail_json(exc) from None
    pos = _skip_space(text, 0)
    if text.startswith("{", pos):
        pos = _find_key(text, pos, "turns", decoder)
        if pos < 0:
            raise TranscriptError(path, 1, 'expected {"turns": [...]} or a list of turns')
    if not text.startswith("[", pos):
        raise TranscriptError(
            path, line_of(pos), '"turns" must be a list of {"question", "answer"}'
        )
    items: list[tuple[int, Any]] = []
    pos = _skip_space(text, pos + 1)
    while not text.startswith("]", pos):
        value, end = decoder.raw_decode(text, pos)
        items.append((line_of(pos), value))
        pos = _skip_space(text, end)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
    turns = []
    for number, (line, item) in enumerate(items, 1):
        where = f"turn {number}"
        if not isinstance(item, dict):
            raise TranscriptError(
                path, line, f'{where}: expected an object with "question" and "answer"'
            )
        question = item.get("question")
        if not isinstance(question, str) or not question.strip():
            raise TranscriptError(path, line, f'{where}: "question" is missing or empty')
        answer = item.get("answer", "")
        if answer is None:
            answer = ""
        if not isinstance(answer, str):
            raise TranscriptError(path, line, f'{where}: "answer" must be a string')
        qid = item.get("question_id")
        if qid is not None and (not isinstance(qid, str) or not SLUG.fullmatch(qid)):
            raise TranscriptError(
                path, line, f'{where}: invalid "question_id" {qid!r} (lowercase letters, digits, -)'
            )
        reference = item.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise TranscriptError(path, line, f'{where}: "reference" must be a string')
        topic = item.get("topic")
        turns.append(
            ImportedTurn(
                question=question.strip(),
                answer=answer.strip(),
                line=line,
                question_id=qid,
                reference=(reference or "").strip() or None,
                follow_up=bool(item.get("follow_up", False)),
                topic=topic if isinstance(topic, str) and topic.strip() else None,
            )
        )
    return turns


def _find_key(text: str, pos: int, key: str, decoder: json.JSONDecoder) -> int:
    """Position of the value of top-level `key` in the object starting at `pos`, or -1."""
    pos = _skip_space(text, pos + 1)
    while not text.startswith("}", pos):
        name, pos = decoder.raw_decode(text, pos)
        pos = _skip_space(text, pos) + 1  # the ':'
        pos = _skip_space(text, pos)
        if name == key:
            return pos
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip_space(text, pos)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
    return -1
