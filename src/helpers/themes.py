"""Themes: what people wrote about, with readable labels, typical quotes and how many said it.

The model
    :class:`ThemeModel` is TF-IDF + non-negative matrix factorisation (NMF), the usual choice for
    short texts when the result has to be explained to a non-specialist: each theme is a weighted
    list of words and phrases, and each comment a mixture of themes.

    Terms are words of two or more letters and two-word phrases (``ngram_range=(1, 2)``). Phrases
    are only formed from words that are next to each other in the text: a stop word or punctuation
    ends a phrase, so "state of the art" gives no "state art" (scikit-learn's own analyser would
    join words across the removed stop words). Stop words are scikit-learn's English list, minus a
    few content words it wrongly includes ("system", "bill", "fire", "interest"... see
    :data:`RESTORED_WORDS`), plus words that are everywhere in comment threads and consultation
    responses and never name a theme (:data:`GENERIC_WORDS`), plus contraction fragments ("don",
    "isn"). Weights are sublinear TF-IDF. A term must appear in at least ``min_df`` comments
    (:func:`default_min_df`: 1 below 50 comments, 2 below 1,000, else 3) and in at most ``max_df``
    of them.

Choosing the number of themes
    With ``n_themes=0`` the model tries candidates between the bounds of :func:`theme_bounds`
    (all of them when there are at most 10, else 10 evenly spaced), each fitted to the same
    deterministic sample of at most 20,000 comments, and scores each candidate two ways:

    - *coherence*: for each theme, the mean normalised pointwise mutual information (NPMI) of pairs
      of its top 10 terms, from how often the two appear in the same comment (Bouma 2009; Aletras &
      Stevenson 2013). +1 means the terms always occur together, 0 independent, -1 never together.
      Pairs where one term contains the other ("social" and "social media") are skipped.
    - *stability*: the model is refitted on random 80% subsamples (2 of them for a sample of 2,000
      comments or more, 4 from 200, 10 below); each theme's top 10 terms are matched to the closest
      theme of the refit (Hungarian matching on Jaccard overlap) and the mean overlap is the
      stability (Greene, O'Callaghan & Cunningham 2014). 1 means the same themes come back
      whatever the sample.

    Both use each theme's top terms among those found in at least two comments (a word used once
    says nothing about which words go together; this only matters below 50 comments, where
    ``min_df`` is 1). The chosen number is the most coherent among those whose stability is within
    :data:`STABILITY_TOLERANCE` of the most stable; ties go to fewer themes. ``k_scores_`` keeps the
    table so a notebook can plot it.

Labels and quotes
    A theme's label is up to three phrases, e.g. "social media; engagement; political system": its
    top terms in order, where each single word is replaced by the strongest two-word collocation
    containing it (NLTK's likelihood-ratio score over the theme's 300 most typical comments, stop
    words excluded, seen at least twice) if that phrase accounts for at least a third of the word's
    uses, and skipping a phrase that shares a word stem with one already chosen. Quotes (see
    :func:`summarise_themes`) are the comments with the highest weight for the theme, skipping
    near-copies of a quote already chosen and preferring comments of at least 8 words.

Reproducibility
    All randomness comes from ``random_state``: the same texts and parameters give identical terms,
    labels and weights.

Scale
    Sparse matrices throughout; the term matrix is float32. Measured on two cores with 100,000
    synthetic comments of 60 words: 14 s with ``n_themes=12``, 30 s with ``n_themes=40``, and 48 s
    with the number chosen automatically (30 scoring fits on the 20,000-comment sample, then the
    final fit). About half of a fixed-k fit is reading the texts into terms (pure Python).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from nltk.collocations import BigramCollocationFinder
from nltk.metrics import BigramAssocMeasures
from nltk.stem import PorterStemmer
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .errors import ConfigError, InputError, SchemaError
from .stats import wilson_interval

__all__ = [
    "ThemeModel",
    "theme_bounds",
    "default_min_df",
    "stop_words",
    "summarise_themes",
    "GENERIC_WORDS",
    "RESTORED_WORDS",
    "THEME_COLUMNS",
    "ASSIGNMENT_COLUMNS",
]

#: Words scikit-learn's English stop list includes but that carry meaning in public comments.
RESTORED_WORDS: frozenset[str] = frozenset(
    "amount bill bottom call cry detail empty fire front full interest mill move serious side system "
    "thick thin top".split()
)

#: Words found throughout comment threads and consultation responses that never name a theme.
#: Adjectives such as "good" and nouns such as "people" are deliberately absent: they start phrases
#: ("good practice", "young people") and a stop word breaks a phrase.
GENERIC_WORDS: frozenset[str] = frozenset(
    """
    just really think thinks thought thing things lot lots way ways like likes yes yeah ok okay oh ah
    hi hello dear sir madam thanks thank thankyou regards sincerely cheers actually maybe probably
    certainly definitely simply quite pretty bit sort kind want wants wanted know knew known knows
    say says said saying tell told make makes making get gets getting got gotten goes going gone went
    come comes coming came let lets does did doing having seen look looks looking feel feels believe
    agree agreed disagree point points comment comments commented post posts posted reply replies
    response responses respond question questions answer answers consultation lol sure shall
    """.split()
)

# What remains of a contraction once its clitic is stripped ("don't" -> "don"), and redaction marks.
_CONTRACTION_STEMS = frozenset(
    "don doesn didn isn aren wasn weren hasn haven hadn won wouldn couldn shouldn mustn needn ain "
    "shan mightn ve ll im ive id youre dont doesnt didnt isnt arent wasnt werent wont wouldnt "
    "shouldnt thats theres whats lets".split()
) | {"x" * n for n in range(2, 9)}  # "xxxx": redacted names

#: Default stability tolerance when choosing the number of themes.
STABILITY_TOLERANCE: float = 0.05
#: At most this many comments are used to choose the number of themes.
MAX_SELECTION_DOCS: int = 20_000
#: Number of top terms per theme kept in ``top_terms_`` and used for coherence and stability.
N_TOP_TERMS: int = 10
#: At most this many candidate numbers of themes are tried.
MAX_CANDIDATES: int = 10
# (fewest comments in the sample, number of 80% resamples): small samples are cheap to refit and
# need more resamples for a steady stability score.
_RESAMPLES = ((2_000, 2), (200, 4), (0, 10))
_RESAMPLE_FRACTION = 0.8
_NMF_MAX_ITER = 400
_NMF_TOL = 1e-4
# The scoring fits only need each theme's top terms, which settle long before the weights do.
_SCORING_MAX_ITER = 200
_SCORING_TOL = 1e-3
_LABEL_DOCS = 300  # top comments per theme read for its label's phrases
_LABEL_PHRASES = 3
_QUOTE_CANDIDATES = 200
_QUOTE_MIN_WORDS = 8
_NEAR_COPY = 0.8

#: Columns of the themes table from :func:`summarise_themes`.
THEME_COLUMNS: tuple[str, ...] = (
    "theme_id",
    "label",
    "top_terms",
    "size",
    "main_size",
    "share",
    "ci_low",
    "ci_high",
    "quote_ids",
)
#: Columns of the assignments table from :func:`summarise_themes`.
ASSIGNMENT_COLUMNS: tuple[str, ...] = ("comment_id", "theme_id", "weight", "is_main")


# --------------------------------------------------------------------------------------------------
# Text to terms


def stop_words(extra: Iterable[str] = ()) -> frozenset[str]:
    """The stop list: scikit-learn's English list minus :data:`RESTORED_WORDS`, plus
    :data:`GENERIC_WORDS`, contraction fragments and ``extra`` (lower-cased).

    Examples
    --------
    >>> s = stop_words(["toolkit"])
    >>> "the" in s, "system" in s, "think" in s, "toolkit" in s, "bus" in s
    (True, False, True, True, False)
    """
    extra_words = {str(w).lower().strip() for w in extra}
    return frozenset(
        (set(ENGLISH_STOP_WORDS) - RESTORED_WORDS) | GENERIC_WORDS | _CONTRACTION_STEMS | extra_words
    )


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
# A word (letters, with inner apostrophes or hyphens) or a phrase break (punctuation other than an
# apostrophe or in-word hyphen, or a free-standing dash). Web and e-mail addresses are breaks too;
# that alternative is only used when a text could hold one, as it slows the scan.
_WORD_OR_BREAK = r"([^\W\d_]+(?:['-][^\W\d_]+)*)|([^\w\s'-]+|-{2,}|\s-+(?=\s|$))"
_TOKENS = re.compile(_WORD_OR_BREAK)
_TOKENS_WEB = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|" + _WORD_OR_BREAK)
_CLITICS = frozenset("s t re ve ll d m".split())


def _clauses(text: str) -> list[list[str]]:
    """Lower-cased words of ``text``, grouped into runs between punctuation (phrases never cross it).

    Clitics are stripped ("obama's" -> "obama", "don't" -> "don") and hyphenated words split
    ("policy-making" -> "policy", "making").

    Examples
    --------
    >>> _clauses("Obama's policy-making -- see www.x.org; it's GREAT")
    [['obama', 'policy', 'making'], ['see'], ['it', 'great']]
    """
    text = text.lower().translate(_APOSTROPHES)
    tokens = _TOKENS_WEB if ("@" in text or "://" in text or "www." in text) else _TOKENS
    out: list[list[str]] = []
    run: list[str] = []
    for word, _break in tokens.findall(text):
        if not word:
            if run:
                out.append(run)
                run = []
            continue
        if "'" in word:
            head, _, tail = word.rpartition("'")
            if tail in _CLITICS:
                word = head
        if "-" in word:
            run.extend(word.split("-"))
        else:
            run.append(word)
    if run:
        out.append(run)
    return out


class _Analyzer:
    """Turns a text into its terms: content words and phrases of adjacent content words."""

    def __init__(self, stop: frozenset[str], ngram_range: tuple[int, int]):
        self.stop = stop
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        text = text.lower().translate(_APOSTROPHES)
        tokens = _TOKENS_WEB if ("@" in text or "://" in text or "www." in text) else _TOKENS
        stop = self.stop
        out: list[str] = []
        run: list[str] = []
        for word, _break in tokens.findall(text):
            if word:
                if "'" in word:
                    head, _, tail = word.rpartition("'")
                    if tail in _CLITICS:
                        word = head
                if "-" in word:  # in-word hyphen: each part is a word, and the phrase goes on
                    for part in word.split("-"):
                        if len(part) > 1 and part not in stop:
                            run.append(part)
                        elif run:
                            self._emit(run, out)
                            run = []
                    continue
                if len(word) > 1 and word not in stop:
                    run.append(word)
                    continue
            if run:
                self._emit(run, out)
                run = []
        if run:
            self._emit(run, out)
        return out

    def _emit(self, run: list[str], out: list[str]) -> None:
        lo, hi = self.ngram_range
        if lo == 1:
            out.extend(run)
        if hi >= 2 and lo <= 2 and len(run) > 1:
            out.extend([a + " " + b for a, b in zip(run, run[1:], strict=False)])
        for n in range(max(lo, 3), hi + 1):
            out.extend([" ".join(run[i : i + n]) for i in range(len(run) - n + 1)])


def default_min_df(n_docs: int) -> int:
    """Fewest comments a term must appear in: 1 below 50 comments, 2 below 1,000, else 3.

    In a small corpus every word may matter; in a large one, words used once or twice are mostly
    typos and names, and dropping them keeps the vocabulary (and the fit) small.

    Examples
    --------
    >>> [default_min_df(n) for n in (7, 49, 50, 999, 1000, 100_000)]
    [1, 1, 2, 2, 3, 3]
    """
    return 1 if n_docs < 50 else 2 if n_docs < 1000 else 3


#: (fewest comments, (lo, hi)) steps of :func:`theme_bounds`, before the n // 3 cap.
_BOUNDS: tuple[tuple[int, tuple[int, int]], ...] = (
    (0, (1, 2)),
    (10, (1, 3)),
    (30, (2, 5)),
    (100, (3, 10)),
    (1_000, (4, 20)),
    (10_000, (5, 30)),
    (100_000, (5, 40)),
)


def theme_bounds(n_docs: int) -> tuple[int, int]:
    """Fewest and most themes worth looking for in ``n_docs`` comments.

    ============== =========
    comments       themes
    ============== =========
    under 10       1 to 2
    10 to 29       1 to 3
    30 to 99       2 to 5
    100 to 999     3 to 10
    1,000 to 9,999 4 to 20
    10,000-99,999  5 to 30
    100,000 +      5 to 40
    ============== =========

    Never more than ``n_docs // 3`` themes (at least 1): a theme should rest on several comments.
    Both bounds grow with ``n_docs``.

    Examples
    --------
    >>> theme_bounds(7), theme_bounds(3), theme_bounds(500), theme_bounds(250_000)
    ((1, 2), (1, 1), (3, 10), (5, 40))
    """
    n = int(n_docs)
    if n < 0:
        raise ValueError(f"n_docs cannot be negative ({n})")
    lo, hi = next(b for floor, b in reversed(_BOUNDS) if n >= floor)
    hi = min(hi, max(1, n // 3))
    return min(lo, hi), hi


def _candidates(lo: int, hi: int) -> list[int]:
    if hi - lo + 1 <= MAX_CANDIDATES:
        return list(range(lo, hi + 1))
    return sorted({int(round(x)) for x in np.linspace(lo, hi, MAX_CANDIDATES)})


def _as_texts(texts) -> list[str]:
    if isinstance(texts, str):
        raise InputError("texts must be a list or column of texts, not a single string")
    series = pd.Series(list(texts), dtype="object")
    return series.where(series.notna(), "").astype(str).tolist()


def _check_weights(sample_weight, n: int) -> np.ndarray:
    w = np.asarray(sample_weight, dtype=np.float64).ravel()
    if w.size != n:
        raise InputError(f"sample_weight has {w.size} values for {n} texts")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
        raise InputError("sample_weight must be finite, not negative, and not all zero")
    return w


def _normalise_rows(w: np.ndarray) -> np.ndarray:
    w = np.asarray(w, dtype=np.float64)
    total = w.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, w / np.where(total > 0, total, 1.0), 0.0)
    return out


def term_scores(h: np.ndarray, exclusivity: float = 0.5) -> np.ndarray:
    """How well each term (column) names each theme (row): its weight times its exclusivity.

    ``score[t, w] = h[t, w] * (h[t, w] / sum_s h[s, w]) ** exclusivity``. With ``exclusivity=0`` terms
    rank by weight alone, so a word that is heavy everywhere ("year", "people") tops several themes;
    with 1 a term's score is divided among the themes in proportion to its weight in each. This is the
    "weight x exclusivity" idea of FREX (Bischof & Airoldi 2012) and LDAvis relevance (Sievert &
    Shirley 2014). On the OCTIS BBC News benchmark (``python -m bench.quality``), 0.5 raised both topic
    diversity (0.88 to 0.96) and NPMI coherence (0.20 to 0.22) over ranking by weight.

    Examples
    --------
    >>> h = np.array([[4.0, 2.0, 0.0], [4.0, 0.0, 1.0]])
    >>> term_scores(h, 1.0).round(2).tolist()
    [[2.0, 2.0, 0.0], [2.0, 0.0, 1.0]]
    >>> term_scores(h, 0.0).tolist() == h.tolist()
    True
    """
    h = np.asarray(h, dtype=np.float64)
    if exclusivity == 0:
        return h
    total = h.sum(axis=0, keepdims=True)
    share = np.divide(h, total, out=np.zeros_like(h), where=total > 0)
    return h * share**exclusivity


def _top_indices(h: np.ndarray, n: int, eligible: np.ndarray | None = None) -> list[np.ndarray]:
    """Per row of ``h``: indices of the ``n`` largest positive entries, ties by column (= term) order,
    only among ``eligible`` columns when given."""
    out = []
    for row in h:
        order = np.argsort(-row, kind="stable")
        keep = row[order] > 0
        if eligible is not None:
            keep &= eligible[order]
        out.append(order[keep][:n])
    return out


# --------------------------------------------------------------------------------------------------
# Scoring a number of themes


def _coherence(binary: sp.csc_matrix, tops: list[np.ndarray], names: np.ndarray) -> float:
    """Mean over themes of the mean NPMI of pairs of top terms, from document co-occurrence."""
    n_docs = binary.shape[0]
    if n_docs == 0:
        return float("nan")
    cols = np.unique(np.concatenate(tops)) if tops else np.array([], dtype=int)
    if cols.size < 2:
        return float("nan")
    sub = binary[:, cols]
    co = (sub.T @ sub).toarray().astype(float) / n_docs
    p = np.diag(co).copy()
    where = {c: i for i, c in enumerate(cols)}
    words = [set(names[c].split()) for c in cols]
    per_theme = []
    for top in tops:
        idx = np.array([where[c] for c in top], dtype=int)
        i, j = np.triu_indices(idx.size, k=1)
        a, b = idx[i], idx[j]
        keep = np.array([not (words[x] & words[y]) for x, y in zip(a, b, strict=True)], dtype=bool)
        a, b = a[keep], b[keep]
        if a.size == 0:
            continue
        pij, pi, pj = co[a, b], p[a], p[b]
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(pij / (pi * pj)) / -np.log(pij)
        npmi = np.where(pij <= 0, -1.0, np.where(pij >= 1, 0.0, npmi))
        per_theme.append(float(npmi.mean()))
    return float(np.mean(per_theme)) if per_theme else float("nan")


def _agreement(tops_a: list[np.ndarray], tops_b: list[np.ndarray], n_terms: int) -> float:
    """Mean Jaccard overlap of top-term sets after the best one-to-one matching of themes."""

    def indicator(tops):
        rows = np.repeat(np.arange(len(tops)), [t.size for t in tops])
        cols = np.concatenate(tops) if tops else np.array([], dtype=int)
        return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(len(tops), n_terms))

    a, b = indicator(tops_a), indicator(tops_b)
    inter = (a @ b.T).toarray()
    size_a = np.asarray(a.sum(axis=1)).ravel()
    size_b = np.asarray(b.sum(axis=1)).ravel()
    union = size_a[:, None] + size_b[None, :] - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    r, c = linear_sum_assignment(-jac)
    return float(jac[r, c].sum() / max(len(tops_a), len(tops_b)))


def _fit_nmf(X, k: int, seed: int, *, scoring: bool = False) -> tuple[NMF, np.ndarray]:
    """Fit NMF; return the model and the document weights.

    Scoring fits (used to choose the number of themes) stop earlier. With one theme the NNDSVD start
    is already the optimum (the leading singular vectors of a non-negative matrix are non-negative),
    so scikit-learn's relative convergence test can never pass; its ConvergenceWarning is silenced
    then, and for the scoring fits.
    """
    nmf = NMF(
        n_components=k,
        init="nndsvda",
        solver="cd",
        max_iter=_SCORING_MAX_ITER if scoring else _NMF_MAX_ITER,
        tol=_SCORING_TOL if scoring else _NMF_TOL,
        random_state=seed,
    )
    with warnings.catch_warnings():
        if scoring or k == 1:
            warnings.simplefilter("ignore", ConvergenceWarning)
        W = nmf.fit_transform(X)
    return nmf, W


def _choose(scores: pd.DataFrame) -> int:
    """Most coherent k among those nearly as stable as the most stable; ties to the smaller k."""
    stab = scores["stability"]
    eligible = (
        stab >= stab.max() - STABILITY_TOLERANCE
        if stab.notna().any()
        else pd.Series(True, index=scores.index)
    )
    coh = scores["coherence"].where(eligible).fillna(-np.inf)
    if not np.isfinite(coh).any():  # no coherence at all: the most stable (or smallest) k
        return int(scores.loc[stab.fillna(-np.inf).idxmax(), "k"])
    return int(scores.loc[coh.idxmax(), "k"])


# --------------------------------------------------------------------------------------------------
# Labels


_STEMMER = PorterStemmer()


def _stems(phrase: str) -> set[str]:
    return {_STEMMER.stem(w) for w in phrase.split()}


def _theme_phrases(
    clauses: list[list[str]], top_terms: list[str], stop: frozenset[str], n_phrases: int
) -> list[str]:
    """Readable phrases for one theme: its top terms in order, each single word replaced by the
    strongest collocation containing it (when that collocation accounts for at least a third of the
    word's uses), skipping any phrase that shares a word (stem) with one already chosen."""
    finder = BigramCollocationFinder.from_documents(clauses)
    finder.apply_word_filter(lambda w: len(w) < 2 or w in stop)
    finder.apply_freq_filter(2)
    measures = BigramAssocMeasures()
    scored = sorted(finder.score_ngrams(measures.likelihood_ratio), key=lambda gs: (-gs[1], gs[0]))[:50]
    word_fd = finder.word_fd
    chosen: list[str] = []
    covered: set[str] = set()
    for term in top_terms:
        phrase = term
        if " " not in term:
            for gram, _score in scored:
                if term in gram and 3 * finder.ngram_fd[gram] >= word_fd[term]:
                    phrase = " ".join(gram)
                    break
        stems = _stems(phrase)
        if stems & covered:  # "excellent care" after "excellent": the label says it already
            continue
        chosen.append(phrase)
        covered |= stems
        if len(chosen) >= n_phrases:
            break
    return chosen


def _labels(
    docs: list[str], weights: np.ndarray, tops: list[list[str]], stop: frozenset[str], threshold: float
) -> list[str]:
    phrases = []
    for t in range(weights.shape[1]):
        col = weights[:, t]
        order = np.argsort(-col, kind="stable")[:_LABEL_DOCS]
        strong = order[col[order] >= max(threshold, 1e-12)]
        take = strong if strong.size else order[col[order] > 0]
        clauses = [c for i in take for c in _clauses(docs[i])]
        phrases.append(_theme_phrases(clauses, tops[t], stop, _LABEL_PHRASES + 2))
    labels = ["; ".join(p[:_LABEL_PHRASES]) or f"theme {t + 1}" for t, p in enumerate(phrases)]
    # Two themes with the same label: lengthen both by a phrase, then number what still clashes.
    for extra in range(1, 3):
        dupes = {lab for lab in labels if labels.count(lab) > 1}
        if not dupes:
            break
        labels = [
            "; ".join(phrases[t][: _LABEL_PHRASES + extra]) if lab in dupes else lab
            for t, lab in enumerate(labels)
        ]
    clashing = {lab for lab in labels if labels.count(lab) > 1}
    seen: dict[str, int] = {}
    for t, lab in enumerate(labels):
        if lab in clashing:
            seen[lab] = seen.get(lab, 0) + 1
            labels[t] = f"{lab} ({seen[lab]})"
    return labels


# --------------------------------------------------------------------------------------------------
# The estimator


class ThemeModel(BaseEstimator):
    """TF-IDF + NMF themes with automatic choice of their number, labels and k-scores.

    Parameters
    ----------
    n_themes : int, default 0
        Number of themes; 0 chooses it automatically within :func:`theme_bounds` (see the module
        docstring for how).
    min_themes, max_themes : int, optional
        Override the lower / upper bound of the automatic choice.
    ngram_range : (int, int), default (1, 2)
        Lengths of the terms: (1, 2) means words and two-word phrases.
    min_df : int or float, optional
        Fewest comments (int) or share of comments (float) a term must appear in; default
        :func:`default_min_df` of the corpus size.
    max_df : float or int, default 0.9
        Most comments (share or count) a term may appear in; commoner terms are dropped.
    max_features : int, default 20000
        Keep at most this many terms, the most frequent.
    assign_threshold : float, default 0.2
        A comment belongs to a theme when the theme's share of its weights is at least this
        (used by :func:`summarise_themes` and for choosing the comments a label is built from).
    random_state : int, RandomState or None, default 0
        Seeds every random step.
    extra_stop_words : tuple of str, default ()
        More words to ignore, such as the name of the consultation's subject.
    term_exclusivity : float, default 0.5
        How much a theme's top terms favour words it does not share with other themes
        (:func:`term_scores`); 0 ranks terms by weight alone.

    Attributes
    ----------
    n_themes_ : int
    vectorizer_ : TfidfVectorizer
    nmf_ : NMF
    feature_names_ : ndarray of str
    top_terms_ : list of list of str
        Up to :data:`N_TOP_TERMS` terms per theme, best first (fewer only when fewer have weight).
    labels_ : list of str
        Short readable labels, such as "social media; engagement; political system".
    doc_weights_ : ndarray of shape (n_docs, n_themes_)
        Each row sums to 1 (the comment's mix of themes), or is all zero for a comment with no terms.
    bounds_ : tuple of int
        The (fewest, most) themes allowed for this corpus: :func:`theme_bounds` of the number of
        distinct texts.
    k_scores_ : DataFrame
        ``k``, ``coherence``, ``stability``, ``chosen`` for every candidate tried. With a fixed
        ``n_themes`` (or a single candidate) one row, with coherence of the fitted model and NaN
        stability.

    Examples
    --------
    >>> texts = ["bus timetable late", "train timetable late again", "bus and train fares",
    ...          "school teacher pupils", "teacher pay at school", "pupils need teacher"]
    >>> model = ThemeModel(n_themes=2).fit(texts)
    >>> model.doc_weights_.argmax(axis=1).tolist()
    [0, 0, 0, 1, 1, 1]
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
        term_exclusivity=0.5,
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
        self.term_exclusivity = term_exclusivity

    # -- helpers -----------------------------------------------------------------------------------

    def _check_params(self) -> None:
        def whole(name, value, least):
            if value is None:
                return
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
                raise ConfigError(f"{name} must be a whole number of at least {least}, not {value!r}")

        whole("n_themes", self.n_themes, 0)
        whole("min_themes", self.min_themes, 1)
        whole("max_themes", self.max_themes, 1)
        whole("max_features", self.max_features, 1)
        lo, hi = tuple(self.ngram_range)
        if not (1 <= lo <= hi):
            raise ConfigError(f"ngram_range must be (lo, hi) with 1 <= lo <= hi, not {self.ngram_range!r}")
        if not 0 <= float(self.term_exclusivity) <= 4:
            raise ConfigError(f"term_exclusivity must be between 0 and 4, not {self.term_exclusivity!r}")
        if not 0 <= float(self.assign_threshold) <= 1:
            raise ConfigError(f"assign_threshold must be between 0 and 1, not {self.assign_threshold!r}")
        if self.min_themes is not None and self.max_themes is not None and self.min_themes > self.max_themes:
            raise ConfigError(f"min_themes ({self.min_themes}) is more than max_themes ({self.max_themes})")

    def _vectorize(self, docs: list[str], analyzer: _Analyzer):
        n = len(docs)
        min_df = default_min_df(n) if self.min_df is None else self.min_df
        # max_df can remove every word: in a handful of texts (0.9 x 1 text is below min_df), or when
        # every text is the same letter (a campaign). Then every word is kept rather than giving up.
        attempts = [(min_df, self.max_df), (1, 1.0)]
        problem = ""
        for mn, mx in attempts:
            vec = TfidfVectorizer(
                analyzer=analyzer,
                sublinear_tf=True,
                min_df=mn,
                max_df=mx,
                max_features=self.max_features,
                dtype=np.float32,  # half the memory, and NMF runs about twice as fast
            )
            try:
                return vec, vec.fit_transform(docs).tocsr()
            except ValueError as exc:  # empty vocabulary, or max_df below min_df
                problem = str(exc)
        raise InputError(
            "no words are left to find themes in once common and rare words are removed "
            f"(min_df={min_df}, max_df={self.max_df}): {problem}"
        )

    # -- fitting -----------------------------------------------------------------------------------

    def fit(self, texts, y=None, sample_weight=None):
        """Learn the vocabulary, choose the number of themes, fit NMF and label the themes.

        Parameters
        ----------
        texts : iterable of str
            The comments (missing values count as empty texts).
        y : ignored
        sample_weight : array-like of shape (n_texts,), optional
            How much each text counts in the factorisation, e.g. 1 / (copies of a campaign letter),
            or the number of submissions a de-duplicated text stands for. NMF minimises squared
            error, so a weight ``w`` is applied by scaling the text's TF-IDF row by ``sqrt(w)``; each
            text's theme mix (:attr:`doc_weights_`, rows summing to 1) is unaffected by its own
            weight. The vocabulary and the bounds on the number of themes do not use the weights.

        Returns
        -------
        self
        """
        self._check_params()
        docs = _as_texts(texts)
        n = len(docs)
        if n == 0:
            raise InputError("there are no texts to find themes in")
        stop = stop_words(self.extra_stop_words)
        analyzer = _Analyzer(stop, tuple(int(v) for v in self.ngram_range))
        vec, X = self._vectorize(docs, analyzer)
        unweighted = None
        if sample_weight is not None:
            w = _check_weights(sample_weight, n)
            unweighted = X[w == 0] if np.any(w == 0) else None
            X = (sp.diags(np.sqrt(w).astype(np.float32)) @ X).tocsr()
        names = vec.get_feature_names_out()
        # Copies of one text (a campaign letter) add no dimension: bounds and the limit follow the
        # number of distinct texts, so identical texts give one theme, not several identical ones.
        n_distinct = len(set(docs))
        limit = min(n_distinct, X.shape[1])
        self.bounds_ = theme_bounds(n_distinct)

        rs = check_random_state(self.random_state)
        seed_fit, seed_sample = (int(s) for s in rs.randint(np.iinfo(np.int32).max, size=2))
        if isinstance(self.random_state, int | np.integer):
            seed_fit = int(self.random_state)

        if self.n_themes:
            if self.n_themes > limit:
                raise ConfigError(
                    f"n_themes={self.n_themes} is more than this corpus can support "
                    f"({n} texts, {X.shape[1]} terms): at most {limit}"
                )
            candidates = [int(self.n_themes)]
        else:
            lo, hi = self.bounds_
            lo = lo if self.min_themes is None else int(self.min_themes)
            hi = hi if self.max_themes is None else int(self.max_themes)
            hi = max(1, min(hi, limit))
            candidates = _candidates(min(lo, hi), hi)

        sample_rng = np.random.default_rng(seed_sample)
        if n > MAX_SELECTION_DOCS:
            sample = np.sort(sample_rng.choice(n, MAX_SELECTION_DOCS, replace=False))
            Xs = X[sample]
        else:
            Xs = X
        binary = (Xs > 0).astype(np.float64).tocsc()
        # A term used in a single comment says nothing about which words go together: themes are
        # scored on their top terms among those used in at least two comments of the sample.
        df = np.diff(binary.indptr)
        scorable = df >= 2 if np.count_nonzero(df >= 2) >= 2 else None

        if len(candidates) > 1:
            scores = self._score_candidates(Xs, binary, scorable, names, candidates, seed_fit, sample_rng)
            k = _choose(scores)
        else:
            k = candidates[0]
            scores = None

        nmf, W = _fit_nmf(X, k, seed_fit)
        if unweighted is not None:  # texts with weight 0 still get their theme mix
            W[np.asarray(sample_weight, dtype=np.float64).ravel() == 0] = nmf.transform(unweighted)
        H = term_scores(nmf.components_, float(self.term_exclusivity))
        tops = _top_indices(H, N_TOP_TERMS)
        if scores is None:
            scores = pd.DataFrame(
                {
                    "k": [k],
                    "coherence": [_coherence(binary, _top_indices(H, N_TOP_TERMS, scorable), names)],
                    "stability": [np.nan],
                }
            )
        scores["chosen"] = scores["k"] == k
        scores = scores.astype(
            {"k": "int64", "coherence": "float64", "stability": "float64", "chosen": "bool"}
        )

        self.vectorizer_ = vec
        self.nmf_ = nmf
        self.feature_names_ = names
        self.n_themes_ = int(k)
        self.top_terms_ = [[str(names[i]) for i in top] for top in tops]
        self.doc_weights_ = _normalise_rows(W)
        self.labels_ = _labels(docs, self.doc_weights_, self.top_terms_, stop, float(self.assign_threshold))
        self.k_scores_ = scores.reset_index(drop=True)
        return self

    def _score_candidates(self, Xs, binary, eligible, names, candidates, seed, rng) -> pd.DataFrame:
        n_s, n_terms = Xs.shape
        m = max(1, min(n_s, math.ceil(_RESAMPLE_FRACTION * n_s)))
        n_resamples = next(r for floor, r in _RESAMPLES if n_s >= floor)
        resamples = [np.sort(rng.choice(n_s, m, replace=False)) for _ in range(n_resamples)]
        rows = []
        for k in candidates:
            a = float(self.term_exclusivity)
            ref = _top_indices(term_scores(_fit_nmf(Xs, k, seed, scoring=True)[0].components_, a),
                               N_TOP_TERMS, eligible)
            coherence = _coherence(binary, ref, names)
            agreements = []
            for idx in resamples:
                part = Xs[idx]
                if k > min(part.shape):
                    continue
                other = _top_indices(
                    term_scores(_fit_nmf(part, k, seed, scoring=True)[0].components_, a), N_TOP_TERMS, eligible
                )
                agreements.append(_agreement(ref, other, n_terms))
            stability = float(np.mean(agreements)) if agreements else float("nan")
            rows.append({"k": k, "coherence": coherence, "stability": stability})
        return pd.DataFrame(rows)

    def transform(self, texts) -> np.ndarray:
        """Theme weights of new texts, each row summing to 1 (or all zero when a text has no terms).

        Examples
        --------
        >>> texts = ["bus timetable late", "train timetable late", "bus and train fares",
        ...          "school teacher pupils", "teacher pay at school", "pupils need teacher"]
        >>> model = ThemeModel(n_themes=2).fit(texts)
        >>> model.transform(["the bus was late", "hello"]).round(2).tolist()
        [[1.0, 0.0], [0.0, 0.0]]
        """
        check_is_fitted(self, "nmf_")
        X = self.vectorizer_.transform(_as_texts(texts))
        return _normalise_rows(self.nmf_.transform(X))

    def fit_transform(self, texts, y=None, sample_weight=None) -> np.ndarray:
        """Fit, then return :attr:`doc_weights_`."""
        return self.fit(texts, sample_weight=sample_weight).doc_weights_


# --------------------------------------------------------------------------------------------------
# Summaries


def _pick_quotes(
    model: ThemeModel,
    texts: list[str],
    ids: np.ndarray,
    weights: np.ndarray,
    allowed: np.ndarray,
    n_quotes: int,
) -> list[str]:
    """Highest-weight comments that are not near-copies (TF-IDF cosine > 0.8) of one already chosen;
    comments of at least :data:`_QUOTE_MIN_WORDS` words first."""
    if n_quotes <= 0:
        return []
    order = np.argsort(-weights, kind="stable")
    order = order[allowed[order]][:_QUOTE_CANDIDATES]
    if order.size == 0:
        return []
    long_enough = np.array([len(texts[i].split()) >= _QUOTE_MIN_WORDS for i in order], dtype=bool)
    order = np.concatenate([order[long_enough], order[~long_enough]])
    vectors = model.vectorizer_.transform([texts[i] for i in order])
    has_terms = np.diff(vectors.indptr) > 0
    chosen: list[int] = []
    for pos in np.flatnonzero(has_terms):
        if chosen:
            sims = (vectors[chosen] @ vectors[pos].T).toarray().ravel()
            if sims.max() > _NEAR_COPY:
                continue
        chosen.append(int(pos))
        if len(chosen) == n_quotes:
            break
    return [str(ids[order[p]]) for p in chosen]


def summarise_themes(
    model: ThemeModel, comments: pd.DataFrame, *, n_quotes: int = 3, assign_threshold: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Theme table (size, share, interval, label, quotes) and long assignments table.

    Parameters
    ----------
    model : ThemeModel
        Fitted on ``comments["text"]``, in the same order.
    comments : DataFrame
        With ``comment_id`` and ``text``: the rows the model was fitted on (the
        :func:`~helpers.schema.analysable` rows). If it has ``consent_to_publish``, comments marked
        ``False`` are never quoted.
    n_quotes : int, default 3
        Quotes per theme.
    assign_threshold : float, optional
        Share of a comment's weight that puts it in a theme; default the model's.

    Returns
    -------
    themes : DataFrame
        One row per theme, largest first (ties in the model's order), with :data:`THEME_COLUMNS`:
        ``theme_id`` (1..k in this order), ``label``, ``top_terms`` (list of str), ``size`` (comments
        with weight >= threshold for the theme; a comment can be in several), ``main_size``
        (comments whose main theme it is), ``share`` (size / number of comments), ``ci_low``,
        ``ci_high`` (Wilson 95%) and ``quote_ids`` (list of comment ids: the most typical comments,
        skipping near-copies of one already chosen).
    assignments : DataFrame
        :data:`ASSIGNMENT_COLUMNS`: ``comment_id``, ``theme_id`` (Int64), ``weight``, ``is_main``.
        One row per comment and theme it belongs to, in comment order. A comment in no theme has a
        single row with ``theme_id`` missing ("not assigned") and ``weight`` NaN. Every comment has
        exactly one row with ``is_main`` true: its main theme, or the "not assigned" row.

    Examples
    --------
    >>> texts = ["bus timetable late", "train timetable late", "bus and train fares",
    ...          "school teacher pupils", "teacher pay at school", "pupils need teacher", "hello"]
    >>> c = pd.DataFrame({"comment_id": list("abcdefg"), "text": texts})
    >>> themes, assigned = summarise_themes(ThemeModel(n_themes=2).fit(c["text"]), c)
    >>> themes[["theme_id", "size", "main_size"]].to_dict("records")
    [{'theme_id': 1, 'size': 3, 'main_size': 3}, {'theme_id': 2, 'size': 3, 'main_size': 3}]
    >>> assigned[assigned["comment_id"] == "g"]["theme_id"].isna().tolist()
    [True]
    """
    check_is_fitted(model, "doc_weights_")
    for col in ("comment_id", "text"):
        if col not in comments.columns:
            raise SchemaError(f"comments lacks column {col}")
    weights = model.doc_weights_
    n, k = weights.shape
    if len(comments) != n:
        raise InputError(
            f"the theme model was fitted on {n} texts but {len(comments)} comments were given; "
            "pass the same (analysable) rows, in the same order"
        )
    threshold = float(model.assign_threshold if assign_threshold is None else assign_threshold)
    if not 0 <= threshold <= 1:
        raise ConfigError(f"assign_threshold must be between 0 and 1, not {threshold!r}")

    ids = comments["comment_id"].astype("object").to_numpy()
    texts = _as_texts(comments["text"])
    assigned = (weights >= threshold) & (weights > 0)
    main = weights.argmax(axis=1)
    has_theme = assigned.any(axis=1)

    size = assigned.sum(axis=0)
    main_size = np.bincount(main[has_theme], minlength=k)
    order = np.lexsort((np.arange(k), -size))  # size descending, ties in model order
    new_id = np.empty(k, dtype=np.int64)
    new_id[order] = np.arange(1, k + 1)

    allowed = np.ones(n, dtype=bool)
    if "consent_to_publish" in comments.columns:
        allowed = ~comments["consent_to_publish"].astype("boolean").eq(False).fillna(False).to_numpy(bool)
    low, high = wilson_interval(size, n)
    themes = pd.DataFrame(
        {
            "theme_id": new_id[order],
            "label": [model.labels_[t] for t in order],
            "top_terms": [list(model.top_terms_[t]) for t in order],
            "size": size[order].astype(np.int64),
            "main_size": main_size[order].astype(np.int64),
            "share": size[order] / n,
            "ci_low": np.asarray(low)[order],
            "ci_high": np.asarray(high)[order],
            "quote_ids": [
                _pick_quotes(model, texts, ids, weights[:, t], allowed & assigned[:, t], n_quotes)
                for t in order
            ],
        }
    )

    rows, cols = np.nonzero(assigned)
    none = np.flatnonzero(~has_theme)
    doc = np.concatenate([rows, none])
    theme = np.concatenate([new_id[cols], np.zeros(none.size, dtype=np.int64)])
    weight = np.concatenate([weights[rows, cols], np.full(none.size, np.nan)])
    is_main = np.concatenate([cols == main[rows], np.ones(none.size, dtype=bool)])
    sort = np.lexsort((theme, doc))
    assignments = pd.DataFrame(
        {
            "comment_id": pd.Series(ids[doc[sort]]).astype(comments["comment_id"].dtype),
            "theme_id": pd.array(theme[sort], dtype="Int64"),
            "weight": weight[sort],
            "is_main": is_main[sort],
        }
    )
    assignments.loc[assignments["theme_id"] == 0, "theme_id"] = pd.NA
    return themes, assignments


# --------------------------------------------------------------------------------------------------
# Agreement between two runs, breakdowns, and choosing the method


def matched_agreement(labels_a, labels_b) -> float:
    """Share of items two clusterings put in corresponding groups, after the best one-to-one matching.

    Groups of ``labels_a`` are matched to groups of ``labels_b`` so as to maximise the number of items
    they share (Hungarian algorithm on the contingency table); the agreement is that number over the
    number of items. Missing labels (not assigned) form a group of their own that matches only itself.
    Used to check that two seeds give the same themes.

    Examples
    --------
    >>> matched_agreement([0, 0, 1, 1, 2], [5, 5, 7, 7, 7])
    0.8
    >>> matched_agreement([0, 1, None], [1, 0, None])
    1.0
    """
    a = pd.Series(list(labels_a), dtype="object")
    b = pd.Series(list(labels_b), dtype="object")
    if len(a) != len(b):
        raise InputError(f"the two labellings have {len(a)} and {len(b)} items")
    if len(a) == 0:
        return float("nan")
    missing = a.isna() & b.isna()
    keep = a.notna() & b.notna()
    ca, ua = pd.factorize(a[keep])
    cb, ub = pd.factorize(b[keep])
    table = sp.coo_matrix((np.ones(ca.size), (ca, cb)), shape=(len(ua), len(ub))).toarray()
    r, c = linear_sum_assignment(-table) if table.size else (np.array([], int), np.array([], int))
    return float((table[r, c].sum() + missing.sum()) / len(a))


#: Columns of the respondents table that describe the respondent rather than answer a closed question.
_RESPONDENT_FIELDS = frozenset(
    "respondent_id respondent_type organisation sector region consent_to_publish external_group source "
    "source_row".split()
)
_PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def breakdown_columns(comments: pd.DataFrame, respondents: pd.DataFrame | None = None) -> list[str]:
    """The groupings :func:`theme_breakdown` can use for this data: ``question_id`` and
    ``respondent_type`` where comments record more than one value, each closed question of the
    respondents table (agree/disagree and the like), and ``month`` when comments are dated over more
    than one month (``week`` when within one month but over several weeks).

    Examples
    --------
    >>> c = pd.DataFrame({"comment_id": ["a", "b"], "question_id": ["q1", "q2"], "respondent_id": ["r1", "r2"],
    ...                   "created_at": pd.to_datetime(["2024-01-05", "2024-03-01"], utc=True)})
    >>> r = pd.DataFrame({"respondent_id": ["r1", "r2"], "respondent_type": ["Individual", "Individual"],
    ...                   "q1_position": ["Agree", "Disagree"]})
    >>> breakdown_columns(c, r)
    ['question_id', 'q1_position', 'month']
    """
    out = []
    for col in ("question_id", "respondent_type"):
        if col in comments.columns and comments[col].dropna().nunique() > 1:
            out.append(col)
    if respondents is not None and "respondent_id" in comments.columns and len(respondents):
        if (
            "respondent_type" not in out
            and "respondent_type" in respondents.columns
            and respondents["respondent_type"].dropna().nunique() > 1
        ):
            out.append("respondent_type")
        for col in respondents.columns:
            if col not in _RESPONDENT_FIELDS and col not in out and respondents[col].dropna().nunique() > 1:
                out.append(col)
    if "created_at" in comments.columns:
        dates = pd.to_datetime(comments["created_at"], utc=True).dropna().dt.tz_localize(None)
        if dates.dt.to_period("M").nunique() > 1:
            out.append("month")
        elif dates.dt.to_period("W").nunique() > 1:
            out.append("week")
    return out


def _group_values(comments: pd.DataFrame, by: str, respondents: pd.DataFrame | None) -> pd.Series:
    if by in _PERIODS:
        if "created_at" not in comments.columns:
            raise SchemaError(f"comments have no created_at column to break down by {by}")
        dates = pd.to_datetime(comments["created_at"], utc=True).dt.tz_localize(None)
        return dates.dt.to_period(_PERIODS[by]).astype("string")
    if by in comments.columns:
        return comments[by].astype("string")
    if respondents is not None and by in respondents.columns and "respondent_id" in comments.columns:
        lookup = respondents.drop_duplicates("respondent_id").set_index("respondent_id")[by].astype("string")
        return comments["respondent_id"].map(lookup).astype("string")
    raise SchemaError(f"cannot break themes down by {by!r}: no such column in the comments or respondents")


def theme_breakdown(
    themes: pd.DataFrame,
    assignments: pd.DataFrame,
    comments: pd.DataFrame,
    *,
    by: str,
    respondents: pd.DataFrame | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How often each theme was raised within each group of comments, with Wilson intervals.

    Parameters
    ----------
    themes, assignments : DataFrame
        From :func:`summarise_themes`.
    comments : DataFrame
        The analysed comments (``comment_id`` and the grouping column).
    by : str
        A column of ``comments`` (``question_id``, ``respondent_type``...), a column of
        ``respondents`` (a closed question such as ``q1_position``, joined on ``respondent_id``), or a
        period of ``created_at``: ``"day"``, ``"week"``, ``"month"``, ``"quarter"`` or ``"year"``.
        Comments with no value are grouped as "Not stated".
    respondents : DataFrame, optional
        The respondents table, for closed questions and respondent types recorded there.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        One row per group and theme (themes in table order, then a "not assigned" row with
        ``theme_id`` missing): ``group``, ``theme_id``, ``label``, ``n`` (comments of the group in the
        theme), ``n_group`` (comments in the group), ``share``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> t = pd.DataFrame({"theme_id": [1, 2], "label": ["buses", "schools"]})
    >>> a = pd.DataFrame({"comment_id": ["a", "b", "c"], "theme_id": pd.array([1, 2, None], dtype="Int64"),
    ...                   "is_main": [True, True, True]})
    >>> c = pd.DataFrame({"comment_id": ["a", "b", "c"], "question_id": ["q1", "q1", "q2"]})
    >>> b = theme_breakdown(t, a, c, by="question_id")
    >>> b[["group", "label", "n", "n_group"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['q1', 'buses', 1, 2], ['q1', 'schools', 1, 2], ['q1', 'not assigned', 0, 2],
     ['q2', 'buses', 0, 1], ['q2', 'schools', 0, 1], ['q2', 'not assigned', 1, 1]]
    """
    for name, frame, cols in (("themes", themes, ["theme_id", "label"]),
                              ("assignments", assignments, ["comment_id", "theme_id"]),
                              ("comments", comments, ["comment_id"])):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise SchemaError(f"{name} lacks column(s) {', '.join(missing)}")
    group = _group_values(comments, by, respondents).fillna("Not stated")
    ids = comments["comment_id"].astype("string")
    group_of = pd.Series(group.to_numpy(), index=ids.to_numpy())
    n_group = group.value_counts()
    groups = sorted(n_group.index)
    theme_ids = list(pd.array(themes["theme_id"], dtype="Int64")) + [pd.NA]
    code = {int(t): i for i, t in enumerate(theme_ids[:-1])}
    a = assignments[["comment_id", "theme_id"]].drop_duplicates()
    a = a[a["comment_id"].astype("string").isin(group_of.index)]
    t_index = np.array([len(theme_ids) - 1 if pd.isna(t) else code.get(int(t), -1) for t in a["theme_id"]],
                       dtype=np.int64)
    g_index = pd.Categorical(group_of.loc[a["comment_id"].astype("string")].to_numpy(), categories=groups).codes
    ok = t_index >= 0
    counts = np.zeros((len(groups), len(theme_ids)), dtype=np.int64)
    np.add.at(counts, (g_index[ok], t_index[ok]), 1)
    totals = np.array([n_group[g] for g in groups], dtype=np.int64)
    low, high = wilson_interval(counts, totals[:, None], confidence=confidence)
    labels = list(themes["label"]) + ["not assigned"]
    out = pd.DataFrame(
        {
            "group": pd.array(np.repeat(groups, len(theme_ids)), dtype="string"),
            "theme_id": pd.array(theme_ids * len(groups), dtype="Int64"),
            "label": labels * len(groups),
            "n": counts.ravel(),
            "n_group": np.repeat(totals, len(theme_ids)),
        }
    )
    out["share"] = out["n"] / out["n_group"]
    out["ci_low"] = np.asarray(low).ravel()
    out["ci_high"] = np.asarray(high).ravel()
    return out


#: Theme methods: ``nmf`` (the default, TF-IDF + NMF) and ``embeddings`` (sentence embeddings and
#: k-means, needs ``pip install -e ".[embeddings]"``).
METHODS: tuple[str, ...] = ("nmf", "embeddings")


def make_theme_model(method: str = "nmf", **params):
    """A theme model for ``method``, with ``params`` passed to its constructor.

    ``"nmf"`` gives :class:`ThemeModel`; ``"embeddings"`` gives
    :class:`helpers.embeddings.EmbeddingThemeModel` (same attributes, so :func:`summarise_themes`
    works on either).

    Examples
    --------
    >>> make_theme_model("nmf", n_themes=3).n_themes
    3
    """
    if method == "nmf":
        return ThemeModel(**params)
    if method == "embeddings":
        from .embeddings import EmbeddingThemeModel

        return EmbeddingThemeModel(**params)
    raise ConfigError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def themes_json(themes: pd.DataFrame, assignments: pd.DataFrame, *, model=None, method: str = "nmf") -> dict:
    """The themes as a JSON-ready dict (what ``python -m helpers themes`` writes).

    Keys: ``method``, ``n_comments``, ``n_themes``, ``n_not_assigned``, ``themes`` (per theme
    ``theme_id``, ``label``, ``top_terms`` best first, ``size``, ``main_size``, ``share``, ``ci_low``,
    ``ci_high``, ``quotes``: comment ids), ``assignments`` (comment id -> list of theme ids, main theme
    first; empty for a comment in no theme) and, given ``model``, ``k_scores`` and ``bounds``.

    Examples
    --------
    >>> t = pd.DataFrame({"theme_id": [1], "label": ["buses"], "top_terms": [["bus", "late"]], "size": [1],
    ...                   "main_size": [1], "share": [0.5], "ci_low": [0.09], "ci_high": [0.91],
    ...                   "quote_ids": [["a"]]})
    >>> a = pd.DataFrame({"comment_id": ["a", "b"], "theme_id": pd.array([1, None], dtype="Int64"),
    ...                   "weight": [1.0, None], "is_main": [True, True]})
    >>> themes_json(t, a)["assignments"]
    {'a': [1], 'b': []}
    """
    a = assignments.sort_values(["comment_id", "is_main", "theme_id"], ascending=[True, False, True], kind="stable")
    mapping: dict[str, list[int]] = {}
    for cid, tid in zip(a["comment_id"].astype(str), a["theme_id"], strict=True):
        ids = mapping.setdefault(cid, [])
        if not pd.isna(tid):
            ids.append(int(tid))
    order = list(dict.fromkeys(assignments["comment_id"].astype(str)))
    out = {
        "method": method,
        "n_comments": len(order),
        "n_themes": len(themes),
        "n_not_assigned": sum(1 for c in order if not mapping[c]),
        "themes": [
            {
                "theme_id": int(t["theme_id"]),
                "label": str(t["label"]),
                "top_terms": [str(x) for x in t["top_terms"]],
                "size": int(t["size"]),
                "main_size": int(t["main_size"]),
                "share": float(t["share"]),
                "ci_low": float(t["ci_low"]),
                "ci_high": float(t["ci_high"]),
                "quotes": [str(q) for q in t["quote_ids"]],
            }
            for _, t in themes.iterrows()
        ],
        "assignments": {c: mapping[c] for c in order},
    }
    if model is not None:
        out["bounds"] = [int(b) for b in model.bounds_]
        out["k_scores"] = model.k_scores_.to_dict("records")
    return out
