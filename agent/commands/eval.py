"""`viva eval`: how well a grader agrees with a labelled JSONL set.

Rows: {"id", "question_id" | ("question", "reference"), "answer", "label", "kind"?}. Labels may
use any numeric scale. Reported: n, Pearson, Spearman, pairwise ordering accuracy (pairs of rows
with the same question and different labels; a tie in the grader's scores counts half), MAE
after mapping the grader's 0-4 scores onto the label scale by least squares, per-kind mean/max.
Bad rows (bad JSON, missing fields, unknown question id) are reported by line and skipped.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.bank.models import Rubric


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agent.commands.flags import add_grading_flags, add_provider_flags

    parser.add_argument(
        "dataset", metavar="DATASET.jsonl", help="labelled answers, one JSON object per line"
    )
    add_grading_flags(
        parser,
        grader_help="grader to measure (default: config)",
        json_help="print the report as JSON",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N rows")
    add_provider_flags(parser)


class _Progress:
    """A one-line text progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int):
        self.total = total
        self.enabled = total > 0 and sys.stderr.isatty()
        self.last = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        pct = int(100 * done / self.total)
        if pct == self.last and done != self.total:
            return
        self.last = pct
        width = 30
        filled = int(width * done / self.total)
        sys.stderr.write(
            f"\r  grading [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}"
        )
        if done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _read_rows(path: str, limit: int | None) -> tuple[list[tuple[int, dict]], list[dict]]:
    import json

    from agent.commands.flags import read_input_file

    lines = read_input_file(path, "dataset", folder="a folder, not a JSONL file").splitlines()
    rows: list[tuple[int, dict]] = []
    problems: list[dict] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if limit is not None and len(rows) >= limit:
            break
        try:
            row = json.loads(line)
        except ValueError as exc:
            problems.append({"line": lineno, "problem": f"bad JSON: {exc}"})
            continue
        if not isinstance(row, dict):
            problems.append({"line": lineno, "problem": "not a JSON object"})
            continue
        rows.append((lineno, row))
    return rows, problems


def _label(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            return float(str(value).strip()) if isinstance(value, str) and value.strip() else None
        except ValueError:
            return None
    return float(value) if value == value else None


def run(args: argparse.Namespace) -> int:
    import json

    from agent.bank.loader import derive_rubric, load_bank
    from agent.commands.flags import settings_overrides
    from agent.config import load_settings
    from agent.errors import UsageError
    from agent.grading import metrics
    from agent.grading.service import make_grader

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    rows, problems = _read_rows(args.dataset, args.limit)
    settings = load_settings(**settings_overrides(args))
    grader = make_grader(settings, mode=args.grader)
    bank = None
    derived: dict[tuple[str, str], Rubric | str] = {}

    items: list[dict] = []
    fallbacks = 0
    progress = _Progress(len(rows))
    for done, (lineno, row) in enumerate(rows, 1):
        progress.update(done - 1)
        rid = row.get("id", f"line-{lineno}")
        answer = row.get("answer")
        label = _label(row.get("label"))
        problem = None
        rubric: Rubric | None = None
        if not isinstance(answer, str):
            problem = "missing field 'answer' (a string)"
        elif label is None:
            problem = "missing or non-numeric field 'label'"
        elif row.get("question_id") is not None:
            if bank is None:
                bank = load_bank()
            rubric = bank.rubrics.get(str(row["question_id"]))
            if rubric is None:
                problem = f"unknown question id {row['question_id']!r}"
        elif isinstance(row.get("question"), str) and isinstance(row.get("reference"), str):
            key = (row["question"], row["reference"])
            if key not in derived:
                try:
                    derived[key] = derive_rubric(f"eval-q{len(derived) + 1}", key[0], key[1])
                except ValueError as exc:
                    derived[key] = str(exc)
            made = derived[key]
            if isinstance(made, str):
                problem = f"cannot grade against this reference: {made}"
            else:
                rubric = made
        else:
            problem = "needs 'question_id', or both 'question' and 'reference'"
        if problem or rubric is None or not isinstance(answer, str):
            problems.append({"line": lineno, "id": rid, "problem": problem or "no rubric"})
            continue
        grade = grader.grade(rubric, answer)
        if grade.fallback:
            fallbacks += 1
        items.append(
            {
                "id": rid,
                "question_id": row.get("question_id") or rubric.id,
                "overall": grade.overall,
                "label": label,
                "kind": row.get("kind"),
                "status": grade.status,
                "grader": grade.grader,
            }
        )
    progress.update(len(rows))

    problems.sort(key=lambda p: p["line"])
    for p in problems:
        where = f"{args.dataset}:{p['line']}"
        print(
            f"viva: {where}: {p['problem']}" + (f" (row {p['id']})" if "id" in p else ""),
            file=sys.stderr,
        )

    preds = [it["overall"] for it in items]
    labels = [it["label"] for it in items]
    groups = [str(it["question_id"]) for it in items]
    pairwise, pairs = metrics.pairwise_accuracy(preds, labels, groups)
    kinds: dict[str, list[dict]] = {}
    for it in items:
        kinds.setdefault(it["kind"] or "unspecified", []).append(it)
    by_kind = {
        k: {
            "n": len(v),
            "mean": round(sum(i["overall"] for i in v) / len(v), 3),
            "max": max(i["overall"] for i in v),
            "mean_label": round(sum(i["label"] for i in v) / len(v), 3),
            "mean_error": round(sum(i["overall"] - i["label"] for i in v) / len(v), 3),
        }
        for k, v in sorted(kinds.items())
    }
    on_scale = bool(labels) and min(labels) >= 0 and max(labels) <= 4

    def r(x):
        return None if x is None else round(x, 4)

    report = {
        "dataset": args.dataset,
        "grader": grader.label,
        "n": len(items),
        "pearson": r(metrics.pearson(preds, labels)),
        "spearman": r(metrics.spearman(preds, labels)),
        "pairwise_accuracy": r(pairwise),
        "pairs": pairs,
        "mae": r(metrics.mae(preds, labels)) if on_scale else None,
        "mae_scaled": r(metrics.scaled_mae(preds, labels)),
        "mae_note": "mae: on the 0-4 scale as it is (only when the labels are 0-4); mae_scaled: "
        "after mapping grader scores onto the label scale by least squares",
        "by_label": {
            f"{y:g}": {k: r(v) if isinstance(v, float) else v for k, v in s.items()}
            for y, s in metrics.by_label(preds, labels).items()
        }
        if on_scale
        else {},
        "fallbacks": fallbacks,
        "by_kind": by_kind,
        "items": items,
        "problems": problems,
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif not items:
        # every row was skipped: the problems above are the whole result, no n=0 table
        print(
            f"viva: no answer in {args.dataset} could be graded"
            + (
                f" ({len(problems)} problem{'s' if len(problems) != 1 else ''}, listed above)"
                if problems
                else " (no rows)"
            ),
            file=sys.stderr,
        )
    else:
        print(_render(report))
    return 0 if items else 1


def _render(report: dict) -> str:
    def f(x) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    lines = [
        f"Dataset: {report['dataset']}   grader: {report['grader']}",
        f"  answers graded      {report['n']}"
        + (f"   (skipped: {len(report['problems'])})" if report["problems"] else ""),
        f"  Pearson             {f(report['pearson'])}",
        f"  Spearman            {f(report['spearman'])}",
        f"  pairwise accuracy   {f(report['pairwise_accuracy'])}   ({report['pairs']} pairs, same question, different labels)",
    ]
    if report["mae"] is not None:
        lines.append(f"  MAE                 {f(report['mae'])}   (0-4 scale, as it is)")
    lines.append(f"  MAE (scaled)        {f(report['mae_scaled'])}   (after a least-squares fit)")
    if report["by_label"]:
        lines.append("")
        lines.append(f"  {'human label':<16}{'n':>5}{'grader':>8}{'bias':>8}{'MAE':>8}")
        for y, s in report["by_label"].items():
            lines.append(f"  {y:<16}{s['n']:>5}{s['mean']:>8.2f}{s['bias']:>+8.2f}{s['mae']:>8.2f}")
    if report["fallbacks"]:
        lines.append(f"  LLM fallbacks       {report['fallbacks']} (offline grade used)")
    if report["by_kind"]:
        lines.append("")
        lines.append(f"  {'kind':<16}{'n':>5}{'mean':>8}{'max':>8}{'label':>8}{'error':>8}")
        for kind, s in report["by_kind"].items():
            lines.append(
                f"  {kind:<16}{s['n']:>5}{s['mean']:>8.2f}{s['max']:>8.2f}"
                f"{s['mean_label']:>8.2f}{s['mean_error']:>+8.2f}"
            )
    return "\n".join(lines)
