"""Large files are read a block and a chunk of records at a time: the answer is the same as one read.

Every table is read twice, once in one piece (blocks and chunks far larger than the file) and once in
tiny pieces (a few bytes decoded at a time, two records parsed at a time), and the two must be
identical: the same ids in the same order, the same exclusions with the same reasons and lines, the
same error naming the same line. JSON Lines and Reddit NDJSON are parsed a piece of whole lines at a
time, their lines counted across pieces. Expected values are worked out by hand from the invented files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.ingest import _stream, read, tabular
from helpers.ingest._stream import read_streamed
from helpers.ingest._text import decode_text
from tests.unit.ingest_support import table_values

LONG = "The council should keep the library open on Saturdays for working families."


@pytest.fixture
def tiny(monkeypatch):
    """Read in tiny pieces: 7 bytes decoded at a time, 2 records parsed at a time."""

    def use(block: int = 7, rows: int = 2) -> None:
        monkeypatch.setattr(tabular, "BLOCK_BYTES", block)
        monkeypatch.setattr(_stream, "BLOCK_BYTES", block)
        monkeypatch.setattr(tabular, "CHUNK_ROWS", rows)

    return use


def _read_both(path: Path, tiny, **options):
    whole = read(path, **options)
    tiny()
    pieces = read(path, **options)
    return whole, pieces


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.comments, b.comments)
    pd.testing.assert_frame_equal(a.exclusions, b.exclusions)
    assert a.summary() == b.summary()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_tiny_chunks_give_the_same_tables(tmp_path, tiny):
    # Lines: 1-2 blank, 3 header, 4 r1, 5-7 r2 (a quoted field over three lines, CR LF inside),
    # 8 blank line, 9 padding, 10 r3 blank text, 11 r4, 12 r5 with a doubled quote, 13 r6 non-answer.
    data = (
        "\r\n \r\n"
        "id;text;when\r\n"
        f"r1;{LONG};2021-03-04 10:00\r\n"
        'r2;"Caf\u00e9 \u2013 first line\r\nsecond; line\r\nthird";2021-03-05 11:00\r\n'
        "\r\n"
        ";;\r\n"
        "r3;  ;2021-03-06 12:00\r\n"
        f"r4;{LONG} Again.;2021-03-07 13:00\r\n"
        'r5;"She said ""no"" to the plan, twice over.";2021-03-08 14:00\r\n'
        "r6;N/A;2021-03-09 15:00"
    ).encode()
    path = _write(tmp_path, "answers.csv", b"\xef\xbb\xbf" + data)
    whole, pieces = _read_both(path, tiny, columns={"created_at": "when"}, timezone="Europe/London")
    _same(whole, pieces)
    kept = pieces.comments
    assert kept["comment_id"].tolist() == ["r1", "r2", "r4", "r5"]
    assert kept["source_row"].tolist() == [4, 5, 11, 12]
    assert kept["text"].tolist()[1] == "Caf\u00e9 \u2013 first line\nsecond; line\nthird"
    assert kept["text"].tolist()[3] == 'She said "no" to the plan, twice over.'
    excluded = pieces.exclusions[["record_id", "reason", "source_row"]].astype(object).values.tolist()
    assert excluded == [["r3", "blank", 10], ["r6", "non_answer", 13]]


def test_windows_1252_after_the_first_block_is_read_again_as_windows_1252(tmp_path, tiny):
    rows = "".join(f"{i},{LONG} {i}\n" for i in range(1, 9))
    path = _write(tmp_path, "legacy.csv", ("id,text\n" + rows + "9,Caf\u00e9 \u00a35 a week is too much for us\n").encode("cp1252"))
    whole, pieces = _read_both(path, tiny)
    _same(whole, pieces)
    assert pieces.comments["text"].iloc[-1] == "Caf\u00e9 \u00a35 a week is too much for us"
    assert pieces.comments["source_row"].iloc[-1] == 10


def _error(path: Path, **options) -> InputError:
    with pytest.raises(InputError) as caught:
        read(path, **options)
    return caught.value


# name, content, the line the error must name, words the message must hold
BAD = [
    ("too-many-fields.csv", "id,text\n" + "".join(f"{i},{LONG}\n" for i in range(1, 7)) + "7,a,b\n8,x\n",
     8, "this row has 3 fields but the header has 2"),
    ("short-row.csv", "id,text,when\n" + "".join(f"{i},{LONG},2021-01-0{i}\n" for i in range(1, 6)) + "6 only\n",
     7, "this row has 1 field(s) but the header has 3"),
    ("unclosed.csv", "id,text\n" + "".join(f'{i},"{LONG}"\n' for i in range(1, 6)) + '6,"never closed\n7,x\n',
     7, "never closed"),
    ("duplicate-id.csv", "id,text\n" + "".join(f"{i},{LONG}\n" for i in range(1, 6)) + f"2,{LONG} again\n",
     7, "id '2' is used twice, with different contents (first on row 3)"),
    ("bad-date.csv", "id,text,when\n" + "".join(f"{i},{LONG},2021-01-0{i}\n" for i in range(1, 6)) + f"6,{LONG},soon\n",
     7, "cannot read when value 'soon'"),
]


@pytest.mark.parametrize(("name", "content", "row", "words"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_row_in_a_later_chunk_is_named(tmp_path, tiny, name, content, row, words):
    path = _write(tmp_path, name, content.encode("utf-8"))
    options = {"columns": {"created_at": "when"}} if "when" in content.split("\n", 1)[0] else {}
    whole = _error(path, **options)
    tiny()
    pieces = _error(path, **options)
    assert str(pieces) == str(whole)
    assert pieces.row == row and words in str(pieces)
    assert path.name in str(pieces)


def test_a_problem_with_the_bytes_further_on_is_reported_first(tmp_path, tiny):
    # Line 3 has too many fields, but line 10 (after rows 3-8 on lines 4-9) holds a NUL byte: as in a
    # whole-file read, the file is refused as binary first, naming line 10.
    content = b"id,text\n1,fine\n2,a,b\n" + b"".join(b"%d,%s\n" % (i, LONG.encode()) for i in range(3, 9)) + b"9,\x00\n"
    path = _write(tmp_path, "late-nul.csv", content)
    whole = _error(path)
    tiny()
    pieces = _error(path)
    assert str(pieces) == str(whole)
    assert pieces.row == 10 and "binary" in str(pieces)


def test_neither_utf8_nor_windows_1252_names_the_byte_windows_1252_cannot_decode(tmp_path, tiny):
    content = "id,text\n1,caf\u00e9\n".encode("cp1252") + b"".join(b"%d,%s\n" % (i, LONG.encode()) for i in range(2, 6))
    content += b"6,\x81 here\n"
    path = _write(tmp_path, "bad-bytes.csv", content)
    whole = _error(path)
    tiny()
    pieces = _error(path)
    assert str(pieces) == str(whole)
    # line 7 holds 0x81, which is no Windows-1252 character; line 2's 0xe9 (the first byte that is not
    # UTF-8) is a good Windows-1252 "é", and is named as well
    assert pieces.row == 7 and "byte 0x81 is not Windows-1252" in str(pieces) and "byte 0xe9 on line 2" in str(pieces)


@pytest.mark.parametrize("block", [1, 2, 3, 5, 64])
@pytest.mark.parametrize(
    "data",
    [
        "\ufeffone\r\ntwo\rthree\r\n\r\nfour caf\u00e9 \u2013 \U0001f642\r".encode("utf-8"),
        "a\r\nb \u00e9\u00e8 \u20ac\r\n".encode("cp1252"),
        b"no line break at the end",
        b"a\r\r\nb\r",
    ],
    ids=["utf-8", "cp1252", "no-final-break", "carriage-returns"],
)
def test_text_pieces_join_to_the_whole_file_decoding(tmp_path, data, block):
    path = _write(tmp_path, "t.txt", data)
    pieces = read_streamed(path, list, source="t.txt", block_bytes=block)
    assert "".join(pieces) == decode_text(data, encoding=None, source="t.txt")
    assert all(p.endswith("\n") for p in pieces[:-1])


def test_text_pieces_refuse_an_empty_file(tmp_path):
    path = _write(tmp_path, "blank.csv", b" \n\t\n")
    with pytest.raises(InputError, match="the file is empty"):
        read_streamed(path, list, source="blank.csv", block_bytes=2)


# ---------------------------------------------------------------------------------------------
# JSON Lines and Reddit NDJSON: parsed a block of lines at a time, line numbers counted across blocks


def _lines(*lines: str, end: str = "\n") -> bytes:
    return "".join(line + end for line in lines).encode("utf-8")


# block=1 decodes two bytes at a time (a byte, and one more to see whether the file goes on): the
# three- and four-byte characters (–, 🙂) are cut by a block's end wherever they fall.
@pytest.mark.parametrize("block", [1, 3, 7])
def test_jsonl_in_tiny_pieces(tmp_path, tiny, block):
    # CR LF line ends; line 2 blank, line 4 white space only. "user" first appears on line 5 and
    # "meta" (nested) and "votes" on line 6, so the first pieces have none of them.
    data = _lines(
        '{"id": 1, "text": "Caf\u00e9 opening hours should be longer on Sundays."}',
        "",
        '{"id": 2, "text": "Keep the bins collected weekly \u2013 not fortnightly.", "parent": 1}',
        "   ",
        '{"id": 3, "text": "Parking at the station costs too much \U0001f642", "parent": 2, "user": "Ann"}',
        '{"id": 4, "text": "Open the library later.", "meta": {"b": [1, 2], "a": null}, "votes": 7}',
        '{"id": 5, "text": "  "}',
        end="\r\n",
    )
    path = _write(tmp_path, "answers.jsonl", data)
    options = {"columns": {"parent_id": "parent", "author": "user", "title": "meta", "votes_up": "votes"}}
    whole = read(path, **options)
    whole_error = _error(path, text_column="comment")  # read in one piece, before tiny pieces
    tiny(block=block)
    pieces = read(path, **options)
    _same(whole, pieces)
    kept = pieces.comments
    assert pieces.format == "jsonl"
    assert table_values(kept, ["comment_id", "parent_id", "thread_id", "kind", "source_row"]) == [
        ["1", None, "1", "comment", 1],
        ["2", "1", "1", "reply", 3],
        ["3", "2", "1", "reply", 5],
        ["4", None, "4", "comment", 6],
    ]
    assert kept["text"].tolist() == [
        "Caf\u00e9 opening hours should be longer on Sundays.",
        "Keep the bins collected weekly \u2013 not fortnightly.",
        "Parking at the station costs too much \U0001f642",
        "Open the library later.",
    ]
    assert kept["author"].isna().tolist() == [True, True, False, True] and kept["author"].iloc[2] == "Ann"
    # the nested object is written as JSON, keys sorted
    assert kept["title"].isna().tolist() == [True, True, True, False]
    assert kept["title"].iloc[3] == '{"a": null, "b": [1, 2]}'
    assert kept["votes_up"].isna().tolist() == [True, True, True, False] and kept["votes_up"].iloc[3] == 7
    excluded = pieces.exclusions[["record_id", "reason", "source_row"]].astype(object).values.tolist()
    assert excluded == [["5", "blank", 7]]

    # the columns, in order of first appearance in the file (not in the first piece)
    pieces_error = _error(path, text_column="comment")
    assert str(pieces_error) == str(whole_error)
    assert "its columns are: 'id', 'text', 'parent', 'user', 'meta', 'votes'" in str(pieces_error)


def test_jsonl_large_integers_keep_every_digit(tmp_path, tiny):
    # Line 3 has no id (and no text: excluded as row-3), line 1 no parent: the id and parent columns
    # have gaps. 2**53 + 1 = 9007199254740993 and 9007199254740995 have no float64 of their own (a
    # float64 column would read them as ...992 and ...996); 12345678901234567890 is past 2**63.
    data = _lines(
        '{"id": 9007199254740993, "text": "Top comment about the park."}',
        '{"id": 9007199254740995, "text": "A reply about the park.", "parent": 9007199254740993}',
        '{"text": "   "}',
        '{"id": 12345678901234567890, "text": "Another top comment, about the pool."}',
    )
    path = _write(tmp_path, "ids.jsonl", data)
    whole, pieces = _read_both(path, tiny, columns={"parent_id": "parent"})
    _same(whole, pieces)
    kept = pieces.comments
    assert kept["comment_id"].tolist() == ["9007199254740993", "9007199254740995", "12345678901234567890"]
    assert kept["parent_id"].isna().tolist() == [True, False, True]
    assert kept["parent_id"].iloc[1] == "9007199254740993"
    assert kept["thread_id"].tolist() == ["9007199254740993", "9007199254740993", "12345678901234567890"]
    assert kept["kind"].tolist() == ["comment", "reply", "comment"]
    excluded = pieces.exclusions[["record_id", "reason", "source_row"]].astype(object).values.tolist()
    assert excluded == [["row-3", "blank", 3]]


def test_jsonl_in_windows_1252_is_read_again_from_the_start(tmp_path, tiny):
    # The first byte that is not UTF-8 (0xe9, "é" in Windows-1252) is on line 9, far past the first
    # blocks: the lines are read again from line 1, and still counted from line 1.
    rows = [f'{{"id": {i}, "text": "{LONG} ({i})"}}' for i in range(1, 9)]
    data = "".join(r + "\n" for r in [*rows, '{"id": 9, "text": "Caf\u00e9 prices went up by \u00a35"}'])
    path = _write(tmp_path, "legacy.jsonl", data.encode("cp1252"))
    whole, pieces = _read_both(path, tiny)
    _same(whole, pieces)
    assert pieces.comments["text"].iloc[-1] == "Caf\u00e9 prices went up by \u00a35"
    assert pieces.comments["source_row"].tolist() == list(range(1, 10))


def _jsonl_rows(n: int) -> list[str]:
    return [f'{{"id": {i}, "text": "Comment {i}: {LONG}"}}' for i in range(1, n + 1)]


# name, content, the line the error must name, the message after "row N: "
BAD_JSONL = [
    # line 31 of 31: "}" where a value should be, the 20th character of the line
    ("late-invalid.jsonl", _lines(*_jsonl_rows(30), '{"id": 31, "text": }'),
     31, "not a valid JSON line: Expecting value at column 20"),
    ("late-string.jsonl", _lines(*_jsonl_rows(24), '"just a string"', *_jsonl_rows(3)),
     25, "expected a JSON object ({...}) on each line, found a string"),
    # a list on line 2, but the line that is not JSON at all (line 30) is reported first, as when
    # the whole file is parsed at once
    ("list-then-invalid.jsonl", _lines(*_jsonl_rows(1), "[1, 2]", *_jsonl_rows(27), '{"id": 31, "text": }'),
     30, "not a valid JSON line: Expecting value at column 20"),
    # not JSON on line 2, a NUL byte on line 20: the file is refused as binary first
    ("late-nul.jsonl", _lines(*_jsonl_rows(1), '{"id": 2,', *_jsonl_rows(17), '{"id": 20, "text": "\x00"}'),
     20, "this looks like a binary file, not text (it holds a NUL byte)"),
]


@pytest.mark.parametrize(("name", "content", "row", "words"), BAD_JSONL, ids=[b[0] for b in BAD_JSONL])
def test_a_bad_jsonl_line_in_a_later_piece_is_named(tmp_path, tiny, name, content, row, words):
    path = _write(tmp_path, name, content)
    whole = _error(path, format="jsonl")
    tiny()
    pieces = _error(path, format="jsonl")
    assert str(pieces) == str(whole)
    assert pieces.row == row and f"{name}: row {row}: {words}" in str(pieces)


REDDIT = [
    '{"id": "p1", "title": "Library hours", "selftext": "Should the library open on Sundays?", '
    '"subreddit": "town", "created_utc": 1600000000, "author": "ann"}',
    '{"id": "c1", "body": "Yes, Sunday afternoons would help working families.", "parent_id": "t3_p1", '
    '"link_id": "t3_p1", "author": "bob", "created_utc": 1600000060}',
    "",
    '{"id": "c2", "body": "[deleted]", "parent_id": "t3_p1", "link_id": "t3_p1", "author": "[deleted]", '
    '"created_utc": 1600000120}',
    '{"id": "c3", "body": "I agree with the deleted comment about Sundays.", "parent_id": "t1_c2", '
    '"link_id": "t3_p1", "author": "cat", "created_utc": 1600000180}',
    '{"id": "c4", "body": "Seconded &amp; the caf\u00e9 should open too.", "parent_id": "t1_c1", '
    '"link_id": "t3_p1", "author": "dan", "created_utc": 1600000240, "ups": 4}',
    '{"id": "c1", "body": "Yes, Sunday afternoons would help working families.", "parent_id": "t3_p1", '
    '"link_id": "t3_p1", "author": "bob", "created_utc": 1600000060}',
    '{"kind": "t3", "data": {"id": "p2", "title": "Bus routes", "selftext": "Which routes need more buses?", '
    '"created_utc": 1600000300, "author": "eve"}}',
    '{"kind": "t1", "data": {"id": "c5", "body": "The number 7 needs more buses at rush hour.", '
    '"parent_id": "t3_p2", "link_id": "t3_p2", "author": "fay", "created_utc": 1600000360}}',
    '{"id": "c6", "body": "Route 12 as well \u2013 it is always full.", "parent_id": "t1_c5", '
    '"link_id": "t3_p2", "author": "gus", "created_utc": 1600000420}',
]


@pytest.mark.parametrize("block", [1, 7])
def test_reddit_in_tiny_pieces(tmp_path, tiny, block):
    path = _write(tmp_path, "town.ndjson", _lines(*REDDIT))
    whole = read(path)
    tiny(block=block)
    pieces = read(path)
    _same(whole, pieces)
    assert pieces.format == "reddit" and pieces.notes == whole.notes == []
    kept = pieces.comments
    assert table_values(kept, ["comment_id", "parent_id", "thread_id", "kind", "author", "source_row"]) == [
        ["t3_p1", None, "t3_p1", "post", "ann", 1],
        ["t1_c1", "t3_p1", "t3_p1", "comment", "bob", 2],
        # c2 (line 4) was deleted: its reply c3 now hangs from c2's parent, the post
        ["t1_c3", "t3_p1", "t3_p1", "reply", "cat", 5],
        ["t1_c4", "t1_c1", "t3_p1", "reply", "dan", 6],
        ["t3_p2", None, "t3_p2", "post", "eve", 8],
        ["t1_c5", "t3_p2", "t3_p2", "comment", "fay", 9],
        ["t1_c6", "t1_c5", "t3_p2", "reply", "gus", 10],
    ]
    assert kept["text"].iloc[3] == "Seconded & the caf\u00e9 should open too."
    assert kept["text"].iloc[6] == "Route 12 as well \u2013 it is always full."
    # 1600000000 s is 2020-09-13 12:26:40 UTC; one minute more for each later record
    assert [str(t) for t in kept["created_at"]] == [
        f"2020-09-13 12:{m}:40+00:00" for m in (26, 27, 29, 30, 31, 32, 33)
    ]
    assert kept["votes_up"].isna().tolist() == [True, True, True, False, True, True, True]
    assert kept["votes_up"].iloc[3] == 4
    assert table_values(pieces.exclusions, ["record_id", "reason", "source_row", "detail"]) == [
        ["t1_c2", "deleted", 4, "body [deleted] on Reddit; its 1 direct reply now points to t3_p1"],
        ["t1_c1", "duplicate_record", 7, "the same id was already read on line 2"],
    ]


# the line after REDDIT's ten (line 11), the message after "row 11: "
BAD_REDDIT = [
    ('{"id": "c9", "body": }', "not a valid JSON line: Expecting value at column 22"),
    ('["c9"]', "expected a JSON object ({...}) on each line"),
    ('{"id": "c9", "body": "Talking to myself.", "parent_id": "t1_c9", "link_id": "t3_p1"}',
     "t1_c9 names itself as its parent"),
    ('{"id": "c9", "body": "Too early to say.", "parent_id": "t3_p1", "created_utc": "soon"}',
     "created_utc value 'soon' is not a time in seconds since 1970"),
]


@pytest.mark.parametrize(("line", "words"), BAD_REDDIT, ids=["invalid", "list", "own-parent", "bad-time"])
def test_a_bad_reddit_line_in_a_later_piece_is_named(tmp_path, tiny, line, words):
    path = _write(tmp_path, "town.ndjson", _lines(*REDDIT, line))
    whole = _error(path, format="reddit")
    tiny()
    pieces = _error(path, format="reddit")
    assert str(pieces) == str(whole)
    assert pieces.row == 11 and f"town.ndjson: row 11: {words}" in str(pieces)


@pytest.mark.parametrize("block", [None, 1, 7, 10_000])
def test_text_neither_utf8_nor_cp1252_names_the_line_cp1252_fails_on(tmp_path, monkeypatch, block):
    # line 2 holds 0xe9 (not UTF-8 here, but "é" in Windows-1252); line 3 holds 0x81, which no
    # Windows-1252 character is: line 3 is where the text cannot be decoded
    path = _write(tmp_path, "mixed.csv", b"id,text\n1,caf\xe9\n2,bad \x81 byte\n")
    if block is not None:
        monkeypatch.setattr(_stream, "BLOCK_BYTES", block)
        monkeypatch.setattr(tabular, "BLOCK_BYTES", block)
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.row == 3
    assert err.value.reason == ("cannot decode the text: byte 0x81 is not Windows-1252, and the file is not UTF-8 "
                                "either (byte 0xe9 on line 2); give its encoding (--encoding, or encoding: in the run "
                                "configuration)")
    with pytest.raises(InputError) as whole:
        decode_text(path.read_bytes(), encoding=None, source=str(path))
    assert str(whole.value) == str(err.value)
