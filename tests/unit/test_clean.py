"""Tests for helpers.clean: hand-worked input -> expected tables, plus properties."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import clean
from helpers.clean import (
    collapse_blank_lines,
    normalise_newlines,
    normalise_text,
    normalise_unicode,
    strip_trailing_spaces,
)

E_ACUTE = "\u00e9"  # é as one code point
E_COMBINING = "e\u0301"  # e + combining acute accent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Caf{E_COMBINING}", f"Caf{E_ACUTE}"),  # composed
        (f"Caf{E_ACUTE}", f"Caf{E_ACUTE}"),  # already NFC
        ("\ufb01ne", "\ufb01ne"),  # the "fi" ligature is kept: NFC is not NFKC
        ("“quoted” — 🙂 …", "“quoted” — 🙂 …"),
    ],
)
def test_normalise_unicode(text, expected):
    assert normalise_unicode(pd.Series([text])).tolist() == [expected]


def test_normalise_unicode_other_form_and_bad_form():
    assert normalise_unicode(pd.Series(["\ufb01"]), form="NFKC").tolist() == ["fi"]
    with pytest.raises(ValueError, match="form must be one of"):
        normalise_unicode(pd.Series(["x"]), form="nfc")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("a\r\r\nb", "a\n\nb"),  # a lone CR, then CR LF
        ("a\nb", "a\nb"),
    ],
)
def test_normalise_newlines(text, expected):
    assert normalise_newlines(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a  \nb\t\nc ", "a\nb\nc"),
        ("  indented\n    more", "  indented\n    more"),  # leading spaces are kept
        ("a \u00a0\nb", "a \u00a0\nb"),  # a non-breaking space is text, not layout
        ("one  two", "one  two"),  # inner spaces are kept
    ],
)
def test_strip_trailing_spaces(text, expected):
    assert strip_trailing_spaces(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize(
    ("text", "max_blank", "expected"),
    [
        ("a\n\n\nb", 1, "a\n\nb"),
        ("a\n\n\n\n\n\nb", 1, "a\n\nb"),
        ("a\n\nb", 1, "a\n\nb"),
        ("a\n\n\n\nb", 2, "a\n\n\nb"),
        ("a\n\nb", 0, "a\nb"),
    ],
)
def test_collapse_blank_lines(text, max_blank, expected):
    assert collapse_blank_lines(pd.Series([text]), max_blank=max_blank).tolist() == [expected]


def test_collapse_blank_lines_rejects_negative():
    with pytest.raises(ValueError, match="max_blank"):
        collapse_blank_lines(pd.Series(["a"]), max_blank=-1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Hello  ", "Hello"),
        ("Line one   \r\nLine two\t\r\n", "Line one\nLine two"),
        ("Para one\n   \n  \n\nPara two", "Para one\n\nPara two"),  # space-only lines are blank lines
        ("\n\n\nText\n\n\n", "Text"),
        (f"“Caf{E_COMBINING}” … 🙂", f"“Caf{E_ACUTE}” … 🙂"),
        ("   ", ""),
        ("", ""),
        ("• one\n• two", "• one\n• two"),  # list lines stay lines
    ],
)
def test_normalise_text(text, expected):
    assert normalise_text(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize("dtype", ["object", "string", "str"])
def test_normalise_text_keeps_missing_values_index_and_dtype(dtype):
    s = pd.Series(["  a \r\n\r\n\r\nb ", None, "c"], index=[10, 20, 30], dtype=dtype)
    out = normalise_text(s)
    assert out.index.tolist() == [10, 20, 30]
    assert out.dtype == s.dtype
    assert out[10] == "a\n\nb" and out[30] == "c"
    assert pd.isna(out[20])


def test_normalise_text_does_not_modify_its_input():
    s = pd.Series(["a  \n\n\n\nb"])
    normalise_text(s)
    assert s.tolist() == ["a  \n\n\n\nb"]


def test_not_a_series_is_a_type_error():
    with pytest.raises(TypeError, match="Series"):
        normalise_text(["a list"])  # type: ignore[arg-type]


def test_docstring_examples_run():
    failures, tried = doctest.testmod(clean, optionflags=doctest.ELLIPSIS)
    assert tried >= 6 and failures == 0


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), min_size=1, max_size=5))
def test_normalise_text_is_idempotent_and_keeps_visible_characters(texts):
    once = normalise_text(pd.Series(texts, dtype="string"))
    assert normalise_text(once).tolist() == once.tolist()
    for before, after in zip(texts, once, strict=True):
        assert "\r" not in after
        assert "\n\n\n" not in after
        assert after == after.strip()
        # Nothing but white space is ever removed or added (after Unicode composition).
        visible = [c for c in normalise_unicode(pd.Series([before]))[0] if not c.isspace()]
        assert [c for c in after if not c.isspace()] == visible
