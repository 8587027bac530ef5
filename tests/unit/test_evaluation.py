"""B-cubed precision/recall/F1: expected values worked out by hand (arithmetic in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.evaluation import BCubed, bcubed, bcubed_items

NA = None


@pytest.mark.parametrize(
    ("predicted", "truth", "expected"),
    [
        # perfect: every item's cluster is exactly its class -> 1, 1, 1
        (["x", "x", "y", NA], ["a", "a", "b", NA], (1.0, 1.0, 1.0)),
        # Truth A={1,2,3}, B={4,5}, 6 alone; predicted X={1,2}, Y={3,4,5}, 6 alone.
        # precision: 1,2 -> 2/2; 3 -> 1/3 (only itself of A in Y); 4,5 -> 2/3; 6 -> 1. Sum 1+1+1/3+2/3+2/3+1 = 14/3
        #   P = 14/3 / 6 = 7/9
        # recall: 1,2 -> 2/3 (X holds 2 of A's 3); 3 -> 1/3; 4,5 -> 2/2; 6 -> 1. Sum 2/3+2/3+1/3+1+1+1 = 14/3
        #   R = 7/9, F1 = 7/9
        (["X", "X", "Y", "Y", "Y", NA], ["A", "A", "A", "B", "B", NA], (7 / 9, 7 / 9, 7 / 9)),
        # four organic comments (no campaign) lumped into one predicted campaign:
        #   precision 1/4 each -> P = 1/4; recall 1 each (a singleton class is always whole) -> R = 1
        #   F1 = 2 * 1/4 * 1 / (1/4 + 1) = (1/2) / (5/4) = 2/5
        (["x", "x", "x", "x"], [NA, NA, NA, NA], (0.25, 1.0, 0.4)),
        # the detector finds nothing; truth: one campaign of 4 plus 4 organic comments
        #   precision 1 everywhere (singletons) -> P = 1
        #   recall: campaign members 1/4 each, organic 1 each -> (4 * 1/4 + 4) / 8 = 5/8
        #   F1 = 2 * 1 * 5/8 / (1 + 5/8) = (5/4) / (13/8) = 10/13
        ([NA] * 8, ["L", "L", "L", "L", NA, NA, NA, NA], (1.0, 5 / 8, 10 / 13)),
        # a campaign of 6 split 4 + 2, plus 2 organic comments left alone (8 items)
        #   precision 1 for all 8 -> P = 1
        #   recall: the 4 -> 4/6, the 2 -> 2/6, organic -> 1; (4*4/6 + 2*2/6 + 2) / 8 = (16/6 + 4/6 + 12/6) / 8
        #   = (32/6) / 8 = 2/3;  F1 = 2 * 2/3 / (5/3) = 4/5
        (["p", "p", "p", "p", "q", "q", NA, NA], ["L"] * 6 + [NA, NA], (1.0, 2 / 3, 0.8)),
        # two campaigns merged into one cluster of 5 (3 of L, 2 of M):
        #   precision: L items 3/5, M items 2/5 -> (3*3/5 + 2*2/5) / 5 = (9/5 + 4/5) / 5 = 13/25
        #   recall 1 each -> R = 1;  F1 = 2 * 13/25 / (38/25) = 26/38 = 13/19
        (["z"] * 5, ["L", "L", "L", "M", "M"], (13 / 25, 1.0, 13 / 19)),
    ],
)
def test_hand_worked_cases(predicted, truth, expected):
    result = bcubed(predicted, truth)
    assert isinstance(result, BCubed)
    assert result == pytest.approx(expected)


def test_names_of_labels_do_not_matter():
    truth = ["A", "A", "A", "B", "B", NA]
    a = bcubed(["X", "X", "Y", "Y", "Y", NA], truth)
    b = bcubed([7, 7, 3, 3, 3, NA], truth)
    assert a == pytest.approx(b)


def test_every_kind_of_missing_label_is_a_singleton():
    # None, NaN and pd.NA all mean "in no cluster": 3 items left alone, each its own cluster -> 1, 1, 1
    assert bcubed([None, np.nan, pd.NA], [None, None, None]) == pytest.approx((1.0, 1.0, 1.0))
    # a missing label is never the same cluster as another missing label: no precision lost here,
    # where a single "none" cluster would give 1/3
    assert bcubed(pd.Series([None, None, None], dtype="string"), pd.Series(["a", "b", "c"])) == \
        pytest.approx((1.0, 1.0, 1.0))


def test_per_item_scores():
    # item 3 (truth L) was missed and item 4 (organic) merged with items 1 and 2 (see bcubed's docstring)
    items = bcubed_items(["c1", "c1", None, "c1"], ["L", "L", "L", None])
    assert items["precision"].tolist() == pytest.approx([2 / 3, 2 / 3, 1, 1 / 3])
    assert items["recall"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3, 1])


def test_series_are_aligned_on_their_index():
    truth = pd.Series(["L", "L", None], index=["a", "b", "c"])
    predicted = pd.Series([None, "k", "k"], index=["c", "b", "a"])  # a and b together, c alone
    assert bcubed(predicted, truth) == pytest.approx((1.0, 1.0, 1.0))
    assert bcubed_items(predicted, truth).index.tolist() == ["a", "b", "c"]


def test_mismatched_inputs_are_refused():
    with pytest.raises(ValueError, match="labels"):
        bcubed(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="indexes differ"):
        bcubed(pd.Series(["a"], index=["x"]), pd.Series(["a"], index=["y"]))


def test_empty_input_is_nan():
    assert all(math.isnan(x) for x in bcubed([], []))


def test_a_million_items_by_closed_form():
    # truth: 100,000 classes of 10 consecutive items; predicted: each class split into two halves of 5.
    # precision 1 everywhere; recall 5/10 everywhere -> P = 1, R = 1/2, F1 = 2 * 1/2 / (3/2) = 2/3
    n = 1_000_000
    i = np.arange(n)
    assert bcubed(i // 5, i // 10) == pytest.approx((1.0, 0.5, 2 / 3))
