"""Small, pure text-normalisation functions, composed into :func:`normalise_text`.

In the style of textacy's ``preprocessing`` module: each function does one thing, takes a pandas
Series of strings and returns a new one (missing values stay missing), options are keyword-only, and
nothing changes what a text means. Curly quotes, dashes, ellipses, emoji and non-breaking spaces
inside a line are kept exactly; only invisible layout differences are evened out, so that the same
words typed on Windows and on a Mac, or pasted from a web page, compare equal.

Every function is vectorised with pandas' ``.str`` methods (on Arrow-backed strings these run in
C++), so they are fit for a million comments.

Examples
--------
>>> import pandas as pd
>>> normalise_text(pd.Series(["  Cafe\\u0301 \\r\\n\\r\\n\\r\\n\\r\\nsays \\u201chi\\u201d \\U0001F642  "])).tolist()
['Café\\n\\nsays “hi” 🙂']
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "normalise_unicode",
    "normalise_newlines",
    "strip_trailing_spaces",
    "collapse_blank_lines",
    "normalise_text",
]

_FORMS = ("NFC", "NFKC", "NFD", "NFKD")


def _check(s: pd.Series) -> None:
    if not isinstance(s, pd.Series):
        raise TypeError(f"expected a pandas Series of strings, not {type(s).__name__}")


def normalise_unicode(s: pd.Series, *, form: str = "NFC") -> pd.Series:
    """Put every text in one Unicode normal form, so that the same characters have the same code points.

    An "é" typed as one code point (U+00E9) and one typed as "e" plus a combining accent (U+0301) look
    identical but compare unequal until normalised. NFC (the default, and what the web uses) composes
    them; it never changes how a text looks. NFKC would also fold compatibility characters such as
    "ﬁ" ligatures and full-width letters -- that can change meaning, so it is not the default.

    Parameters
    ----------
    s : Series of str
        The texts. Missing values stay missing.
    form : {"NFC", "NFKC", "NFD", "NFKD"}, keyword-only
        The Unicode normal form.

    Returns
    -------
    Series of str

    Examples
    --------
    >>> t = pd.Series(["Cafe\\u0301", "Caf\\u00e9"])
    >>> bool(t[0] == t[1])
    False
    >>> u = normalise_unicode(t)
    >>> bool(u[0] == u[1]), len(u[0])
    (True, 4)
    """
    _check(s)
    if form not in _FORMS:
        raise ValueError(f"form must be one of {', '.join(_FORMS)}, not {form!r}")
    return s.str.normalize(form)


def normalise_newlines(s: pd.Series) -> pd.Series:
    """Turn Windows (CR LF) and old Mac (CR) line breaks into Unix line breaks (LF).

    Parameters
    ----------
    s : Series of str
        The texts. Missing values stay missing.

    Returns
    -------
    Series of str

    Examples
    --------
    >>> normalise_newlines(pd.Series(["one\\r\\ntwo\\rthree\\nfour"])).tolist()
    ['one\\ntwo\\nthree\\nfour']
    """
    _check(s)
    return s.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)


def strip_trailing_spaces(s: pd.Series) -> pd.Series:
    """Remove spaces and tabs at the end of every line (they are invisible and carry no meaning).

    Spaces at the start of a line (indentation) and inside it are kept.

    Parameters
    ----------
    s : Series of str
        The texts, with LF line breaks (see :func:`normalise_newlines`). Missing values stay missing.

    Returns
    -------
    Series of str

    Examples
    --------
    >>> strip_trailing_spaces(pd.Series(["first \\t\\n  second  "])).tolist()
    ['first\\n  second']
    """
    _check(s)
    return s.str.replace(r"[ \t]+\n", "\n", regex=True).str.rstrip(" \t")


def collapse_blank_lines(s: pd.Series, *, max_blank: int = 1) -> pd.Series:
    """Allow at most ``max_blank`` blank lines in a row (by default one: paragraphs stay paragraphs).

    Parameters
    ----------
    s : Series of str
        The texts, with LF line breaks and no trailing spaces (see :func:`strip_trailing_spaces`), so
        that a line holding only spaces counts as blank. Missing values stay missing.
    max_blank : int, keyword-only
        The most blank lines kept between two lines of text (0 joins paragraphs line to line).

    Returns
    -------
    Series of str

    Examples
    --------
    >>> collapse_blank_lines(pd.Series(["a\\n\\n\\n\\nb", "a\\n\\nb", "a\\nb"])).tolist()
    ['a\\n\\nb', 'a\\n\\nb', 'a\\nb']
    >>> collapse_blank_lines(pd.Series(["a\\n\\n\\nb"]), max_blank=0).tolist()
    ['a\\nb']
    """
    _check(s)
    if int(max_blank) != max_blank or max_blank < 0:
        raise ValueError(f"max_blank must be a whole number >= 0, not {max_blank!r}")
    keep = int(max_blank) + 1  # newlines kept in a row
    return s.str.replace(f"\n{{{keep + 1},}}", "\n" * keep, regex=True)


def normalise_text(s: pd.Series, *, form: str = "NFC", max_blank: int = 1) -> pd.Series:
    """Even out the invisible differences between texts without changing what they say.

    Applies, in order: :func:`normalise_unicode` (NFC), :func:`normalise_newlines` (CR LF and CR to
    LF), :func:`strip_trailing_spaces` (on every line), :func:`collapse_blank_lines` (three or more
    line breaks become two) and finally strips white space from both ends. Every reader in
    :mod:`helpers.ingest` applies it to the text of every contribution.

    Parameters
    ----------
    s : Series of str
        The texts. Missing values stay missing.
    form : str, keyword-only
        Unicode normal form, see :func:`normalise_unicode`.
    max_blank : int, keyword-only
        Blank lines kept in a row, see :func:`collapse_blank_lines`.

    Returns
    -------
    Series of str
        Same index and dtype as ``s``.

    Examples
    --------
    >>> t = pd.Series(["  Thanks \\u2013 \\u201cgreat\\u201d post\\u2026 \\U0001F642 \\r\\n\\r\\n\\r\\n\\r\\nMore  ", "", None])
    >>> normalise_text(t).tolist()
    ['Thanks – “great” post… 🙂\\n\\nMore', '', nan]
    """
    _check(s)
    out = normalise_newlines(normalise_unicode(s, form=form))
    # Only texts with more than one line can hold trailing spaces before a line break or runs of blank
    # lines; most comments are one line, so skip the regular expressions for those.
    multi = out.str.contains("\n", regex=False).fillna(False).astype(bool)
    if multi.any():
        part = collapse_blank_lines(strip_trailing_spaces(out[multi]), max_blank=max_blank)
        out = out.copy()
        out[multi] = part
    return out.str.strip()
