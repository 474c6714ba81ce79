"""Delivery metrics from a transcript's word timestamps: pace, fillers, pauses, hedges.

Caveat: Whisper is trained on cleaned-up captions and often drops "um"/"uh" (and sometimes
repeated words), so filler counts from speech are a lower bound. "like" is counted as a filler
only where it cannot be the verb or preposition ("I like", "looks like", "like a" are not
fillers; ", like," and sentence-initial "like," are).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

LONG_PAUSE_SECONDS = 2.0

# Phrases counted as fillers (multi-word first so "you know" is not also "know").
FILLERS = (
    "you know", "i mean", "sort of", "kind of", "um", "uh", "er", "erm", "uhm", "hmm", "ah",
    "basically", "actually", "literally", "like",
)  # fmt: skip
HEDGES = (
    "i'm not sure", "i am not sure", "i think", "i guess", "i believe", "maybe", "probably",
    "perhaps", "might be", "not sure", "i suppose",
)  # fmt: skip

# Word before "like" that makes it a verb/preposition, not a filler.
_LIKE_NOT_FILLER_BEFORE = {
    "i", "you", "we", "they", "would", "looks", "look", "looked", "seems", "seem", "feel",
    "feels", "felt", "sounds", "sound", "just", "things", "something", "anything", "much",
    "more", "didn't", "don't", "doesn't", "do", "did", "does", "really", "not", "'d",
    "exactly", "also", "be", "is", "was", "are", "it's", "that's",
}  # fmt: skip
# "sort of"/"kind of" before these are literal ("a kind of layer" is fine after an article).
_ARTICLES = {"a", "an", "the", "this", "that", "what", "which", "every", "some", "any", "one"}


class Pause(BaseModel):
    start: float
    seconds: float


class DeliveryMetrics(BaseModel):
    """How the answer was delivered. Times in seconds; None when there are no word times."""

    words: int = 0
    words_per_minute: float | None = None
    """Words over speaking time (first word start to last word end)."""
    speaking_time: float | None = None
    total_duration: float | None = None
    time_to_first_word: float | None = None
    filler_count: int = 0
    fillers: dict[str, int] = Field(default_factory=dict)
    hedge_count: int = 0
    hedges: dict[str, int] = Field(default_factory=dict)
    long_pauses: int = 0
    """Gaps between words longer than LONG_PAUSE_SECONDS."""
    longest_pause: float | None = None
    pauses: list[Pause] = Field(default_factory=list)
    fillers_per_minute: float | None = None


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    return re.findall(r"[a-z]+(?:'[a-z]+)?|[,.;:!?]", text)


def count_phrases(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """(fillers, hedges) counts in `text`, with the 'like'/'kind of' rules above."""
    tokens = _tokens(text)
    words = [t for t in tokens if t[0].isalpha()]
    fillers: dict[str, int] = {}
    hedges: dict[str, int] = {}

    def match(phrases, counts, rule=None):
        i = 0
        n = len(tokens)
        while i < n:
            hit = None
            for phrase in phrases:
                parts = phrase.split()
                if tokens[i : i + len(parts)] == parts and (rule is None or rule(i, parts)):
                    hit = phrase
                    break
            if hit:
                counts[hit] = counts.get(hit, 0) + 1
                i += len(hit.split())
            else:
                i += 1

    def filler_rule(i: int, parts: list[str]) -> bool:
        before = tokens[i - 1] if i > 0 else "."
        after = tokens[i + len(parts)] if i + len(parts) < len(tokens) else "."
        if parts == ["like"]:
            # filler when set off by a comma ("is like, you know") or opening a clause
            if after == "," and before not in {"i", "you", "we", "they", "would", "don't"}:
                return True
            if before in _LIKE_NOT_FILLER_BEFORE:
                return False
            return before in {",", ".", "!", "?", ";", ":"}
        if parts in (["sort", "of"], ["kind", "of"]):
            return before not in _ARTICLES and before not in {"what", "this"}
        if parts == ["actually"] or parts == ["basically"] or parts == ["literally"]:
            return True
        if parts == ["i", "mean"]:
            return after in {",", "."} or before in {",", "."}
        return True

    match(FILLERS, fillers, filler_rule)
    match(HEDGES, hedges)
    del words
    return fillers, hedges


def text_metrics(text: str) -> DeliveryMetrics:
    """Typed answers: filler and hedge counts only (no timing)."""
    fillers, hedges = count_phrases(text)
    return DeliveryMetrics(
        words=len([t for t in _tokens(text) if t[0].isalpha()]),
        filler_count=sum(fillers.values()),
        fillers=fillers,
        hedge_count=sum(hedges.values()),
        hedges=hedges,
    )


def delivery_metrics(transcript: Any, *, long_pause: float = LONG_PAUSE_SECONDS) -> DeliveryMetrics:
    """Metrics for a spoken answer (agent.speech.models.Transcript or the same as a dict)."""
    data = transcript.model_dump() if hasattr(transcript, "model_dump") else dict(transcript)
    text = data.get("text", "") or ""
    words = data.get("words") or []
    base = text_metrics(text)
    base.total_duration = round(float(data.get("duration") or 0.0), 2) or None
    if not words:
        return base
    starts = [float(w["start"]) for w in words]
    ends = [float(w["end"]) for w in words]
    speaking = max(ends[-1] - starts[0], 0.01)
    pauses = [
        Pause(start=round(ends[i], 2), seconds=round(starts[i + 1] - ends[i], 2))
        for i in range(len(words) - 1)
        if starts[i + 1] - ends[i] > long_pause
    ]
    base.words = len(words)
    base.speaking_time = round(speaking, 2)
    base.words_per_minute = round(len(words) / speaking * 60.0, 1)
    base.time_to_first_word = round(starts[0], 2)
    base.pauses = pauses
    base.long_pauses = len(pauses)
    gaps = [starts[i + 1] - ends[i] for i in range(len(words) - 1)]
    base.longest_pause = round(max(gaps), 2) if gaps else 0.0
    base.fillers_per_minute = round(base.filler_count / speaking * 60.0, 1)
    return base
