import pandas as pd
import pytest

from helpers.errors import SchemaError
from helpers.schema import (
    COMMENT_COLUMNS,
    analysable,
    empty_comments,
    reply_depths,
    validate_comments,
    validate_exclusions,
    validate_respondents,
    validate_votes,
)


def table(**overrides):
    base = {
        "comment_id": ["post", "c1", "c2"],
        "parent_id": [None, "post", "c1"],
        "thread_id": ["post", "post", "post"],
        "author": [None, "Ann", None],
        "created_at": pd.to_datetime([None, "2009-01-02T10:00:00+00:00", None], utc=True),
        "text": ["The post", "First", "A reply"],
        "kind": ["post", "comment", "reply"],
        "source": ["page.txt"] * 3,
        "source_row": [1, 20, 31],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_valid_table_gets_canonical_dtypes_and_order():
    df = table()[list(reversed(COMMENT_COLUMNS))]  # any column order in
    out = validate_comments(df)
    assert list(out.columns) == list(COMMENT_COLUMNS)
    assert str(out["created_at"].dtype) == "datetime64[ns, UTC]"
    assert str(out["source_row"].dtype) == "Int64"
    assert out["comment_id"].tolist() == ["post", "c1", "c2"]


def test_empty_table_validates():
    assert len(validate_comments(empty_comments())) == 0


@pytest.mark.parametrize(
    "overrides, row, words",
    [
        ({"comment_id": ["post", "c1", "c1"]}, 31, "not unique"),
        ({"comment_id": ["post", "", "c2"]}, 20, "comment_id is empty"),
        ({"kind": ["post", "comment", "tweet"]}, 31, "kind 'tweet'"),
        ({"parent_id": [None, "post", "c9"]}, 31, "parent_id 'c9'"),
        ({"parent_id": [None, "c1", "c1"]}, 20, "refers to the comment itself"),
        ({"parent_id": ["c2", "post", "c1"]}, 1, "cycle"),
    ],
)
def test_violations_name_the_source_row(overrides, row, words):
    with pytest.raises(SchemaError) as err:
        validate_comments(table(**overrides))
    assert err.value.row == row
    assert err.value.path == "page.txt"
    assert words in str(err.value)
    assert str(err.value).startswith(f"page.txt: row {row}: ")


def test_missing_required_column():
    with pytest.raises(SchemaError, match="lacks required column"):
        validate_comments(table().drop(columns=["thread_id"]), source="x.csv")


def test_naive_dates_are_refused():
    df = table(created_at=pd.to_datetime([None, "2009-01-02 10:00", None]))
    with pytest.raises(SchemaError, match="without a timezone"):
        validate_comments(df)


def test_dates_in_other_timezones_become_utc():
    df = table(created_at=pd.to_datetime([None, "2009-01-02 10:00", None]).tz_localize("Europe/London"))
    out = validate_comments(df)
    assert out["created_at"].iloc[1] == pd.Timestamp("2009-01-02 10:00", tz="UTC")  # GMT in January


def test_optional_columns_kept_and_typed():
    out = validate_comments(table(consent_to_publish=[None, True, False], question_id=["q", "q", "q"]))
    assert str(out["consent_to_publish"].dtype) == "boolean"
    assert list(out.columns)[-2:] == ["question_id", "consent_to_publish"]


def test_votes_must_be_agree_disagree_or_pass():
    votes = pd.DataFrame({"comment_id": ["1", "1"], "voter_id": ["a", "b"], "vote": [1, 2],
                          "created_at": [pd.NaT, pd.NaT], "source": ["votes.csv"] * 2, "source_row": [2, 3]})
    with pytest.raises(SchemaError, match="row 3: vote must be"):
        validate_votes(votes)


def test_respondents_unique():
    with pytest.raises(SchemaError, match="not unique"):
        validate_respondents(pd.DataFrame({"respondent_id": ["a", "a"], "source": ["r.csv"] * 2,
                                           "source_row": [2, 3]}))


def test_exclusion_reasons_are_controlled():
    ex = pd.DataFrame({"source": ["f"], "source_row": [4], "record_id": ["x"], "reason": ["boring"], "detail": [""]})
    with pytest.raises(SchemaError, match="reason is not one of"):
        validate_exclusions(ex)


def test_analysable_reads_responses_only():
    df = pd.DataFrame({"kind": ["post", "comment", "reply", "response", "pingback", "trackback", "comment",
                                "petition", "petition"],
                       "text": ["p", "c", "r", "a", "x", "y", "   ", "Plant more trees", ""],
                       "is_placeholder": [False, False, False, True, False, False, False, False, False]})
    assert analysable(df).tolist() == [False, True, True, False, False, False, False, True, False]


def test_petition_is_a_kind():
    t = table(kind=["petition", "comment", "reply"])  # a comment on a petition, and a reply to it
    assert validate_comments(t)["kind"].tolist() == ["petition", "comment", "reply"]


def test_missing_text_reads_as_empty():
    assert validate_comments(table(text=["The post", None, "A reply"]))["text"].tolist() == ["The post", "", "A reply"]


def test_all_missing_naive_dates_become_utc_nanoseconds():
    out = validate_comments(table(created_at=pd.Series([pd.NaT] * 3, dtype="datetime64[s]")))
    assert str(out["created_at"].dtype) == "datetime64[ns, UTC]"


def test_thread_depths_deep_chain_and_forest():
    # a chain of 1,000 replies below a post, and a second post with one comment
    ids = ["p"] + [f"c{i}" for i in range(1000)] + ["q", "d"]
    parents = [None, "p"] + [f"c{i}" for i in range(999)] + [None, "q"]
    depth = reply_depths(pd.DataFrame({"comment_id": ids, "parent_id": parents}))
    assert depth.iloc[0] == 0 and depth.iloc[1] == 1 and depth.iloc[1000] == 1000
    assert depth.iloc[-2:].tolist() == [0, 1]


def test_thread_depths_reject_cycles():
    with pytest.raises(SchemaError, match="cycle"):
        reply_depths(pd.DataFrame({"comment_id": ["a", "b"], "parent_id": ["b", "a"]}))


