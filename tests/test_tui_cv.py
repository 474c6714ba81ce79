"""The home screen's resume action, driven by Pilot: import a resume, then the deep dive asks
about its project by name."""

from __future__ import annotations

import time

from test_cv import MARKDOWN_CV
from textual.widgets import Input, OptionList, Static
from tui_helpers import NO_MIC, widget_text

from agent.config import load_settings
from agent.cv.store import load_profile
from agent.tui.app import VivaApp
from agent.tui.screens.cv import CvScreen
from agent.tui.screens.interview import InterviewScreen


async def wait_for(pilot, condition, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


async def test_import_a_resume_from_home_then_the_deep_dive_names_its_project(tmp_path):
    cv = tmp_path / "cv.md"
    cv.write_text(MARKDOWN_CV)
    app = VivaApp(load_settings(), readiness=NO_MIC)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CvScreen), what="the resume dialog")
        box = app.screen.query_one("#cv-path", Input)
        box.value = str(tmp_path / "missing.pdf")
        await pilot.press("enter")
        result = app.screen.query_one("#cv-result", Static)
        await wait_for(pilot, lambda: "no such file" in widget_text(result), what="an error")
        box.value = str(cv)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Read 2 project" in widget_text(result), what="the import")
        assert "Semantic search for support tickets" in widget_text(result)
        assert load_profile() is not None
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CvScreen), what="home")
        tracks = app.screen.query_one("#tracks", OptionList)
        await wait_for(pilot, lambda: tracks.option_count > 0, what="tracks")
        ids = [tracks.get_option_at_index(i).id for i in range(tracks.option_count)]
        tracks.highlighted = ids.index("project-deep-dive")
        tracks.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen), what="interview")
        screen = app.screen
        await wait_for(
            pilot,
            lambda: (
                "Semantic search for support tickets"
                in "\n".join(widget_text(w) for w in screen.query(".turn"))
            ),
            what="the tailored question",
        )
        app.end_running_interview("quit")


async def test_a_word_resume_imports_from_the_app(tmp_path):
    from docx import Document

    cv = tmp_path / "Resume.docx"
    document = Document()
    document.add_heading("Experience", level=1)
    document.add_paragraph("Senior ML Engineer, Flipkart\tApr 2021 – Present")
    document.add_paragraph("Bengaluru, India")
    for bullet in (
        "Moved retrieval to ScaNN, cutting p99 latency from 120 ms to 45 ms.",
        "Raised recall@10 from 0.61 to 0.74 with a two-tower model.",
    ):
        document.add_paragraph(bullet, style="List Bullet")
    document.save(str(cv))
    app = VivaApp(load_settings(), readiness=NO_MIC)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CvScreen), what="the resume dialog")
        app.screen.query_one("#cv-path", Input).value = str(cv)
        await pilot.press("enter")
        result = app.screen.query_one("#cv-result", Static)
        await wait_for(pilot, lambda: "Read 1 project" in widget_text(result), what="the import")
        assert "Flipkart" in widget_text(result)
        profile = load_profile()
        assert profile is not None and profile.projects[0].role == "Senior ML Engineer"
