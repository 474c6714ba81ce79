"""Per-topic score trend: a row per topic, its scores as bars.

Each row ends with the latest average."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from agent.tui.data import score_style

BARS = "▁▂▃▄▅▆▇█"


def score_bars(scores: list[float]) -> Text:
    """One cell per session, oldest on the left, its height the score on the fixed 0-4 scale:
    a flat 3.5 stands high and a flat 0.5 low (a sparkline scaled to its own minimum and
    maximum drew any single score, and the lower of two, as the lowest bar)."""
    text = Text()
    for score in scores:
        score = max(0.0, min(4.0, score))
        text.append(BARS[round(score / 4 * (len(BARS) - 1))], style=score_style(score))
    return text


class ScoreBars(Widget):
    """`score_bars` of the newest sessions that fit the widget's width."""

    def __init__(self, scores: list[float], **kwargs) -> None:
        super().__init__(**kwargs)
        self.scores = scores

    def render(self) -> Text:
        return score_bars(self.scores[-max(1, self.size.width) :])


class TopicTrends(Vertical):
    """Rows of `topic  ▂▄▆█  last 3.5 avg 2.8` (scores 0-4, oldest session on the left)."""

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
            avg = sum(scores) / len(scores)
            row = Horizontal(
                Label(topic, classes="trend-topic"),
                ScoreBars(scores, classes="trend-line"),
                Label(f"last {scores[-1]:.1f} avg {avg:.1f}", classes="trend-value"),
                classes="trend-row",
            )
            row.topic = topic  # type: ignore[attr-defined]
            row.scores = scores  # type: ignore[attr-defined]
            rows.append(row)
        self.mount_all(rows)
