"""Machine coding with analysts in the loop: train on a hand-coded sample, code the rest, measure agreement.

- :class:`CodingModel` is a multi-label classifier (scikit-learn): TF-IDF over words and two-word
  phrases plus character 2-4-grams (and the question, when the data has one), one logistic regression
  per code, and a probability threshold per code tuned by cross-validation to maximise that code's F1.
  ``encoder`` adds dense features (e.g. sentence embeddings) when given: the optional path.
- :func:`agreement` scores one coding against another: micro and macro F1, per-code precision, recall
  and F1, and Cohen's kappa, each with a 95% **bootstrap percentile interval** (responses resampled
  with replacement, seeded). :meth:`CodingModel.fit` keeps the cross-validated predictions on the
  hand-coded set (``cv_predictions_``) so the agreement the briefing states is out-of-sample.
- :func:`analyst_agreement` gives the same figures between two analysts who coded the same responses.
- :func:`priority` ranks uncoded responses for the next coding sheet (active sampling): responses the
  model is least sure about for the codes it does worst on, discounted when they resemble what is
  already coded (coverage), with a share of the sheet (30% by default) drawn at random.
- :func:`code_tables` writes the coded corpus in the shape of the theme tables, so the briefing can
  show codes where it would show themes.
- :func:`run_coding` is the ``07_codeframe`` stage: codeframe, coding sheet, training, coding, agreement.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from .codeframe import AT_RANDOM, _row_list
from .errors import ConfigError
from .stats import wilson_interval

__all__ = ["CodingModel", "agreement", "analyst_agreement", "estimated_shares", "priority", "code_tables",
           "code_comments", "run_coding", "AGREEMENT_METHOD"]

AGREEMENT_METHOD = ("95% bootstrap percentile intervals (1,000 resamples of the responses, seeded)")


def _texts(X: pd.DataFrame) -> list[str]:
    if "text" not in X.columns:
        raise ConfigError("the table to code needs a text column")
    return X["text"].astype("string").fillna("").astype(str).tolist()


def _context(X: pd.DataFrame, column: str | None) -> list[str] | None:
    if not column or column not in X.columns or not X[column].notna().any():
        return None
    return X[column].astype("string").fillna("").astype(str).tolist()


def _best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability cut that maximises F1 of ``y`` (0/1) given scores ``p``; midway between scores."""
    pos = int(y.sum())
    if pos == 0:
        return 1.0
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ps) + 1)
    f1 = 2 * tp / (k + pos)
    # Only cut between distinct scores.
    last = np.r_[ps[1:] != ps[:-1], True]
    f1 = np.where(last, f1, -1)
    i = int(np.argmax(f1))
    below = ps[i + 1] if i + 1 < len(ps) else 0.0
    return float((ps[i] + below) / 2)


def _decide(proba: np.ndarray, thresholds: np.ndarray, *, at_least_one: bool, multi_label: bool) -> np.ndarray:
    """0/1 codes from probabilities: each code at or over its threshold (single-label: the best one)."""
    ratio = proba / np.maximum(thresholds, 1e-9)[None, :]
    passed = proba >= thresholds[None, :]
    n = proba.shape[0]
    best = np.zeros_like(passed)
    if proba.shape[1]:
        top = ratio.argmax(axis=1)
        best[np.arange(n), top] = True
    if multi_label:
        out = passed.copy()
        if at_least_one:
            empty = ~out.any(axis=1)
            out[empty] = best[empty]
    else:
        out = best & (passed | at_least_one)
    trained = np.isfinite(thresholds) & (thresholds <= 1.0)
    return (out & trained[None, :]).astype(np.int8)


class CodingModel(BaseEstimator):
    """Multi-label classifier trained on analysts' codes, with per-code thresholds tuned by CV.

    Parameters
    ----------
    C : float, default 4.0
        Inverse regularisation of each code's logistic regression.
    cv : int, default 5
        Folds for the out-of-fold probabilities that tune thresholds and measure agreement.
    min_examples : int, default 3
        A code needs at least this many hand-coded examples to be machine-coded; rarer codes are
        left to analysts (and listed in ``untrained_``).
    context_column : str, default "question_id"
        A column whose value (e.g. the question answered) is added as a feature when present.
    char_ngrams : bool, default True
        Add character 2-4-grams (within words) to the word features: robust to misspellings.
    encoder : callable, optional
        ``texts -> 2-D array`` of dense features (e.g. sentence embeddings) added to TF-IDF.
    at_least_one : {"auto", True, False}, default "auto"
        Give every response at least its most likely code. "auto": when fewer than 5% of the
        hand-coded responses have no code.
    random_state : int, default 0

    Attributes
    ----------
    codes_ : list of str
        The code ids, in the order of ``Y``'s columns.
    thresholds_ : ndarray
        Probability threshold per code (``inf`` for codes too rare to train).
    untrained_ : list of str
        Codes with fewer than ``min_examples`` examples (or no negative example).
    multi_label_ : bool
        Whether any hand-coded response has more than one code (else one code per response).
    at_least_one_ : bool
    cv_proba_, cv_predictions_ : DataFrame
        Out-of-fold probabilities and 0/1 codes for the training rows (thresholds cross-fitted: each
        fold's rows are cut with thresholds tuned on the other folds).
    cv_f1_ : Series
        Out-of-fold F1 per code (NaN for untrained codes).

    Examples
    --------
    >>> X = pd.DataFrame({"text": ["late bus", "bus late again", "bus was late", "rude staff",
    ...                            "staff were rude", "rude and unhelpful staff"] * 3})
    >>> Y = pd.DataFrame({"bus": [1, 1, 1, 0, 0, 0] * 3, "staff": [0, 0, 0, 1, 1, 1] * 3})
    >>> m = CodingModel(cv=3).fit(X, Y)
    >>> m.predict(pd.DataFrame({"text": ["the bus is always late", "very rude staff"]})).to_dict("list")
    {'bus': [1, 0], 'staff': [0, 1]}
    """

    def __init__(self, *, C: float = 4.0, cv: int = 5, min_examples: int = 3, context_column: str = "question_id",
                 char_ngrams: bool = True, encoder: Callable[[list[str]], Any] | None = None,
                 at_least_one: Any = "auto", random_state: int = 0):
        self.C = C
        self.cv = cv
        self.min_examples = min_examples
        self.context_column = context_column
        self.char_ngrams = char_ngrams
        self.encoder = encoder
        self.at_least_one = at_least_one
        self.random_state = random_state

    # --- features ---------------------------------------------------------------------------
    def _fit_features(self, corpus: pd.DataFrame) -> None:
        texts = _texts(corpus)
        min_df = 1 if len(texts) < 200 else 2
        self.words_ = TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True,
                                      strip_accents="unicode", stop_words=None).fit(texts)
        self.chars_ = (TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=min_df, sublinear_tf=True,
                                       max_features=60_000, strip_accents="unicode").fit(texts)
                       if self.char_ngrams else None)
        ctx = _context(corpus, self.context_column)
        self.contexts_ = sorted(set(ctx)) if ctx is not None else []

    def _features(self, X: pd.DataFrame) -> sp.csr_matrix:
        texts = _texts(X)
        blocks = [self.words_.transform(texts)]
        if self.chars_ is not None:
            blocks.append(self.chars_.transform(texts))
        if self.contexts_:
            ctx = _context(X, self.context_column) or [""] * len(texts)
            index = {c: i for i, c in enumerate(self.contexts_)}
            cols = np.array([index.get(c, -1) for c in ctx])
            rows = np.flatnonzero(cols >= 0)
            blocks.append(sp.csr_matrix((np.ones(rows.size), (rows, cols[rows])),
                                        shape=(len(texts), len(self.contexts_))))
        if self.encoder is not None:
            dense = np.asarray(self.encoder(texts), dtype=float)
            norms = np.linalg.norm(dense, axis=1, keepdims=True)
            blocks.append(sp.csr_matrix(dense / np.where(norms > 0, norms, 1)))
        return sp.hstack(blocks, format="csr")

    def _classifier(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, solver="liblinear", dual=True, class_weight="balanced", max_iter=1000,
                                  random_state=self.random_state)

    def _fit_codes(self, F, Y: np.ndarray, trained: np.ndarray) -> list[LogisticRegression | None]:
        return [self._classifier().fit(F, Y[:, j]) if trained[j] else None for j in range(Y.shape[1])]

    @staticmethod
    def _proba(models, F) -> np.ndarray:
        out = np.zeros((F.shape[0], len(models)))
        for j, m in enumerate(models):
            if m is not None:
                out[:, j] = m.predict_proba(F)[:, 1]
        return out

    #: Fewest positive examples for which a code's threshold is tuned; rarer codes keep 0.5 (the
    #: balanced classifier's even odds), and tuned thresholds stay within [0.2, 0.95], so that a
    #: handful of examples cannot set a cut that codes everything.
    MIN_TUNED = 10

    def _threshold(self, y: np.ndarray, p: np.ndarray) -> float:
        if int(y.sum()) < self.MIN_TUNED:
            return 0.5
        return float(np.clip(_best_threshold(y, p), 0.2, 0.95))

    # --- scikit-learn interface -------------------------------------------------------------
    def fit(self, X: pd.DataFrame, Y: pd.DataFrame, *, corpus: pd.DataFrame | None = None,
            groups: pd.Series | None = None) -> CodingModel:
        """Train on hand-coded responses.

        Parameters
        ----------
        X : DataFrame
            ``text`` (and the context column when present) of the hand-coded responses.
        Y : DataFrame
            One 0/1 column per code, aligned with ``X``.
        corpus : DataFrame, optional
            All the responses (coded or not): the vocabulary and word weights are learned from them
            (no codes are used), which helps when the coded sample is small.
        groups : Series, optional
            A group per row of ``X`` (copies of one campaign letter share one): rows of a group are kept
            in the same cross-validation fold, so agreement is never measured on a copy of a text the
            model was trained on (an audit's copies of one letter lifted macro F1 from 0.81 to 0.93).
        """
        if len(X) != len(Y):
            raise ConfigError(f"{len(X)} responses but {len(Y)} rows of codes")
        if len(X) < 2:
            raise ConfigError("machine coding needs at least 2 hand-coded responses")
        self.codes_ = [str(c) for c in Y.columns]
        y = Y.to_numpy(dtype=np.int8)
        self._fit_features(corpus if corpus is not None else X)
        F = self._features(X)
        pos = y.sum(axis=0)
        trained = (pos >= max(self.min_examples, 2)) & (pos <= len(y) - 2)
        self.untrained_ = [c for c, t in zip(self.codes_, trained, strict=True) if not t]
        self.multi_label_ = bool((y.sum(axis=1) > 1).any())
        none_share = float((y.sum(axis=1) == 0).mean())
        self.at_least_one_ = bool(none_share < 0.05) if self.at_least_one == "auto" else bool(self.at_least_one)
        # Out-of-fold probabilities: stratify on each row's rarest trained code (or "none"). A stratum
        # with fewer rows than folds joins the largest, so one rare code (an audit's code with two
        # examples, left to analysts) never cuts every code's cross-validation to two folds.
        uses = (y > 0) & trained[None, :]
        rarity = np.where(uses, pos[None, :], np.iinfo(np.int64).max)
        strata = np.where(uses.any(axis=1), rarity.argmin(axis=1), -1)
        k = max(2, min(self.cv, len(y)))
        counts = pd.Series(strata).value_counts()
        strata = np.where(pd.Series(strata).map(counts).to_numpy() >= k, strata, counts.index[0])
        k = max(2, min(k, int(pd.Series(strata).value_counts().min())))
        if groups is not None and pd.Series(np.asarray(groups)).duplicated().any():
            group_ids = pd.factorize(pd.Series(np.asarray(groups, dtype=object)).astype(str))[0]
            k = max(2, min(k, int(group_ids.max()) + 1))
            folds = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=self.random_state)
            splits = folds.split(np.zeros(len(y)), strata, group_ids)
        else:
            splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=self.random_state).split(
                np.zeros(len(y)), strata)
        fold_of = np.zeros(len(y), dtype=int)
        oof = np.zeros(y.shape)
        for f, (tr, te) in enumerate(splits):
            fold_of[te] = f
            ok = trained & (y[tr].sum(axis=0) >= 1) & (y[tr].sum(axis=0) < len(tr))
            oof[te] = self._proba(self._fit_codes(F[tr], y[tr], ok), F[te])
        self.thresholds_ = np.array([self._threshold(y[:, j], oof[:, j]) if trained[j] else np.inf
                                     for j in range(y.shape[1])])
        # Cross-fitted cuts: fold f's rows are judged with thresholds tuned on the other folds.
        cv_pred = np.zeros(y.shape, dtype=np.int8)
        for f in range(k):
            te, other = fold_of == f, fold_of != f
            cut = np.array([self._threshold(y[other, j], oof[other, j]) if trained[j] else np.inf
                            for j in range(y.shape[1])])
            cv_pred[te] = _decide(oof[te], cut, at_least_one=self.at_least_one_, multi_label=self.multi_label_)
        index = X.index
        self.cv_proba_ = pd.DataFrame(oof, columns=self.codes_, index=index)
        self.cv_predictions_ = pd.DataFrame(cv_pred, columns=self.codes_, index=index)
        tp = (cv_pred & y).sum(axis=0)
        denom = cv_pred.sum(axis=0) + y.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(trained & (denom > 0), 2 * tp / denom, np.nan)
        self.cv_f1_ = pd.Series(f1, index=self.codes_, name="cv_f1")
        self.n_folds_ = k
        self.models_ = self._fit_codes(F, y, trained)
        self.n_coded_ = len(y)
        return self

    def predict_proba(self, X: pd.DataFrame) -> pd.DataFrame:
        """Probability of each code for each response (0 for codes too rare to train)."""
        check_is_fitted(self, "models_")
        return pd.DataFrame(self._proba(self.models_, self._features(X)), columns=self.codes_, index=X.index)

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        """0/1 codes per response: codes whose probability reaches their tuned threshold."""
        proba = self.predict_proba(X)
        out = _decide(proba.to_numpy(), self.thresholds_, at_least_one=self.at_least_one_,
                      multi_label=self.multi_label_)
        return pd.DataFrame(out, columns=self.codes_, index=X.index)

    def top_terms(self, n: int = 10) -> dict[str, list[str]]:
        """The words and phrases that most raise each code's probability (empty for untrained codes),
        leaving out those made only of stop words ("is", "go up"): the model may weigh them, but they
        say nothing to a reader."""
        from .themes import stop_words

        check_is_fitted(self, "models_")
        names = self.words_.get_feature_names_out()
        stop = stop_words()
        shown = np.array([not set(str(t).split()) <= stop for t in names])
        out = {}
        for code, m in zip(self.codes_, self.models_, strict=True):
            if m is None:
                out[code] = []
                continue
            w = m.coef_[0][: len(names)]
            top = [i for i in np.argsort(-w, kind="stable") if w[i] > 0 and shown[i]][:n]
            out[code] = [str(names[i]) for i in top]
        return out


# --- agreement ---------------------------------------------------------------------------------

def _scores(tp, fp, fn, tn, either: bool = False) -> dict[str, np.ndarray]:
    """Per-code precision, recall, F1, kappa; micro F1; macro F1 and mean kappa over the codes the
    truth uses (``either``: that either coding uses). Arrays with a leading batch axis (bootstrap) or none."""
    tp, fp, fn, tn = (np.asarray(a, dtype=float) for a in (tp, fp, fn, tn))
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # means over no defined code are NaN, on purpose
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        f1 = np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan)
        n = tp + fp + fn + tn
        po = (tp + tn) / n
        pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / n**2
        kappa = np.where(pe < 1, (po - pe) / (1 - pe), np.nan)
        micro = 2 * tp.sum(-1) / (2 * tp.sum(-1) + fp.sum(-1) + fn.sum(-1))
        used = (tp + fn + (fp if either else 0)) > 0
        macro = np.nanmean(np.where(used, f1, np.nan), axis=-1)
        mean_kappa = np.nanmean(np.where(used, kappa, np.nan), axis=-1)
    return {"precision": precision, "recall": recall, "f1": f1, "kappa": kappa,
            "micro_f1": micro, "macro_f1": macro, "mean_kappa": mean_kappa}


def agreement(truth: pd.DataFrame, predicted: pd.DataFrame, *, n_boot: int = 1000, confidence: float = 0.95,
              random_state: int = 0, symmetric: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How well one coding agrees with another (e.g. the machine with the analysts), with intervals.

    Parameters
    ----------
    truth, predicted : DataFrame
        0/1 columns per code (the same columns), one row per response, aligned.
    n_boot : int, default 1000
        Bootstrap resamples of the responses for the intervals (0: no intervals).
    confidence : float, default 0.95
    random_state : int, default 0
    symmetric : bool, default False
        Average over the codes either coding uses, so swapping the two changes nothing (two analysts);
        by default over the codes ``truth`` uses (the machine against the analysts).

    Returns
    -------
    overall : DataFrame
        Rows ``micro_f1``, ``macro_f1`` (mean of per-code F1 over codes present in ``truth``, or in
        either with ``symmetric``), ``mean_kappa`` (mean of per-code Cohen's kappa over those codes), with ``value``,
        ``ci_low``, ``ci_high``, ``n`` (responses).
    per_code : DataFrame
        ``code_id``, ``n_true``, ``n_predicted``, ``precision``, ``recall``, ``f1``, ``kappa``, and
        ``f1_low``/``f1_high`` and ``kappa_low``/``kappa_high`` intervals.

    Examples
    --------
    >>> t = pd.DataFrame({"A": [1, 1, 0, 0], "B": [0, 0, 1, 1]})
    >>> p = pd.DataFrame({"A": [1, 0, 0, 0], "B": [0, 1, 1, 1]})
    >>> overall, per_code = agreement(t, p, n_boot=0)
    >>> overall.set_index("metric")["value"].round(4).to_dict()
    {'micro_f1': 0.75, 'macro_f1': 0.7333, 'mean_kappa': 0.5}
    """
    if list(truth.columns) != list(predicted.columns) or len(truth) != len(predicted):
        raise ConfigError("the two codings must have the same codes and the same responses")
    T = truth.to_numpy(dtype=bool)
    P = predicted.to_numpy(dtype=bool)
    cells = [(T & P), (~T & P), (T & ~P), (~T & ~P)]
    counts = [c.sum(axis=0) for c in cells]
    point = _scores(*counts, either=symmetric)
    n = len(T)
    alpha = (1 - confidence) / 2
    boot = None
    if n_boot and n > 1:
        rng = np.random.default_rng(random_state)
        stacked = np.stack([c.astype(np.float64) for c in cells])  # 4 x n x k
        acc: list[dict[str, np.ndarray]] = []
        for start in range(0, n_boot, 200):
            b = min(200, n_boot - start)
            weights = rng.multinomial(n, np.full(n, 1 / n), size=b).astype(np.float64)  # b x n
            tp, fp, fn, tn = (weights @ stacked[i] for i in range(4))
            acc.append(_scores(tp, fp, fn, tn, either=symmetric))
        boot = {k: np.concatenate([a[k] for a in acc]) for k in acc[0]}

    def interval(key: str):
        if boot is None:
            return np.nan, np.nan
        values = boot[key]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return (np.nanquantile(values, alpha, axis=0), np.nanquantile(values, 1 - alpha, axis=0))

    rows = []
    for key in ("micro_f1", "macro_f1", "mean_kappa"):
        lo, hi = interval(key)
        rows.append({"metric": key, "value": float(point[key]), "ci_low": float(lo), "ci_high": float(hi), "n": n})
    overall = pd.DataFrame(rows)
    f_lo, f_hi = interval("f1")
    k_lo, k_hi = interval("kappa")
    k = T.shape[1]

    def vec(x):
        return np.broadcast_to(np.asarray(x, dtype=float), (k,))

    per_code = pd.DataFrame({
        "code_id": [str(c) for c in truth.columns],
        "n_true": T.sum(axis=0).astype(np.int64),
        "n_predicted": P.sum(axis=0).astype(np.int64),
        "precision": point["precision"], "recall": point["recall"], "f1": point["f1"], "kappa": point["kappa"],
        "f1_low": vec(f_lo), "f1_high": vec(f_hi), "kappa_low": vec(k_lo), "kappa_high": vec(k_hi),
    })
    return overall, per_code


def analyst_agreement(hand: pd.DataFrame, codes: list[str], **options) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Agreement between two analysts who coded the same responses (the sheet's ``coder`` column).

    Of responses coded by several analysts, the first two (in the order :func:`helpers.codeframe.read_coding_sheet`
    gives: the analyst who coded most responses first) are compared. Per-code F1 and kappa are
    symmetric in the two, and macro F1 and mean kappa average over the codes either analyst used, so
    which one is the reference does not matter. Returns None when no response was coded twice.
    ``options`` go to :func:`agreement`.

    Examples
    --------
    >>> hand = pd.DataFrame({"comment_id": ["a", "a", "b", "b"], "coder": ["X", "Y", "X", "Y"],
    ...                      "A": [1, 1, 0, 1], "B": [0, 0, 1, 0]})
    >>> overall, _ = analyst_agreement(hand, ["A", "B"], n_boot=0)
    >>> row = overall.set_index("metric").loc["micro_f1"]
    >>> float(row["value"]), int(row["n"])
    (0.5, 2)
    """
    twice = hand[hand.duplicated("comment_id", keep=False)]
    if twice.empty:
        return None
    order = twice.groupby("comment_id", sort=False).cumcount()
    first = twice[order == 0].set_index("comment_id")
    second = twice[order == 1].set_index("comment_id").reindex(first.index)
    return agreement(first[codes].astype(int), second[codes].astype(int), symmetric=True, **options)


def estimated_shares(truth: pd.DataFrame, cv_proba: pd.DataFrame, proba: pd.DataFrame | None, n_analyst, n: int,
                     *, trained=None, calibrate=None, n_boot: int = 1000, confidence: float = 0.95,
                     random_state: int = 0) -> pd.DataFrame:
    """Each code's share of all ``n`` responses, with the machine's part estimated from its
    probabilities rather than counted from its yes-or-no decisions.

    A classifier tuned for F1 over-codes the codes it is unsure of: in an audit of the NHS feedback
    with 181 responses coded by hand, the machine gave "Care received" to 60% of the rest, where the
    human coding has 36%, and the briefing said "63% (95% CI 62% to 64%)". Here the machine's
    probabilities for the responses it coded are added up and scaled by how far their sum overshoots on
    the analysts' own responses: the factor is the analysts' count of the code divided by the sum of
    its cross-validated probabilities there (calibrated probabilistic classify-and-count). On that
    audit the shares came within 1 point of the human coding on average (the counts of decisions: 4
    points; the factor left out: 4 points). The estimate adds the analysts' own count:
    ``(n_analyst + factor * sum of probabilities) / n``. The interval resamples the analysts' responses
    (the factor) ``n_boot`` times and adds the spread of the coded responses' own chances. A code the
    machine does not code (``trained`` False, or never given by analysts) gets NaN: its count is
    the analysts' alone.

    The factor holds only if the analysts' responses are like the rest. Those the active sampler chose
    (:func:`priority`) are not: they sit near the machine's thresholds. ``calibrate`` keeps the factor
    to the responses drawn at random (:func:`sheet_draws`). On the NHS corpus (200 responses coded at
    random, then three sheets of 100 from :func:`priority`; 12 seeds, 9 codes each), a factor taken
    over every coded response gave intervals that held the human share for 91 codes in 108 (84%);
    taken over the random ones, 99 in 108 (92%), as with 500 responses all coded at random (99 in
    107). A code that no calibrating response carries (the sampler looks for rare codes on purpose) is
    calibrated on every coded response instead, and ``calibrated_on`` says so.

    Parameters
    ----------
    truth, cv_proba : DataFrame
        The analysts' 0/1 codes and the machine's cross-validated probabilities, aligned, one column
        per code.
    proba : DataFrame or None
        The machine's probabilities for the responses it coded (same columns); None when it coded none.
    n_analyst : array-like of int
        Per code, responses given it by analysts (their word-for-word copies included).
    n : int
        All responses coded (by analysts, as copies, or by the machine).
    calibrate : array-like of bool, optional
        Rows of ``truth`` the factor is taken from (default all): those drawn at random.

    Returns
    -------
    DataFrame
        ``code_id``, ``estimate``, ``estimate_low``, ``estimate_high``, ``calibrated_on``
        (``"random"``: the ``calibrate`` rows; ``"all"``: every row, when ``calibrate`` is not given or
        none of its rows carries the code; ``""`` for a code with no estimate).

    Examples
    --------
    >>> t = pd.DataFrame({"A": [1, 1, 0, 0]})
    >>> cv = pd.DataFrame({"A": [0.9, 0.7, 0.3, 0.1]})  # sums to 2.0 where analysts counted 2: factor 1
    >>> rest = pd.DataFrame({"A": [0.5] * 10})
    >>> float(estimated_shares(t, cv, rest, [2], 14, n_boot=0).loc[0, "estimate"])  # (2 + 1 * 5) / 14
    0.5
    """
    codes = [str(c) for c in truth.columns]
    H_all, Q_all = truth.to_numpy(dtype=float), cv_proba.to_numpy(dtype=float)
    keep = np.ones(len(truth), dtype=bool) if calibrate is None else np.asarray(calibrate, dtype=bool)
    R = np.zeros((0, len(codes))) if proba is None else proba.to_numpy(dtype=float)
    a = np.asarray(n_analyst, dtype=float)
    ok = (H_all.sum(axis=0) > 0) & (Q_all.sum(axis=0) > 0) & (len(R) > 0)
    if trained is not None:
        ok &= np.asarray(trained, dtype=bool)
    # each code's calibrating rows: the random ones, or every row when no random one carries it
    on_random = (H_all[keep].sum(axis=0) > 0) & (Q_all[keep].sum(axis=0) > 0) & (calibrate is not None)
    total, spread = R.sum(axis=0), np.sqrt((R * (1 - R)).sum(axis=0))

    def factor(H, Q):
        with np.errstate(invalid="ignore", divide="ignore"):
            return H.sum(axis=-2) / Q.sum(axis=-2)

    f = np.where(on_random, factor(H_all[keep], Q_all[keep]), factor(H_all, Q_all))
    f = np.where(ok, f, np.nan)
    estimate = np.clip((a + f * total) / n, 0, 1)
    low = high = np.full(len(codes), np.nan)
    if n_boot and ok.any() and len(H_all) > 1:
        rng = np.random.default_rng(random_state)
        noise = spread * rng.standard_normal((n_boot, len(codes)))

        def boot_factor(H, Q):  # n_boot x codes, resampling the rows
            if len(H) < 2:
                return np.full((n_boot, len(codes)), np.nan)
            rows = rng.integers(0, len(H), size=(n_boot, len(H)))
            return factor(H[rows], Q[rows])

        fb = np.where(on_random[None, :], boot_factor(H_all[keep], Q_all[keep]), boot_factor(H_all, Q_all))
        boot = np.clip((a + fb * (total + noise)) / n, 0, 1)
        alpha = (1 - confidence) / 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low = np.where(ok, np.minimum(np.nanquantile(boot, alpha, axis=0), estimate), np.nan)
            high = np.where(ok, np.maximum(np.nanquantile(boot, 1 - alpha, axis=0), estimate), np.nan)
    calibrated_on = np.where(ok, np.where(on_random, "random", "all"), "")
    return pd.DataFrame({"code_id": codes, "estimate": estimate, "estimate_low": low, "estimate_high": high,
                         "calibrated_on": calibrated_on})


# --- active sampling ---------------------------------------------------------------------------

def interleave(score: np.ndarray, explore: float, *, random_state: int = 0) -> np.ndarray:
    """A ranking (highest first) that takes, of any top ``n``, about ``(1 - explore) * n`` items by
    ``score`` and ``explore * n`` in a seeded random order (the same item is not taken twice).

    Each item's turn (:func:`_turns`): the k-th by score comes up at step ``k / (1 - explore)``, the
    k-th of the random order at step ``k / explore``; it is taken at the earlier of the two.
    ``explore=0`` gives ``score``.

    Examples
    --------
    >>> interleave(np.array([0.9, 0.5, 0.1]), 0.0).tolist()
    [0.9, 0.5, 0.1]
    >>> r = interleave(np.linspace(1, 0, 10), 0.5, random_state=0)
    >>> bool(r[0] == r.max())  # the best by score comes first
    True
    """
    score = np.asarray(score, dtype=float)
    return _ranking(score, _turns(score, explore, random_state)[0], explore)


def _ranking(score: np.ndarray, turn: np.ndarray, explore: float) -> np.ndarray:
    """:func:`interleave`'s ranking from the items' turns (``score`` itself when nothing is explored)."""
    if explore <= 0 or len(score) == 0:
        return score
    return 1 - turn / (turn.max() + 1)


def _turns(score: np.ndarray, explore: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Each item's turn in :func:`interleave`, and its turn in the random order alone (inf when
    ``explore`` is 0)."""
    n = len(score)
    by_score = np.empty(n)
    by_score[np.argsort(-score, kind="stable")] = np.arange(n)
    if explore <= 0 or n == 0:
        return by_score, np.full(n, np.inf)
    chance = np.random.default_rng(random_state).permutation(n).astype(float) / explore
    score_turn = by_score / (1 - explore) if explore < 1 else np.full(n, np.inf)
    return np.minimum(score_turn, chance), chance


def sheet_draws(chosen: pd.DataFrame) -> np.ndarray:
    """How each response of a sheet taken from :func:`priority`'s ranking came to be on it: "at
    random", or "for code X" (its ``target_code``).

    The random ones are those whose turn in the random order came up before the sheet's last turn:
    a prefix of a random permutation of the candidates, so a simple random sample of them, whatever
    their scores. (A response the scores would have taken anyway, earlier, is still one the random
    order drew: labelling only those the random order took first would leave out the most uncertain
    responses, and calibrating shares on the others would be biased.)

    Parameters
    ----------
    chosen : DataFrame
        The rows of :func:`priority` for the responses on the sheet.

    Examples
    --------
    >>> chosen = pd.DataFrame({"turn": [0.0, 0.0, 1.43, 2.86], "chance_turn": [3.33, 0.0, 6.67, 10.0],
    ...                        "target_code": ["A", "B", "A", "B"]})
    >>> sheet_draws(chosen).tolist()  # the last turn is 2.86: only the random order's first came by then
    ['for code A', 'at random', 'for code A', 'for code B']
    """
    if not len(chosen):
        return np.zeros(0, dtype=object)
    last = float(chosen["turn"].max())
    at_random = chosen["chance_turn"].to_numpy(dtype=float) <= last
    return np.where(at_random, AT_RANDOM, [f"for code {c}" for c in chosen["target_code"]]).astype(object)


def priority(model: CodingModel, X: pd.DataFrame, *, coded: pd.DataFrame | None = None, explore: float = 0.3,
             random_state: int = 0) -> pd.DataFrame:
    """How much coding each response would help, for the next coding sheet (active sampling).

    ``uncertainty`` is, for the code where it is largest, ``weakness * (1 - |p - t| / max(t, 1 - t))``:
    1 when the probability ``p`` sits at the code's threshold ``t``, weighted by the code's weakness
    (1 minus its cross-validated F1; 1 for codes too rare to train). ``coverage`` is 1 minus the
    response's largest cosine similarity (word TF-IDF) to an already coded response, so near-copies of
    coded text rank low. ``score = uncertainty * (0.5 + 0.5 * coverage)``.

    ``explore`` is the share of the sheet drawn at random from ``X`` instead (default 0.3). Pure
    uncertainty sampling picks ambiguous responses (often ambiguous to analysts too) and skews the coded
    sample, and with it the thresholds tuned on it: on the NHS corpus (``bench/coding.py``) it scored
    below random sampling on a fixed held-out set, while a 30% random share gave held-out agreement level
    with random sampling and kept the higher agreement on the responses left to the machine. ``priority``
    interleaves the two rankings (:func:`interleave`) so that any top ``n`` holds about
    ``(1 - explore) * n`` responses by ``score`` and ``explore * n`` at random; ``explore=0`` ranks by
    ``score`` alone.

    Returns
    -------
    DataFrame
        Aligned with ``X``: ``priority`` (rank by it, highest first), ``score``, ``uncertainty``,
        ``coverage``, ``target_code`` (the code the response would most help), ``turn`` and
        ``chance_turn`` (its turn in the ranking and in the random order: :func:`sheet_draws` says
        from them which responses of a sheet were drawn at random).
    """
    check_is_fitted(model, "models_")
    if not 0.0 <= explore <= 1.0:
        raise ConfigError(f"explore must be between 0 and 1, not {explore}")
    proba = model.predict_proba(X).to_numpy()
    t = np.where(np.isfinite(model.thresholds_), model.thresholds_, 0.5)
    weakness = (1 - model.cv_f1_.fillna(0.0).to_numpy()).clip(0.05, 1.0)
    closeness = 1 - np.abs(proba - t[None, :]) / np.maximum(t, 1 - t)[None, :]
    trained = np.isfinite(model.thresholds_)
    # Codes too rare to train: responses most like their (few) examples are unknown; treat as uncertain.
    closeness[:, ~trained] = 0.5
    weighted = weakness[None, :] * closeness.clip(0, 1)
    target = weighted.argmax(axis=1) if weighted.shape[1] else np.zeros(len(X), dtype=int)
    uncertainty = weighted.max(axis=1) if weighted.shape[1] else np.zeros(len(X))
    coverage = np.ones(len(X))
    if coded is not None and len(coded):
        A = model.words_.transform(_texts(X))
        B = model.words_.transform(_texts(coded))
        sim = np.zeros(len(X))
        for start in range(0, A.shape[0], 5000):
            block = (A[start:start + 5000] @ B.T).tocsr()
            sim[start:start + 5000] = block.max(axis=1).toarray().ravel()
        coverage = 1 - sim.clip(0, 1)
    score = uncertainty * (0.5 + 0.5 * coverage)
    turn, chance_turn = _turns(score, explore, random_state)
    return pd.DataFrame({"priority": _ranking(score, turn, explore), "score": score, "uncertainty": uncertainty, "coverage": coverage,
                         "target_code": [model.codes_[j] for j in target], "turn": turn,
                         "chance_turn": chance_turn}, index=X.index)


# --- the coded corpus, shaped like the theme tables --------------------------------------------

def code_tables(comments: pd.DataFrame, frame, hand: pd.DataFrame, machine: pd.DataFrame | None,
                proba: pd.DataFrame | None, *, top_terms: dict[str, list[str]] | None = None, n_quotes: int = 3
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The codes table and code assignments, in the shape of ``themes.parquet`` and
    ``theme_assignments.parquet`` (:func:`helpers.themes.summarise_themes`).

    Parameters
    ----------
    comments : DataFrame
        The analysed responses (``comment_id``, ``text``; ``consent_to_publish`` when present).
    frame : Codeframe
    hand : DataFrame
        Analysts' codes (:func:`helpers.codeframe.read_coding_sheet`); a response coded by two analysts
        takes the first analyst's codes.
    machine, proba : DataFrame, optional
        Machine codes and probabilities for the responses not hand-coded (index: comment ids).
    top_terms : dict, optional
        code id -> terms (the model's), shown after the code's example phrases.
    n_quotes : int, default 3
        Quotes per code: hand-coded responses first (the shortest complete ones), then the machine's
        most confident.

    Returns
    -------
    codes : DataFrame
        ``theme_id`` (1..k in codeframe order), ``code_id``, ``label`` (the code's name), ``parent``,
        ``top_terms``, ``size``, ``main_size``, ``share``, ``ci_low``, ``ci_high`` (Wilson 95%),
        ``quote_ids``, ``n_analyst``, ``n_machine``, ``size_with_children`` (responses coded with the
        code or any code under it, through ``parent`` links: a parent code counts its children's
        responses once each).
    assignments : DataFrame
        ``comment_id``, ``theme_id``, ``weight`` (1 for analysts' codes, else the probability),
        ``is_main``, ``code_id``, ``coded_by`` ("analyst" or "machine"). A response with no code has
        one row with ``theme_id`` missing.
    """
    from .codeframe import descendants

    codes = frame.ids
    parent_of = dict(zip(frame.codes["code_id"], frame.codes["parent"], strict=True))
    number = {c: i + 1 for i, c in enumerate(codes)}
    ids = comments["comment_id"].astype(str).to_numpy()
    n = len(ids)
    first = hand.drop_duplicates("comment_id").set_index("comment_id")
    first = first[first.index.isin(ids)]
    W = np.zeros((n, len(codes)))
    by = np.full(n, "machine", dtype=object)
    pos = pd.Series(np.arange(n), index=ids)
    hp = pos.reindex(first.index).to_numpy()
    W[hp] = first[codes].to_numpy(dtype=float)
    by[hp] = "analyst"
    if machine is not None and len(machine):
        mp = pos.reindex(machine.index.astype(str)).to_numpy()
        weights = machine[codes].to_numpy(dtype=float)
        if proba is not None:
            weights = weights * np.maximum(proba[codes].to_numpy(dtype=float), 1e-6)
        W[mp] = weights
    else:
        by[:] = np.where(np.isin(np.arange(n), hp), "analyst", "none")
    assigned = W > 0
    has = assigned.any(axis=1)
    main = np.where(has, W.argmax(axis=1), -1)
    size = assigned.sum(axis=0)
    main_size = np.bincount(main[has], minlength=len(codes))
    low, high = wilson_interval(size, n) if n else (np.full(len(codes), np.nan), np.full(len(codes), np.nan))
    allowed = np.ones(n, dtype=bool)
    if "consent_to_publish" in comments.columns:
        allowed = ~comments["consent_to_publish"].astype("boolean").eq(False).fillna(False).to_numpy(bool)
    texts = comments["text"].astype("string").fillna("").astype(str).to_numpy()
    length = np.array([len(t) for t in texts])
    quotes = []
    for j in range(len(codes)):
        ok = assigned[:, j] & allowed & (length >= 20)
        rank = np.lexsort((length, -W[:, j], by != "analyst"))  # analysts' first, then confidence, then short
        chosen, seen = [], set()
        for i in rank:
            if len(chosen) >= n_quotes or not ok[i]:
                if len(chosen) >= n_quotes:
                    break
                continue
            key = " ".join(texts[i].lower().split())
            if key in seen:
                continue
            seen.add(key)
            chosen.append(str(ids[i]))
        quotes.append(chosen)
    terms = []
    for row in frame.codes.itertuples(index=False):
        extra = (top_terms or {}).get(row.code_id, [])
        terms.append(list(dict.fromkeys([*row.examples, *extra]))[:10])
    table = pd.DataFrame({
        "theme_id": np.arange(1, len(codes) + 1, dtype=np.int64),
        "code_id": codes,
        "label": frame.codes["name"].astype(str).to_numpy(),
        "parent": frame.codes["parent"].to_numpy(),
        "top_terms": terms,
        "size": size.astype(np.int64),
        "main_size": main_size.astype(np.int64),
        "share": size / n if n else np.full(len(codes), np.nan),
        "ci_low": np.asarray(low, dtype=float),
        "ci_high": np.asarray(high, dtype=float),
        "quote_ids": quotes,
        "n_analyst": assigned[by == "analyst"].sum(axis=0).astype(np.int64),
        "n_machine": assigned[by == "machine"].sum(axis=0).astype(np.int64),
        "size_with_children": np.array([assigned[:, [j, *(codes.index(d) for d in descendants(parent_of, c))]]
                                        .any(axis=1).sum() for j, c in enumerate(codes)], dtype=np.int64),
    }).sort_values(["size", "theme_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    rows, cols = np.nonzero(assigned)
    none = np.flatnonzero(~has)
    doc = np.concatenate([rows, none])
    code_pos = np.concatenate([cols, np.full(none.size, -1)])
    order = np.lexsort((code_pos, doc))
    doc, code_pos = doc[order], code_pos[order]
    assignments = pd.DataFrame({
        "comment_id": pd.Series(ids[doc], dtype="string"),
        "theme_id": pd.array([number[codes[c]] if c >= 0 else pd.NA for c in code_pos], dtype="Int64"),
        "weight": np.where(code_pos >= 0, W[doc, np.maximum(code_pos, 0)], np.nan),
        "is_main": np.where(code_pos >= 0, code_pos == main[doc], True),
        "code_id": pd.Series([codes[c] if c >= 0 else None for c in code_pos], dtype="string"),
        "coded_by": pd.Series(by[doc], dtype="string"),
    })
    return table, assignments


def code_comments(comments: pd.DataFrame, frame, hand: pd.DataFrame, *, random_state: int = 0,
                  n_boot: int = 1000) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Code every response: analysts' codes where given, the machine's elsewhere (the ``code`` command).

    Parameters
    ----------
    comments : DataFrame
        The responses with text (``comment_id``, ``text``; ``question_id`` used when present).
    frame : Codeframe
    hand : DataFrame
        From :func:`helpers.codeframe.read_coding_sheet`.

    Returns
    -------
    coded : DataFrame
        One row per response: ``comment_id``, ``codes`` (code ids joined by ``;``, empty for none),
        ``coded_by`` ("analyst", including word-for-word copies of a hand-coded response, which take
        its codes; or "machine"), then a 0/1 column per code.
    overall, per_code : DataFrame
        Cross-validated agreement of the machine with the analysts (:func:`agreement`); hand-coded
        responses with the same text stay in one fold, so no response is checked by a model that saw
        its copy.
    """
    first = hand.drop_duplicates("comment_id")
    if len(first) < MIN_HAND_CODED:
        raise ConfigError(f"only {len(first)} response(s) are coded: machine coding needs at least {MIN_HAND_CODED}")
    by_id = comments.set_index(comments["comment_id"].astype(str))
    X_hand = by_id.loc[first["comment_id"]].reset_index(drop=True)
    Y_hand = first[frame.ids].reset_index(drop=True)
    model = CodingModel(random_state=random_state).fit(X_hand, Y_hand, corpus=comments,
                                                       groups=_text_key(X_hand["text"]).to_numpy())
    copied = copies_of_coded(comments, first, frame.ids).set_index("comment_id")
    analysts = set(first["comment_id"]) | set(copied.index)
    rest = by_id.loc[~by_id.index.isin(analysts)]
    machine = model.predict(rest) if len(rest) else pd.DataFrame(columns=frame.ids, dtype=np.int8)
    marks = (pd.concat([first.set_index("comment_id")[frame.ids], copied[frame.ids], machine])
             .reindex(by_id.index).fillna(0).astype(np.int8))
    coded = pd.DataFrame({"comment_id": by_id.index.to_numpy()})
    ids = np.array(frame.ids, dtype=object)
    coded["codes"] = [";".join(ids[row.astype(bool)]) for row in marks.to_numpy()]
    coded["coded_by"] = np.where(coded["comment_id"].isin(analysts), "analyst", "machine")
    for code in frame.ids:
        coded[code] = marks[code].to_numpy()
    overall, per_code = agreement(Y_hand, model.cv_predictions_, n_boot=n_boot, random_state=random_state)
    return coded, overall, per_code


def _cached(encode: Callable[[list[str]], Any]) -> Callable[[list[str]], np.ndarray]:
    """``encode`` with each distinct text encoded once (fit, predict and priority share vectors)."""
    memo: dict[str, np.ndarray] = {}

    def cached(texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in memo))
        if todo:
            memo.update(zip(todo, np.asarray(encode(todo)), strict=True))
        return np.stack([memo[t] for t in texts]) if texts else np.zeros((0, 0))

    return cached


# --- the 07_codeframe stage --------------------------------------------------------------------

def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
            for r in df.to_dict("records")]


#: Where earlier coding sheets of a run folder are kept, each under a digest of its content.
SHEET_ARCHIVE = "coding_sheets"


def keep_analysts_files(run: str | os.PathLike, frame) -> list[str]:
    """Keep what analysts may have edited in the run folder before ``07_codeframe`` writes over it.

    ``codeframe.yaml`` edited in place (its codes differ from ``frame``, the codeframe this run uses)
    is kept under ``codeframes/`` by version and digest (a file that no longer reads as a codeframe is
    kept as it is); a coding sheet (``coding_sheet.csv``, ``.xlsx``) with anything written in it
    beyond the ids and texts (a code mark, a coder, a note) is kept under :data:`SHEET_ARCHIVE`, named
    by a digest of its bytes, so a filled-in sheet survives the next sheet being written and the same
    sheet is never stored twice.

    Returns
    -------
    list of str
        The kept copies, relative to the run folder, that were new (for the notes).
    """
    import hashlib
    import shutil

    from . import stages
    from .codeframe import archive_codeframe, archive_path, read_codeframe
    from .errors import ListeningPostError

    run = stages.run_folder(run)  # relative to here, else to the project (from notebooks/)
    kept: list[str] = []

    def keep_bytes(source: Path, folder: Path, stem: str) -> None:  # a copy named by a digest of its bytes
        target = folder / f"{stem}-{hashlib.sha256(source.read_bytes()).hexdigest()[:12]}{source.suffix}"
        if not target.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            kept.append(str(target.relative_to(run)))

    current = stages.output_path(run, "codeframe")
    if current.is_file():
        try:
            edited = read_codeframe(current)
        except ListeningPostError:  # edited into something that no longer reads: keep it as it is
            keep_bytes(current, run / "codeframes", "codeframe-unreadable")
        else:
            target = archive_path(edited, run / "codeframes")
            if edited.digest() != frame.digest() and not target.is_file():
                archive_codeframe(edited, run / "codeframes")
                kept.append(str(target.relative_to(run)))
    for name in ("coding_sheet", "coding_sheet_xlsx"):
        sheet = stages.output_path(run, name)
        if sheet.is_file() and _written_in(sheet):
            keep_bytes(sheet, run / SHEET_ARCHIVE, sheet.stem)
    return kept


def console_lines(run: str | os.PathLike) -> list[str]:
    """What ``07_codeframe`` did, in a few lines for the runner to print (an analyst running
    ``make report`` learns where the sheet to code is without opening the notebook)."""
    from . import stages

    run = stages.run_folder(run)  # relative to here, else to the project (from notebooks/)
    if not stages.output_path(run, "coding_notes").is_file():
        return []
    notes = stages.load(run, "coding_notes")
    sheet = stages.output_path(run, "coding_sheet")
    lines = []
    if notes.get("machine_coding"):
        agree = {r["metric"]: r for r in notes.get("agreement") or []}
        micro, macro = agree.get("micro_f1"), agree.get("macro_f1")
        measured = micro and macro and micro.get("value") is not None and macro.get("value") is not None
        lines.append(f"  coding: {notes['n_hand_coded']:,} responses coded by analysts, {notes['n_machine_coded']:,} "
                     "by machine" + (f"; agreement with the analysts: F1 {micro['value']:.2f} over all codes, "
                                     f"{macro['value']:.2f} averaged over codes ({notes['cv_folds']}-fold "
                                     "cross-validation)" if measured else "; agreement not measurable (no code "
                                                                          "given in the hand-coded responses)"))
        if notes.get("untrained_codes"):
            lines.append(f"  coding: too few examples to train, left to analysts: {', '.join(notes['untrained_codes'])}")
        if notes.get("prefilled_rows"):
            rows = notes["prefilled_rows"]
            lines.append(f"  coding: {len(rows):,} sheet row(s) with 0 in every code column and no coder read as not "
                         f"coded yet (rows {_row_list(np.asarray(rows))})")
        if notes.get("codeframe_tab_edits"):
            lines.append(f"  coding: the workbook's codeframe tab was edited, but codes are read from the codeframe file: "
                         f"{notes['codeframe_tab_edits']}")
        lines.append(f"  coding: the next {notes['sheet']['n']:,} responses to code: {sheet} (and .xlsx)")
    else:
        lines.append(f"  coding: a first sheet of {notes['sheet']['n']:,} responses to code: {sheet} (and .xlsx), "
                     f"with the draft codeframe {stages.output_path(run, 'codeframe')}")
    lines += [f"  coding: kept {run / k}" for k in notes.get("kept_files") or []]
    return lines


def copy_groups(run: str | os.PathLike, comments: pd.DataFrame) -> pd.Series:
    """A group number per response (aligned with ``comments``): one per campaign for a campaign's
    copies, one per exact-duplicate group for repeated texts, else one per response (from
    ``03_campaigns``' ``campaigns.parquet``; every response its own group when that stage has not run).
    O(n): one hash join of the ids."""
    from . import stages

    n = len(comments)
    own = np.arange(n, dtype=np.int64)
    if not stages.output_path(run, "campaign_members").is_file():
        return pd.Series(own, index=comments.index)
    members = stages.load(run, "campaign_members")[["comment_id", "campaign_id", "duplicate_group", "n_copies"]]
    m = pd.DataFrame({"comment_id": comments["comment_id"].to_numpy()}).merge(members, on="comment_id", how="left")
    campaign, _ = pd.factorize(m["campaign_id"])  # -1 outside campaigns
    repeated = (m["n_copies"].fillna(1).to_numpy() > 1)
    duplicate = m["duplicate_group"].fillna(-1).to_numpy(dtype=np.int64)
    # disjoint ranges: responses 0..n-1, duplicate groups from n, campaigns after those
    out = np.where(repeated & (duplicate >= 0), n + duplicate, own)
    out = np.where(campaign >= 0, n + int(duplicate.max(initial=0)) + 1 + campaign, out)
    return pd.Series(out, index=comments.index)


#: The fewest hand-coded responses machine coding learns from.
MIN_HAND_CODED = 10


def _text_key(texts: pd.Series) -> pd.Series:
    """A text as compared for word-for-word copies: lower case, white space collapsed."""
    return texts.astype("string").fillna("").str.lower().str.split().str.join(" ")


def copies_of_coded(comments: pd.DataFrame, hand: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Rows in the shape of ``hand`` (:func:`helpers.codeframe.read_coding_sheet`) giving every
    word-for-word copy of a hand-coded response (same text, ignoring case and white space) the codes
    of its first hand-coded copy; ``coder`` says whose copy it is.

    Examples
    --------
    >>> c = pd.DataFrame({"comment_id": ["a", "b", "c"], "text": ["Stop the plan", "stop  the PLAN", "Other"]})
    >>> h = pd.DataFrame({"comment_id": ["a"], "coder": ["AB"], "row": [2], "X": [1]})
    >>> copies_of_coded(c, h, ["X"])[["comment_id", "coder", "X"]].values.tolist()
    [['b', 'copy of a', 1]]
    """
    key = _text_key(comments["text"])
    ids = comments["comment_id"].astype(str)
    first = hand.drop_duplicates("comment_id").set_index("comment_id")
    coded = ids.isin(set(first.index)).to_numpy()
    source = pd.Series(ids[coded].to_numpy(), index=key[coded].to_numpy())
    source = source[~source.index.duplicated()]  # the first hand-coded copy of each text
    copy = ~coded & key.isin(set(source.index)).to_numpy() & key.ne("").to_numpy()
    of = source.reindex(key[copy].to_numpy()).to_numpy()
    out = pd.DataFrame({"comment_id": ids[copy].to_numpy(), "coder": [f"copy of {o}" for o in of],
                        "row": pd.array([pd.NA] * int(copy.sum()), dtype="Int64")})
    for code in codes:
        out[code] = first.loc[of, code].to_numpy() if len(of) else np.zeros(0, dtype=np.int8)
    return out


def check_coding_inputs(codeframe: str, coded_sample: str, *, run: str | os.PathLike | None = None):
    """Read and check the analysts' codeframe and coded sample (empty strings: not given) before any work.

    A coded sample needs its codeframe; it must code at least :data:`MIN_HAND_CODED` responses; and it
    must not be the run folder's own ``coding_sheet.csv`` or ``.xlsx``, which ``07_codeframe`` rewrites
    with the next responses to code (the next run would read that blank sheet). Whether each coded
    response is in the corpus is checked once the corpus is read.

    Returns
    -------
    Codeframe or None
        The codeframe, or None when none was given (it is then drafted from the themes).
    """
    from . import paths, stages
    from .codeframe import read_codeframe, read_coding_sheet

    if coded_sample and not codeframe:
        raise ConfigError("a coded sample needs the codeframe it was coded with: set codeframe too")
    if not codeframe:
        return None
    frame = read_codeframe(paths.resolve(codeframe))
    frame.source = codeframe
    if coded_sample:
        sheet = paths.resolve(coded_sample)
        if run is not None and any(sheet.resolve() == stages.output_path(run, name).resolve()
                                   for name in ("coding_sheet", "coding_sheet_xlsx")):
            raise ConfigError(f"the coded sample is this run folder's {sheet.name}, which 07_codeframe rewrites with "
                              "the next responses to code: copy it out of the run folder (for example to "
                              "data/coding/sheet.csv), pass the copy, and add each new sheet's coded rows to it",
                              path=coded_sample)
        n = int(read_coding_sheet(sheet, frame)["comment_id"].nunique())
        if n < MIN_HAND_CODED:
            raise ConfigError(f"only {n} response(s) are coded in the sheet: machine coding needs at least "
                              f"{MIN_HAND_CODED}", path=coded_sample)
    return frame


def _written_in(sheet: Path) -> bool:
    """Whether an analyst wrote anything in a coding sheet beyond its ids and texts (True when it
    cannot be read: better kept than lost)."""
    try:
        if sheet.suffix.lower() == ".xlsx":
            table = pd.read_excel(sheet, sheet_name=0, dtype=str, keep_default_na=False)
        else:
            table = pd.read_csv(sheet, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception:  # noqa: BLE001 -- whatever is wrong with it, the file is kept
        return True
    rest = table.drop(columns=[c for c in ("comment_id", "question_id", "drawn", "text") if c in table.columns])
    return bool(rest.apply(lambda col: col.astype(str).str.strip().ne("")).to_numpy().any())


def run_coding(run: str | os.PathLike, *, codeframe: str = "", coded_sample: str = "", n_sample: int = 200,
               n_to_code: int = 100, random_state: int = 0, n_quotes: int = 3, n_boot: int = 1000,
               features: str = "tfidf", encoder: Callable | None = None) -> dict:
    """The ``07_codeframe`` stage: codeframe, coding sheet, and (given a coded sample) machine coding.

    1. The codeframe: read from ``codeframe`` when given, else drafted from ``themes.parquet``; written
       to the run folder as ``codeframe.yaml`` and kept under ``codeframes/`` by version.
    2. Without a coded sample: a coding sheet (``coding_sheet.csv`` and ``.xlsx``) of ``n_sample``
       responses, stratified by question and main theme; no machine coding.
    3. With one: train :class:`CodingModel`, code every response analysts did not, measure agreement
       by cross-validation (and between analysts, where two coded the same responses), write the
       codes tables, tone by code, and a coding sheet of the next ``n_to_code`` responses to code
       (active sampling, :func:`priority`).

    ``features="embeddings"`` adds all-MiniLM-L6-v2 sentence vectors to TF-IDF
    (:func:`helpers.embeddings.minilm_encoder`; needs the ``embeddings`` extra); ``encoder`` passes
    any other ``texts -> array`` function.

    Returns
    -------
    dict
        The notes written to ``coding.json`` (plus in-memory tables under ``"tables"``).
    """
    from . import paths, stages
    from .codeframe import (
        archive_codeframe,
        coding_sheet,
        draft_codeframe,
        drawn_at_random,
        read_coding_sheet,
        write_codeframe,
        write_coding_sheet,
    )

    run = stages.run_folder(run)  # relative to here, else to the project (from notebooks/)
    comments = stages.analysed_comments(stages.load_comments(run))
    if features not in ("tfidf", "embeddings"):
        raise ConfigError(f"coding features must be 'tfidf' or 'embeddings', not {features!r}")
    if features == "embeddings" and encoder is None:
        from .embeddings import minilm_encoder

        encoder = _cached(minilm_encoder())
    frame = check_coding_inputs(codeframe, coded_sample, run=run)
    if frame is None:
        frame = draft_codeframe(stages.load(run, "themes"), name=f"Draft from the themes of {run.name}")
    kept = keep_analysts_files(run, frame)  # an edited codeframe or a filled sheet is never lost
    in_place = stages.output_path(run, "codeframe")
    if not (frame.source and paths.resolve(frame.source).resolve() == in_place.resolve()):  # never rewrite analysts' file
        write_codeframe(frame, in_place, header=f"Codeframe version {frame.version} ({frame.source}). Edit it, bump "
                                                "the version, and pass it back as the codeframe parameter.")
    archive_codeframe(frame, run / "codeframes")
    for name in ("codes", "code_assignments", "code_agreement", "sentiment_by_code"):
        stages.output_path(run, name).unlink(missing_ok=True)  # stale results of an earlier coding
    notes: dict[str, Any] = {
        "codeframe": {"version": frame.version, "name": frame.name, "source": frame.source,
                      "n_codes": len(frame.ids), "digest": frame.digest()},
        "n_analysed": int(len(comments)),
        "machine_coding": False,
        "parameters": {"codeframe": codeframe, "coded_sample": coded_sample, "n_sample": n_sample,
                       "n_to_code": n_to_code, "random_state": random_state, "n_quotes": n_quotes,
                       "n_boot": n_boot, "features": features},
        "agreement_method": AGREEMENT_METHOD,
        "kept_files": kept,
    }
    tables: dict[str, pd.DataFrame] = {}
    copies = copy_groups(run, comments)  # copies of one campaign letter: coded once, one fold
    if not coded_sample:
        strata = None
        if "question_id" in comments.columns:
            strata = comments["question_id"].astype("string").fillna("")
        if stages.output_path(run, "theme_assignments").is_file():
            a = stages.load(run, "theme_assignments")
            main = a[a["is_main"]].set_index("comment_id")["theme_id"].astype("string")
            theme = comments["comment_id"].map(main).fillna("none")
            strata = theme if strata is None else strata + "|" + theme
        sheet = coding_sheet(comments, frame, n=max(1, min(n_sample, len(comments))), strata=strata,
                             random_state=random_state, groups=copies)
        notes["sheet"] = {"kind": "stratified sample", "n": int(len(sheet))}
    else:
        hand = read_coding_sheet(paths.resolve(coded_sample), frame, comment_ids=comments["comment_id"])
        hand_first = hand.drop_duplicates("comment_id")
        text = comments.set_index(comments["comment_id"].astype(str))
        X_hand = text.loc[hand_first["comment_id"]].reset_index(drop=True)
        Y_hand = hand_first[frame.ids].reset_index(drop=True)
        group_of = pd.Series(copies.to_numpy(), index=comments["comment_id"].astype(str).to_numpy())
        model = CodingModel(random_state=random_state, encoder=encoder).fit(
            X_hand, Y_hand, corpus=comments, groups=group_of.reindex(hand_first["comment_id"]).to_numpy())
        # word-for-word copies of a hand-coded response take the analysts' codes (the sheet listed it once)
        copied = copies_of_coded(comments, hand_first, frame.ids)
        rest_mask = ~comments["comment_id"].astype(str).isin(set(hand_first["comment_id"]) | set(copied["comment_id"]))
        rest = comments.loc[rest_mask].set_index(comments.loc[rest_mask, "comment_id"].astype(str))
        proba = model.predict_proba(rest) if len(rest) else None
        machine = model.predict(rest) if len(rest) else None
        overall, per_code = agreement(Y_hand, model.cv_predictions_, n_boot=n_boot, random_state=random_state)
        per_code.insert(1, "name", frame.codes["name"].to_numpy())
        per_code["threshold"] = np.where(np.isfinite(model.thresholds_), model.thresholds_, np.nan)
        per_code["machine_coded"] = ~per_code["code_id"].isin(model.untrained_)
        analysts = analyst_agreement(hand, frame.ids, n_boot=n_boot, random_state=random_state)
        codes_table, assignments = code_tables(comments, frame, pd.concat([hand, copied], ignore_index=True), machine,
                                               proba, top_terms=model.top_terms(), n_quotes=n_quotes)
        counts = codes_table.set_index("code_id").loc[frame.ids, "n_analyst"]  # the table is in size order
        # the active sampler's picks are not like the rest: shares are calibrated on the others
        at_random = drawn_at_random(hand_first)
        calibrated_on_random = int(at_random.sum()) >= MIN_HAND_CODED
        estimates = estimated_shares(Y_hand, model.cv_proba_, proba, counts, int(len(comments)),
                                     trained=[c not in model.untrained_ for c in frame.ids],
                                     calibrate=at_random if calibrated_on_random else None, n_boot=n_boot,
                                     random_state=random_state)
        codes_table = codes_table.merge(estimates, on="code_id", how="left")
        codes_table["machine_coded"] = ~codes_table["code_id"].isin(model.untrained_)
        stages.save(run, "codes", codes_table)
        stages.save(run, "code_assignments", assignments)
        stages.save(run, "code_agreement", per_code)
        if stages.output_path(run, "sentiment").is_file():
            from .sentiment import sentiment_by_group

            by_code = sentiment_by_group(stages.load(run, "sentiment"),
                                         assignments.dropna(subset=["theme_id"]), group="theme_id")
            stages.save(run, "sentiment_by_code", by_code)
        # the next sheet: responses of letters not yet coded, each letter once
        uncoded = rest_mask.to_numpy()
        fresh = ~copies[uncoded].isin(set(copies[~uncoded])).to_numpy()
        todo, todo_groups = rest[fresh], copies[uncoded][fresh].reset_index(drop=True)
        if len(todo):
            order = priority(model, todo, coded=X_hand, random_state=random_state)
            sheet = coding_sheet(todo.reset_index(drop=True), frame, n=max(1, min(n_to_code, len(todo))),
                                 order=order["priority"].to_numpy(), groups=todo_groups)
            sheet["drawn"] = sheet_draws(order.loc[sheet["comment_id"].to_numpy()])
        else:
            sheet = coding_sheet(comments.iloc[:0], frame, n=1)
        notes.update({
            "machine_coding": True,
            "n_hand_coded": int(len(hand_first)),
            "n_hand_rows": int(len(hand)),
            "prefilled_rows": hand.attrs.get("prefilled_rows", []),
            "codeframe_tab_edits": hand.attrs.get("codeframe_tab_edits", ""),
            "n_coders": int(hand["coder"].replace("", np.nan).nunique()),
            "n_machine_coded": int(len(rest)),
            "n_copies_of_hand_coded": int(len(copied)),
            # responses the active sampler chose, and whether shares could be calibrated without them
            "n_chosen_by_sampler": int((~at_random).sum()),
            "shares_calibrated_on_random": calibrated_on_random,
            "n_not_assigned": int(assignments["theme_id"].isna().sum()),
            "n_themes": len(frame.ids),
            "cv_folds": int(model.n_folds_),
            "multi_label": model.multi_label_,
            "at_least_one": model.at_least_one_,
            "untrained_codes": model.untrained_,
            "agreement": _records(overall),
            "analyst_agreement": _records(analysts[0]) if analysts else None,
            "sheet": {"kind": "active sample (next responses to code)", "n": int(len(sheet))},
        })
        tables.update({"codes": codes_table, "assignments": assignments, "agreement": overall,
                       "per_code": per_code, "analysts": analysts[0] if analysts else None})
    write_coding_sheet(sheet, stages.output_path(run, "coding_sheet"))
    write_coding_sheet(sheet, stages.output_path(run, "coding_sheet_xlsx"), frame=frame)
    stages.save(run, "coding_notes", notes)
    tables["sheet"] = sheet
    return {**notes, "tables": tables, "codeframe_table": frame.codes}
