"""Positions stated in so many words: "I oppose this proposal", "we urge CMS to reject it", "I support the
plan".

Tone is not position. A letter that urges a regulator to reject a proposal is usually polite, and reads
as positive (an audit: 221 of the 225 copies of a form letter "urging CMS to reject this proposal"
scored positive). This module reads the other signal: what a response *says* its position is. It finds
explicit statements only, so it under-counts rather than guesses: a response that argues against a
proposal without saying "I oppose" or "reject" states no position here.

What counts as a statement of position (case folded, one sentence at a time)
    - a first-person or organisational verb of position whose object is the proposal: "I (strongly)
      support / welcome / endorse / favour / agree with", "we oppose / object to / reject / disagree
      with", "our members are opposed to / against / in favour of", "I am writing in support of /
      in opposition to"; "I do not (cannot, will not...) support" is opposition;
    - a request about the proposal: "(I) urge / ask / call on / encourage ... to reject / withdraw /
      scrap / drop / abandon / reconsider / not adopt" (opposition) or "... to adopt / approve /
      finalise / implement / go ahead with" (support); "please reject / do not adopt / adopt ...";
    - an instruction: "Reject this proposal!", "Please, CMS, reject it";
    - "the proposal should (not) go ahead / be adopted", "say no (yes) to the proposal", "the
      proposal is a good (bad) idea".

An organisation's name counts as a speaker ("APhA generally supports the proposal"): two capitalised
words or an acronym before the verb; one capitalised word ("Research supports this approach") does not.
A question states nothing ("Should this plan go ahead?").

What "the proposal" is
    A noun phrase whose head is one of :data:`PROPOSAL_NOUNS` ("this proposal", "the proposed rule",
    "these changes", "your plan"...), one of the run's ``proposal_terms`` ("20 mph limit", "national
    directory"), or a bare "it" / "this" / "that" closing the clause ("I oppose it."). So "I oppose
    racism" and "I support patients' right to choose" are not positions on the proposal. Opposing the
    proposal's *removal* ("I oppose this scheme being dropped") is support.

A response is ``support`` or ``oppose`` when its statements all go one way, ``mixed`` when they go both
ways ("we support the plan but oppose these changes"), and ``none`` when it states none.

How it reads: each distinct text is lower-cased and scanned once for the words a statement turns on
(``_TRIGGERS``: "support", "oppose", "urge", "please", "should"...); only around each of those is the
clause before and after it checked. Linear in the text: about 2 s per 100,000 comments of 60 words on
two cores.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .parallel import map_distinct
from .sentiment import ABBREVIATIONS

__all__ = ["POSITIONS", "PROPOSAL_NOUNS", "stated_positions", "position_counts"]

#: The positions a response can state, in the order tables show them.
POSITIONS: tuple[str, ...] = ("oppose", "support", "mixed", "none")

#: Head nouns of a phrase that names the proposal ("this proposal", "the new rules", "your plan").
PROPOSAL_NOUNS: tuple[str, ...] = (
    "proposals?", "proposed (?:rules?|changes?|regulations?|policy|policies|plans?|schemes?|measures?|ban|limits?)",
    "rules?", "rulemaking", "regulations?", "plans?", "polic(?:y|ies)", "changes?", "measures?", "bill",
    "schemes?", "amendments?", "initiative", "petition", "reforms?", "legislation", "recommendations?",
    "requirements?", "directive", "efforts?", "proposition", "projects?", "programmes?", "programs?",
    "approach", "vision", "goals?", "aims?", "idea", "concept", "exploration", "consideration",
)
#: Words that make a phrase name something else than the proposal: what there is now, or another
#: option ("I support the current rules", "an alternative plan").
_NOT_IT = r"(?:current|existing|present|old|previous|original|alternative|different|other)"

_ADVERB_WORDS = (r"very|much|most|all|also|therefore|would|must|do|fully|firmly|strongly|wholeheartedly|entirely|"
                 r"completely|totally|vehemently|absolutely|unequivocally|heartily|enthusiastically|emphatically|"
                 r"respectfully|still|generally|highly|broadly|warmly|greatly|truly|definitely|certainly|really|"
                 r"wholly|continue to|here|writing|cannot|can not|could not|would not|will not|do not|does not|"
                 r"don't|can't|won't|wouldn't|couldn't|doesn't|no longer|never")
_ADVERBS = rf"(?:(?:{_ADVERB_WORDS}) )*"
#: Who states a position, just before its verb: "I (strongly)", "we are", "our members are", or a
#: clause joined to one ("I support the aim but (oppose)").
_WHO = re.compile(r"(?:\b(?:i|we)(?:'m|'re| am| are| have| will| would| must| do)?"
                  r"|\bour (?:[\w-]+ )?(?:members?|organi[sz]ation|association|company|council|group|union|society"
                  r"|federation|board|firm|practice|charity|community|residents|patients|staff|team|clients"
                  r"|customers|network|coalition|alliance|institute|college|trust|department|agency|hospital"
                  r"|school|club|business|party)(?: is| are)?"
                  r"|\b(?:i|we)\b[^.!?]{0,80}?\b(?:but|and)) " + _ADVERBS + r"$")
_NEGATED = re.compile(r"\b(?:cannot|not|don't|can't|won't|wouldn't|couldn't|doesn't|never)(?: [\w']+){0,2} $")  # "I do not (fully) support"
#: Who asks, a little before the verb: "I am writing to urge", "we respectfully ask".
_ASKER = re.compile(r"\b(?:i|we)\b[^.!?]{0,40}$")
_ADVERB = re.compile(rf"(?:{_ADVERB_WORDS}|is|are|remains?)")
_ORG_JOIN = frozenset({"of", "for", "and", "&", "the"})
#: A bare verb that starts its clause is an instruction ("Reject this proposal!", "Please, CMS, reject it").
_IMPERATIVE = re.compile(r"^[\s,;:*(\"'-]*(?:(?:please|so|and|simply|just|kindly|therefore|now)[\s,;:]+)*"
                         r"(?:[\w.-]{1,30},\s*)?$")  # "Please, CMS, reject ..."
_EXPRESS = re.compile(r"\b(?:express|voice|register|add|offer|state)(?:ing)? (?:my |our )?(?:[\w-]+ )?$")
_GAP = r"(?:(?!not\b)[\w'.-]+ ){0,6}?"  # a few words between a verb and its object ("CMS", "the department")
_UNDO = r"(?:reject|withdraw|rescind|scrap|drop|abandon|stop|halt|reconsider|reverse|block|oppose)"
_DO = (r"(?:adopt|approve|finali[sz]e|implement|support|pass|enact|introduce|keep|do|create|establish|build|"
       r"develop|proceed with|move forward with|"
       r"go ahead with|push ahead with|press ahead with|pursue)")
_GO = r"(?:go ahead|proceed|happen|be (?:adopted|approved|finali[sz]ed|implemented|passed|enacted|introduced))"
_STOPPED = r"(?:be (?:rejected|withdrawn|scrapped|dropped|abandoned|stopped|halted|reversed|rescinded|blocked))"
#: Opposing the proposal's removal is supporting it: "I oppose the removal of the scheme".
_REMOVAL = re.compile(r"\s*(?:the |any |its )?(?:removal|scrapping|withdrawal|abolition|closure|cancell?ation|repeal"
                      r"|loss|ending|end|abandonment|dropping) of")
_DROPPED = re.compile(r"\s+(?:being|be|is|was) (?:dropped|scrapped|removed|withdrawn|abandoned|cancell?ed|reversed|"
                      r"repealed)")

#: The words a statement of position turns on, and what kind of statement each starts. Everything else
#: is checked around these (the text before and after), so a text is scanned once.
_TRIGGERS = {  # in this order: "support for" is tried before "support"
    "express_for": r"support (?:for|of)",
    "express_against": r"(?:opposition|objection) to",
    "for": r"support(?:s|ing)?|welcome[sd]?|endorse[sd]?|applaud(?:s|ed)?|commend(?:s|ed)?|favou?r(?:s|ed)?|"
           r"agree(?:s|d)? with|supportive of|in favou?r of|in support of",
    "against": r"oppose[sd]?|object(?:s|ed)? to|reject(?:s|ed)?|disagree(?:s|d)? with|opposed to|against|"
               r"in opposition to|not in favou?r of|not supportive of",
    "ask": r"urg(?:e[sd]?|ing)|ask(?:s|ed|ing)?|call(?:s|ed|ing)? (?:up)?on|request(?:s|ed|ing)?|implor(?:e[sd]?|ing)|"
           r"beg(?:ging)?|encourag(?:e[sd]?|ing)|want|demand(?:s|ed|ing)?|recommend(?:s|ed|ing)?|advis(?:e[sd]?|ing)",
    "please": r"please",
    "should": r"should|must|ought to",
    "say": r"(?:say|vote) (?:no|yes)",
    "idea": r"(?:is|was|seems|would be|will be|sounds like) (?:an? )?(?:very |really |truly |most )?(?:good|great|"
            r"excellent|exceptional|wonderful|fabulous|fantastic|brilliant|amazing|sensible|welcome|bad|terrible|"
            r"awful|dreadful|poor|misguided) (?:idea|step|move|resource|tool|improvement)",
}
_FLIP = {"support": "oppose", "oppose": "support"}
#: Distinct texts per block of work.
BLOCK = 20_000
_TRIGGER = re.compile("|".join(rf"\b(?P<{k}>{v})\b" for k, v in _TRIGGERS.items()))
#: The same words without the groups, for the scan (several times faster; the text is lower-cased),
#: behind a look-ahead for their first letters.
_SCAN = re.compile(r"\b(?=[abcdefimnoprsuvw])(?:" + "|".join(_TRIGGERS.values()) + r")\b")
_BAD = re.compile(r"bad|terrible|awful|dreadful|poor|misguided")
_SPAN = 160  # characters read either side of a trigger


_DETERMINER = r"(?:this|the|these|that|those|your|its|their|such an?|any such|any|an?|[\w-]+'s?)"  # "cms's", "cms'"


def _target(extra: tuple[str, ...], *, determiner: bool = False) -> str:
    """The proposal as a noun phrase (a determiner, up to three words, a head noun; "the creation of"
    such a phrase too) or a pronoun closing the clause ("I oppose it."). A phrase about what there is now
    or another option ("the current rules", "an alternative plan") is not the proposal. With
    ``determiner``, the phrase must start with one: after words that may be a verb ("please do not
    change the ..."), "change" alone is a verb, not the proposal."""
    heads = "|".join([*PROPOSAL_NOUNS, *(re.escape(t) for t in extra)])
    phrase = (rf"(?!not\b|no\b)(?:(?:the )?(?:creation|establishment|development|introduction|implementation"
              rf"|adoption) of )?(?:{_DETERMINER} ){'' if determiner else '?'}"
              rf"(?:(?!{_NOT_IT}\b)[\w'.$%\u00a3\u20ac-]+ ){{0,3}}?(?!{_NOT_IT}\b)(?:{heads})\b")
    pronoun = r"(?:it|this|that|them|these|those)(?=\s*(?:[,:;)]|$|\band\b|\bbecause\b|\bas\b|\bin its\b))"
    return rf"(?:{phrase}|{pronoun})"


@functools.lru_cache(maxsize=8)
def _rules(extra: tuple[str, ...]) -> dict[str, re.Pattern]:
    """What must follow (or, before "should" and "is a good idea", precede) each kind of trigger for a
    statement about the proposal."""
    t, led = _target(extra), _target(extra, determiner=True)
    rules = {
        "target": rf"\s*{t}",
        "target_before": rf"\b{t}\s+$",
        "ask_not_undo": rf"\s+{_GAP}(?:not to|to not) {_UNDO} {led}",  # "urge you not to scrap it": support
        "ask_not": rf"\s+{_GAP}(?:not to|to not) (?:[\w-]+ ){{1,3}}?{led}",
        "ask_undo": rf"\s+{_GAP}to {_UNDO} {t}",
        "ask_do": rf"\s+{_GAP}to {_DO} {t}",
        "please_not_undo": rf"\s+(?:do not|don't|not|never) {_UNDO} {led}",  # "please don't scrap it": support
        "please_not": rf"\s+(?:do not|don't|not|never) (?:[\w-]+ ){{0,3}}?{led}",
        "please_undo": rf"\s+{_UNDO} {t}",
        "please_do": rf"\s+{_DO} {t}",
        "go_not": rf"\s+(?:(?:not|never) {_GO}|{_STOPPED})\b",
        "target_in": rf"\b{t}",
        "to_target": rf"\s+to {t}",
        "against_target": rf"\s+against {t}",
        "go": rf"\s+{_GO}\b",
    }
    return {k: re.compile(v) for k, v in rules.items()}


_BREAK = re.compile(r"[!?\n]|\.(?=\s|$)")


def _breaks(text: str) -> list[int]:
    """Where the sentences of ``text`` end: a "!", "?" or line break, or a full stop before a space or the
    end, unless it closes an abbreviation the sentence splitter knows (:data:`helpers.sentiment.ABBREVIATIONS`)
    or an initial ("Dr.", "U.S.", "J. Smith"); "$1.5" has none. Cheaper than splitting into sentences.

    >>> _breaks("dr. patel and i oppose it. the u.s. plan costs $1.5 billion! why?")
    [25, 59, 64]
    """
    out = []
    for m in _BREAK.finditer(text):
        i = m.start()
        if text[i] == ".":
            word = re.search(r"[\w.]+$", text[max(0, i - 12):i])
            w = word.group(0).lower() if word else ""
            if w in ABBREVIATIONS or (len(w) == 1 and w.isalpha()):  # the splitter's own list
                continue
        out.append(i)
    return out


def _clause(text: str, start: int, end: int, breaks: list[int]) -> tuple[str, str] | None:
    """The text of the sentence before ``start`` and after ``end`` (at most :data:`_SPAN` characters
    each), or None when the sentence is a question ("Who thought this was a good idea?")."""
    k = bisect.bisect_left(breaks, start)
    lo = max(breaks[k - 1] + 1 if k else 0, start - _SPAN)
    k = bisect.bisect_left(breaks, end)
    stop = breaks[k] if k < len(breaks) else len(text)
    if stop < len(text) and text[stop] == "?":
        return None
    return text[lo:start], text[end:min(stop, end + _SPAN)]


def _organisation(before: str) -> bool:
    """Whether the text before a verb, as written, ends with an organisation's name, after any adverbs:
    "Saber Healthcare Group (supports)", "The DAA wholeheartedly (supports)", "APhA generally
    (supports)", "ADCES (encourages)". Two capitalised words or an acronym; one capitalised word
    ("Research supports") is not enough."""
    words = re.findall(r"[\w&'().-]+", before)
    while words and _ADVERB.fullmatch(words[-1].lower()):
        words.pop()
    names = []
    for word in reversed(words):
        core = word.strip("().,'")
        if not core or not (core[0].isupper() or core.lower() in _ORG_JOIN):
            break
        if core[0].isupper():
            names.append(core)
    return len(names) >= 2 or any(sum(ch.isupper() for ch in w) >= 2 for w in names)


def _statement(text: str, raw: str | None, at: int, rules: dict[str, re.Pattern], breaks: list[int]) -> str | None:
    """The position stated by the clause around the trigger word at ``at`` in lower-cased ``text``
    (``raw``: the text as written, when lower-casing kept its positions; for names), or None."""
    hit = _TRIGGER.match(text, at)
    kind = hit.lastgroup
    clause = _clause(text, *hit.span(), breaks)
    if clause is None:
        return None
    before, after = clause
    written = raw[hit.start() - len(before):hit.start()] if raw is not None else ""
    if kind in ("for", "against"):
        removal = _REMOVAL.match(after)
        target = rules["target"].match(after, removal.end() if removal else 0)
        if not target:
            return None
        word = hit.group(0)
        imperative = word in ("reject", "oppose") and _IMPERATIVE.match(before)
        if not (imperative or _WHO.search(before) or _organisation(written)):
            return None
        position = "support" if kind == "for" else "oppose"
        if _NEGATED.search(before) and not word.startswith("not "):
            if position == "oppose":  # "we do not oppose it": no position stated
                return None
            if not re.match(r"\s+more\b", after[target.end():]):  # "I could not agree with it more"
                position = "oppose"
        if removal or _DROPPED.match(after, target.end()):  # "oppose (the removal of) this scheme (being dropped)"
            position = _FLIP[position]
        return position
    if kind in ("express_for", "express_against"):
        if not (_EXPRESS.search(before) and rules["target"].match(after)):
            return None
        position = "support" if kind == "express_for" else "oppose"
        return _FLIP[position] if re.search(r"\bno\s+(?:[\w-]+\s+)?$", before) else position  # "no support for"
    if kind == "ask":
        if not (_ASKER.search(before) or _organisation(written)):
            return None
        if rules["ask_not_undo"].match(after):
            position = "support"
        elif rules["ask_not"].match(after) or rules["ask_undo"].match(after) or rules["against_target"].match(after):
            position = "oppose"
        elif rules["ask_do"].match(after):
            position = "support"
        else:
            return None
        return _FLIP[position] if _NEGATED.search(before) else position  # "I don't want you to reject it"
    if kind == "please":
        if rules["please_not_undo"].match(after):
            return "support"
        if rules["please_not"].match(after) or rules["please_undo"].match(after):
            return "oppose"
        return "support" if rules["please_do"].match(after) else None
    if kind == "should":
        if rules["go_not"].match(after):
            position = "oppose"
        elif rules["go"].match(after):
            position = "support"
        else:
            return None
        return position if rules["target_before"].search(before) else None
    if kind == "say":  # "say no to this plan", "I vote no!"
        if not (rules["to_target"].match(after) or (not after.strip(" !,;:)*") and _ASKER.search(before))):
            return None
        return "oppose" if hit.group(0).endswith(" no") else "support"
    # "idea": "this proposal is a good idea", "a national directory would be a great resource"; not "it
    # would be a good idea to ...", whose idea is what follows
    if re.match(r"\s+(?:to|if|that)\b", after) or not rules["target_in"].search(before):
        return None
    return "oppose" if _BAD.search(hit.group(0)) else "support"


def _sentence_at(text: str, i: int, breaks: list[int]) -> str:
    """The sentence of ``text`` around position ``i``."""
    k = bisect.bisect_left(breaks, i)
    start = breaks[k - 1] + 1 if k else 0
    stop = breaks[k] + 1 if k < len(breaks) else len(text)
    return text[start:stop].strip()


def _positions_block(texts: list[str], extra: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(position, cue sentence as written) of each text."""
    rules = _rules(extra)
    out = []
    for raw in texts:
        text = raw.replace("\u2019", "'").lower()
        written = raw if len(raw) == len(text) else None  # the same positions (lower-casing rarely changes them)
        found: dict[str, int] = {}
        breaks = None
        for hit in _SCAN.finditer(text):
            breaks = _breaks(text) if breaks is None else breaks
            position = _statement(text, written, hit.start(), rules, breaks)
            if position and position not in found:
                found[position] = hit.start()
        if not found:
            out.append(("none", None))
            continue
        first = min(found.values())
        out.append(("mixed" if len(found) > 1 else next(iter(found)), _sentence_at(written or text, first, breaks)))
    return out


def stated_positions(texts: pd.Series, *, proposal_terms: Iterable[str] = (), n_jobs: int | None = None
                     ) -> pd.DataFrame:
    """The position each text states on the proposal, and the sentence that states it.

    Parameters
    ----------
    texts : Series of str
        One text per response.
    proposal_terms : iterable of str, keyword-only
        Words that name this corpus's proposal ("20 mph limit", "national directory"), beside the
        generic :data:`PROPOSAL_NOUNS`.
    n_jobs : int, optional
        Worker processes for large inputs (see :func:`helpers.parallel.resolve_n_jobs`); the result
        does not depend on it.

    Returns
    -------
    DataFrame
        Indexed like ``texts``: ``position`` (one of :data:`POSITIONS`) and ``position_cue`` (the
        first sentence stating it, or missing).

    Examples
    --------
    >>> stated_positions(pd.Series(["I am writing to urge CMS to reject this proposal. Thanks.",
    ...     "We welcome the plan.", "I oppose racism.", "I support the plan but oppose these changes.",
    ...     "I strongly oppose this scheme being dropped."]))["position"].tolist()
    ['oppose', 'support', 'none', 'mixed', 'support']
    """
    extra = tuple(sorted({" ".join(t.lower().split()) for t in proposal_terms if t and t.strip()}))
    _, results, inverse = map_distinct(_positions_block, texts, BLOCK, extra, n_jobs=n_jobs, desc="Stated positions")
    position = np.array([p for p, _ in results], dtype=object)[inverse] if results else np.array([], dtype=object)
    cue = np.array([c for _, c in results], dtype=object)[inverse] if results else np.array([], dtype=object)
    return pd.DataFrame({"position": pd.array(position, dtype="string"),
                         "position_cue": pd.array(cue, dtype="string")}, index=texts.index)


def position_counts(positions: pd.Series) -> dict[str, int]:
    """How many responses state each position, in :data:`POSITIONS` order (zeros included).

    >>> position_counts(pd.Series(["oppose", "none", "oppose"]))
    {'oppose': 2, 'support': 0, 'mixed': 0, 'none': 1}
    """
    counts = positions.value_counts()
    return {p: int(counts.get(p, 0)) for p in POSITIONS}
