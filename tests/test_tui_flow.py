"""Pilot tests: a complete text-mode interview through the real offline policy and grader, from
the home screen to the debrief, asserting on app state, on what the screen shows, and on the
session journal."""

from __future__ import annotations

import time

from textual.widgets import DataTable, OptionList, Static, TextArea
from tui_helpers import (
    BV_MEDIUM,
    GD_STRONG,
    GD_WEAK,
    NO_MIC,
    SHORT_TRACK,
    fabricate_session,
    widget_text,
    write_track,
)

from agent.config import load_settings
from agent.sessions.store import list_sessions, read_session
from agent.tui.app import VivaApp
from agent.tui.debrief_view import evidence_quotes
from agent.tui.screens.debrief import DebriefScreen
from agent.tui.screens.help import HelpScreen
from agent.tui.screens.history import HistoryScreen
from agent.tui.screens.home import HomeScreen
from agent.tui.screens.interview import InterviewScreen


async def settle(pilot, timeout: float = 30.0) -> None:
    """Wait until every worker finished and the messages they posted were handled."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        busy = [w for w in app.workers if w.is_running]
        if not busy:
            break
        assert time.monotonic() < deadline, f"workers still running: {busy}"
    await pilot.pause()


async def wait_for(pilot, condition, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


def pick_track(screen: HomeScreen, track_id: str) -> None:
    tracks = screen.query_one("#tracks", OptionList)
    ids = [tracks.get_option_at_index(i).id for i in range(tracks.option_count)]
    tracks.highlighted = ids.index(track_id)


def transcript_text(screen: InterviewScreen) -> str:
    return "\n".join(widget_text(w) for w in screen.query(".turn"))


async def type_answer(pilot, text: str) -> None:
    box = pilot.app.screen.query_one("#answer", TextArea)
    box.focus()
    box.insert(text)
    await pilot.pause()


async def test_text_interview_from_home_to_debrief(viva_home):
    write_track(viva_home)
    app = VivaApp(load_settings(), readiness=NO_MIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "offline" in widget_text(home.query_one("#readiness", Static))
        pick_track(home, SHORT_TRACK)
        await pilot.press("enter")
        await settle(pilot)

        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        iv = app.interview
        assert iv is not None and iv.track_id == SHORT_TRACK
        question = widget_text(screen.query_one("#question", Static))
        assert "gradient descent" in question.lower()
        assert "Q 1/2" in widget_text(screen.query_one("#status", Static))

        # A weak answer: the offline policy probes what it missed.
        await type_answer(pilot, GD_WEAK)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert iv.current is not None and iv.current.follow_up
        follow_up = iv.current.text
        assert widget_text(screen.query_one("#question", Static)) == follow_up
        assert "Follow-up" in str(screen.query_one("#question", Static).border_title)
        shown = transcript_text(screen)
        assert GD_WEAK in shown and follow_up in shown and "graded" in shown
        assert screen.query_one("#answer", TextArea).text == ""

        # Answer the follow-up (cap 1): the interviewer moves on to question 2.
        await type_answer(pilot, GD_STRONG)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert iv.current.question_id == "bias-variance"
        assert "Q 2/2" in widget_text(screen.query_one("#status", Static))

        await type_answer(pilot, BV_MEDIUM)
        await pilot.press("ctrl+s")
        await settle(pilot)
        # End the interview (whatever the policy decided) and land on the debrief.
        if isinstance(app.screen, InterviewScreen):
            await pilot.press("ctrl+g")
            await settle(pilot)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        table = debrief.query_one("#questions", DataTable)
        assert table.row_count == 2
        first_row = [str(c) for c in table.get_row_at(0)]
        assert "gradient descent" in first_row[1].lower()
        detail = widget_text(debrief.query_one("#detail-body", Static))
        assert "Criteria" in detail and GD_WEAK.split()[0] in detail
        assert "Reference answer" in detail or "A better answer" in detail
        sid = iv.session_id

    record = read_session(sid)
    answers = [e["text"] for e in record.events if e["type"] == "answer"]
    assert answers == [GD_WEAK, GD_STRONG, BV_MEDIUM]
    assert [q.question_id for q in record.questions] == ["gradient-descent", "bias-variance"]
    assert all(q.score is not None for q in record.questions)
    assert list_sessions()[0].id == sid


UNSENT = "Half an answer: it only promises a local minimum unless"


async def test_quit_mid_interview_keeps_answers_and_home_offers_resume(viva_home):
    write_track(viva_home)
    app = VivaApp(load_settings(), readiness=NO_MIC, track=SHORT_TRACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        await type_answer(pilot, GD_STRONG)
        await pilot.press("ctrl+s")
        await settle(pilot)
        sid = app.interview.session_id
        await type_answer(pilot, UNSENT)  # typed, not sent: kept as a draft on quit
        await pilot.press("ctrl+q")
        await pilot.pause()
    record = read_session(sid)
    assert record.status == "interrupted"
    assert any(e["type"] == "answer" and e["text"] == GD_STRONG for e in record.events)
    assert not any(e["type"] == "answer" and e["text"] == UNSENT for e in record.events)
    assert [e["text"] for e in record.events if e["type"] == "draft"] == [UNSENT]

    # A new app: the home screen offers to resume, and `r` continues where it stopped.
    app = VivaApp(load_settings(), readiness=NO_MIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hint = widget_text(app.screen.query_one("#resume-hint", Static))
        assert "Interrupted" in hint and SHORT_TRACK in hint
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen), [n.message for n in app._notifications]
        assert app.interview.session_id == sid
        assert "Resumed" in transcript_text(screen)
        assert GD_STRONG in transcript_text(screen)
        assert screen.query_one("#answer", TextArea).text == UNSENT
        assert "back in the answer box" in transcript_text(screen)


async def test_skip_repeat_and_help(viva_home):
    write_track(viva_home)
    app = VivaApp(load_settings(), readiness=NO_MIC, track=SHORT_TRACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        first = app.interview.current.text
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.interview.current.kind == "repeat"
        assert widget_text(screen.query_one("#question", Static)) == first
        assert transcript_text(screen).count(first) == 2
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.interview.current.question_id == "bias-variance"
        assert "skipped" in transcript_text(screen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = widget_text(app.screen.query_one("#help-text", Static))
        for key in ("ctrl+s", "ctrl+r", "ctrl+n", "ctrl+g", "ctrl+t", "f2", "ctrl+p"):
            assert key in help_text
        await pilot.press("escape")
        assert app.screen is screen


async def test_theme_toggle_and_palette_commands(viva_home):
    app = VivaApp(load_settings(theme="textual-light"), readiness=NO_MIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        await pilot.press("f2")
        assert app.theme == "textual-dark"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("History") for t in titles)
        assert any("Resume" in t for t in titles)
        assert any("Help" in t for t in titles)
        # Through the real palette: ctrl+p, type, enter.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"history")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)


async def test_history_and_debrief_of_fabricated_sessions(viva_home):
    fabricate_session(
        "20261101-090000-aaaa",
        "nvidia-dl-screen",
        [("gradient-descent", "", GD_WEAK), ("bias-variance", "", BV_MEDIUM)],
    )
    fabricate_session(
        "20261102-090000-bbbb",
        "nvidia-dl-screen",
        [("gradient-descent", "", GD_STRONG)],
        end_reason=None,
    )
    app = VivaApp(load_settings(), readiness=NO_MIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#sessions", DataTable)
        assert table.row_count == 2
        assert "interrupted" in str(table.get_row_at(0)[-1])
        weakest = widget_text(screen.query_one("#weakest", Static))
        assert "missed" in weakest
        rows = screen.query(".trend-row")
        topics = [r.topic for r in rows]
        assert "optimization" in topics
        opt = next(r for r in rows if r.topic == "optimization")
        assert len(opt.scores) == 2 and opt.scores[1] > opt.scores[0]
        from agent.tui.widgets.trends import ScoreBars, score_bars

        drawn = opt.query_one(ScoreBars).render().plain
        assert drawn == score_bars(opt.scores).plain  # both sessions, oldest first, on 0-4
        # Open the older (complete) session's debrief and check evidence highlighting.
        table.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.report.session_id == "20261101-090000-aaaa"
        await pilot.press("down")
        await pilot.pause()
        body = debrief.query_one("#detail-body", Static)
        text = body.content
        assert "Bias is error" in text.plain
        q = debrief.selected
        assert q.question_id == "bias-variance" and evidence_quotes(q)
        highlighted = [text.plain[s.start : s.end] for s in text.spans if "e5c07b" in str(s.style)]
        assert highlighted and all(h.lower() in BV_MEDIUM.lower() for h in highlighted)
        assert "Missed key points" in text.plain


async def test_debrief_exports_markdown_html_json_into_the_session_folder(viva_home):
    sid = fabricate_session(
        "20261101-090000-aaaa",
        "nvidia-dl-screen",
        [
            ("gradient-descent", "", GD_WEAK + " <script>x</script>"),
            ("bias-variance", "", BV_MEDIUM),
        ],
    )
    app = VivaApp(load_settings(), readiness=NO_MIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.show_debrief(sid)
        await settle(pilot)
        debrief = app.screen
        for key in ("m", "w", "j"):
            await pilot.press(key)
            await settle(pilot)
        assert set(debrief.exported) == {"markdown", "html", "json"}
        shown = [n.message for n in app._notifications]
        folder = read_session(sid).path
        for suffix in ("md", "html", "json"):
            path = folder / f"debrief.{suffix}"
            assert path.is_file() and path.stat().st_size > 200
            assert (path.stat().st_mode & 0o777) == 0o600
            assert any(str(path) in m for m in shown)
    import json

    data = json.loads((folder / "debrief.json").read_text())
    assert data["session_id"] == sid and len(data["questions"]) == 2
    html = (folder / "debrief.html").read_text()
    assert "<script>x</script>" not in html
    assert (
        "Could you walk me through how gradient descent works"
        in (folder / "debrief.md").read_text()
    )


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_provider_down_shows_banner_and_continues_offline(viva_home):
    write_track(viva_home)
    settings = load_settings(
        provider="custom",
        base_url=f"http://127.0.0.1:{_closed_port()}/v1",
        model="nobody-home",
        policy_mode="llm",
        grader_mode="offline",
        max_retries=0,
        request_timeout=2,
        call_budget=5,
    )
    app = VivaApp(settings, readiness=NO_MIC, track=SHORT_TRACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await type_answer(pilot, GD_WEAK)
        await pilot.press("ctrl+s")
        await settle(pilot)
        banner = screen.query_one("#banner", Static)
        assert banner.display and "continuing offline" in widget_text(banner)
        assert any("continuing offline" in n.message for n in app._notifications)
        # The offline policy took over: the weak answer still gets a follow-up.
        assert app.interview.current.follow_up
        assert widget_text(screen.query_one("#question", Static)) == app.interview.current.text


async def test_debrief_in_llm_mode_shows_the_models_better_answer(viva_home, fake_llm):
    """The wire is a scriptable OpenAI-compatible server (tests/llm_server.FakeOpenAI); what
    is checked is that the debrief asks for better answers off the UI thread and shows them."""
    sid = fabricate_session(
        "20261101-090000-aaaa", "nvidia-dl-screen", [("gradient-descent", "", GD_WEAK)]
    )
    fake_llm.default = "A stronger answer would name the learning rate and convexity."
    settings = load_settings(
        provider="custom",
        base_url=fake_llm.base_url,
        model=fake_llm.model,
        grader_mode="llm",
        max_retries=0,
    )
    app = VivaApp(settings, readiness=NO_MIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.show_debrief(sid)
        await settle(pilot)
        debrief = app.screen
        assert debrief.report is not None
        detail = widget_text(debrief.query_one("#detail-body", Static))
        assert "A better answer" in detail and fake_llm.default in detail
        assert "Reference answer" not in detail
    assert any(path.endswith("/chat/completions") for path, _ in fake_llm.requests)
