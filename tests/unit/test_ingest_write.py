"""Tests for helpers.ingest.write_result: round trips, the exclusions file, all-or-nothing writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import helpers.ingest.core as core
from helpers.errors import InputError
from helpers.ingest import IngestResult, read, write_result
from helpers.paths import project_root
from helpers.schema import EXCLUSION_COLUMNS, validate_comments, validate_votes
from helpers.tables import read_table
from tests.unit.ingest_support import FIXTURES

PAGE = project_root() / "data" / "raw" / "obama-toolkit" / "page.txt"


@pytest.fixture(scope="module")
def page():
    return read(PAGE)


def test_csv_round_trip(tmp_path, page):
    paths = write_result(page, tmp_path / "out" / "comments.csv")
    assert paths == {
        "comments": tmp_path / "out" / "comments.csv",
        "exclusions": tmp_path / "out" / "comments.exclusions.csv",
    }
    back = read_table(paths["comments"])
    back["created_at"] = pd.to_datetime(back["created_at"], utc=True)
    pd.testing.assert_frame_equal(validate_comments(back), page.comments, check_dtype=False)
    assert back["text"].tolist() == page.comments["text"].tolist()  # emoji, quotes, newlines intact
    excl = read_table(paths["exclusions"])
    assert excl["record_id"].tolist() == ["comment-form"]


def test_csv_output_reads_back_through_the_csv_reader(tmp_path, page):
    """Columns named like the data model's are picked up again: the output is a valid input."""
    out = write_result(page, tmp_path / "comments.csv")["comments"]
    again = read(out)
    keep = ["comment_id", "parent_id", "thread_id", "kind", "text", "title"]
    pd.testing.assert_frame_equal(again.comments[keep], page.comments[keep])


def test_parquet_round_trip(tmp_path, page):
    paths = write_result(page, tmp_path / "comments.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(paths["comments"]), page.comments, check_dtype=False)
    assert paths["exclusions"].name == "comments.exclusions.parquet"


def test_exclusions_file_is_written_even_when_empty(tmp_path):
    result = read(FIXTURES / "bom_crlf.csv")
    assert len(result.exclusions) == 0
    paths = write_result(result, tmp_path / "c.csv")
    assert paths["exclusions"].read_text(encoding="utf-8") == ",".join(EXCLUSION_COLUMNS) + "\n"


def test_votes_and_respondents_are_written_when_present(tmp_path, page):
    votes = validate_votes(
        pd.DataFrame(
            {
                "comment_id": ["r1"],
                "voter_id": ["p1"],
                "vote": [1],
                "created_at": [pd.NaT],
                "source": ["v.csv"],
                "source_row": [2],
            }
        )
    )
    result = IngestResult(page.comments, page.exclusions, page.source, page.format, votes=votes)
    paths = write_result(result, tmp_path / "c.csv")
    assert sorted(paths) == ["comments", "exclusions", "votes"]
    assert paths["votes"].name == "c.votes.csv"
    assert read_table(paths["votes"])["voter_id"].tolist() == ["p1"]


def test_a_bug_while_writing_is_not_disguised(tmp_path, page, monkeypatch):
    def buggy(df, path):
        raise KeyError("a bug")

    monkeypatch.setattr(core, "write_table", buggy)
    with pytest.raises(KeyError):
        write_result(page, tmp_path / "comments.csv")
    assert list(tmp_path.iterdir()) == []


def test_unsupported_suffix_writes_nothing(tmp_path, page):
    with pytest.raises(InputError, match="unsupported table type '.xlsx'"):
        write_result(page, tmp_path / "c.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fail_on_call", [1, 2])
def test_a_failing_write_leaves_no_file(tmp_path, page, monkeypatch, fail_on_call):
    real = core.write_table
    calls = []

    def flaky(df, path):
        calls.append(path)
        if len(calls) == fail_on_call:
            Path(path).write_text("half a tab")  # as if the disk filled up half way
            raise OSError("No space left on device")
        return real(df, path)

    monkeypatch.setattr(core, "write_table", flaky)
    with pytest.raises(InputError, match="cannot write the output: No space left") as err:
        write_result(page, tmp_path / "comments.csv")
    expected = "comments.csv" if fail_on_call == 1 else "comments.exclusions.csv"
    assert Path(err.value.path).name == expected
    assert list(tmp_path.iterdir()) == []  # neither the tables nor any temporary file


def test_a_failing_write_keeps_the_previous_outputs(tmp_path, page, monkeypatch):
    paths = write_result(page, tmp_path / "comments.csv")
    before = {p: p.read_bytes() for p in paths.values()}

    def broken(df, path):
        raise OSError("disk error")

    monkeypatch.setattr(core, "write_table", broken)
    with pytest.raises(InputError, match="disk error"):
        write_result(read(FIXTURES / "semicolon.csv"), tmp_path / "comments.csv")
    assert {p: p.read_bytes() for p in paths.values()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comments.csv", "comments.exclusions.csv"]
