"""`viva grade` and `viva eval` through the real command line."""

from __future__ import annotations

import json

ANSWER = (
    "We compute the gradient of the loss with respect to the weights and step the opposite way, "
    "scaled by the learning rate. It does not always reach the global minimum: on non-convex "
    "losses it can stop at a local minimum or saddle point."
)


def test_grade_json_has_the_documented_keys(run_viva):
    result = run_viva(
        "grade",
        "--question",
        "gradient-descent",
        "--answer",
        ANSWER,
        "--grader",
        "offline",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    grade = json.loads(result.stdout)
    assert grade["question_id"] == "gradient-descent"
    assert 0 < grade["overall"] <= 4 and grade["grader"] == "offline"
    assert {"id", "score", "evidence"} <= set(grade["criteria"][0])
    assert {"id", "covered", "evidence"} <= set(grade["key_points"][0])
    assert {"id", "detected", "evidence"} <= set(grade["misconceptions"][0])
    quotes = [q for c in grade["criteria"] for q in c["evidence"]]
    assert quotes and all(q in ANSWER for q in quotes)
    assert not any(m["detected"] for m in grade["misconceptions"])


def test_grade_human_output_explains_itself(run_viva, tmp_path):
    answer_file = tmp_path / "answer.txt"
    answer_file.write_text(
        "Gradient descent always finds the global minimum; you follow the gradient downhill."
    )
    result = run_viva(
        "grade",
        "--question",
        "gradient-descent",
        "--answer-file",
        str(answer_file),
        "--grader",
        "offline",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Overall:" in out and "/4" in out
    assert "Key points missed" in out
    assert "Misconceptions:" in out and "always-global-optimum" in out and "Correction:" in out
    assert '> "Gradient descent always finds the global minimum;' in out


def test_grade_reference_mode(run_viva):
    result = run_viva(
        "grade",
        "--question-text",
        "What does dropout do?",
        "--reference",
        "Dropout randomly zeroes activations during training so units cannot co-adapt; it acts as a regularizer and is turned off at inference.",
        "--answer",
        "It randomly zeroes activations while training, which regularizes the network, and it is disabled at inference.",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    grade = json.loads(result.stdout)
    assert grade["overall"] > 1 and grade["criteria"]


def test_grade_bad_input_is_a_clear_error(run_viva, tmp_path):
    cases = [
        ("grade", "--question", "gradient-descent", "--answer-file", str(tmp_path / "missing.txt")),
        ("grade", "--question", "no-such-question", "--answer", "x"),
        ("grade", "--question", "gradient-descent"),
        ("grade", "--question-text", "What is X?", "--answer", "x"),
    ]
    for args in cases:
        result = run_viva(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("viva: ") and "Traceback" not in result.stderr


def test_eval_reports_bad_rows_by_line_and_keeps_going(run_viva, tmp_path):
    rows = [
        {
            "id": "a",
            "question_id": "gradient-descent",
            "answer": ANSWER,
            "label": 9,
            "kind": "strong",
        },
        "{not json",
        {"id": "b", "question_id": "no-such-question", "answer": "x", "label": 1},
        {"id": "c", "question_id": "gradient-descent", "label": 2},
        {
            "id": "d",
            "question_id": "gradient-descent",
            "answer": "I don't know",
            "label": 0,
            "kind": "empty",
        },
        {
            "id": "e",
            "question": "What does dropout do?",
            "reference": "Dropout randomly zeroes activations in training to regularize.",
            "answer": "It zeroes random activations during training as regularization.",
            "label": 7,
        },
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    result = run_viva("eval", str(path), "--grader", "offline", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == 3
    assert [p["line"] for p in report["problems"]] == [2, 3, 4]
    assert "unknown question id" in report["problems"][1]["problem"]
    assert f"{path}:2:" in result.stderr and f"{path}:3:" in result.stderr
    assert {"n", "pearson", "spearman", "pairwise_accuracy", "mae", "by_kind", "items"} <= set(
        report
    )
    assert report["by_kind"]["empty"] == {
        "n": 1,
        "mean": 0.0,
        "max": 0.0,
        "mean_label": 0.0,
        "mean_error": 0.0,
    }
    # labels 0-9 are not the rubric's 0-4 scale: only the fitted MAE means something
    assert report["mae"] is None and report["mae_scaled"] is not None
    assert report["by_label"] == {}
    assert [it["id"] for it in report["items"]] == ["a", "d", "e"]
    assert report["pairwise_accuracy"] == 1.0  # a (9) above d (0), same question


def test_eval_limit_and_human_report(run_viva, tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": str(i),
                    "question_id": "gradient-descent",
                    "answer": ANSWER if i % 2 else "no idea",
                    "label": i % 2,
                }
            )
            for i in range(6)
        )
    )
    result = run_viva("eval", str(path), "--grader", "offline", "--limit", "4")
    assert result.returncode == 0, result.stderr
    assert "answers graded      4" in result.stdout and "Spearman" in result.stdout


def test_eval_missing_dataset_exits_2(run_viva, tmp_path):
    result = run_viva("eval", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and "dataset not found" in result.stderr
