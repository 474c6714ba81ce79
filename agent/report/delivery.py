"""Delivery metrics in a report: a journal's metrics dict (agent.speech DeliveryMetrics dumps,
or an import's cue timing) normalised into `Delivery`, and several answers' delivery combined."""

from __future__ import annotations

from typing import Any

from agent.report.model import Delivery

_ALIASES: dict[str, tuple[str, ...]] = {
    "words": ("words", "word_count"),
    "words_per_minute": ("words_per_minute", "wpm"),
    "fillers": ("filler_count", "fillers"),
    "long_pauses": ("long_pauses", "long_pause_count", "pauses"),
    "longest_pause": ("longest_pause",),
    "time_to_first_word": ("time_to_first_word",),
    "hedges": ("hedge_count", "hedges"),
    "speaking_time": ("speaking_time",),
    "sentences": ("sentences", "sentence_count"),
}
"""Our fields and the keys they may have in a journal's metrics (agent.speech.metrics
DeliveryMetrics dumps, import timing); a dict counts by its values' sum, a list by its length."""


def delivery_from(metrics: dict[str, Any] | None) -> Delivery | None:
    """Normalise a metrics dict (agent.speech DeliveryMetrics dump, or an import's timing)."""
    if not isinstance(metrics, dict) or not metrics:
        return None
    values: dict[str, Any] = {}
    for name, keys in _ALIASES.items():
        for key in keys:
            raw = metrics.get(key)
            if isinstance(raw, dict):
                raw = sum(v for v in raw.values() if _num(v))
            elif isinstance(raw, list):
                raw = len(raw)
            if _num(raw):
                values[name] = raw
                break
    for key in ("fillers", "filler_words"):
        if isinstance(metrics.get(key), dict):
            values["filler_words"] = {
                str(k): int(v) for k, v in sorted(metrics[key].items()) if _num(v)
            }
            break
    for key in ("words_per_minute", "longest_pause", "time_to_first_word", "speaking_time"):
        if key in values:
            values[key] = round(float(values[key]), 1)
    for key in ("words", "fillers", "long_pauses", "hedges", "sentences"):
        if key in values:
            values[key] = int(values[key])
    out = Delivery(**values)
    return None if out.is_empty() else out


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def combine_delivery(parts: list[Delivery]) -> Delivery | None:
    """Several answers' delivery as one: totals, and pace weighted by speaking time."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]

    def total(name: str) -> Any:
        vals = [getattr(p, name) for p in parts if getattr(p, name) is not None]
        return sum(vals) if vals else None

    wpm = [(p.words_per_minute, p.speaking_time or 1.0) for p in parts if p.words_per_minute]
    pace = round(sum(w * t for w, t in wpm) / sum(t for _, t in wpm), 1) if wpm else None
    longest = [p.longest_pause for p in parts if p.longest_pause is not None]
    first = [p.time_to_first_word for p in parts if p.time_to_first_word is not None]
    fillers: dict[str, int] = {}
    for p in parts:
        for k, v in p.filler_words.items():
            fillers[k] = fillers.get(k, 0) + v
    speaking = total("speaking_time")
    return Delivery(
        words=total("words"),
        words_per_minute=pace,
        fillers=total("fillers"),
        filler_words=dict(sorted(fillers.items())),
        long_pauses=total("long_pauses"),
        longest_pause=max(longest) if longest else None,
        time_to_first_word=round(sum(first) / len(first), 1) if first else None,
        hedges=total("hedges"),
        speaking_time=round(speaking, 1) if speaking is not None else None,
        sentences=total("sentences"),
    )
