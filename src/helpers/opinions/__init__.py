"""Opinion groups from agree/disagree votes, compatible with Polis.

- :mod:`~helpers.opinions.matrix`      the vote matrix and Polis's participation filter
- :mod:`~helpers.opinions.model`       :class:`OpinionGroups`: PCA with sparse-voter scaling, two-level k-means
- :mod:`~helpers.opinions.statements`  representative, consensus and divisive statements (Polis's tests)
- :mod:`~helpers.opinions.polis`       checking our groups against a Polis export's own ``group-id``
- :mod:`~helpers.opinions.global_dialogues`  Global Dialogues votes on free-text answers, per question

:func:`analyse` runs everything on a votes table and returns an :class:`OpinionResult` of tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from .matrix import natural_order, participation, vote_matrix
from .model import OpinionGroups, group_name
from .statements import (
    consensus_statements,
    divisive_statements,
    every_statement,
    group_statement_stats,
    overall_statements,
    representative_statements,
)

__all__ = ["OpinionResult", "analyse", "compare_with_platform", "vote_matrix", "participation", "OpinionGroups",
           "group_name", "group_statement_stats", "representative_statements", "consensus_statements",
           "divisive_statements", "overall_statements", "natural_order", "PARAMETERS"]

#: Parameters of :func:`analyse` and their defaults (Polis's values).
PARAMETERS = {"min_votes": 7, "max_groups": 5, "n_groups": 0, "k_margin": 0.03, "random_state": 0}


@dataclass
class OpinionResult:
    """Everything the opinion-group analysis found, as tables.

    Attributes
    ----------
    participants : DataFrame
        ``participant_id``, ``x``, ``y`` (the map), ``n_votes``, ``clustered``, ``group`` (Int64), ``group_name``.
    groups : DataFrame
        ``group``, ``group_name``, ``size``, ``share`` (of clustered participants), ``n_votes``.
    stats : DataFrame
        Per group and statement (:func:`~helpers.opinions.statements.group_statement_stats`).
    representative : DataFrame
        Per group, its representative statements in rank order.
    consensus : DataFrame
        Statements every group agrees with, best first.
    rejected : DataFrame
        Statements every group disagrees with, best first (``disagree_<group>`` counts).
    divisive : DataFrame
        Statements on which groups differ most.
    notes : dict
        Counts, the number of groups and how it was chosen, parameters.
    """

    participants: pd.DataFrame
    groups: pd.DataFrame
    stats: pd.DataFrame
    representative: pd.DataFrame
    consensus: pd.DataFrame
    divisive: pd.DataFrame
    #: :func:`~helpers.opinions.statements.overall_statements`: what most voters agreed or disagreed with,
    #: and what many passed on, over everyone who voted; then every statement's votes
    #: (:func:`~helpers.opinions.statements.every_statement`, list "all").
    overall: pd.DataFrame = field(default_factory=pd.DataFrame)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: dict = field(default_factory=dict)
    model: OpinionGroups | None = None


def analyse(votes: pd.DataFrame, *, exclude: Iterable[str] = (), include: Iterable | None = None,
            min_votes: int = 7, max_groups: int = 5, n_groups: int = 0, k_margin: float = 0.03,
            random_state: int = 0, top: int = 5) -> OpinionResult:
    """Opinion groups, their representative statements, consensus and divisive statements.

    Parameters
    ----------
    votes : DataFrame
        A votes table (``voter_id``, ``comment_id``, ``vote``; ``created_at`` orders repeated votes).
    exclude : iterable of str
        Statements the moderator rejected: zeroed in the analysis (as Polis does) and never reported.
    include : iterable, optional
        Participants to cluster whatever their number of votes.
    min_votes, max_groups, n_groups, k_margin, random_state
        See :class:`~helpers.opinions.model.OpinionGroups`.
    top : int
        Statements kept in the consensus and divisive lists, and representative statements per group.

    Examples
    --------
    >>> rows = [(str(p), s, v) for p in range(12) for s, v in
    ...         zip("abcdefg", [1, 1, 1, -1, -1, 1, 1] if p < 7 else [-1, -1, -1, 1, 1, 1, 1])]
    >>> votes = pd.DataFrame(rows, columns=["voter_id", "comment_id", "vote"])
    >>> r = analyse(votes)
    >>> r.groups[["group_name", "size"]].values.tolist()
    [['A', 7], ['B', 5]]
    >>> r.consensus["comment_id"].tolist()[:2]
    ['f', 'g']
    """
    exclude = {str(e) for e in exclude}
    matrix = vote_matrix(votes)
    model = OpinionGroups(min_votes=min_votes, max_groups=max_groups, n_groups=n_groups, k_margin=k_margin,
                          random_state=random_state).fit(matrix, exclude=exclude, include=include)
    proj = model.projection_
    participants = pd.DataFrame({
        "participant_id": pd.array(proj.index, dtype="string"),
        "x": proj["x"].round(6).to_numpy(), "y": proj["y"].round(6).to_numpy(),
        "n_votes": proj["n_votes"].to_numpy(), "clustered": proj["clustered"].to_numpy(),
        "group": proj["group"].to_numpy()})
    participants["group_name"] = pd.array([group_name(g) if pd.notna(g) else pd.NA for g in participants["group"]],
                                          dtype="string")
    clustered = participants[participants["clustered"]]
    sizes = clustered.groupby("group")["participant_id"].size()
    groups = pd.DataFrame({"group": sizes.index.astype(int), "size": sizes.to_numpy().astype(int)})
    groups.insert(1, "group_name", [group_name(g) for g in groups["group"]])
    groups["share"] = groups["size"] / max(int(len(clustered)), 1)
    groups["n_votes"] = groups["group"].map(clustered.groupby("group")["n_votes"].sum()).astype(int)
    stats = group_statement_stats(matrix, model.labels_, exclude=exclude)
    if model.n_groups_ >= 1 and len(stats):
        representative = representative_statements(stats, pick_max=top)
        consensus = consensus_statements(stats, top=top)
        rejected = consensus_statements(stats, top=top, direction="disagree")
        divisive = divisive_statements(stats, top=top) if model.n_groups_ >= 2 else divisive_statements(
            stats.iloc[0:0], top=top)
    else:
        representative = representative_statements(stats.iloc[0:0], pick_max=top)
        consensus = consensus_statements(stats.iloc[0:0], top=top)
        rejected = consensus_statements(stats.iloc[0:0], top=top, direction="disagree")
        divisive = divisive_statements(stats.iloc[0:0], top=top)
    kept = [c not in exclude for c in matrix.columns]
    voted = matrix.notna().to_numpy()
    n_statements = int(sum(kept))
    notes = {
        "n_participants": int(len(participants)),
        "n_clustered": int(participants["clustered"].sum()),
        "n_not_clustered": int((~participants["clustered"]).sum()),
        "n_statements": n_statements,
        "n_statements_excluded": int(len(kept) - n_statements),
        "n_votes": int(voted[:, kept].sum()),  # on the statements analysed, as n_statements counts them
        "n_votes_excluded": int(voted.sum() - voted[:, kept].sum()),  # on statements the moderator rejected
        "n_groups": int(model.n_groups_),
        "k_scores": model.k_scores_.to_dict("records"),
        "explained_variance": [round(float(v), 6) for v in model.explained_variance_ratio_],
        "min_votes_applied": int(min(min_votes, matrix.shape[1])),
        "parameters": {"min_votes": min_votes, "max_groups": max_groups, "n_groups": n_groups,
                       "k_margin": k_margin, "random_state": random_state},
    }
    # every statement that qualifies, so the briefing can list those not given as common ground
    overall = pd.concat([overall_statements(matrix, exclude=exclude, top=max(matrix.shape[1], 1)),
                         every_statement(matrix, stats, exclude=exclude)], ignore_index=True)
    return OpinionResult(participants=participants, groups=groups, stats=stats, representative=representative,
                         consensus=consensus, divisive=divisive, overall=overall, rejected=rejected, notes=notes, model=model)


def compare_with_platform(participants: pd.DataFrame, platform_groups: pd.Series) -> dict:
    """How our groups line up with a platform's own (for example Polis's ``group-id``).

    Parameters
    ----------
    participants : DataFrame
        :attr:`OpinionResult.participants` (``participant_id``, ``group``, ``group_name``).
    platform_groups : Series
        The platform's group per participant id (missing where it grouped nobody); ids unique.

    Returns
    -------
    dict
        ``n_platform_grouped`` and ``n_platform_groups`` (everyone the platform grouped, in how many
        groups); ``n_compared`` (participants grouped both there and here); ``where`` (one record per
        platform group: its ``platform_group``, ``n_compared`` of its people, and the ``group_name``
        here holding most of them with their ``share``); ``ari`` (adjusted Rand index over the people
        compared: 1 identical, about 0 no better than chance; None when nobody is compared) and
        ``crosstab`` (one record per pair of our group and the platform's with their number of
        participants).

    Raises
    ------
    InputError
        When a participant id appears twice in ``platform_groups``.

    Examples
    --------
    >>> ours = pd.DataFrame({"participant_id": list("abcde"), "group": pd.array([0, 0, 1, 1, None], "Int64"),
    ...                      "group_name": ["A", "A", "B", "B", None]})
    >>> out = compare_with_platform(ours, pd.Series([7.0, 7, 7, 9, 9], index=list("abcde")))
    >>> out["n_platform_grouped"], out["n_platform_groups"], out["n_compared"]
    (5, 2, 4)
    >>> out["where"]
    [{'platform_group': '7', 'n_compared': 3, 'group_name': 'A', 'share': 0.6667}, \
{'platform_group': '9', 'n_compared': 1, 'group_name': 'B', 'share': 1.0}]
    >>> out["crosstab"][0]
    {'group_name': 'A', 'platform_group': '7', 'participants': 2}
    """
    from sklearn.metrics import adjusted_rand_score

    from ..errors import InputError

    theirs = platform_groups.dropna()
    if pd.api.types.is_float_dtype(theirs) and (theirs % 1 == 0).all():
        theirs = theirs.astype("int64")  # 0.0 -> "0", as the platform names its groups
    theirs = theirs.astype(str)
    theirs.index = theirs.index.astype(str)
    if theirs.index.duplicated().any():
        raise InputError(f"participant {theirs.index[theirs.index.duplicated()][0]!r} has two platform groups")
    both = participants[participants["group"].notna()
                        & participants["participant_id"].astype(str).isin(theirs.index)]
    platform = theirs.loc[both["participant_id"].astype(str)].to_numpy()
    ours = both["group_name"].astype(str).to_numpy()
    pairs = pd.DataFrame({"group_name": ours, "platform_group": platform})
    crosstab = (pairs.value_counts(sort=False).rename("participants").reset_index()
                .sort_values(["group_name", "platform_group"], kind="stable"))
    where = []
    for g, rows in crosstab.groupby("platform_group", sort=True):
        top = rows.sort_values(["participants", "group_name"], ascending=[False, True], kind="stable").iloc[0]
        n = int(rows["participants"].sum())
        where.append({"platform_group": str(g), "n_compared": n, "group_name": str(top["group_name"]),
                      "share": round(int(top["participants"]) / n, 4)})
    return {"n_platform_grouped": int(len(theirs)), "n_platform_groups": int(theirs.nunique()),
            "n_compared": int(len(both)), "where": where,
            "ari": round(float(adjusted_rand_score(platform, ours)), 4) if len(both) else None,
            "crosstab": [{"group_name": str(r.group_name), "platform_group": str(r.platform_group),
                          "participants": int(r.participants)} for r in crosstab.itertuples()]}
