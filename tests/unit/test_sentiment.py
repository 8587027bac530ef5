"""Tests for helpers.sentiment.

Expected compound scores are worked by hand from VADER's published lexicon and normalisation
(compound = s / sqrt(s² + 15), s the sum of word valences; pos/neg add 1 to each sentiment word's
|valence| and neu counts neutral words, then each is divided by the total), or quoted from the
vaderSentiment README.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.errors import ConfigError, SchemaError
from helpers.sentiment import (
    SCORE_COLUMNS,
    negative_terms,
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


def test_each_distinct_sentence_is_scored_once(monkeypatch):
    from helpers import sentiment

    scored = []
    real = sentiment._Analyzer.scores

    def counting(self, text):
        scored.append(text)
        return real(self, text)

    monkeypatch.setattr(sentiment._Analyzer, "scores", counting)
    sentiment._unit_scores.cache_clear()
    score_comments(_comments("Same words here.", "Same words here.", "Same words here. Other words."))
    assert sorted(scored) == ["Other words.", "Same words here."]
    sentiment._unit_scores.cache_clear()


def test_bad_arguments():
    with pytest.raises(ConfigError):
        score_comments(_comments("x"), unit="paragraph")
    with pytest.raises(SchemaError):
        score_comments(pd.DataFrame({"text": ["no ids"]}))
    for n_jobs in (0, -2, 1.5, True, "2"):
        with pytest.raises(ConfigError):
            score_comments(_comments("x"), n_jobs=n_jobs)


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
    # theme 1: a .5, b -.5 (e has no score): mean 0, se .5, t(.975, 1) = 12.706205: ±6.353102, cut to the
    # scale's -1 to +1
    assert (t1["theme_id"], t1["n"], t1["n_positive"], t1["n_negative"]) == (1, 2, 1, 1)
    assert t1["mean_compound"] == pytest.approx(0.0)
    assert (t1["ci_low"], t1["ci_high"]) == (-1.0, 1.0)
    # theme 2: a .5 (not its main theme, still counted), c .2: mean .35, sd .212132, se .15 -> ± 1.905931,
    # so -1.555931 to 2.255931, cut to -1 to +1
    assert (t2["theme_id"], t2["n"], t2["n_positive"]) == (2, 2, 2)
    assert t2["mean_compound"] == pytest.approx(0.35)
    assert (t2["ci_low"], t2["ci_high"]) == (-1.0, 1.0)
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
    # and every tweet (emoticons, capitals, slang, "but", negations) scores as the reference scores it
    expected = [REFERENCE.polarity_scores(t) for t in table["text"]]
    assert scores["compound"].tolist() == [e["compound"] for e in expected]
    assert scores["neg"].tolist() == [e["neg"] for e in expected]


def test_a_huge_unbroken_comment_is_scored_in_chunks_quickly():
    # 1 MB with no sentence break: without chunking VADER takes minutes. Every word is still scored.
    from helpers.sentiment import MAX_SENTENCE_CHARS, split_sentences

    text = " ".join(["good"] * 200_000)  # 999,999 characters
    pieces = split_sentences(text)
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert sum(p.count("good") for p in pieces) == 200_000
    scores = score_comments(pd.DataFrame({"comment_id": ["x"], "text": [text]}))
    assert scores["label"].tolist() == ["positive"]


# ------------------------------------------------------------------- equality with the reference code
#
# score_comments memoises, skips work VADER's rules cannot need and runs NLTK's Punkt through its own
# loop (see helpers.sentiment's docstring). Here the expected values come from the reference code
# itself: NLTK's PunktSentenceTokenizer as it ships, and vaderSentiment's
# SentimentIntensityAnalyzer.polarity_scores, one sentence at a time, averaged in plain Python.

PROPERTY = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# words and phrases that trigger VADER's rules (negation, "no", boosters in and out of capitals,
# "kind of", "least", "but", idioms, emoticons, emoji) and Punkt's (abbreviations, initials,
# numbers, ellipses, closing quotes and brackets, "?!")
TRICKY_WORDS = (
    "good GOOD bad BAD great awful love hate no No not never so this without doubt least at very "
    "kind of sort but BUT isn't don't couldn't've nor or the shit bomb bad ass kiss death to die "
    "for bus stop yeah right extremely EXTREMELY barely hardly quite totally really just enough "
    "fine cancer :) :( :D <3 lol sux \U0001f642 \U0001f622 \u2639\ufe0f Mr. Dr. e.g. U.K. No. J. "
    "3.50 12. etc. ... -- ! !! ? ?? ??? \"quoted.\" (aside.) \u201ccurly.\u201d it. He She They"
).split() + [
    "the shit", "the bomb", "bad ass", "kiss of death", "to die for", "beating heart", "yeah right",
    "bus stop", "kind of good", "sort of bad", "just enough", "never so good", "never this bad",
    "without a doubt", "without doubt good", "at least", "very least", "least good", "no good",
    "no or nor bad", "no, not great", "couldn't've loved", "not so good but great",
]

_words = st.lists(st.sampled_from(TRICKY_WORDS) | st.text(min_size=1, max_size=8), min_size=0, max_size=30)
_texts = _words.map(" ".join) | st.text(max_size=80)


def _reference_analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


REFERENCE = _reference_analyzer()


def _nltk_punkt():
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from helpers.sentiment import _punkt_params

    return PunktSentenceTokenizer(_punkt_params())  # NLTK's own patterns, engine and loops


NLTK_PUNKT = _nltk_punkt()


def _reference_split(text):
    """split_sentences as it was written before the memos: the same steps, NLTK's tokenizer."""
    import re

    from helpers.sentiment import _chunks

    if not isinstance(text, str) or not text.strip():
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = re.sub(r"(?<=[a-z,])[ \t]*\n[ \t]*(?=[a-z])", " ", paragraph)
        for line in paragraph.split("\n"):
            line = " ".join(line.split())
            if line:
                for sentence in NLTK_PUNKT.tokenize(line):
                    if re.search(r"[^\W_]|[\u2600-\u27bf\U0001f000-\U0001faff]", sentence):
                        out.extend(_chunks(sentence))
    return out


def _reference_scores(texts, unit="sentence"):
    """(compound, pos, neu, neg, n_sentences) per text: the sentence scores' plain mean."""
    rows = []
    for text in texts:
        sentences = _reference_split(text)
        units = sentences if unit == "sentence" else ([text] if sentences else [])
        if not units:
            rows.append((math.nan, math.nan, math.nan, math.nan, len(sentences)))
            continue
        scores = [REFERENCE.polarity_scores(u) for u in units]
        rows.append(tuple(sum(s[k] for s in scores) / len(units) for k in ("compound", "pos", "neu", "neg"))
                    + (len(sentences),))
    return rows


def _as_rows(out):
    return list(zip(out["compound"], out["pos"], out["neu"], out["neg"], out["n_sentences"], strict=True))


def _same(rows, expected):
    """Equal floats, NaN equal to NaN (no tolerance: the scores must be identical)."""
    def key(row):
        return tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in row)

    return [key(r) for r in rows] == [key(r) for r in expected]


LONG = " ".join(["very good", "not bad", "BAD", "kind of nice"] * 60)  # 2,099 characters, no full stop

SAMPLE = [
    "I love this. This is terrible.",
    "I love this. This is terrible.",  # an exact copy
    "This is terrible. I love this!",  # the same sentences, another order
    "",
    None,
    "   ",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "At least it isn't a horrible book. Not bad at all. Without a doubt, an excellent idea.",
    "Sentiment analysis has never been this good! It is the shit. Kiss of death. Bus stop.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Make sure you :) or :D today! Catch utf-8 emoji such as \U0001f498 and \U0001f48b and \U0001f601",
    "No problem. No, it is not good... Really?? Why??? Mr. Smith agreed, e.g. on buses.",
    "Dear Sir or Madam,\nI object.\n\nYours faithfully,\nA. Resident",
    "the bus was late and\nthe driver was rude. \u201cDreadful.\u201d (Truly awful.) OK",
    LONG,
    LONG + ". " + LONG,
]


def test_scores_equal_the_reference_code_on_a_hand_picked_sample():
    comments = _comments(*SAMPLE)
    assert _same(_as_rows(score_comments(comments)), _reference_scores(SAMPLE))
    by_comment = score_comments(comments, unit="comment")
    assert _same(_as_rows(by_comment), _reference_scores(SAMPLE, unit="comment"))
    assert len(LONG) == 2099 and score_comments(comments)["n_sentences"].iloc[15] == 3  # 3 chunks of <= 1,000


@PROPERTY
@given(st.lists(_texts, min_size=1, max_size=6))
def test_scores_equal_the_reference_code_on_random_texts(texts):
    texts = texts + texts[:1]  # with a repeated text
    joined = [". ".join(texts[: i + 1]) for i in range(len(texts))]  # and repeated sentences
    sample = texts + joined
    assert _same(_as_rows(score_comments(_comments(*sample))), _reference_scores(sample))


@PROPERTY
@given(_texts)
def test_fast_vader_equals_polarity_scores(text):
    from helpers.sentiment import _analyzer

    s = REFERENCE.polarity_scores(text)
    assert _analyzer().scores(text) == (s["compound"], s["pos"], s["neu"], s["neg"])


_punctuation = st.text(alphabet=".?!\"')]}\u201d\u2019\xbb-:;,( aA1\u00e9", min_size=1, max_size=6)
_line_texts = st.lists(st.sampled_from(TRICKY_WORDS) | _punctuation, min_size=1, max_size=25).map(" ".join)


@PROPERTY
@given(_line_texts | st.text(max_size=60))
def test_punkt_loop_equals_nltk(text):
    from helpers.sentiment import _punkt_line

    line = " ".join(text.split())
    if line:
        assert _punkt_line(line) == NLTK_PUNKT.tokenize(line)


@PROPERTY
@given(st.lists(_line_texts | st.text(max_size=40), max_size=4).map("\n".join))
def test_split_sentences_equals_the_reference_split(text):
    assert split_sentences(text) == _reference_split(text)


def test_re_and_regex_agree_on_whitespace_but_for_four_control_characters():
    # helpers.sentiment runs NLTK's patterns with ``re`` instead of ``regex`` on lines normalised
    # with str.split(), which removes every character either engine treats as whitespace
    import re

    regex = pytest.importorskip("regex")
    every_character = "".join(map(chr, range(0x110000)))
    differ = set(re.findall(r"\s", every_character)) ^ set(regex.findall(r"\s", every_character))
    assert sorted(differ) == ["\x1c", "\x1d", "\x1e", "\x1f"]
    assert all(c.isspace() for c in differ)


def test_n_jobs_does_not_change_the_result(monkeypatch, worker_pools):
    from helpers import sentiment

    comments = _comments(*(SAMPLE * 3), *[f"Comment {i} is {'good' if i % 2 else 'bad'}." for i in range(20)])
    one = score_comments(comments, n_jobs=1)
    monkeypatch.setattr(sentiment, "PARALLEL_MIN_TEXTS", 1)
    monkeypatch.setattr(sentiment, "BLOCK_TEXTS", 4)
    two = score_comments(comments, n_jobs=2)
    assert worker_pools == [(2,)]  # the worker processes did run
    pd.testing.assert_frame_equal(one, two)


def test_scores_are_row_local():
    # the Dask engine scores partitions separately and concatenates them
    comments = _comments(*SAMPLE)
    parts = [score_comments(comments.iloc[:5]), score_comments(comments.iloc[5:])]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), score_comments(comments))


def test_a_groups_interval_stays_on_the_scale():
    # an audit's group of two (+0.9 and -0.24) had a t interval from -2.38 to +3.04 on a -1 to +1 scale
    s = pd.DataFrame({"comment_id": ["a", "b"], "compound": [0.9, -0.24], "label": ["positive", "negative"],
                      "g": ["x", "x"]})
    row = sentiment_by_group(s, group="g").iloc[0]
    assert row["ci_low"] == -1.0 and row["ci_high"] == 1.0 and row["mean_compound"] == pytest.approx(0.33)
    # inside the scale the t interval is as computed: .1, .2, .3: mean .2, sd .1, se .057735,
    # t(.975, 2) = 4.302653 -> ± .248414
    s = pd.DataFrame({"comment_id": list("abc"), "compound": [0.1, 0.2, 0.3], "label": ["positive"] * 3, "g": "x"})
    row = sentiment_by_group(s, group="g").iloc[0]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.2 - 0.248414, 0.2 + 0.248414), abs=1e-5)


# ------------------------------------------------------------------------ what the criticism is about

def test_negative_terms_rank_what_the_negative_texts_mention_by_hand():
    # 30 negative texts about parking (one in three also about the night), 60 others about lovely
    # staff. "awful" and "lovely" are VADER's own words, "not" a negation: left out, whatever their count.
    negative_texts = [f"The parking was awful, not good ({i})" if i % 3 else f"Parking at night was awful ({i})"
                      for i in range(30)]
    texts = pd.Series(negative_texts + [f"The staff were lovely ({i})" for i in range(60)])
    negative = [True] * 30 + [False] * 60
    order = np.r_[np.linspace(-0.9, -0.1, 30), np.zeros(60)]  # text 0 is the most negative
    out = negative_terms(texts, negative, order=order)
    # parking: in 30 of 30 negative texts, 0 of 60 others; prior 0.5 + 0.01 * 30 = 0.8:
    # log(30.8 / 0.8) - log(0.8 / 60.8) = 7.9814; variance 1 / 30.8 + 1 / 0.8 = 1.28247; z = 7.048
    assert out["term"].tolist()[0] == "parking"
    assert out.loc[0, ["n_negative", "n_other"]].tolist() == [30, 0]
    assert out.loc[0, "z"] == pytest.approx(7.048, abs=1e-3)
    assert out.loc[0, "examples"] == [0, 1, 2, 3, 4]  # the most negative first
    # night: in 10 negative texts (0, 3, ..., 27), prior 0.6: log(10.6 / 20.6) - log(0.6 / 60.6) = 3.9512,
    # variance 1 / 10.6 + 1 / 0.6 = 1.76101: z = 2.977; "parking night" is not a phrase ("at" breaks it)
    assert out["term"].tolist() == ["parking", "night"]
    assert out.loc[1, "z"] == pytest.approx(2.977, abs=1e-3) and out.loc[1, "examples"] == [0, 3, 6, 9, 12]
    assert not {"awful", "lovely", "staff", "good"} & set(out["term"])
    # fewer than 30 negative texts: nothing said
    assert negative_terms(texts[1:], negative[1:]).empty
