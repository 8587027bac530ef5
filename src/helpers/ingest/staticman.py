"""Reader for Staticman / Jekyll comment folders (``staticman``): one YAML file per comment.

The layout Staticman writes into a Jekyll site's ``_data/comments/``::

    comments/
      <post-slug>/comment-<epoch ms>.yml      message, name, date, replying_to, email (MD5), ...
      <other-slug>/...

Give the reader the ``comments`` folder (or one slug folder, or one file). Files directly in the
given folder belong to a thread named after that folder.

What a record is
----------------
**Every ``.yml``/``.yaml`` file is one record** (``source`` is the file, ``source_row`` 1). Other
files, and hidden files and folders, are not read. A file becomes a comment (``comment_id`` its
``_id`` or ``id``, else the file name without the suffix; prefixed with the slug when two threads
use the same id), with ``thread_id`` the slug folder (no ``post`` rows: the posts are not in the
export), ``text`` the ``message`` (Markdown kept as written), ``author`` the ``name`` and
``created_at`` the ``date`` (ISO 8601 with or without a zone, or "YYYY-MM-DD HH:MM:SS"; no zone means
UTC), else the epoch milliseconds in a ``comment-<ms>`` file name.

Exclusions: a file that is not valid YAML, is not a mapping, has no ``message``, or carries page
front-matter keys (``layout``, ``draft``, ``templateKey``, ``permalink``: not a comment) is
``malformed``; an empty ``message`` is ``blank``; ``hidden: true`` is ``unapproved``; any other
non-blank ``hidden`` value is ``spam`` (themes such as Made Mistakes use ``hidden`` as a honeypot
form field that people leave blank and robots fill in).

Threading: ``replying_to`` (or, in some themes, ``replying_to_uid``) holds the parent. In the Made Mistakes theme (and the themes copied from
it) it is the 1-based position of the parent among the thread's top-level comments (those without
``replying_to``), with the thread's files in file-name order -- which is how the theme's Liquid
template (``site.data.comments[slug] | sort``) numbers them. A value that is not such a position is
looked up as the ``_id``/``id`` or file name of a comment in the same thread. A reply whose parent
cannot be found, or was excluded, keeps kind ``reply`` with no parent (the exclusion's detail says
so). ``email`` (an MD5 hash of the address), ``avatar`` and ``url`` (the commenter's site) never
reach the tables; a known e-mail hash that a commenter pasted into a message is replaced by
"[email hash removed]" (and counted in a note). YAML is read with the safe loader only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import yaml

from ..errors import ConfigError, InputError
from ..schema import COMMENT_COLUMNS
from ._build import break_cycles, build_tables, unique_id, utc_dates
from ._text import decode_text
from .registry import ReadOptions, Tables, register_reader

__all__ = ["read_staticman", "sniff_staticman", "sniff_staticman_folder"]

_SUFFIXES = (".yml", ".yaml")
#: Keys of page front matter, not of a comment: a file holding them is not a comment.
FRONT_MATTER_KEYS = ("layout", "draft", "templateKey", "permalink")
_COMMENT_KEYS = ("message", "name", "date", "replying_to", "_parent", "_id")
_EPOCH_MS = re.compile(r"(?<!\d)(\d{12,13})(?!\d)")
_KEY_LINE = re.compile(r"^(message|name|date|_id|_parent|replying_to|email)\s*:", re.MULTILINE)
#: The safe loader, in C when PyYAML was built with libyaml (same rules as yaml.safe_load, faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SNIFF_FILES = 5
_SNIFF_ENTRIES = 2000
#: What replaces an e-mail hash from the export that a commenter quoted in their message.
EMAIL_HASH_PLACEHOLDER = "[email hash removed]"
_HEX_HASH = re.compile(r"^[0-9a-fA-F]{32,64}$")


def _yaml_files(folder: Path) -> list[Path]:
    """YAML files in ``folder`` and its sub-folders, hidden ones skipped, sorted by relative path."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name.lower().endswith(_SUFFIXES):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def _load(text: str) -> object:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)


def _sniff_files(folder: Path) -> list[Path]:
    """A few YAML files in ``folder`` or its immediate sub-folders, looking at no more than
    :data:`_SNIFF_ENTRIES` folder entries (detection must stay quick on any folder)."""
    found: list[Path] = []
    seen = 0
    pending = [folder]
    depth = {folder: 0}
    while pending and len(found) < _SNIFF_FILES and seen < _SNIFF_ENTRIES:
        current = pending.pop(0)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen >= _SNIFF_ENTRIES or len(found) >= _SNIFF_FILES:
                break
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir() and depth[current] == 0:
                    sub = Path(entry.path)
                    depth[sub] = 1
                    pending.append(sub)
                elif entry.is_file() and entry.name.lower().endswith(_SUFFIXES):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return found


def sniff_staticman_folder(folder: Path) -> float:
    """Confidence that ``folder`` holds Staticman comment files: YAML mappings with message/name/date.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> sniff_staticman_folder(d)
    0.0
    >>> _ = (d / "comment-1.yml").write_text("message: Hi\\nname: Al\\ndate: 2020-01-01\\n")
    >>> sniff_staticman_folder(d)
    0.9
    """
    files = _sniff_files(folder)
    if not files:
        return 0.0
    for path in files:
        try:
            with open(path, "rb") as fh:
                record = _load(fh.read(65536).decode("utf-8-sig"))
        except (OSError, ValueError, RecursionError, yaml.YAMLError):
            continue
        if isinstance(record, dict) and "message" in record and ("name" in record or "date" in record):
            return 0.9
    return 0.3


def sniff_staticman(head: bytes) -> float:
    """Confidence that one file is a Staticman comment (YAML keys message and name or date).

    Examples
    --------
    >>> sniff_staticman(b"_id: a1\\nmessage: Hi\\nname: Al\\n"), sniff_staticman(b"id,text\\n")
    (0.6, 0.0)
    """
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return 0.0
    keys = set(_KEY_LINE.findall(text))
    return 0.6 if "message" in keys and keys & {"name", "date"} else 0.0


def _text(value: object) -> str | None:
    """A YAML scalar as text (None for null or a nested structure)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _date_text(value: object) -> str | None:
    """A YAML date value as ISO text (PyYAML gives datetime objects for unquoted timestamps)."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float)):  # epoch seconds or milliseconds
        seconds = value / 1000 if value > 1e11 else value
        try:
            return pd.Timestamp(seconds, unit="s", tz="UTC").isoformat()
        except (ValueError, OverflowError):
            return None
    return str(value)


def _blank(value: object) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value.strip())


@register_reader("staticman", suffixes=_SUFFIXES, sniff=sniff_staticman, sniff_folder=sniff_staticman_folder)
def read_staticman(path: Path, options: ReadOptions) -> Tables:
    """Read a folder of Staticman YAML comment files (or one such file); see the module docstring.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()) / "comments"
    >>> (d / "my-post").mkdir(parents=True)
    >>> _ = (d / "my-post" / "comment-1500000000000.yml").write_text("message: First\\nname: Al\\n")
    >>> _ = (d / "my-post" / "comment-1500000001000.yml").write_text("message: Reply\\nreplying_to: '1'\\n")
    >>> t = read_staticman(d, ReadOptions("comments"))
    >>> t.comments[["comment_id", "parent_id", "thread_id", "kind", "source"]].values.tolist()
    [['comment-1500000000000', <NA>, 'my-post', 'comment', 'comments/my-post/comment-1500000000000.yml'], ['comment-1500000001000', 'comment-1500000000000', 'my-post', 'reply', 'comments/my-post/comment-1500000001000.yml']]
    >>> str(t.comments["created_at"].iloc[0])
    '2017-07-14 02:40:00+00:00'
    """
    source = options.source
    if path.is_file():
        files = [path]
        base, shown = path.parent, Path(source).parent
    elif path.is_dir():
        try:
            files = _yaml_files(path)
        except OSError as exc:
            raise InputError(f"cannot list the folder: {exc.strerror or exc}", path=source) from None
        base, shown = path, Path(source)
        if not files:
            raise InputError("no .yml or .yaml comment files in this folder", path=source)
    else:
        raise InputError("no such file or folder", path=source)

    records = []
    for file in files:
        rel = file.relative_to(base)
        thread = "/".join(rel.parts[:-1]) or base.resolve().name or "comments"
        records.append(_read_file(file, str(shown / rel), thread, options.encoding))

    # ids: the file's own id, prefixed with the thread when another thread already used it
    used: set[str] = set()
    for r in records:
        r["comment_id"] = unique_id(r["wanted_id"], used, prefix=r["thread"])

    # replying_to -> parent, thread by thread (files already in file-name order within a thread)
    by_thread: dict[str, list[dict]] = {}
    for r in records:
        by_thread.setdefault(r["thread"], []).append(r)
    for items in by_thread.values():
        items.sort(key=lambda r: r["stem"])
        top = [r for r in items if r["loaded"] and _blank(r["replying_to"])]
        lookup: dict[str, dict] = {}
        for r in items:
            for key in (r["own_id"], r["stem"], r["comment_id"]):
                if key and key not in lookup:
                    lookup[key] = r
        for r in items:
            ref = r["replying_to"]
            if _blank(ref):
                continue
            ref_text = str(ref).strip()
            target = None
            if re.fullmatch(r"\d+", ref_text) and 1 <= int(ref_text) <= len(top):
                target = top[int(ref_text) - 1]
            elif ref_text in lookup:
                target = lookup[ref_text]
            if target is r:
                target = None
            r["parent_record"] = target
            if target is None:
                r["parent_note"] = f"replying_to {ref_text!r} matches no comment in the thread"
            elif target["reason"] is not None and r["reason"] is None:
                target.setdefault("orphans", []).append(r["comment_id"])

    rows: dict[str, list] = {c: [] for c in (*COMMENT_COLUMNS, "title", "url") if c != "source"}
    excluded: list[tuple[int, str, str, str]] = []
    sources: list[str] = []
    kept = [r for r in records if r["reason"] is None]
    bad_dates = _fill_dates(kept)
    for r in kept:
        parent = r.get("parent_record")
        sources.append(r["source"])
        for key, value in (
            ("comment_id", r["comment_id"]),
            ("parent_id", parent["comment_id"] if parent is not None and parent["reason"] is None else None),
            ("thread_id", r["thread"]),
            ("author", r["author"]),
            ("created_at", r["created_at"]),
            ("text", r["text"]),
            ("kind", "comment" if _blank(r["replying_to"]) else "reply"),
            ("source_row", 1),
            ("title", None),
            ("url", None),
        ):
            rows[key].append(value)
    cycles = break_cycles(rows["comment_id"], rows["parent_id"], [None] * len(kept))
    excluded_sources: list[str] = []
    for r in records:
        if r["reason"] is None:
            continue
        detail = r["detail"]
        orphans = r.get("orphans")
        if orphans:
            detail += f"; {len(orphans)} repl{'y' if len(orphans) == 1 else 'ies'} to it left without a parent"
        excluded.append((1, r["comment_id"], r["reason"], detail))
        excluded_sources.append(r["source"])
    # A commenter who pasted their own YAML puts their e-mail hash in the message: take it out.
    hashes = sorted({r["email"] for r in records if r.get("email")}, key=len, reverse=True)
    removed = 0
    if hashes and rows["text"]:
        pattern = "|".join(re.escape(h) for h in hashes)
        texts = pd.Series(rows["text"], dtype="string")
        removed = int(texts.str.count(pattern).sum())
        if removed:
            rows["text"] = texts.str.replace(pattern, EMAIL_HASH_PLACEHOLDER, regex=True).tolist()
    tables = build_tables(rows, excluded, source, entities=False)  # YAML, not HTML
    tables.comments = tables.comments.drop(columns=["title", "url"])  # a comment file has neither
    tables.comments["source"] = pd.Series(sources, dtype="string")
    tables.exclusions["source"] = pd.Series(excluded_sources, dtype="string")
    if bad_dates:
        tables.notes.append(
            f"{bad_dates} date(s) could not be read; the time in the file name (comment-<ms>) was used where there is one"
        )
    if removed:
        tables.notes.append(f"{removed} e-mail hash(es) quoted in comment text were replaced by {EMAIL_HASH_PLACEHOLDER}")
    unmatched = sum(1 for r in kept if r.get("parent_note"))
    if unmatched:
        tables.notes.append(f"{unmatched} repl(ies) name a replying_to that matches no comment; left without a parent")
    if cycles:
        tables.notes.append(f"{cycles} repl(ies) whose replying_to chain loops were left without a parent")
    return tables


def _read_file(file: Path, shown: str, thread: str, encoding: str | None) -> dict:
    """One file as a record dict: ids, text, author, date, replying_to and the exclusion reason."""
    stem = file.stem
    record: dict = {
        "source": shown,
        "thread": thread,
        "stem": stem,
        "own_id": None,
        "wanted_id": stem,
        "replying_to": None,
        "author": None,
        "text": "",
        "created_at": None,
        "reason": None,
        "detail": "",
        "loaded": False,  # read as a YAML mapping (Jekyll numbers only those)
    }

    def malformed(detail: str) -> dict:
        record["reason"], record["detail"] = "malformed", detail
        return record

    try:
        data = file.read_bytes()
    except OSError as exc:
        return malformed(f"cannot read the file: {exc.strerror or exc}")
    try:
        text = decode_text(data, encoding=encoding, source=shown)
    except ConfigError:  # an unknown encoding= is the caller's mistake, not the file's
        raise
    except InputError as exc:  # binary, undecodable or empty: this file only
        return malformed(exc.reason)
    try:
        loaded = _load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return malformed(f"not valid YAML{where}: {problem}")
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. an impossible date in a timestamp
        return malformed(f"not valid YAML: {exc}")
    if not isinstance(loaded, dict):
        return malformed(f"not a YAML mapping of keys to values (found {type(loaded).__name__})")
    record["loaded"] = True
    keys = {str(k) for k in loaded}
    own = _text(loaded.get("_id")) or _text(loaded.get("id"))
    if own is not None and own.strip():
        record["own_id"] = own.strip()
        record["wanted_id"] = own.strip()
    record["replying_to"] = loaded.get("replying_to")
    if _blank(record["replying_to"]) and not _blank(loaded.get("replying_to_uid")):
        record["replying_to"] = loaded.get("replying_to_uid")  # other themes: the parent's _id
    if isinstance(record["replying_to"], (dict, list)):
        record["replying_to"] = None
    email = _text(loaded.get("email"))
    if email and _HEX_HASH.match(email.strip()):  # only ever used to take it out of the text
        record["email"] = email.strip()
    record["author"] = _text(loaded.get("name"))
    record["created_at"] = _date_text(loaded.get("date"))
    front = [k for k in FRONT_MATTER_KEYS if k in keys]
    if front:
        return malformed(f"page front-matter key(s) {', '.join(front)}: a page, not a comment")
    if "message" not in loaded:
        return malformed(f"no message key (keys: {', '.join(sorted(keys)) or 'none'})")
    message = loaded.get("message")
    if isinstance(message, (dict, list)):
        return malformed("message is not text")
    text = _text(message) or ""
    record["text"] = text
    hidden = loaded.get("hidden")
    if hidden is True or (isinstance(hidden, str) and hidden.strip().lower() in ("true", "yes")):
        record["reason"], record["detail"] = "unapproved", "hidden is true"
    elif not _blank(hidden):
        record["reason"] = "spam"
        record["detail"] = "the hidden (honeypot) field is filled in, as robots do"
    elif not text.strip():
        record["reason"], record["detail"] = "blank", "message is empty"
    return record


def _fill_dates(records: list[dict]) -> int:
    """Where ``date`` is missing or unreadable, use the epoch milliseconds in the file name (in place).

    Returns how many non-blank dates could not be read.
    """
    dates, bad = utc_dates([r["created_at"] for r in records])
    for r, date in zip(records, dates, strict=True):
        if pd.isna(date):
            epoch = _EPOCH_MS.search(r["stem"])
            r["created_at"] = None
            if epoch:
                try:
                    r["created_at"] = pd.Timestamp(int(epoch.group(1)), unit="ms", tz="UTC").isoformat()
                except (ValueError, OverflowError):
                    pass
        else:
            r["created_at"] = date.isoformat()
    return bad
