"""The interview screen shows an LLM interviewer's follow-up while it is being generated, and
replaces it with the engine's final question (or clears it when the engine rejects it).

The wire is a scriptable OpenAI-compatible server (tests/llm_server.FakeOpenAI) sending the one
structured reply in small timed chunks, so what is checked is what the screen shows mid-stream.
"""

from __future__ import annotations

import json

from test_tui_flow import settle
from textual.widgets import Static, TextArea
from tui_helpers import GD_WEAK, NO_MIC, SHORT_TRACK, widget_text, write_track

from agent.config import load_settings
from agent.tui.app import VivaApp
from agent.tui.screens.interview import InterviewScreen

ASKED = "What does the loss surface of a deep network look like, and why does that matter for where you end up?"


def _streamed_reply(question: str, *, delay: float) -> dict:
    raw = json.dumps(
        {
            "action": "follow_up",
            "question": question,
            "targets": ["nonconvex-no-guarantee"],
            "reason": "probe",
        }
    )
    return {
        "content": raw,
        "chunks": [raw[i : i + 4] for i in range(0, len(raw), 4)],
        "delay": delay,
    }


def _settings(fake_llm):
    return load_settings(
        provider="custom",
        base_url=fake_llm.base_url,
        model=fake_llm.model,
        structured_mode="json_object",
        policy_mode="llm",
        grader_mode="offline",
        max_retries=0,
        request_timeout=30,
        call_budget=60,
    )


async def test_llm_follow_up_streams_onto_the_screen(viva_home, fake_llm):
    write_track(viva_home)
    fake_llm.push(_streamed_reply(ASKED, delay=0.04))
    app = VivaApp(_settings(fake_llm), readiness=NO_MIC, track=SHORT_TRACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        box = screen.query_one("#answer", TextArea)
        box.focus()
        box.insert(GD_WEAK)
        await pilot.press("ctrl+s")
        question = screen.query_one("#question", Static)
        partial_views = set()
        for _ in range(400):
            await pilot.pause(0.02)
            shown = widget_text(question)
            if shown.endswith("...") and len(shown) > 8:
                partial_views.add(shown)
            if app.interview.current is not None and app.interview.current.follow_up:
                break
        await settle(pilot)
        # Mid-stream, the screen showed growing prefixes of the question being written.
        assert len(partial_views) >= 2
        assert all(ASKED.startswith(v[: -len(" ...")].strip()) for v in partial_views)
        # Afterwards the engine's question is the one on screen.
        assert app.interview.current.text == ASKED
        assert widget_text(question) == ASKED


async def test_rejected_streamed_question_is_replaced_by_the_offline_probe(viva_home, fake_llm):
    write_track(viva_home)
    # Too short to be a question: the engine rejects it after it was streamed.
    fake_llm.push(_streamed_reply("gradient descent", delay=0.01))
    app = VivaApp(_settings(fake_llm), readiness=NO_MIC, track=SHORT_TRACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        box = screen.query_one("#answer", TextArea)
        box.focus()
        box.insert(GD_WEAK)
        await pilot.press("ctrl+s")
        await settle(pilot)
        current = app.interview.current
        assert current.follow_up and current.probe_id  # an authored probe took its place
        shown = widget_text(screen.query_one("#question", Static))
        assert shown == current.text and "gradient descent ..." not in shown
