"""Property-based tests of every reader: any bytes in, either valid tables or the project's own error.

Any exception other than :class:`~helpers.errors.InputError` (which includes SchemaError and
ConfigError) fails the test.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.clean import normalise_text
from helpers.errors import InputError
from helpers.ingest import IngestResult, available_formats, read
from helpers.ingest._text import decode_text
from helpers.ingest.blog_page import parse_page
from helpers.paths import project_root
from helpers.schema import validate_comments, validate_exclusions
from tests.unit.ingest_support import SETTINGS

PAGE = project_root() / "data" / "raw" / "obama-toolkit" / "page.txt"
PAGE_LINES = PAGE.read_text(encoding="utf-8").split("\n")

# Characters that matter to the parsers, plus some that do not.
STRUCTURAL = list(",;\t|\"'{}[]:\n\r .-0123456789") + [
    "responses",
    "Pingback: ",
    "  1. ",
    "  2. ",
    "Leave a Reply",
    "id",
    "text",
    "null",
    "true",
    "é",
    "🙂",
]


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def check_read(path: Path, **options) -> IngestResult | None:
    """read() must return consistent, valid tables or raise InputError; None when it raised."""
    try:
        result = read(path, **options)
    except InputError as exc:
        assert exc.path == str(path) or exc.path is None or "columns" in exc.reason, exc
        return None
    assert isinstance(result, IngestResult)
    assert result.records_read == len(result.comments) + len(result.exclusions)
    assert result.summary()["records_read"] == result.records_read
    validate_comments(result.comments, source=str(path))
    validate_exclusions(result.exclusions, source=str(path))
    assert result.comments["source_row"].notna().all()
    assert (result.comments["source_row"] >= 1).all()
    return result


structured_bytes = st.lists(st.sampled_from(STRUCTURAL), max_size=200).map(
    lambda parts: "".join(parts).encode()
)
any_bytes = st.one_of(st.binary(max_size=3000), structured_bytes)


@SETTINGS
@given(data=any_bytes, fmt=st.sampled_from([*available_formats(), None]))
def test_any_bytes_give_tables_or_input_error(workdir, data, fmt):
    suffix = {"csv": ".csv", "jsonl": ".jsonl", "xlsx": ".xlsx", "blog-page": ".txt"}.get(fmt, ".dat")
    check_read(_write(workdir, "input" + suffix, data), format=fmt)


@st.composite
def mutated_page(draw):
    lines = list(PAGE_LINES)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(
            st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "renumber", "truncate"])
        )
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if not lines:
            lines = [draw(st.text(max_size=30))]
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(
                i,
                draw(
                    st.one_of(
                        st.sampled_from(
                            [
                                "Share this:",
                                "Related",
                                "Like this:",
                                "3 responses",
                                "  11. Pingback: x",
                                "Leave a Reply",
                                "",
                                "    ",
                            ]
                        ),
                        st.text(max_size=40),
                    )
                ),
            )
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "  ", "    ", "\t"])) + lines[i].lstrip()
        elif op == "renumber":
            lines[i] = lines[i].replace(str(draw(st.integers(0, 9))), str(draw(st.integers(0, 12))))
        else:
            lines = lines[: i + 1]
    return "\n".join(lines)


@SETTINGS
@given(text=mutated_page())
def test_mutated_pages_give_tables_or_input_error(workdir, text):
    data = text.encode("utf-8", errors="surrogatepass")
    path = _write(workdir, "page.txt", data)
    result = check_read(path, format="blog-page")
    if result is not None:
        assert result.comments["kind"].iloc[0] == "post"
        # Every non-blank line is in exactly one record, kept or excluded.
        decoded = decode_text(data, encoding=None, source="page.txt")
        nonblank = [i + 1 for i, line in enumerate(decoded.split("\n")) if line.strip()]
        assert sorted(n for record in parse_page(decoded) for n in record.lines) == nonblank


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (
        ["id", "text", "created_at"],
        [1, "Hello", "2021-01-01"],
        [2, "World 🙂", None],
        [3, "", None],
    ):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = _xlsx_bytes()


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=8),
    truncate=st.one_of(st.none(), st.integers(0, len(XLSX))),
)
def test_damaged_workbooks_give_tables_or_input_error(workdir, cuts, truncate):
    data = bytearray(XLSX)
    for position, value in cuts:
        data[position] = value
    check_read(_write(workdir, "book.xlsx", bytes(data[:truncate])), format="xlsx")


# Field values for a well-formed CSV: quotes, delimiters, line breaks and blank values included.
FIELD = st.text(alphabet=st.sampled_from(list("ab ,;|\t\"\n'é🙂") + ["\u2028", "\x0b"]), max_size=12)


@SETTINGS
@given(texts=st.lists(FIELD, min_size=1, max_size=12), delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_well_formed_csv_round_trips_with_line_numbers(workdir, texts, delimiter):
    """Whatever csv.writer writes, read() gives back every text on the line where its record starts."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["id", "text"])
    expected_rows, line = [], 2
    for i, text in enumerate(texts):
        writer.writerow([f"i{i}", text])
        expected_rows.append(line)
        line += 1 + text.count("\n")
    result = check_read(_write(workdir, "t.csv", buf.getvalue().encode("utf-8")), clean=False)
    assert result is not None, "a well-formed CSV must be readable"
    expected_text = normalise_text(pd.Series(texts, dtype="string"))
    kept = expected_text != ""
    assert result.comments["comment_id"].tolist() == [f"i{i}" for i in range(len(texts)) if kept[i]]
    assert result.comments["text"].tolist() == expected_text[kept].tolist()
    assert result.comments["source_row"].tolist() == [
        r for r, k in zip(expected_rows, kept, strict=True) if k
    ]
    assert result.exclusions["source_row"].tolist() == [
        r for r, k in zip(expected_rows, kept, strict=True) if not k
    ]
