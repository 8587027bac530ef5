"""Evidence-rich responses: which responses give figures, concrete examples, first-hand experience or
reasoned suggestions, so that analysts read them in full.

A consultation's few detailed responses (a trade body's survey of its members, a clinician's account
of what goes wrong today, a worked-out alternative) weigh more with policy makers than their number
says. Analysts look for them by hand; the UK government's LLM tool flags them ("detail detection")
with this definition, which this module follows: a response is **evidence-rich** when it gives at least
two of these kinds of evidence and is long enough to develop them (:data:`MIN_WORDS`):

``figures``
    A percentage ("30%", "12 per cent"), a sum of money ("$1.2 million", "£40"), a ratio ("1 in 5",
    "one in four", "3 out of 4"), a number written with thousands separators ("2,300"), or a count
    or measure of something ("over 900 physicians", "waited four hours", "4 directories"). A year
    alone is not a figure, nor a number before a function word ("Article 1 of which"), nor how long
    something has gone on ("for 20 years", "for thousands of years"), nor an age ("a 70 year old").
``examples``
    An example given as one: "for example", "for instance", "e.g.", "in one case", "a case in point",
    "to illustrate", or "such as" before a name (an acronym or a capitalised word as written: "such
    as CAQH").
``experience``
    What the writer does, or the body they write for: "As a pharmacist, I ...", "I am a registered
    nurse", "we are a health system", "on behalf of our 40,000 members", "our physicians report",
    "in my experience", "in our clinic", "I have worked / seen", "20 years of experience" (a role
    word of :data:`ROLES`; who the writer otherwise is, "as a patient", "as a resident", is not
    enough); or what happened to them, told in at least :data:`NARRATIVE_EVENTS` first-person events
    ("I was admitted", "we waited", "my mother was sent home").
``suggestions``
    A suggestion with its reason: "(we) recommend / suggest / propose / urge / ask ...", what someone
    should do ("CMS should", "each provider should be required to", "the trust needs to", "there
    must be"; not the writer's own need, "I need to know"), "it would be better if", "would benefit
    from", with "because", "so that", "in order to", "to ensure", "which would" ... in the same or the
    next sentence, or just before (:data:`REASON_SPAN` characters). A question suggests nothing, and
    asking for the proposal to be rejected or not adopted ("should not", "urge CMS to reject") is a
    position (:mod:`helpers.stance`), not a suggestion.

Each distinct text is lower-cased and scanned by one regular expression per cue, each starting with a
literal or a set of characters so that the scan skips quickly where nothing can match; what matched,
and where, decides the kinds. Nothing is weighed or learned, so every flag can be traced to the words
that raised it: ``evidence_cue`` is the first sentence giving a figure (else an example, else
experience, else a suggestion). Linear in the text: about 3 s per 100,000 comments of 60 words on two
cores.

This reads the form of evidence, not its truth or relevance: a figure may be wrong and an anecdote
unrepresentative; analysts judge that. Measured against a reader's labels in the README and ``make bench``.
"""

from __future__ import annotations

import bisect
import re

import numpy as np
import pandas as pd

from .parallel import map_distinct

__all__ = ["KINDS", "MIN_WORDS", "NARRATIVE_EVENTS", "REASON_SPAN", "evidence", "evidence_counts"]

#: The kinds of evidence, in the order tables show them.
KINDS: tuple[str, ...] = ("figures", "examples", "experience", "suggestions")

#: Fewest words of an evidence-rich response: two kinds of evidence cannot be developed in fewer.
MIN_WORDS = 40

#: First-person events that make a told experience ("I was admitted", "we waited", "my son was seen").
NARRATIVE_EVENTS = 3

#: Characters before a suggestion within which its reason may come ("Because ..., we recommend ...");
#: after it, the reason is looked for up to the end of the next sentence.
REASON_SPAN = 200

BLOCK = 20_000

_NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                 r"sixty|seventy|eighty|ninety|hundreds?|thousands?|dozens?|millions?|several hundred|"
                 r"several thousand")
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_UNITS = (r"minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?|decades?|miles?|km|kilometres?|kilometers?|"
          r"patients?|people|persons?|individuals|providers?|physicians?|doctors?|clinicians?|nurses?|pharmacists?|"
          r"pharmacies|practices?|clinics?|hospitals?|facilities|sites?|locations?|members?|staff|employees|"
          r"workers|beds?|visits?|appointments?|calls?|times|attempts|forms?|pages?|records?|claims?|"
          r"prescriptions?|referrals?|requests?|applications?|plans?|payers?|states?|counties|organi[sz]ations|"
          r"residents|families|children|women|men|users|customers|respondents|deaths?|errors?|"
          r"percent|per cent|dollars|pounds|euros|tests?|doses?|vaccines?|operations?|procedures?")
_TENURE = r"(?:for|over|nearly|almost|more than|after|in my|in our|with) (?:the (?:past|last) )?"  # "for 20 years"
#: A word that may stand between a number and what it counts ("300 licensed physicians"), not a
#: function word ("1 of which states" counts nothing).
_ADJ = (r"(?:(?!(?:of|the|an?|and|or|in|to|on|at|for|by|from|which|that|who|with|is|are|was|were|it|this|these|"
        r"those|we|i|they|he|she)\b)[a-z-]+ )")
_COUNT_OF = (rf"(?:million|billion|thousand|bn)\b|(?:in|out of) (?:\d+|every|one|{_NUMBER_WORDS})\b"
             rf"|{_ADJ}{{0,2}}?(?:{_UNITS})\b")
#: What a writer says they work as, or for ("as a nurse", "we are a health system"): a word of the phrase.
#: Who they are otherwise ("as a patient", "as a resident", "as a mother") is standing, not experience:
#: their experience counts when they tell it (:data:`NARRATIVE_EVENTS`).
ROLES: frozenset[str] = frozenset((
    "physician doctor gp nurse pharmacist practitioner therapist clinician surgeon psychologist psychiatrist counselor "
    "counsellor worker dentist midwife paramedic manager administrator director owner officer carer caregiver "
    "provider clinic practice hospital system organization organisation association society "
    "college network company vendor developer researcher professor attorney lawyer engineer consultant specialist "
    "coordinator technician scientist economist chemist educator teacher employee "
    "employer business nonprofit non-profit charity trust council agency insurer plan coalition alliance federation "
    "union center centre").split())
_PHRASE = r"(?:an? |the |one of the )?((?:[a-z-]+ ){0,2}[a-z-]+)"  # its group: up to three words naming a role
#: Each cue: its name, its pattern (on lower-cased text), and strings one of which the text must hold for
#: the pattern to be tried at all (empty: always tried; suggestions are looked for only in a text that gives a reason). Each pattern starts with a literal or a set of
#: characters, which the regular-expression engine skips to quickly; that a match starts a word, and
#: what must come before a suggestion, are checked after (:func:`_read`).
_RULES: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = tuple(
    # a cue other than a figure starts a word: the look-behind lets the engine pass over the middles
    # of words at once (a fifth faster than finding matches there and discarding them in _read)
    (name, re.compile(pattern if name == "figures" else rf"(?<![\w'])(?:{pattern})"), gates)
    for name, pattern, gates in (
        ("figures", rf"[\d$£€](?:(?<=[$£€])\s?\d|(?<=\d)(?:(?<!,)(?:\d*(?:,\d{{3}})*(?:\.\d+)?)(?:\s?(?:%|percent\b|per cent\b)"
                    rf"|\s?(?:{_COUNT_OF})|(?<=\d,\d\d\d)\b"
                    rf"| {_ADJ}?[a-z]+s\b)))",  # "4 directories": a count of something
         ()),
        ("figures", rf"(?<![a-z])(?:(?:{_NUMBER_WORDS}) (?:{_COUNT_OF})|one (?:in|out of) (?:\d+|every|{_NUMBER_WORDS})\b)",
         ()),
        ("examples", r"for (?:example|instance)\b|e\.g\.|in one case\b|a case in point\b|to illustrate\b"
                     r"|as an example\b|one example\b|such as (?=\S)",
         ("example", "instance", "e.g.", "case", "illustrate", "such as")),
        ("role", rf"as {_PHRASE},? (?=(?:i|we|our|my)\b)"
                 rf"|(?:i am|i'm|i have been|i've been|i was|we are|we have been|i work as|i worked as) {_PHRASE}\b",
         ()),
        ("standing", r"(?:in|from|during|throughout) (?:my|our) (?:own )?(?:\d+ years? (?:of |in )?)?"
                     r"(?:[a-z-]+ )?(?:experience|practice|clinic|work|role|career|hospital|office|organi[sz]ation|"
                     r"field|\d+ years)\b"
                     r"|(?:i|we) (?:have|'ve) (?:worked|practi[sc]ed|served|cared|treated|run|managed|seen|observed|"
                     r"learned|learnt|heard)\b"
                     r"|(?:on behalf of|we represent|representing) (?:the |our |over |nearly |more than |some )?"
                     r"(?:[\d,]+ )?(?:[a-z-]+ ){0,4}?(?:members|physicians|nurses|pharmacists|clinicians|hospitals|"
                     r"clinics|practices|patients|providers|organi[sz]ations|professionals|employees|workers)\b"
                     r"|our (?:members|physicians|nurses|pharmacists|clinicians|hospitals|clinics|practices|patients|"
                     r"staff|providers|clients|residents) (?:have|has|are|were|see|saw|report|tell|told|face|need|use)\b",
         ()),
        ("standing", r"[0-9]+ years? (?:of )?(?:[a-z-]+ )?experience\b", ("experience",)),
        ("event", r"(?:i|we|my (?:mother|father|mum|mom|dad|son|daughter|wife|husband|partner|baby|child|"
                  r"sister|brother|grandmother|grandfather|nan|friend))"
                  r" (?:was|were|had|went|waited|called|rang|phoned|asked|requested|received|saw|visited|arrived|"
                  r"attended|got|spent|took|tried|found|discovered|noticed|experienced|reali[sz]ed|needed|contacted|"
                  r"booked|told|sent|admitted|referred|discharged|returned|left|came|felt|paid|filled|submitted|"
                  r"applied|lost)\b"
                  r"|(?:i|we) (?:often |routinely |regularly |frequently |usually |always |currently |still |now )?"
                  r"(?:see|find|get|receive|spend|deal with|struggle|hear|have to|had to)\b"
                  r"|(?:i|we) (?:have|'ve) (?:already |also |often )?(?:been|had|seen|found|experienced|waited|received)\b"
                  r"|our (?:phone|office|practice|clinic|staff|team|patients|members|organi[sz]ation|hospital|"
                  r"listing|address)(?: [a-z]+)? (?:has|have|had|was|were)\b",
         ()),
        ("reason", r"(?:because|so that|in order to|to ensure|to avoid|to prevent|to reduce|to improve|"
                   r"to allow|which would|this would|that would|would allow|would help|would reduce|would improve|"
                   r"would make|since|otherwise|as this|as it would)\b",
         ("because", "so that", "order to", "to ensure", "to avoid", "to prevent", "to reduce", "to improve",
          "to allow", "would", "since", "otherwise", "as this")),
        ("suggestion", r"(?:recommend|suggest|propose|encourage|urge|request|ask)(?:s|ed)? "
                       r"|(?:should|needs? to|ought to|must|could) (?!not\b)"
                       r"|it would be (?:better|helpful|useful|preferable|good|sensible)\b|would benefit from\b"
                       r"|i would like to see\b|could be improved by\b",
         ()),
    ))
_NOT_IN_ROLE = frozenset("not no never sure the this that these those and or but to of in on at for with is are was were "
                         "be been it i we you they my our".split())


def _names_role(phrase: str) -> bool:
    """Whether a phrase after "as a" / "I am a" names a role: one of its words before the first that
    cannot be part of one ("not", "the", "on") is in :data:`ROLES` (singular or plural).

    >>> [_names_role(p) for p in ("retired nurse", "registered nurse on", "not sure the hospital", "big fan of")]
    [True, True, False, False]
    """
    for w in phrase.split():
        if w in _NOT_IN_ROLE:
            return False
        if w in ROLES or w[:-1] in ROLES:
            return True
    return False


_MODALS = ("should", "need", "ought", "must", "could")
#: A "should", "needs to", "must" after "I" is the writer's own need ("I need to know"), not a suggestion.
_WRITER = re.compile(r"(?:^|\W)i (?:really |just |also )?$")
_NOT_SUGGESTION = re.compile(r"\b(?:reject|withdraw|rescind|abandon|scrap|drop|stop|not|n't|never)\b")
_TENURE_BEFORE = re.compile(_TENURE + r"$")
_CLAUSE_START = re.compile(r"(?:^|[.!?:;\n,]\s*)$")
_NAME_AFTER = re.compile(r"\s*(?:the )?(?:[A-Z]{2,}|[A-Z][a-z]+)")  # "such as CAQH", "such as Medicare"
_BREAK = re.compile(r"[!?\n]|\.(?=\s|$)")


def _sentence(text: str, i: int, breaks: list[int]) -> str:
    """The sentence of ``text`` around position ``i``."""
    k = bisect.bisect_left(breaks, i)
    start = breaks[k - 1] + 1 if k else 0
    stop = breaks[k] + 1 if k < len(breaks) else len(text)
    return " ".join(text[start:stop].split())


def _read(raw: str) -> tuple[tuple[str, ...], str | None]:
    """(kinds of evidence, the sentence that best shows them) of one text."""
    text = raw.replace("\u2019", "'").lower()
    first: dict[str, int] = {}
    events = 0
    suggestions: list[tuple[int, int]] = []
    reasons: list[int] = []
    role = None  # where the writer first says what they do
    for name, pattern, gates in _RULES:
        if gates and not any(g in text for g in gates) or name == "suggestion" and not reasons:
            continue
        for m in pattern.finditer(text):
            kind, word, at = name, m.group(), m.start()
            before = text[at - 1] if at else " "
            if before.isalnum() or before in "_'" or (before in ".," and word[0].isdigit()) or (
                    before == "+" and text[at - 2:at - 1].isalnum()):
                continue  # not the start of a word, inside a number ("3.5", "1,200"), or a formula ("n+1")
            if kind == "role" and word.startswith("as ") and not _CLAUSE_START.search(text, max(0, at - 3), at):
                continue  # "listed as a female provider": only "As a nurse, I ..." opening a clause says who writes
            if kind == "figures":
                if word.endswith(("year", "years", "decade", "decades")) and (
                        _TENURE_BEFORE.search(text, max(0, at - 40), at) or text.startswith((" old", "-old"), m.end())):
                    continue  # "for 20 years", "a 70 year old": how long, or how old, not a figure about the issue
            elif kind == "examples" and word.startswith("such as") and len(raw) == len(text):
                if not _NAME_AFTER.match(raw, m.end()):
                    continue  # "such as these": no example named
            elif kind == "event":
                events += 1
                if events < NARRATIVE_EVENTS:
                    continue
            elif kind == "role":
                if _names_role(m.group(m.lastindex)):  # "I am a big fan", "I am not sure the hospital": no role
                    role = at if role is None else role
                continue
            elif kind == "suggestion":
                if word.startswith(_MODALS) and _WRITER.search(text, max(0, at - 20), at):
                    continue  # "I need to know": the writer's need
                suggestions.append((at, m.end()))
                continue
            elif kind == "reason":
                reasons.append(at)
                continue
            kind = "experience" if kind in ("standing", "event") else kind
            first[kind] = min(at, first.get(kind, at))
    if role is not None and events:  # a role and something that happened in it; a job title alone is not
        first["experience"] = min(role, first.get("experience", role))
    breaks = [m.start() for m in _BREAK.finditer(text)] if first or suggestions else []
    for start, end in suggestions if reasons else ():
        k = bisect.bisect_left(breaks, start)  # the sentence ends at breaks[k]; its reason is in it or the next
        stop = breaks[k] if k < len(breaks) else len(text)
        if text[stop:stop + 1] == "?" or _NOT_SUGGESTION.search(text, end, min(stop, end + 60)):
            continue  # a question; "should not be adopted", "urge CMS to reject": a position, not a suggestion
        reach = breaks[k + 1] if k + 1 < len(breaks) else len(text)
        if any(start - REASON_SPAN <= r <= reach for r in reasons):
            first.setdefault("suggestions", start)
            break
    kinds = tuple(k for k in KINDS if k in first)
    if not kinds:
        return (), None
    return kinds, _sentence(raw if len(raw) == len(text) else text, first[kinds[0]], breaks)


def _block(texts: list[str]) -> list[tuple[tuple[str, ...], str | None]]:
    return [_read(t) for t in texts]


def evidence(texts: pd.Series, *, n_jobs: int | None = None) -> pd.DataFrame:
    """The kinds of evidence each text gives, whether it is evidence-rich, and a sentence showing it.

    Parameters
    ----------
    texts : Series of str
        One text per response.
    n_jobs : int, optional
        Worker processes for large inputs (see :func:`helpers.parallel.resolve_n_jobs`); the result
        does not depend on it.

    Returns
    -------
    DataFrame
        Indexed like ``texts``: ``evidence`` (the kinds found, in :data:`KINDS` order, joined by ";",
        or ""), ``evidence_rich`` (at least two kinds in at least :data:`MIN_WORDS` words) and
        ``evidence_cue`` (the first sentence giving a figure, else an example, else experience, else a
        suggestion; missing when there is none).

    Examples
    --------
    >>> out = evidence(pd.Series([
    ...     "As a practice manager I see the cost: 30% of our referrals are returned.",
    ...     "We recommend a single register, because providers now update 4 directories.",
    ...     "I support this.",
    ...     "For example, CAQH already holds this data."]))
    >>> out["evidence"].tolist()
    ['figures;experience', 'figures;suggestions', '', 'examples']
    >>> out["evidence_cue"].tolist()[0]
    'As a practice manager I see the cost: 30% of our referrals are returned.'
    >>> out["evidence_rich"].tolist()  # each under 40 words: too short to develop two kinds
    [False, False, False, False]
    """
    distinct, results, inverse = map_distinct(_block, texts, BLOCK, n_jobs=n_jobs, desc="Evidence")
    words = np.array([len(t.split()) for t in distinct], dtype=np.int64)
    kinds = np.array([";".join(k) for k, _ in results], dtype=object)
    rich = np.array([len(k) >= 2 for k, _ in results], dtype=bool) & (words >= MIN_WORDS)
    cue = np.array([c for _, c in results], dtype=object)
    if not len(distinct):
        kinds, rich, cue = (np.array([], dtype=object), np.array([], dtype=bool), np.array([], dtype=object))
    return pd.DataFrame({"evidence": pd.array(kinds[inverse], dtype="string"),
                         "evidence_rich": rich[inverse],
                         "evidence_cue": pd.array(cue[inverse], dtype="string")}, index=texts.index)


def evidence_counts(found: pd.DataFrame) -> dict[str, int]:
    """How many responses give each kind of evidence, and how many are evidence-rich (``rich``).

    >>> evidence_counts(pd.DataFrame({"evidence": ["figures;experience", "", "figures"],
    ...                               "evidence_rich": [True, False, False]}))
    {'figures': 2, 'examples': 0, 'experience': 1, 'suggestions': 0, 'rich': 1}
    """
    kinds = found["evidence"].fillna("")
    return {**{k: int(kinds.str.contains(k, regex=False).sum()) for k in KINDS},
            "rich": int(found["evidence_rich"].sum())}
