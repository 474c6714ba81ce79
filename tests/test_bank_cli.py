"""`viva rubrics list|show|validate|tracks` as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agent import cli, locations

REPO = Path(__file__).resolve().parent.parent
GOOD = REPO / "tests" / "data" / "rubrics_good"
REQUIRED = {
    "gradient-descent", "batch-size-tradeoffs", "generalization-flat-minima",
    "gpu-memory-hierarchy", "gpu-out-of-memory", "low-gpu-utilization", "mixed-precision",
    "overfitting-detection", "self-attention", "behavioral-failure", "project-deep-dive",
}  # fmt: skip


# -- the real command line, on the real shipped bank ----------------------------------------
def test_list_json_shows_the_whole_bank(run_viva):
    result = run_viva("rubrics", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) >= 30
    for row in rows:
        assert {"id", "topic", "question", "tracks", "difficulty", "source", "user"} <= set(row)
        assert isinstance(row["tracks"], list) and row["user"] is False
    assert len({row["topic"] for row in rows}) >= 8
    assert REQUIRED <= {row["id"] for row in rows}
    screen = [row["id"] for row in rows if "nvidia-dl-screen" in row["tracks"]]
    assert {"gradient-descent", "batch-size-tradeoffs", "generalization-flat-minima"} <= set(screen)


def test_validate_shipped_bank_is_ok(run_viva):
    result = run_viva("rubrics", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ok: ")
    assert lines[0].endswith(" questions, 8 tracks")


def test_validate_bad_files_prints_each_problem_and_exits_1(run_viva):
    result = run_viva(
        "rubrics",
        "validate",
        "tests/data/rubrics_bad/unknown-field",
        "tests/data/rubrics_bad/weights",
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tests/data/rubrics_bad/unknown-field/unknown-field.yaml:5: criteria.0.weight: Field required",
        "tests/data/rubrics_bad/unknown-field/unknown-field.yaml:7: criteria.0.wieght: Extra inputs "
        "are not permitted",
        "tests/data/rubrics_bad/weights/weights.yaml:4: criteria: weights sum to 0.9, not 1 (within 0.01)",
    ]
    assert result.stderr.strip() == "3 problems in 2 files"


def test_validate_given_good_files_is_ok(run_viva):
    result = run_viva("rubrics", "validate", str(GOOD))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok: 2 questions, 1 track"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate", "no/such/path.yaml"), "viva: no such file or folder: no/such/path.yaml"),
        (("validate", "README.md"), "viva: not a rubric file (expected .yaml or .yml): README.md"),
        (("validate", "agent/commands"), "viva: no .yaml or .yml files in agent/commands"),
        (
            ("show", "no-such-id"),
            "viva: unknown question id 'no-such-id' (see 'viva rubrics list')",
        ),
        (
            ("list", "--track", "nvidia-dl-scren"),
            "viva: unknown track 'nvidia-dl-scren'; did you mean 'nvidia-dl-screen'? "
            "(see 'viva rubrics tracks')",
        ),
    ],
)
def test_bad_arguments_give_one_clear_line(run_viva, args, message):
    result = run_viva("rubrics", *args)
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr


def test_show_is_a_readable_study_aid(run_viva):
    result = run_viva("rubrics", "show", "gradient-descent")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("Q: ", "Criteria (each scored 0-4)", "Key points, by criterion",
                    "Misconceptions", "Follow-up probes, by depth", "Reference answers",
                    "20-second:", "2-minute:", "deep follow-up:"):  # fmt: skip
        assert heading in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_tracks_json(run_viva):
    result = run_viva("rubrics", "tracks", "--json")
    assert result.returncode == 0, result.stderr
    tracks = {t["id"]: t for t in json.loads(result.stdout)}
    screen = tracks["nvidia-dl-screen"]
    assert screen["minutes"] == 45
    assert sum(screen["question_minutes"]) <= 45
    assert screen["questions"][0] == "gradient-descent"


# -- in-process, on a fixture bank (independent of the shipped content) ----------------------
@pytest.fixture
def fixture_bank(monkeypatch, tmp_path):
    root = tmp_path / "shipped"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("custom"))
    monkeypatch.setattr(locations, "shipped_rubrics_dir", lambda: root)
    mine = locations.user_rubrics_dir() / "team" / "dropout-reference.yaml"
    mine.parent.mkdir(parents=True)
    shutil.copy(GOOD / "questions" / "custom" / "dropout-reference.yaml", mine)
    return root


def test_list_marks_the_users_own_questions(fixture_bank, capsys):
    assert cli.main(["rubrics", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [
        "optimization",
        "  momentum            What does momentum add to stochastic gradient descent...",
        "custom",
        "  dropout-reference*  What is dropout and why does it help?",
    ]
    assert out[-1] == "2 questions, 2 topics; * = from your rubrics folder"

    assert cli.main(["rubrics", "list", "--json", "--topic", "custom"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["user"], r["derived"], r["tracks"]) for r in rows] == [
        ("dropout-reference", True, True, ["fixture-track"])
    ]


def test_list_track_follows_the_plan(fixture_bank, capsys):
    assert cli.main(["rubrics", "list", "--track", "fixture-track", "--json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [
        "momentum",
        "dropout-reference",
    ]


def test_show_derived_rubric(fixture_bank, capsys):
    assert cli.main(["rubrics", "show", "dropout-reference"]) == 0
    out = capsys.readouterr().out
    assert "derived from the reference answer" in out
    assert "- point-1: Dropout randomly zeroes a fraction of activations" in out


def test_validate_counts_user_files_and_overrides(fixture_bank, capsys):
    override = locations.user_rubrics_dir() / "momentum.yaml"
    override.write_text((GOOD / "questions" / "optimization" / "momentum.yaml").read_text())
    assert cli.main(["rubrics", "validate"]) == 0
    assert capsys.readouterr().out.strip() == (
        "ok: 2 questions, 1 track (2 from your rubrics folder, 1 overriding shipped ones)"
    )


def test_broken_user_file_blocks_list_with_its_location(fixture_bank, capsys):
    bad = locations.user_rubrics_dir() / "weights.yaml"
    bad.write_text((REPO / "tests/data/rubrics_bad/weights/weights.yaml").read_text())
    assert cli.main(["rubrics", "list"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "viva: the question bank has 1 problem (fix them, or move the file out of the rubrics "
        "folder):",
        f"{bad}:4: criteria: weights sum to 0.9, not 1 (within 0.01)",
    ]
    assert cli.main(["rubrics", "validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [err[1]]
