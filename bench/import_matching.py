"""Matching an imported transcript's questions to the bank: how often does a question asked in
other words land on the bank question it really asks, and how often does a question the bank
does not cover get graded against some rubric anyway?

    .venv/bin/python bench/import_matching.py [CASES.jsonl ...] [--variants]

Each case is {"question", "expected": bank id or null, "also_ok": [ids]} (default: the
development set tests/data/import_matching_dev.jsonl, written by a helper from the bank's
question list, never shown the matcher). `--variants` also prints the matchers compared while
building (the matcher before: the bank question's text and id, shared words only).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEFAULT = [DATA / "import_matching_dev.jsonl"]


def _score(cases: list[dict], matches: list[str | None]) -> dict[str, float | int]:
    covered = [(c, m) for c, m in zip(cases, matches, strict=True) if c["expected"]]
    uncovered = [(c, m) for c, m in zip(cases, matches, strict=True) if not c["expected"]]
    right = sum(m == c["expected"] or m in c.get("also_ok", []) for c, m in covered)
    missed = sum(m is None for _, m in covered)
    false = sum(m is not None for _, m in uncovered)
    return {
        "cases": len(cases),
        "covered_right": round(right / max(len(covered), 1), 3),
        "covered_unmatched": round(missed / max(len(covered), 1), 3),
        "uncovered_matched": round(false / max(len(uncovered), 1), 3),
        "all_right": round(
            (right + len(uncovered) - false) / max(len(cases), 1),
            3,
        ),
    }


def main() -> None:
    from agent.bank.loader import load_bank
    from agent.report.imports.closest import QuestionIndex

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=[str(p) for p in DEFAULT])
    parser.add_argument("--variants", action="store_true", help="also the matchers compared")
    parser.add_argument("--misses", action="store_true", help="list the cases matched wrongly")
    args = parser.parse_args()
    cases = [
        json.loads(line)
        for path in args.cases
        for line in Path(path).read_text().splitlines()
        if line.strip()
    ]
    bank = load_bank()
    t0 = time.perf_counter()
    index = QuestionIndex(bank)
    index.closest("What is a warp?")  # builds the index: encodes every bank text
    print(
        f"index of {len(index.rubrics)} bank questions built in "
        f"{time.perf_counter() - t0:.2f} s (meaning model: {'yes' if index.uses_meaning else 'no'})"
    )
    matchers = {"QuestionIndex.closest": index.closest}
    if args.variants:
        matchers.update(_variants(bank))
    print(f"{len(cases)} cases from {', '.join(Path(p).name for p in args.cases)}")
    for name, match in matchers.items():
        t0 = time.perf_counter()
        found = [match(c["question"]) for c in cases]
        seconds = time.perf_counter() - t0
        ids = [f[0].id if f else None for f in found]
        print(f"{name:28s} {_score(cases, ids)}  {1000 * seconds / len(cases):.1f} ms/question")
        if args.misses:
            for c, f in zip(cases, found, strict=True):
                got = f[0].id if f else None
                if got != c["expected"] and got not in c.get("also_ok", []):
                    sim = f"{f[1]:.2f}" if f else "-"
                    print(f"    want {c['expected']}, got {got} ({sim}): {c['question'][:90]}")


def _variants(bank):
    """The matchers compared while building, by name."""
    from agent.text import content_stems, set_cosine

    before = {
        r.id: content_stems(f"{r.question} {r.id.replace('-', ' ')}") for r in bank.rubrics.values()
    }

    def question_and_id_words(q: str):
        # the matcher before bench/import_matching.py existed (Bank.closest at 0.35)
        query = content_stems(q)
        score, qid = max((set_cosine(query, stems), qid) for qid, stems in before.items())
        return (bank.rubrics[qid], score) if score >= 0.35 else None

    return {"before: question+id words": question_and_id_words}


if __name__ == "__main__":
    main()
