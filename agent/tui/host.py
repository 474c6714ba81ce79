"""What the screens need from the running app, as a typed contract (`VivaHost`), and the base
screen that reaches it (`VivaScreen.host`). Screens depend on this contract, never on the app
module that opens them: the app sits a floor above its screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.config import Settings
    from agent.tui.readiness import Readiness


class VivaHost(Protocol):
    """The Viva app as its screens see it (agent.tui.app.VivaApp implements it)."""

    settings: Settings
    readiness: Readiness | None
    mode: str
    clock: Callable[[], float] | None
    interview: Any
    """The running agent.interview.engine.Interview, or None."""
    last_session: str | None
    recorder_factory: Callable[..., Any] | None
    transcriber_factory: Callable[..., Any] | None

    def load_bank(self) -> Bank: ...

    def start_interview(
        self, *, track: str | None = None, mode: str | None = None, resume: str | None = None
    ) -> None: ...

    def show_debrief(self, session_id: str, *, replace: bool = False) -> None: ...


BACK = Binding("escape", "back", "Back", tooltip="Back to the previous screen")
"""The binding of a screen that goes back to the one below it (`VivaScreen.action_back`)."""


class ReachesHost:
    """`self.host`: the app a screen or dialog belongs to, typed as `VivaHost`."""

    app: Any

    @property
    def host(self) -> VivaHost:
        return cast("VivaHost", self.app)


class VivaScreen(ReachesHost, Screen):
    """A screen of the Viva app: `self.host` is the app, typed as `VivaHost`."""

    def action_back(self) -> None:
        self.app.pop_screen()
