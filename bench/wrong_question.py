"""How often is an answer taken for an answer to another question (agent/grading/other_question)?

    .venv/bin/python bench/wrong_question.py DATA.jsonl [DATA.jsonl ...]

Two kinds of file. Graded-answer sets (`tests/data/dev_blind.jsonl`: rows with `question_id`
and `answer`): every answer is first asked as its own question (taken for another one: a false
alarm; an interviewer would wrongly say "that answers a different question"), then as each other
closed bank question, as if the candidate had answered the wrong one (caught: the interviewer
says so), split by whether the two questions share a topic. Wrong-question sets
(`tests/data/wrong_question_sealed.jsonl`: rows with `asked`, `kind` honest|wrong_question,
`answered`): answers written as a candidate who misheard the question would give them.
Answers to open questions (project, behavioral) are skipped: they are never judged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.0%})" if total else "0/0"


def graded_set(index, rubrics, rows) -> None:
    closed = index.rubrics  # the questions it judges (not project or behavioral)
    closed_ids = {r.id for r in closed}
    own = [r for r in rows if r.get("question_id") in closed_ids]
    if off := [r for r in own if r.get("kind") == "off_topic"]:  # labelled as answering nothing
        hits = sum(index.addressed_instead(rubrics[r["question_id"]], r["answer"]) is not None
                   for r in off)  # fmt: skip
        print(f"  answers labelled off topic, taken for another question: {_rate(hits, len(off))}")
        own = [r for r in own if r.get("kind") != "off_topic"]
    found = [(r, index.addressed_instead(rubrics[r["question_id"]], r["answer"])) for r in own]
    false_alarms = [(r, other) for r, other in found if other is not None]
    same = other = same_hits = other_hits = 0
    for row in own:
        answered = rubrics[row["question_id"]]
        for asked in closed:
            if asked.id == answered.id:
                continue
            hit = index.addressed_instead(asked, row["answer"]) is not None
            if asked.topic == answered.topic:
                same, same_hits = same + 1, same_hits + hit
            else:
                other, other_hits = other + 1, other_hits + hit
    print(
        f"  answers to the question asked, taken for another: {_rate(len(false_alarms), len(own))}"
    )
    for row, other in false_alarms:
        print(f"    {row.get('id', '?')} {row['question_id']} -> {other.id}: {row['answer'][:90]}")
    print(f"  asked as another question of the same topic, caught: {_rate(same_hits, same)}")
    print(f"  asked as a question of another topic, caught: {_rate(other_hits, other)}")


def wrong_question_set(index, rubrics, rows) -> None:
    honest = [r for r in rows if r["kind"] == "honest"]
    alarms = [r for r in honest if index.addressed_instead(rubrics[r["asked"]], r["answer"])]
    print(f"  honest answers taken for another question: {_rate(len(alarms), len(honest))}")
    groups: dict[str, list[bool]] = {
        "another question of the same topic": [],
        "a question of another topic": [],
        "a question not in the bank": [],
    }
    for row in rows:
        if row["kind"] != "wrong_question":
            continue
        asked = rubrics[row["asked"]]
        answered = rubrics.get(row["answered"])
        if answered is None:
            group = "a question not in the bank"
        elif answered.topic == asked.topic:
            group = "another question of the same topic"
        else:
            group = "a question of another topic"
        groups[group].append(index.addressed_instead(asked, row["answer"]) is not None)
    for name, hits in groups.items():
        print(f"  answers to {name}, caught: {_rate(sum(hits), len(hits))}")


def main() -> None:
    from agent.bank.loader import load_bank
    from agent.grading.other_question import OtherQuestions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    rubrics = load_bank().rubrics
    index = OtherQuestions(rubrics.values())
    for path in args.files:
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        print(f"{path.name}: {len(rows)} rows")
        if rows and "kind" in rows[0] and "asked" in rows[0]:
            wrong_question_set(index, rubrics, rows)
        else:
            graded_set(index, rubrics, rows)


if __name__ == "__main__":
    main()
