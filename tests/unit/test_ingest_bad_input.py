"""Bad input through the command line: ``python -m helpers ingest FILE --out OUT``.

Every case ends one of two ways, and never with a traceback:

- exit code 2, exactly one line on stderr naming the file (and the row, where there is one), and no
  output file left behind (not even a staged one); or
- exit code 0 with a correct table.

All inputs are invented and written into ``tmp_path`` by the tests.
"""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from helpers.cli import main
from helpers.ingest import read

LONG = "The council should keep the library open on Saturdays for working families."


def _random_binary() -> bytes:
    rng = random.Random(20240501)
    return b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(rng.randrange(256) for _ in range(4000))


# name, file content, expected row in the error (None: no row; "any": a row or none)
ERRORS = [
    # A hand-made truncated XML export. If an XML reader claims it, it names the line where parsing
    # stopped; if none does, the file is "in no format I know". Either is one line and exit 2.
    ("truncated.xml",
     b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n<item>\n<title>Plan</title>\n'
     b"<description>Our plan for the high str", "any"),
    ("colon.csv", f"id:text\n1:{LONG}\n2:Fine\n".encode(), None),  # a delimiter no reader knows
    ("empty.csv", b"", None),
    ("spaces.csv", b"  \n\n\t\n", None),
    ("binary.csv", _random_binary(), "any"),
    ("control-bytes.dat", bytes(range(1, 256)) * 20, None),  # no NUL, but no format either
    ("bad-byte.csv", f"id,text\n1,{LONG}\n2,a \x81 byte\n".encode("latin-1"), 3),  # neither UTF-8 nor cp1252
    ("duplicate-ids.csv", f"id,text\n1,{LONG}\n2,Second\n1,Again\n".encode(), 4),
    ("unclosed-quote.csv", f'id,text\n1,"{LONG}\n2,Fine\n'.encode(), 2),
    ("ragged.csv", f"id,text\n1,{LONG}\n2,one,two,three\n".encode(), 3),
    ("bad-line.jsonl", b'{"id": 1, "text": "fine"}\n{"id": 2, "text": "broken\n{"id": 3, "text": "x"}\n', 2),
    ("truncated.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml xl/work", None),
    ("date-out-of-range.csv", f"id,text,created_at\n1,{LONG},2021-01-01\n2,{LONG}!,9999-01-01\n".encode(), 3),
]


@pytest.mark.parametrize(("name", "content", "row"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, name, content, row):
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "out" / "comments.parquet"
    code = main(["ingest", str(source), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2, captured
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"error: {source}: "), lines[0]
    assert "Traceback" not in captured.err
    if row == "any":  # random bytes: a row may or may not be nameable, but the line keeps its shape
        assert re.match(rf"error: {re.escape(str(source))}: (row \d+: )?\S", lines[0]), lines[0]
    elif row is None:
        assert ": row " not in lines[0]
    else:
        assert f": row {row}: " in lines[0]
    assert not out.parent.exists() or not any(out.parent.iterdir())  # nothing written, nothing staged
    assert captured.out == ""


def test_a_folder_no_reader_knows(tmp_path, capsys):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "notes.md").write_text("nothing to see", encoding="utf-8")
    code = main(["ingest", str(folder), "--out", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith(f"error: {folder}: ")
    assert not (tmp_path / "out.csv").exists()


def _ok(tmp_path, capsys, name, content, suffix=".parquet"):
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "out" / f"comments{suffix}"
    code = main(["ingest", str(source), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    read_back = pd.read_parquet if suffix == ".parquet" else pd.read_csv
    return read_back(out), read_back(out.with_name(f"comments.exclusions{suffix}")), captured.out


def test_invalid_utf8_falls_back_to_cp1252(tmp_path, capsys):
    # "café" and "£" written by a Windows program: not UTF-8, but valid Windows-1252.
    content = f"id,text\n1,{LONG}\n2,Le café coûte £3 – trop cher\n".encode("cp1252")
    comments, exclusions, out = _ok(tmp_path, capsys, "windows.csv", content)
    assert comments["text"].tolist() == [LONG, "Le café coûte £3 – trop cher"]
    assert exclusions.empty
    assert "read 2 records = 2 kept + 0 excluded" in out


def test_wrong_delimiter_in_one_row_is_an_error_naming_it(tmp_path, capsys):
    # Row 3 uses ";" where the header uses ",": one field where two are expected. Guessing which field
    # is missing would invent data, so the row is named instead.
    content = f"id,text\n1,{LONG}\n2;Second answer\n".encode()
    source = tmp_path / "mixed.csv"
    source.write_bytes(content)
    code = main(["ingest", str(source), "--out", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"error: {source}: row 3: this row has 1 field(s) but the header has 2")
    assert not (tmp_path / "out.csv").exists()


def test_a_whole_file_with_the_wrong_delimiter_is_an_error(tmp_path, capsys):
    source = tmp_path / "semicolons.csv"
    source.write_bytes(f"id,text\n1;{LONG}\n2;Second answer\n".encode())
    code = main(["ingest", str(source), "--out", str(tmp_path / "out.csv")])
    assert code == 2 and ": row 2: " in capsys.readouterr().err


def test_only_non_answers_is_a_correct_empty_table(tmp_path, capsys):
    comments, exclusions, out = _ok(tmp_path, capsys, "none.csv", b"id,text\n1,N/A\n2,-\n3,No comment\n", ".csv")
    assert comments.empty
    assert exclusions[["record_id", "reason"]].values.tolist() == [[1, "non_answer"], [2, "non_answer"],
                                                                    [3, "non_answer"]]
    assert "0 kept + 3 excluded (non_answer 3)" in out


def test_dates_in_the_future_are_kept_and_noted(tmp_path, capsys):
    content = (f"id,text,created_at\n1,{LONG},2021-01-01 10:00\n2,{LONG} Please.,2200-01-01 00:00\n"
               f"3,{LONG} Really.,2201-06-30 12:00\n").encode()
    comments, exclusions, _ = _ok(tmp_path, capsys, "future.csv", content)
    assert comments["comment_id"].tolist() == ["1", "2", "3"] and exclusions.empty
    assert str(comments["created_at"].iloc[1]) == "2200-01-01 00:00:00+00:00"
    # The note (not printed by the command line) is in the result and its JSON summary; it never
    # contains the time of reading, so it is the same on every run.
    result = read(tmp_path / "future.csv")
    note = "2 dates are in the future (later than the time of reading); kept as given"
    assert result.notes == [note] and result.summary()["notes"] == [note]
    assert result.cleaning["future_dates"] == 2


def test_utf16_with_a_byte_order_mark(tmp_path, capsys):
    comments, _, _ = _ok(tmp_path, capsys, "utf16.csv", f"id,text\n1,{LONG}\n".encode("utf-16"))
    assert comments["text"].tolist() == [LONG]


def test_a_50_megabyte_comment(tmp_path, capsys):
    size = 50_000_000
    unit = "The library matters to families, students and older people alike. "
    text = (unit * (size // len(unit) + 1))[: size - 1] + "."
    assert len(text) == size
    # Timings belong in bench/, not in assertions: this test taking seconds, not minutes, is the check
    # (every step on the read path is linear: pandas' C parser, Arrow string kernels, RE2).
    comments, exclusions, out = _ok(tmp_path, capsys, "huge.csv", f'id,text\n1,"{text}"\n2,{LONG}\n'.encode())
    assert comments["text"].str.len().tolist() == [size, len(LONG)]
    assert comments["text"].iloc[0] == text
    assert comments["source_row"].tolist() == [2, 3]
    assert comments["language"].tolist() == ["en", "en"]
    assert exclusions.empty
    assert "read 2 records = 2 kept + 0 excluded" in out


@pytest.mark.parametrize("options, words", [
    ({"timezone": "Mars/Base"}, "unknown timezone 'Mars/Base'"),  # checked though the file has no dates
    ({"text_column": 5}, "text_column must be text, not 5 (int)"),
    ({"id_column": 5}, "id_column must be text, not 5 (int)"),
    ({"encoding": 5}, "encoding must be text, not 5 (int)"),
    ({"columns": {"author": 3}}, "columns['author'] must be text, not 3 (int)"),
])
def test_reader_options_of_the_wrong_type_are_config_errors(tmp_path, options, words):
    from helpers.errors import ConfigError

    source = tmp_path / "t.csv"
    source.write_text(f"id,text\n1,{LONG}\n")
    with pytest.raises(ConfigError) as err:
        read(source, **options)
    assert err.value.path == str(source) and words in err.value.reason


def test_an_unknown_timezone_on_the_command_line_is_one_line(tmp_path, capsys):
    source = tmp_path / "t.csv"
    source.write_text(f"id,text\n1,{LONG}\n")
    assert main(["ingest", str(source), "--timezone", "Mars/Base", "--out", str(tmp_path / "o.csv")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {source}: unknown timezone 'Mars/Base'; use an IANA name such as 'Europe/London'"]
