"""`viva debrief --transcript FILE`: every format, matching to the bank, reference-free mode,
imported sessions in history, and malformed files (clear `file:line: problem`, exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.cli import main
from agent.errors import UsageError
from agent.report.imports import TranscriptError, read_transcript

DATA = Path(__file__).parent / "data" / "transcripts"


def _json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def _sessions(viva_home: Path) -> list[Path]:
    root = viva_home / "data" / "sessions"
    return sorted(root.iterdir()) if root.is_dir() else []


# ------------------------------------------------------------------------ parsing formats
def test_plain_text_blocks_tags_and_multiline_answers():
    t = read_transcript(DATA / "practice.txt")
    assert t.format == "text" and len(t.turns) == 3
    first = t.turns[0]
    assert (
        first.question_id == "gradient-descent"
        and first.question == "Walk me through gradient descent."
    )
    assert first.answer.count("\n") == 2 and first.answer.endswith("too small and it is slow.")
    assert first.line == 4
    assert t.turns[2].question.startswith("What is your favourite way")  # Interviewer:/Candidate:
    assert t.turns[2].answer == "I go hiking, I guess, and maybe cook something new."


def test_json_object_and_list_forms():
    t = read_transcript(DATA / "practice.json")
    assert [x.question_id for x in t.turns] == ["self-attention", None, None]
    assert t.turns[1].reference.startswith("A load balancer distributes")
    assert [x.line for x in t.turns] == [4, 9, 14]
    listed = read_transcript(DATA / "practice-list.json")
    assert len(listed.turns) == 2 and listed.turns[1].follow_up


def test_srt_merges_consecutive_cues_and_measures_timing():
    t = read_transcript(DATA / "practice.srt")
    assert t.format == "srt" and len(t.turns) == 2
    q1 = t.turns[0]
    assert q1.question == "How would you tell whether a model you trained is overfitting?"
    # three candidate cues (one unlabelled continuation) are one answer
    assert q1.answer.startswith("I'd plot training") and q1.answer.endswith("more data helps.")
    assert q1.metrics["time_to_first_word"] == 1.5
    assert q1.metrics["long_pauses"] == 1 and q1.metrics["longest_pause"] == 3.5
    assert q1.metrics["words_per_minute"] > 100 and q1.metrics["filler_count"] == 1


def test_vtt_voice_tags_and_follow_up():
    t = read_transcript(DATA / "practice.vtt")
    assert t.format == "vtt" and len(t.turns) == 2
    assert t.turns[0].answer == (
        "Queries are compared with keys, the scores go through a softmax and weight the values."
    )
    assert t.turns[1].question == "Why divide by the square root of the dimension?"


# ------------------------------------------------------------------------ malformed files
MALFORMED = [
    ("bad-no-labels.txt", 1, "no questions found: start each question with 'Q:'"),
    ("bad-id.txt", 1, "invalid question id 'Gradient Descent'"),
    ("bad-binary.txt", 1, "not UTF-8 text"),
    ("bad-syntax.json", 4, "invalid JSON"),
    ("bad-turn.json", 4, 'turn 2: "question" is missing or empty'),
    ("bad-shape.json", 1, 'expected {"turns": [...]}'),
    ("bad-timing.srt", 5, "expected a cue timing line"),
    ("bad-no-speaker.srt", 3, "no speaker label"),
    ("bad-speaker.vtt", 7, "unknown speaker 'Bob'"),
    ("bad-no-header.vtt", 1, "must start with 'WEBVTT'"),
]


@pytest.mark.parametrize(("name", "line", "problem"), MALFORMED)
def test_malformed_files_name_the_line(name, line, problem):
    with pytest.raises(TranscriptError) as info:
        read_transcript(DATA / name)
    assert info.value.line == line
    assert str(info.value).startswith(f"{DATA / name}:{line}: ")
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("name", "skipped", "turns"),
    [
        ("bad-text-before.txt", (1, 1), [("What is dropout?", "Randomly zeroing units.")]),
        ("bad-answer-first.txt", (3, 3), [("What is dropout?", "")]),
    ],
)
def test_what_comes_before_the_first_question_is_skipped_and_said(name, skipped, turns):
    """A title, a header or a reply before any question is nobody's answer to anything: it is
    skipped, and the transcript says which lines (the command prints them)."""
    t = read_transcript(DATA / name)
    assert t.skipped == skipped
    assert [(turn.question, turn.answer) for turn in t.turns] == turns


def test_malformed_import_exits_2_with_file_line_and_saves_nothing(run_viva, viva_home):
    proc = run_viva("debrief", "--transcript", str(DATA / "bad-turn.json"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f'viva: {DATA / "bad-turn.json"}:4: turn 2: "question" is missing or empty'
    )
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert _sessions(viva_home) == []
    unknown = run_viva("debrief", "--transcript", str(DATA / "bad-unknown-id.txt"))
    assert unknown.returncode == 2
    assert "bad-unknown-id.txt:1: unknown question id 'no-such-question'" in unknown.stderr
    missing = run_viva("debrief", "--transcript", str(DATA / "nope.txt"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


# ------------------------------------------------------------------------ grading + saving
def test_text_import_matches_grades_and_saves_a_session(capsys, viva_home):
    report = _json(
        capsys, "debrief", "--transcript", str(DATA / "practice.txt"), "--format", "json"
    )
    assert report["mode"] == "import"
    gd, overfit, free = report["questions"]
    assert (gd["question_id"], gd["match"]["by"]) == ("gradient-descent", "id")
    assert gd["score"] > 0 and gd["criteria"] and gd["better_answer"]["source"] == "reference"
    assert overfit["question_id"] == "overfitting-detection"
    assert overfit["match"]["by"] == "closest" and overfit["match"]["similarity"] >= 0.46
    assert overfit["notes"][0].startswith("graded as the bank question closest to it: ")
    # no rubric, no reference: score unavailable, not invented; structure metrics instead
    assert free["score"] is None and free["criteria"] == []
    assert "no matching rubric; graded on structure only" in free["notes"]
    assert free["delivery"]["words"] == 10 and free["delivery"]["hedges"] == 2
    assert report["overall"] == round((gd["score"] + overfit["score"]) / 2, 2)
    # saved as a session that the history shows
    assert main(["sessions", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["id"], s["mode"]) for s in listed] == [(report["session_id"], "import")]
    again = _json(capsys, "debrief", "latest", "--format", "json", "--no-llm")
    assert again["questions"] == report["questions"]


def test_json_reference_answer_is_graded_against_a_derived_rubric(capsys):
    report = _json(
        capsys, "debrief", "--transcript", str(DATA / "practice.json"), "--format", "json"
    )
    attn, balancer, python = report["questions"]
    assert attn["match"]["by"] == "id" and attn["score"] > 0
    assert balancer["match"]["by"] == "reference"
    assert balancer["score"] is not None and balancer["key_points"]
    assert any(k["covered"] for k in balancer["key_points"])
    assert balancer["better_answer"]["text"].startswith("A load balancer distributes")
    assert python["score"] is None
    # the derived rubric is kept with the session: a later debrief still has it
    later = _json(capsys, "debrief", report["session_id"], "--format", "json", "--no-llm")
    assert later["questions"][1]["key_points"] == balancer["key_points"]


def test_follow_ups_join_their_question(capsys):
    report = _json(
        capsys, "debrief", "--transcript", str(DATA / "practice-list.json"), "--format", "json"
    )
    assert len(report["questions"]) == 1
    q = report["questions"][0]
    assert q["question_id"] == "gradient-descent"
    assert [t["kind"] for t in q["turns"]] == ["question", "follow_up"]
    assert q["follow_ups"] == ["Is there any guarantee it reaches the global optimum?"]
    vtt = _json(capsys, "debrief", "--transcript", str(DATA / "practice.vtt"), "--format", "json")
    assert [len(q["turns"]) for q in vtt["questions"]] == [2]


def test_subtitle_import_reports_delivery(capsys):
    report = _json(
        capsys, "debrief", "--transcript", str(DATA / "practice.srt"), "--format", "json"
    )
    first = report["questions"][0]
    assert first["delivery"]["time_to_first_word"] == 1.5
    assert first["delivery"]["longest_pause"] == 3.5
    assert report["delivery"]["words_per_minute"] > 0


def test_imports_feed_progress_and_the_drill_plan(capsys):
    main(["debrief", "--transcript", str(DATA / "practice.txt"), "--format", "json"])
    main(["debrief", "--transcript", str(DATA / "practice.srt"), "--format", "json"])
    capsys.readouterr()
    progress = _json(capsys, "debrief", "--progress", "--format", "json")
    assert progress["sessions"] == 2
    topics = {t["topic"]: len(t["points"]) for t in progress["trend"]}
    assert topics["generalization"] == 2  # overfitting asked in both imports
    items = progress["drill"]["items"]
    assert items and all(i["practice"] for i in items)
    assert progress["drill"]["next_session"]


def test_usage_errors():
    for argv, fragment in [
        (["debrief"], "say what to debrief"),
        (["debrief", "latest"], "no sessions yet"),
        (["debrief", "no-such-session"], "no session 'no-such-session'"),
        (["debrief", "x", "--progress"], "give only one of"),
        (["debrief", "--audio", "a.wav"], "--audio needs --question"),
        (
            ["debrief", "--transcript", str(DATA / "practice.txt"), "--transcript-format", "xml"],
            None,
        ),
    ]:
        if fragment is None:
            with pytest.raises(SystemExit) as exit_info:
                main(argv)
            assert exit_info.value.code == 2
            continue
        with pytest.raises(UsageError, match=fragment):
            from agent.commands import debrief

            parser_args = _parse(argv)
            debrief.run(parser_args)


def _parse(argv):
    from agent.cli import build_parser

    return build_parser().parse_args(argv)


def test_text_tags_reference_and_unanswered(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text(
        "[topic: system-design]\n"
        "Interviewer: What does a load balancer do?\n"
        "Candidate: It spreads requests across servers.\n"
        "Reference: A load balancer distributes requests across a pool of servers, runs health\n"
        "checks and removes unhealthy servers from rotation.\n"
        "\n"
        "Q: [follow-up] And if a server dies?\n"
        "A: The health check fails and it is taken out of rotation.\n"
        "\n"
        "Q: Explain gradient descent.\n",
        encoding="utf-8",
    )
    t = read_transcript(path)
    assert t.turns[0].topic == "system-design" and "health\nchecks" in t.turns[0].reference
    assert t.turns[1].follow_up and t.turns[2].answer == ""
    report = _json(capsys, "debrief", "--transcript", str(path), "--format", "json")
    lb, gd = report["questions"]
    assert lb["topic"] == "system-design" and lb["match"]["by"] == "reference"
    assert [t["kind"] for t in lb["turns"]] == ["question", "follow_up"]
    assert any(k["covered"] for k in lb["key_points"])  # graded on both answers together
    assert gd["question_id"] == "gradient-descent" and gd["score"] == 0 and not gd["answered"]
