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
``wxr``
    WordPress WXR 1.0-1.2 exports (http or https namespaces): posts, comments, replies, pingbacks,
    trackbacks; unapproved, spam and trashed comments excluded (:mod:`.wxr`).
``disqus``
    Disqus XML exports: threads and posts with parents; deleted and spam posts excluded (:mod:`.disqus`).
``staticman``
    A folder of Staticman/Jekyll YAML comment files, threaded by ``replying_to`` (:mod:`.staticman`).
``regulationsgov-csv``, ``regulationsgov-json``
    Regulations.gov bulk-download CSV and v4 API JSON (a file or a folder of them): HTML converted to
    text, entities unescaped however often escaped, placeholders ("See attached file(s)") flagged
    (:mod:`.regulationsgov`).
``polis``
    A Polis export folder: comments (moderated-out excluded), votes, participants with Polis's own
    group ids (:mod:`.polis`).
``consultation``
    Consultation spreadsheets (Citizen Space, SmartSurvey, Qualtrics style) read through a YAML question
    map into one row per respondent per open answer, plus a respondents table (:mod:`.consultation`).
``petitions``
    UK Parliament petitions: one petition's API JSON, or the data.parliament.uk list (:mod:`.petitions`).
``global-dialogues``
    A Global Dialogues round: free-text answers per question and other participants' votes on them
    (:mod:`.global_dialogues`).
``consul``
    Consul / Decidim comment CSV, threaded by parent id or depth, with vote counts (:mod:`.consul`).
``reddit``
    Reddit / Pushshift NDJSON, threaded by ``t1_``/``t3_`` parents (:mod:`.reddit`).

Adding a format is one decorated function; see :mod:`.registry`.
"""

from __future__ import annotations

# Importing a reader module registers its formats.
from . import (  # noqa: F401
    blog_page,
    consul,
    consultation,
    disqus,
    global_dialogues,
    jsonl,
    petitions,
    polis,
    reddit,
    regulationsgov,
    staticman,
    tabular,
    wxr,
)
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
