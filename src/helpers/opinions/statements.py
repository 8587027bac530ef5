"""What each opinion group stands for, what all groups agree on, and what divides them.

Counts follow Polis (``repness.clj``, ``stats.clj``): in a group, ``n_agree``, ``n_disagree`` and
``n_seen`` (votes of any kind, passes included); proportions carry a pseudocount,
``p_agree = (n_agree + 1) / (n_seen + 2)``; ``z_agree`` tests whether agreement is above one half; the
representativeness of a statement for a group compares the group with everyone else clustered:
``r_agree = p_agree / ((n_agree_rest + 1) / (n_seen_rest + 2))`` and ``z_r_agree`` is the
two-proportion z statistic with one added to each count. Significance is Polis's one-sided 90% level,
z > 1.2816. Disagreement is the same with ``disagree``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["Z90", "prop_test", "two_prop_test", "group_statement_stats", "representative_statements",
           "consensus_statements", "divisive_statements", "overall_statements", "every_statement", "statement_tables",
           "MAJORITY_SHARE", "UNCERTAIN_SHARE", "MIN_SEEN_OVERALL"]

#: One-sided z for 90% confidence (Polis's ``z-sig-90?``).
Z90 = 1.2816


def prop_test(successes, n):
    """Polis's one-proportion z statistic against one half, with one added to each count.

    Examples
    --------
    >>> round(float(prop_test(8, 10)), 4)   # 2 * sqrt(11) * (9/11 - 0.5)
    2.1106
    """
    s, n = np.asarray(successes, dtype=float) + 1, np.asarray(n, dtype=float) + 1
    return 2 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(succ_in, succ_out, n_in, n_out):
    """Polis's two-proportion z statistic (in-group vs the rest), with one added to each count.

    Examples
    --------
    >>> round(float(two_prop_test(9, 1, 10, 10)), 4)   # (10/11 - 2/11) / sqrt(12/22 * 10/22 * 2/11)
    3.4254
    """
    s1, s2, n1, n2 = (np.asarray(x, dtype=float) + 1 for x in (succ_in, succ_out, n_in, n_out))
    p1, p2, p = s1 / n1, s2 / n2, (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return np.where(p >= 1, 0.0, z)


def group_statement_stats(matrix: pd.DataFrame, groups: pd.Series, *, exclude=()) -> pd.DataFrame:
    """Per group and statement: counts, proportions and Polis's tests.

    Parameters
    ----------
    matrix : DataFrame
        The vote matrix.
    groups : Series
        Group number per participant (missing: not clustered, left out).
    exclude : iterable of str
        Statements rejected by the moderator, left out.

    Returns
    -------
    DataFrame
        One row per (group, statement): ``group``, ``comment_id``, ``n_agree``, ``n_disagree``,
        ``n_pass``, ``n_seen``, ``p_agree``, ``p_disagree``, ``z_agree``, ``z_disagree``, ``r_agree``,
        ``n_agree_rest``, ``n_disagree_rest``, ``n_seen_rest`` (everyone clustered outside the group),
        ``r_disagree``, ``z_r_agree``, ``z_r_disagree``.

    Examples
    --------
    >>> m = pd.DataFrame({"s": [1, 1, -1, -1]}, index=list("abcd"), dtype=float)
    >>> st = group_statement_stats(m, pd.Series([0, 0, 1, 1], index=list("abcd")))
    >>> st[["group", "n_agree", "n_disagree", "n_seen"]].values.tolist(), st["p_agree"].tolist()
    ([[0, 2, 0, 2], [1, 0, 2, 2]], [0.75, 0.25])
    """
    keep = [c for c in matrix.columns if c not in {str(e) for e in exclude}]
    g = groups.reindex(matrix.index)
    sel = g.notna().to_numpy()
    X = matrix.loc[sel, keep].to_numpy(dtype=float)
    lab = g[sel].astype(int).to_numpy()
    ids = sorted(set(lab.tolist()))
    agree, disagree, seen = (X == 1), (X == -1), ~np.isnan(X)
    na = np.array([agree[lab == i].sum(axis=0) for i in ids]).reshape(len(ids), len(keep))
    nd = np.array([disagree[lab == i].sum(axis=0) for i in ids]).reshape(len(ids), len(keep))
    ns = np.array([seen[lab == i].sum(axis=0) for i in ids]).reshape(len(ids), len(keep))
    rest = lambda a: a.sum(axis=0, keepdims=True) - a  # noqa: E731
    out = pd.DataFrame({
        "group": np.repeat(ids, len(keep)).astype(int),
        "comment_id": np.tile(np.asarray(keep, dtype=object), len(ids)),
        "n_agree": na.ravel().astype(int), "n_disagree": nd.ravel().astype(int),
        "n_pass": (ns - na - nd).ravel().astype(int), "n_seen": ns.ravel().astype(int),
    })
    out["p_agree"] = (out["n_agree"] + 1) / (out["n_seen"] + 2)
    out["p_disagree"] = (out["n_disagree"] + 1) / (out["n_seen"] + 2)
    out["z_agree"] = prop_test(out["n_agree"], out["n_seen"])
    out["z_disagree"] = prop_test(out["n_disagree"], out["n_seen"])
    ra_rest, rd_rest, rs_rest = rest(na).ravel(), rest(nd).ravel(), rest(ns).ravel()
    out["n_agree_rest"], out["n_disagree_rest"], out["n_seen_rest"] = (ra_rest.astype(int), rd_rest.astype(int),
                                                                        rs_rest.astype(int))
    out["r_agree"] = out["p_agree"] / ((ra_rest + 1) / (rs_rest + 2))
    out["r_disagree"] = out["p_disagree"] / ((rd_rest + 1) / (rs_rest + 2))
    out["z_r_agree"] = two_prop_test(out["n_agree"], ra_rest, out["n_seen"], rs_rest)
    out["z_r_disagree"] = two_prop_test(out["n_disagree"], rd_rest, out["n_seen"], rs_rest)
    out["comment_id"] = out["comment_id"].astype("string")
    return out


def _finalise(row: pd.Series) -> dict:
    agree = row["z_r_agree"] > row["z_r_disagree"]
    d = "agree" if agree else "disagree"
    return {"group": int(row["group"]), "comment_id": row["comment_id"], "repful_for": d,
            "n_success": int(row[f"n_{d}"]), "n_seen": int(row["n_seen"]),
            "n_success_rest": int(row[f"n_{d}_rest"]), "n_seen_rest": int(row["n_seen_rest"]),
            "p_success": float(row[f"p_{d}"]),
            "z": float(row[f"z_{d}"]), "repness": float(row[f"r_{d}"]), "z_repness": float(row[f"z_r_{d}"])}


def representative_statements(stats: pd.DataFrame, *, pick_max: int = 5) -> pd.DataFrame:
    """Polis's representative statements for each group (``select-rep-comments``).

    A statement represents a group when the group agrees (or disagrees) significantly more than
    everyone else *and* significantly more than one half (both z > 1.2816). Up to ``pick_max`` are
    kept per group, ranked by ``repness * z_repness * p * z``, with the group's best agreed-on
    statement first (even when it is agreed by everyone, as Polis does) and agreements before
    disagreements. A group with none passing gets its single
    best statement, so every group can be described.

    Returns
    -------
    DataFrame
        ``group``, ``rank`` (1 = most representative), ``comment_id``, ``repful_for`` (agree or
        disagree), ``n_success``, ``n_seen``, ``n_success_rest`` and ``n_seen_rest`` (the same among
        everyone else clustered), ``p_success``, ``z``, ``repness``, ``z_repness``,
        ``passes_test``.

    Examples
    --------
    >>> m = pd.DataFrame({"s": [1.0] * 8 + [-1.0] * 8, "t": [1.0] * 16}, index=[str(i) for i in range(16)])
    >>> g = pd.Series([0] * 8 + [1] * 8, index=m.index)
    >>> representative_statements(group_statement_stats(m, g))[["group", "comment_id", "repful_for"]].values.tolist()
    [[0, 's', 'agree'], [1, 't', 'agree'], [1, 's', 'disagree']]
    """
    rows = []
    for _gid, g in stats.groupby("group", sort=True):
        passes = (((g["z_r_agree"] > Z90) & (g["z_agree"] > Z90))
                  | ((g["z_r_disagree"] > Z90) & (g["z_disagree"] > Z90)))
        voted = (g["n_agree"] + g["n_disagree"]) > 0
        # best agree: Polis's beats-best-agr?, folded over statements in order
        best_agree = None
        for _, r in g[voted].iterrows():
            if best_agree is None:
                if r["z_agree"] > Z90 or (r["r_agree"] > 1 and r["p_agree"] > 0.5):
                    best_agree = r
            elif best_agree["r_agree"] > 1.0:
                if (r["r_agree"] * r["z_r_agree"] * r["p_agree"] * r["z_agree"]
                        > best_agree["r_agree"] * best_agree["z_r_agree"] * best_agree["p_agree"]
                        * best_agree["z_agree"]):
                    best_agree = r
            elif r["p_agree"] * r["z_agree"] > best_agree["p_agree"] * best_agree["z_agree"]:
                best_agree = r
        chosen: list[dict] = []
        if passes.any():
            finals = [_finalise(r) for _, r in g[passes].iterrows()]
            if best_agree is not None:
                finals = [f for f in finals if f["comment_id"] != best_agree["comment_id"]]
            finals.sort(key=lambda f: -(f["repness"] * f["z_repness"] * f["p_success"] * f["z"]))
            head = []
            if best_agree is not None:
                b = _finalise(best_agree)
                b.update(repful_for="agree", n_success=int(best_agree["n_agree"]),
                         n_success_rest=int(best_agree["n_agree_rest"]), p_success=float(best_agree["p_agree"]), z=float(best_agree["z_agree"]),
                         repness=float(best_agree["r_agree"]), z_repness=float(best_agree["z_r_agree"]))
                head = [b]
            top = (head + finals)[:pick_max]
            chosen = [f for f in top if f["repful_for"] == "agree"] + [f for f in top if f["repful_for"] == "disagree"]
        elif best_agree is not None:
            b = _finalise(best_agree)
            b.update(repful_for="agree", n_success=int(best_agree["n_agree"]),
                     n_success_rest=int(best_agree["n_agree_rest"]), p_success=float(best_agree["p_agree"]),
                     z=float(best_agree["z_agree"]), repness=float(best_agree["r_agree"]),
                     z_repness=float(best_agree["z_r_agree"]))
            chosen = [b]
        elif len(g):
            best = g.assign(_z=np.maximum(g["z_r_agree"], g["z_r_disagree"])).sort_values("_z", ascending=False,
                                                                                        kind="stable")
            chosen = [_finalise(best.iloc[0])]
        for rank, f in enumerate(chosen, 1):
            row = {**f, "rank": rank}
            row["passes_test"] = bool(f["z"] > Z90 and f["z_repness"] > Z90)
            rows.append(row)
    cols = ["group", "rank", "comment_id", "repful_for", "n_success", "n_seen", "n_success_rest", "n_seen_rest",
            "p_success", "z", "repness", "z_repness", "passes_test"]
    out = pd.DataFrame(rows, columns=cols)
    out["comment_id"] = out["comment_id"].astype("string")
    return out


def consensus_statements(stats: pd.DataFrame, *, top: int = 5, direction: str = "agree") -> pd.DataFrame:
    """Group-aware consensus: statements every group agrees with (Polis's ``group-aware-consensus``).

    Each statement's score is the product over groups of ``(n_agree + 1) / (n_seen + 2)``, so it is high
    only when *every* group agrees, whatever the groups' sizes; ``direction="disagree"`` does the same for
    disagreement. Ties are broken by statement order.

    Returns
    -------
    DataFrame
        ``rank``, ``comment_id``, ``consensus`` (the product), ``min_share`` (the lowest share agreeing in
        any group, without pseudocounts), and for each group ``share_<group>``, with the counts behind
        it: ``agree_<group>`` (or ``disagree_<group>``) of ``seen_<group>`` who voted on the statement.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 1, 1, 1], "b": [1, 1, -1, -1]}, index=list("wxyz"), dtype=float)
    >>> st = group_statement_stats(m, pd.Series([0, 0, 1, 1], index=list("wxyz")))
    >>> consensus_statements(st, top=1)[["comment_id", "consensus"]].values.tolist()
    [['a', 0.5625]]
    """
    n_col = "n_agree" if direction == "agree" else "n_disagree"
    s = stats.assign(p=(stats[n_col] + 1) / (stats["n_seen"] + 2),
                     share=stats[n_col] / stats["n_seen"].where(stats["n_seen"] > 0))
    order = {c: i for i, c in enumerate(pd.unique(stats["comment_id"]))}
    score = s.groupby("comment_id", sort=False)["p"].prod()
    shares = s.pivot(index="comment_id", columns="group", values="share")
    out = pd.DataFrame({"comment_id": score.index.astype("string"), "consensus": score.to_numpy()})
    out["min_share"] = shares.reindex(score.index).min(axis=1).to_numpy()
    counts = s.pivot(index="comment_id", columns="group", values=n_col).reindex(score.index)
    seen = s.pivot(index="comment_id", columns="group", values="n_seen").reindex(score.index)
    for gid in shares.columns:
        out[f"share_{int(gid)}"] = shares.reindex(score.index)[gid].to_numpy()
    for gid in shares.columns:
        out[f"{direction}_{int(gid)}"] = counts[gid].fillna(0).astype("int64").to_numpy()
        out[f"seen_{int(gid)}"] = seen[gid].fillna(0).astype("int64").to_numpy()
    out["_o"] = out["comment_id"].map(order)
    out = out.sort_values(["consensus", "_o"], ascending=[False, True], kind="stable").head(top).drop(columns="_o")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def divisive_statements(stats: pd.DataFrame, *, top: int = 5, min_seen: int = 5) -> pd.DataFrame:
    """Statements that divide the groups most: the widest gap between groups in the share agreeing.

    The gap is the largest minus the smallest ``p_agree`` across groups (pseudocounts damp tiny groups);
    statements seen by fewer than ``min_seen`` participants in some group are left out. Each row names
    the group agreeing most and the group agreeing least, with the share of each that agrees and the
    counts behind it (``n_agree_most`` of ``n_seen_most``, ``n_agree_least`` of ``n_seen_least``).

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 1, 1, 1, 1, 1], "b": [1, 1, 1, -1, -1, -1]}, index=list("uvwxyz"), dtype=float)
    >>> st = group_statement_stats(m, pd.Series([0, 0, 0, 1, 1, 1], index=list("uvwxyz")))
    >>> divisive_statements(st, min_seen=1)[["comment_id", "most_agree", "least_agree"]].values.tolist()
    [['b', 0, 1], ['a', 0, 0]]
    """
    ok = stats.groupby("comment_id", sort=False)["n_seen"].min() >= min_seen
    s = stats[stats["comment_id"].isin(ok[ok].index)].sort_values(["comment_id", "group"], kind="stable")
    order = {c: i for i, c in enumerate(pd.unique(stats["comment_id"]))}
    share = s["n_agree"] / s["n_seen"].clip(lower=1)
    s = s.assign(share=share)
    hi = s.loc[s.groupby("comment_id", sort=False)["p_agree"].idxmax()].set_index("comment_id")
    lo = s.loc[s.groupby("comment_id", sort=False)["p_agree"].idxmin()].set_index("comment_id")
    out = pd.DataFrame({"comment_id": hi.index, "gap": (hi["p_agree"] - lo["p_agree"].reindex(hi.index)).to_numpy(),
                        "most_agree": hi["group"].astype(int).to_numpy(), "share_most": hi["share"].to_numpy(),
                        "least_agree": lo["group"].reindex(hi.index).astype(int).to_numpy(),
                        "share_least": lo["share"].reindex(hi.index).to_numpy(),
                        "n_agree_most": hi["n_agree"].astype("int64").to_numpy(),
                        "n_seen_most": hi["n_seen"].astype("int64").to_numpy(),
                        "n_agree_least": lo["n_agree"].reindex(hi.index).astype("int64").to_numpy(),
                        "n_seen_least": lo["n_seen"].reindex(hi.index).astype("int64").to_numpy()})
    out["_o"] = out["comment_id"].map(order)
    out = out.sort_values(["gap", "_o"], ascending=[False, True], kind="stable").head(top).drop(columns="_o")
    out.insert(0, "rank", range(1, len(out) + 1))
    out["comment_id"] = out["comment_id"].astype("string")
    return out.reset_index(drop=True)


#: Polis's report: a "majority" statement is one that at least 60% voted one way; an "area of
#: uncertainty" one that more than 30% of those who saw it passed on.
MAJORITY_SHARE = 0.6
UNCERTAIN_SHARE = 0.3
#: A statement is in either list only when at least this many people voted on it (Sensemaker's rule: a
#: share of a handful of votes says little).
MIN_SEEN_OVERALL = 20


def overall_statements(matrix: pd.DataFrame, *, exclude=(), top: int = 10,
                       min_seen: int = MIN_SEEN_OVERALL) -> pd.DataFrame:
    """What most voters agreed or disagreed with, and what they were unsure of, over everyone who voted
    (grouped or not), as Polis's report lists them.

    ``majority``: statements that at least :data:`MAJORITY_SHARE` of the people who voted on them
    agreed with (``direction`` "agree") or disagreed with ("disagree"), highest share first.
    ``uncertain``: statements that more than :data:`UNCERTAIN_SHARE` of those who voted on them passed
    on, highest share first. Polis counts a pass as a vote, so ``n_seen`` includes passes; statements
    with fewer than ``min_seen`` votes, or the moderator rejected (``exclude``), are left out. Ties go
    by more votes, then the statement's order.

    Returns
    -------
    DataFrame
        ``list`` ("majority" or "uncertain"), ``rank``, ``comment_id``, ``direction`` (majority only),
        ``n_agree``, ``n_disagree``, ``n_pass``, ``n_seen``, ``share`` (agreeing, disagreeing or passing,
        of ``n_seen``); at most ``top`` rows per list.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 1, 1, -1, 0], "b": [-1, -1, -1, -1, 1], "c": [0, 0, 1, -1, float("nan")]},
    ...                  dtype=float)
    >>> overall_statements(m, min_seen=4)[["list", "comment_id", "direction", "share"]].values.tolist()
    [['majority', 'b', 'disagree', 0.8], ['majority', 'a', 'agree', 0.6], ['uncertain', 'c', None, 0.5]]
    """
    cols = [c for c in matrix.columns if str(c) not in {str(e) for e in exclude}]
    x = matrix[cols].to_numpy(dtype=float)
    n_agree, n_disagree = (x == 1).sum(axis=0), (x == -1).sum(axis=0)
    n_pass, n_seen = (x == 0).sum(axis=0), (~np.isnan(x)).sum(axis=0)
    base = pd.DataFrame({"comment_id": pd.array([str(c) for c in cols], dtype="string"), "n_agree": n_agree,
                         "n_disagree": n_disagree, "n_pass": n_pass, "n_seen": n_seen, "_o": range(len(cols))})
    base = base[base["n_seen"] >= max(min_seen, 1)]
    agree_share, disagree_share = base["n_agree"] / base["n_seen"], base["n_disagree"] / base["n_seen"]
    majority = base.assign(direction=np.where(agree_share >= disagree_share, "agree", "disagree"),
                           share=np.maximum(agree_share, disagree_share))
    majority = majority[majority["share"] >= MAJORITY_SHARE - 1e-12]
    uncertain = base.assign(direction=None, share=base["n_pass"] / base["n_seen"])
    uncertain = uncertain[uncertain["share"] > UNCERTAIN_SHARE + 1e-12]
    parts = []
    for name, part in (("majority", majority), ("uncertain", uncertain)):
        part = part.sort_values(["share", "n_seen", "_o"], ascending=[False, False, True], kind="stable").head(top)
        parts.append(part.assign(list=name, rank=range(1, len(part) + 1)))
    out = pd.concat(parts, ignore_index=True)
    out["share"] = out["share"].astype(float).round(6)
    return out[["list", "rank", "comment_id", "direction", "n_agree", "n_disagree", "n_pass", "n_seen", "share"]]


def every_statement(matrix: pd.DataFrame, stats: pd.DataFrame, *, exclude=()) -> pd.DataFrame:
    """How everyone voted on every statement, and each group: the ``all`` list of the statements table,
    so a reader can check what the other lists leave out (an audit of a briefing that named 10 of 50).

    Returns
    -------
    DataFrame
        In the statements' order: ``list`` ("all"), ``rank``, ``comment_id``, ``n_agree``,
        ``n_disagree``, ``n_pass``, ``n_seen`` (everyone who voted on it, grouped or not), and for each
        group ``agree_<group>`` and ``disagree_<group>`` of ``seen_<group>``.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 1, -1, 0], "b": [-1, float("nan"), 1, 1]}, index=list("wxyz"), dtype=float)
    >>> st = group_statement_stats(m, pd.Series([0, 0, 1, float("nan")], index=list("wxyz")))
    >>> every_statement(m, st).drop(columns="list").values.tolist()
    [[1, 'a', 2, 1, 1, 4, 2, 0, 2, 0, 1, 1], [2, 'b', 2, 1, 0, 3, 0, 1, 1, 1, 0, 1]]
    """
    cols = [c for c in matrix.columns if str(c) not in {str(e) for e in exclude}]
    x = matrix[cols].to_numpy(dtype=float)
    out = pd.DataFrame({"list": "all", "rank": range(1, len(cols) + 1),
                        "comment_id": pd.array([str(c) for c in cols], dtype="string"),
                        "n_agree": (x == 1).sum(axis=0), "n_disagree": (x == -1).sum(axis=0),
                        "n_pass": (x == 0).sum(axis=0), "n_seen": (~np.isnan(x)).sum(axis=0)})
    for g, part in stats.groupby("group", sort=True):
        by_id = part.set_index(part["comment_id"].astype(str))
        for name, column in (("agree", "n_agree"), ("disagree", "n_disagree"), ("seen", "n_seen")):
            out[f"{name}_{int(g)}"] = out["comment_id"].map(by_id[column]).fillna(0).astype(int).to_numpy()
    return out


def statement_tables(statements: pd.DataFrame, names: dict | None = None) -> dict[str, pd.DataFrame]:
    """The statements table (``opinion_statements.parquet``: every list in one frame, mostly empty
    cells) as one readable table per list, with groups by their letters and the full text.

    ``names`` maps a group number to its name (``opinion_groups.parquet``'s ``group`` and
    ``group_name``); by default the names the representative rows carry.

    Returns
    -------
    dict of DataFrame
        ``representative`` (group, agrees or disagrees, how many of the group who voted, the share of
        everyone else, text), ``consensus`` (each group's share agreeing, text), ``rejected`` (each
        group's share disagreeing, text), ``divisive`` (the group
        agreeing most and least, the gap, text), ``majority`` and ``uncertain`` (agree, disagree and
        pass, each of those who voted; text), ``all`` (every statement: agree, disagree and pass, and
        each group's share agreeing; text), ``most_agreed`` (per question) when present.

    Examples
    --------
    >>> s = pd.DataFrame({"list": ["representative", "divisive"], "group": [0.0, None], "rank": [1, 1],
    ...     "comment_id": ["8", "8"], "repful_for": ["agree", None], "n_success": [77.0, None],
    ...     "n_seen": [89.0, None], "n_success_rest": [7.0, None], "n_seen_rest": [73.0, None],
    ...     "group_name": ["A", None], "gap": [None, 0.75], "most_agree": [None, 0.0], "least_agree": [None, 1.0],
    ...     "share_most": [None, 0.8652], "share_least": [None, 0.096], "text": ["Labour should oppose it."] * 2})
    >>> t = statement_tables(s, {0: "A", 1: "B"})
    >>> t["representative"].iloc[0].tolist()
    ['A', 'agrees', '77 of 89 (87%)', '7 of 73 (10%)', '8', 'Labour should oppose it.']
    >>> print(*t["divisive"].iloc[0], sep=" | ")
    A (87%) | B (10%) | 75 | 8 | Labour should oppose it.
    """
    if names is None:
        rep = statements[statements["list"] == "representative"]
        names = (dict(zip(rep["group"].dropna().astype(int), rep["group_name"], strict=False))
                 if {"group", "group_name"} <= set(rep.columns) else {})
    names = {int(k): str(v) for k, v in names.items()}

    def of(k, n) -> list[str]:
        return [f"{int(a)} of {int(b)} ({a / b:.0%})" if b else "" for a, b in zip(k, n, strict=True)]

    out: dict[str, pd.DataFrame] = {}
    rep = statements[statements["list"] == "representative"]
    if len(rep):
        out["representative"] = pd.DataFrame({
            "group": [names.get(int(g), str(g)) for g in rep["group"]],
            "the group": rep["repful_for"].map({"agree": "agrees", "disagree": "disagrees"}).to_numpy(),
            "in the group": of(rep["n_success"], rep["n_seen"]),
            "everyone else": of(rep["n_success_rest"], rep["n_seen_rest"]),
            "statement": rep["comment_id"].astype(str).to_numpy(), "text": rep["text"].to_numpy()})
    for name, verb in (("consensus", "agree"), ("rejected", "disagree")):
        con = statements[statements["list"] == name]
        if len(con):
            table = pd.DataFrame({"statement": con["comment_id"].astype(str).to_numpy()})
            for col in sorted(c for c in con.columns if c.startswith("share_") and c[6:].isdigit()):
                g = int(col[6:])
                agree, seen = con.get(f"{verb}_{g}"), con.get(f"seen_{g}")
                table[f"group {names.get(g, g)} {verb}ing"] = (
                    of(agree, seen) if agree is not None and seen is not None else [f"{v:.0%}" for v in con[col]])
            out[name] = table.assign(text=con["text"].to_numpy())
    div = statements[statements["list"] == "divisive"]
    if len(div):
        out["divisive"] = pd.DataFrame({
            "agrees most": [f"{names.get(int(g), g)} ({v:.0%})" for g, v in zip(div["most_agree"], div["share_most"],
                                                                              strict=True)],
            "agrees least": [f"{names.get(int(g), g)} ({v:.0%})" for g, v in zip(div["least_agree"], div["share_least"],
                                                                               strict=True)],
            "gap (points)": [int(round(g * 100)) for g in div["gap"]],
            "statement": div["comment_id"].astype(str).to_numpy(), "text": div["text"].to_numpy()})
    for name in ("majority", "uncertain"):
        part = statements[statements["list"] == name]
        if len(part):
            out[name] = pd.DataFrame({
                **({"most voters": part["direction"].map({"agree": "agree", "disagree": "disagree"}).to_numpy()}
                   if name == "majority" else {}),
                "agree": of(part["n_agree"], part["n_seen"]), "disagree": of(part["n_disagree"], part["n_seen"]),
                "pass": of(part["n_pass"], part["n_seen"]),
                "statement": part["comment_id"].astype(str).to_numpy(), "text": part["text"].to_numpy()})
    every = statements[statements["list"] == "all"]
    if len(every):
        table = pd.DataFrame({"statement": every["comment_id"].astype(str).to_numpy(),
                              "agree": of(every["n_agree"], every["n_seen"]),
                              "disagree": of(every["n_disagree"], every["n_seen"]),
                              "pass": of(every["n_pass"], every["n_seen"])})
        for col in sorted((c for c in every.columns if c.startswith("agree_") and c[6:].isdigit()),
                          key=lambda c: int(c[6:])):
            g = int(col[6:])
            table[f"group {names.get(g, g)} agreeing"] = of(every[col], every[f"seen_{g}"])
        out["all"] = table.assign(text=every["text"].to_numpy())
    most = statements[statements["list"] == "most_agreed"]
    if len(most):
        out["most_agreed"] = most.dropna(axis=1, how="all").drop(columns=["list"])
    return out
