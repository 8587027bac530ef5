"""Reading a file's bytes and decoding them to text, with errors that name the file and the line."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError

__all__ = [
    "SNIFF_BYTES",
    "read_bytes",
    "decode_text",
    "head_text",
    "line_of_offset",
    "undecodable",
    "refuse_lone_surrogates",
    "json_lines",
    "json_object_pieces",
]

#: How much of a file format detection looks at.
SNIFF_BYTES = 64 * 1024

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

_DECODE = json.JSONDecoder().decode  # json.loads without its per-call keyword handling

# A \\uD800-\\uDFFF escape: JSON may spell half of a UTF-16 surrogate pair, which alone is no character.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def open_input(path: Path, *, source: str):
    """``path`` opened for reading bytes, or :class:`InputError` saying in one line why it cannot be
    (the one place the readers turn a failed open into an error naming ``source``)."""
    try:
        return open(path, "rb")  # noqa: SIM115 (the caller closes it)
    except FileNotFoundError:
        raise InputError("no such file", path=source) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a file", path=source) from None
    except PermissionError:
        raise InputError("permission denied: cannot read the file", path=source) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=source) from None


def read_bytes(path: Path, *, source: str, limit: int | None = None) -> bytes:
    """The whole file (or its first ``limit`` bytes), or :class:`InputError` if it cannot be read.

    Reading the whole file, one holding nothing but white space is an error too ("the file is empty").

    Examples
    --------
    >>> read_bytes(Path("no/such/file.csv"), source="file.csv")
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: file.csv: no such file
    """
    with open_input(path, source=source) as fh:
        try:
            data = fh.read() if limit is None else fh.read(limit)
        except OSError as exc:
            raise InputError(f"cannot read the file: {exc.strerror or exc}", path=source) from None
    if limit is None and (not data or data.isspace()):
        raise InputError("the file is empty", path=source)
    return data


def line_of_offset(data: bytes | str, offset: int) -> int:
    """1-based line number of the byte (or character) at ``offset``.

    Examples
    --------
    >>> line_of_offset(b"a\\nbc\\nd", 3)
    2
    """
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def _binary_error(source: str, line: int) -> InputError:
    return InputError(
        "this looks like a binary file, not text (it holds a NUL byte); "
        "if it is UTF-16 text without a byte-order mark, give its encoding (--encoding utf-16, or "
        "encoding: utf-16 in the run configuration)",
        path=source,
        row=line,
    )


def decode_text(data: bytes, *, encoding: str | None, source: str) -> str:
    """Decode ``data`` to text with LF line breaks and no byte-order mark.

    With ``encoding`` given, exactly that encoding. Otherwise UTF-16 when the file starts with a UTF-16
    byte-order mark, else UTF-8 (with or without a BOM), falling back to Windows-1252 (cp1252) only
    if the bytes are not valid UTF-8. Text holding a NUL character is refused as binary.

    Examples
    --------
    >>> decode_text("\\ufeffcaf\\u00e9\\r\\n".encode("utf-8"), encoding=None, source="x.csv")
    'café\\n'
    >>> decode_text("caf\u00e9 \u2013 \u00a35".encode("cp1252"), encoding=None, source="x.csv")
    'café – £5'
    >>> decode_text(b"ok\\n\\x00\\x01", encoding=None, source="x.csv")
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: x.csv: row 2: this looks like a binary file, not text ...
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"unknown encoding {encoding!r}", path=source) from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the text is not valid {encoding} (byte 0x{data[exc.start]:02x} cannot be decoded)",
                path=source,
                row=line_of_offset(data, exc.start),
            ) from None
        nul = text.find("\x00")
        if nul >= 0:
            raise _binary_error(source, line_of_offset(text, nul))
    elif data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError("the file starts like UTF-16 text but is not valid UTF-16", path=source) from exc
        nul = text.find("\x00")
        if nul >= 0:
            raise _binary_error(source, line_of_offset(text, nul))
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise _binary_error(source, line_of_offset(data, nul))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as cp:
                raise undecodable(source, data[exc.start], line_of_offset(data, exc.start), data[cp.start],
                                  line_of_offset(data, cp.start)) from None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the file is empty", path=source)
    return text


def undecodable(source: str, utf8_byte: int, utf8_line: int, cp1252_byte: int, cp1252_line: int) -> InputError:
    """The error for text that is neither UTF-8 nor Windows-1252, naming the line Windows-1252 fails on.

    Examples
    --------
    >>> undecodable("x.csv", 0xE9, 2, 0x81, 3).one_line()
    'x.csv: row 3: cannot decode the text: byte 0x81 is not Windows-1252, and the file is not UTF-8 either (byte 0xe9 on line 2); give its encoding (--encoding, or encoding: in the run configuration)'
    """
    first = f"byte 0x{utf8_byte:02x}" + ("" if utf8_line == cp1252_line else f" on line {utf8_line}")
    return InputError(
        f"cannot decode the text: byte 0x{cp1252_byte:02x} is not Windows-1252, and the file is not UTF-8 "
        f"either ({first}); give its encoding (--encoding, or encoding: in the run configuration)",
        path=source,
        row=cp1252_line,
    )


def head_text(head: bytes) -> str | None:
    """Best-effort decoding of the first bytes of a file for format sniffing; None if it looks binary.

    Examples
    --------
    >>> head_text(b"id,text\\r\\n1,caf\\xc3"), head_text(b"PK\\x03\\x04\\x00")
    ('id,text\\n1,caf�', None)
    """
    if head.startswith(_UTF16_BOMS):
        try:
            text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        except UnicodeError:
            return None
    elif b"\x00" in head:
        return None
    else:
        text = head.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def json_lines(text: str, *, source: str, line_offset: int = 0) -> tuple[np.ndarray, list[object]]:
    """Parse each non-blank line of ``text`` as JSON (JSON Lines / NDJSON).

    Blank (white-space only) lines are skipped. The first line that is not valid JSON raises
    :class:`InputError` naming that line and the reason.

    Parameters
    ----------
    text : str
        The decoded file, or whole lines of it, separated by ``\\n``.
    source : str
        The file name used in errors.
    line_offset : int, optional
        How many lines of the file come before ``text`` (0 for the whole file): positions and the
        line an error names count from the start of the file.

    Returns
    -------
    positions : numpy.ndarray
        0-based positions in the file of the non-blank lines (add 1 for line numbers).
    values : list
        The parsed value of each of those lines, in order (not necessarily objects).

    Examples
    --------
    >>> positions, values = json_lines('{"id": 1}\\n\\n[2]\\n', source="c.jsonl")
    >>> positions.tolist(), values
    ([0, 2], [{'id': 1}, [2]])
    >>> json_lines('{"id": 1}\\n{"id": \\n', source="c.jsonl")
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: c.jsonl: row 2: not a valid JSON line: Expecting value at column 8
    >>> json_lines('{"id": 3}\\n', source="c.jsonl", line_offset=4)[0].tolist()
    [4]
    """
    lines = text.split("\n")
    present = np.flatnonzero(pd.Series(lines, dtype="string").str.strip().ne("").to_numpy(dtype=bool))
    wanted = [lines[i] for i in present]
    try:
        values = list(map(_DECODE, wanted))
    except (ValueError, RecursionError):
        for i, line in zip(present, wanted, strict=True):  # the error path only: find the line
            try:
                json.loads(line)
            except (ValueError, RecursionError):
                raise _json_error(line, line_offset + int(i) + 1, source) from None
        raise  # pragma: no cover - unreachable: some line failed above
    if _SURROGATE_ESCAPE.search(text):  # rare: only then look at the values themselves
        for i, line, value in zip(present, wanted, values, strict=True):
            lone = _lone_surrogate(value) if _SURROGATE_ESCAPE.search(line) else None
            if lone is not None:
                raise InputError(
                    f"not a valid JSON line: it holds a lone surrogate escape (\\u{ord(lone):04x}), half of "
                    "a UTF-16 pair and no character (text cut in the middle of an emoji?); remove or complete it",
                    path=source,
                    row=line_offset + int(i) + 1,
                )
    return present + line_offset, values


def refuse_lone_surrogates(text: str, value: object, *, source: str) -> None:
    """Raise :class:`InputError` naming the line when the JSON ``text`` (parsed as ``value``) holds a
    lone surrogate escape: half of a UTF-16 pair, which is no character and cannot be stored as text.

    Examples
    --------
    >>> text = '{"a": "\\\\ud83d\\\\ude00",\\n "b": "x \\\\udc00"}'
    >>> refuse_lone_surrogates(text, json.loads(text), source="c.json")
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: c.json: row 2: not valid JSON text: it holds a lone surrogate escape (\\udc00)...
    """
    if not _SURROGATE_ESCAPE.search(text):
        return
    lone = _lone_surrogate(value)
    if lone is None:
        return
    line = None
    for m in _SURROGATE_ESCAPE.finditer(text):
        backslashes = m.start() - len(text[: m.start()].rstrip("\\"))
        if backslashes % 2:
            continue  # "\\\\ud800": an escaped backslash, then text
        if m.group()[3].lower() in "89ab":  # a high half: paired when a low half follows at once
            paired = _SURROGATE_ESCAPE.match(text, m.end()) is not None and text[m.end() + 3].lower() in "cdef"
        else:  # a low half: paired when a high half comes just before
            paired = _SURROGATE_ESCAPE.match(text, m.start() - 6) is not None and text[m.start() - 3].lower() in "89ab" \
                if m.start() >= 6 else False
        if not paired:
            line = line_of_offset(text, m.start())
            break
    raise InputError(
        f"not valid JSON text: it holds a lone surrogate escape (\\u{ord(lone):04x}), half of a UTF-16 pair and no "
        "character (text cut in the middle of an emoji?); remove or complete it",
        path=source,
        row=line,
    )


def _lone_surrogate(value: object) -> str | None:
    """The first lone surrogate in a parsed JSON value (keys and strings, at any depth), or None.

    Examples
    --------
    >>> pair, lone = json.loads(r'["\\ud83d\\ude00"]'), json.loads(r'{"a": {"b": "x\\udc00"}}')
    >>> _lone_surrogate(pair), hex(ord(_lone_surrogate(lone)))
    (None, '0xdc00')
    """
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.object[exc.start]
    return None


def json_object_pieces(
    pieces: Iterable[str], *, source: str, refuse: Callable[[object], str]
) -> Iterator[tuple[np.ndarray, list[dict]]]:
    """Parse JSON Lines one piece of a file at a time, every line an object.

    ``pieces`` are consecutive runs of whole lines of one file (as
    :func:`helpers.ingest._stream.text_pieces` yields them), so that only one piece's values are
    held at a time. Positions count from the start of the file, and the errors are those of
    :func:`json_lines` on the whole text followed by a check that every value is an object: a line
    that is not valid JSON, anywhere in the file, is reported before an earlier line holding some
    other value. So once such a line is found nothing more is yielded, but the rest is still parsed.

    Parameters
    ----------
    pieces : iterable of str
        The text, whole lines at a time, each piece but the last ending with ``"\\n"``.
    source : str
        The file name used in errors.
    refuse : callable
        Given the first value that is not an object, the reason to give (naming its line).

    Yields
    ------
    positions : numpy.ndarray
        0-based positions in the file of the piece's non-blank lines.
    objects : list of dict
        The object on each of those lines.

    Examples
    --------
    >>> pieces = ['{"id": 1}\\n\\n', '{"id": 2}\\n']
    >>> [(p.tolist(), v) for p, v in json_object_pieces(pieces, source="c.jsonl", refuse=repr)]
    [([0], [{'id': 1}]), ([2], [{'id': 2}])]
    >>> list(json_object_pieces(['[1]\\n', '{"id": 2}\\n'], source="c.jsonl", refuse=repr))
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: c.jsonl: row 1: [1]
    >>> list(json_object_pieces(['[1]\\n', '{"id": \\n'], source="c.jsonl", refuse=repr))
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: c.jsonl: row 2: not a valid JSON line: Expecting value at column 8
    """
    lines = 0  # lines of the file before this piece
    refused: InputError | None = None
    for piece in pieces:
        positions, values = json_lines(piece, source=source, line_offset=lines)
        lines += piece.count("\n")
        if refused is not None:
            continue  # only looking for a line that is not JSON, which is reported first
        bad = next((i for i, value in enumerate(values) if not isinstance(value, dict)), None)
        if bad is None:
            yield positions, values  # type: ignore[misc]
            del values  # held by the caller alone while the next piece is parsed
        else:
            refused = InputError(refuse(values[bad]), path=source, row=int(positions[bad]) + 1)
    if refused is not None:
        raise refused


def _json_error(line: str, number: int, source: str) -> InputError:
    try:
        json.loads(line)
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} at column {exc.colno}"
    except RecursionError:
        reason = "nested too deeply"
    except ValueError as exc:
        reason = str(exc)
    else:  # pragma: no cover - only called for a line that failed
        reason = "unreadable"
    return InputError(f"not a valid JSON line: {reason}", path=source, row=number)
