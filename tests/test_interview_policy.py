"""The offline policy on the real gradient-descent rubric: probes what was missed, in depth order."""

from __future__ import annotations

from interview_helpers import real_rubric

from agent.grading.offline import grade_offline
from agent.interview.policy_offline import choose
from agent.interview.text import rubric_leak

GD = real_rubric("gradient-descent")
WEAK = "You compute the gradient and update the weights with it."


def _choose(answer, asked=(), left=3):
    g = grade_offline(GD, answer)
    return choose(
        GD,
        missed=g.missed_key_points,
        detected=g.detected_misconceptions,
        probes_asked=list(asked),
        follow_ups_left=left,
    )


def test_weak_answer_gets_shallow_probe_on_a_missed_point():
    g = grade_offline(GD, WEAK)
    c = _choose(WEAK)
    assert c.action == "follow_up"
    probe = next(p for p in GD.probes if p.id == c.probe_id)
    assert probe.depth == min(p.depth for p in GD.probes)
    assert c.targets and set(c.targets) <= set(g.missed_key_points)
    assert c.question == probe.question


def test_seed_chain_goes_deeper_only_after_the_shallow_probe():
    first = _choose(WEAK)
    assert first.probe_id == "global-guarantee"
    deeper = next(p for p in GD.probes if p.id == "which-surfaces")
    # Before the global-guarantee probe is asked, the depth-2 probe is never chosen.
    asked: list[str] = []
    for _ in range(5):
        c = _choose(WEAK, asked)
        if c.action != "follow_up":
            break
        if c.probe_id == deeper.id:
            assert "global-guarantee" in asked
            break
        asked.append(c.probe_id)
    assert deeper.id in {c.probe_id for c in [_choose(WEAK, ["global-guarantee", "lr-failure"])]}


def test_misconception_probe_comes_first():
    c = _choose(
        "Gradient descent always converges to the global minimum, it steps against the gradient."
    )
    assert c.action == "follow_up"
    assert "always-global-optimum" in c.targets
    assert c.reason.startswith("probe misconception")


def test_covered_answer_moves_on_and_cap_is_respected():
    strong = GD.reference.standard + " " + (GD.reference.deep or "")
    g = grade_offline(GD, strong)
    c = choose(GD, missed=[], detected=[], probes_asked=[])
    assert c.action == "next"
    assert _choose(WEAK, left=0).action == "next"
    assert g.overall >= 3


def test_never_asks_a_probe_twice():
    seen = set()
    asked: list[str] = []
    while True:
        c = _choose(WEAK, asked)
        if c.action != "follow_up":
            break
        assert c.probe_id not in seen
        seen.add(c.probe_id)
        asked.append(c.probe_id)
    assert len(seen) <= len(GD.probes)


def test_authored_probes_pass_the_leak_check():
    """The leak check must not reject the rubric's own probes (no false positives)."""
    from interview_helpers import QUESTIONS, Rubric, yaml

    for path in QUESTIONS.rglob("*.yaml"):
        r = Rubric.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for p in [r.question, *(p.question for p in r.probes)]:
            assert rubric_leak(p, r) is None, (r.id, p)
    assert rubric_leak(GD.reference.standard, GD) is not None


def test_follows_the_seed_chain_before_switching_topic():
    """explain GD -> any global-optimum guarantee? -> which loss surfaces guarantee it?"""
    first = _choose(WEAK)
    assert first.probe_id == "global-guarantee"
    second = _choose(
        WEAK + " It can get stuck in local minima on non-convex losses.", ["global-guarantee"]
    )
    assert second.probe_id == "which-surfaces"
    assert second.targets == ["convex-guarantee"]


def test_a_shallow_level_whose_probes_would_ask_again_does_not_block_the_deeper_one():
    # Project deep dive: the baseline probe (depth 1) also targets the objective, but the answer
    # already names the baseline, so that probe would ask again; the depth-2 probes must open
    # rather than the interviewer moving on with most of the project unexplored.
    rubric = real_rubric("project-deep-dive")
    baseline = next(p for p in rubric.probes if p.id == "baseline")
    depth_one = [p for p in rubric.probes if p.depth == baseline.depth]
    covered = {t for p in depth_one for t in p.targets if rubric.key_point(t)} - {"objective"}
    missed = [k.id for k in rubric.key_points if k.id not in covered]
    c = choose(rubric, missed=missed, detected=[], probes_asked=[], follow_ups_left=3)
    assert c.action == "follow_up", c.reason
    chosen = next(p for p in rubric.probes if p.id == c.probe_id)
    assert chosen.depth > baseline.depth and set(c.targets) <= set(missed)


def test_a_probe_whose_main_ask_was_already_put_is_not_asked_again():
    # The resume's metric probe asks how the result was measured; the authored "how did you know
    # it was not noise?" asks that again (first target: evaluation-method) and must not follow it,
    # even when the grader did not hear the answer's measurement.
    from agent.cv.model import Project
    from agent.cv.tailor import tailor

    project = Project(
        name="Lumen Robotics",
        role="Senior ML Engineer",
        technologies=["FSDP"],
        metrics=["Cut epoch time from 9 h to 2.6 h with FSDP on 4 nodes."],
        claims=["Cut epoch time from 9 h to 2.6 h with FSDP on 4 nodes."],
        source_lines=[1, 2],
    )
    rubric = tailor(real_rubric("project-deep-dive"), project)
    how_know = next(p for p in rubric.probes if p.id == "how-know")
    assert how_know.targets[0] == "evaluation-method"
    missed = [k.id for k in rubric.key_points]
    asked: list[str] = ["cv-metric"]
    for _ in range(len(rubric.probes)):
        c = choose(rubric, missed=missed, detected=[], probes_asked=asked, follow_ups_left=9)
        if c.action != "follow_up":
            break
        assert c.probe_id != "how-know"
        asked.append(c.probe_id)
    assert len(asked) > 2  # it went on to other probes
