"""Scoring a clustering against ground truth: B-cubed precision, recall and F1.

B-cubed (Bagga & Baldwin 1998) scores every item, then averages over items. For an item *e* with
predicted cluster *C(e)* and true class *L(e)*:

* precision(e) = |{e' : C(e') = C(e) and L(e') = L(e)}| / |{e' : C(e') = C(e)}|
* recall(e)    = |{e' : C(e') = C(e) and L(e') = L(e)}| / |{e' : L(e') = L(e)}|

Precision and recall are the means over items, and F1 is their harmonic mean (Amigó, Gonzalo, Artiles
& Verdejo 2009, "A comparison of extrinsic clustering evaluation metrics based on formal constraints",
who show B-cubed alone satisfies homogeneity, completeness, rag bag and size-vs-quantity).

Items outside any campaign. A missing label (``None``, ``NaN``, ``<NA>``) means "in no campaign", and
every such item is its own singleton cluster, in the predicted labelling and in the truth alike. So an
organic comment left alone scores 1 on both counts, and one wrongly merged into a campaign lowers the
precision of that campaign's members and its own. Missing labels are never one big "none" cluster,
which would reward a detector for lumping unrelated comments together.

Computed from the contingency table (counts ``n_ij`` of items in predicted cluster *i* and true class
*j*), never from pairs: with *a_i* and *b_j* the cluster and class sizes,
``P = sum_ij n_ij**2 / a_i / N`` and ``R = sum_ij n_ij**2 / b_j / N``. A million items take well under
a second.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["BCubed", "bcubed", "bcubed_items"]


class BCubed(NamedTuple):
    """B-cubed precision, recall and F1 (each between 0 and 1)."""

    precision: float
    recall: float
    f1: float


def _codes(labels: pd.Series) -> np.ndarray:
    """Integer cluster codes, each missing label its own singleton cluster."""
    codes, uniques = pd.factorize(labels, use_na_sentinel=True)
    codes = codes.astype(np.int64)
    missing = codes < 0
    codes[missing] = len(uniques) + np.arange(int(missing.sum()))
    return codes


def _aligned(predicted, truth) -> tuple[pd.Series, pd.Series]:
    if isinstance(predicted, pd.Series) and isinstance(truth, pd.Series):
        if not predicted.index.is_unique or not truth.index.is_unique:
            raise ValueError("predicted and truth must have unique index labels to be aligned")
        if len(predicted) != len(truth) or not predicted.index.isin(truth.index).all():
            raise ValueError("predicted and truth must label the same items (their indexes differ)")
        return predicted.reindex(truth.index), truth
    predicted = pd.Series(np.asarray(predicted, dtype=object))
    truth = pd.Series(np.asarray(truth, dtype=object))
    if len(predicted) != len(truth):
        raise ValueError(f"predicted has {len(predicted)} labels and truth {len(truth)}")
    return predicted, truth


def bcubed_items(predicted, truth) -> pd.DataFrame:
    """Per-item B-cubed precision and recall (see the module docstring).

    Parameters
    ----------
    predicted, truth : array-like or pandas.Series
        Cluster labels of the same items. Two Series are aligned on their index (which must hold the
        same unique labels); anything else is matched by position. Missing labels are singletons.

    Returns
    -------
    pandas.DataFrame
        Columns ``precision`` and ``recall``, one row per item, indexed like ``truth``.

    Examples
    --------
    >>> bcubed_items(["x", "x", None], ["a", "b", None])
       precision  recall
    0        0.5     1.0
    1        0.5     1.0
    2        1.0     1.0
    """
    predicted, truth = _aligned(predicted, truth)
    pred, true = _codes(predicted), _codes(truth)
    cluster_size = np.bincount(pred)
    class_size = np.bincount(true)
    # n_ij for the (cluster, class) cell each item falls in: count of identical code pairs
    cell = pred * np.int64(len(class_size)) + true
    _, inverse, counts = np.unique(cell, return_inverse=True, return_counts=True)
    together = counts[inverse].astype(float)
    return pd.DataFrame({"precision": together / cluster_size[pred], "recall": together / class_size[true]},
                        index=truth.index)


def bcubed(predicted, truth) -> BCubed:
    """B-cubed precision, recall and F1 of ``predicted`` clusters against ``truth`` classes.

    Parameters
    ----------
    predicted, truth : array-like or pandas.Series
        Cluster labels of the same items (e.g. a detector's ``campaign_id`` and the planted campaign).
        Two Series are aligned on their index; anything else is matched by position. A missing label
        means "in no cluster": each such item is a singleton in its labelling.

    Returns
    -------
    BCubed
        ``(precision, recall, f1)``; all NaN when there are no items.

    Examples
    --------
    Three copies of one letter, of which one is missed, and an organic comment wrongly joined to the
    other two (precision 2/3, 2/3, 1, 1/3; recall 2/3, 2/3, 1/3, 1):

    >>> [round(x, 4) for x in bcubed(["c1", "c1", None, "c1"], ["L", "L", "L", None])]
    [0.6667, 0.6667, 0.6667]
    """
    items = bcubed_items(predicted, truth)
    if items.empty:
        return BCubed(float("nan"), float("nan"), float("nan"))
    precision = float(items["precision"].mean())
    recall = float(items["recall"].mean())
    return BCubed(precision, recall, 2 * precision * recall / (precision + recall))
