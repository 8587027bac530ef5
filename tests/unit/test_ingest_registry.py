"""Tests for the reader registry, format detection and the read() entry point."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import pandas as pd
import pytest

import helpers.ingest as ingest
from helpers.errors import ConfigError, InputError
from helpers.ingest import (
    IngestResult,
    Tables,
    available_formats,
    detect_format,
    read,
    register_reader,
)
from helpers.ingest import registry as registry_module
from helpers.paths import project_root
from helpers.schema import empty_exclusions
from tests.unit.ingest_support import FIXTURES

PAGE = project_root() / "data" / "raw" / "obama-toolkit" / "page.txt"


@pytest.fixture
def private_registry(monkeypatch):
    """A copy of the registry that a test may add to without affecting any other test."""
    monkeypatch.setattr(registry_module, "_READERS", dict(registry_module._READERS))
    return registry_module._READERS


def _file(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def test_available_formats():
    formats = available_formats()
    assert formats == sorted(formats)
    assert {"blog-page", "csv", "jsonl", "xlsx", "wxr", "disqus", "staticman", "regulationsgov-json",
            "regulationsgov-csv", "polis", "consultation", "petitions", "consul", "reddit"} <= set(formats)


# -- detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (PAGE, "blog-page"),
        (FIXTURES / "page_furniture.txt", "blog-page"),
        (FIXTURES / "bom_crlf.csv", "csv"),
        (FIXTURES / "cp1252.csv", "csv"),
        (FIXTURES / "semicolon.csv", "csv"),
        (FIXTURES / "multiline.csv", "csv"),
        (FIXTURES / "consultation.tsv", "csv"),
        (FIXTURES / "threads.jsonl", "jsonl"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_detect_fixtures(path, expected):
    assert detect_format(path) == expected


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("comments.txt", '{"id": 1, "text": "a"}\n', "jsonl"),  # content beats the suffix
        ("comments.dat", "id,text\n1,a\n", "csv"),
        ("export", "id;comment;when\n1;a;2021\n", "csv"),
        ("page.csv", "Title\n\n2 responses\n\n  1. a\n\n  2. b\n", "blog-page"),
        ("notes.csv", "just one line of prose with no commas at all\n", "csv"),  # unrecognised: the suffix
        ("notes.txt", "just one line of prose with no commas at all\n", "blog-page"),
        ("data.ndjson", "{ not quite json\n", "jsonl"),
    ],
)
def test_detect_by_content_then_suffix(tmp_path, name, content, expected):
    assert detect_format(_file(tmp_path, name, content)) == expected


def test_detect_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["id", "text"])
    path = tmp_path / "no-suffix"
    wb.save(path)
    assert detect_format(path) == "xlsx"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.dat", b"\n  \n", "the file is empty"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        ("notes.dat", b"one line of prose\n", "cannot tell what format"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "old-style Excel"),
    ],
)
def test_detect_failures(tmp_path, name, data, message):
    with pytest.raises(InputError, match=message) as err:
        detect_format(_file(tmp_path, name, data))
    assert err.value.path == str(tmp_path / name)


def test_suffix_breaks_a_tie(tmp_path, private_registry):
    @register_reader("alpha", suffixes=(".aaa",), sniff=lambda head: 0.8 if head.startswith(b"SAME") else 0.0)
    def _a(path, options):  # pragma: no cover - never called
        raise AssertionError

    @register_reader("beta", suffixes=(".bbb",), sniff=lambda head: 0.8 if head.startswith(b"SAME") else 0.0)
    def _b(path, options):  # pragma: no cover - never called
        raise AssertionError

    assert detect_format(_file(tmp_path, "x.aaa", "SAME")) == "alpha"
    assert detect_format(_file(tmp_path, "x.bbb", "SAME")) == "beta"


# -- adding a format -------------------------------------------------------------------------------


def test_a_new_format_is_one_decorated_function(tmp_path, private_registry):
    @register_reader(
        "shout", suffixes=(".shout",), sniff=lambda head: 1.0 if head.startswith(b"SHOUT\n") else 0.0
    )
    def read_shout(path, options):
        lines = path.read_text(encoding="utf-8").split("\n")[1:]
        comments = pd.DataFrame(
            {
                "comment_id": [f"s{i}" for i, _ in enumerate(lines, start=2)],
                "parent_id": [None] * len(lines),
                "thread_id": [f"s{i}" for i, _ in enumerate(lines, start=2)],
                "author": [None] * len(lines),
                "created_at": [pd.NaT] * len(lines),
                "text": [line.upper() for line in lines],
                "kind": ["comment"] * len(lines),
                "source": [options.source] * len(lines),
                "source_row": list(range(2, len(lines) + 2)),
            }
        )
        return Tables(comments=comments, exclusions=empty_exclusions())

    assert "shout" in available_formats()
    path = _file(tmp_path, "x.txt", "SHOUT\nhello\nworld")
    result = read(path)  # detected by content, beating the .txt suffix of blog-page
    assert result.format == "shout"
    assert result.comments["text"].tolist() == ["HELLO", "WORLD"]
    assert str(result.comments["created_at"].dt.tz) == "UTC"  # validated by read()


def test_a_name_can_only_be_registered_once(private_registry):
    with pytest.raises(ValueError, match="already registered"):
        register_reader("csv")(lambda path, options: None)


# -- read() ----------------------------------------------------------------------------------------


def test_unknown_format_is_a_config_error():
    with pytest.raises(
        ConfigError, match="unknown format 'docx'; available formats: blog-page, consul, consultation, csv, disqus,"
    ):
        read(PAGE, format="docx")


@pytest.mark.parametrize(
    ("make", "message"), [(lambda d: d / "missing.csv", "no such file"), (lambda d: d, "folder")]
)
def test_missing_file_or_folder(tmp_path, make, message):
    with pytest.raises(InputError, match=message) as err:
        read(make(tmp_path))
    assert err.value.path == str(make(tmp_path))


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "blog-page", "xlsx"])
def test_a_folder_given_to_a_file_reader_is_an_input_error(tmp_path, fmt):
    with pytest.raises(InputError) as err:
        read(tmp_path, format=fmt)
    assert err.value.path == str(tmp_path)


def test_relative_paths_resolve_from_the_project_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = read("data/raw/obama-toolkit/page.txt")
    assert result.source == "data/raw/obama-toolkit/page.txt"  # the path as given
    assert (result.comments["source"] == "data/raw/obama-toolkit/page.txt").all()


def test_a_format_can_be_forced(tmp_path):
    p = _file(tmp_path, "c.txt", "id,text\n1,a\n")
    assert read(p, format="csv").comments["text"].tolist() == ["a"]
    assert read(p, format="blog-page").comments["title"].tolist() == ["id,text"]


def test_columns_must_be_a_mapping():
    with pytest.raises(ConfigError, match="columns must be a mapping"):
        read(FIXTURES / "bom_crlf.csv", columns=["author"])


# -- IngestResult ----------------------------------------------------------------------------------


def test_summary_of_a_table_with_exclusions():
    result = read(FIXTURES / "semicolon.csv")
    summary = result.summary()
    assert summary == {
        "cleaning": {  # both answers are shorter than 20 characters: too short to tell a language
            "blank": 0,
            "duplicate_submission": 0,
            "future_dates": 0,
            "kept_as_thread_anchor": 0,
            "language": {},
            "language_undetermined": 2,
            "mojibake_repaired": 0,
            "non_answer": 0,
            "rows_from_reader": 2,
            "rows_kept": 2,
        },
        "excluded": 1,
        "excluded_by_reason": {"blank": 1},
        "format": "csv",
        "kept": 2,
        "kept_by_kind": {"comment": 2},
        "notes": [],
        "questions": [],  # consultations only
        "records_read": 3,
        "source": str(FIXTURES / "semicolon.csv"),
        "timezone": "UTC",  # the default: a plain file keeps no calendar of its own
        "title": "",  # a table says nothing of what it is about
    }
    assert list(summary) == sorted(summary)
    assert all(type(v) is int for v in (summary["kept"], summary["excluded"], summary["records_read"]))
    assert json.loads(json.dumps(summary, sort_keys=True)) == summary
    assert result.summary_line() == "semicolon.csv: read 3 records = 2 kept + 1 excluded (blank 1)"


def test_summary_line_without_exclusions_and_with_one_record(tmp_path):
    result = read(_file(tmp_path, "one.csv", "text\nhello\n"))
    assert result.summary_line() == "one.csv: read 1 record = 1 kept + 0 excluded"
    assert (
        repr(result)
        == f"IngestResult(source={str(tmp_path / 'one.csv')!r}, format='csv', kept=1, excluded=0)"
    )


def test_records_read_is_kept_plus_excluded():
    result = IngestResult(
        comments=read(PAGE).comments, exclusions=empty_exclusions(), source="x", format="blog-page"
    )
    assert result.records_read == 11


@pytest.mark.parametrize(
    "module", ["__init__", "registry", "_mapping", "_text", "_stream", "tabular", "jsonl", "blog_page", "core"]
)
def test_docstring_examples_run(module, monkeypatch):
    monkeypatch.chdir(project_root())
    mod = ingest if module == "__init__" else importlib.import_module(f"helpers.ingest.{module}")
    failures, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0
