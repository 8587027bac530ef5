"""Tests for the ``csv`` and ``xlsx`` readers (and the column mapping they share with ``jsonl``).

Expected values are worked out by hand from the fixtures in tests/fixtures/ingest/ (written by hand;
see the README there) and from the small tables written inside the tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.errors import ConfigError, InputError, SchemaError
from helpers.ingest import read
from helpers.ingest._mapping import thread_roots
from helpers.ingest.tabular import record_start_lines, sniff_delimiter
from helpers.paths import shared_corpora_dir
from tests.unit.ingest_support import FIXTURES, table_values


def _csv(tmp_path, text, name="t.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# -- the fixtures ----------------------------------------------------------------------------------

# file, options, [comment_id, text, source_row] kept, [record_id, reason, source_row] excluded
FIXTURE_TABLE = [
    (
        "bom_crlf.csv",
        {},
        [["1", "Café ☕ is “great”", 2], ["2", "Needs more seats, honestly", 3]],
        [],
    ),
    (
        "cp1252.csv",
        {},
        [["a1", "It costs £5 – “too much”", 2], ["a2", "Très bien", 3]],
        [],
    ),
    (
        "semicolon.csv",
        {},
        [["q1-1", "Yes, definitely", 2], ["q1-2", "No; I disagree", 3]],
        [["q1-3", "blank", 4]],
    ),
    (
        "multiline.csv",
        {},
        [["c1", "First line\nsecond line\n\nthird para", 2], ["c2", 'He said "hi"', 6], ["c3", "Plain", 8]],
        [],
    ),
    (
        "consultation.tsv",
        {"text_column": "answer", "kind": "response"},
        [["row-2", "More buses", 2], ["row-3", "Lower fares", 3]],
        [["row-5", "blank", 5], ["row-4", "non_answer", 4]],  # the reader's exclusions, then cleaning's
    ),
]


@pytest.mark.parametrize(
    ("name", "options", "kept", "excluded"), FIXTURE_TABLE, ids=[r[0] for r in FIXTURE_TABLE]
)
def test_fixture(name, options, kept, excluded):
    result = read(FIXTURES / name, **options)
    assert result.format == "csv"
    assert table_values(result.comments, ["comment_id", "text", "source_row"]) == kept
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == excluded
    assert result.records_read == len(kept) + len(excluded)
    assert (result.comments["source"] == str(FIXTURES / name)).all()


def test_multiline_fixture_threads_and_kinds():
    result = read(FIXTURES / "multiline.csv")
    assert table_values(result.comments, ["comment_id", "parent_id", "thread_id", "kind"]) == [
        ["c1", None, "c1", "comment"],
        ["c2", "c1", "c1", "reply"],
        ["c3", "c2", "c1", "reply"],
    ]


def test_dates_are_localised_then_stored_in_utc():
    result = read(FIXTURES / "bom_crlf.csv", timezone="Europe/London")
    # 10:00 in London on 1 July is 09:00 UTC (summer time); "...11:30:00Z" is already UTC.
    assert result.comments["created_at"].astype(str).tolist() == [
        "2021-07-01 09:00:00+00:00",
        "2021-07-01 11:30:00+00:00",
    ]
    assert str(result.comments["created_at"].dtype) == "datetime64[ns, UTC]"
    assert result.comments["author"].tolist() == ["Ann", "Bob"]


def test_consultation_columns_and_no_personal_data():
    result = read(
        FIXTURES / "consultation.tsv",
        text_column="answer",
        kind="response",
        columns={"respondent_id": "respondent", "question_id": "question", "consent_to_publish": "consent"},
        clean=False,  # the reader's columns, before cleaning takes R2's non-answer "Nothing" out
    )
    c = result.comments
    assert table_values(
        c, ["respondent_id", "question_id", "consent_to_publish", "organisation", "kind"]
    ) == [
        ["R1", "Q1", True, None, "response"],
        ["R1", "Q2", True, None, "response"],
        ["R2", "Q1", False, "Bus Users UK", "response"],
    ]
    assert "email" not in c.columns
    assert not c.astype(str).apply(lambda col: col.str.contains("@example.org")).any().any()


def test_the_delimiter_is_not_guessed_from_the_suffix(tmp_path):
    p = _csv(tmp_path, "id|text\n1|a, b; c\n", name="pipes.csv")
    assert table_values(read(p).comments, ["comment_id", "text"]) == [["1", "a, b; c"]]


# -- delimiter sniffing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("id,text\n1,hello\n", ","),
        ("id;text\n1;hello, world\n2;ok\n", ";"),
        ("id\ttext\n1\thello; world, again\n", "\t"),
        ("id|text\n1|hello\n", "|"),
        ("text\nhello, world\n", ","),  # one column: comma by default
        ('text\n"hello; world"\n', ","),
    ],
)
def test_sniff_delimiter(sample, expected):
    assert sniff_delimiter(sample) == expected


# -- line numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("id,text\na,x\nb,y\n", [2, 3]),
        ("id,text\na,x\nb,y", [2, 3]),  # no final line break
        ('id,text\na,"x\ny"\nb,z\n', [2, 4]),
        ('id,text\na,"x\n\n\ny"\nb,z\n', [2, 6]),  # blank lines inside quotes
        ("id,text\n\na,x\n\n\nb,y\n\n", [3, 6]),  # blank lines between rows
        ("\n\nid,text\na,x\n", [4]),  # blank lines before the header
        ('id,text\na,"say ""hi""\nthere"\nb,z\n', [2, 4]),  # doubled quotes
        ('id,text\na,5" screen\nb,"two\nlines"\nc,z\n', [2, 3, 5]),  # a stray quote: slow path
        ("id,text\r\na,x\r\nb,y\r\n", [2, 3]),
        ('Comments export\nMarch 2025\nid,text\na,"x\ny"\nb,z\n', [4, 6]),  # title lines above the header
        ('"Export: ""parking""\n(draft)"\n\nid,text\na,5" screen\nb,"two\nlines"\nc,z\n', [5, 6, 8]),  # and a stray quote
        ("id,text\ra,x\rb,y\r", [2, 3]),  # old Mac line ends
    ],
)
def test_source_row_is_the_line_where_the_record_starts(tmp_path, text, rows):
    result = read(_csv(tmp_path, text))
    assert result.comments["source_row"].tolist() == rows


def test_a_stray_quote_and_a_field_longer_than_the_csv_module_limit(tmp_path):
    # line 2 has a stray quote (the slow path finds the lines); line 3 a quoted field of 200,000
    # characters, past csv.field_size_limit()'s 131,072: still read, and the limit is as it was after
    import csv

    long = "word " * 40_000
    before = csv.field_size_limit()
    result = read(_csv(tmp_path, f'id,text\na,5" screen\nb,"{long}"\nc,z\n'))
    assert table_values(result.comments, ["comment_id", "source_row"]) == [["a", 2], ["b", 3], ["c", 4]]
    assert len(result.comments["text"].iloc[1]) == len(long.strip())
    assert csv.field_size_limit() == before


@pytest.mark.parametrize(("row", "fields"), [
    ('2,"Bob, I agree"', 2),  # the quoted comma is in the field: 2 fields, not 3
    ('2,"Bob"', 2),
    ('"2","line one\nline two"', 2),  # a quoted field over two lines
])
def test_a_short_row_with_quotes_is_refused_like_one_without(tmp_path, row, fields):
    p = _csv(tmp_path, f"id,author,text\n1,Al,hello there\n{row}\n3,Cy,fine\n")
    with pytest.raises(InputError) as err:
        read(p)
    assert err.value.row == 3
    assert err.value.reason.startswith(f"this row has {fields} field(s) but the header has 3 (separated by comma)")


def test_quoted_rows_with_every_field_are_read(tmp_path):
    # delimiters and line breaks inside quotes are not field separators; "" is a quote inside a field
    p = _csv(tmp_path, 'id,author,text\n1,"Al, Jr","say ""hi"", then\nbye"\n2,Bo,"x,y"\n')
    assert table_values(read(p).comments, ["comment_id", "author", "text", "source_row"]) == [
        ["1", "Al, Jr", 'say "hi", then\nbye', 2], ["2", "Bo", "x,y", 4]]


def test_record_start_lines_detects_disagreement():
    buf = b'id,text\na,5" screen\nb,"two\nlines"\n'
    frame = pd.read_csv(
        io.BytesIO(buf), header=None, dtype=str, skip_blank_lines=False, keep_default_na=False
    )
    assert record_start_lines(buf, frame) is None  # the fast path refuses; the reader falls back


def test_default_ids_use_the_start_line(tmp_path):
    result = read(_csv(tmp_path, 'text\n"a\nb"\nc\n'))
    assert result.comments["comment_id"].tolist() == ["row-2", "row-4"]


def test_title_lines_are_noted_and_a_data_row_is_never_a_header(tmp_path):
    result = read(_csv(tmp_path, "Responses to the survey\n\nid;answer\n1;More buses\n"))
    assert table_values(result.comments, ["comment_id", "text"]) == [["1", "More buses"]]
    assert result.notes[0] == "the header is on line 3: the 2 lines above it were not read"
    # a title with commas of its own, wider than the header: the header is shaped like the rows below
    result = read(_csv(tmp_path, "Consultation on buses, exported 3 March, 2024\n\nid,comment\n1,Fine\n2,Late\n"))
    assert table_values(result.comments, ["comment_id", "text", "source_row"]) == [["1", "Fine", 4], ["2", "Late", 5]]
    # "comment" in a data row is a value, not the header: the missing text column is reported as before
    with pytest.raises(InputError, match="'words'"):
        read(_csv(tmp_path, "id,type,words\n1,comment,hi\n"))


def test_padding_rows_and_blank_lines_are_not_records(tmp_path):
    result = read(_csv(tmp_path, "id,text\n1,a\n,\n  ,  \n\n2,b\n,\n"))
    assert result.records_read == 2
    assert result.comments["comment_id"].tolist() == ["1", "2"]


# -- choosing columns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected_text"),
    [
        ("id,Comment", "x"),
        ("id,BODY", "x"),
        ("id,message", "x"),
        ("id,Answer", "x"),
        ("id,response", "x"),
    ],
)
def test_default_text_column_ignores_case(tmp_path, header, expected_text):
    assert read(_csv(tmp_path, f"{header}\n1,x\n")).comments["text"].tolist() == [expected_text]


def test_default_text_column_order(tmp_path):
    # "text" comes before "comment" in the list of candidates
    assert read(_csv(tmp_path, "comment,text\nA,B\n")).comments["text"].tolist() == ["B"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Text,text", "several columns could be 'text': 'Text', 'text'; say which with text_column="),
        ("id,ID,text", "several columns could be 'id'"),
        ("text,Author,author", r"several columns could be 'author': .* columns=\{'author': ...\}"),
    ],
)
def test_ambiguous_default_columns(tmp_path, header, message):
    with pytest.raises(InputError, match=message):
        read(_csv(tmp_path, header + "\n" + ",".join("x" * len(header.split(","))) + "\n"))


def test_missing_text_column_lists_the_columns(tmp_path):
    p = _csv(tmp_path, "id,words,email\n1,x,a@b.c\n")
    with pytest.raises(InputError, match=r"no text column.*'id', 'words', 'email'") as err:
        read(p)
    assert err.value.path == str(p)


@pytest.mark.parametrize(
    "options",
    [
        {"text_column": "nope"},
        {"id_column": "nope"},
        {"columns": {"author": "nope"}},
    ],
)
def test_an_option_naming_a_missing_column_names_the_file(tmp_path, options):
    p = _csv(tmp_path, "id,text\n1,x\n")
    with pytest.raises(InputError, match="'nope' is not a column of this file") as err:
        read(p, **options)
    assert err.value.path == str(p)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"columns": {"email": "text"}}, "'email' is not a column of the data model"),
        ({"columns": {"author": ""}}, "must name a column"),
        ({"kind": "tweet"}, "kind 'tweet' is not one of"),
        ({"timezone": "Mars/Olympus", "columns": {"created_at": "when"}}, "unknown timezone"),
        ({"encoding": "no-such-codec"}, "unknown encoding"),
    ],
)
def test_bad_options_are_config_errors(tmp_path, options, message):
    with pytest.raises(ConfigError, match=message):
        read(_csv(tmp_path, "id,text,when\n1,x,2021-01-01\n"), **options)


def test_same_named_canonical_columns_are_used_and_others_dropped(tmp_path):
    p = _csv(tmp_path, "ID,Text,Author,Title,email,ip\n1,Hi,Ann,Re: parks,ann@x.org,1.2.3.4\n")
    c = read(p).comments
    assert table_values(c, ["comment_id", "author", "title", "text"]) == [["1", "Ann", "Re: parks", "Hi"]]
    assert not {"email", "ip", "Author", "Title", "ID"} & set(c.columns)


def test_explicit_mapping_overrides_same_named_column(tmp_path):
    p = _csv(tmp_path, "id,text,author,display_name\n1,Hi,ann_99,Ann\n")
    assert read(p, columns={"author": "display_name"}).comments["author"].tolist() == ["Ann"]


# -- ids and threads -------------------------------------------------------------------------------


def test_duplicate_id_names_the_second_occurrence(tmp_path):
    p = _csv(tmp_path, 'id,text\n1,a\n2,"b\nb"\n1,c\n')
    with pytest.raises(InputError, match=r"id '1' is used twice, with different contents \(first on row 2\)") as err:
        read(p)
    assert err.value.row == 5 and err.value.path == str(p)


def test_a_repeated_header_is_numbered_and_either_column_can_be_read(tmp_path):
    # Microsoft Forms repeats "Please explain your answer" under each closed question: the read failed,
    # even when that column was not the one asked for
    text = 'ID,Agree?,Please explain your answer,Useful?,Please explain your answer\n1,Yes,"Cheap",No,"Slow"\n'
    p = _csv(tmp_path, text)
    second = read(p, text_column="Please explain your answer (2)", id_column="ID")
    assert table_values(second.comments, ["comment_id", "text"]) == [["1", "Slow"]]
    assert read(p, text_column="Agree?", id_column="ID").comments["text"].tolist() == ["Yes"]
    with pytest.raises(InputError, match=r"names column 'Please explain your answer' 2 times; to read one, name it "
                                         r"'Please explain your answer \(1\)'"):
        read(p, text_column="Please explain your answer", id_column="ID")
    # a default name repeated is no obstacle when the text column is named (a review: "Comment" twice)
    p = _csv(tmp_path, "ID,Views,Comment,Q2,Comment\n1,Fine,a,b,c\n")
    assert read(p, text_column="Views", id_column="ID").comments["text"].tolist() == ["Fine"]


def test_consent_is_read_as_the_consultation_reader_reads_it(tmp_path):
    # Citizen Space writes "Publish response with name"; the csv reader refused it while the
    # consultation reader read it as yes
    p = _csv(tmp_path, "id,text,publish\n1,a,Publish response with name\n2,b,Do not publish\n3,c,No\n4,d,\n5,e,Y\n")
    result = read(p, columns={"consent_to_publish": "publish"})
    assert result.comments["consent_to_publish"].tolist() == [True, False, False, pd.NA, True]
    with pytest.raises(InputError, match="'maybe' in column 'publish' is neither yes nor no") as err:
        read(_csv(tmp_path, "id,text,publish\n1,a,yes\n2,b,maybe\n"), columns={"consent_to_publish": "publish"})
    assert err.value.row == 3


def test_excel_serial_dates_are_read_as_dates(tmp_path):
    # Microsoft Forms exports stored as numbers without a date format: "cannot read Completion time value
    # '45711.97695602' as a date". By hand: serial 44927 is 2023-01-01, so 45658 is 2025-01-01; 45711 is 53
    # days later (23 February) and 45853 is 15 July; .5 is noon and .25 is 06:00 (BST in July: 05:00 UTC)
    import openpyxl

    wb = openpyxl.Workbook()
    for row in (["ID", "Completion time", "Answer"], [1, 45711.5, "More buses"], [2, 45853.25, "Fewer cars"]):
        wb.active.append(row)
    wb.save(tmp_path / "forms.xlsx")
    result = read(tmp_path / "forms.xlsx", text_column="Answer", id_column="ID", timezone="Europe/London",
                  columns={"created_at": "Completion time"})
    assert [str(t) for t in result.comments["created_at"]] == ["2025-02-23 12:00:00+00:00", "2025-07-15 05:00:00+00:00"]


def test_a_record_listed_twice_is_logged_not_refused(tmp_path):
    # an audit's export listed two records twice, cell for cell: the read stopped at the second copy,
    # while the README's duplicate_record reason is for exactly that; 5 records = 3 kept + 2 excluded
    p = _csv(tmp_path, 'id,author,text\n1,Ann,"a\nb"\n2,Bo,c\n1,Ann,"a\nb"\n3,Cy,d\n2,Bo,c\n')
    result = read(p)
    assert result.comments["comment_id"].tolist() == ["1", "2", "3"]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row", "detail"]) == [
        ["1", "duplicate_record", 5, "the same record as row 2"], ["2", "duplicate_record", 8, "the same record as row 4"]]
    assert result.records_read == 5
    # rows that differ only in a column the reader leaves behind are two records with one id: refused
    with pytest.raises(InputError, match="used twice, with different contents") as err:
        read(_csv(tmp_path, "id,text,Question\n1,Same words,Q1\n1,Same words,Q2\n"))
    assert err.value.row == 3


def test_a_blank_id_on_a_row_with_text_is_an_error(tmp_path):
    with pytest.raises(InputError, match="the id .* is empty") as err:
        read(_csv(tmp_path, "id,text\n1,a\n ,b\n"))
    assert err.value.row == 3


THREAD_TABLE = [
    # id, parent_id -> thread_id, kind
    ("a", "", "a", "comment"),
    ("b", "a", "a", "reply"),
    ("c", "b", "a", "reply"),
    ("d", "c", "a", "reply"),
    ("e", "", "e", "comment"),
    ("f", "e", "e", "reply"),
]


def test_thread_is_the_root_of_the_parent_chain(tmp_path):
    body = "".join(f"{i},text {i},{p}\n" for i, p, _, _ in THREAD_TABLE)
    c = read(_csv(tmp_path, "id,text,parent_id\n" + body)).comments
    assert c["thread_id"].tolist() == [t for _, _, t, _ in THREAD_TABLE]
    assert c["kind"].tolist() == [k for _, _, _, k in THREAD_TABLE]


def test_given_thread_ids_are_inherited_by_replies(tmp_path):
    text = "id,text,parent,post\na,x,,P1\nb,y,a,\nc,z,b,\nd,w,,\n"
    c = read(_csv(tmp_path, text), columns={"parent_id": "parent", "thread_id": "post"}).comments
    assert c["thread_id"].tolist() == ["P1", "P1", "P1", "d"]


def test_kind_column_overrides_the_default(tmp_path):
    text = "id,text,parent_id,type\np,Post,,Post\nc,Hi,p,\nx,Link,p,pingback\n"
    c = read(_csv(tmp_path, text), columns={"kind": "type"}).comments
    assert c["kind"].tolist() == ["post", "reply", "pingback"]


def test_an_unknown_kind_value_is_a_schema_error_naming_the_line(tmp_path):
    with pytest.raises(SchemaError, match="kind 'tweet'") as err:
        read(_csv(tmp_path, "id,text,kind\n1,a,comment\n2,b,tweet\n"))
    assert err.value.row == 3


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        ("a,x,b\nb,y,a\n", 2),  # a <-> b
        ("a,x,d\nb,y,a\nc,z,b\nd,w,c\n", 2),  # a loop of 4: pointer jumping alone would miss it
        ("r,x,\na,x,c\nb,y,a\nc,z,b\n", 3),  # a loop of 3 beside a proper thread
    ],
)
def test_reply_loops_are_reported(tmp_path, rows, line):
    with pytest.raises(InputError, match="the replies form a loop") as err:
        read(_csv(tmp_path, "id,text,parent_id\n" + rows))
    assert err.value.row == line


def test_a_reply_to_an_id_not_in_the_file_is_kept_without_a_parent_and_noted(tmp_path):
    # an audit: a blog export's reply to a removed comment stopped the run; the reddit reader keeps such
    # replies, and so does every reader now
    r = read(_csv(tmp_path, "id,text,parent_id\na,x,\nb,y,zz\nc,z,a\n"))
    assert r.comments["comment_id"].tolist() == ["a", "b", "c"]
    assert r.comments["parent_id"].isna().tolist() == [True, True, False] and r.comments.loc[2, "parent_id"] == "a"
    assert r.comments["kind"].tolist() == ["comment", "comment", "reply"]
    assert "1 row replies to an id that is not in the file (first on row 3, parent 'zz'): kept without a parent" in r.notes


def test_a_text_saying_deleted_is_excluded_as_deleted_unless_replies_hang_from_it(tmp_path):
    r = read(_csv(tmp_path, "id,text,parent_id\na,[deleted],\nb,Real reply,a\nc, [Removed] ,\nd,Fine,\n"))
    assert r.comments["comment_id"].tolist() == ["a", "b", "d"]  # a anchors b's thread
    assert r.comments["text"].tolist() == ["", "Real reply", "Fine"]  # with no text: not analysed
    assert r.exclusions[["source_row", "record_id", "reason"]].values.tolist() == [[4, "c", "deleted"]]
    assert r.records_read == 4
    # a chain: a deleted comment, a removed reply to it, and a real reply to that: both anchors kept
    r = read(_csv(tmp_path, "id,text,parent_id\na,[deleted],\nb,[removed],a\nc,Real reply,b\n"))
    assert r.comments["comment_id"].tolist() == ["a", "b", "c"] and r.exclusions.empty
    assert r.comments["parent_id"].tolist()[1:] == ["a", "b"]


def test_a_row_replying_to_itself_is_a_schema_error(tmp_path):
    with pytest.raises(SchemaError, match="refers to the comment itself"):
        read(_csv(tmp_path, "id,text,parent_id\na,x,a\n"))


def test_a_blank_row_that_others_reply_to_is_kept(tmp_path):
    text = "id,text,parent_id\np,,\nq,,p\nr,Reply,q\ns,,\n"
    result = read(_csv(tmp_path, text))
    assert result.comments["comment_id"].tolist() == ["p", "q", "r"]
    assert table_values(result.exclusions, ["record_id", "reason"]) == [["s", "blank"]]


def test_thread_roots_on_a_long_chain_without_recursion():
    n = 100_000
    parents = np.arange(-1, n - 1)  # 0 <- 1 <- 2 <- ... : one chain, depth n
    roots, looped = thread_roots(parents)
    assert (roots == 0).all() and not looped.any()


# -- typed columns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "timezone", "expected"),
    [
        ("2021-01-15 10:00", "UTC", "2021-01-15 10:00:00+00:00"),
        ("2021-01-15 10:00", "Europe/London", "2021-01-15 10:00:00+00:00"),  # winter: GMT
        ("2021-07-15 10:00", "Europe/London", "2021-07-15 09:00:00+00:00"),  # summer: BST
        ("2021-07-15T10:00:00+02:00", "Europe/London", "2021-07-15 08:00:00+00:00"),  # has its own zone
        ("2021-07-15T10:00:00Z", "America/New_York", "2021-07-15 10:00:00+00:00"),
        ("2021-07-15", "America/New_York", "2021-07-15 04:00:00+00:00"),
        ("15/07/2021 10:00", "UTC", "2021-07-15 10:00:00+00:00"),  # day first: 15 cannot be a month
        ("03/04/2021", "UTC", "2021-04-03 00:00:00+00:00"),  # either way round: day first, as in the UK
        ("07/15/2021", "UTC", "2021-07-15 00:00:00+00:00"),  # month first: 15 cannot be a month
        ("", "UTC", "NaT"),
    ],
)
def test_dates(tmp_path, value, timezone, expected):
    c = read(_csv(tmp_path, f"id,text,created_at\n1,x,{value}\n"), timezone=timezone).comments
    assert str(c["created_at"].iloc[0]) == expected


def test_mixed_naive_and_aware_dates(tmp_path):
    text = "id,text,created_at\n1,x,2021-07-15 10:00\n2,y,2021-07-15T10:00:00+02:00\n3,z,\n"
    c = read(_csv(tmp_path, text), timezone="Europe/London").comments
    assert [str(t) for t in c["created_at"]] == [
        "2021-07-15 09:00:00+00:00",
        "2021-07-15 08:00:00+00:00",
        "NaT",
    ]


@pytest.mark.parametrize(
    ("values", "line"),
    [
        (["2021-01-01", "yesterday"], 3),
        (["2021-01-01", "2021-02-30"], 3),
        (["15/07/2021", "2021/13/45"], 3),
        (["not a date"], 2),
        (["2021-01-01", "now"], 3),  # pandas would read "now" as the current time
        (["03/04/2021", "13/04/2021", "04/13/2021"], 4),  # day first is settled by the second value
        (["1500-01-01"], 2),  # out of range
    ],
)
def test_unparseable_date_names_its_line(tmp_path, values, line):
    body = "".join(f"{i},t,{v}\n" for i, v in enumerate(values))
    with pytest.raises(InputError, match="created_at") as err:
        read(_csv(tmp_path, "id,text,created_at\n" + body))
    assert err.value.row == line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("no", False),
        ("n", False),
        ("False", False),
        ("0", False),
        ("", None),
    ],
)
def test_consent_values(tmp_path, value, expected):
    c = read(
        _csv(tmp_path, f"id,text,consent\n1,x,{value}\n"), columns={"consent_to_publish": "consent"}
    ).comments
    got = c["consent_to_publish"].iloc[0]
    assert (None if pd.isna(got) else bool(got)) == expected


def test_a_bad_consent_value_names_its_line(tmp_path):
    with pytest.raises(InputError, match="'maybe'") as err:
        read(
            _csv(tmp_path, "id,text,consent\n1,x,yes\n2,y,maybe\n"), columns={"consent_to_publish": "consent"}
        )
    assert err.value.row == 3


def test_vote_counts(tmp_path):
    c = read(
        _csv(tmp_path, "id,text,votes_up,down\n1,x,3,0\n2,y,,12\n"), columns={"votes_down": "down"}
    ).comments
    assert table_values(c, ["votes_up", "votes_down"]) == [[3, 0], [None, 12]]
    assert str(c["votes_up"].dtype) == "Int64"
    with pytest.raises(InputError, match="votes_up value '2.5'") as err:
        read(_csv(tmp_path, "id,text,votes_up\n1,x,2.5\n"))
    assert err.value.row == 2


# -- encodings and damaged files -------------------------------------------------------------------


def test_cp1252_fallback_and_explicit_encoding(tmp_path):
    p = _csv(tmp_path, "id,text\n1,naïve – £3\n", encoding="cp1252")
    assert read(p).comments["text"].tolist() == ["naïve – £3"]
    assert read(p, encoding="cp1252").comments["text"].tolist() == ["naïve – £3"]
    with pytest.raises(InputError, match="not valid utf-8") as err:
        read(p, encoding="utf-8")
    assert err.value.row == 2


def test_utf16_with_bom_is_read(tmp_path):
    p = tmp_path / "excel-unicode.txt"
    p.write_bytes("id\ttext\n1\tFür “alle”\n".encode("utf-16"))
    result = read(p, format="csv")
    assert result.comments["text"].tolist() == ["Für “alle”"]


@pytest.mark.parametrize(
    ("data", "message", "row"),
    [
        (b"", "the file is empty", None),
        (b"  \n\n\t\n", "the file is empty", None),
        (b"\xef\xbb\xbf\n", "the file is empty", None),
        (b"id,text\n1,a\x00b\n", "binary file", 2),
        (b"id,text\n1,\x81\x8d\x90\n", "cannot decode the text", 2),  # neither UTF-8 nor cp1252
        (b"id,text\n1,a\n2,b,c\n", "this row has 3 fields but the header has 2", 3),
        (b'id,text\n1,"a\n2,b\n', "never closed", 2),
        (b"id,text,id\n1,a,2\n", "names column 'id' 2 times", 1),
    ],
)
def test_damaged_csv(tmp_path, data, message, row):
    p = tmp_path / "bad.csv"
    p.write_bytes(data)
    with pytest.raises(InputError, match=message) as err:
        read(p, format="csv")
    assert err.value.path == str(p)
    assert err.value.row == row


def test_header_only_gives_empty_tables(tmp_path):
    result = read(_csv(tmp_path, "id,text\n"))
    assert result.records_read == 0
    assert list(result.comments.columns)[:9] == [
        "comment_id",
        "parent_id",
        "thread_id",
        "author",
        "created_at",
        "text",
        "kind",
        "source",
        "source_row",
    ]


# -- XLSX ------------------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws["A1"] = "not the data"
    data = wb.create_sheet("Responses")
    # The header is on row 3; row 5 is empty; ids are numbers; dates are Excel dates.
    data["B3"], data["C3"], data["D3"], data["E3"] = "ID", "Comment", "Submitted", "Email"
    data["B4"], data["C4"], data["D4"], data["E4"] = (
        101,
        "Café ☕\nsecond line",
        dt.datetime(2021, 7, 1, 10, 0),
        "a@x.org",
    )
    data["B6"], data["C6"], data["D6"] = 102.0, "  ", dt.datetime(2021, 7, 2, 9, 30)
    data["B7"], data["C7"], data["D7"] = 103, "Yes", None
    path = tmp_path / "answers.xlsx"
    wb.save(path)
    return path


def test_xlsx_reads_the_chosen_sheet_with_sheet_row_numbers(workbook):
    result = read(workbook, sheet="Responses", timezone="Europe/London", columns={"created_at": "Submitted"})
    assert result.format == "xlsx"
    assert table_values(result.comments, ["comment_id", "text", "source_row"]) == [
        ["101", "Café ☕\nsecond line", 4],
        ["103", "Yes", 7],
    ]
    assert [str(t) for t in result.comments["created_at"]] == ["2021-07-01 09:00:00+00:00", "NaT"]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [["102", "blank", 6]]
    assert "Email" not in result.comments.columns


@pytest.mark.parametrize(
    ("options", "first_kept_row"), [({}, 5), ({"text_column": "Notes"}, 5), ({"text_column": "Reply"}, 3)]
)
def test_xlsx_title_rows_above_the_header_are_skipped(tmp_path, options, first_kept_row):
    import openpyxl

    wb = openpyxl.Workbook()
    for row in (
        ["Consultation on buses: export"],  # 1: a title
        ["Reply", "Respondent"],  # 2: looks like a header, but has no "comment" column
        ["a", "b"],  # 3
        ["ID", "Comment", "Notes"],  # 4: the real header
        [1, "More buses", "x"],  # 5
    ):
        wb.active.append(row)
    path = tmp_path / "titled.xlsx"
    wb.save(path)
    result = read(path, **options)
    assert result.comments["source_row"].tolist()[0] == first_kept_row


def test_xlsx_sheet_by_position(workbook):
    assert read(workbook, sheet=1).records_read == 3
    with pytest.raises(InputError, match="no text column"):
        read(workbook)  # the first sheet has no table


@pytest.mark.parametrize(
    ("sheet", "message"), [("Missing", "no sheet named 'Missing'"), (5, "sheet 5 does not exist")]
)
def test_xlsx_missing_sheet(workbook, sheet, message):
    with pytest.raises(InputError, match=message) as err:
        read(workbook, sheet=sheet)
    assert err.value.path == str(workbook)


def test_xlsx_duplicate_id_names_the_sheet_row(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["id", "text"], [1, "a"], [], [1, "b"]):
        ws.append(row)
    p = tmp_path / "dup.xlsx"
    wb.save(p)
    with pytest.raises(InputError, match="used twice") as err:
        read(p)
    assert err.value.row == 4


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not really a zip", b"id,text\n1,a\n", b"\x00\x01\x02"],
    ids=["fake-zip", "csv", "binary"],
)
def test_damaged_xlsx(tmp_path, data):
    p = tmp_path / "bad.xlsx"
    p.write_bytes(data)
    with pytest.raises(InputError, match="not a readable .xlsx workbook") as err:
        read(p, format="xlsx")
    assert err.value.path == str(p)


# -- real data -------------------------------------------------------------------------------------


def _shared(path: str) -> Path:
    p = shared_corpora_dir() / path
    if not p.exists():
        if os.environ.get("LP_REQUIRE_SHARED") == "1":
            pytest.fail(f"{p} is missing and LP_REQUIRE_SHARED=1")
        pytest.skip(f"{p} not available (../shared/corpora is not beside the project)")
    return p


@pytest.mark.shared
def test_nhs_feedback_csv():
    path = _shared("nhs-patient-feedback/text_data.csv")
    result = read(path, text_column="feedback", clean=False)  # the reader alone: see test_ingest_cleaning
    # SOURCE.txt: "phase_1/text_data.csv 10,334 rows"
    assert result.records_read == 10_334
    # Independently: where Python's csv module says each record starts, and which have blank feedback.
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        starts, blank, previous = [], 0, 0
        header = next(reader)
        previous = reader.line_num
        for record in reader:
            starts.append(previous + 1)
            previous = reader.line_num
            blank += not record[header.index("feedback")].strip()
    assert len(result.exclusions) == blank
    assert sorted(result.comments["source_row"].tolist() + result.exclusions["source_row"].tolist()) == starts
