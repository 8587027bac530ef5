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


def test_polis_rule_leaves_out_sparse_voters_once_fifteen_qualify():
    # 16 participants vote on all 8 statements; participant 16 votes on two, last. Polis groups someone
    # only with at least min(7, 8) = 7 votes, topping up to 15 from the most active; 16 qualify, so 16
    # is left out. The export's list of grouped participants includes them.
    rows = [(str(p), s, (1 if p < 9 else -1) * (1 if s in "abcd" else -1)) for p in range(16) for s in "abcdefgh"]
    rows += [("16", "a", 1), ("16", "b", 1)]
    votes = pd.DataFrame(rows, columns=["voter_id", "comment_id", "vote"])
    votes["created_at"] = pd.Timestamp("2020-01-01", tz="UTC") + pd.to_timedelta(np.arange(len(votes)), unit="min")
    votes["source_row"] = np.arange(len(votes)) + 2
    export = PolisExport("sparse", votes, set(), pd.Series(0, index=[str(p) for p in range(17)]), pd.DataFrame())
    assert "16" not in replay(export, 4, clustered="polis").index
    assert "16" in replay(export, 4, clustered="export").index


def test_identical_previous_clusters_merge_before_the_farthest_point_splits_off():
    from bench.polis_history import polis_kmeans

    pts = np.array([[0.0, 0], [0, 0], [0, 0], [0, 0], [5, 5]])
    # clusters 1 and 2 have the same centre (0, 0): they merge into the later of two equal-sized ones,
    # id 2; two distinct points allow two clusters, so (5, 5), farthest from (0, 0), starts cluster 3.
    ids, labels = polis_kmeans(pts, 2, np.array([1, 1, 2, 2, -1]))
    assert ids.tolist() == [2, 3] and labels.tolist() == [2, 2, 2, 2, 3]
