import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.tables import read_json, read_table, write_json, write_table


def test_parquet_round_trip_keeps_dtypes(tmp_path):
    df = pd.DataFrame({"a": pd.Series(["x", None], dtype="string"), "n": pd.Series([1, None], dtype="Int64")})
    write_table(df, tmp_path / "t.parquet")
    back = read_table(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(back, df)


def test_parquet_bytes_are_deterministic(tmp_path):
    df = pd.DataFrame({"a": ["x", "y"], "n": [1, 2]})
    write_table(df, tmp_path / "1.parquet")
    write_table(df, tmp_path / "2.parquet")
    assert (tmp_path / "1.parquet").read_bytes() == (tmp_path / "2.parquet").read_bytes()


def test_csv_written_with_unix_newlines(tmp_path):
    write_table(pd.DataFrame({"a": ["x,y"]}), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == b'a\n"x,y"\n'


def test_unknown_suffix_is_a_user_error(tmp_path):
    with pytest.raises(InputError, match="unsupported table type '.xls'"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.xls")


def test_failed_write_leaves_nothing(tmp_path):
    class Boom(pd.DataFrame):
        def to_csv(self, *a, **k):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_table(Boom({"a": [1]}), tmp_path / "t.csv")
    assert list(tmp_path.iterdir()) == []


def test_json_is_sorted_and_stable(tmp_path):
    write_json({"b": 1, "a": [1, 2]}, tmp_path / "x.json")
    assert (tmp_path / "x.json").read_text() == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'
    assert read_json(tmp_path / "x.json") == {"a": [1, 2], "b": 1}


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")


def test_json_writes_nan_as_null(tmp_path):
    write_json({"k": [{"stability": float("nan")}, {"stability": 0.5}]}, tmp_path / "x.json")
    assert read_json(tmp_path / "x.json") == {"k": [{"stability": None}, {"stability": 0.5}]}


def test_outputs_get_ordinary_permissions(tmp_path):
    import os
    old = os.umask(0o022)
    try:
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    finally:
        os.umask(old)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "name, content, row, words",
    [
        ("t.csv", b"", None, "the file is empty"),
        ("t.csv", b"comment_id,text\n1,caf\xc3\xa9\n2,caf\xe9 au lait\n", 3,
         "the table is not UTF-8 text (byte 0xe9 cannot be decoded)"),
        ("t.csv", b"comment_id,text\n1,a\n2,b,c\n", 3, "cannot read the file as a CSV table"),
        ("t.parquet", b"", None, "cannot read the file as a Parquet table"),
        ("t.parquet", b"PAR1 not really", None, "cannot read the file as a Parquet table"),
    ],
)
def test_unreadable_tables_are_one_line_user_errors(tmp_path, name, content, row, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_table(path)
    assert (err.value.path, err.value.row) == (str(path), row)
    assert words in err.value.reason and "\n" not in str(err.value)


def test_truncated_parquet_is_a_user_error(tmp_path):
    whole = tmp_path / "whole.parquet"
    write_table(pd.DataFrame({"a": ["x"] * 100}), whole)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputError, match="cannot read the file as a Parquet table") as err:
        read_table(cut)
    assert err.value.path == str(cut)


def test_output_folder_that_cannot_be_created_is_a_user_error(tmp_path):
    (tmp_path / "a-file").write_text("")
    target = tmp_path / "a-file" / "sub" / "t.csv"
    with pytest.raises(InputError) as err:
        write_table(pd.DataFrame({"a": [1]}), target)
    assert err.value.path == str(target)
    assert err.value.reason == f"cannot create the output folder: {tmp_path / 'a-file'} is a file, not a folder"
    assert (tmp_path / "a-file").read_text() == ""


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_output_under_proc_is_a_user_error():
    with pytest.raises(InputError, match="cannot create the output folder /proc/nope: No such file or directory"):
        write_json({}, "/proc/nope/x.json")


def test_output_that_is_a_folder_or_a_full_disk_is_a_user_error(tmp_path):
    import errno

    (tmp_path / "t.csv").mkdir()
    with pytest.raises(InputError, match="cannot write the output: Is a directory") as err:
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    assert err.value.path == str(tmp_path / "t.csv")

    class Full(pd.DataFrame):
        def to_csv(self, *a, **k):
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(InputError, match="cannot write the output: No space left on device"):
        write_table(Full({"a": [1]}), tmp_path / "u.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]  # the temporary file is gone
