"""Readers for each input format, registered by name, with content-based auto-detection.

>>> from helpers import ingest
>>> result = ingest.read("data/raw/obama-toolkit/page.txt")      # format detected from the content
>>> print(result.summary_line())
page.txt: read 12 records = 11 kept + 1 excluded (boilerplate 1)

Every reader returns the canonical tables of :mod:`helpers.schema` (validated), and accounts for every
record it read: ``records_read == len(comments) + len(exclusions)``. Anything wrong with a file raises
:class:`~helpers.errors.InputError` naming the file and the line.

Formats
-------
``blog-page``
    A blog page pasted as plain text: the post, its numbered responses and pingbacks, WordPress
    furniture excluded (:mod:`.blog_page`).
``csv``, ``xlsx``
    A table, one row per contribution, columns chosen by name (:mod:`.tabular`).
``jsonl``
    JSON Lines, one object per contribution, mapped like a table (:mod:`.jsonl`).

Adding a format is one decorated function; see :mod:`.registry`.
"""

from __future__ import annotations

from . import blog_page, jsonl, tabular  # noqa: F401  (importing registers the readers)
from .core import IngestResult, read, write_result
from .registry import ReadOptions, Tables, available_formats, detect_format, register_reader

__all__ = [
    "IngestResult",
    "read",
    "write_result",
    "available_formats",
    "detect_format",
    "register_reader",
    "ReadOptions",
    "Tables",
]
