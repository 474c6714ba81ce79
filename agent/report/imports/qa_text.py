"""Plain-text transcripts: `Q:`/`A:` blocks (also Question/Answer, Interviewer/Candidate, Me,
numbered `Q1:`/`A1:`, names given as `Speakers`, and R:/Reference: for a reference answer), with
optional tags before or on a question line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from agent.report.imports.model import (
    LABEL,
    ImportedTurn,
    Speakers,
    TranscriptError,
    label_base,
    looks_like_speaker,
    split_tags,
    unknown_speaker,
)

_LABELLED = re.compile(rf"^\s*({LABEL})\s*:\s?(.*)$")
"""A line that starts with a label and a colon: 'Q: ...', 'Candidate: ...', 'John Doe: ...'."""
_REFERENCE = {"r", "reference"}
_QUESTION_ONLY = {"q", "question"}
"""Labels that always start a new question; an interviewer saying two things in a row is one."""


def parse_text(text: str, path: Path, speakers: Speakers | None = None) -> list[ImportedTurn]:
    """`Q:`/`A:` blocks (also the other labels in the module's docstring)."""
    speakers = speakers or Speakers()
    turns: list[ImportedTurn] = []
    current: ImportedTurn | None = None
    part: str | None = None  # q, a or r: what continuation lines extend
    buffers: dict[str, list[str]] = {}
    pending: dict[str, Any] = {}
    pending_line = 0
    stray_label: tuple[int, str] | None = None  # a name in the question: who may have answered it

    def close() -> None:
        if current is None:
            return
        current.question = "\n".join(buffers.get("q", [])).strip()
        current.answer = "\n".join(buffers.get("a", [])).strip()
        ref = "\n".join(buffers.get("r", [])).strip()
        current.reference = ref or None
        if not current.question:
            raise TranscriptError(path, current.line, "empty question after 'Q:'")
        if not current.answer and stray_label is not None:
            # 'Interviewer: ...' then 'Sam: ...': the answer would silently join the question
            raise TranscriptError(path, stray_label[0], unknown_speaker(stray_label[1]))

    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if line.lstrip().startswith("#"):
            continue
        label, rest = _label(line)
        role = _role(label, speakers)
        if role is None:
            if part is None:
                if not line.strip():
                    continue
                rest, tags = split_tags(line, path, n)
                if not rest and tags:  # a tag line before a question
                    pending.update(tags)
                    pending_line = n
                    continue
                if looks_like_speaker(label):
                    raise TranscriptError(path, n, unknown_speaker(label))
                raise TranscriptError(
                    path,
                    n,
                    "text before the first question (start each question with 'Q:' "
                    "and each answer with 'A:')",
                )
            buffers.setdefault(part, []).append(line)
            if part == "q" and stray_label is None and looks_like_speaker(label):
                stray_label = (n, label)
            continue
        if role == "interviewer":
            if (
                current is not None
                and part == "q"
                and not buffers.get("a")
                and label_base(label or "") not in _QUESTION_ONLY
            ):
                buffers["q"].append(rest)  # an interviewer speaking twice in a row
                continue
            close()
            rest, tags = split_tags(rest, path, n)
            tags = {**pending, **tags}
            pending = {}
            stray_label = None
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
            what = "an answer" if role == "candidate" else "a reference"
            raise TranscriptError(path, n, f"{what} before any question (start with 'Q:')")
        elif role == "candidate":
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


def _label(line: str) -> tuple[str | None, str]:
    m = _LABELLED.match(line)
    return (m.group(1), m.group(2)) if m else (None, line)


def _role(label: str | None, speakers: Speakers) -> str | None:
    """'interviewer', 'candidate', 'reference' or None (not a label: the line continues)."""
    if label is None:
        return None
    if label_base(label) in _REFERENCE:
        return "reference"
    return speakers.role(label)
