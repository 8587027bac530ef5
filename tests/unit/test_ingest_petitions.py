"""Tests for the ``petitions`` reader. Expected values worked out by hand from
tests/fixtures/ingest/petition-*.json (invented petitions) and, for the real data, from SOURCE.txt and
counts made here with the json module."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.errors import InputError
from helpers.ingest import (
    detect_format,
    petitions,  # noqa: F401  (registers the reader)
    read,
)
from helpers.schema import analysable, validate_comments, validate_exclusions
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FEWER, FIXTURES, SETTINGS, check_bytes, check_read, edited, table_values

SINGLE = FIXTURES / "petition-single.json"
FEED = FIXTURES / "petition-feed.json"


def test_single_petition():
    result = read(SINGLE)
    assert result.format == "petitions"
    c = result.comments
    assert table_values(
        c, ["comment_id", "parent_id", "thread_id", "author", "kind", "source_row", "votes_up"]
    ) == [["900001", None, "900001", None, "petition", 1, 10234]]
    assert c["title"].tolist() == ["Fund a bench in every village green"]
    assert c["text"].tolist() == [
        "Older residents need somewhere to rest & talk.\n\nBenches cost little.\n\nThey last for decades."
    ]
    assert c["url"].tolist() == ["https://petition.parliament.uk/petitions/900001"]
    assert [str(t) for t in c["created_at"]] == ["2016-05-23 23:39:38.957000+00:00"]
    # the count is a snapshot: when it was taken, whether signing was still open, and how many signed
    # from outside the UK (France's 34; GB's 10,200 are the UK's)
    assert [str(t) for t in c["counted_at"]] == ["2016-06-27 00:24:58+00:00"]
    assert c["status"].tolist() == ["open"] and c["votes_up_outside_uk"].tolist() == [34]
    assert result.records_read == 1  # signatures are not contributions
    assert "Invented Creator" not in c.astype(str).to_string()
    assert result.notes and "not read" in result.notes[0]
    assert analysable(c).tolist() == [True]  # a member of the public wrote it: analysed like a comment
    assert result.timezone == "Europe/London"  # Parliament's calendar, in which the briefing writes dates


def test_dates_without_a_zone_are_uk_time_unless_the_caller_names_another(tmp_path):
    # 10:00 on 1 June 2016 in London is 09:00 UTC (BST); in Taipei (UTC+8) it is 02:00 UTC
    p = tmp_path / "feed.json"
    p.write_text(json.dumps([{"_about": "http://example.org/r/1", "identifier": {"_value": "7"},
                              "created": {"_value": "2016-06-01T10:00:00"}, "label": {"_value": "Plant trees"},
                              "numberOfSignatures": 12, "status": "open"}]), encoding="utf-8")
    assert [str(t) for t in read(p).comments["created_at"]] == ["2016-06-01 09:00:00+00:00"]
    other = read(p, timezone="Asia/Taipei")
    assert [str(t) for t in other.comments["created_at"]] == ["2016-06-01 02:00:00+00:00"]
    assert other.timezone == "Asia/Taipei"


def test_feed():
    result = read(FEED)
    assert result.format == "petitions"
    c = result.comments
    assert table_values(c, ["comment_id", "thread_id", "kind", "source_row", "votes_up", "url"]) == [
        ["900010", "900010", "petition", 1, 150, "http://data.parliament.uk/resources/100001"],
        ["900011", "900011", "petition", 2, 0, "http://data.parliament.uk/resources/100002"],
        ["900013", "900013", "petition", 6, None, "http://data.parliament.uk/resources/100004"],
    ]
    assert (
        c["title"].tolist()
        == c["text"].tolist()
        == [
            "Ban   noisy leaf blowers before 8am.",
            "Make the village fete a bank holiday",
            "Plant fruit trees in parks",
        ]
    )
    # 23:30 at +01:00 is 22:30 UTC; the last petition has no date
    assert [str(t) for t in c["created_at"]] == [
        "2016-01-02 10:00:00+00:00",
        "2015-12-31 22:30:00+00:00",
        "NaT",
    ]
    assert c["author"].isna().all()
    assert table_values(result.exclusions, ["record_id", "reason", "source_row", "detail"]) == [
        ["900010", "duplicate_record", 3, "petition 900010 was already read as record 1"],
        ["record-4", "malformed", 4, "the list element is not a petition object"],
        ["900012", "blank", 5, "the petition has no title or text"],
    ]
    assert result.records_read == 6


def test_api_list_page(tmp_path):
    page = {
        "links": {"self": "https://petition.parliament.uk/petitions.json"},
        "data": [
            {
                "type": "petition",
                "id": 1,
                "links": {"self": "https://petition.parliament.uk/petitions/1.json"},
                "attributes": {
                    "action": "Do A",
                    "background": "",
                    "additional_details": None,
                    "signature_count": 5,
                },
            },
            {
                "type": "archived-petition",
                "id": 2,
                "attributes": {"action": "Do B", "background": "Because."},
            },
            {"type": "comment", "id": 3, "attributes": {}},
        ],
    }
    p = tmp_path / "page.json"
    p.write_text(json.dumps(page), encoding="utf-8")
    result = read(p)
    # no background or details: the action is the text
    assert table_values(result.comments, ["comment_id", "title", "text", "votes_up", "url"]) == [
        ["1", "Do A", "Do A", 5, "https://petition.parliament.uk/petitions/1"],
        ["2", "Do B", "Because.", None, None],
    ]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [["3", "malformed", 3]]


@pytest.mark.parametrize(
    ("content", "message", "row"),
    [
        ('[{"identifier": {"_value": "1"},\n "label": ', "not valid JSON", 2),
        ('{"links": {}}', "not UK Parliament petitions JSON", 1),
        (
            '[{"identifier": {"_value": "1"}, "label": {"_value": "x"}, "numberOfSignatures": "lots"}]',
            "not a whole number",
            1,
        ),
        (
            '[{"identifier": {"_value": "1"}, "label": {"_value": "x"}, "created": {"_value": "soon"}}]',
            "cannot read created value 'soon'",
            1,
        ),
    ],
)
def test_errors(tmp_path, content, message, row):
    p = tmp_path / "bad.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        read(p, format="petitions")
    assert err.value.row == row and err.value.path == str(p)


def test_other_json_is_not_claimed(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"id": 1, "text": "petition", "type": "post"}\n', encoding="utf-8")
    assert detect_format(p) == "jsonl"
    # a JSON list of something else (an Isso blog export, say) is neither detected nor read as petitions
    q = tmp_path / "generic.json"
    q.write_text(
        '[{"comments": [{"id": 0, "text": "hi"}], "id": "/posts/1/", "title": "Post"}]', encoding="utf-8"
    )
    assert _detected(q) != "petitions"
    with pytest.raises(InputError, match="not a data.parliament.uk petitions list"):
        read(q, format="petitions")
    r = tmp_path / "api.json"
    r.write_text('{"data": [{"type": "comment", "id": 1, "attributes": {}}]}', encoding="utf-8")
    with pytest.raises(InputError, match="no element has type 'petition'"):
        read(r, format="petitions")


def _detected(path):
    try:
        return detect_format(path)
    except InputError:
        return None


# ---------------------------------------------------------------------------------------------
# real data (shared corpus)


@pytest.mark.shared
def test_real_feed():
    path = shared_corpus("uk-parliament-petitions", "data_parliament_epetitions_2015-2017.json")
    items = json.loads(path.read_text(encoding="utf-8"))
    numbers = [i["identifier"]["_value"] for i in items]
    result = read(path)
    assert result.format == "petitions"
    assert result.records_read == 8489 == len(items)  # SOURCE.txt
    assert len(result.comments) == len(set(numbers))  # the feed repeats 2 petitions
    assert result.exclusions["reason"].tolist() == ["duplicate_record"] * (
        len(numbers) - len(set(numbers))
    )
    c = result.comments
    assert c["comment_id"].tolist() == list(dict.fromkeys(numbers))
    assert int(c["votes_up"].max()) == 4_150_260  # SOURCE.txt
    assert int((c["votes_up"] >= 100_000).sum()) == 52  # SOURCE.txt
    assert (c["kind"] == "petition").all() and (c["thread_id"] == c["comment_id"]).all()
    assert analysable(c).all()  # every petition has a title: all are read by text analysis
    assert (c["title"] == c["text"]).all() and c["author"].isna().all()
    assert c["status"].value_counts().to_dict() == {"closed": 5281, "open": 3206}  # SOURCE.txt: 5,281 and 3,208,
    # less the two petitions listed twice, both open (checked: each repeat is read once)
    assert "counted_at" not in c.columns and "votes_up_outside_uk" not in c.columns  # the feed says neither
    assert c["created_at"].min().date().isoformat() == "2015-07-20"
    assert c["created_at"].max().date().isoformat() == "2017-01-24"
    validate_comments(c)
    validate_exclusions(result.exclusions)


@pytest.mark.shared
def test_real_single_petition():
    path = shared_corpus("uk-parliament-petitions", "petition_131215_eu_referendum_rules.json")
    result = read(path)
    assert result.format == "petitions" and result.records_read == 1
    assert table_values(result.comments, ["comment_id", "kind", "votes_up", "title"]) == [
        ["131215", "petition", 3_555_721, "EU Referendum Rules triggering a 2nd EU Referendum"]
    ]
    assert result.comments["text"].iloc[0].startswith("We the undersigned call upon HM Government")
    # SOURCE.txt: "snapshot of 27 June 2016"; open then. Outside the UK: the 221 countries' counts less
    # GB's 3,417,895 (3,555,684 listed in all)
    row = result.comments.iloc[0]
    assert row["counted_at"].date().isoformat() == "2016-06-27" and row["status"] == "open"
    assert row["votes_up_outside_uk"] == 3_555_684 - 3_417_895


# ---------------------------------------------------------------------------------------------
# any bytes in: tables or InputError


@SETTINGS
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(["petitions", None]))
def test_any_bytes(tmp_path_factory, data, fmt):
    check_bytes(tmp_path_factory.mktemp("b") / "x.json", data, fmt)


@SETTINGS
@given(
    which=st.sampled_from([SINGLE, FEED]),
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(list(b'{}[]",:0 -.eZ')) | st.integers(0, 255)),
        min_size=1,
        max_size=6,
    ),
    cut=st.none() | st.integers(0, 3000),
)
def test_mutated_fixtures(tmp_path_factory, which, edits, cut):
    check_bytes(tmp_path_factory.mktemp("m") / which.name, edited(which.read_bytes(), edits, cut), "petitions")


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["_value", "x"]), inner, max_size=2)
    ),
    max_leaves=6,
)


@FEWER
@given(
    items=st.lists(
        st.dictionaries(
            st.sampled_from(["_about", "created", "identifier", "label", "numberOfSignatures", "status"]),
            JSON_VALUE,
        ),
        max_size=6,
    )
)
def test_arbitrary_feed_values(tmp_path_factory, items):
    p = tmp_path_factory.mktemp("f") / "feed.json"
    p.write_text(json.dumps(items), encoding="utf-8")
    result = check_read(p, "petitions")
    if result is not None:
        assert result.records_read == len(items)
