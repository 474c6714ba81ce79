"""Reference-answer grading on the Mohler set (2,273 answers, 80 questions), zero-shot.

    .venv/bin/python bench/mohler.py [--csv PATH] [--limit N] [--variants] [--json]

Each student answer is scored against its question + desired answer with
`agent.grading.reference` (nothing is fitted to this file), then compared with `score_avg`:
Pearson r, Spearman rho, RMSE after the best linear map from our score to the 0-5 scale (an
evaluation-only fit, as in the literature), and AUC of telling answers scored <= 2.5 from
answers scored >= 4.5. Methods: lexical only (what users get without the optional package),
semantic only, and combined (the default when the package is installed).

Timing: `ms/answer` is the batch figure for the whole run (lexical: all answers one by one;
semantic: encoding every distinct text in batches plus the alignment); `latency` is the median
of single-answer calls with a warm reference cache, as the offline grader calls it.

`--variants` also prints the other settings tried while building this (report them all).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEFAULT_CSV = REPO.parent / "shared" / "benchmarks" / "mohler" / "mohler_dataset_edited.csv"


def load_rows(path: Path, limit: int | None = None) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [
            {
                "question": r["question"],
                "reference": r["desired_answer"],
                "answer": r["student_answer"],
                "label": float(r["score_avg"]),
            }
            for r in csv.DictReader(handle)
        ]
    return rows[:limit] if limit else rows


# ---- metrics (plain numpy, no scipy)


def _ranks(values):
    import numpy as np

    a = np.asarray(values, dtype=float)
    order = np.argsort(a, kind="mergesort")
    ranks = np.empty(len(a))
    ranks[order] = np.arange(len(a))
    _, inverse, counts = np.unique(a, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def metrics(scores, labels) -> dict[str, float]:
    import numpy as np

    x = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=float)
    pearson = float(np.corrcoef(x, y)[0, 1]) if x.std() > 0 else 0.0
    spearman = float(np.corrcoef(_ranks(x), _ranks(y))[0, 1]) if x.std() > 0 else 0.0
    slope, intercept = np.polyfit(x, y, 1) if x.std() > 0 else (0.0, y.mean())
    rmse = float(np.sqrt(np.mean((slope * x + intercept - y) ** 2)))
    low, high = x[y <= 2.5], x[y >= 4.5]
    if len(low) and len(high):
        ranks = _ranks(np.concatenate([low, high]))
        auc = float(
            (ranks[len(low) :].sum() + len(high) - len(high) * (len(high) + 1) / 2)
            / (len(low) * len(high))
        )
        # Mann-Whitney U of `high` over `low` (ranks are 0-based here, hence the + len(high))
    else:
        auc = float("nan")
    return {"pearson": pearson, "spearman": spearman, "rmse": rmse, "auc_low_high": auc}


# ---- scoring


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default=str(DEFAULT_CSV))
    parser.add_argument("--limit", type=int, default=None, help="first N rows only")
    parser.add_argument("--variants", action="store_true", help="also print the settings tried")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--latency-sample", type=int, default=50)
    args = parser.parse_args()

    import numpy as np

    from agent.grading import reference as ref
    from agent.grading.semantic import find_model_dir, get_encoder

    rows = load_rows(Path(args.csv), args.limit)
    labels = [r["label"] for r in rows]
    results: dict[str, dict] = {}

    t0, c0 = time.perf_counter(), time.process_time()
    lexical = [ref.lexical_similarity(r["question"], r["reference"], r["answer"]) for r in rows]
    lex_ms = (time.perf_counter() - t0) * 1000 / len(rows)
    lex_cpu = (time.process_time() - c0) * 1000 / len(rows)
    results["lexical"] = {
        **metrics(lexical, labels),
        "ms_per_answer": lex_ms,
        "cpu_ms_per_answer": lex_cpu,
    }

    encoder = get_encoder()
    semantic = None
    if encoder is not None:
        texts = list(dict.fromkeys(t for r in rows for t in (r["reference"], r["answer"])))
        t0, c0 = time.perf_counter(), time.process_time()
        encoded = dict(zip(texts, encoder.encode(texts), strict=True))
        recalls = [
            ref.token_alignment_recall(
                r["question"],
                r["reference"],
                r["answer"],
                (encoded[r["reference"]], encoded[r["answer"]]),
            )
            for r in rows
        ]
        sem_ms = (time.perf_counter() - t0) * 1000 / len(rows)
        sem_cpu = (time.process_time() - c0) * 1000 / len(rows)
        semantic = [
            ref.semantic_credit(x) if r["answer"].strip() else 0.0
            for x, r in zip(recalls, rows, strict=True)
        ]
        combined = [ref.combine(a, b) for a, b in zip(lexical, semantic, strict=True)]
        results["semantic"] = {
            **metrics(semantic, labels),
            "ms_per_answer": sem_ms,
            "cpu_ms_per_answer": sem_cpu,
        }
        results["combined"] = {
            **metrics(combined, labels),
            "ms_per_answer": sem_ms + lex_ms,
            "cpu_ms_per_answer": sem_cpu + lex_cpu,
        }

        # single-answer latency with a warm reference cache (as the grader calls it)
        sample = rows[:: max(1, len(rows) // args.latency_sample)][: args.latency_sample]
        from agent.grading.encodings import cache

        for r in sample:  # warm the reference encodings
            cache.get(encoder, [r["reference"]])
        times, cpu = [], []
        for r in sample:
            t0, c0 = time.perf_counter(), time.process_time()
            ref.reference_similarity(r["question"], r["reference"], r["answer"] + " ")
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        results["combined"]["latency_ms_median"] = statistics.median(times)
        results["combined"]["latency_cpu_ms_median"] = statistics.median(cpu)

    variants: dict[str, dict] = {}
    if args.variants:
        from agent.grading import text as tx

        def coverage(r, qweight):
            q = set(tx.content_stems(r["question"]))
            stems = [s for s in dict.fromkeys(tx.content_stems(r["reference"])) if s != "not"]
            have = set(tx.content_stems(r["answer"]))
            w = {s: (qweight if s in q else 1.0) for s in stems}
            total = sum(w.values())
            return sum(v for s, v in w.items() if s in have) / total if total else 0.0

        plain = [coverage(r, 1.0) for r in rows]
        demoted = [coverage(r, ref.QUESTION_WEIGHT) for r in rows]
        variants["lexical recall, no question demoting, linear"] = metrics(plain, labels)
        variants["lexical recall, question words 0.2, linear"] = metrics(demoted, labels)
        variants["lexical recall, question words 0.0, credit curve"] = metrics(
            [ref.credit(coverage(r, 0.0)) for r in rows], labels
        )
        from agent.grading.idf import build_idf

        idf = build_idf(
            list(dict.fromkeys(t for r in rows for t in (r["question"], r["reference"])))
        )
        variants["lexical, IDF over the questions + references"] = metrics(
            [
                ref.lexical_similarity(r["question"], r["reference"], r["answer"], idf=idf)
                for r in rows
            ],
            labels,
        )
        variants["lexical recall, question words 0.2, sqrt"] = metrics(np.sqrt(demoted), labels)
        if semantic is not None:
            sentence = [
                float(encoded[r["reference"]].sentence @ encoded[r["answer"]].sentence)
                for r in rows
            ]
            variants["sentence cosine (reference, answer)"] = metrics(sentence, labels)
            variants["token alignment, IDF over the questions + references"] = metrics(
                [
                    ref.semantic_credit(
                        ref.token_alignment_recall(
                            r["question"],
                            r["reference"],
                            r["answer"],
                            idf=idf,
                            encodings=(encoded[r["reference"]], encoded[r["answer"]]),
                        )
                    )
                    for r in rows
                ],
                labels,
            )
            variants["token alignment recall, linear (no curve)"] = metrics(recalls, labels)
            for base in (0.0, 0.1, 0.2, 0.25):
                variants[f"token alignment, baseline {base}, credit curve"] = metrics(
                    [ref.semantic_credit(x, base) for x in recalls], labels
                )
            for weight in (0.0, 1 / 3, 0.5):
                variants[f"combined, lexical weight {weight:.2f}"] = metrics(
                    [ref.combine(a, b, weight) for a, b in zip(lexical, semantic, strict=True)],
                    labels,
                )

    report = {
        "n": len(rows),
        "semantic_model": str(find_model_dir()) if encoder is not None else None,
        "methods": results,
        "variants": variants,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"Mohler reference-answer grading, zero-shot: n={len(rows)}")
    if encoder is None:
        print("semantic layer: not installed or off (VIVA_SEMANTIC=0): lexical only")
    header = f"{'method':<52} {'pearson':>7} {'spearman':>8} {'rmse':>6} {'auc':>6} {'ms/ans':>7} {'cpu ms':>7}"
    print(header)
    for name, m in results.items():
        print(
            f"{name:<52} {m['pearson']:7.3f} {m['spearman']:8.3f} {m['rmse']:6.3f} "
            f"{m['auc_low_high']:6.3f} {m['ms_per_answer']:7.2f} {m['cpu_ms_per_answer']:7.2f}"
        )
    if "latency_ms_median" in results.get("combined", {}):
        m = results["combined"]
        print(
            f"single-answer call (warm reference cache): median {m['latency_ms_median']:.1f} ms "
            f"wall, {m['latency_cpu_ms_median']:.1f} ms CPU"
        )
    if variants:
        print("\nother settings tried (not the defaults):")
        for name, m in variants.items():
            print(
                f"{name:<52} {m['pearson']:7.3f} {m['spearman']:8.3f} {m['rmse']:6.3f} {m['auc_low_high']:6.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
