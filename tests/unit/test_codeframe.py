"""Codeframe files and coding sheets (helpers.codeframe): hand-written inputs, hand-worked expectations."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from helpers.codeframe import (
    NONE_COLUMN,
    archive_codeframe,
    coding_sheet,
    draft_codeframe,
    read_codeframe,
    read_coding_sheet,
    write_codeframe,
    write_coding_sheet,
)
from helpers.errors import ConfigError, InputError

GOOD = """\
version: 2
name: Parking
codes:
  - id: C1
    name: Cost of parking
    description: Charges are too high.
    examples: [parking charges, permit price]
  - id: C1a
    name: Blue badge costs
    parent: C1
  - id: C2
    name: Safety
"""


@pytest.fixture
def frame(tmp_path):
    path = tmp_path / "codes.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return read_codeframe(path)


def test_read_codeframe_fields(frame):
    assert frame.version == 2
    assert frame.name == "Parking"
    assert frame.ids == ["C1", "C1a", "C2"]
    assert frame.codes["parent"].tolist() == [None, "C1", None]
    assert frame.codes.loc[0, "examples"] == ["parking charges", "permit price"]
    assert frame.codes.loc[2, "description"] == ""


def test_write_then_read_round_trip(frame, tmp_path):
    out = write_codeframe(frame, tmp_path / "again.yaml", header="edited by hand")
    assert out.read_text(encoding="utf-8").startswith("# edited by hand\n")
    again = read_codeframe(out)
    assert again.ids == frame.ids and again.version == 2
    assert again.digest() == frame.digest()


def test_archive_keeps_one_file_per_distinct_version(frame, tmp_path):
    first = archive_codeframe(frame, tmp_path / "codeframes")
    assert archive_codeframe(frame, tmp_path / "codeframes") == first
    frame.codes.loc[2, "name"] = "Safety at night"
    second = archive_codeframe(frame, tmp_path / "codeframes")
    assert second != first and second.name.startswith("codeframe-v2-")
    assert len(list((tmp_path / "codeframes").glob("*.yaml"))) == 2


# (YAML text, expected line in the error, expected words)
BAD = [
    ("codes: []\n", None, "non-empty 'codes'"),
    ("codes:\n  - id: A\n    name: a\n  - id: A\n    name: b\n", 4, "used twice"),
    ("codes:\n  - id: A\n    name: a\n  - id: B\n", 4, "has no name"),
    ("codes:\n  - id: 'has space'\n    name: a\n", 2, "letters, digits"),
    ("codes:\n  - id: A\n    name: a\n    parent: Z\n", 2, "parent 'Z'"),
    ("codes:\n  - id: A\n    name: a\n    parent: B\n  - id: B\n    name: b\n    parent: A\n", 2, "cycle"),
    ("codes:\n  - id: none\n    name: a\n", 2, "reserved"),
    ("codes:\n  - id: A\n    name: a\n    colour: red\n", 2, "unknown field 'colour'"),
    ("version: 0\ncodes:\n  - {id: A, name: a}\n", None, "version"),
    ("codes: [\n", 2, "not valid YAML"),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD)
def test_bad_codeframe_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_codeframe(path)
    assert err.value.path == str(path)
    assert err.value.row == line
    assert words in err.value.reason


def test_draft_codeframe_one_code_per_theme():
    themes = pd.DataFrame({"theme_id": [2, 1], "label": ["school; teacher", ""], "size": [3, 5],
                           "top_terms": [["school", "teacher", "pupils"], ["bus"]]})
    frame = draft_codeframe(themes, max_examples=2)
    assert frame.ids == ["T1", "T2"]
    assert frame.codes["name"].tolist() == ["Theme 1", "school; teacher"]
    assert frame.codes["examples"].tolist() == [["bus"], ["school", "teacher"]]
    assert "5 comments" in frame.codes.loc[0, "description"]


def comments(n_a: int, n_b: int) -> pd.DataFrame:
    n = n_a + n_b
    return pd.DataFrame({"comment_id": [f"c{i}" for i in range(n)], "text": [f"text {i}" for i in range(n)],
                         "question_id": ["qa"] * n_a + ["qb"] * n_b})


def test_coding_sheet_allocates_strata_in_proportion(frame):
    c = comments(30, 10)
    sheet = coding_sheet(c, frame, n=8, strata=c["question_id"], random_state=1)
    # 8 * 30/40 = 6 from qa, 8 * 10/40 = 2 from qb
    assert sheet["question_id"].value_counts().to_dict() == {"qa": 6, "qb": 2}
    assert list(sheet.columns) == ["comment_id", "question_id", "drawn", "text", "coder", "notes", "C1", "C1a", "C2",
                                   NONE_COLUMN]
    assert (sheet[["C1", "C1a", "C2", NONE_COLUMN]] == "").all().all()
    assert (sheet["drawn"] == "at random").all()  # a sampled sheet: every row drawn at random


def test_coding_sheet_gives_each_small_stratum_a_row(frame):
    c = comments(98, 2)
    sheet = coding_sheet(c, frame, n=10, strata=c["question_id"])
    # qa's quota 9.8 and qb's 0.2: qb still gets one row, qa the other nine
    assert sheet["question_id"].value_counts().to_dict() == {"qa": 9, "qb": 1}


def test_coding_sheet_by_order_and_exclusions(frame):
    c = comments(5, 0)
    sheet = coding_sheet(c, frame, n=2, order=pd.Series([0.1, 0.9, 0.5, 0.8, 0.7]), exclude=["c1"])
    assert sheet["comment_id"].tolist() == ["c3", "c4"]


def filled(rows: list[dict]) -> pd.DataFrame:
    base = {"comment_id": "", "coder": "", "C1": "", "C1a": "", "C2": "", NONE_COLUMN: ""}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_read_coding_sheet_marks_and_blank_rows(frame):
    sheet = filled([{"comment_id": "a", "C1": "1", "C2": "X"}, {"comment_id": "b", NONE_COLUMN: "yes"},
                    {"comment_id": "c"}, {"comment_id": "d", "C1a": " x "}])
    hand = read_coding_sheet("s.csv", frame, sheet=sheet, comment_ids=list("abcd"))
    assert hand["comment_id"].tolist() == ["a", "b", "d"]  # c is not coded yet
    assert hand[["C1", "C1a", "C2"]].to_numpy().tolist() == [[1, 0, 1], [0, 0, 0], [0, 1, 0]]
    assert hand["row"].tolist() == [2, 3, 5]


def test_read_coding_sheet_codes_column(frame):
    sheet = pd.DataFrame({"comment_id": ["a", "b", "c"], "codes": ["C1; c2", "", "None"]})
    hand = read_coding_sheet("s.csv", frame, sheet=sheet)
    # "none" (any case) says no code applies: the row is coded, with no code (an audit could not say so)
    assert hand["comment_id"].tolist() == ["a", "c"]
    assert hand[["C1", "C1a", "C2"]].to_numpy().tolist() == [[1, 0, 1], [0, 0, 0]]


BAD_SHEETS = [
    (filled([{"comment_id": "a", "C1": "1"}]).assign(C9="1"), 1, "column 'C9' is not a code"),
    (filled([{"comment_id": "a", "C1": "1"}, {"comment_id": "b", "C2": "maybe"}]), 3, "'maybe' is not a mark"),
    (filled([{"comment_id": "a", "C1": "1", NONE_COLUMN: "1"}]), 2, "'none' is marked together"),
    (filled([{"comment_id": "a", "C1": "1"}, {"comment_id": "zz", "C1": "1"}]), 3, "'zz' is not a response"),
    (filled([{"comment_id": "a", "C1": "1"}, {"comment_id": "a", "C2": "1"}]), 3, "coded twice"),
    (filled([{"comment_id": "", "C1": "1"}]), 2, "no comment_id"),
    (pd.DataFrame({"comment_id": ["a"], "codes": ["C1;C7"]}), 2, "unknown code 'C7'"),
    (pd.DataFrame({"comment_id": ["a"], "codes": ["C1; none"]}), 2, "'none' is marked together"),
    (pd.DataFrame({"id": ["a"], "C1": ["1"]}), 1, "no comment_id column"),
]


@pytest.mark.parametrize(("sheet", "row", "words"), BAD_SHEETS)
def test_bad_coding_sheet_names_file_and_row(frame, sheet, row, words):
    with pytest.raises(InputError) as err:
        read_coding_sheet("sheets/filled.csv", frame, sheet=sheet, comment_ids=["a", "b"])
    assert err.value.path == "sheets/filled.csv"
    assert err.value.row == row
    assert words in err.value.reason


def test_two_coders_on_one_response_are_kept(frame):
    sheet = filled([{"comment_id": "a", "coder": "AB", "C1": "1"}, {"comment_id": "a", "coder": "CD", "C2": "1"}])
    hand = read_coding_sheet("s.csv", frame, sheet=sheet)
    assert hand["coder"].tolist() == ["AB", "CD"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_sheet_files_round_trip_and_never_hold_formulas(frame, tmp_path, suffix):
    # "b" holds a vertical tab (pasted from Word; an NHS comment has two), which no workbook can hold
    c = pd.DataFrame({"comment_id": ["a", "b"], "text": ["=HYPERLINK(\"http://x\")", "fine, multi\nline\x0bend"]})
    sheet = coding_sheet(c, frame, n=2)
    path = write_coding_sheet(sheet, tmp_path / f"sheet{suffix}", frame=frame)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(path)["coding"]
        assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
        assert load_workbook(path).sheetnames == ["coding", "codeframe"]
    back = pd.read_csv(path, dtype=str, keep_default_na=False) if suffix == ".csv" else pd.read_excel(
        path, dtype=str, keep_default_na=False)
    assert back["text"].tolist()[0].startswith("'=")
    assert back["text"].tolist()[1] == ("fine, multi\nline\x0bend" if suffix == ".csv" else "fine, multi\nline end")
    back.loc[0, "C2"] = "1"
    back.loc[1, NONE_COLUMN] = "1"
    if suffix == ".csv":
        back.to_csv(path, index=False)
    else:
        back.to_excel(path, index=False)
    hand = read_coding_sheet(path, frame, comment_ids=["a", "b"])
    assert hand[["comment_id", "C1", "C2"]].to_dict("records") == [
        {"comment_id": "a", "C1": 0, "C2": 1}, {"comment_id": "b", "C1": 0, "C2": 0}]


def test_codeframe_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "codes.yaml"
    path.write_bytes(b"codes:\n  - id: A\n    name: Caf\xe9 prices\n")  # cp1252 e-acute on line 3
    with pytest.raises(ConfigError) as err:
        read_codeframe(path)
    assert (err.value.path, err.value.row) == (str(path), 3)
    assert err.value.reason == "the codeframe is not UTF-8 text (byte 0xe9 cannot be decoded); save it as UTF-8"


@pytest.mark.parametrize(("name", "content", "row", "words"), [
    ("sheet.csv", b"comment_id,C1\na,1\nb,caf\xe9\n", 3, "the coding sheet is not UTF-8 text (byte 0xe9"),
    ("sheet.csv", b"", None, "cannot read the coding sheet"),
    ("sheet.xlsx", b"PK\x03\x04 cut short", None, "not a readable .xlsx workbook"),
    ("sheet.xlsx", b"", None, "not a readable .xlsx workbook"),
])
def test_unreadable_coding_sheet_file_is_one_line(frame, tmp_path, name, content, row, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_coding_sheet(path, frame)
    assert (err.value.path, err.value.row) == (str(path), row)
    assert words in err.value.reason and "\n" not in str(err.value)


def test_truncated_xlsx_coding_sheet_is_one_line(frame, tmp_path):
    c = pd.DataFrame({"comment_id": ["a", "b"], "text": ["one", "two"]})
    whole = write_coding_sheet(coding_sheet(c, frame, n=2), tmp_path / "whole.xlsx", frame=frame)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputError, match="not a readable .xlsx workbook") as err:
        read_coding_sheet(cut, frame)
    assert err.value.path == str(cut)


def test_rows_are_numbered_as_a_spreadsheet_shows_them_after_blank_lines(frame, tmp_path):
    # an audit's sheet had blank lines: its bad mark on spreadsheet row 5 was reported at row 3
    sheet = tmp_path / "s.csv"
    sheet.write_text("comment_id,text,C1,C1a,C2\na,bus,1,,\n\n\nb,train,maybe,,\n", encoding="utf-8")
    with pytest.raises(InputError, match="'maybe' is not a mark") as err:
        read_coding_sheet(sheet, frame)
    assert err.value.row == 5


# Sheets as analysts fill them in Excel (an audit of the coding workflow; expectations read off by hand)

def test_a_deleted_code_column_is_refused_not_read_as_never_applying(frame):
    # the analyst deleted C2's column: every row would have read "C2 does not apply"
    s = pd.DataFrame({"comment_id": ["a", "b"], "C1": ["1", ""], "C1a": ["", "1"]})
    with pytest.raises(InputError, match=r"no column for code\(s\) C2 of codeframe version 2") as err:
        read_coding_sheet("s.csv", frame, sheet=s)
    assert err.value.row == 1


def test_a_row_of_explicit_noes_is_coded_none_and_a_blank_row_is_not_coded():
    frame = _two_codes()
    s = pd.DataFrame({"comment_id": ["a", "b", "c"], "coder": ["AB", "AB", "AB"],
                      "A": ["0", "", "1"], "B": ["no", "", ""]})
    hand = read_coding_sheet("s.csv", frame, sheet=s)
    assert hand[["comment_id", "A", "B"]].to_dict("records") == [
        {"comment_id": "a", "A": 0, "B": 0}, {"comment_id": "c", "A": 1, "B": 0}]  # b: not coded yet


def test_zeros_filled_down_ahead_of_the_coding_are_not_read_as_none():
    # a review: analysts fill 0 down every code column in Excel, then code from the top; the rows they
    # have not reached would all have trained the machine as "none". Rows 2-3 are coded (AB); rows 4-6
    # hold only the filled-down 0s; row 7 is a 0 row with initials, row 8 marks none without initials.
    frame = _two_codes()
    s = pd.DataFrame({"comment_id": ["a", "b", "c", "d", "e", "f", "g"],
                      "coder": ["AB", "AB", "", "", "", "AB", ""],
                      "A": ["1", "0", "0", "0", "0", "0", "0"], "B": ["0", "1", "0", "0", "0", "0", "0"],
                      "none": ["", "", "", "", "", "", "1"]})
    with pytest.warns(UserWarning, match=r"s.csv: 3 row\(s\) \(rows 4, 5, 6\) have 0 in every code column but no "
                                         "coder: read as not coded yet"):
        hand = read_coding_sheet("s.csv", frame, sheet=s)
    assert hand["comment_id"].tolist() == ["a", "b", "f", "g"]
    assert hand.attrs["prefilled_rows"] == [4, 5, 6]
    # a sheet that names no coder at all: a row of 0s is the analyst's "none", as before
    hand = read_coding_sheet("s.csv", frame, sheet=s.assign(coder=""))
    assert hand["comment_id"].tolist() == list("abcdefg") and hand.attrs["prefilled_rows"] == []


def _two_codes():
    from helpers.codeframe import Codeframe, _frame

    return Codeframe(codes=_frame([{"code_id": "A", "name": "Waiting times"}, {"code_id": "B", "name": "Staff"}]))


@pytest.mark.parametrize("cell", ["A|B", "A/B", "A B", "A\nB", "a; staff", "Waiting times, B", "waiting TIMES|staff"])
def test_codes_listed_as_people_type_them(cell):
    s = pd.DataFrame({"comment_id": ["x"], "codes": [cell]})
    assert read_coding_sheet("s.csv", _two_codes(), sheet=s)[["A", "B"]].to_dict("records") == [{"A": 1, "B": 1}]


def test_an_unknown_listed_code_names_the_codes_and_their_names():
    s = pd.DataFrame({"comment_id": ["x"], "codes": ["A; Parking"]})
    with pytest.raises(InputError, match=r"unknown code 'Parking' \(codes of version 1: A, B, or their names"):
        read_coding_sheet("s.csv", _two_codes(), sheet=s)


def test_coders_are_one_whatever_the_case_and_the_same_response_twice_is_refused():
    # 40 rows pasted again under "ab" were read as a second analyst in perfect agreement
    s = pd.DataFrame({"comment_id": ["x", "y", "x"], "coder": ["AB", "CD", "a.b."], "A": ["1", "", "1"],
                      "B": ["", "1", ""]})
    with pytest.raises(InputError, match="response 'x' is coded twice by coder 'AB'") as err:
        read_coding_sheet("s.csv", _two_codes(), sheet=s)
    assert err.value.row == 4


def test_the_rows_order_does_not_depend_on_the_sheets():
    # CD coded 1 response, AB 2: AB leads on the response both coded, however the rows are sorted
    s = pd.DataFrame({"comment_id": ["y", "x", "x"], "coder": ["AB", "CD", "AB"], "A": ["1", "1", ""],
                      "B": ["", "", "1"]})
    for sheet in (s, s.iloc[::-1], s.iloc[[1, 0, 2]]):
        hand = read_coding_sheet("s.csv", _two_codes(), sheet=sheet.reset_index(drop=True))
        assert hand[["comment_id", "coder", "A", "B"]].values.tolist() == [
            ["x", "AB", 0, 1], ["x", "CD", 1, 0], ["y", "AB", 1, 0]]


def test_code_ids_are_read_as_typed(tmp_path):
    # YAML alone reads 01 as 1, 010 as 8 (octal), 1.10 as 1.1 and NO as false: an audit's numbered
    # codeframe lost its ids that way
    path = tmp_path / "codes.yaml"
    path.write_text("version: 2\ncodes:\n  - id: 01\n    name: Access\n  - id: 1.10\n    name: Waiting\n"
                    "    parent: 01\n  - id: NO\n    name: No opinion\n  - id: 010\n    name: Other\n"
                    "  - id: '7'\n    name: Quoted\n    parent:\n", encoding="utf-8")
    codes = read_codeframe(path).codes
    assert codes["code_id"].tolist() == ["01", "1.10", "NO", "010", "7"]
    assert codes["parent"].tolist() == [None, "01", None, None, None]


def test_code_ids_differing_only_in_case_are_refused(tmp_path):
    path = tmp_path / "codes.yaml"
    path.write_text("codes:\n  - id: ACC\n    name: Access\n  - id: acc\n    name: Accessibility\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="code id 'acc' differs from 'ACC' \\(line 2\\) only in case") as err:
        read_codeframe(path)
    assert err.value.row == 4


def test_sheets_as_european_excel_saves_them_and_columns_analysts_add(frame, tmp_path):
    # an audit: a semicolon CSV failed with "Expected 1 fields in line 6, saw 3"; an empty "Sentiment"
    # column or an "Analyst comment" column stopped the run; a workbook with an instructions sheet first
    # was read from that sheet
    path = tmp_path / "s.csv"
    path.write_text("comment_id;text;C1;C1a;C2;Sentiment;Analyst comment\na;Parking, too dear;1;;;;ask the team\n"
                    "b;Unsafe at night;;;x;;\n", encoding="utf-8-sig")
    hand = read_coding_sheet(path, frame)
    assert hand[["comment_id", "C1", "C1a", "C2"]].values.tolist() == [["a", 1, 0, 0], ["b", 0, 0, 1]]
    book = tmp_path / "s.xlsx"
    with pd.ExcelWriter(book) as xl:
        pd.DataFrame({"Read me": ["Put 1 under each code that applies."]}).to_excel(xl, sheet_name="Instructions",
                                                                                    index=False)
        pd.DataFrame({"comment_id": ["a"], "C1": ["1"], "C1a": [""], "C2": [""]}).to_excel(xl, sheet_name="coding",
                                                                                        index=False)
    assert read_coding_sheet(book, frame)[["comment_id", "C1"]].values.tolist() == [["a", 1]]


def test_edits_in_the_workbooks_codeframe_tab_are_named_not_silently_ignored(tmp_path, frame):
    # an audit: an analyst renamed a code and added one in the workbook's codeframe tab; the run used the
    # old names and said nothing
    from openpyxl import load_workbook

    from helpers.codeframe import CodeframeTabEdited

    comments = pd.DataFrame({"comment_id": ["a", "b"], "text": ["one", "two"]})
    book = tmp_path / "sheet.xlsx"
    write_coding_sheet(coding_sheet(comments, frame, n=2), book, frame=frame)
    # untouched: read without a word
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_coding_sheet(book, frame).attrs["codeframe_tab_edits"] == ""
    wb = load_workbook(book)
    tab = wb["codeframe"]
    header = [c.value for c in tab[1]]
    first = tab[2]
    old_name = first[header.index("name")].value
    first[header.index("name")].value = "Renamed here"
    tab.append(["C9", "A new code"])
    wb["coding"].cell(row=2, column=[c.value for c in wb["coding"][1]].index(frame.ids[0]) + 1, value="1")
    wb.save(book)
    with pytest.warns(CodeframeTabEdited) as said:
        hand = read_coding_sheet(book, frame)
    code = first[header.index("code_id")].value
    expected = (f"code C9 is not in the codeframe; code {code}'s name is 'Renamed here' there, {old_name!r} in the "
                "codeframe")
    assert hand.attrs["codeframe_tab_edits"] == expected
    assert f"codes are read from codeframe version {frame.version} ({expected})" in str(said[0].message)
    # a workbook made for this version, read after the codeframe's owner renamed a code in the next one:
    # nobody edited the tab, so nothing is said (a review)
    import dataclasses

    book2 = tmp_path / "sheet2.xlsx"
    write_coding_sheet(coding_sheet(comments, frame, n=2), book2, frame=frame)
    wb = load_workbook(book2)
    wb["coding"].cell(row=2, column=[c.value for c in wb["coding"][1]].index(frame.ids[0]) + 1, value="1")
    wb.save(book2)
    renamed = dataclasses.replace(frame, version=frame.version + 1,
                                  codes=frame.codes.assign(name=["Renamed in v3"] + frame.codes["name"].tolist()[1:]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_coding_sheet(book2, renamed).attrs["codeframe_tab_edits"] == ""
