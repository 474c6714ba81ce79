"""Offline grading speed: model load time, and time per answer with the model warm.

    .venv/bin/python bench/grading_speed.py [DATASET.jsonl ...]

Loads the meaning model once (timed), warms each rubric with one throwaway answer (as in an
interview, where a rubric is graded many times), then grades every answer of the set ONCE (an
answer is never graded twice, so no encoding cache helps) and prints the median and p95.
Run it on an otherwise idle machine: the figures are wall-clock on 2 cores.
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


if __name__ == "__main__":
    main()
