"""Plain-text transcripts: `Q:`/`A:` blocks, and the labels and layouts people use.

Labels: Question/Answer, Interviewer/Candidate, Me, numbered `Q1:`/`A1:`, names given as
`Speakers`, and R:/Reference: for a reference answer, with optional tags before or on a question
line. Layouts besides `Label: text`: a label in bold (`**Interviewer:** ...`, notes and chat
exports), a time before it (`[00:01:23] Priya: ...`), a speaker's name and a time on a line of
their own with their words below (`Priya Raman  0:02`, a transcription service's export;
`[Priya Raman] 10:02:33`, a call's saved captions), and times on lines of their own (skipped)."""

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
_TIME = r"(?:\[\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?\]|\(\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?\)|\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?)"
"""A time as transcripts write it: '0:02', '00:01:23', '[12:04]', '(1:02:03.5)'."""
_HEADER = re.compile(rf"^\s*\[?({LABEL})\]?\s*(?:[-|]\s*)?{_TIME}\s*$")
"""A speaker and a time on a line of their own: 'Priya Raman  0:02', '[Priya Raman] 10:02:33'."""
_TIME_FIRST = re.compile(rf"^\s*{_TIME}\s*(?:[-|]\s*)?")
_TIME_ONLY = re.compile(rf"^\s*{_TIME}\s*$")
_BOLD = re.compile(rf"^\s*([*_]{{1,2}})({LABEL})(\s*:)?\1(?(3)|\s*:)")
"""A label in bold or italics: '**Interviewer:** ...', '**Me**: ...', '_Q:_ ...'."""
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
        if line.lstrip().startswith("#") or _TIME_ONLY.match(line):
            continue
        label, rest = _label(_plain_label(line, speakers))
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


def _plain_label(line: str, speakers: Speakers) -> str:
    """The line with its speaker label written plainly, `Label: text`, when it is written in
    one of the other layouts of the module's docstring; otherwise the line as it is. A time
    goes only where a speaker label follows it ('3:00 is when the job died' stays text)."""
    if m := _BOLD.match(line):
        return f"{m.group(2)}: {line[m.end() :].lstrip()}"
    if m := _HEADER.match(line):
        return f"{m.group(1)}:"
    if m := _TIME_FIRST.match(line):
        label, _ = _label(line[m.end() :])
        if label is not None and (_role(label, speakers) or looks_like_speaker(label)):
            return line[m.end() :]
    return line


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
