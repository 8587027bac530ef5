"""Reader for JSON Lines (``jsonl``): one JSON object per line, one contribution per object.

Blank lines are skipped; every other line must hold one JSON object. Keys play the part of a CSV's
columns and are mapped by :func:`helpers.ingest._mapping.map_table`, with the same defaults. Values
that are not strings are written as JSON would (``true``, ``12``, nested objects as JSON text),
each value as it is: an integer is never turned into a float, so ids past 2**53 keep every digit.

The file is read a block at a time (:func:`helpers.ingest._stream.read_streamed`), and each block's
objects are at once turned into columns of text: the file is never held whole, as text or as
parsed objects. Errors are those of reading the file in one go.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ._mapping import as_text, map_table
from ._stream import read_json_columns
from ._text import head_text
from .registry import ReadOptions, Tables, register_reader

__all__ = ["read_jsonl", "sniff_jsonl"]


def sniff_jsonl(head: bytes) -> float:
    """Confidence that a file starting with ``head`` is JSON Lines (its first line a JSON object).

    Examples
    --------
    >>> sniff_jsonl(b'\\n{"id": 1, "text": "a"}\\n'), sniff_jsonl(b'{"id": 1, "te'), sniff_jsonl(b"[1, 2]")
    (0.95, 0.6, 0.0)
    """
    text = head_text(head)
    if text is None:
        return 0.0
    for line in text.split("\n"):
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            return 0.0
        try:
            return 0.95 if isinstance(json.loads(line), dict) else 0.0
        except (ValueError, RecursionError):
            return 0.6  # perhaps cut short by the sniffing window
    return 0.0


def _describe(value: object) -> str:
    return {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _not_an_object(value: object) -> str:
    return f"expected a JSON object ({{...}}) on each line, found {_describe(value)}"


def _text_columns(objects: list[dict]) -> dict[str, pd.Series]:
    """Every key of ``objects`` as a column of text, keys in order of first appearance (missing: NA).

    Built from the values as JSON gave them, with no type inference on the way (object columns): an
    integer column with a gap is not turned into floats, which would round ids past 2**53.

    Examples
    --------
    >>> cols = _text_columns([{"id": 9007199254740993, "n": 1.5}, {"id": None, "x": [1]}])
    >>> {key: col.tolist() for key, col in cols.items()}
    {'id': ['9007199254740993', <NA>], 'n': ['1.5', <NA>], 'x': [<NA>, '[1]']}
    """
    values = pd.DataFrame(objects, dtype=object)  # keys in order of first appearance, missing NaN
    return {str(key): as_text(column) for key, column in values.items()}


@register_reader("jsonl", suffixes=(".jsonl", ".ndjson", ".jsonlines"), sniff=sniff_jsonl)
def read_jsonl(path: Path, options: ReadOptions) -> Tables:
    """Read JSON Lines: one object per line, one contribution per object; ``source_row`` is the line.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "c.jsonl"
    >>> _ = p.write_text('{"id": 1, "body": "First"}\\n\\n{"id": 2, "body": "Reply", "parent": 1}\\n')
    >>> t = read_jsonl(p, ReadOptions(str(p), columns={"parent_id": "parent"}))
    >>> t.comments[["comment_id", "parent_id", "kind", "source_row"]].astype(object).values.tolist()
    [['1', <NA>, 'comment', 1], ['2', '1', 'reply', 3]]
    """
    rows, raw = read_json_columns(path, _text_columns, source=options.source, encoding=options.encoding,
                                  refuse=_not_an_object)
    return map_table(raw, rows, options)
