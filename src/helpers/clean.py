"""Small, pure text-normalisation functions, composed into :func:`normalise_text`.

In the style of textacy's ``preprocessing`` module: each function does one thing, takes a pandas
Series of strings and returns a new one (missing values stay missing), options are keyword-only, and
nothing changes what a text means. Curly quotes, dashes, ellipses, emoji and non-breaking spaces
inside a line are kept exactly; only invisible layout differences are evened out, so that the same
words typed on Windows and on a Mac, or pasted from a web page, compare equal.

Every function is vectorised with pandas' ``.str`` methods (on Arrow-backed strings these run in
C++), so they are fit for a million comments.

The cleaning stage, :func:`clean_comments`, runs on every reader's output in
:func:`helpers.ingest.read`: :func:`repair_mojibake` (ftfy, only where a cheap test suspects
mojibake), :func:`detect_language` (py3langid's model, scored in batches), and exclusion of blank
texts, whole-text non-answers (:func:`classify_non_answers`) and duplicate submissions, with an
audit of every count. On a loaded 2-core machine it takes about 3.5 s of CPU per 100,000 comments of
60 words, most of it language identification. The row-by-row steps (:func:`normalise_text`,
:func:`repair_mojibake`, :func:`detect_language`) work a slice of rows at a time, so their working
copies stay small; only the exclusion of duplicate submissions and the keeping of thread anchors
compare rows across the table.

Examples
--------
>>> import pandas as pd
>>> normalise_text(pd.Series(["  Cafe\\u0301 \\r\\n\\r\\n\\r\\n\\r\\nsays \\u201chi\\u201d \\U0001F642  "])).tolist()
['Café\\n\\nsays “hi” 🙂']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .parallel import blocks, map_blocks
from .schema import COMMENT_COLUMNS, EXCLUSION_COLUMNS, OPTIONAL_COMMENT_COLUMNS, RESPONSE_KINDS

__all__ = [
    "normalise_unicode",
    "normalise_newlines",
    "strip_trailing_spaces",
    "collapse_blank_lines",
    "normalise_text",
    "suspect_mojibake",
    "repair_mojibake",
    "detect_language",
    "LANGUAGE_MAX_CHARS",
    "NON_ANSWER_PATTERNS",
    "non_answer_kind",
    "classify_non_answers",
    "clean_comments",
    "audit_notes",
    "merge_spellings",
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
    if form not in _FORMS:
        raise ValueError(f"form must be one of {', '.join(_FORMS)}, not {form!r}")
    if len(s) > _SLICE_ROWS:  # row by row, so a slice at a time: working copies stay small
        return pd.concat([normalise_text(part, form=form, max_blank=max_blank) for part in _slices(s)])
    out = s.copy()
    # Each step runs only on the texts it can change, found with cheap vectorised tests: an ASCII
    # text is in every normal form already, a text without CR has no Windows line breaks, and only
    # texts with more than one line can hold trailing spaces before a line break or runs of blank
    # lines. Most comments are one ASCII line, so a million of them take about a second.
    non_ascii = _mask(~out.str.isascii().astype("boolean"))
    if non_ascii.any():
        out = _put(out, non_ascii, normalise_unicode(out[non_ascii], form=form))
    has_cr = _mask(out.str.contains("\r", regex=False))
    if has_cr.any():
        out = _put(out, has_cr, normalise_newlines(out[has_cr]))
    # Only a space or tab before a line break, or three line breaks in a row, is changed inside a text
    # (spaces at its end go with the final strip).
    spaced = _mask(out.str.contains("[ \t]\n|\n\n\n", regex=True))
    if spaced.any():
        out = _put(out, spaced, collapse_blank_lines(strip_trailing_spaces(out[spaced]), max_blank=max_blank))
    return out.str.strip()


_ARROW_STRING = pd.StringDtype("pyarrow")  # the "string" dtype: Arrow-backed, missing is pd.NA


def _put(s: pd.Series, mask: pd.Series, values: pd.Series) -> pd.Series:
    """``s`` with ``values`` (in order) where ``mask`` holds: ``s[mask] = values`` on a copy, without
    pandas' round trip through Python objects for Arrow-backed strings."""
    if s.dtype == _ARROW_STRING and values.dtype == s.dtype:
        import pyarrow as pa
        import pyarrow.compute as pc

        base = pa.array(s.array)
        if isinstance(base, pa.ChunkedArray):
            base = base.combine_chunks()
        new = pa.array(values.array)
        if isinstance(new, pa.ChunkedArray):
            new = new.combine_chunks()
        merged = pc.replace_with_mask(base, pa.array(mask.to_numpy(dtype=bool)), new.cast(base.type))
        return pd.Series(type(s.array)(merged), index=s.index, name=s.name)
    out = s.copy()
    out[mask] = values
    return out


#: Rows cleaned at a time by the row-by-row steps (:func:`normalise_text`, :func:`repair_mojibake`).
_SLICE_ROWS = 200_000


def _slices(s: pd.Series) -> list[pd.Series]:
    return [s.iloc[i : i + _SLICE_ROWS] for i in range(0, len(s), _SLICE_ROWS)]


def _mask(values: pd.Series) -> pd.Series:
    """A plain bool mask from a nullable one (missing counts as False)."""
    return values.fillna(False).astype(bool)


# ---------------------------------------------------------------------------------------------
# mojibake

# A UTF-8 lead byte read as Latin-1/Windows-1252 (Â Ã ... ô), followed by a continuation byte read the
# same way (0x80-0xBF: the Windows-1252 punctuation € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ
# or Latin-1 NBSP..¿); or a C1 control character; or an HTML entity; or Excel's escaped carriage return.
_CONTINUATION = "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d" \
    "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_SUSPECT = (
    f"[\u00c2-\u00f4][{_CONTINUATION}]"
    "|[\u0080-\u009f]"
    "|&(?:#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"
    "|_x00[0-9a-fA-F]{2}_"
)
# Excel writes control characters in cell text as _xHHHH_; a carriage return is the usual debris.
_EXCEL_ESCAPES = {"_x000D_": "", "_x000d_": "", "_x000A_": "\n", "_x000a_": "\n", "_x0009_": "\t"}


@functools.lru_cache(maxsize=1)
def _ftfy_config():
    from ftfy import TextFixerConfig

    # Only what undoes a wrong decoding or an HTML escape; nothing that changes what was typed.
    return TextFixerConfig(
        unescape_html="auto",  # &amp; -> &, unless the text looks like real HTML markup
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,  # keep "ﬁ"
        fix_character_width=False,  # keep full-width letters
        uncurl_quotes=False,  # keep “curly quotes”
        fix_line_breaks=False,  # normalise_text does that
        fix_surrogates=True,
        remove_control_chars=False,
        normalization="NFC",
        explain=False,
    )


def _fix_one(text: str, segments: dict[tuple[str, bool], str] | None = None) -> str:
    """One text through ftfy: exactly ``ftfy.fix_text(text, _ftfy_config())`` after Excel's escapes.

    ftfy fixes a text line by line (lines of at most ``max_decode_length`` characters), HTML entities
    being decoded until a line holding ``<`` is met. The same is done here, with two short cuts that
    change nothing: a line of plain ASCII without ``&`` is returned as it is (ftfy leaves ASCII alone
    and has no entity to decode), and each other line is fixed once per ``segments`` cache (the
    letters of a campaign share most of their lines).
    """
    from ftfy import fix_and_explain

    for escape, replacement in _EXCEL_ESCAPES.items():
        if escape in text:
            text = text.replace(escape, replacement)
    config = _ftfy_config()
    html = True
    out = []
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        end = min(end, pos + config.max_decode_length)
        segment = text[pos:end]
        pos = end
        html = html and "<" not in segment
        if segment.isascii() and "&" not in segment:
            out.append(segment)
            continue
        key = (segment, html)
        fixed = segments.get(key) if segments is not None else None
        if fixed is None:
            fixed = fix_and_explain(segment, config if html else config._replace(unescape_html=False)).text
            if segments is not None:
                segments[key] = fixed
        out.append(fixed)
    return "".join(out)


def suspect_mojibake(s: pd.Series) -> pd.Series:
    """True for texts that may hold mojibake, HTML entities or Excel escapes (a cheap regex test).

    Most texts are clean; this finds the few worth handing to ftfy. It errs on the side of
    suspicion (``"café»"`` is suspected and then left alone by ftfy).

    Parameters
    ----------
    s : Series of str

    Returns
    -------
    Series of bool
        Missing values are False.

    Examples
    --------
    >>> suspect_mojibake(pd.Series(["CafÃ©", "Café", "AT&amp;T", "line_x000D_", None])).tolist()
    [True, False, True, True, False]
    """
    _check(s)
    return _mask(s.str.contains(_SUSPECT, regex=True))


def repair_mojibake(s: pd.Series) -> pd.Series:
    """Undo text that was decoded with the wrong encoding, HTML entity escapes and Excel debris.

    ``"CafÃ©"`` (UTF-8 read as Windows-1252) becomes ``"Café"``, ``"Itâ€™s"`` becomes ``"It’s"``,
    ``"AT&amp;T"`` becomes ``"AT&T"``, and Excel's ``_x000D_`` (an escaped carriage return) is
    removed. Uses ftfy's ``fix_text`` with only its decoding fixes switched on: curly quotes,
    ellipses, dashes, ligatures, full-width letters, emoji and line breaks are left exactly as they
    are. ftfy only changes a text when the result is clearly more plausible, so correct accented
    text is safe.

    Only texts that a cheap vectorised test flags (:func:`suspect_mojibake`) are handed to ftfy,
    once per distinct value, so a million clean comments cost well under a second.

    Parameters
    ----------
    s : Series of str
        The texts. Missing values stay missing.

    Returns
    -------
    Series of str
        Same index and dtype as ``s``.

    Examples
    --------
    >>> repair_mojibake(pd.Series(["CafÃ© â€œniceâ€\\x9d", "Itâ€™s fine â€¦ ðŸ™‚", "AT&amp;T", "a_x000D_\\nb"])).tolist()
    ['Café “nice”', 'It’s fine … 🙂', 'AT&T', 'a\\nb']
    >>> repair_mojibake(pd.Series(["“Already” fine… 🙂 ﬁne", None])).tolist()
    ['“Already” fine… 🙂 ﬁne', nan]
    """
    _check(s)
    if len(s) > _SLICE_ROWS:  # row by row, so a slice at a time: working copies stay small
        return pd.concat([repair_mojibake(part) for part in _slices(s)])
    suspect = suspect_mojibake(s)
    if not suspect.any():
        return s.copy()
    codes, uniques = pd.factorize(s[suspect])
    segments: dict[tuple[str, bool], str] = {}
    fixed = np.array([_fix_one(str(u), segments) for u in uniques], dtype=object)
    if s.dtype == _ARROW_STRING:
        return _put(s, suspect, pd.Series(fixed[codes], dtype=_ARROW_STRING))
    out = s.copy()
    out[suspect] = fixed[codes]
    return out


# ---------------------------------------------------------------------------------------------
# language

#: Texts longer than this are identified from their first ``max_chars`` characters.
LANGUAGE_MAX_CHARS = 1000
# Distinct texts identified at a time (their bytes and working arrays are what memory holds).
_LANGUAGE_GROUP = 50_000


@functools.lru_cache(maxsize=8)
def _language_model(languages: tuple[str, ...] | None):
    """py3langid's model as arrays for batch scoring, restricted to ISO 639-1 codes (or ``languages``)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    classes = list(ident.nb_classes)
    iso1 = sorted({c for c in classes if len(c) == 2})
    if languages is not None:
        unknown = sorted(set(languages) - set(iso1))
        if unknown:
            raise ValueError(f"unknown language code(s) {', '.join(unknown)}; the model knows {', '.join(iso1)}")
        wanted = set(languages)
    else:
        wanted = set(iso1)
    cols = [i for i, c in enumerate(classes) if c in wanted]
    # int32 throughout: the transition table (~10 million entries) stays as small as it can be.
    nextmove = np.frombuffer(ident.tk_nextmove, dtype=f"u{ident.tk_nextmove.itemsize}").astype(np.int32)
    rowbase = np.frombuffer(ident.tk_row, dtype=f"u{ident.tk_row.itemsize}").astype(np.int32) << 8
    output = np.asarray(ident.tk_output, dtype=np.int32)
    ptc = np.ascontiguousarray(np.asarray(ident.nb_ptc)[:, cols], dtype=np.float32)
    pc = np.asarray(ident.nb_pc, dtype=np.float32)[cols]
    # A language can have two columns (one per script, e.g. Serbian); their probabilities add up.
    labels, column_label = np.unique(np.array([classes[i] for i in cols], dtype=object), return_inverse=True)
    merge = np.zeros((len(cols), len(labels)), dtype=np.float32)
    merge[np.arange(len(cols)), column_label] = 1.0
    return nextmove, rowbase, output, ptc, pc, labels, merge


def _encode_for_langid(text: str, max_chars: int) -> bytes:
    text = text[:max_chars]
    if text.isupper():  # as py3langid does: all-capitals text is scored in lower case
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


def _classify_languages(texts: list[str], *, max_chars: int, languages: tuple[str, ...] | None,
                        cells: int = 4_000_000) -> tuple[np.ndarray, np.ndarray]:
    """py3langid's naive Bayes decision for many texts at once: (language, probability) per text.

    py3langid walks a byte automaton over one text at a time in Python. Here the automaton takes one
    step for a whole batch of texts at once (texts sorted by length, so the ones still running are a
    prefix); the features it emits are counted per text by sorting each text's row of features, and
    the scores are one sparse matrix product: the same arithmetic as
    ``LanguageIdentifier(norm_probs=True).classify``, several times faster. A batch holds at most
    ``cells`` text bytes (about 50 MB of working memory, small enough to stay in the processor's
    caches). Each text's answer depends on that text alone, however the texts are batched.
    """
    import scipy.sparse as sp

    nextmove, rowbase, output, ptc, pc, labels, merge = _language_model(languages)
    encoded = [_encode_for_langid(t, max_chars) for t in texts]
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
    order = np.argsort(-lengths, kind="stable")
    result = np.empty(len(texts), dtype=object)
    confidence = np.zeros(len(texts), dtype=np.float64)
    start = 0
    while start < len(order):
        width = max(int(lengths[order[start]]), 1)
        idx = order[start : start + max(1, cells // width)]
        start += len(idx)
        n = len(idx)
        lens = lengths[idx]  # descending
        flat = np.frombuffer(b"".join(encoded[i] for i in idx), dtype=np.uint8)
        grid = np.zeros((n, width), dtype=np.uint8)
        grid[np.arange(width) < lens[:, None]] = flat
        grid = np.ascontiguousarray(grid.T)  # one row per step: contiguous slices
        running = np.searchsorted(-lens, -np.arange(width), side="left")  # texts longer than each step
        states = np.zeros(n, dtype=np.int32)
        feats = np.empty((width, n), dtype=np.int32)  # feature emitted at each step (-1: none)
        for step in range(width):
            k = int(running[step])
            now = nextmove[rowbase[states[:k]] + grid[step, :k]]
            states[:k] = now
            np.take(output, now, out=feats[step, :k])
            feats[step, k:] = -1
        # Count each text's features: sort its row, then every run of equal values is one feature.
        feats = np.ascontiguousarray(feats.T)  # text-major
        feats.sort(axis=1)  # the -1s come first in each row
        rows = feats.ravel()
        fresh = np.empty(len(rows), dtype=bool)
        if len(rows):
            fresh[0] = True
            np.not_equal(rows[1:], rows[:-1], out=fresh[1:])
            fresh[::width] = True  # a row never continues the previous one
        # Every run of equal values starts at a fresh position and ends where the next one starts (a
        # row's last run ends where the next row starts, which is always fresh).
        first = np.flatnonzero(fresh)
        run = np.empty_like(first)
        np.subtract(first[1:], first[:-1], out=run[:-1])
        run[-1:] = len(rows) - first[-1:]
        real = rows[first] >= 0  # the runs of -1 (no feature) are not counted
        first, run = first[real], run[real]
        counts = np.log1p(run.astype(np.float32))
        indptr = np.searchsorted(first, np.arange(n + 1, dtype=np.int64) * width)
        matrix = sp.csr_matrix((counts, rows[first], indptr), shape=(n, ptc.shape[0]))
        scores = np.asarray(matrix @ ptc) + pc
        # py3langid's probabilities: a softmax at temperature sqrt(bytes), calibrated across lengths.
        scores *= (1.0 / np.sqrt(np.maximum(lens, 1))).astype(np.float32)[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        probs = scores @ merge
        best = probs.argmax(axis=1)
        result[idx] = labels[best]
        confidence[idx] = probs[np.arange(n), best]
    return result, confidence


def _detect_group(texts, min_chars: int, max_chars: int, languages: tuple[str, ...] | None,
                  min_confidence: float) -> np.ndarray:
    """The language of each of some distinct texts, or None (see :func:`detect_language`).

    The texts are stripped, checked for length and for a letter (none, as in numbers or symbols: no
    language; an ASCII letter settles it, other texts are asked character by character, stopping at
    the first letter), then identified.
    """
    group = pd.Series(texts, dtype="string").str.strip()
    found = np.full(len(group), None, dtype=object)
    eligible = np.flatnonzero(_mask(group.str.len() >= min_chars).to_numpy())
    if len(eligible):
        picked = group.iloc[eligible]
        lettered = _mask(picked.str.contains("[A-Za-z]", regex=True)).to_numpy(copy=True)
        picked = [str(u) for u in picked.to_numpy(dtype=object)]
        for i in np.flatnonzero(~lettered):
            lettered[i] = any(c.isalpha() for c in picked[i])
        language, confidence = _classify_languages(picked, max_chars=max_chars, languages=languages)
        found[eligible] = np.where((confidence >= min_confidence) & lettered, language, None)
    return found


def detect_language(
    s: pd.Series,
    *,
    min_chars: int = 20,
    max_chars: int = LANGUAGE_MAX_CHARS,
    min_confidence: float = 0.5,
    languages: Sequence[str] | None = None,
    n_jobs: int | None = None,
) -> pd.Series:
    """The language of each text, as an ISO 639-1 code ("en", "fr", ...), or missing if unsure.

    Uses py3langid's model (offline and deterministic: the same text always gets the same code),
    restricted to the languages it knows that have a two-letter ISO 639-1 code (116 of them; its
    few three-letter-only languages and "zxx", no language, are left out) or to ``languages``.
    Texts shorter than ``min_chars`` characters, or without a single letter, are too short to tell
    and get a missing value, and so do texts whose most likely language has a probability below
    ``min_confidence`` (a site name such as "Social Obamedia | mitchsava.com" is no language).
    Texts longer than ``max_chars`` are judged on their first ``max_chars`` characters (plenty for
    a language, and it bounds the time a huge text takes).

    Each distinct text is scored once, and all of them together (see ``_classify_languages``): the
    result is the same as ``py3langid``'s ``classify``, several times faster -- about 3 seconds for
    100,000 comments of 60 words.

    Parameters
    ----------
    s : Series of str
        The texts. Missing values stay missing.
    min_chars : int, keyword-only
        Shorter texts (after stripping white space) get a missing value.
    max_chars : int, keyword-only
        Only the first ``max_chars`` characters of a text are read.
    min_confidence : float, keyword-only
        The lowest probability (py3langid's normalised probability, 0 to 1) accepted.
    languages : sequence of str, keyword-only
        ISO 639-1 codes to choose among (default: every language the model knows).
    n_jobs : int, optional
        Worker processes for more than one group of distinct texts (see
        :func:`helpers.parallel.map_blocks`); None or -1: one per core. The result does not depend on it.

    Returns
    -------
    Series of str ("string" dtype)
        Same index as ``s``.

    Examples
    --------
    >>> detect_language(pd.Series([
    ...     "The bus service in our town has become much worse since the timetable changed.",
    ...     "Le service de bus dans notre ville est devenu bien pire depuis le changement d'horaires.",
    ...     "Der Busverkehr in unserer Stadt ist seit der Fahrplanänderung viel schlechter geworden.",
    ...     "Social Obamedia | mitchsava.com",
    ...     "Too short",
    ...     None,
    ... ])).tolist()
    ['en', 'fr', 'de', <NA>, <NA>, <NA>]
    """
    _check(s)
    if int(min_chars) != min_chars or min_chars < 0:
        raise ValueError(f"min_chars must be a whole number >= 0, not {min_chars!r}")
    if int(max_chars) != max_chars or max_chars < 1:
        raise ValueError(f"max_chars must be a whole number >= 1, not {max_chars!r}")
    langs = tuple(sorted(set(languages))) if languages is not None else None
    # Each distinct text once, a group at a time (bounded memory; groups in worker processes when
    # there are several): see _detect_group.
    codes, uniques = pd.factorize(s.astype("string"))
    _language_model(langs)  # loaded before workers fork, so they share it
    found = map_blocks(_detect_group, blocks(uniques, _LANGUAGE_GROUP), int(min_chars), int(max_chars), langs, float(min_confidence),
                       n_jobs=n_jobs, desc="detecting languages")
    out = np.full(len(codes), None, dtype=object)
    if found:
        known = codes >= 0  # missing texts have code -1 and stay missing
        out[known] = np.concatenate(found)[codes[known]]
    return pd.Series(pd.array(out, dtype="string"), index=s.index)


# ---------------------------------------------------------------------------------------------
# non-answers

#: Whole-text non-answers, matched against the text folded to lower case, with runs of white space
#: made one space and punctuation trimmed from both ends (so "N/A.", " n/a " and "- N/A -" all
#: match "n/a"). A text that is only punctuation ("-", ".", "?", "...") is a non-answer too. Only the
#: whole text counts: "No" is a non-answer to an open question, "No, because ..." is an answer.
#: Emoji around the words are ignored ("Nothing 🙂"); an emoji alone is not a non-answer.
#: Deliberately left out, because they say something: "Don't know", "No opinion", "Not sure",
#: "Agree", "Yes".
NON_ANSWER_PATTERNS: dict[str, str] = {
    "n/a": r"n ?[/\\.]? ?a|n/a ?n/a",
    "not applicable": r"not applicable",
    "no": r"no|nope|nah|not really",
    "none": r"none(?: at all| really| whatsoever)?|nil|none at (?:this|the) (?:time|moment|stage)",
    # "Absolutely nothing", "No nothing", "Nothing at all", "Can't think of anything": to "what could be
    # improved?" as much "nothing" as the word alone (NHS feedback: 133 more; "Nothing, the staff were
    # lovely" says something and is kept)
    "nothing": (r"(?:(?:no|absolutely|really|honestly|just|nothing|no no),? )?nothing(?: (?:at all|really|whatsoever|"
                r"at the moment|i can think of|that i can think of|to improve|to change))?"
                r"(?: (?:further|else|more|additional))?(?: (?:to (?:add|say|report|declare|comment(?: on)?)))?"
                r"|not a thing|(?:i )?(?:can[’']?t|cannot|can not) think of anything(?: (?:else|more|at all))?"
                r"|nothing (?:needs|need) (?:improving|changing|to (?:be )?(?:improved|changed))"),
    "no comment": r"no(?: (?:further|additional|other|more))? comments?(?: (?:to (?:add|make)|at (?:this|the) (?:time|moment|stage|point)))?",
    "no answer": r"no (?:answer|response|reply)",
    # points to another answer ("See above", "As per my response to Q1"): nothing of its own to analyse
    "see above": (r"(?:please )?(?:see|as|same as|refer to|as per|as stated|as said|as mentioned)(?: my| the)?"
                  r"(?: (?:answer|response|reply|comments?)(?: to| in| for| at)?(?: the)?)?"
                  r" (?:above|(?:previous|earlier)(?: (?:answers?|responses?|replies|questions?|comments?))?|before"
                  r"|q ?[0-9]+[a-z]?|question ?[0-9]+[a-z]?)(?: (?:answers?|responses?|comments?))?"),
}

# Trimmed from both ends before matching: white space and punctuation (ASCII and typographic).
_TRIM = " \t\n.,;:!?-_*/\\'\"`~#()[]{}<>|\u2013\u2014\u2026\u2018\u2019\u201c\u201d\u00ab\u00bb\u00a0"
# Emoji and pictographs (with their variation selector and joiner), ignored around a non-answer.
_EMOJI = "[\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\U0001f000-\U0001faff]"
# The longest text worth testing (longer texts are never non-answers).
_NON_ANSWER_MAX_CHARS = 64


# White space spelled out rather than \s: pandas runs patterns with \s, \w or \d through Python's
# re one text at a time (their meaning differs in RE2); explicit classes run in Arrow's RE2.
_SPACE = "[ \t\n\r\f\v\u00a0]"
_SPACES = _SPACE + "+"


def _fold(s: pd.Series) -> pd.Series:
    return s.str.lower().str.replace(_SPACES, " ", regex=True).str.strip(_TRIM)


def non_answer_kind(s: pd.Series) -> pd.Series:
    """Which non-answer each text is (a key of :data:`NON_ANSWER_PATTERNS`, or "punctuation only").

    Parameters
    ----------
    s : Series of str

    Returns
    -------
    Series of str ("string" dtype)
        Missing where the text is not a non-answer (or is blank or missing).

    Examples
    --------
    >>> non_answer_kind(pd.Series(["N/A.", "No comments at this time", "?", "No, because it costs", ""])).tolist()
    ['n/a', 'no comment', 'punctuation only', <NA>, <NA>]
    """
    _check(s)
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    text = s.astype("string")
    short = _mask(text.str.len() <= _NON_ANSWER_MAX_CHARS) & _mask(text.str.strip() != "")
    if not short.any():
        return out
    folded = _fold(text[short])
    found = pd.Series(pd.NA, index=folded.index, dtype="string")
    found[_mask(folded == "")] = "punctuation only"
    # "Nothing 🙂" is still "nothing"; but an emoji alone is a reaction, not punctuation, so this
    # comes after the punctuation-only test.
    emoji = _mask(folded.str.contains(_EMOJI, regex=True))
    if emoji.any():
        folded[emoji] = _fold(folded[emoji].str.replace(_EMOJI, " ", regex=True))
    for name, pattern in NON_ANSWER_PATTERNS.items():
        hit = _mask(folded.str.fullmatch(pattern)) & found.isna().to_numpy()
        found[hit] = name
    out[short] = found
    return out


def classify_non_answers(s: pd.Series) -> pd.Series:
    """True for texts that are, as a whole, a non-answer: "N/A", "None", "No comment", "-", ...

    Matching ignores case, white space and punctuation around the words; the patterns are
    :data:`NON_ANSWER_PATTERNS`. Only whole texts count, so "No" is a non-answer and "No, because
    the buses are full" is not. Blank texts are not non-answers (they are blank).

    Parameters
    ----------
    s : Series of str

    Returns
    -------
    Series of bool
        Same index as ``s``; missing values are False.

    Examples
    --------
    >>> classify_non_answers(pd.Series(["N/A", "no.", "Nothing to add", " - ", "No, because the buses are full",
    ...                                 "Not sure", ""])).tolist()
    [True, True, True, True, False, False, False]
    """
    return non_answer_kind(s).notna().astype(bool)


# ---------------------------------------------------------------------------------------------
# the cleaning stage

#: Kinds whose blank or non-answer text is excluded (posts, pingbacks and trackbacks never are):
#: those text analysis reads.
_CLEANED_KINDS = RESPONSE_KINDS


def _fold_for_duplicates(s: pd.Series) -> pd.Series:
    """Lower case, every run of white space one space: "Yes  please" and "yes\nplease" compare equal."""
    out = s.str.lower()
    spaced = _mask(out.str.contains(f"{_SPACE}{_SPACE}|[\t\n\r\f\v\u00a0]", regex=True))
    if spaced.any():
        out[spaced] = out[spaced].str.replace(_SPACES, " ", regex=True)
    return out


def clean_comments(
    comments: pd.DataFrame,
    *,
    now: pd.Timestamp | None = None,
    min_chars: int = 20,
    min_confidence: float = 0.5,
    languages: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The cleaning stage every reader's comments table goes through, with an audit of what it did.

    In order:

    1. Text (and title) normalised with :func:`normalise_text` after :func:`repair_mojibake`.
    2. Exclusions, for comments, replies, responses and petitions only (posts, pingbacks and
       trackbacks are never excluded here) and never for rows flagged ``is_placeholder``:

       - ``blank``: no text left after cleaning;
       - ``non_answer``: the whole text is a non-answer (:func:`classify_non_answers`);
       - ``duplicate_submission``: the same ``respondent_id`` sent the same text again (for the same
         ``question_id`` when there is one; compared ignoring case and runs of white space). The
         first is kept. Only for tables with a ``respondent_id`` column, and rows that have one.

       A row that a kept row replies to is kept whatever it says, as the anchor of its thread, so
       every ``parent_id`` stays valid; a non-answer kept this way is flagged ``is_placeholder`` so
       that text analysis leaves it out (see :func:`helpers.schema.analysable`).
    3. ``language``: the detected ISO 639-1 code of each kept row (:func:`detect_language`); a
       language the reader already gave is kept. Non-English rows are kept.
    4. Dates later than ``now`` are counted (they are kept as given).

    Parameters
    ----------
    comments : DataFrame
        A comments table as :func:`helpers.schema.validate_comments` returns it.
    now : Timestamp, keyword-only
        Dates after this are "in the future" (default: the current UTC time).
    min_chars, min_confidence, languages : keyword-only
        See :func:`detect_language`.

    Returns
    -------
    kept : DataFrame
        The comments kept, in their original order, with a ``language`` column.
    excluded : DataFrame
        One exclusions row per row left out (source, source_row, record_id = comment_id, reason and
        a short detail that never repeats the text).
    audit : dict
        Plain-int counts of this stage alone: ``rows_from_reader`` (the rows given to it: in
        :func:`helpers.ingest.read`, the records read less those the reader itself excluded),
        ``rows_kept``, ``mojibake_repaired``, ``blank``, ``non_answer``, ``duplicate_submission``
        (the exclusions this stage made; a reader's own exclusions, such as a Consul comment without
        text, are not in them), ``kept_as_thread_anchor``, ``future_dates``, ``language``
        (``{code: rows}``) and ``language_undetermined``; see :func:`audit_notes`.

    Examples
    --------
    >>> t = pd.DataFrame({
    ...     "comment_id": ["1", "2", "3", "4", "5"], "parent_id": [None, None, "2", None, None],
    ...     "thread_id": ["1", "2", "2", "4", "5"], "author": None, "created_at": pd.NaT,
    ...     "text": ["Bus fares have gone up three times this year.", "No", "Why not?", "N/A", "  "],
    ...     "kind": ["response", "response", "reply", "response", "response"],
    ...     "source": "x.csv", "source_row": [2, 3, 4, 5, 6]})
    >>> kept, excluded, audit = clean_comments(t)
    >>> kept["comment_id"].tolist(), kept["language"].tolist(), kept["is_placeholder"].tolist()
    (['1', '2', '3'], ['en', <NA>, <NA>], [False, True, False])
    >>> excluded[["record_id", "reason", "detail"]].values.tolist()
    [['4', 'non_answer', 'the whole text is a non-answer (n/a)'], ['5', 'blank', 'no text after cleaning']]
    >>> audit["non_answer"], audit["blank"], audit["kept_as_thread_anchor"]
    (1, 1, 1)
    """
    if not isinstance(comments, pd.DataFrame):
        raise TypeError(f"expected a comments DataFrame, not {type(comments).__name__}")
    missing = [c for c in COMMENT_COLUMNS if c not in comments.columns]
    if missing:
        raise ValueError(f"the comments table lacks column(s) {', '.join(missing)}")
    df = comments.reset_index(drop=True).copy()
    n = len(df)

    # 1. repair and normalise ---------------------------------------------------------------------
    before = df["text"].astype("string").fillna("")
    text = normalise_text(repair_mojibake(before))
    repaired = _mask(text != before)
    df["text"] = text
    if "title" in df.columns:
        title_before = df["title"].astype("string")
        title = normalise_text(repair_mojibake(title_before))
        repaired |= _mask(title != title_before)
        df["title"] = title

    # 2. exclusions --------------------------------------------------------------------------------
    cleaned_kind = _mask(df["kind"].isin(_CLEANED_KINDS))
    if "is_placeholder" in df.columns:
        cleaned_kind &= ~_mask(df["is_placeholder"].astype("boolean"))
    blank = cleaned_kind & (text == "").to_numpy(dtype=bool)
    kinds = non_answer_kind(text.where(cleaned_kind & ~blank, ""))
    non_answer = _mask(kinds.notna())
    duplicate = pd.Series(False, index=df.index)
    first_of = pd.Series(pd.NA, index=df.index, dtype="string")
    if "respondent_id" in df.columns:
        candidates = cleaned_kind & ~blank & ~non_answer & _mask(df["respondent_id"].notna())
        if candidates.any():
            keys = pd.DataFrame({"respondent_id": df.loc[candidates, "respondent_id"].astype("string")})
            if "question_id" in df.columns:
                keys["question_id"] = df.loc[candidates, "question_id"].astype("string").fillna("\x00")
            # Only answers to a question the respondent answered more than once can be duplicates:
            # fold the text of those alone (most respondents answer each question once).
            keys = keys[keys.duplicated(keep=False).to_numpy()]
            keys["text"] = _fold_for_duplicates(text[keys.index])
            dup = keys.duplicated(keep="first")
            if dup.any():
                duplicate[dup.index[dup.to_numpy()]] = True
                repeated = keys.duplicated(keep=False)
                grouped = keys[repeated.to_numpy()]
                first_id = df.loc[grouped.index, "comment_id"].groupby(
                    [grouped[c] for c in grouped.columns], sort=False, dropna=False
                ).transform("first")
                first_of[first_id.index] = first_id.astype("string")
    drop = (blank | non_answer | duplicate).to_numpy(dtype=bool)

    # Rows that a kept row replies to stay, as anchors of their threads (and so do their ancestors).
    keep = ~drop
    anchor = np.zeros(n, dtype=bool)
    if drop.any() and df["parent_id"].notna().any():
        index = pd.Index(df["comment_id"].to_numpy(dtype=object, na_value=None))
        parent_pos = index.get_indexer(df["parent_id"].to_numpy(dtype=object, na_value=None))
        frontier = np.flatnonzero(keep & (parent_pos >= 0))
        while len(frontier):
            parents = np.unique(parent_pos[frontier])
            new = parents[~keep[parents]]
            keep[new] = True
            anchor[new] = True
            frontier = new[parent_pos[new] >= 0]
    if (anchor & non_answer.to_numpy(dtype=bool)).any():
        flag = df["is_placeholder"].astype("boolean") if "is_placeholder" in df.columns else \
            pd.Series(False, index=df.index, dtype="boolean")
        flag[anchor & non_answer.to_numpy(dtype=bool)] = True
        df["is_placeholder"] = flag

    gone = ~keep
    reason = np.where(blank, "blank", np.where(non_answer, "non_answer", "duplicate_submission"))[gone]
    detail = np.where(
        blank[gone].to_numpy(dtype=bool),
        "no text after cleaning",
        np.where(
            non_answer[gone].to_numpy(dtype=bool),
            ("the whole text is a non-answer (" + kinds[gone].fillna("") + ")").to_numpy(dtype=object),
            ("same respondent and text as " + first_of[gone].fillna("an earlier row")).to_numpy(dtype=object),
        ),
    )
    excluded = pd.DataFrame(
        {
            "source": df.loc[gone, "source"].astype("string").to_numpy(),
            "source_row": df.loc[gone, "source_row"].astype("Int64").to_numpy(),
            "record_id": df.loc[gone, "comment_id"].astype("string").to_numpy(),
            "reason": pd.array(reason, dtype="string"),
            "detail": pd.array(detail, dtype="string"),
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    if "question_id" in df.columns:  # which question a left-out answer was to (the briefing counts them)
        excluded["question_id"] = df.loc[gone, "question_id"].astype("string").to_numpy()
    kept = (df if keep.all() else df[keep]).reset_index(drop=True)
    del df, before, text  # their copies of the texts are not needed again: memory for what follows

    # 3. language ----------------------------------------------------------------------------------
    detected = detect_language(kept["text"], min_chars=min_chars, min_confidence=min_confidence,
                               languages=languages)
    if "language" in kept.columns:
        given = kept["language"].astype("string").str.strip().str.lower()
        detected = given.where(_mask(given.notna() & (given != "")), detected)
    kept["language"] = detected.astype("string")
    ordered = list(COMMENT_COLUMNS) + [c for c in OPTIONAL_COMMENT_COLUMNS if c in kept.columns]
    kept = kept[ordered + [c for c in kept.columns if c not in ordered]]

    # 4. dates in the future -------------------------------------------------------------------------
    reference = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    if reference.tzinfo is None:
        raise ValueError("now must be a timezone-aware timestamp")
    created = kept["created_at"]
    future = int(_mask(created > reference).sum()) if len(kept) and created.notna().any() else 0

    counts = detected.value_counts()
    audit = {
        "rows_from_reader": int(n),
        "rows_kept": int(len(kept)),
        "mojibake_repaired": int(repaired.sum()),
        "blank": int((gone & blank.to_numpy(dtype=bool)).sum()),
        "non_answer": int((gone & non_answer.to_numpy(dtype=bool) & ~blank.to_numpy(dtype=bool)).sum()),
        "duplicate_submission": int((gone & duplicate.to_numpy(dtype=bool)).sum()),
        "kept_as_thread_anchor": int(anchor.sum()),
        "language": {str(k): int(counts[k]) for k in sorted(counts.index)},
        "language_undetermined": int(detected.isna().sum()),
        "future_dates": future,
    }
    return kept, excluded, dict(sorted(audit.items()))


def merge_spellings(*columns: pd.Series) -> tuple[list[pd.Series], dict[str, str]]:
    """One spelling for labels written with the same words in another order or case ("Federal
    Government" and "Government - Federal", as regulations.gov's two category lists write it): the
    most common spelling across ``columns`` (ties: the first in sorted order) replaces the others.

    Returns the columns with spellings merged, and ``{replaced spelling: kept spelling}``.

    Examples
    --------
    >>> a = pd.Series(["Government - Federal", "Federal Government", "Government - Federal", None], dtype="string")
    >>> b = pd.Series(["government, federal", "Physician"], dtype="string")
    >>> (x, y), merged = merge_spellings(a, b)
    >>> x.tolist(), y.tolist(), merged
    (['Government - Federal', 'Government - Federal', 'Government - Federal', <NA>], ['Government - Federal', 'Physician'], {'Federal Government': 'Government - Federal', 'government, federal': 'Government - Federal'})
    """
    values = pd.concat([c.dropna().astype(str) for c in columns], ignore_index=True)
    if values.empty:
        return list(columns), {}
    counts = values.value_counts()
    key = {v: " ".join(sorted(re.findall(r"\w+", v.casefold()))) for v in counts.index}
    best: dict[str, str] = {}
    for v in sorted(counts.index, key=lambda v: (-int(counts[v]), v)):
        best.setdefault(key[v], v)
    merged = {v: best[key[v]] for v in counts.index if best[key[v]] != v and key[v]}
    if not merged:
        return list(columns), {}
    return [c.replace(merged) if c.notna().any() else c for c in columns], dict(sorted(merged.items()))


def audit_notes(audit: dict) -> list[str]:
    """The notes a cleaning audit gives the user (problems kept as they are, worth knowing about).

    Examples
    --------
    >>> audit_notes({"future_dates": 3}), audit_notes({"future_dates": 0})
    (['3 dates are in the future (later than the time of reading); kept as given'], [])
    """
    notes = []
    future = int(audit.get("future_dates", 0))
    if future:
        verb = "date is" if future == 1 else "dates are"
        notes.append(f"{future} {verb} in the future (later than the time of reading); kept as given")
    return notes
