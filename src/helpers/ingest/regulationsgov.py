"""Readers for public comments from Regulations.gov (US federal rulemaking dockets).

Two shapes of the same records, one registered reader each:

``regulationsgov-json``
    The v4 API's JSON for one comment (``api.regulations.gov/v4/comments/<id>``)::

        {"data": {"id": "CMS-2022-0163-0002", "type": "comments",
                  "attributes": {"comment": "...", "postedDate": "...", ...}},
         "included": [...attachments...]}

    as a single file, or a folder of such files (one per comment, as people save them when paging
    through the API). A page of the list endpoint (``"data": [...]``) is read as one record per
    element. In a folder, every ``*.json`` file directly inside it is read, in name order; a file
    that is not valid JSON or not a comment becomes an exclusion (``malformed``) rather than
    stopping the read, and a JSON file of another type (a docket or document) is skipped with a note.
``regulationsgov-csv``
    The "bulk download" CSV of a docket's comments (header names such as ``Document ID``,
    ``Comment on Document ID``, ``Posted Date``, ``Received Date``, ``Comment``, ``Organization Name``,
    ``Category``, ``Attachment Files``, ``Is Withdrawn?``).

Both map a comment to one ``response`` row:

* ``comment_id`` is the document id (``CMS-2022-0163-0002``), unique across all of Regulations.gov;
  ``thread_id`` the document commented on (``commentOnDocumentId``), else the docket;
  ``url`` the comment's public page.
* ``text`` is the comment with HTML escaping undone repeatedly (some copies are escaped twice, as
  ``&amp;amp;``) and tags turned into line breaks (:mod:`helpers.ingest._html`), then normalised.
* ``created_at`` is the date the agency received the comment (``receiveDate``, "Received Date"),
  in UTC, or the date it was posted (``postedDate``) when that is missing: campaign timing and
  bursts are about when comments were sent, and an agency may post them weeks later. A date written
  without a zone is US Eastern time, the calendar Regulations.gov keeps (comment periods close at
  11:59 pm Eastern), unless ``timezone`` names another zone than UTC; the briefing writes dates in it.
* ``title``; ``organisation``; ``respondent_type`` from the category: ``individual`` for
  "Individual" (with or without a code), otherwise the category text without its trailing agency
  code ("Health Care Industry - PI015" -> "Health Care Industry").
* ``author`` is a pseudonymous submitter id: digits derived from the submitter's first and last
  name (:func:`submitter_ids`), so that copies sent by one person can be told from an organised
  campaign's many senders without the name itself being kept anywhere; missing for "Anonymous" and
  for records without a name.
* Placeholders -- a comment whose whole text only points to an attachment ("See attached file(s)",
  "Please see attached comments.", "N/A"; see :data:`PLACEHOLDER_PATTERNS`), or a one-sentence cover
  note that only points at one ("Please find attached comments from the American Nurses
  Association."; :func:`attachment_only`, unless it takes a stance) -- are kept, with
  ``is_placeholder`` true: they count in every total but text analysis skips them. A comment with
  no text at all is kept as a placeholder when it has attachments, and excluded as ``blank`` when not.
* A withdrawn comment is excluded (``deleted``), with the agency's reason in the detail.
* A document id seen a second time is excluded (``duplicate_record``), naming where it was first.

``source_row`` is 1 for a one-comment file, the element number in a list page, and the line where
the record starts in the CSV. In a folder, ``source`` is the file the comment came from.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..clean import normalise_text
from ..errors import InputError
from ..schema import COMMENT_COLUMNS, EXCLUSION_COLUMNS
from ._html import html_series_to_text
from ._mapping import parse_datetimes
from ._text import decode_text, head_text, read_bytes, refuse_lone_surrogates
from .registry import ReadOptions, Tables, publisher_zone, register_reader
from .tabular import load_delimited, sniff_delimiter

__all__ = [
    "PLACEHOLDER_PATTERNS",
    "POINTER_MAX_CHARS",
    "attachment_only",
    "placeholder_mask",
    "read_regulationsgov_json",
    "read_regulationsgov_csv",
    "sniff_regulationsgov_json",
    "sniff_regulationsgov_folder",
    "sniff_regulationsgov_csv",
]

#: A text is a placeholder when the whole of it (case ignored, white space collapsed) matches one of
#: these. Keep the list short and literal: anything with words of its own is a comment.
PLACEHOLDER_PATTERNS: tuple[str, ...] = (
    # "See attached", "See attached file(s).", "Please see the attached comments", "Please find attached letter"
    r"(?:please )?(?:see|find) (?:the )?attached(?: (?:file\(s\)|files?|comments?|comment letter|letters?|documents?))?",
    # "Attached", "Attached file(s)", "Attachment", "See attachment"
    r"(?:see )?(?:attached|attachments?)(?: (?:file\(s\)|files?|comments?|letters?|documents?))?",
    r"n/?a",  # "N/A", "NA"
)
_PLACEHOLDER = "(?i)(?:" + "|".join(PLACEHOLDER_PATTERNS) + r")[ .!]*"
#: A cover note that only points at an attachment ("Please see the attached comments from the American
#: Nurses Association.") is a placeholder too, up to this many characters: a longer text says something
#: of its own.
POINTER_MAX_CHARS = 320
_ATTACHED = r"(?:attached|attachment|enclosed|uploaded)"
_THING = (r"(?:comments?|comment letter|letters?|responses?|doc\w*|submissions?|feedback|files?"  # doc\w*: "docment"
          r"|file\(s\)|pdf|rfi response)")
# after the pointer, only who sent it or what it answers: "... comments from X", "... regarding CMS-0058-NC"
#: A character of a sender's name, a company's ", Inc." or ", LLC" included ("Acumen, LLC's comments").
_NAMED = r"(?:[^.!?;,]|,\s*(?:inc|llc|ltd|corp|plc|pllc)\b\.?)"
_WHO = (r"(?:\s+(?:from|of|by|for|on|with|regarding|re:?|in response to|submitted|on behalf of|to|related to|relating to"
        r"|commenting on|concerning|sent separately)\b[^.!?;,]{0,200}"
        r"(?:,\s*(?:inc|llc|l\.l\.c|ltd|corp|co|plc|pllc|p\.c|l\.p)\b\.?)?)?")  # "from Vizient, Inc."
_ATTACHMENT_ONLY = re.compile(
    r"^\W*(?:on behalf of [^,.!?:;]{1,120},\s*)?(?:"  # "On behalf of the Melanoma Research Foundation, please see ..."
    # "See attached", "Please see the attached comments from X", "Please find attached Humana's comments re: ..."
    rf"(?:please\s+)?(?:kindly\s+)?(?:see|find|refer to|view|read|review)\s+(?:(?:the|my|our|this|these)\s+)?{_ATTACHED}"
    rf"(?:\s+(?:(?:the|our|my|a|an)\s+)?{_NAMED}{{0,120}}?\b{_THING}\b)?(?:\s+{_THING})?{_WHO}"
    # "Please find comments from the AAMC attached", "Please see comments from X in the attached letter"
    rf"|(?:please\s+)?(?:see|find)\s+(?:(?:the|our|my)\s+)?{_THING}\s+[^.!?;,]{{0,150}}?\b{_ATTACHED}(?:\s+{_THING})?"
    # "Attached are HANYS comments.": it must name what is attached
    rf"|(?:attached|enclosed)\s+(?:are|is|please find|you will find|herewith)\b[^.!?;:,]{{0,200}}?\b{_THING}\b{_WHO}"
    r")\s*[.!?]?\W*$", re.IGNORECASE)
# "The AAFP is pleased to submit the attached document in response to ...", "APASI submits the attached
# response to this RFI", "Incapsulate has provided our comments in the attached response", "NOSORH comments
# to RFI attached", "Comment from the National Athletic Trainers' Association attached"
_SENT_ATTACHED = re.compile(
    # never a sentence that argues or asks ("Providers should not have to resubmit documents that were
    # already attached.", "Why must clinics fax records when the file could be uploaded?")
    r"^(?!.*\b(?:not|no|nothing|never|should|must|why|could|would|cannot|can't|instead)\b)"
    rf"\W*(?:[^.!?;]{{0,150}}?\b(?:submits?|submitted|submitting|provides?|provided|sends?|sent|offers?)\b"
    rf"[^.!?;]{{0,40}}?\b{_ATTACHED}\b(?:\s+\S+){{0,3}}?\s+{_THING}\b{_WHO}"
    # the thing named within its first words: "NOSORH comments to RFI attached."
    rf"|(?:\S+\s+){{0,8}}?{_THING}\b[^.!?;]{{0,150}}?\b{_ATTACHED})\s*[.!?]?\W*$", re.IGNORECASE)
# A reference alone after a pointer: "See attached file(s). File code CMS-0058-NC", "Response to file
# CMS-0058-NC", "Our comments are in reference to CMS-0058-NC"
_REFERENCE = re.compile(r"^\W*(?:file code|re:?|ref(?:erence)?|docket(?: id)?|rin|regarding"
                        r"|(?:(?:our )?comments? (?:are )?)?(?:in )?(?:response|reference|regard|relation) to"
                        r"(?: (?:the )?(?:file|docket|document|rfi|notice))?)"
                        r"\s*[:#]?\s*[\w./\u2013-]*\d[\w./\u2013-]*\W*$", re.IGNORECASE)
# Courtesies around a pointer: "Thank you for the opportunity to comment.", "We appreciate the
# opportunity to submit comments on this important initiative.", "Thank you for your consideration."
_COURTESY = re.compile(
    r"^\W*(?:(?:thank you|thanks)(?: very much| again)?(?: for (?:the|this) opportunity to (?:comment|respond|submit"
    r"|provide)[^.!?;]{0,150}| for your (?:consideration|time|attention)[^.!?;]{0,60})?"
    r"|(?:[^.!?;]{0,80}?\b)?(?:(?:appreciates?|welcomes?|is pleased to have) the opportunity to"
    r"|(?:is|are) pleased to) (?:comment|respond|submit|provide)[^.!?;]{0,250})\s*[.!?]?\W*$", re.IGNORECASE)
# the courtesy's own words, left out when a note is searched for a stance ("welcomes the opportunity")
_COURTESY_WORDS = re.compile(r"\b(?:(?:appreciates?|welcomes?|is pleased to have) the opportunity|(?:is|are) pleased to)\b",
                             re.IGNORECASE)
# Words by which a short note says where its writer stands: then it is a comment, not a cover note.
_STANCE = (r"(?i)\b(?:support|oppose|agree|disagree|urge|recommend|concern|object|favou?r|against|welcome|reject)"
           r"(?:s|ed|ing(?!\s+(?:documents?|documentation|materials?|evidence|data|information|letters?|files?)))?\b")

_API_URL = "https://www.regulations.gov/comment/"
_CATEGORY_CODE = r"\s+-\s+[A-Z]{1,3}[0-9]{2,5}$"  # "Health Care Industry - PI015"
_TRUE = ("true", "yes", "y", "1", "t")

#: Bulk-download CSV header -> the record field it fills (the JSON attribute names).
CSV_COLUMNS: dict[str, str] = {
    "Document ID": "id",
    "Comment on Document ID": "commentOnDocumentId",
    "Docket ID": "docketId",
    "Posted Date": "postedDate",
    "Received Date": "receiveDate",
    "Comment": "comment",
    "First Name": "firstName",
    "Last Name": "lastName",
    "Organization Name": "organization",
    "Category": "category",
    "Title": "title",
    "Attachment Files": "attachments",
    "Is Withdrawn?": "withdrawn",
    "Reason Withdrawn": "reasonWithdrawn",
}
_FIELDS = ("id", "commentOnDocumentId", "docketId", "postedDate", "receiveDate", "comment",
           "firstName", "lastName", "organization", "category", "title", "reasonWithdrawn")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# shared mapping

#: Regulations.gov keeps US Eastern time: comment periods close at 11:59 pm Eastern.
REGULATIONS_TIMEZONE = "America/New_York"


def attachment_only(text: pd.Series) -> pd.Series:
    """True where a short text (at most :data:`POINTER_MAX_CHARS` characters) only points at an attachment.

    Examples
    --------
    >>> attachment_only(pd.Series(["Please see the attached comments from the Association of Nurses.",
    ...                            "See attached file(s)", "See the attached: we oppose the plan because it "
    ...                            "would close three clinics, lengthen waits and move care out of town for "
    ...                            "thousands of older patients who cannot drive and rely on buses that no "
    ...                            "longer run in the evening, which the council itself admits at last."])).tolist()
    [True, True, False]
    """
    s = text.astype("string")
    # every pointer names an attachment: only those texts are read sentence by sentence
    short = ((s.str.len() <= POINTER_MAX_CHARS) & s.str.contains(_ATTACHED, regex=True, case=False)).fillna(False)
    short = short.to_numpy(dtype=bool)
    out = pd.Series(False, index=s.index)
    if short.any():
        out[short] = [_cover_note(t) for t in s[short].fillna("")]
    return out.astype(bool)


def _cover_note(text: str) -> bool:
    """Whether every sentence of ``text`` points at an attachment or is a courtesy, and one points.

    Examples
    --------
    >>> _cover_note("We appreciate the opportunity to comment on this initiative. Please find attached our comments.")
    True
    >>> _cover_note("Thank you for the opportunity to comment.")  # thanks alone point at nothing
    False
    >>> _cover_note("Please see attached. The directory would cut costs for rural clinics.")
    False
    >>> _cover_note("See attached file(s) commenting on the RFI regarding the potential creation of a National "
    ...             "Directory of Healthcare Providers and Services."), _cover_note("Please see attached COMMENT sent separately.")
    (True, True)
    >>> [_cover_note(t) for t in ("See attached file(s).\\nfile code CMS-0058-NC",
    ...                           "Providers should not have to resubmit documents that were already attached.",
    ...                           "I sent my comments by mail, nothing was attached.")]
    [True, False, False]
    """
    pointed = False
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text.strip()):
        if not sentence.strip():
            continue
        if _ATTACHMENT_ONLY.match(sentence) or _SENT_ATTACHED.match(sentence):
            pointed = True
        elif not (_COURTESY.match(sentence) or _REFERENCE.match(sentence)):
            return False
    return pointed


#: On a comment sent with a file, an identifier alone ("CMS-0058-NC") or a title naming what the file
#: answers ("Gainwell response to \"Request for Information; National Directory ...\"") is a cover note:
#: no sentence that argues, asks or takes a side.
_IDENTIFIER = re.compile(r"^\W*[\w./\u2013-]*\d[\w./\u2013-]*\W*$")
_TITLE_ONLY = re.compile(
    r"^(?!.*\b(?:not|no|should|must|would|could|will|support|oppose|urge|recommend|please|we|i)\b)"
    r"\W*[^.!?]{0,80}?\b(?:response|comments?|letter|submission|feedback)\s+(?:to|on|regarding|re:?|for)\b"
    r"(?P<title>[^!?]{0,200})$", re.IGNORECASE)


def _title_only(text: str) -> bool:
    """"Gainwell response to \"Request for Information; ...\"", "AWS comments on CMS National Provider
    Directory RFI": what a file answers, named by its title (quoted, in capitals, or by an identifier),
    not a sentence of prose ("Feedback on the directory: too costly, a waste of money." is a comment).

    >>> [_title_only(t) for t in ("AWS comments on CMS National Provider Directory RFI",
    ...     "Feedback on the directory: too costly, too burdensome, a waste of taxpayer money.",
    ...     "Response to CMS-0058-NC. Directory data are wrong in 40% of listings, which harms patients.")]
    [True, False, False]
    """
    m = _TITLE_ONLY.match(text)
    if not m:
        return False
    title = m.group("title")
    if re.search(r"[.!?]\s+\S", title):  # one sentence only
        return False
    words = re.findall(r"[A-Za-z][\w'&-]*", title)
    capitalised = sum(w[0].isupper() for w in words if w.lower() not in {"of", "for", "and", "the", "on", "to", "a"})
    content = sum(w.lower() not in {"of", "for", "and", "the", "on", "to", "a"} for w in words)
    return bool(re.search(r"[\"\u201c]|\w*\d\w*-|-\w*\d", title)) or (content > 0 and capitalised * 2 >= content)


def _reference_only(text: str) -> bool:
    """Whether ``text`` is only references to the docket and courtesies ("Our comments are in reference to
    CMS-0058-NC", "Response to file CMS-0058-NC. Thank you.", "CMS-0058-NC", "Gainwell response to
    \"Request for Information\"", "IBM is pleased to respond to the RFI."): a cover note for a comment sent
    as a file.

    >>> [_reference_only(t) for t in ("CMS-0058-NC", 'Gainwell response to "Request for Information; National '
    ...     'Directory of Healthcare Providers & Services"', "Response to the RFI: we support the directory.",
    ...     "Comments on the directory should be public.")]
    [True, True, False, False]
    """
    if _IDENTIFIER.match(text) or _title_only(text.strip()):
        return True
    # references and courtesies only ("IBM is pleased to respond to the CMS Request for Information."):
    # what the sender says is in the file
    sentences = [t for t in re.split(r"(?<=[.!?])\s+|\n+", text.strip()) if t.strip()]
    return bool(sentences) and all(_REFERENCE.match(t) or _COURTESY.match(t) for t in sentences)


#: On a comment sent with a file, a short note (at most :data:`COVER_MAX_CHARS` characters) that names the
#: file or its sender and has no word that argues, asks or judges is a cover note, however it is phrased
#: ("Please find attached Clarify Health's comment letter regarding CMS-0058-NC: Request for Information;
#: ...", "In response to CMS-0058-NC, ..., please see the attached file on behalf of The Wright Center").
COVER_MAX_CHARS = 400
_NAMES_FILE = re.compile(r"\b(?:attach\w*|enclos\w*|pdf|files?|letters?|doc\w*|submission|comments?|responses?)\b",
                         re.IGNORECASE)
_ARGUES = re.compile(
    r"\b(?:should|must|would|could|will|believes?|because|benefits?|concerns?|needs?|important|great|good|bad|idea"
    r"|recommend\w*|suggest\w*|propos\w*|risks?|harm\w*|improve\w*|ensure|why|how|what|not|no|never|but"
    r"|however|encourage\w*|request(?:s|ed|ing)? that|ask\w*|hope)\b", re.IGNORECASE)


#: Greetings, sign-offs and a signature line around a cover note ("Dear Administrator Brooks-LaSure:",
#: "Regards,", "Jake Tunney").
_SALUTATION = re.compile(r"^\W*(?:dear\b[^.!?]{0,80}|(?:(?:kind |best |warm )?regards|sincerely|respectfully(?: submitted)?"
                         r"|yours(?: sincerely| faithfully| truly)?|thank you|thanks)\W*(?:[A-Z][\w.'-]*\s*){0,5})\W*$",
                         re.IGNORECASE)
_NAME_LINE = re.compile(r"^\W*(?:[A-Z][\w.'-]*\s*){1,5}\W*$")


def _sent_with_file(text: str) -> bool:
    """Whether a short note on a comment sent with a file only names the file, its sender or what it
    answers: every sentence a pointer, a courtesy, a reference, a greeting or signature, or a sentence that
    names the file or its sender and has no word that argues, asks or judges
    (:data:`COVER_MAX_CHARS`, :data:`_ARGUES`); one sentence must name the file.

    >>> [_sent_with_file(t) for t in ("In response to CMS-0058-NC, Request for Information: National Directory of "
    ...     "Healthcare Providers and Services, please see the attached file on behalf of The Wright Center.",
    ...     "Arkansas Insurance Department believes the implementation of a NDH will benefit regulators.",
    ...     "See attached file(s)Thanks for the opportunity to respond on this great idea.",
    ...     "Attached are our comments. Physician data in the directory is outdated, duplicative and costly.")]
    [True, False, False, False]
    """
    from ..sentiment import split_sentences  # only for the few notes on comments sent with files

    if len(text) > COVER_MAX_CHARS or re.search(_STANCE, text):
        return False
    named = False
    for sentence in split_sentences(text):  # "U.S. PIRG", "Chase & Co. and Embold" stay whole
        if _SALUTATION.match(sentence) or _NAME_LINE.match(sentence):
            continue
        if (_ATTACHMENT_ONLY.match(sentence) or _SENT_ATTACHED.match(sentence)
                or (_NAMES_FILE.search(sentence) and not _ARGUES.search(sentence))):
            named = True
        elif not (_COURTESY.match(sentence) or _REFERENCE.match(sentence) or _IDENTIFIER.match(sentence)):
            return False
    return named


def placeholder_mask(text: pd.Series, attached: pd.Series | None = None) -> pd.Series:
    """True where the whole text is a placeholder (see :data:`PLACEHOLDER_PATTERNS`) or a short cover
    note that only points at an attachment (:func:`attachment_only`) and takes no stance of its own
    ("See attached: we support the rule" is a comment); and, where ``attached`` says the record has a
    file, a text that only names what it responds to (:func:`_reference_only`).

    Examples
    --------
    >>> placeholder_mask(pd.Series(["See attached file(s)", "Please see attached.", "n/a",
    ...     "See attached: we support the rule", "", "Please find attached comments from Community Catalyst"],
    ...     dtype="string")).tolist()
    [True, True, True, False, False, True]
    >>> placeholder_mask(pd.Series(["Our comments are in reference to CMS-0058-NC", "Response to file CMS-0058-NC.",
    ...     "Our comments are in reference to CMS-0058-NC"], dtype="string"),
    ...     attached=pd.Series([True, True, False])).tolist()
    [True, True, False]
    """
    folded = text.fillna("").astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    pointer = attachment_only(folded)
    if attached is not None:
        has_file = attached.fillna(False).to_numpy(dtype=bool) & (folded.str.len() <= COVER_MAX_CHARS).fillna(
            False).to_numpy(dtype=bool)
        if has_file.any():
            pointer[has_file] = pointer[has_file].to_numpy(dtype=bool) | np.array(
                [_reference_only(t) or _sent_with_file(t) for t in folded[has_file]], dtype=bool)
    if pointer.any():  # the stance words are looked for in the notes only, the courtesy's own words left out
        notes = folded[pointer].str.replace(_COURTESY_WORDS, " ", regex=True)
        pointer[pointer] = ~notes.str.contains(_STANCE, regex=True).fillna(False).astype(bool)
    return (folded.str.fullmatch(_PLACEHOLDER).fillna(False).astype(bool) | pointer).astype(bool)


def _text_field(values: list[object]) -> pd.Series:
    """Raw values as strings: None for missing, JSON for structured values (a mutated file)."""
    out = [
        v if isinstance(v, str) or v is None else json.dumps(v) if isinstance(v, (dict, list)) else str(v)
        for v in values
    ]
    return pd.Series(out, dtype="string")


def _blank(values: pd.Series) -> pd.Series:
    return (values.isna() | values.str.strip().eq("")).fillna(True).astype(bool)


def _respondent_type(category: pd.Series) -> pd.Series:
    stripped = category.str.strip().str.replace(_CATEGORY_CODE, "", regex=True).str.strip()
    individual = stripped.str.casefold().eq("individual").fillna(False).astype(bool)
    out = stripped.where(~individual, "individual")
    return out.where(~_blank(out), pd.NA)


def _dates(rec: pd.DataFrame, column: str, rows: np.ndarray, options: ReadOptions) -> pd.Series:
    """The dates of ``column`` in UTC on the rows where ``rows`` holds (NaT elsewhere); an error names
    the file and record."""
    try:  # rows are positions here, mapped back to the file and record on error
        return parse_datetimes(
            rec[column].where(pd.Series(rows), pd.NA),
            np.arange(1, len(rec) + 1),
            timezone=options.timezone,
            column=column,
            source=options.source,
        )
    except InputError as exc:
        i = (exc.row or 1) - 1
        raise InputError(exc.reason, path=rec["source"].iloc[i], row=int(rec["source_row"].iloc[i])) from None


def _map_records(rec: pd.DataFrame, options: ReadOptions) -> Tables:
    """Map the record table (columns of :data:`_FIELDS` plus ``withdrawn``, ``attached``, ``source``,
    ``source_row``, ``malformed``) to the canonical tables."""
    n = len(rec)
    rec = rec.reset_index(drop=True)
    options = replace(options, timezone=publisher_zone(options, REGULATIONS_TIMEZONE))
    ids = rec["id"].str.strip()
    malformed = rec["malformed"].notna().to_numpy(dtype=bool)
    no_id = _blank(ids).to_numpy(dtype=bool) & ~malformed
    record_id = ids.where(~_blank(ids), "record-" + rec["source_row"].astype("string"))
    duplicate = ids.duplicated().to_numpy(dtype=bool) & ~_blank(ids).to_numpy(dtype=bool) & ~malformed
    withdrawn = rec["withdrawn"].to_numpy(dtype=bool) & ~malformed & ~no_id & ~duplicate

    text = normalise_text(html_series_to_text(rec["comment"]).fillna(""))
    empty = _blank(text).to_numpy(dtype=bool)
    attached = rec["attached"].fillna(False).to_numpy(dtype=bool)
    blank = empty & ~attached & ~malformed & ~no_id & ~duplicate & ~withdrawn
    keep = ~(malformed | no_id | duplicate | withdrawn | blank)

    # dates: when the agency received the comment, else when it was posted
    received = ~_blank(rec["receiveDate"]).to_numpy(dtype=bool)
    created = _dates(rec, "receiveDate", keep & received, options).fillna(
        _dates(rec, "postedDate", keep & ~received, options)
    )

    thread = rec["commentOnDocumentId"].str.strip()
    thread = thread.where(~_blank(thread), rec["docketId"].str.strip())
    thread = thread.where(~_blank(thread), ids)
    organisation = rec["organization"].str.strip()
    title = normalise_text(html_series_to_text(rec["title"]))
    comments = pd.DataFrame(
        {
            "comment_id": ids,
            "parent_id": pd.Series(pd.NA, index=rec.index, dtype="string"),
            "thread_id": thread,
            "author": submitter_ids(rec["firstName"], rec["lastName"]),
            "created_at": created,
            "text": text,
            "kind": pd.Series("response", index=rec.index, dtype="string"),
            "source": rec["source"].astype("string"),
            "source_row": rec["source_row"].astype("Int64"),
            "title": title.where(~_blank(title), pd.NA),
            "respondent_type": _respondent_type(rec["category"]),
            "organisation": organisation.where(~_blank(organisation), pd.NA),
            "is_placeholder": pd.Series(placeholder_mask(text, rec["attached"]).to_numpy(dtype=bool) | empty,
                                        dtype="boolean"),
            "url": _API_URL + ids,
            "has_attachment": pd.Series(rec["attached"].to_numpy(), dtype="boolean"),
        }
    )
    comments = comments[
        [*COMMENT_COLUMNS, "title", "respondent_type", "organisation", "is_placeholder", "url", "has_attachment"]
    ]

    # exclusions, with a reason and a detail each
    first_seen = pd.Series(np.arange(n)).groupby(ids.fillna("").to_numpy()).transform("min").to_numpy()
    first_where = rec["source"].astype("string") + " row " + rec["source_row"].astype("string")
    reason = np.select(
        [malformed, no_id, duplicate, withdrawn, blank],
        ["malformed", "malformed", "duplicate_record", "deleted", "blank"],
        default="",
    )
    reason_withdrawn = normalise_text(rec["reasonWithdrawn"].fillna("")).str.replace(r"\s+", " ", regex=True)
    detail = pd.Series(
        np.select(
            [malformed, no_id, duplicate, withdrawn, blank],
            [
                rec["malformed"].fillna("").to_numpy(dtype=object),
                np.full(n, "the record has no document id", dtype=object),
                (
                    "the same document id was already read from "
                    + first_where.iloc[first_seen].reset_index(drop=True)
                ).to_numpy(dtype=object),
                (
                    "withdrawn on Regulations.gov"
                    + reason_withdrawn.where(reason_withdrawn.eq(""), ": " + reason_withdrawn)
                ).to_numpy(dtype=object),
                np.full(n, "no comment text and no attachment", dtype=object),
            ],
            default="",
        ),
        dtype="string",
    )
    dropped = ~keep
    exclusions = pd.DataFrame(
        {
            "source": rec["source"].astype("string")[dropped],
            "source_row": rec["source_row"].astype("Int64")[dropped],
            "record_id": record_id[dropped],
            "reason": pd.Series(reason, dtype="string")[dropped],
            "detail": detail[dropped],
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    return Tables(
        comments=comments[keep].reset_index(drop=True), exclusions=exclusions.reset_index(drop=True),
        timezone=options.timezone,
    )


#: Words of a submitter's name that say it was not given.
_NO_NAME = frozenset({"anonymous", "anon", "n/a", "na", "none", "unknown", "-", "."})


def submitter_ids(first: pd.Series, last: pd.Series) -> pd.Series:
    """A pseudonymous id per submitter: 12 or so digits from a SHA-256 digest of the first and last name
    (case and spacing folded), missing when no name was given or it is "Anonymous".

    Digits only, so nothing downstream takes the id for a name (:func:`helpers.redact.contributor_names`),
    and the name itself is never kept.

    Examples
    --------
    >>> ids = submitter_ids(pd.Series(["Jo", "jo ", "Anonymous", None, "Sam"], dtype="string"),
    ...                     pd.Series(["Bloggs", "BLOGGS", "Anonymous", None, None], dtype="string"))
    >>> ids[0] == ids[1], ids[0].isdigit(), bool(ids[2:4].isna().all()), ids[4] == submitter_ids(
    ...     pd.Series(["Sam"], dtype="string"), pd.Series([None], dtype="string"))[0]
    (True, True, True, True)
    """
    words = (first.fillna("").astype(str) + " " + last.fillna("").astype(str)).str.casefold().str.split()
    out = [str(int.from_bytes(hashlib.sha256(" ".join(w).encode("utf-8")).digest()[:5], "big"))
           if w and not set(w) <= _NO_NAME else None for w in words]
    return pd.Series(out, index=first.index, dtype="string")


def _empty_records() -> dict[str, list]:
    return {k: [] for k in (*_FIELDS, "withdrawn", "attached", "source", "source_row", "malformed")}


def _records_frame(cols: dict[str, list]) -> pd.DataFrame:
    frame = {k: _text_field(cols[k]) for k in _FIELDS}
    frame["withdrawn"] = pd.Series(cols["withdrawn"], dtype=bool)
    frame["attached"] = pd.Series(cols["attached"], dtype=bool)
    frame["source"] = pd.Series(cols["source"], dtype="string")
    frame["source_row"] = pd.Series(cols["source_row"], dtype="Int64")
    frame["malformed"] = pd.Series(cols["malformed"], dtype="string")
    return pd.DataFrame(frame)


# ---------------------------------------------------------------------------------------------
# JSON (one comment per file, or a folder of them)


_TYPE = re.compile(r'"type"\s*:\s*"comments"')
_MARKERS = ('"commentOnDocumentId"', '"docketId"', '"postedDate"', '"commentOn"')


def sniff_regulationsgov_json(head: bytes) -> float:
    """Confidence that a file is a Regulations.gov v4 comment (``"type": "comments"`` and its attributes).

    Examples
    --------
    >>> sniff_regulationsgov_json(b'{"data": {"id": "X-1", "type": "comments", "attributes": {"docketId": "X"}}}')
    0.97
    >>> sniff_regulationsgov_json(b'{"id": 1, "text": "a"}')
    0.0
    """
    text = head_text(head)
    if text is None or not text.lstrip().startswith("{"):
        return 0.0
    if _TYPE.search(text) and any(m in text for m in _MARKERS):
        return 0.97
    return 0.0


def _is_comment(obj: object) -> bool:
    return isinstance(obj, dict) and obj.get("type") == "comments" and isinstance(obj.get("attributes"), dict)


def sniff_regulationsgov_folder(folder: Path) -> float:
    """Confidence that ``folder`` holds v4 API comment files: its first ``*.json`` file is one.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "X-1.json").write_text('{"data": {"id": "X-1", "type": "comments", "attributes": {}}}')
    >>> sniff_regulationsgov_folder(d)
    0.9
    """
    try:
        first = min((p for p in folder.glob("*.json") if p.is_file()), default=None)
        if first is None:
            return 0.0
        data = json.loads(first.read_bytes()[: 16 * 1024 * 1024])
    except (OSError, ValueError, RecursionError):
        return 0.0
    return 0.9 if isinstance(data, dict) and _is_comment(data.get("data")) else 0.0


def _attached(doc: dict, item: dict) -> bool:
    rel = item.get("relationships")
    att = rel.get("attachments") if isinstance(rel, dict) else None
    data = att.get("data") if isinstance(att, dict) else None
    return bool(data) or bool(doc.get("included"))


def _add_record(cols: dict[str, list], item: dict, doc: dict, source: str, row: int) -> None:
    attrs = item["attributes"]
    for key in _FIELDS:
        cols[key].append(item.get("id") if key == "id" else attrs.get(key))
    cols["withdrawn"].append(attrs.get("withdrawn") is True or str(attrs.get("withdrawn")).lower() in _TRUE)
    cols["attached"].append(_attached(doc, item))
    cols["source"].append(source)
    cols["source_row"].append(row)
    cols["malformed"].append(None)


def _add_malformed(cols: dict[str, list], record_id: object, source: str, row: int, why: str) -> None:
    for key in _FIELDS:
        cols[key].append(record_id if key == "id" else None)
    cols["withdrawn"].append(False)
    cols["attached"].append(False)
    cols["source"].append(source)
    cols["source_row"].append(row)
    cols["malformed"].append(why)


def _load_json(data: bytes, options: ReadOptions, source: str) -> object:
    text = decode_text(data, encoding=options.encoding, source=source)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at column {exc.colno}", path=source, row=exc.lineno
        ) from None
    except RecursionError:
        raise InputError("not valid JSON: nested too deeply", path=source) from None
    refuse_lone_surrogates(text, doc, source=source)
    return doc


def _add_document(cols: dict[str, list], doc: object, source: str) -> str | None:
    """Add the comment(s) of one API response; the type of a non-comment document, else None."""
    data = doc.get("data") if isinstance(doc, dict) else None
    if isinstance(data, dict):
        if data.get("type") != "comments":
            return str(data.get("type") or "unknown")
        if not isinstance(data.get("attributes"), dict):
            _add_malformed(cols, data.get("id"), source, 1, "the comment has no attributes object")
        else:
            _add_record(cols, data, doc, source, 1)
        return None
    if isinstance(data, list):
        if data and not any(_is_comment(item) for item in data):
            raise InputError(
                "not a list of Regulations.gov comments: no element has type 'comments'", path=source
            )
        for i, item in enumerate(data, start=1):
            if _is_comment(item):
                _add_record(cols, item, {}, source, i)
            else:
                rid = item.get("id") if isinstance(item, dict) else None
                _add_malformed(
                    cols, rid, source, i, "list element is not a comment (type 'comments' with attributes)"
                )
        return None
    raise InputError(
        'not a Regulations.gov API comment: expected {"data": {"type": "comments", "attributes": {...}}}',
        path=source,
        row=1,
    )


@register_reader(
    "regulationsgov-json",  # no suffix: other JSON must not fall back to it
    sniff=sniff_regulationsgov_json,
    sniff_folder=sniff_regulationsgov_folder,
)
def read_regulationsgov_json(path: Path, options: ReadOptions) -> Tables:
    """Read Regulations.gov v4 API comment JSON: one file, or a folder of one file per comment.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "X-0002.json").write_text(json.dumps({"data": {"id": "X-0002", "type": "comments",
    ...     "attributes": {"comment": "Yes &amp;amp; no<br/>Thanks", "commentOnDocumentId": "X-0001",
    ...     "postedDate": "2022-10-24T04:00:00Z", "firstName": "Anonymous", "withdrawn": False}}}))
    >>> t = read_regulationsgov_json(d, ReadOptions(str(d)))
    >>> t.comments[["comment_id", "thread_id", "text", "author"]].astype(object).values.tolist()
    [['X-0002', 'X-0001', 'Yes & no\\nThanks', <NA>]]
    """
    source = options.source
    cols = _empty_records()
    notes: list[str] = []
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        if not files:
            raise InputError("the folder holds no .json files", path=source)
        skipped: list[str] = []
        for file in files:
            file_source = str(Path(source) / file.name)
            try:
                doc = _load_json(read_bytes(file, source=file_source), options, file_source)
                other = _add_document(cols, doc, file_source)
            except InputError as exc:
                if exc.reason.startswith("permission denied"):
                    raise
                _add_malformed(cols, file.stem, file_source, exc.row or 1, exc.reason)
                continue
            if other is not None:
                skipped.append(f"{file.name} ({other})")
        if skipped:
            notes.append(
                f"{len(skipped)} JSON file(s) in the folder are not comments and were skipped: "
                + ", ".join(skipped[:5])
                + (" ..." if len(skipped) > 5 else "")
            )
    else:
        doc = _load_json(read_bytes(path, source=source), options, source)
        other = _add_document(cols, doc, source)
        if other is not None:
            raise InputError(f"this is a Regulations.gov {other!r} record, not a comment", path=source, row=1)
    tables = _map_records(_records_frame(cols), options)
    tables.notes.extend(notes)
    return tables


# ---------------------------------------------------------------------------------------------
# bulk-download CSV


def _header_fields(head: bytes) -> list[str] | None:
    text = head_text(head)
    if text is None:
        return None
    line = text.lstrip("\n").split("\n", 1)[0]
    try:
        return [h.strip() for h in next(csv.reader([line], delimiter=sniff_delimiter(line)))]
    except (csv.Error, StopIteration):
        return None


def sniff_regulationsgov_csv(head: bytes) -> float:
    """Confidence that a file is a Regulations.gov bulk-download CSV (by its header).

    Examples
    --------
    >>> sniff_regulationsgov_csv(b'"Document ID","Posted Date","Comment"\\n"X-1","2022-10-24","Hi"\\n')
    0.9
    >>> sniff_regulationsgov_csv(b"id,comment\\n1,Hi\\n")
    0.0
    """
    names = _header_fields(head)
    if not names or "Document ID" not in names or "Comment" not in names:
        return 0.0
    return 0.9 if {"Comment on Document ID", "Posted Date", "Docket ID"} & set(names) else 0.0


@register_reader("regulationsgov-csv", suffixes=(".csv",), sniff=sniff_regulationsgov_csv)
def read_regulationsgov_csv(path: Path, options: ReadOptions) -> Tables:
    """Read a Regulations.gov bulk-download CSV of comments (see the module docstring for the mapping).

    Only the columns in :data:`CSV_COLUMNS` are read; names, addresses, e-mail and phone columns are
    left behind.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "docket.csv"
    >>> _ = p.write_text('Document ID,Comment on Document ID,Posted Date,Comment,Category\\n'
    ...     'X-0002,X-0001,2022-10-24T04:00Z,See Attached,Individual\\n', encoding="utf-8")
    >>> t = read_regulationsgov_csv(p, ReadOptions(str(p)))
    >>> t.comments[["comment_id", "is_placeholder", "respondent_type"]].astype(object).values.tolist()
    [['X-0002', True, 'individual']]
    """
    source = options.source
    frame, starts = load_delimited(path, source=source, encoding=options.encoding)
    if len(frame) == 0:
        raise InputError("the file is empty", path=source)
    header = [str(v).strip() for v in frame.iloc[0].tolist()]
    raw = frame.iloc[1:].reset_index(drop=True)
    rows = starts[1:]
    if "Document ID" not in header or "Comment" not in header:
        raise InputError(
            "not a Regulations.gov bulk download: no 'Document ID' and 'Comment' columns",
            path=source,
            row=int(rows[0]) - 1 if len(rows) else 1,
        )
    position = {name: i for i, name in reversed(list(enumerate(header)))}
    n = len(raw)
    cols: dict[str, object] = {}
    for column, field in CSV_COLUMNS.items():
        if column in position:
            values = raw.iloc[:, position[column]].astype("string")
            cols[field] = values.where(values.str.strip().ne(""), pd.NA)
        else:
            cols[field] = pd.Series(pd.NA, index=raw.index, dtype="string")
    withdrawn = cols.pop("withdrawn").str.strip().str.casefold().isin(_TRUE).fillna(False).astype(bool)
    attachments = cols.pop("attachments")
    rec = pd.DataFrame(
        {
            **{f: cols[f] for f in _FIELDS},
            "withdrawn": withdrawn.to_numpy(dtype=bool),
            # a CSV without the "Attachment Files" column does not say: missing, not "no file"
            "attached": (pd.array(attachments.notna().to_numpy(dtype=bool), dtype="boolean")
                         if any(CSV_COLUMNS.get(c) == "attachments" for c in position)
                         else pd.array([pd.NA] * len(attachments), dtype="boolean")),
            "source": pd.Series(source, index=raw.index, dtype="string"),
            "source_row": pd.Series(rows, index=raw.index, dtype="Int64"),
            "malformed": pd.Series(pd.NA, index=raw.index, dtype="string"),
        }
    )
    if n == 0:
        rec = _records_frame(_empty_records())
    return _map_records(rec, options)
