"""Checking our opinion groups against a Polis export's own ``group-id``.

A Polis export's ``participants-votes.csv`` records the opinion group Polis itself assigned to each
participant it clustered. :func:`compare_with_polis` runs :func:`helpers.opinions.analyse` on the
export's votes and reports the adjusted Rand index (ARI) between our groups and Polis's, over the
participants Polis clustered, and how many of the five statements most agreed across Polis's groups
(group-aware consensus computed from the export with Polis's own groups) are in our top five.

Polis keeps state between updates (a participant once clustered stays clustered; its k-means starts from
the previous update's clusters; the number of groups changes only after several updates agree), so its
final groups depend on the conversation's history, which an export does not hold. By default the
comparison clusters the participants Polis clustered (``include``), so both cover the same people;
``ari_own_filter`` is the ARI when our own participation filter decides instead.
``ari_polis_start`` is the ARI when the groups come from Polis's own k-means start alone (the first
distinct points, rows in the order Polis built its matrix: the export's order), instead of the tightest
partition over that start and several others (:func:`polis_start_groups`).
:func:`partition_fit` measures whether Polis's groups are a k-means partition of the exported votes at
all: when their within-group spread on our map is far above the best partition into as many groups,
Polis grouped different votes than the export holds.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from ..errors import InputError
from . import analyse, compare_with_platform
from .statements import consensus_statements, group_statement_stats

__all__ = ["PolisExport", "load_export", "polis_consensus", "partition_fit", "polis_start_groups",
           "compare_with_polis", "comparable_conversations", "compare_all"]

#: Above this ratio of within-group spreads, Polis's groups are not a k-means partition of the export.
MISFIT_RATIO = 1.2


@dataclass
class PolisExport:
    """A Polis export read with the project's ``polis`` reader."""

    name: str
    votes: pd.DataFrame
    moderated_out: set
    polis_groups: pd.Series  # participant id -> Polis group-id (clustered participants only)
    comments: pd.DataFrame
    read_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # the reader's notes (votes not loaded, voters without a row)


def load_export(folder: str | os.PathLike) -> PolisExport:
    """Read a Polis export folder: votes, rejected statements and Polis's own groups."""
    from .. import ingest

    start = time.perf_counter()
    result = ingest.read(Path(folder), format="polis")
    excl = result.exclusions
    moderated_out = set(excl.loc[excl["reason"] == "moderated_out", "record_id"].astype(str))
    groups = pd.Series(dtype="Int64")
    if result.respondents is not None:
        r = result.respondents.dropna(subset=["external_group"])
        number = pd.to_numeric(r["external_group"].astype(object), errors="coerce").to_numpy(dtype=float)
        bad = ~(np.isfinite(number) & (number == np.round(number)))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"group-id {r['external_group'].iloc[i]!r} is not a whole number (Polis numbers its "
                             "groups 0, 1, 2...; blank for a participant not grouped)",
                             path=r["source"].iloc[i], row=int(r["source_row"].iloc[i]))
        groups = pd.Series(number.astype("int64"), index=r["respondent_id"].astype(str).to_numpy(),
                           name="polis_group", dtype="Int64")
    votes = result.votes if result.votes is not None else pd.DataFrame(columns=["voter_id", "comment_id", "vote"])
    return PolisExport(name=Path(folder).resolve().name, votes=votes, moderated_out=moderated_out,
                       polis_groups=groups, comments=result.comments, read_seconds=time.perf_counter() - start,
                       notes=list(result.notes))


def polis_consensus(export: PolisExport, *, top: int = 5) -> list[str]:
    """The ``top`` statements most agreed across Polis's own groups (group-aware consensus from the export).

    Examples
    --------
    >>> votes = pd.DataFrame({"voter_id": list("aabb"), "comment_id": ["1", "2", "1", "2"], "vote": [1, 1, 1, -1]})
    >>> exp = PolisExport("x", votes, set(), pd.Series([0, 1], index=["a", "b"]), pd.DataFrame())
    >>> polis_consensus(exp, top=1)
    ['1']
    """
    from .matrix import vote_matrix

    matrix = vote_matrix(export.votes)
    stats = group_statement_stats(matrix, export.polis_groups.astype("Int64"), exclude=export.moderated_out)
    return consensus_statements(stats, top=top)["comment_id"].astype(str).tolist()


def partition_fit(points: np.ndarray, labels: np.ndarray, *, random_state: int = 0) -> float:
    """Within-group sum of squares of ``labels`` over that of the best k-means partition into as many groups.

    1.0 means ``labels`` is as tight a partition of ``points`` as k-means finds; well above 1 means the
    labels were not made from these points.

    Examples
    --------
    >>> pts = np.array([[0.0], [1], [10], [11]])
    >>> partition_fit(pts, np.array([0, 0, 1, 1])), partition_fit(pts, np.array([0, 1, 0, 1]))
    (1.0, 100.0)
    """
    labels = np.asarray(labels)
    k = len(np.unique(labels))
    if k < 2 or len(points) <= k:
        return 1.0

    def sse(lab):
        return sum(float(((points[lab == g] - points[lab == g].mean(axis=0)) ** 2).sum()) for g in np.unique(lab))

    best = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit(points).labels_
    return round(sse(labels) / max(sse(best), 1e-12), 4)


def polis_start_groups(export: PolisExport, *, include=None, **params) -> pd.Series:
    """Groups from Polis's own k-means start only, with participants in the order Polis built its matrix.

    Polis adds a participant to its vote matrix at their first vote in the order it reads votes (by
    statement, then participant: the order of the export's ``votes.csv``), and starts k-means from the
    first distinct points in that order. :class:`~helpers.opinions.model.OpinionGroups` with
    ``n_init=0`` keeps that start alone instead of the tightest of it and ``n_init`` others, and with
    ``k_margin=0`` takes the number of groups with the best silhouette, as one Polis update does (its
    smoother only holds a number across updates).

    Returns
    -------
    Series
        Group number (Int64) per participant id, missing for those not clustered.
    """
    from .matrix import vote_matrix
    from .model import OpinionGroups

    matrix = vote_matrix(export.votes)
    votes = export.votes.sort_values("source_row", kind="stable") if "source_row" in export.votes else export.votes
    matrix = matrix.loc[pd.unique(votes["voter_id"].astype(str).to_numpy())]
    params = {k: v for k, v in params.items() if k in ("min_votes", "max_groups", "n_groups")}
    model = OpinionGroups(n_init=0, k_margin=0.0, **params).fit(matrix, exclude=export.moderated_out,
                                                                 include=include)
    return model.labels_


def compare_with_polis(folder: str | os.PathLike, *, use_polis_participants: bool = True, **params) -> dict:
    """One row of the comparison table for one Polis export (see the module docstring).

    Returns
    -------
    dict
        ``conversation``, ``participants``, ``polis_clustered``, ``polis_groups``, ``our_groups``, ``ari``,
        ``ari_own_filter``, ``ari_polis_start`` (:func:`polis_start_groups`), ``own_filter_coverage``
        (share of Polis's clustered participants our filter clusters), ``consensus_overlap`` (of 5),
        ``polis_fit`` (:func:`partition_fit` of Polis's groups on our map), ``read_seconds``,
        ``analysis_seconds``.
    """
    export = load_export(folder)
    polis = export.polis_groups
    start = time.perf_counter()
    result = analyse(export.votes, exclude=export.moderated_out,
                     include=polis.index if use_polis_participants else None, **params)
    seconds = time.perf_counter() - start
    ours = result.participants.set_index("participant_id")
    on = polis.index.intersection(ours.index)

    def against_polis(groups: pd.Series) -> float:
        """ARI over the participants Polis clustered; ours not grouped count as one group (-1)."""
        mine = groups.reindex(on).astype("Int64").fillna(-1).to_numpy(dtype=int)
        return float(adjusted_rand_score(polis.loc[on].to_numpy(dtype=int), mine)) if len(on) else float("nan")

    own = analyse(export.votes, exclude=export.moderated_out, **params) if use_polis_participants else result
    own_vs_polis = compare_with_platform(own.participants, polis)  # those both we and Polis grouped
    ari_own = float("nan") if own_vs_polis["ari"] is None else own_vs_polis["ari"]
    from_start = polis_start_groups(export, include=polis.index if use_polis_participants else None, **params)
    points = ours.loc[on, ["x", "y"]].to_numpy()
    ours_top = result.consensus["comment_id"].astype(str).head(5).tolist()
    theirs_top = polis_consensus(export, top=5)
    return {
        "conversation": export.name,
        "participants": int(len(ours)),
        "polis_clustered": int(len(polis)),
        "polis_groups": int(polis.nunique()),
        "our_groups": int(result.notes["n_groups"]),
        "ari": round(against_polis(ours["group"]), 4),
        "ari_own_filter": round(ari_own, 4),
        "ari_polis_start": round(against_polis(from_start), 4),
        "own_filter_coverage": round(own_vs_polis["n_compared"] / max(len(on), 1), 4),
        "consensus_overlap": len(set(ours_top) & set(theirs_top)),
        "polis_fit": partition_fit(points, polis.loc[on].to_numpy(dtype=int)),
        "read_seconds": round(export.read_seconds, 2),
        "analysis_seconds": round(seconds, 2),
    }


def comparable_conversations(root: str | os.PathLike) -> list[Path]:
    """Conversations under ``root`` holding both ``votes.csv`` and ``participants-votes.csv``, by name."""
    return sorted(p for p in Path(root).iterdir()
                  if (p / "votes.csv").is_file() and (p / "participants-votes.csv").is_file())


def explain(row: dict) -> str:
    """Why a conversation's ARI is low, in words (empty when it is at least 0.6)."""
    if row["ari"] >= 0.6:
        return ""
    if row["polis_fit"] > MISFIT_RATIO:
        return (f"Polis's groups are not a k-means partition of the exported votes (their within-group spread "
                f"on the map is {row['polis_fit']:.2f} times the best partition into {row['polis_groups']} "
                "groups): Polis grouped a different set of votes than the export holds")
    if row.get("ari_polis_start", 0) >= 0.9:
        return (f"Polis's groups are the partition k-means reaches from Polis's own start (the first distinct "
                f"points in the order Polis read the votes: ARI {row['ari_polis_start']:.2f} from that start "
                "alone); here the tightest of that start and several others is kept, which is another partition")
    if row["our_groups"] != row["polis_groups"]:
        return (f"different number of groups ({row['our_groups']} here, {row['polis_groups']} on Polis): the "
                "silhouette prefers another number now; Polis keeps the number it settled on earlier")
    return ("same number of groups and Polis's groups fit the map, but k-means settles in a different "
            "optimum: Polis starts each update from the previous update's clusters")


def compare_all(root: str | os.PathLike, **params) -> pd.DataFrame:
    """:func:`compare_with_polis` for every comparable conversation under ``root``, with an explanation
    for each ARI below 0.6."""
    rows = [compare_with_polis(p, **params) for p in comparable_conversations(root)]
    table = pd.DataFrame(rows)
    table["explanation"] = [explain(r) for r in rows]
    return table
