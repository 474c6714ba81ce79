"""The question bank loader: every error path with its exact message, overrides, derivation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent import locations
from agent.bank import loader
from agent.bank.loader import collect_bank, derive_rubric, load_bank, validate_paths
from agent.bank.models import TOPICS
from agent.errors import RubricError, UsageError

REPO = Path(__file__).resolve().parent.parent
BAD = "tests/data/rubrics_bad"
GOOD = REPO / "tests" / "data" / "rubrics_good"


@pytest.fixture
def in_repo(monkeypatch):
    """Messages show paths relative to the current folder: run from the repo root."""
    monkeypatch.chdir(REPO)


@pytest.fixture
def shipped(monkeypatch, tmp_path):
    """Point the 'shipped' bank at a copy of tests/data/rubrics_good (independent of content);
    its reference-only question goes to the user's folder, where the custom topic belongs."""
    root = tmp_path / "shipped"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("custom"))
    monkeypatch.setattr(locations, "shipped_rubrics_dir", lambda: root)
    user_file(
        "team/dropout-reference.yaml",
        (GOOD / "questions/custom/dropout-reference.yaml").read_text(),
    )
    return root


def user_file(name: str, text: str) -> Path:
    path = locations.user_rubrics_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# Each folder of tests/data/rubrics_bad holds one defect; these are the exact problems.
BAD_CASES = {
    "bad-yaml": [
        f"{BAD}/bad-yaml/bad-yaml.yaml:3: yaml: mapping values are not allowed in this context",
    ],
    "unknown-field": [
        f"{BAD}/unknown-field/unknown-field.yaml:5: criteria.0.weight: Field required",
        f"{BAD}/unknown-field/unknown-field.yaml:7: criteria.0.wieght: Extra inputs are not permitted",
    ],
    "wrong-type": [
        f"{BAD}/wrong-type/wrong-type.yaml:7: criteria.0.weight: Input should be a valid number, "
        "unable to parse string as a number",
        f"{BAD}/wrong-type/wrong-type.yaml:18: key_points.0.cues: Input should be a valid list",
    ],
    "duplicate-id": [
        f"{BAD}/duplicate-id/b/dup-id.yaml:1: id: duplicate question id 'dup-id' "
        f"(also in {BAD}/duplicate-id/a/dup-id.yaml)",
    ],
    "dangling-probe": [
        f"{BAD}/dangling-probe/dangling-probe.yaml:22: probes.0.targets.1: unknown target "
        "'scaling' (not a key point or misconception of this question)",
    ],
    "presupposing-probe": [
        f"{BAD}/presupposing-probe/presupposing-probe.yaml:21: probes.0.question: opens with 'You "
        "mentioned': a probe is asked whatever the answer said (the interviewer quotes the "
        "candidate itself), so ask it directly",
    ],
    "unknown-criterion": [
        f"{BAD}/unknown-criterion/unknown-criterion.yaml:5: criteria.0.id: criterion 'reason' "
        "has no key points",
        f"{BAD}/unknown-criterion/unknown-criterion.yaml:16: key_points.0.criterion: unknown "
        "criterion 'reasons' (criteria: reason)",
    ],
    "weights": [
        f"{BAD}/weights/weights.yaml:4: criteria: weights sum to 0.9, not 1 (within 0.01)",
    ],
    "missing-question": [
        f"{BAD}/missing-question/tracks/missing-question.yaml:6: questions.1: unknown question "
        "'no-such-question'",
    ],
    "id-mismatch": [
        f"{BAD}/id-mismatch/id-mismatch.yaml:1: id: id 'other-name' does not match the file name "
        "'id-mismatch.yaml'",
    ],
    "duplicate-key": [
        f"{BAD}/duplicate-key/duplicate-key.yaml:3: topic: duplicate key 'topic'",
    ],
    "empty": [f"{BAD}/empty/empty.yaml:1: yaml: file is empty"],
    "top-level-list": [
        f"{BAD}/top-level-list/top-level-list.yaml:1: yaml: expected a mapping of fields at the "
        "top level, found a list",
    ],
    "derive-nothing": [
        f"{BAD}/derive-nothing/derive-nothing.yaml:3: reference.standard: cannot derive key "
        "points: the reference answer has no words beyond the question's",
    ],
    "track-item-field": [
        f"{BAD}/track-item-field/tracks/track-item-field.yaml:6: questions.0.minuts: Extra inputs "
        "are not permitted",
    ],
    "misconceptions": [
        f"{BAD}/misconceptions/misconceptions.yaml:20: misconceptions.0.id: id 'conditioning' is "
        "also a key point id",
        f"{BAD}/misconceptions/misconceptions.yaml:24: misconceptions.0.criterion: unknown "
        "criterion 'capacity' (criteria: reason)",
    ],
    "bad-slug": [
        f"{BAD}/bad-slug/bad-slug.yaml:1: id: 'Bad Slug' is not a valid id (lowercase letters, "
        "digits and '-')",
    ],
    "empty-cue": [
        f"{BAD}/empty-cue/empty-cue.yaml:18: key_points.0.cues.1: cue has no words (it would "
        "match any answer)",
    ],
    "over-budget": [
        f"{BAD}/over-budget/over-budget.yaml:3: minutes: the questions take 16 minutes, more "
        "than the track's 10",
    ],
}


def test_every_bad_fixture_has_a_case():
    folders = {p.name for p in (REPO / BAD).iterdir() if p.is_dir()}
    assert folders == set(BAD_CASES)


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_file_gives_exact_problems(in_repo, shipped, case):
    bank, _, _ = validate_paths([f"{BAD}/{case}"])
    assert bank.problems == BAD_CASES[case]


def test_all_problems_across_files_are_collected(in_repo, shipped):
    cases = ["unknown-field", "dangling-probe", "weights"]
    bank, questions, _ = validate_paths([f"{BAD}/{c}" for c in cases])
    assert questions == 3
    # Sorted by file, then line.
    assert bank.problems == [p for c in sorted(cases) for p in BAD_CASES[c]]


def test_broken_user_file_stops_load_bank_but_lists_every_problem(shipped):
    for name in ("dangling-probe", "weights"):
        src = REPO / BAD / name / f"{name}.yaml"
        user_file(f"mine/{name}.yaml", src.read_text())
    with pytest.raises(RubricError) as info:
        load_bank()
    shown = str(locations.user_rubrics_dir())
    assert len(info.value.problems) == 2
    assert info.value.problems[0].startswith(
        f"{shown}/mine/dangling-probe.yaml:22: probes.0.targets.1:"
    )
    assert info.value.problems[1].startswith(f"{shown}/mine/weights.yaml:4: criteria: weights sum")
    assert "the question bank has 2 problems" in str(info.value)
    # The collecting API reports the same problems without raising, and keeps the good files.
    bank = collect_bank()
    assert bank.problems == info.value.problems
    assert "momentum" in bank.rubrics and "weights" not in bank.rubrics


def test_duplicate_id_in_two_shipped_files_names_both(shipped):
    copy = shipped / "questions" / "other" / "momentum.yaml"
    copy.parent.mkdir()
    copy.write_text((shipped / "questions" / "optimization" / "momentum.yaml").read_text())
    bank = collect_bank()
    assert bank.problems == [
        f"{copy}:2: id: duplicate question id 'momentum' "
        f"(also in {shipped / 'questions' / 'optimization' / 'momentum.yaml'})"
    ]


def test_user_file_overrides_shipped_question_by_id(shipped):
    text = (shipped / "questions" / "optimization" / "momentum.yaml").read_text()
    mine = user_file(
        "any/folder/momentum.yml",
        text.replace(
            "question: What does momentum add to stochastic gradient descent, and why does it help?",
            "question: Explain heavy-ball momentum.",
        ),
    )
    bank = load_bank()
    assert bank.problems == []
    assert bank.rubric("momentum").question == "Explain heavy-ball momentum."
    assert bank.is_user("momentum") and bank.is_user("dropout-reference")
    assert "dropout-reference" not in bank.overrides
    assert bank.overrides["momentum"] == (
        mine,
        shipped / "questions" / "optimization" / "momentum.yaml",
    )
    assert bank.files["momentum"] == mine


def test_user_topics_are_free_but_shipped_topics_are_checked(shipped):
    text = (shipped / "questions" / "optimization" / "momentum.yaml").read_text()
    text = text.replace("id: momentum\n", "id: cooking-question\n").replace(
        "topic: optimization", "topic: cooking"
    )
    text = text.replace("tracks: [fixture-track]", "tracks: []")
    user_file("cooking-question.yaml", text)
    assert load_bank().rubric("cooking-question").topic == "cooking"

    (shipped / "questions" / "optimization" / "cooking-question.yaml").write_text(text)
    problems = collect_bank().problems
    topics = ", ".join(t for t in TOPICS if t != "custom")
    assert problems == [
        f"{shipped / 'questions' / 'optimization' / 'cooking-question.yaml'}:3: topic: unknown "
        f"topic 'cooking' (shipped topics: {topics})",
        # The same id in the user folder is an override, not a duplicate.
    ]


def test_rubric_naming_a_missing_track(shipped):
    path = shipped / "questions" / "optimization" / "momentum.yaml"
    path.write_text(
        path.read_text().replace("tracks: [fixture-track]", "tracks: [fixture-track, nope]")
    )
    assert collect_bank().problems == [
        f"{path}:5: tracks.1: unknown track 'nope' (tracks: fixture-track)"
    ]


def test_levels_accept_int_and_quoted_keys(shipped):
    momentum = load_bank().rubric("momentum")
    mechanism, effect = momentum.criteria  # written as `0:` and as `"0":` respectively
    assert mechanism.levels.for_score(0).startswith("No mechanism")
    assert effect.levels.for_score(4).startswith("As 3, and mentions Nesterov")
    assert momentum.key_points[1].cues[2] == "0.9"  # a number in a cue list is read as text


def test_reference_only_file_gets_a_derived_rubric(shipped):
    rubric = load_bank().rubric("dropout-reference")
    assert rubric.derived and rubric.topic == "custom"
    assert [c.id for c in rubric.criteria] == ["main-idea", "coverage"]
    assert abs(sum(c.weight for c in rubric.criteria) - 1) < 1e-9
    assert [k.id for k in rubric.key_points] == [f"point-{i}" for i in range(1, 6)]
    assert rubric.key_points[0].criterion == "main-idea"
    assert rubric.key_points[0].text.startswith("Dropout randomly zeroes a fraction of activations")
    for point in rubric.key_points:
        assert point.cues
        # Question demoting: no cue is made only of the question's words.
        assert all(
            set(c.split()) - {"what", "is", "dropout", "and", "why", "does", "it", "help"}
            for c in point.cues
        )
    assert "ensemble" in rubric.key_points[3].cues
    assert {t for p in rubric.probes for t in p.targets} <= {k.id for k in rubric.key_points}
    assert (
        rubric.criterion("coverage").levels.for_score(2)
        == "Covers at least 2 of the 4 supporting points."
    )
    assert rubric.reference.short.startswith("Dropout randomly zeroes")


def test_derive_rubric_demotes_question_words():
    rubric = derive_rubric(
        "lr-warmup",
        "Why use learning rate warmup?",
        "Early in training the Adam second-moment estimates are noisy. A small learning rate for "
        "the first few thousand steps keeps updates stable until those statistics settle. Warmup "
        "also avoids divergence with large batches.",
    )
    cues = {c for k in rubric.key_points for c in k.cues}
    assert not cues & {"learning", "rate", "warmup", "learning rate"}
    assert {"second-moment", "divergence"} <= cues
    assert len(rubric.key_points) == 3 and rubric.derived


def test_derive_rubric_single_point_has_one_criterion():
    rubric = derive_rubric("q", "What does ReLU stand for?", "Rectified linear unit.")
    assert [(c.id, c.weight) for c in rubric.criteria] == [("coverage", 1.0)]
    assert rubric.key_points[0].cues


def test_unknown_ids_say_what_to_run(shipped):
    bank = load_bank()
    with pytest.raises(UsageError) as info:
        bank.rubric("nope")
    assert str(info.value) == "unknown question id 'nope' (see 'viva rubrics list')"
    with pytest.raises(UsageError) as info:
        bank.rubric("momentun")
    assert str(info.value) == (
        "unknown question id 'momentun'; did you mean 'momentum'? (see 'viva rubrics list')"
    )
    with pytest.raises(UsageError) as info:
        bank.track("nope")
    assert str(info.value) == "unknown track 'nope' (see 'viva rubrics tracks')"


def test_track_plan_and_topics(shipped):
    bank = load_bank()
    plan = bank.track_plan("fixture-track")
    assert [(r.id, m) for r, m in plan] == [("momentum", 6.0), ("dropout-reference", 5.0)]
    assert bank.topics() == ["optimization", "custom"]
    assert bank.tracks_of("momentum") == ["fixture-track"]


def test_bank_is_cached_until_a_file_changes(shipped):
    first = load_bank()
    assert load_bank() is first
    path = shipped / "questions" / "optimization" / "momentum.yaml"
    path.write_text(path.read_text().replace("minutes: 6", "minutes: 7"))
    second = load_bank()
    assert second is not first and second.rubric("momentum").minutes == 7


def test_missing_extra_path_is_a_usage_error(shipped):
    with pytest.raises(UsageError, match="no such file or folder: /no/such/place"):
        load_bank(["/no/such/place"])


def test_shipped_bank_validates():
    """The real bank: every shipped rubric and track is valid and the coverage is met."""
    loader._CACHE.clear()
    bank = collect_bank()
    assert bank.problems == []
    assert len(bank.rubrics) >= 30
    assert len({r.topic for r in bank.rubrics.values()}) >= 8
    required = {
        "gradient-descent", "batch-size-tradeoffs", "generalization-flat-minima",
        "gpu-memory-hierarchy", "gpu-out-of-memory", "low-gpu-utilization", "mixed-precision",
        "overfitting-detection", "self-attention", "behavioral-failure", "project-deep-dive",
    }  # fmt: skip
    assert required <= set(bank.rubrics)
    assert {
        "nvidia-dl-screen", "gpu-performance", "ml-fundamentals", "dl-architecture",
        "project-deep-dive", "behavioral", "system-design", "full-loop",
    } <= set(bank.tracks)  # fmt: skip
    screen = bank.track("nvidia-dl-screen")
    assert screen.minutes == 45
    assert screen.question_ids[:3] == [
        "gradient-descent", "batch-size-tradeoffs", "generalization-flat-minima",
    ]  # fmt: skip


def test_derive_rubric_splits_a_list_into_points():
    rubric = derive_rubric(
        "oop", "What are the pillars of object-oriented programming?",
        "Encapsulation, inheritance and polymorphism.",
    )  # fmt: skip
    assert [k.text for k in rubric.key_points] == [
        "Encapsulation.",
        "Inheritance.",
        "Polymorphism.",
    ]
    assert [k.cues for k in rubric.key_points] == [
        ["encapsulation"],
        ["inheritance"],
        ["polymorphism"],
    ]


def test_derive_rubric_keeps_a_list_inside_a_long_sentence_whole():
    # A long sentence is cut into clauses at its commas, but not inside an enumeration: "sequence
    # length, number of layers and hidden size" stays with what grows with them.
    rubric = derive_rubric(
        "kv", "What is the KV cache in transformer inference, and what does it cost?",
        "The KV cache stores the key and value projections of past tokens so they are not "
        "recomputed at every step. The price is memory: the cache grows with batch size, sequence "
        "length, number of layers and hidden size, and for long contexts it can exceed the model "
        "weights.",
    )  # fmt: skip
    texts = [k.text for k in rubric.key_points]
    assert (
        "The price is memory, the cache grows with batch size, sequence length, number of layers "
        "and hidden size." in texts
    )
    assert "For long contexts it can exceed the model weights." in texts
    assert not any(t.startswith(("Sequence length", "Number of layers", "And ")) for t in texts)


def test_reference_only_file_may_bring_its_own_probes(shipped):
    user_file(
        "probes.yaml",
        "id: probes\n"
        "question: Why does batch normalization help training?\n"
        "reference: >-\n"
        "  It normalizes activations with mini-batch statistics. This allows higher learning\n"
        "  rates. The learned scale and shift keep the layer expressive.\n"
        "probes:\n"
        "  - id: scale-shift\n"
        "    question: Does normalizing limit what the layer can represent?\n"
        "    targets: [point-3]\n"
        "  - id: nowhere\n"
        "    question: What about something else?\n"
        "    targets: [point-9]\n",
    )
    assert collect_bank().problems == [
        f"{locations.user_rubrics_dir() / 'probes.yaml'}:12: probes.1.targets.0: unknown target "
        "'point-9' (not a key point or misconception of this question)"
    ]


def test_file_that_is_not_utf8_is_reported(tmp_path, shipped):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"id: latin1\nquestion: caf\xe9?\n")
    bank, _, _ = validate_paths([path])
    assert bank.problems == [f"{path}:2: yaml: file is not UTF-8 text"]
