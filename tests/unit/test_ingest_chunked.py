"""Large files are read a block and a chunk of records at a time: the answer is the same as one read.

Every table is read twice, once in one piece (blocks and chunks far larger than the file) and once in
tiny pieces (a few bytes decoded at a time, two records parsed at a time), and the two must be
identical: the same ids in the same order, the same exclusions with the same reasons and lines, the
same error naming the same line. Expected values are worked out by hand from the invented files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.ingest import _stream, read, tabular
from helpers.ingest._stream import read_streamed
from helpers.ingest._text import decode_text

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
    ("duplicate-id.csv", "id,text\n" + "".join(f"{i},{LONG}\n" for i in range(1, 6)) + f"2,{LONG}\n",
     7, "id '2' is used twice (first on line 3)"),
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


def test_neither_utf8_nor_windows_1252_names_the_first_bad_byte(tmp_path, tiny):
    content = "id,text\n1,caf\u00e9\n".encode("cp1252") + b"".join(b"%d,%s\n" % (i, LONG.encode()) for i in range(2, 6))
    content += b"6,\x81 here\n"
    path = _write(tmp_path, "bad-bytes.csv", content)
    whole = _error(path)
    tiny()
    pieces = _error(path)
    assert str(pieces) == str(whole)
    assert pieces.row == 2 and "byte 0xe9" in str(pieces)  # the first byte that is not UTF-8


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
