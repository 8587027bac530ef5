"""Tests for helpers.ingest._html: HTML fragments to plain text. Expected values worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.ingest._html import html_series_to_text, html_to_text, unescape_entities, unescape_series


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("&amp;amp;rsquo;", "’"),
        ("&amp;amp;", "&"),
        ("Medicare &amp;amp; Medicaid", "Medicare & Medicaid"),
        ("it&#39;s", "it's"),
        ("&#x2019; &#8217;", "’ ’"),
        ("&ldquo;quoted&rdquo; &hellip;", "“quoted” …"),
        ("AT&T & co", "AT&T & co"),  # bare ampersands stay
        ("&para &not &copy", "&para &not &copy"),  # no semicolon: not a reference
        ("&paragraph;", "&paragraph;"),  # unknown name: kept as written
        ("&amp;lt;b&amp;gt;", "<b>"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_unescape_entities(text, expected):
    assert unescape_entities(text) == expected


def test_unescape_rounds():
    assert unescape_entities("&amp;amp;amp;amp;") == "&amp;"  # four escapes, three rounds
    assert unescape_entities("&amp;amp;", max_rounds=1) == "&amp;"
    assert unescape_entities("&amp;amp;", max_rounds=0) == "&amp;amp;"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("Hello,<br/><br/>World", "Hello,\n\nWorld"),
        ("a<br>b<BR />c", "a\nb\nc"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>One</div>Two", "One\n\nTwo"),
        ("<ul><li>a</li><li>b</li></ul>after", "a\nb\n\nafter"),
        ("<p>a<br></p><p>b</p>", "a\n\nb"),
        ("x<script>var s = '<p>';</script>y<style>p{}</style>z", "xyz"),
        ("<b>bold</b> and <a href='http://e.org'>link</a>", "bold and link"),
        ("  spaced   out\t text  ", "spaced out text"),
        ("line one\nline two", "line one\nline two"),  # line breaks in the source are kept
        ("a\n\n\n\nb", "a\n\nb"),
        ("<span style='padding-left: 30px'></span>Indented", "Indented"),
        ("Thank you &amp; bye", "Thank you & bye"),
        ("1 < 2 > 0", "1 < 2 > 0"),
        ("AT&T", "AT&T"),
        ("&paragraph; &para", "&paragraph; &para"),
        ("<!-- hidden -->shown", "shown"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
        ("", ""),
    ],
)
def test_html_to_text(html, expected):
    assert html_to_text(html) == expected


def test_series_helpers_apply_once_per_value():
    s = pd.Series(["a&amp;amp;b<br>c", None, "a&amp;amp;b<br>c", "x"], index=[10, 11, 12, 13])
    out = html_series_to_text(s)
    assert out.tolist() == ["a&b\nc", pd.NA, "a&b\nc", "x"]
    assert out.index.tolist() == [10, 11, 12, 13] and out.dtype == "string"
    assert unescape_series(pd.Series(["&amp;amp;", None], dtype="string"), max_rounds=1).tolist() == [
        "&amp;",
        pd.NA,
    ]
    assert html_series_to_text(pd.Series([], dtype="string")).tolist() == []


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from(list("<>&;#/ab pbrlidvx\n\t'\"=") + ["&amp;", "<br>", "</p>", "<li>", "&para"]),
        max_size=60,
    ).map("".join)
)
def test_any_text_gives_stripped_text(s):
    out = html_to_text(unescape_entities(s))
    assert isinstance(out, str)
    assert out == out.strip()
    assert "\n\n\n" not in out and "\x01" not in out and "\x02" not in out
