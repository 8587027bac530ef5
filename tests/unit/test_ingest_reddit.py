"""Tests for the ``reddit`` reader. Expected values worked out by hand from
tests/fixtures/ingest/reddit-thread.ndjson (invented users and posts; no real Reddit data is used)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.errors import InputError
from helpers.ingest import (
    detect_format,
    read,
    reddit,  # noqa: F401  (registers the reader)
)
from helpers.ingest.reddit import sniff_reddit
from helpers.schema import analysable
from tests.unit.ingest_support import FEWER, FIXTURES, SETTINGS, check_bytes, check_read, edited, table_values

THREAD = FIXTURES / "reddit-thread.ndjson"


def _write(tmp_path, lines, name="r.ndjson"):
    p = tmp_path / name
    p.write_text(
        "".join((json.dumps(x) if not isinstance(x, str) else x) + "\n" for x in lines), encoding="utf-8"
    )
    return p


def test_fixture_thread():
    result = read(THREAD)
    assert result.format == "reddit"
    c = result.comments
    assert table_values(c, ["comment_id", "parent_id", "thread_id", "kind", "author", "source_row"]) == [
        ["t3_p1", None, "t3_p1", "post", "river_otter", 1],
        ["t1_c1", "t3_p1", "t3_p1", "comment", "quiet_reader", 2],
        # c2 ([deleted]) is excluded: its reply c3 now hangs from c2's parent, the post
        ["t1_c3", "t3_p1", "t3_p1", "reply", None, 5],
        ["t1_c4", "t1_c1", "t3_p1", "reply", "maple_leaf", 6],
        # c6's parent t1_zz9 is not in the file
        ["t1_c6", None, "t3_p1", "reply", "late_comer", 8],
        # c7 (wrapped as {"kind": "t1", "data": ...}) replied to c5 ([removed]), whose parent is c4
        ["t1_c7", "t1_c4", "t3_p1", "reply", "api_user", 10],
    ]
    assert c["text"].tolist() == [
        "The council is asking.\n\nWhat do you think?",
        "Yes & please keep it quiet.",  # Reddit's &amp; decoded
        "Agree with the deleted comment above.",
        "Replying to c1: seconded.",
        "This replies to something outside the file.",
        "Wrapped like the API lists it.",
    ]
    assert c["title"].tolist()[0] == "Should the town library open on Sundays?"
    assert c["title"].isna().tolist()[1:] == [True] * 5
    # 1600000000 s is 2020-09-13 12:26:40 UTC; c3's time is a float, c2's a string
    assert [str(t) for t in c["created_at"]] == [
        "2020-09-13 12:26:40+00:00",
        "2020-09-13 12:27:40+00:00",
        "2020-09-13 12:29:40+00:00",
        "2020-09-13 12:30:40+00:00",
        "2020-09-13 12:32:40+00:00",
        "2020-09-13 12:33:40+00:00",
    ]
    assert table_values(c, ["votes_up"]) == [[12], [5], [None], [None], [None], [None]]
    assert c["url"].iloc[0] == "https://www.reddit.com/r/exampletown/comments/p1/should_the_town_library/"
    assert table_values(result.exclusions, ["record_id", "reason", "source_row", "detail"]) == [
        ["t1_c2", "deleted", 4, "body [deleted] on Reddit; its 1 direct reply now points to t3_p1"],
        ["t1_c5", "deleted", 7, "body [removed] on Reddit; its 1 direct reply now points to t1_c4"],
        ["t1_c1", "duplicate_record", 9, "the same id was already read on line 2"],
    ]
    assert result.notes == ["1 comment replies to items not in the file"]
    assert result.records_read == 9  # 9 non-blank lines
    assert analysable(c).tolist() == [False, True, True, True, True, True]


def test_chain_of_deleted_comments_and_missing_ancestors(tmp_path):
    p = _write(
        tmp_path,
        [
            {"id": "a", "body": "[removed]", "parent_id": "t3_gone", "link_id": "t3_gone", "subreddit": "x"},
            {"id": "b", "body": "[deleted]", "parent_id": "t1_a", "link_id": "t3_gone"},
            {"id": "c", "body": "still here", "parent_id": "t1_b", "link_id": "t3_gone"},
            {"id": "d", "body": "", "parent_id": "t1_c", "link_id": "t3_gone"},
            {"id": "e", "body": "under the blank one", "parent_id": "t1_d"},
        ],
    )
    result = read(p)
    # no kept ancestor for c (a and b deleted, the post not in the file): parent empty;
    # e's parent d is blank, so e hangs from c; e has no link_id: its thread comes from its chain
    assert table_values(result.comments, ["comment_id", "parent_id", "thread_id", "kind"]) == [
        ["t1_c", None, "t3_gone", "reply"],
        ["t1_e", "t1_c", "t3_gone", "reply"],
    ]
    assert table_values(result.exclusions, ["record_id", "reason", "detail"]) == [
        ["t1_a", "deleted", "body [removed] on Reddit"],
        [
            "t1_b",
            "deleted",
            "body [deleted] on Reddit; its 1 direct reply now points to no parent (none kept in the file)",
        ],
        ["t1_d", "blank", "empty comment body; its 1 direct reply now points to t1_c"],
    ]
    assert result.notes == []  # every parent named is in the file


def test_removed_submission_is_kept_with_its_title(tmp_path):
    p = _write(
        tmp_path,
        [
            {
                "id": "s",
                "title": "A title &amp; more",
                "selftext": "[removed]",
                "subreddit": "x",
                "author": "[deleted]",
            },
            {"id": "k", "body": "reply", "parent_id": "t3_s", "link_id": "t3_s"},
        ],
    )
    result = read(p)
    assert table_values(result.comments, ["comment_id", "parent_id", "kind", "title", "text", "author"]) == [
        ["t3_s", None, "post", "A title & more", "", None],
        ["t1_k", "t3_s", "comment", None, "reply", None],
    ]
    assert result.notes == ["1 submission(s) had their text deleted or removed; kept with their title"]


def test_record_without_id_is_malformed(tmp_path):
    p = _write(tmp_path, [{"body": "no id", "parent_id": "t3_x", "subreddit": "x"}])
    result = read(p)
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [
        ["line-1", "malformed", 1]
    ]


@pytest.mark.parametrize(
    ("lines", "message", "row"),
    [
        (['{"id": "a", "subreddit": "x"}', '{"id": "b", "body": '], "not a valid JSON line", 2),
        (['{"id": "a", "subreddit": "x"}', "[1]"], "expected a JSON object", 2),
        ([{"id": "a", "body": "x", "parent_id": "t1_a", "subreddit": "x"}], "names itself as its parent", 1),
        (
            [
                {"id": "a", "body": "x", "parent_id": "t1_b", "subreddit": "s"},
                {"id": "b", "body": "y", "parent_id": "t1_a"},
            ],
            "the replies form a loop",
            1,
        ),
        (
            [{"id": "a", "body": "x", "subreddit": "s", "created_utc": "yesterday"}],
            "created_utc value 'yesterday'",
            1,
        ),
        ([{"id": "a", "body": "x", "subreddit": "s", "created_utc": 1e300}], "not a time in seconds", 1),
    ],
)
def test_errors(tmp_path, lines, message, row):
    p = _write(tmp_path, lines)
    with pytest.raises(InputError, match=message) as err:
        read(p, format="reddit")
    assert err.value.row == row and err.value.path == str(p)


def test_generic_json_lines_still_go_to_jsonl(tmp_path):
    assert detect_format(FIXTURES / "threads.jsonl") == "jsonl"
    p = _write(tmp_path, [{"id": 1, "text": "hi", "parent_id": "2", "link_id": "abc"}], name="x.jsonl")
    assert detect_format(p) == "jsonl"
    q = _write(tmp_path, [{"id": "a", "body": "hi", "parent_id": "t3_b", "link_id": "t3_b"}], name="y.jsonl")
    assert detect_format(q) == "reddit"


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (b'{"id": "a", "subreddit": "x"}\n', 0.97),
        (b'{"kind": "t3", "data": {"id": "a"}}\n', 0.97),
        (b'{"id": "a", "name": "t1_a"}\n', 0.97),
        (b'{"id": "a", "text": "b"}\n{"id": "c", "subreddit": "x"}\n', 0.97),
        (b'{"id": "a", "text": "b"}\n', 0.0),
        (b'{"id": "a", "subreddit": "x", "body": "' + b"x" * 70_000, 0.9),  # first line cut by the window
        (b'{"id": "a", "body": "' + b"x" * 70_000, 0.0),
        (b"[1, 2]", 0.0),
        (b"\x00\x01", 0.0),
    ],
)
def test_sniff(head, score):
    assert sniff_reddit(head[: 64 * 1024]) == score


# ---------------------------------------------------------------------------------------------
# any bytes in: tables or InputError


@SETTINGS
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(["reddit", None]))
def test_any_bytes(tmp_path_factory, data, fmt):
    check_bytes(tmp_path_factory.mktemp("b") / "x.ndjson", data, fmt)


@SETTINGS
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(list(b'{}[]",:\n t13_cp0')) | st.integers(0, 255)),
        min_size=1,
        max_size=6,
    ),
    cut=st.none() | st.integers(0, 2500),
)
def test_mutated_fixture(tmp_path_factory, edits, cut):
    check_bytes(tmp_path_factory.mktemp("m") / "r.ndjson", edited(THREAD.read_bytes(), edits, cut), "reddit")


IDS = st.sampled_from(["a", "b", "c", "d", "e"])
RECORD = st.fixed_dictionaries(
    {"id": IDS},
    optional={
        "body": st.sampled_from(["hi", "", "[deleted]", "[removed]", "x &amp; y"]),
        "title": st.text(max_size=5),
        "selftext": st.sampled_from(["", "[removed]", "text"]),
        "parent_id": st.builds(lambda p, i: p + i, st.sampled_from(["t1_", "t3_", ""]), IDS),
        "link_id": st.builds(lambda i: "t3_" + i, IDS),
        "name": st.builds(lambda p, i: p + i, st.sampled_from(["t1_", "t3_"]), IDS),
        "author": st.sampled_from(["[deleted]", "someone", ""]),
        "created_utc": st.one_of(
            st.integers(-(10**10), 10**10), st.floats(allow_nan=True), st.text(max_size=4)
        ),
        "ups": st.one_of(st.integers(), st.floats(), st.none()),
        "subreddit": st.just("x"),
    },
)


@FEWER
@given(records=st.lists(RECORD, max_size=10))
def test_random_threads(tmp_path_factory, records):
    p = tmp_path_factory.mktemp("t") / "r.ndjson"
    p.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = check_read(p, "reddit")
    if result is not None:
        assert result.records_read == len(records)
