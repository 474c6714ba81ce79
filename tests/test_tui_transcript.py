"""The home screen's transcript import, driven by Pilot: a practice interview exported by a
call tool is read (names given in the dialog), graded, saved, and its debrief opens."""

from __future__ import annotations

from test_import_layouts import ANSWER_1, LAYOUTS, QUESTION_1
from test_tui_cv import wait_for
from textual.widgets import Input, Static
from tui_helpers import NO_MIC, widget_text

from agent.config import load_settings
from agent.sessions.store import list_sessions
from agent.tui.app import VivaApp
from agent.tui.screens.debrief import DebriefScreen
from agent.tui.screens.transcript import TranscriptScreen


async def test_import_a_transcript_from_home_then_its_debrief_opens(tmp_path):
    call = tmp_path / "call.txt"
    call.write_text(LAYOUTS["a time, then a name and a company"], encoding="utf-8")
    app = VivaApp(load_settings(), readiness=NO_MIC)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, TranscriptScreen), what="dialog")
        dialog = app.screen
        path = dialog.query_one("#transcript-path", Input)
        result = dialog.query_one("#transcript-result", Static)
        path.value = str(call)
        await pilot.press("enter")  # nobody named yet: the import stops at a name
        await wait_for(pilot, lambda: "unknown speaker" in widget_text(result), what="an error")
        assert "'Priya Raman'" in widget_text(result) and list_sessions() == []
        dialog.query_one("#interviewer", Input).value = "Priya Raman"
        dialog.query_one("#candidate", Input).value = "Alex Chen, Alex"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, DebriefScreen), timeout=90, what="the debrief"
        )
        (session,) = list_sessions()
        assert session.mode == "import" and session.questions == 2
        screen = app.screen

        def shown() -> str:
            return "\n".join(widget_text(w) for w in screen.query(Static))

        # The report is shown once it is loaded: before the screen has composed its widgets
        # there is no text at all, so wait for some, and for no "loading" in it.
        await wait_for(
            pilot, lambda: shown() and "loading" not in shown(), timeout=60, what="the report"
        )
        assert QUESTION_1 in shown() and ANSWER_1 in shown()


async def test_numbered_voices_import_from_home_without_names(tmp_path):
    """A transcriber's 'Speaker 1'/'Speaker 2' need no names: the app says how it read them."""
    from test_import_roles import CANDIDATE_FIRST

    call = tmp_path / "recording.txt"
    call.write_text(CANDIDATE_FIRST, encoding="utf-8")
    app = VivaApp(load_settings(), readiness=NO_MIC)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, TranscriptScreen), what="dialog")
        app.screen.query_one("#transcript-path", Input).value = str(call)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, DebriefScreen), timeout=90, what="the debrief"
        )
        (session,) = list_sessions()
        assert session.questions == 2
        shown = [n.message for n in app._notifications]
        assert any("Read 'Speaker 2' as the interviewer" in m for m in shown), shown
