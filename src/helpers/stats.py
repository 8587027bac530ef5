"""Confidence intervals and the small-sample rules that decide how a number may be shown.

Three intervals:

- :func:`wilson_interval` for a share ("how many of the responses mention X"): the Wilson score
  interval (Wilson 1927; method 3 in Newcombe 1998), which behaves well at 0 and at n, unlike the
  textbook ``p ± z·se``.
- :func:`difference_interval` for the difference between two shares from separate groups ("those
  who disagreed raised X more often than those who agreed"): Newcombe's hybrid score interval
  (method 10 in Newcombe 1998), built from the two Wilson intervals.
- :func:`mean_interval` for a mean (e.g. the average sentiment of a theme): Student's t interval.

And the presentation rules for small corpora. Percentages of a handful of people invite readers to
treat them as estimates about a population; below :data:`SMALL_N` responses we therefore show counts
only ("3 of 7"), and :func:`small_corpus_note` supplies the plain-English warning the briefing shows.
Whatever the size, respondents to a consultation or blog are self-selected: the interval describes
sampling noise, not how representative the respondents are.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as _st

__all__ = [
    "SMALL_N",
    "MEDIUM_N",
    "wilson_interval",
    "difference_interval",
    "mean_interval",
    "describe_share",
    "describe_estimate",
    "small_corpus_note",
]

#: Below this many responses, shares are given as counts ("3 of 7"), never as percentages.
SMALL_N: int = 30

#: Below this many responses, percentages are shown with a softer warning about their precision.
MEDIUM_N: int = 100


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), not {confidence!r}")
    return float(_st.norm.ppf(0.5 + confidence / 2))


def _scalar_or_array(values: np.ndarray):
    """A NumPy scalar for 0-d results, else the array itself."""
    return values[()] if values.ndim == 0 else values


def wilson_interval(successes, n, *, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``successes / n``, vectorised.

    Parameters
    ----------
    successes : int or array-like
        Number of "yes" cases (e.g. comments in a theme). Must satisfy ``0 <= successes <= n``.
    n : int or array-like
        Number of cases; broadcast against ``successes``. Where ``n == 0`` both bounds are NaN.
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    (low, high) : tuple of ndarray
        Bounds in [0, 1], with the broadcast shape of the inputs (NumPy float scalars when both
        inputs are scalars).

    Raises
    ------
    ValueError
        If a count is negative, exceeds ``n``, or ``confidence`` is not in (0, 1).

    Examples
    --------
    >>> lo, hi = wilson_interval(3, 7)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.158, 0.75)
    >>> lo, hi = wilson_interval([0, 10, 0], [10, 10, 0])
    >>> lo.round(4).tolist(), hi.round(4).tolist()
    ([0.0, 0.7225, nan], [0.2775, 1.0, nan])
    """
    z = _z(confidence)
    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    k, m = np.broadcast_arrays(k, m)
    if np.any(m < 0) or np.any(k < 0) or np.any(k > m):
        raise ValueError("successes must be between 0 and n, and n must not be negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        z2n = z * z / m
        centre = (p + z2n / 2) / (1 + z2n)
        half = z / (1 + z2n) * np.sqrt(p * (1 - p) / m + z2n / (4 * m))
    low = np.where(m > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(m > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    # Exact ends: at k == 0 the lower bound is 0 and at k == n the upper bound is 1 (no rounding dust).
    low = np.where((k == 0) & (m > 0), 0.0, low)
    high = np.where((k == m) & (m > 0), 1.0, high)
    return _scalar_or_array(low), _scalar_or_array(high)


def difference_interval(k1, n1, k2, n2, *, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval for the difference ``k1/n1 - k2/n2`` between shares of two independent groups, vectorised.

    Newcombe's hybrid score interval (Newcombe 1998, method 10): with ``(l1, u1)`` and ``(l2, u2)``
    the Wilson intervals of the two shares, the difference ``d = p1 - p2`` has bounds
    ``d - sqrt((p1 - l1)**2 + (u2 - p2)**2)`` and ``d + sqrt((u1 - p1)**2 + (p2 - l2)**2)``. Like the
    Wilson interval it stays inside [-1, 1] and behaves at 0 and at n, where ``d ± z·se`` does not.

    Parameters
    ----------
    k1, n1, k2, n2 : int or array-like
        Successes and cases in each group (broadcast together). Where either ``n`` is 0 both bounds
        are NaN.
    confidence : float, default 0.95

    Returns
    -------
    (low, high) : tuple of ndarray
        NumPy float scalars when every input is a scalar.

    Examples
    --------
    Newcombe's (1998, Table II) first example, 56/70 against 48/80, and two at the ends of the scale:

    >>> [round(float(b), 4) for b in difference_interval(56, 70, 48, 80)]
    [0.0524, 0.3339]
    >>> [round(float(b), 4) for b in difference_interval(10, 10, 0, 10)]
    [0.6075, 1.0]
    >>> [round(float(b), 4) for b in difference_interval(0, 10, 0, 20)]
    [-0.1611, 0.2775]
    """
    k1, n1, k2, n2 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (k1, n1, k2, n2)))
    l1, u1 = (np.asarray(b) for b in wilson_interval(k1, n1, confidence=confidence))
    l2, u2 = (np.asarray(b) for b in wilson_interval(k2, n2, confidence=confidence))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return _scalar_or_array(low), _scalar_or_array(high)


def _t_bounds(mean, sd, n, confidence: float):
    """Vectorised t-interval bounds from summary statistics; NaN where ``n < 2``."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), not {confidence!r}")
    mean, sd, n = (np.asarray(a, dtype=float) for a in (mean, sd, n))
    ok = n >= 2
    df = np.where(ok, n - 1, 1.0)
    t = _st.t.ppf(0.5 + confidence / 2, df)
    half = t * sd / np.sqrt(np.where(ok, n, 1.0))
    return np.where(ok, mean - half, np.nan), np.where(ok, mean + half, np.nan)


def mean_interval(values, *, confidence: float = 0.95) -> tuple[float, float]:
    """Student's t confidence interval for the mean of ``values`` (NaNs ignored).

    Parameters
    ----------
    values : array-like of float
    confidence : float, default 0.95

    Returns
    -------
    (low, high) : tuple of float
        NaN bounds when fewer than two values remain.

    Examples
    --------
    >>> lo, hi = mean_interval([1, 2, 3, 4, 5])
    >>> round(lo, 4), round(hi, 4)
    (1.0368, 4.9632)
    >>> mean_interval([0.5])
    (nan, nan)
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if x.size < 2:
        _t_bounds(0.0, 0.0, 0, confidence)  # still validate ``confidence``
        return float("nan"), float("nan")
    low, high = _t_bounds(x.mean(), x.std(ddof=1), x.size, confidence)
    return float(low), float(high)


def _percent(share: float) -> int:
    """Whole-number percentage, rounding halves up (0.425 -> 43), not to even."""
    return int(np.floor(share * 100 + 0.5 + 1e-9))


def _percent_text(share: float, decimals: int) -> str:
    """``share`` as a percentage with ``decimals`` decimals, rounding halves up ("43%", "0.2%")."""
    scale = 10 ** decimals
    return f"{np.floor(share * 100 * scale + 0.5 + 1e-9) / scale:.{decimals}f}%"


def describe_share(k: int, n: int, *, confidence: float = 0.95, interval: bool = True) -> str:
    """How to write "k of n" in a briefing, honestly for the corpus size.

    Below :data:`SMALL_N` responses the answer is counts only ("3 of 7"); otherwise a whole-number
    percentage with its Wilson interval ("43% (95% CI 39% to 48%)"), or one with a decimal when whole
    numbers would make the interval one number ("0.2% (95% CI 0.1% to 0.4%)", not "0% to 0%"; "1.1% (95% CI
    0.9% to 1.4%)", not "1% to 1%"). A non-zero share that would round to zero is written "<1%" (or "<0.1%"), and one short of
    everyone ">99%" (or ">99.9%"), so that nobody reads "0%" as "none"; the interval's far end is then
    shown as at least that smallest step. With ``interval=False`` the interval is left out (a count of
    everyone who answered a question is not an estimate).

    Examples
    --------
    >>> describe_share(3, 7)
    '3 of 7'
    >>> describe_share(215, 500)
    '43% (95% CI 39% to 47%)'
    >>> describe_share(1, 500)
    '<1% (95% CI 0% to 1%)'
    >>> describe_share(10, 5000)
    '0.2% (95% CI 0.1% to 0.4%)'
    >>> describe_share(1, 1_000_000)
    '<0.1% (95% CI 0.0% to 0.1%)'
    >>> describe_share(215, 500, interval=False), describe_share(1, 500, interval=False)
    ('43%', '<1%')
    """
    k, n = int(k), int(n)
    if n < 0 or not 0 <= k <= n:
        raise ValueError(f"cannot describe {k} of {n}")
    if n < SMALL_N:
        return f"{k} of {n}"
    low, high = wilson_interval(k, n, confidence=confidence)
    return _share_text(k / n, float(low), float(high), k > 0, k < n, confidence=confidence, interval=interval)


def describe_estimate(share: float, low: float, high: float, *, confidence: float = 0.95) -> str:
    """An estimated share with an interval worked out elsewhere, written as :func:`describe_share`
    writes its own.

    Examples
    --------
    >>> describe_estimate(0.3812, 0.331, 0.4297)
    '38% (95% CI 33% to 43%)'
    >>> describe_estimate(0.0021, 0.001, 0.004)
    '0.2% (95% CI 0.1% to 0.4%)'
    """
    return _share_text(float(share), float(low), float(high), share > 0, share < 1, confidence=confidence)


def _share_text(share: float, low: float, high: float, some: bool, not_all: bool, *, confidence: float,
                interval: bool = True) -> str:
    """A share and its interval as percentages (see :func:`describe_share`); ``some``: not none of
    them, ``not_all``: not all of them."""
    # one decimal when whole numbers would make the interval one number ("0%-0%", "1%-1%")
    decimals = 1 if some and not_all and _percent_text(low, 0) == _percent_text(high, 0) else 0
    step = 10.0 ** -decimals  # the smallest percentage shown
    none, everyone = _percent_text(0.0, decimals), _percent_text(1.0, decimals)
    head, low_text, high_text = (_percent_text(x, decimals) for x in (share, low, high))
    if some and head == none:
        head = f"<{step:g}%"
    elif not_all and head == everyone:
        head = f">{100 - step:g}%"
    if some and high_text == none:
        high_text = _percent_text(step / 100, decimals)
    if not_all and low_text == everyone:
        low_text = _percent_text(1 - step / 100, decimals)
    if not interval:
        return head
    level = _percent(confidence)
    return f"{head} ({level}% CI {low_text} to {high_text})"


def small_corpus_note(n: int, noun: tuple[str, str] = ("response", "responses")) -> str | None:
    """A plain-English warning for the briefing when there are few responses, else ``None``.

    ``noun`` is what the contributions are called, singular and plural; for anything but responses
    and comments the warning speaks of what they say rather than of the people who wrote them.

    Examples
    --------
    >>> small_corpus_note(7)
    'With only 7 responses, these findings describe what these few people said; they cannot be generalised, and percentages are not shown.'
    >>> small_corpus_note(1, ("petition", "petitions"))
    'With only 1 petition, these findings describe what this one petition says; they cannot be generalised, and percentages are not shown.'
    >>> small_corpus_note(60)
    'With 60 responses, percentages are rough: the 95% confidence intervals shown are wide, and differences of a few points between themes mean little.'
    >>> small_corpus_note(500) is None
    True
    """
    n = int(n)
    one, many = noun
    if n < 0:
        raise ValueError(f"the number of {many} cannot be negative ({n})")
    if n == 0:
        return f"There are no {many} to analyse."
    if n < SMALL_N:
        people = one if n == 1 else many
        if one in ("response", "comment"):
            what = f"what {'this one person' if n == 1 else 'these few people'} said"
        else:
            what = f"what {'this one ' + one if n == 1 else 'these few ' + many} say{'s' if n == 1 else ''}"
        return (
            f"With only {n} {people}, these findings describe {what}; "
            "they cannot be generalised, and percentages are not shown."
        )
    if n < MEDIUM_N:
        return (
            f"With {n} {many}, percentages are rough: the 95% confidence intervals shown are wide, "
            "and differences of a few points between themes mean little."
        )
    return None
