"""The base screen of home and history, which show the sessions overview.

The overview is read off the UI thread, kept in `self.overview` and handed to `show_overview`.
"""

from __future__ import annotations

from textual import work

from agent.tui.data import Overview
from agent.tui.host import VivaScreen
from agent.tui.messages import OverviewFailed, OverviewLoaded


class OverviewScreen(VivaScreen):
    """A screen that shows the overview (`agent.tui.data.load_overview`); `_load()` refreshes it."""

    LOAD_FAILED = "Could not read the sessions"
    """How the error notification starts when the overview cannot be read."""

    def __init__(self) -> None:
        super().__init__()
        self.overview: Overview | None = None

    @work(thread=True, exclusive=True, group="overview-load")
    def _load(self) -> None:
        from agent.tui.data import load_overview

        try:
            data = load_overview(self.host.load_bank())
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            self.post_message(OverviewFailed(str(exc)))
            return
        self.post_message(OverviewLoaded(data))

    def on_overview_failed(self, message: OverviewFailed) -> None:
        self.notify(f"{self.LOAD_FAILED}: {message.error}", severity="error", timeout=15)

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        if not self.query("DataTable"):  # the screen closed while the data was read
            return
        self.overview = message.data
        self.show_overview(message.data)

    def show_overview(self, data: Overview) -> None:
        """Fill the screen's widgets from a freshly read overview."""
        raise NotImplementedError
