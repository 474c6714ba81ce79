"""Cutting transcribed speech into pieces: the length above which audio is decoded in
pause-delimited groups, and sentences from word times. Shared by the one-pass transcriber
(`transcribe.py`) and the streaming one (`streaming.py`), below both."""

from __future__ import annotations

from agent.speech.models import Segment, Word

LONG_AUDIO_SECONDS = 28.0
"""Longer audio is split at pauses into groups (see streaming.py) before decoding: measured
here, one pass over an 88 s answer with the glossary prompt skipped 20 s of speech (WER 0.37;
Whisper jumped to a late timestamp), while the same answer cut at pauses gave 0.18-0.21."""

ABBREVIATIONS = {"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "vs.", "e.g.", "i.e.", "etc."}
"""Words ending in a period that do not end a sentence ("Mr. Dashwood", "e.g. Adam")."""


def sentences(words: list[Word], *, gap: float = 1.0) -> list[Segment]:
    """Segments from word times: a new segment after . ? ! or a silence longer than `gap`."""
    segments: list[Segment] = []
    current: list[Word] = []
    for word in words:
        last = current[-1].word if current else ""
        ends = last[-1:] in ".?!" and last.lower() not in ABBREVIATIONS
        if current and (word.start - current[-1].end > gap or ends):
            segments.append(_segment(current))
            current = []
        current.append(word)
    if current:
        segments.append(_segment(current))
    return segments


def _segment(words: list[Word]) -> Segment:
    return Segment(start=words[0].start, end=words[-1].end, text=" ".join(w.word for w in words))
