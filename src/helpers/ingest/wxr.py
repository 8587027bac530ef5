"""Reader for WordPress exports (``wxr``): WordPress eXtended RSS 1.0, 1.1 and 1.2.

What a record is
----------------
The records of a WXR file are **the posts that have comments, and the comments**. An ``<item>``
(post, page, attachment...) with at least one ``<wp:comment>`` becomes a row of kind ``post``
(``comment_id`` "post-<wp:post_id>", its title, its ``content:encoded`` as plain text); each of its
``<wp:comment>`` elements is one record: a ``comment``, a ``reply`` (``comment_parent`` not 0), a
``pingback`` or a ``trackback`` (``comment_type``), with ``comment_id`` "comment-<wp:comment_id>".
Items without comments (attachments, menu items, pages nobody commented on) are not records: they are
counted in a note, not in ``records_read``. So for every file, ``records_read`` = items with
comments + ``<wp:comment>`` elements.

Comments that are not approved are excluded: ``comment_approved`` 0 or "hold" (reason
``unapproved``), "spam" (``spam``), "trash" or "post-trashed" (``deleted``); approved comments
without text are excluded as ``blank``. A reply to an excluded comment is attached to the nearest
kept ancestor (in the end, the post) and the exclusion's detail says so. A comment whose
``comment_id`` was already read under the same post, or an item whose ``post_id`` was (an export
listing a record twice; the same ``comment_id`` under another post is another comment, renamed),
is excluded as ``duplicate_record`` under the first one's id, naming the line where it was first read;
new comments under a repeated item go under the first one, and replies to a copy attach where replies
to the first would.

Personal data stays behind: ``author`` is ``comment_author`` (the display name);
``comment_author_email``, ``comment_author_IP`` and ``comment_author_url`` are never read. ``url`` is
where the comment is published (the post's link plus ``#comment-<id>``). ``created_at`` is
``comment_date_gmt`` (``comment_date``, taken as UTC, when the GMT date is "0000-00-00 ...").

The WordPress namespace is not hard-coded: any ``http://`` or ``https://wordpress.org/export/<version>/``
namespace the document uses is recognised (exports differ in both), and elements in any other
namespace -- even with the ``wp:`` prefix -- are ignored. The file is parsed as a stream with
:mod:`defusedxml` (entity expansion and external references refused), so a large export does not have
to fit in memory as a tree.

Comment and post bodies become plain text with :func:`helpers.ingest._html.html_to_text`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..schema import COMMENT_COLUMNS
from ._build import break_cycles, build_tables, nearest_kept, unique_id
from ._html import html_to_text
from ._text import head_text
from ._xml import Node, XMLStream, stream_xml
from .registry import ReadOptions, Tables, register_reader

__all__ = ["read_wxr", "sniff_wxr"]

#: A WordPress export namespace, any version, http or https (the excerpt namespace is not one).
WXR_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+(?:\.\d+)*/$")
_SNIFF_NAMESPACE = re.compile(rb"""xmlns(?::\w+)?\s*=\s*["']https?://wordpress\.org/export/\d+(?:\.\d+)*/["']""")
_CONTENT_NAMESPACE = re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/?$")

# ---------------------------------------------------------------------------------------------
# WXR


def _is_wxr(ns: str) -> bool:
    return bool(WXR_NAMESPACE.match(ns))


def _no_ns(ns: str) -> bool:
    return ns == ""


def _is_content(ns: str) -> bool:
    return bool(_CONTENT_NAMESPACE.match(ns))


_APPROVAL = {
    "1": None,
    "approve": None,
    "approved": None,
    "0": "unapproved",
    "hold": "unapproved",
    "spam": "spam",
    "trash": "deleted",
    "post-trashed": "deleted",
}
_APPROVAL_DETAIL = {
    "unapproved": "awaiting moderation",
    "spam": "marked as spam",
    "deleted": "in the trash",
}


def sniff_wxr(head: bytes) -> float:
    """Confidence that a file starting with ``head`` is a WordPress export.

    Examples
    --------
    >>> sniff_wxr(b'<?xml version="1.0"?><rss version="2.0" xmlns:wp="https://wordpress.org/export/1.2/">')
    0.95
    >>> sniff_wxr(b"<rss><channel/></rss>"), sniff_wxr(b"id,text\\n")
    (0.0, 0.0)
    """
    text = head_text(head)
    if text is None:
        return 0.0
    if _SNIFF_NAMESPACE.search(text.encode("utf-8", errors="replace")):
        return 0.95 if "<rss" in text else 0.7
    return 0.0


def _capture_wxr(depth: int, ns: str, tag: str) -> bool:
    return (tag == "item" and ns == "") or (tag == "author" and _is_wxr(ns))


@register_reader("wxr", suffixes=(".xml", ".wxr"), sniff=sniff_wxr)
def read_wxr(path: Path, options: ReadOptions) -> Tables:
    """Read a WordPress export: posts with comments, and their comments (see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "e.xml"
    >>> _ = p.write_text('''<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
    ... <item><title>Hi</title><wp:post_id>5</wp:post_id>
    ... <wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_content>Yes</wp:comment_content>
    ... <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
    ... </item></channel></rss>''')
    >>> t = read_wxr(p, ReadOptions(str(p)))
    >>> t.comments[["comment_id", "parent_id", "kind", "source_row"]].astype(object).values.tolist()
    [['post-5', <NA>, 'post', 2], ['comment-9', 'post-5', 'comment', 3]]
    """
    source = options.source
    info = XMLStream()
    rows: dict[str, list] = {k: [] for k in (*COMMENT_COLUMNS, "title", "url") if k != "source"}
    excluded: list[tuple[int, str, str, str]] = []
    used: set[str] = set()
    seen: dict[tuple[str, ...], tuple[int, str, str | None]] = {}
    display_names: dict[str, str] = {}
    items_without_comments = 0
    cycles = 0
    for node in stream_xml(path, source=source, capture=_capture_wxr, info=info):
        if node.tag == "author":
            login = node.child_text("author_login", _is_wxr).strip()
            name = node.child_text("author_display_name", _is_wxr).strip()
            if login and name:
                display_names[login] = name
            continue
        comments = [c for c in node.children if c.tag == "comment" and _is_wxr(c.ns)]
        if not comments:
            items_without_comments += 1
            continue
        cycles += _read_item(node, comments, rows, excluded, used, display_names, seen)
    if not any(_is_wxr(ns) for ns in info.namespaces):
        raise InputError(
            "not a WordPress export: no element is in a wordpress.org/export/ namespace", path=source
        )
    tables = build_tables(rows, excluded, source)
    if items_without_comments:
        tables.notes.append(
            f"{items_without_comments} item(s) without comments (attachments, menu items, pages...) "
            "are not records and were not read"
        )
    if cycles:
        tables.notes.append(f"{cycles} comment(s) whose comment_parent chain loops were attached to their post")
    return tables


def _read_item(
    item: Node,
    comments: list[Node],
    rows: dict[str, list],
    excluded: list[tuple[int, str, str, str]],
    used: set[str],
    display_names: dict[str, str],
    seen: dict[tuple[str, ...], tuple[int, str, str | None]],
) -> int:
    """Add one item (a post row) and its comments to ``rows``/``excluded``; return loops cut.

    ``seen`` maps ``("post", wp:post_id)`` and ``("comment", post row id, wp:comment_id)`` to the line where that
    record was first read, its id, and the id it stands for (its own when kept, else its nearest kept
    ancestor's): a record read again is excluded as ``duplicate_record`` under the first one's id, and
    replies to the copy attach where replies to the first would.
    """
    raw_post_id = item.child_text("post_id", _is_wxr).strip()
    link = item.child_text("link", _no_ns).strip() or None
    first_post = seen.get(("post", raw_post_id)) if raw_post_id else None
    if first_post is not None:  # the same post again: its new comments, if any, go under the first copy
        post_id = first_post[1]
        excluded.append((item.line, post_id, "duplicate_record",
                         f"the same post_id was already read on line {first_post[0]}"))
    else:
        post_id = unique_id(f"post-{raw_post_id}" if raw_post_id else f"post-line{item.line}", used, prefix="item")
        if raw_post_id:
            seen[("post", raw_post_id)] = (item.line, post_id, post_id)
        creator = item.child_text("creator").strip()
        post_date = item.child_text("post_date_gmt", _is_wxr).strip()
        if not post_date or post_date.startswith("0000"):
            post_date = item.child_text("post_date", _is_wxr).strip()
        _add(
            rows,
            comment_id=post_id,
            parent_id=None,
            thread_id=post_id,
            author=display_names.get(creator),
            created_at=post_date,
            text=html_to_text(item.child_text("encoded", _is_content)),
            kind="post",
            source_row=item.line,
            title=item.child_text("title", _no_ns),
            url=link,
        )

    # First pass: ids, status and parents of every comment of this item.
    n = len(comments)
    cids, ids, parents_raw, reasons, details, kinds, texts = [], [], [], [], [], [], []
    fields: list[dict[str, str]] = []
    copies: dict[int, tuple[int, str, str | None]] = {}  # position -> seen[] of the first copy, read earlier
    for k, c in enumerate(comments):
        f = c.texts(_is_wxr)
        fields.append(f)
        cid = f.get("comment_id", "").strip()
        first = seen.get(("comment", post_id, cid)) if cid else None
        if first is not None:
            copies[k] = first
            ids.append(first[1])
        else:
            wanted = f"comment-{cid}" if cid else f"{post_id}-comment-{k + 1}"
            ids.append(unique_id(wanted, used, prefix=post_id))
            if cid:
                seen[("comment", post_id, cid)] = (c.line, ids[-1], None)  # what it stands for: after the second pass
        cids.append(cid)
        parent = f.get("comment_parent", "").strip()
        parents_raw.append(parent if parent not in ("", "0") else None)
        ctype = f.get("comment_type", "").strip().lower()
        kinds.append(ctype if ctype in ("pingback", "trackback") else "reply" if parents_raw[-1] else "comment")
        text = html_to_text(f.get("comment_content", ""))
        texts.append(text)
        approved = f["comment_approved"].strip().lower() if "comment_approved" in f else "1"
        if approved in _APPROVAL:
            reason = _APPROVAL[approved]
            detail = f"comment_approved is {approved!r} ({_APPROVAL_DETAIL[reason]})" if reason else ""
        else:
            reason, detail = "unapproved", f"comment_approved is {approved!r}, not 1"
        if reason is None and not text.strip():
            reason, detail = "blank", "comment_content is empty"
        if k in copies:
            reason, detail = "duplicate_record", f"the same comment_id was already read on line {copies[k][0]}"
        reasons.append(reason)
        details.append(detail)
    local = {}
    for k, cid in enumerate(cids):
        if cid and cid not in local:
            local[cid] = k

    # Second pass: each kept comment's parent is the nearest kept ancestor, else the post. A copy of a
    # comment stands for what its first copy stands for (copies within this item are never reached:
    # ``local`` names the first).
    memo: dict[int, str | None] = {k: first[2] for k, first in copies.items() if first[2] is not None}

    reattached: dict[int, list[str]] = {}
    parents: list[str | None] = []
    for k in range(n):
        target = nearest_kept(
            k, parents=parents_raw, position=local, ids=ids, reasons=reasons, memo=memo, default=post_id
        )
        parents.append(target)
        cur = local.get(parents_raw[k]) if parents_raw[k] is not None else None
        if reasons[k] is None and cur is not None and reasons[cur] is not None:
            reattached.setdefault(cur, []).append(target)
    for k, cid in enumerate(cids):
        if cid and k not in copies and seen[("comment", post_id, cid)][2] is None:
            seen[("comment", post_id, cid)] = (comments[k].line, ids[k], ids[k] if reasons[k] is None else parents[k])
    kept = [k for k in range(n) if reasons[k] is None]
    kept_parents = [parents[k] for k in kept]
    cycles = break_cycles([ids[k] for k in kept], kept_parents, [post_id] * len(kept))
    for k, parent in zip(kept, kept_parents, strict=True):
        c = comments[k]
        f = fields[k]
        date = f.get("comment_date_gmt", "").strip()
        if not date or date.startswith("0000"):
            date = f.get("comment_date", "").strip()
        _add(
            rows,
            comment_id=ids[k],
            parent_id=parent,
            thread_id=post_id,
            author=f.get("comment_author"),
            created_at=date,
            text=texts[k],
            kind=kinds[k],
            source_row=c.line,
            title=None,
            url=f"{link}#comment-{cids[k]}" if link and cids[k] else None,
        )
    for k in range(n):
        if reasons[k] is None:
            continue
        detail = details[k]
        if k in reattached:
            targets = sorted(set(reattached[k]))
            detail += f"; {len(reattached[k])} repl{'y' if len(reattached[k]) == 1 else 'ies'} to it attached to {', '.join(targets)}"
        excluded.append((comments[k].line, ids[k], reasons[k], detail.lstrip("; ")))
    return cycles


def _add(rows: dict[str, list], **values) -> None:
    for key, value in values.items():
        rows[key].append(value)
