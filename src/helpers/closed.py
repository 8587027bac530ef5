"""Closed questions of a consultation: answers counted by respondent, in the order of their scale.

A consultation's closed questions ("To what extent do you agree ...?", "Should councils be able to
...?") are kept per respondent in the respondents table (one column per question; see
:mod:`helpers.ingest.consultation`). They are usually what a minister asks first, so the briefing
counts them before anything else the text says.

Answers are put in the order of their scale when they are recognisably on one (agree/disagree,
support/oppose, yes/no, likely/unlikely, satisfied/dissatisfied): the positive side from strongest
to weakest, the middle ("Neither agree nor disagree"), the negative side from weakest to strongest,
then anything else ("Don't know", "Other") by count. Otherwise they are ordered by count.

Examples
--------
>>> answer_order(["Disagree", "Strongly agree", "Don't know", "Neither agree nor disagree", "Agree",
...               "Strongly disagree"])
['Strongly agree', 'Agree', 'Neither agree nor disagree', 'Disagree', 'Strongly disagree', "Don't know"]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = ["answer_side", "answer_order", "closed_answers", "side_counts", "scale_words", "themes_by_side"]

_POSITIVE_WORDS = (r"agree|support|yes|in favour|in favor|likely|satisfied|approve|good|useful|important|excellent"
                   r"|better|helpful|effective|easy|confident|fair|above average")
_NEGATIVE = re.compile(r"\b(?:disagree|oppose|against|no|not in favou?r|unlikely|dissatisfied|unsatisfied|disapprove"
                       r"|bad|poor|terrible|awful|worse|useless|unimportant|unhelpful|ineffective|difficult|unfair"
                       r"|below average)\b")
_POSITIVE = re.compile(rf"\b(?:{_POSITIVE_WORDS})\b")
# a positive word after a negation, a word or two apart: "Not likely", "Do not agree", "I don't support it",
# "Not very likely", "Not at all satisfied"; and after "less": "Much less likely", "Less important"
_NEGATED = re.compile(rf"\b(?:not|don't|do not|doesn't|does not|didn't|did not|never|hardly|less)\b(?: \S+){{0,2}}? "
                      rf"(?:{_POSITIVE_WORDS})\b")
_MIDDLE = re.compile(r"\b(?:neither|neutral|no opinion|mixed|no preference|no strong (?:view|views|feelings|opinion)"
                     r"|no difference|no change|(?:about|stay|stayed|remain|remained) the same)\b")
# the middle of a rating scale when it is the whole answer ("Fair" between "Good" and "Poor"), not in
# "Very fair" or "Below average"
_MIDDLE_WHOLE = re.compile(r"(?:fair|average|about average|ok|okay|adequate|acceptable)")
_NO_SIDE = re.compile(r"(?:(?:i )?(?:don't|do not|not) (?:know|sure)|unsure|other|n/?a|prefer not to say"
                      r"|not applicable|can't say|cannot say)\b")
# what survey tools write in a question's cell when the respondent skipped it
_UNANSWERED = re.compile(r"(?:not answered|no answer|no response|not asked|skipped|-)", re.IGNORECASE)
_STRONGEST = re.compile(r"\b(?:excellent|outstanding)\b")
_STRONG = re.compile(r"\b(?:strongly|very|much|completely|totally|definitely|fully|extremely|not at all)\b")
_WEAK = re.compile(r"\b(?:tend to|somewhat|slightly|a little|mostly|partly|partially|fairly|probably|quite|not very)\b")


def answer_side(answer: str, scale: Iterable[str] = ()) -> int | None:
    """+1 for an answer on the positive side of its scale, -1 on the negative side, 0 in the middle,
    None for an answer on no side ("Don't know", "Not sure", "Other").

    A positive word after a negation is on the negative side ("Not likely", "Do not agree"). "Fair"
    or "Average" alone is the middle of a rating scale (Good, Fair, Poor), unless the ``scale``'s
    other answers have a middle of their own ("Neither fair nor unfair"): then "Fair" is positive.

    Examples
    --------
    >>> [answer_side(a) for a in ["Strongly agree", "Tend to disagree", "Neither agree nor disagree", "No",
    ...                           "Yes, in some cases", "Don't know", "Not sure", "Not very likely",
    ...                           "I don't support it", "No preference", "Much less likely", "No difference"]]
    [1, -1, 0, -1, 1, None, None, -1, -1, 0, -1, 0]
    """
    a = " ".join(_fold(answer).split())
    if _MIDDLE.search(a):
        return 0
    if _MIDDLE_WHOLE.fullmatch(a.strip(" .!")) and not any(_MIDDLE.search(_fold(o)) for o in scale):
        return 0
    if _NO_SIDE.match(a):
        return None
    if _NEGATED.search(a) or _NEGATIVE.search(a):
        return -1
    if _POSITIVE.search(a):
        return 1
    return None


def _fold(answer: str) -> str:
    return str(answer).casefold().replace("\u2019", "'")


def _strength(answer: str) -> float:
    """How far from the middle an answer sits: 3 ("Excellent"), 2 ("Strongly", "Very", "Much",
    "Not at all"), 0.5 ("Tend to", "Fairly", "Not very"), else 1."""
    a = _fold(answer)
    return 3.0 if _STRONGEST.search(a) else 0.5 if _WEAK.search(a) else 2.0 if _STRONG.search(a) else 1.0


def answer_order(answers: Iterable[str], counts: dict[str, int] | None = None) -> list[str]:
    """The distinct ``answers`` in the order of their scale (see the module's notes); answers on no
    side come last, most common first (``counts``), then alphabetically. When no answer is on a
    side, every answer is ordered by count.

    Examples
    --------
    >>> answer_order(["No", "Not sure", "Yes"])
    ['Yes', 'No', 'Not sure']
    >>> answer_order(["Blue", "Red", "Green"], counts={"Red": 5, "Blue": 2, "Green": 2})
    ['Red', 'Blue', 'Green']
    """
    counts = counts or {}
    distinct = list(dict.fromkeys(str(a) for a in answers))
    sides = {a: answer_side(a, distinct) for a in distinct}

    def key(a: str):
        side = sides[a]
        if side == 1:
            return (0, -_strength(a), a)
        if side == 0:
            return (1, 0.0, a)
        if side == -1:
            return (2, _strength(a), a)
        return (3, -counts.get(a, 0), a)

    if all(s is None for s in sides.values()):
        return sorted(distinct, key=lambda a: (-counts.get(a, 0), a))
    return sorted(distinct, key=key)


#: Above this many distinct answers, those off the scale given by one respondent each (typed in
#: "Other" answers) are counted together in one row, :data:`OTHER_ANSWERS`.
MAX_LISTED_ANSWERS = 12
OTHER_ANSWERS = "Other answers, each given once"


def _answers(respondents: pd.DataFrame, column: str) -> pd.Series:
    """Each respondent's answer to a closed question, stripped; missing when blank or when the survey tool
    wrote that it was skipped ("Not Answered", "-")."""
    answers = respondents[column].astype("string").str.strip()
    return answers.where(answers.ne("") & ~answers.str.fullmatch(_UNANSWERED).fillna(False), pd.NA)


def closed_answers(respondents: pd.DataFrame, column: str, *, in_campaigns: Iterable[str] | None = None
                   ) -> pd.DataFrame:
    """How many respondents gave each answer to one closed question, in the order of its scale.

    Above :data:`MAX_LISTED_ANSWERS` distinct answers, the answers on no side of the scale that one
    respondent each gave are one row, "Other answers, each given once (N)", after the others.

    Parameters
    ----------
    respondents : DataFrame
        The respondents table: ``respondent_id`` and the question's ``column``.
    column : str
        The closed question's id (its column).
    in_campaigns : iterable of str, optional
        Respondent ids who sent an organised campaign's letter; when given, a column counts them.

    Returns
    -------
    DataFrame
        ``answer``, ``respondents``, ``share`` (of those who answered) and, with ``in_campaigns``,
        ``in_campaigns``; then a last row ``answer`` NA for those who did not answer (share NA): a
        blank cell, or what survey tools write for a skipped question ("Not Answered", "-").

    Examples
    --------
    >>> r = pd.DataFrame({"respondent_id": list("abcdef"),
    ...                   "q": ["Agree", "Disagree", "Agree", None, "Strongly agree", "Don't know"]})
    >>> closed_answers(r, "q", in_campaigns=["b"]).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'answer': ['Strongly agree', 'Agree', 'Disagree', "Don't know", None], 'respondents': [1, 2, 1, 1, 1],
     'share': [0.2, 0.4, 0.2, 0.2, nan], 'in_campaigns': [0, 0, 1, 0, 0]}
    """
    answers = _answers(respondents, column)
    counts = answers.value_counts()
    order = answer_order(counts.index, counts={str(k): int(v) for k, v in counts.items()})
    once = [a for a in order if counts[a] == 1 and answer_side(a, order) is None]
    if len(order) > MAX_LISTED_ANSWERS and len(once) > 1:
        # answers typed in ("Other: it depends on the road") are each their own: one row for them all
        label = f"{OTHER_ANSWERS} ({len(once):,})"
        answers = answers.where(~answers.isin(once), label)
        counts = answers.value_counts()
        order = [a for a in order if a not in set(once)] + [label]
    n_answered = int(counts.sum())
    table = pd.DataFrame({
        "answer": pd.array([*order, pd.NA], dtype="string"),
        "respondents": [*(int(counts[a]) for a in order), int(answers.isna().sum())],
        "share": [*(int(counts[a]) / n_answered for a in order), float("nan")],
    })
    if in_campaigns is not None:
        sent = respondents["respondent_id"].astype(str).isin({str(i) for i in in_campaigns}).to_numpy()
        by_answer = answers[sent].fillna("\0").value_counts()
        table["in_campaigns"] = [int(by_answer.get(a, 0)) for a in order] + [int(by_answer.get("\0", 0))]
    return table


def side_counts(table: pd.DataFrame) -> dict[int | None, int]:
    """Respondents on each side of the scale (+1, 0, -1, None) in a :func:`closed_answers` table,
    leaving out those who did not answer.

    Examples
    --------
    >>> t = pd.DataFrame({"answer": pd.array(["Strongly agree", "Agree", "Disagree", "Don't know", None],
    ...                                      dtype="string"), "respondents": [1, 2, 1, 1, 1]})
    >>> side_counts(t)
    {1: 3, 0: 0, -1: 1, None: 1}
    """
    out: dict[int | None, int] = {1: 0, 0: 0, -1: 0, None: 0}
    scale = [str(a) for a in table["answer"].dropna()]
    for answer, n in zip(table["answer"], table["respondents"], strict=True):
        if pd.notna(answer):
            out[answer_side(str(answer), scale)] += int(n)
    return out


def scale_words(answers: Sequence[str]) -> tuple[str, str]:
    """The verbs for the two sides of a scale: ("agreed", "disagreed"), ("said yes", "said no"), ...

    Examples
    --------
    >>> scale_words(["Yes", "No"]), scale_words(["Strongly support", "Oppose"])
    (('said yes', 'said no'), ('supported', 'opposed'))
    """
    text = " ".join(str(a).casefold() for a in answers)
    for positive, negative, words in (("agree", "disagree", ("agreed", "disagreed")),
                                      ("support", "oppose", ("supported", "opposed")),
                                      ("satisfied", "dissatisfied", ("were satisfied", "were dissatisfied")),
                                      ("more likely", "less likely", ("said more likely", "said less likely")),
                                      ("likely", "unlikely", ("said likely", "said unlikely")),
                                      ("favour", "against", ("were in favour", "were against"))):
        if positive in text or negative in text:
            return words
    # after "of the 260 who answered": not "answered answered positively"
    return ("said yes", "said no") if re.search(r"\byes\b|\bno\b", text) else ("gave a positive answer",
                                                                               "gave a negative answer")


def themes_by_side(respondents: pd.DataFrame, column: str, comments: pd.DataFrame, assignments: pd.DataFrame,
                   themes: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """What those on each side of a closed question wrote: how many raised each theme, side by side.

    A consultation's response document says "53% disagreed; those who disagreed mainly argued ...".
    Here the respondents on the positive side of the question's scale and those on its negative side
    (:func:`answer_side`; the middle and "Don't know" are left out) are compared on the themes of
    their written answers. A respondent counts once per theme, when any of their analysed responses,
    to any open question, is in it (one theme or several); the shares are of the respondents on that
    side who wrote at least one analysed response. Each share has its Wilson interval, and the
    difference between the sides Newcombe's interval (:func:`helpers.stats.difference_interval`).

    Parameters
    ----------
    respondents : DataFrame
        ``respondent_id`` and the question's ``column``.
    column : str
        The closed question's id.
    comments : DataFrame
        The analysed responses: ``comment_id`` and ``respondent_id``.
    assignments : DataFrame
        ``comment_id`` and ``theme_id`` (missing for a response in no theme), one row per response and
        theme (:func:`helpers.themes.summarise_themes`, or the machine coding's).
    themes : DataFrame
        ``theme_id`` and ``label``, in the order to report.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        One row per theme: ``theme_id``, ``label``; for the positive side ``k_pos`` (respondents who
        raised the theme), ``n_pos`` (respondents on that side who wrote), ``share_pos``, ``low_pos``,
        ``high_pos``; the same with ``_neg``; ``difference`` (``share_pos - share_neg``),
        ``diff_low`` and ``diff_high``. ``attrs["words"]`` holds the sides' verbs (:func:`scale_words`)
        and ``attrs["respondents"]`` the respondent ids of each side who wrote ({1: [...], -1: [...]}).

    Examples
    --------
    >>> r = pd.DataFrame({"respondent_id": ["a", "b", "c", "d", "e"],
    ...                   "q": ["Agree", "Strongly agree", "Disagree", "Disagree", "Don't know"]})
    >>> c = pd.DataFrame({"comment_id": ["1", "2", "3", "4", "5", "6"],
    ...                   "respondent_id": ["a", "a", "b", "c", "d", "e"]})
    >>> a = pd.DataFrame({"comment_id": ["1", "2", "3", "4", "5", "6"],
    ...                   "theme_id": pd.array([1, 1, 2, 2, None, 1], dtype="Int64")})
    >>> t = pd.DataFrame({"theme_id": [1, 2], "label": ["cost", "safety"]})
    >>> out = themes_by_side(r, "q", c, a, t)
    >>> out[["label", "k_pos", "n_pos", "k_neg", "n_neg"]].values.tolist()
    [['cost', 1, 2, 0, 2], ['safety', 1, 2, 1, 2]]
    >>> out.attrs["words"]
    ('agreed', 'disagreed')
    """
    from .stats import difference_interval, wilson_interval

    answers = _answers(respondents, column)
    scale = [str(a) for a in answers.dropna().unique()]
    side_of = {a: answer_side(a, scale) for a in scale}
    side = pd.Series([side_of.get(a) if isinstance(a, str) else None for a in answers],
                     index=respondents["respondent_id"].astype(str).to_numpy(), dtype=object)
    who = comments[["comment_id", "respondent_id"]].dropna().astype({"comment_id": str, "respondent_id": str})
    wrote = pd.Index(who["respondent_id"].unique())
    raised = (assignments.dropna(subset=["theme_id"]).astype({"comment_id": str})
              .merge(who, on="comment_id")[["respondent_id", "theme_id"]].drop_duplicates())
    out = themes[["theme_id", "label"]].reset_index(drop=True).copy()
    ids: dict[int, list[str]] = {}
    for s, tag in ((1, "pos"), (-1, "neg")):
        members = side.index[(side == s).to_numpy() & side.index.isin(wrote)]
        ids[s] = sorted(members)
        counts = raised[raised["respondent_id"].isin(members)]["theme_id"].value_counts()
        k = np.array([int(counts.get(t, 0)) for t in out["theme_id"]], dtype=int)
        n = np.full(len(out), len(members), dtype=int)
        low, high = wilson_interval(k, n, confidence=confidence)
        out[f"k_{tag}"], out[f"n_{tag}"] = k, n
        out[f"share_{tag}"] = np.divide(k, n, out=np.full(len(k), np.nan), where=n > 0)
        out[f"low_{tag}"], out[f"high_{tag}"] = np.atleast_1d(low), np.atleast_1d(high)
    out["difference"] = out["share_pos"] - out["share_neg"]
    low, high = difference_interval(out["k_pos"], out["n_pos"], out["k_neg"], out["n_neg"], confidence=confidence)
    out["diff_low"], out["diff_high"] = np.atleast_1d(low), np.atleast_1d(high)
    out.attrs["words"] = scale_words(scale)
    out.attrs["respondents"] = ids
    return out
