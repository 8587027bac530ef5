"""Reader for comment exports of Consul (Decide Madrid and other city instances) and Decidim (``consul``).

Consul (e.g. Decide Madrid's ``comments.csv``)::

    id,parentId,proposalId,page,userId,userType,date,time,text,numVotes,numPositiveVotes,numNegativeVotes

``parentId`` is -1 for a top-level comment; ``date`` + ``time`` are Madrid local time (``time`` may be
written as a pandas timedelta, ``0 days 10:50:19``). A leading unnamed index column is ignored.

Decidim's comment export (``Decidim::Comments::CommentSerializer``, flattened with ``/``)::

    id,created_at,body/<locale>,locale,author/id,author/name,alignment,depth,
    user_group/id,user_group/name,commentable_id,commentable_type,root_commentable_url

A reply's ``commentable`` is the comment it answers; where the type column is missing the parent is
worked out from ``depth`` and the order of the rows (the nearest earlier row one level up in the
same thread).

Records read are the data rows. Rows without text are excluded as ``blank`` -- unless a kept reply
hangs below them: then they stay (with empty text) so the thread keeps its shape, exactly as the
``csv`` reader does. A reply whose parent is not in the file (a deleted comment, or one on a page not
exported) keeps ``kind="reply"`` but gets no ``parent_id``; the notes say how many.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..clean import normalise_text
from ..errors import InputError
from ..schema import EXCLUSION_COLUMNS
from ._mapping import check_timezone, parse_datetimes, thread_roots
from ._text import head_text
from .consultation import to_int
from .registry import ReadOptions, Tables, publisher_zone, register_reader
from .tabular import header_of, load_delimited

__all__ = ["read_consul", "sniff_consul"]

#: The time zone of Consul's date and time columns when the caller leaves ``timezone`` at UTC.
CONSUL_TIMEZONE = "Europe/Madrid"

_THREAD = ("proposalid", "debateid", "pollid", "budgetinvestmentid", "legislationid", "commentable_id")
_PARENT = ("parentid", "parent_id")
_AUTHOR = ("userid", "user_id", "author/id", "author_id", "authorid")
_UP = ("numpositivevotes", "cached_votes_up", "votes_up", "upvotes")
_DOWN = ("numnegativevotes", "cached_votes_down", "votes_down", "downvotes")
_TEXT = ("text", "body")
_NONE = {"", "-1", "0", "none", "null", "nan"}


def _names(first_line: str) -> list[str]:
    return [n.strip().strip('"').casefold() for n in first_line.split(",")]


def sniff_consul(head: bytes) -> float:
    """Confidence that a file is a Consul or Decidim comment export, judged by its header.

    Examples
    --------
    >>> sniff_consul(b",id,parentId,proposalId,page,userId,userType,date,time,text,numVotes\\n")
    0.9
    >>> sniff_consul(b"id,created_at,body/en,depth,commentable_id,commentable_type\\n")
    0.9
    >>> sniff_consul(b"id,text,parent_id\\n")
    0.0
    """
    text = head_text(head)
    if text is None:
        return 0.0
    names = set(_names(text.split("\n", 1)[0]))
    has_text = bool(names & set(_TEXT)) or any(n.startswith("body/") for n in names)
    if not ("id" in names and has_text):
        return 0.0
    if "parentid" in names and names & set(_THREAD):
        return 0.9
    if {"depth", "commentable_id", "commentable_type"} <= names:
        return 0.9
    return 0.0


def _pick(folded: dict[str, str], candidates: tuple[str, ...]) -> str | None:
    for c in candidates:
        if c in folded:
            return folded[c]
    return None


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


_TIME = re.compile(r"^\s*(?:(?P<days>-?\d+) days?,? )?(?P<hms>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*$")


def _created_at(data, folded, rows, timezone, source) -> pd.Series:
    date_col, time_col = folded.get("date"), folded.get("time")
    if date_col is not None:
        date = data[date_col].str.strip()
        if time_col is not None:
            parts = data[time_col].str.extract(_TIME)
            bad = (data[time_col].str.strip().ne("") & parts["hms"].isna()).to_numpy(dtype=bool)
            if bad.any():
                i = _first(bad)
                raise InputError(f"time {data[time_col].iloc[i]!r} is not a time of day", path=source, row=int(rows[i]))
            days = pd.to_numeric(parts["days"], errors="coerce").fillna(0)
            combined = (date + " " + parts["hms"].fillna("00:00:00")).where(date.ne(""), "")
            out = parse_datetimes(combined, rows, timezone=timezone, column="date and time", source=source)
            return out + pd.to_timedelta(days.to_numpy(dtype="float64"), unit="D")
        return parse_datetimes(date, rows, timezone=timezone, column=date_col, source=source)
    col = folded.get("created_at")
    if col is not None:
        return parse_datetimes(data[col], rows, timezone=timezone, column=col, source=source)
    return pd.Series(pd.NaT, index=data.index, dtype="datetime64[ns, UTC]")


def _parents_from_depth(depth: np.ndarray, thread: np.ndarray) -> np.ndarray:
    """Position of each row's parent: the nearest earlier row in the same thread one level up (-1: none)."""
    n = len(depth)
    parent = np.full(n, -1, dtype="int64")
    codes = pd.factorize(pd.Series(thread, dtype=object))[0].astype("int64")
    key = codes * (n + 1) + np.arange(n)  # sorts by thread, then by position in the file
    for d in np.unique(depth[depth > 0]):
        up = np.flatnonzero(depth == d - 1)
        here = np.flatnonzero(depth == d)
        if not len(up):
            continue
        order = np.argsort(key[up])
        up_keys, up = key[up][order], up[order]
        k = np.searchsorted(up_keys, key[here]) - 1
        ok = k >= 0
        cand = up[np.where(ok, k, 0)]
        ok &= codes[cand] == codes[here]
        parent[here[ok]] = cand[ok]
    return parent


@register_reader("consul", sniff=sniff_consul)
def read_consul(path: Path, options: ReadOptions) -> Tables:
    """Read a Consul or Decidim comments CSV into threaded comments.

    Parameters
    ----------
    path : Path
        The CSV file.
    options : ReadOptions
        ``source``, ``encoding`` and ``timezone`` are used. Consul's naive date and time are taken
        to be Madrid time (:data:`CONSUL_TIMEZONE`) unless ``timezone`` names another zone than UTC.

    Returns
    -------
    Tables
        ``comment_id`` = id; ``thread_id`` = the proposal (debate, ...) id, or Decidim's root
        commentable; ``kind`` ``comment`` or ``reply``; ``author`` = the user id (an opaque number,
        never a name); ``votes_up``/``votes_down`` from the positive/negative vote counts.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "comments.csv"
    >>> _ = p.write_text("id,parentId,proposalId,userId,date,time,text,numPositiveVotes,numNegativeVotes\\n"
    ...     "1,-1,7,50,2016-01-10,0 days 10:00:00,Top,2,0\\n2,1,7,51,2016-07-10,0 days 10:00:00,Reply,0,1\\n")
    >>> t = read_consul(p, ReadOptions(str(p)))
    >>> t.comments[["comment_id", "parent_id", "thread_id", "kind", "votes_down"]].astype(object).values.tolist()
    [['1', <NA>, '7', 'comment', 0], ['2', '1', '7', 'reply', 1]]
    >>> [str(x) for x in t.comments["created_at"]]  # CET (+1) in winter, CEST (+2) in summer
    ['2016-01-10 09:00:00+00:00', '2016-07-10 08:00:00+00:00']
    """
    source = options.source
    timezone = publisher_zone(options, CONSUL_TIMEZONE)
    check_timezone(timezone, source=source)
    frame, rows = load_delimited(path, source=source, encoding=options.encoding)
    names, data, rows = header_of(frame, rows, source=source)
    folded: dict[str, str] = {}
    for n in names:
        folded.setdefault(n.casefold(), n)
    id_col = folded.get("id")
    text_col = _pick(folded, _TEXT) or next((folded[k] for k in folded if k.startswith("body/")), None)
    if id_col is None or text_col is None:
        raise InputError(
            f"not a Consul/Decidim comment export: it needs an id and a text (or body) column; its columns are {', '.join(names)}",
            path=source,
            row=1,
        )
    n = len(data)
    ids = data[id_col].str.strip()
    empty = ids.eq("").to_numpy(dtype=bool)
    if empty.any():
        raise InputError("id is empty", path=source, row=int(rows[_first(empty)]))
    dup = ids.duplicated().to_numpy(dtype=bool)
    if dup.any():
        i = _first(dup)
        raise InputError(f"id {ids.iloc[i]!r} appears twice", path=source, row=int(rows[i]))
    text_raw = data[text_col]
    body_cols = [folded[k] for k in folded if k.startswith("body/")]
    for col in body_cols:  # Decidim: one body column per locale; take the first with text
        text_raw = text_raw.where(text_raw.str.strip().ne(""), data[col])
    text = normalise_text(text_raw.astype("string")).fillna("")
    ids_obj = ids.to_numpy(dtype=object)

    # threads ---------------------------------------------------------------------------------
    thread_col = _pick(folded, _THREAD)
    parent_col = _pick(folded, _PARENT)
    ctype = folded.get("commentable_type")
    if parent_col is not None:
        raw_parent = data[parent_col].str.strip()
        has_parent = ~raw_parent.str.casefold().isin(_NONE).to_numpy(dtype=bool)
        parent_pos = pd.Index(ids_obj).get_indexer(raw_parent.to_numpy(dtype=object))
        parent_pos = np.where(has_parent, parent_pos, -1)
    elif ctype is not None and thread_col is not None:
        is_reply = data[ctype].str.strip().str.endswith("Comment").to_numpy(dtype=bool)
        raw_parent = data[thread_col].str.strip()
        has_parent = is_reply
        parent_pos = np.where(is_reply, pd.Index(ids_obj).get_indexer(raw_parent.to_numpy(dtype=object)), -1)
    elif "depth" in folded:
        depth = to_int(data[folded["depth"]], rows, column="depth", source=source).fillna(0).to_numpy(dtype="int64")
        group_col = folded.get("root_commentable_url") or thread_col
        threads = data[group_col].to_numpy(dtype=object) if group_col else np.zeros(n, dtype=object)
        parent_pos = _parents_from_depth(depth, threads)
        has_parent = depth > 0
    else:
        raise InputError(
            "no way to tell replies from comments: the file has no parentId, commentable_type or depth column",
            path=source,
            row=1,
        )
    selfref = parent_pos == np.arange(n)
    if selfref.any():
        i = _first(selfref)
        raise InputError(f"comment {ids.iloc[i]!r} names itself as its parent", path=source, row=int(rows[i]))
    roots, looped = thread_roots(parent_pos)
    if looped.any():
        i = _first(looped)
        raise InputError(f"the replies form a loop: following the parents of {ids.iloc[i]!r} never reaches a top-level comment", path=source, row=int(rows[i]))
    dangling = has_parent & (parent_pos < 0)

    if "root_commentable_url" in folded:
        thread = data[folded["root_commentable_url"]].str.strip()
    elif thread_col is not None:
        thread = data[thread_col].str.strip()
        if ctype is not None and parent_col is None:
            kinds = data[ctype].str.strip().str.rsplit("::", n=1).str[-1].fillna("")
            thread = (kinds + ":" + thread).where(kinds.ne(""), thread)
    else:
        thread = pd.Series("", index=data.index, dtype="string")
    thread_obj = thread.to_numpy(dtype=object)[roots]  # a reply belongs to its root's thread
    thread = pd.Series(thread_obj, index=data.index, dtype="string")
    no_thread = thread.eq("").to_numpy(dtype=bool)
    if no_thread.any():
        i = _first(no_thread)
        raise InputError(f"comment {ids.iloc[i]!r} names no proposal or other thread it belongs to", path=source, row=int(rows[i]))

    # blank texts: keep those that a kept reply hangs below --------------------------------------
    keep = text.ne("").to_numpy(dtype=bool)
    while True:
        wanted = np.zeros(n, dtype=bool)
        wanted[parent_pos[keep & (parent_pos >= 0)]] = True
        wanted &= ~keep
        if not wanted.any():
            break
        keep |= wanted
    kept_blank = keep & text.eq("").to_numpy(dtype=bool)

    author_col = _pick(folded, _AUTHOR)
    author = data[author_col].str.strip() if author_col else pd.Series("", index=data.index, dtype="string")
    parent_ids = pd.Series(np.where(parent_pos >= 0, ids_obj[np.maximum(parent_pos, 0)], None), index=data.index, dtype="string")
    comments = pd.DataFrame(
        {
            "comment_id": ids.astype("string"),
            "parent_id": parent_ids,
            "thread_id": thread,
            "author": author.where(author.ne(""), pd.NA).astype("string"),
            "created_at": _created_at(data, folded, rows, timezone, source),
            "text": text,
            "kind": pd.Series(np.where(has_parent, "reply", "comment"), index=data.index, dtype="string"),
            "source": pd.Series(source, index=data.index, dtype="string"),
            "source_row": pd.Series(rows, index=data.index, dtype="Int64"),
        }
    )
    up, down = _pick(folded, _UP), _pick(folded, _DOWN)
    if up:
        comments["votes_up"] = to_int(data[up], rows, column=up, source=source)
    if down:
        comments["votes_down"] = to_int(data[down], rows, column=down, source=source)

    dropped = ~keep
    exclusions = pd.DataFrame(
        {
            "source": comments["source"][dropped],
            "source_row": comments["source_row"][dropped],
            "record_id": comments["comment_id"][dropped],
            "reason": pd.Series("blank", index=data.index, dtype="string")[dropped],
            "detail": pd.Series(f"no text in column {text_col!r}", index=data.index, dtype="string")[dropped],
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    notes = []
    if dangling.any():
        notes.append(
            f"{int(dangling.sum())} replies answer comments that are not in the file (deleted, or not "
            "exported); they are kept as replies without a parent_id"
        )
    if kept_blank.any():
        notes.append(
            f"{int(kept_blank.sum())} comments without text are kept because replies hang below them"
        )
    return Tables(comments=comments[keep].reset_index(drop=True), exclusions=exclusions.reset_index(drop=True), notes=notes,
                  timezone=timezone)
