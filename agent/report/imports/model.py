"""What every transcript format is parsed into, the error a malformed file raises, and the bits
the formats share: speaker names, `[id: ...]` / `[topic: ...]` / `[follow-up]` tags, and the
structure metrics of an answer's text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.errors import UsageError

INTERVIEWER = {"q", "question", "interviewer", "host", "examiner"}
CANDIDATE = {"a", "answer", "candidate", "interviewee", "me"}
SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")


class TranscriptError(UsageError):
    """A transcript file cannot be imported: `file:line: problem`."""

    def __init__(self, path: Path | str, line: int, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        super().__init__(f"{path}:{line}: {problem}")


@dataclass
class ImportedTurn:
    question: str
    answer: str
    line: int
    """Line of the question in the file."""
    question_id: str | None = None
    reference: str | None = None
    follow_up: bool = False
    topic: str | None = None
    metrics: dict[str, Any] | None = None
    seconds: float | None = None


@dataclass
class ImportedTranscript:
    path: Path
    format: str
    """text, json, srt, vtt (or audio: one recorded answer)."""
    turns: list[ImportedTurn] = field(default_factory=list)


_TAG = re.compile(r"\[\s*(id|topic)\s*:\s*([^\]]*?)\s*\]|\[\s*(follow[- ]?up)\s*\]", re.IGNORECASE)


def split_tags(text: str, path: Path, line: int) -> tuple[str, dict[str, Any]]:
    """`text` without its tags, and the tags: id, topic, follow_up."""
    found: dict[str, Any] = {}
    for m in _TAG.finditer(text):
        if m.group(3):
            found["follow_up"] = True
            continue
        key, value = m.group(1).lower(), m.group(2)
        if key == "id" and not SLUG.fullmatch(value):
            raise TranscriptError(
                path, line, f"invalid question id {value!r} (lowercase letters, digits and '-')"
            )
        found[key] = value
    return _TAG.sub("", text).strip(), found


def text_metrics(answer: str) -> dict[str, Any]:
    """Structure of an answer from its text alone: words, sentences, fillers, hedges (the
    filler and hedge rules of agent.speech.metrics)."""
    from agent.speech.metrics import text_metrics as speech_text_metrics

    data = speech_text_metrics(answer).model_dump(mode="json", exclude_none=True)
    data.pop("pauses", None)
    data["sentences"] = len([s for s in re.split(r"[.!?]+(?:\s|$)", answer) if s.strip()])
    return data
