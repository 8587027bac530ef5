"""Comments and exclusions tables from column lists, for readers that walk a tree of records.

Shared by the ``wxr``, ``disqus`` and ``staticman`` readers: :func:`build_tables` assembles the
canonical tables (dates read by :func:`utc_dates`, texts normalised, entities in titles and author
names decoded), :func:`unique_id` keeps record ids unique, :func:`nearest_kept` finds the nearest kept
ancestor of a record, and :func:`break_cycles` re-attaches rows whose parent chain loops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..clean import normalise_text
from ..schema import EXCLUSION_COLUMNS
from ._html import unescape_entities
from ._mapping import thread_roots
from .registry import Tables

__all__ = ["utc_dates", "build_tables", "unique_id", "nearest_kept", "break_cycles"]

_LO = pd.Timestamp("1677-09-22", tz="UTC")
_HI = pd.Timestamp("2262-04-10", tz="UTC")


def utc_dates(values: list[str | None]) -> tuple[pd.Series, int]:
    """ISO 8601 date-times as UTC (no zone given: UTC); unreadable or missing ones are NaT.

    Returns the dates and how many non-blank values could not be read (for a note).

    Examples
    --------
    >>> d, bad = utc_dates(["2014-01-14 17:31:03", "2013-10-10T19:20:29+02:00", "", "never", None])
    >>> [str(x) for x in d], bad
    (['2014-01-14 17:31:03+00:00', '2013-10-10 17:20:29+00:00', 'NaT', 'NaT', 'NaT'], 1)
    """
    raw = pd.Series(values, dtype="string").str.strip()
    blank = raw.isna() | raw.eq("") | raw.str.startswith("0000-00-00")
    blank = blank.fillna(True).astype(bool)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    if (~blank).any():
        present = raw[~blank].astype(object)
        try:
            parsed = pd.to_datetime(present, format="ISO8601", utc=True, errors="coerce")
        except (ValueError, TypeError, OverflowError):
            parsed = pd.Series([_one_date(v) for v in present], index=present.index, dtype=object)
            parsed = pd.to_datetime(parsed, utc=True, errors="coerce")
        parsed = parsed.where((parsed >= _LO) & (parsed <= _HI))
        out[parsed.index] = parsed.astype("datetime64[ns, UTC]")
    bad = int((~blank & out.isna()).sum())
    return out, bad


def _one_date(value: str) -> pd.Timestamp | None:
    try:
        ts = pd.to_datetime(value, format="ISO8601", utc=True)
    except (ValueError, TypeError, OverflowError):
        return None
    return ts if _LO <= ts <= _HI else None


def build_tables(
    rows: dict[str, list], excluded: list[tuple[int, str, str, str]], source: str, *, entities: bool = True
) -> Tables:
    """Assemble the comments and exclusions tables from column lists (``created_at`` as raw strings).

    ``rows`` holds the canonical comment columns except ``source`` plus ``title`` and ``url``, texts
    already plain (they are normalised here); ``excluded`` holds ``(source_row, record_id, reason,
    detail)`` tuples. With ``entities``, HTML entities in titles and author names are decoded (WordPress
    and Disqus store them escaped).

    Examples
    --------
    >>> rows = {"comment_id": ["p", "c"], "parent_id": [None, "p"], "thread_id": ["p", "p"],
    ...         "author": [None, "Al &amp; Bo"], "created_at": ["2020-01-01 10:00:00", "bad"],
    ...         "text": ["", " Hi "], "kind": ["post", "comment"], "source_row": [1, 5],
    ...         "title": ["A &#8211; B", None], "url": [None, None]}
    >>> t = build_tables(rows, [(9, "x", "spam", "flagged")], "f.xml")
    >>> t.comments[["author", "text", "title"]].astype(object).values.tolist()
    [[<NA>, '', 'A – B'], ['Al & Bo', 'Hi', <NA>]]
    >>> t.notes
    ['1 date(s) could not be read and were left empty']
    """
    n = len(rows["comment_id"])
    created, bad_dates = utc_dates(rows["created_at"])
    text = normalise_text(pd.Series(rows["text"], dtype="string").fillna(""))
    decode = (lambda v: unescape_entities(v, max_rounds=1)) if entities else str
    title = pd.Series([decode(t) if t else t for t in rows["title"]], dtype="string")
    title = normalise_text(title)
    title = title.where(title.str.strip().ne("").fillna(False).astype(bool), pd.NA)
    author = pd.Series([decode(a) if a else a for a in rows["author"]], dtype="string").str.strip()
    author = author.where(author.ne("").fillna(False).astype(bool), pd.NA)
    comments = pd.DataFrame(
        {
            "comment_id": pd.Series(rows["comment_id"], dtype="string"),
            "parent_id": pd.Series(rows["parent_id"], dtype="string"),
            "thread_id": pd.Series(rows["thread_id"], dtype="string"),
            "author": author,
            "created_at": created,
            "text": text,
            "kind": pd.Series(rows["kind"], dtype="string"),
            "source": pd.Series([source] * n, dtype="string"),
            "source_row": pd.Series(rows["source_row"], dtype="Int64"),
            "title": title,
            "url": pd.Series(rows["url"], dtype="string"),
        }
    )
    exclusions = pd.DataFrame(
        {
            "source": pd.Series([source] * len(excluded), dtype="string"),
            "source_row": pd.Series([e[0] for e in excluded], dtype="Int64"),
            "record_id": pd.Series([e[1] for e in excluded], dtype="string"),
            "reason": pd.Series([e[2] for e in excluded], dtype="string"),
            "detail": pd.Series([e[3] for e in excluded], dtype="string"),
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    notes = []
    if bad_dates:
        notes.append(f"{bad_dates} date(s) could not be read and were left empty")
    return Tables(comments=comments, exclusions=exclusions, notes=notes)


def unique_id(wanted: str, used: set[str], *, prefix: str) -> str:
    """``wanted`` if unused, else ``<prefix>-<wanted>``, else with ``-2``, ``-3``... appended; marked used.

    Examples
    --------
    >>> used = set()
    >>> unique_id("c-1", used, prefix="p"), unique_id("c-1", used, prefix="p"), unique_id("c-1", used, prefix="p")
    ('c-1', 'p-c-1', 'p-c-1-2')
    """
    candidate = wanted
    if candidate in used:
        candidate = f"{prefix}-{wanted}"
        base, k = candidate, 2
        while candidate in used:
            candidate = f"{base}-{k}"
            k += 1
    used.add(candidate)
    return candidate


def nearest_kept(
    k: int,
    *,
    parents: Sequence[str | None],
    position: Mapping[str, int],
    ids: Sequence[str],
    reasons: Sequence[str | None],
    memo: dict[int, str | None],
    default: str | None,
) -> str | None:
    """Id of the nearest kept ancestor of record ``k``, else ``default``.

    Walks up the parent links from ``k``: ``parents[i]`` is the raw parent reference of record ``i``
    (``None``: top level) and ``position`` maps a reference to the record it names. A record is kept
    when its ``reasons`` entry is ``None``; the id reported for it is ``ids[j]``. The walk stops at the
    first kept ancestor, at a reference that names no record, or when it comes back to a record
    already visited (a loop), and then gives ``default``. The answer for each excluded record passed
    on the way is stored in ``memo`` (shared between calls) so long chains of excluded records are
    walked once.

    Parameters
    ----------
    k : int
        Position of the record whose ancestor is wanted.
    parents : sequence of str or None
        Raw parent reference of each record.
    position : mapping of str to int
        Position of the record each reference names.
    ids : sequence of str
        Id reported for each record.
    reasons : sequence of str or None
        Exclusion reason of each record; ``None`` means kept.
    memo : dict of int to str or None
        Answers for excluded records found on earlier walks; updated in place.
    default : str or None
        What to give when no kept ancestor is found.

    Returns
    -------
    str or None
        The id of the nearest kept ancestor, a memoised answer, or ``default``.

    Examples
    --------
    >>> parents = [None, "a", "b", "z"]
    >>> position = {"a": 0, "b": 1, "c": 2, "z": 3}
    >>> ids, reasons, memo = ["A", "B", "C", "Z"], [None, "spam", None, None], {}
    >>> nearest_kept(2, parents=parents, position=position, ids=ids, reasons=reasons, memo=memo, default="post")
    'A'
    >>> memo
    {1: 'A'}
    >>> nearest_kept(0, parents=parents, position=position, ids=ids, reasons=reasons, memo=memo, default="post")
    'post'
    """
    seen, chain = {k}, []
    cur = parents[k]
    result = default
    while cur is not None:
        j = position.get(cur)
        if j is None or j in seen:
            break
        if reasons[j] is None:
            result = ids[j]
            break
        if j in memo:
            result = memo[j]
            break
        seen.add(j)
        chain.append(j)
        cur = parents[j]
    for j in chain:
        memo[j] = result
    return result


def break_cycles(ids: list[str], parents: list[str | None], roots_to: list[str | None]) -> int:
    """Re-attach rows whose parent chain loops to ``roots_to[i]`` in place; return how many were cut.

    Examples
    --------
    >>> parents = [None, "b", "a"]
    >>> break_cycles(["p", "a", "b"], parents, ["p", "p", "p"]), parents
    (2, [None, 'p', 'p'])
    """
    pos = pd.Index(pd.Series(ids, dtype=object)).get_indexer(pd.Series(parents, dtype=object))
    pos = np.asarray(pos, dtype="int64")
    _, looped = thread_roots(pos)
    own = np.arange(len(ids))
    looped = looped | (pos == own)
    for i in np.flatnonzero(looped):
        parents[i] = roots_to[i] if roots_to[i] != ids[i] else None
    return int(looped.sum())
