"""Second follow-ups: does the offline interviewer hear the reply to its own follow-up?

    .venv/bin/python bench/second_followups.py [--sealed]
    (default: the development battery's first answers, tests/data/followup_battery_blind_dev.jsonl,
    with replies from tests/data/followup_replies_dev.jsonl; --sealed: the second sealed
    battery's first answers with tests/data/followup_replies_sealed.jsonl)

Each scripted first answer goes through the offline grade and the offline policy, as in
`bench/followups.py`. When the interviewer follows up, the candidate replies in two ways:
- with a reply written blind (by a helper who saw only the question and its key points' texts)
  that states the key point the follow-up mainly asks for. The second follow-up is redundant
  when it asks for a key point the first answer states (the battery's `states`) or the reply
  states;
- with "I'm not sure, honestly." The second follow-up asks again when it asks for a key point
  the first follow-up already asked for.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {
    "dev": (DATA / "followup_battery_blind_dev.jsonl", DATA / "followup_replies_dev.jsonl"),
    "sealed": (DATA / "followup_battery_sealed2.jsonl", DATA / "followup_replies_sealed.jsonl"),
}
DONT_KNOW = "I'm not sure, honestly."


def _rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def _choose(rubric, grade, asked: list[str]):
    from agent.interview import policy_offline
    from agent.interview.bridge import said_from_grade

    return policy_offline.choose(
        rubric,
        missed=grade.missed_key_points,
        detected=grade.detected_misconceptions,
        probes_asked=asked,
        follow_ups_left=3,
        said=said_from_grade(rubric, grade),
    )


def _points(rubric, choice) -> set[str]:
    return {t for t in choice.targets if rubric.key_point(t) is not None}


def main() -> None:
    from agent.bank.loader import load_bank
    from agent.grading.offline import grade_offline
    from agent.interview.intents import Intent, detect_intent

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sealed", action="store_true", help="the sealed battery and replies")
    args = parser.parse_args()
    battery, replies_path = SETS["sealed" if args.sealed else "dev"]
    replies = {(r["question_id"], r["key_point"]): r["reply"] for r in _rows(replies_path)}
    bank = load_bank()
    firsts = 0
    counts = {"answered": [0, 0], "unsure": [0, 0]}  # second follow-ups, of them repeating
    for case in _rows(battery):
        rubric = bank.rubric(case["question_id"])
        if detect_intent(case["answer"]) not in (Intent.ANSWER, Intent.OFF_TOPIC):
            continue
        grade = grade_offline(rubric, case["answer"])
        first = _choose(rubric, grade, [])
        probe = next((p for p in rubric.probes if p.id == first.probe_id), None)
        asked_points = _points(rubric, first)
        if first.action != "follow_up" or probe is None or not asked_points:
            continue
        main_point = next(t for t in probe.targets if t in asked_points)
        firsts += 1
        reply = replies[(rubric.id, main_point)]
        answered = grade_offline(rubric, f"{case['answer']}\n{reply}")
        for kind, after, known in (
            ("answered", answered, set(case["states"]) | {main_point}),  # said: redundant
            ("unsure", grade, asked_points),  # "not sure" is not graded: asked again
        ):
            second = _choose(rubric, after, [probe.id])
            if second.action != "follow_up":
                continue
            hit = _points(rubric, second) & known
            counts[kind][0] += 1
            counts[kind][1] += bool(hit)
            mark = f"REPEATS ({', '.join(sorted(hit))})" if hit else "ok"
            print(f"  {kind:<9} {rubric.id:<26} {mark:<9} {second.question}")
    (answered_n, redundant), (unsure_n, again) = counts["answered"], counts["unsure"]
    print(f"{firsts} first follow-ups ({battery.name}, replies {replies_path.name})")
    print(
        f"  after a reply that answers it: {answered_n} second follow-ups, {redundant} ask for "
        f"something already said ({redundant / max(1, answered_n):.0%})"
    )
    print(
        f"  after '{DONT_KNOW}': {unsure_n} second follow-ups, {again} ask again for what the "
        f"first one asked ({again / max(1, unsure_n):.0%})"
    )


if __name__ == "__main__":
    main()
