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
