"""The participant-by-statement vote matrix and Polis's participation filter.

A vote matrix has one row per participant and one column per statement: 1 agree, -1 disagree, 0 pass,
missing (NaN) where the participant never saw or never voted on the statement. When a participant voted
on a statement more than once, the latest vote counts (as on Polis).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["vote_matrix", "participation", "natural_order"]


def natural_order(ids: Iterable) -> list[str]:
    """Ids sorted as numbers when they all are numbers (Polis's ``0, 1, 2, ... 10``), else as text.

    Examples
    --------
    >>> natural_order(["10", "2", "1"])
    ['1', '2', '10']
    >>> natural_order(["b", "a10", "a2"])
    ['a10', 'a2', 'b']
    """
    ids = [str(i) for i in ids]
    if all(i.lstrip("-").isdigit() for i in ids):
        return sorted(ids, key=int)
    return sorted(ids)


def vote_matrix(votes: pd.DataFrame) -> pd.DataFrame:
    """Pivot a votes table (:data:`helpers.schema.VOTE_COLUMNS`) into the participant-by-statement matrix.

    Parameters
    ----------
    votes : DataFrame
        ``voter_id``, ``comment_id``, ``vote`` (1, -1 or 0); ``created_at`` when present orders repeated
        votes (the latest counts); otherwise table order does.

    Returns
    -------
    DataFrame
        float64, index ``voter_id`` and columns ``comment_id`` (both strings, in natural order), NaN
        where there is no vote. Statements nobody voted on are not columns.

    Examples
    --------
    >>> v = pd.DataFrame({"voter_id": ["1", "1", "2", "1"], "comment_id": ["a", "b", "a", "a"],
    ...                   "vote": [1, -1, 0, -1]})
    >>> vote_matrix(v).to_dict("index")
    {'1': {'a': -1.0, 'b': -1.0}, '2': {'a': 0.0, 'b': nan}}
    """
    frame = pd.DataFrame({"voter_id": votes["voter_id"].astype(str).to_numpy(),
                          "comment_id": votes["comment_id"].astype(str).to_numpy(),
                          "vote": pd.to_numeric(votes["vote"]).astype(float).to_numpy()})
    if "created_at" in votes.columns and votes["created_at"].notna().any():
        frame["t"] = pd.to_datetime(votes["created_at"], utc=True).to_numpy()
        frame = frame.sort_values("t", kind="stable", na_position="first")
    frame = frame.drop_duplicates(["voter_id", "comment_id"], keep="last")
    rows, cols = natural_order(frame["voter_id"].unique()), natural_order(frame["comment_id"].unique())
    out = np.full((len(rows), len(cols)), np.nan)
    r = pd.Index(rows).get_indexer(frame["voter_id"])
    c = pd.Index(cols).get_indexer(frame["comment_id"])
    out[r, c] = frame["vote"].to_numpy()
    return pd.DataFrame(out, index=pd.Index(rows, name="voter_id"), columns=pd.Index(cols, name="comment_id"))


def participation(matrix: pd.DataFrame, *, min_votes: int = 7, greedy_n: int = 15,
                  include: Iterable | None = None) -> pd.Series:
    """Which participants are clustered: Polis's ``in-conv`` rule.

    A participant is clustered when they voted on at least ``min(min_votes, number of statements)``
    statements. When fewer than ``greedy_n`` participants qualify, the most active of the others are
    added until there are ``greedy_n`` (ties: the earlier row). Everyone else is still counted in totals
    and in the map, just not grouped. ``include`` names participants to cluster whatever their votes
    (for example the set a platform already clustered).

    Examples
    --------
    >>> m = pd.DataFrame([[1, 1, 1], [1, None, None], [None, None, None]], index=["a", "b", "c"], dtype=float)
    >>> participation(m, min_votes=2, greedy_n=0).tolist()
    [True, False, False]
    >>> participation(m, min_votes=2, greedy_n=2).tolist()
    [True, True, False]
    """
    counts = matrix.notna().sum(axis=1).to_numpy()
    need = min(int(min_votes), matrix.shape[1])
    keep = counts >= need
    if include is not None:
        keep |= matrix.index.isin([str(i) for i in include])
    short = int(greedy_n) - int(keep.sum())
    if short > 0:
        order = np.argsort(-counts, kind="stable")
        extra = [i for i in order if not keep[i] and counts[i] > 0][:short]
        keep[extra] = True
    return pd.Series(keep, index=matrix.index, name="clustered")
