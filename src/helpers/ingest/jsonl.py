"""Reader for JSON Lines (``jsonl``): one JSON object per line, one contribution per object.

Blank lines are skipped; every other line must hold one JSON object. Keys play the part of a CSV's
columns and are mapped by :func:`helpers.ingest._mapping.map_table`, with the same defaults. Values
that are not strings are written as JSON would (``true``, ``12``, nested objects as JSON text).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ._mapping import map_table
from ._text import decode_text, head_text, json_lines, read_bytes
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
    source = options.source
    text = decode_text(read_bytes(path, source=source), encoding=options.encoding, source=source)
    present, records = json_lines(text, source=source)
    for i, record in zip(present, records, strict=True):
        if not isinstance(record, dict):
            raise InputError(
                f"expected a JSON object ({{...}}) on each line, found {_describe(record)}",
                path=source,
                row=int(i) + 1,
            )
    raw = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    return map_table(raw, present + 1, options)
