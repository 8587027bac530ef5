"""Describing a corpus before analysing it: counts, lengths, dates, threads, and who is addressed.

Every function takes the canonical comments table (see :mod:`helpers.schema`) and returns a small
DataFrame or dict; nothing here prints or plots.
"""

from __future__ import annotations

import re

import pandas as pd

from .schema import KINDS, reply_depths

__all__ = [
    "counts_by_kind",
    "word_counts",
    "length_summary",
    "date_summary",
    "thread_summary",
    "addressed_names",
    "comment_table",
]

# A word: a run of letters and digits holding at least one letter, with inner apostrophes ("can’t", "20K").
_WORD = r"\w*[^\W\d_]\w*(?:['’]\w+)*"


def counts_by_kind(comments: pd.DataFrame) -> pd.DataFrame:
    """How many contributions of each kind, in the canonical kind order (kinds absent are left out).

    Examples
    --------
    >>> t = pd.DataFrame({"kind": ["comment", "post", "comment", "pingback"]})
    >>> counts_by_kind(t).to_dict("records")
    [{'kind': 'post', 'count': 1}, {'kind': 'comment', 'count': 2}, {'kind': 'pingback', 'count': 1}]
    """
    counts = comments["kind"].value_counts()
    rows = [(k, int(counts[k])) for k in KINDS if k in counts.index]
    return pd.DataFrame(rows, columns=["kind", "count"])


def word_counts(texts: pd.Series) -> pd.Series:
    """Number of words in each text (runs of letters and digits with a letter; bare numbers not counted).

    Examples
    --------
    >>> word_counts(pd.Series(["Don't panic!", "", "It's 42 -- really"])).tolist()
    [2, 0, 2]
    """
    return texts.fillna("").astype(str).str.count(_WORD).astype("int64")


def length_summary(comments: pd.DataFrame) -> pd.DataFrame:
    """Words per contribution by kind: count, median, minimum, maximum and total.

    Examples
    --------
    >>> t = pd.DataFrame({"kind": ["comment", "comment", "post"], "text": ["a b c", "a", "x y"]})
    >>> length_summary(t).to_dict("records")[0]
    {'kind': 'post', 'count': 1, 'median_words': 2.0, 'min_words': 2, 'max_words': 2, 'total_words': 2}
    """
    words = word_counts(comments["text"])
    rows = []
    for kind in KINDS:
        w = words[comments["kind"] == kind]
        if len(w):
            rows.append((kind, len(w), float(w.median()), int(w.min()), int(w.max()), int(w.sum())))
    return pd.DataFrame(rows, columns=["kind", "count", "median_words", "min_words", "max_words", "total_words"])


def date_summary(comments: pd.DataFrame) -> dict:
    """First and last timestamp, how many rows have one, and the busiest day.

    Returns a dict with ``n_dated``, ``n_undated``, ``first``, ``last`` (ISO strings or None),
    ``busiest_day`` and ``busiest_day_count``.

    Examples
    --------
    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2009-01-02 10:00", None, "2009-01-02 11:00"], utc=True)})
    >>> s = date_summary(t); (s["n_dated"], s["n_undated"], s["busiest_day"], s["busiest_day_count"])
    (2, 1, '2009-01-02', 2)
    """
    dates = comments["created_at"].dropna()
    out = {"n_dated": int(len(dates)), "n_undated": int(comments["created_at"].isna().sum())}
    if dates.empty:
        return {**out, "first": None, "last": None, "busiest_day": None, "busiest_day_count": 0}
    per_day = dates.dt.strftime("%Y-%m-%d").value_counts().sort_index()
    busiest = per_day.idxmax()  # first of the tied days, as sorted by date
    return {
        **out,
        "first": dates.min().isoformat(),
        "last": dates.max().isoformat(),
        "busiest_day": busiest,
        "busiest_day_count": int(per_day[busiest]),
    }


def thread_summary(comments: pd.DataFrame) -> dict:
    """Threads, replies and depth: the shape of the conversation.

    ``n_threads`` counts distinct ``thread_id``; ``n_replies`` counts rows whose parent is not a post;
    ``max_depth`` is the deepest reply chain below a post (0 when nobody replied to anybody).

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["p", "a", "b"], "parent_id": [None, "p", "a"],
    ...                   "thread_id": ["p", "p", "p"], "kind": ["post", "comment", "reply"]})
    >>> thread_summary(t)
    {'n_threads': 1, 'n_replies': 1, 'max_depth': 2, 'largest_thread_size': 3}
    """
    kind_of = pd.Series(comments["kind"].to_numpy(), index=comments["comment_id"].astype(str))
    parent_kind = comments["parent_id"].map(kind_of)
    n_replies = int((parent_kind.notna() & parent_kind.ne("post")).sum())
    sizes = comments["thread_id"].value_counts()
    return {
        "n_threads": int(comments["thread_id"].nunique()),
        "n_replies": n_replies,
        "max_depth": int(reply_depths(comments).max()) if len(comments) else 0,
        "largest_thread_size": int(sizes.max()) if len(sizes) else 0,
    }


# A name: a capitalised word that is not a common sentence opener.
_NAME = r"(?P<name>[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)"
_NOT_NAMES = {
    "I", "The", "This", "That", "There", "Then", "They", "We", "You", "Your", "It", "Its", "And", "But",
    "So", "All", "Everyone", "Everybody", "Folks", "Guys", "Again", "God", "Goodness", "Government",
    "Ministers", "Minister", "Sir", "Madam", "Team", "For", "From", "Very", "Well", "Yes", "No",
    "Oh", "Ok", "Okay", "Great", "Good", "Excellent", "Top", "Brilliant", "Nice", "Lovely", "Interesting",
    "Perhaps", "Meanwhile", "Alas", "Also", "However", "Hopefully", "Mr", "Mrs", "Ms", "Dr",
}
# Vocative cues: a greeting or thanks followed by a name, a name opening a sentence followed by a
# comma, or praise followed by a name ("Top post Em!").
_ADDRESS_PATTERNS = [
    ("thanks", re.compile(r"\b(?:[Tt]hanks|[Tt]hank you|[Cc]heers|[Hh]i|[Hh]ello|[Dd]ear|[Hh]ey)\s*,?\s+" + _NAME + r"\b")),
    # A name opening a sentence, then a comma and a word that speaks to that person ("Mitch, I feel").
    ("opening", re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\n))" + _NAME + r",\s+(?=(?:you|your|I|I['’]m|I['’]d|we|"
                           r"thanks|thank|agreed|sorry|yes|no|good|great|well|absolutely|exactly|indeed)\b)")),
    ("praise", re.compile(r"\b(?:post|point|piece|work|stuff|comment|thought|link)s?,?\s+" + _NAME + r"[!.,]")),
    ("at", re.compile(r"@" + _NAME + r"\b")),
]


def addressed_names(comments: pd.DataFrame) -> pd.DataFrame:
    """Who each contribution addresses by name ("Thank you Laura", "Andrew, you raise...", "@Mitch").

    Blog exports often lack authors; who is addressed shows the conversation's structure anyway.
    Mentions in passing ("I'm sure Mitch could say more") are not counted: only vocative cues.

    Returns one row per (comment_id, name), in comment order and then text order, with the ``cue``
    that found it.

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["r1", "r2"],
    ...     "text": ["Thank you Laura. Andrew, you raise a point.", "I'm sure Mitch could say more."]})
    >>> addressed_names(t).to_dict("records")
    [{'comment_id': 'r1', 'name': 'Laura', 'cue': 'thanks'}, {'comment_id': 'r1', 'name': 'Andrew', 'cue': 'opening'}]
    """
    rows = []
    for comment_id, text in zip(comments["comment_id"], comments["text"].fillna(""), strict=True):
        hits = sorted(
            (m.start("name"), m.group("name"), cue)
            for cue, pattern in _ADDRESS_PATTERNS
            for m in pattern.finditer(str(text))
            if m.group("name") not in _NOT_NAMES
        )
        seen: set[str] = set()
        for _, name, cue in hits:
            if name not in seen:
                seen.add(name)
                rows.append((comment_id, name, cue))
    return pd.DataFrame(rows, columns=["comment_id", "name", "cue"], dtype="string")


def comment_table(comments: pd.DataFrame, *, max_chars: int = 300) -> pd.DataFrame:
    """A compact table of contributions for browsing: id, kind, parent, words and the opening text.

    Author names are left out on purpose: this table is meant to be shown.

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["r1"], "kind": ["comment"], "parent_id": ["post"],
    ...                   "text": ["one two three four"]})
    >>> comment_table(t, max_chars=8)["text"].tolist()
    ['one two…']
    """
    text = comments["text"].fillna("").astype(str).str.replace(r"\s+", " ", regex=True)
    cut = text.str.len() > max_chars
    short = text.where(~cut, text.str.slice(0, max_chars).str.replace(r"\s+\S*$", "", regex=True) + "…")
    out = pd.DataFrame({
        "comment_id": comments["comment_id"],
        "kind": comments["kind"],
        "parent_id": comments["parent_id"],
        "words": word_counts(comments["text"]),
        "text": short,
    })
    if "created_at" in comments.columns and comments["created_at"].notna().any():
        out.insert(3, "created_at", comments["created_at"])
    return out.reset_index(drop=True)
