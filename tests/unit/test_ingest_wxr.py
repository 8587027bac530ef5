"""Tests for the ``wxr`` reader (WordPress exports).

Expected values for the invented fixtures (tests/fixtures/ingest/wxr-*.xml) were worked out by hand
from the files (``grep -n "<item\\|<wp:comment>"`` gives the lines). Counts on the shared corpora are
worked out in the test with regular expressions over the raw text, independently of the reader, and
checked against the figures in blog-comment-exports/SOURCE.txt.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import helpers.ingest.wxr  # noqa: F401  (registers the reader)
from helpers.errors import InputError
from helpers.ingest import detect_format, read
from helpers.ingest._build import utc_dates
from helpers.ingest._html import html_to_text
from helpers.ingest.wxr import sniff_wxr
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FIXTURES, SETTINGS, mutated_bytes, read_raw, table_values

THREADS = FIXTURES / "wxr-threads.xml"
PREFIX = FIXTURES / "wxr-1.0-prefix.xml"


@pytest.fixture(scope="module")
def threads():
    return read_raw(THREADS)


# -- the invented fixture ------------------------------------------------------------------------------


def test_detected_as_wxr(threads):
    assert detect_format(THREADS) == "wxr"
    assert detect_format(PREFIX) == "wxr"
    assert threads.format == "wxr"


def test_rows(threads):
    assert table_values(
        threads.comments, ["comment_id", "parent_id", "thread_id", "kind", "source_row"]
    ) == [
        ["post-10", None, "post-10", "post", 12],
        ["comment-101", "post-10", "post-10", "comment", 22],
        ["comment-102", "comment-101", "post-10", "reply", 37],
        ["comment-104", "post-10", "post-10", "reply", 56],  # its parent 103 is unapproved
        ["comment-106", "post-10", "post-10", "pingback", 71],
        ["comment-107", "post-10", "post-10", "trackback", 80],
    ]


def test_text_title_author_url(threads):
    c = threads.comments.set_index("comment_id")
    # HTML to text: tags and Gutenberg comments gone, entities unescaped, <p> and <br> kept as breaks
    assert c.loc["post-10", "text"] == "Should the park get more bins & benches?\n\nTell us\nbelow."
    assert c.loc["post-10", "title"] == "Bins & benches"
    assert c.loc["post-10", "author"] == "Site Editor"  # dc:creator "editor" -> its display name
    assert c.loc["post-10", "url"] == "https://blog.example/bins/"
    assert c.loc["comment-101", "text"] == "More bins, please.\n\nThe ones by the pond are always full."
    assert c.loc["comment-102", "text"] == "Thanks \u2013 noted."
    assert c.loc["comment-106", "text"] == "[\u2026] the bins debate [\u2026]"
    assert c.loc["comment-106", "author"] == "Other Blog \u00bb Park news"
    assert c.loc["comment-101", "author"] == "Ann Example"
    assert c.loc["comment-101", "url"] == "https://blog.example/bins/#comment-101"
    assert pd.isna(c.loc["comment-101", "title"])


def test_dates(threads):
    c = threads.comments.set_index("comment_id")["created_at"]
    assert str(c["post-10"]) == "2021-03-01 08:00:00+00:00"  # post_date_gmt, not post_date
    assert str(c["comment-101"]) == "2021-03-02 10:00:00+00:00"  # comment_date_gmt
    assert str(c["comment-107"]) == "2020-02-02 10:00:00+00:00"  # gmt 0000-00-00: comment_date as UTC


def test_exclusions(threads):
    assert table_values(threads.exclusions, ["record_id", "reason", "source_row"]) == [
        ["comment-103", "unapproved", 48],
        ["comment-105", "spam", 64],
        ["comment-108", "blank", 90],
        ["comment-109", "deleted", 97],
    ]
    detail = threads.exclusions.set_index("record_id").loc["comment-103", "detail"]
    assert "1 reply to it attached to post-10" in detail
    assert set(threads.exclusions["source"]) == {str(THREADS)}


def test_records_are_posts_with_comments_plus_comments(threads):
    # 1 item with comments + 9 <wp:comment> in the WordPress namespace; the attachment and the item
    # whose "wp:" prefix is bound to another namespace are not records.
    assert threads.records_read == 10 == len(threads.comments) + len(threads.exclusions)
    assert threads.notes == [
        "2 item(s) without comments (attachments, menu items, pages...) are not records and were not read"
    ]


def test_no_personal_data(threads):
    everything = threads.comments.to_csv() + threads.exclusions.to_csv()
    for private in ("ann@example.org", "editor@example.org", "192.0.2.1", "192.0.2.2", "ann.example"):
        assert private not in everything


def test_other_namespace_version_and_prefix():
    """WXR 1.0, http:// namespace bound to the prefix "w": found by its URI, not its prefix."""
    result = read_raw(PREFIX)
    assert table_values(result.comments, ["comment_id", "parent_id", "kind", "source_row", "text"]) == [
        ["post-7", None, "post", 6, ""],
        ["comment-3", "post-7", "comment", 11, "Plain old comment <3"],
    ]
    assert str(result.comments["created_at"].iloc[1]) == "2009-05-06 07:08:09+00:00"
    assert result.comments["title"].iloc[0] == "About"


# -- edge cases -----------------------------------------------------------------------------------------


def _wxr(tmp_path, comments: str, *, ns="http://wordpress.org/export/1.2/", name="e.xml") -> Path:
    p = tmp_path / name
    p.write_text(
        f'<?xml version="1.0"?>\n<rss xmlns:wp="{ns}"><channel>\n<item><title>T</title>'
        f"<link>https://x.example/t/</link><wp:post_id>1</wp:post_id>\n{comments}\n</item></channel></rss>\n",
        encoding="utf-8",
    )
    return p


def _comment(cid, parent=0, approved="1", text="Hi"):
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_content>{text}</wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
        "</wp:comment>"
    )


def test_reply_chain_through_excluded_comments(tmp_path):
    # 1 kept <- 2 spam <- 3 unapproved <- 4 kept: 4 hangs from 1, the nearest kept ancestor
    p = _wxr(tmp_path, _comment(1) + _comment(2, 1, "spam") + _comment(3, 2, "0") + _comment(4, 3))
    result = read_raw(p)
    assert table_values(result.comments, ["comment_id", "parent_id", "kind"]) == [
        ["post-1", None, "post"],
        ["comment-1", "post-1", "comment"],
        ["comment-4", "comment-1", "reply"],
    ]
    assert table_values(result.exclusions, ["record_id", "reason"]) == [
        ["comment-2", "spam"],
        ["comment-3", "unapproved"],
    ]
    assert "attached to comment-1" in result.exclusions["detail"].iloc[1]


def test_parent_loop_and_unknown_parent(tmp_path):
    p = _wxr(tmp_path, _comment(1, 2) + _comment(2, 1) + _comment(3, 99))
    result = read_raw(p)
    assert table_values(result.comments, ["comment_id", "parent_id", "kind"]) == [
        ["post-1", None, "post"],
        ["comment-1", "post-1", "reply"],
        ["comment-2", "post-1", "reply"],
        ["comment-3", "post-1", "reply"],
    ]
    assert any("loops" in note for note in result.notes)


def test_duplicate_ids_made_unique(tmp_path):
    p = tmp_path / "dup.xml"
    p.write_text(
        '<rss xmlns:wp="https://wordpress.org/export/1.1/"><channel>'
        f"<item><wp:post_id>1</wp:post_id>{_comment(5)}</item>"
        f"<item><wp:post_id>2</wp:post_id>{_comment(5)}{_comment(6, 5)}</item>"
        f"<item>{_comment(7)}</item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    result = read_raw(p)
    assert result.comments[["comment_id", "parent_id"]].astype(object).values.tolist() == [
        ["post-1", pd.NA],
        ["comment-5", "post-1"],
        ["post-2", pd.NA],
        ["post-2-comment-5", "post-2"],
        ["comment-6", "post-2-comment-5"],  # the parent in its own item
        ["post-line1", pd.NA],  # no wp:post_id: named after its line
        ["comment-7", "post-line1"],
    ]


def test_a_comment_listed_twice_under_its_post_is_a_duplicate_record(tmp_path):
    # lines: 1 <rss>, 2 <item>, 3 comment 5, 4 comment 5 again, 5 comment 6 replying to 5, 6 </item>
    p = tmp_path / "dup.xml"
    p.write_text(
        '<rss xmlns:wp="https://wordpress.org/export/1.1/"><channel>\n'
        "<item><wp:post_id>1</wp:post_id>\n"
        f"{_comment(5, text='First')}\n{_comment(5, text='First again')}\n{_comment(6, 5)}\n"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    result = read(p)
    assert table_values(result.comments, ["comment_id", "parent_id", "text", "source_row"]) == [
        ["post-1", None, "", 2],
        ["comment-5", "post-1", "First", 3],
        ["comment-6", "comment-5", "Hi", 5],
    ]
    assert table_values(result.exclusions, ["record_id", "reason", "detail", "source_row"]) == [
        ["comment-5", "duplicate_record", "the same comment_id was already read on line 3", 4],
    ]
    assert result.records_read == 4 == len(result.comments) + len(result.exclusions)


def test_an_item_listed_twice_is_a_duplicate_record_and_its_new_comments_are_kept(tmp_path):
    # item 1 on line 2: comment 5 (line 3), spam 7 (line 4); item 1 again on line 6: comment 5 (line 7),
    # spam 7 (line 8), then new ones: 8 replying to 5 (line 9), 9 replying to spam 7 (line 10)
    item = "<item><wp:post_id>1</wp:post_id>\n{}\n{}\n"
    p = tmp_path / "dup.xml"
    p.write_text(
        '<rss xmlns:wp="https://wordpress.org/export/1.1/"><channel>\n'
        + item.format(_comment(5), _comment(7, approved="spam")) + "</item>\n"
        + item.format(_comment(5), _comment(7, approved="spam")) + f"{_comment(8, 5)}\n{_comment(9, 7)}\n</item>\n"
        + "</channel></rss>",
        encoding="utf-8",
    )
    result = read(p)
    assert table_values(result.comments, ["comment_id", "parent_id", "thread_id", "source_row"]) == [
        ["post-1", None, "post-1", 2],
        ["comment-5", "post-1", "post-1", 3],
        ["comment-8", "comment-5", "post-1", 9],  # replies to the copy of 5 hang from the first 5
        ["comment-9", "post-1", "post-1", 10],  # 7 is spam: its reply goes to the post
    ]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [
        ["comment-7", "spam", 4],
        ["post-1", "duplicate_record", 6],
        ["comment-5", "duplicate_record", 7],
        ["comment-7", "duplicate_record", 8],
    ]
    assert result.exclusions["detail"].tolist()[1:] == [
        "the same post_id was already read on line 2",
        "the same comment_id was already read on line 3; 1 reply to it attached to comment-5",
        "the same comment_id was already read on line 4; 1 reply to it attached to post-1",
    ]
    assert result.records_read == 8 == len(result.comments) + len(result.exclusions)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<rss><channel><item><title>x</title></item></channel></rss>", "not a WordPress export"),
        ('<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>', "not well-formed XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>&b;</channel></rss>',
            "refused for safety",
        ),
        ("   \n", "empty"),
        ("not xml at all", "not well-formed XML"),
        (  # U+FFFF is not an XML character; the parser names line 2, where it stands
            '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n<item><wp:comment><wp:comment_content>'
            "a\uffffb</wp:comment_content></wp:comment></item></channel></rss>",
            "row 2: not well-formed XML",
        ),
    ],
)
def test_input_errors(tmp_path, content, message):
    p = tmp_path / "bad.xml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_raw(p, format="wxr")
    assert info.value.path == str(p)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("Line one\nLine two", "Line one\nLine two"),
        ("a&nbsp;&amp;&nbsp;b &lt;tag&gt; &#8220;q&#8221;", "a\xa0&\xa0b <tag> \u201cq\u201d"),
        ("<ul><li>x</li><li>y</li></ul>", "x\ny"),
        ("<script>alert(1)</script><style>p{}</style>kept", "kept"),
        ("<pre>  two  spaces</pre>", "two  spaces"),
        ("unclosed <b>bold", "unclosed bold"),
        ("<![if !x]>odd<![endif]>", "odd"),
        ("", ""),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_utc_dates():
    dates, bad = utc_dates(["2020-01-02 03:04:05", "2020-01-02T03:04:05+01:00", "0000-00-00 00:00:00", "x", None])
    assert [str(d) for d in dates] == [
        "2020-01-02 03:04:05+00:00",
        "2020-01-02 02:04:05+00:00",
        "NaT",
        "NaT",
        "NaT",
    ]
    assert bad == 1


def test_sniff():
    assert sniff_wxr(THREADS.read_bytes()[:4096]) == 0.95
    assert sniff_wxr(b"<disqus></disqus>") == 0.0
    assert sniff_wxr(b"\x00\x01binary") == 0.0


# -- acceptance on the shared corpora ------------------------------------------------------------------


def _expected(path: Path) -> dict:
    """Counts from the raw text with regular expressions: independent of the reader."""
    text = path.read_text(encoding="utf-8")
    items = re.findall(r"<item>(.*?)</item>", text, re.S)
    comments = re.findall(r"<wp:comment>(.*?)</wp:comment>", text, re.S)

    def field(block, name):
        m = re.search(rf"<wp:{name}>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</wp:{name}>", block, re.S)
        return m.group(1).strip() if m else ""

    approved = [field(c, "comment_approved") in ("1", "") for c in comments]
    types = [field(c, "comment_type") for c in comments]
    replies = [field(c, "comment_parent") not in ("", "0") for c in comments]
    dated = [
        any(field(c, f) and not field(c, f).startswith("0000") for f in ("comment_date_gmt", "comment_date"))
        for c in comments
    ]
    return {
        "items_with_comments": sum("<wp:comment>" in i for i in items),
        "comments": len(comments),
        "approved": sum(approved),
        "pingback": sum(t == "pingback" for t in types),
        "trackback": sum(t == "trackback" for t in types),
        "kept_replies": sum(a and r and t not in ("pingback", "trackback") for a, r, t in zip(approved, replies, types, strict=True)),
        "replies": sum(replies),
        "kept_dated": sum(a and d for a, d in zip(approved, dated, strict=True)),
    }


# (folder, file, comments, approved, pingbacks, trackbacks, threaded replies) from SOURCE.txt
ACCEPTANCE = [
    ("wordpress-theme-test-data", "themeunittestdata.wordpress.xml", 33, 30, 2, 2, 10),
    ("wpaccessibility-a11y-theme-unit-test", "a11y-theme-unit-test-data.xml", 29, 29, 4, 0, 9),
    ("wordpress-theme-test-data", "64-block-test-data.xml", 2, 2, 0, 0, 1),
    ("wordpress-theme-test-data", "theme-preview.xml", 2, 2, 0, 0, 0),
    ("isso-import-fixtures", "wordpress.xml", 8, 8, 0, 0, 3),
    ("wordpress-importer-fixtures", "valid-wxr-1.0.xml", 1, 1, 0, 0, 0),
    ("wordpress-importer-fixtures", "valid-wxr-1.1.xml", 1, 1, 0, 0, 0),
    ("wordpress-importer-fixtures", "slashes.xml", 1, 1, 0, 0, 0),
    ("wordpress-importer-fixtures", "small-export.xml", 1, 1, 0, 0, 0),
    ("wordpress-importer-fixtures", "test-serialized-comment-meta.xml", 1, 1, 0, 0, 0),
    ("wordpress-importer-fixtures", "wxr-with-sub-data.xml", 1, 1, 0, 0, 0),
    ("wordpress-importer-fixtures", "wxr-comprehensive.xml", 1, 1, 0, 0, 0),
]


@pytest.mark.parametrize(("folder", "name", "n", "approved", "pings", "tracks", "replies"), ACCEPTANCE)
def test_acceptance(folder, name, n, approved, pings, tracks, replies):
    path = shared_corpus("blog-comment-exports", folder, name)
    expected = _expected(path)
    # the independent count agrees with SOURCE.txt
    assert (expected["comments"], expected["approved"], expected["pingback"], expected["trackback"]) == (
        n,
        approved,
        pings,
        tracks,
    )
    assert expected["replies"] == replies
    result = read_raw(path)
    assert result.format == "wxr"
    kinds = result.comments["kind"].value_counts().to_dict()
    assert kinds.get("post", 0) == expected["items_with_comments"]
    assert result.records_read == expected["items_with_comments"] + n == len(result.comments) + len(result.exclusions)
    assert len(result.comments) - kinds.get("post", 0) == approved
    assert kinds.get("pingback", 0) == pings and kinds.get("trackback", 0) == tracks
    assert kinds.get("reply", 0) == expected["kept_replies"]
    assert (result.exclusions["reason"] == "unapproved").sum() == n - approved
    dated = result.comments["created_at"].notna() & (result.comments["kind"] != "post")
    assert dated.sum() == expected["kept_dated"]
    # every comment hangs from its post or a comment in the same thread
    c = result.comments
    parents = c.set_index("comment_id")["thread_id"]
    rows = c[c["kind"] != "post"]
    assert (parents.loc[rows["parent_id"].tolist()].to_numpy() == rows["thread_id"].to_numpy()).all()


def test_acceptance_themeunittestdata_details():
    path = shared_corpus("blog-comment-exports", "wordpress-theme-test-data", "themeunittestdata.wordpress.xml")
    result = read_raw(path)
    # SOURCE.txt: 33 comments on 7 posts; 10 threaded replies, one of them (1017) unapproved
    assert (result.comments["kind"] == "post").sum() == 7
    assert (result.comments["kind"] == "reply").sum() == 9
    assert sorted(result.exclusions["record_id"]) == ["comment-1015", "comment-1016", "comment-1017"]
    dates = result.comments.loc[result.comments["kind"] != "post", "created_at"]
    assert str(dates.min().date()) == "2007-09-04" and str(dates.max().date()) == "2023-01-16"
    # the chain 904 <- 905 <- ... <- 915 keeps its depth
    c = result.comments.set_index("comment_id")["parent_id"]
    assert c["comment-905"] == "comment-904" and c["comment-915"] == "comment-914"


def test_acceptance_namespace_variants_read_the_same():
    """themeunittestdata uses https://wordpress.org/export/1.2/, 64-block-test-data http://."""
    https = shared_corpus("blog-comment-exports", "wordpress-theme-test-data", "themeunittestdata.wordpress.xml")
    http = shared_corpus("blog-comment-exports", "wordpress-theme-test-data", "64-block-test-data.xml")
    assert 'xmlns:wp="https://wordpress.org/export/1.2/"' in https.read_text(encoding="utf-8")[:2000]
    assert 'xmlns:wp="http://wordpress.org/export/1.2/"' in http.read_text(encoding="utf-8")[:2000]
    result = read_raw(http)
    assert table_values(result.comments, ["comment_id", "parent_id", "kind"])[1:] == [
        ["comment-2", result.comments["comment_id"].iloc[0], "comment"],
        ["comment-3", "comment-2", "reply"],
    ]


@pytest.mark.parametrize(
    "name",
    [
        "cdata-edge.xml",
        "missing-tags.xml",
        "multiple-cdata.xml",
        "namespace-edge-cases.xml",
        "wxr-utf-8-challenges.xml",
    ],
)
def test_acceptance_comment_less_files(name):
    path = shared_corpus("blog-comment-exports", "wordpress-importer-fixtures", name)
    assert "<wp:comment>" not in path.read_text(encoding="utf-8")
    result = read_raw(path, format="wxr")
    assert result.records_read == 0
    assert any("without comments" in note for note in result.notes)


def test_acceptance_malformed_file():
    path = shared_corpus("blog-comment-exports", "wordpress-importer-fixtures", "malformed-simple.xml")
    with pytest.raises(InputError, match="not well-formed XML") as info:
        read_raw(path)
    assert info.value.path == str(path)
    assert info.value.row == len(path.read_text(encoding="utf-8").splitlines()) + 1  # ends too soon


def test_acceptance_malformed_file_on_the_command_line(tmp_path):
    path = shared_corpus("blog-comment-exports", "wordpress-importer-fixtures", "malformed-simple.xml")
    code = "import sys, helpers.ingest.wxr; from helpers.cli import main; sys.exit(main(sys.argv[1:]))"
    run = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(path), "--out", "t.csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in run.stderr
    assert not (tmp_path / "t.csv").exists()


# -- properties -----------------------------------------------------------------------------------------

TOKENS = [
    b"<wp:comment>",
    b"</wp:comment>",
    b"<wp:comment_parent>101</wp:comment_parent>",
    b"<wp:comment_approved>spam</wp:comment_approved>",
    b"<wp:comment_id>101</wp:comment_id>",
    b"<wp:comment_date_gmt>9999-99-99</wp:comment_date_gmt>",
    b"<item>",
    b"</item>",
    b"<![CDATA[",
    b"]]>",
    b"&amp;",
    b"&bogus;",
    b'<!DOCTYPE r [<!ENTITY e "x">]>',
    b"\x00",
    b"\xff\xfe",
    b"<",
    b">",
    "é🙂".encode(),
]


def check(path: Path, **options):
    """A valid result whose records add up, or InputError naming the file."""
    try:
        result = read(path, clean=False, **options)
    except InputError as exc:
        assert exc.path == str(path)
        return None
    assert result.records_read == len(result.comments) + len(result.exclusions)
    assert result.comments["comment_id"].is_unique
    assert (result.comments["source_row"] >= 1).all() and (result.exclusions["source_row"] >= 1).all()
    return result


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_property_arbitrary_bytes(workdir, data):
    p = workdir / "any.xml"
    p.write_bytes(data)
    check(p, format="wxr")


@SETTINGS
@given(data=mutated_bytes(THREADS.read_bytes(), TOKENS))
def test_property_mutated_fixture(workdir, data):
    p = workdir / "mutated.xml"
    p.write_bytes(data)
    check(p, format="wxr")


@SETTINGS
@given(data=st.data())
def test_property_mutated_real_file(workdir, data):
    path = shared_corpus("blog-comment-exports", "isso-import-fixtures", "wordpress.xml")
    p = workdir / "mutated-real.xml"
    p.write_bytes(data.draw(mutated_bytes(path.read_bytes(), TOKENS)))
    check(p, format="wxr")


def test_with_the_cleaning_stage():
    """read() with cleaning (the default) only moves rows from comments to exclusions."""
    path = shared_corpus("blog-comment-exports", "isso-import-fixtures", "wordpress.xml")
    raw, cleaned = read_raw(path), read(path)
    assert cleaned.records_read == raw.records_read == 10
    assert set(cleaned.comments["comment_id"]) <= set(raw.comments["comment_id"])


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(helpers.ingest.wxr, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


HTML_PARTS = ["<b>", "</b>", "<a href='x>y'>", "</a>", "<em class=\"q\">", "<img src=x />", "<br>", "<p>",
              "&amp;", "&lt;", "&#8217;", "&nbsp;", "&bogus;", "&", "<", ">", " ", "  ", "\n", "\t", "word", "é"]


@SETTINGS
@given(parts=st.lists(st.sampled_from(HTML_PARTS), max_size=30))
def test_property_html_fast_path_matches_the_parser(parts):
    html = "".join(parts)
    assert html_to_text(html) == html_to_text(html, fast=False)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


comment_specs = st.lists(
    st.tuples(
        st.sampled_from(["1", "2", "3", "", "x"]),  # comment_id (duplicates and blanks on purpose)
        st.sampled_from(["0", "1", "2", "3", "", "99"]),  # comment_parent
        st.sampled_from(["1", "0", "spam", "trash", "hold", "", "weird"]),  # comment_approved
        st.sampled_from(["", "comment", "pingback", "trackback", "PINGBACK"]),
        # U+FFFE and U+FFFF are not XML characters: a file holding them is not well-formed (a test of its own)
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
                max_size=12),
        st.sampled_from(["2020-01-01 00:00:00", "0000-00-00 00:00:00", "", "garbage", "9999-12-31 23:59:59"]),
    ),
    max_size=8,
)


@SETTINGS
@given(items=st.lists(st.tuples(st.sampled_from(["1", "2", ""]), comment_specs), max_size=4))
def test_property_generated_exports(workdir, items):
    """Well-formed exports with arbitrary ids, parents, statuses and dates: the logic, not the XML."""
    body = []
    n_records = 0
    for post_id, comments in items:
        parts = [f"<item><title>P</title><wp:post_id>{post_id}</wp:post_id>"]
        for cid, parent, approved, ctype, text, date in comments:
            parts.append(
                f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_parent>{parent}</wp:comment_parent>"
                f"<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>{ctype}</wp:comment_type>"
                f"<wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
                f"<wp:comment_content>{_esc(text)}</wp:comment_content></wp:comment>"
            )
        parts.append("</item>")
        body.append("".join(parts))
        n_records += 1 + len(comments) if comments else 0
    p = workdir / "generated.xml"
    p.write_text('<rss xmlns:wp="http://wordpress.org/export/1.1/"><channel><wp:wxr_version>1.1</wp:wxr_version>'
                 + "\n".join(body) + "</channel></rss>", encoding="utf-8")
    result = check(p, format="wxr")
    assert result is not None
    assert result.records_read == n_records
