"""The ministerial briefing, section by section, written from the run folder's files.

Every function returns escaped HTML (built with :mod:`helpers.report`); every number it states comes
from a hand-over file in the run folder (see :mod:`helpers.stages`), and every quote cites its comment
id. The notebook ``90_briefing`` shows these sections in order; the runner renders that notebook.

Small corpora are described in counts ("3 of 7"), never in percentages, and carry a plain warning
(:func:`helpers.stats.describe_share`, :func:`helpers.stats.small_corpus_note`).

Personal data: :func:`load_briefing_data` removes emails, phone numbers, postcodes, National Insurance
and card numbers, key-carrying links and names after titles ("Dr Gordon") from every comment text, theme label and term, question and
respondent type before any section sees them (:mod:`helpers.redact`; ``redact_personal_data=False``
turns this off for internal use, and the page then says so). Names of contributors (the ``author``
column and names addressed in comments) are removed from quotes and labels whatever that setting.
Quotes come only from comments whose ``consent_to_publish`` (on the comment, or on its respondent) is
not ``False``. The methodology annex counts what was removed, by kind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import plots, provenance, redact, report, stages
from .campaigns import MIN_ADDITION_WORDS
from .evidence import MIN_WORDS as MIN_EVIDENCE_WORDS
from .opinions.statements import MAJORITY_SHARE, MIN_SEEN_OVERALL
from .overview import naming_last
from .schema import EXCLUSION_REASONS, RESPONSE_KINDS, analysable, quotable
from .sentiment import NEGATIVE_TERMS_TEXTS, NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD
from .stats import SMALL_N, _percent_text, describe_estimate, describe_share, small_corpus_note
from .textscan import arrow_strings
from .themes import N_KEY_TERMS, QUOTE_EVIDENCE_TEXTS, QUOTE_POOL, STABLE_ENOUGH, stability_alone

__all__ = ["BriefingData", "load_briefing_data", "title_block", "summary_section", "key_numbers_section",
           "closed_questions_section", "themes_section", "positions_section", "evidence_section", "sentiment_section", "breakdown_section", "opinions_section", "caveats_section",
           "methodology_section", "provenance_section", "all_sections"]

#: Longest theme label (characters) and key term shown; longer ones are cut at a word boundary.
MAX_LABEL = 80
MAX_TERM = 40
#: Longest question text shown (characters), cut at a word boundary.
MAX_QUESTION = 200
#: Most quotes shown per theme.
MAX_QUOTES = 3
#: Characters of a quoted comment kept before it is cleaned and shortened for the page (quotes show
#: at most :data:`helpers.report.QUOTE_CHARS`).
_QUOTE_SCAN = 20_000
_QUOTE_BLOCK = 256  # texts fetched at a time while walking a theme's members for quotes

_KIND_WORDS = {"post": ("post", "posts"), "comment": ("comment", "comments"), "reply": ("reply", "replies"),
               "pingback": ("pingback", "pingbacks"), "trackback": ("trackback", "trackbacks"),
               "response": ("response", "responses"), "petition": ("petition", "petitions"),
               "statement": ("statement", "statements")}


#: How the platform's own groups are named (its ids, "0" and "1", mean nothing to a reader).
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _plural(n: int, kind: str) -> str:
    one, many = _KIND_WORDS.get(kind, (kind, kind + "s"))
    return f"{n:,} {one if n == 1 else many}"


@dataclass
class BriefingData:
    """Everything the briefing states, read from one run folder."""

    run: Path
    comments: pd.DataFrame
    exclusions: pd.DataFrame
    ingest: dict
    overview: dict
    themes: pd.DataFrame
    assignments: pd.DataFrame
    theme_notes: dict
    sentiment: pd.DataFrame
    sentiment_by_theme: pd.DataFrame
    sentiment_notes: dict
    coded: pd.DataFrame
    #: Whether personal data was removed from text (the ``redact_personal_data`` parameter).
    redacted_personal_data: bool = True
    #: Names of public figures left in the text after a title (the ``public_names`` parameter).
    public_names: tuple = ()
    #: What was removed, by kind (:data:`helpers.redact.KINDS` and ``name``).
    redaction_counts: dict = field(default_factory=redact.empty_counts)
    #: theme_id -> [(comment_id, quote text)], consent and redaction applied.
    quotes: dict = field(default_factory=dict)
    #: Comments never quoted because their author did not consent (None: the source does not say).
    n_no_consent: int | None = None
    respondents: pd.DataFrame | None = None
    #: Consultations' closed questions: (question id, question text, :func:`helpers.closed.closed_answers`
    #: table with a column counting campaign senders when campaigns were found), text redacted like quotes.
    closed_questions: list = field(default_factory=list)
    #: Per closed question with respondents on both sides of its scale who wrote: question id ->
    #: {"table": :func:`helpers.closed.themes_by_side` of the themes (codes) shown, "quotes": {side: (theme_id,
    #: [(comment_id, quote text)])}}, a quote from a respondent on each side (+1, -1) in the theme that side
    #: raised clearly more often, consent and redaction applied.
    closed_sides: dict = field(default_factory=dict)
    #: The corpus's short name (the run folder's name when not given).
    corpus_name: str = ""
    #: Organised campaigns (:func:`helpers.stages.campaigns`): per campaign, and the counts; None when
    #: the campaigns notebook did not run. ``campaigns["request"]`` is redacted like quotes.
    campaigns: pd.DataFrame | None = None
    campaign_notes: dict | None = None
    #: Machine coding with a codeframe (``coding.json`` of ``07_codeframe``); when set, ``themes``,
    #: ``assignments`` and ``sentiment_by_theme`` hold the codes instead of the unsupervised themes.
    coding: dict | None = None
    #: Agreement per code (``code_agreement.parquet``) when there is machine coding.
    code_agreement: pd.DataFrame | None = None
    #: Opinion groups from votes (:func:`helpers.stages.opinions`): the notes, groups, statements (texts
    #: redacted like quotes) and participants' map; notes is None when the notebook did not run.
    opinion_notes: dict | None = None
    opinion_groups: pd.DataFrame | None = None
    opinion_statements: pd.DataFrame | None = None
    opinion_participants: pd.DataFrame | None = None
    #: Whether the source had a votes table at all.
    has_votes: bool = False
    #: The first and last vote's times (UTC) when the votes are dated, else None.
    vote_span: tuple | None = None
    #: What the texts scored negative mention more than the others (``sentiment.json``'s
    #: ``negative_terms``, terms that would show removed personal data dropped), and up to
    #: :data:`MAX_QUOTES` of those texts as [(comment_id, quote text)], consent and redaction applied.
    negative_terms: list = field(default_factory=list)
    negative_quotes: list = field(default_factory=list)
    #: Up to :data:`POSITION_QUOTES` sentences stating each position ("oppose", "support") as
    #: [(comment_id, sentence)], consent and redaction applied, not from a campaign where others exist.
    position_quotes: dict = field(default_factory=dict)
    #: The comment ids of the copies sent in organised campaigns (not one sender's repeats).
    campaign_member_ids: frozenset = frozenset()
    #: The evidence-rich texts (:func:`_evidence_rich`), most kinds of evidence first: one row per distinct
    #: text; ``cue`` redacted, missing where the text may not be quoted.
    evidence: pd.DataFrame | None = None
    #: The organisations in whose name a response was sent that only points to an attachment
    #: (:func:`_unread_organisations`): ``organisation`` (redacted), ``responses``, ``comment_id``.
    unread_organisations: pd.DataFrame | None = None

    @property
    def corpus(self) -> str:
        return self.corpus_name or self.run.name

    @property
    def n_analysed(self) -> int:
        return int(self.theme_notes["n_analysed"])

    @property
    def n_posts(self) -> int:
        return int((self.comments["kind"] == "post").sum())

    @property
    def post_title(self) -> str | None:
        """The title of the one post the comments answer (None when there are several posts)."""
        posts = self.comments[self.comments["kind"] == "post"]
        if len(posts) == 1 and "title" in posts.columns and posts["title"].notna().any():
            return _short(posts["title"].dropna().iloc[0], 200) or None
        return None

    @property
    def records_writers(self) -> bool:
        """Whether the source says who wrote each contribution (an author or a respondent id)."""
        return int(self.overview["authors"]["n_with_author"]) > 0 or bool(
            "respondent_id" in self.comments.columns and self.comments["respondent_id"].notna().any())

    def text_of(self, comment_id: str) -> str:
        row = self.comments.loc[self.comments["comment_id"] == comment_id, "text"]
        return str(row.iloc[0]) if len(row) else ""


def load_briefing_data(run: str | os.PathLike, *, redact_personal_data: bool = True, corpus: str = "",
                       public_names: Sequence[str] = ()) -> BriefingData:
    """Read every hand-over file the briefing needs (and write the coded table).

    Parameters
    ----------
    run : path
        The run folder.
    corpus : str, optional
        The corpus's short name, shown in the default title (default: the run folder's name).
    redact_personal_data : bool, default True
        Remove emails, phone numbers, postcodes, NI and card numbers and key-carrying links from every
        text before it is shown (and from the coded table). Turn off only for internal use; the
        briefing then carries a warning. Contributors' names are removed either way.
    public_names : sequence of str, optional
        Names of public figures (ministers, MPs) that stay after a title: with "Boris Johnson" listed,
        "Mr Johnson" is shown; every other name after a title is removed (see
        :func:`helpers.redact.redact`). Contributors' names are removed whatever is listed.

    Examples
    --------
    >>> data = load_briefing_data("reports/obama-toolkit")  # doctest: +SKIP
    >>> data.redaction_counts["email"]  # doctest: +SKIP
    0
    """
    run = Path(run)
    comments = stages.load_comments(run)
    # With machine coding (07_codeframe), the coded corpus takes the unsupervised themes' place.
    coding = stages.load(run, "coding_notes") if stages.output_path(run, "codes").is_file() else None
    themes = stages.load(run, "codes" if coding else "themes")
    respondents = stages.load(run, "respondents") if stages.output_path(run, "respondents").is_file() else None
    counts = redact.empty_counts()
    names = redact.contributor_names(comments, stages.load(run, "overview"))
    name_pattern = redact.names_pattern(names)
    label_names = redact.names_pattern(names, ignore_case=True)

    found: set[str] = set()

    def clean(values: pd.Series, pattern) -> pd.Series:
        out = values.astype("string")
        if redact_personal_data:
            out, c = redact.redact(out, found=found, public_names=public_names)
            counts.update(redact.add_counts(counts, c))
        out, n = redact.redact_names(out, pattern)
        counts["name"] += n
        return redact.mask_swearing(out)[0]

    as_read = comments  # the coded table is built from the table as read
    comments = comments.copy()
    # Names are looked for only in what is shown (quotes below, titles, labels): one pattern of every
    # contributor's name over every comment would cost (names x text length).
    comments["text"] = clean(comments["text"], None)
    for col in ("title", "question_id", "respondent_type"):
        if col in comments.columns:
            comments[col] = clean(comments[col], name_pattern)
    if respondents is not None and "respondent_type" in respondents.columns:
        respondents = respondents.assign(respondent_type=clean(respondents["respondent_type"], name_pattern))
    themes = themes.copy()
    # Terms are learned from the unredacted text: drop any carrying a piece of what was removed.
    fragments = redact.fragment_words(found)
    labels = clean(themes["label"], label_names)
    themes["label"] = [
        "; ".join(redact.drop_fragments(str(label).split("; "), fragments)) or f"Theme {int(tid)}"
        for label, tid in zip(labels.fillna(""), themes["theme_id"], strict=True)]
    themes["top_terms"] = [
        redact.drop_fragments(clean(pd.Series(list(terms), dtype="string"), label_names).dropna(), fragments)
        for terms in themes["top_terms"]]
    assignments = stages.load(run, "code_assignments" if coding else "theme_assignments")
    theme_notes = stages.load(run, "theme_model")
    if coding:
        theme_notes = {**theme_notes, "n_not_assigned": coding["n_not_assigned"]}
    allowed, n_no_consent = quotable(comments, respondents)
    n_quotes = min(int(theme_notes.get("parameters", {}).get("n_quotes", MAX_QUOTES)), MAX_QUOTES)
    quotes = choose_quotes(themes, assignments, comments, allowed, n_quotes=n_quotes)
    if not coding and theme_notes.get("too_few"):  # no themes: the few contributions are quoted themselves
        few = comments[allowed.to_numpy(bool) & comments["comment_id"].isin(assignments["comment_id"])]
        quotes[0] = [(str(c), t) for c, t in zip(few["comment_id"], few["text"], strict=True)
                     if isinstance(t, str) and t.strip()][:n_quotes]
    quotes = {tid: _without_names(chosen, name_pattern, counts) for tid, chosen in quotes.items()}
    sentiment_notes = stages.load(run, "sentiment_notes")
    negative_terms, negative_quotes = _negative_evidence(sentiment_notes, comments, allowed,
                                                         lambda v: clean(v, label_names), fragments)
    negative_quotes = _without_names(negative_quotes, name_pattern, counts)
    campaigns, campaign_notes, members = None, None, None
    if stages.output_path(run, "campaign_notes").is_file():
        campaign_notes = stages.load(run, "campaign_notes")
        members = stages.load(run, "campaign_members")
        campaigns = _quotable_campaigns(stages.load(run, "campaigns"), members, comments, allowed, name_pattern,
                                        counts)
    sentiment = stages.load(run, "sentiment")

    def shown(values: pd.Series) -> pd.Series:  # as clean(), not counted again: parts of texts counted above
        out = redact.redact(values, found=set(), public_names=public_names)[0] if redact_personal_data else values
        return redact.mask_swearing(out)[0]

    may_quote = pd.Index(comments.loc[allowed.to_numpy(bool), "comment_id"].astype(str))
    position_quotes = {position: _without_names(chosen, name_pattern, counts) for position, chosen in
                       _position_quotes(sentiment, may_quote, members, shown).items()}
    evidence = _evidence_rich(sentiment, comments, as_read["text"], may_quote, shown, lambda v: clean(v, name_pattern))
    campaign_of = _organised_campaign_of(members, campaigns)
    if evidence is not None and len(campaign_of):
        # which are copies of an organised campaign's letter (an audit: a copy read as one sender's own evidence)
        evidence["campaign"] = evidence["comment_id"].astype(str).map(campaign_of).fillna("").to_numpy(dtype=object)
    ingest = stages.load(run, "ingest")
    if ingest.get("questions"):  # the questions as worded in the file, redacted like everything shown
        worded = clean(pd.Series([q["text"] for q in ingest["questions"]], dtype="string"), name_pattern)
        ingest["questions"] = [{**q, "text": str(t)} for q, t in zip(ingest["questions"], worded, strict=True)]
    closed = _closed_questions(ingest, respondents, comments, members, campaigns,
                               lambda values: clean(values, name_pattern))
    closed_sides = {qid: {**found, "quotes": {side: (tid, _without_names(chosen, name_pattern, counts))
                                              for side, (tid, chosen) in found["quotes"].items()}}
                    for qid, found in _closed_sides(closed, respondents, comments, assignments, themes, allowed,
                                                    coding, _campaign_senders(comments, members, campaigns)).items()}
    opinion_notes = opinion_groups = opinion_statements = opinion_participants = None
    if stages.output_path(run, "opinions").is_file():
        opinion_notes = stages.load(run, "opinions")
        if not opinion_notes.get("skipped"):
            if not opinion_notes.get("per_question"):  # per question: no groups or map (see stages.opinions)
                opinion_groups = stages.load(run, "opinion_groups")
                opinion_participants = stages.load(run, "opinion_participants")
            opinion_statements = stages.load(run, "opinion_statements")
            shown = dict(zip(comments["comment_id"].astype(str), comments["text"], strict=True))
            texts = opinion_statements["comment_id"].astype(str).map(shown).astype("string")
            opinion_statements["text"], n = redact.redact_names(texts, name_pattern)
            counts["name"] += n
    return BriefingData(
        run=run,
        comments=comments,
        exclusions=stages.load_exclusions(run),
        ingest=ingest,
        overview=stages.load(run, "overview"),
        themes=themes,
        assignments=assignments,
        theme_notes=theme_notes,
        sentiment=sentiment,
        sentiment_by_theme=stages.load(run, "sentiment_by_code" if coding else "sentiment_by_theme"),
        sentiment_notes=sentiment_notes,
        coded=stages.coded_table(run, redact_personal_data=redact_personal_data, comments=as_read,
                                 labels=dict(zip(themes["theme_id"], themes["label"], strict=True))),
        redacted_personal_data=redact_personal_data,
        public_names=tuple(public_names),
        redaction_counts=counts,
        quotes=quotes,
        n_no_consent=n_no_consent,
        respondents=respondents,
        closed_questions=closed,
        closed_sides=closed_sides,
        code_agreement=stages.load(run, "code_agreement") if coding else None,
        corpus_name=corpus,
        campaigns=campaigns,
        campaign_notes=campaign_notes,
        coding=coding,
        opinion_notes=opinion_notes,
        opinion_groups=opinion_groups,
        opinion_statements=opinion_statements,
        opinion_participants=opinion_participants,
        has_votes=stages.output_path(run, "votes").is_file(),
        vote_span=_vote_span(run),
        negative_terms=negative_terms,
        position_quotes=position_quotes,
        campaign_member_ids=frozenset(campaign_of.index),
        evidence=evidence,
        negative_quotes=negative_quotes,
        unread_organisations=_unread_organisations(comments, lambda v: clean(v, name_pattern)),
    )


def _senders_cell(k, unknown: int, size: int) -> str:
    """A campaign's senders as its table says them: three named senders is not three people sending 19
    letters, and a reader adds the figures up (an audit: "163 (61 not known)" of 225 is 224).

    >>> _senders_cell(163, 61, 225), _senders_cell(3, 0, 3), _senders_cell(None, 5, 8)
    ('163, who sent 164; 61 responses give no name', '3', 'not known')
    >>> _senders_cell(5, 2, 7)
    '5; 2 responses give no name'
    """
    if pd.isna(k):
        return "not known"
    named = size - unknown
    out = f"{int(k):,}" + (f", who sent {named:,}" if named != int(k) else "")
    return out + (f"; {unknown:,} {'response gives' if unknown == 1 else 'responses give'} no name" if unknown else "")


def _unread_organisations(comments: pd.DataFrame, clean) -> pd.DataFrame | None:
    """The organisations named by responses that only point to an attached file (``is_placeholder``),
    one row each, in the order of their first such response: ``organisation`` (redacted by ``clean``),
    ``responses`` (how many) and ``comment_id`` (the first). On the CMS docket 161 of the 179 such
    responses name one (the American Hospital Association, Google...): the biggest stakeholders write
    in files. None when the source records no organisations or no such response."""
    if "organisation" not in comments.columns or "is_placeholder" not in comments.columns:
        return None
    unread = comments[comments["is_placeholder"].astype("boolean").fillna(False).to_numpy(bool)]
    named = unread["organisation"].astype("string").str.strip()
    unread = unread[named.notna().to_numpy(bool) & named.ne("").fillna(False).to_numpy(bool)]
    if not len(unread):
        return None
    frame = pd.DataFrame({"organisation": clean(unread["organisation"].astype("string").str.strip()).to_numpy(),
                          "comment_id": unread["comment_id"].astype(str).to_numpy()})
    out = frame.groupby("organisation", sort=False).agg(responses=("comment_id", "size"),
                                                        comment_id=("comment_id", "first"))
    return out.reset_index()


def _unread_organisations_sentence(b: BriefingData, where: str = "under Caveats") -> str:
    """"161 of them were sent in the name of 158 organisations (listed under Caveats), against 95 of the 467
    analysed responses: organisations' views are under-represented in this analysis." or ""."""
    orgs = b.unread_organisations
    if orgs is None or not len(orgs):
        return ""
    k, m, n_unread = int(orgs["responses"].sum()), len(orgs), _n_placeholders(b)
    rows = b.comments[analysable(b.comments)]
    named = rows["organisation"].astype("string").str.strip().replace("", pd.NA).notna() \
        if "organisation" in rows.columns else pd.Series(False, index=rows.index)
    a, n = int(named.sum()), len(rows)
    whom = f"the name of {_plural(m, 'organisation')}" if m > 1 else "one organisation\u2019s name"
    who = "It was" if n_unread == 1 else "All were" if k == n_unread else f"{k:,} of them {'was' if k == 1 else 'were'}"
    sentence = f"{who} sent in {whom} (listed {where})"
    if n and k / n_unread > a / n:  # organisations wrote in files more often than in the text itself
        sentence += (f", against {a:,} of the {n:,} analysed {_respondent_noun(b)}: organisations’ views are "
                     "under-represented in this analysis")
    return sentence + "."


def _without_names(chosen: list[tuple[str, str]], name_pattern, counts: dict) -> list[tuple[str, str]]:
    """Quotes [(comment_id, text)], each cut to :data:`_QUOTE_SCAN` characters, with contributors'
    names removed (counted in ``counts["name"]``)."""
    if not chosen:
        return chosen
    texts, n = redact.redact_names(pd.Series([t[:_QUOTE_SCAN] for _, t in chosen], dtype="string"), name_pattern)
    counts["name"] += n
    return [(cid, str(text)) for (cid, _), text in zip(chosen, texts, strict=True)]


def _quotable_texts(comments: pd.DataFrame, allowed: pd.Series) -> pd.Series:
    """The text of each comment that may be quoted, by comment id (as strings)."""
    ok = comments.loc[allowed.to_numpy(bool)]
    return pd.Series(ok["text"].fillna("").astype("string").to_numpy(), index=ok["comment_id"].astype(str))


def _negative_evidence(notes: dict, comments: pd.DataFrame, allowed: pd.Series, clean,
                       fragments) -> tuple[list[dict], list[tuple[str, str]]]:
    """The negative texts' typical terms that may be shown (a term that redaction would change, or
    that holds a piece of removed personal data, is dropped, as theme terms are), and up to
    :data:`MAX_QUOTES` quotes: for each term in turn, its most negative example that may be quoted and
    is not quoted yet; those that seem to name someone last."""
    terms = [dict(t) for t in notes.get("negative_terms") or []]
    if not terms:
        return [], []
    shown = clean(pd.Series([t["term"] for t in terms], dtype="string")).fillna("").tolist()
    terms = [t for t, c in zip(terms, shown, strict=True)
             if c == t["term"] and redact.drop_fragments([t["term"]], fragments)]
    text_of = _quotable_texts(comments, allowed)
    pool, seen = [], set()
    for t in terms:
        for cid in t["examples"]:
            text = text_of.get(str(cid))
            if isinstance(text, str) and text.strip() and cid not in seen:
                pool.append((str(cid), text))
                seen.add(cid)
                break
    pool = naming_last([pool], lambda q: q[1], comments["text"], evidence_texts=QUOTE_EVIDENCE_TEXTS)[0]
    return terms, pool[:MAX_QUOTES]


#: Sentences quoted for each stated position; shorter ones are quoted only when there are no others.
POSITION_QUOTES = 2
MIN_CUE_WORDS = 7


def _position_quotes(scores: pd.DataFrame, may_quote: pd.Index, members: pd.DataFrame | None,
                     shown) -> dict[str, list[tuple[str, str]]]:
    """For "oppose" and "support", up to :data:`POSITION_QUOTES` of the sentences that state it
    (``position_cue``), from texts that may be quoted (``may_quote``, comment ids): one per distinct
    sentence, texts outside campaigns first (a campaign's letter is quoted in its own section), sentences
    of at least :data:`MIN_CUE_WORDS` words first ("I urge CMS to reject this proposal" before "It is a
    very bad idea."), then in a fixed order (a hash of the comment id). ``shown`` redacts them as every
    text on the page is (sentences picked up after a line break are marked as cut)."""
    if "position_cue" not in scores.columns:
        return {}
    picked = scores[scores["position"].isin(["oppose", "support"]).to_numpy(bool)
                    & scores["position_cue"].notna().to_numpy(bool)
                    & scores["comment_id"].astype(str).isin(may_quote).to_numpy(bool)]
    if not len(picked):
        return {}
    ids = picked["comment_id"].astype(str).to_numpy(dtype=object)
    in_campaign = set(members["comment_id"].astype(str)) if members is not None else set()
    cue = picked["position_cue"].astype(str)
    order = pd.DataFrame({
        "comment_id": ids, "position": picked["position"].to_numpy(), "cue": cue.to_numpy(),
        "key": cue.str.lower().str.split().str.join(" ").to_numpy(),
        "short": (cue.str.split().str.len() < MIN_CUE_WORDS).to_numpy(),
        "campaign": [i in in_campaign for i in ids],
        "tie": pd.util.hash_array(ids, categorize=False).astype("uint64")})
    order = order.sort_values(["short", "campaign", "tie", "comment_id"], kind="stable")
    order = order.drop_duplicates(["position", "key"])
    out = {}
    for position in ("oppose", "support"):
        rows = order[order["position"] == position].head(POSITION_QUOTES)
        if len(rows):
            text = shown(pd.Series(rows["cue"].to_numpy(), dtype="string")).fillna("")
            out[position] = [(cid, t if t[:1].isupper() else report.ELLIPSIS + t)
                             for cid, t in zip(rows["comment_id"], text, strict=True)]
    return out


def _evidence_rich(scores: pd.DataFrame, comments: pd.DataFrame, as_read: pd.Series, may_quote: pd.Index,
                   shown, clean) -> pd.DataFrame | None:
    """The evidence-rich texts (``evidence_rich`` in the sentiment table), one row per distinct text (a
    text sent word for word several times once): ``comment_id`` (the first
    carrying it), ``sent_by`` (the organisation, else the self-described respondent type, redacted by
    ``clean``; "" when the source says neither), ``kinds`` (the kinds of evidence, a list), ``n_kinds``,
    ``words`` (of the text as read, ``as_read``, aligned with ``comments``), ``copies`` (the submissions
    carrying it) and ``cue`` (the sentence that shows the evidence, redacted by ``shown``; missing where
    the text may not be quoted). Most kinds first, then the longest. None when the run predates evidence."""
    if "evidence_rich" not in scores.columns:
        return None
    text = pd.Series(as_read.to_numpy(), index=comments["comment_id"].astype(str))
    ids = scores["comment_id"].astype(str)
    frame = pd.DataFrame({"comment_id": ids.to_numpy(), "rich": scores["evidence_rich"].to_numpy(bool),
                          "kinds": scores["evidence"].fillna("").to_numpy(dtype=object),
                          "cue": scores["evidence_cue"].to_numpy(dtype=object)})
    # a campaign's letter is read as each sender sent it: the template alone may give no evidence while a
    # sender's own paragraph does, so copies are counted by identical text
    frame["content"] = ids.map(text).fillna("").to_numpy(dtype=object)
    frame["copies"] = frame.groupby("content")["comment_id"].transform("size")
    rows = frame[frame["rich"]].drop_duplicates("content").copy()
    columns = ["comment_id", "sent_by", "kinds", "n_kinds", "words", "copies", "cue"]
    if not len(rows):
        return pd.DataFrame(columns=columns)
    by_id = comments.assign(comment_id=comments["comment_id"].astype(str)).set_index("comment_id")
    sent_by = pd.Series("", index=rows.index, dtype="string")
    for col in ("respondent_type", "organisation"):  # the organisation, where there is one, wins
        if col in by_id.columns:
            named = clean(rows["comment_id"].map(by_id[col]).astype("string"))
            sent_by = named.where(named.notna() & named.str.strip().ne(""), sent_by)
    rows["sent_by"] = sent_by.fillna("").to_numpy(dtype=object)
    rows["kinds"] = [k.split(";") for k in rows["kinds"]]
    rows["n_kinds"] = rows["kinds"].map(len)
    rows["words"] = rows["comment_id"].map(text).fillna("").str.split().str.len().astype(int)
    quotable = rows["comment_id"].isin(may_quote).to_numpy(bool) & rows["cue"].notna().to_numpy(bool)
    cue = pd.Series(pd.NA, index=rows.index, dtype="string")
    if quotable.any():
        cue[quotable] = shown(pd.Series(rows.loc[quotable, "cue"].to_numpy(), dtype="string")).to_numpy()
    rows["cue"] = cue
    rows = rows.sort_values(["n_kinds", "words", "comment_id"], ascending=[False, False, True], kind="stable")
    return rows[columns].reset_index(drop=True)


def _vote_span(run: Path) -> tuple | None:
    """The first and last vote's times, or None without dated votes."""
    if not stages.output_path(run, "votes").is_file():
        return None
    when = stages.load(run, "votes")["created_at"].dropna()
    return (when.min(), when.max()) if len(when) else None


def _organised_campaign_of(members: pd.DataFrame | None, campaigns: pd.DataFrame | None) -> pd.Series:
    """The campaign id of each organised campaign's copy, by comment id (campaigns that are one sender's
    repeats left out)."""
    if members is None or campaigns is None or not len(campaigns):
        return pd.Series([], dtype=object)
    organised = members[members["campaign_id"].isin(campaigns.loc[~_one_sender(campaigns), "campaign_id"])]
    return pd.Series(organised["campaign_id"].astype(str).to_numpy(), index=organised["comment_id"].astype(str))


def _organised_members(members: pd.DataFrame | None, campaigns: pd.DataFrame | None) -> frozenset:
    """The comment ids of organised campaigns' copies (campaigns that are one sender's repeats left out)."""
    return frozenset(_organised_campaign_of(members, campaigns).index)


def _campaign_senders(comments: pd.DataFrame, members: pd.DataFrame | None,
                      campaigns: pd.DataFrame | None) -> np.ndarray | None:
    """The respondent ids of those who sent an organised campaign's letter; None when no organised
    campaign was found (campaigns that are one person's repeats are not organised: see
    :func:`_campaign_sentence`), or the source does not say who responded."""
    if members is None or campaigns is None or not len(campaigns) or "respondent_id" not in comments.columns:
        return None
    sent = _organised_members(members, campaigns)
    if not sent:
        return None
    return comments.loc[comments["comment_id"].astype(str).isin(sent), "respondent_id"].dropna().astype(str).unique()


def _closed_questions(ingest: dict, respondents: pd.DataFrame | None, comments: pd.DataFrame,
                      members: pd.DataFrame | None, campaigns: pd.DataFrame | None, clean) -> list:
    """The closed questions of a consultation (see :attr:`BriefingData.closed_questions`), or []."""
    from .closed import closed_answers

    wanted = [q for q in ingest.get("questions", []) if q["kind"] == "closed"]
    if respondents is None or not wanted:
        return []
    senders = _campaign_senders(comments, members, campaigns)
    out = []
    for q in wanted:
        if q["id"] not in respondents.columns:
            continue
        table = closed_answers(respondents, q["id"], in_campaigns=senders)
        table["answer"] = clean(table["answer"])
        out.append((q["id"], q["text"], table))
    return out


def _closed_sides(closed: list, respondents: pd.DataFrame | None, comments: pd.DataFrame,
                  assignments: pd.DataFrame, themes: pd.DataFrame, allowed: pd.Series, coding: dict | None,
                  senders: np.ndarray | None) -> dict:
    """What those on each side of each closed question wrote (see :attr:`BriefingData.closed_sides`).

    The themes compared are those the briefing ranks (with machine coding, not the codes left to
    analysts, whose counts cover only the hand-coded responses). A side's quote is the most typical
    response of one of its respondents in the theme that side raised clearly more often
    (:func:`_leading_theme`), chosen as the themes' quotes are (:func:`choose_quotes`), from those who
    did not send an organised campaign's letter (``senders``) when one of them may be quoted: the
    campaigns section quotes the letters."""
    from .closed import themes_by_side

    if respondents is None or not closed or "respondent_id" not in comments.columns or themes.empty:
        return {}
    if coding:
        themes = themes[[not _left_to_analysts(t) for _, t in themes.iterrows()]]
    analysed = comments[comments["comment_id"].isin(assignments["comment_id"])]
    out = {}
    for qid, _, _ in closed:
        sides = themes_by_side(respondents, qid, analysed, assignments, themes)
        if sides.empty or not int(sides["n_pos"].iloc[0]) or not int(sides["n_neg"].iloc[0]):
            continue
        quotes = {}
        for side in (1, -1):
            lead = _leading_theme(sides, side)
            if lead is None:
                continue
            people = set(sides.attrs["respondents"][side])
            theme = themes[themes["theme_id"] == lead]
            for who in (people - set(senders if senders is not None else ()), people):
                ids = set(analysed.loc[analysed["respondent_id"].astype(str).isin(who), "comment_id"].astype(str))
                row = theme.assign(quote_ids=[[q for q in theme.iloc[0]["quote_ids"] if str(q) in ids]])
                mine = assignments[assignments["comment_id"].astype(str).isin(ids)]
                chosen = choose_quotes(row, mine, comments, allowed, n_quotes=1).get(lead, [])
                if chosen:
                    quotes[side] = (lead, chosen)
                    break
        out[qid] = {"table": sides, "quotes": quotes}
    return out


def _leading_theme(sides: pd.DataFrame, side: int) -> int | None:
    """The theme (id) that respondents on ``side`` (+1, -1) of a closed question raised more often than
    those on the other side by the widest margin whose 95% interval leaves out no difference; None
    when no theme differs clearly, or either side has fewer than :data:`SMALL_N` respondents who wrote."""
    if not len(sides) or min(int(sides["n_pos"].iloc[0]), int(sides["n_neg"].iloc[0])) < SMALL_N:
        return None
    gap = sides["difference"] * side
    clear = (sides["diff_low"] > 0) if side == 1 else (sides["diff_high"] < 0)
    if not clear.any():
        return None
    return int(sides.loc[gap.where(clear).idxmax(), "theme_id"])


def _quotable_campaigns(table: pd.DataFrame, members: pd.DataFrame, comments: pd.DataFrame, allowed: pd.Series,
                        name_pattern, counts: dict) -> pd.DataFrame:
    """The campaigns table with what the briefing may quote of each template.

    ``quote_id`` is the template's first submission whose author allows quoting, among the exact
    copies of the template (None when none does); ``request`` is what the template asks for, taken
    from that copy's redacted text, with contributors' names removed.
    """
    from .campaigns import request_sentence

    table = table.copy()
    ids = arrow_strings(members["comment_id"])
    quotable_ids = arrow_strings(comments.loc[allowed.to_numpy(bool), "comment_id"])
    if isinstance(quotable_ids, pa.ChunkedArray):  # is_in takes its value set as one array
        quotable_ids = quotable_ids.combine_chunks()
    # Arrow's is_in: pandas' own isin on Arrow strings converts the value set one scalar at a time
    may_quote = pc.fill_null(pc.is_in(ids, value_set=quotable_ids.cast(ids.type)), False).to_numpy(zero_copy_only=False)
    group_of = members.set_index("comment_id")["duplicate_group"]
    first_allowed = (members[may_quote]
                     .dropna(subset=["duplicate_group"]).drop_duplicates("duplicate_group")
                     .set_index("duplicate_group")["comment_id"])
    quote_ids = table["template_id"].map(group_of).map(first_allowed)
    text = comments.set_index("comment_id")["text"]
    requests = [request_sentence(str(text.get(q, ""))) if isinstance(q, str) else "" for q in quote_ids]
    cleaned, n = redact.redact_names(pd.Series(requests, dtype="string"), name_pattern)
    counts["name"] += n
    table["quote_id"] = quote_ids.astype("string")
    table["request"] = cleaned.to_numpy()
    return table


def choose_quotes(themes: pd.DataFrame, assignments: pd.DataFrame, comments: pd.DataFrame,
                  allowed: pd.Series, *, n_quotes: int = MAX_QUOTES) -> dict[int, list[tuple[str, str]]]:
    """Up to ``n_quotes`` quotes per theme: the theme model's picks (``quote_ids``: typical, no two
    copies of one text, those naming no one first; see :func:`helpers.themes.summarise_themes`) that
    may be quoted, then the theme's other most typical members that may (highest weight first, no
    repeated text); among the first ``5 * n_quotes`` of these, those that seem to name someone
    (:func:`helpers.overview.mention_names`) come last. For themes the picks that name no one come
    first, so the briefing quotes what ``04_themes`` shows; codes' picks (analysts' responses first)
    are checked for names here.

    Cost: O(n) to index the quotable texts and sort and group the members (whole columns at once, no
    per-comment Python objects), then a walk down each theme's members, a block of texts at a time,
    that stops once it has enough candidates.

    Returns
    -------
    dict
        theme_id -> list of (comment_id, text).
    """
    text_of = _quotable_texts(comments, allowed)
    members = assignments.dropna(subset=["theme_id"])
    # many members of a theme weigh exactly 1: ties go by a hash of the comment id, as the theme model's own
    # picks do (helpers.themes._quote_pool), not by file order (an audit: the lowest ids quoted)
    tie = pd.util.hash_array(members["comment_id"].astype(str).to_numpy(dtype=object), categorize=False)
    members = members.iloc[np.lexsort((tie, -members["weight"].to_numpy(dtype=float)))]
    member_ids = members["comment_id"].astype("string").array
    rows_of = {int(t): rows for t, rows in members.groupby("theme_id").indices.items()}

    def candidates(ids: list[str]) -> list[tuple[str, str]]:
        """(comment id, text) of those of ``ids`` that may be quoted and have text."""
        texts = text_of.reindex(ids).tolist()
        return [(c, t) for c, t in zip(ids, texts, strict=True) if isinstance(t, str) and t.strip()]

    pools: dict[int, list[tuple[str, str]]] = {}
    for _, t in themes.iterrows():
        tid = int(t["theme_id"])
        pool: list[tuple[str, str]] = []
        seen: set[str] = set()
        rows = rows_of.get(tid, np.arange(0))
        picks = [str(c) for c in list(t["quote_ids"])]
        for start in range(-_QUOTE_BLOCK, len(rows), _QUOTE_BLOCK):
            ids = picks if start < 0 else [str(c) for c in member_ids.take(rows[start:start + _QUOTE_BLOCK])]
            for cid, text in candidates(ids):
                key = " ".join(text.lower().split())
                if key not in seen and cid not in {c for c, _ in pool}:
                    seen.add(key)
                    pool.append((cid, text))
            if len(pool) >= n_quotes * QUOTE_POOL:
                break
        pools[tid] = pool[:n_quotes * QUOTE_POOL]
    # Quotes that seem to name someone (staff named in feedback: "Tracey was my CPN") give way to the
    # next most typical ones; they are used only when a theme has too few others.
    # (the same evidence as the theme model's own ranking: helpers.themes.QUOTE_EVIDENCE_TEXTS)
    ranked = naming_last(list(pools.values()), lambda q: q[1][:_QUOTE_SCAN], comments["text"],
                         evidence_texts=QUOTE_EVIDENCE_TEXTS)
    return {tid: pool[:n_quotes] for tid, pool in zip(pools, ranked, strict=True)}


def _quote(b: BriefingData, text: Any, comment_id: Any) -> str:
    """:func:`report.quote_html`, cited as what the contributions are ("Petition 131215", "Statement 8")."""
    return report.quote_html(text, comment_id, noun=_respondent_noun(b, singular=True).capitalize())


def _short(text: Any, limit: int) -> str:
    return report.truncate_words(report.clean_text(text), limit) if not report._is_missing(text) else ""


def _label(t: pd.Series) -> str:
    return _short(t["label"], MAX_LABEL)


def _kind_counts(b: BriefingData) -> dict[str, int]:
    return {row["kind"]: int(row["count"]) for row in b.overview["by_kind"]}


def _respondent_noun(b: BriefingData, *, singular: bool = False) -> str:
    """What the analysed contributions are called: "responses" (consultations), "petitions" when
    they are mostly petitions, "statements" when people voted on them (a Polis conversation: its
    opinion-groups section calls them so), else "comments"."""
    counts = _kind_counts(b)
    voted = bool(b.opinion_notes) and not b.opinion_notes.get("skipped") and not b.opinion_notes.get("per_question")
    kind = ("response" if counts.get("response") else
            "petition" if counts.get("petition", 0) * 2 > sum(counts.get(k, 0) for k in RESPONSE_KINDS) else
            "statement" if voted else "comment")
    return _KIND_WORDS[kind][0 if singular else 1]


def _n_respondents(b: BriefingData, n: int) -> str:
    """``n`` and what the contributions are called, singular for one ("1 petition", "7 comments")."""
    return f"{n:,} {_respondent_noun(b, singular=n == 1)}"


def _too_few_for_themes(b: BriefingData) -> str:
    """Why no themes were sought (too few contributions; see :func:`helpers.stages.themes`), or ""."""
    if b.coding or not b.theme_notes.get("too_few"):
        return ""
    return (f"themes need at least {stages.MIN_THEME_TEXTS} {_respondent_noun(b)} with text to compare, "
            f"and there {'is' if b.n_analysed == 1 else 'are'} {_n_respondents(b, b.n_analysed)}")


def _source_title(b: BriefingData) -> str:
    """A title from what the source says it is, or "": the post the comments answer, the source's own
    title (a Polis conversation's topic), a single petition's own title, a regulations.gov docket's id
    (an audit's pages were headed with the corpus's short name, "What people said: cms")."""
    if b.post_title:
        return f"Responses to \u201c{b.post_title}\u201d"
    if b.ingest.get("title"):  # what the source says it is about: a Polis conversation's topic
        return _short(b.ingest["title"], 200)
    c = b.comments
    petitions = c[c["kind"] == "petition"]
    if len(petitions) == 1 and "title" in c.columns and pd.notna(petitions["title"].iloc[0]):
        return f"Petition: \u201c{_short(petitions['title'].iloc[0], 200)}\u201d"
    if str(b.ingest.get("format", "")).startswith("regulationsgov") and "thread_id" in c.columns:
        # a docket id is AGENCY(-PART)-YEAR-NUMBER; a document's id adds one more number
        dockets = (c["thread_id"].dropna().astype(str).str.extract(r"^(.+?-(?:19|20)\d{2}-\d+)(?:-\d+)?$")[0]
                   .dropna().unique())
        if len(dockets) == 1:
            return f"Comments on regulations.gov docket {dockets[0]}"
    return ""


def _received(b: BriefingData) -> str:
    """When the analysed contributions were made: ", dated 3 January to 28 February 2022", or "" when
    fewer than half of them are dated."""
    c = b.comments
    if "created_at" not in c.columns:
        return ""
    when = pd.to_datetime(c.loc[analysable(c), "created_at"], errors="coerce", utc=True)
    if not len(when) or when.notna().mean() < 0.5:
        return ""
    when = when.dt.tz_convert(_timezone(b))  # the calendar of the run, not UTC's
    first, last = when.min(), when.max()
    if first.date() == last.date():
        return f", {'all ' if when.notna().sum() > 1 else ''}dated {_day(first)}"
    return f", dated {_span(first, last)}"


def _span(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """"16 July to 5 August 2017" (the first year given only when it differs), or one day."""
    if first.date() == last.date():
        return _day(first)
    return f"{_day(first, year=first.year != last.year)} to {_day(last)}"


def _voted(b: BriefingData) -> str:
    """"; votes cast 16 July to 5 August 2017" when the corpus has dated votes (an audit: the Brexit page
    gave only the statements' dates, a week, while voting went on for three), else ""."""
    if b.vote_span is None:
        return ""
    zone = _timezone(b)
    return f"; votes cast {_span(b.vote_span[0].tz_convert(zone), b.vote_span[1].tz_convert(zone))}"


def _timezone(b: BriefingData) -> str:
    """The zone whose calendar the briefing writes dates in (:func:`helpers.stages.calendar_zone`)."""
    return stages.calendar_zone(b.ingest)


def _day(t, *, year: bool = True) -> str:
    """A date as a briefing writes it: "3 January 2022" ("3 January" without the year)."""
    return f"{t.day} {t:%B}" + (f" {t:%Y}" if year else "")


def title_block(b: BriefingData, *, title: str = "", about: str = "") -> str:
    """The page's one ``h1``, what was asked (``about``: the analyst's sentence or two on what the
    consultation or docket proposed, when given), a line saying what was analysed and when it was sent,
    and the date the briefing was prepared.

    A reader of the CMS docket's briefing met "reject this proposal" in 35% of the responses with nothing
    saying what the proposal was: the source names it nowhere a reader can rely on, so the analyst says it.
    """
    named = _source_title(b)
    heading = title or named or f"What people said: {b.corpus}"
    what = f"Analysis of {_plural(b.n_analysed, _respondent_noun(b, singular=True))}"
    if b.post_title and heading != named:  # not said twice
        what += f" on \u201c{b.post_title}\u201d"
    what += _received(b) + _voted(b)
    # where the analyst is (the run's timezone parameter), not the publisher's calendar: a briefing prepared
    # in the early hours in London is not dated the day before because the docket was American
    analyst = stages.calendar_zone({"timezone": (b.ingest.get("parameters") or {}).get("timezone")})
    prepared = f"Prepared on {_day(pd.Timestamp(provenance.generated_at()).tz_convert(analyst))}."
    asked = " ".join(str(about or "").split())
    out = (report.heading(heading, 1)
           + (report.paragraph(f"What was asked: {asked}" + ("" if asked[-1:] in ".?!" else ".")) if asked else "")
           + report.paragraph(what + ".") + f'<p class="generated">{report.esc(prepared)}</p>')
    if not b.redacted_personal_data:
        out += report.callout("Personal data such as email addresses and phone numbers has not been removed "
                              "from the quotes in this briefing. It is for internal use only: do not publish or "
                              "share it.", kind="warning")
    return out


def _estimated(row: pd.Series, n: int) -> bool:
    """Whether a code's share is estimated from the machine's probabilities (see
    :func:`helpers.coding.estimated_shares`), to be given instead of the share of its decisions."""
    return n >= SMALL_N and pd.notna(row.get("estimate")) and pd.notna(row.get("estimate_low"))


def _share_of(row: pd.Series, n: int) -> str:
    """A theme's share of ``n`` ("43% (95% CI 39% to 47%)"), or a machine-coded code's estimated share
    ("an estimated 38% (95% CI 33% to 43%)")."""
    if _estimated(row, n):
        return "an estimated " + describe_estimate(row["estimate"], row["estimate_low"], row["estimate_high"])
    return describe_share(int(row["size"]), n)


def _theme_phrase(row: pd.Series, n: int) -> str:
    """'“label” (85%; 95% CI 83% to 88%)': the share's interval inside the same brackets, not nested ones."""
    share = _share_of(row, n)
    return f"\u201c{_label(row)}\u201d ({share.replace(' (', '; ', 1).removesuffix(')') if '(' in share else share})"


def _ranked_themes(b: BriefingData) -> pd.DataFrame:
    """Themes largest first: by the share shown (estimated where :func:`_estimated` holds). Codes left
    to analysts (:func:`_left_to_analysts`) are not ranked: their counts cover only the hand-coded
    responses, so they are not comparable with the others."""
    if b.coding and "estimate" in b.themes.columns:
        n = b.n_analysed
        key = [t["estimate"] if _estimated(t, n) else t["share"] for _, t in b.themes.iterrows()]
        ranked = b.themes.iloc[np.argsort(-np.asarray(key, dtype=float), kind="stable")]
        return ranked[[not _left_to_analysts(t) for _, t in ranked.iterrows()]]
    return b.themes.sort_values("size", ascending=False, kind="stable")


def _left_to_analysts(row: pd.Series) -> bool:
    """Whether a code was too rare for the machine to learn: analysts gave it, and the machine did not
    look for it in the responses it coded, so its count is a count of the hand-coded responses only."""
    value = row.get("machine_coded")
    return value is not None and pd.notna(value) and not bool(value)


def _hand_coded_count(b: BriefingData, row: pd.Series) -> str:
    """A code left to analysts, counted where it was looked for: "3 of the 481 responses analysts coded"."""
    c = b.coding
    coded = int(c.get("n_hand_coded", 0)) + int(c.get("n_copies_of_hand_coded") or 0)
    return f"{int(row['n_analyst']):,} of the {coded:,} {_respondent_noun(b)} analysts coded"


def _whole_percent(share: float) -> str:
    """A share as the text writes it: whole percent, rounded half up, "<1%" for a share above none
    (never "0%" for someone)."""
    text = _percent_text(float(share), 0)
    return "<1%" if share > 0 and text == "0%" else text


def _any_estimated(b: BriefingData) -> bool:
    """Whether any code's share shown is an estimate (the annex and coding paragraph then say how)."""
    return bool(b.coding) and any(_estimated(t, b.n_analysed) for _, t in b.themes.iterrows())


def _shown_interval(b: BriefingData, row: pd.Series, n: int) -> tuple[float, float]:
    """The interval the page shows for a theme or code: its estimate's, else its count's."""
    if _estimated(row, n):
        return float(row["estimate_low"]), float(row["estimate_high"])
    return float(row["ci_low"]), float(row["ci_high"])


def _top_two_tied(share_low: float, second_high: float) -> bool:
    """Whether the first of two ranked shares' interval reaches the second's: then neither is "the most
    common" (the chart title and the summary say so alike)."""
    return float(share_low) <= float(second_high)


def summary_section(b: BriefingData) -> str:
    """About 250 words at most, written from the results: size, themes, tone, and what it can support."""
    n = b.n_analysed
    noun = _respondent_noun(b)
    kinds = _kind_counts(b)
    if not n:  # nothing had text to analyse: say where the records went instead
        ing = b.ingest
        reasons = ", ".join(f"{c:,} {EXCLUSION_REASONS.get(r, r)}"
                            for r, c in sorted(ing.get("excluded_by_reason", {}).items()))
        return report.section("Summary", report.paragraph(
            f"There was nothing to analyse: of {_plural(int(ing['records_read']), 'record')} read, none has text of "
            f"its own to analyse ({ing['kept']:,} kept, {ing['excluded']:,} excluded{': ' + reasons if reasons else ''}). "
            "Every record is listed with its reason in the run folder (comments.parquet, exclusions.parquet); "
            "check that the right file and text column were read."), id="summary")
    sentences = []
    opening = f"We analysed {_n_respondents(b, n)}"
    people = _respondents_phrase(b)
    if people:  # a consultation: people first, then their answers
        questions = int(stages.analysed_comments(b.comments)["question_id"].nunique())
        opening = (f"{people} took part; we analysed their {_n_respondents(b, n)} to "
                   f"{_plural(questions, 'open question')}")
    if b.post_title:
        opening += f" on the blog post \u201c{b.post_title}\u201d"
    elif b.n_posts > 1:
        opening += f" on {b.n_posts:,} posts"
    others = [_plural(v, k) for k, v in kinds.items() if k in ("pingback", "trackback") and v]
    if others:
        opening += f"; the page also carried {' and '.join(others)} from other sites, counted but not analysed"
    sentences.append(opening + ".")
    petitions = _petition_sentence(b)
    if petitions:
        sentences.append(petitions)
    for qid, text, table in b.closed_questions[:MAX_CLOSED_IN_SUMMARY]:
        said = _closed_sentence(text, table)
        if said:
            sentences.append(said)
            sides = b.closed_sides.get(qid)
            sentences += [t for side in (1, -1) if sides and (t := _side_lead_sentence(sides["table"], side,
                                                                                          short=True))]
    more = len(b.closed_questions) - MAX_CLOSED_IN_SUMMARY
    if more > 0:
        sentences.append(f"The answers to {_plural(more, 'more closed question')} are in the closed questions section.")
    votes = _votes_sentence(b)  # where people voted, what they voted says more than the words' themes
    if votes:
        sentences.append(votes)
    ranked = _ranked_themes(b)
    if len(ranked) == 1:
        sentences.append(f"The theme model found one broad theme, {_theme_phrase(ranked.iloc[0], n)}, rather than "
                         "distinct groups: the comments share their vocabulary too much to be told apart.")
    elif len(ranked):
        top = ranked.iloc[0]
        low_high = _shown_interval(b, ranked.iloc[0], n)[0], _shown_interval(b, ranked.iloc[1], n)[1]
        if n >= SMALL_N and _top_two_tied(*low_high):  # as the chart's title: no single winner
            s = (f"The most common themes were {_theme_phrase(top, n)} and {_theme_phrase(ranked.iloc[1], n)}, "
                 "whose intervals overlap")
            rest = [_theme_phrase(r, n) for _, r in ranked.iloc[2:3].iterrows()]
            if rest:
                s += "; another was " + rest[0]
        else:
            s = f"The most common theme was {_theme_phrase(top, n)}"
            rest = [_theme_phrase(r, n) for _, r in ranked.iloc[1:3].iterrows()]
            if rest:  # one more is "another" (an audit: "others were" named a single theme)
                s += ("; another was " if len(rest) == 1 else "; others were ") + " and ".join(rest)
        sentences.append(s + ".")
        themed = b.assignments.dropna(subset=["theme_id"])["comment_id"].value_counts()
        several = int((themed > 1).sum())
        if several:  # an audit: NHS's theme shares add up to 114%, unexplained
            sentences.append(f"{_plural(several, noun[:-1])} {'is' if several == 1 else 'are'} in more than one "
                             "theme, so the shares can add up to more than 100%.")
        once = _first_counting_each_once(b, ranked)
        if once:
            sentences.append(once)
    campaign = _campaign_sentence(b)
    if campaign:
        sentences.append(campaign)
    not_assigned = int(b.theme_notes.get("n_not_assigned", 0))
    if _too_few_for_themes(b):
        sentences.append(f"No themes were sought: {_too_few_for_themes(b)}.")
    elif not_assigned:
        share = describe_share(not_assigned, n)
        sentences.append(f"{share[:1].upper()}{share[1:]}{'' if n < SMALL_N else ' of'} {noun} did not fit any "
                         "theme clearly.")
    sentences += [s for s in (_non_answer_sentence(b), _positions_sentence(b), _evidence_sentence(b)) if s]
    counts = b.sentiment_notes["label_counts"]
    tone = (f"Automated sentiment scoring reads {describe_share(counts['positive'], n)} as positive in tone, "
            f"{describe_share(counts['negative'], n)} as negative and {describe_share(counts['neutral'], n)} as neutral")
    content = b.sentiment_notes.get("content_label_counts")
    if content and b.campaign_notes and b.campaign_notes["n_campaigns"]:
        # a letter sent 200 times weighs 200 times: say the tone with each campaign once too (CMS: 84%
        # positive, mostly copies of one letter; 70% with each campaign once)
        m = int(b.sentiment_notes["content_n_scored"])
        tone += (f" ({describe_share(content['positive'], m, interval=False)} positive and "
                 f"{describe_share(content['negative'], m, interval=False)} negative counting {_each_once(b)})")
    if n > 1:  # the tone of a single text says nothing a reader cannot see in it
        polite = _polite_opposition(b)  # else the general warning (an audit: NHS's summary gave 9% negative
        # while coders marked 19% critical; the warning was only in the tone section)
        sentences.append(tone + "; tone is not the same as agreement" + (
            polite or ", and automated scoring misses much criticism put politely") + ".")
    note = small_corpus_note(n, (_respondent_noun(b, singular=True), _respondent_noun(b)))
    body = report.paragraph(" ".join(sentences))
    if "95% CI" in body:  # said once, where a minister first meets it (an audit: explained only in the annex)
        body += report.paragraph(
            "\u201c95% CI\u201d is a 95% confidence interval: it shows how precise a share is, given how many "
            "responses it rests on (the more responses, the narrower). It says nothing about whether those who "
            "responded speak for anyone else.")
    if note:
        body += report.callout(note, kind="warning")
    # what this corpus in particular cannot tell, up front (an audit found it only under Caveats, pages on)
    limits = []
    n_placeholders = _n_placeholders(b)
    if n_placeholders:
        limits.append(f"{n_placeholders:,} more {noun if n_placeholders > 1 else _respondent_noun(b, singular=True)} "
                      f"only point{'' if n_placeholders > 1 else 's'} to an attached file, which was not read: what "
                      "the attachments say is not in this analysis." + (" " + _unread_organisations_sentence(b)).rstrip())
    attached = _attachments_unread(b)
    if attached:
        limits.append(attached)
    few = _few_writers_sentence(b)
    if few:
        limits.append(few)
    if limits:
        body += report.callout(" ".join(limits) + " More under Caveats.", kind="warning")
    languages = _languages(b)
    if languages is not None and languages.drop("en", errors="ignore").sum() > languages.sum() / 2:
        body += report.callout(_language_sentence(languages) + " This analysis is built for English: read its "
                               "themes and tone for this corpus with great care, or not at all.", kind="warning")
    return report.section("Summary", body, id="summary")


#: English names of the languages most often met, for the briefing (others are given by their code).
LANGUAGE_NAMES = {
    "en": "English", "cy": "Welsh", "ga": "Irish", "gd": "Scottish Gaelic", "fr": "French", "de": "German",
    "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "ro": "Romanian",
    "lt": "Lithuanian", "lv": "Latvian", "bg": "Bulgarian", "cs": "Czech", "sk": "Slovak", "hu": "Hungarian",
    "el": "Greek", "tr": "Turkish", "ru": "Russian", "uk": "Ukrainian", "ar": "Arabic", "ur": "Urdu",
    "bn": "Bengali", "pa": "Punjabi", "gu": "Gujarati", "hi": "Hindi", "ta": "Tamil", "so": "Somali",
    "fa": "Persian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "vi": "Vietnamese", "th": "Thai",
    "ca": "Catalan", "gl": "Galician", "eu": "Basque", "an": "Aragonese", "sv": "Swedish", "da": "Danish",
    "no": "Norwegian", "nb": "Norwegian", "fi": "Finnish", "et": "Estonian", "hr": "Croatian", "sr": "Serbian",
    "sl": "Slovenian", "sq": "Albanian", "mt": "Maltese", "la": "Latin", "id": "Indonesian", "ms": "Malay",
    "tl": "Tagalog", "sw": "Swahili", "he": "Hebrew", "af": "Afrikaans", "is": "Icelandic",
}


def _languages(b: BriefingData) -> pd.Series | None:
    """Analysed comments per detected language, most first (None without a language column)."""
    if "language" not in b.comments.columns:
        return None
    detected = b.comments.loc[analysable(b.comments).to_numpy(), "language"].dropna()
    return detected.astype(str).value_counts().sort_index().sort_values(ascending=False, kind="stable")


def _language_sentence(languages: pd.Series) -> str:
    """How many analysed comments are not in English, and in which languages (Spanish 5,302, ...)."""
    other = languages.drop("en", errors="ignore")
    listed = ", ".join(f"{LANGUAGE_NAMES.get(code, code)} {int(v):,}" for code, v in other.head(5).items())
    if len(other) > 5:
        listed += f" and {int(other.iloc[5:].sum()):,} in {len(other) - 5:,} other language{'s' if len(other) > 6 else ''}"
    total = int(languages.sum())
    k = int(other.sum())
    who = (f"All {total:,} analysed comments whose language could be told are" if k == total and total > 1 else
           f"{k:,} of the {total:,} analysed comments whose language could be told {'is' if k == 1 else 'are'}")
    return f"{who} not in English ({listed})."


def _petitions(b: BriefingData) -> pd.DataFrame:
    """The petitions among the contributions that carry a signature count (an empty table otherwise)."""
    c = b.comments
    if "votes_up" not in c.columns:
        return c.iloc[:0]
    return c[(c["kind"] == "petition") & c["votes_up"].notna()]


def _outside_uk(petitions: pd.DataFrame) -> str:
    """"137,789 of the 3,555,721 signatures (3.9%) came from outside the UK", or "" when the source does
    not say."""
    if "votes_up_outside_uk" not in petitions.columns or petitions["votes_up_outside_uk"].isna().any():
        return ""
    abroad, total = int(petitions["votes_up_outside_uk"].sum()), int(petitions["votes_up"].sum())
    return (f"{abroad:,} of the {total:,} signatures ({abroad / total:.1%}) came from outside the UK"
            if total else "")


def _petition_sentence(b: BriefingData) -> str:
    """Signatures, when they were counted and dates of a corpus of petitions (UK Parliament's list: 8,487
    petitions, 25.8 million signatures), or "" for other corpora.

    A count taken while a petition was open is a snapshot, not its total (an audit: petition 131215
    "gathered 3,555,721 signatures" on 27 June 2016, and closed with 4,150,260), so the sentence says
    when the count was taken and whether signing had ended.
    """
    petitions = _petitions(b)
    if not len(petitions):
        return ""
    signed = petitions["votes_up"].astype("int64")
    one = len(petitions) == 1
    counted = (petitions["counted_at"].dropna() if "counted_at" in petitions.columns
               else pd.Series([], dtype="datetime64[ns, UTC]"))
    zone = _timezone(b)
    when = (f" on {_span(counted.min().tz_convert(zone), counted.max().tz_convert(zone))}" if len(counted)
            else "")  # one petition's snapshot, or the range of several
    status = (petitions["status"].str.lower() if "status" in petitions.columns
              else pd.Series(pd.NA, index=petitions.index, dtype="string"))
    n_open = int(status.eq("open").sum())
    if one:
        out = f"It had {int(signed.sum()):,} signatures when these data were taken{when}"
        if n_open:
            out += ", while it was still open for signing, so later signatures are not counted"
        elif status.eq("closed").fillna(False).all():
            out += ", after it had closed"
    else:
        out = f"They had {int(signed.sum()):,} signatures in all when these data were taken{when}"
        if n_open:
            out += (f"; {n_open:,} of the {len(petitions):,} petitions were still open for signing, so their "
                    "counts are not final")
    abroad = _outside_uk(petitions)
    sentences = [out + (f"; {abroad}." if abroad else ".")]
    dated = (petitions["created_at"].dropna().dt.tz_convert(_timezone(b)) if "created_at" in petitions.columns
             else pd.Series([], dtype=object))
    started = ""
    if len(dated):
        first, last = dated.min().strftime("%B %Y"), dated.max().strftime("%B %Y")
        started = f"started {'in ' + first if first == last else f'between {first} and {last}'}"
    top = petitions.loc[signed.idxmax()]
    title = _short(top["title"], 160) if "title" in petitions.columns and pd.notna(top["title"]) else ""
    if one:
        asks = report.truncate_sentences(report.clean_text(top["text"]), 300)
        said = [started] if started else []
        if title and asks != title:
            said.append(f"titled \u201c{title}\u201d")
        end = "" if asks.endswith((".", "!", "?", report.ELLIPSIS)) else "."
        sentences.append(("It was " + ", ".join(said) + ", and asked" if said else "It asked")
                         + f": \u201c{asks}\u201d{end}")
    else:
        share = int(top["votes_up"]) / max(int(signed.sum()), 1)
        title = title or _short(top["text"], 160)
        sentences.append((f"They were {started}; the" if started else "The")
                         + f" most signed ({int(top['votes_up']):,} signatures, {share:.0%} of all) asked: "
                         f"\u201c{title}\u201d.")
    return " ".join(sentences)


def _votes_sentence(b: BriefingData) -> str:
    """One sentence on the votes for the summary (Polis, Global Dialogues), or ""."""
    n = b.opinion_notes
    if not n or n.get("skipped"):
        return ""
    if n.get("per_question"):
        return (f"{n['n_participants']:,} people also voted {n['n_votes']:,} times on each other\u2019s answers; "
                "the answers most agreed are listed under each question below.")
    k = int(n["n_groups"])
    out = (f"{n['n_participants']:,} people voted {n['n_votes']:,} times on {n['n_statements']:,} statements; the "
           f"{int(n['n_clustered']):,} who voted on enough of them fell into {k} opinion group{'s' if k != 1 else ''}")
    st, groups = b.opinion_statements, b.opinion_groups
    if st is None or groups is None or not len(st):
        return out + "."
    # what was found, not only that something was (an audit: a minister reading the summary alone learnt
    # neither what divides the groups nor what they share)
    text_of = dict(zip(st["comment_id"].astype(str), st["text"].fillna(""), strict=False))
    names = dict(zip(groups["group"].astype(int), groups["group_name"], strict=True))

    def quoted(cid: Any) -> str:  # mid-sentence: without its closing full stop
        return f"\u201c{_short(text_of.get(str(cid), ''), 200).rstrip().removesuffix('.')}\u201d"

    div = st[st["list"] == "divisive"]
    if k >= 2 and len(div):
        r = next(div.itertuples())
        out += f". They divide most on {quoted(r.comment_id)}: {_divide(r, names)}"
    agreed, rejected = _held(st, "consensus")[1], _held(st, "rejected")[1]
    shared = [f"{verb} {quoted(rows['comment_id'].iloc[0])}"
              for verb, rows in (("agreed with", agreed), ("rejected", rejected)) if len(rows)]
    if shared:
        out += f". Most in {'every group' if k > 1 else 'the group'} " + " and ".join(shared)
    return out + "."


#: Non-answers are mentioned in the summary when they are at least this share of the answers.
NON_ANSWER_SHARE = 0.05


def _non_answer_sentence(b: BriefingData) -> str:
    """How many answers said only "nothing", "none", "N/A"... (excluded as non-answers), when they are
    a notable share: on "what could be improved?", "nothing" is itself an answer (NHS feedback: 1,064
    of 10,334, 834 of them "nothing" or the like: "absolutely nothing", "can't think of anything")."""
    ex = b.exclusions
    non = ex[ex["reason"] == "non_answer"] if "reason" in ex.columns else ex.iloc[:0]
    total = b.n_analysed + len(non)
    if not len(non) or len(non) < NON_ANSWER_SHARE * total:
        return ""
    said = non["detail"].astype(str).str.extract(r"\(([^()]*)\)$")[0].fillna("other").value_counts()
    said = said.sort_index().sort_values(ascending=False, kind="stable")
    # what was found, not what was said: punctuation alone, and pointers to another answer
    punctuation = int(said.pop("punctuation only")) if "punctuation only" in said.index else 0
    pointers = int(said.pop("see above")) if "see above" in said.index else 0
    listed = ", ".join(f"\u201c{word}\u201d ({int(n):,})" for word, n in said.head(4).items())
    noun = _respondent_noun(b)
    parts = ([f"said only {listed}{' and the like' if len(said) > 4 else ''}"] if len(said) else []) + (
        [f"only pointed to another answer (\u201csee above\u201d: {pointers:,})"] if pointers else []) + (
        [f"were only punctuation ({punctuation:,})"] if punctuation else [])
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    # the summary's other shares are of the analysed answers: this one says its own base; it counts
    # everyone, so it has no interval (an audit: "931 more responses (9% (95% CI 8% to 10%) of ...")
    base = (f"{describe_share(len(non), total, interval=False)} of the {total:,} analysed or left out as non-answers" if total >= SMALL_N
            else f"of the {total:,} analysed or left out as non-answers")
    out = f"{len(non):,} more {noun} ({base}) {joined}: they are counted but not analysed."
    if said.index.isin(["nothing", "none", "no"]).any():
        out += (" To a question such as \u201cwhat could be improved?\u201d, \u201cnothing\u201d is itself an answer: "
                "read these counts with the question in mind.")
    return out


def _one_sender(campaigns: pd.DataFrame) -> pd.Series:
    """Which groups of copies one sender posted (not organised campaigns); False where not known."""
    if "one_sender" not in campaigns.columns:
        return pd.Series(False, index=campaigns.index)
    return campaigns["one_sender"].fillna(False).astype(bool)


def _first_counting_each_once(b: BriefingData, ranked: pd.DataFrame) -> str:
    """"Counting each campaign once, “data; provider; care” comes first (181 of the 312 texts, 58%)."
    when campaign letters put another theme first (CMS: a letter sent 225 times made "sex; women;
    gender" the most common theme, 59%), else ""."""
    units = _content_view(b)
    if not units or b.coding or "content_size" not in ranked.columns or len(ranked) < 2:
        return ""
    first = ranked.loc[ranked["content_size"].idxmax()]
    if int(first["theme_id"]) == int(ranked.iloc[0]["theme_id"]):
        return ""
    size = int(first["content_size"])
    return (f"Counting {_each_once(b)}, \u201c{_label(first)}\u201d comes first ({size:,} of the {units:,} texts"
            + (f", {size / units:.0%}" if units >= SMALL_N else "") + ").")


def _each_once(b: BriefingData) -> str:
    """"each campaign once", or "each group of copies once" when some groups of copies were one sender
    repeating a text (not organised campaigns, so not "campaigns")."""
    one = b.campaigns is not None and _one_sender(b.campaigns).any()
    return "each group of copies once" if one else "each campaign once"


def _campaign_sentence(b: BriefingData) -> str:
    """"N responses, of which M (P%) came from K campaigns; the largest (S responses) asked ..." or "".

    Groups of copies that one sender posted are not organised campaigns: when every group is one, the
    sentence calls them repeats; when some are, it counts the others as the campaigns and the repeats
    after them.
    """
    c, table = b.campaign_notes, b.campaigns
    if not c or not c["n_campaigns"]:
        return ""
    n = c["n_responses"]
    # every response received, analysed or not: say so when that is not the number analysed
    of = (f"Of all {n:,} responses received ({b.n_analysed:,} analysed and {n - b.n_analysed:,} not)"
          if n > b.n_analysed else f"Of the {n:,} responses")
    one = _one_sender(table)
    if one.all():
        # Decide Madrid: every group of copies was one user reposting a text
        k, top = len(table), table.iloc[0]
        out = (f"{of}, {describe_share(c['n_in_campaigns'], n)} were repeats: "
               f"{k:,} text{'s' if k != 1 else ''} each sent several times by a single sender, not organised "
               f"campaigns by many people; the most repeated ({int(top['size']):,} copies)")
        repeats = ""
    else:
        organised = table[~one]
        k, top = len(organised), organised.sort_values("size", ascending=False, kind="stable").iloc[0]
        out = (f"{of}, {describe_share(int(organised['size'].sum()), n)} came from "
               f"{k:,} organised campaign{'s' if k != 1 else ''} (copies of the same letter, often lightly edited)")
        out += (f"; the largest campaign ({int(top['size']):,} responses)" if k > 1
                else f"; the campaign ({int(top['size']):,} responses)")
        repeats = _one_sender_sentence(b)
    request = _short(str(top["request"] or ""), 240)
    if not request:
        out += "; its text is not quoted (no consent to publish)."
    else:
        out += f" asked: “{request}”" + ("" if request[-1] in ".!?…" else ".")
    return out + (" " + repeats if repeats else "")


def _one_sender_sentence(b: BriefingData) -> str:
    """The responses in groups of copies that one sender posted, when some groups are campaigns by
    many people, or "" (when all were, the campaign sentence says so itself)."""
    table = b.campaigns
    one = table[_one_sender(table)]
    k, total = len(one), len(table)
    if not k or k == total:
        return ""
    if k == 1:
        return (f"A further {int(one['size'].sum()):,} responses were one text sent several times by a single "
                "sender, not an organised campaign.")
    return (f"A further {int(one['size'].sum()):,} responses were {k:,} texts, each sent several times by a "
            "single sender, not organised campaigns.")


def campaigns_section(b: BriefingData) -> str:
    """Organised campaigns: how many responses came from them, both counts, and what the largest asked.

    One line when the campaigns notebook found none; nothing when it did not run.
    """
    c, table = b.campaign_notes, b.campaigns
    if c is None:
        return ""
    p = c["parameters"]
    if not c["n_campaigns"] and c["n_compared"] < p["min_campaign_size"]:
        return report.section("Organised campaigns", report.paragraph(
            f"None could be found: a campaign is a group of at least {p['min_campaign_size']} near-identical "
            f"{_respondent_noun(b)}, and {'only ' if c['n_compared'] else ''}{_n_respondents(b, c['n_compared'])} "
            f"{'was' if c['n_compared'] == 1 else 'were'} compared."), id="campaigns")
    if not c["n_campaigns"]:
        repeats = int(c.get("n_exact_duplicates", 0))
        return report.section("Organised campaigns", report.paragraph(
            f"No organised campaigns: no group of at least {p['min_campaign_size']} near-identical responses "
            f"of {p['min_words']} words or more was found among the {c['n_compared']:,} compared, so every "
            "response counts as its own."
            + (f" {repeats:,} {'response repeats' if repeats == 1 else 'responses repeat'} an earlier one word "
               "for word (a stock answer such as \u201cvery good\u201d, or a text sent twice): each is counted as a "
               "response, and such a text is quoted once." if repeats else "")),
            id="campaigns")
    body = report.paragraph(
        _campaign_sentence(b) + f" Counting {_each_once(b)}, the {c['n_compared']:,} responses with text of "
        f"their own amount to {c['n_distinct_content']:,} distinct pieces of content. Both counts matter: every "
        "submission is counted, but a campaign's size shows how many times its text was sent, not how many "
        "separate arguments it makes.")
    shown = table.head(10)
    rows = pd.DataFrame({
        "Campaign": shown["campaign_id"],
        "Responses": shown["size"].astype(int),
        "Share of responses": [describe_share(int(v), c["n_responses"]) for v in shown["size"]],
        "Distinct versions": shown["n_variants"].astype(int),
        "With words of their own added": shown["n_with_additions"].astype(int),
        **{name: pd.to_datetime(shown[col], utc=True).dt.tz_convert(_timezone(b)).dt.strftime("%d %b %Y")
           .fillna("not dated")
           for name, col in (("First", "first_at"), ("Last", "last_at"))},
    })
    if "n_senders" in shown.columns and shown["n_senders"].notna().any():
        unknown = (shown["n_senders_unknown"] if "n_senders_unknown" in shown.columns
                   else pd.Series(0, index=shown.index)).fillna(0).astype(int)
        rows.insert(2, "Senders", [_senders_cell(k, u, int(size)) for k, u, size in
                                   zip(shown["n_senders"], unknown, shown["size"], strict=True)])
    if c["time_resolution"] in ("second", "minute"):
        rows["Most in one minute"] = shown["max_per_minute"].astype("Int64").astype("string").fillna("")
    one = _one_sender(shown)
    if one.any():  # the sentence above counts only the others as campaigns: the table says which is which
        rows["Campaign"] = [f"{cid} (one sender)" if o else cid for cid, o in zip(shown["campaign_id"], one, strict=True)]
    caption = (("Organised campaigns and texts repeated by one sender" if one.any() else "Organised campaigns")
               + ", largest first" + (f" (10 of {len(table):,})" if len(table) > 10 else ""))
    body += report.table_html(rows, caption=caption,
                              numeric=[col for col in ("Responses", "Senders", "Distinct versions",
                                                       "With words of their own added") if col in rows.columns])
    many = ~_one_sender(table)
    for row in (table[many] if many.any() else table).head(3).itertuples():  # the campaigns' texts first
        if pd.notna(row.quote_id) and row.request:
            body += report.paragraph(f"{row.campaign_id} ({int(row.size):,} responses) asks:")
            body += _quote(b, row.request, row.quote_id)
    undated = {"day": "The timestamps give only the day of each response",
               "hour": "The timestamps give only the hour of each response",
               "none": "The responses are not dated"}.get(c["time_resolution"])
    if undated:
        body += report.paragraph(undated + ", so bursts of copies within the same minute cannot be seen.")
    return report.section("Organised campaigns", body, id="campaigns")


def key_numbers_section(b: BriefingData) -> str:
    """Headline counts: read, kept, excluded by reason, analysed, themes."""
    ing = b.ingest
    types = _respondent_types(b)
    items: list[tuple[str, Any]] = ([("Respondents (people and organisations)", f"{int(types.sum()):,}")]
                                    if types is not None else []) + [
        ("Records read", f"{ing['records_read']:,}"),
        ("Kept", f"{ing['kept']:,}"),
    ]
    # a breakdown of one part only repeats the total (an audit counted 827 three times in one consultation's)
    reasons = sorted(ing.get("excluded_by_reason", {}).items())
    if len(reasons) == 1:
        items.append((f"Excluded: {EXCLUSION_REASONS.get(reasons[0][0], reasons[0][0])}", f"{ing['excluded']:,}"))
    else:
        items.append(("Excluded", f"{ing['excluded']:,}"))
        items += [(f"Excluded: {EXCLUSION_REASONS.get(r, r)}", f"{c:,}") for r, c in reasons]
    kinds = b.overview["by_kind"]
    if len(kinds) > 1:
        items += [(f"Kept: {_KIND_WORDS.get(row['kind'], (row['kind'], row['kind']))[1]}", f"{row['count']:,}")
                  for row in kinds]
    n_placeholders = _n_placeholders(b)
    if n_placeholders:
        items.append(("Kept but not analysed: placeholders such as \u201cSee attached file(s)\u201d",
                      f"{n_placeholders:,}"))
    anchors = int(ing.get("cleaning", {}).get("kept_as_thread_anchor", 0))
    if anchors:  # Decide Madrid: 7 comments without text that replies hang below
        items.append(("Kept but not analysed: no text, kept because replies hang below them", f"{anchors:,}"))
    items.append((f"{_respondent_noun(b).capitalize()} analysed for themes and tone", f"{b.n_analysed:,}"))
    n = b.opinion_notes
    if n and not n.get("skipped") and n.get("n_participants"):
        items.append(("People who voted", f"{int(n['n_participants']):,}"))
        items.append(("Votes", f"{int(n['n_votes']):,}"))
        if not n.get("per_question"):  # what the votes found, beside the word counts (an audit)
            items.append(("Opinion groups", f"{int(n['n_groups']):,} (of the {int(n['n_clustered']):,} people "
                                            "who voted enough)"))
    petitions = _petitions(b)
    if len(petitions):
        items.append(("Signatures", f"{int(petitions['votes_up'].sum()):,}"))
    items.append(("Codes" if b.coding else "Themes found", f"{len(b.themes):,}"))
    if not _too_few_for_themes(b):
        items.append(("Not assigned to any theme", f"{int(b.theme_notes.get('n_not_assigned', 0)):,}"))
    return report.section("Key numbers", report.key_numbers(items), id="key-numbers")


def _n_placeholders(b: BriefingData) -> int:
    """Contributions kept and counted but not analysed because they only point elsewhere ("See attached
    file(s)", a cover note naming the attachment's sender)."""
    if "is_placeholder" not in b.comments.columns:
        return 0
    return int(b.comments["is_placeholder"].astype("boolean").fillna(False).sum())


def _attachments_unread(b: BriefingData) -> str:
    """"56 of the analysed responses also attach files, which were not read: ..." or "" (an audit found
    such CMS responses never mentioned)."""
    c = b.comments
    if "has_attachment" not in c.columns:
        return ""
    k = int((analysable(c) & c["has_attachment"].astype("boolean").fillna(False)).sum())
    if not k:
        return ""
    one = k == 1
    return (f"{k:,} of the analysed {_respondent_noun(b)} also {'attaches' if one else 'attach'} files, which were "
            "not read: what they add is not in this analysis.")


def _content_view(b: BriefingData) -> int | None:
    """The number of distinct pieces of content when the run found campaigns and counted themes both
    ways (each campaign once), else None."""
    notes = b.theme_notes
    if (b.campaign_notes and b.campaign_notes["n_campaigns"] and "content_size" in b.themes.columns
            and notes.get("n_content_units")):
        return int(notes["n_content_units"])
    return None


def _themes_overview_table(b: BriefingData, n: int) -> pd.DataFrame:
    rows = []
    units = _content_view(b)
    for _, t in b.themes.iterrows():
        row = {"Theme": f"{int(t['theme_id'])}. {_label(t)}", "Comments": int(t["size"])}
        if b.coding and _left_to_analysts(t):  # looked for only by analysts: no share of all responses
            row["Share"] = _hand_coded_count(b, t)
            row["95% interval"] = "not estimated (left to analysts)"
        elif _estimated(t, n):
            row["Share"] = f"{t['estimate']:.0%} (estimated)"
            row["95% interval"] = f"{t['estimate_low']:.0%} to {t['estimate_high']:.0%}"
        elif n >= SMALL_N:
            row["Share"] = f"{t['share']:.0%}"
            row["95% interval"] = f"{t['ci_low']:.0%} to {t['ci_high']:.0%}"
        if units:
            row[f"Counting {_each_once(b)}"] = (f"{int(t['content_size']):,} of {units:,}"
                                                  + (f" ({t['content_share']:.0%})" if units >= SMALL_N else ""))
        rows.append(row)
    return pd.DataFrame(rows)


def _campaign_themes_note(b: BriefingData) -> str:
    """How campaigns were handled in the themes (or "" when there were none)."""
    units = _content_view(b)
    if not units:
        return ""
    learned = ("The themes were learned from the distinct content (each campaign's letter once, its senders' "
               "own additions as texts of their own), so a letter sent many times does not dictate them. "
               if b.theme_notes.get("fitted_on") == "deduplicated" else "")
    return (learned + f"Sizes count every submission; the last column counts the {units:,} texts analysed when "
            f"each campaign counts once: {_units_make_up(b, units)}.")


def _units_make_up(b: BriefingData, units: int) -> str:
    """What the texts counted 'each campaign once' are, tied to the campaigns section's distinct pieces
    of content (an audit found '645 distinct pieces of content' and '690 texts' in one briefing)."""
    additions = b.theme_notes.get("n_content_additions")  # counted on the same texts
    if additions is None:  # a run folder from before it was counted: worked out from the campaigns' count
        additions = units - int((b.campaign_notes or {}).get("n_distinct_content", units + 1))
    additions = int(additions)
    distinct = units - additions
    if 0 <= additions <= units:
        return (f"the {distinct:,} distinct pieces of content (each campaign\u2019s letter once)"
                + (f" and {_plural(additions, 'personal addition')} of {MIN_ADDITION_WORDS} words or more its "
                   "senders wrote to it, taken separately" if additions else ""))
    return "each letter once, its senders\u2019 own additions separately"


def _figure(row: dict) -> str:
    text = f"{row['value']:.2f}"
    if row.get("ci_low") is not None and row.get("ci_high") is not None:
        text += f" (95% interval {row['ci_low']:.2f} to {row['ci_high']:.2f})"
    return text


def _coding_summary(b: BriefingData) -> str:
    """One paragraph: who coded what, and how well the machine agrees with the analysts."""
    c = b.coding
    noun = _respondent_noun(b)
    agree = {r["metric"]: r for r in c["agreement"]}
    text = (f"Responses were coded with the analysts' codeframe (version {c['codeframe']['version']}, "
            f"{c['codeframe']['n_codes']} codes). Analysts coded {c['n_hand_coded']:,} of the {b.n_analysed:,} "
            f"{noun} by hand"
            + (f", and {c['n_copies_of_hand_coded']:,} word-for-word copies of those took the same codes"
               if c.get("n_copies_of_hand_coded") else "")
            + f"; a classifier trained on their coding coded the other {c['n_machine_coded']:,}. "
            f"Checked against the analysts by cross-validation, the machine's coding agrees with an F1 of "
            f"{_figure(agree['micro_f1'])} over all codes, {_figure(agree['macro_f1'])} averaged over codes.")
    if c.get("analyst_agreement"):
        a = {r["metric"]: r for r in c["analyst_agreement"]}
        text += (f" Two analysts coding the same {int(a['micro_f1']['n']):,} {noun} agreed with an F1 of "
                 f"{_figure(a['micro_f1'])}.")
    text += f" A {noun[:-1]} can carry more than one code; sizes count the {noun} given each code."
    if _any_estimated(b):
        text += (" A classifier tuned to agree with analysts gives a code it is unsure of too often or too rarely, "
                 "so shares are estimated: the machine\u2019s probabilities for the responses it coded are added up, "
                 f"scaled by how far they overshoot the analysts\u2019 own count {_calibrated_on(b)}, "
                 "and the interval includes the uncertainty of that scaling.")
        if _calibration_caution(b):
            text += " " + _calibration_caution(b)
    return text


def _calibrated_on(b: BriefingData) -> str:
    """Which hand-coded responses the estimated shares are calibrated on ("on the 300 drawn at random
    ..."): not those the active sampler chose for being hard to code, which are not like the rest
    (:func:`helpers.coding.estimated_shares`)."""
    c, noun = b.coding, _respondent_noun(b)
    chosen = int(c.get("n_chosen_by_sampler") or 0)
    if not chosen or not c.get("shares_calibrated_on_random"):
        return f"on the {noun} the analysts coded"
    return (f"on the {c['n_hand_coded'] - chosen:,} hand-coded {noun} drawn at random (not the {chosen:,} the tool "
            "chose for being hard to code, which are not like the rest)")


def _calibration_caution(b: BriefingData) -> str:
    """A warning when shares could only be calibrated on responses chosen for being hard to code: all of
    them, or the codes no response drawn at random carries."""
    c = b.coding
    chosen = int(c.get("n_chosen_by_sampler") or 0)
    if not chosen:
        return ""
    if not c.get("shares_calibrated_on_random"):
        return (f"{chosen:,} of the hand-coded {_respondent_noun(b)} were chosen for being hard to code and too "
                "few were drawn at random, so the estimates may be off and their intervals too narrow: code a "
                "sample drawn at random as well.")
    on_all = b.themes.loc[b.themes.get("calibrated_on", pd.Series("", index=b.themes.index)).eq("all"), "code_id"]
    if not len(on_all):
        return ""
    codes = ", ".join(_short(code, MAX_TERM) for code in on_all)
    return (f"No hand-coded {_respondent_noun(b, singular=True)} drawn at random carries code{'s' if len(on_all) > 1 else ''} "
            f"{codes}, so {'their shares are' if len(on_all) > 1 else 'its share is'} calibrated on every "
            "hand-coded response, including those chosen for being hard to code: the interval may be too narrow.")


#: Hand-coded examples of a code below which its agreement gets no interval: a percentile bootstrap of
#: a handful collapses to one value ("0.00 (0.00 to 0.00)"), which reads as certainty.
MIN_CODE_EXAMPLES = 10


def coding_method_html(b: BriefingData) -> str:
    """The methodology annex's part on coding: sample size, method, agreement figures (or ``""``)."""
    c = b.coding
    if not c:
        return ""
    noun = _respondent_noun(b)
    rows = []
    for label, key in (("Machine vs analysts", "agreement"), ("Analyst vs analyst", "analyst_agreement")):
        for r in c.get(key) or []:
            rows.append({"Comparison": label, "Measure": {"micro_f1": "Micro F1", "macro_f1": "Macro F1",
                                                          "mean_kappa": "Cohen's kappa (mean over codes)"}[r["metric"]],
                         "Value": f"{r['value']:.2f}",
                         "95% interval": (f"{r['ci_low']:.2f} to {r['ci_high']:.2f}"
                                          if r.get("ci_low") is not None else "not computed"),
                         f"{noun.capitalize()} compared": f"{int(r['n']):,}"})
    text = (f"The codes come from the analysts' codeframe (version {c['codeframe']['version']}). Analysts "
            f"hand-coded {c['n_hand_coded']:,} {noun}; a multi-label classifier (TF-IDF over words, phrases and "
            "character sequences, one logistic regression per code, each with a probability threshold tuned by "
            f"cross-validation) coded the remaining {c['n_machine_coded']:,}"
            + (f" ({c['n_copies_of_hand_coded']:,} word-for-word copies of hand-coded {noun} took the analysts' "
               "codes)" if c.get("n_copies_of_hand_coded") else "")
            + ". Agreement was measured by "
            f"{c['cv_folds']}-fold cross-validation on the hand-coded {noun}: each was coded by a model that had "
            "not seen it. Micro F1 pools every decision; macro F1 averages the codes, so rare codes weigh as much "
            f"as common ones; kappa corrects for chance agreement. Intervals are {c['agreement_method']}. "
            + ("A code's share is estimated: the machine's probabilities for the responses it coded are added up "
               f"and scaled by how far they overshoot the analysts' count {_calibrated_on(b)} (calibrated "
               "probabilistic classify-and-count), and its interval resamples those responses. Its count "
               "of responses is the machine's decisions, which carry the machine's errors."
               + (" " + _calibration_caution(b) if _calibration_caution(b) else "")
               if _any_estimated(b) else
               "Counts of machine-coded responses carry the machine's errors, which their intervals do not include."))
    if c.get("untrained_codes"):
        text += (f" Codes with too few hand-coded examples to learn ({', '.join(map(str, c['untrained_codes']))}) "
                 "were applied only by analysts.")
    out = (report.heading("Coding", 3) + report.paragraph(text)
           + report.table_html(pd.DataFrame(rows), caption="Agreement of the coding"))
    per = b.code_agreement
    if per is not None and len(per):  # each code's own figures: a code can be far weaker than the average

        def figure(value: Any, low: Any = None, high: Any = None, n: int = MIN_CODE_EXAMPLES) -> str:
            if pd.isna(value):
                return "not measured"
            if n < MIN_CODE_EXAMPLES and low is not None:  # "0.00 (0.00 to 0.00)" from 3 examples says nothing
                return f"{value:.2f} (too few examples for an interval)"
            return f"{value:.2f}" + (f" ({low:.2f} to {high:.2f})" if low is not None and pd.notna(low) else "")

        table = pd.DataFrame({
            "Code": [_short(c, MAX_TERM) for c in per["code_id"]],
            "Name": [_short(n, MAX_LABEL) for n in per["name"]],
            f"Hand-coded {noun} with it": [f"{int(n):,}" for n in per["n_true"]],
            "Precision": [figure(v) for v in per["precision"]],
            "Recall": [figure(v) for v in per["recall"]],
            "F1 (95% interval)": [figure(v, lo, hi, k) for v, lo, hi, k in zip(per["f1"], per["f1_low"], per["f1_high"],
                                                                               per["n_true"], strict=True)],
            "Kappa (95% interval)": [figure(v, lo, hi, k) for v, lo, hi, k in zip(per["kappa"], per["kappa_low"],
                                                                                  per["kappa_high"], per["n_true"],
                                                                                  strict=True)],
            "Coded by machine": ["yes" if m else "no: analysts only" for m in per["machine_coded"]],
        })
        out += report.table_html(table, caption="Agreement of the machine with the analysts, code by code")
    return out


def themes_section(b: BriefingData) -> str:
    """Themes ranked by size, each with its key terms and two or three quotes cited by comment id."""
    n = b.n_analysed
    if _too_few_for_themes(b):  # the text itself, quoted, instead of themes
        reason = _too_few_for_themes(b)
        body = report.paragraph(f"No themes were sought: {reason}. A theme is what several "
                                f"{_respondent_noun(b)} have in common, so there is nothing to group.")
        for cid, text in b.quotes.get(0, []):
            body += _quote(b, text, cid)
        return report.section("Themes", body, id="themes")
    parts = [report.paragraph(
        f"Themes were found automatically in the words of the {n:,} {_respondent_noun(b)}; a comment can "
        f"belong to more than one theme. Sizes count the comments in each theme."
    ) if not b.coding else report.paragraph(_coding_summary(b))]
    if not b.coding and _campaign_themes_note(b):
        parts.append(report.paragraph(_campaign_themes_note(b)))
    table = _themes_overview_table(b, n)
    if n >= SMALL_N and len(_ranked_themes(b)):
        themes = _ranked_themes(b)
        estimated = np.array([_estimated(t, n) for _, t in themes.iterrows()], dtype=bool)
        share, low, high = themes["share"], themes["ci_low"], themes["ci_high"]
        if estimated.any():
            share, low, high = (themes[e].where(estimated, c) for e, c in (
                ("estimate", share), ("estimate_low", low), ("estimate_high", high)))
        data = themes.assign(label=[_label(t) for _, t in themes.iterrows()], percent=share * 100,
                             low=low * 100, high=high * 100)
        largest = data.iloc[0]
        what = "Estimated share" if estimated.any() else "Share"
        # the first is "the most common" only when its interval clears the second's
        tied = len(data) > 1 and _top_two_tied(data["low"].iloc[0], data["high"].iloc[1])
        title = (f"\u201c{largest['label']}\u201d and \u201c{data['label'].iloc[1]}\u201d are the most common themes"
                 if tied else f"\u201c{largest['label']}\u201d is the most common theme")
        fig = plots.bar_chart(data, label_col="label", value_col="percent", ci_low_col="low", ci_high_col="high",
                              title=title, value_format=lambda v: _whole_percent(v / 100),
                              xlabel=f"{what} of {n:,} {_respondent_noun(b)}, with 95% intervals")
        figures = "; ".join(f"{r.label} {_whole_percent(r.percent / 100)} ({_whole_percent(r.low / 100)} to "
                            f"{_whole_percent(r.high / 100)})" for r in data.itertuples())
        parts.append(plots.figure_html(
            fig, alt=f"Bar chart of the {what.lower()} of {_respondent_noun(b)} in each of {len(data)} themes, "
                     f"with 95% intervals: {figures}.",
            caption="Share of comments in each theme. Bars show the estimate; lines show the 95% interval."
                    + (f" Not shown: {_plural(len(b.themes) - len(data), 'code')} left to analysts, whose share of all "
                       "responses is not known." if len(data) < len(b.themes) else ""),
            data=table, data_caption="Themes and their sizes"))
    else:
        parts.append(report.table_html(table, caption="Themes and how many comments raised each",
                                       numeric=["Comments"]))
    by_theme = b.sentiment_by_theme.set_index("theme_id") if len(b.sentiment_by_theme) else None
    for _, t in b.themes.iterrows():
        terms = [_short(term, MAX_TERM) for term in list(t["top_terms"])[:10]]
        key_terms = f" Key terms: {', '.join(terms)}." if terms else ""
        if b.coding and _left_to_analysts(t):
            body = report.paragraph(
                f"Given by analysts to {_hand_coded_count(b, t)}. Too few examples for the machine to learn, so the "
                f"other {int(b.coding.get('n_machine_coded', 0)):,} were not coded for it: its share of all {_respondent_noun(b)} is not known.{key_terms}")
        elif _estimated(t, n):
            body = report.paragraph(
                f"Coded in {int(t['size']):,} of the {n:,} {_respondent_noun(b)}; allowing for the machine\u2019s "
                f"uncertain decisions, {_share_of(t, n)} carry it.{key_terms}")
        else:
            body = report.paragraph(f"Raised in {describe_share(int(t['size']), n)}{'' if n < SMALL_N else ' of'} "
                                    f"{_respondent_noun(b)}.{key_terms}")
        rolled = int(t.get("size_with_children", t["size"])) if b.coding else int(t["size"])
        if rolled > int(t["size"]):  # a parent code: its own responses and those of the codes under it
            from .codeframe import descendants

            under = descendants(dict(zip(b.themes["code_id"], b.themes["parent"], strict=True)), t["code_id"])
            body += report.paragraph(
                f"With the codes under it ({', '.join(_short(c, MAX_TERM) for c in under)}): "
                f"{describe_share(rolled, n)}{'' if n < SMALL_N else ' of'} {_respondent_noun(b)}.")
        if by_theme is not None and t["theme_id"] in by_theme.index:
            s = by_theme.loc[t["theme_id"]]
            body += report.paragraph(
                f"Tone in this theme: {int(s['n_positive']):,} positive, {int(s['n_neutral']):,} neutral, "
                f"{int(s['n_negative']):,} negative.")
        quotes = b.quotes.get(int(t["theme_id"]), [])
        for cid, text in quotes:
            body += _quote(b, report.theme_excerpt(text, list(t["top_terms"])[:10]), cid)
        if not quotes and int(t["size"]) and int(b.theme_notes.get("parameters", {}).get("n_quotes", MAX_QUOTES)) > 0:
            body += report.paragraph("No comment in this theme can be quoted (none whose author agreed to "
                                     "publication, or none with text of its own).")
        name = f"Code {_short(t['code_id'], MAX_TERM)}" if b.coding else f"Theme {int(t['theme_id'])}"
        if b.coding and isinstance(t.get("parent"), str) and t["parent"]:
            name += f" (under {_short(t['parent'], MAX_TERM)})"
        parts.append(report.section(f"{name}: {_label(t)}", body, level=3,
                                    id=f"theme-{int(t['theme_id'])}"))
    return report.section("Themes", "".join(parts), id="themes")


#: Stated positions are given in the summary when at least this many texts state one.
MIN_STATED = 5
_POSITION_ROWS = {"oppose": "Oppose the proposal", "support": "Support it", "mixed": "Both",
                  "none": "Neither, in so many words"}


def _stated(b: BriefingData) -> tuple[dict, int]:
    """The count of texts stating each position, and how many state any, where there is a proposal to
    take a side on: a consultation's or docket's responses, or a run that names its proposal
    (``proposal_terms``). Not for blog threads or votes on statements ("I agree with this." answers another
    comment), nor petitions (each is its own proposal)."""
    terms = (b.sentiment_notes.get("parameters") or {}).get("proposal_terms")
    about_a_proposal = _respondent_noun(b) == "responses" or (terms and _respondent_noun(b) != "petitions")
    counts = (b.sentiment_notes.get("position_counts") or {}) if about_a_proposal else {}
    return counts, sum(int(counts.get(p, 0)) for p in ("oppose", "support", "mixed"))


def _positions_sentence(b: BriefingData) -> str:
    """"At least 236 of the 467 responses (51%) say in so many words that they oppose the proposal, and
    at least 12 (3%) that they support it; ..." with each campaign once, or "" when fewer than
    :data:`MIN_STATED` say. No interval: the counts are lower bounds, and support is missed more often than
    opposition, a bias no interval shows."""
    counts, stated = _stated(b)
    n = b.n_analysed
    if stated < MIN_STATED or n < 2:
        return ""
    noun = _respondent_noun(b)

    def share(k: int) -> str:
        return "" if n < SMALL_N else f" ({describe_share(k, n, interval=False)})"

    out = (f"At least {counts['oppose']:,} of the {n:,} {noun}{share(counts['oppose'])} say in so many words that "
           f"they oppose the proposal, and at least {counts['support']:,}{share(counts['support'])} that they "
           "support it")
    if counts.get("mixed"):
        out += f" ({_plural(int(counts['mixed']), _respondent_noun(b, singular=True))} both)"
    out += ("; support is put in more ways than opposition and is missed more often, so compare the two with care")
    content = b.sentiment_notes.get("content_position_counts")
    if content and b.campaign_notes and b.campaign_notes["n_campaigns"]:
        m = sum(int(v) for v in content.values())
        out += (f". Counting each campaign\u2019s letter once ({m:,} texts), {content['oppose']:,} oppose it and "
                f"{content['support']:,} support it")
    return out + "."


def _polite_opposition(b: BriefingData) -> str:
    """": 223 of the 236 responses that oppose the proposal read as positive" (CMS) when at least half of
    those opposing read as positive in tone (a polite letter urging rejection), else ""."""
    counts, stated = _stated(b)
    oppose = int(counts.get("oppose", 0))
    positive = int(((b.sentiment_notes.get("position_by_tone") or {}).get("oppose") or {}).get("positive", 0))
    if stated < MIN_STATED or not oppose or positive * 2 < oppose:
        return ""
    return f": {positive:,} of the {oppose:,} {_respondent_noun(b)} that oppose the proposal read as positive"


def positions_section(b: BriefingData) -> str:
    """What the texts say their position on the proposal is, in so many words; "" when none says."""
    counts, stated = _stated(b)
    if not stated:
        return ""
    n = b.n_analysed
    noun = _respondent_noun(b)
    by_tone = b.sentiment_notes.get("position_by_tone") or {}
    content = b.sentiment_notes.get("content_position_counts")
    once = bool(content and b.campaign_notes and b.campaign_notes["n_campaigns"])
    table = pd.DataFrame({
        "Position stated": list(_POSITION_ROWS.values()),
        noun.capitalize(): [int(counts.get(p, 0)) for p in _POSITION_ROWS],
        **({"Share": [describe_share(int(counts.get(p, 0)), n, interval=False) for p in _POSITION_ROWS]}
           if n >= SMALL_N else {}),
        **({"Counting each campaign\u2019s letter once": [int(content.get(p, 0)) for p in _POSITION_ROWS]}
           if once else {}),
        "Read as positive in tone": [int((by_tone.get(p) or {}).get("positive", 0)) for p in _POSITION_ROWS],
    })
    body = report.paragraph(
        _positions_sentence(b) or f"{_plural(stated, _respondent_noun(b, singular=True))} of {n:,} "
        "state a position on the proposal in so many words; the others do not say either way.")
    body += report.table_html(table, caption="Positions stated on the proposal",
                              numeric=[c for c in table.columns if c not in ("Position stated", "Share")])
    for position, words in (("oppose", "Opposing the proposal"), ("support", "Supporting it")):
        quotes = b.position_quotes.get(position) or []
        if quotes:
            body += report.paragraph(f"{words}, for example:")
            for cid, sentence in quotes:
                body += _quote(b, sentence, cid)
    terms = (b.sentiment_notes.get("parameters") or {}).get("proposal_terms") or []
    body += report.paragraph(
        "This counts only what people say outright: \u201cI oppose\u201d, \u201cwe support\u201d, \u201cI urge you "
        "to reject\u201d, \u201cthe proposal should not go ahead\u201d, where what they oppose or support is named "
        "as the proposal (\u201cthis proposal\u201d, \u201cthe rule\u201d, \u201cthese changes\u201d"
        + (", " + ", ".join(f"\u201c{_short(t, MAX_TERM)}\u201d" for t in terms) if terms else "")
        + "). A response that argues against the proposal without saying so is counted as neither, so read "
        "each count as at least this many; support is put in more ways than opposition and is missed more often "
        "(see the methodology annex). Tone is a different thing: a polite letter urging rejection reads as "
        "positive.")
    return report.section("Stated positions", body, id="positions")


#: Evidence-rich texts in the briefing's table; the rest, up to EVIDENCE_LISTED, in a disclosure below it, and all of them
#: in the run folder and ``05_sentiment``.
EVIDENCE_SHOWN = 15
#: Evidence-rich texts listed in all: those after the first EVIDENCE_SHOWN in a disclosure below the table.
EVIDENCE_LISTED = 100
#: Characters of the sentence that shows a text's evidence.
EVIDENCE_CUE_CHARS = 300
_EVIDENCE_WORDS = {"figures": "figures", "examples": "examples", "experience": "first-hand or professional experience",
                   "suggestions": "reasoned suggestions"}


def _evidence_found(b: BriefingData) -> int:
    """How many submissions are evidence-rich, where that is worth saying: not for petitions (each is
    its own proposal, read whole) and not before the sentiment stage read evidence; 0 otherwise."""
    if b.evidence is None or _respondent_noun(b) == "petitions" or b.n_analysed < 2:
        return 0
    return int((b.sentiment_notes.get("evidence_counts") or {}).get("rich", 0))


def _evidence_sentence(b: BriefingData, *, listed: bool = True) -> str:
    """"31 of the 467 responses (7%) give detailed evidence (...): they are worth reading in full, and
    the section on evidence-rich responses lists them." (without where they are listed: ``listed=False``),
    or ""."""
    rich = _evidence_found(b)
    if not rich:
        return ""
    n, noun = b.n_analysed, _respondent_noun(b)
    distinct = len(b.evidence)
    notes = ([describe_share(rich, n, interval=False)] if n >= SMALL_N else []) + (
        [f"{distinct:,} distinct {'text' if distinct == 1 else 'texts'}"] if distinct != rich else [])
    share = f" ({'; '.join(notes)})" if notes else ""
    return (f"{rich:,} of the {n:,} {noun}{share} give detailed evidence (at least two of figures, concrete "
            "examples, first-hand or professional experience and reasoned suggestions): they are worth reading in "
            "full" + (f", and the section on evidence-rich {noun} lists them." if listed else "."))


def evidence_section(b: BriefingData) -> str:
    """The evidence-rich texts, most kinds of evidence first, with the sentence that shows it; "" when
    there are none (or for petitions)."""
    rich = _evidence_found(b)
    if not rich:
        return ""
    noun, n = _respondent_noun(b), b.n_analysed
    counts = b.sentiment_notes.get("evidence_counts") or {}
    figures, examples, experience, suggestions = (f"{int(counts.get(k, 0)):,} {w}" for k, w in _EVIDENCE_WORDS.items())
    content = b.sentiment_notes.get("content_evidence_counts")
    once = ""
    if content and b.campaign_notes and b.campaign_notes["n_campaigns"]:  # a letter's copies are one text
        m = sum(int(v) for v in (b.sentiment_notes.get("content_position_counts") or {}).values())
        kinds = [f"{int(content.get(k, 0)):,} {w}" for k, w in _EVIDENCE_WORDS.items()]
        once = (f" Counting each campaign\u2019s letter once{f' ({m:,} texts)' if m else ''}, "
                f"{kinds[0].replace(' ', ' give ', 1)}, {kinds[1]}, {kinds[2]} and {kinds[3]}.")
    body = report.paragraph(
        f"{_evidence_sentence(b, listed=False)} Of all {n:,} {noun}, {figures.replace(' ', ' give ', 1)}, {examples}, "
        f"{experience} and {suggestions}.{once} A {_respondent_noun(b, singular=True)} is evidence-rich when it gives "
        f"two kinds or more in at least {MIN_EVIDENCE_WORDS} words.")
    shown = b.evidence.head(EVIDENCE_SHOWN)
    # the same columns for every row listed: a column shown for the first rows is shown for the rest
    named = b.evidence["sent_by"].head(EVIDENCE_LISTED).ne("").any()
    copied = (b.evidence["copies"].head(EVIDENCE_LISTED) > 1).any()
    marked = "campaign" in b.evidence.columns and b.evidence["campaign"].head(EVIDENCE_LISTED).ne("").any()

    def rows_table(rows: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({
            _respondent_noun(b, singular=True).capitalize(): rows["comment_id"].astype(str),
            **({"Sent by": [_short(v, MAX_LABEL) for v in rows["sent_by"]]} if named else {}),
            "Evidence": [", ".join(ks) for ks in rows["kinds"]],
            "Words": rows["words"].astype(int),
            **({"Copies": rows["copies"].astype(int)} if copied else {}),
            **({"Campaign": rows["campaign"]} if marked else {}),
            "Where it gives it": [_short(c, EVIDENCE_CUE_CHARS) if not report._is_missing(c) else "(not quoted)"
                                  for c in rows["cue"]],
        })

    table = rows_table(shown)
    numeric = [c for c in ("Words", "Copies") if c in table.columns]
    listed = b.evidence.iloc[len(shown):EVIDENCE_LISTED]
    more = len(b.evidence) - len(shown) - len(listed)
    body += report.table_html(
        table, caption=(f"Evidence-rich {noun}, most kinds of evidence first"
                        + (f": the first {len(shown):,} of {len(b.evidence):,}" if len(listed) else "")),
        numeric=numeric, code=[table.columns[0]])
    if len(listed):  # an audit: a minister cannot open the notebook that listed the other 15 of NHS's 30
        body += report.details(
            f"The next {len(listed):,} evidence-rich {noun}",
            report.table_html(rows_table(listed), caption=f"Evidence-rich {noun}, most kinds of evidence first: "
                              f"{len(shown) + 1:,} to {len(shown) + len(listed):,} of {len(b.evidence):,}",
                              numeric=numeric, code=[table.columns[0]]))
    notes = []
    if "Sent by" in table.columns and "respondent_type" in b.comments.columns:
        notes.append("Sent by is the organisation the response names or, where it names none, the category its "
                     "sender chose, which nobody checked.")
    if "Campaign" in table.columns:
        notes.append("Campaign marks a copy of an organised campaign\u2019s letter, its evidence perhaps the "
                     "campaign\u2019s rather than the sender\u2019s own (see Organised campaigns).")
    if more > 0:
        notes.append(f"The other {more:,} are marked in the run’s sentiment table (column evidence_rich) and "
                     "listed in the 05_sentiment notebook.")
    if notes:
        body += report.paragraph(" ".join(notes))
    body += report.paragraph(
        "This reads the form of evidence, not whether it is true or relevant: a figure may be wrong and an "
        "anecdote may be unrepresentative. A text is read for its own words only; its attachments are not read. "
        "The methodology annex says how the kinds are recognised and how well that agreed with a reader.")
    return report.section(f"Evidence-rich {noun}", body, id="evidence")


def sentiment_section(b: BriefingData) -> str:
    """Tone of the comments overall and by theme, with what automated scoring cannot see."""
    n = b.n_analysed
    if not n:
        return report.section("Tone", report.paragraph(f"No {_respondent_noun(b, singular=True)} had text to score."),
                              id="tone")
    counts = b.sentiment_notes["label_counts"]
    body = report.paragraph(
        f"Of {_n_respondents(b, n)}, {describe_share(counts['positive'], n)} read as positive, "
        f"{describe_share(counts['neutral'], n)} as neutral and {describe_share(counts['negative'], n)} as negative "
        f"(VADER scores of at least +{POSITIVE_THRESHOLD} or at most \u2212{abs(NEGATIVE_THRESHOLD)})."
    )
    content = b.sentiment_notes.get("content_label_counts")
    if content and b.campaign_notes and b.campaign_notes["n_campaigns"]:
        m = int(b.sentiment_notes["content_n_scored"])
        body += report.paragraph(
            f"Counting {_each_once(b)} ({m:,} texts: {_units_make_up(b, m)}), {describe_share(content['positive'], m)} "
            f"read as positive, {describe_share(content['neutral'], m)} as neutral and "
            f"{describe_share(content['negative'], m)} as negative.")
    if len(b.sentiment_by_theme):
        labels = {t["theme_id"]: _label(t) for _, t in b.themes.iterrows()}
        table = pd.DataFrame({
            "Theme": [f"{int(t)}. {labels.get(t, '')}" for t in b.sentiment_by_theme["theme_id"]],
            "Comments": b.sentiment_by_theme["n"].astype(int),
            "Positive": b.sentiment_by_theme["n_positive"].astype(int),
            "Neutral": b.sentiment_by_theme["n_neutral"].astype(int),
            "Negative": b.sentiment_by_theme["n_negative"].astype(int),
            "Average score (\u22121 to +1)": b.sentiment_by_theme["mean_compound"].map("{:+.2f}".format),
        })
        body += report.table_html(table, caption="Tone by theme",
                                  numeric=["Comments", "Positive", "Neutral", "Negative",
                                           "Average score (\u22121 to +1)"])
    if b.negative_terms:  # what the criticism is about, where themes are mostly praise
        distinct = int(b.sentiment_notes.get("n_negative_distinct", counts["negative"]))
        once = ("each campaign\u2019s letter counted once" if b.campaign_notes and b.campaign_notes["n_campaigns"]
                else "a text sent word for word several times counted once")
        read = (f"how many of {NEGATIVE_TERMS_TEXTS:,} of them, drawn at random, use it"
                if distinct > NEGATIVE_TERMS_TEXTS else "how many of them use it")
        listed = ", ".join(f"\u201c{_short(t['term'], MAX_TERM)}\u201d ({int(t['n_negative']):,})"
                           for t in b.negative_terms)
        body += report.paragraph(
            f"What the {distinct:,} distinct {_respondent_noun(b)} scored negative mention more often than the "
            f"others ({once}; in brackets, {read}): {listed}."
            + (" For example:" if b.negative_quotes else ""))
        for cid, text in b.negative_quotes:
            body += _quote(b, text, cid)
    body += report.paragraph(
        "Automated scoring reads word choice, not meaning: it misses sarcasm and irony, negation that spans "
        "sentences, words whose tone depends on the subject, and criticism put politely (\u201cit would be "
        "better if the wait were shorter\u201d reads as positive; in NHS patient feedback, 4 in 10 of the "
        "comments human coders marked critical read as positive). Treat it as a rough guide to mood, "
        "not as a measure of support or opposition."
    )
    return report.section("Tone", body, id="tone")


def _present(b: BriefingData, column: str) -> bool:
    return column in b.comments.columns and bool(b.comments[column].notna().any())


def _type_label(value: Any) -> str:
    """A respondent type as a table shows it: "Individual", "Organisation" (normalised types are lower case)."""
    text = _short(value, MAX_LABEL)
    return text.capitalize() if text in _TYPE_PLURALS else text


#: A respondent-type table longer than this shows the largest types and adds up the rest in one row.
MAX_TYPE_ROWS = 12


def _fold_small_types(table: pd.DataFrame, order: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``table`` (sorted by ``order``, largest first) cut to ``MAX_TYPE_ROWS`` rows: the largest types and
    one row adding up the rest ("30 other types"); and the rows added up (none when ``table`` is no
    longer than ``MAX_TYPE_ROWS``). Types as large as one added up are added up too, unless that would
    leave none shown. "Not stated" is never added up: it is not a type."""
    if len(table) <= MAX_TYPE_ROWS:
        return table, table.iloc[:0]
    unstated = table["Respondent type"].eq("Not stated")
    keep = (table.index < MAX_TYPE_ROWS - 1 - int(unstated.iloc[MAX_TYPE_ROWS - 1:].any())) | unstated
    cut = table.loc[~keep & ~unstated, order].max()
    if (table.loc[~unstated, order] > cut).any():  # types as large as one added up are added up too
        keep = (table[order] > cut) | unstated
    rest = table[~keep]
    other = rest.drop(columns="Respondent type").sum().astype(int).to_frame().T
    other.insert(0, "Respondent type", f"{len(rest)} other types")
    return pd.concat([table[keep], other], ignore_index=True), rest


def breakdown_section(b: BriefingData) -> str:
    """Counts by respondent type and by question, and the main themes of each question.

    Shown only when the source records ``respondent_type`` or ``question_id``; otherwise ``""``.
    The contributions column counts those analysed for themes; the respondents column counts every
    respondent of the respondents table (a consultation's), or else the distinct respondents among
    the analysed contributions.
    """
    has_type, has_question = _present(b, "respondent_type"), _present(b, "question_id")
    if not (has_type or has_question):
        return ""
    analysed = stages.analysed_comments(b.comments)
    noun = _respondent_noun(b)
    everyone = _respondent_types(b) is not None
    parts = [report.paragraph(
        f"{noun.capitalize()} counts the {b.n_analysed:,} {noun} analysed for themes"
        + ("; Respondents counts everyone who responded, including those who answered only closed questions"
           if everyone else "")
        + (". A respondent may answer several questions, and one" if has_question else ". One")
        + f" {noun[:-1]} can belong to more than one theme.")]
    if has_type:
        kind = analysed["respondent_type"].fillna("Not stated").map(_type_label)
        table = pd.DataFrame({"Respondent type": kind}).value_counts().rename(noun.capitalize()).reset_index()
        types = _respondent_types(b)
        if types is not None:
            # every respondent, including those whose only answers were closed ones or non-answers
            people = types.groupby(["Not stated" if pd.isna(t) else _type_label(t) for t in types.index]).sum()
            table = table.merge(people.rename("Respondents").rename_axis("Respondent type").reset_index(),
                                on="Respondent type", how="outer")
            table[noun.capitalize()] = table[noun.capitalize()].fillna(0).astype(int)
            table = table[["Respondent type", "Respondents", noun.capitalize()]]
        elif "respondent_id" in analysed.columns and analysed["respondent_id"].notna().any():
            people = (pd.DataFrame({"Respondent type": kind, "id": analysed["respondent_id"]}).dropna()
                      .groupby("Respondent type")["id"].nunique())
            table["Respondents"] = table["Respondent type"].map(people).fillna(0).astype(int)
        copies = ""
        if b.campaign_member_ids:  # a campaign's senders can fill a category (an audit: 15 of CMS's 38
            # "Government - Federal" responses were copies of the form letter)
            sent = analysed["comment_id"].astype(str).isin(b.campaign_member_ids).to_numpy()
            table["Of which campaign letters"] = table["Respondent type"].map(
                pd.Series(sent).groupby(kind.to_numpy()).sum()).fillna(0).astype(int)
            copies = " The last column counts the copies of organised campaigns\u2019 letters among them."
        order = "Respondents" if "Respondents" in table.columns else noun.capitalize()
        table = table.sort_values([order, "Respondent type"], ascending=[False, True], kind="stable")
        table = table.reset_index(drop=True)
        caption = f"{noun.capitalize()} by respondent type"
        shown, rest = _fold_small_types(table, order)
        body = report.paragraph("Respondent types are as respondents described themselves; they were not checked."
                                + copies)
        if len(rest):  # an audit: CMS's 41 self-chosen types made a table of 42 rows, most of them one or two
            n_types = len(table) - int(table["Respondent type"].eq("Not stated").any())
            body += report.paragraph(
                f"The {n_types - len(rest)} largest of the {n_types} types are shown; the other {len(rest)}, with "
                f"at most {_plural(int(rest[order].max()), order.lower()[:-1])} each, are added up in the last row "
                "and listed in full below the table.")
        body += report.table_html(shown, caption=caption)
        if len(rest):
            body += report.details(f"All {n_types} respondent types",
                                   report.table_html(table, caption=f"{caption}, every type"))
        parts.append(report.section("By respondent type", body, level=3, id="by-respondent-type"))
    if has_question:
        question = analysed["question_id"].fillna("Not stated").map(lambda v: _short(v, MAX_LABEL))
        per_q = question.value_counts().rename_axis("Question").rename(noun.capitalize())
        labels = {int(t["theme_id"]): _label(t) for _, t in b.themes.iterrows()}
        main = b.assignments[b.assignments["is_main"]].dropna(subset=["theme_id"])
        q_of = dict(zip(analysed["comment_id"], question, strict=True))
        joined = pd.DataFrame({"Question": main["comment_id"].map(q_of), "theme_id": main["theme_id"].astype(int)})
        top = (joined.dropna().value_counts().rename("n").reset_index()
               .sort_values(["Question", "n", "theme_id"], ascending=[True, False, True], kind="stable"))
        main_themes = top.groupby("Question").head(3).groupby("Question").apply(
            lambda g: "; ".join(f"{labels.get(t, t)} ({n:,})" for t, n in zip(g["theme_id"], g["n"], strict=True)),
            include_groups=False)
        table = per_q.reset_index()
        ex = b.exclusions
        if "question_id" in ex.columns and ex["reason"].eq("non_answer").any():
            # answers left out as non-answers ("Nothing", "N/A"), by question: to "what could be
            # improved?" a third of one trust's answers were "nothing", which the table did not show
            non = ex.loc[ex["reason"].eq("non_answer"), "question_id"].dropna().map(lambda v: _short(v, MAX_LABEL))
            counts = non.value_counts()
            table = table.merge(counts.rename("n").rename_axis("Question").reset_index(), on="Question", how="outer")
            table[noun.capitalize()] = table[noun.capitalize()].fillna(0).astype(int)
            table["Non-answers (not analysed)"] = table.pop("n").fillna(0).astype(int)
        tone = b.sentiment.set_index(b.sentiment["comment_id"].astype(str))["label"] if len(b.sentiment) else None
        if tone is not None:  # an audit: a "what could be improved?" question's answers were listed by their
            # praise themes; the share read as negative shows which questions drew criticism
            negative = analysed["comment_id"].astype(str).map(tone).eq("negative").to_numpy()
            by_q = pd.Series(negative).groupby(question.to_numpy()).agg(["sum", "size"])
            table["Read as negative in tone"] = [
                "" if q not in by_q.index else f"{by_q.at[q, 'sum']:,}" + (
                    f" ({by_q.at[q, 'sum'] / by_q.at[q, 'size']:.0%})" if by_q.at[q, "size"] >= SMALL_N else "")
                for q in table["Question"]]
        table["Most common main themes (comments)"] = table["Question"].map(main_themes).fillna("None")
        table = table.sort_values("Question", kind="stable").reset_index(drop=True)
        asked = {str(q["id"]): q["text"] for q in b.ingest.get("questions", [])}
        if asked:  # in the question map's order, the question as the file words it after its id
            position = {q: i for i, q in enumerate(asked)}
            table = table.sort_values("Question", key=lambda qs: qs.map(lambda q: position.get(q, len(position))),
                                      kind="stable").reset_index(drop=True)
            table["Question"] = [_question_label(q, asked.get(q, "")) for q in table["Question"]]
        # labels that are ids, not wording ("Trust A - Q1"; Global Dialogues' labels are the questions)
        ids_only = not asked and all(len(str(q)) <= 25 and "?" not in str(q) and len(str(q).split()) <= 4
                                     for q in table["Question"])
        unworded = (report.paragraph("The source names the questions only by these labels; it does not give "
                                     "their wording.") if ids_only else "")
        parts.append(report.section(
            "By question", unworded +
            report.table_html(table, caption=f"{noun.capitalize()} and their most common themes, by question",
                              numeric=[c for c in (noun.capitalize(), "Non-answers (not analysed)")
                                       if c in table.columns]),
            level=3, id="by-question"))
    by = " and ".join(w for w, present in (("question", has_question), ("respondent type", has_type)) if present)
    return report.section(f"{noun.capitalize()} by {by}", "".join(parts), id="breakdown")


def caveats_section(b: BriefingData) -> str:
    """What the analysis cannot tell you."""
    n = b.n_analysed
    petitions = _respondent_noun(b) == "petitions"
    voted = _voted_on_statements(b)
    items = [
        "The people who signed chose to do so: a signature count shows how many people supported a petition "
        "enough to sign it, not what the public as a whole thinks, and it also reflects how widely the petition "
        "was shared." if petitions else
        f"The people who {'took part' if voted else 'commented'} chose to do so: they are not a representative "
        "sample of the public, and their views cannot be generalised to the population.",
        # where people voted on the statements, the votes are the measure of support (an audit: "This is not
        # a vote" sat beside 5,303 votes)
        *([] if petitions else [
            "Each person voted only on the statements they were shown, and statements added later were seen by "
            "fewer people: each share says how many people it rests on. The themes and tone describe the "
            "wording of the statements, not how people voted on them." if voted else
            "This is not a vote. The number of people making a point shows how often it was made, not how "
            "much support it has; one well-argued comment can matter more than many brief ones."]),
        "Themes and tone were found by automated methods and should be read alongside the comments themselves.",
    ]
    note = small_corpus_note(n, (_respondent_noun(b, singular=True), _respondent_noun(b)))
    if note:
        items.insert(0, note)
    languages = _languages(b)
    if languages is not None and languages.drop("en", errors="ignore").sum():
        items.append(_language_sentence(languages) + " The theme model's stop words and the tone lexicon are "
                     "English: themes and tone describe those comments poorly.")
    if _chosen_coherence(b) < 0:
        items.append("The themes are loose groupings of words: their key terms occur in the same comments less "
                     "often than by chance (coherence below zero; see the methodology annex), as happens when "
                     "comments are short. A theme's label names its most characteristic words, not what every "
                     "comment in it says: read each theme with its quotes.")
    if _stated(b)[1]:
        items.append("Positions on the proposal are counted only where a response states one outright "
                     "(\u201cI oppose\u201d, \u201cI urge you to reject\u201d): read each count as at least this many.")
    n_placeholders = _n_placeholders(b)
    if n_placeholders:
        items.append(f"{n_placeholders:,} {'contribution only points' if n_placeholders == 1 else 'contributions only point'} "
                     "to an attached file (\u201cSee attached file(s)\u201d, or a cover note naming who sent it). "
                     "Attachments were not read, so what they say is not in this analysis."
                     + (" " + _unread_organisations_sentence(b, where="below")).rstrip())
    if _attachments_unread(b):
        items.append(_attachments_unread(b))
    few = _few_writers_sentence(b)
    if few:
        items.append(few)
    if len(_petitions(b)):
        items.append("Signatures are counted as the petitions site reports them: one per confirmed email address. "
                     "Signers declare that they are British citizens or UK residents, which is not checked, and a "
                     "signature says nothing about why someone signed.")
    if not b.records_writers and petitions:
        if n > 1:
            items.append("Who started each petition was not read, so we cannot tell whether one person started "
                         "several of them.")
    elif not b.records_writers:
        org = "organisation" in b.comments.columns and b.comments["organisation"].notna().any()
        items.append("The source does not record who wrote each comment"
                     + (" (for some, only the organisation they wrote for)" if org else "")
                     + ", so we cannot tell whether one person wrote several of them.")
    if int(b.overview["dates"]["n_dated"]) == 0:
        items.append("The source does not record when comments were written.")
    body = "<ul>" + "".join(f"<li>{report.esc(i)}</li>" for i in items) + "</ul>"
    orgs = b.unread_organisations
    if orgs is not None and len(orgs):  # whose views are missing, for an analyst to read their files
        table = orgs.rename(columns={"organisation": "Organisation", "responses": "Responses",
                                     "comment_id": "Response"})[["Organisation", "Responses", "Response"]]
        body += report.details(
            f"The {_plural(len(orgs), 'organisation')} whose {_respondent_noun(b)} only point to an attached file",
            report.table_html(table, caption="Organisations whose attachments were not read, in the order they "
                                             "responded (Response: the first)", numeric=["Responses"]))
    return report.section("Caveats", body, id="caveats")


#: A caveat says so when one writer wrote at least this share of the analysed comments.
ONE_WRITER_SHARE = 0.2


def _few_writers_sentence(b: BriefingData) -> str:
    """"31 of the 50 comments were written by one person, and 11 people wrote any: ..." when one writer
    wrote at least :data:`ONE_WRITER_SHARE` of the analysed comments (at least 5 of them, and more than
    the questions there were to answer), else "".

    In the Brexit-consensus conversation one participant seeded most statements: the themes then
    describe what one person wrote, which the briefing should say.
    """
    from .campaigns import senders

    rows = b.comments[analysable(b.comments)]
    who = senders(rows.drop(columns=["organisation"], errors="ignore"))
    if who is None:
        return ""
    counts = who.value_counts()
    n = len(rows)
    questions = rows["question_id"].nunique() if "question_id" in rows.columns else 1
    if not len(counts) or counts.iloc[0] < max(5, ONE_WRITER_SHARE * n) or counts.iloc[0] <= questions:
        return ""
    noun, unknown = _respondent_noun(b), int(who.isna().sum())
    return (f"{int(counts.iloc[0]):,} of the {n:,} {noun} were written by one person, and {len(counts):,} "
            f"{'person' if len(counts) == 1 else 'people'} wrote any"
            + (f" (the writer of {unknown:,} is not recorded)" if unknown else "")
            + (": the themes describe what a few people wrote (in a voting conversation, often the organiser’s "
               "opening statements); the votes say how widely a view is held." if _voted_on_statements(b) else
               ": the themes describe what a few people wrote, not how widely a view is held."))


def _voted_on_statements(b: BriefingData) -> bool:
    """Whether people voted on the statements themselves and were grouped by their votes (Polis)."""
    n = b.opinion_notes
    return bool(n and not n.get("skipped") and not n.get("per_question"))


def _positions_method(b: BriefingData) -> str:
    """How stated positions were read (:mod:`helpers.stance`)."""
    terms = (b.sentiment_notes.get("parameters") or {}).get("proposal_terms") or []
    return ("Each sentence was read for a statement of position whose object is the proposal: a verb of "
            "position after \u201cI\u201d, \u201cwe\u201d, \u201cour members\u201d or an organisation\u2019s "
            "name (support, welcome, endorse, favour; oppose, object to, reject), a request (\u201curge \u2026 to "
            "reject\u201d, \u201cask \u2026 to adopt\u201d, \u201cplease do not\u201d), or \u201c\u2026 should "
            "(not) go ahead\u201d. The proposal is a phrase headed by a word such as proposal, rule, plan, change, "
            "policy or scheme"
            + (f", or one of this run\u2019s own words for it ({', '.join(_short(t, MAX_TERM) for t in terms)})"
               if terms else "")
            + ", or a closing \u201cit\u201d or \u201cthis\u201d. \u201cI do not support\u201d is opposition, "
            "opposing the proposal\u2019s removal is support, and a question states nothing. A text whose "
            "statements go both ways counts as both. How well this works was checked on one US regulatory docket "
            "(CMS-2022-0163, the one the rules were written on) against one reader\u2019s labels: nearly every "
            "position found agreed with the reader, but about 9 in 10 of the stated objections were found and only "
            "2 in 10 of the stated expressions of support (5 in 10 with the docket\u2019s own words for its "
            "proposal). Other corpora may differ.")


def _evidence_method() -> str:
    """How evidence-rich texts were recognised (:mod:`helpers.evidence`), and how well that agreed with a reader."""
    return ("Each text was read for four kinds of evidence, the definition the UK government’s consultation "
            "analysis tool uses: figures (a percentage, a sum of money, a ratio, a count or measure of something; not "
            "a year or an age), examples given as such (“for example”, “such as” before a name), "
            "first-hand or professional experience (“in my experience”, “on behalf of our members”, "
            "what the writer does together with something that happened in it, or a story told in at least three "
            "first-person events; a job title alone is not enough) and suggestions with a reason (“we recommend "
            "… because”, “the directory should … so that”; asking for the proposal to be "
            f"rejected is a position, not a suggestion). A text giving two kinds or more in at least {MIN_EVIDENCE_WORDS} words is "
            "evidence-rich. Checked against one reader’s labels: on 150 NHS patient stories the rules were not "
            "written on, 21 of the 26 stories flagged were evidence-rich to the reader too, and 21 of the reader’s "
            "42 were flagged; on the US docket the rules were written on, about 7 in 10 of the texts flagged agreed, "
            "but only about 1 in 4 of the reader’s were flagged, chiefly because the reader counted a campaign "
            "letter’s critique of one data field as a concrete example, which a reading of words cannot see. So "
            "the list is a place to start reading, not all there is.")


def methodology_section(b: BriefingData) -> str:
    """Methods, parameters, exclusions and limits: enough to repeat the analysis."""
    ing, notes, sn = b.ingest, b.theme_notes, b.sentiment_notes
    excl = ", ".join(f"{c:,} {EXCLUSION_REASONS.get(r, r)}" for r, c in sorted(ing.get("excluded_by_reason", {}).items()))
    chosen = ("chosen automatically" if notes["chosen_automatically"] else "set by parameter")
    lo, hi = notes["bounds"]
    parts = [
        report.heading("Reading the data", 3),
        report.paragraph(
            f"The source ({ing['parameters']['source']}) was read with the \u201c{ing['format']}\u201d reader: "
            f"{ing['records_read']:,} records read, {ing['kept']:,} kept and {ing['excluded']:,} excluded"
            + (f" ({excl})" if excl else "") + ". Every excluded record is listed with its reason in "
            "exclusions.parquet in the run folder."),
        *_campaign_method(b),
        report.heading("Themes", 3),
        report.paragraph(f"No themes were sought: {_too_few_for_themes(b)}.") if _too_few_for_themes(b) else
        report.paragraph(
            ("Each comment was turned into a sentence embedding (the all-MiniLM-L6-v2 model, run offline), and "
             "k-means clustering (seeded, so the result is the same on every run) found "
             if notes.get("method") == "embeddings" else
             "Each comment was turned into TF-IDF weights over words and two-word phrases (English stop words "
             "removed; words that only say how good or bad something was, such as \u201cexcellent\u201d, count "
             "only inside a phrase, so that themes are about subjects, not praise), and non-negative matrix "
             "factorisation (scikit-learn NMF, seeded, so the result is the same on every run) found ")
            + f"{_plural(notes['n_themes'], 'theme')}, {chosen} within the bounds {lo} to {hi} "
            "that this corpus size allows"
            # an audit: NHS's 4 themes, the fewest tried, merged food, waiting and information into praise
            + (": the fewest tried, so a theme may hold several subjects; the n_themes parameter asks for more"
               if notes["chosen_automatically"] and notes["n_themes"] == lo < hi else "")
            + ". A comment belongs to every theme that carries at least "
            f"{notes['parameters']['assign_threshold']:.0%} of its weight"
            + ("" if notes.get("method") == "embeddings" else
               f" and whose key terms it uses (one of the theme's {N_KEY_TERMS} most characteristic terms)")
            + "; comments in no theme "
            "are reported as not assigned. Labels are built from each theme's most distinctive phrases and terms; "
            "quotes are the comments most typical of the theme, skipping near-copies and quoting at most one "
            "letter of a campaign."),
        *([] if _too_few_for_themes(b) else _theme_count_method(notes)),
        report.heading("Tone", 3),
        report.paragraph(
            "Sentiment was scored with VADER, using the reference implementation from the vaderSentiment "
            "package ("
            + ("each sentence scored, then averaged per comment" if sn["parameters"]["unit"] == "sentence"
               else "each comment scored whole")
            + "). NLTK's copy of VADER scores "
            "long texts differently; the reference behaviour is used here."),
        *([report.heading("Stated positions", 3), report.paragraph(_positions_method(b))] if _stated(b)[1] else []),
        *([report.heading("Evidence-rich texts", 3), report.paragraph(_evidence_method())] if _evidence_found(b)
          else []),
        *_opinions_method(b),
        report.heading("Intervals", 3),
        report.paragraph(
            f"Where at least {SMALL_N} comments were analysed, shares carry 95% Wilson intervals; below that "
            "only counts are given, because percentages of a handful of comments suggest a precision the data "
            "cannot carry. Each percentage is rounded on its own, so parts may add up to 99% or 101%, and a "
            "share of a side of a scale may differ by a point from the sum of its rounded answers."),
    ]
    parts.append(coding_method_html(b))
    parts += [report.heading("Personal data and quotes", 3), report.paragraph(_privacy_text(b))]
    return report.section("Methodology", "".join(parts), id="methodology")


def _opinions_method(b: BriefingData) -> list[str]:
    """How the opinion groups were found, with this run's figures (an audit: the annex had a subsection for
    every method but this one); nothing when there were no votes."""
    n = b.opinion_notes
    if not n or n.get("skipped"):
        return []
    votes = ("Votes were read as agree, disagree or pass; where someone changed a vote, the latest counts"
             + (f"; {_plural(int(n['n_statements_excluded']), 'statement')} the moderator rejected "
                f"{'was' if int(n['n_statements_excluded']) == 1 else 'were'} left out"
                if n.get("n_statements_excluded") else "") + ".")
    if n.get("per_question"):
        return [report.heading("Opinion groups", 3), report.paragraph(
            votes + " For each question, its answers are ranked by (agreeing + 1) / (voting + 2) among the "
            "people who voted on them, so an answer few saw does not rank first on a handful of votes.")]
    variance = n.get("explained_variance") or []
    axes = (f"; its two axes capture {_pct_text(variance[0])} and {_pct_text(variance[1])} of the variation in "
            "the votes, so it simplifies a great deal" if len(variance) == 2 else "")
    scores = ", ".join(f"{r['silhouette']:.2f} for {r['n_groups']}" for r in n.get("k_scores", [])
                       if r.get("silhouette") is not None)
    p = n.get("parameters", {})
    how_many = (f"set to {p['n_groups']} by parameter" if p.get("n_groups") else
                "chosen by the silhouette score, which measures how well separated the groups are (−1 to +1), "
                f"a larger number only when its score is higher by more than {p.get('k_margin', 0):g}"
                + (f" (here {scores})" if scores else ""))
    return [report.heading("Opinion groups", 3), report.paragraph(
        votes + " Each participant was placed on a two-dimensional map by principal component analysis of "
        "the votes (a missing vote taken at the statement’s average, and the position of someone who "
        f"voted on few statements scaled up so that they are not crowded into the centre){axes}. The "
        f"{int(n['n_clustered']):,} people who voted on at least {n['min_votes_applied']} statements were grouped "
        "by k-means clustering, first into up to 100 small clusters and then these into 2 to "
        f"{p.get('max_groups', 5)} groups, the number {how_many}. A statement sets a group apart when more "
        "than half of the group agrees (or disagrees) with it and a two-proportion test (one-sided, 90%) finds "
        "the group does so more than everyone else. Common ground is ranked by the product over groups of "
        "(agreeing + 1) / (voting + 2), so a small group counts as much as a large one, and what divides the "
        "groups by the widest gap between them in the share agreeing. This is the published method of Polis "
        "(github.com/compdemocracy/polis, math/).")]


def _chosen_coherence(b: BriefingData) -> float:
    """The coherence of the themes the briefing shows (NPMI, -1 to +1; NaN with machine coding, no themes,
    or no score recorded)."""
    if b.coding or _too_few_for_themes(b):
        return float("nan")
    chosen = [row["coherence"] for row in b.theme_notes.get("k_scores", []) if row.get("chosen")]
    return float(chosen[0]) if chosen and chosen[0] is not None else float("nan")


def _theme_count_method(notes: dict) -> list[str]:
    """The annex's paragraph and table on how the number of themes was chosen (nothing when only one
    number was tried)."""
    k_scores = pd.DataFrame(notes.get("k_scores", []))
    if len(k_scores) <= 1:
        return []
    shown = k_scores[["k", "coherence", "stability", "chosen"]].sort_values("k")
    shown = shown.assign(chosen=shown["chosen"].map({True: "Yes", False: ""})).rename(columns={
        "k": "Themes", "coherence": "Coherence", "stability": "Stability", "chosen": "Chosen"})
    return [report.paragraph(
        "Each candidate number of themes was scored for coherence (how much more often than by chance a "
        "theme's top terms occur in the same comments, from −1 to +1) and stability (how closely the same "
        "themes come back when the model is refitted on random 80% samples of the comments; 1 means "
        "exactly). "
        + ("Coherence was below zero for every candidate, as happens when comments are short, so it could not "
           f"choose: the most themes before stability (averaged with the candidates either side) fell below "
           f"{STABLE_ENOUGH:g} were chosen." if stability_alone(k_scores) else
           "The most coherent of the candidates about as stable as the most stable one was chosen.")),
        report.table_html(shown, caption="How the number of themes was chosen",
                          numeric=["Themes", "Coherence", "Stability"])]


def _campaign_method(b: BriefingData) -> list[str]:
    """The methodology annex's paragraph on campaign detection (nothing when it did not run)."""
    c = b.campaign_notes
    if c is None:
        return []
    p = c["parameters"]
    return [report.heading("Organised campaigns", 3), report.paragraph(
        "Responses were compared after folding case, white space, punctuation and HTML entities; texts then "
        "equal are exact duplicates. Near-duplicates were found with MinHash signatures of each text's "
        f"{p['shingle_size']}-word sequences ({p['num_perm']} seeded hash functions) and locality-sensitive "
        "hashing, and confirmed when two texts shared at least "
        f"{p['threshold']:.0%} of the shorter one's word sequences. Linked texts were grouped, each group's most "
        "central text taken as its template, and members too far from the template split off, so unrelated "
        f"letters are not chained together. A group of at least {p['min_campaign_size']} responses with a "
        f"template of at least {p['min_words']} words is a campaign. Placeholders (“See attached”, "
        "“N/A”) are never part of one. A member's sentences that do not come from the template are its "
        "personal additions. Similarities are estimates (standard error at most 0.07).")]


def _privacy_text(b: BriefingData) -> str:
    counts = b.redaction_counts
    found = {k: v for k, v in counts.items() if k != "name"}
    if b.redacted_personal_data:
        text = ("Before any text was shown or counted for this page, email addresses, phone numbers, UK "
                "postcodes, National Insurance numbers, payment card numbers, links carrying keys or tokens "
                "and names after titles such as Dr or Nurse "
                "were looked for automatically and replaced with a note such as \u201c[email removed]\u201d. "
                + (f"Removed: {redact.describe_counts(found)}. " if any(found.values())
                   else "None was found. ")
                + (f"Names listed as public figures were left as written: {', '.join(b.public_names)}. "
                   if b.public_names else ""))
    else:
        text = ("Personal data was NOT removed from the text for this run (the redact_personal_data parameter "
                "was off): this briefing is for internal use only. ")
    n_names = int(counts.get("name", 0))
    text += ("Names of individual contributors are never shown"
             + (f"; {redact.describe_counts({'name': n_names})} {'was' if n_names == 1 else 'were'} removed "
                "from the quotes, labels and key terms shown. " if n_names else ". "))
    if b.n_no_consent is None:
        text += "The source does not record consent to publication, so quotes are drawn from all comments. "
    else:
        text += (f"Quotes come only from contributors who agreed to publication: {b.n_no_consent:,} "
                 f"{'contribution was' if b.n_no_consent == 1 else 'contributions were'} never quoted because "
                 "their author did not agree. ")
    text += ("Strong swear words in quotes are shown starred after their first letter. Automatic removal is a "
             "safeguard, not a guarantee: personal details written in words can remain.")
    return text


def provenance_section(b: BriefingData) -> str:
    """Code version, input checksums, parameters and package versions; plus the marked generation time."""
    source = b.ingest["parameters"]["source"]
    parameters = {
        "01_ingest": b.ingest["parameters"],
        **({"03_campaigns": b.campaign_notes["parameters"]} if b.campaign_notes and "parameters" in b.campaign_notes
           else {}),
        "04_themes": b.theme_notes["parameters"],
        "05_sentiment": b.sentiment_notes["parameters"],
        **({"06_opinion_groups": b.opinion_notes["parameters"]} if b.opinion_notes and "parameters" in b.opinion_notes
           else {}),
        **({"07_codeframe": b.coding["parameters"]} if b.coding else {}),
        "90_briefing": {"redact_personal_data": b.redacted_personal_data, "public_names": list(b.public_names)},
    }
    prov = provenance.collect(inputs=[source], parameters=parameters)
    coded = ('<p>Coded table: <a href="coded_comments.csv" download>coded_comments.csv</a> (in the same '
             "folder as this page) lists every contribution\u2019s id, themes and tone, with no names or text"
             + (" and with personal data removed from theme labels" if b.redacted_personal_data else "")
             + ".</p>")
    generated = f'<p class="generated">Generated at: {report.esc(provenance.generated_at())}</p>'
    return provenance.provenance_html(prov, after=coded + generated)


def _pct(n: int, d: int) -> str:
    """"3 of 7" below :data:`SMALL_N` voters, "43%" above; "none" when nobody voted."""
    n, d = int(n), int(d)
    return "none" if not d else (f"{n} of {d}" if d < SMALL_N else f"{n / d:.0%}")


def _of_voters(n: Any, d: Any, group: str, share: Any = None, *, counts: bool = False) -> str:
    """"19 of the 20 in group A" below :data:`SMALL_N` voters (or with ``counts``), "87% of the 89 in
    group A" above: always with how many voted, so a share of a few voters does not read as a share of
    the group. A run folder made before the counts were kept gives only the ``share`` ("87% of group A")."""
    if n is None or d is None or pd.isna(n) or pd.isna(d):
        return f"{_pct_text(share)} of {group}"
    n, d = int(n), int(d)
    if not d:
        return f"none in {group}"
    return f"{_of_the(n, d, counts=counts)} in {group}"


def _of_the(n: int, d: int, *, counts: bool = False) -> str:
    """"19 of the 20" below :data:`SMALL_N` (or with ``counts``), "87% of the 89" above."""
    return f"{n} of the {d}" if counts or d < SMALL_N else f"{n / d:.0%} of the {d:,}"


#: Statements listed from Polis's "majority" and "uncertainty" lists.
OVERALL_SHOWN = 5


def _overall_lists(st: pd.DataFrame, said, shown: set[str], names: dict | None = None) -> str:
    """What most voters agreed or disagreed with, over everyone who voted (Polis's "majority": at least
    60% of those who voted on it, statements already given as common ground left out), and what many
    passed on (Polis's "areas of uncertainty": more than 30%); "" when neither list has a statement."""
    if "list" not in st.columns:
        return ""
    body = ""
    def of(k: Any, n: Any, did: str) -> str:
        return report.esc(f"{_of_the(int(k), int(n))} {did}")

    majority = st[(st["list"] == "majority") & ~st["comment_id"].astype(str).isin(shown)]
    # "I voted to Leave." says who took part, not a view (see the common ground above)
    majority = majority[[not _ABOUT_ONESELF.match(str(t)) for t in majority["text"]]].head(OVERALL_SHOWN)
    every = st[st["list"] == "all"]
    every = every.set_index(every["comment_id"].astype(str))

    def not_most(r) -> str:
        """"; but not most of group B (35% of the 40 who voted on it)" for each group that does not share
        the view (an audit: "the groups may still differ on them" hedged where none did)."""
        if str(r.comment_id) not in every.index:
            return ""
        row, out = every.loc[str(r.comment_id)], []
        for g in (str(c)[5:] for c in every.columns if str(c).startswith("seen_") and str(c)[5:].isdigit()):
            k, n = row.get(f"{r.direction}_{g}"), row[f"seen_{g}"]
            if pd.notna(k) and pd.notna(n) and n and k * 2 <= n:
                out.append(f"group {(names or {}).get(int(g), g)} ({_of_the(int(k), int(n))} who voted on it)")
        return f"; but not most of {' or '.join(out)}" if out else ""

    if len(majority):
        items = "".join(
            f"<li>{report.esc(said(r.comment_id))}: "
            + of(getattr(r, "n_" + r.direction), r.n_seen, f"who voted on it {r.direction}d")
            + report.esc(not_most(r)) + ".</li>"
            for r in majority.itertuples())
        seen = every["n_seen"] >= MIN_SEEN_OVERALL
        held = every[seen][["n_agree", "n_disagree"]].max(axis=1) >= MAJORITY_SHARE * every.loc[seen, "n_seen"]
        counted = (f"{int(held.sum()):,} of the {len(every):,} statements {'was' if int(held.sum()) == 1 else 'were'} "
                   "agreed or disagreed with by at least "
                   f"{MAJORITY_SHARE:.0%} of all those who voted on them, in whatever group. Besides those given "
                   "above, the ones most widely held:" if len(every) else
                   "Other statements that at least 60% of all those who voted on them, in whatever group, agreed or "
                   "disagreed with:")
        body += report.paragraph(counted) + "<ul>" + items + "</ul>"
    uncertain = st[st["list"] == "uncertain"].head(OVERALL_SHOWN)
    if len(uncertain):
        items = "".join(
            f"<li>{report.esc(said(r.comment_id))}: "
            + of(r.n_pass, r.n_seen, "who saw it passed") + ".</li>"
            for r in uncertain.itertuples())
        body += report.paragraph(
            "Statements on which many were unsure: more than 30% of those who saw them passed rather than agree "
            "or disagree. They may need explaining, or more evidence, before people can take a view:"
        ) + "<ul>" + items + "</ul>"
    if not body:
        return ""
    return report.section("Most voters, and where they were unsure", body + report.paragraph(
        f"Only statements at least {MIN_SEEN_OVERALL} people voted on are listed."), level=3, id="opinion-overall")


def _rejected_sentence(n: dict) -> str:
    """" 3 statements the moderator rejected, and the 40 votes cast on them, are left out." (run folders
    made before the votes on them were counted give only the statements)."""
    k = int(n["n_statements_excluded"])
    votes = n.get("n_votes_excluded")
    cast = (f", and the {_plural(int(votes), 'vote')} cast on {'it' if k == 1 else 'them'}," if votes is not None
            else "")
    return f" {_plural(k, 'statement')} the moderator rejected{cast} {'is' if k == 1 and not cast else 'are'} left out."


#: A statement about the voter ("I voted to Remain.", "I consider myself working class."): agreement with it
#: describes who took part.
_ABOUT_ONESELF = re.compile(r"^\W*I(?:'m|\u2019m|'ve changed|\u2019ve changed| have changed| am| was| voted| consider myself| identify| live| work| have lived"
                            r"| grew up)\b", re.IGNORECASE)


def _map_variance(n: dict) -> str:
    """" The map's two axes capture 28% of how the votes vary: ..." (an audit: the caption read "nearby
    points voted alike" over one continuous cloud), or ""."""
    variance = n.get("explained_variance") or []
    if len(variance) != 2:
        return ""
    return (f" The map’s two axes capture {_pct_text(sum(variance))} of how the votes vary: it simplifies, and "
            "groups that meet on it are neighbours along a continuum, not separate camps.")


def _every_statement_table(every: pd.DataFrame, names: dict, text_of: dict) -> pd.DataFrame:
    """The annex of every statement: its text, how many voted, the shares agreeing, disagreeing and
    passing, and each group's share agreeing ("19 of 20" below :data:`SMALL_N` voters)."""
    def shares(k: pd.Series, n: pd.Series) -> list[str]:
        return [_pct(a, b) for a, b in zip(k, n, strict=True)]

    table = pd.DataFrame({
        "Statement": every["comment_id"].astype(str).to_numpy(),
        "Text": [_short(text_of.get(str(c), ""), 200) for c in every["comment_id"]],
        "Voted": every["n_seen"].astype(int).to_numpy(),
        "Agree": shares(every["n_agree"], every["n_seen"]),
        "Disagree": shares(every["n_disagree"], every["n_seen"]),
        "Pass": shares(every["n_pass"], every["n_seen"])})
    for col in sorted((c for c in every.columns if str(c).startswith("agree_") and str(c)[6:].isdigit()),
                      key=lambda c: int(c[6:])):
        g = int(col[6:])
        if every[col].notna().any():
            table[f"Group {names.get(g, g)} agree"] = shares(every[col].fillna(0), every[f"seen_{g}"].fillna(0))
    return table


def _held(st: pd.DataFrame, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The statements of a consensus list (``"consensus"``, ``"rejected"``) that most voters in every group
    hold, best first: at most 3 about the voters themselves, and at most 5 others."""
    rows = st[st["list"] == name]
    rows = rows[rows["min_share"] > 0.5] if "min_share" in rows.columns else rows.iloc[0:0]
    # "I voted to Remain." agreed in every group says who took part, not a view they share (an audit of the
    # Brexit-consensus conversation: 155 of the 167 who voted on it agreed; the briefing listed it as common
    # ground)
    themselves = np.array([bool(_ABOUT_ONESELF.match(str(t))) for t in rows.get("text", pd.Series(
        "", index=rows.index))], dtype=bool)
    return rows[themselves].head(3), rows[~themselves].head(5)


def _divide(r: Any, names: dict) -> str:
    """"87% of the 89 in group A who voted on it agree, against 10% of the 73 in group B" for a divisive
    statement's row."""
    def side(end: str) -> str:
        g = getattr(r, f"{end}_agree")
        return _of_voters(getattr(r, f"n_agree_{end}", None), getattr(r, f"n_seen_{end}", None),
                          f"group {names.get(int(g), g)}", getattr(r, f"share_{end}"))

    return f"{side('most')} who voted on it agree, against {side('least')}"


def opinions_section(b: BriefingData) -> str:
    """Opinion groups from votes: how many groups, what divides them, what everyone agrees on.

    Written for a reader who has never seen Polis. One line when the source has no votes (or the
    opinion-groups notebook did not run), saying why.
    """
    n = b.opinion_notes
    title = "Opinion groups from votes"
    if n is None or n.get("skipped"):
        why = ("the source has no votes: opinion groups need people\u2019s agree/disagree votes on statements, "
               "as collected by tools such as Polis, and these comments carry none"
               if not b.has_votes else "the opinion-groups notebook (06_opinion_groups) was not run")
        return report.section(title, report.paragraph(f"This section was skipped: {why}."), id="opinion-groups")
    if n.get("per_question"):
        return report.section(title, _votes_by_question(b), id="opinion-groups")
    groups, st, people = b.opinion_groups, b.opinion_statements, b.opinion_participants
    n_groups, clustered = int(n["n_groups"]), int(n["n_clustered"])
    text_of = dict(zip(st["comment_id"].astype(str), st["text"].fillna(""), strict=False))

    def said(cid: Any) -> str:
        return f"\u201c{_short(text_of.get(str(cid), ''), 200)}\u201d (statement {cid})"

    names = dict(zip(groups["group"].astype(int), groups["group_name"], strict=True))
    parts = [report.paragraph(
        f"{n['n_participants']:,} people voted {n['n_votes']:,} times on {n['n_statements']:,} short statements "
        "written by participants, each vote being agree, disagree or pass. We grouped people by how they "
        "voted: people who tended to vote the same way on the same statements end up in the same group. "
        f"The {clustered:,} people who voted on at least {n['min_votes_applied']} statements fell into "
        f"{n_groups} opinion group{'s' if n_groups != 1 else ''}"
        + (f"; the other {n['n_not_clustered']:,}, who voted on fewer, are counted but not placed in a group."
           if n["n_not_clustered"] else ".")
        + (_rejected_sentence(n) if n.get("n_statements_excluded") else ""))]
    platform = n.get("platform_groups")
    if platform:
        k = int(platform["n_platform_groups"])
        said_platform = (f"The voting platform\u2019s own analysis also grouped {platform['n_platform_grouped']:,} "
                         f"of these voters, into {k} group{'s' if k != 1 else ''}")
        if platform["n_compared"]:
            ids = sorted({str(w["platform_group"]) for w in platform["where"]}, key=lambda g: (len(g), g))
            ordinal = dict(zip(ids, _ORDINALS, strict=False)) if len(ids) <= len(_ORDINALS) else {}
            where = "; ".join(f"{_pct_text(w['share'])} of the {w['n_compared']:,} in its "
                              + (f"{ordinal[str(w['platform_group'])]} group" if ordinal
                                 else f"group {w['platform_group']}")
                              + f" are in our group {w['group_name']}" for w in platform["where"])
            said_platform += (f". Of the {platform['n_compared']:,} people grouped both there and here, {where}. "
                              "The two can differ: the platform recalculates its groups as votes arrive, each time "
                              "building on its previous answer, and where the votes do not clearly separate people "
                              "the two methods can draw the line in different places.")
        else:
            said_platform += "; none of them is in a group here."
        parts.append(report.paragraph(said_platform))
    sizes = pd.DataFrame({"Group": [f"Group {g}" for g in groups["group_name"]],
                          "People": groups["size"].astype(int),
                          "Share of people grouped": [_pct(v, clustered) for v in groups["size"]]})
    if n_groups >= 1 and people is not None and len(people):
        largest = groups.iloc[0]
        fig = plots.group_map(people, title=f"{n_groups} opinion group{'s' if n_groups != 1 else ''} among "
                                            f"{clustered:,} voters; the largest, {largest['group_name']}, has "
                                            f"{int(largest['size']):,}")
        parts.append(plots.figure_html(
            fig, alt=(f"Map of {len(people):,} participants placed by how they voted; people close together voted "
                      "alike. Groups: " + ", ".join(f"{r.group_name} with {int(r.size):,} people"
                                                    for r in groups.itertuples())
                      + (f"; {int(n['n_not_clustered']):,} who voted on too few statements are in no group"
                         if n["n_not_clustered"] else "") + "."),
            caption="Each point is a participant; nearby points voted alike. Letters mark each group's centre"
                    + (f"; crosses mark the {int(n['n_not_clustered']):,} in no group" if n["n_not_clustered"]
                       else "") + "." + _map_variance(n),
            data=sizes, data_caption="Opinion groups and their sizes", numeric=["People"]))
    else:
        parts.append(report.table_html(sizes, caption="Opinion groups and their sizes", numeric=["People"]))
    div = st[st["list"] == "divisive"].head(3)
    if n_groups >= 2 and len(div):
        items = "".join(f"<li>{report.esc(said(r.comment_id))}: {report.esc(_divide(r, names))}.</li>"
                        for r in div.itertuples())
        parts.append(report.section("What divides the groups", "<ul>" + items + "</ul>", level=3,
                                    id="opinion-divides"))
    share_cols = sorted(c for c in st.columns if str(c).startswith("share_") and str(c)[6:].isdigit())

    about_agreed, agreed = _held(st, "consensus")
    # what every group rejects is common ground too (an audit: "The Conservatives are the only party
    # dedicated to making a success of Brexit", rejected by 77% and 92% of the two groups, was nowhere)
    about_rejected, rejected = _held(st, "rejected")

    def by_group(r: pd.Series, verb: str) -> str:
        return ", ".join(_of_voters(r.get(f"{verb}_{c[6:]}"), r.get(f"seen_{c[6:]}"),
                                    f"group {names.get(int(c[6:]), c[6:])}", r[c])
                         for c in share_cols if pd.notna(r[c]))

    def items(rows: pd.DataFrame, verb: str) -> str:
        return "<ul>" + "".join(f"<li>{report.esc(said(r['comment_id']))}: {verb}d by "
                                f"{report.esc(by_group(r, verb))}.</li>" for _, r in rows.iterrows()) + "</ul>"

    of_people = "each share is of the people in the group who voted on the statement; not everyone saw every statement"
    if len(agreed):
        body = report.paragraph(f"Statements that most of the voters in every group agreed with ({of_people}):"
                                ) + items(agreed, "agree")
    else:
        body = report.paragraph("No statement was agreed by most people in every group.")
    if len(rejected):
        body += report.paragraph("Statements that most of the voters in every group disagreed with"
                                 + ("" if len(agreed) else f" ({of_people})") + ":") + items(rejected, "disagree")
    if len(about_agreed) or len(about_rejected):
        body += report.paragraph(
            "Statements about the voters themselves that most voters in every group answered the same way: they "
            "describe who took part rather than a view they share, and the groups are drawn from these people, "
            "not from everyone.") + (
            (items(about_agreed, "agree") if len(about_agreed) else "")
            + (items(about_rejected, "disagree") if len(about_rejected) else ""))
    parts.append(report.section("What everyone agrees on", body, level=3, id="opinion-consensus"))
    shown = set(pd.concat([agreed, rejected, about_agreed, about_rejected])["comment_id"].astype(str))
    overall = _overall_lists(st, said, shown, names)
    if overall:
        parts.append(overall)
    rep = st[st["list"] == "representative"]
    for g in groups.itertuples():
        mine = listed = rep[rep["group"].astype("Int64") == int(g.group)]
        # a view most of the others hold too does not set a group apart, however much more firmly it holds
        # it (an audit: "disagree: 97% of group B, against 63% of group A", listed as what sets B apart)
        mine = mine[~(mine["n_success_rest"] * 2 > mine["n_seen_rest"]).fillna(False).astype(bool)]
        others = [str(o) for o in groups["group_name"] if o != g.group_name]
        rest = f"group {others[0]}" if len(others) == 1 else "the other groups"

        def line(r, rest: str = rest) -> str:
            # one form for both sides: not "84% of the 31 in this group, against 3 of the 28" (an audit)
            counts = min(int(r.n_seen), int(r.n_seen_rest)) < SMALL_N if pd.notna(r.n_seen_rest) else False
            return (f"<li>{'Agree' if r.repful_for == 'agree' else 'Disagree'} with {report.esc(said(r.comment_id))}: "
                    f"{report.esc(_of_voters(r.n_success, r.n_seen, 'this group', counts=counts))} who voted on it, "
                    f"against {report.esc(_of_voters(r.n_success_rest, r.n_seen_rest, rest, counts=counts))}.</li>")

        lines = "".join(line(r) for r in mine.itertuples())
        parts.append(report.section(
            f"Group {g.group_name}: {int(g.size):,} people", report.paragraph(
                "What sets this group apart from the others:" if lines else
                "No statement sets this group clearly apart" + (
                    ": where it differs, most of the others lean the same way, less firmly." if len(listed) else ".")) + ("<ul>" + lines + "</ul>" if lines else ""),
            level=3, id=f"opinion-group-{g.group_name}"))
    every = st[st["list"] == "all"]
    if len(every):  # an audit: a reader could not check what the lists above leave out
        parts.append(report.details(
            f"Every statement and how people voted ({len(every):,})",
            report.table_html(_every_statement_table(every, names, text_of),
                              caption="Every statement: how everyone who voted on it voted, and each group's share "
                                      "agreeing (counts below 30 voters)", code=["Statement"])))
    parts.append(report.callout(
        "People chose to take part and chose which statements to vote on, and anyone could add statements: the "
        "groups describe these voters, not the public, and a group\u2019s size is not a measure of support in the "
        "population. Groups are found automatically from the votes (the method Polis uses); they are a summary "
        "of voting patterns, not membership of any organisation.", kind="warning"))
    return report.section(title, "".join(parts), id="opinion-groups")


#: Answers quoted per question in the briefing when votes are on answers to several questions.
ANSWERS_SHOWN = 3


def _votes_by_question(b: BriefingData) -> str:
    """The opinions section when people voted on other people's answers to several questions (Global
    Dialogues): per question, the answers most agreed by those who voted on them."""
    n, st = b.opinion_notes, b.opinion_statements
    median = n["median_votes_per_question"]
    parts = [report.paragraph(
        f"{n['n_participants']:,} people voted {n['n_votes']:,} times, agreeing or disagreeing with answers "
        f"other participants gave to {n['n_questions']:,} questions. Each person voted on about {median:g} "
        "answers to a question" + (", too few for two people to have voted on the same answers often enough to sort voters "
                     "into opinion groups: what the votes show is which answers won the widest agreement among "
                     "those who saw them." if median < n["min_votes_applied"] else
                     "; the answers below won the widest agreement among those who saw them."))]
    for q in n["by_question"]:
        top = st[st["question_id"] == q["question_id"]].head(ANSWERS_SHOWN)
        items = "".join(
            f"<li>\u201c{report.esc(_short(str(r.text or ''), 240))}\u201d (answer {report.esc(_short_id(r.comment_id))}): "
            f"agreed by {int(r.agree):,} of the {int(r.seen):,} who voted on it.</li>" for r in top.itertuples())
        grouped = (f" {q['clustered']:,} of them voted on enough answers to be grouped"
                   + (f", into {q['groups']} opinion groups." if q["groups"] else ", too few to form groups.")
                   if q["clustered"] else "")
        parts.append(report.section(
            _short(str(q["question_id"]), 200),
            report.paragraph(f"{q['answers']:,} answers; {q['voters']:,} people cast {q['votes']:,} votes on "
                             f"{q['voted_answers']:,} of them.{grouped} Most agreed:")
            + ("<ul>" + items + "</ul>" if items else ""), level=3))
    parts.append(report.callout(
        "People chose to take part, and each saw only a few of the answers: an answer\u2019s agreement counts only "
        "those shown it, so a handful of votes can put an answer near the top. These figures describe these "
        "voters, not the public.", kind="warning"))
    return "".join(parts)


def _short_id(comment_id: Any) -> str:
    """An id as readers see it: a long one (a UUID) cut to its first 8 characters and "…"."""
    text = str(comment_id)
    return text if len(text) <= 12 else text[:8] + "\u2026"


#: Closed questions whose answers the summary states (the rest are in their section).
MAX_CLOSED_IN_SUMMARY = 3
_TYPE_PLURALS = {"individual": "individuals", "organisation": "organisations"}


def _respondent_types(b: BriefingData) -> pd.Series | None:
    """Respondents by type, each respondent once (a missing type under NA), from the respondents table
    (a consultation's); None without one."""
    r = b.respondents
    if r is None or "respondent_type" not in r.columns:
        return None
    return r.drop_duplicates("respondent_id")["respondent_type"].value_counts(dropna=False)


def _respondents_phrase(b: BriefingData) -> str:
    """"480 respondents (434 individuals, 36 organisations and 10 who did not say)" for a consultation
    whose source identifies respondents and answers questions, else ""."""
    r = b.respondents
    if r is None or "respondent_id" not in r.columns or not _present(b, "question_id"):
        return ""
    out = _plural(int(r["respondent_id"].nunique()), "respondent")
    types = _respondent_types(b)
    if types is not None and types.index.notna().any():
        stated = types[types.index.notna()]
        parts = [f"{int(k):,} {_TYPE_PLURALS[str(t)] if k != 1 else t}" if str(t) in _TYPE_PLURALS  # known types
                 else f"{int(k):,} \u201c{_short(t, MAX_LABEL)}\u201d" for t, k in stated.items()]
        unstated = int(types[types.index.isna()].sum())
        if unstated:
            parts.append(f"{unstated:,} who did not say")
        out += " (" + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]) + ")"
    return out


def _question_label(qid: Any, text: str) -> str:
    """"q1: What do you think of the proposal?", or the id alone when the file words the question as its id."""
    short = _short(qid, MAX_LABEL)
    same = " ".join(str(text).split()).casefold() in ("", str(qid).casefold())
    return short if same else f"{short}: {_short(text, MAX_QUESTION)}"


def _closed_sentence(text: str, table: pd.DataFrame) -> str:
    """One sentence on a closed question's answers: both sides of its scale, or its most common answer.
    Shares as percentages from :data:`SMALL_N` answers, counts below that."""
    from .closed import scale_words, side_counts

    answered = table[table["answer"].notna()]
    n = int(answered["respondents"].sum())
    if not n:
        return ""

    def part(k: int, of: int) -> str:
        return describe_share(k, of, interval=False) if of >= SMALL_N else f"{k:,}"

    asked = f"Asked \u201c{_short(text, MAX_QUESTION)}\u201d, "
    sides = side_counts(table)
    if sides[1] and sides[-1]:
        words = dict(zip((1, -1), scale_words(answered["answer"].astype(str).tolist()), strict=True))
        first, second = (1, -1) if sides[1] >= sides[-1] else (-1, 1)  # the larger side first
        rest = n - sides[1] - sides[-1]
        out = (asked + f"{part(sides[first], n)} of the {n:,} who answered {words[first]} and "
               f"{part(sides[second], n)} {words[second]}" + (f"; {part(rest, n)} gave another answer" if rest else "")
               + ".")
        sent = int(answered["in_campaigns"].sum()) if "in_campaigns" in answered.columns else 0
        if sent and n > sent:  # organised campaigns can move these figures: the same without their senders
            m = n - sent
            other = side_counts(answered.assign(respondents=answered["respondents"] - answered["in_campaigns"]))
            out += (f" {sent:,} of them had sent an organised campaign\u2019s letter; of the other {m:,}, "
                    f"{part(other[first], m)} {words[first]} and {part(other[second], m)} {words[second]}.")
        return out
    top = answered.sort_values("respondents", ascending=False, kind="stable").iloc[0]
    return (asked + f"the most common answer of the {n:,} who answered was \u201c{_short(top['answer'], MAX_LABEL)}\u201d "
            f"({part(int(top['respondents']), n)}).")


def closed_questions_section(b: BriefingData) -> str:
    """Consultations: each closed question's answers, counted once per respondent in the order of the
    scale, with the campaign senders among them; ``""`` when the source has no closed questions."""
    if not b.closed_questions:
        return ""
    campaigns = any("in_campaigns" in t.columns for _, _, t in b.closed_questions)
    parts = [report.paragraph(
        "Each respondent\u2019s answer to each closed question, counted once per person. Percentages are of "
        "those who answered the question; they describe the people who chose to respond, not the public."
        + (" The last column counts the respondents who sent an organised campaign\u2019s letter: a campaign can "
           "move these figures." if campaigns else ""))]
    for i, (qid, text, table) in enumerate(b.closed_questions, 1):
        answered = int(table.loc[table["answer"].notna(), "respondents"].sum())
        shown = pd.DataFrame({
            "Answer": [_short(a, MAX_LABEL) if pd.notna(a) else "No answer" for a in table["answer"]],
            "Respondents": [f"{int(k):,}" for k in table["respondents"]],
        })
        if answered >= SMALL_N:
            shown["Share of those answering"] = [describe_share(int(k), answered, interval=False) if pd.notna(a) else ""
                                                 for a, k in zip(table["answer"], table["respondents"], strict=True)]
        if "in_campaigns" in table.columns:
            shown["Of them, sent a campaign letter"] = [f"{int(k):,}" for k in table["in_campaigns"]]
        body = report.paragraph(_closed_sentence(text, table)) + report.table_html(
            shown, caption=f"Answers to question {qid}", numeric=["Respondents"]) + _sides_html(b, qid, table)
        parts.append(report.section(_question_label(qid, text), body, level=3,
                                    id=f"closed-{i}"))
    return report.section("Closed questions", "".join(parts), id="closed-questions")


def _those_who(verb: str) -> str:
    return f"those who {verb}"


def _points(row: pd.Series, side: int) -> str:
    """How much more often those on ``side`` (+1, -1) raised a theme (a :func:`helpers.closed.themes_by_side`
    row), in percentage points with its interval: "36 points (95% CI 25 to 46)"."""
    low, high = sorted(b * side for b in (row["diff_low"], row["diff_high"]))
    return f"{abs(row['difference']) * 100:.0f} points (95% CI {low * 100:.0f} to {high * 100:.0f})"


def _side_lead_sentence(sides: pd.DataFrame, side: int, *, short: bool = False) -> str:
    """"Those who disagreed raised “X” more often: 48% of them (95% CI ...) against 12% of those who
    agreed." for the theme :func:`_leading_theme` picks on ``side``; "" when there is none."""
    lead = _leading_theme(sides, side)
    if lead is None:
        return ""
    row = sides[sides["theme_id"] == lead].iloc[0]
    mine, theirs = ("pos", "neg") if side == 1 else ("neg", "pos")
    words = dict(zip((1, -1), sides.attrs["words"], strict=True))
    label = _short(row["label"], MAX_LABEL)
    if short:
        return (f"{_those_who(words[side]).capitalize()} more often raised \u201c{label}\u201d "
                f"({row[f'share_{mine}']:.0%}, against {row[f'share_{theirs}']:.0%} of {_those_who(words[-side])}).")
    return (f"{_those_who(words[side]).capitalize()} raised \u201c{label}\u201d more often: "
            f"{describe_share(int(row[f'k_{mine}']), int(row[f'n_{mine}']))} of them, against "
            f"{describe_share(int(row[f'k_{theirs}']), int(row[f'n_{theirs}']), interval=False)} of "
            f"{_those_who(words[-side])}, a difference of {_points(row, side)}.")


def _sides_html(b: BriefingData, qid: str, table: pd.DataFrame) -> str:
    """Below a closed question's answers: what those on each side of its scale wrote, theme by theme
    (:func:`helpers.closed.themes_by_side`), with a quote from each side; "" when one side wrote nothing."""
    found = b.closed_sides.get(qid)
    if not found:
        return ""
    sides = found["table"]
    words = dict(zip((1, -1), sides.attrs["words"], strict=True))
    n = {1: int(sides["n_pos"].iloc[0]), -1: int(sides["n_neg"].iloc[0])}
    noun = "codes" if b.coding else "themes"
    order = (1, -1) if n[1] >= n[-1] else (-1, 1)
    text = [f"What they wrote: {n[order[0]]:,} of {_those_who(words[order[0]])} and {n[order[1]]:,} of "
            f"{_those_who(words[order[1]])} also wrote answers that were analysed (to any open question). A "
            f"respondent counts once in each of the {noun} of their answers."]
    if min(n.values()) < SMALL_N:
        text.append(f"Too few on one side wrote for percentages: the table gives counts, and the {noun} are not "
                    "compared.")
    else:
        leads = [_side_lead_sentence(sides, side) for side in order]
        text += [t for t in leads if t]
        quiet = [_those_who(words[side]) for side, t in zip(order, leads, strict=True) if not t]
        if len(quiet) == 2:
            text.append(f"No {noun[:-1]} was raised clearly more often on either side (95% intervals of the "
                        "differences).")
        elif quiet:
            text.append(f"No {noun[:-1]} was raised clearly more often by {quiet[0]}.")
    if "in_campaigns" in table.columns:
        from .closed import side_counts

        sent = side_counts(table.assign(respondents=table["in_campaigns"]))
        if any(sent[side] for side in order):
            text.append(" and ".join(f"{sent[side]:,} of {_those_who(words[side])}" for side in order if sent[side])
                        + " sent an organised campaign\u2019s letter, which counts in the "
                        f"{noun} its text falls in.")
    compare = min(n.values()) >= SMALL_N
    shown = pd.DataFrame({"Code" if b.coding else "Theme": [_short(x, MAX_LABEL) for x in sides["label"]]})
    for side in order:
        tag = "pos" if side == 1 else "neg"
        shown[f"{_those_who(words[side]).capitalize()} ({n[side]:,})"] = [
            describe_share(int(k), int(m)) for k, m in zip(sides[f"k_{tag}"], sides[f"n_{tag}"], strict=True)]
    if compare:
        more = []
        for _, r in sides.iterrows():
            side = 1 if r["diff_low"] > 0 else -1 if r["diff_high"] < 0 else 0
            more.append(f"{_those_who(words[side])}: {_points(r, side)}" if side else "no clear difference")
        shown["Raised more often by"] = more
    body = report.paragraph(" ".join(text)) + report.table_html(
        shown, caption=f"{noun.capitalize()} in the written answers of {_those_who(words[order[0]])} and "
                       f"{_those_who(words[order[1]])} (question {qid})")
    for side in order:
        if side in found["quotes"]:
            tid, chosen = found["quotes"][side]
            label = _short(sides.loc[sides["theme_id"] == tid, "label"].iloc[0], MAX_LABEL)
            body += report.paragraph(f"One of {_those_who(words[side])}, on \u201c{label}\u201d:")
            for cid, quote in chosen:
                body += _quote(b, quote, cid)
    return body


def _pct_text(share: Any) -> str:
    return "no one" if pd.isna(share) else f"{float(share):.0%}"


def all_sections(b: BriefingData) -> list[str]:
    """The briefing in order: title, summary first, then numbers, themes, tone, caveats, annexes."""
    return [title_block(b), summary_section(b), key_numbers_section(b), closed_questions_section(b),
            campaigns_section(b), themes_section(b), positions_section(b), evidence_section(b),
            sentiment_section(b), breakdown_section(b), opinions_section(b), caveats_section(b),
            methodology_section(b), provenance_section(b)]
