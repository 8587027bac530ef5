"""Tests for the ``jsonl`` reader. Expected values worked out by hand from tests/fixtures/ingest/threads.jsonl
and the small files written in the tests."""

from __future__ import annotations

import json

import pytest

from helpers.errors import InputError
from helpers.ingest import read
from tests.unit.ingest_support import FIXTURES, table_values

MAPPING = {"parent_id": "parent", "author": "user", "created_at": "ts", "votes_up": "ups"}


def _jsonl(tmp_path, text, name="c.jsonl"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_fixture():
    result = read(FIXTURES / "threads.jsonl", columns=MAPPING)
    assert result.format == "jsonl"
    assert table_values(
        result.comments, ["comment_id", "parent_id", "thread_id", "kind", "text", "source_row"]
    ) == [
        ["1", None, "1", "comment", "Top", 1],
        ["2", "1", "1", "reply", "Reply", 3],
        ["3", "2", "1", "reply", "Reply to reply", 4],
    ]
    assert table_values(result.comments, ["author", "votes_up"]) == [["ann", 3], ["bob", 0], [None, None]]
    # 09:00 at +01:00 is 08:00 UTC
    assert [str(t) for t in result.comments["created_at"]] == [
        "2021-01-01 08:00:00+00:00",
        "2021-01-01 10:00:00+00:00",
        "NaT",
    ]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [["4", "blank", 6]]
    # the nested "extra" object (with an e-mail address) is not a column of the data model: left behind
    assert not result.comments.astype(str).apply(lambda c: c.str.contains("example.org")).any().any()


def test_same_defaults_as_csv(tmp_path):
    """The shared mapping: the same content as JSON Lines and as CSV gives the same comments."""
    rows = [{"ID": "a", "Comment": "Hi", "parent_id": ""}, {"ID": "b", "Comment": "Yo", "parent_id": "a"}]
    from_jsonl = read(_jsonl(tmp_path, "\n".join(json.dumps(r) for r in rows) + "\n"))
    from_csv = read(_jsonl(tmp_path, "ID,Comment,parent_id\na,Hi,\nb,Yo,a\n", name="c.csv"))
    keep = ["comment_id", "parent_id", "thread_id", "kind", "text", "source_row"]
    assert from_jsonl.comments[keep].equals(
        from_csv.comments[keep].assign(source_row=from_csv.comments["source_row"] - 1)
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"abc"', "abc"),
        ("12", "12"),
        ("12.0", "12"),
        ("1.5", "1.5"),
        ("true", "true"),
        ('{"b": 1, "a": [1, 2]}', '{"a": [1, 2], "b": 1}'),
    ],
)
def test_non_string_values_become_text(tmp_path, value, expected):
    p = _jsonl(tmp_path, f'{{"id": {value}, "text": "x"}}\n')
    assert read(p).comments["comment_id"].tolist() == [expected]


def test_null_and_missing_keys_are_missing(tmp_path):
    p = _jsonl(
        tmp_path,
        '{"id": 1, "text": "x", "author": null}\n{"id": 2, "text": "y"}\n{"id": 3, "text": "z", "author": "Al"}\n',
    )
    assert table_values(read(p).comments, ["author"]) == [[None], [None], ["Al"]]


@pytest.mark.parametrize(
    ("text", "message", "row"),
    [
        ('{"id": 1, "text": "a"}\n{"id": 2, "text": "b"\n', "not a valid JSON line", 2),
        ('{"id": 1, "text": "a"}\n\n\n{"id": 2, text: "b"}\n', "not a valid JSON line", 4),
        ('{"id": 1, "text": "a"}\n[1, 2]\n', "expected a JSON object", 2),
        ('"just a string"\n', "expected a JSON object", 1),
        ('{"id": 1, "text": "a"} {"id": 2}\n', "Extra data", 1),
        ("[" * 100_000 + "\n", "not a valid JSON line", 1),
        ('{"id": 1, "words": "a"}\n', "no text column", None),
        ('{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n', "id '1' is used twice", 2),
        (
            '{"id": 1, "text": "a", "created_at": "2021-01-01"}\n{"id": 2, "text": "b", "created_at": "soon"}\n',
            "cannot read created_at value 'soon'",
            2,
        ),
    ],
)
def test_errors_name_the_line(tmp_path, text, message, row):
    p = _jsonl(tmp_path, text)
    with pytest.raises(InputError, match=message) as err:
        read(p, format="jsonl")
    assert err.value.row == row
    assert err.value.path == str(p)


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ('{"id": 1, "text": "a"}\n{"id": 2, "text": "\\ud800 x"}\n', 2),  # a lone high half
        ('{"id": 1, "text": "a", "meta": {"k": ["\\uDC00"]}}\n', 1),  # a lone low half, in a column not read
        ('{"id": 1, "text": "a"}\n\n{"\\udbff": 1, "text": "b"}\n', 3),  # in a key
    ],
)
def test_lone_surrogate_escape_is_one_line_naming_the_line(tmp_path, text, row):
    p = _jsonl(tmp_path, text)
    with pytest.raises(InputError, match="lone surrogate escape") as err:
        read(p, format="jsonl")
    assert (err.value.path, err.value.row) == (str(p), row)


def test_surrogate_pairs_and_escaped_backslashes_are_kept(tmp_path):
    # \ud83d\ude00 is one character (U+1F600); \\ud800 is the six characters backslash, u, d, 8, 0, 0
    p = _jsonl(tmp_path, '{"id": 1, "text": "\\ud83d\\ude00 ok"}\n{"id": 2, "text": "\\\\ud800"}\n')
    assert read(p).comments["text"].tolist() == ["\U0001f600 ok", "\\ud800"]


def test_blank_lines_are_skipped_and_rows_are_lines(tmp_path):
    p = _jsonl(tmp_path, '\n\n{"text": "a"}\n  \n{"text": "b"}\n')
    c = read(p).comments
    assert table_values(c, ["comment_id", "source_row"]) == [["row-3", 3], ["row-5", 5]]


def test_crlf_and_bom(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_bytes(b'\xef\xbb\xbf{"id": "x", "text": "caf\\u00e9 \xe2\x98\x95"}\r\n')
    assert read(p).comments["text"].tolist() == ["café ☕"]
