"""Offline grading speed: model load time, and time per answer with the model warm.

    .venv/bin/python bench/grading_speed.py [DATASET.jsonl ...]

Loads the meaning model once (timed), warms each rubric with one throwaway answer (as in an
interview, where a rubric is graded many times), then grades every answer of the set ONCE (an
answer is never graded twice, so no encoding cache helps) and prints the median and p95.
Then, for the first answer to each question, the time with the question's rubric not yet
encoded, and with it encoded beforehand (an interview encodes it in the background while the
question is read). Run it on an otherwise idle machine: the figures are wall-clock on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEFAULT = [DATA / "dev_blind.jsonl", DATA / "calibration.jsonl"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", default=[str(p) for p in DEFAULT])
    args = parser.parse_args()

    t0 = time.perf_counter()
    from agent.bank.loader import load_bank
    from agent.grading.judge_semantic import get_model
    from agent.grading.offline import grade_offline

    imports = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = get_model()
    load = time.perf_counter() - t0
    bank = load_bank()
    rows = [
        json.loads(line)
        for path in args.datasets
        for line in Path(path).read_text().splitlines()
        if line.strip()
    ]
    rows = [r for r in rows if r.get("question_id") in bank.rubrics]
    for qid in {r["question_id"] for r in rows}:
        grade_offline(bank.rubrics[qid], "A warm-up answer about the question.")
    times: list[float] = []
    for row in rows:
        t0 = time.perf_counter()
        grade_offline(bank.rubrics[row["question_id"]], row["answer"])
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    words = statistics.median(len(r["answer"].split()) for r in rows)
    judge = "semantic (all-MiniLM-L6-v2)" if model is not None else "lexical (model not installed)"
    print(f"offline grader, judge: {judge}")
    print(f"  imports {imports:.2f} s, meaning model load {load:.2f} s (once per process)")
    print(f"  {len(rows)} answers (median {words:.0f} words), each graded once, model warm:")
    print(
        f"  median {statistics.median(times):.0f} ms   p95 {p95:.0f} ms   max {times[-1]:.0f} ms"
        " per answer"
    )
    if model is not None:
        first_answer(bank, rows)


def first_answer(bank, rows: list[dict]) -> None:
    """The first answer to each question: rubric cold, then rubric encoded beforehand."""
    from agent.grading.encodings import cache
    from agent.grading.judge_semantic import encode_rubric, rubric_texts
    from agent.grading.offline import grade_offline

    firsts = {}
    for row in rows:
        firsts.setdefault(row["question_id"], row)
    cold: list[float] = []
    warm: list[float] = []
    for qid, row in firsts.items():
        rubric = bank.rubrics[qid]
        for times, prepare in ((cold, None), (warm, encode_rubric)):
            for text in rubric_texts(rubric):
                cache.rubric_items.pop(text, None)
            cache.items.clear()  # the answer's sentences are new in both runs
            if prepare is not None:
                prepare(rubric)
            t0 = time.perf_counter()
            grade_offline(rubric, row["answer"])
            times.append((time.perf_counter() - t0) * 1000)
    print(f"  first answer to each of {len(firsts)} questions, median / max:")
    print(f"    rubric not yet encoded   {statistics.median(cold):.0f} / {max(cold):.0f} ms")
    print(f"    rubric encoded before    {statistics.median(warm):.0f} / {max(warm):.0f} ms")


if __name__ == "__main__":
    main()
