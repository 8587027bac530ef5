"""Tests for helpers.report: every block escapes what it is given. Expectations worked out by hand."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import report

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> \"quoted\" & 'single'"
HOSTILE_ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; "
    "&quot;quoted&quot; &amp; &#x27;single&#x27;"
)


class _Tags(HTMLParser):
    """Collects the tags and attributes that a browser would really see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    p.close()
    return p


# ------------------------------------------------------------------------------------------------- esc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<b>", "&lt;b&gt;"),
        ("a & b", "a &amp; b"),
        ('"x"', "&quot;x&quot;"),
        ("it's", "it&#x27;s"),
        (None, ""),
        (pd.NA, ""),
        (float("nan"), ""),
        (np.nan, ""),
        (pd.NaT, ""),
        (0, "0"),
        (3.5, "3.5"),
        ("", ""),
    ],
)
def test_esc(value, expected):
    assert report.esc(value) == expected


def test_esc_does_not_choke_on_containers():
    assert report.esc([1, "<"]) == "[1, &#x27;&lt;&#x27;]"


# ------------------------------------------------------------------------------------ simple blocks


def test_heading_and_paragraph_escape():
    assert report.heading(HOSTILE, 3) == f"<h3>{HOSTILE_ESCAPED}</h3>"
    assert report.paragraph(HOSTILE) == f"<p>{HOSTILE_ESCAPED}</p>"
    assert report.heading("Themes", 2, id="themes") == '<h2 id="themes">Themes</h2>'


@pytest.mark.parametrize("level", [0, 7, 2.5, "2"])
def test_heading_rejects_bad_levels(level):
    with pytest.raises(ValueError, match="heading level"):
        report.heading("x", level)


def test_section_without_and_with_id():
    assert report.section("A < B", "<p>x</p>") == "<section><h2>A &lt; B</h2><p>x</p></section>"
    assert report.section("Method", "", level=3, id="method") == (
        '<section id="method"><h3 id="method-heading">Method</h3></section>'  # a sub-section: no landmark
    )
    assert report.section("Method", "", id="method") == (
        '<section id="method" aria-labelledby="method-heading"><h2 id="method-heading">Method</h2></section>'
    )


@pytest.mark.parametrize("bad", ['x" onclick="alert(1)', "1abc", "a b", ""])
def test_section_rejects_ids_that_are_not_plain_names(bad):
    with pytest.raises(ValueError, match="id"):
        report.section("t", "", id=bad)


def test_callout_has_a_visible_text_prefix_for_each_kind():
    warning = report.callout(HOSTILE)
    assert '<strong class="lp-callout__prefix">Caution:</strong> ' + HOSTILE_ESCAPED in warning
    assert "lp-callout--warning" in warning
    info = report.callout("Counts are of comments, not people.", kind="info")
    assert '<strong class="lp-callout__prefix">Note:</strong> Counts are of comments' in info
    with pytest.raises(ValueError, match="kind"):
        report.callout("x", kind="danger")


def test_details_escapes_the_summary_and_keeps_the_body():
    html = report.details("<Method>", "<p>ok</p>")
    assert html == (
        '<details class="lp-details"><summary>&lt;Method&gt;</summary>'
        '<div class="lp-details__body"><p>ok</p></div></details>'
    )


def test_key_numbers_formats_integers_and_escapes():
    html = report.key_numbers([("Comments", 12345), ("<Period>", "1–31 May"), ("Share", "54%")])
    assert html.startswith('<dl class="lp-key-numbers">')
    assert "<dt>Comments</dt><dd>12,345</dd>" in html
    assert "<dt>&lt;Period&gt;</dt><dd>1–31 May</dd>" in html  # 8 characters: full size
    assert "<dd>54%</dd>" in html
    long = report.key_numbers([("Period", "1–31 May 2024"), ("Flag", True), ("Gap", None)])
    assert '<dd class="lp-key-numbers__value--long">1–31 May 2024</dd>' in long  # 13 characters: smaller
    assert "<dd>True</dd>" in long and "<dd></dd>" in long
    assert "<dd>54%</dd>" in html
    assert html.count('class="lp-key-numbers__item"') == 3


def test_summary_list_escapes():
    assert report.summary_list([("<a>", "b&c")]) == (
        '<dl class="lp-summary-list"><div class="lp-summary-list__row"><dt>&lt;a&gt;</dt>'
        "<dd>b&amp;c</dd></div></dl>"
    )


# ---------------------------------------------------------------------------------------------- tables


@pytest.fixture
def themes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["Road <safety>", "Parks & green space", None],
            "comments": [1200, 35, 7],
            "share": [0.5, 0.25, np.nan],
        }
    )


def test_table_html_structure_and_escaping(themes):
    html = report.table_html(themes, caption="Themes <by> size")
    # narrowest widths by hand: "<safety>" 8 characters, "comments" 8 (numbers do not wrap), "share" 5:
    # (8 + 8 + 5) * 10 px + 3 * 20 px of padding = 270 px, within a phone's 360: no scrolling region
    assert html.startswith('<div class="lp-table-wrap"><table')
    # a column holding a 40-character word needs 420 px: a named, focusable region keyboards can scroll
    wide = report.table_html(themes.assign(theme="x" * 40), caption="Themes <by> size")
    assert wide.startswith(
        '<div class="lp-table-wrap" role="region" aria-label="Themes &lt;by&gt; size" tabindex="0">'
    )
    assert '<caption class="lp-table__caption">Themes &lt;by&gt; size</caption>' in html
    assert '<th scope="col">theme</th>' in html
    assert '<th scope="col" class="lp-num">comments</th>' in html
    assert '<th scope="col" class="lp-num">share</th>' in html
    assert "<td>Road &lt;safety&gt;</td>" in html
    assert "<td>Parks &amp; green space</td>" in html
    # by hand: 1200 -> "1,200"; 0.25 -> "0.25"; None and NaN -> empty cells
    assert (
        '<tr><td>Road &lt;safety&gt;</td><td class="lp-num">1,200</td><td class="lp-num">0.50</td></tr>'
        in html
    )
    assert '<tr><td></td><td class="lp-num">7</td><td class="lp-num"></td></tr>' in html
    assert html.count("<tr>") == 4  # header + 3 rows
    assert html.endswith("</tbody></table></div>")


def test_table_html_hostile_cells_and_column_names_create_no_tags():
    df = pd.DataFrame({HOSTILE: [HOSTILE]})
    tags = [t for t, _ in parse(report.table_html(df, caption=HOSTILE)).tags]
    assert tags == ["div", "table", "caption", "thead", "tr", "th", "tbody", "tr", "td"]


def test_table_html_numeric_override_formats_and_code(themes):
    html = report.table_html(
        themes, caption="t", numeric=["comments"], formats={"share": "{:.0%}"}, code=["theme"]
    )
    assert '<th scope="col">share</th>' in html  # no longer right-aligned
    assert "<td>50%</td>" in html
    assert "<td><code>Road &lt;safety&gt;</code></td>" in html
    with pytest.raises(ValueError, match="no such column"):
        report.table_html(themes, caption="t", numeric=["nope"])


def test_table_html_index_and_max_rows(themes):
    df = themes.set_index("theme")
    html = report.table_html(df, caption="Top", index=True, max_rows=2)
    assert '<thead><tr><th scope="col">theme</th><th scope="col" class="lp-num">comments</th>' in html
    assert '<th scope="row">Road &lt;safety&gt;</th>' in html
    assert "(first 2 of 3 rows)" in html
    assert html.count("<tr>") == 3


def test_table_html_empty_table():
    html = report.table_html(pd.DataFrame({"a": pd.Series([], dtype="string")}), caption="Nothing")
    assert "(no rows)" in html
    assert "<tbody></tbody>" in html


def test_table_html_booleans_are_words_not_right_aligned():
    html = report.table_html(pd.DataFrame({"flag": [True, False]}), caption="b")
    assert '<th scope="col">flag</th>' in html
    assert "<td>Yes</td>" in html and "<td>No</td>" in html


# ---------------------------------------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        # text[:12] = "The quick br": the cut is inside "brown", so go back to the space at 9
        ("The quick brown fox", 12, "The quick…"),
        # text[:9] = "The quick" and text[9] is a space: already at a word boundary
        ("The quick brown fox", 9, "The quick…"),
        # text[:10] = "The quick " ends with the space itself
        ("The quick brown fox", 10, "The quick…"),
        # fits exactly: untouched, no ellipsis
        ("The quick brown fox", 19, "The quick brown fox"),
        # one long word: cut inside it
        ("Supercalifragilistic", 5, "Super…"),
        # trailing punctuation before the cut is dropped: "Yes, and no" -> "Yes…"
        ("Yes, and no", 6, "Yes…"),
    ],
)
def test_truncate_words_by_hand(text, max_chars, expected):
    assert report.truncate_words(text, max_chars) == expected


def test_quote_html_escapes_truncates_and_cites():
    html = report.quote_html("Fix the <b>roads</b> now please", "r5", max_chars=20)
    # "Fix the <b>roads</b> now please"[:20] = "Fix the <b>roads</b>" and [20] is a space -> keep all 20
    assert html == (
        '<figure class="lp-quote"><blockquote><p class="lp-quote__text">'
        "<bdi>Fix the &lt;b&gt;roads&lt;/b&gt;…</bdi></p></blockquote>"
        '<figcaption class="lp-quote__cite"><cite>Comment <bdi>r5</bdi></cite></figcaption></figure>'
    )


def test_quote_html_default_limit_is_600_characters():
    words = " ".join(["word"] * 200)  # 999 characters
    html = report.quote_html(words, "c1")
    body = re.search(r"<bdi>(.*?)</bdi>", html).group(1)
    # 999 chars; word k starts at 5k, so text[600] is the "w" of word 121: back to the space after word 120
    assert body == " ".join(["word"] * 120) + "…"


def test_quote_html_removes_bidi_and_zero_width_controls():
    sneaky = "safe\u202etxt.exe\u202c \u200bhidden\u2066x\u2069 \ufeffend\u200f"
    html = report.quote_html(sneaky, "r\u202e9")
    for ch in ["\u202e", "\u202c", "\u200b", "\u2066", "\u2069", "\ufeff", "\u200f"]:
        assert ch not in html
    assert "<bdi>safetxt.exe hiddenx end</bdi>" in html
    assert "<cite>Comment <bdi>r9</bdi></cite>" in html
    # cited as what it is ("Petition 131215", "Statement 8"), the noun escaped like the id
    assert "<cite>Petition &lt;b&gt; <bdi>131215</bdi></cite>" in report.quote_html("x", "131215", noun="Petition <b>")


def test_quote_html_does_not_link_urls_or_interpret_markdown():
    html = report.quote_html("See **this** at https://evil.example/x and [here](javascript:alert(1))", "r1")
    assert "<a" not in html and "<strong>" not in html
    assert "**this** at https://evil.example/x and [here](javascript:alert(1))" in html


def test_clean_text_keeps_paragraphs_but_collapses_spacing():
    assert (
        report.clean_text("  one\t\ttwo  \r\nthree\n\n\n\nfour \u2028five ") == "one two\nthree\n\nfour\nfive"
    )
    assert report.clean_text(None) == ""


# ------------------------------------------------------------------------------------------- property


@settings(max_examples=200, deadline=None, database=None)
@given(text=st.text(), cid=st.text(max_size=20), n=st.integers(min_value=1, max_value=80))
def test_any_text_in_a_quote_or_table_yields_only_our_tags(text, cid, n):
    quote = parse(report.quote_html(text, cid, max_chars=n))
    assert [t for t, _ in quote.tags] == ["figure", "blockquote", "p", "bdi", "figcaption", "cite", "bdi"]
    assert not re.search("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "".join(quote.text))
    table = parse(report.table_html(pd.DataFrame({"c": [text]}), caption=cid))
    assert {t for t, _ in table.tags} == {"div", "table", "caption", "thead", "tr", "th", "tbody", "td"}


def test_show_displays_html(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    report.show("<p>hi</p>")
    assert len(shown) == 1 and shown[0].data == "<p>hi</p>"
