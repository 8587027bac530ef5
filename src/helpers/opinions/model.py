"""Opinion groups from a vote matrix, following Polis's math (compdemocracy/polis, ``math/``).

1. **Moderation**: statements the moderator rejected keep their column but every entry becomes 0, as
   Polis's ``zero-out-columns`` does: they carry no opinion and count as seen in the scaling below.
2. **PCA with missing votes**: each statement's mean over the votes it received is its centre; a missing
   vote is imputed at that mean (so it contributes nothing); two principal components from the SVD of
   the centred matrix. Signs are fixed so each component's largest loading is positive, so the map is
   the same on every run (Polis's power iteration leaves the sign to its random start).
3. **Sparse voters**: a participant's projection is multiplied by ``sqrt(n_statements / n_votes)``
   (Polis's ``sparsity-aware-project-ptpt``), so someone who voted on few statements is not pulled to
   the centre just because their missing votes were imputed at the mean.
4. **Participation filter**: only participants with at least ``min(7, n_statements)`` votes (topped up
   to 15 with the most active) are clustered (:func:`helpers.opinions.matrix.participation`).
5. **Two-level k-means**: the clustered participants are first grouped into up to 100 small *base
   clusters* (deterministic k-means started from the first distinct points, as Polis does); the base
   clusters, weighted by their sizes, are then grouped into 2 to ``max_groups`` opinion groups. For
   each number of groups the lowest weighted within-group sum of squares is kept, over Polis's own start
   (the first k distinct base clusters) and ``n_init`` k-means++ starts from a seeded generator.
6. **Number of groups**: by the silhouette of the base clusters (Polis's ``group-clusterings-
   silhouettes``); Polis only changes its number of groups when a new one wins several updates in a row,
   which favours the number it started with; here a larger number must beat the best smaller one by
   ``k_margin`` (the same preference for stability, without the conversation's history).

Groups are numbered by size, largest first (ties: the group holding the earlier participant), and
named A, B, C... as Polis shows them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.linalg import eigh
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from .matrix import participation

__all__ = ["OpinionGroups", "group_name", "first_distinct", "lloyd", "kmeans_plus_plus"]

BASE_ITERS = 100  # Polis's :base-iters
GROUP_ITERS = 20  # Polis's kmeans default (:max-iters), used for group clusters


def group_name(i: int) -> str:
    """Polis's name for group number ``i``: 0 -> "A", 1 -> "B", ...

    Examples
    --------
    >>> [group_name(i) for i in range(3)]
    ['A', 'B', 'C']
    """
    return chr(ord("A") + int(i)) if 0 <= int(i) < 26 else f"G{int(i) + 1}"


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Rows of ``points`` that start Polis's k-means: the first ``k`` distinct rows, in row order."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]].copy()


def _assign(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    d = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1)
    return d.argmin(axis=1)


def lloyd(points: np.ndarray, centres: np.ndarray, *, weights: np.ndarray | None = None,
          max_iter: int = BASE_ITERS) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic (weighted) k-means from given centres; empty clusters are dropped, as in Polis.

    Returns ``(labels, centres)``, labels indexing the returned centres.

    Examples
    --------
    >>> pts = np.array([[0.0, 0], [0, 1], [10, 0], [10, 1]])
    >>> labels, centres = lloyd(pts, pts[[0, 2]])
    >>> labels.tolist(), centres.tolist()
    ([0, 0, 1, 1], [[0.0, 0.5], [10.0, 0.5]])
    """
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    for _ in range(max_iter):
        labels = _assign(points, centres)
        used = np.flatnonzero(np.bincount(labels, minlength=len(centres)) > 0)
        sums = np.zeros((len(centres), points.shape[1]))
        np.add.at(sums, labels, points * w[:, None])
        totals = np.bincount(labels, weights=w, minlength=len(centres))
        new = sums[used] / totals[used, None]
        converged = len(new) == len(centres) and np.allclose(new, centres, rtol=0, atol=1e-10)
        centres = new
        if converged:
            break
    return _assign(points, centres), centres


def kmeans_plus_plus(points: np.ndarray, k: int, *, weights: np.ndarray | None = None,
                     rng: np.random.Generator | None = None) -> np.ndarray:
    """k-means++ starting centres (Arthur and Vassilvitskii, 2007), weighted, from a seeded generator.

    Examples
    --------
    >>> pts = np.array([[0.0, 0], [0, 1], [10, 0]])
    >>> kmeans_plus_plus(pts, 3, rng=np.random.default_rng(0)).shape
    (3, 2)
    """
    rng = rng or np.random.default_rng(0)
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    centres = [points[rng.choice(len(points), p=w / w.sum())]]
    d2 = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        p = w * d2
        i = rng.choice(len(points), p=p / p.sum()) if p.sum() > 0 else int(rng.integers(len(points)))
        centres.append(points[i])
        d2 = np.minimum(d2, ((points - points[i]) ** 2).sum(axis=1))
    return np.array(centres)


def _weighted_sse(points, labels, weights) -> float:
    out = 0.0
    for g in np.unique(labels):
        sel = labels == g
        centre = np.average(points[sel], axis=0, weights=weights[sel])
        out += float((weights[sel] * ((points[sel] - centre) ** 2).sum(axis=1)).sum())
    return out


class OpinionGroups:
    """Polis-style opinion groups: PCA of the vote matrix, then two-level k-means.

    Parameters
    ----------
    min_votes : int, default 7
        Participants with fewer votes (or fewer than the number of statements, if smaller) are not
        clustered, but are counted and shown on the map.
    greedy_n : int, default 15
        When fewer participants qualify, the most active are added up to this many (Polis).
    base_k : int, default 100
        Number of base clusters (Polis's ``base-k``).
    max_groups : int, default 5
        Most opinion groups considered (Polis's ``max-k``); never more than ``2 + n_base / 12``.
    n_groups : int, default 0
        Fix the number of groups; 0 chooses it by silhouette.
    k_margin : float, default 0.03
        A larger number of groups is chosen only if its silhouette beats the best smaller one by this.
    n_init : int, default 10
        Seeded k-means++ starts tried for the group clustering, besides Polis's own start.
    random_state : int, default 0
        Seed of those starts; with the same data and parameters the result is identical.

    Attributes
    ----------
    center_ : Series
        Each statement's mean vote (the PCA centre).
    components_ : DataFrame
        The two principal components (rows ``pc1``, ``pc2``; one column per statement).
    explained_variance_ratio_ : ndarray
        Share of the (imputed) vote variance each component carries.
    projection_ : DataFrame
        One row per participant: ``x``, ``y``, ``n_votes``, ``clustered``, ``base_cluster``, ``group``.
    labels_ : Series
        Group number per participant (``Int64``; missing for participants not clustered).
    n_groups_ : int
    k_scores_ : DataFrame
        ``n_groups``, ``silhouette``, ``chosen`` for each number of groups tried.
    group_centres_ : ndarray
        Centre of each group on the map (row i is group i).

    Examples
    --------
    >>> m = pd.DataFrame([[1, 1, -1, -1]] * 6 + [[-1, -1, 1, 1]] * 4, dtype=float,
    ...                  index=[str(i) for i in range(10)], columns=list("abcd"))
    >>> m.iloc[0, 0] = 0.0
    >>> model = OpinionGroups(min_votes=4).fit(m)
    >>> model.n_groups_, model.labels_.tolist()
    (2, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    """

    def __init__(self, *, min_votes: int = 7, greedy_n: int = 15, base_k: int = 100, max_groups: int = 5,
                 n_groups: int = 0, k_margin: float = 0.03, n_init: int = 10, random_state: int = 0):
        self.min_votes = min_votes
        self.greedy_n = greedy_n
        self.base_k = base_k
        self.max_groups = max_groups
        self.n_groups = n_groups
        self.k_margin = k_margin
        self.n_init = n_init
        self.random_state = random_state

    # --- projection -----------------------------------------------------------------------------
    def _project(self, matrix: pd.DataFrame, exclude: set[str]) -> np.ndarray:
        X = matrix.to_numpy(dtype=float, copy=True)
        out_cols = matrix.columns.isin(list(exclude))
        X[:, out_cols] = 0.0
        seen = ~np.isnan(X)
        with np.errstate(invalid="ignore"):
            center = np.where(seen.any(axis=0), np.nanmean(np.where(seen, X, 0.0), axis=0, where=seen), 0.0)
        centred = np.where(seen, X - center, 0.0)
        n_comp = 2
        # The top eigenvectors of the statements' covariance are the right singular vectors of the centred
        # matrix; the statements-by-statements product is small, so this is much faster than a full SVD.
        # One BLAS thread: deterministic, and not slowed by other processes competing for cores.
        with threadpool_limits(1):
            cov = centred.T @ centred
            m = cov.shape[0]
            total = float(np.trace(cov))
            if m:
                values, vectors = eigh(cov, subset_by_index=[max(m - n_comp, 0), m - 1])
            else:
                values, vectors = np.zeros(0), np.zeros((0, 0))
        order = np.argsort(-values, kind="stable")[:n_comp]
        comps = np.zeros((n_comp, X.shape[1]))
        comps[: len(order)] = vectors[:, order].T
        for row in comps:  # sign: largest absolute loading positive (first such on ties)
            if row.any() and row[np.argmax(np.abs(row))] < 0:
                row *= -1
        ratio = np.zeros(n_comp)
        if total > 0:
            ratio[: len(order)] = np.clip(values[order], 0, None) / total
        n_votes = seen.sum(axis=1)
        scale = np.sqrt(X.shape[1] / np.maximum(n_votes, 1))
        self.center_ = pd.Series(center, index=matrix.columns, name="center")
        self.components_ = pd.DataFrame(comps, index=["pc1", "pc2"], columns=matrix.columns)
        self.explained_variance_ratio_ = ratio
        return (centred @ comps.T) * scale[:, None]

    # --- clustering -----------------------------------------------------------------------------
    def _group(self, base: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
        """Weighted k-means of the base clusters into k groups: lowest SSE over Polis's start and k-means++."""
        labels, _ = lloyd(base, first_distinct(base, k), weights=weights, max_iter=GROUP_ITERS)
        best = (_weighted_sse(base, labels, weights), labels)
        rng = np.random.default_rng(self.random_state)
        for _ in range(int(self.n_init)):
            other, _ = lloyd(base, kmeans_plus_plus(base, k, weights=weights, rng=rng), weights=weights,
                             max_iter=BASE_ITERS)
            sse = _weighted_sse(base, other, weights)
            if sse < best[0] - 1e-9 * max(1.0, best[0]):
                best = (sse, other)
        return best[1]

    def fit(self, matrix: pd.DataFrame, *, exclude: Iterable[str] = (), include: Iterable | None = None
            ) -> OpinionGroups:
        """Fit on a vote matrix (:func:`helpers.opinions.matrix.vote_matrix`).

        Parameters
        ----------
        matrix : DataFrame
            Participants by statements; 1, -1, 0 or NaN.
        exclude : iterable of str
            Statements the moderator rejected (zeroed, as Polis does).
        include : iterable, optional
            Participants to cluster whatever their number of votes.
        """
        exclude = {str(e) for e in exclude}
        proj = self._project(matrix, exclude)
        n_votes = matrix.notna().sum(axis=1).to_numpy()
        clustered = participation(matrix, min_votes=self.min_votes, greedy_n=self.greedy_n,
                                  include=include).to_numpy()
        idx = np.flatnonzero(clustered)
        points = proj[idx]
        base_labels = np.full(len(matrix), -1)
        group_of_base = np.zeros(0, dtype=int)
        scores = []
        if len(points):
            k_base = min(int(self.base_k), len(np.unique(points, axis=0)))
            blabels, base = lloyd(points, first_distinct(points, k_base))
            base_labels[idx] = blabels
            weights = np.bincount(blabels, minlength=len(base)).astype(float)
            max_k = min(int(self.max_groups), 2 + len(base) // 12, len(base))
            candidates = [int(self.n_groups)] if self.n_groups else list(range(2, max_k + 1))
            candidates = [k for k in candidates if 2 <= k <= len(base)]
            results = {}
            for k in candidates:
                labels = self._group(base, weights, k)
                n_distinct = len(np.unique(labels))
                sil = float(silhouette_score(base, labels)) if 1 < n_distinct < len(base) else 0.0
                results[k] = (sil, labels)
            if results:
                chosen = candidates[0]
                for k in candidates[1:]:
                    if results[k][0] > results[chosen][0] + self.k_margin:
                        chosen = k
                group_of_base = results[chosen][1]
                scores = [{"n_groups": k, "silhouette": round(results[k][0], 6), "chosen": k == chosen}
                          for k in candidates]
            else:  # one or two base clusters: a single group
                group_of_base = np.zeros(len(base), dtype=int)
        # Renumber groups by size (participants), largest first; ties: the group of the earlier participant.
        raw = np.full(len(matrix), -1)
        raw[idx] = group_of_base[base_labels[idx]] if len(idx) else raw[idx]
        present = [g for g in np.unique(raw) if g >= 0]
        order = sorted(present, key=lambda g: (-int((raw == g).sum()), int(np.flatnonzero(raw == g)[0])))
        renumber = {g: i for i, g in enumerate(order)}
        group = np.array([renumber.get(g, -1) for g in raw])
        self.labels_ = pd.Series(pd.array(np.where(group >= 0, group, 0), dtype="Int64"), index=matrix.index,
                                 name="group").where(group >= 0)
        self.labels_ = self.labels_.astype("Int64")
        self.n_groups_ = len(order)
        self.k_scores_ = pd.DataFrame(scores, columns=["n_groups", "silhouette", "chosen"])
        self.group_centres_ = np.array([proj[group == g].mean(axis=0) for g in range(self.n_groups_)]
                                       ).reshape(-1, 2)
        self.projection_ = pd.DataFrame({
            "x": proj[:, 0], "y": proj[:, 1], "n_votes": n_votes.astype(int), "clustered": clustered,
            "base_cluster": pd.array(np.where(base_labels >= 0, base_labels, 0), dtype="Int64"),
            "group": self.labels_.to_numpy()}, index=matrix.index)
        self.projection_.loc[base_labels < 0, "base_cluster"] = pd.NA
        return self
