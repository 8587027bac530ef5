"""Readers for tables: ``csv`` (any of , ; TAB | as delimiter) and ``xlsx`` (one worksheet).

One row per contribution; :func:`helpers.ingest._mapping.map_table` chooses the columns. Rows whose
cells are all blank (spreadsheet padding such as ``,,,,``) and blank lines are not records.

``source_row`` is the line where a record starts, counting the header as line 1, so a quoted field
spanning several lines pushes the following rows down; for XLSX it is the sheet's row number.

Delimited files are read a block at a time (:mod:`helpers.ingest._stream`) and parsed
:data:`CHUNK_ROWS` records at a time, keeping only the columns the mapping reads, so a multi-GB
export needs memory for the table kept, not for the raw file and its copies. The tables, and any
error with the line it names, are exactly those of parsing the whole file at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..progress import bar
from ._mapping import ID_COLUMN_CANDIDATES, MAPPABLE_COLUMNS, TEXT_COLUMN_CANDIDATES, map_table, plan_columns
from ._stream import BLOCK_BYTES, read_streamed
from ._text import head_text
from .registry import ReadOptions, Tables, register_reader

__all__ = [
    "read_csv",
    "read_xlsx",
    "sniff_csv",
    "sniff_xlsx",
    "sniff_delimiter",
    "record_start_lines",
    "load_delimited",
    "load_sheet",
    "header_of",
    "header_note",
]

DELIMITERS = ",;\t|"
_SAMPLE_CHARS = 32 * 1024


# ---------------------------------------------------------------------------------------------
# CSV


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: ``csv.Sniffer`` among , ; TAB |, checked against the header.

    The sniffer's choice is kept when the header line contains it; otherwise the candidate the header
    holds most of; otherwise a comma (a one-column file).

    Examples
    --------
    >>> sniff_delimiter("id;text\\n1;Hello, world\\n2;Fine\\n")
    ';'
    >>> sniff_delimiter("text\\nHello\\n")
    ','
    """
    if len(sample) > _SAMPLE_CHARS:
        cut = sample.rfind("\n", 0, _SAMPLE_CHARS)
        sample = sample[: cut if cut > 0 else _SAMPLE_CHARS]
    header = sample.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    try:
        chosen = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        chosen = None
    if chosen in counts and counts[chosen] > 0:
        return chosen
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties go to the earlier candidate: comma first
    return best if counts[best] > 0 else ","


def sniff_csv(head: bytes) -> float:
    """Confidence that a file starting with ``head`` is a CSV table with a header row.

    Examples
    --------
    >>> sniff_csv(b"id;comment\\n1;Yes\\n"), sniff_csv(b"id,votes\\n1,3\\n"), sniff_csv(b"Just prose.\\n")
    (0.7, 0.5, 0.0)
    """
    text = head_text(head)
    if text is None:
        return 0.0
    lines = [line for line in text.split("\n")[:50] if line.strip()]
    if len(head) == 64 * 1024 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    if not lines or lines[0].lstrip().startswith(("{", "[")):
        return 0.0
    delimiter = sniff_delimiter("\n".join(lines))
    try:
        header = next(csv.reader([lines[0]], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return 0.0
    names = [h.strip().casefold() for h in header]
    if any(len(name) > 100 for name in names):
        return 0.0  # prose, not a header
    has_text = any(name in TEXT_COLUMN_CANDIDATES for name in names)
    if len(names) >= 2 and all(names):
        return 0.7 if has_text else 0.5
    return 0.4 if has_text else 0.0


def _csv_module_starts(text: str | Iterable[str], delimiter: str) -> list[int] | None:
    """Start line of every record per Python's csv module (slow path, for irregular quoting).

    ``text`` is the whole text, or its lines (each with its ``"\n"``) one after another.
    """
    lines = io.StringIO(text) if isinstance(text, str) else text
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    starts = []
    previous = 0
    limit = csv.field_size_limit(2**31 - 1)  # fields of any length (pandas reads them), for this parse only
    try:
        for _ in reader:
            starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error:  # pragma: no cover - with strict=False and no field size limit, hardly anything
        return None
    finally:
        csv.field_size_limit(limit)
    return starts


def record_start_lines(buf: bytes, frame: pd.DataFrame) -> np.ndarray | None:
    """1-based line where each row of ``frame`` (parsed from ``buf``) starts, or None if unsure.

    A newline ends a record unless an odd number of quote marks precede it (it is inside a quoted
    field). This is exact for well-formed CSV; the answer is checked against the parse itself -- every
    record must span as many lines as its fields hold line breaks -- and None is returned when the two
    disagree (a stray quote mark inside an unquoted field, say).

    ``buf`` is UTF-8 with LF line breaks; ``frame`` was read from it with ``header=None`` and
    ``skip_blank_lines=False``, so every line outside quotes is a row.

    Examples
    --------
    >>> b = b'id,text\\n1,"two\\nlines"\\n\\n2,x\\n'
    >>> f = pd.read_csv(io.BytesIO(b), header=None, dtype=str, skip_blank_lines=False, keep_default_na=False)
    >>> record_start_lines(b, f).tolist()
    [1, 2, 4, 5]
    """
    ends = _RecordEnds()
    ends.feed(buf)
    return ends.starts(len(frame), lambda: _inner_line_breaks(frame))


def _inner_line_breaks(frame: pd.DataFrame) -> np.ndarray:
    """How many line breaks each row's fields hold, all columns together (values ``str``)."""
    inner = np.zeros(len(frame), dtype="int64")
    for col in frame.columns:
        values = frame[col].tolist()
        if "\n" in "".join(values):
            inner += np.fromiter((v.count("\n") for v in values), dtype=np.int64, count=len(values))
    return inner


class _RecordEnds:
    """Where the records of a CSV byte stream end, fed a block at a time (see :func:`record_start_lines`).

    A newline ends a record unless an odd number of quote marks precede it in the stream.
    """

    def __init__(self) -> None:
        self.quotes = 0  # quote marks so far
        self.newlines = 0  # line breaks so far
        self.ends: list[np.ndarray] = []  # 0-based number of each line break that ends a record
        self.ends_with_newline = False

    def feed(self, buf: bytes) -> None:
        """Scan the next block of the stream."""
        if not buf:
            return
        arr = np.frombuffer(buf, dtype=np.uint8)
        newlines = np.flatnonzero(arr == 10)
        quotes = np.flatnonzero(arr == 34)
        if len(quotes) or self.quotes % 2:
            ends = np.flatnonzero((self.quotes + np.searchsorted(quotes, newlines)) % 2 == 0)
        else:
            ends = np.arange(len(newlines), dtype=np.int64)
        self.ends.append(ends + self.newlines)
        self.newlines += len(newlines)
        self.quotes += len(quotes)
        self.ends_with_newline = buf.endswith(b"\n")

    def starts(self, n_records: int, inner: Callable[[], np.ndarray]) -> np.ndarray | None:
        """1-based start line of each record, or None unless there are ``n_records`` of them and each
        spans as many lines as ``inner()`` (line breaks inside its fields; asked only if there are quotes)."""
        ends = np.concatenate(self.ends) if self.ends else np.zeros(0, dtype=np.int64)
        starts = np.concatenate(([1], ends + 2))
        if self.ends_with_newline and len(ends) and ends[-1] == self.newlines - 1:
            starts = starts[:-1]  # nothing after the final line break
        if len(starts) != n_records:
            return None
        if self.quotes:
            total_lines = self.newlines + (0 if self.ends_with_newline else 1)
            spans = np.diff(np.append(starts, total_lines + 1)) - 1  # line breaks inside each record
            if not np.array_equal(spans, inner()):
                return None
        return starts


def _parser_error_line(message: str, starts: list[int] | None) -> int | None:
    """Map pandas' record numbers in a tokenizer error to a line of the file."""
    if starts is None:
        return None
    m = re.search(r"in line (\d+)", message)
    if m and 0 < int(m.group(1)) <= len(starts):
        return starts[int(m.group(1)) - 1]
    m = re.search(r"starting at row (\d+)", message)
    if m and int(m.group(1)) < len(starts):
        return starts[int(m.group(1))]
    return None


def _explain_parser_error(message: str, delimiter: str) -> str:
    name = {"\t": "TAB", ",": "comma", ";": "semicolon", "|": "pipe"}.get(delimiter, repr(delimiter))
    m = re.search(r"Expected (\d+) fields? in line \d+, saw (\d+)", message)
    if m:
        return f"this row has {m[2]} fields but the header has {m[1]} ({name}-delimited; a text with a {name} must be in quotes)"
    if "EOF inside string" in message:
        return 'a quoted field starting on this line is never closed (a missing ")'
    return f"cannot read this as a {name}-delimited table: {message}"


def _header_names(values: list[str], *, source: str, row: int, options: ReadOptions | None = None) -> list[str]:
    """The header cells as column names: stripped, an empty one ``unnamed_<position>``, and a name the
    header gives several columns numbered in order ("Please explain (1)", "Please explain (2)"), so a
    form that repeats a question's wording can be read, and either column named. A column the reader
    would read by its name (one ``options`` names, or a default such as ``id`` or ``text``) must be
    unique.

    Examples
    --------
    >>> _header_names(["ID", " Explain ", "", "Explain"], source="f.csv", row=1)
    ['ID', 'Explain (1)', 'unnamed_3', 'Explain (2)']
    """
    names = [str(value).strip() or f"unnamed_{i + 1}" for i, value in enumerate(values)]
    counts = pd.Series(names).value_counts()
    read = set(MAPPABLE_COLUMNS)  # used by name whenever present
    given = options or ReadOptions("")
    if not given.text_column and "text" not in (given.columns or {}):
        read |= set(TEXT_COLUMN_CANDIDATES)
    if not given.id_column and "comment_id" not in (given.columns or {}):
        read |= set(ID_COLUMN_CANDIDATES)
    read |= {str(c).strip().casefold() for c in (given.text_column, given.id_column, *(given.columns or {}).values())
             if c}
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if counts[name] > 1 and name.casefold() in read:
            raise InputError(f"the header names column {name!r} {int(counts[name])} times; to read one, name it "
                             f"{name + ' (1)'!r}, {name + ' (2)'!r}... in the file's order", path=source, row=row)
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            names[i] = f"{name} ({seen[name]})"
    if len(set(names)) < len(names):  # "X (1)" was itself a header
        twice = next(n for n in names if names.count(n) > 1)
        raise InputError(f"the header names column {twice!r} {names.count(twice)} times", path=source, row=row)
    return names


def header_of(frame: pd.DataFrame, rows: np.ndarray, *, source: str) -> tuple[list[str], pd.DataFrame, np.ndarray]:
    """Split the first row off a table from :func:`load_delimited` as its column names.

    Parameters
    ----------
    frame : DataFrame
        Records as strings, the header first.
    rows : ndarray of int
        The line of each record.
    source : str, keyword-only
        The path to cite in errors.

    Returns
    -------
    names : list of str
        The header cells, stripped; an empty one is ``unnamed_<position>``.
    data : DataFrame
        The other records, with ``names`` as columns.
    rows : ndarray of int
        Their lines.

    Raises
    ------
    InputError
        If there is no row at all, or the header names a column twice.

    Examples
    --------
    >>> names, data, rows = header_of(pd.DataFrame([[" id", ""], ["1", "a"]]), np.array([1, 2]), source="t.csv")
    >>> names, data.values.tolist(), rows.tolist()
    (['id', 'unnamed_2'], [['1', 'a']], [2])
    """
    if len(frame) == 0:
        raise InputError("the file has no header row", path=source)
    names = _header_names(frame.iloc[0].tolist(), source=source, row=int(rows[0]))
    data = frame.iloc[1:].reset_index(drop=True)
    data.columns = names
    return names, data, rows[1:]


def _drop_blank_rows(raw: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop rows whose every cell is empty or white space (blank lines, spreadsheet padding)."""
    if raw.empty:
        return raw, rows
    blank = _blank_rows(raw)
    if not blank.any():
        return raw, rows
    return raw[~blank].reset_index(drop=True), rows[~blank]


def load_delimited(
    path: Path,
    *,
    source: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    drop_blank: bool = True,
    header: HeaderFinder | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every record of a delimited text file as strings, and the 1-based line where each starts.

    The one CSV loader of the readers (``csv``, ``consultation``, ``polis``, ``consul``,
    ``regulationsgov-csv``): decode (``encoding``, else UTF-8 with or without BOM, else
    Windows-1252), skip blank lines before the header, sniff the delimiter (unless given), parse
    with pandas, and find the line each record starts on.

    The file is read in blocks and parsed :data:`CHUNK_ROWS` records at a time, so memory holds the
    records kept, not the raw file and its copies; the answer (and any error, naming the same line)
    is exactly that of parsing the whole file at once.

    Parameters
    ----------
    path : Path
        The file.
    source : str, keyword-only
        The path to cite in errors.
    encoding : str, optional
        The text encoding; sniffed when not given.
    delimiter : str, optional
        The field delimiter; sniffed among , ; TAB | when not given.
    drop_blank : bool, keyword-only
        Drop records whose every cell is empty or white space (blank lines, ``,,,`` padding), the
        header row included.
    header : callable, optional
        Finds the header below title lines ("Consultation on ... exported 3 March"): called with the
        file's first records (lists of cells, split by each candidate delimiter in turn), it returns
        how many of them are above the header, or None when the header is not among them. The lines
        above the header are skipped (the line numbers returned still count them); when no split
        finds it, the file is read from its first line.
    Returns
    -------
    frame : DataFrame
        One row per record, columns 0..n-1 (those kept), values ``str``; the header is *not* split
        off (row 0 is the file's first non-blank line).
    starts : ndarray of int64
        The line where each row of ``frame`` starts, counting from 1.

    Raises
    ------
    InputError
        If the file cannot be read or decoded, or the table cannot be parsed (naming the line).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes(b'\\n"id","text"\\r\\n1,"two\\r\\nlines"\\r\\n,\\r\\n2,x\\r\\n')
    >>> frame, rows = load_delimited(p, source="t.csv")
    >>> frame.values.tolist(), rows.tolist()
    ([['id', 'text'], ['1', 'two\\nlines'], ['2', 'x']], [2, 3, 6])
    """
    scan = _DelimitedScan(path, source=source, encoding=encoding, delimiter=delimiter, drop_blank=drop_blank,
                          header=header)
    return read_streamed(path, scan, source=source, encoding=encoding, block_bytes=BLOCK_BYTES)


#: Records parsed at a time by :func:`load_delimited`.
CHUNK_ROWS = 100_000


class _Feed(io.RawIOBase):
    """The text pieces as one UTF-8 byte stream for pandas, scanned for record ends on the way."""

    def __init__(self, first: str, pieces: Iterator[str], on_text: Callable[[str, bytes], None]) -> None:
        self._pieces = pieces
        self._on_text = on_text
        self._buf = b""
        self._pos = 0
        self._pending: str | None = first

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while self._pos >= len(self._buf):
            text = self._pending if self._pending is not None else next(self._pieces, None)
            self._pending = None
            if text is None:
                return 0
            self._buf, self._pos = text.encode("utf-8"), 0
            self._on_text(text, self._buf)
        n = min(len(b), len(self._buf) - self._pos)
        b[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n


#: Finds the header among a file's first records (each a list of cells): how many records are title
#: lines above it, or None when none of them is the header.
HeaderFinder = Callable[[list[list[str]]], "int | None"]

_MAX_TITLE_LINES = 20  # records looked through for the header


def _skip_blank_lines(text: str) -> tuple[str, int]:
    """``text`` from its first line that is not blank, and how many lines were skipped."""
    first = len(text) - len(text.lstrip())
    first = text.rfind("\n", 0, first) + 1
    return text[first:], text.count("\n", 0, first)


def _nth_line_end(text: str, n: int) -> int:
    """Where the ``n``-th line of ``text`` ends (just past its ``\\n``); 0 for n = 0."""
    end = 0
    for _ in range(n):
        end = text.index("\n", end) + 1
    return end


def _delimiter_order(head: str) -> list[str]:
    """The candidate delimiters, the sniffed one first."""
    sniffed = sniff_delimiter(head)
    return [sniffed] + [d for d in DELIMITERS if d != sniffed]


def _title_lines(head: str, find: HeaderFinder, delimiters: list[str]) -> tuple[int, str] | None:
    """The physical lines above the header that ``find`` recognises among the first records of
    ``head``, and the delimiter that splits them so; None when no delimiter does.

    Examples
    --------
    >>> def find(records):
    ...     return next((i for i, cells in enumerate(records) if "text" in cells), None)
    >>> _title_lines('Export of "a\\nb"\\n\\nid;text\\n1;x\\n', find, [",", ";"])
    (3, ';')
    >>> _title_lines("id,words\\n1,x\\n", find, [","]) is None
    True
    """
    lines = [line + "\n" for line in head.split("\n")]
    lines[-1] = lines[-1][:-1]
    for sep in delimiters:
        reader = csv.reader(iter(lines), delimiter=sep, quotechar='"', doublequote=True)
        records, ends = [], []
        try:
            for cells in reader:
                records.append([c.strip() for c in cells])
                ends.append(reader.line_num)
                if len(records) > _MAX_TITLE_LINES:
                    break
        except csv.Error:
            pass
        k = find(records)
        if k is not None:
            return (ends[k - 1] if k else 0), sep
    return None


class _DelimitedScan:
    """The consumer of :func:`load_delimited`: parses the text pieces chunk by chunk (see there).

    Whole-file checks are made at the end, in the order a whole-file parse makes them: parser errors,
    then record start lines, then short rows.
    """

    def __init__(self, path: Path, *, source: str, encoding: str | None, delimiter: str | None,
                 drop_blank: bool, columns: Callable[[list[str]], list[int] | None] | None = None,
                 header: HeaderFinder | None = None) -> None:
        """``columns`` is called once with the first record's cells and returns the positions of the
        columns to keep (the others are dropped chunk by chunk, to save memory; the kept ones become
        Arrow-backed strings), or None for all of them. ``header`` finds the header below title
        lines (see :func:`load_delimited`)."""
        self.path, self.source, self.encoding = path, source, encoding
        self.delimiter, self.drop_blank, self.columns, self.header = delimiter, drop_blank, columns, header
        self.first_cells: list[str] = []  # the first record, all columns
        self.kept_columns: list[int] | None = None  # positions of the columns kept (None: all)
        self.blank: np.ndarray = np.zeros(0, dtype=bool)  # each row returned: are all its cells blank?
        # each row returned: a hash of the cells of the columns dropped (None when none is dropped)
        self.row_hash: np.ndarray | None = None

    def __call__(self, pieces: Iterator[str]) -> tuple[pd.DataFrame, np.ndarray]:
        source = self.source
        # pandas refuses blank lines before the header (with skip_blank_lines=False): skip them here.
        head = ""
        for piece in pieces:
            head += piece
            stripped = head.lstrip()
            if stripped and len(stripped) > _SAMPLE_CHARS:
                break
        head, offset = _skip_blank_lines(head)
        sep = self.delimiter
        if self.header is not None:
            found = _title_lines(head, self.header, [sep] if sep else _delimiter_order(head))
            if found is not None:
                lines, sep = found
                cut = _nth_line_end(head, lines)
                head, blank = _skip_blank_lines(head[cut:])
                offset += lines + blank
        sep = sep or sniff_delimiter(head)

        ends = _RecordEnds()
        # per physical line: quoted, fields, blank, delimiters outside quotes
        lines: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

        def on_text(text: str, buf: bytes) -> None:
            lines.append(_line_facts(buf, sep, quotes_before=ends.quotes))
            ends.feed(buf)
            if meter is not None:
                meter.update(len(buf) // 1024)

        meter = bar(_size_kb(self.path), "reading", unit="kB")
        feed = _Feed(head, pieces, on_text)
        del head
        chunks: list[pd.DataFrame] = []
        records: list[np.ndarray] = []  # number of each kept record among all records
        blank_kept: list[np.ndarray] = []
        hashes: list[np.ndarray] = []
        inner: list[np.ndarray] = []
        keep: list[int] | None = None
        n_records = 0
        try:
            reader = pd.read_csv(
                feed,
                sep=sep,
                header=None,
                dtype=object,  # Python strings: much faster than Arrow strings for wide tables
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quotechar='"',
                doublequote=True,
                encoding="utf-8",
                engine="c",
                chunksize=CHUNK_ROWS,
            )
            n_fields = 0
            for chunk in reader:
                if n_records == 0:
                    n_fields = chunk.shape[1]
                    self.first_cells = [str(v) for v in chunk.iloc[0].tolist()]
                    if self.columns is not None:
                        keep = self.columns(self.first_cells)
                inner.append(_inner_line_breaks(chunk))
                blank = _blank_rows(chunk)
                number = np.arange(n_records, n_records + len(chunk), dtype=np.int64)
                n_records += len(chunk)
                if self.drop_blank and blank.any():
                    chunk, number, blank = chunk[~blank], number[~blank], blank[~blank]
                blank_kept.append(blank)
                if keep is not None and len(keep) < chunk.shape[1]:  # the kept cells are compared as they are
                    dropped = chunk.drop(columns=chunk.columns[keep])
                    hashes.append(pd.util.hash_pandas_object(dropped, index=False).to_numpy())
                if keep is not None:
                    chunk = chunk.iloc[:, keep].astype("string")
                chunks.append(chunk.reset_index(drop=True))
                records.append(number)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            message = str(exc).replace("Error tokenizing data. C error: ", "").strip()
            line = _parser_error_line(message, self._csv_module_starts(sep, offset))
            raise InputError(
                _explain_parser_error(message, sep),
                path=source,
                row=line + offset if line is not None else None,
            ) from None
        finally:
            meter.close()
        starts = ends.starts(n_records, lambda: np.concatenate(inner))
        regular = starts is not None  # quote marks only where the parse has them: delimiters in quotes are known
        if starts is None:
            fallback = self._csv_module_starts(sep, offset)
            if fallback is None or len(fallback) != n_records:
                raise InputError(
                    "cannot tell on which line each row starts: the quoting is irregular "
                    '(a " inside a field that is not itself in quotes?)',
                    path=source,
                )
            starts = np.asarray(fallback, dtype="int64")
        kept = np.concatenate(records)
        checked = kept if self.drop_blank else np.arange(n_records)
        quoted, fields, blank_lines, outside = (np.concatenate(parts) for parts in zip(*lines, strict=True))
        if regular and len(starts):  # fields of each record, quoted or not: delimiters outside quotes, + 1
            fields = np.zeros(len(fields), dtype=np.int64)
            fields[starts - 1] = np.add.reduceat(outside, starts - 1) + 1
            quoted = np.zeros(len(quoted), dtype=bool)
        _refuse_short_rows(starts[checked], quoted, fields, blank_lines, sep, n_fields, source=source, offset=offset)
        frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
        frame.columns = range(frame.shape[1])
        self.kept_columns = keep
        self.blank = np.concatenate(blank_kept)
        self.row_hash = np.concatenate(hashes) if hashes else None
        return frame, starts[kept] + offset

    def _csv_module_starts(self, sep: str, offset: int) -> list[int] | None:
        """:func:`_csv_module_starts` over the file's text after its ``offset`` leading blank lines."""

        def consume(pieces: Iterator[str]) -> list[int] | None:
            def lines() -> Iterator[str]:
                skip = offset
                for piece in pieces:
                    parts = piece.split("\n")  # as io.StringIO splits: on "\n" alone
                    last = parts.pop()
                    for line in parts:
                        if skip:
                            skip -= 1
                        else:
                            yield line + "\n"
                    if last:  # the end of the file, without a final line break
                        yield last

            return _csv_module_starts(lines(), sep)

        return read_streamed(self.path, consume, source=self.source, encoding=self.encoding,
                             block_bytes=BLOCK_BYTES)


# Bytes that Python's str.strip() removes (ASCII white space and the separators 0x1c-0x1f).
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True


def _line_facts(buf: bytes, sep: str, *, quotes_before: int = 0) -> tuple[np.ndarray, ...]:
    """For each line of ``buf`` (UTF-8, lines ending in ``"\n"``; the last may not): whether it holds a
    quote mark, how many fields its delimiters make, whether it is blank (only white space), and how
    many of its delimiters are outside quotes (an even number of quote marks before them in the stream,
    ``quotes_before`` of them before ``buf``).

    Examples
    --------
    >>> [a.tolist() for a in _line_facts(b'1,"a, b"\\n2,"c\\n,d",e\\n', ",")]
    [[True, True, True], [3, 2, 3], [False, False, False], [1, 1, 1]]
    """
    if not buf.endswith(b"\n"):
        buf += b"\n"
    arr = np.frombuffer(buf, dtype=np.uint8)
    starts = np.concatenate(([0], np.flatnonzero(arr[:-1] == 10) + 1))  # each line with its line break

    quote_at = np.flatnonzero(arr == 34)
    quoted = np.bincount(np.searchsorted(starts, quote_at, side="right") - 1, minlength=len(starts)) > 0
    if len(sep) == 1 and ord(sep) < 128:
        sep_at = np.flatnonzero(arr == ord(sep))
        line_of = np.searchsorted(starts, sep_at, side="right") - 1
        fields = np.bincount(line_of, minlength=len(starts)) + 1
        if len(quote_at) or quotes_before % 2:
            free = (quotes_before + np.searchsorted(quote_at, sep_at)) % 2 == 0
            outside = np.bincount(line_of[free], minlength=len(starts))
        else:
            outside = fields - 1
    else:  # pragma: no cover - the delimiters are ASCII
        fields = np.array([line.count(sep) + 1 for line in buf.decode("utf-8").split("\n")[:-1]], dtype=np.int64)
        outside = fields - 1
    # A line starting with a visible ASCII character is not blank; Python judges the others.
    first = arr[starts]
    blank = np.zeros(len(starts), dtype=bool)
    ends = np.append(starts[1:], len(arr))
    for i in np.flatnonzero(_ASCII_SPACE[first] | (first >= 128)):
        blank[i] = not buf[starts[i] : ends[i]].decode("utf-8").strip()
    return quoted, fields.astype(np.int64), blank, outside.astype(np.int64)


def _size_kb(path: Path) -> int:
    try:
        return Path(path).stat().st_size // 1024
    except OSError:
        return 0


def _blank_rows(raw: pd.DataFrame) -> np.ndarray:
    """True for rows whose every cell is empty or white space (blank lines, spreadsheet padding)."""
    blank = np.ones(len(raw), dtype=bool)
    for col in raw.columns:
        values = raw[col]
        blank &= ((values == "") | values.str.isspace()).fillna(True).to_numpy(dtype=bool)
        if not blank.any():
            break
    return blank


def _refuse_short_rows(
    lines: np.ndarray, quoted: np.ndarray, fields: np.ndarray, blank: np.ndarray, sep: str, n_fields: int, *,
    source: str, offset: int,
) -> None:
    """InputError naming the first record with fewer fields than the header (records marked ``quoted`` are
    not checked).

    pandas pads a short row with empty fields, which would silently shift or lose values (a file
    written with the wrong delimiter reads as one column of text). A record has one more field than it
    has delimiters outside quotes, which is cheap to count (:func:`_line_facts`) when the quote marks are
    where the parse has them; when they are not (a stray quote), quoted records are left to pandas.
    ``lines`` are the records' first lines (1-based, after the ``offset`` skipped lines); ``quoted``,
    ``fields`` and ``blank`` say, for every line, whether it holds a quote mark, how many fields its
    delimiters make and whether it is blank.
    """
    if n_fields < 2 or not len(lines):
        return
    at = lines - 1
    short = ~quoted[at] & ~blank[at] & (fields[at] < n_fields)  # blank lines are padding, not records
    if short.any():
        i = int(np.argmax(short))
        shown = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}.get(sep, repr(sep))
        raise InputError(
            f"this row has {fields[at[i]]} field(s) but the header has {n_fields} (separated by {shown}); "
            "is the file written with another delimiter, or is a field missing?",
            path=source,
            row=int(lines[i]) + offset,
        )


@register_reader("csv", suffixes=(".csv", ".tsv", ".tab", ".psv"), sniff=sniff_csv)
def read_csv(path: Path, options: ReadOptions) -> Tables:
    """Read a delimited text table: header row first, one row per contribution.

    The delimiter is sniffed among comma, semicolon, TAB and pipe; quote marks are ``"`` (doubled
    inside a quoted field). The encoding is ``options.encoding``, else UTF-8 (with or without a
    byte-order mark), else Windows-1252. The file is read in chunks (see :func:`load_delimited`),
    keeping only the columns the mapping uses.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "answers.csv"
    >>> _ = p.write_text('id;answer;when\\n7;"Yes,\\nplease";2021-03-04 10:00\\n8;;\\n', encoding="utf-8")
    >>> t = read_csv(p, ReadOptions(str(p), timezone="Europe/London"))
    >>> t.comments[["comment_id", "text", "source_row"]].astype(object).values.tolist()
    [['7', 'Yes,\\nplease', 2]]
    >>> t.exclusions[["record_id", "reason", "source_row"]].astype(object).values.tolist()
    [['8', 'blank', 4]]
    """
    source = options.source

    def used_columns(cells: list[str]) -> list[int] | None:
        """The header's columns that the mapping reads (all of them if the header or the mapping is
        wrong: that error is raised once the whole file is parsed, as a whole-file read would)."""
        try:
            names = _header_names(cells, source=source, row=1, options=options)
            text_col, id_col, mapping = plan_columns(names, options)
        except InputError:
            return None
        wanted = {text_col, id_col, *mapping.values()}
        return [i for i, name in enumerate(names) if name in wanted]

    scan = _DelimitedScan(path, source=source, encoding=options.encoding, delimiter=None, drop_blank=False,
                          columns=used_columns, header=_header_finder(options))
    frame, starts = read_streamed(path, scan, source=source, encoding=options.encoding, block_bytes=BLOCK_BYTES)
    names = _header_names(scan.first_cells, source=source, row=int(starts[0]), options=options)
    if scan.kept_columns is not None:
        names = [names[i] for i in scan.kept_columns]
    raw = frame.iloc[1:]
    del frame
    raw.columns = names
    data = ~scan.blank[1:]  # rows whose every cell (kept or not) is blank are not records
    if not data.all():
        raw = raw[data]
    # a record listed twice repeats every cell, the columns left behind too
    keys = scan.row_hash[1:][data] if scan.row_hash is not None else None
    tables = map_table(raw.reset_index(drop=True), starts[1:][data], options, row_keys=keys)
    tables.notes[:0] = header_note(int(starts[0]))
    return tables


def header_note(line: int) -> list[str]:
    """The note that the header is not on the first line (title lines above it), if it is not.

    Examples
    --------
    >>> header_note(1), header_note(2), header_note(4)
    ([], ['the header is on line 2: the line above it was not read'], ['the header is on line 4: the 3 lines above it were not read'])
    """
    if line <= 1:
        return []
    above = "the line above it was" if line == 2 else f"the {line - 1} lines above it were"
    return [f"the header is on line {line}: {above} not read"]


# ---------------------------------------------------------------------------------------------
# XLSX


def sniff_xlsx(head: bytes) -> float:
    """Confidence that a file starting with ``head`` is an Excel 2007+ workbook (a zip holding ``xl/``).

    Examples
    --------
    >>> sniff_xlsx(b"PK\\x03\\x04...[Content_Types].xml...xl/workbook.xml"), sniff_xlsx(b"id,text\\n")
    (0.95, 0.0)
    """
    if not head.startswith(b"PK\x03\x04"):
        return 0.0
    return 0.95 if (b"xl/" in head or b"[Content_Types].xml" in head) else 0.3


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def load_sheet(path: Path, *, sheet: str | int | None, source: str) -> list[tuple[int, list[str]]]:
    """Every non-empty row of a worksheet of an ``.xlsx`` workbook as (sheet row number, cell texts).

    Parameters
    ----------
    path : Path
        The workbook.
    sheet : str or int or None, keyword-only
        The worksheet's name, or its 0-based position; None for the first.
    source : str, keyword-only
        The path to cite in errors.

    Returns
    -------
    list of (int, list of str)
        Rows whose cells are not all empty, with their 1-based row number in the sheet; cells as
        text (whole floats without ``.0``, dates in ISO 8601, empty cells as "").

    Raises
    ------
    InputError
        If the workbook cannot be read or has no such sheet.

    Examples
    --------
    >>> import openpyxl, tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> book = openpyxl.Workbook()
    >>> book.active.append(["id", "text"]); book.active.append([]); book.active.append([7.0, "Yes"])
    >>> book.save(p)
    >>> load_sheet(p, sheet=None, source="a.xlsx")
    [(1, ['id', 'text']), (3, ['7', 'Yes'])]
    """
    import openpyxl  # imported here: only XLSX reading needs it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"this is not a readable .xlsx workbook ({exc})", path=source) from None
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputError(
            f"this is not a readable .xlsx workbook ({type(exc).__name__}: {exc})", path=source
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            if not book.worksheets:
                raise InputError("the workbook has no worksheets", path=source)
            ws = book.worksheets[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(book.worksheets):
                raise InputError(
                    f"sheet {sheet} does not exist: the workbook has {len(book.worksheets)} worksheet(s) "
                    f"(numbered from 0): {', '.join(map(repr, names))}",
                    path=source,
                )
            ws = book.worksheets[sheet]
        else:
            if str(sheet) not in names:
                raise InputError(
                    f"no sheet named {sheet!r}; the sheets are: {', '.join(map(repr, names))}", path=source
                )
            ws = book[str(sheet)]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # don't trust the stored sheet size: some writers get it wrong
        rows = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                rows.append((number, cells))
        return rows
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet can fail while it is read
        raise InputError(f"cannot read the worksheet ({type(exc).__name__}: {exc})", path=source) from None
    finally:
        book.close()


def _header_finder(options: ReadOptions) -> HeaderFinder:
    """Finds the header among a table's first rows: the first naming the text column
    (``options.text_column``, else one of the default names) in more cells than any row above it
    has (title rows are short; a data row holding the word "comment" is not a header).

    Examples
    --------
    >>> find = _header_finder(ReadOptions("x.csv", text_column="Views"))
    >>> find([["Export"], [], ["ID", "Views", "Date"], ["1", "Fine", ""]]), find([["ID", "Text"]])
    (2, None)
    >>> find([["1", "Yes", "x"], ["ID", "Views"]]) is None
    True
    >>> find([["Buses", " exported 3 March", " 2024"], ["ID", "Views"], ["1", "Fine"]])  # a title with commas
    1
    """
    wanted = options.text_column or (options.columns or {}).get("text")
    names = {wanted.strip().casefold()} if wanted else set(TEXT_COLUMN_CANDIDATES)

    def find(rows: list[list[str]]) -> int | None:
        rows = rows[:_MAX_TITLE_LINES + 1]
        widest = 0  # most non-empty cells in a row above
        for i, cells in enumerate(rows[:_MAX_TITLE_LINES]):
            filled = sum(bool(c.strip()) for c in cells)
            if any(c.strip().casefold() in names for c in cells):
                # a header is wider than the title lines above it, or shaped like the rows below it and
                # unlike those above ("Consultation on buses, exported 3 March" has commas of its own)
                below = [len(r) for r in rows[i + 1:i + 4] if any(c.strip() for c in r)]
                shaped = bool(below) and all(n == len(cells) for n in below) and all(
                    len(r) != len(cells) for r in rows[:i] if any(c.strip() for c in r))
                if filled > widest or shaped:
                    return i
            widest = max(widest, filled)
        return None

    return find


@register_reader("xlsx", suffixes=(".xlsx", ".xlsm"), sniff=sniff_xlsx)
def read_xlsx(path: Path, options: ReadOptions) -> Tables:
    """Read one worksheet of an Excel workbook: header row first, one row per contribution.

    ``options.sheet`` picks the worksheet by name or by 0-based position (default: the first). The
    header is found as in the ``csv`` reader (title rows above a table are skipped). Empty rows are skipped; ``source_row`` is the sheet's own row number. Dates stored as Excel dates have no time zone: they are taken to be in
    ``options.timezone``.

    Examples
    --------
    >>> import openpyxl, tempfile
    >>> wb = openpyxl.Workbook()
    >>> for row in (["Survey export, March"], [], ["id", "answer"], [1, "More buses"], [], [2, ""]):
    ...     wb.active.append(row)
    >>> p = Path(tempfile.mkdtemp()) / "survey.xlsx"
    >>> wb.save(p)
    >>> t = read_xlsx(p, ReadOptions(str(p)))
    >>> t.comments[["comment_id", "text", "source_row"]].values.tolist()
    [['1', 'More buses', 4]]
    >>> t.exclusions[["record_id", "reason", "source_row"]].values.tolist()
    [['2', 'blank', 6]]
    """
    source = options.source
    rows = load_sheet(path, sheet=options.sheet, source=source)
    if not rows:
        raise InputError("the worksheet is empty", path=source)
    width = max(len(cells) for _, cells in rows)
    start = _header_finder(options)([cells for _, cells in rows]) or 0
    rows = rows[start:]
    header_row, header_cells = rows[0]
    header_cells = header_cells + [""] * (width - len(header_cells))
    header = [h if h.strip() else f"unnamed_{_column_letter(i)}" for i, h in enumerate(header_cells)]
    header = _header_names(header, source=source, row=header_row, options=options)
    data = [cells + [""] * (width - len(cells)) for _, cells in rows[1:]]
    raw = (
        pd.DataFrame(data, columns=header, dtype="string")
        if data
        else pd.DataFrame({h: pd.Series(dtype="string") for h in header})
    )
    numbers = np.asarray([number for number, _ in rows[1:]], dtype="int64")
    tables = map_table(raw, numbers, options)
    tables.notes[:0] = header_note(header_row)
    return tables
