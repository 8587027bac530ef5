"""Reading and writing tables in a run folder: Parquet or CSV chosen by suffix, written atomically.

A failed write never leaves a half-written file behind: the table goes to a temporary file beside
the target, which is renamed over it only when complete. Parquet output is deterministic for the same
table and library versions, so two runs give byte-identical files.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .errors import InputError

__all__ = ["write_table", "read_table", "write_json", "read_json", "atomic_write", "cannot_write", "not_utf8"]

_SUFFIXES = (".parquet", ".csv")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file to ``path``; remove it on failure.

    The folder is created if missing. When the system refuses (a folder that cannot be created, no
    permission, disk full), :class:`InputError` names ``path`` and says why, in one line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> blocker = pathlib.Path(tempfile.mkdtemp()) / "a-file"
    >>> _ = blocker.write_text("")
    >>> atomic_write(blocker / "out.csv", lambda tmp: tmp.write_text("x"))
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: .../a-file/out.csv: cannot create the output folder: .../a-file is a file, not a folder
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:  # a file where the folder or an ancestor should be
        blocker = next((p for p in (target.parent, *target.parent.parents) if p.exists() and not p.is_dir()), None)
        if blocker is None:  # pragma: no cover - removed meanwhile
            raise cannot_write(target, exc, f"cannot create the output folder {target.parent}") from None
        raise InputError(f"cannot create the output folder: {blocker} is a file, not a folder",
                         path=target) from None
    except OSError as exc:
        raise cannot_write(target, exc, f"cannot create the output folder {target.parent}") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise cannot_write(target, exc, f"cannot write in the folder {target.parent}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp creates 0600; outputs are for sharing
        os.replace(tmp_path, target)
    except BaseException as exc:
        tmp_path.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # disk full, target is a folder...: one line, no traceback
            raise cannot_write(target, exc, "cannot write the output") from None
        raise
    return target


def cannot_write(target: Path, exc: OSError, what: str) -> InputError:
    """The one-line error for an output the system refused to write (``exc``), naming ``target``."""
    return InputError(f"{what}: {exc.strerror or exc}", path=target)


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(f"unsupported table type {suffix or '(none)'!r}; use .parquet or .csv", path=path)
    return suffix


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` to ``path`` (``.parquet`` or ``.csv``) atomically, without the index.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_table(pd.DataFrame({"a": [1]}), p)
    >>> p.read_text()
    'a\\n1\\n'
    """
    target = Path(path)
    suffix = _suffix(target)
    if suffix == ".parquet":
        return atomic_write(target, lambda tmp: df.to_parquet(tmp, index=False, engine="pyarrow"))
    return atomic_write(target, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"))


def beside(path: str | os.PathLike, name: str) -> Path:
    """The companion file written next to a table: ``out.csv`` -> ``out.<name>.csv``.

    Examples
    --------
    >>> beside("results/comments.parquet", "exclusions").as_posix()
    'results/comments.exclusions.parquet'
    """
    target = Path(path)
    return target.with_name(f"{target.stem}.{name}{target.suffix}")


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a table written by :func:`write_table`.

    A file that cannot be read as a table of its type (an empty or truncated file, text that is not
    UTF-8, a CSV row with too many fields) raises :class:`InputError` naming the file, and the line
    where the CSV reader can tell it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes(b"id,text\\n1,caf\\xc3\\xa9\\n2,caf\\xe9\\n")
    >>> read_table(p)
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: ...t.csv: row 3: the table is not UTF-8 text (byte 0xe9 cannot be decoded)...
    """
    source = Path(path)
    suffix = _suffix(source)
    if not source.is_file():
        raise InputError("no such file", path=source)
    try:
        if suffix == ".parquet":
            return pd.read_parquet(source, engine="pyarrow")
        return pd.read_csv(source, dtype="string", keep_default_na=False, na_values=[""])
    except UnicodeDecodeError:
        raise not_utf8(source) from None
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty: no header and no rows", path=source) from None
    except pd.errors.ParserError as exc:
        line = re.search(r"\bline (\d+)", str(exc))
        raise InputError(f"cannot read the file as a CSV table: {_first_line(exc)}", path=source,
                         row=int(line.group(1)) if line else None) from None
    except PermissionError:
        raise InputError("permission denied: cannot read the file", path=source) from None
    except (pa.ArrowException, OSError, ValueError) as exc:
        what = "a Parquet" if suffix == ".parquet" else "a CSV"
        raise InputError(f"cannot read the file as {what} table (truncated or not {what} file?): "
                         f"{_first_line(exc)}", path=source) from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def not_utf8(source: Path, *, what: str = "the table", error: type[InputError] = InputError) -> InputError:
    """The error for a file that is not UTF-8 text, naming the line of its first undecodable byte.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "codes.yaml"
    >>> _ = p.write_bytes(b"codes:\\n  - {id: A, name: Caf\\xe9}\\n")
    >>> err = not_utf8(p, what="the codeframe")
    >>> err.row, err.reason
    (2, 'the codeframe is not UTF-8 text (byte 0xe9 cannot be decoded); save it as UTF-8')
    """
    try:
        data = source.read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return error(f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded); save it as UTF-8",
                     path=source, row=data.count(b"\n", 0, exc.start) + 1)
    except OSError:  # pragma: no cover - gone meanwhile
        pass
    return error(f"{what} is not UTF-8 text; save it as UTF-8", path=source)  # pragma: no cover


def _json_safe(obj: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) by None, recursively."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    return obj


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as pretty, key-sorted UTF-8 JSON (stable bytes for the same content).

    NaN and infinite floats are written as ``null``, so the file is valid JSON for any reader.
    """
    text = json.dumps(_json_safe(obj), indent=2, sort_keys=True, ensure_ascii=False, default=str,
                      allow_nan=False) + "\n"
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file written by :func:`write_json`."""
    source = Path(path)
    if not source.is_file():
        raise InputError("no such file", path=source)
    return json.loads(source.read_text(encoding="utf-8"))
