"""The live microphone level meter and recording timer."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

BLOCKS = " ▏▎▍▌▋▊▉█"


class LevelMeter(Widget):
    """A horizontal bar: `REC 00:12 ▕██████▍      ▏` (level 0-1, RMS of the last block)."""

    level: reactive[float] = reactive(0.0)
    seconds: reactive[float] = reactive(0.0)
    state: reactive[str] = reactive("idle")
    """idle | recording | listening (hands-free, waiting) | transcribing | unavailable"""

    def render(self) -> Text:
        width = max(8, self.size.width - 24)
        level = max(0.0, min(1.0, self.level))
        filled = level * width
        full = int(filled)
        bar = "█" * full
        if full < width:
            bar += BLOCKS[int((filled - full) * (len(BLOCKS) - 1))]
        bar = bar.ljust(width)
        minutes, secs = divmod(int(self.seconds), 60)
        labels = {
            "idle": ("MIC ", "dim"),
            "recording": ("REC ", "bold red"),
            "listening": ("HANDS-FREE ", "bold yellow"),
            "transcribing": ("... ", "bold cyan"),
            "unavailable": ("NO MIC ", "bold red"),
        }
        label, style = labels.get(self.state, ("MIC ", "dim"))
        colour = "green" if level < 0.6 else "yellow" if level < 0.85 else "red"
        return Text.assemble(
            (label, style),
            (f"{minutes:02d}:{secs:02d} ", "bold" if self.state == "recording" else "dim"),
            ("▕", "dim"),
            (bar, colour),
            ("▏", "dim"),
        )
