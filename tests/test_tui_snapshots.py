"""SVG snapshots of every screen at 80x24 (pytest-textual-snapshot).

Deterministic by construction: fabricated journals (the real Journal class, fixed session ids,
real offline grades), an injected readiness result instead of probing the microphone, and a
fixed engine clock. Regenerate with `pytest tests/test_tui_snapshots.py --snapshot-update` and
look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from test_tui_flow import pick_track, settle
from textual.widgets import TextArea
from tui_helpers import (
    BV_MEDIUM,
    GD_STRONG,
    GD_WEAK,
    NO_MIC,
    SHORT_TRACK,
    fabricate_session,
    write_track,
)

from agent.config import load_settings
from agent.tui.app import VivaApp

SIZE = (80, 24)


@pytest.fixture
def history(viva_home):
    write_track(viva_home)
    fabricate_session(
        "20261101-090000-aaaa",
        "nvidia-dl-screen",
        [("gradient-descent", "", GD_WEAK), ("bias-variance", "", BV_MEDIUM)],
    )
    fabricate_session(
        "20261103-090000-bbbb",
        "ml-fundamentals",
        [("gradient-descent", "", GD_STRONG), ("bias-variance", "", BV_MEDIUM)],
        mode="voice",
        metrics={
            "words_per_minute": 132.0,
            "filler_count": 3,
            "long_pauses": 1,
            "longest_pause": 2.4,
            "time_to_first_word": 1.2,
        },
    )
    fabricate_session(
        "20261104-090000-cccc",
        SHORT_TRACK,
        [("gradient-descent", "", GD_WEAK)],
        end_reason=None,
        plan=["gradient-descent", "bias-variance"],
    )
    return viva_home


def steady(run_before):
    """`run_before`, then stop every text box's cursor blinking (shown, not blinking): the blink
    timer's phase at the moment of the screenshot is the machine's speed, not the app's look."""

    async def run(pilot):
        await run_before(pilot)
        for box in pilot.app.screen.query(TextArea):
            box.cursor_blink = False
            box.notify_style_update()  # drop lines cached in the blink's hidden phase
            box.refresh()
        await pilot.pause()

    return run


def make_app(**kwargs) -> VivaApp:
    return VivaApp(load_settings(), readiness=NO_MIC, clock=lambda: 1000.0, **kwargs)


class TestHome:
    def test_home(self, snap_compare, history):
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steady(settle))

    def test_home_light_theme(self, snap_compare, history):
        app = VivaApp(load_settings(theme="textual-light"), readiness=NO_MIC)
        assert snap_compare(app, terminal_size=SIZE, run_before=steady(settle))


class TestInterview:
    def test_text_mode(self, snap_compare, history):
        async def run_before(pilot):
            await settle(pilot)
            pick_track(pilot.app.screen, SHORT_TRACK)
            await pilot.press("enter")
            await settle(pilot)
            pilot.app.screen.query_one("#answer").insert(GD_WEAK)
            await pilot.press("ctrl+s")
            await settle(pilot)
            pilot.app.screen.query_one("#answer").insert("The gap between train and")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steady(run_before))

    def test_voice_mode_without_microphone(self, snap_compare, history):
        app = make_app(track=SHORT_TRACK, mode="voice")
        assert snap_compare(app, terminal_size=SIZE, run_before=steady(settle))


class TestDebrief:
    def test_debrief(self, snap_compare, history):
        async def run_before(pilot):
            await settle(pilot)
            pilot.app.show_debrief("20261101-090000-aaaa")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steady(run_before))

    def test_debrief_voice_answer_with_metrics(self, snap_compare, history):
        async def run_before(pilot):
            await settle(pilot)
            pilot.app.show_debrief("20261103-090000-bbbb")
            await settle(pilot)
            await pilot.press("ctrl+d", "end")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steady(run_before))


class TestHistory:
    def test_history(self, snap_compare, history):
        async def run_before(pilot):
            await settle(pilot)
            await pilot.press("h")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steady(run_before))


class TestHelp:
    def test_help(self, snap_compare, history):
        assert snap_compare(make_app(), terminal_size=SIZE, press=["f1"], run_before=steady(settle))
