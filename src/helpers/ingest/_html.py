"""HTML fragments to plain text, for readers whose sources store comments as HTML.

Two pure functions and their Series form:

* :func:`unescape_entities` undoes HTML escaping repeatedly, so text that was escaped twice on its
  way through someone's pipeline (``&amp;amp;`` for ``&``, ``&amp;rsquo;`` for ``’``) comes out the
  same as text escaped once. Only complete references ending in ``;`` are decoded: ``AT&T`` and
  ``&para`` without a semicolon stay as written (:func:`html.unescape` would turn ``&paragraph``
  into ``¶graph``).
* :func:`html_to_text` turns a fragment into plain text with the standard library's
  :class:`html.parser.HTMLParser`: ``<br>`` becomes a line break, block elements (``<p>``,
  ``<div>``, ``<li>``, headings, table rows...) become paragraph or line breaks, ``<script>`` and
  ``<style>`` are dropped with their content, every other tag is removed and its text kept, and
  entities are decoded. Line breaks already in the text are kept (comment exports often hold plain
  text with a little inline HTML; WordPress stores paragraphs as blank lines); runs of spaces and
  tabs become one space, except inside ``<pre>``. Text with no markup, or with inline tags only
  (``<a>``, ``<b>``, ``<em>``...), skips the parser: same result, several times sooner.
* :func:`html_series_to_text` applies both to a pandas Series, once per distinct value (campaign
  copies and placeholders repeat, so this is much cheaper than once per row).

Unescaping repeatedly is lossy for a text that *talks about* entities (``&amp;lt;`` written to
show ``&lt;``); comment text almost never does, double escaping is common.
"""

from __future__ import annotations

import html
import re
from html.entities import html5
from html.parser import HTMLParser

import pandas as pd

__all__ = ["unescape_entities", "html_to_text", "html_series_to_text", "unescape_series"]

#: Something shaped like a character reference: named (``&rsquo;``), decimal (``&#39;``), hex (``&#x2019;``).
_ENTITY = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_AMP = re.compile(r"&(?:#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,7};|[A-Za-z][A-Za-z0-9]{1,31};)?")

_LINE_TAGS = frozenset({"br", "li", "tr", "dt", "dd", "option"})
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "blockquote", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "aside",
        "nav", "main", "figure", "figcaption", "hr", "address", "details", "summary", "form",
        "fieldset", "center",
    }
)  # fmt: skip
_DROP_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
#: Inline tags that add no break: removed without the parser when they are the only markup.
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|big|cite|code|del|em|font|i|img|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|"
    r"sup|tt|u|var)(?:\s(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)?/?>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\f\v]+")
_AROUND_NEWLINE = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CELL_TAGS = frozenset({"td", "th"})
# Soft breaks from block tags: a run of them (</li><li>, </p><p>) counts once, as its strongest.
_SOFT_LINE, _SOFT_PARA = "\x01", "\x02"
# Maximal runs of white space and breaks, each tried once from its start (no quadratic backtracking).
_BREAK_RUN = re.compile(r"(?<![\x01\x02\s])[\x01\x02\s]+|^[\x01\x02\s]+")


def _decode_one(match: re.Match[str]) -> str:
    """One reference decoded; a name that HTML does not define is left as written.

    (:func:`html.unescape` alone would read ``&paragraph;`` as ``&para`` + ``graph;``.)
    """
    ref = match.group()
    if ref[1] == "#":
        return html.unescape(ref)
    return html5.get(ref[1:], ref)


def _protect_ampersands(match: re.Match[str]) -> str:
    """``&amp;`` for an ampersand that does not start a defined reference, so the parser keeps it as is."""
    ref = match.group()
    if len(ref) > 1 and (ref[1] == "#" or ref[1:] in html5):
        return ref
    return "&amp;" + ref[1:]


def unescape_entities(s: str, *, max_rounds: int = 3) -> str:
    """Decode HTML character references, again and again until the text stops changing.

    Parameters
    ----------
    s : str
        The text.
    max_rounds : int, keyword-only
        At most this many passes (3 undoes an escape applied three times).

    Returns
    -------
    str

    Examples
    --------
    >>> unescape_entities("Medicare &amp;amp; Medicaid")
    'Medicare & Medicaid'
    >>> unescape_entities("patient&amp;amp;rsquo;s")
    'patient’s'
    >>> unescape_entities("AT&T &para &not;")
    'AT&T &para ¬'
    >>> unescape_entities("&amp;amp;amp;", max_rounds=1)
    '&amp;amp;'
    """
    for _ in range(max(int(max_rounds), 0)):
        if "&" not in s:
            break
        out = _ENTITY.sub(_decode_one, s)
        if out == s:
            break
        s = out
    return s


class _TextExtractor(HTMLParser):
    """Collects the text of a fragment, with line and paragraph breaks for the tags that make them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping: list[str] = []  # open script/style elements
        self.pre = 0  # open <pre> elements: white space kept as written
        self.saw_pre = False

    def _break(self, tag: str) -> None:
        if tag == "br":
            self.parts.append("\n")  # hard: two <br> make a blank line
        elif tag in _LINE_TAGS:
            self.parts.append(_SOFT_LINE)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_SOFT_PARA)
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _DROP_TAGS:
            self.dropping.append(tag)
        elif not self.dropping:
            self._break(tag)
            if tag == "pre":
                self.pre += 1
                self.saw_pre = True

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if not self.dropping and tag not in _DROP_TAGS:
            self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS:
            if tag in self.dropping:
                while self.dropping and self.dropping.pop() != tag:
                    pass
        elif not self.dropping:
            self._break(tag)  # </p> ends a paragraph as <p> starts one; </br> is read as <br>
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            data = data.replace(_SOFT_LINE, "").replace(_SOFT_PARA, "")
            self.parts.append(data if self.pre else _SPACES.sub(" ", data))


def _merge_breaks(match: re.Match[str]) -> str:
    """A run of breaks and white space: as many line breaks as the strongest break asks for."""
    run = match.group()
    if _SOFT_LINE not in run and _SOFT_PARA not in run:
        return run
    soft = 2 if _SOFT_PARA in run else 1 if _SOFT_LINE in run else 0
    return "\n" * max(run.count("\n"), soft)


def html_to_text(s: str, *, fast: bool = True) -> str:
    """Plain text of an HTML fragment: tags removed, line structure kept, entities decoded.

    Parameters
    ----------
    s : str
        An HTML fragment (or plain text, which comes back unchanged apart from white space).
    fast : bool, keyword-only
        Skip the parser when the fragment has no markup or inline tags only (the result is the same;
        ``fast=False`` is there to test that).

    Returns
    -------
    str
        Lines without trailing spaces, at most one blank line in a row, no white space at either end.

    Examples
    --------
    >>> html_to_text("Hello,<br/><br/><span style='x'></span>Thank you &amp; bye")
    'Hello,\\n\\nThank you & bye'
    >>> html_to_text("<p>One</p><p>Two <b>bold</b></p><ul><li>a</li><li>b</li></ul>")
    'One\\n\\nTwo bold\\n\\na\\nb'
    >>> html_to_text("x<script>alert(1)</script><style>p {}</style>y")
    'xy'
    >>> html_to_text("1 < 2 and AT&T")
    '1 < 2 and AT&T'
    >>> html_to_text("<p>Caf&eacute; &amp; <a href='x'>cake</a></p><p>Line<br/>two &#8211; ok</p>")
    'Café & cake\\n\\nLine\\ntwo – ok'
    >>> html_to_text("<!-- wp:paragraph -->\\nFirst\\n\\nSecond <script>x()</script>")
    'First\\n\\nSecond'
    """
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    if fast and "<" not in s and "&" not in s:
        text = _SPACES.sub(" ", s.replace(_SOFT_LINE, "").replace(_SOFT_PARA, ""))
    elif fast and "<" not in (stripped := _INLINE_TAG.sub("", s)):  # inline tags only: no parser needed
        text = stripped.replace(_SOFT_LINE, "").replace(_SOFT_PARA, "")
        text = _SPACES.sub(" ", _ENTITY.sub(_decode_one, text))
    else:
        parser = _TextExtractor()
        try:
            parser.feed(_AMP.sub(_protect_ampersands, s))
            parser.close()
            text = "".join(parser.parts)
        except Exception:  # html.parser gives up on some broken markup: fall back to crude tag removal
            text = re.sub(r"<[^>]*>", " ", s).replace(_SOFT_LINE, "").replace(_SOFT_PARA, "")
            text = _SPACES.sub(" ", _ENTITY.sub(_decode_one, text))
        else:
            text = _BREAK_RUN.sub(_merge_breaks, text)
            if not parser.saw_pre:  # spaces either side of a tag are one run
                text = _SPACES.sub(" ", text)
    text = _AROUND_NEWLINE.sub("\n", text.replace("\xa0\n", "\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def _clean_one(s: str, max_rounds: int) -> str:
    return html_to_text(unescape_entities(s, max_rounds=max_rounds))


def html_series_to_text(values: pd.Series, *, max_rounds: int = 3) -> pd.Series:
    """``html_to_text(unescape_entities(v))`` for every value, computed once per distinct value.

    Missing values stay missing; the result has the ``string`` dtype and the same index.

    Examples
    --------
    >>> html_series_to_text(pd.Series(["a&amp;amp;b<br>c", None, "a&amp;amp;b<br>c"])).tolist()
    ['a&b\\nc', <NA>, 'a&b\\nc']
    """
    return _per_distinct(values, lambda s: _clean_one(s, max_rounds))


def _per_distinct(values: pd.Series, func) -> pd.Series:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = pd.array([func(str(u)) for u in uniques] + [pd.NA], dtype="string")
    return pd.Series(out[codes], index=values.index, dtype="string")


def unescape_series(values: pd.Series, *, max_rounds: int = 3) -> pd.Series:
    """:func:`unescape_entities` for every value (once per distinct value); missing stays missing.

    Examples
    --------
    >>> unescape_series(pd.Series(["a &amp;amp; b", None]), max_rounds=1).tolist()
    ['a &amp; b', <NA>]
    """
    values = values.astype("string")
    has_amp = values.str.contains("&", regex=False).fillna(False).astype(bool)
    if not has_amp.any():
        return values
    out = values.copy()
    out[has_amp] = _per_distinct(values[has_amp], lambda s: unescape_entities(s, max_rounds=max_rounds))
    return out
