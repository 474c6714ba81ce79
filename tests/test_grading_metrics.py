"""Agreement metrics used by `viva eval`."""

from __future__ import annotations

import pytest

from agent.grading.metrics import pairwise_accuracy, pearson, ranks, scaled_mae, spearman


def test_pearson_and_spearman():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert spearman([1, 2, 3, 4], [1, 4, 9, 16]) == pytest.approx(1.0)
    assert ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]


def test_pairwise_accuracy_counts_ties_half_and_only_within_a_question():
    preds = [1.0, 2.0, 2.0, 0.0]
    labels = [0, 1, 2, 4]
    groups = ["a", "a", "a", "b"]
    acc, pairs = pairwise_accuracy(preds, labels, groups)
    # pairs in group a: (0,1) right, (0,2) right, (1,2) tie -> 2.5 / 3
    assert pairs == 3 and acc == pytest.approx(2.5 / 3)


def test_scaled_mae_is_zero_for_a_linear_relabelling():
    assert scaled_mae([0, 1, 2, 3, 4], [0, 2.5, 5, 7.5, 10]) == pytest.approx(0.0)
    assert scaled_mae([0, 4], [1, 1]) == pytest.approx(0.0)


def test_mae_and_bias_per_label_are_on_the_scale_as_it_is():
    from agent.grading.metrics import by_label, mae

    preds, labels = [0.0, 1.5, 2.0, 4.0], [0.0, 2.0, 2.0, 3.0]
    assert mae(preds, labels) == pytest.approx((0 + 0.5 + 0 + 1) / 4)
    table = by_label(preds, labels)
    assert list(table) == [0.0, 2.0, 3.0]
    assert table[2.0]["n"] == 2 and table[2.0]["bias"] == pytest.approx(-0.25)
    assert table[3.0]["bias"] == pytest.approx(1.0) and table[3.0]["mae"] == pytest.approx(1.0)
