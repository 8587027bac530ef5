"""Personal data removed from text before it reaches the briefing or the coded table.

:func:`redact` replaces, in a whole column at once (pandas' regex string methods, no per-row loop in
this module), each of these with a placeholder that says what was there:

==============  ===========================  ================================================
kind            placeholder                  what is matched
==============  ===========================  ================================================
``url_secret``  ``[link with key removed]``  a URL carrying a credential: a query or fragment
                                             parameter such as ``token=``, ``key=``, ``sig=``,
                                             ``session=``, ``access_token=``, ``api_key=``, or a
                                             ``user:password@`` part. Ordinary links are kept.
``email``       ``[email removed]``          ``name@domain.tld``
``card``        ``[card number removed]``    13 to 19 digits (spaces or hyphens between groups
                                             allowed) that pass the Luhn check
``ni_number``   ``[NI number removed]``      UK National Insurance number (``QQ 12 34 56 C``)
``phone``       ``[phone number removed]``   UK numbers (``07700 900123``, ``020 7946 0958``,
                                             ``+44 (0)20 ...``), international numbers written
                                             with ``+`` or ``00`` (8 to 15 digits), North
                                             American ``(415) 555-2671``
``postcode``    ``[postcode removed]``       full UK postcodes (``SW1A 2AA``, ``m1 1ae``)
``titled_name`` ``Dr [name removed]``        a name after a title, kept: Dr, Doctor, Mr, Mrs,
                                             Ms, Miss, Mx, Nurse, Sister, Matron, Midwife,
                                             Prof, Professor, Cllr, Councillor, police ranks
                                             (PC, PCSO, Constable, Sgt, Sergeant, Insp,
                                             Inspector, Supt, Superintendent, Detective,
                                             Officer) (``Dr Gordon``, ``Nurse Jane Smith``,
                                             ``Sgt Davies``): staff and others named in
                                             feedback, who are not contributors
==============  ===========================  ================================================

Kinds are applied in that order, so the digits of a card are not also counted as a phone number and a
key-carrying URL is removed whole. What is deliberately *not* touched: years ("2019"), prices
("£1,250.99"), house numbers ("10 Downing Street"), version numbers ("3.11.2"), dates, ordinary
links and short numbers. Redaction is a safeguard, not a guarantee: a phone number written in words,
or an address without a postcode, is not found, and nor is a name without a title ("Tracey was my
nurse").

Examples
--------
>>> text, counts = redact_text("Call 07700 900123 or mail jo@example.org; I live at 10 Downing St, SW1A 2AA.")
>>> text
'Call [phone number removed] or mail [email removed]; I live at 10 Downing St, [postcode removed].'
>>> {k: v for k, v in counts.items() if v}
{'email': 1, 'phone': 1, 'postcode': 1}
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import pandas as pd

from .textscan import NAME_LOWER, NAME_UPPER, may_match, re2_class

__all__ = ["KINDS", "PLACEHOLDERS", "DESCRIPTIONS", "GENERIC_AUTHORS", "redact", "redact_text", "names_pattern", "redact_names",
           "luhn_valid", "empty_counts", "add_counts", "describe_counts", "contributor_names",
           "fragment_words", "drop_fragments", "mask_swearing"]

#: Kinds of personal data, in the order they are looked for.
KINDS: tuple[str, ...] = ("url_secret", "email", "card", "ni_number", "phone", "postcode", "titled_name")

PLACEHOLDERS: dict[str, str] = {
    "url_secret": "[link with key removed]",
    "email": "[email removed]",
    "card": "[card number removed]",
    "ni_number": "[NI number removed]",
    "phone": "[phone number removed]",
    "postcode": "[postcode removed]",
    "titled_name": "[name removed]",  # after the title, which is kept: "Dr [name removed]"
    "name": "[name removed]",
}

_PLACEHOLDER_TEXTS = frozenset(PLACEHOLDERS.values())

#: How each kind is described in the briefing's methodology annex (singular, plural).
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "url_secret": ("link carrying a key or token", "links carrying keys or tokens"),
    "email": ("email address", "email addresses"),
    "card": ("payment card number", "payment card numbers"),
    "ni_number": ("National Insurance number", "National Insurance numbers"),
    "phone": ("phone number", "phone numbers"),
    "postcode": ("postcode", "postcodes"),
    "titled_name": ("name after a title such as Dr or Nurse", "names after titles such as Dr or Nurse"),
    "name": ("name of a contributor", "names of contributors"),
}

_URL_CHARS = r"[^\s<>\"'`\[\]{}|\\^]"
_SECRET_PARAM = (
    # the secret word is a whole part of the name ("api_key", "X-Amz-Signature", "sessionid"), so that
    # "keywords=" in a shop link is no key
    r"(?:(?:[\w.-]*[_.-])?(?:token|key|sig|signature|session|sessionid|sessid|sid|secret|password|passwd|pwd|auth"
    r"|authtoken|credential|code|apikey|accesstoken)s?(?:[_.-][\w.-]*)?"
    # or camelCase ending in one ("sessionToken", "clientSecret", "AWSAccessKeyId")
    r"|[\w.-]*[a-zA-Z](?-i:Token|Key|Secret|Sig|Signature|Session|Password|Auth|Credential)(?-i:s|Id)?)="
)
_TITLES = (r"Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Nurse|Sister|Matron|Midwife|Prof|Professor|Cllr|Councillor"
           r"|PC|PCSO|Constable|Sgt|Sergeant|Insp|Inspector|Supt|Superintendent|Detective|Officer")
_CAPITALISED = rf"(?:[A-Z]['’]|Mc|Mac)?[{NAME_UPPER}][{NAME_LOWER}]+(?:[-'’][{NAME_UPPER}][{NAME_LOWER}]+)?"
# A second word is part of the name unless it is one of these ("Thanks to Dr Smith The ward was clean").
_NOT_SURNAMES = (r"(?:The|This|That|These|Those|And|But|Or|So|Then|Thanks|Thank|It|I|We|You|He|She|They|Was|Were"
                 r"|Is|Are|Has|Had|In|On|At|For|From|To|Ward|Team|Department|Clinic|Hospital|Surgery|Out)\b")
# Words after a title that name a role or a field, not a person ("Nurse Practitioner", "Dr Consultant", the
# "American Association of Nurse Anesthesiology" of a regulations.gov docket).
_ROLES = (r"(?:Practitioners?|Specialists?|Consultants?|Managers?|Associates?|Assistants?|Led|In|Ward|Out"
          r"|Anesthetists?|Anaesthetists?|Anesthesiology|Anaesthesiology|Executives?|Educators?|Educations?"
          r"|Leaders?|Leadership|Navigators?|Midwives|Aides?|Staffing|Licensure|Certification|Practice|Training"
          r"|Services?|Association|Society|Council|College|Corps)\b")
_PATTERNS: dict[str, str] = {
    # A URL (scheme or www.) that has user:password@ or a secret-looking parameter anywhere in it.
    "url_secret": (
        rf"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)"
        rf"(?=[^\s/@]+:[^\s/@]+@|{_URL_CHARS}*?[?&#;]{_SECRET_PARAM})"
        rf"{_URL_CHARS}+(?<![.,;:!?)])"
    ),
    "email": r"(?i)(?<![\w.%+-])[a-z0-9](?:[a-z0-9._%+-]{0,63})@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b",
    # Candidate runs of 13-19 digits; kept unless Luhn-valid (checked in _card).
    "card": r"(?<![\w.,-])\d(?:[ -]?\d){12,18}(?![\w-]|[.,]\d)",
    "ni_number": r"(?i)\b[A-Z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D]\b",
    "phone": (
        r"(?<![\w+.,/-])(?:"
        # international: + or 00, country code, then groups (digit count checked in _phone)
        r"(?:\+|\b00)[1-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){1,5}"
        r"|"
        # UK national: 0 then 9-10 more digits in up to three groups, optional brackets on the area code
        r"\(?0\d{2,4}\)?(?:[ -]?\d{3,4}){1,2}(?:[ -]?\d{3})?"
        r"|"
        # North American: (415) 555-2671, 415-555-2671, 415.555.2671
        r"(?:\([2-9]\d{2}\)[ ]?|\b[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}"
        r")(?![\w-]|[.,]\d)"
    ),
    # Outward code (A9, A99, A9A, AA9, AA99, AA9A) then inward code (9AA); any case, except that an
    # inward code written as a lower-case ordinal ("M5 2nd", "A1 1st") is read as the ordinal.
    "postcode": r"(?i)\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?(?!(?-i:1st|2nd|3rd|\dth)\b)\d[ABD-HJLNP-UW-Z]{2}\b",
    # One or two capitalised words after a title; the title stays (see _titled).
    "titled_name": (
        rf"\b(?P<title>{_TITLES})\.?[ ]+(?!{_ROLES})"
        rf"(?P<name>(?:[A-Z]\.?[ ]+){{0,2}}{_CAPITALISED}(?:[ ]+(?!{_ROLES}|{_NOT_SURNAMES}){_CAPITALISED})?)\b"
    ),
}
_COMPILED = {kind: re.compile(p) for kind, p in _PATTERNS.items()}
# The secret parts of a key-carrying link: a user:password@ part and each secret parameter's value.
_URL_CREDENTIALS = re.compile(rf"(?i)//([^\s/@]+:[^\s/@]+)@|[?&#;]{_SECRET_PARAM}([^&#;\s]*)")
_NON_DIGIT = re.compile(r"\D")


def luhn_valid(number: str) -> bool:
    """Whether the digits of ``number`` pass the Luhn checksum (spaces and hyphens ignored).

    Examples
    --------
    >>> luhn_valid("4111 1111 1111 1111"), luhn_valid("4111 1111 1111 1112")
    (True, False)
    """
    digits = _NON_DIGIT.sub("", number)
    if not digits:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(m: re.Match) -> str:
    return PLACEHOLDERS["card"] if luhn_valid(m.group(0)) else m.group(0)


def _phone(m: re.Match) -> str:
    text = m.group(0)
    n = len(_NON_DIGIT.sub("", text))
    if text.startswith(("+", "00")):
        ok = 8 <= n <= 15
    elif text.lstrip("(").startswith("0"):
        ok = n in (10, 11)
    else:
        ok = n == 10
    return PLACEHOLDERS["phone"] if ok else text


def _titled(m: re.Match) -> str:
    return m.group(0)[: m.start("name") - m.start()] + PLACEHOLDERS["titled_name"]


_REPLACEMENTS = {"card": _card, "phone": _phone, "titled_name": _titled}
_NAME_WORD = re.compile(r"[^\W\d_]{2,}")  # a name's words, initials left out


def _name_words(name: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _NAME_WORD.findall(name))


def _titled_except(public_names: Iterable[str]):
    """The titled-name replacement, leaving the names of public figures as they are: a name is kept
    when its words (initials aside, any case) are all words of one entry of ``public_names``, so
    "Boris Johnson" keeps "Mr Johnson" and "Mr B. Johnson" but not "Mr Andrew Johnson"."""
    entries = [w for w in map(_name_words, public_names) if w]

    def replace(m: re.Match) -> str:
        words = _name_words(m.group("name"))
        return m.group(0) if words and any(words <= e for e in entries) else _titled(m)

    return replace


def empty_counts() -> dict[str, int]:
    """``{kind: 0}`` for every kind (and ``name``)."""
    return {kind: 0 for kind in (*KINDS, "name")}


def add_counts(*counts: dict[str, int]) -> dict[str, int]:
    """The kind-by-kind sum of several count dicts."""
    total = empty_counts()
    for c in counts:
        for k, v in c.items():
            total[k] = total.get(k, 0) + int(v)
    return total


def _placeholder_count(s: pd.Series, kind: str) -> int:
    return int(s.str.count(re.escape(PLACEHOLDERS[kind])).sum())


def redact(texts: pd.Series | Iterable[Any], *, kinds: Iterable[str] = KINDS, found: set[str] | None = None,
           public_names: Iterable[str] = ()) -> tuple[pd.Series, dict[str, int]]:
    """Replace personal data in every text of ``texts`` with placeholders; count what was replaced.

    Parameters
    ----------
    texts : Series or iterable of str
        Missing values stay missing.
    kinds : iterable of str
        Which of :data:`KINDS` to look for (default all), always applied in :data:`KINDS` order.
    found : set, optional
        If given, every string that was replaced is added to it (see :func:`fragment_words`).
    public_names : iterable of str
        Names of public figures (ministers, MPs) kept after a title: "Mr Johnson" stays when
        "Boris Johnson" is listed (see :func:`_titled_except`). Every other name after a title goes.

    Returns
    -------
    (Series of string dtype, dict)
        The redacted texts (same index) and ``{kind: number of replacements}`` for every kind.

    Notes
    -----
    One Arrow pass over all the text (O(total characters)) picks the texts that may hold personal
    data; the exact patterns, which need Python's ``re``, run on those texts only.

    Examples
    --------
    >>> s, n = redact(pd.Series(["card 4111-1111-1111-1111", "NI: QQ 12 34 56 C", None]))
    >>> s.tolist()
    ['card [card number removed]', 'NI: [NI number removed]', <NA>]
    >>> n["card"], n["ni_number"], n["phone"]
    (1, 1, 0)
    >>> redact(["Mr Johnson and Dr Patel"], public_names=["Boris Johnson"])[0].tolist()
    ['Mr Johnson and Dr [name removed]']
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    s = s.astype("string")
    wanted, public_names = set(kinds), tuple(public_names)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"redact: unknown kind(s) {sorted(unknown)}; choose from {list(KINDS)}")
    counts = empty_counts()
    if not len(s) or not wanted:
        return s, counts
    # Only the texts the pre-filter lets through can change (see _prefilter): the exact patterns, which
    # run one text at a time, see those alone. O(total characters) in Arrow, then O(their characters).
    maybe = may_match(s, _prefilter(frozenset(wanted)))
    if not maybe.all():
        part, counts = (redact(s[maybe], kinds=wanted, found=found, public_names=public_names) if maybe.any()
                        else (s[maybe], counts))
        out = s.copy()
        out.iloc[maybe.nonzero()[0]] = part.array
        return out, counts
    for kind in KINDS:
        if kind not in wanted:
            continue
        before = _placeholder_count(s, kind)
        repl = _REPLACEMENTS.get(kind, PLACEHOLDERS[kind])
        if kind == "titled_name" and public_names:
            repl = _titled_except(public_names)
        if found is not None:
            repl = _recording(repl, kind, found)
        s = s.str.replace(_COMPILED[kind], repl, regex=True)
        counts[kind] = _placeholder_count(s, kind) - before
    return s, counts


@cache
def _prefilter(kinds: frozenset[str]) -> str:
    """An RE2 pattern matching every text in which a pattern of ``kinds`` makes a replacement.

    Character classes are spelled out as Python's ``re`` reads them (:func:`helpers.textscan.re2_class`).
    Every key-carrying link holds ``://`` or ``www.`` (any case); every email an ``@``. A card number
    (13 or more digits), an NI number (6 digits) and a phone number that is replaced (8 or more digits:
    see ``_phone``) each hold 6 digits in a row with at most 3 of the characters `` .()+-`` between
    two of them; every postcode ends in a digit and then two letters of its inward code; every titled
    name is a title, spaces and a capital.
    """
    digit = re2_class(r"\d")
    w = re2_class("(?i:w)")
    wanted = {
        "url_secret": rf"://|{w}{w}{w}\.",
        "email": "@",
        "card": rf"{digit}(?:[ .()+-]{{0,3}}{digit}){{5}}",
        "postcode": digit + re2_class("(?i:[ABD-HJLNP-UW-Z])") + "{2}",
        "titled_name": rf"\b(?:{_TITLES})\.? +[{NAME_UPPER}]",
    }
    wanted["ni_number"] = wanted["phone"] = wanted["card"]
    return "|".join(dict.fromkeys(wanted[k] for k in KINDS if k in kinds))


def _recording(repl, kind: str, found: set[str]):
    def replace(m: re.Match) -> str:
        out = repl(m) if callable(repl) else repl
        if kind == "titled_name":
            if out != m.group(0):  # a public figure's name, kept, is no fragment of personal data either
                found.add(m.group("name"))  # the title is kept, so it is no fragment of personal data
        elif kind == "url_secret" and out == PLACEHOLDERS[kind]:
            # only the link's credentials are personal: its path and other words ("pencil-stylus" in
            # a shop link) must not be struck from theme labels
            found.update(part for c in _URL_CREDENTIALS.finditer(m.group(0)) for part in c.groups() if part)
        elif out == PLACEHOLDERS[kind]:
            found.add(m.group(0))
        return out

    return replace


#: Words too common in addresses to say anything about a person ("https", "com"...).
_ADDRESS_WORDS = frozenset({"http", "https", "www", "com", "org", "net", "gov", "co", "uk", "nhs", "ac", "io"})
_WORD = re.compile(r"\w\w+")


def fragment_words(found: Iterable[str]) -> frozenset[str]:
    """The words (two or more letters or digits, lower case) inside strings that were redacted.

    Theme terms are learned from the unredacted text, so a term such as ``"07700 900123"`` or
    ``"jo.bloggs"`` can carry a piece of personal data that no pattern matches on its own; the briefing
    drops any term containing one of these words.

    Examples
    --------
    >>> sorted(fragment_words({"jo.bloggs@example.com", "07700 900123"}))
    ['07700', '900123', 'bloggs', 'example', 'jo']
    """
    return frozenset(w.lower() for text in found for w in _WORD.findall(text)) - _ADDRESS_WORDS


def drop_fragments(terms: Iterable[Any], words: frozenset[str]) -> list[str]:
    """``terms`` without those containing any of ``words`` (from :func:`fragment_words`) or a redaction
    placeholder (a term that was a name is dropped, not shown as "[name removed]").

    Examples
    --------
    >>> drop_fragments(["bus stop", "call 07700", "parking", "[name removed]", "thanks [name removed]"],
    ...                frozenset({"07700"}))
    ['bus stop', 'parking']
    """
    out = []
    for term in terms:
        if term is None or (not isinstance(term, str) and pd.isna(term)):
            continue
        term = str(term)
        if any(p in term for p in _PLACEHOLDER_TEXTS):
            continue
        if not words or not {w.lower() for w in _WORD.findall(term)} & words:
            out.append(term)
    return out


def redact_text(text: Any, *, kinds: Iterable[str] = KINDS) -> tuple[str, dict[str, int]]:
    """:func:`redact` for one text (None and NA give ``""``).

    Examples
    --------
    >>> redact_text("See https://x.example/doc?id=4&token=abc123 and https://gov.uk/guidance")[0]
    'See [link with key removed] and https://gov.uk/guidance'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return "", empty_counts()
    s, counts = redact(pd.Series([str(text)], dtype="string"), kinds=kinds)
    return str(s.iloc[0]), counts


#: Author labels that name nobody in particular: treated as unknown, never as a name or a sender.
GENERIC_AUTHORS = frozenset({"anonymous", "anon", "admin", "administrator", "guest", "unknown", "user",
                             "moderator", "editor", "staff", "team", "none", "n/a", "na", "null"})


def names_pattern(names: Iterable[Any], *, ignore_case: bool = False) -> re.Pattern | None:
    """One regular expression matching any of ``names`` as whole words (None when there are none).

    Names of two or more words match in any letter case; a one-word name matches only as written
    (so a contributor called "Will" does not remove every "will"), unless ``ignore_case`` (used for
    theme labels, which are lower case). Generic author labels ("Anonymous", "admin") are ignored, as
    are one-letter names, and, with ``ignore_case``, names shorter than 3 letters.

    Examples
    --------
    >>> p = names_pattern(["Jo Bloggs", "Em", "Anonymous"])
    >>> p.sub("_", "Thanks JO BLOGGS and Em; them, anonymous")
    'Thanks _ and _; them, anonymous'
    """
    multi: set[str] = set()
    single: set[str] = set()
    shortest = 3 if ignore_case else 2
    for raw in names:
        if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
            continue
        name = " ".join(str(raw).split())
        if len(name) < shortest or name.lower() in GENERIC_AUTHORS:
            continue
        (multi if " " in name else single).add(name)
    alternatives = []
    if multi:
        words = "|".join(r"\s+".join(map(re.escape, n.split())) for n in sorted(multi, key=len, reverse=True))
        alternatives.append(f"(?i:{words})")
    if single:
        words = "|".join(map(re.escape, sorted(single, key=len, reverse=True)))
        alternatives.append(f"(?i:{words})" if ignore_case else words)
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def redact_names(texts: pd.Series | Iterable[Any], names: Iterable[Any] | re.Pattern | None
                 ) -> tuple[pd.Series, int]:
    """Replace the names of contributors in ``texts`` with ``[name removed]``.

    Parameters
    ----------
    texts : Series or iterable of str
    names : iterable of str, or a pattern from :func:`names_pattern`, or None (nothing to do)

    Returns
    -------
    (Series of string dtype, int)
        The texts and the number of names replaced.

    Examples
    --------
    >>> s, n = redact_names(["Thanks Jo Bloggs, and jo bloggs again", "Will said it will rain"], ["Jo Bloggs", "Will"])
    >>> s.tolist(), n
    (['Thanks [name removed], and [name removed] again', '[name removed] said it will rain'], 3)
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    s = s.astype("string")
    pattern = names if isinstance(names, re.Pattern) or names is None else names_pattern(names)
    if pattern is None or not len(s):
        return s, 0
    before = _placeholder_count(s, "name")
    s = s.str.replace(pattern, PLACEHOLDERS["name"], regex=True)
    return s, _placeholder_count(s, "name") - before


def describe_counts(counts: dict[str, int]) -> str:
    """What was removed, in words ("2 email addresses and 1 phone number"); "nothing" when nothing was.

    Examples
    --------
    >>> describe_counts({"email": 2, "phone": 1, "card": 0})
    '2 email addresses and 1 phone number'
    """
    parts = [f"{n:,} {DESCRIPTIONS[k][0] if n == 1 else DESCRIPTIONS[k][1]}"
             for k, n in counts.items() if n and k in DESCRIPTIONS]
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def contributor_names(comments: pd.DataFrame, overview: dict | None = None) -> list[str]:
    """Names of individual contributors: the ``author`` column and the names comments address.

    An author without a letter is an opaque id (Polis's "55", Consul's user numbers), not a name: taken
    for one, it removed every "55" from the quotes ("older but less than [name removed]").

    Examples
    --------
    >>> c = pd.DataFrame({"author": ["Jo Bloggs", None, "Jo Bloggs", "55"]})
    >>> contributor_names(c, {"addressed": [{"name": "Laura"}]})
    ['Jo Bloggs', 'Laura']
    """
    authors = comments["author"].dropna().astype(str) if "author" in comments.columns else pd.Series([], dtype=str)
    names = [a for a in authors.unique() if any(ch.isalpha() for ch in a)]
    names += [str(row["name"]) for row in (overview or {}).get("addressed", []) if row.get("name")]
    return list(dict.fromkeys(names))


#: Strong swear words, shown in a briefing with their letters starred ("f******"); the text analysed is
#: unchanged. Whole words only, so "Scunthorpe" and "shitake" are left alone.
_SWEARING = re.compile(r"(?i)\b(?:(?:mother)?fuck\w*|(?:bull)?shit(?:s|ty|ting|ted|e|head)?|cunts?|bastards?"
                       r"|bollocks|wank\w*|twats?|dickheads?|(?:arse|ass)holes?)\b")


def mask_swearing(texts: pd.Series) -> tuple[pd.Series, int]:
    """``texts`` with strong swear words starred after their first letter, and how many were.

    A briefing goes to ministers and may be published: a quote keeps its meaning without the word.

    Examples
    --------
    >>> out, n = mask_swearing(pd.Series(["'Lexit' is the stupidest fucking idea", "Scunthorpe shitake", None]))
    >>> out.tolist(), n
    (["'Lexit' is the stupidest f****** idea", 'Scunthorpe shitake', <NA>], 1)
    """
    s = texts.astype("string")
    hit = may_match(s, _SWEARING.pattern)  # RE2 reads the pattern as Python does, or matches more
    if not hit.any():
        return s, 0
    count = 0

    def star(m: re.Match) -> str:
        nonlocal count
        count += 1
        return m.group(0)[0] + "*" * (len(m.group(0)) - 1)

    out = s.copy()
    out[hit] = s[hit].str.replace(_SWEARING, star, regex=True)
    return out, count
