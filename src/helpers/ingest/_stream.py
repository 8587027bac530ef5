"""Reading large text files a block at a time, with exactly the answers and errors of a whole-file read.

:func:`read_streamed` decodes a file block by block (UTF-8, else Windows-1252, or the encoding the
caller names, as :func:`helpers.ingest._text.decode_text` does for a whole file) and hands the text,
with LF line breaks and cut at line ends, to a consumer. Peak memory is one block plus whatever the
consumer keeps, not the raw file plus its decoded copy.

Errors are those of a whole-file read, in the same order of precedence: a problem with the bytes
(a NUL byte, text that cannot be decoded, an empty file) is reported before any problem the consumer
finds in the text, wherever in the file each is. When the consumer raises :class:`InputError`, the
rest of the file is still decoded to make sure no such problem lies further on.

Files starting with a UTF-16 byte-order mark, and decoding errors in an encoding the caller named,
are handled by reading the whole file as before (rare cases, and the error needs the whole file).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from ..errors import InputError
from ._text import (
    _UTF16_BOMS,
    _binary_error,
    decode_text,
    json_object_pieces,
    open_input,
    read_bytes,
    undecodable,
)

__all__ = ["BLOCK_BYTES", "read_streamed", "text_pieces", "read_json_columns"]

#: Bytes read and decoded at a time.
BLOCK_BYTES = 16 * 1024 * 1024

R = TypeVar("R")


class _Recode(Exception):
    """The file is not valid UTF-8: start again, reading it as Windows-1252."""

    def __init__(self, byte: int, line: int) -> None:
        super().__init__(byte, line)
        self.byte, self.line = byte, line


def _read(fh, size: int, source: str) -> bytes:
    try:
        return fh.read(size)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=source) from None


def _whole_file(path: Path, source: str, encoding: str | None) -> str:
    """The whole-file read of :func:`decode_text`, for the rare cases it is kept for."""
    return decode_text(read_bytes(path, source=source), encoding=encoding, source=source)


def _whole_file_error(path: Path, source: str, encoding: str | None) -> None:
    """Raise what a whole-file read raises for a file that a block-wise read found undecodable."""
    _whole_file(path, source, encoding)
    raise AssertionError(f"{source}: a block could not be decoded but the whole file could")


def _decoded_blocks(
    path: Path, *, source: str, encoding: str | None, cp1252: _Recode | None, block_bytes: int
) -> Iterator[str]:
    """Decoded text of each block, line breaks as in the file, the BOM still there.

    ``cp1252`` is set when an earlier pass found the file is not UTF-8 (it carries the first invalid
    byte and its line, for the error if Windows-1252 fails too).
    """
    with open_input(path, source=source) as fh:
        block = _read(fh, block_bytes, source)
        if not block:
            raise InputError("the file is empty", path=source)
        if encoding is None and block.startswith(_UTF16_BOMS):
            yield _whole_file(path, source, None)
            return
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                _whole_file_error(path, source, encoding)  # the empty file, or the unknown encoding
        all_space = True
        newlines = 0  # b"\n" before this block
        carry = b""  # the start of a UTF-8 sequence cut by the end of the previous block
        decoder = codecs.getincrementaldecoder(encoding)() if encoding is not None else None
        nul_line = None  # a named encoding: a NUL is reported only once the whole file has decoded
        text_newlines = 0
        while True:
            last = len(block) < block_bytes
            if not last:
                more = _read(fh, 1, source)  # know whether this is the last block
                if more:
                    block += more
                else:
                    last = True
            all_space = all_space and block.isspace()
            if decoder is not None:
                try:
                    text = decoder.decode(block, final=last)
                except UnicodeDecodeError:
                    _whole_file_error(path, source, encoding)  # the error, naming the line
                if nul_line is None:
                    nul = text.find("\x00")
                    if nul >= 0:
                        nul_line = text_newlines + text.count("\n", 0, nul) + 1
                    else:
                        text_newlines += text.count("\n")
                if nul_line is None:
                    yield text
            else:
                nul = block.find(b"\x00")
                if nul >= 0:
                    raise _binary_error(source, newlines + block.count(b"\n", 0, nul) + 1)
                if cp1252 is not None:
                    try:
                        text = block.decode("cp1252")
                    except UnicodeDecodeError as exc:
                        _raise_if_nul(fh, source, newlines + block.count(b"\n"), block_bytes)
                        raise undecodable(source, cp1252.byte, cp1252.line, block[exc.start],
                                          newlines + block.count(b"\n", 0, exc.start) + 1) from None
                else:
                    data = carry + block
                    try:
                        text, carry = data.decode("utf-8"), b""
                    except UnicodeDecodeError as exc:
                        if not last and exc.end == len(data) and exc.reason == "unexpected end of data":
                            text, carry = data[: exc.start].decode("utf-8"), data[exc.start :]
                        else:  # the carried bytes hold no line break: count from this block's start
                            raise _Recode(data[exc.start], newlines + data.count(b"\n", 0, exc.start) + 1) from None
                yield text
            newlines += block.count(b"\n")
            if last:
                break
            block = _read(fh, block_bytes, source)
            if not block:
                break
        if all_space:
            raise InputError("the file is empty", path=source)
        if nul_line is not None:
            raise _binary_error(source, nul_line)


def _raise_if_nul(fh, source: str, newlines: int, block_bytes: int) -> None:
    """A NUL byte anywhere in the rest of the file makes it binary (reported before decoding errors)."""
    while block := _read(fh, block_bytes, source):
        nul = block.find(b"\x00")
        if nul >= 0:
            raise _binary_error(source, newlines + block.count(b"\n", 0, nul) + 1)
        newlines += block.count(b"\n")


def text_pieces(
    path: Path, *, source: str, encoding: str | None = None, block_bytes: int | None = None,
    _cp1252: _Recode | None = None,
) -> Iterator[str]:
    """The decoded text of a file in pieces: LF line breaks, no byte-order mark, each piece whole lines.

    Joined together, the pieces are exactly :func:`helpers.ingest._text.decode_text` of the file
    (which see for the encodings tried), and the same errors are raised -- except that a file that
    turns out not to be UTF-8 raises an internal signal to start again; use :func:`read_streamed`,
    which does that.

    Parameters
    ----------
    path : Path
        The file.
    source : str, keyword-only
        The path to cite in errors.
    encoding : str, optional
        The text encoding; by default UTF-8, else Windows-1252.
    block_bytes : int, optional
        Bytes decoded at a time (default :data:`BLOCK_BYTES`).

    Yields
    ------
    str
        Non-empty pieces; every piece but the last ends with ``"\\n"``.
    """
    size = int(block_bytes or BLOCK_BYTES)
    blocks = _decoded_blocks(path, source=source, encoding=encoding, cp1252=_cp1252, block_bytes=size)
    pending = ""
    first = True
    nonblank = False
    for text in blocks:
        if first:
            text = text.removeprefix("\ufeff")
            first = not text  # a BOM alone: the next block is still the start
        text = pending + text
        if text.endswith("\r"):
            text, pending = text[:-1], "\r"  # perhaps the first half of a CR LF
        else:
            pending = ""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        cut = text.rfind("\n") + 1
        if cut < len(text):
            pending = text[cut:] + pending
            text = text[:cut]
        if text:
            nonblank = nonblank or not text.isspace()
            yield text
    if pending:
        pending = pending.replace("\r\n", "\n").replace("\r", "\n")
        nonblank = nonblank or not pending.isspace()
        yield pending
    if not nonblank:
        raise InputError("the file is empty", path=source)


def read_streamed(
    path: Path,
    consume: Callable[[Iterator[str]], R],
    *,
    source: str,
    encoding: str | None = None,
    block_bytes: int | None = None,
) -> R:
    """Run ``consume`` over the :func:`text_pieces` of a file, with whole-file error precedence.

    A file that is not valid UTF-8 (and no encoding named) is read again from the start as
    Windows-1252, with a fresh call of ``consume``. When ``consume`` raises :class:`InputError`, the
    rest of the file is decoded first: a problem with the bytes is the one reported, as a whole-file
    read would.

    Parameters
    ----------
    path : Path
        The file.
    consume : callable
        Called with an iterator of text pieces; its return value is returned.
    source : str, keyword-only
        The path to cite in errors.
    encoding : str, optional
        The text encoding; by default UTF-8, else Windows-1252.
    block_bytes : int, optional
        Bytes decoded at a time (default :data:`BLOCK_BYTES`).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = p.write_bytes("\\ufeffone\\r\\ntwo caf\\u00e9\\r\\n".encode("utf-8"))
    >>> read_streamed(p, lambda pieces: list(pieces), source="t.txt", block_bytes=4)
    ['one\\n', 'two café\\n']
    >>> _ = p.write_bytes("caf\\u00e9\\n".encode("cp1252"))
    >>> read_streamed(p, lambda pieces: "".join(pieces), source="t.txt", block_bytes=2)
    'café\\n'
    """
    recode = None
    while True:
        pieces = text_pieces(path, source=source, encoding=encoding, block_bytes=block_bytes, _cp1252=recode)
        try:
            return consume(pieces)
        except _Recode as signal:
            recode = signal
        except InputError:
            try:
                for _ in pieces:  # a problem with the bytes further on is reported first
                    pass
            except _Recode as signal:
                recode = signal  # not UTF-8 after all: the consumer's error may not stand
                continue
            raise


def read_json_columns(
    path: Path,
    reduce: Callable[[list[dict]], dict[str, pd.Series]],
    *,
    source: str,
    encoding: str | None = None,
    refuse: Callable[[object], str],
) -> tuple[np.ndarray, pd.DataFrame]:
    """Read a JSON Lines file a block at a time, each block's objects reduced at once to columns.

    ``reduce`` turns one block's objects into columns (a name -> Series of the block's length); the
    blocks' columns are put end to end, names in order of first appearance, NA where a block lacks
    one. Neither the file's text nor all its parsed objects are ever held at once. Errors are those
    of :func:`helpers.ingest._text.json_object_pieces` (``refuse`` words the one for a line that is
    not an object) and of :func:`read_streamed`.

    Returns
    -------
    rows : ndarray of int64
        The line of each object.
    columns : DataFrame
        One row per object.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "c.jsonl"
    >>> _ = p.write_text('{"b": 1}\\n\\n{"a": "x"}\\n')
    >>> def reduce(objs):
    ...     return {k: pd.Series([o.get(k) for o in objs], dtype="string") for k in sorted({k for o in objs for k in o})}
    >>> rows, columns = read_json_columns(p, reduce, source="c.jsonl", refuse=repr)
    >>> rows.tolist(), columns.columns.tolist(), columns.astype(object).values.tolist()
    ([1, 3], ['a', 'b'], [[<NA>, '1'], ['x', <NA>]])
    """
    def consume(pieces: Iterator[str]) -> tuple[list[np.ndarray], list[dict[str, pd.Series]]]:
        lines, parts = [], []
        for positions, objects in json_object_pieces(pieces, source=source, refuse=refuse):
            if objects:
                lines.append(positions + 1)
                parts.append(reduce(objects))
            del objects  # not held while the next piece is parsed
        return lines, parts

    lines, parts = read_streamed(path, consume, source=source, encoding=encoding)
    sizes = [len(piece) for piece in lines]
    names = dict.fromkeys(name for part in parts for name in part)
    columns = {
        name: pd.concat([part[name] if name in part else pd.Series(pd.NA, index=range(size), dtype="string")
                         for part, size in zip(parts, sizes, strict=True)], ignore_index=True)
        for name in names
    }
    rows = np.concatenate(lines).astype("int64") if lines else np.zeros(0, dtype="int64")
    return rows, pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
