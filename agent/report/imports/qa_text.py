"""Plain-text transcripts: `Q:`/`A:` blocks (also Question/Answer, Interviewer/Candidate, and
R:/Reference: for a reference answer), with optional tags before or on a question line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from agent.report.imports.model import ImportedTurn, TranscriptError, split_tags

_MARKER = re.compile(
    r"^\s*(q|question|interviewer|a|answer|candidate|r|reference)\s*:\s?(.*)$", re.IGNORECASE
)


def parse_text(text: str, path: Path) -> list[ImportedTurn]:
    """`Q:`/`A:` blocks (also Question/Answer, Interviewer/Candidate, R:/Reference:)."""
    turns: list[ImportedTurn] = []
    current: ImportedTurn | None = None
    part: str | None = None  # q, a or r: what continuation lines extend
    buffers: dict[str, list[str]] = {}
    pending: dict[str, Any] = {}
    pending_line = 0

    def close() -> None:
        if current is None:
            return
        current.question = "\n".join(buffers.get("q", [])).strip()
        current.answer = "\n".join(buffers.get("a", [])).strip()
        ref = "\n".join(buffers.get("r", [])).strip()
        current.reference = ref or None
        if not current.question:
            raise TranscriptError(path, current.line, "empty question after 'Q:'")

    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if line.lstrip().startswith("#"):
            continue
        m = _MARKER.match(line)
        if m is None:
            if part is None:
                if not line.strip():
                    continue
                rest, tags = split_tags(line, path, n)
                if not rest and tags:  # a tag line before a question
                    pending.update(tags)
                    pending_line = n
                    continue
                raise TranscriptError(
                    path,
                    n,
                    "text before the first question (start each question with 'Q:' "
                    "and each answer with 'A:')",
                )
            buffers.setdefault(part, []).append(line)
            continue
        role, rest = m.group(1).lower(), m.group(2)
        if role in ("q", "question", "interviewer"):
            if (
                current is not None
                and part == "q"
                and not buffers.get("a")
                and role == "interviewer"
            ):
                buffers["q"].append(rest)  # an interviewer speaking twice in a row
                continue
            close()
            rest, tags = split_tags(rest, path, n)
            tags = {**pending, **tags}
            pending = {}
            current = ImportedTurn(
                question="",
                answer="",
                line=n,
                question_id=tags.get("id"),
                follow_up=bool(tags.get("follow_up")),
                topic=tags.get("topic") or None,
            )
            turns.append(current)
            buffers = {"q": [rest]}
            part = "q"
        elif current is None:
            what = "an answer" if role in ("a", "answer", "candidate") else "a reference"
            raise TranscriptError(path, n, f"{what} before any question (start with 'Q:')")
        elif role in ("a", "answer", "candidate"):
            if buffers.get("a"):
                buffers["a"].append("")  # the candidate again: a new paragraph
            buffers.setdefault("a", []).append(rest)
            part = "a"
        else:
            buffers.setdefault("r", []).append(rest)
            part = "r"
    close()
    if pending and not turns:
        raise TranscriptError(path, pending_line, "a tag with no question after it")
    return turns
