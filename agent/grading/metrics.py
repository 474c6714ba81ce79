"""Agreement between grader scores and human labels: Pearson, Spearman, pairwise ordering
accuracy, and MAE after putting the predictions on the labels' scale. Pure Python, no numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson r; None when fewer than two points or either side is constant."""
    n = len(x)
    if n < 2 or n != len(y):
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    return sxy / math.sqrt(sxx * syy)


def ranks(values: Sequence[float]) -> list[float]:
    """Average ranks (ties share the mean of their positions), 1-based."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1
        for k in range(i, j + 1):
            out[order[k]] = avg
        i = j + 1
    return out


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman rho: Pearson on average ranks (handles ties)."""
    if len(x) < 2:
        return None
    return pearson(ranks(x), ranks(y))


def pairwise_accuracy(
    predictions: Sequence[float], labels: Sequence[float], groups: Sequence[str]
) -> tuple[float | None, int]:
    """Share of same-group pairs with different labels that the predictions order the same way.

    A tie in the predictions counts as half right. Returns (accuracy, number of pairs)."""
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    right = 0.0
    pairs = 0
    for idx in by_group.values():
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                i, j = idx[a], idx[b]
                if labels[i] == labels[j]:
                    continue
                pairs += 1
                dl = labels[i] - labels[j]
                dp = predictions[i] - predictions[j]
                if dp == 0:
                    right += 0.5
                elif (dl > 0) == (dp > 0):
                    right += 1
    return (right / pairs if pairs else None), pairs


def scaled_mae(predictions: Sequence[float], labels: Sequence[float]) -> float | None:
    """Mean absolute error after mapping predictions onto the label scale by least squares
    (label ~ a * prediction + b). This makes graders on different scales comparable and is the
    most favourable linear mapping, so it measures agreement beyond a change of units."""
    n = len(predictions)
    if n == 0 or n != len(labels):
        return None
    mp = sum(predictions) / n
    ml = sum(labels) / n
    spp = sum((p - mp) ** 2 for p in predictions)
    if spp == 0:
        return sum(abs(ml - y) for y in labels) / n
    a = sum((p - mp) * (y - ml) for p, y in zip(predictions, labels, strict=True)) / spp
    b = ml - a * mp
    return sum(abs(a * p + b - y) for p, y in zip(predictions, labels, strict=True)) / n


def mae(predictions: Sequence[float], labels: Sequence[float]) -> float | None:
    """Mean absolute error on the scale as it is (grader and labels both 0-4)."""
    if not predictions or len(predictions) != len(labels):
        return None
    return sum(abs(p - y) for p, y in zip(predictions, labels, strict=True)) / len(labels)


def by_label(predictions: Sequence[float], labels: Sequence[float]) -> dict[float, dict]:
    """Per human label: n, the grader's mean, its bias (mean of grader - label) and MAE."""
    groups: dict[float, list[float]] = {}
    for p, y in zip(predictions, labels, strict=True):
        groups.setdefault(y, []).append(p)
    return {
        y: {
            "n": len(ps),
            "mean": sum(ps) / len(ps),
            "bias": sum(p - y for p in ps) / len(ps),
            "mae": sum(abs(p - y) for p in ps) / len(ps),
        }
        for y, ps in sorted(groups.items())
    }
