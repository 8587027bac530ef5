"""Reader for Reddit submissions and comments as newline-delimited JSON (``reddit``), e.g. Pushshift dumps.

One JSON object per line (blank lines skipped)::

    {"id": "abc", "title": "...", "selftext": "...", "subreddit": "...", "created_utc": 1600000000, "author": "..."}
    {"id": "def", "body": "...", "parent_id": "t3_abc", "link_id": "t3_abc", "created_utc": 1600000100, ...}

An object wrapped as the Reddit API lists them (``{"kind": "t1", "data": {...}}``) is unwrapped.
A record is a submission when its kind or ``name`` says ``t3``, or it has no ``body`` and no
``parent_id``; otherwise a comment.

Mapping:

* ``comment_id`` is the Reddit fullname: ``t3_<id>`` for a submission, ``t1_<id>`` for a comment.
* A submission is a ``post``: ``title`` its title, ``text`` its self-text, ``thread_id`` itself. A
  submission whose self-text was deleted or removed is still kept (its title stays public on
  Reddit and its thread hangs from it), with empty text; a note counts them.
* A comment is a ``comment`` when its ``parent_id`` is a submission (``t3_``) and a ``reply`` when it
  is another comment (``t1_``); ``thread_id`` is its ``link_id`` (the submission).
* A comment whose body is ``[deleted]`` or ``[removed]`` is excluded (``deleted``); an empty body is
  excluded as ``blank``. The replies to an excluded comment then point to its nearest kept ancestor
  (or to nothing, when there is none in the file), and the exclusion's detail says so.
* A parent that is not in the file at all: ``parent_id`` is left empty, and a note says how many
  comments reply to items not in the file.
* Reddit escapes ``&``, ``<`` and ``>`` in bodies and titles as HTML entities (the text itself is
  Markdown); those three are decoded, once.
* ``author`` is the user name, empty for ``[deleted]``; ``created_at`` from ``created_utc``
  (seconds since 1970, UTC); ``url`` from ``permalink``; ``votes_up`` from ``ups`` where present
  (``score`` is a net count, not a number of up-votes, and is not read).
* A record without an id is excluded as ``malformed``; an id already read on an earlier line as
  ``duplicate_record`` (dumps often hold a record twice), naming that line.

``source_row`` is the line the record is on.

The file is read a block at a time (:func:`helpers.ingest._stream.read_streamed`), and each block's
records are at once reduced to the few fields read, as text: a multi-GB dump is never held whole,
as text or as parsed records. Errors are those of reading the file in one go.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..clean import normalise_text
from ..errors import InputError
from ..schema import COMMENT_COLUMNS, EXCLUSION_COLUMNS
from ._mapping import DELETED_MARKS, as_text
from ._stream import read_json_columns
from ._text import head_text
from .registry import ReadOptions, Tables, register_reader

__all__ = ["read_reddit", "sniff_reddit", "is_reddit_record"]

_GONE = tuple(sorted(DELETED_MARKS))
_FULLNAME = re.compile(r"^t[13]_[0-9a-z]+$")
_RAW_HINTS = (
    re.compile(r'"subreddit(?:_id)?"\s*:'),
    re.compile(r'"(?:parent_id|link_id|name)"\s*:\s*"t[13]_'),
)


def is_reddit_record(obj: object) -> bool:
    """True for a JSON object with Reddit's keys: ``subreddit``, or a ``t1_``/``t3_`` parent, link or name.

    Examples
    --------
    >>> is_reddit_record({"id": "a", "body": "x", "parent_id": "t3_b"}), is_reddit_record({"id": 1, "text": "a"})
    (True, False)
    """
    if not isinstance(obj, dict):
        return False
    if obj.get("kind") in ("t1", "t3") and isinstance(obj.get("data"), dict):
        return True
    if "subreddit" in obj or "subreddit_id" in obj:
        return True
    return any(
        isinstance(obj.get(k), str) and bool(_FULLNAME.match(obj[k]))
        for k in ("parent_id", "link_id", "name")
    )


def sniff_reddit(head: bytes) -> float:
    """Confidence that a file is Reddit NDJSON: JSON lines with Reddit's own keys.

    Scores above the generic ``jsonl`` reader (0.95) only when those keys are there, so other JSON
    Lines files still go to ``jsonl``.

    Examples
    --------
    >>> sniff_reddit(b'{"id": "a", "body": "x", "parent_id": "t3_b", "link_id": "t3_b"}\\n')
    0.97
    >>> sniff_reddit(b'{"id": 1, "text": "a", "parent": 2}\\n')
    0.0
    """
    text = head_text(head)
    if text is None or not text.lstrip().startswith("{"):
        return 0.0
    lines = [line for line in text.split("\n") if line.strip()]
    for line in lines[:5]:
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            # perhaps cut short by the sniffing window: look for Reddit's keys in the raw text
            return 0.9 if any(h.search(line) for h in _RAW_HINTS) else 0.0
        if not isinstance(obj, dict):
            return 0.0
        if is_reddit_record(obj):
            return 0.97
    return 0.0


def _columns(records: list[dict]) -> dict[str, pd.Series]:
    """The raw fields of every record as string columns (one pass per field, not per record)."""
    wrapped = [r.get("kind") in ("t1", "t3") and isinstance(r.get("data"), dict) for r in records]
    objs = [r["data"] if w else r for r, w in zip(records, wrapped, strict=True)]

    def field(*keys: str) -> pd.Series:
        values = [o.get(keys[0]) for o in objs]
        for key in keys[1:]:
            values = [o.get(key) if v is None else v for v, o in zip(values, objs, strict=True)]
        return as_text(pd.Series(values, dtype=object))

    name = field("name").str.slice(0, 3)
    has_comment_key = pd.Series([("body" in o or "parent_id" in o) for o in objs], dtype=bool)
    kind = pd.Series(np.where(has_comment_key, "t1", "t3"), dtype="string")
    kind = kind.where(~name.isin(["t1_", "t3_"]).fillna(False).astype(bool), name.str.slice(0, 2))
    wrapped_kind = pd.Series(
        [r.get("kind") if w else None for r, w in zip(records, wrapped, strict=True)], dtype="string"
    )
    kind = wrapped_kind.fillna(kind)
    body, selftext = field("body"), field("selftext")
    return {
        "kind": kind,
        "id": field("id"),
        "parent": field("parent_id"),
        "link": field("link_id"),
        "title": field("title"),
        "text": selftext.where(kind.eq("t3"), body),
        "author": field("author"),
        "created": field("created_utc", "created"),
        "permalink": field("permalink"),
        "ups": field("ups"),
    }


def _not_an_object(value: object) -> str:
    return "expected a JSON object ({...}) on each line"


def _unescape(values: pd.Series) -> pd.Series:
    """Undo Reddit's escaping of ``<``, ``>`` and ``&`` (once, vectorised; ``&amp;`` last)."""
    return (
        values.str.replace("&lt;", "<", regex=False)
        .str.replace("&gt;", ">", regex=False)
        .str.replace("&amp;", "&", regex=False)
    )


def _blank(values: pd.Series) -> pd.Series:
    return (values.isna() | values.str.strip().eq("")).fillna(True).astype(bool)


def _fullname(prefix: pd.Series | str, ids: pd.Series) -> pd.Series:
    """``t1_abc`` from ``abc`` (an id that already has a ``t1_``/``t3_`` prefix keeps it)."""
    ids = ids.str.strip()
    has = ids.str.match(r"t[0-9]_").fillna(False).astype(bool)
    return ids.where(has, prefix + ids)


def _nearest_kept(parent_pos: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """For every row, the nearest kept row up its parent chain, starting at the row itself (-1: none).

    Pointer jumping: excluded rows point to their parent until a kept row or the top is reached.
    """
    n = len(parent_pos)
    own = np.arange(n)
    ptr = np.where(keep | (parent_pos < 0), own, parent_pos)
    for _ in range(64):
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    return np.where(keep[ptr], ptr, -1)


def _dates(values: pd.Series, rows: np.ndarray, source: str) -> pd.Series:
    text = values.str.strip()
    present = ~_blank(text)
    seconds = pd.to_numeric(text.where(present), errors="coerce").astype("Float64")
    bad = present & (seconds.isna() | (seconds.abs() > 9e9)).fillna(True).astype(bool)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
        raise InputError(
            f"created_utc value {values.iloc[i]!r} is not a time in seconds since 1970",
            path=source,
            row=int(rows[i]),
        )
    floats = pd.Series(seconds.to_numpy(dtype="float64", na_value=np.nan), index=values.index)
    return pd.to_datetime(floats, unit="s", utc=True).astype("datetime64[ns, UTC]")


def _count(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values.str.strip(), errors="coerce").astype("Float64")
    whole = (numbers % 1 == 0) & (numbers.abs() < 2**53)
    return numbers.where(whole.fillna(False).astype(bool)).round().astype("Int64")


@register_reader("reddit", suffixes=(".ndjson", ".jsonl"), sniff=sniff_reddit)
def read_reddit(path: Path, options: ReadOptions) -> Tables:
    """Read Reddit / Pushshift NDJSON into posts, comments and replies (see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "r.ndjson"
    >>> _ = p.write_text(
    ...     '{"id": "p1", "title": "Bins", "selftext": "Weekly?", "subreddit": "town", "created_utc": 0}\\n'
    ...     '{"id": "c1", "body": "Yes", "parent_id": "t3_p1", "link_id": "t3_p1", "author": "[deleted]"}\\n'
    ...     '{"id": "c2", "body": "No", "parent_id": "t1_c1", "link_id": "t3_p1"}\\n')
    >>> t = read_reddit(p, ReadOptions(str(p)))
    >>> t.comments[["comment_id", "parent_id", "thread_id", "kind", "author"]].astype(object).values.tolist()
    [['t3_p1', <NA>, 't3_p1', 'post', <NA>], ['t1_c1', 't3_p1', 't3_p1', 'comment', <NA>], ['t1_c2', 't1_c1', 't3_p1', 'reply', <NA>]]
    """
    source = options.source
    rows, raw = read_json_columns(path, _columns, source=source, encoding=options.encoding,
                                  refuse=_not_an_object)
    if not len(raw.columns):  # no objects at all
        raw = pd.DataFrame(_columns([]))
    n = len(rows)

    kind = raw["kind"]
    is_post = kind.eq("t3").fillna(False).to_numpy(dtype=bool)
    ids = _fullname(kind + "_", raw["id"])
    no_id = _blank(raw["id"]).to_numpy(dtype=bool)
    duplicate = ids.duplicated().to_numpy(dtype=bool) & ~no_id
    body = raw["text"].fillna("")
    gone = body.str.strip().str.lower().isin(_GONE).fillna(False).to_numpy(dtype=bool)
    text_out = normalise_text(_unescape(body.where(~pd.Series(gone), "")))
    empty = _blank(text_out).to_numpy(dtype=bool)
    deleted = gone & ~is_post & ~no_id & ~duplicate
    blank = empty & ~gone & ~is_post & ~no_id & ~duplicate
    keep = ~(no_id | duplicate | deleted | blank)

    # parents: position of each comment's parent among the rows (first occurrence of an id)
    parent = raw["parent"].str.strip()
    parent = parent.where(~_blank(parent) & ~pd.Series(is_post), pd.NA)
    unique_ids = ids.where(~pd.Series(no_id | duplicate), "\x00" + pd.Series(np.arange(n)).astype("string"))
    index = pd.Index(unique_ids.to_numpy(dtype=object, na_value=None))
    has_parent = parent.notna().to_numpy(dtype=bool)
    parent_pos = np.where(has_parent, index.get_indexer(parent.to_numpy(dtype=object, na_value=None)), -1)
    own = np.arange(n)
    self_ref = (parent_pos == own) & keep
    if self_ref.any():
        i = int(np.flatnonzero(self_ref)[0])
        raise InputError(f"{ids.iloc[i]} names itself as its parent", path=source, row=int(rows[i]))
    parent_pos = np.where(keep | (parent_pos != own), parent_pos, -1)
    # a loop of parents (only in a damaged file) has no top: refuse it, naming a line on it
    ptr = np.where(parent_pos >= 0, parent_pos, own)
    for _ in range(64):
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    looped = (parent_pos[ptr] >= 0) if n else np.zeros(0, dtype=bool)
    if looped.any():
        i = int(np.flatnonzero(looped)[0])
        raise InputError(
            f"the replies form a loop: following parent_id from {ids.iloc[i]} never reaches the top",
            path=source,
            row=int(rows[i]),
        )
    missing = has_parent & (parent_pos < 0) & keep
    up = np.where(parent_pos >= 0, parent_pos, 0)
    effective = np.where(parent_pos >= 0, _nearest_kept(parent_pos, keep)[up], -1) if n else parent_pos
    kept_parent = pd.Series(
        np.where(effective >= 0, ids.to_numpy(dtype=object)[np.maximum(effective, 0)], None), dtype="string"
    )

    # threads: the link id, else a submission parent, else the thread of the chain's top
    link = _fullname("t3_", raw["link"]).where(~_blank(raw["link"]), pd.NA)
    thread = link.where(~pd.Series(is_post), ids)
    thread = thread.fillna(parent.where(parent.str.startswith("t3_").fillna(False)))
    top = np.where(ptr >= 0, ptr, own) if n else own
    thread = thread.fillna(pd.Series(thread.to_numpy(dtype=object)[top], dtype="string"))
    thread = thread.fillna(pd.Series(ids.to_numpy(dtype=object)[top], dtype="string")).fillna(ids)

    kinds = np.where(
        is_post,
        "post",
        np.where(parent.str.startswith("t1_").fillna(False).to_numpy(dtype=bool), "reply", "comment"),
    )
    author = raw["author"].str.strip()
    author = author.where(~(_blank(author) | author.isin(_GONE).fillna(False)), pd.NA)
    permalink = raw["permalink"].str.strip()
    url = permalink.where(~permalink.str.startswith("/").fillna(False), "https://www.reddit.com" + permalink)
    title = normalise_text(_unescape(raw["title"]))
    comments = pd.DataFrame(
        {
            "comment_id": ids,
            "parent_id": kept_parent,
            "thread_id": thread,
            "author": author,
            "created_at": _dates(raw["created"], rows, source),
            "text": text_out,
            "kind": pd.Series(kinds, dtype="string"),
            "source": pd.Series(source, index=ids.index, dtype="string"),
            "source_row": pd.Series(rows, dtype="Int64"),
            "title": title.where(~_blank(title), pd.NA),
            "url": url.where(~_blank(url), pd.NA),
            "votes_up": _count(raw["ups"]),
        }
    )[[*COMMENT_COLUMNS, "title", "url", "votes_up"]]

    # exclusion details: where the excluded comment's kept replies now point
    children = np.bincount(parent_pos[keep & (parent_pos >= 0)], minlength=n) if n else np.zeros(0, dtype=int)
    new_home = np.where(parent_pos >= 0, effective, -1)
    home = pd.Series(
        np.where(
            new_home >= 0,
            ids.to_numpy(dtype=object)[np.maximum(new_home, 0)],
            "no parent (none kept in the file)",
        ),
        dtype="string",
    )
    moved = pd.Series(
        np.where(
            children > 0,
            "; its "
            + pd.Series(children).astype("string").to_numpy(dtype=object)
            + " direct repl"
            + np.where(children == 1, "y now points", "ies now point")
            + " to "
            + home.to_numpy(dtype=object),
            "",
        ),
        dtype="string",
    )
    first_line = pd.Series(rows).groupby(ids.fillna("").to_numpy()).transform("min").astype("string")
    detail = pd.Series(
        np.select(
            [no_id, duplicate, deleted, blank],
            [
                np.full(n, "the record has no id", dtype=object),
                ("the same id was already read on line " + first_line).to_numpy(dtype=object),
                ("body " + body.str.strip() + " on Reddit" + moved).to_numpy(dtype=object),
                ("empty comment body" + moved).to_numpy(dtype=object),
            ],
            default="",
        ),
        dtype="string",
    )
    reason = np.select(
        [no_id, duplicate, deleted, blank], ["malformed", "duplicate_record", "deleted", "blank"], ""
    )
    dropped = ~keep
    record_id = ids.where(~pd.Series(no_id), "line-" + pd.Series(rows, dtype="int64").astype("string"))
    exclusions = pd.DataFrame(
        {
            "source": pd.Series(source, index=ids.index, dtype="string")[dropped],
            "source_row": pd.Series(rows, dtype="Int64")[dropped],
            "record_id": record_id[dropped],
            "reason": pd.Series(reason, dtype="string")[dropped],
            "detail": detail[dropped],
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    notes = []
    if missing.any():
        k = int(missing.sum())
        notes.append(
            f"{k} comment{'s' if k != 1 else ''} {'replies' if k == 1 else 'reply'} to items not in the file"
        )
    removed_posts = int((gone & is_post & keep).sum())
    if removed_posts:
        notes.append(
            f"{removed_posts} submission(s) had their text deleted or removed; kept with their title"
        )
    return Tables(
        comments=comments[keep].reset_index(drop=True),
        exclusions=exclusions.reset_index(drop=True),
        notes=notes,
    )
