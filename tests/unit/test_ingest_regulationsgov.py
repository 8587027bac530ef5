"""Tests for the Regulations.gov readers. Expected values were worked out by hand from
tests/fixtures/ingest/regs-*.{json,csv} (invented data) and, for the real docket, from SOURCE.txt and
independent counts made here with the json module."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.errors import InputError
from helpers.ingest import IngestResult, detect_format, read
from helpers.ingest import regulationsgov as rg  # noqa: F401  (registers the readers)
from helpers.ingest.regulationsgov import placeholder_mask
from helpers.schema import analysable, validate_comments, validate_exclusions
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FEWER, FIXTURES, SETTINGS, check_bytes, check_read, edited, table_values

COMMENT = FIXTURES / "regs-comment.json"
BULK = FIXTURES / "regs-bulk.csv"


def _doc(doc_id, comment, **attrs):
    attributes = {
        "commentOnDocumentId": "EX-1-0001",
        "docketId": "EX-1",
        "comment": comment,
        "postedDate": "2023-01-02T05:00:00Z",
        "withdrawn": False,
        **attrs,
    }
    return {"data": {"id": doc_id, "type": "comments", "attributes": attributes}}


# ---------------------------------------------------------------------------------------------
# one comment, one file


def test_single_comment_file():
    result = read(COMMENT)
    assert result.format == "regulationsgov-json"
    c = result.comments
    # the submitter, "Invented Submitter", as a pseudonymous id: the first 5 bytes of the SHA-256 of the folded name
    pseudonym = str(int.from_bytes(hashlib.sha256(b"invented submitter").digest()[:5], "big"))
    assert table_values(c, ["comment_id", "parent_id", "thread_id", "author", "kind", "source_row"]) == [
        ["EX-2023-0001-0010", None, "EX-2023-0001-0001", pseudonym, "response", 1]
    ]
    # &amp;amp; -> &, &amp;rsquo; -> ’, &ndash; -> –, <br/><br/> -> blank line, <b> dropped, <script> gone
    assert c["text"].tolist() == [
        "Dear Centers for Medicare & Medicaid Services,\n\n"
        "A patient’s choice matters – please keep the sex of the provider field.\nThank you."
    ]
    assert table_values(c, ["title", "organisation", "respondent_type", "is_placeholder", "url"]) == [
        [
            "Comment from Example Providers Group",
            "Example Providers Group",
            "Health Care Industry",
            False,
            "https://www.regulations.gov/comment/EX-2023-0001-0010",
        ]
    ]
    # the fixture's receiveDate (2023-03-01), not its later postedDate (2023-03-10)
    assert str(c["created_at"].iloc[0]) == "2023-03-01 05:00:00+00:00"
    assert result.source == str(COMMENT) == c["source"].iloc[0]
    # names and e-mail are never read
    flat = c.astype(str).to_string()
    assert "Invented" not in flat.replace("Invented Clinic", "") and "example.invalid" not in flat
    assert result.records_read == 1 and len(result.exclusions) == 0


def test_folder_of_comment_files(tmp_path):
    folder = tmp_path / "docket"
    folder.mkdir()
    shutil.copy(COMMENT, folder / "EX-2023-0001-0010.json")
    docs = {
        "EX-1-0002.json": _doc("EX-1-0002", "See attached file(s)"),
        "EX-1-0003.json": _doc("EX-1-0003", "", withdrawn=True, reasonWithdrawn="Duplicate  of another"),
        "EX-1-0004.json": {**_doc("EX-1-0004", ""), "included": [{"type": "attachments", "id": "a1"}]},
        "EX-1-0005.json": _doc("EX-1-0005", "   "),
        "EX-1-0006.json": _doc("EX-1-0006", "Our view: yes.", category="Individual"),
        "EX-1-0007.json": _doc("EX-1-0002", "The same id again"),
        "docket.json": {"data": {"id": "EX-1", "type": "dockets", "attributes": {}}},
    }
    for name, doc in docs.items():
        (folder / name).write_text(json.dumps(doc), encoding="utf-8")
    (folder / "EX-1-0008.json").write_text('{"data": {"id": "EX-1-0008",\n "type": }', encoding="utf-8")
    (folder / "notes.txt").write_text("not read", encoding="utf-8")

    assert detect_format(folder) == "regulationsgov-json"
    result = read(folder)
    c = result.comments
    # files in name order: EX-1-0002 .. EX-1-0008, EX-2023-0001-0010 (docket.json is skipped)
    assert table_values(c, ["comment_id", "text", "is_placeholder", "respondent_type"]) == [
        ["EX-1-0002", "See attached file(s)", True, None],
        ["EX-1-0004", "", True, None],  # no text, but an attachment: the attachment is the comment
        ["EX-1-0006", "Our view: yes.", False, "individual"],
        ["EX-2023-0001-0010", c["text"].iloc[3], False, "Health Care Industry"],
    ]
    # which records carry files (never read): EX-1-0004's "included"; regs-comment.json's attachments list
    # is empty
    assert c["has_attachment"].tolist() == [False, True, False, False]
    assert c["source"].tolist() == [
        str(folder / n)
        for n in ("EX-1-0002.json", "EX-1-0004.json", "EX-1-0006.json", "EX-2023-0001-0010.json")
    ]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [
        ["EX-1-0003", "deleted", 1],
        ["EX-1-0005", "blank", 1],
        ["EX-1-0002", "duplicate_record", 1],
        ["EX-1-0008", "malformed", 2],  # the JSON error is on line 2 of that file
    ]
    details = result.exclusions["detail"].tolist()
    assert details[0] == "withdrawn on Regulations.gov: Duplicate of another"
    assert details[2] == f"the same document id was already read from {folder / 'EX-1-0002.json'} row 1"
    assert details[3].startswith("not valid JSON")
    assert result.exclusions["source"].iloc[3] == str(folder / "EX-1-0008.json")
    assert result.notes == [
        "1 JSON file(s) in the folder are not comments and were skipped: docket.json (dockets)"
    ]
    assert result.records_read == 8
    assert analysable(c).tolist() == [False, False, True, True]


def test_list_page_is_one_record_per_element(tmp_path):
    page = {"data": [_doc("EX-1-0002", "First")["data"], _doc("EX-1-0003", "Second")["data"], {"id": "x"}]}
    p = tmp_path / "page.json"
    p.write_text(json.dumps(page), encoding="utf-8")
    result = read(p, format="regulationsgov-json")
    assert table_values(result.comments, ["comment_id", "source_row"]) == [["EX-1-0002", 1], ["EX-1-0003", 2]]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [["x", "malformed", 3]]


@pytest.mark.parametrize(
    ("content", "message", "row"),
    [
        ('{"data": {"id": "a",\n"type": "comments", }', "not valid JSON", 2),
        ("[1, 2]", "not a Regulations.gov API comment", 1),
        (
            '{"data": {"id": "EX-1", "type": "dockets", "attributes": {}}}',
            "'dockets' record, not a comment",
            1,
        ),
    ],
)
def test_single_file_errors(tmp_path, content, message, row):
    p = tmp_path / "bad.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        read(p, format="regulationsgov-json")
    assert err.value.row == row and err.value.path == str(p)


def test_created_at_is_the_receive_date_else_the_posted_date(tmp_path):
    docs = {
        "A-1.json": _doc("A-1", "Received first", receiveDate="2022-12-30T05:00:00Z"),
        "A-2.json": _doc("A-2", "No receive date"),  # postedDate 2023-01-02T05:00:00Z
        "A-3.json": _doc("A-3", "Empty receive date", receiveDate=""),
        "A-4.json": _doc("A-4", "Null receive date", receiveDate=None, postedDate="2023-01-04T05:00:00Z"),
    }
    for name, doc in docs.items():
        (tmp_path / name).write_text(json.dumps(doc), encoding="utf-8")
    c = read(tmp_path).comments
    assert [str(t) for t in c["created_at"]] == [
        "2022-12-30 05:00:00+00:00",
        "2023-01-02 05:00:00+00:00",
        "2023-01-02 05:00:00+00:00",
        "2023-01-04 05:00:00+00:00",
    ]


def test_bad_receive_date_names_its_column_and_file(tmp_path):
    for name, when in (("A-1.json", "2023-01-01T00:00:00Z"), ("A-2.json", "soon")):
        (tmp_path / name).write_text(json.dumps(_doc(name[:-5], "Hi", receiveDate=when)), encoding="utf-8")
    with pytest.raises(InputError, match="cannot read receiveDate value 'soon'") as err:
        read(tmp_path)
    assert err.value.path == str(tmp_path / "A-2.json") and err.value.row == 1


def test_bad_date_names_the_file_in_a_folder(tmp_path):
    for name, when in (("A-1.json", "2023-01-01T00:00:00Z"), ("A-2.json", "last Tuesday")):
        (tmp_path / name).write_text(json.dumps(_doc(name[:-5], "Hi", postedDate=when)), encoding="utf-8")
    with pytest.raises(InputError, match="cannot read postedDate value 'last Tuesday'") as err:
        read(tmp_path)
    assert err.value.path == str(tmp_path / "A-2.json") and err.value.row == 1


# ---------------------------------------------------------------------------------------------
# the bulk-download CSV


def test_bulk_csv_without_an_attachments_column_does_not_say_which_have_files(tmp_path):
    table = pd.read_csv(BULK, dtype=str, keep_default_na=False).drop(columns="Attachment Files")
    table.to_csv(tmp_path / "bulk.csv", index=False)
    result = read(tmp_path / "bulk.csv", format="regulationsgov-csv")
    assert result.comments["has_attachment"].isna().all()  # missing, not "no file"
    # EX-2023-0001-0006 has no text: with no file known either, it is blank (with the column: kept, its file
    # being the comment)
    assert "EX-2023-0001-0006" in set(result.exclusions.loc[result.exclusions["reason"] == "blank", "record_id"])


def test_bulk_csv():
    result = read(BULK)
    assert result.format == "regulationsgov-csv"
    c = result.comments
    assert table_values(
        c, ["comment_id", "thread_id", "source_row", "is_placeholder", "respondent_type", "organisation"]
    ) == [
        ["EX-2023-0001-0002", "EX-2023-0001-0001", 2, False, "individual", None],
        [
            "EX-2023-0001-0003",
            "EX-2023-0001-0001",
            3,
            True,
            "Health Plan or Association",
            "Example Health Plan",
        ],
        ["EX-2023-0001-0006", "EX-2023-0001-0001", 6, True, None, "Invented Clinic"],
        ["EX-2023-0001-0007", "EX-2023-0001-0001", 7, False, "individual", None],
    ]
    assert c["text"].tolist() == [
        "We support the rule & its aims.\n\nPlease extend the deadline.",
        "See Attached",
        "",
        "First line, with a comma\nSecond line ’quoted’",
    ]
    assert [str(t) for t in c["created_at"]] == [
        "2023-03-01 05:00:00+00:00",
        "2023-03-02 05:00:00+00:00",
        "2023-03-05 05:00:00+00:00",
        "2023-03-06 05:00:00+00:00",
    ]
    assert c["author"].notna().tolist() == [True, False, False, False]  # only Alys Nobody gave a name
    assert not c.astype(str).apply(lambda col: col.str.contains("Alys|Nobody|example.invalid")).any().any()
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [
        ["EX-2023-0001-0004", "deleted", 4],
        ["EX-2023-0001-0005", "blank", 5],  # no thread document: would fall back to the docket, but excluded
        ["EX-2023-0001-0002", "duplicate_record", 9],  # line 7 holds a two-line record
    ]
    assert result.records_read == 7


def test_bulk_csv_received_date(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text(
        "Document ID,Docket ID,Posted Date,Received Date,Comment\n"
        "X-2,X,2023-01-20T05:00Z,2023-01-05T05:00Z,Hello\n"
        "X-3,X,2023-01-21T05:00Z,,Hello again\n",
        encoding="utf-8",
    )
    assert table_values(read(p).comments, ["comment_id", "created_at"]) == [
        ["X-2", pd.Timestamp("2023-01-05 05:00", tz="UTC")],
        ["X-3", pd.Timestamp("2023-01-21 05:00", tz="UTC")],  # no received date: the posted date
    ]


def test_dates_without_a_zone_are_us_eastern_time(tmp_path):
    # Regulations.gov keeps Eastern time: 23:59 on 5 September 2022 (EDT, UTC-4) is 03:59 UTC on the 6th,
    # and the briefing writes dates back in that calendar
    p = tmp_path / "d.csv"
    p.write_text("Document ID,Docket ID,Posted Date,Comment\nX-2,X,2022-09-05 23:59,Hello\n", encoding="utf-8")
    result = read(p)
    assert result.comments["created_at"].tolist() == [pd.Timestamp("2022-09-06 03:59", tz="UTC")]
    assert result.timezone == "America/New_York"


def test_bulk_csv_thread_falls_back_to_docket(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text(
        "Document ID,Docket ID,Posted Date,Comment\nX-2,X,2023-01-01T00:00Z,Hello\n", encoding="utf-8"
    )
    assert table_values(read(p).comments, ["comment_id", "thread_id"]) == [["X-2", "X"]]


def test_generic_tables_are_not_claimed(tmp_path):
    p = tmp_path / "plain.csv"
    p.write_text("id,comment\n1,Hello\n", encoding="utf-8")
    assert detect_format(p) == "csv"
    q = tmp_path / "plain.jsonl"
    q.write_text('{"id": 1, "comment": "Hello", "type": "comments"}\n', encoding="utf-8")
    assert detect_format(q) == "jsonl"


# ---------------------------------------------------------------------------------------------
# placeholders and categories


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See attached file(s)", True),
        ("See Attached", True),
        ("see attached comments", True),
        ("Please see attached", True),
        ("Please see the attached letter.", True),
        ("Please find attached comments", True),
        ("Attached", True),
        ("N/A", True),
        ("  See   attached\nfile(s).  ", True),
        ("See attached file(s). We oppose the rule.", False),
        # a cover note naming who sent the attachment is a placeholder (CMS-2022-0163 had 33; as comments
        # they made a theme "attached; association; behalf" of 18%), unless it takes a stance
        ("Please see attached comments from Example Org", True),
        ("Please find attached Humana's comments re: CMS-0058-NC.", True),
        ("See attached: we support the rule", False),
        ("Please see the attached letter, which opposes the plan.", False),
        ("Please see attached supporting documentation", True),  # "supporting" here takes no stance
        ("Please see the attached letter supporting the rule", False),
        ("NA is not applicable here", False),
        ("", False),
    ],
)
def test_placeholder_mask(text, expected):
    assert placeholder_mask(pd.Series([text], dtype="string")).tolist() == [expected]


# ---------------------------------------------------------------------------------------------
# the real docket (shared corpus)


@pytest.fixture(scope="module")
def docket():
    folder = shared_corpus("regulationsgov-CMS-2022-0163", "comments")
    raw = {}
    for f in sorted(folder.glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))["data"]
        raw[data["id"]] = data["attributes"]
    return folder, raw, read(folder)


@pytest.mark.shared
def test_real_docket_counts(docket):
    folder, raw, result = docket
    assert isinstance(result, IngestResult) and result.format == "regulationsgov-json"
    assert result.records_read == 647 == len(raw)  # SOURCE.txt: 647 comments
    withdrawn = sorted(k for k, a in raw.items() if a["withdrawn"])
    assert table_values(result.exclusions, ["record_id", "reason"]) == [[k, "deleted"] for k in withdrawn]
    assert len(result.comments) == 647 - len(withdrawn)
    validate_comments(result.comments)
    validate_exclusions(result.exclusions)
    # a pseudonymous id for each named submitter, never the name: an independent count (an audit reading the JSON)
    # found names on 264 of the 646 kept comments, "Anonymous" on 107 and none on the rest
    authors = result.comments["author"]
    assert authors.notna().sum() == 264 and authors.dropna().str.fullmatch(r"\d+").all()
    named = {f"{a['firstName']} {a['lastName']}".casefold() for a in raw.values() if a.get("firstName")}
    assert not authors.dropna().str.casefold().isin(named).any()
    # dated when CMS received them: SOURCE.txt gives receiveDate 2022-10-07..2022-12-08 (postedDate
    # 2022-10-24..2022-12-09); the one file without a receiveDate (0034) is withdrawn
    assert [k for k, a in raw.items() if not a.get("receiveDate")] == ["CMS-2022-0163-0034"]
    created = dict(zip(result.comments["comment_id"], result.comments["created_at"], strict=True))
    assert created == {k: pd.Timestamp(a["receiveDate"]) for k, a in raw.items() if not a["withdrawn"]}
    assert (min(created.values()).date(), max(created.values()).date()) == (
        pd.Timestamp("2022-10-07").date(),
        pd.Timestamp("2022-12-08").date(),
    )


@pytest.mark.shared
def test_real_docket_placeholders(docket):
    _, raw, result = docket
    # an audit counted 235 of the files carrying attachments ("included" in the JSON), 91 of them also
    # analysed: counted here from the files' own "included" lists
    folder = shared_corpus("regulationsgov-CMS-2022-0163", "comments")
    with_files = {json.loads(f.read_text(encoding="utf-8"))["data"]["id"] for f in sorted(folder.glob("*.json"))
                  if json.loads(f.read_text(encoding="utf-8")).get("included")}
    assert len(with_files) == 235
    kept = result.comments
    assert set(kept.loc[kept["has_attachment"].to_numpy(bool), "comment_id"]) == with_files & set(kept["comment_id"])
    c = result.comments.set_index("comment_id")
    # SOURCE.txt: 68 comments are just "See attached file(s)" (some with a trailing space)
    just_see_attached = {k for k, a in raw.items() if (a["comment"] or "").strip() == "See attached file(s)"}
    assert len(just_see_attached) == 68
    assert set(c.index[c["text"] == "See attached file(s)"]) == just_see_attached
    # every placeholder, counted independently: the raw text (no HTML in these) is one of these phrases
    phrases = {
        "see attached file(s)", "see attached file", "see attached files.", "see attached", "see attached.",
        "see attached letter.", "please see attached", "please see attached.", "please see attached comment",
        "please see attached comments.", "please see attached comment letter.", "please see the attached comments",
        "please see the attached letter.",
    }  # fmt: skip
    expected = {
        k for k, a in raw.items() if (a["comment"] or "").strip().casefold() in phrases and not a["withdrawn"]
    }
    # and the cover notes that only point at an attachment: short, one sentence, opening with a pointer.
    # The 47 were read one by one: each names who sent the attachment (an association, a company, a
    # state body) or what it answers, and says nothing else. Notes of two sentences ("... Thank you.")
    # stay comments.
    starts = ("please see", "please find", "see attached", "see the attached", "attached are", "attached please find")
    cover = {
        k for k, a in raw.items()
        if (t := " ".join(html.unescape(re.sub(r"<[^>]+>", " ", a["comment"] or "")).split())).casefold()
        .removeprefix("on behalf of the melanoma research foundation, ").startswith(starts) and len(t) <= 250
        and not re.search(r"[.!?]\s*\S", t) and k not in expected and not a["withdrawn"]
    }
    assert len(cover) == 47
    # The reader takes a note only when nothing but who sent it or what it answers follows the pointer
    # (so "Please see the attached file, the proposal would devastate ..." stays a comment), or, on a
    # comment sent with a file, when nothing in it argues, asks or judges: all 47 (among them "Please see
    # attached COMMENT sent separately.", "Please see the attached docment.", "Please see attached for
    # comments from Vizient, Inc.", "Please find attached Clarify Health's comment letter regarding
    # CMS-0058-NC: Request for Information; ...").
    # Cover notes of several sentences, each pointing at the attachment or only thanking ("Thank you for the
    # opportunity to comment. Please refer to attached file."), or naming who sends it ("The AAFP is
    # pleased to submit the attached document in response to CMS' request for information."), or add only
    # a file code ("See attached file(s). file code CMS-0058-NC"): these 16, read one by one, say nothing
    # else; an audit found them making a theme "attached; opportunity; submit"
    courteous = {f"CMS-2022-0163-{n:04d}" for n in (75, 86, 120, 402, 461, 462, 477, 478, 493, 515, 538, 541, 602,
                                                    610, 624, 631)}
    # And two notes on comments sent as a file that only name what they answer, read one by one (an audit of the
    # briefing found them quoted as a theme's "typical" comments): "Our comments are in reference to CMS-0058-NC"
    # and "Response to file CMS-0058-NC. Please see attached document for full comment details."
    references = {"CMS-2022-0163-0593", "CMS-2022-0163-0567"}
    # and on comments sent with a file, an identifier or a title alone, or one sentence saying what the
    # file is, read one by one: "CMS-0058-NC", "AWS comments on CMS National Provider Directory RFI",
    # "Gainwell response to \"Request for Information; ...\"", "Comments on Request for Information; ...
    # Document Citation: 87 FR 61018 ...", "The Federation of American Hospitals appreciates the opportunity
    # to provide comments on the RFI.", "InterSystems is submitting its response to CMS' RFI ... in the
    # attached document.", "Orderly Health appreciates the opportunity ... The attached response addresses
    # several questions posed within the RFI ..."
    references |= {f"CMS-2022-0163-{n:04d}" for n in (555, 115, 471, 608, 559, 487, 625)}
    # and, sent with a file, courtesies alone or with a pointer, from an organisation: "IBM is pleased to
    # respond to the ... Request for Information (RFI) for the National Directory ...", "The American Society
    # for Gastrointestinal Endoscopy (ASGE) appreciates the opportunity to respond to ... Comment letter
    # attached.", "We appreciate the opportunity to submit comments on this important initiative." (each read)
    references |= {f"CMS-2022-0163-{n:04d}" for n in (94, 381, 409, 556, 592, 632)}
    # and, sent with a file, notes that only say what the file is or who sent it, in whatever words, read one by
    # one: "Attached are comments from various departments/entities within the California Health and Human
    # Services Agency - they include: ...", "Comments submitted on behalf of Datavant.", "Defacto Health
    # appreciates the opportunity ... The attached response addresses questions of use cases, data, ...",
    # "Dear Administrator Brooks-LaSure: On behalf of Allina Health, this letter is in response to ... Please
    # see the attached document for our entire comments."
    references |= {f"CMS-2022-0163-{n:04d}" for n in (51, 329, 353, 355, 506, 511, 537, 584, 587, 590, 591, 595,
                                                       609, 615)}
    assert all(bool(raw[k].get("comment")) for k in references)
    flagged = set(c.index[c["is_placeholder"]])
    assert expected <= flagged <= expected | cover | courteous | references and len(flagged & cover) == 47
    assert flagged >= courteous | references and len(expected) == 87
    # placeholders are counted but not analysed
    assert not analysable(result.comments)[result.comments["is_placeholder"].to_numpy(dtype=bool)].any()


@pytest.mark.shared
def test_real_docket_text_is_clean(docket):
    _, raw, result = docket
    text = result.comments["text"]
    for fragment in ("&amp;", "&rsquo;", "<br", "&#39;", "&ldquo;", "<span"):
        assert not text.str.contains(fragment, regex=False).any(), fragment


@pytest.mark.shared
def test_real_docket_double_escaped_copies_match_their_siblings(docket):
    _, raw, result = docket
    text = result.comments.set_index("comment_id")["text"]
    double = sorted(k for k, a in raw.items() if "&amp;amp;" in (a["comment"] or ""))
    assert len(double) == 14  # SOURCE.txt
    assert all("administrative gender" in text[k] for k in double)
    assert all("Centers for Medicare & Medicaid" in text[k] for k in double)
    # siblings: comments whose raw text is the double-escaped one escaped only once
    by_raw: dict[str, list[str]] = {}
    for k, a in raw.items():
        by_raw.setdefault(a["comment"] or "", []).append(k)
    pairs = [(k, s) for k in double for s in by_raw.get(raw[k]["comment"].replace("&amp;amp;", "&amp;"), [])]
    assert len({k for k, _ in pairs}) == 13  # the 14th is a personalised copy with no single-escaped twin
    for k, sibling in pairs:
        assert text[k] == text[sibling]
    # and on the template phrase, escaping no longer splits the campaign: fewer distinct texts than raw
    campaign = [k for k in text.index if "administrative gender" in text[k]]
    raw_variants = {raw[k]["comment"] for k in campaign}
    assert text[campaign].nunique() <= len(raw_variants) - 1


# ---------------------------------------------------------------------------------------------
# any bytes in: tables or InputError


@SETTINGS
@given(
    data=st.binary(max_size=2000), fmt=st.sampled_from(["regulationsgov-json", "regulationsgov-csv", None])
)
def test_any_bytes(tmp_path_factory, data, fmt):
    check_bytes(tmp_path_factory.mktemp("b") / "x.json", data, fmt)


@SETTINGS
@given(
    which=st.sampled_from([COMMENT, BULK]),
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(list(b'{}[]",:<>&;\n\\ a0')) | st.integers(0, 255)),
        min_size=1,
        max_size=6,
    ),
    cut=st.none() | st.integers(0, 2000),
)
def test_mutated_fixtures(tmp_path_factory, which, edits, cut):
    fmt = "regulationsgov-json" if which == COMMENT else "regulationsgov-csv"
    check_bytes(tmp_path_factory.mktemp("m") / which.name, edited(which.read_bytes(), edits, cut), fmt)


@FEWER
@given(
    comment=st.text(max_size=200),
    attrs=st.dictionaries(
        st.sampled_from(
            [
                "withdrawn",
                "category",
                "organization",
                "title",
                "postedDate",
                "receiveDate",
                "docketId",
                "commentOnDocumentId",
            ]
        ),
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=20)
        | st.lists(st.integers(), max_size=2),
    ),
)
def test_arbitrary_attribute_values(tmp_path_factory, comment, attrs):
    p = tmp_path_factory.mktemp("a") / "c.json"
    doc = _doc("EX-1-0002", comment)
    doc["data"]["attributes"].update(attrs)
    p.write_text(json.dumps(doc), encoding="utf-8")
    result = check_read(p, "regulationsgov-json")
    if result is not None and len(result.comments):
        assert result.comments["kind"].tolist() == ["response"]


@pytest.mark.parametrize("text", [
    # a review: arguments that mention an attachment, and a stance inside thanks, are comments
    "Providers should not have to resubmit documents that were already attached.",
    "Why must clinics fax records when the file could be uploaded.",
    "I sent my comments by mail, nothing was attached.",
    "We appreciate the opportunity to comment and strongly oppose the rule. See attached.",
])
def test_comments_that_mention_an_attachment_are_not_cover_notes(text):
    assert not placeholder_mask(pd.Series([text], dtype="string")).iloc[0]


@pytest.mark.parametrize(("text", "cover"), [
    # a review: on a comment sent with a file, a note that argues in a sentence of its own is a comment
    ("Response to CMS-0058-NC. Directory data are wrong in 40% of listings, which harms patients.", False),
    ("Attached are our comments. Physician data in the directory is outdated, duplicative and costly.", False),
    ("Feedback on the directory: too costly, too burdensome, a waste of taxpayer money.", False),
    ("See attached. We support the directory.", False),
    # ... and one that only says what the file is, who sent it, or greets and signs, is a cover note
    ("Comments submitted on behalf of Datavant.", True),
    ("Please find attached comments from U.S. PIRG (Public Interest Research Group and our state PIRG affiliates.",
     True),
    ("Please see the attached PDF for Leap Orbit's responses to the Request for Information; National Directory of "
     "Healthcare Providers & Services.\n\nRegards,\n\nJake Tunney", True),
    ('Gainwell response to "Request for Information; National Directory of Healthcare Providers & Services"', True),
    ("CMS-0058-NC", True),
])
def test_notes_on_comments_sent_with_a_file(text, cover):
    mask = placeholder_mask(pd.Series([text, text], dtype="string"), attached=pd.Series([True, False]))
    assert mask.iloc[0] == cover
    if not mask.iloc[0]:
        assert not mask.iloc[1]  # without a file, never more a cover note


def test_a_category_written_two_ways_is_counted_once(tmp_path):
    # CMS-2022-0163 mixes regulations.gov's two category lists: "Government - Federal" (34) beside
    # "Federal Government" (10) split one kind of respondent in two in the briefing
    folder = tmp_path / "docket"
    folder.mkdir()
    categories = ["Government - Federal", "Federal Government", "Government - Federal", "Physician",
                  "government federal"]
    for i, cat in enumerate(categories):
        (folder / f"EX-1-000{i}.json").write_text(json.dumps(_doc(f"EX-1-000{i}", f"View {i}.", category=cat)),
                                                  encoding="utf-8")
    result = read(folder)
    assert result.comments["respondent_type"].tolist() == ["Government - Federal"] * 3 + ["Physician",
                                                                                         "Government - Federal"]
    assert ("respondent type 'Federal Government' is written 'Government - Federal' elsewhere in the source: "
            "counted as 'Government - Federal'") in result.notes
