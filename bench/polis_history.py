"""``python -m bench.polis_history``: how much Polis's own groups depend on when its math ran.

Polis recomputes a conversation's groups whenever new votes arrive, and every update starts from the
previous one: its base clusters, its group clusters for each number of groups, who is clustered, and
the number of groups, which changes only after a new number wins four updates in a row (Polis's
``math/src/polismath/math/conversation.clj`` and ``clusters.clj``). An export's ``group-id`` is either
the stored state after the last of those updates, or, for an export made "at a time"
(``darwin/export.clj``), one update from nothing over all the votes. The export keeps every vote with
its time, but says neither which kind it is nor when the math ran.

This study replays each conversation's votes in time order through an emulation of that update, running
the math N times at evenly spaced points of the vote stream, and reports the adjusted Rand index (ARI)
with Polis's ``group-id`` for each N, and for a single update over the whole export (participants in
the order of ``votes.csv``, as Polis builds its matrix from stored votes). It is an approximation: the
real update times, the moderation history (the final moderation is applied throughout), and the
order of participants within a batch are unknown, and who is grouped follows either the export's
``group-id`` holders from their first vote (``--clustered export``, the default) or Polis's own rule
as votes arrive (``--clustered polis``: at least ``min(7, statements)`` votes, topped up to 15, once in
always in). Where the ARI moves a lot with N or with these choices, the export alone does not pin
Polis's groups down. Writes ``bench/results/polis-history-<clustered>-<time>.csv``. Takes about ten
minutes on two cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, silhouette_score

from helpers import paths
from helpers.opinions.model import OpinionGroups, first_distinct
from helpers.opinions.polis import comparable_conversations, load_export

from . import write_results

UPDATES = (25, 100, 400, 1600)
BASE_K, BASE_ITERS, GROUP_ITERS, MAX_GROUPS, K_BUFFER = 100, 100, 20, 5, 4  # Polis's defaults
MIN_VOTES, GREEDY_N = 7, 15  # Polis's in-conv rule


def _centres(points, labels, n, weights):
    """Weighted mean of the points of each label 0..n-1 (labels -1 ignored) and each label's weight."""
    keep = labels >= 0
    totals = np.bincount(labels[keep], weights=weights[keep], minlength=n)
    sums = np.column_stack([np.bincount(labels[keep], weights=points[keep, j] * weights[keep], minlength=n)
                            for j in range(points.shape[1])])
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / totals[:, None], totals


def polis_kmeans(points: np.ndarray, k: int, previous: np.ndarray | None = None, *,
                 weights: np.ndarray | None = None, max_iter: int = GROUP_ITERS) -> tuple[np.ndarray, np.ndarray]:
    """Polis's k-means (``clusters.clj``): from the previous clusters when there are any, else from the
    first ``k`` distinct points.

    ``previous`` gives each point's cluster id in the last update (-1 for points new to the clustering).
    Starting from it, as Polis's ``clean-start-clusters`` does: clusters are recentred on their members,
    clusters with identical centres merge (keeping the id of the larger), and while there are fewer
    than ``k`` clusters and distinct points, the point farthest from every centre leaves its cluster to
    start a new one. Then Lloyd's iterations until no centre moves by 0.01 (empty clusters dropped).

    Returns ``(ids, labels)``: cluster ids, and each point's cluster id.

    Examples
    --------
    >>> pts = np.array([[0.0, 0], [10, 0], [0, 1], [10, 1]])
    >>> polis_kmeans(pts, 2)[1].tolist()  # starts from the first two points
    [0, 1, 0, 1]
    >>> polis_kmeans(pts, 2, np.array([5, 5, 5, -1]))[1].tolist()  # the farthest point splits off as id 6
    [5, 6, 5, 6]
    """
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    if previous is not None and (previous >= 0).any():
        ids, labels = np.unique(previous[previous >= 0]), np.full(len(points), -1)
        labels[previous >= 0] = np.searchsorted(ids, previous[previous >= 0])
        centres, totals = _centres(points, labels, len(ids), w)
        _, first, inverse = np.unique(centres, axis=0, return_index=True, return_inverse=True)
        if len(first) < len(ids):  # merge clusters with identical centres into the larger one
            keep_for = {g: max(np.flatnonzero(inverse == g), key=lambda c: (totals[c], c)) for g in range(len(first))}
            target = np.array([keep_for[g] for g in inverse.ravel()])
            labels = np.where(labels >= 0, target[labels], -1)
        possible = min(k, len(np.unique(points, axis=0)))
        while True:
            used = np.unique(labels[labels >= 0])
            remap = np.full(len(ids), -1)
            remap[used] = np.arange(len(used))
            ids, labels = ids[used], np.where(labels >= 0, remap[labels], -1)
            centres, _ = _centres(points, labels, len(ids), w)
            if len(ids) >= possible:
                break
            far = np.sqrt(((points[:, None, :] - centres[None]) ** 2).sum(-1)).min(axis=1)
            i = len(far) - 1 - int(np.argmax(far[::-1]))  # the last of equally distant points
            if far[i] <= 0:
                break
            ids = np.append(ids, ids.max() + 1)
            labels[i] = len(ids) - 1
    else:
        centres = first_distinct(points, k)
        ids = np.arange(len(centres))
    for iteration in range(max_iter + 1):  # Polis keeps the members of the last assignment step
        labels = ((points[:, None, :] - centres[None]) ** 2).sum(-1).argmin(axis=1)
        members = ids[labels]
        used = np.unique(labels)
        new, _ = _centres(points, labels, len(ids), w)
        new, ids = new[used], ids[used]
        old_sorted, new_sorted = np.array(sorted(map(tuple, centres))), np.array(sorted(map(tuple, new)))
        m = min(len(old_sorted), len(new_sorted))
        centres = new
        if (np.sqrt(((old_sorted[:m] - new_sorted[:m]) ** 2).sum(1)) < 0.01).all() or iteration == max_iter:
            break
    return ids, members


def smooth_k(state: dict, scores: dict) -> dict:
    """Polis's ``group-k-smoother``: the number of groups with the best silhouette this update (the
    larger on ties) replaces the current one only once it has been best ``K_BUFFER`` updates in a row.

    Examples
    --------
    >>> state, chosen = {}, []
    >>> for best in (2, 3, 3, 3, 3):
    ...     state = smooth_k(state, {2: 0.5, 3: 0.6} if best == 3 else {2: 0.6, 3: 0.5})
    ...     chosen.append(state["chosen"])
    >>> chosen
    [2, 2, 2, 2, 3]
    """
    best = max(k for k in scores if scores[k] == max(scores.values()))
    count = state.get("count", 0) + 1 if state.get("last") == best else 1
    chosen = best if count >= K_BUFFER else state.get("chosen", best)
    return {"last": best, "count": count, "chosen": chosen if chosen in scores else best}


class PolisReplay:
    """Polis's incremental math over a vote stream, one update per batch of votes."""

    def __init__(self, votes: pd.DataFrame, moderated_out, include, *, order: str = "time",
                 clustered: str = "export"):
        v = votes.sort_values("created_at" if order == "time" else "source_row", kind="stable")
        self.pids = pd.unique(v["voter_id"].astype(str).to_numpy())
        self.tids = pd.unique(v["comment_id"].astype(str).to_numpy())
        self.rows = pd.Index(self.pids).get_indexer(v["voter_id"].astype(str))
        self.cols = pd.Index(self.tids).get_indexer(v["comment_id"].astype(str))
        self.values = v["vote"].astype(float).to_numpy()
        self.exclude = {str(t) for t in moderated_out}
        self.include = np.isin(self.pids, [str(p) for p in include])
        self.rule = clustered
        self.in_conv = np.zeros(len(self.pids), dtype=bool)
        self.votes = np.full((len(self.pids), len(self.tids)), np.nan)
        self.base = np.full(len(self.pids), -1)  # base cluster id per participant
        self.groups: dict[int, dict[int, int]] = {}  # k -> base cluster id -> group id
        self.smoother: dict = {}
        self.done = 0

    def update(self, upto: int) -> None:
        """Apply the votes up to position ``upto`` of the stream, then run one Polis update."""
        r, c = self.rows[self.done:upto], self.cols[self.done:upto]
        self.votes[r, c] = self.values[self.done:upto]
        self.done = upto
        n_rows, n_cols = self.rows[:upto].max() + 1, self.cols[:upto].max() + 1
        matrix = pd.DataFrame(self.votes[:n_rows, :n_cols], columns=self.tids[:n_cols])
        proj = OpinionGroups()._project(matrix, self.exclude)
        counts = matrix.notna().sum(axis=1).to_numpy()
        if self.rule == "polis":  # Polis's in-conv: min(7, statements) votes, topped up to 15; once in, in
            in_conv = self.in_conv[:n_rows]
            in_conv |= counts >= min(MIN_VOTES, n_cols)
            if in_conv.sum() < GREEDY_N:
                extra = [i for i in np.argsort(-counts, kind="stable") if not in_conv[i]]
                in_conv[extra[:GREEDY_N - int(in_conv.sum())]] = True
            clustered = np.flatnonzero(in_conv)
        else:  # the participants the export says Polis grouped, from their first vote
            clustered = np.flatnonzero(self.include[:n_rows] & (counts > 0))
        if len(clustered) < 2:
            return
        points = proj[clustered]
        _, self.base[clustered] = polis_kmeans(points, BASE_K, self.base[clustered], max_iter=BASE_ITERS)
        base_ids = np.unique(self.base[clustered])
        centres, sizes = _centres(points, np.searchsorted(base_ids, self.base[clustered]), len(base_ids),
                                  np.ones(len(points)))
        scores, groups = {}, {}
        for k in range(2, min(MAX_GROUPS, 2 + len(base_ids) // 12) + 1):
            if len(base_ids) < k:
                continue
            last = self.groups.get(k, {})
            previous = np.array([last.get(b, -1) for b in base_ids]) if last else None
            _, labels = polis_kmeans(centres, k, previous, weights=sizes, max_iter=GROUP_ITERS)
            groups[k] = dict(zip(base_ids.tolist(), labels.tolist(), strict=True))
            scores[k] = silhouette_score(centres, labels) if 1 < len(np.unique(labels)) < len(base_ids) else 0.0
        if scores:  # fewer base clusters than two groups: keep the last grouping, as Polis keeps its groups
            self.groups = groups
            self.smoother = smooth_k(self.smoother, scores)

    def labels(self) -> pd.Series:
        """Group per clustered participant id, after the last update."""
        k = self.smoother.get("chosen")
        if k is None:
            return pd.Series(dtype="Int64")
        clustered = np.flatnonzero(self.base >= 0)
        return pd.Series([self.groups[k].get(b, -1) for b in self.base[clustered]], index=self.pids[clustered])


def replay(export, n_updates: int, *, order: str = "time", clustered: str = "export") -> pd.Series:
    """Polis's groups after replaying ``export``'s votes with ``n_updates`` evenly spaced updates.

    ``clustered``: "export" groups the participants the export says Polis grouped, from their first
    vote; "polis" applies Polis's own rule as the votes arrive (see :class:`PolisReplay`).
    """
    run = PolisReplay(export.votes, export.moderated_out, export.polis_groups.index, order=order,
                      clustered=clustered)
    for upto in sorted(set(np.linspace(0, len(export.votes), n_updates + 1).astype(int)[1:]) - {0}):
        run.update(upto)
    return run.labels()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.polis_history", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(paths.shared_corpora_dir() / "polis-opendata"))
    parser.add_argument("--updates", type=int, nargs="+", default=list(UPDATES))
    parser.add_argument("--clustered", choices=("export", "polis"), default="export",
                        help="who is grouped: the export's group-id holders (default), or Polis's own rule")
    args = parser.parse_args(argv)
    root = Path(args.root)
    if not root.is_dir():
        print(f"Polis history study skipped: {root} not found", file=sys.stderr)
        return 0
    rows = []
    for folder in comparable_conversations(root):
        export = load_export(folder)
        polis = export.polis_groups
        row = {"conversation": export.name}
        start = time.perf_counter()
        for name, n, order in [("one_update", 1, "file")] + [(f"updates_{n}", n, "time") for n in args.updates]:
            ours = replay(export, n, order=order, clustered=args.clustered).reindex(polis.index).fillna(-1)
            ours = ours.astype(int)
            row[name] = round(float(adjusted_rand_score(polis.to_numpy(dtype=int), ours.to_numpy())), 3)
        runs = [row[f"updates_{n}"] for n in args.updates]
        row["spread"] = round(max(runs) - min(runs), 3)
        row["seconds"] = round(time.perf_counter() - start, 1)
        rows.append(row)
        print(", ".join(f"{k} {v}" for k, v in row.items()), file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200):
        print(table.to_string(index=False))
    print("\nmedian ARI: " + ", ".join(f"{c} {table[c].median():.3f}" for c in table.columns[1:-2]))
    print(f"conversations whose ARI moves by more than 0.1 with the number of updates: "
          f"{int((table['spread'] > 0.1).sum())} of {len(table)} (at most {table['spread'].max():.2f})")
    out, = write_results({f"polis-history-{args.clustered}": table})
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
