"""Sentiment of comments with VADER, per sentence, per comment and per theme.

VADER (Hutto & Gilbert 2014) is a lexicon-and-rules scorer tuned on social-media text. We use the
reference implementation from the ``vaderSentiment`` package
(:class:`vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer`), whose lexicon ships inside the
package, so nothing is downloaded. We deliberately do **not** use ``nltk.sentiment.vader``: it needs
the ``vader_lexicon`` data download, and it is an older port whose scores differ from the reference
on exactly the texts we see, long multi-sentence comments. It ignores emoji ("I love it 🙂": 0.6369
against the reference's 0.7850), and its tokenising and rules have drifted from the reference, so
multi-sentence texts can score differently ("He is no good. She is great. But they are awful.":
-0.2732 against -0.4859). Given the same lexicon, 4 of the example corpus's 7 comments get a
different compound score from the two implementations.

How a comment is scored
    With ``unit="sentence"`` (the default) each comment is split into sentences
    (:func:`split_sentences`), each sentence is scored, and the comment's ``compound``, ``pos``,
    ``neu`` and ``neg`` are the means over its sentences. VADER was designed and validated on
    sentence-length texts; scoring a long comment in one piece lets its compound saturate towards
    ±1. With ``unit="comment"`` the whole text is scored in one go (what most tutorials do).

Labels use the VADER authors' thresholds: positive if compound >= 0.05, negative if <= -0.05,
otherwise neutral. Sentiment is a rough signal of tone, not of support or opposition: "I strongly
oppose this wonderful idea being dropped" is scored positive.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .errors import ConfigError, SchemaError
from .stats import _t_bounds

__all__ = [
    "POSITIVE_THRESHOLD",
    "NEGATIVE_THRESHOLD",
    "SCORE_COLUMNS",
    "split_sentences",
    "sentiment_label",
    "score_comments",
    "sentiment_by_group",
]

#: Compound score at or above which a text is labelled positive (Hutto & Gilbert 2014).
POSITIVE_THRESHOLD: float = 0.05
#: Compound score at or below which a text is labelled negative.
NEGATIVE_THRESHOLD: float = -0.05

#: Columns of the table returned by :func:`score_comments`, in order.
SCORE_COLUMNS: tuple[str, ...] = ("comment_id", "compound", "pos", "neu", "neg", "n_sentences", "label")

# Abbreviations that end with a full stop but do not end a sentence (lower case, without the final
# stop, as Punkt stores them). Punkt is used untrained (no downloaded model), so it only knows these.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof rev sr jr st mt ft hon rt cllr gov govt dept est approx etc vs cf al ie eg
    i.e e.g a.m p.m u.s u.k e.u u.n no nos vol p pp fig ch sec para art inc ltd co corp plc bros
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    """.split()
)

_PARAMS = PunktParameters()
_PARAMS.abbrev_types = set(_ABBREVIATIONS)
_PUNKT = PunktSentenceTokenizer(_PARAMS)

_PARAGRAPH = re.compile(r"\n\s*\n")
# A single line break ends a sentence unless it looks like hard wrapping: the line ends in a
# lower-case letter or a comma and the next line starts in lower case.
_WRAPPED = re.compile(r"(?<=[a-z,])[ \t]*\n[ \t]*(?=[a-z])")
_HAS_CONTENT = re.compile(r"[^\W_]|[\u2600-\u27bf\U0001f000-\U0001faff]")


def split_sentences(text: str) -> list[str]:
    """Split a text into sentences, without any downloaded model.

    Paragraphs (blank lines) and line breaks end sentences, except line breaks that look like hard
    wrapping; within a line, NLTK's Punkt algorithm is used untrained, with a built-in list of common
    abbreviations ("Mr.", "e.g.", "U.K.", "No."). Fragments with no letters, digits or emoji (a lone
    "..." or "--") are dropped.

    Parameters
    ----------
    text : str
        Missing values and empty strings give an empty list.

    Returns
    -------
    list of str

    Examples
    --------
    >>> split_sentences("Mr. Smith agreed, e.g. on buses. I did not! Why?")
    ['Mr. Smith agreed, e.g. on buses.', 'I did not!', 'Why?']
    >>> split_sentences("First point\\n- second point\\n\\nThird.")
    ['First point', '- second point', 'Third.']
    """
    if not isinstance(text, str) or not text.strip():
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = _WRAPPED.sub(" ", paragraph)
        for line in paragraph.split("\n"):
            line = " ".join(line.split())
            if line:
                for sentence in _PUNKT.tokenize(line):
                    if _HAS_CONTENT.search(sentence):
                        out.extend(_chunks(sentence))
    return out


#: VADER's cost grows faster than linearly with sentence length: a 1 MB comment with no full stop
#: took minutes. Longer "sentences" (pasted documents, run-on text) are scored in word-aligned chunks.
MAX_SENTENCE_CHARS = 1000


def _chunks(sentence: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """``sentence`` itself, or consecutive pieces of at most about ``limit`` characters cut at spaces.

    Examples
    --------
    >>> _chunks("aa bb cc dd", limit=5)
    ['aa bb', 'cc dd']
    """
    if len(sentence) <= limit:
        return [sentence]
    pieces, start = [], 0
    while start < len(sentence):
        end = min(start + limit, len(sentence))
        if end < len(sentence):
            cut = sentence.rfind(" ", start, end + 1)
            end = cut if cut > start else end
        pieces.append(sentence[start:end].strip())
        start = end
        while start < len(sentence) and sentence[start] == " ":
            start += 1
    return [p for p in pieces if p]


def sentiment_label(compound) -> pd.Series | str:
    """Label compound score(s) "positive", "negative" or "neutral" by the VADER thresholds.

    Missing scores give a missing label.

    Examples
    --------
    >>> sentiment_label(0.05), sentiment_label(-0.0499), sentiment_label(-0.05)
    ('positive', 'neutral', 'negative')
    """
    if np.ndim(compound) == 0:
        if pd.isna(compound):
            return pd.NA
        if compound >= POSITIVE_THRESHOLD:
            return "positive"
        return "negative" if compound <= NEGATIVE_THRESHOLD else "neutral"
    c = pd.Series(compound, dtype="float64")
    labels = np.select(
        [c >= POSITIVE_THRESHOLD, c <= NEGATIVE_THRESHOLD], ["positive", "negative"], default="neutral"
    )
    return pd.Series(labels, index=c.index, dtype="string").mask(c.isna())


def _require(df: pd.DataFrame, columns: list[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"{what} must be a pandas DataFrame, not {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"{what} lacks column(s) {', '.join(missing)}")


def score_comments(comments: pd.DataFrame, *, unit: str = "sentence") -> pd.DataFrame:
    """VADER scores for each comment.

    Parameters
    ----------
    comments : DataFrame
        With ``comment_id`` and ``text`` (normally the :func:`~helpers.schema.analysable` rows of
        the comments table).
    unit : {"sentence", "comment"}, default "sentence"
        ``"sentence"``: score each sentence and average over the comment's sentences.
        ``"comment"``: score the whole text at once.

    Returns
    -------
    DataFrame
        One row per input row, in input order, with columns :data:`SCORE_COLUMNS`:
        ``comment_id``, ``compound``, ``pos``, ``neu``, ``neg`` (float), ``n_sentences`` (int) and
        ``label`` ("positive", "neutral" or "negative"). A comment with no text has
        ``n_sentences == 0``, NaN scores and a missing label.

    Notes
    -----
    VADER is pure Python (roughly 5,000-10,000 sentences a second). Identical sentences (common in
    campaign responses) are scored once per call.

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["a", "b"], "text": ["I love this.", "This is terrible."]})
    >>> score_comments(t)[["comment_id", "compound", "label"]].to_dict("records")
    [{'comment_id': 'a', 'compound': 0.6369, 'label': 'positive'}, {'comment_id': 'b', 'compound': -0.4767, 'label': 'negative'}]
    """
    if unit not in ("sentence", "comment"):
        raise ConfigError(f"unit must be 'sentence' or 'comment', not {unit!r}")
    _require(comments, ["comment_id", "text"], "comments")
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()  # once per call: loading the lexicon takes ~0.1 s
    texts = comments["text"].astype("object").where(comments["text"].notna(), "").tolist()
    sentences = [split_sentences(t) for t in texts]
    n_sentences = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))

    if unit == "sentence":
        owner = np.repeat(np.arange(len(texts)), n_sentences)
        units = [s for group in sentences for s in group]
    else:
        owner = np.flatnonzero(n_sentences > 0)
        units = [texts[i] for i in owner]

    # Score each distinct unit once.
    codes, uniques = pd.factorize(pd.Series(units, dtype="object"), sort=False)
    keys = ("compound", "pos", "neu", "neg")
    table = np.array([[s[k] for k in keys] for s in map(analyzer.polarity_scores, uniques)], dtype=float)
    table = table.reshape(len(uniques), len(keys))
    per_unit = table[codes] if len(codes) else np.empty((0, len(keys)))

    sums = np.zeros((len(texts), len(keys)))
    np.add.at(sums, owner, per_unit)
    counts = np.bincount(owner, minlength=len(texts)).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, None]
    means[counts == 0] = np.nan

    out = pd.DataFrame({"comment_id": comments["comment_id"].to_numpy()})
    out["comment_id"] = out["comment_id"].astype(comments["comment_id"].dtype)
    for j, k in enumerate(keys):
        out[k] = means[:, j]
    out["n_sentences"] = n_sentences
    out["label"] = sentiment_label(out["compound"])
    return out[list(SCORE_COLUMNS)]


def sentiment_by_group(
    scores: pd.DataFrame,
    assignments: pd.DataFrame | None = None,
    *,
    group: str = "theme_id",
    main_only: bool = False,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean sentiment and label counts per theme (or any other grouping column).

    Parameters
    ----------
    scores : DataFrame
        From :func:`score_comments`.
    assignments : DataFrame, optional
        A table with ``comment_id`` and the ``group`` column, such as the assignments table of
        :func:`helpers.themes.summarise_themes` (one row per comment and theme, so a comment in two
        themes counts in both). Omit it when ``group`` is a column of ``scores`` itself.
    group : str, default "theme_id"
        The column to group by. Rows with a missing group value (comments not assigned to any
        theme) form their own group, listed last.
    main_only : bool, default False
        Keep only rows with ``is_main`` true: each comment then counts once, in its main theme.
    confidence : float, default 0.95
        Coverage of the t interval for the mean compound score.

    Returns
    -------
    DataFrame
        One row per group, sorted by group value: ``<group>``, ``n`` (comments with a score),
        ``mean_compound``, ``ci_low``, ``ci_high`` (t interval; NaN when n < 2), ``n_positive``,
        ``n_neutral``, ``n_negative``.

    Examples
    --------
    >>> s = pd.DataFrame({"comment_id": ["a", "b", "c"], "compound": [0.5, -0.5, 0.0],
    ...                   "label": ["positive", "negative", "neutral"]})
    >>> a = pd.DataFrame({"comment_id": ["a", "b", "c"], "theme_id": [1, 1, 2]})
    >>> sentiment_by_group(s, a)[["theme_id", "n", "mean_compound", "n_positive"]].to_dict("records")
    [{'theme_id': 1, 'n': 2, 'mean_compound': 0.0, 'n_positive': 1}, {'theme_id': 2, 'n': 1, 'mean_compound': 0.0, 'n_positive': 0}]
    """
    _require(scores, ["comment_id", "compound", "label"], "scores")
    if assignments is None:
        _require(scores, [group], "scores")
        frame = scores
    else:
        _require(assignments, ["comment_id", group] + (["is_main"] if main_only else []), "assignments")
        cols = ["comment_id", group] + (["is_main"] if main_only else [])
        frame = assignments[cols].merge(
            scores[["comment_id", "compound", "label"]], on="comment_id", how="inner", validate="many_to_one"
        )
    if main_only:
        if "is_main" not in frame.columns:
            raise SchemaError("main_only=True needs an is_main column")
        frame = frame[frame["is_main"].fillna(False).astype(bool)]
    frame = frame[frame["compound"].notna()]

    label = frame["label"].astype("string")
    work = pd.DataFrame(
        {
            group: frame[group].to_numpy(),
            "compound": frame["compound"].to_numpy(dtype=float),
            "positive": (label == "positive").fillna(False).to_numpy(dtype=int),
            "neutral": (label == "neutral").fillna(False).to_numpy(dtype=int),
            "negative": (label == "negative").fillna(False).to_numpy(dtype=int),
        }
    )
    work[group] = work[group].astype(frame[group].dtype)
    g = work.groupby(group, dropna=False, sort=True)
    out = g.agg(
        n=("compound", "size"),
        mean_compound=("compound", "mean"),
        sd=("compound", "std"),
        n_positive=("positive", "sum"),
        n_neutral=("neutral", "sum"),
        n_negative=("negative", "sum"),
    ).reset_index()
    low, high = _t_bounds(out["mean_compound"], out["sd"].fillna(0.0), out["n"], confidence)
    out["ci_low"] = low
    out["ci_high"] = high
    columns = [group, "n", "mean_compound", "ci_low", "ci_high", "n_positive", "n_neutral", "n_negative"]
    out = out[columns]
    for c in ["n", "n_positive", "n_neutral", "n_negative"]:
        out[c] = out[c].astype("int64")
    return out.reset_index(drop=True)
