"""The plain data the screens show: evidence spans, reference depth, metrics, trends."""

from __future__ import annotations

from tui_helpers import BV_MEDIUM, GD_STRONG, GD_WEAK, fabricate_session

from agent.bank.loader import load_bank
from agent.report.better import reference_answer
from agent.report.build import build_session_report
from agent.report.delivery import delivery_from
from agent.sessions.store import read_session
from agent.tui.data import load_overview, session_date
from agent.tui.debrief_view import (
    answer_text,
    delivery_lines,
    evidence_quotes,
    evidence_spans,
    reference_view,
)


def test_evidence_spans_find_exact_quotes_case_insensitively_and_merge_overlaps():
    answer = "SGD adds noise. The noise helps escape saddle points. sgd adds noise."
    spans = evidence_spans(answer, ["sgd adds noise", "noise helps escape", "not in it", ""])
    assert [answer[s:e] for s, e in spans] == [
        "SGD adds noise",
        "noise helps escape",
        "sgd adds noise",
    ]
    assert evidence_spans("abcdef", ["abcd", "cdef"]) == [(0, 6)]


def test_reference_depth_follows_the_score():
    rubric = load_bank().rubric("gradient-descent")
    ref = rubric.reference

    def reference_at_depth(score, follow_ups=0):
        return reference_view(reference_answer(rubric, score, follow_ups, ""), score)

    label, text = reference_at_depth(3.5)
    assert label.startswith("short") and text.startswith((ref.short or ref.standard).strip())
    label, text = reference_at_depth(1.0)
    assert label == "standard" and text == ref.standard.strip()
    label, text = reference_at_depth(1.0, follow_ups=2)
    assert label == "standard + deep" and ref.deep.strip() in text


def test_delivery_lines_read_delivery_metrics_keys():
    lines = delivery_lines(
        delivery_from(
            {
                "words_per_minute": 131.6,
                "filler_count": 3,
                "fillers": {"um": 2, "like": 1},
                "long_pauses": 1,
                "longest_pause": 2.44,
                "pauses": [{"start": 1, "seconds": 2}],
            }
        )
    )
    assert lines == [
        "pace: 132 words/min",
        "fillers: 3 (um x2, like x1)",
        "long pauses: 1",
        "longest pause: 2.4 s",
    ]


def test_overview_and_debrief_from_journals(viva_home):
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
    bank = load_bank()
    ov = load_overview(bank)
    assert [s.id for s in ov.sessions] == ["20261102-090000-bbbb", "20261101-090000-aaaa"]
    assert ov.resumable.id == "20261102-090000-bbbb"
    assert session_date(ov.sessions[0].id) == "2026-11-02 09:00"
    assert len(ov.trends["optimization"]) == 2 and len(ov.trends["generalization"]) == 1
    assert ov.weakest and all(p.missed <= p.seen for p in ov.weakest)
    data = build_session_report(read_session("20261101-090000-aaaa"), bank=bank)
    gd = data.questions[0]
    assert answer_text(gd) == GD_WEAK and gd.criteria and gd.missed_key_points
    assert all(q.lower() in answer_text(gd).lower() for q in evidence_quotes(gd))


def test_score_bars_use_the_fixed_0_to_4_scale():
    """A score's bar height is its level, not its rank among the topic's scores."""
    from agent.tui.widgets.trends import BARS, score_bars

    assert score_bars([3.5]).plain == BARS[6]  # one high score is high, not the lowest bar
    assert score_bars([0.5, 0.5]).plain == BARS[1] * 2
    assert score_bars([0.0, 2.0, 4.0]).plain == BARS[0] + BARS[4] + BARS[7]
    assert score_bars([5.0, -1.0]).plain == BARS[7] + BARS[0]  # clamped to the scale
    assert [span.style for span in score_bars([1.0, 2.0, 3.0]).spans] == [
        "bold red",
        "bold yellow",
        "bold green",
    ]  # the debrief's colours for the same scores (score_style)
