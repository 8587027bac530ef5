"""Tests for helpers.sentiment.

Expected compound scores are worked by hand from VADER's published lexicon and normalisation
(compound = s / sqrt(s² + 15), s the sum of word valences; pos/neg add 1 to each sentiment word's
|valence| and neu counts neutral words, then each is divided by the total), or quoted from the
vaderSentiment README.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.errors import ConfigError, SchemaError
from helpers.sentiment import (
    SCORE_COLUMNS,
    score_comments,
    sentiment_by_group,
    sentiment_label,
    split_sentences,
)

# ------------------------------------------------------------------------------------------ sentences

SPLIT_CASES = [
    ("", []),
    ("   \n  ", []),
    (None, []),
    ("One sentence.", ["One sentence."]),
    ("First. Second! Third?", ["First.", "Second!", "Third?"]),
    ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("Buses, e.g. the 12, are late. Trains too.", ["Buses, e.g. the 12, are late.", "Trains too."]),
    ("The U.K. is big. So is the U.S. economy.", ["The U.K. is big.", "So is the U.S. economy."]),
    ("It costs $3.50 a day. Too much.", ["It costs $3.50 a day.", "Too much."]),
    (
        "See http://tinyurl.com/dayflorida for more. Thanks.",
        ["See http://tinyurl.com/dayflorida for more.", "Thanks."],
    ),
    ("Wait... what? No!", ["Wait... what?", "No!"]),
    # line breaks end sentences (lists, short lines) ...
    ("Citizens\nThe Labour Party\nThe civil service", ["Citizens", "The Labour Party", "The civil service"]),
    ("Para one.\n\nPara two", ["Para one.", "Para two"]),
    # ... unless the text is hard-wrapped mid-sentence
    ("the bus was late and\nthe driver was rude.", ["the bus was late and the driver was rude."]),
    ("A point, made\nover two lines. Next.", ["A point, made over two lines.", "Next."]),
    # fragments with nothing to read are dropped; emoji are kept (VADER scores them)
    ("Good.\n...\n--\nBad.", ["Good.", "Bad."]),
    ("\U0001f642", ["\U0001f642"]),
    ("Windows\r\nline ends.\r\nOK", ["Windows line ends.", "OK"]),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


# ------------------------------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("compound", "label"),
    [
        (0.05, "positive"),
        (0.9, "positive"),
        (0.0499, "neutral"),
        (0.0, "neutral"),
        (-0.0499, "neutral"),
        (-0.05, "negative"),
        (-1.0, "negative"),
    ],
)
def test_sentiment_label_thresholds(compound, label):
    assert sentiment_label(compound) == label


def test_sentiment_label_vectorised_keeps_missing():
    out = sentiment_label(pd.Series([0.5, float("nan"), -0.5]))
    assert out.iloc[0] == "positive" and out.iloc[2] == "negative" and pd.isna(out.iloc[1])


# --------------------------------------------------------------------------------------- score_comments


def _comments(*texts):
    return pd.DataFrame(
        {"comment_id": pd.Series([f"c{i}" for i in range(len(texts))], dtype="string"), "text": list(texts)}
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I love this.", "positive"),
        ("This is terrible.", "negative"),
        ("The meeting is on Tuesday.", "neutral"),
    ],
)
def test_obvious_labels(text, label):
    assert score_comments(_comments(text))["label"].iloc[0] == label


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        # love = 3.2: 3.2 / sqrt(3.2² + 15) = 0.63690
        ("I love this.", 0.6369),
        # terrible = -2.1: -2.1 / sqrt(2.1² + 15) = -0.47673
        ("This is terrible.", -0.4767),
        # smart 1.7 + handsome 2.2 + funny 1.9 = 5.8: 5.8 / sqrt(5.8² + 15) = 0.83164; also the README's value
        ("VADER is smart, handsome, and funny.", 0.8316),
        # the README's negated example
        ("VADER is not smart, handsome, nor funny.", -0.7424),
        ("The meeting is on Tuesday.", 0.0),
    ],
)
def test_known_compound_scores(text, compound):
    assert score_comments(_comments(text))["compound"].iloc[0] == pytest.approx(compound, abs=1e-4)


def test_sentence_mean_is_worked_from_the_separate_sentences():
    # "I love this.":      compound .6369; pos 4.2/6.2 = .677, neu 2/6.2 = .323, neg 0
    # "This is terrible.": compound -.4767; neg 3.1/5.1 = .608, neu 2/5.1 = .392, pos 0
    out = score_comments(_comments("I love this. This is terrible."))
    row = out.iloc[0]
    assert row["n_sentences"] == 2
    assert row["compound"] == pytest.approx((0.6369 - 0.4767) / 2, abs=1e-9)
    assert row["pos"] == pytest.approx(0.677 / 2, abs=1e-9)
    assert row["neg"] == pytest.approx(0.608 / 2, abs=1e-9)
    assert row["neu"] == pytest.approx((0.323 + 0.392) / 2, abs=1e-9)
    assert row["label"] == "positive"  # .0801 >= .05


def test_unit_comment_scores_the_whole_text():
    # the whole text in one go: 3.2 - 2.1 = 1.1 -> 1.1 / sqrt(1.21 + 15) = 0.27321
    out = score_comments(_comments("I love this. This is terrible."), unit="comment")
    assert out["compound"].iloc[0] == pytest.approx(0.2732, abs=1e-4)
    assert out["n_sentences"].iloc[0] == 2


def test_score_table_shape_order_and_types():
    comments = _comments("Great idea.", "", "Awful.  Truly awful.", None)
    comments["text"] = comments["text"].astype("string")
    out = score_comments(comments)
    assert tuple(out.columns) == SCORE_COLUMNS
    assert out["comment_id"].tolist() == ["c0", "c1", "c2", "c3"]
    assert out["comment_id"].dtype == comments["comment_id"].dtype
    assert out["n_sentences"].tolist() == [1, 0, 2, 0]
    assert str(out["n_sentences"].dtype) == "int64"
    # no text: no sentences, no score, no label
    assert (
        math.isnan(out["compound"].iloc[1])
        and pd.isna(out["label"].iloc[1])
        and pd.isna(out["label"].iloc[3])
    )
    assert out["label"].iloc[2] == "negative"


def test_empty_table():
    out = score_comments(_comments())
    assert len(out) == 0 and tuple(out.columns) == SCORE_COLUMNS


def test_analyzer_created_once_per_call_and_repeats_scored_once(monkeypatch):
    import vaderSentiment.vaderSentiment as vs

    created, scored = [], []
    real = vs.SentimentIntensityAnalyzer

    class Counting(real):
        def __init__(self, *args, **kwargs):
            created.append(1)
            super().__init__(*args, **kwargs)

        def polarity_scores(self, text):
            scored.append(text)
            return super().polarity_scores(text)

    monkeypatch.setattr(vs, "SentimentIntensityAnalyzer", Counting)
    score_comments(_comments("Same words here.", "Same words here.", "Same words here. Other words."))
    assert len(created) == 1
    assert sorted(scored) == ["Other words.", "Same words here."]


def test_bad_arguments():
    with pytest.raises(ConfigError):
        score_comments(_comments("x"), unit="paragraph")
    with pytest.raises(SchemaError):
        score_comments(pd.DataFrame({"text": ["no ids"]}))


# ---------------------------------------------------------------------------------- sentiment_by_group


def _scores():
    return pd.DataFrame(
        {
            "comment_id": ["a", "b", "c", "d", "e"],
            "compound": [0.5, -0.5, 0.2, 0.4, float("nan")],
            "label": ["positive", "negative", "positive", "positive", pd.NA],
        }
    )


def _assignments():
    return pd.DataFrame(
        {
            "comment_id": ["a", "a", "b", "c", "d", "e"],
            "theme_id": pd.array([1, 2, 1, 2, pd.NA, 1], dtype="Int64"),
            "weight": [0.7, 0.3, 1.0, 1.0, float("nan"), 1.0],
            "is_main": [True, False, True, True, True, True],
        }
    )


def test_sentiment_by_theme_hand_worked():
    out = sentiment_by_group(_scores(), _assignments())
    assert list(out.columns) == [
        "theme_id",
        "n",
        "mean_compound",
        "ci_low",
        "ci_high",
        "n_positive",
        "n_neutral",
        "n_negative",
    ]
    t1, t2 = out.iloc[0], out.iloc[1]
    # theme 1: a .5, b -.5 (e has no score): mean 0, se .5, t(.975, 1) = 12.706205
    assert (t1["theme_id"], t1["n"], t1["n_positive"], t1["n_negative"]) == (1, 2, 1, 1)
    assert t1["mean_compound"] == pytest.approx(0.0)
    assert (t1["ci_low"], t1["ci_high"]) == pytest.approx((-6.353102, 6.353102), abs=1e-5)
    # theme 2: a .5 (not its main theme, still counted), c .2: mean .35, sd .212132, se .15 -> ± 1.905931
    assert (t2["theme_id"], t2["n"], t2["n_positive"]) == (2, 2, 2)
    assert t2["mean_compound"] == pytest.approx(0.35)
    assert (t2["ci_low"], t2["ci_high"]) == pytest.approx((0.35 - 1.905931, 0.35 + 1.905931), abs=1e-5)
    # the comments not assigned to any theme form their own group, last; one value -> no interval
    assert len(out) == 3 and pd.isna(out["theme_id"].iloc[2]) and out["n"].iloc[2] == 1
    assert out["mean_compound"].iloc[2] == pytest.approx(0.4)
    assert math.isnan(out["ci_low"].iloc[2]) and math.isnan(out["ci_high"].iloc[2])


def test_sentiment_by_theme_main_only_counts_each_comment_once():
    out = sentiment_by_group(_scores(), _assignments(), main_only=True)
    t2 = out[out["theme_id"] == 2].iloc[0]
    assert t2["n"] == 1 and t2["mean_compound"] == pytest.approx(0.2)
    assert out["n"].sum() == 4  # a, b, c, d (e has no score)


def test_sentiment_by_other_group_column_in_scores():
    scores = _scores().assign(kind=["comment", "reply", "comment", "reply", "comment"])
    out = sentiment_by_group(scores, group="kind")
    assert out["kind"].tolist() == ["comment", "reply"]
    assert out["n"].tolist() == [2, 2]
    assert out["mean_compound"].tolist() == pytest.approx([0.35, -0.05])
    assert out["n_neutral"].tolist() == [0, 0]


def test_sentiment_by_group_missing_column():
    with pytest.raises(SchemaError):
        sentiment_by_group(_scores(), _assignments(), group="region")


# ------------------------------------------------------------------------------------------ real data


@pytest.mark.shared
def test_agreement_with_human_ratings_on_the_vader_tweets():
    """Hutto & Gilbert (2014), Table 4: VADER's Pearson r with the mean human rating of 4,200 tweets
    is 0.881 (the lexicon has been revised since, so allow a little slack)."""
    import numpy as np

    from tests.conftest import shared_corpus

    path = shared_corpus("vader-groundtruth", "tweets_GroundTruth.txt")
    rows = [line.split("\t", 2) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = pd.DataFrame(rows, columns=["comment_id", "rating", "text"])
    assert len(table) == 4200  # counted in the corpus's SOURCE.txt
    scores = score_comments(table, unit="comment")
    r = np.corrcoef(scores["compound"], table["rating"].astype(float))[0, 1]
    assert r > 0.86


def test_a_huge_unbroken_comment_is_scored_in_chunks_quickly():
    # 1 MB with no sentence break: without chunking VADER takes minutes. Every word is still scored.
    from helpers.sentiment import MAX_SENTENCE_CHARS, split_sentences

    text = " ".join(["good"] * 200_000)  # 999,999 characters
    pieces = split_sentences(text)
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert sum(p.count("good") for p in pieces) == 200_000
    scores = score_comments(pd.DataFrame({"comment_id": ["x"], "text": [text]}))
    assert scores["label"].tolist() == ["positive"]
