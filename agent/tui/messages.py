"""Typed messages that workers post back to the UI thread (`post_message` is thread-safe).

Workers never touch widgets: they do the slow call (engine, transcription, audio, file I/O)
and report the outcome with one of these. Screens handle them as `on_<message_name>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class ReadinessChecked(Message):
    """The cheap start-up checks finished (provider, microphone, whisper model)."""

    readiness: Any


@dataclass
class OverviewLoaded(Message):
    """Bank tracks, sessions, topic trends and weakest points, read off the UI thread."""

    data: Any


@dataclass
class OverviewFailed(Message):
    error: str


@dataclass
class InterviewReady(Message):
    """`Interview.start` / `Interview.resume` returned."""

    interview: Any


@dataclass
class InterviewFailed(Message):
    """Starting, answering, skipping or ending failed; `action` says which."""

    action: str
    error: str


@dataclass
class Replied(Message):
    """The engine answered a submitted answer / skip / repeat with its next prompt."""

    action: str
    """answer | skip | repeat"""
    answer: str
    reply: Any
    """engine.Reply (for repeat: a Reply built around the repeated prompt)."""


@dataclass
class TextDelta(Message):
    """A piece of the next question's text as an LLM interviewer produces it."""

    text: str


@dataclass
class TextReset(Message):
    """Drop the streamed text so far (the LLM call was retried, re-asked or its question rejected)."""


@dataclass
class GradesSettled(Message):
    """Background (LLM) grades arrived or timed out after the interview ended."""

    complete: bool
    notices: list[str] = field(default_factory=list)


@dataclass
class RecorderFailed(Message):
    """The microphone could not be opened (or stopped working)."""

    error: str


@dataclass
class RecordingStopped(Message):
    """The recorder stopped (push-to-talk released or hands-free silence); audio is on disk."""

    path: str | None
    seconds: float


@dataclass
class TranscriptReady(Message):
    """The final transcript of a spoken answer, ready to be corrected and submitted."""

    text: str
    audio: str | None
    metrics: dict[str, Any] | None
    seconds: float
    elapsed: float
    """Seconds the transcription took."""


@dataclass
class TranscriptionFailed(Message):
    error: str


@dataclass
class PreviewUpdated(Message):
    """Live words of the answer being spoken (streaming preview)."""

    text: str


@dataclass
class DebriefLoaded(Message):
    data: Any


@dataclass
class DebriefFailed(Message):
    error: str


@dataclass
class ExportFinished(Message):
    fmt: str
    path: str | None
    error: str | None = None


@dataclass
class ReportBuilt(Message):
    """agent.report built the session report (LLM better answers), or failed with `error`."""

    report: Any
    error: str | None = None


@dataclass
class CvImported(Message):
    """A resume was read and kept (`summary`), or could not be (`error`)."""

    summary: str | None
    error: str | None = None


@dataclass
class TranscriptImported(Message):
    """A practice transcript was imported as session `session_id` (`summary` says what was
    read and left out), or could not be (`error`)."""

    session_id: str | None
    summary: str = ""
    error: str | None = None
