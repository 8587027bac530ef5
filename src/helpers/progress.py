"""Progress bars for long stages: tqdm in the terminal and in notebooks, silent in tests.

Every long loop in ``helpers`` goes through :func:`progress` (an iterable) or :func:`bar` (a manual
bar), so there is one place that decides whether a bar is shown:

- ``LP_PROGRESS=0`` hides every bar; ``LP_PROGRESS=1`` shows them whatever the size;
- otherwise a bar is shown only for work of at least :data:`MIN_TOTAL` items, so small corpora (the
  bundled example) print nothing extra.

Bars are text, in a terminal and in notebooks alike (tqdm's notebook widget needs ipywidgets, which
is not a dependency: without it ``tqdm.auto`` warns "IProgress not found" in every notebook, and a
widget saved in an executed notebook shows nothing once its kernel is gone). Bars go to stderr in a
terminal; papermill keeps them in the executed notebook.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["progress", "bar", "enabled", "MIN_TOTAL"]

T = TypeVar("T")

MIN_TOTAL = 50_000  # items below which no bar is drawn (about a second of work for any stage)


def enabled(total: int | None) -> bool:
    """Whether a bar over ``total`` items is shown (see the module docstring)."""
    flag = os.environ.get("LP_PROGRESS", "")
    if flag in {"0", "1"}:
        return flag == "1"
    return total is not None and total >= MIN_TOTAL


class _NoBar:
    """What :func:`bar` gives when no bar is shown: the same methods, doing nothing.

    Not a disabled tqdm: creating one still takes tqdm's lock, which a worker process forked while
    another thread held it would wait for forever (:mod:`helpers.parallel` forks).
    """

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc) -> None:
        pass


def bar(total: int, desc: str, *, unit: str = "comments"):
    """A manual tqdm bar (``.update(n)``, ``.close()``, or a ``with`` block), or a stand-in that draws
    nothing when :func:`enabled` says no.

    Examples
    --------
    >>> import os; os.environ["LP_PROGRESS"] = "0"
    >>> with bar(10, "counting") as b:
    ...     b.update(10)
    >>> type(b).__name__
    '_NoBar'
    """
    if not enabled(total):
        return _NoBar()
    from tqdm.std import tqdm

    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, mininterval=1.0, dynamic_ncols=True)


def progress(items: Iterable[T], desc: str, *, total: int | None = None, unit: str = "comments") -> Iterator[T]:
    """``items`` wrapped in a bar of ``total`` items (default ``len(items)``); see :func:`enabled`."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if not enabled(total):
        yield from items
        return
    from tqdm.std import tqdm

    yield from tqdm(items, total=total, desc=desc, unit=unit, unit_scale=True, mininterval=1.0, dynamic_ncols=True)
