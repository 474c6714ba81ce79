"""The Viva Textual app: home, interview, debrief, history and help screens.

`run_app(settings, track=..., mode=..., resume=...)` is the entry point (`viva`, `viva interview`).
Everything slow (bank loading, the interview engine, transcription, audio, file export) runs in
workers that report back with the messages in `agent.tui.messages`; the event loop only draws.
This module imports Textual, so import it lazily (the CLI does, inside `run`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from agent.tui.messages import ReadinessChecked
from agent.tui.readiness import Readiness

DARK, LIGHT = "textual-dark", "textual-light"


class VivaApp(App[int]):
    """The app. Everything but `settings` is optional and exists for tests and benchmarks:
    `readiness` replaces the microphone / whisper probe, `clock` the engine's monotonic clock,
    `bank` the question bank, `recorder_factory` the microphone."""

    CSS_PATH = "app.tcss"
    TITLE = "Viva"
    SUB_TITLE = "mock ML interviews"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Show every key binding"),
        Binding(
            "f2",
            "toggle_theme",
            "Theme",
            show=False,
            tooltip="Switch between the light and dark theme",
        ),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            tooltip="Quit (an interview in progress is saved and can be resumed)",
            priority=True,
        ),
    ]

    def __init__(
        self,
        settings,
        *,
        track: str | None = None,
        mode: str | None = None,
        resume: str | None = None,
        readiness: Readiness | None = None,
        clock: Callable[[], float] | None = None,
        bank=None,
        recorder_factory: Callable[..., Any] | None = None,
        transcriber_factory: Callable[..., Any] | None = None,
    ):
        super().__init__()
        self.settings = settings
        self.start_track = track
        self.start_mode = mode
        self.start_resume = resume
        self.readiness: Readiness | None = readiness
        self._readiness_injected = readiness is not None
        self.clock = clock
        self.bank = bank
        self.recorder_factory = recorder_factory
        self.transcriber_factory = transcriber_factory
        self.interview = None
        """The running engine.Interview (None when no interview is in progress)."""
        self.last_session: str | None = None
        """The id of the last session this app ran (printed after exit)."""
        self.mode = mode or "text"
        self._bank_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        self._apply_theme(getattr(self.settings, "theme", None))
        from agent.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.readiness is None:
            self._check_readiness()
        if self.start_resume:
            self.start_interview(resume=self.start_resume, mode=self.start_mode)
        elif self.start_track:
            self.start_interview(track=self.start_track, mode=self.start_mode or "text")

    def _apply_theme(self, name: str | None) -> None:
        if not name:
            self.theme = DARK
            return
        if name in self.available_themes:
            self.theme = name
        else:
            self.theme = DARK
            self.notify(
                f"Unknown theme {name!r} in settings; using {DARK}. "
                f"Known: {', '.join(sorted(self.available_themes)[:6])}...",
                severity="warning",
            )

    @work(thread=True, exclusive=True, group="readiness")
    def _check_readiness(self) -> None:
        from agent.tui.readiness import check_readiness

        try:
            result = check_readiness(self.settings)
        except Exception as exc:  # noqa: BLE001 - a failed probe is reported, never fatal
            result = Readiness("offline", "offline", False, f"check failed: {exc}", False, "")
        self.post_message(ReadinessChecked(result))

    def on_readiness_checked(self, message: ReadinessChecked) -> None:
        self.readiness = message.readiness
        for screen in self.screen_stack:
            hook = getattr(screen, "readiness_changed", None)
            if hook is not None:
                hook(message.readiness)

    def load_bank(self):
        """The question bank (loaded once; call from a worker thread)."""
        with self._bank_lock:
            if self.bank is None:
                from agent.bank.loader import load_bank

                self.bank = load_bank()
            return self.bank

    # ------------------------------------------------------------------ navigation
    def start_interview(
        self, *, track: str | None = None, mode: str | None = None, resume: str | None = None
    ) -> None:
        from agent.tui.screens.interview import InterviewScreen

        if self.interview is not None and not self.interview.finished:
            self.notify("An interview is already running.", severity="warning")
            return
        old = self.interview
        if old is not None:  # a finished one: close its journal unless LLM grades are pending
            try:
                if old.wait_for_grades(0):
                    old.close()
            except Exception:  # noqa: BLE001
                pass
            self.interview = None
        self.mode = mode or self.mode
        self.push_screen(InterviewScreen(track=track, mode=mode, resume=resume))

    def show_debrief(self, session_id: str, *, replace: bool = False) -> None:
        from agent.tui.screens.debrief import DebriefScreen

        screen = DebriefScreen(session_id)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_help(self) -> None:
        from agent.tui.screens.debrief import DebriefScreen
        from agent.tui.screens.help import HelpScreen
        from agent.tui.screens.history import HistoryScreen
        from agent.tui.screens.home import HomeScreen
        from agent.tui.screens.interview import InterviewScreen

        if isinstance(self.screen, HelpScreen):
            return
        palette = Binding("ctrl+p", "command_palette", "Command palette: every action by name")
        sections: list[tuple[str, list]] = [
            ("Everywhere", [*type(self).BINDINGS, palette]),
            ("Home", HomeScreen.BINDINGS),
            ("Interview", InterviewScreen.BINDINGS),
            ("Debrief", DebriefScreen.BINDINGS),
            ("History", HistoryScreen.BINDINGS),
        ]
        self.push_screen(HelpScreen(sections))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK
        self.notify(f"Theme: {self.theme}", timeout=2)

    def action_history(self) -> None:
        from agent.tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    async def action_quit(self) -> None:
        """Quit; an interview in progress is ended as 'quit' (resumable) before the app exits."""
        self.end_running_interview("quit")
        self.exit(0)

    def end_running_interview(self, reason: str = "quit", timeout: float = 3.0) -> None:
        iv = self.interview
        if iv is None or iv.finished:
            return
        self.last_session = iv.session_id
        from agent.tui.screens.interview import InterviewScreen

        try:
            draft = next(
                (s.unsent_text() for s in self.screen_stack if isinstance(s, InterviewScreen)), ""
            )
        except Exception:  # noqa: BLE001 - a draft is a bonus: quitting must not fail on it
            draft = ""
        # end() takes the engine lock: if an answer is being processed, wait a little for it.
        thread = threading.Thread(target=_safe_end, args=(iv, reason, draft), daemon=True)
        thread.start()
        thread.join(timeout)
        if not thread.is_alive():
            # Release the journal (and its lock) now: the session can be resumed at once.
            try:
                iv.close()
            except Exception:  # noqa: BLE001
                pass

    # ------------------------------------------------------------------ command palette
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: key bindings", "Show every key binding", self.action_help)
        yield SystemCommand(
            "Toggle light/dark theme",
            "Switch between textual-light and textual-dark",
            self.action_toggle_theme,
        )
        yield SystemCommand(
            "History", "Past sessions, per-topic averages, weakest key points", self.action_history
        )
        seen = {"help", "toggle_theme", "quit", "history"}
        for binding in getattr(screen, "BINDINGS", []):
            if not isinstance(binding, Binding) or binding.action in seen:
                continue
            if screen.check_action(binding.action, ()) is False:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                f"{binding.description} ({binding.key})",
                binding.tooltip or binding.description,
                partial(screen.run_action, binding.action),
            )


def _safe_end(iv, reason: str, draft: str = "") -> None:
    try:
        iv.end(reason, draft=draft)
    except Exception:  # noqa: BLE001 - every answer is already journaled; nothing to lose
        pass


def run_app(
    settings, *, track: str | None = None, mode: str | None = None, resume: str | None = None
) -> int:
    """Open the app (home screen, or straight into an interview with `track` / `resume`).
    After it closes, say where the last interview is and how to resume or review it."""
    app = VivaApp(settings, track=track, mode=mode, resume=resume)
    code = app.run()
    iv = app.interview
    if app.last_session:
        complete = iv is not None and iv.finished and iv.state.end_reason in ("completed", "time")
        if complete:
            print(
                f"viva: session {app.last_session} finished. "
                f"Review it with 'viva debrief {app.last_session}'."
            )
        else:
            print(
                f"viva: session {app.last_session} saved. "
                f"Resume it with 'viva interview --resume {app.last_session}'."
            )
    if iv is not None:
        try:
            iv.close()
        except Exception:  # noqa: BLE001 - closing a journal file at exit
            pass
    return int(code or 0)
