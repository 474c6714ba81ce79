"""Offline grading time per answer over the calibration set: median and p95 in milliseconds.

    .venv/bin/python bench/grading_speed.py [DATASET.jsonl] [--repeat N]

Each answer is graded once to warm the per-rubric cue cache (as in an interview, where a rubric is
graded many times), then timed `--repeat` times; the figure is per single grade.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from agent.bank.loader import load_bank
from agent.grading.offline import grade_offline

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "calibration.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    bank = load_bank()
    rows = [
        json.loads(line) for line in Path(args.dataset).read_text().splitlines() if line.strip()
    ]
    rows = [r for r in rows if r.get("question_id") in bank.rubrics]
    times: list[float] = []
    cold: list[float] = []
    for row in rows:
        rubric = bank.rubrics[row["question_id"]]
        t0 = time.perf_counter()
        grade_offline(rubric, row["answer"])
        cold.append((time.perf_counter() - t0) * 1000)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            grade_offline(rubric, row["answer"])
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    words = statistics.median(len(r["answer"].split()) for r in rows)
    print(
        f"offline grader over {len(rows)} answers (median {words:.0f} words), {args.repeat} runs each"
    )
    print(
        f"  median {statistics.median(times):.2f} ms   p95 {p95:.2f} ms   max {times[-1]:.2f} ms per answer"
    )
    print(
        f"  first grade of each answer (cold cue cache for new rubrics): median {statistics.median(cold):.2f} ms, max {max(cold):.2f} ms"
    )


if __name__ == "__main__":
    main()
