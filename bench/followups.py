"""Redundant follow-ups: a scripted candidate states given key points in unusual words (or
answers partly, says "I don't know", asks a question back); how often does the offline
interviewer's follow-up ask for something already stated, and how often does it move on where a
follow-up on something unsaid was due?

    .venv/bin/python bench/followups.py [BATTERY.jsonl ...]
    (default: the two development batteries, tests/data/followup_battery.jsonl, written by hand
    while building, and tests/data/followup_battery_blind_dev.jsonl, written blind from the key
    points' texts by a helper who never saw the grader or the probes)

Each case's first answer goes through the interviewer's own steps: the intent check, the offline
grade of the answer and the offline policy's choice. A follow-up is redundant when a key point
it targets is one the scripted answer states (the battery's `states`, written by hand):
asking "what was the baseline?" after "we had to beat BM25" is redundant, whatever else the
probe also asks.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEFAULT = [DATA / "followup_battery.jsonl", DATA / "followup_battery_blind_dev.jsonl"]


def main() -> None:
    from agent.bank.loader import load_bank
    from agent.grading.offline import grade_offline
    from agent.interview.intents import Intent, detect_intent

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batteries", nargs="*", default=[str(p) for p in DEFAULT])
    args = parser.parse_args()
    bank = load_bank()
    cases = [
        json.loads(x)
        for path in args.batteries
        for x in Path(path).read_text().splitlines()
        if x.strip()
    ]
    follow_ups = redundant = missed_chances = 0
    for case in cases:
        rubric = bank.rubric(case["question_id"])
        intent = detect_intent(case["answer"])
        if intent not in (Intent.ANSWER, Intent.OFF_TOPIC):
            print(f"  {case['kind']:<13} {rubric.id:<26} no follow-up ({intent.value})")
            continue
        grade = grade_offline(rubric, case["answer"])

        choice = _choose(rubric, grade, grade.missed_key_points)
        if choice.action != "follow_up":
            # an interviewer who heard exactly what the script states would have probed on
            unsaid = [k.id for k in rubric.key_points if k.id not in case["states"]]
            ideal = _choose(rubric, grade, unsaid)
            lost = ideal.action == "follow_up"
            missed_chances += lost
            why = "; a follow-up was due" if lost else ""
            print(f"  {case['kind']:<13} {rubric.id:<26} moves on ({choice.reason}){why}")
            continue
        follow_ups += 1
        points = [t for t in choice.targets if rubric.key_point(t) is not None]
        is_redundant = bool(set(points) & set(case["states"]))
        redundant += is_redundant
        mark = "REDUNDANT" if is_redundant else "ok"
        print(f"  {case['kind']:<13} {rubric.id:<26} {mark:<9} {choice.question}")
    rate = redundant / follow_ups if follow_ups else 0.0
    print(
        f"{len(cases)} scripted answers, {follow_ups} follow-ups, {redundant} redundant: "
        f"redundant-follow-up rate {rate:.1%}; moved on {missed_chances} time(s) where a "
        "follow-up on something unsaid was due"
    )


def _choose(rubric, grade, missed: list[str]):
    """The offline policy's first choice after `grade`, asking for `missed`."""
    from agent.interview import policy_offline
    from agent.interview.bridge import said_from_grade

    return policy_offline.choose(
        rubric,
        missed=missed,
        detected=grade.detected_misconceptions,
        probes_asked=[],
        follow_ups_left=3,
        said=said_from_grade(rubric, grade),
    )


if __name__ == "__main__":
    main()
