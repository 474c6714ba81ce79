"""The dialog both imports open: a file to read (and a few more fields), and what came of it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from agent.tui.host import ReachesHost


class FileDialog(ReachesHost, ModalScreen):
    """A modal box titled `TITLE` with a line of `HELP`, one input per `FIELDS` entry (id,
    placeholder; the first is the file's path) and a result line (`#{NAME}-result`)."""

    BINDINGS = [Binding("escape", "dismiss", "Close", tooltip="Close without importing")]
    NAME = ""
    """The prefix of the box's and the result's ids ('cv' -> '#cv-box', '#cv-result')."""
    TITLE = ""
    HELP = ""
    FIELDS: tuple[tuple[str, str], ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id=f"{self.NAME}-box", classes="file-dialog") as box:
            box.border_title = self.TITLE
            yield Static(self.HELP)
            for field_id, placeholder in self.FIELDS:
                yield Input(placeholder=placeholder, id=field_id)
            yield Static(id=f"{self.NAME}-result")

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELDS[0][0]}", Input).focus()

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def show(self, text: str, style: str) -> None:
        """Put `text` in the result line ('dim' while working, 'bold red' for an error)."""
        self.query_one(f"#{self.NAME}-result", Static).update(Text(text, style=style))
