"""Row-local work on every core: blocks of items mapped in worker processes, results in order.

Language detection, MinHash signatures and VADER scoring treat each text on its own, so a large
input can be cut into blocks and the blocks handed to worker processes; the answer is the same as
one process gives, because no block's result depends on another block. :func:`map_blocks` is the one
place that decides how:

- ``n_jobs`` (:func:`resolve_n_jobs`): None or -1 means every core this process may use (or
  ``LP_N_JOBS``, when set), 1 means none; the result never depends on it;
- below ``min_items`` items, or with a single block, or inside a daemonic process (a Dask worker,
  which may not start processes of its own), everything runs here, in order;
- on Linux the workers are forked, so they start at once and share the parent's loaded models (a
  lexicon, a language model) page by page; elsewhere (macOS, Windows) fork is unsafe or missing and
  they are spawned.

The functions mapped must be module-level (picklable) and pure: they take a block and return its
result, touching no shared state.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from multiprocessing import current_process, get_context
from typing import Any, TypeVar

import numpy as np

from .errors import ConfigError
from .progress import bar

__all__ = ["MIN_ITEMS", "N_JOBS_ENV", "available_cores", "resolve_n_jobs", "map_blocks", "imap_blocks", "blocks", "map_distinct"]

B = TypeVar("B")
R = TypeVar("R")


#: Environment variable that caps the worker processes of every step (e.g. ``LP_N_JOBS=1`` on a
#: machine shared with others); unset, each step uses every core it may.
N_JOBS_ENV = "LP_N_JOBS"


#: Items (distinct texts, for the text steps) below which :func:`map_blocks` stays in this process:
#: starting workers and sending them their blocks costs more than a second of work saves.
MIN_ITEMS = 50_000


def available_cores() -> int:
    """The cores this process may use (its CPU affinity where the platform has one)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _check(n_jobs, what: str) -> int:
    if not isinstance(n_jobs, (int, np.integer)) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ConfigError(f"{what} must be a positive integer, -1 or None, not {n_jobs!r}")
    return int(n_jobs)


def resolve_n_jobs(n_jobs: int | None) -> int:
    """``n_jobs`` as a number of processes: None or -1 means every core this process may use, or
    :data:`N_JOBS_ENV` when it is set.

    Examples
    --------
    >>> resolve_n_jobs(1), resolve_n_jobs(3)
    (1, 3)
    >>> resolve_n_jobs(0)
    Traceback (most recent call last):
    ...
    helpers.errors.ConfigError: n_jobs must be a positive integer, -1 or None, not 0
    """
    if n_jobs is None or (n_jobs == -1 and not isinstance(n_jobs, bool)):
        cap = os.environ.get(N_JOBS_ENV, "").strip()
        if cap:
            try:
                return _check(int(cap), N_JOBS_ENV)
            except ValueError:
                raise ConfigError(f"{N_JOBS_ENV} must be a positive integer, not {cap!r}") from None
        return available_cores()
    return _check(n_jobs, "n_jobs")


def _quiet_worker() -> None:
    """Run first in each worker process: it draws no progress bars (the parent draws one for all)."""
    os.environ["LP_PROGRESS"] = "0"


def blocks(items: Sequence[B], size: int) -> list[Sequence[B]]:
    """``items`` cut into consecutive slices of ``size`` (the last may be shorter).

    Examples
    --------
    >>> blocks([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [items[i:i + size] for i in range(0, len(items), size)]


def map_blocks(
    func: Callable[..., R],
    parts: Sequence[Any],
    *args: Any,
    n_jobs: int | None = None,
    min_items: int | None = None,
    desc: str = "",
    size: Callable[[Any], int] = len,
) -> list[R]:
    """``[func(part, *args) for part in parts]``, in worker processes when it pays.

    Parameters
    ----------
    func : callable
        A module-level function of one part (and ``args``); pure.
    parts : sequence
        The blocks of work, in order.
    *args
        Passed to every call after the part.
    n_jobs : int, optional
        Worker processes (see :func:`resolve_n_jobs`).
    min_items : int, optional
        Items (the sum of ``size(part)``) below which everything runs in this process (default
        :data:`MIN_ITEMS`).
    desc : str, optional
        A progress bar over the items, with this description (see :mod:`helpers.progress`).
    size : callable, default len
        The number of items in a part (for ``min_items`` and the progress bar).

    Returns
    -------
    list
        One result per part, in the order of ``parts``, whatever ``n_jobs``.

    Examples
    --------
    >>> map_blocks(sum, [[1, 2], [3], [4, 5, 6]], n_jobs=1)
    [3, 3, 15]
    """
    return list(imap_blocks(func, parts, *args, n_jobs=n_jobs, min_items=min_items, desc=desc, size=size))


def imap_blocks(
    func: Callable[..., R],
    parts: Sequence[Any],
    *args: Any,
    n_jobs: int | None = None,
    min_items: int | None = None,
    desc: str = "",
    size: Callable[[Any], int] = len,
) -> Iterator[R]:
    """:func:`map_blocks` one result at a time, in order, so the caller can store each as it comes.

    Examples
    --------
    >>> [r for r in imap_blocks(max, [[1, 2], [3]], n_jobs=1)]
    [2, 3]
    """
    jobs = resolve_n_jobs(n_jobs)
    total = sum(size(p) for p in parts)
    min_items = MIN_ITEMS if min_items is None else min_items
    with bar(total, desc or "working") as meter:
        parallel = jobs > 1 and len(parts) > 1 and total >= min_items and not current_process().daemon
        if not parallel:
            for part in parts:
                yield func(part, *args)
                meter.update(size(part))
            return
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if sys.platform.startswith("linux") else "spawn"
        with warnings.catch_warnings(), ProcessPoolExecutor(min(jobs, len(parts)), mp_context=get_context(method),
                                                            initializer=_quiet_worker) as pool:
            # Python 3.12+ warns that fork in a multi-threaded process (a Jupyter kernel) may deadlock
            # a child that takes a lock another thread held. The mapped functions take no lock; the
            # one they could reach, tqdm's, is never touched in a worker (_quiet_worker, progress._NoBar).
            warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks", category=DeprecationWarning)
            for part, result in zip(parts, pool.map(func, parts, *([a] * len(parts) for a in args)), strict=True):
                yield result
                meter.update(size(part))


def map_distinct(func: Callable[..., list[R]], texts: Any, size: int, *args: Any, n_jobs: int | None = None,
                 desc: str = "") -> tuple[np.ndarray, list[R], np.ndarray]:
    """Each distinct text of ``texts`` (a Series; missing ones read as "") once, in blocks of ``size``:
    ``func(block, *args)`` returns one result per text of the block. Returns the distinct texts, their
    results in the same order, and ``inverse``: ``results[inverse[i]]`` is the result of ``texts.iloc[i]``.
    A campaign's letter sent a thousand times is read once.

    Examples
    --------
    >>> import pandas as pd
    >>> distinct, results, inverse = map_distinct(lambda b: [len(t) for t in b], pd.Series(["ab", None, "ab"]), 10)
    >>> list(distinct), results, [results[i] for i in inverse]
    (['', 'ab'], [0, 2], [2, 0, 2])
    """
    distinct, inverse = np.unique(texts.fillna("").astype(str).to_numpy(dtype=object), return_inverse=True)
    results = [r for part in map_blocks(func, blocks(list(distinct), size), *args, n_jobs=n_jobs, desc=desc)
               for r in part]
    return distinct, results, inverse
