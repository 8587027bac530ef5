r"""Column-wide text scanning that gives exactly what Python's ``re`` gives, at Arrow or NumPy speed.

pandas runs a pattern holding ``\w``, ``\d``, ``\s`` or a look-around through Python's ``re`` one
text at a time, because Arrow's RE2 engine reads those classes differently (ASCII only, or not at
all). At a million comments that loop is the slow part of a stage. The tools here keep Python's
meaning while moving the work out of the per-row loop:

- :func:`char_table` and :func:`re2_class` spell a one-character Python class (``r"\w"``, ``r"\d"``,
  ``r"\s"``, ``r"[^\W\d_]"``) out code point by code point, as read from Python's own ``re`` on
  every code point, so the RE2 or NumPy version matches the same characters by construction;
- :func:`may_match` runs a cheap RE2 *pre-filter* over a whole column, so that an exact Python
  pattern need only run on the rows the pre-filter lets through (the pre-filter must match every
  text the exact pattern could change; callers say why theirs does);
- :func:`code_points` hands a column to NumPy as one array of code points, in bounded chunks.

Examples
--------
>>> import pandas as pd
>>> may_match(pd.Series(["write to jo@example.org", None, "no address"]), "@").tolist()
[True, False, False]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["NAME_UPPER", "NAME_LOWER", "char_table", "re2_class", "arrow_strings", "may_match", "code_points"]

_SURROGATES = (0xD800, 0xDFFF)  # not characters: never in a str that can be encoded, nor in Arrow text


#: Letters a personal name may start with and go on with, as character-class contents (English,
#: Spanish, French, German, Italian: "Inés", "José", "Jürgen", "Zoë").
NAME_UPPER = "A-ZÁÉÍÓÚÑÀÈÌÒÙÇÄÖÜ"
NAME_LOWER = "a-záéíóúñüàèìòùçäöëïß"


@cache
def _every_character() -> str:
    points = np.arange(0x110000, dtype="<u4")
    points = points[(points < _SURROGATES[0]) | (points > _SURROGATES[1])]
    return points.tobytes().decode("utf-32-le")


@cache
def char_table(pattern: str) -> np.ndarray:
    r"""Which code points the one-character Python pattern ``pattern`` matches.

    Read from Python's ``re`` itself over every code point (about 0.1 s, once per pattern and
    process), so it agrees with ``re`` for the running Python's Unicode version.

    Returns
    -------
    numpy.ndarray of bool, length 0x110000 (read-only)

    Examples
    --------
    >>> t = char_table(r"\w")
    >>> bool(t[ord("é")]), bool(t[ord("-")]), bool(t[ord("_")])
    (True, False, True)
    """
    table = np.zeros(0x110000, dtype=bool)
    for m in re.finditer(f"(?:{pattern})+", _every_character()):
        start = ord(m.group()[0])
        stop = start + len(m.group())
        if start < _SURROGATES[0] < stop:  # a run cannot span the gap: it holds no code points
            raise AssertionError("unexpected run across the surrogate range")
        table[start:stop] = True
    table.setflags(write=False)
    return table


@cache
def re2_class(pattern: str) -> str:
    r"""An RE2 bracket expression matching exactly the characters the one-character Python pattern
    ``pattern`` matches (see :func:`char_table`), for use inside RE2 patterns.

    Examples
    --------
    >>> print(re2_class("[a-c_]"))
    [\x{5F}\x{61}-\x{63}]
    """
    table = np.concatenate([[False], char_table(pattern), [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(table))
    starts, stops = edges[::2], edges[1::2] - 1
    parts = [f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in zip(starts, stops, strict=True)]
    return "[" + "".join(parts) + "]"


def arrow_strings(texts: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A column as Arrow strings, without copying when it already is one (chunks are kept as they are:
    Arrow's compute functions take either).

    Examples
    --------
    >>> arrow_strings(pd.Series(["a", None])).to_pylist()
    ['a', None]
    """
    return pa.array(texts.astype("string").array)


def may_match(texts: pd.Series | pa.Array | pa.ChunkedArray, re2_pattern: str) -> np.ndarray:
    r"""Whether RE2's ``re2_pattern`` finds a match in each text (missing texts: False). One vectorised
    pass in Arrow; O(total characters). ``texts`` may already be Arrow strings (:func:`arrow_strings`),
    which saves converting a column that is scanned more than once.

    Returns
    -------
    numpy.ndarray of bool, aligned with ``texts``

    Examples
    --------
    >>> may_match(pd.Series(["a1", "b", None]), re2_class(r"\d")).tolist()
    [True, False, False]
    """
    if not len(texts):
        return np.zeros(0, dtype=bool)
    arr = arrow_strings(texts) if isinstance(texts, pd.Series) else texts
    hits = pc.fill_null(pc.match_substring_regex(arr, re2_pattern), False)
    return hits.to_numpy(zero_copy_only=False).astype(bool)


def code_points(texts: pd.Series, *, sep: str = "\n", chunk_chars: int = 10_000_000
                ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    r"""The texts as arrays of code points, a chunk of consecutive rows at a time.

    Within a chunk the texts are joined by ``sep`` (so a pattern that cannot match ``sep`` never runs
    from one text into the next); missing texts read as empty. Each chunk holds whole rows and about
    ``chunk_chars`` characters (a single longer text makes a chunk of its own), so memory stays bounded
    whatever the corpus size. O(total characters).

    Yields
    ------
    (first row of the chunk, uint32 code points of the joined texts, where each row starts in them)

    Examples
    --------
    >>> [(first, points.tolist(), starts.tolist()) for first, points, starts in code_points(pd.Series(["ab", None, "c"]))]
    [(0, [97, 98, 10, 10, 99], [0, 3, 4])]
    """
    s = texts.astype("string").fillna("")
    sizes = s.str.len().to_numpy(dtype=np.int64, na_value=0) + len(sep)
    ends = np.cumsum(sizes)
    first = 0
    while first < len(s):
        base = ends[first - 1] if first else 0
        last = max(int(np.searchsorted(ends, base + chunk_chars, side="right")), first + 1)
        points = np.frombuffer(sep.join(s.iloc[first:last].tolist()).encode("utf-32-le"), dtype="<u4")
        starts = np.concatenate([[0], ends[first:last - 1] - base])
        yield first, points, starts
        first = last
