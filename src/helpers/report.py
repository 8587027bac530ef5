"""Escaped HTML building blocks for the briefing.

Every function here returns a ``str`` of HTML and escapes every piece of text it is given, so comment
text from the public (untrusted) can be passed straight in: it is never interpreted as HTML or
markdown, and links in it are never made clickable. Arguments named ``*_html`` are the exception:
they take HTML made by these functions (or by :func:`helpers.plots.figure_html`) and are inserted as
they are.

The class names (``lp-*``) are styled by the briefing template
(``src/helpers/templates/briefing/briefing.css``); without it the markup is still plain, semantic
HTML that reads well in JupyterLab.

In a notebook, show a block with :func:`show`::

    from helpers import report
    report.show(report.callout("A consultation is not a vote.", kind="warning"))
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "esc",
    "heading",
    "paragraph",
    "section",
    "table_html",
    "key_numbers",
    "summary_list",
    "quote_html",
    "theme_excerpt",
    "QUOTE_CHARS",
    "clean_text",
    "truncate_words",
    "callout",
    "details",
    "show",
]

# Zero-width, bidirectional-control and other invisible format characters, plus C0/C1 controls other
# than tab and newline. Stripped from quoted comment text so that it cannot reorder or hide the page
# around it (the "Trojan Source" class of tricks).
_INVISIBLE = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # control characters (keep \t \n \r)
    "\u061c"  # Arabic letter mark
    "\u200b-\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u202a-\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2060-\u2064"  # word joiner and invisible operators
    "\u2066-\u2069"  # LRI, RLI, FSI, PDI
    "\ufeff"  # zero-width no-break space (BOM)
    "]"
)
_LINE_SEPARATORS = re.compile("\r\n|\r|\u2028|\u2029|\x85")
_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than newline
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_KINDS = {"warning": "Caution:", "info": "Note:"}
ELLIPSIS = "\u2026"


def esc(value: Any) -> str:
    """``value`` as text escaped for HTML (``&``, ``<``, ``>``, ``"`` and ``'``); None and NA give ``""``.

    Examples
    --------
    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> esc(None), esc(pd.NA), esc(float("nan")), esc(3)
    ('', '', '', '3')
    """
    if _is_missing(value):
        return ""
    return html.escape(str(value), quote=True)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return missing is True or (hasattr(missing, "dtype") and missing.shape == () and bool(missing))


def _check_id(id: str | None) -> str:
    if id is None:
        return ""
    if not isinstance(id, str) or not _ID.match(id):
        raise ValueError(f"an HTML id must be a letter followed by letters, digits, '-' or '_': {id!r}")
    return f' id="{id}"'


def _check_level(level: int) -> int:
    if not isinstance(level, numbers.Integral) or not 1 <= int(level) <= 6:
        raise ValueError(f"heading level must be an integer from 1 to 6, not {level!r}")
    return int(level)


def heading(text: Any, level: int = 2, *, id: str | None = None) -> str:
    """An escaped ``<hN>`` heading.

    Examples
    --------
    >>> heading("Themes & <tone>", 2)
    '<h2>Themes &amp; &lt;tone&gt;</h2>'
    """
    n = _check_level(level)
    return f"<h{n}{_check_id(id)}>{esc(text)}</h{n}>"


def paragraph(text: Any) -> str:
    """An escaped ``<p>`` paragraph.

    Examples
    --------
    >>> paragraph("1 < 2")
    '<p>1 &lt; 2</p>'
    """
    return f"<p>{esc(text)}</p>"


def section(title: Any, body_html: str, *, level: int = 2, id: str | None = None) -> str:
    """A ``<section>`` with an escaped heading and ``body_html`` (HTML from this module) inserted as is.

    With ``id`` the section gets that id (for links from a contents list); a top-level section (``h2``)
    is also labelled by its heading, which makes it a landmark a screen reader lists. Sub-sections are
    not: a page of 20 landmarks is noise, not navigation (an accessibility audit).

    Examples
    --------
    >>> section("Summary", paragraph("Most agree."), id="summary")
    '<section id="summary" aria-labelledby="summary-heading"><h2 id="summary-heading">Summary</h2><p>Most agree.</p></section>'
    """
    n = _check_level(level)
    if id is None:
        return f"<section>{heading(title, n)}{body_html}</section>"
    _check_id(id)
    label = f' aria-labelledby="{id}-heading"' if n == 2 else ""
    return f'<section id="{id}"{label}>{heading(title, n, id=f"{id}-heading")}{body_html}</section>'


#: Phone width the briefing must fit (px of the table's column: a 390 px screen less the page margins),
#: and a generous width of one character of table text there (16 px type).
_NARROW_PX, _CHAR_PX, _CELL_PAD_PX = 360, 10, 20


def _fits_narrow_screen(shown: pd.DataFrame, head: list[str], nowrap: set, code: set) -> bool:
    """Whether a table surely fits a phone's width without scrolling: the sum of its columns' narrowest
    widths (the longest word of each; the whole text of a column that does not wrap; code, which wraps
    anywhere, as 10 characters), at a generous width per character, with the cells' padding."""
    total = 0
    for j, name in enumerate(head):
        texts = [str(name)] + [str(v) for v in shown.iloc[:, j]]
        if name in code:
            longest = 10
        elif name in nowrap:
            longest = max(len(t) for t in texts)
        else:
            longest = max((len(w) for t in texts for w in t.split()), default=0)
        total += longest * _CHAR_PX + _CELL_PAD_PX
    return total <= _NARROW_PX


# ---------------------------------------------------------------------------------------------- tables


def _format_cell(value: Any, fmt: str | Callable[[Any], str] | None) -> str:
    if _is_missing(value):
        return ""
    if fmt is not None:
        return str(fmt(value)) if callable(fmt) else fmt.format(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        return f"{x:,.2f}"
    return str(value)


def _numeric_columns(df: pd.DataFrame) -> list[Any]:
    return [
        c
        for c in df.columns
        if pd.api.types.is_numeric_dtype(df[c].dtype) and not pd.api.types.is_bool_dtype(df[c].dtype)
    ]


def table_html(
    df: pd.DataFrame,
    *,
    caption: Any,
    numeric: Sequence[Any] | None = None,
    index: bool = False,
    max_rows: int | None = None,
    formats: Mapping[Any, str | Callable[[Any], str]] | None = None,
    code: Sequence[Any] | None = None,
) -> str:
    """An accessible, escaped ``<table>`` inside a horizontally scrollable, keyboard-focusable region.

    Parameters
    ----------
    df : DataFrame
        The table. Column names and every cell are escaped.
    caption : str
        What the table shows; also the accessible name of the scrollable region.
    numeric : list of column names, optional
        Columns to right-align (header and cells). Default: the numeric, non-boolean columns.
    index : bool
        Show the index as a first column of row headers (``<th scope="row">``).
    max_rows : int, optional
        Show only the first ``max_rows`` rows; the caption then says so ("first 10 of 250 rows").
    formats : dict, optional
        Per-column format: a ``str.format`` pattern such as ``"{:.1%}"`` or a callable. Without one,
        integers get thousands separators, other numbers two decimals, missing values are blank.
    code : list of column names, optional
        Columns shown in ``<code>`` (identifiers, checksums), which may wrap anywhere.

    Examples
    --------
    >>> html = table_html(pd.DataFrame({"theme": ["<b>"], "n": [1200]}), caption="Themes")
    >>> '<th scope="col" class="lp-num">n</th>' in html, "&lt;b&gt;" in html, "1,200" in html
    (True, True, True)
    """
    formats = dict(formats or {})
    numeric_cols = set(_numeric_columns(df) if numeric is None else numeric)
    unknown = (numeric_cols | set(formats) | set(code or ())) - set(df.columns)
    if unknown:
        raise ValueError(f"table_html: no such column(s): {sorted(map(str, unknown))}")
    code_cols = set(code or ())
    total = len(df)
    shown = df if max_rows is None or total <= max_rows else df.iloc[: max(int(max_rows), 0)]

    caption_text = esc(caption)
    if len(shown) < total:
        caption_text += f' <span class="lp-table__note">(first {len(shown):,} of {total:,} rows)</span>'
    elif total == 0:
        caption_text += ' <span class="lp-table__note">(no rows)</span>'

    cols = list(df.columns)
    num_class = ' class="lp-num"'
    head = []
    if index:
        head.append(f'<th scope="col">{esc(_index_label(df))}</th>')
    for c in cols:
        head.append(f'<th scope="col"{num_class if c in numeric_cols else ""}>{esc(c)}</th>')

    rows = []
    for label, values in zip(shown.index, shown.itertuples(index=False, name=None), strict=True):
        cells = [f'<th scope="row">{esc(_format_cell(label, None))}</th>'] if index else []
        for c, v in zip(cols, values, strict=True):
            text = esc(_format_cell(v, formats.get(c)))
            if c in code_cols and text:
                text = f"<code>{text}</code>"
            cells.append(f"<td{num_class if c in numeric_cols else ''}>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")

    shown_text = pd.DataFrame({c: [_format_cell(v, formats.get(c)) for v in shown[c]] for c in cols}, columns=cols)
    if index:
        shown_text.insert(0, "", [_format_cell(label, None) for label in shown.index])
    names = ([_index_label(df)] if index else []) + cols
    # a table that may scroll sideways on a phone is a named, focusable region (keyboard users can
    # scroll it); one that surely fits is not another landmark and tab stop
    wrap = ('<div class="lp-table-wrap">' if _fits_narrow_screen(shown_text, names, numeric_cols, code_cols) else
            f'<div class="lp-table-wrap" role="region" aria-label="{esc(caption)}" tabindex="0">')
    return (
        f'{wrap}<table class="lp-table"><caption class="lp-table__caption">{caption_text}</caption>'
        f"<thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _index_label(df: pd.DataFrame) -> str:
    names = [n for n in df.index.names if n is not None]
    return ", ".join(map(str, names))


def key_numbers(items: Iterable[tuple[Any, Any]]) -> str:
    """Headline numbers as a description list: each label (``<dt>``) above its value (``<dd>``).

    Integers get thousands separators; everything else is shown as given (escaped). A value longer than
    9 characters ("1-31 May 2024") is set smaller so it does not break over several lines.

    Examples
    --------
    >>> key_numbers([("Comments", 1234), ("Period", "1-31 May")])
    '<dl class="lp-key-numbers"><div class="lp-key-numbers__item"><dt>Comments</dt><dd>1,234</dd></div><div class="lp-key-numbers__item"><dt>Period</dt><dd>1-31 May</dd></div></dl>'
    """
    parts = []
    for label, value in items:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            shown = _format_cell(value, None)
        else:
            shown = "" if _is_missing(value) else str(value)
        long = ' class="lp-key-numbers__value--long"' if len(shown) > 9 else ""
        parts.append(
            f'<div class="lp-key-numbers__item"><dt>{esc(label)}</dt><dd{long}>{esc(shown)}</dd></div>'
        )
    return f'<dl class="lp-key-numbers">{"".join(parts)}</dl>'


def summary_list(items: Iterable[tuple[Any, Any]]) -> str:
    """Label/value rows (a GOV.UK "summary list"), for facts such as dates, sources and versions.

    Examples
    --------
    >>> summary_list([("Source", "regulations.gov")])
    '<dl class="lp-summary-list"><div class="lp-summary-list__row"><dt>Source</dt><dd>regulations.gov</dd></div></dl>'
    """
    rows = "".join(
        f'<div class="lp-summary-list__row"><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>'
        for label, value in items
    )
    return f'<dl class="lp-summary-list">{rows}</dl>'


# ---------------------------------------------------------------------------------------------- quotes


def clean_text(text: Any) -> str:
    """Comment text made safe to lay out: invisible and bidi-control characters removed, line breaks
    normalised to ``\\n``, runs of spaces collapsed, at most one blank line in a row, ends trimmed.

    Examples
    --------
    >>> clean_text("evil\\u202eelif  text\\r\\n\\n\\n\\nnext")
    'evilelif text\\n\\nnext'
    """
    if _is_missing(text):
        return ""
    s = _LINE_SEPARATORS.sub("\n", str(text))
    s = _INVISIBLE.sub("", s)
    s = _SPACES.sub(" ", s)
    s = "\n".join(line.strip() for line in s.split("\n"))
    s = _BLANK_LINES.sub("\n\n", s)
    return s.strip()


def truncate_words(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters at a word boundary, then "…".

    A single word longer than ``max_chars`` is cut inside the word.

    Examples
    --------
    >>> truncate_words("The quick brown fox", 12)
    'The quick…'
    >>> truncate_words("The quick brown fox", 19)
    'The quick brown fox'
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars!r}")
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    if not text[max_chars].isspace():  # the cut falls inside a word: go back to its start
        space = max(head.rfind(" "), head.rfind("\n"))
        if space > 0:
            head = head[:space]
    head = head.rstrip().rstrip(",;:-\u2013\u2014").rstrip()
    return head + ELLIPSIS


_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)]*(?=\s)")


def truncate_sentences(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters after its last whole sentence, then "…";
    at a word boundary (:func:`truncate_words`) when no sentence ends in the second half of the limit.

    A quote cut mid-sentence can say the opposite of what was written ("politicians love the idea
    of…", where the comment went on "…but the reality frightens them"), so a long quote stops at
    the end of a sentence.

    Examples
    --------
    >>> truncate_sentences("Buses are late every single morning. They are also full.", 45)
    'Buses are late every single morning. …'
    >>> truncate_sentences("Short. Politicians love the idea of engagement until they see what it means.", 60)
    'Short. Politicians love the idea of engagement until they…'
    """
    if len(text) <= max_chars:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text[: max_chars + 1]) if m.end() <= max_chars]
    if ends and ends[-1] >= max_chars // 2:
        return text[: ends[-1]].rstrip() + " " + ELLIPSIS
    return truncate_words(text, max_chars)


#: Characters of a quote shown (a longer comment is shortened, see :func:`theme_excerpt`).
QUOTE_CHARS = 600


def theme_excerpt(text: str, terms: Sequence[str], max_chars: int = QUOTE_CHARS) -> str:
    """The part of a long comment that makes its theme's point: the sentence using most of the theme's
    key terms, with the sentences around it as far as ``max_chars`` allows, marked "…" where the
    comment goes on. A comment that fits, or that uses none of the terms, is given from its start
    (:func:`quote_html` then stops after a whole sentence). An audit: a 2,000-character
    letter was quoted by its first 600 characters, greetings and all, before it reached the point.

    Examples
    --------
    >>> letter = "Dear Sir. " * 40 + "The buses are late every morning. " + "Thank you. " * 40
    >>> theme_excerpt(letter, ["buses", "late"], max_chars=80)
    '… Dear Sir. Dear Sir. The buses are late every morning. Thank you. Thank you. …'
    """
    from .sentiment import split_sentences  # the project's sentence splitter (NLTK's Punkt, untrained)

    if not isinstance(text, str) or len(text) <= max_chars:
        return text
    sentences = split_sentences(text)
    patterns = [re.compile(r"\b" + re.escape(str(t).lower()) + r"\b") for t in terms if str(t).strip()]
    score = [sum(1 for p in patterns if p.search(s.lower())) for s in sentences]
    if len(sentences) < 2 or not any(score):
        return text
    best = score.index(max(score))
    lo = hi = best
    used = len(sentences[best])
    budget = max_chars - 4  # the marks either side
    while True:  # grow towards the side that says more of the theme; when even, the side with less so far
        after = hi + 1 < len(sentences) and used + 1 + len(sentences[hi + 1]) <= budget
        before = lo > 0 and used + 1 + len(sentences[lo - 1]) <= budget
        if not (after or before):
            break
        if after and (not before or score[hi + 1] > score[lo - 1]
                      or (score[hi + 1] == score[lo - 1] and hi - best <= best - lo)):
            hi += 1
            used += 1 + len(sentences[hi])
        else:
            lo -= 1
            used += 1 + len(sentences[lo])
    out = " ".join(sentences[lo:hi + 1])
    return ("" if lo == 0 else ELLIPSIS + " ") + out + ("" if hi == len(sentences) - 1 else " " + ELLIPSIS)


def quote_html(text: Any, comment_id: Any, *, max_chars: int = QUOTE_CHARS, noun: str = "Comment") -> str:
    """A quotation from a comment: escaped, shortened after a whole sentence (:func:`truncate_sentences`),
    cited by comment id after ``noun`` (what the contribution is: "Comment", "Response", "Petition"...).

    Invisible and bidirectional-control characters are removed and the text is isolated in ``<bdi>``,
    so a comment in (or pretending to be in) a right-to-left script cannot reorder the page around it.
    Line breaks in the comment are kept (the template shows them); nothing in it becomes a link.

    Examples
    --------
    >>> quote_html("Fix the <b>roads</b> now please", "r5", max_chars=20)
    '<figure class="lp-quote"><blockquote><p class="lp-quote__text"><bdi>Fix the &lt;b&gt;roads&lt;/b&gt;…</bdi></p></blockquote><figcaption class="lp-quote__cite"><cite>Comment <bdi>r5</bdi></cite></figcaption></figure>'
    """
    body = truncate_sentences(clean_text(text), max_chars)
    cite = clean_text(comment_id)
    return (
        '<figure class="lp-quote"><blockquote>'
        f'<p class="lp-quote__text"><bdi>{esc(body)}</bdi></p></blockquote>'
        f'<figcaption class="lp-quote__cite"><cite>{esc(noun)} <bdi>{esc(cite)}</bdi></cite></figcaption></figure>'
    )


# ------------------------------------------------------------------------------------ boxes and helpers


def callout(text: Any, *, kind: str = "warning") -> str:
    """A caveat box. The meaning is in a visible prefix ("Caution:" or "Note:"), not only in colour.

    Examples
    --------
    >>> callout("A consultation is not a vote.")
    '<div class="lp-callout lp-callout--warning" role="note"><p><strong class="lp-callout__prefix">Caution:</strong> A consultation is not a vote.</p></div>'
    """
    if kind not in _KINDS:
        raise ValueError(f"callout kind must be one of {sorted(_KINDS)}, not {kind!r}")
    return (
        f'<div class="lp-callout lp-callout--{kind}" role="note"><p>'
        f'<strong class="lp-callout__prefix">{_KINDS[kind]}</strong> {esc(text)}</p></div>'
    )


def details(summary: Any, body_html: str) -> str:
    """A disclosure (``<details>``): the escaped ``summary`` opens ``body_html`` (inserted as is).

    Examples
    --------
    >>> details("Method", paragraph("TF-IDF."))
    '<details class="lp-details"><summary>Method</summary><div class="lp-details__body"><p>TF-IDF.</p></div></details>'
    """
    return (
        f'<details class="lp-details"><summary>{esc(summary)}</summary>'
        f'<div class="lp-details__body">{body_html}</div></details>'
    )


def show(html_str: str) -> None:
    """Display HTML made by this module as a cell output (``text/html``) in a notebook."""
    from IPython.display import HTML, display

    display(HTML(str(html_str)))
