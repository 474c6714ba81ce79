"""The drill plan's spaced repetition, derived from the journals: what was weak comes back
sooner, what is answered well moves out, and every item maps to questions to practise."""

from __future__ import annotations

from report_fixtures import GD, _grade, _Writer

from agent.report.drill import build_drill_plan
from agent.report.history import load_records
from agent.sessions.events import SessionStart


def _session(root, n: int, covered: bool, claimed: bool = False) -> None:
    sid = f"202611{n + 1:02d}-090000-000{n}"
    w = _Writer(root, sid, f"2026-11-{n + 1:02d}T09:00")
    w.add(
        SessionStart(session_id=sid, track="t", mode="text", policy="offline", grader="offline"), 0
    )
    w.question(1, GD, 1)
    w.answer(1, GD, "answer", 2)
    w.grade(
        1,
        _grade(
            GD,
            [("core", 4, "", []), ("convergence", 2 if covered else 0, "", [])],
            [
                ("update-rule", True, []),
                ("learning-rate", True, []),
                ("global-vs-local", covered, []),
            ],
            [("always-global", claimed, [])],
        ),
        3,
    )
    w.close()


def _item(plan, key):
    return next((i for i in plan.items if i.key == key), None)


def test_leitner_boxes_across_sessions(viva_home):
    root = viva_home / "data" / "sessions"
    key = "gd-basics:global-vs-local"
    history = [False, True, True, False, True, True, True, True]
    expected_box = [1, 2, 3, 1, 2, 3, 4, None]  # None: mastered, out of the plan
    expected_due = [1, 2, 4, 1, 2, 4, 8, None]
    for n, covered in enumerate(history):
        _session(root, n, covered)
        plan = build_drill_plan(load_records(), None)
        item = _item(plan, key)
        if expected_box[n] is None:
            assert item is None and key in plan.mastered
            continue
        assert (item.box, item.due_in_sessions) == (expected_box[n], expected_due[n]), n
    # key points covered from the start never enter the plan
    assert _item(plan, "gd-basics:update-rule") is None


def test_weak_items_come_first_and_map_to_probes(viva_home):
    root = viva_home / "data" / "sessions"
    _session(root, 0, covered=False, claimed=True)
    plan = build_drill_plan(load_records(), None)
    assert [i.key for i in plan.items] == ["gd-basics:always-global", "gd-basics:global-vs-local"]
    mc = plan.items[0]
    assert mc.kind == "misconception" and mc.correction.startswith("Only for convex")
    assert [p.probe_id for p in mc.practice] == ["p-global", None]  # the probe, then the question
    assert plan.schedule[0].session == 1 and set(plan.schedule[0].items) == {
        i.key for i in plan.items
    }
    assert plan.next_session[0].question_id == "gd-basics"
    assert mc.due_date == "2026-11-02"


def test_overdue_items_are_due_next_session_and_the_plan_is_deterministic(viva_home):
    root = viva_home / "data" / "sessions"
    _session(root, 0, covered=False)
    _session(root, 1, covered=True)  # box 2: due two sessions later
    for n in (2, 3, 4):  # sessions on another question don't touch it, but time passes
        sid = f"202611{n + 1:02d}-090000-000{n}"
        w = _Writer(root, sid, f"2026-11-{n + 1:02d}T09:00")
        w.add(
            SessionStart(
                session_id=sid, track="t", mode="text", policy="offline", grader="offline"
            ),
            0,
        )
        from report_fixtures import ATTN

        w.question(1, ATTN, 1)
        w.answer(1, ATTN, "x", 2)
        w.grade(
            1,
            _grade(ATTN, [("mechanism", 4, "", [])], [("qkv", True, []), ("scaling", True, [])]),
            3,
        )
        w.close()
    first = build_drill_plan(load_records(), None)
    assert _item(first, "gd-basics:global-vs-local").due_in_sessions == 1
    assert first.model_dump() == build_drill_plan(load_records(), None).model_dump()


def test_markdown_and_html_say_the_same_plan(viva_home):
    """The words of the plan live in drill.py; both markups show them (an empty plan too)."""
    from agent.report.html import _drill
    from agent.report.markdown import drill_section

    empty = build_drill_plan([], None)
    assert empty.empty_note in drill_section(empty, "## Drill plan")
    assert empty.empty_note in _drill(empty)
    root = viva_home / "data" / "sessions"
    _session(root, 0, covered=False, claimed=True)
    plan = build_drill_plan(load_records(), None)
    assert "after 2, 4 and 8 sessions" in plan.intro
    md, html = "\n".join(drill_section(plan, "## Drill plan")), _drill(plan)
    mc = plan.items[0]
    assert mc.notes == [("correction", mc.correction), ("practise", mc.probe.text)]
    for text in (plan.intro, mc.heading, mc.correction, mc.probe.text):
        assert text in md and text in html
