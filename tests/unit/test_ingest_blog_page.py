"""Tests for the ``blog-page`` reader.

Expected values were worked out by hand from the files (``cat -A`` and ``grep -n`` of
data/raw/obama-toolkit/page.txt, and the hand-written tests/fixtures/ingest/page_furniture.txt).
"""

from __future__ import annotations

import json
import re

import pytest

from helpers.errors import ConfigError, InputError
from helpers.ingest import read
from helpers.ingest.blog_page import parse_page
from helpers.paths import project_root
from tests.unit.ingest_support import FIXTURES

PAGE = project_root() / "data" / "raw" / "obama-toolkit" / "page.txt"
FURNITURE = FIXTURES / "page_furniture.txt"


@pytest.fixture(scope="module")
def page():
    return read(PAGE)


def _row(result, comment_id):
    rows = result.comments[result.comments["comment_id"] == comment_id]
    assert len(rows) == 1, comment_id
    return rows.iloc[0]


# -- acceptance ------------------------------------------------------------------------------------


def test_acceptance_counts_by_kind(page):
    assert page.format == "blog-page"
    assert page.comments["kind"].value_counts().to_dict() == {"comment": 7, "pingback": 3, "post": 1}
    assert page.comments.loc[page.comments["kind"] == "pingback", "comment_id"].tolist() == [
        "r4",
        "r9",
        "r10",
    ]
    assert page.comments["comment_id"].tolist() == ["post"] + [f"r{n}" for n in range(1, 11)]
    assert page.records_read == 12 == len(page.comments) + len(page.exclusions)


def test_acceptance_r7_is_its_own_comment(page):
    r6, r7 = _row(page, "r6"), _row(page, "r7")
    assert r6["text"].endswith("Worth noting that the Scandinavians have had")
    assert r7["text"].startswith("oops, apologies for the cliff hanger")
    assert "oops" not in r6["text"]
    assert r7["kind"] == "comment"


@pytest.mark.parametrize(
    "phrase", ["Leave a Reply", "Fill in your details", "bloggers like this", "Connecting to %s"]
)
def test_acceptance_no_furniture_in_any_text(page, phrase):
    assert not page.comments["text"].str.contains(phrase, regex=False).any()
    assert not page.comments["title"].fillna("").str.contains(phrase, regex=False).any()


@pytest.mark.parametrize(
    ("comment_id", "fragment"),
    [
        ("post", "The digital ‘me’ culture"),  # curly single quotes
        ("post", "I am not… apart from… (no OK)"),  # ellipses
        ("post", "policy-making – but"),  # en dash
        ("r1", "(sorry for the ramble ahead…!)"),
        ("r7", "ends ‘…systems of government"),
        ("r8", "🙂 Thanks Andrew"),  # the emoji
        ("r9", "policy « Mindworks’ Weblog"),  # guillemet
    ],
)
def test_acceptance_typography_survives(page, comment_id, fragment):
    assert fragment in _row(page, comment_id)["text"]


# -- every record, hand-worked ---------------------------------------------------------------------

# comment_id, kind, source_row (line of "N."), first words, last words, paragraphs
RESPONSES = [
    (
        "r1",
        "comment",
        33,
        "Top post Em! Brief late night comment",
        "grow it to work for the benefit of all.",
        3,
    ),
    ("r2", "comment", 40, "Excellent post. There’s no doubt", "Lordships would also help.)", 7),
    (
        "r3",
        "comment",
        54,
        "Great post. My reaction to the Social Obamedia",
        "great ideas, and great people.",
        3,
    ),
    ("r4", "pingback", 60, "Social Obamedia", "Social Obamedia", 1),
    ("r5", "comment", 62, "Thank you Laura. Andrew, you raise", "to break into a full sprint.", 2),
    ("r6", "comment", 66, "I’m sure Mitch could say more", "Worth noting that the Scandinavians have had", 4),
    ("r7", "comment", 74, "oops, apologies for the cliff hanger", "after ‘with the right’, obviously.", 1),
    ("r8", "comment", 76, "🙂 Thanks Andrew, I am not sure", "Great link, thanks for that.", 1),
    ("r9", "pingback", 78, "Cognitive surplus and government policy", "« Mindworks’ Weblog", 1),
    ("r10", "pingback", 80, "Social Obamedia | mitchsava.com", "Social Obamedia | mitchsava.com", 1),
]


@pytest.mark.parametrize(("comment_id", "kind", "line", "first", "last", "paragraphs"), RESPONSES)
def test_each_response(page, comment_id, kind, line, first, last, paragraphs):
    row = _row(page, comment_id)
    assert row["kind"] == kind
    assert row["source_row"] == line
    assert row["text"].startswith(first)
    assert row["text"].endswith(last)
    assert len(row["text"].split("\n\n")) == paragraphs
    assert row["parent_id"] == "post" and row["thread_id"] == "post"
    assert row["author"] is not None and str(row["author"]) == "<NA>"
    assert str(row["created_at"]) == "NaT"
    assert not re.search(r"^[ \t]", row["text"], re.M), "continuation lines are dedented"


def test_pingback_text_is_just_the_title(page):
    assert _row(page, "r4")["text"] == "Social Obamedia"
    assert _row(page, "r10")["text"] == "Social Obamedia | mitchsava.com"


def test_a_paragraph_keeps_its_line_break(page):
    # Response 1's first paragraph is two lines on the page: "  1. Top post ..." then "    Saw the toolkit ...".
    first_paragraph = _row(page, "r1")["text"].split("\n\n")[0]
    assert first_paragraph.split("\n")[1].startswith("Saw the toolkit myself earlier too")


def test_the_post(page):
    post = _row(page, "post")
    assert post["kind"] == "post" and post["source_row"] == 1
    assert post["title"] == "I can’t do a social media toolkit, but Obama can! (Sort\u00a0of…)"
    assert str(post["parent_id"]) == "<NA>" and post["thread_id"] == "post"
    assert post["text"].startswith("Growl, possibly the only reason he is President")
    assert post["text"].endswith("write the project initiation document (PID).")
    paragraphs = post["text"].split("\n\n")
    assert len(paragraphs) == 13
    assert (
        paragraphs[6] == "• citizens\n• the Labour Party (do I need to date this post?)\n• the civil service"
    )
    assert "10 responses" not in post["text"]


def test_the_comment_form_is_one_boilerplate_exclusion(page):
    assert len(page.exclusions) == 1
    ex = page.exclusions.iloc[0]
    assert (ex["record_id"], ex["reason"], ex["source_row"]) == ("comment-form", "boilerplate", 82)
    assert "lines 82-100" in ex["detail"]
    assert ex["source"] == str(PAGE)


def test_summary_of_the_example_corpus(page):
    summary = page.summary()
    assert summary == {
        "cleaning": {  # nothing to repair or exclude; the two pingbacks are too short to tell a language
            "blank": 0,
            "duplicate_submission": 0,
            "future_dates": 0,
            "kept_as_thread_anchor": 0,
            "language": {"en": 9},
            "language_undetermined": 2,
            "mojibake_repaired": 0,
            "non_answer": 0,
            "rows_from_reader": 11,
            "rows_kept": 11,
        },
        "excluded": 1,
        "excluded_by_reason": {"boilerplate": 1},
        "format": "blog-page",
        "kept": 11,
        "kept_by_kind": {"comment": 7, "pingback": 3, "post": 1},
        "notes": [],
        "questions": [],  # consultations only
        "records_read": 12,
        "source": str(PAGE),
        "timezone": "UTC",  # the default: a plain file keeps no calendar of its own
        "title": "",  # the page says what it is about in its post, not as a source title
    }
    assert json.loads(json.dumps(summary)) == summary
    assert page.summary_line() == "page.txt: read 12 records = 11 kept + 1 excluded (boilerplate 1)"


# -- every line accounted for ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE, FURNITURE], ids=["page.txt", "page_furniture.txt"])
def test_every_nonblank_line_belongs_to_exactly_one_record(path):
    text = path.read_text(encoding="utf-8")
    nonblank = [i + 1 for i, line in enumerate(text.split("\n")) if line.strip()]
    covered = [n for record in parse_page(text) for n in record.lines]
    assert sorted(covered) == nonblank  # all of them, none twice


@pytest.mark.parametrize(
    ("path", "count_line"), [(PAGE, 31), (FURNITURE, 24)], ids=["page.txt", "page_furniture.txt"]
)
def test_every_nonblank_line_is_in_the_output(path, count_line):
    """Checked on the output alone: each line is inside an excluded block or in a kept text."""
    result = read(path)
    excluded = set()
    for detail in result.exclusions["detail"]:
        m = re.match(r"lines? (\d+)(?:-(\d+))?:", detail)
        a, b = int(m[1]), int(m[2] or m[1])
        excluded.update(range(a, b + 1))
    kept = result.comments["text"].tolist() + result.comments["title"].dropna().tolist()
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip() or number in excluded:
            continue
        if number == count_line:  # "10 responses": checked against the responses, part of the post
            continue
        content = re.sub(r"^\s*\d+\.\s+(?:Pingback:|Trackback:)?", "", line).strip()
        assert any(content in text for text in kept), (number, line)


# -- the furniture fixture -------------------------------------------------------------------------


def test_other_wordpress_furniture_is_excluded():
    result = read(FURNITURE)
    assert result.exclusions[["record_id", "reason", "source_row"]].values.tolist() == [
        ["share-buttons", "boilerplate", 10],
        ["like-buttons", "boilerplate", 15],
        ["related-posts", "boilerplate", 19],
        ["comment-form", "boilerplate", 34],
    ]
    assert [d.split(":")[0] for d in result.exclusions["detail"]] == [
        "lines 10-13",
        "lines 15-17",
        "lines 19-22",
        "lines 34-36",
    ]
    post = _row(result, "post")
    assert post["title"] == "A short post about parks"
    assert post["text"] == "We want more trees.\n\n• oaks\n• limes\n\nWhat do you think?"
    assert result.comments[["comment_id", "kind", "source_row", "text"]].values.tolist()[1:] == [
        ["r1", "comment", 26, "More trees please.\n\nEspecially near schools."],
        ["r2", "trackback", 30, "Parks news roundup"],
        ["r3", "comment", 32, "I disagree… 🌳"],
    ]


# -- variants written in the test ------------------------------------------------------------------


def _write(tmp_path, text, name="page.txt", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


SMALL = "Title\n\nBody.\n\n{count}\n\n  1. One.\n\n  2. Two.\n    Two more.\n"


@pytest.mark.parametrize(
    "count",
    [
        "2 responses",
        "2 comments",
        "2 replies",
        "2 Responses",
        "2 thoughts on “Title”",
        "2 responses to “Title”",
    ],
)
def test_count_line_variants(tmp_path, count):
    result = read(_write(tmp_path, SMALL.format(count=count)))
    assert result.comments["comment_id"].tolist() == ["post", "r1", "r2"]
    assert result.comments["text"].tolist() == ["Body.", "One.", "Two.\nTwo more."]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Title\n\nBody.\n\nOne response\n\n  1. Only one.\n", ["post", "r1"]),
        ("Title\n\nBody.\n\nOne comment\n\n  1. Only one.\n", ["post", "r1"]),
        ("Title\n\nBody.\n\nNo comments yet\n", ["post"]),
        ("Title\n\nBody without any comment section.\n", ["post"]),
        ("Just a title", ["post"]),
    ],
)
def test_one_or_no_responses(tmp_path, text, ids):
    assert read(_write(tmp_path, text), format="blog-page").comments["comment_id"].tolist() == ids


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("3 responses", "the page says 3 responses but 2 were found"),
        ("One response", "says 1 response but 2"),
    ],
)
def test_count_mismatch_names_the_count_line(tmp_path, count, message):
    with pytest.raises(InputError, match=message) as err:
        read(_write(tmp_path, SMALL.format(count=count)))
    assert err.value.row == 5
    assert err.value.path == str(tmp_path / "page.txt")


def test_a_missing_response_on_the_example_page_is_an_error(tmp_path):
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    del lines[79]  # line 80: "  10. Pingback: Social Obamedia | mitchsava.com"
    with pytest.raises(InputError, match="the page says 10 responses but 9 were found") as err:
        read(_write(tmp_path, "\n".join(lines)), format="blog-page")
    assert err.value.row == 31


def test_windows_line_endings_give_the_same_result(tmp_path, page):
    crlf = read(_write(tmp_path, PAGE.read_text(encoding="utf-8").replace("\n", "\r\n")))
    assert crlf.comments.drop(columns="source").equals(page.comments.drop(columns="source"))


def test_a_blank_response_is_excluded_as_blank(tmp_path):
    result = read(_write(tmp_path, "Title\n\n2 responses\n\n  1.\n\n  2. Two.\n"))
    assert result.comments["comment_id"].tolist() == ["post", "r2"]
    assert result.exclusions[["record_id", "reason", "source_row"]].values.tolist() == [["r1", "blank", 5]]


def test_text_before_the_first_response_is_excluded_as_malformed(tmp_path):
    result = read(_write(tmp_path, "Title\n\n1 response\n\n« Older Comments\n\n  1. One.\n"))
    assert result.comments["comment_id"].tolist() == ["post", "r1"]
    assert result.exclusions[["record_id", "reason", "source_row"]].values.tolist() == [
        ["unrecognised-5", "malformed", 5]
    ]


def test_a_numbered_list_inside_a_response_is_not_a_new_response(tmp_path):
    text = "Title\n\n2 responses\n\n  1. My points:\n    1. first\n    2. second\n\n  2. Agreed.\n"
    result = read(_write(tmp_path, text))
    assert result.comments["text"].tolist()[1:] == ["My points:\n1. first\n2. second", "Agreed."]


def test_out_of_sequence_number_is_continuation(tmp_path):
    text = "Title\n\n2 responses\n\n  1. See\n  5. above\n\n  2. Yes.\n"
    assert read(_write(tmp_path, text)).comments["text"].tolist()[1:] == ["See\n5. above", "Yes."]


def test_column_options_do_not_apply_and_are_ignored(page):
    other = read(
        PAGE, text_column="no such column", id_column="nope", columns={"author": "x"}, timezone="Europe/London"
    )
    assert other.comments.equals(page.comments)


def test_an_unknown_timezone_is_refused_though_the_page_has_no_dates_to_read():
    # a typo in an option is an error whatever the format, so it cannot pass silently
    with pytest.raises(ConfigError, match="unknown timezone 'Mars/Base'"):
        read(PAGE, timezone="Mars/Base")


def test_cp1252_page_is_decoded(tmp_path):
    result = read(_write(tmp_path, "Café – “menu”\n\n1 response\n\n  1. Très bien…\n", encoding="cp1252"))
    assert result.comments["title"].iloc[0] == "Café – “menu”"
    assert result.comments["text"].iloc[1] == "Très bien…"


def test_a_stray_likes_line_is_furniture(tmp_path):
    result = read(_write(tmp_path, "Title\n\nBody.\n\n%d bloggers like this:\n\n1 response\n\n  1. One.\n"))
    assert result.comments["text"].tolist() == ["Body.", "One."]
    assert result.exclusions[["record_id", "source_row"]].values.tolist() == [["like-buttons", 5]]


def test_the_comment_form_runs_to_the_end(tmp_path):
    text = "Title\n\n1 response\n\n  1. One.\n\nLeave a Reply\n\nShare this:\n  2. Not a response\n"
    result = read(_write(tmp_path, text))
    assert result.comments["comment_id"].tolist() == ["post", "r1"]
    assert result.exclusions[["record_id", "source_row", "detail"]].values.tolist() == [
        ["comment-form", 7, "lines 7-10: the WordPress comment form (from 'Leave a Reply')"]
    ]


@pytest.mark.parametrize(
    ("line", "is_form"),
    [
        ("Leave a Reply", True),
        ("Leave a comment", True),
        ("Leave a Reply to Ann Cancel reply", True),
        ("Leave a Reply Cancel reply", True),
        ("Leave a comment below if you agree!", False),  # a sentence of the post
        ("  Leave a Reply", False),  # indented: part of a response
    ],
)
def test_what_counts_as_the_comment_form(tmp_path, line, is_form):
    result = read(_write(tmp_path, f"Title\n\nBody.\n{line}\n"))
    assert (result.exclusions["record_id"].tolist() == ["comment-form"]) is is_form
    assert (line.strip() in result.comments["text"].iloc[0]) is not is_form


def test_repeated_furniture_gets_numbered_ids(tmp_path):
    text = "Title\n\nBody.\n\nShare this:\n\nTwitter\n\nRelated\n\nOther post\n\nShare this:\n\nFacebook\n"
    result = read(_write(tmp_path, text))
    assert result.exclusions[["record_id", "source_row"]].values.tolist() == [
        ["share-buttons", 5],
        ["related-posts", 9],
        ["share-buttons-2", 13],
    ]
    assert result.comments["text"].tolist() == ["Body."]
