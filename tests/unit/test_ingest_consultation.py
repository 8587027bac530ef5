"""Tests for the ``consultation`` reader. Expected values worked out by hand from
tests/fixtures/ingest/consultation-* (invented data) and the workbook built below; real-data counts from
SOURCE.txt of the NHS patient-feedback corpus and the csv module."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.errors import ConfigError, InputError
from helpers.ingest import consultation  # noqa: F401  (importing registers the reader)
from helpers.ingest import read as _read_clean
from helpers.ingest.registry import sniff_scores
from helpers.paths import project_root
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FIXTURES, SETTINGS, table_values

CS = FIXTURES / "consultation-citizenspace.csv"
CS_MAP = FIXTURES / "consultation-citizenspace.yaml"
CP = FIXTURES / "consultation-cp1252.csv"
CP_MAP = FIXTURES / "consultation-cp1252.yaml"


def read(*args, **kwargs):
    """The reader's own tables (the cleaning stage of ingest.read is tested elsewhere)."""
    return _read_clean(*args, format="consultation", clean=False, **kwargs)


def _map(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "map.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_citizen_space_csv_with_bom_crlf_and_excel_debris():
    r = read(CS, question_map=CS_MAP, timezone="Europe/London")
    assert table_values(
        r.comments, ["comment_id", "thread_id", "question_id", "respondent_id", "kind", "text", "source_row"]
    ) == [
        ["R1:q1", "q1", "q1", "R1", "response", "More buses\nplease", 2],
        ["R2:q1", "q1", "q1", "R2", "response", "Too costly", 4],
        ["R2:q2", "q2", "q2", "R2", "response", "See our report", 4],
    ]
    assert table_values(r.comments, ["respondent_type", "organisation", "consent_to_publish"]) == [
        ["individual", None, True],
        ["organisation", "Invented Transport Trust", False],
        ["organisation", "Invented Transport Trust", False],
    ]
    # 10:00 GMT in March; 09:30 BST (UTC+1) in July
    assert [str(t) for t in r.comments["created_at"]] == [
        "2021-03-04 10:00:00+00:00",
        "2021-07-01 08:30:00+00:00",
        "2021-07-01 08:30:00+00:00",
    ]
    assert r.records_read == 3 and r.exclusions.empty  # R3 answered no open question
    assert table_values(
        r.respondents, ["respondent_id", "respondent_type", "organisation", "consent_to_publish", "q1_position", "source_row"]
    ) == [
        ["R1", "individual", None, True, "Agree", 2],
        ["R2", "organisation", "Invented Transport Trust", False, "Disagree", 4],
        ["R3", "organisation", "Riverside Residents (invented)", True, "Neither", 5],
    ]
    assert not r.comments["text"].str.contains("_x000", regex=False).any()


def test_cp1252_semicolon_file():
    r = read(CP, question_map=CP_MAP)
    assert table_values(r.comments, ["comment_id", "text", "source_row"]) == [
        ["1:q1", "Costs £5 – too much", 2],
        ["2:q1", "“Fine” café", 3],
    ]
    assert table_values(r.respondents, ["respondent_id", "sector"]) == [["1", "Retail"], ["2", "Health"]]


def test_qualtrics_xlsx_with_three_header_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ResponseId", "RecordedDate", "Q1", "Q2", "Q3"])
    ws.append(["Response ID", "Recorded Date", "What should change?", "Any other comments?", "Do you agree?"])
    ws.append([json.dumps({"ImportId": k}) for k in ("_recordId", "recordedDate", "QID1_TEXT", "QID2_TEXT", "QID3")])
    ws.append(["R_a", "2022-01-05 10:00:00", "Longer opening hours_x000D_\nand more staff", None, "Agree"])
    ws.append(["R_b", "2022-01-06 11:00:00", None, "Fewer forms", "Disagree"])
    ws.append(["R_c", "2022-01-07 12:00:00", "   ", None, None])
    path = tmp_path / "qualtrics.xlsx"
    wb.save(path)
    qmap = _map(
        tmp_path,
        "respondent_id: ResponseId\nheader_rows: 3\ncreated_at: Recorded Date\n"
        "open:\n  q1: What should change?\n  q2: Q2\nclosed:\n  q3_agree: Q3\n",
    )
    r = read(path, question_map=qmap)
    assert table_values(r.comments, ["comment_id", "text", "source_row"]) == [
        ["R_a:q1", "Longer opening hours\nand more staff", 4],
        ["R_b:q2", "Fewer forms", 5],
    ]
    assert str(r.comments["created_at"].iloc[1]) == "2022-01-06 11:00:00+00:00"
    assert table_values(r.respondents, ["respondent_id", "q3_agree", "source_row"]) == [
        ["R_a", "Agree", 4],
        ["R_b", "Disagree", 5],
        ["R_c", None, 6],
    ]


def test_long_format_and_default_ids(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("who,question,answer\nA,Q1,Yes please\nA,Q2,\nB,Q1,No thanks\n", encoding="utf-8")
    r = read(p, question_map=_map(tmp_path, "respondent_id: who\nquestion_column: question\ntext_column: answer\n"))
    assert table_values(r.comments, ["comment_id", "thread_id", "respondent_id", "source_row"]) == [
        ["A:Q1", "Q1", "A", 2],
        ["B:Q1", "Q1", "B", 4],
    ]
    assert table_values(r.exclusions, ["record_id", "reason", "source_row"]) == [["A:Q2", "blank", 3]]
    assert r.respondents["respondent_id"].tolist() == ["A", "B"]
    r2 = read(p, question_map=_map(tmp_path, "question_column: question\ntext_column: answer\n"))
    assert r2.comments["comment_id"].tolist() == ["row-2:Q1", "row-4:Q1"]


def test_example_question_map_fits_the_fixture():
    r = read(CS, question_map=project_root() / "params" / "question-maps" / "example.yaml")
    assert len(r.comments) == 3


def test_title_rows_above_the_header_are_skipped(tmp_path):
    # an audit's export had a title and a date above the header; the map's columns were "not in" the file
    import csv

    import openpyxl

    with open(CS, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Consultation on buses"])
    sheet.append(["Exported 3 March 2021"])
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "titled.xlsx")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "plain.xlsx")
    plain = read(tmp_path / "plain.xlsx", question_map=CS_MAP, timezone="Europe/London")
    r = read(tmp_path / "titled.xlsx", question_map=CS_MAP, timezone="Europe/London")
    assert len(r.comments) == len(plain.comments) > 0
    assert r.comments["text"].tolist() == plain.comments["text"].tolist()
    assert (r.comments["source_row"] - plain.comments["source_row"]).eq(2).all()  # rows of the titled sheet
    assert "the header is on line 3: the 2 lines above it were not read" in r.notes and not plain.notes


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_title_lines_above_a_csv_header_are_skipped(tmp_path, delimiter):
    # Citizen Space-style CSV exports carry a title and a date above the header; the reader refused
    # them ("row 2: this row has 4 fields but the header has 1") while the same sheet as XLSX was read
    with open(CS, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    for name, above in (("plain.csv", []), ("titled.csv", [["Consultation on buses; responses"], [],
                                                          ["Exported 3 March 2021, 14:00"]])):
        with open(tmp_path / name, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=delimiter).writerows(above + rows)
    plain = read(tmp_path / "plain.csv", question_map=CS_MAP, timezone="Europe/London")
    r = read(tmp_path / "titled.csv", question_map=CS_MAP, timezone="Europe/London")
    assert len(r.comments) == len(plain.comments) > 0
    assert r.comments["text"].tolist() == plain.comments["text"].tolist()
    assert r.respondents["respondent_type"].tolist() == plain.respondents["respondent_type"].tolist()
    # three lines above the header (the title, a blank line, the date): every line number moves by 3
    assert (r.comments["source_row"] - plain.comments["source_row"]).eq(3).all()
    assert "the header is on line 4: the 3 lines above it were not read" in r.notes and not plain.notes


def _read_with_map(folder, data: str, qmap: str):
    """Write a consultation CSV and its question map into ``folder`` and read them."""
    (folder / "r.csv").write_text(data, encoding="utf-8")
    (folder / "m.yaml").write_text(qmap, encoding="utf-8")
    return read(folder / "r.csv", question_map=folder / "m.yaml")


def test_respondent_types_and_organisations_as_people_write_them(tmp_path):
    # an audit's export: "Councillor" was counted an organisation (it holds "council"), "Nobody - just
    # me" too ("body"), "Local resident" was a type of its own, and "None" / "n/a" were organisations
    r = _read_with_map(tmp_path, "ID,Type,Organisation,Views\n"
                       "1,Local resident,None,Fine\n2,Councillor,n/a,Good\n3,Nobody - just me,-,Ok\n"
                       "4,On behalf of a business,Acme Ltd,Bad\n5,Individual,Not applicable,Yes\n",
                       "respondent_id: ID\nrespondent:\n  respondent_type: Type\n  organisation: Organisation\n"
                       "open:\n  q1: Views\n")
    assert table_values(r.respondents, ["respondent_type", "organisation"]) == [
        ["individual", None], ["Councillor", None], ["individual", None], ["organisation", "Acme Ltd"],
        ["individual", None]]


def test_sub_columns_and_repeated_headers_can_be_named(tmp_path):
    # SmartSurvey: two header rows, the question over its answers' columns (merged, so written once),
    # and "Other (please specify)" under two questions; the map could name neither "Other" column
    data = ("ID,Q5. Which exemptions?,,Q6. Which areas?,,Explain,Explain\n"
            ",Schools,Other (please specify),Parks,Other (please specify),,\n"
            "1,Yes,Hospitals too,No,Canal paths,Because,Also\n")
    r = _read_with_map(tmp_path, data, "respondent_id: ID\nheader_rows: 2\nopen:\n"
                       "  q5_other: Q5. Which exemptions? / Other (please specify)\n"
                       "  q6_other: q6. which areas? /  other (please specify)\n"
                       "  why: Explain (2)\n")
    assert table_values(r.comments, ["comment_id", "text"]) == [
        ["1:q5_other", "Hospitals too"], ["1:q6_other", "Canal paths"], ["1:why", "Also"]]
    with pytest.raises(InputError, match="matches 2 columns .* such as 'Q6. Which areas[?] / Other"):
        _read_with_map(tmp_path, data, "respondent_id: ID\nheader_rows: 2\nopen:\n  x: Other (please specify)\n")
    # the question alone heads both its answer columns (tick all that apply): an audit's map read only the
    # first option and the briefing said 100% had ticked it
    with pytest.raises(InputError, match="'Q5. Which exemptions[?]' heads 2 columns .* 'Q5. Which exemptions[?] / "
                                         "Schools'"):
        _read_with_map(tmp_path, data, "respondent_id: ID\nheader_rows: 2\nopen:\n  why: Explain (2)\nclosed:\n"
                                       "  q5: Q5. Which exemptions?\n")
    # a map written with curly quotes matches the file's straight ones
    r = _read_with_map(tmp_path, data.replace("Explain,Explain", "Explain,Why it’s fine"),
                       "respondent_id: ID\nheader_rows: 2\nopen:\n  why: Why it's fine\n")
    assert r.comments["text"].tolist() == ["Also"]


def test_never_auto_detected():
    assert sniff_scores(CS.read_bytes()[:4096])["consultation"] == 0.0


def test_a_question_map_without_a_format_means_a_consultation_and_with_another_is_refused():
    # the map used to be ignored without format: consultation, and the CSV reader then asked for a text column
    r = _read_clean(CS, question_map=CS_MAP, timezone="Europe/London", clean=False)
    assert r.format == "consultation" and len(r.comments) == len(read(CS, question_map=CS_MAP).comments) > 0
    with pytest.raises(ConfigError, match="a question map is read only by the consultation format, not 'csv'"):
        _read_clean(CS, question_map=CS_MAP, format="csv")


@pytest.mark.parametrize(
    ("map_text", "message"),
    [
        ("respondent_id: Response ID\nopen:\n  q1: No such question\n", "open.q1: column 'No such question' is not in"),
        ("respondent_id: Nope\nopen:\n  q1: Any other comments?\n", "respondent_id: column 'Nope'"),
        ("open: [unclosed\n", "not valid YAML"),
        ("- a list\n", "must be a YAML mapping"),
        ("respondent_id: Response ID\n", "no open questions"),
        ("open:\n  q1: Any other comments?\nheader_rows: 5\n", "header_rows"),
        ("open:\n  q1: Any other comments?\nextra: 1\n", "unknown key"),
        ("open:\n  q1: Any other comments?\nrespondent:\n  shoe_size: Sector\n", "respondent.shoe_size"),
        ("open:\n  q 1: Any other comments?\n", "question id"),
        ("open:\n  q1: Any other comments?\nclosed:\n  q1: Submitted\n", "both open and closed"),
        ("question_column: Submitted\n", "text_column"),
    ],
)
def test_bad_question_maps_name_the_map_file(tmp_path, map_text, message):
    qmap = _map(tmp_path, map_text)
    with pytest.raises(InputError, match=message) as err:
        read(CS, question_map=qmap)
    assert err.value.path == str(qmap)


def test_missing_map(tmp_path):
    with pytest.raises(ConfigError, match="needs a question map"):
        read(CS)
    with pytest.raises(InputError, match="question map not found"):
        read(CS, question_map=tmp_path / "absent.yaml")


def test_repeated_respondent(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("ID,Q\n1,a\n1,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="appears twice, with different answers") as err:
        read(p, question_map=_map(tmp_path, "respondent_id: ID\nopen: {q: Q}\n"))
    assert err.value.row == 3


def test_a_row_repeated_cell_for_cell_is_read_once_and_its_answers_logged(tmp_path):
    # an audit: an export listing one response twice stopped the run, though the csv reader logs it
    # Lines: 1 header; 2 respondent 1; 3 respondent 2; 4 a copy of line 2; 5 and 6 blank rows (no record)
    p = tmp_path / "dup.csv"
    p.write_text("ID,Q1,Q2,Agree?\n1,Buses late,,Yes\n2,Fares,Tickets,No\n1,Buses late,,Yes\n,,,\n,,,\n",
                 encoding="utf-8")
    r = read(p, question_map=_map(tmp_path, "respondent_id: ID\nopen: {q1: Q1, q2: Q2}\nclosed: {agree: \"Agree?\"}\n"))
    assert r.comments["comment_id"].tolist() == ["1:q1", "2:q1", "2:q2"]
    assert r.exclusions[["source_row", "record_id", "reason", "detail"]].values.tolist() == [
        [4, "1:q1", "duplicate_record", "the same response as row 2"]]
    assert r.respondents["respondent_id"].tolist() == ["1", "2"]  # closed answers counted once
    assert r.records_read == 4  # 3 answers kept + 1 excluded
    # in a long file (one row per answer), a repeated row likewise
    p.write_text("ID,Question,Answer\n1,q1,Buses late\n1,q2,Fares\n1,q1,Buses late\n", encoding="utf-8")
    r = read(p, question_map=_map(tmp_path, "respondent_id: ID\nquestion_column: Question\ntext_column: Answer\n"))
    assert r.comments["comment_id"].tolist() == ["1:q1", "1:q2"]
    assert r.exclusions[["source_row", "record_id", "reason"]].values.tolist() == [[4, "1:q1", "duplicate_record"]]
    # without a respondent id, identical rows are different people (three senders of one campaign
    # letter, one answer each): all kept, as the csv reader keeps them
    p.write_text("Q1,Agree?\nStop the bus cuts now,No\nStop the bus cuts now,No\nStop the bus cuts now,No\n"
                 "I like it,Yes\n", encoding="utf-8")
    r = read(p, question_map=_map(tmp_path, "open: {q1: Q1}\nclosed: {agree: \"Agree?\"}\n"))
    assert len(r.comments) == 4 and len(r.respondents) == 4 and r.exclusions.empty
    # nor when the id cell is blank on those rows
    p.write_text("ID,Q1\n,Stop the bus cuts now\n,Stop the bus cuts now\n", encoding="utf-8")
    r = read(p, question_map=_map(tmp_path, "respondent_id: ID\nopen: {q1: Q1}\n"))
    assert len(r.comments) == 2 and r.exclusions.empty


# ---------------------------------------------------------------------------------------------
# real data


def test_nhs_patient_feedback_long_format(tmp_path):
    path = shared_corpus("nhs-patient-feedback", "text_data.csv")
    qmap = _map(tmp_path, "respondent_id: row_index\nquestion_column: question\ntext_column: feedback\n")
    r = read(path, question_map=qmap)
    assert r.records_read == 10_334  # SOURCE.txt
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    blank = sum(1 for row in rows if not row["feedback"].strip())
    assert (len(r.comments), len(r.exclusions)) == (10_334 - blank, blank)
    by_question = {}
    for row in rows:
        if row["feedback"].strip():
            by_question[row["question"]] = by_question.get(row["question"], 0) + 1
    assert r.comments["question_id"].value_counts().to_dict() == by_question
    assert len(r.respondents) == 10_334
    after_cleaning = _read_clean(path, format="consultation", question_map=qmap)
    assert after_cleaning.records_read == 10_334


# ---------------------------------------------------------------------------------------------
# properties


def _check(path: Path, qmap: Path):
    try:
        r = read(path, question_map=qmap)
    except InputError:
        return
    assert r.records_read == len(r.comments) + len(r.exclusions)


@SETTINGS
@given(st.binary(max_size=400), st.sampled_from(["r.csv", "r.xlsx"]))
def test_arbitrary_bytes(data, name):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / name
        p.write_bytes(data)
        _check(p, CP_MAP)


@SETTINGS
@given(
    st.sampled_from([(CS, CS_MAP), (CP, CP_MAP)]),
    st.integers(min_value=0, max_value=700),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(["", ",", ";", '"', "\n", "\r\n", "_x000D_", "x", "\u00e9", "\xff", " "]),
)
def test_mutated_fixture(pair, start, length, insert):
    fixture, qmap = pair
    data = fixture.read_bytes()
    start = min(start, len(data))
    blob = insert.encode("latin-1") if insert == "\xff" else insert.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "r.csv"
        p.write_bytes(data[:start] + blob + data[start + length :])
        _check(p, qmap)
