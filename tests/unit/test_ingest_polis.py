"""Tests for the ``polis`` reader. Expected values worked out by hand from tests/fixtures/ingest/polis-mini/
(invented data); real-data counts from the csv module and INVENTORY.tsv of the shared Polis corpus."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.errors import InputError
from helpers.ingest import detect_format, polis  # noqa: F401  (importing registers the reader)
from helpers.ingest import read as _read_clean
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FIXTURES, SETTINGS, read_raw, table_values

MINI = FIXTURES / "polis-mini"


def _copy(tmp_path: Path, *names: str) -> Path:
    d = tmp_path / "conv-x"
    d.mkdir()
    for name in names:
        shutil.copy(MINI / name, d / name)
    return d


def test_fixture_comments_and_exclusions():
    r = read_raw(MINI)
    assert r.format == "polis"
    assert table_values(
        r.comments, ["comment_id", "parent_id", "thread_id", "author", "kind", "text", "source_row", "votes_up", "votes_down"]
    ) == [
        ["0", None, "polis-mini", "0", "comment", "More buses in the evening", 2, 3, 1],
        ["2", None, "polis-mini", "1", "comment", "Cycle lanes,\nplease", 4, 1, 1],  # moderated 0 is kept
    ]
    assert [str(t) for t in r.comments["created_at"]] == ["2017-07-14 02:40:00+00:00", "2017-07-14 02:42:00+00:00"]
    assert set(r.comments["source"]) == {str(MINI / "comments.csv")}
    assert table_values(r.exclusions, ["record_id", "reason", "source_row"]) == [
        ["1", "moderated_out", 3],
        ["3", "blank", 6],
    ]
    assert "moderated=-1" in r.exclusions["detail"].iloc[0]
    assert r.records_read == 4
    # the conversation's topic, from summary.csv, is what the source says it is about
    assert r.title == "Evening transport in an invented town" and r.summary()["title"] == r.title


def test_fixture_votes_and_respondents():
    r = read_raw(MINI)
    assert table_values(r.votes, ["comment_id", "voter_id", "vote", "source_row"]) == [
        ["0", "0", 1, 2],
        ["0", "1", -1, 3],
        ["1", "2", 0, 4],  # a vote on a rejected statement stays
        ["2", "2", 1, 5],
    ]
    assert str(r.votes["created_at"].iloc[0]) == "2017-07-14 02:43:20+00:00"
    assert any("1 votes are on statements the moderator rejected" in n for n in r.notes)
    assert table_values(r.respondents, ["respondent_id", "external_group", "source_row"]) == [
        ["0", "0", 2],
        ["1", None, 3],
        ["2", "1", 4],
    ]


def test_votes_from_the_wide_matrix_when_votes_csv_is_missing(tmp_path):
    d = _copy(tmp_path, "comments.csv", "participants-votes.csv")
    r = read_raw(d)
    assert table_values(r.votes, ["comment_id", "voter_id", "vote", "source_row"]) == [
        ["0", "0", 1, 2],
        ["0", "1", -1, 3],
        ["1", "2", 0, 4],
        ["2", "2", 1, 4],
    ]
    assert r.votes["created_at"].isna().all()
    assert any("participants-votes.csv matrix" in n for n in r.notes)
    assert r.votes["source"].iloc[0] == str(d / "participants-votes.csv")


def test_votes_on_statements_missing_from_comments_csv_are_noted_not_loaded(tmp_path):
    # the mini fixture's votes, plus (rows 6-8) two votes on statement 99 and one by voter 7, who has no
    # row in participants-votes.csv; statement 3 (blank text, excluded) is a statement of comments.csv
    d = _copy(tmp_path, "comments.csv", "participants-votes.csv", "votes.csv")
    with open(d / "votes.csv", "a") as fh:
        fh.write("1500000204000,x,99,0,1\n1500000205000,x,99,1,-1\n1500000206000,x,3,7,1\n")
    r = read_raw(d)
    assert table_values(r.votes, ["comment_id", "voter_id", "source_row"]) == [
        ["0", "0", 2], ["0", "1", 3], ["1", "2", 4], ["2", "2", 5], ["3", "7", 8]]
    assert ("2 vote(s) in votes.csv on 1 statement id(s) that comments.csv does not hold ('99') were not loaded: "
            "there is no statement to analyse them with (first on row 6)") in r.notes
    assert ("1 voter(s) in votes.csv have no row in participants-votes.csv ('7'): their votes are kept, and "
            "their Polis group is unknown") in r.notes
    assert r.records_read == 4  # the statements; votes are not records


def test_wide_matrix_columns_missing_from_comments_csv_are_noted_not_loaded(tmp_path):
    d = _copy(tmp_path, "comments.csv")
    (d / "participants-votes.csv").write_text("participant,group-id,n-votes,0,55\n0,0,2,1,1\n1,0,1,,-1\n")
    r = read_raw(d)
    assert table_values(r.votes, ["comment_id", "voter_id", "vote"]) == [["0", "0", 1]]
    assert any(n.startswith("2 vote(s) in participants-votes.csv on 1 statement id(s) that comments.csv does not "
                            "hold ('55') were not loaded") for n in r.notes)


def test_no_vote_files_is_a_note_not_an_error(tmp_path):
    r = read_raw(_copy(tmp_path, "comments.csv"))
    assert r.votes is None and r.respondents is None
    assert r.notes == ["votes.csv and participants-votes.csv are missing: no votes loaded"]
    assert len(r.comments) == 2
    assert r.title == ""  # no summary.csv: no topic


def test_comments_file_reads_its_folder():
    r = read_raw(MINI / "comments.csv")
    assert r.format == "polis" and len(r.votes) == 4
    assert detect_format(MINI) == "polis"
    assert detect_format(MINI / "comments.csv") == "polis"


def test_newer_header_without_datetime(tmp_path):
    d = tmp_path / "newer"
    d.mkdir()
    (d / "comments.csv").write_text(
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,group-informed-consensus,comment-body\n"
        "1726860676783,2,0,57,0,1,false,true,0.68,Keep the park\n",
        encoding="utf-8",
    )
    r = read_raw(d)
    assert table_values(r.comments, ["comment_id", "text", "votes_up"]) == [["2", "Keep the park", 57]]
    assert str(r.comments["created_at"].iloc[0]) == "2024-09-20 19:31:16.783000+00:00"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("comments.csv", "timestamp,comment-id,comment-body\n1,2,x\n", "lacks author-id"),
        ("comments.csv", "timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,0,0,x,0,1,a\n", "agrees"),
        ("comments.csv", "timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,0,0,0,0,2,a\n", "moderated"),
        ("comments.csv", "timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,0,0,0,0,1,a\n1,0,0,0,0,1,b\n", "twice"),
        ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,5\n", "vote"),
    ],
)
def test_bad_files_are_input_errors(tmp_path, name, content, message):
    d = _copy(tmp_path, *(n for n in ("comments.csv",) if n != name))
    (d / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_raw(d, format="polis")


def test_folder_without_comments(tmp_path):
    with pytest.raises(InputError, match="no comments.csv"):
        read_raw(tmp_path, format="polis")


# ---------------------------------------------------------------------------------------------
# real data


def _csv_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        return sum(1 for row in csv.reader(fh) if row) - 1  # data rows, without the header


def test_every_shared_conversation():
    root = shared_corpus("polis-opendata")
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    assert len(folders) == 20  # per SOURCE.txt
    total = 0
    for d in folders:
        r = read_raw(d)
        expected = _csv_rows(d / "comments.csv")
        assert r.records_read == len(r.comments) + len(r.exclusions) == expected, d.name
        with open(d / "comments.csv", encoding="utf-8", newline="") as fh:
            rejected = sum(1 for row in csv.DictReader(fh) if row["moderated"] == "-1")
        assert (r.exclusions["reason"] == "moderated_out").sum() == rejected, d.name
        total += expected
        if (d / "votes.csv").exists():
            assert len(r.votes) == _csv_rows(d / "votes.csv"), d.name
        elif (d / "participants-votes.csv").exists():
            assert r.votes["created_at"].isna().all()
        else:
            assert r.votes is None
            assert "votes.csv and participants-votes.csv are missing: no votes loaded" in r.notes
        if (d / "participants-votes.csv").exists():
            assert len(r.respondents) == _csv_rows(d / "participants-votes.csv"), d.name
    assert total == 11_082  # SOURCE.txt


def test_brexit_consensus_against_source_txt():
    r = read_raw(shared_corpus("polis-opendata", "brexit-consensus"))
    assert (len(r.comments), len(r.exclusions), len(r.votes)) == (50, 0, 5_312)  # SOURCE.txt / INVENTORY.tsv
    assert r.votes["voter_id"].nunique() == 204
    assert r.title == "Can there be consensus on Brexit?"  # summary.csv's topic row


# ---------------------------------------------------------------------------------------------
# properties


def _check(folder: Path):
    try:
        r = read_raw(folder, format="polis")
    except InputError:
        return
    assert r.records_read == len(r.comments) + len(r.exclusions)


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_comments_csv(data):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "comments.csv").write_bytes(data)
        _check(d)


@SETTINGS
@given(
    st.sampled_from(["comments.csv", "votes.csv", "participants-votes.csv"]),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(["", ",", '"', "\n", "-1", "x", "\x00", "\u00e9", "99999999999999999999", " "]),
)
def test_mutated_fixture(name, start, length, insert):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "conv"
        shutil.copytree(MINI, d)
        data = (d / name).read_bytes()
        start = min(start, len(data))
        (d / name).write_bytes(data[:start] + insert.encode("utf-8") + data[start + length :])
        _check(d)


def test_invariant_holds_after_the_cleaning_stage():
    r = _read_clean(shared_corpus("polis-opendata", "london.youth.policing"))
    assert r.records_read == 39  # INVENTORY.tsv
    assert (r.exclusions["reason"] == "moderated_out").sum() == 3
