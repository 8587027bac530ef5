"""Tests for the ``consul`` reader (Consul / Decidim comment exports). Expected values worked out by hand
from tests/fixtures/ingest/consul-*.csv (invented data); real-data counts from SOURCE.txt and the csv module."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.errors import InputError
from helpers.ingest import consul, detect_format  # noqa: F401  (importing registers the reader)
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FIXTURES, SETTINGS, read_raw, table_values

DECIDE = FIXTURES / "consul-decide.csv"
DECIDIM = FIXTURES / "consul-decidim.csv"


def test_decide_fixture_threads():
    r = read_raw(DECIDE)
    assert r.format == "consul"
    assert table_values(r.comments, ["comment_id", "parent_id", "thread_id", "kind", "author", "source_row"]) == [
        ["10", None, "7", "comment", "100", 2],
        ["11", "10", "7", "reply", "101", 3],
        ["12", None, "7", "comment", "102", 4],  # no text, but 13 replies to it: kept
        ["13", "12", "7", "reply", "103", 5],
        ["15", None, "8", "reply", "105", 8],  # its parent 99 is not in the file
        ["16", "13", "7", "reply", "100", 9],
    ]
    assert r.comments["text"].tolist() == [
        "Primer comentario", "Respuesta", "", "Respuesta a un\ncomentario vacío", "Respuesta huérfana", "Otra",
    ]
    assert table_values(r.exclusions, ["record_id", "reason", "source_row"]) == [["14", "blank", 7]]
    assert r.comments["votes_up"].tolist() == [2, 0, 0, 1, 0, 0]
    assert r.comments["votes_down"].tolist() == [1, 0, 0, 0, 0, 1]
    assert any("1 replies answer comments that are not in the file" in n for n in r.notes)
    assert r.records_read == 7


def test_decide_fixture_madrid_time():
    r = read_raw(DECIDE)
    # CET (UTC+1) in January and March before the change on 27 March 2016; CEST (UTC+2) after it
    assert [str(t) for t in r.comments["created_at"]] == [
        "2016-01-10 09:00:00+00:00",
        "2016-07-10 08:00:00+00:00",
        "2016-07-10 21:30:00+00:00",
        "2016-07-11 06:00:00+00:00",
        "2016-03-27 10:00:00+00:00",
        "2016-07-12 07:00:00+00:00",
    ]
    assert r.timezone == "Europe/Madrid"  # the briefing writes dates in Madrid's calendar


def test_plain_time_and_other_timezone(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("id,parentId,proposalId,userId,date,time,text\n1,-1,3,9,2020-02-01,10:15,Hola\n", encoding="utf-8")
    assert str(read_raw(p).comments["created_at"].iloc[0]) == "2020-02-01 09:15:00+00:00"
    assert str(read_raw(p, timezone="Europe/London").comments["created_at"].iloc[0]) == "2020-02-01 10:15:00+00:00"


def test_decidim_fixture():
    r = read_raw(DECIDIM)
    assert r.format == "consul"
    url = "https://example.org/processes/p/f/1/proposals/"
    assert table_values(r.comments, ["comment_id", "parent_id", "thread_id", "kind", "author", "text"]) == [
        ["1", None, url + "30", "comment", "5", "Good idea"],
        ["2", "1", url + "30", "reply", "6", "Agree with that"],
        ["3", None, url + "31", "comment", "7", "Different proposal"],
        ["4", "2", url + "30", "reply", "5", "Reply to the first reply"],
    ]
    assert str(r.comments["created_at"].iloc[0]) == "2021-05-01 08:00:00+00:00"
    assert not r.comments.astype(str).apply(lambda c: c.str.contains("Invented")).any().any()  # no names


def test_decidim_depth_only(tmp_path):
    rows = list(csv.reader(DECIDIM.open(encoding="utf-8", newline="")))
    drop = rows[0].index("commentable_type")
    p = tmp_path / "depth.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r[:drop] + r[drop + 1 :] for r in rows])
    r = read_raw(p, format="consul")
    assert r.comments["parent_id"].astype(object).where(r.comments["parent_id"].notna(), None).tolist() == [
        None, "1", None, "2",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,parentId,proposalId,text\n1,-1,7,a\n1,-1,7,b\n", "appears twice"),
        ("id,parentId,proposalId,text\n1,2,7,a\n2,1,7,b\n", "loop"),
        ("id,parentId,proposalId,text\n1,1,7,a\n", "itself"),
        ("id,parentId,proposalId,text\n1,-1,,a\n", "no proposal"),
        ("id,parentId,proposalId,text,numPositiveVotes\n1,-1,7,a,many\n", "whole number"),
        ("id,parentId,proposalId,date,time,text\n1,-1,7,2020-01-01,noon,a\n", "time of day"),
        ("id,proposalId,text\n1,7,a\n", "replies from comments"),
    ],
)
def test_bad_files(tmp_path, content, message):
    p = tmp_path / "c.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_raw(p, format="consul")


# ---------------------------------------------------------------------------------------------
# real data


def test_decide_madrid_comments():
    path = shared_corpus("decide-madrid-2019", "data", "comments.csv")
    r = read_raw(path)
    assert r.format == "consul"
    assert r.records_read == 5_633  # SOURCE.txt
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5_633
    # Independent count of the blank comments that must stay: walk up from every comment with text.
    parent = {row["id"]: row["parentId"] for row in rows}
    has_text = {row["id"] for row in rows if row["text"].strip()}
    needed = set()
    for cid in has_text:
        p = parent[cid]
        while p in parent and p not in needed:
            needed.add(p)
            p = parent[p]
    blank = {row["id"] for row in rows if not row["text"].strip()}
    assert len(blank) == 62  # SOURCE.txt
    assert set(r.exclusions["record_id"]) == blank - needed
    assert (r.exclusions["reason"] == "blank").all()
    assert (r.comments["text"] == "").sum() == len(blank & needed)
    # 2,970 replies per SOURCE.txt: kept replies plus excluded ones
    excluded_replies = sum(1 for row in rows if row["id"] in set(r.exclusions["record_id"]) and row["parentId"] != "-1")
    assert (r.comments["kind"] == "reply").sum() + excluded_replies == 2_970
    assert r.comments["thread_id"].nunique() == 80  # 80 proposals
    dangling = sum(1 for row in rows if row["parentId"] != "-1" and row["parentId"] not in parent)
    assert any(n.startswith(f"{dangling} replies answer comments") for n in r.notes)
    up = {row["id"]: int(row["numPositiveVotes"]) for row in rows}
    assert all(up[c] == v for c, v in zip(r.comments["comment_id"], r.comments["votes_up"], strict=True))


# ---------------------------------------------------------------------------------------------
# properties


def _check(path: Path):
    try:
        r = read_raw(path, format="consul")
    except InputError:
        return
    assert r.records_read == len(r.comments) + len(r.exclusions)


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "c.csv"
        p.write_bytes(data)
        _check(p)


@SETTINGS
@given(
    st.sampled_from([DECIDE, DECIDIM]),
    st.integers(min_value=0, max_value=700),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(["", ",", '"', "\n", "-1", "13", "x", "\u00e9", "0 days", " days ", " "]),
)
def test_mutated_fixture(fixture, start, length, insert):
    data = fixture.read_bytes()
    start = min(start, len(data))
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "c.csv"
        p.write_bytes(data[:start] + insert.encode("utf-8") + data[start + length :])
        _check(p)
