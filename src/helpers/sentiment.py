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

Cost, and what is cached
    :func:`score_comments` costs O(total sentences) plus hashing: one pass over each *distinct* text
    (exact copies, common in campaigns, are split and scored once), one dictionary look-up per
    line, per candidate sentence break and per sentence, and VADER's rules only for sentences not
    seen before. Three memos, each a bounded least-recently-used cache of a pure function, so they
    change no result and hold at most :data:`MEMO_SIZE` entries each (a few hundred MB at worst):

    - the sentences of each normalised line (campaign letters and stock phrases repeat lines);
    - Punkt's decision at each candidate break, a function of a few characters around it;
    - the VADER scores of each sentence (or whole text with ``unit="comment"``).

    The analyser and its lexicon are loaded once per process. Besides the memos, two pieces of
    reference code are run faster, with the same results (the tests compare both with the
    reference code, on hand-picked, random and real texts):

    - Punkt: the break decisions are NLTK's own, but its per-line loop is written out in
      :func:`_punkt_line` and its patterns run with ``re`` instead of NLTK's time-limited ``regex``
      (see :func:`_punkt`);
    - VADER: :meth:`_Analyzer.scores` follows ``polarity_scores`` step by step, but lower-cases each
      sentence once (the reference does it again for every rule and lexicon word, which makes it
      quadratic in sentence length) and skips the rules for words outside the lexicon, which score
      0 whatever their neighbours. Sentences with an emoji go through ``polarity_scores`` itself.

    Large inputs are spread over ``n_jobs`` worker processes by contiguous blocks of distinct texts;
    a comment's score depends only on its own text, so the result does not depend on ``n_jobs`` or
    on how the input is cut into blocks (the Dask engine scores each partition on its own).

    On the seeded synthetic corpora (about 70 words a comment, with campaigns) and two cores,
    100,000 comments take about 4 s (the reference code: 25 s on one core; 7 s here with
    ``n_jobs=1``) and 1,000,000 about 70 CPU-seconds, 40 to 65 s (the reference: 260 CPU-seconds).
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import pandas as pd
from vaderSentiment import vaderSentiment as _vader

from .errors import ConfigError, SchemaError
from .parallel import blocks, map_blocks, resolve_n_jobs
from .stats import _t_bounds

__all__ = [
    "ABBREVIATIONS",
    "POSITIVE_THRESHOLD",
    "NEGATIVE_THRESHOLD",
    "SCORE_COLUMNS",
    "MEMO_SIZE",
    "split_sentences",
    "sentiment_label",
    "score_comments",
    "sentiment_by_group",
    "negative_terms",
]

#: Compound score at or above which a text is labelled positive (Hutto & Gilbert 2014).
POSITIVE_THRESHOLD: float = 0.05
#: Compound score at or below which a text is labelled negative.
NEGATIVE_THRESHOLD: float = -0.05

#: Columns of the table returned by :func:`score_comments`, in order.
SCORE_COLUMNS: tuple[str, ...] = ("comment_id", "compound", "pos", "neu", "neg", "n_sentences", "label")

#: Entries kept by each memo (lines, Punkt decisions, sentence scores); see the module docstring.
MEMO_SIZE: int = 1 << 18

#: Distinct texts from which :func:`score_comments` uses worker processes (below it, starting them
#: costs more than it saves).
PARALLEL_MIN_TEXTS: int = 20_000

#: Distinct texts per block handed to a worker (and per step of the progress bar).
BLOCK_TEXTS: int = 5_000

# Abbreviations that end with a full stop but do not end a sentence (lower case, without the final
# stop, as Punkt stores them). Punkt is used untrained (no downloaded model), so it only knows these.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof rev sr jr st mt ft hon rt cllr gov govt dept est approx etc vs cf al ie eg
    i.e e.g a.m p.m u.s u.k e.u u.n no nos vol p pp fig ch sec para art inc ltd co corp plc bros
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    """.split()
)


# Flags that mean the same in the standard library's ``re`` and in ``regex`` (NLTK's engine).
_RE_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.UNICODE


def _std(pattern) -> re.Pattern:
    """An NLTK pattern (``nltk.redos.TimedPattern``) compiled by the standard library instead."""
    return re.compile(pattern.pattern, pattern.flags & _RE_FLAGS)


@functools.cache
def _punkt():
    """Punkt with English settings: (tokenizer, its period-context pattern, its realignment pattern).

    Built on first use, so that importing this module (for its thresholds, say) does not load NLTK,
    which takes about a second in each notebook's kernel.

    NLTK compiles its patterns with the ``regex`` engine under a time limit (a guard against
    pathological patterns), which makes each match several times slower. These patterns are NLTK's
    own, unchanged, compiled by ``re``; the two engines read them the same way, except that ``re``
    also counts the control characters U+001C to U+001F as ``\\s``, and :func:`split_sentences` hands
    Punkt lines from which all whitespace but single spaces has been removed. Each candidate break's
    decision is memoised: with fixed parameters ``text_contains_sentbreak`` is a pure function of a
    short context ("bus. Personally,", "Madam, Thank"), and the same contexts recur across a corpus.
    """
    from nltk.tokenize.punkt import PunktLanguageVars, PunktSentenceTokenizer

    class LangVars(PunktLanguageVars):
        re_boundary_realignment = _std(PunktLanguageVars.re_boundary_realignment)

        def __init__(self):
            super().__init__()
            self._std_period_context = _std(super().period_context_re())
            self._std_word_tokenizer = _std(super()._word_tokenizer_re())

        def period_context_re(self) -> re.Pattern:
            return self._std_period_context

        def _word_tokenizer_re(self) -> re.Pattern:
            return self._std_word_tokenizer

    class MemoPunkt(PunktSentenceTokenizer):
        def __init__(self, params):
            super().__init__(params, lang_vars=LangVars())
            self.text_contains_sentbreak = functools.lru_cache(maxsize=MEMO_SIZE)(super().text_contains_sentbreak)

    tokenizer = MemoPunkt(_punkt_params())
    return tokenizer, tokenizer._lang_vars.period_context_re(), tokenizer._lang_vars.re_boundary_realignment


def _punkt_params():
    """Punkt's parameters: untrained (no downloaded model), knowing only :data:`ABBREVIATIONS`."""
    from nltk.tokenize.punkt import PunktParameters

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return params


_CLOSERS = frozenset("\"')]}\u2018\u2019\u201c\u201d\xab\xbb")

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
    "..." or "--") are dropped. Sentences longer than :data:`MAX_SENTENCE_CHARS` are cut into
    word-aligned pieces.

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
    if "\n" not in text:  # one line: no paragraphs, no wrapping
        return list(_line_sentences(" ".join(text.split())))
    out: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = _WRAPPED.sub(" ", paragraph)
        for line in paragraph.split("\n"):
            line = " ".join(line.split())
            if line:
                out.extend(_line_sentences(line))
    return out


@functools.lru_cache(maxsize=MEMO_SIZE)
def _line_sentences(line: str) -> tuple[str, ...]:
    """The sentences of one normalised line (no line breaks, single spaces), memoised."""
    out: list[str] = []
    for sentence in _punkt_line(line):
        if _HAS_CONTENT.search(sentence):
            out.extend(_chunks(sentence))
    return tuple(out)


def _punkt_line(line: str) -> list[str]:
    """Punkt's ``tokenize(line)`` (see :func:`_punkt`) for a line whose only whitespace is single spaces.

    NLTK's ``span_tokenize`` steps (``_match_potential_end_contexts``, ``_slices_from_text``,
    ``_realign_boundaries``) written as one loop each, without its layers of generators; the break
    decisions are still Punkt's own (memoised ``text_contains_sentbreak``). The tests check it
    against NLTK's tokenizer on random and real lines.
    """
    punkt, period_context, realign_pattern = _punkt()
    decide = punkt.text_contains_sentbreak
    # candidate breaks with their contexts: the word before the mark (from the last space since the
    # previous candidate), the mark and what follows it; a candidate whose word overlaps the
    # previous candidate's replaces it
    candidates = []
    previous, word_start, word_stop = None, 0, 0
    for match in period_context.finditer(line):
        space = line.rfind(" ", word_stop, match.start())
        start = space + 1 if space > word_stop else word_start
        if previous is not None and word_stop <= start:
            candidates.append((previous, line[word_start:word_stop] + previous[0] + previous["after_tok"]))
        previous, word_start, word_stop = match, start, match.start()
    if previous is not None:
        candidates.append((previous, line[word_start:word_stop] + previous[0] + previous["after_tok"]))
    # sentence spans
    spans, last_break = [], 0
    for match, context in candidates:
        if decide(context):
            spans.append((last_break, match.end()))
            last_break = match.start("next_tok") if match.group("next_tok") else match.end()
    spans.append((last_break, len(line.rstrip())))
    # closing quotes and brackets after a break belong to the sentence before it
    out, realign = [], 0
    for k, (start, stop) in enumerate(spans):
        start += realign
        if k + 1 < len(spans):
            next_start, next_stop = spans[k + 1]
            # the pattern (re_boundary_realignment) starts with one of _CLOSERS
            m = (realign_pattern.match(line[next_start:next_stop])
                 if next_stop > next_start and line[next_start] in _CLOSERS else None)
            if m:
                out.append(line[start:next_start + len(m.group(0).rstrip())])
                realign = m.end()
                continue
            realign = 0
        if line[start:stop]:
            out.append(line[start:stop])
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


_NEGATE = frozenset(_vader.NEGATE)
_PUNCTUATION = _vader.string.punctuation


def _negated(word: str) -> bool:
    """``vaderSentiment.negated([word])`` for a lower-case word."""
    return word in _NEGATE or "n't" in word


class _Analyzer(_vader.SentimentIntensityAnalyzer):
    """The reference VADER analyser, with a faster :meth:`scores` giving the same numbers.

    ``polarity_scores`` is inherited unchanged. :meth:`scores` follows it step by step, calling the
    reference's own helpers where they do not re-read the whole sentence (``scalar_inc_dec``,
    ``_least_check``, ``_but_check``, ``_punctuation_emphasis``, ``normalize``,
    ``_sift_sentiment_scores``), and differs only in how the work is organised: words are
    lower-cased once per sentence, not once per rule and lexicon word; words outside the lexicon
    skip the rules (they score 0 whatever their neighbours); negation is a set look-up; the result
    is a tuple, not a dictionary. Sentences with an emoji go through ``polarity_scores`` itself.
    """

    def __init__(self):
        super().__init__()
        # polarity_scores replaces emoji character by character; only single characters can match
        self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)

    def scores(self, text: str) -> tuple[float, float, float, float]:
        """``(compound, pos, neu, neg)``, exactly as ``polarity_scores(text)`` gives them."""
        ascii_text = text.isascii()  # no emoji then
        if not ascii_text and not self._emoji_chars.isdisjoint(text):
            s = self.polarity_scores(text)
            return s["compound"], s["pos"], s["neu"], s["neg"]
        text = text.strip()  # what polarity_scores does after (not) replacing emoji
        # SentiText: split on whitespace, strip surrounding punctuation unless 2 or fewer characters
        # would be left (emoticons); and the same words lower-cased. ASCII lower-casing changes
        # letters only, one for one, so it can come first.
        lexicon = self.lexicon
        if ascii_text:
            low = [t if len(s := t.strip(_PUNCTUATION)) <= 2 else s for t in text.lower().split()]
            if low and lexicon.keys().isdisjoint(low):
                return 0.0, 0.0, 1.0, 0.0
        words = [t if len(s := t.strip(_PUNCTUATION)) <= 2 else s for t in text.split()]
        if not words:
            return 0.0, 0.0, 0.0, 0.0
        if not ascii_text:
            low = [w.lower() for w in words]
        hits = [i for i, w in enumerate(low) if w in lexicon]
        if not hits:  # every word scores 0: score_valence gives all neutral
            return 0.0, 0.0, 1.0, 0.0
        n = len(words)
        n_upper = sum(map(str.isupper, words))
        is_cap_diff = 0 < n - n_upper < n  # allcap_differential
        sentiments: list[float] = [0] * n
        booster = _vader.BOOSTER_DICT
        for i in hits:
            item = low[i]
            # polarity_scores gives boosters and the "kind" of "kind of" 0 before sentiment_valence
            if item in booster or (item == "kind" and i < n - 1 and low[i + 1] == "of"):
                continue
            sentiments[i] = self._valence(words, low, i, is_cap_diff)
        if "but" in low:
            sentiments = self._but_check(words, sentiments)
        # score_valence, with at least one word
        sum_s = float(sum(sentiments))
        punct_emph_amplifier = self._punctuation_emphasis(text)
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier
        compound = _vader.normalize(sum_s)
        pos_sum, neg_sum, neu_count = self._sift_sentiment_scores(sentiments)
        if pos_sum > math.fabs(neg_sum):
            pos_sum += punct_emph_amplifier
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= punct_emph_amplifier
        total = pos_sum + math.fabs(neg_sum) + neu_count
        pos, neu, neg = math.fabs(pos_sum / total), math.fabs(neu_count / total), math.fabs(neg_sum / total)
        return round(compound, 4), round(pos, 3), round(neu, 3), round(neg, 3)

    def _valence(self, words: list[str], low: list[str], i: int, is_cap_diff: bool) -> float:
        """``sentiment_valence`` for lexicon word ``i``, with ``low`` the lower-cased ``words``."""
        lexicon = self.lexicon
        item = low[i]
        valence = lexicon[item]
        if item == "no" and i != len(words) - 1 and low[i + 1] in lexicon:
            valence = 0.0
        if ((i > 0 and low[i - 1] == "no") or (i > 1 and low[i - 2] == "no")
                or (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor"))):
            valence = lexicon[item] * _vader.N_SCALAR
        if words[i].isupper() and is_cap_diff:
            if valence > 0:
                valence += _vader.C_INCR
            else:
                valence -= _vader.C_INCR
        for start_i in range(0, 3):
            j = i - (start_i + 1)
            if i > start_i and low[j] not in lexicon:
                s = _vader.scalar_inc_dec(words[j], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                # _negation_check
                if start_i == 0:
                    if _negated(low[i - 1]):
                        valence = valence * _vader.N_SCALAR
                elif start_i == 1:
                    if low[i - 2] == "never" and (low[i - 1] == "so" or low[i - 1] == "this"):
                        valence = valence * 1.25
                    elif low[i - 2] == "without" and low[i - 1] == "doubt":
                        pass
                    elif _negated(low[i - 2]):
                        valence = valence * _vader.N_SCALAR
                else:
                    if ((low[i - 3] == "never" and (low[i - 2] == "so" or low[i - 2] == "this"))
                            or (low[i - 1] == "so" or low[i - 1] == "this")):
                        valence = valence * 1.25
                    elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
                        pass
                    elif _negated(low[i - 3]):
                        valence = valence * _vader.N_SCALAR
                    valence = _special_idioms_check(valence, low, i)
        return self._least_check(valence, words, i)


def _special_idioms_check(valence: float, low: list[str], i: int) -> float:
    """``SentimentIntensityAnalyzer._special_idioms_check`` given the lower-cased words (i >= 3)."""
    special, booster = _vader.SPECIAL_CASES, _vader.BOOSTER_DICT
    w3, w2, w1, w0 = low[i - 3], low[i - 2], low[i - 1], low[i]
    twoone, threetwoone, threetwo = f"{w2} {w1}", f"{w3} {w2} {w1}", f"{w3} {w2}"
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", twoone, threetwoone, threetwo):
        if seq in special:
            valence = special[seq]
            break
    if len(low) - 1 > i:
        zeroone = f"{w0} {low[i + 1]}"
        if zeroone in special:
            valence = special[zeroone]
    if len(low) - 1 > i + 1:
        zeroonetwo = f"{w0} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in special:
            valence = special[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in booster:
            valence = valence + booster[n_gram]
    return valence


@functools.cache
def _analyzer() -> _Analyzer:
    """The process's analyser (loading the lexicon takes about 0.1 s)."""
    return _Analyzer()


@functools.lru_cache(maxsize=MEMO_SIZE)
def _unit_scores(text: str) -> tuple[float, float, float, float]:
    """VADER's ``(compound, pos, neu, neg)`` for one sentence (or whole text), memoised."""
    return _analyzer().scores(text)


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


def _score_block(texts: list[str], unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Sums of the unit scores and numbers of sentences of some texts (run in a worker process).

    Returns
    -------
    sums : ndarray of shape (len(texts), 4)
        ``compound``, ``pos``, ``neu``, ``neg`` summed over each text's sentences, in sentence order
        (or the whole text's scores with ``unit="comment"``); 0 for a text with no sentences.
    n_sentences : ndarray of int64
    """
    sentences = [split_sentences(t) for t in texts]
    n_sentences = np.fromiter(map(len, sentences), dtype=np.int64, count=len(texts))
    if unit == "sentence":
        owner = np.repeat(np.arange(len(texts)), n_sentences)
        units = [s for group in sentences for s in group]
    else:
        owner = np.flatnonzero(n_sentences > 0)
        units = [texts[i] for i in owner]
    table = np.array([_unit_scores(u) for u in units], dtype=float).reshape(len(units), 4)
    # bincount adds in input order, from 0: the same sums as a loop over each text's sentences
    sums = np.column_stack([np.bincount(owner, weights=table[:, j], minlength=len(texts)) for j in range(4)])
    return sums.reshape(len(texts), 4), n_sentences


def _score_distinct(texts: list[str], unit: str, n_jobs: int | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_score_block` over all ``texts``, in blocks, in worker processes when it pays."""
    _punkt()  # built before workers fork, so they share it (and NLTK is loaded once)
    results = map_blocks(_score_block, blocks(texts, BLOCK_TEXTS), unit, n_jobs=n_jobs,
                         min_items=PARALLEL_MIN_TEXTS, desc="sentiment")
    if not results:
        return np.empty((0, 4)), np.empty(0, dtype=np.int64)
    return np.concatenate([r[0] for r in results]), np.concatenate([r[1] for r in results])


def score_comments(
    comments: pd.DataFrame, *, unit: str = "sentence", n_jobs: int | None = None
) -> pd.DataFrame:
    """VADER scores for each comment.

    Parameters
    ----------
    comments : DataFrame
        With ``comment_id`` and ``text`` (normally the :func:`~helpers.schema.analysable` rows of
        the comments table).
    unit : {"sentence", "comment"}, default "sentence"
        ``"sentence"``: score each sentence and average over the comment's sentences.
        ``"comment"``: score the whole text at once.
    n_jobs : int, optional
        Worker processes for large inputs (at least :data:`PARALLEL_MIN_TEXTS` distinct texts);
        None or -1: one per available core; 1: none. The result does not depend on it.

    Returns
    -------
    DataFrame
        One row per input row, in input order, with columns :data:`SCORE_COLUMNS`:
        ``comment_id``, ``compound``, ``pos``, ``neu``, ``neg`` (float), ``n_sentences`` (int) and
        ``label`` ("positive", "neutral" or "negative"). A comment with no text has
        ``n_sentences == 0``, NaN scores and a missing label. Each row depends only on its own
        text, so scoring a table in parts and concatenating gives the same result.

    Notes
    -----
    Identical texts are split and scored once per call, and lines, sentence breaks and sentences
    are memoised (see the module docstring): the cost is O(total sentences) plus hashing, and VADER's
    rules run once per distinct sentence.

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["a", "b"], "text": ["I love this.", "This is terrible."]})
    >>> score_comments(t)[["comment_id", "compound", "label"]].to_dict("records")
    [{'comment_id': 'a', 'compound': 0.6369, 'label': 'positive'}, {'comment_id': 'b', 'compound': -0.4767, 'label': 'negative'}]
    """
    if unit not in ("sentence", "comment"):
        raise ConfigError(f"unit must be 'sentence' or 'comment', not {unit!r}")
    _require(comments, ["comment_id", "text"], "comments")
    resolve_n_jobs(n_jobs)  # a bad value is refused even when the input is small
    texts = comments["text"].astype("object").where(comments["text"].notna(), "")
    codes, distinct = pd.factorize(texts.to_numpy(), sort=False)
    sums, n_sentences = _score_distinct(list(distinct), unit, n_jobs)
    counts = (n_sentences if unit == "sentence" else n_sentences > 0).astype(float)  # units per text
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, None]
    means[counts == 0] = np.nan
    means, n_sentences = means[codes], n_sentences[codes]

    out = pd.DataFrame({"comment_id": comments["comment_id"].to_numpy()})
    out["comment_id"] = out["comment_id"].astype(comments["comment_id"].dtype)
    for j, k in enumerate(("compound", "pos", "neu", "neg")):
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
        ``mean_compound``, ``ci_low``, ``ci_high`` (t interval, within -1 to +1; NaN when n < 2), ``n_positive``,
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
    out["ci_low"] = np.clip(low, -1.0, 1.0)  # the score runs from -1 to +1: so does a mean's interval
    out["ci_high"] = np.clip(high, -1.0, 1.0)
    columns = [group, "n", "mean_compound", "ci_low", "ci_high", "n_positive", "n_neutral", "n_negative"]
    out = out[columns]
    for c in ["n", "n_positive", "n_neutral", "n_negative"]:
        out[c] = out[c].astype("int64")
    return out.reset_index(drop=True)


#: Most texts of each group (negative, other) :func:`negative_terms` reads.
NEGATIVE_TERMS_TEXTS = 5_000


def negative_terms(texts: pd.Series, negative, *, order=None, n_terms: int = 8, n_examples: int = 5,
                   max_texts: int = NEGATIVE_TERMS_TEXTS, random_state: int = 0) -> pd.DataFrame:
    """The words and phrases most typical of the texts scored negative, against the others: what the
    criticism is about, where every theme of a corpus is praise (an audit of the NHS feedback found
    nothing a minister could act on).

    Terms are read as the theme model reads them (:func:`helpers.themes.term_presence`), counted once
    per text, and ranked by the z-score of their log-odds ratio with an informative Dirichlet prior
    (Monroe, Colaresi and Quinn 2008, "Fightin' words"): the prior of a term is half a text plus 1% of
    its uses in both groups, so a rare term needs more evidence. Words VADER scores, and negations, are
    left out: "rude" or "not" being typical of negative texts is how they were scored, not news. A term
    must be in at least 5 negative texts and 2% of them, more typical of them than chance allows (z at
    least 1.96), and one whose words all appear in a better-ranked term is skipped. At most
    ``max_texts`` texts of each group are read (a seeded sample), so the cost does not grow with the
    corpus.

    Parameters
    ----------
    texts : Series of str
    negative : array-like of bool
        Aligned with ``texts``: scored negative.
    order : array-like of float, optional
        Aligned with ``texts``: the examples of a term are its negative texts lowest first (the
        compound score: most negative first); default their order.

    Returns
    -------
    DataFrame
        ``term``, ``n_negative`` (negative texts using it, of those read), ``n_other``, ``z``, and
        ``examples``: positions in ``texts`` of up to ``n_examples`` negative texts using it; best
        first. Empty when fewer than 30 texts are negative or none are not.

    Examples
    --------
    >>> texts = pd.Series(["Awful wait in casualty"] * 6 + ["Lovely nurses in casualty"] * 30)
    >>> negative_terms(texts, [True] * 6 + [False] * 30)["term"].tolist()  # fewer than 30 negative
    []
    """
    from .themes import term_presence

    texts = pd.Series(texts, dtype="string").fillna("").reset_index(drop=True)
    negative = np.asarray(negative, dtype=bool)
    columns = ["term", "n_negative", "n_other", "z", "examples"]
    neg, other = np.flatnonzero(negative), np.flatnonzero(~negative)
    if len(neg) < 30 or not len(other):
        return pd.DataFrame(columns=columns)
    rng = np.random.default_rng(random_state)
    neg = np.sort(rng.choice(neg, max_texts, replace=False)) if len(neg) > max_texts else neg
    other = np.sort(rng.choice(other, max_texts, replace=False)) if len(other) > max_texts else other
    X, names = term_presence(texts.iloc[np.concatenate([neg, other])].tolist(), min_df=5)
    y_neg = np.asarray(X[: len(neg)].sum(axis=0)).ravel().astype(float)
    y_other = np.asarray(X[len(neg):].sum(axis=0)).ravel().astype(float)
    prior = 0.5 + 0.01 * (y_neg + y_other)
    delta = (np.log((y_neg + prior) / (len(neg) - y_neg + prior))
             - np.log((y_other + prior) / (len(other) - y_other + prior)))
    z = delta / np.sqrt(1 / (y_neg + prior) + 1 / (y_other + prior))
    scored = frozenset(_analyzer().lexicon)
    rank = np.argsort(np.asarray(order, dtype=float)[neg], kind="stable") if order is not None else np.arange(len(neg))
    by_rank = X[: len(neg)][rank].tocsc()  # negative texts, most typical examples first
    rows, covered = [], set()
    for j in np.argsort(-z, kind="stable"):
        if z[j] < 1.96 or len(rows) >= n_terms:
            break
        words = set(names[j].split())
        if (y_neg[j] < max(5, 0.02 * len(neg)) or words <= covered
                or any(w in scored or _negated(w) for w in words)):
            continue
        using = by_rank.indices[by_rank.indptr[j]:by_rank.indptr[j + 1]]
        examples = neg[rank[np.sort(using)[:n_examples]]]
        rows.append((names[j], int(y_neg[j]), int(y_other[j]), float(z[j]), [int(i) for i in examples]))
        covered |= words
    return pd.DataFrame(rows, columns=columns)
