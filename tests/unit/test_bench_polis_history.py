"""The Polis replay study (bench/polis_history.py) on a conversation built by hand."""

import numpy as np
import pandas as pd

from bench.polis_history import replay
from helpers.opinions.polis import PolisExport


def two_camps():
    # 12 participants vote on 8 statements, one vote a minute: the first 7 agree with statements a-d and
    # disagree with e-h, the other 5 the reverse; participant 11 is not among those Polis grouped.
    rows = []
    for p in range(12):
        camp = 1 if p < 7 else -1
        rows += [(str(p), s, camp if s in "abcd" else -camp) for s in "abcdefgh"]
    votes = pd.DataFrame(rows, columns=["voter_id", "comment_id", "vote"])
    votes["created_at"] = pd.Timestamp("2020-01-01", tz="UTC") + pd.to_timedelta(np.arange(len(votes)), unit="min")
    votes["source_row"] = np.arange(len(votes)) + 2
    polis = pd.Series([0] * 7 + [1] * 4, index=[str(p) for p in range(11)])
    return PolisExport("camps", votes, set(), polis, pd.DataFrame())


def test_replay_finds_the_two_camps_whatever_the_number_of_updates():
    export = two_camps()
    for n_updates in (1, 3, 12, 96):
        groups = replay(export, n_updates)
        assert sorted(groups.index, key=int) == [str(p) for p in range(11)]  # only Polis's grouped participants
        assert groups.loc[[str(p) for p in range(7)]].nunique() == 1
        assert groups.loc[[str(p) for p in range(7, 11)]].nunique() == 1
        assert groups["0"] != groups["7"]


def test_one_update_in_file_order_equals_one_update_in_time_order_when_they_agree():
    export = two_camps()  # file order and time order are the same here
    pd.testing.assert_series_equal(replay(export, 1, order="file"), replay(export, 1, order="time"))
