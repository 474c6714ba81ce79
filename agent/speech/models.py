"""Transcript shapes for transcription, streaming, metrics and debriefs."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Word(BaseModel):
    start: float
    end: float
    word: str
    """As Whisper wrote it (leading space stripped, punctuation kept)."""
    probability: float = 1.0


class Segment(BaseModel):
    start: float
    end: float
    text: str


class Transcript(BaseModel):
    """What was said, with times in seconds from the start of the audio."""

    text: str = ""
    """The whole answer as one string; "" when nothing was said (silence, noise)."""
    segments: list[Segment] = Field(default_factory=list)
    words: list[Word] = Field(default_factory=list)
    duration: float = 0.0
    """Length of the audio in seconds (speech and silence)."""
    language: str = "en"

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()
