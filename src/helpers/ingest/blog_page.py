"""Reader for a blog page pasted as plain text (``blog-page``), as copied from a WordPress page.

The layout (see ``data/raw/obama-toolkit/page.txt``)::

    Title line
    <blank>
    Post body paragraphs, separated by blank lines (list bullets on their own lines)
    10 responses                          <- or "N comments", "N replies", "One response", ...
      1. First line of response 1         <- number indented by up to 3 spaces
        continuation paragraph            <- indented 4 spaces
      2. Pingback: Title of linking post  <- "Trackback: ..." likewise
    Leave a Reply                         <- WordPress comment form, to the end of the page
    ...
    %d bloggers like this:

The comment form runs from "Leave a Reply" (or "Leave a comment") to the end of the page. Other
WordPress furniture ("Share this:", "Like this:", "%d bloggers like this:", "Related") is recognised
wherever it starts on an unindented line of its own; each such block runs until the next structural
line (the response count, a numbered response, another furniture heading) or the end of the page.

Every non-blank line ends up in exactly one place: the post (title, body and the response-count
line), a response, or an excluded block (furniture: reason ``boilerplate``; anything else that fits
nowhere: reason ``malformed``).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..clean import normalise_text
from ..errors import InputError
from ..schema import EXCLUSION_COLUMNS
from ._text import decode_text, head_text, read_bytes
from .registry import ReadOptions, Tables, register_reader

__all__ = ["read_blog_page", "sniff_blog_page", "parse_page", "PageRecord"]

_NUMBER_WORDS = {"no": 0, "one": 1}
COUNT_LINE = re.compile(
    r"^\s*(?P<n>\d+|one|no)\s+(?P<noun>responses?|comments?|repl(?:y|ies)|thoughts?)"
    r"(?:\s+yet|\s+(?:to|on)\s+[\"“‘'«].*)?\s*$",
    re.IGNORECASE,
)
RESPONSE_LINE = re.compile(r"^ {0,3}(?P<n>\d{1,6})\.(?:[ \t]+(?P<text>.*))?$")
LINK_NOTICE = re.compile(r"^(?P<kind>pingback|trackback):\s*(?P<text>.*)$", re.IGNORECASE | re.DOTALL)

#: Furniture headings: (record_id, what it is, pattern for the unindented heading line).
FURNITURE: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        # the whole line: "Leave a Reply", "Leave a Comment", "Leave a Reply to Ann Cancel reply"
        "comment-form",
        "the WordPress comment form",
        re.compile(r"^leave a (?:reply|comment)(?:\s+to\s+.+?)?(?:\s+cancel reply)?\s*$", re.I),
    ),
    ("share-buttons", "'Share this' buttons", re.compile(r"^share this:?\s*$", re.I)),
    (
        "like-buttons",
        "'Like this' buttons",
        re.compile(r"^(?:like this:?|(?:%d|\d+) bloggers? likes? this:?)\s*$", re.I),
    ),
    ("related-posts", "links to related posts", re.compile(r"^related\s*$", re.I)),
)


@dataclass
class PageRecord:
    """One record found on the page, with every line (1-based) it accounts for.

    Examples
    --------
    >>> PageRecord("r3", "comment", first_line=12, lines=[12, 14], text="Hello")
    PageRecord(record_id='r3', kind='comment', first_line=12, lines=[12, 14], text='Hello', title=None, excluded=False, detail='')
    """

    record_id: str
    kind: str  # post, comment, pingback, trackback -- or an exclusion reason
    first_line: int
    lines: list[int] = field(default_factory=list)
    text: str = ""
    title: str | None = None
    excluded: bool = False
    detail: str = ""
    raw: list[str] = field(default_factory=list, repr=False)  # the lines as on the page


def _furniture(line: str) -> tuple[str, str] | None:
    if line[:1].isspace():
        return None
    for record_id, what, pattern in FURNITURE:
        if pattern.match(line):
            return record_id, what
    return None


def _count_of(match: re.Match[str]) -> int:
    n = match.group("n").lower()
    return _NUMBER_WORDS[n] if n in _NUMBER_WORDS else int(n)


def _find_count_line(lines: list[str], start: int) -> int | None:
    """Index of the "N responses" line: the first one followed by response 1 (or saying none)."""
    candidates = [i for i in range(start, len(lines)) if COUNT_LINE.match(lines[i])]
    for i in candidates:
        following = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        says_none = _count_of(COUNT_LINE.match(lines[i])) == 0
        if says_none or (following is not None and RESPONSE_LINE.match(lines[following])):
            return i
    return candidates[0] if candidates else None


def _paragraphs(chunk: list[str]) -> str:
    """Lines grouped into paragraphs at blank lines; each paragraph dedented, lines kept as lines."""
    paragraphs, current = [], []
    for line in chunk + [""]:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(textwrap.dedent("\n".join(current)))
            current = []
    return "\n\n".join(paragraphs)


def _strip_indent(line: str) -> str:
    """Remove the page's indentation of a continuation line (4 spaces, or a tab); keep any deeper."""
    return re.sub(r"^(?: {1,4}|\t)", "", line)


def parse_page(text: str) -> list[PageRecord]:
    """Split a pasted blog page into the post, the responses and excluded blocks.

    Parameters
    ----------
    text : str
        The whole page, LF line breaks.

    Returns
    -------
    list of PageRecord
        The post first, then the responses in page order, then the excluded blocks. Texts are not
        yet normalised.

    Raises
    ------
    InputError
        If the number of responses stated on the page differs from the number found (``row`` is the
        line of the count).

    Examples
    --------
    >>> page = "My post\\n\\nBody.\\n\\n2 responses\\n\\n  1. Agree.\\n    More.\\n\\n  2. Pingback: Elsewhere\\n\\nLeave a Reply\\nName"
    >>> [(r.record_id, r.kind, r.first_line, r.text) for r in parse_page(page)]
    [('post', 'post', 1, 'Body.'), ('r1', 'comment', 7, 'Agree.\\nMore.'), ('r2', 'pingback', 10, 'Elsewhere'), ('comment-form', 'boilerplate', 12, '')]
    """
    lines = text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if not nonblank:
        raise InputError("the page is empty")
    title_i = nonblank[0]
    count_i = _find_count_line(lines, title_i + 1)

    # Furniture blocks, and the structural lines that end them.
    response_starts = set()
    if count_i is not None:
        for i in range(count_i + 1, len(lines)):
            if RESPONSE_LINE.match(lines[i]):
                response_starts.add(i)
    heads = {i: _furniture(lines[i]) for i in range(title_i + 1, len(lines))}
    heads = {i: h for i, h in heads.items() if h is not None}
    block_of: dict[int, int] = {}  # line index -> index of the block's heading
    members: dict[int, list[int]] = {}  # heading index -> the block's non-blank line numbers
    for start in sorted(heads):
        if start in block_of:
            continue
        i = start + 1
        if heads[start][0] == "comment-form":  # the comment form runs to the end of the page
            while i < len(lines) and i != count_i:
                i += 1
        else:
            while i < len(lines) and i != count_i and i not in heads and i not in response_starts:
                i += 1
        for j in range(start, i):
            block_of[j] = start
        members[start] = [j + 1 for j in range(start, i) if lines[j].strip()]
        # A numbered line inside the block is furniture, not a response.
        response_starts -= set(range(start, i))

    post = PageRecord("post", "post", title_i + 1, [title_i + 1], title=lines[title_i].strip())
    body_end = count_i if count_i is not None else len(lines)
    body = [i for i in range(title_i + 1, body_end) if i not in block_of]
    post.text = _paragraphs([lines[i] for i in body])
    post.lines += [i + 1 for i in body if lines[i].strip()]

    responses: list[PageRecord] = []
    stray: list[PageRecord] = []
    if count_i is not None:
        post.lines.append(count_i + 1)
        current: PageRecord | None = None
        open_stray: PageRecord | None = None
        for i in range(count_i + 1, len(lines)):
            line = lines[i]
            if i in block_of:  # furniture ends whatever came before it
                current = open_stray = None
                continue
            m = RESPONSE_LINE.match(line) if i in response_starts else None
            if m and (not responses or int(m["n"]) == int(responses[-1].record_id[1:]) + 1):
                current = PageRecord(f"r{int(m['n'])}", "comment", i + 1, [i + 1], raw=[m["text"] or ""])
                responses.append(current)
                open_stray = None
            elif current is not None:
                current.raw.append(line)
                if line.strip():
                    current.lines.append(i + 1)
            elif line.strip():
                if open_stray is None:
                    open_stray = PageRecord(f"unrecognised-{i + 1}", "malformed", i + 1, excluded=True)
                    stray.append(open_stray)
                open_stray.lines.append(i + 1)
        for response in responses:
            first, *rest = response.raw
            text_ = "\n".join([first] + [_strip_indent(line) for line in rest])
            notice = LINK_NOTICE.match(text_)
            if notice:
                response.kind = notice["kind"].lower()
                text_ = notice["text"]
            response.text = text_.strip()
        count = COUNT_LINE.match(lines[count_i])
        if len(responses) != _count_of(count):
            raise InputError(
                f"the page says {_count_of(count)} {count['noun'].lower()} but {len(responses)} were found",
                row=count_i + 1,
            )

    for record in stray:
        record.detail = f"{_line_range(record.lines)}: text after the response count that is not part of a numbered response"

    furniture: list[PageRecord] = []
    seen: dict[str, int] = {}
    for start, covered in members.items():
        record_id, what = heads[start]
        seen[record_id] = seen.get(record_id, 0) + 1
        if seen[record_id] > 1:
            record_id = f"{record_id}-{seen[record_id]}"
        furniture.append(
            PageRecord(
                record_id,
                "boilerplate",
                start + 1,
                covered,
                excluded=True,
                detail=f"{_line_range(covered)}: {what} (from {lines[start].strip()!r})",
            )
        )
    return [post, *responses, *stray, *furniture]


def _line_range(numbers: list[int]) -> str:
    return f"line {numbers[0]}" if len(numbers) == 1 else f"lines {numbers[0]}-{numbers[-1]}"


def sniff_blog_page(head: bytes) -> float:
    """Confidence that a file starting with ``head`` is a pasted blog page with numbered responses.

    Examples
    --------
    >>> sniff_blog_page(b"Title\\n\\nBody\\n\\n2 responses\\n\\n  1. Yes\\n\\n  2. No\\n"), sniff_blog_page(b"id,text\\n")
    (0.9, 0.0)
    """
    text = head_text(head)
    if text is None:
        return 0.0
    lines = text.split("\n")
    count = next((i for i, line in enumerate(lines) if COUNT_LINE.match(line)), None)
    if count is not None:
        if any(RESPONSE_LINE.match(line) for line in lines[count + 1 :]):
            return 0.9
        return 0.6
    if any(_furniture(line) and _furniture(line)[0] == "comment-form" for line in lines) or any(
        "bloggers like this" in line for line in lines
    ):
        return 0.5
    return 0.0


@register_reader("blog-page", suffixes=(".txt",), sniff=sniff_blog_page)
def read_blog_page(path: Path, options: ReadOptions) -> Tables:
    """Read a pasted blog page: the post (``comment_id`` "post") and its numbered responses ("r1", ...).

    Responses reply to the post and share its thread; pingbacks and trackbacks keep only the linking
    post's title as text. Furniture becomes exclusions (reason ``boilerplate``). Column options
    (``text_column`` and so on) do not apply and are ignored.

    Examples
    --------
    >>> from helpers.paths import resolve
    >>> t = read_blog_page(resolve("data/raw/obama-toolkit/page.txt"), ReadOptions("page.txt"))
    >>> t.comments[["comment_id", "kind", "source_row"]].tail(2).values.tolist()
    [['r9', 'pingback', 78], ['r10', 'pingback', 80]]
    >>> t.exclusions[["record_id", "reason", "source_row"]].values.tolist()
    [['comment-form', 'boilerplate', 82]]
    """
    source = options.source
    text = decode_text(read_bytes(path, source=source), encoding=options.encoding, source=source)
    try:
        records = parse_page(text)
    except InputError as exc:
        raise InputError(exc.reason, path=source, row=exc.row) from None
    kept = [r for r in records if not r.excluded and r.text.strip() or r.kind == "post"]
    blank = [r for r in records if not r.excluded and not r.text.strip() and r.kind != "post"]
    n = len(kept)
    comments = pd.DataFrame(
        {
            "comment_id": pd.Series([r.record_id for r in kept], dtype="string"),
            "parent_id": pd.Series([pd.NA if r.kind == "post" else "post" for r in kept], dtype="string"),
            "thread_id": pd.Series(["post"] * n, dtype="string"),
            "author": pd.Series([pd.NA] * n, dtype="string"),
            "created_at": pd.Series([pd.NaT] * n, dtype="datetime64[ns, UTC]"),
            "text": normalise_text(pd.Series([r.text for r in kept], dtype="string")),
            "kind": pd.Series([r.kind for r in kept], dtype="string"),
            "source": pd.Series([source] * n, dtype="string"),
            "source_row": pd.Series([r.first_line for r in kept], dtype="Int64"),
            "title": normalise_text(pd.Series([r.title for r in kept], dtype="string")),
        }
    )
    excluded = sorted(blank + [r for r in records if r.excluded], key=lambda r: r.first_line)
    exclusions = pd.DataFrame(
        {
            "source": pd.Series([source] * len(excluded), dtype="string"),
            "source_row": pd.Series([r.first_line for r in excluded], dtype="Int64"),
            "record_id": pd.Series([r.record_id for r in excluded], dtype="string"),
            "reason": pd.Series(["blank" if not r.excluded else r.kind for r in excluded], dtype="string"),
            "detail": pd.Series(
                [
                    f"line {r.first_line}: response {r.record_id[1:]} has no text"
                    if not r.excluded
                    else r.detail
                    for r in excluded
                ],
                dtype="string",
            ),
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    return Tables(comments=comments, exclusions=exclusions)
