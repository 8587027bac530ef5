"""Tests for helpers.themes, on small hand-written corpora whose right answer is obvious."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from helpers import themes
from helpers.errors import ConfigError, InputError, SchemaError
from helpers.stats import wilson_interval
from helpers.themes import (
    ASSIGNMENT_COLUMNS,
    THEME_COLUMNS,
    ThemeModel,
    default_min_df,
    stop_words,
    summarise_themes,
    theme_bounds,
)
from tests.conftest import EXAMPLE_PAGE

TRANSPORT = [
    "The bus timetable changed and the bus is always late.",
    "Train fares are too high and the train timetable is confusing.",
    "Please run the bus more often; the timetable has gaps.",
    "My train was cancelled again, and the replacement bus was late.",
    "Cheaper train fares and a reliable bus timetable would help commuters.",
    "The station needs a clear timetable for every bus and train.",
]
SCHOOL = [
    "The school needs more teachers so pupils get attention.",
    "Our teacher works hard but the school has too many pupils per class.",
    "Pupils deserve smaller classes and a teacher who has time for them.",
    "The school should pay each teacher properly.",
    "Class sizes at the school are too big for the pupils.",
    "Every teacher I know says pupils need more support in class.",
]
TRANSPORT_WORDS = set(
    " ".join(TRANSPORT).lower().replace(";", " ").replace(",", " ").replace(".", " ").split()
)
SCHOOL_WORDS = set(" ".join(SCHOOL).lower().replace(",", " ").replace(".", " ").split())


@pytest.fixture(scope="module")
def two_topics():
    return ThemeModel().fit(TRANSPORT + SCHOOL)


def _split(weights):
    main = weights.argmax(axis=1)
    return {frozenset(np.flatnonzero(main == t)) for t in range(weights.shape[1])}


# ------------------------------------------------------------------------------------- theme_bounds

BOUNDS_CASES = [
    (0, (1, 1)),
    (3, (1, 1)),
    (5, (1, 1)),  # 5 // 3 = 1: one theme at most
    (6, (1, 2)),
    (7, (1, 2)),  # the example corpus
    (9, (1, 2)),
    (10, (1, 3)),
    (29, (1, 3)),
    (30, (2, 5)),
    (99, (2, 5)),
    (100, (3, 10)),
    (999, (3, 10)),
    (1_000, (4, 20)),
    (10_000, (5, 30)),
    (100_000, (5, 40)),
    (1_000_000, (5, 40)),
]


@pytest.mark.parametrize(("n", "expected"), BOUNDS_CASES)
def test_theme_bounds_table(n, expected):
    assert theme_bounds(n) == expected


def test_theme_bounds_monotone_and_capped():
    sizes = list(range(0, 3_000)) + [5_000, 9_999, 10_000, 50_000, 99_999, 100_000, 10**6]
    previous = (1, 1)
    for n in sizes:
        lo, hi = theme_bounds(n)
        assert 1 <= lo <= hi <= max(1, n // 3), n
        assert lo >= previous[0] and hi >= previous[1], n
        previous = (lo, hi)


def test_theme_bounds_rejects_negative():
    with pytest.raises(ValueError):
        theme_bounds(-1)


@pytest.mark.parametrize(("n", "expected"), [(1, 1), (49, 1), (50, 2), (999, 2), (1_000, 3), (10**6, 3)])
def test_default_min_df(n, expected):
    assert default_min_df(n) == expected


# ---------------------------------------------------------------------------------------- terms


def test_stop_words():
    s = stop_words(["Toolkit"])
    assert {"the", "and", "think", "really", "don", "xxxx", "toolkit"} <= s
    # content words that scikit-learn's list wrongly drops are kept
    assert not {"system", "bill", "fire", "interest"} & s
    assert "bus" not in s and "people" not in s


def test_terms_are_words_and_adjacent_phrases():
    docs = [
        "The state of the art bus; art buses. State buses!",
        "Obama's political system and the civil-service reform",
        "Don't call 0800 123 or visit https://example.org/a-b, it's x",
    ]
    names = set(ThemeModel(n_themes=1).fit(docs).feature_names_)
    assert {
        "art bus",
        "art buses",
        "state buses",
        "political system",
        "civil service",
        "service reform",
    } <= names
    assert "state art" not in names  # across stop words
    assert "bus art" not in names and "buses state" not in names  # across punctuation
    assert {"obama", "call"} <= names  # clitic stripped; "call" is not a stop word here
    assert not {"don", "it", "s", "x", "https", "example", "org", "0800", "visit call"} & names


# --------------------------------------------------------------------------------- fitting the model


def test_two_separate_vocabularies_give_two_themes_that_split_exactly(two_topics):
    m = two_topics
    assert m.n_themes_ == 2
    assert _split(m.doc_weights_) == {frozenset(range(6)), frozenset(range(6, 12))}
    transport = int(m.doc_weights_[0].argmax())
    for t, terms in enumerate(m.top_terms_):
        vocabulary = TRANSPORT_WORDS if t == transport else SCHOOL_WORDS
        assert all(set(term.split()) <= vocabulary for term in terms), terms
        assert len(terms) >= 10
        assert any(" " in term for term in terms)  # phrases are included
    scores = m.k_scores_
    assert list(scores.columns) == ["k", "coherence", "stability", "chosen"]
    assert scores["k"].tolist() == [1, 2, 3]  # 12 texts: theme_bounds(12) == (1, 3)
    assert scores.loc[scores["chosen"], "k"].tolist() == [2]
    assert scores["stability"].between(0, 1).all() and scores["coherence"].between(-1, 1).all()


def test_choosing_the_number_of_themes():
    def chosen(k, coherence, stability):
        scores = pd.DataFrame({"k": k, "coherence": coherence, "stability": stability})
        return themes._choose(scores), themes.stability_alone(scores)

    # some coherence above zero: the most coherent of those within 0.05 of the most stable (k 2 and 3)
    assert chosen([2, 3, 4], [0.1, 0.3, 0.2], [0.9, 0.88, 0.7]) == (3, False)
    # coherence below zero throughout (short comments): the most themes before stability, averaged with the
    # candidates either side, falls below 0.75: 4 .865, 6 .81, 8 .78 (its own .70 a dip), 9 .733 -> 8
    assert chosen([4, 6, 8, 9, 11, 13], [-0.1, -0.1, -0.2, -0.2, -0.3, -0.3],
                  [0.89, 0.84, 0.70, 0.80, 0.70, 0.60]) == (8, True)
    # never below: the most tried
    assert chosen([4, 6, 8], [-0.1, -0.2, -0.3], [0.9, 0.8, 0.8]) == (8, True)
    # the fewest themes are not stable enough themselves (4 and 6 average .65): the usual rule, 6 within
    # 0.05 of the most stable and more coherent than 8
    assert chosen([4, 6, 8], [-0.1, -0.2, -0.3], [0.6, 0.7, 0.65]) == (6, False)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_vocabularies_do_not_depend_on_the_seed(seed):
    m = ThemeModel(random_state=seed).fit(TRANSPORT + SCHOOL)
    assert m.n_themes_ == 2
    assert _split(m.doc_weights_) == {frozenset(range(6)), frozenset(range(6, 12))}


def test_doc_weights_rows_sum_to_one_or_zero():
    m = ThemeModel(n_themes=2).fit([*TRANSPORT, "Hello!", *SCHOOL, ""])
    w = m.doc_weights_
    assert w.shape == (14, 2) and (w >= 0).all()
    sums = w.sum(axis=1)
    np.testing.assert_allclose(np.delete(sums, [6, 13]), 1.0)
    assert sums[6] == 0 and sums[13] == 0  # no terms at all


def test_same_seed_gives_identical_everything():
    a = ThemeModel(random_state=7).fit(TRANSPORT + SCHOOL)
    b = ThemeModel(random_state=7).fit(TRANSPORT + SCHOOL)
    assert a.labels_ == b.labels_ and a.top_terms_ == b.top_terms_
    np.testing.assert_array_equal(a.doc_weights_, b.doc_weights_)
    np.testing.assert_array_equal(a.nmf_.components_, b.nmf_.components_)
    pd.testing.assert_frame_equal(a.k_scores_, b.k_scores_)


def test_deterministic_when_choosing_k_on_a_subsample(monkeypatch):
    monkeypatch.setattr(themes, "MAX_SELECTION_DOCS", 9)  # force the subsample path on a small corpus
    docs = TRANSPORT + SCHOOL + TRANSPORT[:3]
    a, b = ThemeModel(random_state=3).fit(docs), ThemeModel(random_state=3).fit(docs)
    pd.testing.assert_frame_equal(a.k_scores_, b.k_scores_)
    np.testing.assert_array_equal(a.doc_weights_, b.doc_weights_)
    assert a.labels_ == b.labels_


def test_fixed_number_of_themes_and_bounds_overrides():
    m = ThemeModel(n_themes=3).fit(TRANSPORT + SCHOOL)
    assert m.n_themes_ == 3 and len(m.labels_) == 3 and m.doc_weights_.shape == (12, 3)
    assert m.k_scores_["k"].tolist() == [3] and m.k_scores_["chosen"].tolist() == [True]
    assert np.isnan(m.k_scores_["stability"].iloc[0])
    m = ThemeModel(min_themes=2, max_themes=2).fit(TRANSPORT + SCHOOL)
    assert m.n_themes_ == 2 and m.k_scores_["k"].tolist() == [2]


def test_one_text_gives_one_theme():
    m = ThemeModel().fit(["Buses in the village are late every day."])
    assert m.n_themes_ == 1
    np.testing.assert_array_equal(m.doc_weights_, [[1.0]])


def test_transform_new_texts(two_topics):
    m = two_topics
    transport = int(m.doc_weights_[0].argmax())
    w = m.transform(["The late bus and the train timetable", "Hello there", "pupils and their teacher"])
    assert w.shape == (3, 2)
    assert w[0].argmax() == transport and w[2].argmax() == 1 - transport
    np.testing.assert_allclose(w[[0, 2]].sum(axis=1), 1.0)
    assert (w[1] == 0).all()
    np.testing.assert_allclose(m.transform(TRANSPORT + SCHOOL).argmax(axis=1), m.doc_weights_.argmax(axis=1))


# Texts that exercise every reading rule: clitics, hyphens, free-standing dashes, curly apostrophes,
# web and e-mail addresses, digits inside words, non-ASCII letters, copies and empty texts.
TRICKY = [
    "The bus-lane's new timetable -- see www.example.org/bus-lane for the bus timetable.",
    "Bus lane?  Mail me@example.org: the bus lane timetable is wrong - lanes wrong.",
    "- bus lane - train fares\n- train fares again",
    "Don\u2019t close the bus lane; the bus timetable works",
    "x2y abc1def bus2lane",
    "Caf\u00e9 ownership and caf\u00e9 ownership of the STRASSE stra\u00dfe",
    "",
    "The bus timetable changed and the bus is always late.",
    "The bus timetable changed and the bus is always late.",
    "train fares, train fares, bus lane, policy-making and decision-making",
    "   leading and trailing spaces around train fares   ",
    "http://x.org/train-fares train fares www.bus.lane",
]
UNENCODABLE = ["train fares \udc80 bus lane", "bus lane"]  # a lone surrogate: Arrow cannot hold it


@pytest.mark.parametrize("phrase_only", [frozenset(), frozenset({"bus", "wrong"})])
@pytest.mark.parametrize("ngram_range", [(1, 2), (1, 1), (2, 2)])
@pytest.mark.parametrize(("min_df", "max_df", "max_features"), [(1, 1.0, None), (2, 0.9, None), (1, 1.0, 7)])
def test_vectorizer_matches_scikit_learn_with_the_reference_analyser(ngram_range, min_df, max_df, max_features,
                                                                      phrase_only):
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = themes._Analyzer(stop_words(), ngram_range, phrase_only)
    docs = TRICKY + TRANSPORT + SCHOOL + UNENCODABLE
    reference = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=min_df, max_df=max_df,
                                max_features=max_features, dtype=np.float32)
    expected = reference.fit_transform(docs).toarray()
    fast = themes._TermVectorizer(analyzer, min_df=min_df, max_df=max_df, max_features=max_features)
    got = fast.fit_transform(docs)
    assert list(fast.get_feature_names_out()) == list(reference.get_feature_names_out())
    np.testing.assert_allclose(got.toarray(), expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(fast.transform(docs[::-1]).toarray(), reference.transform(docs[::-1]).toarray(),
                               rtol=1e-6, atol=1e-7)
    assert got.has_sorted_indices


def test_reference_analyser_reads_the_tricky_texts_as_documented():
    analyzer = themes._Analyzer(stop_words(), (1, 2))
    assert analyzer(TRICKY[0]) == ["bus", "lane", "new", "timetable", "bus lane", "lane new", "new timetable",
                                   "bus", "timetable", "bus timetable"]
    # the address is a break; "bus-lane's" is "bus lane"; a free-standing dash ends the phrase
    assert analyzer(TRICKY[1]) == ["bus", "lane", "bus lane", "mail", "bus", "lane", "timetable", "bus lane",
                                   "lane timetable", "wrong", "lanes", "wrong", "lanes wrong"]
    # letters straight after a digit are no word ("def" of "abc1def"); "x" is a one-letter word
    assert analyzer(TRICKY[4]) == ["abc", "bus", "abc bus"]
    # times and ordinals give no terms: not "pm" or "nd"
    assert analyzer("Open until 6pm on the 2nd, 10am-4pm weekends") == ["open", "weekends"]


def test_evaluative_words_are_terms_only_inside_phrases():
    # NHS feedback's themes were "care; excellent; happy" and "good; service; food": praise, not subjects
    analyzer = themes._Analyzer(stop_words(), (1, 2), frozenset({"excellent"}))
    assert analyzer("Excellent care, excellent!") == ["care", "excellent care"]
    docs = ["Excellent food", "Excellent food and drink", "Excellent nurses", "Excellent nurses on the ward",
            "Terrible food", "Terrible food and drink", "Terrible nurses", "Terrible nurses on the ward"]
    model = ThemeModel(n_themes=2).fit(docs)
    assert _split(model.doc_weights_) == {frozenset({0, 1, 4, 5}), frozenset({2, 3, 6, 7})}  # food, nurses
    names = set(model.feature_names_)
    assert {"excellent food", "terrible nurses"} <= names and not names & {"excellent", "terrible"}
    assert sorted(model.labels_) == ["food; drink", "nurses; ward"]
    kept = ThemeModel(n_themes=2, keep_evaluative_words=True).fit(docs)
    assert {"excellent", "terrible"} <= set(kept.feature_names_)
    # nor does a label take one from a collocation: not "excellent food" (half of them say terrible food),
    # nor "received excellent", a phrase cut short
    clauses = [["received", "excellent", "care"]] * 4
    assert themes._theme_phrases(clauses, ["received", "care"], frozenset(), 3) == ["received", "care"]


def test_a_label_takes_a_collocation_only_when_it_recurs():
    # "members" 5 times, "male members" twice (a third of its uses or more): a collocation among a few
    # comments, chance among hundreds (NHS feedback's "staff; male members" theme praised staff)
    clauses = [["male", "members"]] * 2 + [["members"]] * 3
    assert themes._theme_phrases(clauses, ["members"], frozenset(), 3) == ["male members"]
    assert themes._theme_phrases(clauses, ["members"], frozenset(), 3, min_count=3) == ["members"]


def test_arrow_splits_at_the_same_white_space_as_python():
    import pyarrow as pa
    import pyarrow.compute as pc

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    texts = ["a" + c + "b" for c in chars]
    arrow = pc.list_value_length(pc.utf8_split_whitespace(pa.array(texts))).to_numpy()
    python = np.array([len(t.split()) for t in texts])
    assert [hex(ord(c)) for c, a, b in zip(chars, arrow, python, strict=True) if a != b] == []


def test_transform_is_row_independent_and_matches_the_fit():
    docs = TRANSPORT + SCHOOL + TRICKY
    m = ThemeModel(n_themes=3).fit(docs)
    whole = m.transform(docs)
    np.testing.assert_array_equal(whole, m.doc_weights_)
    for cut in (1, 5, 17):
        parts = [m.transform(docs[:cut]), m.transform(docs[cut:])]
        np.testing.assert_array_equal(np.vstack(parts), whole)
    np.testing.assert_array_equal(m.transform(docs[::-1]), whole[::-1])
    np.testing.assert_array_equal(m.transform([docs[7]] * 3), np.vstack([whole[7]] * 3))
    assert m.transform([]).shape == (0, 3)


def test_transform_in_worker_processes_gives_the_same_weights(monkeypatch, worker_pools):
    docs = TRANSPORT + SCHOOL + TRICKY
    m = ThemeModel(n_themes=3).fit(docs)
    monkeypatch.setattr(themes, "_TRANSFORM_BLOCK", 4)
    np.testing.assert_array_equal(m.transform(docs), m.doc_weights_)
    assert worker_pools == [(2,)]


def test_weights_solve_non_negative_least_squares():
    from scipy.optimize import nnls

    rng = np.random.default_rng(0)
    H = np.kron(np.eye(4), np.ones(3)) + 0.3 * rng.random((4, 12))  # four themes of three main terms
    X = rng.random((30, 12)) * (rng.random((30, 12)) < 0.4)
    X[3] = 0  # a row with no terms: all-zero weights
    got = themes._solve_weights(sp.csr_matrix(X.astype(np.float32)), H)
    expected = np.array([nnls(H.T, x.astype(np.float32).astype(np.float64))[0] for x in X])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert (got[3] == 0).all()


def test_reuse_fitted_weights_equals_transform(two_topics):
    texts = [SCHOOL[2], "A new text about the late bus", TRANSPORT[0], SCHOOL[2], ""]
    got = themes.reuse_fitted_weights(texts, TRANSPORT + SCHOOL, two_topics.doc_weights_, two_topics.transform)
    np.testing.assert_array_equal(got, two_topics.transform(texts))


def test_deterministic_when_learning_the_themes_on_a_sample(monkeypatch):
    monkeypatch.setattr(themes, "MAX_FIT_DOCS", 10)  # learn from a sample of 10, solve every text
    docs = TRANSPORT + SCHOOL + TRANSPORT[:3]
    a, b = ThemeModel(n_themes=2, random_state=3).fit(docs), ThemeModel(n_themes=2, random_state=3).fit(docs)
    np.testing.assert_array_equal(a.doc_weights_, b.doc_weights_)
    np.testing.assert_array_equal(a.doc_weights_, a.transform(docs))
    assert _split(a.doc_weights_[:12]) == {frozenset(range(6)), frozenset(range(6, 12))}


def test_estimator_conventions():
    model = ThemeModel(n_themes=4, max_df=0.8)
    assert not [a for a in vars(model) if a.endswith("_")]
    params = model.get_params()
    assert params["n_themes"] == 4 and params["max_df"] == 0.8 and params["random_state"] == 0
    assert set(params) == {
        "n_themes",
        "min_themes",
        "max_themes",
        "ngram_range",
        "min_df",
        "max_df",
        "max_features",
        "assign_threshold",
        "random_state",
        "extra_stop_words",
        "keep_evaluative_words",
        "term_exclusivity",
    }
    assert clone(model).get_params() == params
    assert model.fit(TRANSPORT + SCHOOL) is model
    with pytest.raises(NotFittedError):
        ThemeModel().transform(["x"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_themes": 13},
        {"n_themes": -1},
        {"min_themes": 3, "max_themes": 2},
        {"ngram_range": (2, 1)},
        {"assign_threshold": 1.5},
        {"n_themes": 2.5},
    ],
)
def test_bad_parameters(kwargs):
    with pytest.raises(ConfigError):
        ThemeModel(**kwargs).fit(TRANSPORT + SCHOOL)


@pytest.mark.parametrize("texts", [[], ["the and of", "is it the"], "a single string"])
def test_nothing_to_model(texts):
    with pytest.raises(InputError):
        ThemeModel().fit(texts)


def test_a_whole_table_is_refused_with_what_to_pass():
    # an audit passed a DataFrame: its column names were read as the texts ("1 texts, 1 terms")
    with pytest.raises(InputError, match=r'not a whole table: pass its text column, e.g. comments\["text"\]'):
        ThemeModel(n_themes=2).fit(pd.DataFrame({"text": TRANSPORT + SCHOOL}))


# ------------------------------------------------------------------------------------------- labels


def test_labels_use_collocations_and_do_not_repeat_words():
    docs = [
        "Social media helps councils listen.",
        "Councils should use social media more.",
        "Social media engagement works well.",
        "I read the council page on social media daily.",
        "Social media is where young people talk now.",
        "Leaflets through the door still matter to older residents.",
    ]  # (a phrase in more than 90% of comments would be dropped by max_df, hence the last one)
    m = ThemeModel(n_themes=1).fit(docs)
    phrases = m.labels_[0].split("; ")
    assert phrases[0] == "social media"  # "social" and "media" only ever occur together
    assert "social" not in phrases and "media" not in phrases
    assert 1 <= len(phrases) <= 3


def test_labels_of_two_topics(two_topics):
    m = two_topics
    transport = int(m.doc_weights_[0].argmax())
    assert len(set(m.labels_)) == 2
    for t, label in enumerate(m.labels_):
        words = re.findall(r"[a-z]+", label)
        assert words and set(words) <= (TRANSPORT_WORDS if t == transport else SCHOOL_WORDS)
        stems = [themes._stems(p) for p in label.split("; ")]
        assert all(not (a & b) for i, a in enumerate(stems) for b in stems[i + 1 :])


def test_clashing_labels_are_told_apart():
    weights = np.array([[1.0, 0.0], [0.0, 1.0]])
    labels = themes._labels(["bus late", "bus late"], weights, [["bus"], ["bus"]], stop_words(), 0.2)
    assert labels == ["bus (1)", "bus (2)"]


# ------------------------------------------------------------------------------------------ summaries

EXTRA = [
    "Bus and train services should share one timetable.",  # transport
    "The school bus timetable makes pupils late for the teacher.",  # both topics
    "Hello!",  # no terms: not assigned
]


@pytest.fixture(scope="module")
def summary():
    texts = TRANSPORT + SCHOOL + EXTRA
    comments = pd.DataFrame(
        {"comment_id": pd.Series([f"c{i:02d}" for i in range(len(texts))], dtype="string"), "text": texts}
    )
    model = ThemeModel(n_themes=2).fit(comments["text"])
    themes_table, assignments = summarise_themes(model, comments)
    return model, comments, themes_table, assignments


def test_theme_table(summary):
    model, comments, table, _ = summary
    n = len(comments)
    assert tuple(table.columns) == THEME_COLUMNS
    assert table["theme_id"].tolist() == [1, 2]
    # transport: 6 + "Bus and train..." + the mixed comment = 8; school: 6 + the mixed comment = 7
    first, second = table.iloc[0], table.iloc[1]
    assert first["size"] == 8 and second["size"] == 7
    assert set(first["top_terms"][0].split()) <= TRANSPORT_WORDS
    assert first["main_size"] + second["main_size"] == n - 1  # every comment but "Hello!"
    assert first["main_size"] in (7, 8) and second["main_size"] in (6, 7)
    lo, hi = wilson_interval(8, n)
    assert first["share"] == pytest.approx(8 / n)
    assert (first["ci_low"], first["ci_high"]) == pytest.approx((float(lo), float(hi)))
    assert isinstance(first["label"], str) and first["label"]
    assert table["size"].dtype == np.int64 and table["theme_id"].dtype == np.int64


def test_assignments_cover_every_comment(summary):
    model, comments, table, assigned = summary
    assert tuple(assigned.columns) == ASSIGNMENT_COLUMNS
    assert str(assigned["theme_id"].dtype) == "Int64"
    assert set(assigned["comment_id"]) == set(comments["comment_id"])
    # exactly one main row per comment, in comment order
    main = assigned[assigned["is_main"]]
    assert main["comment_id"].tolist() == comments["comment_id"].tolist()
    hello = assigned[assigned["comment_id"] == "c14"]
    assert len(hello) == 1 and pd.isna(hello["theme_id"].iloc[0]) and np.isnan(hello["weight"].iloc[0])
    mixed = assigned[assigned["comment_id"] == "c13"]
    assert sorted(mixed["theme_id"].tolist()) == [1, 2] and mixed["is_main"].sum() == 1
    # the table's sizes are the assignment counts
    counts = assigned["theme_id"].value_counts()
    assert [counts[t] for t in table["theme_id"]] == table["size"].tolist()
    mains = main["theme_id"].value_counts()
    assert [mains[t] for t in table["theme_id"]] == table["main_size"].tolist()
    assert (assigned["weight"].dropna() >= model.assign_threshold).all()


def test_quotes_are_typical_members(summary):
    _, comments, table, assigned = summary
    for row in table.itertuples():
        assert 1 <= len(row.quote_ids) <= 3
        members = set(assigned.loc[assigned["theme_id"] == row.theme_id, "comment_id"])
        assert set(row.quote_ids) <= members
    assert "c14" not in {q for qs in table["quote_ids"] for q in qs}


def test_quotes_are_typical_not_the_first_rows_of_the_file():
    # NHS feedback: hundreds of comments weigh exactly 1 on a theme, and the first rows (the first trust)
    # gave every quote. Here 30 one-theme comments tie: 27 say the usual thing about friendly staff, three
    # (the first three rows) complain; the quotes must be usual ones.
    # ("The ward staff", not "Ward staff": a capitalised word the corpus never writes in lower case may be
    # a name, and quotes naming no one come first)
    usual = [f"{who} {how} {when}" for who in ("The staff were", "The ward staff were", "The night staff were")
             for how in ("friendly and caring", "so caring and friendly", "caring, kind and friendly")
             for when in ("to my mother", "every single day", "when I was scared")]
    odd = ["Staff takeaways every day are not fair at all", "Staff explicit remarks upset patients badly",
           "Young staff are sometimes not nice"]
    other = [f"The food was cold and the menu never changed, week {i}" for i in range(30)]
    texts = odd + usual + other
    c = pd.DataFrame({"comment_id": [f"c{i}" for i in range(len(texts))], "text": texts})
    model = ThemeModel(n_themes=2, random_state=0).fit(c["text"])
    themes, _ = summarise_themes(model, c, n_quotes=3)
    staff = themes[themes["top_terms"].map(lambda t: "staff" in t)].iloc[0]
    assert not set(staff["quote_ids"]) & {"c0", "c1", "c2"}
    assert all(int(q[1:]) < 30 for q in staff["quote_ids"])


def test_quotes_that_name_no_one_come_first():
    # NHS feedback quoted "Tracey was my CPN and her care was excellent": staff named without a title are
    # not found by redaction, so such quotes give way to the next ones. "Always" is an everyday word here
    # (written "always" twice); "Tracey" and "Leeds" never are. Pool order = typicality.
    texts = ["Tracey was so kind to us", "Always kind, always there", "The nurses were kind", "Kind staff in Leeds",
             "kind and always calm"]
    ids = np.array(list("abcde"), dtype=object)
    corpus = pd.Series(texts)
    assert themes._choose_quotes([[0, 1, 2, 3, 4]], texts, ids, corpus, 3) == [["b", "c", "e"]]
    # too few others: the named ones still fill the theme's quotes, most typical first
    assert themes._choose_quotes([[0, 1, 2, 3, 4], [3, 0]], texts, ids, corpus, 5) == [
        ["b", "c", "e", "a", "d"], ["d", "a"]]


def test_quotes_give_one_copy_of_a_campaign_letter():
    # An audit's consultation quoted three copies of one campaign letter (each with its own line added,
    # so no two were near-copies) for one theme. Here eight letters share a template, each with a
    # different added sentence of its own, and four comments of their own speak of the same subject.
    template = ("I object to the blanket speed limit on our roads because buses and ambulances will be slowed "
                "and the money should fix potholes instead")
    added = ["My husband drives an ambulance.", "Our bus is already late.", "Potholes broke my wheel.",
             "I drive for a living.", "Think of the carers.", "Local councils know best.",
             "Nobody asked our street.", "Fix the roads first."]
    own = ["Speed limit signs cost money that should fix potholes on our roads",
           "Potholes on our roads are worse than any speed, fix them first please",
           "Buses will be slowed by a blanket speed limit, which helps no one on the roads",
           "Ambulances slowed by the speed limit on our roads could cost lives"]
    other = [f"The library opening hours are too short for working parents, week {i}" for i in range(12)]
    texts = [f"{template}. {a}" for a in added] + own + other
    c = pd.DataFrame({"comment_id": [f"c{i}" for i in range(len(texts))], "text": texts})
    copies = np.array([0] * 8 + [-1] * (len(texts) - 8))  # the letters are one group of copies
    model = ThemeModel(n_themes=2, random_state=0).fit(c["text"])
    table, _ = summarise_themes(model, c, n_quotes=3, copies_of=copies)
    roads = table[table["top_terms"].map(lambda t: "potholes" in t)].iloc[0]
    letters = {f"c{i}" for i in range(8)}
    assert len(roads["quote_ids"]) == 3 and len(set(roads["quote_ids"]) & letters) <= 1
    # without the groups, several letters are quoted (what the audit saw)
    table, _ = summarise_themes(model, c, n_quotes=3)
    roads = table[table["top_terms"].map(lambda t: "potholes" in t)].iloc[0]
    assert len(set(roads["quote_ids"]) & letters) >= 2


def test_quotes_skip_near_copies():
    near_copies = [
        "The bus timetable changed and the bus is always late.",
        "The bus timetable changed and the bus is always late!!",
        "the bus timetable CHANGED, and the bus is always late",
    ]
    texts = near_copies + TRANSPORT[1:] + SCHOOL
    comments = pd.DataFrame({"comment_id": [f"q{i}" for i in range(len(texts))], "text": texts})
    model = ThemeModel(n_themes=2).fit(comments["text"])
    table, _ = summarise_themes(model, comments, n_quotes=3)
    transport = table.loc[table["top_terms"].map(lambda t: bool(set(t[0].split()) & TRANSPORT_WORDS))].iloc[0]
    quotes = transport["quote_ids"]
    assert len(quotes) == 3
    assert len({"q0", "q1", "q2"} & set(quotes)) == 1
    vectors = model.vectorizer_.transform([texts[int(q[1:])] for q in quotes])
    similarity = (vectors @ vectors.T).toarray()
    assert similarity[np.triu_indices(3, k=1)].max() <= 0.8


def test_quotes_respect_refused_consent(summary):
    model, comments, _, _ = summary
    refused = comments.assign(consent_to_publish=pd.array([False] * 6 + [None] * 9, dtype="boolean"))
    table, _ = summarise_themes(model, refused)
    quoted = {q for qs in table["quote_ids"] for q in qs}
    assert quoted and not quoted & set(comments["comment_id"][:6])


def test_threshold_override(summary):
    model, comments, _, _ = summary
    table, assigned = summarise_themes(model, comments, assign_threshold=1.0, n_quotes=0)
    # only comments wholly in one theme count; n_quotes=0 gives no quotes
    assert table["quote_ids"].map(len).sum() == 0
    assert assigned.groupby("comment_id").size().max() == 1


def test_summarise_rejects_other_comments(summary):
    model, comments, _, _ = summary
    with pytest.raises(InputError):
        summarise_themes(model, comments.iloc[:-1])
    with pytest.raises(SchemaError):
        summarise_themes(model, comments.drop(columns="text"))


# ---------------------------------------------------------------------------------- example corpus


def _example_comments() -> list[str]:
    """The 7 comments of the bundled blog page, read crudely: numbered responses minus pingbacks."""
    page = EXAMPLE_PAGE.read_text(encoding="utf-8")
    block = page.split("10 responses", 1)[1].split("Leave a Reply", 1)[0]
    items = re.split(r"\n\s*\d+\.\s+", "\n" + block)[1:]
    return [item.strip() for item in items if not item.strip().startswith("Pingback")]


def test_example_corpus_gives_one_or_two_themes():
    texts = _example_comments()
    assert len(texts) == 7 and texts[0].startswith("Top post Em!")
    comments = pd.DataFrame({"comment_id": [str(i) for i in range(7)], "text": texts})
    model = ThemeModel().fit(comments["text"])
    assert model.n_themes_ in (1, 2)
    assert len(model.labels_) == model.n_themes_ and all(model.labels_)
    table, assigned = summarise_themes(model, comments)
    assert len(table) == model.n_themes_
    assert set(assigned["comment_id"]) == set(comments["comment_id"])


# ------------------------------------------------------------------------------------------ real data


@pytest.mark.shared
def test_bbc_news_five_themes_recover_the_five_sections():
    """OCTIS BBC News: 2,225 articles in 5 sections. Five themes should line up one-to-one with them."""
    import csv

    from sklearn.metrics import normalized_mutual_info_score

    from tests.conftest import shared_corpus

    path = shared_corpus("octis-bbc-news", "corpus.tsv")
    bbc = pd.read_csv(path, sep="\t", header=None, names=["text", "part", "label"], quoting=csv.QUOTE_NONE)
    assert len(bbc) == 2225  # counted in the corpus's SOURCE.txt
    model = ThemeModel(n_themes=5).fit(bbc["text"])
    main = model.doc_weights_.argmax(axis=1)
    majority = pd.crosstab(main, bbc["label"]).idxmax(axis=1)
    assert sorted(majority) == ["business", "entertainment", "politics", "sport", "tech"]
    assert normalized_mutual_info_score(bbc["label"], main) > 0.75


def test_identical_texts_give_one_theme_holding_them_all():
    # A campaign letter sent 40 times: max_df would prune every word, and a rank-one matrix has one theme.
    texts = ["I object to the closure of the Riverside library because children need it."] * 40
    model = ThemeModel().fit(texts)
    assert model.n_themes_ == 1 and model.bounds_ == (1, 1)
    table, assignments = summarise_themes(model, pd.DataFrame({"comment_id": [f"c{i}" for i in range(40)],
                                                               "text": texts}))
    assert table["size"].tolist() == [40]
    assert assignments["theme_id"].notna().all()


# ------------------------------------------------------------------- term exclusivity, sample weights


def test_term_scores_worked_by_hand():
    h = np.array([[3.0, 1.0], [1.0, 0.0]])
    # exclusivity 1: 3 * 3/4 = 2.25, 1 * 1/1 = 1; 1 * 1/4 = 0.25, 0
    np.testing.assert_allclose(themes.term_scores(h, 1.0), [[2.25, 1.0], [0.25, 0.0]])
    # exclusivity 0.5: 3 * sqrt(3/4) = 2.598, 1; 1 * sqrt(1/4) = 0.5
    np.testing.assert_allclose(themes.term_scores(h, 0.5), [[2.598076, 1.0], [0.5, 0.0]], atol=1e-6)


def test_exclusivity_keeps_a_shared_word_off_the_top_of_every_theme():
    h = np.array([[5.0, 4.0, 0.0], [5.0, 0.0, 4.0]])  # word 0 is heavy in both themes
    names = np.array(["council", "bus", "school"])
    by_weight = [names[i[0]] for i in themes._top_indices(themes.term_scores(h, 0.0), 1)]
    distinct = [names[i[0]] for i in themes._top_indices(themes.term_scores(h, 1.0), 1)]
    assert by_weight == ["council", "council"] and distinct == ["bus", "school"]


def test_unit_sample_weights_change_nothing_and_bad_weights_are_refused(two_topics):
    texts = TRANSPORT + SCHOOL
    weighted = ThemeModel().fit(texts, sample_weight=np.ones(len(texts)))
    np.testing.assert_allclose(weighted.doc_weights_, two_topics.doc_weights_, atol=1e-6)
    assert weighted.top_terms_ == two_topics.top_terms_
    with pytest.raises(InputError):
        ThemeModel().fit(texts, sample_weight=[1.0] * 3)
    with pytest.raises(InputError):
        ThemeModel().fit(texts, sample_weight=[-1.0] + [1.0] * 11)


def test_a_zero_weight_text_still_gets_its_theme():
    texts = TRANSPORT + SCHOOL
    w = np.ones(len(texts))
    w[0] = 0.0
    m = ThemeModel(n_themes=2).fit(texts, sample_weight=w)
    main = m.doc_weights_.argmax(axis=1)
    assert m.doc_weights_[0].sum() == pytest.approx(1.0) and main[0] == main[1]


# ---------------------------------------------------------------------------- agreement of two runs


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),  # the same split, names swapped
        ([0, 0, 1, 1, 2], [5, 5, 7, 7, 7], 0.8),  # groups 1 and 2 merged: one item lost
        ([0, 1, 2, 3], [0, 0, 0, 0], 0.25),  # one group matches one item
        ([0, None, None], [0, None, 1], 2 / 3),  # not assigned matches only not assigned
    ],
)
def test_matched_agreement(a, b, expected):
    assert themes.matched_agreement(a, b) == pytest.approx(expected)


def test_two_seeds_give_corresponding_themes(two_topics):
    other = ThemeModel(random_state=7).fit(TRANSPORT + SCHOOL)
    assert themes.matched_agreement(two_topics.doc_weights_.argmax(1), other.doc_weights_.argmax(1)) == 1.0


# ----------------------------------------------------------------------------------- breakdowns


@pytest.fixture()
def small_result():
    t = pd.DataFrame({"theme_id": [1, 2], "label": ["buses", "schools"]})
    a = pd.DataFrame({"comment_id": ["a", "a", "b", "c", "d"], "theme_id": pd.array([1, 2, 1, None, 2], dtype="Int64"),
                      "is_main": [True, False, True, True, True]})
    c = pd.DataFrame({"comment_id": ["a", "b", "c", "d"], "respondent_id": ["r1", "r2", "r3", None],
                      "question_id": ["q1", "q1", "q2", "q2"],
                      "created_at": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-02-01", None], utc=True)})
    r = pd.DataFrame({"respondent_id": ["r1", "r2", "r3"], "respondent_type": ["Individual"] * 3,
                      "q1_position": ["Agree", "Disagree", "Agree"]})
    return t, a, c, r


def test_breakdown_by_question_counts_and_wilson_interval(small_result):
    t, a, c, _ = small_result
    b = themes.theme_breakdown(t, a, c, by="question_id")
    q1 = b[b["group"] == "q1"].set_index("label")
    assert q1["n"].to_dict() == {"buses": 2, "schools": 1, "not assigned": 0}
    assert (q1["n_group"] == 2).all()
    # 1 of 2, z = 1.96: centre (0.5 + 0.9604) / 2.9208 = 0.5, half 1.96 / 2.9208 * sqrt(0.125 + 0.2401) = 0.4055
    assert q1.loc["schools", "ci_low"] == pytest.approx(0.0945, abs=1e-4)
    assert q1.loc["schools", "ci_high"] == pytest.approx(0.9055, abs=1e-4)
    q2 = b[b["group"] == "q2"].set_index("label")
    assert q2["n"].to_dict() == {"buses": 0, "schools": 1, "not assigned": 1}


def test_breakdown_by_closed_question_and_month(small_result):
    t, a, c, r = small_result
    assert themes.breakdown_columns(c, r) == ["question_id", "q1_position", "month"]
    pos = themes.theme_breakdown(t, a, c, by="q1_position", respondents=r).set_index(["group", "label"])["n"]
    assert pos[("Agree", "buses")] == 1 and pos[("Agree", "not assigned")] == 1
    assert pos[("Disagree", "buses")] == 1 and pos[("Not stated", "schools")] == 1
    # in the order of the scale, then those who did not say (an audit saw the answers alphabetically)
    groups = themes.theme_breakdown(t, a, c, by="q1_position", respondents=r)["group"].drop_duplicates().tolist()
    assert groups == ["Agree", "Disagree", "Not stated"]
    r2 = r.assign(q1_position=r["q1_position"].replace({"Agree": "Strongly agree"}))
    groups = themes.theme_breakdown(t, a, c, by="q1_position", respondents=r2)["group"].drop_duplicates().tolist()
    assert groups == ["Strongly agree", "Disagree", "Not stated"]
    month = themes.theme_breakdown(t, a, c, by="month").set_index(["group", "label"])
    assert month.loc[("2024-01", "buses"), "n"] == 2 and month.loc[("2024-01", "buses"), "n_group"] == 2
    assert month.loc[("Not stated", "schools"), "n"] == 1
    with pytest.raises(SchemaError):
        themes.theme_breakdown(t, a, c, by="region", respondents=r)


def test_months_are_counted_in_the_publisher_s_calendar():
    # 22:00 on 31 January in New York is 03:00 on 1 February in UTC: January's for a US docket
    t = pd.DataFrame({"theme_id": [1], "label": ["buses"]})
    a = pd.DataFrame({"comment_id": ["a", "b"], "theme_id": pd.array([1, 1], dtype="Int64"), "is_main": [True, True]})
    c = pd.DataFrame({"comment_id": ["a", "b"],
                      "created_at": pd.to_datetime(["2024-02-01T03:00:00Z", "2024-01-10T12:00:00Z"], utc=True)})
    assert themes.breakdown_columns(c, timezone="America/New_York") == ["week"]
    assert themes.breakdown_columns(c) == ["month"]
    local = themes.theme_breakdown(t, a, c, by="month", timezone="America/New_York")
    assert local.loc[local["label"] == "buses", ["group", "n"]].values.tolist() == [["2024-01", 2]]
    utc = themes.theme_breakdown(t, a, c, by="month")
    assert utc.loc[utc["label"] == "buses", ["group", "n"]].values.tolist() == [["2024-01", 1], ["2024-02", 1]]


def test_themes_json_maps_every_comment(small_result):
    t, a, _, _ = small_result
    t = t.assign(top_terms=[["bus"], ["school"]], size=[2, 2], main_size=[2, 1], share=[0.5, 0.5],
                 ci_low=[0.15, 0.15], ci_high=[0.85, 0.85], quote_ids=[["a"], ["d"]])
    doc = themes.themes_json(t, a)
    assert doc["assignments"] == {"a": [1, 2], "b": [1], "c": [], "d": [2]}
    assert doc["n_not_assigned"] == 1 and doc["themes"][1]["quotes"] == ["d"]


def test_make_theme_model():
    assert isinstance(themes.make_theme_model("nmf", n_themes=2), ThemeModel)
    with pytest.raises(ConfigError):
        themes.make_theme_model("lda")


@pytest.mark.parametrize("n", [0, 1, 3, 7, 20, 50])
def test_top_rows_is_a_stable_argsort_prefix(n):
    rng = np.random.default_rng(n)
    values = rng.integers(0, 5, 40).astype(float) / 4  # many ties
    values[::7] = -np.inf
    np.testing.assert_array_equal(themes._top_rows(values, n), np.argsort(-values, kind="stable")[:n])
