import pandas as pd
import pytest

from helpers import overview


def test_counts_by_kind_in_canonical_order():
    t = pd.DataFrame({"kind": ["pingback", "comment", "post", "comment", "pingback", "pingback"]})
    assert overview.counts_by_kind(t).to_dict("records") == [
        {"kind": "post", "count": 1}, {"kind": "comment", "count": 2}, {"kind": "pingback", "count": 3}]


@pytest.mark.parametrize("text, words", [
    ("Top post Em!", 3),
    ("I can’t help but point out", 6),     # curly apostrophe keeps "can’t" one word
    ("Govt 2.0/eParticipation/etc.", 3),   # Govt, eParticipation, etc
    ("20K out of 3", 3),
    ("", 0),
])
def test_word_counts(text, words):
    assert overview.word_counts(pd.Series([text])).iloc[0] == words


def test_length_summary_by_kind():
    t = pd.DataFrame({"kind": ["comment", "comment", "comment", "post"],
                      "text": ["one two", "one two three four", "one", "a b c d e"]})
    rows = {r["kind"]: r for r in overview.length_summary(t).to_dict("records")}
    assert rows["comment"] == {"kind": "comment", "count": 3, "median_words": 2.0, "min_words": 1,
                               "max_words": 4, "total_words": 7}
    assert rows["post"]["total_words"] == 5


def test_date_summary_without_dates():
    t = pd.DataFrame({"created_at": pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns, UTC]")})
    assert overview.date_summary(t) == {"n_dated": 0, "n_undated": 2, "first": None, "last": None,
                                        "busiest_day": None, "busiest_day_count": 0}


def test_date_summary_busiest_day():
    t = pd.DataFrame({"created_at": pd.to_datetime(
        ["2020-03-01T23:59:00Z", "2020-03-02T00:01:00Z", "2020-03-02T10:00:00Z", "2020-03-03T09:00:00Z"], utc=True)})
    s = overview.date_summary(t)
    assert (s["first"], s["last"]) == ("2020-03-01T23:59:00+00:00", "2020-03-03T09:00:00+00:00")
    assert (s["busiest_day"], s["busiest_day_count"]) == ("2020-03-02", 2)


def test_thread_summary_counts_replies_not_top_level_comments():
    t = pd.DataFrame({"comment_id": ["p", "a", "b", "c", "q"], "parent_id": [None, "p", "p", "a", None],
                      "thread_id": ["p", "p", "p", "p", "q"], "kind": ["post", "comment", "comment", "reply", "post"]})
    assert overview.thread_summary(t) == {"n_threads": 2, "n_replies": 1, "max_depth": 2, "largest_thread_size": 4}


def test_addressed_names_on_the_example_corpus_sentences():
    # Sentences from the example corpus; the names addressed were read off by hand.
    t = pd.DataFrame({"comment_id": ["r1", "r3", "r5", "r6", "r8"], "text": [
        "Top post Em! Brief late night comment",
        "Folks like you and Jeremy have been doing this stuff for ages",
        "Thank you Laura. Andrew, you raise a brilliant point.\n\nMitch, I feel your pain, we all need to keep pushing",
        "I’m sure Mitch could say more about whether the US system is more suited",
        "🙂 Thanks Andrew, I am not sure that it is up to the politicians",
    ]})
    got = overview.addressed_names(t).to_dict("records")
    assert got == [
        {"comment_id": "r1", "name": "Em", "cue": "praise"},
        {"comment_id": "r5", "name": "Laura", "cue": "thanks"},
        {"comment_id": "r5", "name": "Andrew", "cue": "opening"},
        {"comment_id": "r5", "name": "Mitch", "cue": "opening"},
        {"comment_id": "r8", "name": "Andrew", "cue": "thanks"},
    ]


def test_addressed_names_ignores_sentence_openers():
    t = pd.DataFrame({"comment_id": ["x", "y"], "text": [
        "However, I disagree. Thanks everyone. Meanwhile, nothing.",
        "Engagement, to my mind, means taking back some of the power. Growl, possibly the only reason."]})
    assert overview.addressed_names(t).empty


def test_comment_table_truncates_at_a_word_and_omits_authors():
    t = pd.DataFrame({"comment_id": ["r1"], "kind": ["comment"], "parent_id": ["post"], "author": ["Ann"],
                      "created_at": [pd.NaT], "text": ["alpha beta\n\ngamma delta"]})
    out = overview.comment_table(t, max_chars=13)
    assert out["text"].tolist() == ["alpha beta…"]
    assert "author" not in out.columns and "created_at" not in out.columns
