"""The vote matrix and Polis's participation filter (helpers.opinions.matrix), on hand-made votes."""

import numpy as np
import pandas as pd
import pytest

from helpers.opinions.matrix import natural_order, participation, vote_matrix


def votes(rows, times=None):
    v = pd.DataFrame(rows, columns=["voter_id", "comment_id", "vote"])
    if times is not None:
        v["created_at"] = pd.to_datetime(times, unit="s", utc=True)
    return v


def test_matrix_cells_rows_and_columns():
    m = vote_matrix(votes([("2", "10", 1), ("10", "2", -1), ("2", "2", 0)]))
    assert m.index.tolist() == ["2", "10"] and m.columns.tolist() == ["2", "10"]  # numbers in number order
    assert m.loc["2", "2"] == 0.0 and m.loc["2", "10"] == 1.0 and m.loc["10", "2"] == -1.0
    assert np.isnan(m.loc["10", "10"])  # never voted: missing, not pass


def test_latest_vote_counts_by_time_not_by_row_order():
    # The change of mind (agree at t=5 after disagree at t=1) comes first in the table.
    m = vote_matrix(votes([("a", "s", 1), ("a", "s", -1)], times=[5, 1]))
    assert m.loc["a", "s"] == 1.0
    m = vote_matrix(votes([("a", "s", 1), ("a", "s", -1)]))  # no times: the later row
    assert m.loc["a", "s"] == -1.0


@pytest.mark.parametrize("ids, expected", [
    (["3", "20", "100"], ["3", "20", "100"]),
    (["b", "A", "a"], ["A", "a", "b"]),
    (["1", "x"], ["1", "x"]),
])
def test_natural_order(ids, expected):
    assert natural_order(ids) == expected


def square(counts, n_statements):
    """A matrix whose row i has counts[i] votes (agree) and missing elsewhere."""
    data = [[1.0] * c + [np.nan] * (n_statements - c) for c in counts]
    return pd.DataFrame(data, index=[f"p{i}" for i in range(len(counts))],
                        columns=[f"s{j}" for j in range(n_statements)])


def test_polis_threshold_is_seven_votes():
    m = square([7, 6, 10, 0], 10)
    assert participation(m, greedy_n=0).tolist() == [True, False, True, False]


def test_threshold_falls_to_the_number_of_statements():
    m = square([3, 2, 3], 3)  # min(7, 3) = 3
    assert participation(m, greedy_n=0).tolist() == [True, False, True]


def test_greedy_top_up_takes_the_most_active_first_and_never_non_voters():
    m = square([1, 5, 3, 5, 0], 10)  # nobody reaches 7
    assert participation(m, greedy_n=3).tolist() == [False, True, True, True, False]
    assert participation(m, greedy_n=15).tolist() == [True, True, True, True, False]


def test_include_forces_participants_in():
    m = square([1, 9], 10)
    assert participation(m, greedy_n=0, include=["p0"]).tolist() == [True, True]
