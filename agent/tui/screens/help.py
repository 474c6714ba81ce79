"""Help: every key binding of every screen (read from the screens themselves)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _key_label(key: str) -> str:
    return " / ".join(k.replace("ctrl+", "ctrl+").replace("escape", "esc") for k in key.split(","))


def help_text(sections: list[tuple[str, list]]) -> Text:
    """Every key binding, by screen: (title, bindings) pairs, passed in by the running app, so
    this screen never imports the screens (or the app) that open it."""
    out = Text()
    for i, (title, bindings) in enumerate(sections):
        if i:
            out.append("\n")
        out.append(f"{title}\n", style="bold underline")
        for b in bindings:
            if not isinstance(b, Binding):
                continue
            out.append(f"  {_key_label(b.key):<10}", style="bold")
            out.append(f" {b.tooltip or b.description}\n")
    out.append("\nTab moves between panes; arrows move in lists and tables.", style="dim")
    return out


class HelpScreen(ModalScreen):
    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close", tooltip="Close help"),
    ]

    def __init__(self, sections: list[tuple[str, list]]):
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys (esc closes)"
            yield Static(help_text(self.sections), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()
