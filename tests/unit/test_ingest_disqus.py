"""Tests for the ``disqus`` reader (Disqus XML exports).

Expected values for the invented fixture (tests/fixtures/ingest/disqus-threads.xml) were worked out
by hand from the file (``grep -n "<thread dsq\\|<post"`` gives the lines). Counts on the shared
corpora come from regular expressions over the raw text, independently of the reader, and agree with
blog-comment-exports/SOURCE.txt. The real export holds people's names: the tests never print them.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import helpers.ingest.disqus  # noqa: F401  (registers the reader)
import helpers.ingest.wxr  # noqa: F401
from helpers.errors import InputError
from helpers.ingest import detect_format, read
from helpers.ingest.disqus import sniff_disqus
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FIXTURES, SETTINGS, mutated_bytes, read_raw, table_values

THREADS = FIXTURES / "disqus-threads.xml"


@pytest.fixture(scope="module")
def threads():
    return read_raw(THREADS)


# -- the invented fixture ------------------------------------------------------------------------------


def test_detected(threads):
    assert detect_format(THREADS) == "disqus"
    assert threads.format == "disqus"


def test_rows(threads):
    assert table_values(
        threads.comments, ["comment_id", "parent_id", "thread_id", "kind", "source_row"]
    ) == [
        ["thread-100", None, "thread-100", "post", 5],
        ["comment-11", "thread-100", "thread-100", "comment", 22],
        ["comment-12", "comment-11", "thread-100", "reply", 32],
        ["comment-14", "thread-100", "thread-100", "reply", 49],  # its parent 13 is spam
        ["comment-16", None, "thread-999", "comment", 66],  # its thread is not in the export
        ["comment-18", "comment-14", "thread-100", "reply", 82],
    ]


def test_values(threads):
    c = threads.comments.set_index("comment_id")
    assert c.loc["thread-100", "title"] == "Park bins & benches"
    assert c.loc["thread-100", "url"] == "https://blog.example/park-bins/"
    assert c.loc["thread-100", "text"] == ""
    assert c.loc["comment-11", "text"] == "More bins by the pond, please.\n\nThey overflow\xa0every weekend."
    assert c.loc["comment-12", "text"] == "Agreed\ncompletely."
    assert c.loc["comment-18", "text"] == "A reply to a reply & more."
    assert c.loc["comment-11", "url"] == "https://blog.example/park-bins/#comment-11"
    assert c.loc["comment-11", "author"] == "Ann Example"
    assert str(c.loc["comment-11", "created_at"]) == "2022-01-02 10:00:00+00:00"
    assert str(c.loc["comment-12", "created_at"]) == "2022-01-02 10:00:00+00:00"  # 11:00 at +01:00


def test_exclusions(threads):
    assert table_values(threads.exclusions, ["record_id", "reason", "source_row"]) == [
        ["comment-13", "spam", 41],  # isSpam and isDeleted: spam says more
        ["comment-15", "deleted", 58],
        ["comment-17", "blank", 74],
    ]
    assert threads.exclusions["detail"].iloc[0] == "isSpam is true; 1 reply to it attached to thread-100"


def test_records(threads):
    # 8 posts + thread 100; threads 200 (no posts) and 300 (only a deleted post) are not records
    assert threads.records_read == 9 == len(threads.comments) + len(threads.exclusions)
    assert threads.notes == ["2 thread(s) without kept comments are not records and were not read"]


def test_no_personal_data(threads):
    everything = threads.comments.to_csv() + threads.exclusions.to_csv()
    for private in ("@example.org", "192.0.2.10", "annex", "siteeditor"):
        assert private not in everything


def test_root_must_be_disqus(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text("<rss><channel/></rss>", encoding="utf-8")
    with pytest.raises(InputError, match="not a Disqus export"):
        read_raw(p, format="disqus")


def test_reply_loop(tmp_path):
    p = tmp_path / "loop.xml"
    p.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        '<thread dsq:id="1"><title>T</title></thread>'
        '<post dsq:id="a"><message>x</message><thread dsq:id="1"/><parent dsq:id="b"/></post>'
        '<post dsq:id="b"><message>y</message><thread dsq:id="1"/><parent dsq:id="a"/></post>'
        '<post dsq:id="c"><message>z</message><thread dsq:id="1"/><parent dsq:id="c"/></post>'
        "</disqus>",
        encoding="utf-8",
    )
    result = read_raw(p)
    assert table_values(result.comments, ["comment_id", "parent_id", "kind"]) == [
        ["thread-1", None, "post"],
        ["comment-a", "thread-1", "reply"],
        ["comment-b", "thread-1", "reply"],
        ["comment-c", "thread-1", "reply"],
    ]


def test_sniff():
    assert sniff_disqus(THREADS.read_bytes()[:2000]) == 0.95
    assert sniff_disqus(b"<rss/>") == 0.0


# -- acceptance on the shared corpora ------------------------------------------------------------------


def _expected(path: Path) -> dict:
    """Counts from the raw text with regular expressions: independent of the reader."""
    text = path.read_text(encoding="utf-8")
    threads = re.findall(r'<thread dsq:id="([^"]*)">', text)  # thread definitions (not references)
    posts = re.findall(r"<post dsq:id=\"([^\"]*)\">(.*?)</post>", text, re.S)
    deleted = {pid for pid, body in posts if re.search(r"<isDeleted>\s*true", body)}
    spam = {pid for pid, body in posts if re.search(r"<isSpam>\s*true", body)}
    excluded = deleted | spam
    replies = {pid for pid, body in posts if "<parent dsq:id=" in body}
    thread_of = {pid: re.search(r'<thread dsq:id="([^"]*)"\s*/>', body).group(1) for pid, body in posts}
    kept_threads = {thread_of[p] for p, _ in posts if p not in excluded} & set(threads)
    return {
        "threads": len(threads),
        "posts": len(posts),
        "deleted": len(deleted),
        "spam": len(spam),
        "replies": len(replies),
        "kept_replies": len(replies - excluded),
        "kept_threads": len(kept_threads),
    }


# (folder, file, threads, posts, deleted, spam, replies) from SOURCE.txt
ACCEPTANCE = [
    ("isso-import-fixtures", "disqus.xml", 3, 6, 1, 0, 2),
    ("disqus-export-yesilmavihayat", "disqus-export.xml", 1, 51, 2, 0, 0),
]


@pytest.mark.parametrize(("folder", "name", "threads", "posts", "deleted", "spam", "replies"), ACCEPTANCE)
def test_acceptance(folder, name, threads, posts, deleted, spam, replies):
    path = shared_corpus("blog-comment-exports", folder, name)
    expected = _expected(path)
    assert (expected["threads"], expected["posts"], expected["deleted"], expected["spam"], expected["replies"]) == (
        threads,
        posts,
        deleted,
        spam,
        replies,
    )
    result = read_raw(path)
    assert result.format == "disqus"
    kinds = result.comments["kind"].value_counts().to_dict()
    assert kinds.get("post", 0) == expected["kept_threads"]
    assert result.records_read == expected["kept_threads"] + posts == len(result.comments) + len(result.exclusions)
    assert len(result.comments) - kinds.get("post", 0) == posts - deleted - spam
    assert kinds.get("reply", 0) == expected["kept_replies"]
    reasons = result.exclusions["reason"].value_counts().to_dict()
    assert reasons == ({"deleted": deleted} if deleted else {})
    assert result.comments["created_at"].notna().all()
    # every author is a display name from <name>, never an e-mail address
    authors = result.comments.loc[result.comments["kind"] != "post", "author"]
    assert not authors.str.contains("@", regex=False).fillna(False).any()


def test_acceptance_isso_threading():
    path = shared_corpus("blog-comment-exports", "isso-import-fixtures", "disqus.xml")
    result = read_raw(path)
    assert table_values(result.comments, ["comment_id", "parent_id", "thread_id", "kind"]) == [
        ["thread-2", None, "thread-2", "post"],
        ["thread-7", None, "thread-7", "post"],
        ["comment-4", "thread-2", "thread-2", "comment"],
        ["comment-5", "comment-4", "thread-2", "reply"],
        ["comment-6", None, "thread-1337", "comment"],  # "orphan comment (= thread id no longer exists)"
        ["comment-8", "thread-7", "thread-7", "comment"],
        ["comment-11", "thread-2", "thread-2", "reply"],  # "reference to previous deleted post"
    ]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [["comment-9", "deleted", 117]]
    assert "attached to thread-2" in result.exclusions["detail"].iloc[0]


def test_acceptance_real_export_texts():
    path = shared_corpus("blog-comment-exports", "disqus-export-yesilmavihayat", "disqus-export.xml")
    result = read_raw(path)
    c = result.comments[result.comments["kind"] == "comment"]
    assert c["text"].str.len().gt(0).all()
    assert not c["text"].str.contains("<p>", regex=False).any()  # HTML converted to text
    assert c["thread_id"].nunique() == 1
    assert str(c["created_at"].min().date()) >= "2023-08-02" and str(c["created_at"].max().date()) <= "2023-11-26"


# -- properties -----------------------------------------------------------------------------------------

TOKENS = [
    b"<post dsq:id=\"11\">",
    b"</post>",
    b'<parent dsq:id="12" />',
    b'<parent dsq:id="11" />',
    b'<thread dsq:id="100" />',
    b"<isDeleted>true</isDeleted>",
    b"<isSpam>true</isSpam>",
    b"<createdAt>garbage</createdAt>",
    b"<![CDATA[",
    b"]]>",
    b"&bogus;",
    b"\x00",
    b"\xff",
    b"<",
    "ş🙂".encode(),
]


def check(path: Path):
    try:
        result = read(path, format="disqus", clean=False)
    except InputError as exc:
        assert exc.path == str(path)
        return None
    assert result.records_read == len(result.comments) + len(result.exclusions)
    assert result.comments["comment_id"].is_unique
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
    check(p)


@SETTINGS
@given(data=mutated_bytes(THREADS.read_bytes(), TOKENS))
def test_property_mutated_fixture(workdir, data):
    p = workdir / "mutated.xml"
    p.write_bytes(data)
    check(p)


@SETTINGS
@given(data=st.data())
def test_property_mutated_real_file(workdir, data):
    path = shared_corpus("blog-comment-exports", "isso-import-fixtures", "disqus.xml")
    p = workdir / "mutated-real.xml"
    p.write_bytes(data.draw(mutated_bytes(path.read_bytes(), TOKENS)))
    check(p)


def test_with_the_cleaning_stage():
    """read() with cleaning (the default) only moves rows from comments to exclusions."""
    path = shared_corpus("blog-comment-exports", "isso-import-fixtures", "disqus.xml")
    raw, cleaned = read_raw(path), read(path)
    assert cleaned.records_read == raw.records_read == 8
    assert set(cleaned.comments["comment_id"]) <= set(raw.comments["comment_id"])


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(helpers.ingest.disqus, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


post_specs = st.lists(
    st.tuples(
        st.sampled_from(["1", "2", "3", "", "4"]),  # dsq:id (duplicates and blanks on purpose)
        st.sampled_from(["10", "20", "99", None]),  # thread reference
        st.sampled_from(["1", "2", "3", "", "77", None]),  # parent reference
        st.sampled_from(["true", "false", "TRUE", ""]),  # isDeleted
        st.sampled_from(["true", "false", ""]),  # isSpam
        # U+FFFE and U+FFFF are not XML characters: a file holding them is not well-formed
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
                max_size=12),
        st.sampled_from(["2020-01-01T00:00:00Z", "", "garbage", "9999-12-31T23:59:59Z"]),
    ),
    max_size=10,
)


@SETTINGS
@given(threads=st.lists(st.sampled_from(["10", "20", ""]), max_size=3), posts=post_specs)
def test_property_generated_exports(workdir, threads, posts):
    """Well-formed exports with arbitrary ids, references, flags and dates: the logic, not the XML."""
    esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    parts = [f'<thread dsq:id="{t}"><title>T{t}</title><link>https://x.example/{t}</link></thread>' for t in threads]
    for pid, thread, parent, deleted, spam, text, date in posts:
        parts.append(
            f'<post dsq:id="{pid}"><message>{esc(text)}</message><createdAt>{date}</createdAt>'
            f"<isDeleted>{deleted}</isDeleted><isSpam>{spam}</isSpam>"
            + (f'<thread dsq:id="{thread}"/>' if thread else "")
            + (f'<parent dsq:id="{parent}"/>' if parent is not None else "")
            + "</post>"
        )
    p = workdir / "generated.xml"
    p.write_text('<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
                 + "\n".join(parts) + "</disqus>", encoding="utf-8")
    result = check(p)
    assert result is not None
    posts_in_threads = len(result.comments) - (result.comments["kind"] == "post").sum()
    assert posts_in_threads + len(result.exclusions) == len(posts)


# -- records out of place or listed twice ----------------------------------------------------------------

_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
         '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n')
_THREAD = '<thread dsq:id="1"><link>http://x.test/a</link><title>A</title></thread>\n'


def _disqus(tmp_path, body):
    p = tmp_path / "d.xml"
    p.write_text(_HEAD + body + "</disqus>\n", encoding="utf-8")
    return p


@pytest.mark.parametrize(("post", "detail"), [
    ('<category dsq:id="c"><post dsq:id="50"><message>In a category</message></post></category>',
     "a <post> inside <category>, not directly under the root element: not read as a comment"),
    ('<post xmlns="http://other.example" dsq:id="50"><message>Elsewhere</message></post>',
     "a <post> in namespace 'http://other.example', not the export's 'http://disqus.com': not read as a comment"),
    ('<wrapper><inner><post dsq:id="50"><message>Deep</message></post></inner></wrapper>',
     "a <post> nested 3 levels deep, not directly under the root element: not read as a comment"),
    ('<thread dsq:id="2"><post dsq:id="50"><message>In a thread</message></post></thread>',
     "a <post> inside <thread>, not directly under the root element: not read as a comment"),
])
def test_a_post_out_of_place_is_excluded_as_malformed_not_lost(tmp_path, post, detail):
    # line 3: the thread; line 4: a kept post; line 5: the post out of place
    p = _disqus(tmp_path, _THREAD + '<post dsq:id="7"><message>Hello</message><thread dsq:id="1"/></post>\n'
                + post + "\n")
    result = read(p)
    assert table_values(result.comments, ["comment_id", "kind"]) == [["thread-1", "post"], ["comment-7", "comment"]]
    assert table_values(result.exclusions, ["record_id", "reason", "detail", "source_row"]) == [
        ["comment-50", "malformed", detail, 5]]
    assert result.records_read == 3 == len(result.comments) + len(result.exclusions)


def test_a_post_listed_twice_is_a_duplicate_record(tmp_path):
    # line 4: post 7; line 5: post 8 replying to 7; line 6: post 7 again
    p = _disqus(tmp_path, _THREAD
                + '<post dsq:id="7"><message>Hello</message><thread dsq:id="1"/></post>\n'
                + '<post dsq:id="8"><message>Reply</message><thread dsq:id="1"/><parent dsq:id="7"/></post>\n'
                + '<post dsq:id="7"><message>Hello</message><thread dsq:id="1"/></post>\n')
    result = read(p)
    assert table_values(result.comments, ["comment_id", "parent_id"]) == [
        ["thread-1", None], ["comment-7", "thread-1"], ["comment-8", "comment-7"]]
    assert table_values(result.exclusions, ["record_id", "reason", "detail", "source_row"]) == [
        ["comment-7", "duplicate_record", "the same dsq:id was already read on line 4", 6]]
    assert result.records_read == 4 == len(result.comments) + len(result.exclusions)
