"""Describing a corpus before analysing it: counts, lengths, dates, threads, and who is addressed.

Every function takes the canonical comments table (see :mod:`helpers.schema`) and returns a small
DataFrame or dict; nothing here prints or plots.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .parallel import blocks, map_blocks
from .schema import KINDS, reply_depths
from .textscan import NAME_LOWER, NAME_UPPER, arrow_strings, char_table, code_points, may_match, re2_class

__all__ = [
    "mention_names",
    "naming_last",
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


_IS_WORD, _IS_LETTER, _IS_APOSTROPHE = 1, 2, 4


@cache
def _char_kinds() -> np.ndarray:
    """Per code point: bit 1 a word character (``\\w``), bit 2 a letter, bit 4 an apostrophe of ``_WORD``."""
    kinds = (char_table(r"\w") * _IS_WORD + char_table(r"[^\W\d_]") * _IS_LETTER).astype(np.uint8)
    kinds[[ord("'"), ord("’")]] |= _IS_APOSTROPHE
    return kinds


def word_counts(texts: pd.Series) -> pd.Series:
    """Number of words in each text (runs of letters and digits with a letter; bare numbers not counted).

    The count is that of matches of the pattern ``_WORD`` (Python's ``re``), worked out in NumPy over
    the code points, a bounded chunk of rows at a time: a match starts in the first run of word
    characters of a "token" (word-character runs joined by single apostrophes) that holds a letter and
    runs to the token's end, so each token with a letter counts once (``tests/unit/test_overview.py``
    checks this against ``re`` on random text). O(total characters), no per-row Python loop.

    Examples
    --------
    >>> word_counts(pd.Series(["Don't panic!", "", "It's 42 -- really"])).tolist()
    [2, 0, 2]
    """
    kinds = _char_kinds()
    counts = np.zeros(len(texts), dtype="int64")
    for first, points, starts in code_points(texts, sep="\n"):
        kind = kinds[points]
        w = (kind & _IS_WORD).astype(bool)
        begins = w.copy()  # a word character that does not carry on a token
        begins[1:] &= ~w[:-1]
        begins[2:] &= ~(w[:-2] & (kind[1:-1] & _IS_APOSTROPHE).astype(bool))  # "can" ' "t": one token
        token_starts = np.flatnonzero(begins)
        if not len(token_starts):
            continue
        # letters from one token's start to the next's (what lies between tokens holds no letters)
        has_letter = (np.bitwise_or.reduceat(kind, token_starts) & _IS_LETTER).astype(bool)
        counted = np.searchsorted(token_starts[has_letter], starts)
        counts[first:first + len(starts)] = np.diff(counted, append=int(has_letter.sum()))
    return pd.Series(counts, index=texts.index, name=texts.name)


def length_summary(comments: pd.DataFrame, words: pd.Series | None = None) -> pd.DataFrame:
    """Words per contribution by kind: count, median, minimum, maximum and total.

    ``words``, when given, is :func:`word_counts` of ``comments["text"]`` already worked out.

    Examples
    --------
    >>> t = pd.DataFrame({"kind": ["comment", "comment", "post"], "text": ["a b c", "a", "x y"]})
    >>> length_summary(t).to_dict("records")[0]
    {'kind': 'post', 'count': 1, 'median_words': 2.0, 'min_words': 2, 'max_words': 2, 'total_words': 2}
    """
    words = word_counts(comments["text"]) if words is None else words
    rows = []
    for kind in KINDS:
        w = words[comments["kind"] == kind]
        if len(w):
            rows.append((kind, len(w), float(w.median()), int(w.min()), int(w.max()), int(w.sum())))
    return pd.DataFrame(rows, columns=["kind", "count", "median_words", "min_words", "max_words", "total_words"])


def date_summary(comments: pd.DataFrame, *, timezone: str = "UTC") -> dict:
    """First and last timestamp, how many rows have one, and the busiest day, in the calendar of
    ``timezone`` (the publisher's: :func:`helpers.stages.calendar_zone`).

    Returns a dict with ``n_dated``, ``n_undated``, ``first``, ``last`` (ISO strings with the zone's
    offset, or None), ``busiest_day``, ``busiest_day_count`` and ``timezone``.

    Examples
    --------
    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2009-01-02 10:00", None, "2009-01-02 11:00"], utc=True)})
    >>> s = date_summary(t); (s["n_dated"], s["n_undated"], s["busiest_day"], s["busiest_day_count"])
    (2, 1, '2009-01-02', 2)

    A petition opened at 23:39 UTC on 23 May 2016 opened on 24 May in London:

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2016-05-23 23:39", "2016-05-24 09:00"], utc=True)})
    >>> s = date_summary(t, timezone="Europe/London"); (s["first"], s["busiest_day"], s["busiest_day_count"])
    ('2016-05-24T00:39:00+01:00', '2016-05-24', 2)
    """
    dates = pd.to_datetime(comments["created_at"], utc=True).dropna().dt.tz_convert(timezone)
    out = {"n_dated": int(len(dates)), "n_undated": int(comments["created_at"].isna().sum()), "timezone": timezone}
    if dates.empty:
        return {**out, "first": None, "last": None, "busiest_day": None, "busiest_day_count": 0}
    per_day = dates.dt.normalize().value_counts().sort_index()  # midnight of each day, in the zone's calendar
    busiest = per_day.idxmax()  # first of the tied days, as sorted by date
    return {
        **out,
        "first": dates.min().isoformat(),
        "last": dates.max().isoformat(),
        "busiest_day": busiest.strftime("%Y-%m-%d"),
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
_UPPER, _LOWER = NAME_UPPER, NAME_LOWER
_NAME = rf"(?P<name>[{_UPPER}][{_LOWER}]+(?:[-'][{_UPPER}][{_LOWER}]+)?)"
# Greetings and thanks before a name, in English and the languages of the shared corpora ("Hola Carmen",
# "Buenas tardes, Sophy", "Bonjour Marie").
_GREETINGS = (r"[Tt]hanks|[Tt]hank you|[Cc]heers|[Hh]i|[Hh]ello|[Dd]ear|[Hh]ey|[Hh]ola|[Gg]racias|[Bb]uenas tardes"
              r"|[Bb]uenas noches|[Bb]uenos d[ií]as|[Qq]uerid[oa]|[Ee]stimad[oa]|[Bb]onjour|[Mm]erci|[Cc]h[eè]re?"
              r"|[Ss]alut|[Hh]allo|[Dd]anke|[Ll]iebe[r]?|[Cc]iao|[Gg]razie")
_NOT_NAMES = {
    "I", "The", "This", "That", "There", "Then", "They", "We", "You", "Your", "It", "Its", "And", "But",
    "So", "All", "Everyone", "Everybody", "Folks", "Guys", "Again", "God", "Goodness", "Government",
    "Ministers", "Minister", "Sir", "Madam", "Team", "For", "From", "Very", "Well", "Yes", "No",
    "Oh", "Ok", "Okay", "Great", "Good", "Excellent", "Top", "Brilliant", "Nice", "Lovely", "Interesting",
    "Perhaps", "Meanwhile", "Alas", "Also", "However", "Hopefully", "Mr", "Mrs", "Ms", "Dr",
    # greetings and thanks, which open a sentence before a comma as a name does ("Thanks, I ...")
    "Hi", "Hello", "Hey", "Dear", "Thanks", "Thank", "Cheers", "Sorry", "Please", "Welcome", "Congratulations",
    "Hola", "Buenas", "Buenos", "Gracias", "Saludos", "Bonjour", "Merci", "Salut", "Hallo", "Danke", "Ciao",
    "Grazie", "Bueno", "Ah", "Bah", "Wow", "Haha", "Jajaja", "Lol", "Sr", "Sra", "Srta", "Señor", "Señora",
    "Doña", "Grüße", "Gruß", "Zusammen", "Ihnen", "Dir", "Euch", "Alle", "Allen", "Leute", "Todos", "Todas",
    "Vecinos", "Vecinas", "Ayuntamiento", "Madrid", "Tous", "Vous", "Madame", "Monsieur", "Herr", "Frau",
    # connectives and sentence adverbs ("Furthermore, we ...", "Personally, I ...")
    "Furthermore", "Therefore", "Moreover", "Besides", "Anyway", "Thus", "Hence", "Additionally", "Personally",
    "Honestly", "Frankly", "Ultimately", "Unfortunately", "Fortunately", "Basically", "Usually", "Finally",
    "Firstly", "Secondly", "Thirdly", "Lastly", "First", "Second", "Third", "Next", "Currently", "Further",
    "Overall", "Indeed", "Instead", "Otherwise", "Similarly", "Likewise", "Clearly", "Obviously", "Actually",
    "Sadly", "Today", "Now", "Here", "Yesterday", "Everything", "Nothing", "Something", "Anything",
    "Agreed", "Exactly", "Absolutely", "True", "Right", "Sure", "Still", "Yet",
    # people addressed by their office, not their name ("Dear Administrator", "Dear Ranking Member")
    "Administrator", "Secretary", "Chair", "Chairman", "Chairwoman", "Commissioner", "Senator",
    "Representative", "Councillor", "Colleagues", "Friends", "Members", "Member", "Ranking", "Centers",
    "Committee", "Council", "Editor", "Moderator", "Admin", "Doctor", "Nurse", "Officer",
    # institutions and documents written with a capital ("I urge the Department to ...", "the Act")
    "Department", "Ministry", "Parliament", "Congress", "Cabinet", "Administration", "Agency", "Authority",
    "Authorities", "Commission", "Office", "Board", "Trust", "Service", "Services", "Court", "Police",
    "State", "Federal", "Act", "Bill", "Proposal", "Proposals", "Consultation", "Regulation", "Regulations",
    "Rule", "Strategy", "Review",
}
# function words, which open sentences ("Because I was happy ..." opens a third of one NHS question's
# answers: its capitalised uses outnumber its lower-case ones, so the corpus alone did not clear it)
_NOT_NAMES |= set(
    "Because When If As After Before Since Although Though While Whilst Unless Until Once Where Why What Which Who "
    "How My Our Their His Her He She Me Us Them In On At By With Without Of To Not Some Many Most More Less Only "
    "Just Both Each Every Any Always Never Sometimes Often Too Is Was Are Were Be Been Had Has Have Do Did Does "
    "Can Could Would Should Must Might An A Or Nor Even Maybe Possibly Definitely Really Quite Being Having".split())
_NOT_NAMES |= {word + "s" for word in ("Administrator", "Secretary", "Commissioner", "Senator", "Representative",
                                       "Councillor", "Councilor", "Editor", "Moderator", "Doctor", "Nurse",
                                       "Officer", "Trustee", "Governor", "Director", "Manager")}
# Vocative cues: a greeting or thanks followed by a name, a name opening a sentence followed by a
# comma, or praise followed by a name ("Top post Em!").
_ADDRESS_PATTERNS = [
    ("thanks", re.compile(rf"\b(?:{_GREETINGS})\s*,?\s+" + _NAME + r"\b")),
    # A name opening a sentence, then a comma and a word that speaks to that person ("Mitch, I feel").
    ("opening", re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\n))" + _NAME + r",\s+(?=(?:you|your|I|I['’]m|I['’]d|we|"
                           r"thanks|thank|agreed|sorry|yes|no|good|great|well|absolutely|exactly|indeed)\b)")),
    ("praise", re.compile(r"\b(?:post|point|piece|work|stuff|comment|thought|link)s?,?\s+" + _NAME + r"[!.,]")),
    ("at", re.compile(r"@" + _NAME + r"\b")),
]


@cache
def _address_prefilters() -> dict[str, str]:
    """Per cue of ``_ADDRESS_PATTERNS``, an RE2 pattern matching every text in which the cue's pattern does.

    Each is the cue's pattern with the look-arounds, the ``\\b`` after the name and the ``_NOT_NAMES``
    test left out, ``\\s`` spelled out as Python reads it, and the words after an opening name cut to
    their shortest forms ("I" for "I'm", "you" for "your"), so it matches wherever the cue does (RE2's
    ASCII ``\\b`` holds wherever Python's Unicode one does). It may match more ("Dear Sir"): those
    texts are simply checked in full.
    """
    space = re2_class(r"\s")
    name = f"[{_UPPER}][{_LOWER}]+(?:[-'][{_UPPER}][{_LOWER}]+)?"
    return {
        "thanks": rf"\b(?:{_GREETINGS}){space}*,?{space}+{name}",
        "opening": rf"(?:^|[.!?]{space}|\n){name},{space}+(?:you|I|we|thank|agreed|sorry|yes|no|good|great|well"
                   r"|absolutely|exactly|indeed)",
        "praise": rf"(?:post|point|piece|work|stuff|comment|thought|link)s?,?{space}+{name}[!.,]",
        "at": rf"@{name}",
    }


_NAMES_BLOCK = 20_000  # distinct texts per block of addressed_names


def _addressed_block(part: tuple[list[str], np.ndarray]) -> list[list[tuple[str, str]]]:
    """For each text, the (name, cue) pairs it addresses, first mention first; ``part`` holds the
    texts and, per text and cue, whether the cue's pre-filter let the text through."""
    out = []
    for text, cues in zip(*part, strict=True):
        hits = sorted(
            (m.start("name"), m.group("name"), cue)
            for (cue, pattern), wanted in zip(_ADDRESS_PATTERNS, cues, strict=True) if wanted
            for m in pattern.finditer(text)
            if m.group("name") not in _NOT_NAMES
        )
        seen: dict[str, str] = {}
        for _, name, cue in hits:
            seen.setdefault(name, cue)
        out.append(list(seen.items()))
    return out


def addressed_names(comments: pd.DataFrame) -> pd.DataFrame:
    """Who each contribution addresses by name ("Thank you Laura", "Andrew, you raise...", "@Mitch").

    Blog exports often lack authors; who is addressed shows the conversation's structure anyway.
    Mentions in passing ("I'm sure Mitch could say more") are not counted: only vocative cues. A word
    the cues take for a name is dropped when it is a common opener, greeting, connective or office
    ("Furthermore, we", "Hola, ...", "Dear Administrator") or when the corpus also writes it in lower
    case (:data:`LOWER_CASE_USES` times): "Privacy, I think" is not addressed to anyone.

    Returns one row per (comment_id, name), in comment order and then text order, with the ``cue``
    that found it.

    Cost: one Arrow pass per cue over all the text (O(total characters)) picks the texts that may hold
    that cue; the exact patterns then run, one text at a time, on those texts only.

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["r1", "r2"],
    ...     "text": ["Thank you Laura. Andrew, you raise a point.", "I'm sure Mitch could say more."]})
    >>> addressed_names(t).to_dict("records")
    [{'comment_id': 'r1', 'name': 'Laura', 'cue': 'thanks'}, {'comment_id': 'r1', 'name': 'Andrew', 'cue': 'opening'}]
    """
    # A cue's exact pattern runs (one text at a time) only on the texts its pre-filter lets through
    # (_address_prefilters: one O(characters) pass per cue in Arrow); no other text can hold the cue.
    # Each distinct text is read once (a campaign's copies are many).
    prefilters = _address_prefilters()
    keep = may_match(comments["text"], "|".join(prefilters.values()))  # one pass; then each cue on those
    ids = comments["comment_id"][keep]
    codes, distinct = pd.factorize(comments["text"][keep].fillna("").astype(str))
    texts = pd.Series(distinct, dtype="string")
    maybe = np.column_stack([may_match(texts, prefilters[cue]) for cue, _ in _ADDRESS_PATTERNS]) if len(texts) \
        else np.zeros((0, len(_ADDRESS_PATTERNS)), dtype=bool)
    parts = list(zip(blocks(distinct.tolist(), _NAMES_BLOCK), blocks(maybe, _NAMES_BLOCK), strict=True))
    found = [names for block in map_blocks(_addressed_block, parts,
                                           size=lambda part: len(part[0]), desc="addressed names")
             for names in block]
    words = _everyday_words(comments["text"], {name for names in found for name, _ in names})
    rows = [(comment_id, name, cue) for comment_id, code in zip(ids.tolist(), codes.tolist(), strict=True)
            for name, cue in found[code] if name not in words]
    return pd.DataFrame(rows, columns=["comment_id", "name", "cue"], dtype="string")


_CAPITALISED_WORD = re.compile(rf"\b[{NAME_UPPER}][{NAME_LOWER}]+(?:[-'’][{NAME_UPPER}][{NAME_LOWER}]+)?\b")


def mention_names(texts: list[str], corpus: pd.Series, *, evidence_texts: int | None = None) -> list[bool]:
    """Whether each of ``texts`` seems to name a person: it holds a capitalised word (not a common
    opener, greeting or office) that ``corpus`` never writes in lower case (:func:`_everyday_words`),
    as in "Tracey was my CPN" or "Fay, Nicky and the nurses". Places and weekdays count too; the
    briefing uses this only to prefer quotes without them. ``evidence_texts`` caps the texts of
    ``corpus`` read for that evidence (default :data:`NAME_EVIDENCE_TEXTS`): fewer read leave more
    words taken for names, the safe side when ranking quotes.

    Examples
    --------
    >>> corpus = pd.Series(["the staff were kind", "staff and more staff", "always kind, always there"])
    >>> mention_names(["Staff were kind.", "Tracey was kind.", "Always kind"], corpus)
    [False, True, False]
    """
    words = [set(_CAPITALISED_WORD.findall(t or "")) - _NOT_NAMES for t in texts]
    candidates = set().union(*words) if words else set()
    everyday = _everyday_words(corpus, candidates, evidence_texts)
    return [bool(w - everyday) for w in words]


def naming_last(pools: list[list], text_of, corpus: pd.Series, *, evidence_texts: int | None = None) -> list[list]:
    """Each pool (of quote candidates, most typical first) with the items whose text seems to name
    someone (:func:`mention_names`: staff named in feedback, "Tracey was my CPN") moved after the others,
    order otherwise kept; ``text_of(item)`` gives an item's text. One look at ``corpus`` for all pools.

    Examples
    --------
    >>> corpus = pd.Series(["the staff were kind", "staff and more staff"])
    >>> naming_last([["Tracey was kind.", "Staff were kind."]], str, corpus)
    [['Staff were kind.', 'Tracey was kind.']]
    """
    texts = [text_of(item) for pool in pools for item in pool]
    named = iter(mention_names(texts, corpus.astype("string"), evidence_texts=evidence_texts) if texts else [])
    out = []
    for pool in pools:
        flags = [next(named) for _ in pool]
        out.append([q for q, f in zip(pool, flags, strict=True) if not f] + [q for q, f in zip(pool, flags, strict=True) if f])
    return out


#: A capitalised word the cues took for a name is an everyday word instead when the corpus also writes
#: it in lower case at least LOWER_CASE_USES times and at least as often as capitalised ("Privacy, I
#: think ..." beside "privacy" elsewhere: 154 to 25 in GD6; "understanding" 164 to 7 in NHS feedback).
#: Names are written in lower case now and then too ("thanks andrew": 0 to 2 times in 100 in the
#: shared corpora); a name's lower-case uses would have to outnumber its capitalised ones.
LOWER_CASE_USES = 2
#: Most texts of the corpus read for that evidence: a larger corpus is sampled evenly.
NAME_EVIDENCE_TEXTS = 50_000


def _everyday_words(texts: pd.Series, candidates: set[str], evidence_texts: int | None = None) -> set[str]:
    """The ``candidates`` (capitalised words) that ``texts`` write in lower case at least
    :data:`LOWER_CASE_USES` times and at least as often as capitalised,
    as whole words outside e-mail and web addresses.

    Names are written with a capital, even by people who sometimes type in lower case; "privacy",
    "understanding" or "thanks" are often not. At most :data:`NAME_EVIDENCE_TEXTS` texts are read,
    evenly spaced through a larger corpus: addresses are blanked and the words counted in Arrow
    (a million comments: a fraction of a second).

    Examples
    --------
    >>> sorted(_everyday_words(pd.Series(["Privacy, I think, matters.", "privacy and privacy again",
    ...                                   "mail laura@example.org or see laura.example.org",
    ...                                   "Thanks Andrew. " * 3 + "thanks andrew, andrew"]),
    ...                        {"Privacy", "Laura", "Andrew"}))
    ['Privacy']
    """
    forms = {c.lower(): c for c in candidates if c.lower() != c}
    if not forms or not len(texts):
        return set()
    most = evidence_texts or NAME_EVIDENCE_TEXTS
    sample = arrow_strings(texts.iloc[:: max(1, -(-len(texts) // most))])
    # only texts holding one of the words somewhere can count it (most do not: the splitting below is
    # the cost)
    sample = sample.filter(pc.fill_null(pc.match_substring_regex(
        sample, "|".join(re.escape(w) for w in sorted(forms)), ignore_case=True), False))
    # e-mail and web addresses, and dotted names ("laura.example.org"), are not words
    sample = pc.replace_substring_regex(sample, r"\S*[@/]\S*|[\p{L}\p{N}_'’-]+(?:\.[\p{L}\p{N}_'’-]+)+", " ")
    words = pc.list_flatten(pc.split_pattern_regex(sample, r"[^\p{L}\p{N}_'’-]+"))
    wanted = pa.array(sorted(set(forms) | set(forms.values())), type=words.type)
    found = pc.value_counts(words.filter(pc.is_in(words, value_set=wanted)))
    uses = dict(zip(found.field("values").to_pylist(), found.field("counts").to_pylist(), strict=True))
    return {c for c in candidates if uses.get(c.lower(), 0) >= max(LOWER_CASE_USES, uses.get(c, 0))}


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
