"""Reader for Disqus XML exports (``disqus``).

A Disqus export is one ``<disqus>`` element holding ``<category>``, ``<thread dsq:id="...">`` (a page
with comments: ``<link>``, ``<title>``, ``<createdAt>``) and ``<post dsq:id="...">`` elements (a
comment: ``<message>`` in HTML, ``<createdAt>``, ``<author><name>``, ``<isDeleted>``, ``<isSpam>``,
``<thread dsq:id="..."/>`` naming its thread and, for a reply, ``<parent dsq:id="..."/>``).

What a record is
----------------
The records are **the threads that have kept comments, and the posts**. Every ``<post>`` is one
record: a ``comment`` ("comment-<dsq:id>"), or a ``reply`` when it has a ``<parent>``; ``isSpam``
true excludes it as ``spam``, ``isDeleted`` true as ``deleted``, no text as ``blank``. A thread
with at least one kept post becomes a row of kind ``post`` ("thread-<dsq:id>", with its title and
link) that its top-level comments reply to; threads without kept posts are not records (counted in a
note). A post whose thread is not in the file keeps that thread as ``thread_id`` but has no parent row.
A reply to an excluded post is attached to the nearest kept ancestor (in the end the thread), and the
exclusion's detail says so. A post whose dsq:id was already read (an export listing it twice) is
excluded as ``duplicate_record`` under the first one's id, naming the line where it was first read.
A ``<post>`` that is not directly under the root element (inside a ``<category>``, say) or is in
another namespace than the export's is not read as a comment but is still a record: it is excluded as
``malformed``, saying where it was.

``author`` is ``<author><name>`` (the display name); ``<email>``, ``<username>`` and
``<ipAddress>`` are never read. ``url`` is the thread's link plus ``#comment-<dsq:id>``.

Parsed as a stream with :mod:`defusedxml` (see :func:`helpers.ingest._xml.stream_xml`).
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

from ..errors import InputError
from ..schema import COMMENT_COLUMNS
from ._build import break_cycles, build_tables, nearest_kept, unique_id
from ._html import html_to_text
from ._text import head_text
from ._xml import Node, XMLStream, stream_xml
from .registry import ReadOptions, Tables, register_reader

__all__ = ["read_disqus", "sniff_disqus"]

_ROOT = re.compile(r"<(?:\w+:)?disqus[\s>]")


def sniff_disqus(head: bytes) -> float:
    """Confidence that a file starting with ``head`` is a Disqus XML export.

    Examples
    --------
    >>> sniff_disqus(b'<?xml version="1.0"?>\\n<disqus xmlns="http://disqus.com">')
    0.95
    >>> sniff_disqus(b"<disqus>"), sniff_disqus(b"<rss>")
    (0.6, 0.0)
    """
    text = head_text(head)
    if text is None or not _ROOT.search(text):
        return 0.0
    return 0.95 if "disqus.com" in text else 0.6


def _true(node: Node, tag: str, ns: str) -> bool:
    child = node.find(tag, lambda u: u == ns)
    return child is not None and child.text.strip().lower() in ("true", "1", "yes")


def _ref(node: Node, tag: str, ns: str) -> str | None:
    """The dsq:id of the child ``<tag dsq:id="..."/>`` (None when absent or empty)."""
    child = node.find(tag, lambda u: u == ns)
    if child is None:
        return None
    value = (child.attr("id") or "").strip()
    return value or None


@register_reader("disqus", suffixes=(".xml",), sniff=sniff_disqus)
def read_disqus(path: Path, options: ReadOptions) -> Tables:
    """Read a Disqus XML export: threads with kept comments, and every post (see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "d.xml"
    >>> _ = p.write_text('''<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
    ... <thread dsq:id="1"><link>http://x.test/a</link><title>A</title></thread>
    ... <post dsq:id="7"><message><![CDATA[<p>Hi</p>]]></message><thread dsq:id="1"/></post>
    ... </disqus>''')
    >>> t = read_disqus(p, ReadOptions(str(p)))
    >>> t.comments[["comment_id", "parent_id", "thread_id", "kind", "text", "source_row"]].values.tolist()
    [['thread-1', <NA>, 'thread-1', 'post', '', 2], ['comment-7', 'thread-1', 'thread-1', 'comment', 'Hi', 3]]
    """
    source = options.source
    info = XMLStream()
    threads: dict[str, Node] = {}
    thread_order: list[str] = []
    posts: list[Node] = []
    root_ns: list[str] = []

    misplaced: list[tuple[Node, str]] = []  # <post> elements not directly under the root, and why
    where: deque[str | None] = deque()  # for each captured element, in order: None, or why it is misplaced

    def capture(depth: int, ns: str, tag: str) -> bool:
        if depth == 0:
            root_ns.append(ns)
            return False
        if depth == 1 and ns == root_ns[0] and tag in ("thread", "post", "category"):
            where.append(None)
            return True
        if tag == "post":  # anywhere else: read, to be excluded as malformed rather than lost
            where.append(_misplaced(depth, ns, root_ns[0]))
            return True
        return False

    for node in stream_xml(path, source=source, capture=capture, info=info):
        why = where.popleft()
        if why is not None:
            misplaced.append((node, why))
            continue
        misplaced.extend((inner, f"a <post> inside <{node.tag}>, not directly under the root element")
                         for inner in _posts_within(node))
        if node.tag == "post":
            posts.append(node)
            continue
        if node.tag == "category":
            continue
        key = (node.attr("id") or "").strip()
        if key and key not in threads:
            threads[key] = node
            thread_order.append(key)
    if info.root is None or info.root[1] != "disqus":
        found = info.root[1] if info.root else "nothing"
        raise InputError(f"not a Disqus export: the root element is <{found}>, not <disqus>", path=source)
    ns = root_ns[0]

    # Every post: id, thread, parent reference, status.
    used: set[str] = set()
    n = len(posts)
    ids, dsq, thread_of, parent_ref, reasons, details, texts = [], [], [], [], [], [], []
    by_dsq: dict[str, int] = {}
    for k, post in enumerate(posts):
        key = (post.attr("id") or "").strip()
        dsq.append(key)
        first = by_dsq.get(key) if key else None
        if first is None:
            ids.append(unique_id(f"comment-{key}" if key else f"comment-line{post.line}", used,
                                 prefix=f"line{post.line}"))
            if key:
                by_dsq[key] = k
        else:
            ids.append(ids[first])  # a copy: excluded under the first one's id
        thread_of.append(_ref(post, "thread", ns))
        parent_ref.append(_ref(post, "parent", ns))
        text = html_to_text(post.child_text("message", lambda u: u == ns))
        texts.append(text)
        if first is not None:
            reasons.append("duplicate_record")
            details.append(f"the same dsq:id was already read on line {posts[first].line}")
        elif _true(post, "isSpam", ns):
            reasons.append("spam")
            details.append("isSpam is true")
        elif _true(post, "isDeleted", ns):
            reasons.append("deleted")
            details.append("isDeleted is true")
        elif not text.strip():
            reasons.append("blank")
            details.append("the message is empty")
        else:
            reasons.append(None)
            details.append("")
    kept_threads = {thread_of[k] for k in range(n) if reasons[k] is None and thread_of[k] in threads}
    thread_ids = {t: unique_id(f"thread-{t}", used, prefix="disqus") for t in thread_order if t in kept_threads}

    def thread_row(k: int) -> str | None:
        return thread_ids.get(thread_of[k]) if thread_of[k] is not None else None

    def own_thread(k: int) -> str:
        t = thread_of[k]
        if t is None:
            return ids[k]
        return thread_ids.get(t, f"thread-{t}")

    # The nearest kept ancestor of each post (memoised over excluded posts).
    memo: dict[int, str | None] = {}

    rows: dict[str, list] = {c: [] for c in (*COMMENT_COLUMNS, "title", "url") if c != "source"}
    excluded: list[tuple[int, str, str, str]] = []
    for t in thread_order:
        if t not in thread_ids:
            continue
        node = threads[t]
        _add(
            rows,
            comment_id=thread_ids[t],
            parent_id=None,
            thread_id=thread_ids[t],
            author=_author(node, ns),
            created_at=node.child_text("createdAt", lambda u: u == ns),
            text=html_to_text(node.child_text("message", lambda u: u == ns)),
            kind="post",
            source_row=node.line,
            title=node.child_text("title", lambda u: u == ns),
            url=node.child_text("link", lambda u: u == ns).strip() or None,
        )
    reattached: dict[int, list[str | None]] = {}
    kept = []
    parents: list[str | None] = []
    for k in range(n):
        target = nearest_kept(
            k, parents=parent_ref, position=by_dsq, ids=ids, reasons=reasons, memo=memo, default=thread_row(k)
        )
        j = by_dsq.get(parent_ref[k]) if parent_ref[k] is not None else None
        if reasons[k] is None:
            kept.append(k)
            parents.append(target)
            if j is not None and reasons[j] is not None:
                reattached.setdefault(j, []).append(target)
    cycles = break_cycles([ids[k] for k in kept], parents, [thread_row(k) for k in kept])
    for k, parent in zip(kept, parents, strict=True):
        post = posts[k]
        link = threads[thread_of[k]].child_text("link", lambda u: u == ns).strip() if thread_of[k] in threads else ""
        _add(
            rows,
            comment_id=ids[k],
            parent_id=parent,
            thread_id=own_thread(k),
            author=_author(post, ns),
            created_at=post.child_text("createdAt", lambda u: u == ns),
            text=texts[k],
            kind="reply" if parent_ref[k] is not None else "comment",
            source_row=post.line,
            title=None,
            url=f"{link}#comment-{dsq[k]}" if link and dsq[k] else None,
        )
    for k in range(n):
        if reasons[k] is None:
            continue
        detail = details[k]
        if k in reattached:
            m = len(reattached[k])
            targets = sorted({t for t in reattached[k] if t is not None})
            where = f"attached to {', '.join(targets)}" if targets else "left without a parent"
            detail += f"; {m} repl{'y' if m == 1 else 'ies'} to it {where}"
        excluded.append((posts[k].line, ids[k], reasons[k], detail))
    for node, why in misplaced:
        key = (node.attr("id") or "").strip()
        record = unique_id(f"comment-{key}" if key else f"comment-line{node.line}", used, prefix=f"line{node.line}")
        excluded.append((node.line, record, "malformed", f"{why}: not read as a comment"))
    excluded.sort(key=lambda e: e[0])
    tables = build_tables(rows, excluded, source)
    unused = len(thread_order) - len(thread_ids)
    if unused:
        tables.notes.append(f"{unused} thread(s) without kept comments are not records and were not read")
    if cycles:
        tables.notes.append(f"{cycles} post(s) whose parent chain loops were attached to their thread")
    return tables


def _misplaced(depth: int, ns: str, root_ns: str) -> str:
    """Why a ``<post>`` captured at ``depth`` in namespace ``ns`` is not read."""
    if depth > 1:
        return f"a <post> nested {depth} levels deep, not directly under the root element"
    return f"a <post> in namespace {ns or '(none)'!r}, not the export's {root_ns or '(none)'!r}"


def _posts_within(node: Node) -> list[Node]:
    """Every ``<post>`` element among the descendants of ``node`` (outermost ones only)."""
    found, stack = [], list(reversed(node.children))
    while stack:
        child = stack.pop()
        if child.tag == "post":
            found.append(child)
        else:
            stack.extend(reversed(child.children))
    return found


def _author(node: Node, ns: str) -> str | None:
    author = node.find("author", lambda u: u == ns)
    if author is None:
        return None
    return author.child_text("name", lambda u: u == ns).strip() or None


def _add(rows: dict[str, list], **values) -> None:
    for key, value in values.items():
        rows[key].append(value)
