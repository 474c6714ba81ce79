"""Per-topic score trend: one row per topic with a sparkline and the latest average."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Sparkline, Static


class TopicTrends(Vertical):
    """Rows of `topic  ▂▄▆█  2.8/4` (scores 0-4, oldest session on the left)."""

    def compose(self) -> ComposeResult:
        yield Static(Text("no graded answers yet", style="dim"), classes="trend-empty")

    def set_trends(self, trends: dict[str, list[float]], limit: int | None = None) -> None:
        self.remove_children()
        items = list(trends.items())[:limit] if limit else list(trends.items())
        if not items:
            self.mount(Static(Text("no graded answers yet", style="dim"), classes="trend-empty"))
            return
        rows = []
        for topic, scores in items:
            # A single point draws nothing useful; pad with a 0-4 scale anchor.
            data = scores if len(scores) > 1 else [scores[0], scores[0]]
            avg = sum(scores) / len(scores)
            row = Horizontal(
                Label(topic, classes="trend-topic"),
                Sparkline(data, summary_function=max, classes="trend-line"),
                Label(f"last {scores[-1]:.1f} avg {avg:.1f}", classes="trend-value"),
                classes="trend-row",
            )
            row.topic = topic  # type: ignore[attr-defined]
            row.scores = scores  # type: ignore[attr-defined]
            rows.append(row)
        self.mount_all(rows)
