"""Tests for helpers.stats: every expected value is worked by hand or taken from a published table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.stats import MEDIUM_N, SMALL_N, describe_share, mean_interval, small_corpus_note, wilson_interval

# ---------------------------------------------------------------------------------------------- Wilson
# Hand-worked with z = 1.959964: centre = (p + z²/2n) / (1 + z²/n), half = z/(1 + z²/n) · sqrt(p(1-p)/n + z²/4n²).
#   3 of 7:  p = .428571, z²/n = .548780; centre = .453850, half = .295663  -> (.158, .750)
#   0 of 10: upper = z²/(n + z²) = 3.841459/13.841459                       -> (0, .2775)
#   10 of 10: lower = n/(n + z²) = 10/13.841459                              -> (.7225, 1)
#   15 of 30: centre = .5, half = 1.737514 · .096954                         -> (.3315, .6685)
# Published: Newcombe (1998) Statist. Med. 17:857-872, worked examples for method 3 (score, no continuity correction).
WILSON_CASES = [
    (3, 7, 0.158, 0.750, 3),
    (0, 10, 0.0, 0.2775, 4),
    (10, 10, 0.7225, 1.0, 4),
    (15, 30, 0.3315, 0.6685, 4),
    (81, 263, 0.2553, 0.3662, 4),  # Newcombe
    (15, 148, 0.0624, 0.1605, 4),  # Newcombe
    (0, 20, 0.0, 0.1611, 4),  # Newcombe
    (1, 29, 0.0061, 0.1718, 4),  # Newcombe
]


@pytest.mark.parametrize(("k", "n", "low", "high", "places"), WILSON_CASES)
def test_wilson_interval_matches_hand_and_published_values(k, n, low, high, places):
    lo, hi = wilson_interval(k, n)
    assert round(float(lo), places) == low
    assert round(float(hi), places) == high


def test_wilson_interval_exact_ends():
    lo, hi = wilson_interval([0, 5], [5, 5])
    assert lo[0] == 0.0 and hi[1] == 1.0


def test_wilson_interval_is_vectorised_and_keeps_shape():
    k = np.array([[3, 0], [10, 15]])
    n = np.array([[7, 10], [10, 30]])
    lo, hi = wilson_interval(k, n)
    assert lo.shape == hi.shape == (2, 2)
    expected_lo = [[0.158, 0.0], [0.723, 0.332]]  # from the table above, to 3 places
    np.testing.assert_allclose(lo, expected_lo, atol=6e-4)
    # broadcasting a scalar n
    lo, hi = wilson_interval(np.array([0, 3, 7]), 7)
    assert lo.shape == (3,) and hi[2] == 1.0


def test_wilson_interval_scalars_give_scalars():
    lo, hi = wilson_interval(3, 7)
    assert np.ndim(lo) == 0 and np.ndim(hi) == 0
    assert isinstance(float(lo), float)


def test_wilson_interval_n_zero_is_nan():
    lo, hi = wilson_interval(0, 0)
    assert math.isnan(lo) and math.isnan(hi)
    lo, hi = wilson_interval([0, 1], [0, 2])
    assert np.isnan(lo[0]) and np.isnan(hi[0]) and not np.isnan(lo[1])


def test_wilson_interval_other_confidence():
    # 3 of 7 at 90% (z = 1.644854): z²/n = .386504, centre = .448478, half = .262049
    lo, hi = wilson_interval(3, 7, confidence=0.90)
    assert (round(float(lo), 3), round(float(hi), 3)) == (0.186, 0.711)


@pytest.mark.parametrize(("k", "n", "confidence"), [(-1, 5, 0.95), (6, 5, 0.95), (1, -2, 0.95), (1, 5, 1.0)])
def test_wilson_interval_rejects_impossible_input(k, n, confidence):
    with pytest.raises(ValueError):
        wilson_interval(k, n, confidence=confidence)


# ------------------------------------------------------------------------------------------- t interval


def test_mean_interval_hand_worked():
    # mean 3, sd = sqrt(2.5) = 1.581139, se = .707107, t(.975, 4) = 2.776445 -> 3 ± 1.963243
    lo, hi = mean_interval([1, 2, 3, 4, 5])
    assert round(lo, 4) == 1.0368 and round(hi, 4) == 4.9632


def test_mean_interval_two_values():
    # mean 0, sd = .707107, se = .5, t(.975, 1) = 12.706205 -> ± 6.353102
    lo, hi = mean_interval([0.5, -0.5])
    assert round(lo, 4) == -6.3531 and round(hi, 4) == 6.3531


@pytest.mark.parametrize("values", [[], [0.4], [np.nan, 0.4], [np.nan, np.nan]])
def test_mean_interval_fewer_than_two_values_is_nan(values):
    lo, hi = mean_interval(values)
    assert math.isnan(lo) and math.isnan(hi)


def test_mean_interval_ignores_nan_and_handles_constant_values():
    assert mean_interval([1, 2, 3, 4, 5, np.nan]) == mean_interval([1, 2, 3, 4, 5])
    assert mean_interval([0.2, 0.2, 0.2]) == pytest.approx((0.2, 0.2))


# -------------------------------------------------------------------------------------- presentation

DESCRIBE_CASES = [
    (3, 7, "3 of 7"),
    (0, 7, "0 of 7"),
    (29, 29, "29 of 29"),
    (15, 30, "50% (95% CI 33% to 67%)"),  # first size with percentages; interval from the table above
    # 215/500: centre .430533, half .043233 -> (.3873, .4738)
    (215, 500, "43% (95% CI 39% to 47%)"),
    # 9/200 = 4.5% rounds half up to 5% (not to even); interval (.0239, .0833)
    (9, 200, "5% (95% CI 2% to 8%)"),
    (1, 500, "<1% (95% CI 0% to 1%)"),  # never "0%" for a share that is not zero
    (499, 500, ">99% (95% CI 99% to 100%)"),  # never "100%" for a share that is not everyone
    (0, 500, "0% (95% CI 0% to 1%)"),
    # 10/5000 (Decide Madrid read "<1% (95% CI 0% to 0%)" before): centre .0023823, half .0012956 ->
    # (.0010868, .0036780): the whole interval is below 1%, so one decimal
    (10, 5000, "0.2% (95% CI 0.1% to 0.4%)"),
    (4990, 5000, "99.8% (95% CI 99.6% to 99.9%)"),  # the mirror image
    # 1/1,000,000: (1.8e-7, 5.7e-6): rounds to 0.0% at both ends; the upper end is shown as 0.1%
    (1, 1_000_000, "<0.1% (95% CI 0.0% to 0.1%)"),
    # Decide Madrid's largest repeat, 62 of 5,576 (read "1% (95% CI 1% to 1%)"): centre .0114557, half
    # .0027718 -> (.0086838, .0142275)
    (62, 5576, "1.1% (95% CI 0.9% to 1.4%)"),
    (999_999, 1_000_000, ">99.9% (95% CI 99.9% to 100.0%)"),
]


@pytest.mark.parametrize(("k", "n", "expected"), DESCRIBE_CASES)
def test_describe_share(k, n, expected):
    assert describe_share(k, n) == expected


def test_describe_share_switches_at_small_n():
    assert SMALL_N == 30
    assert "%" not in describe_share(10, SMALL_N - 1)
    assert describe_share(10, SMALL_N).startswith("33% ")


def test_describe_share_rejects_impossible_counts():
    with pytest.raises(ValueError):
        describe_share(8, 7)


def test_small_corpus_note_for_the_example_corpus():
    assert small_corpus_note(7) == (
        "With only 7 responses, these findings describe what these few people said; "
        "they cannot be generalised, and percentages are not shown."
    )


def test_small_corpus_note_wording_by_size():
    assert small_corpus_note(1).startswith(
        "With only 1 response, these findings describe what this one person said"
    )
    assert small_corpus_note(0) == "There are no responses to analyse."
    assert "percentages are not shown" in small_corpus_note(SMALL_N - 1)
    softer = small_corpus_note(SMALL_N)
    assert softer.startswith("With 30 responses, percentages are rough")
    assert "not shown" not in softer
    assert small_corpus_note(MEDIUM_N - 1) is not None
    assert small_corpus_note(MEDIUM_N) is None
    assert small_corpus_note(100_000) is None
