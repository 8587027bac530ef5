"""Reading and writing tables in a run folder: Parquet or CSV chosen by suffix, written atomically.

A failed write never leaves a half-written file behind: the table goes to a temporary file beside
the target, which is renamed over it only when complete. Parquet output is deterministic for the same
table and library versions, so two runs give byte-identical files.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError

__all__ = ["write_table", "read_table", "write_json", "read_json", "atomic_write"]

_SUFFIXES = (".parquet", ".csv")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file to ``path``; remove it on failure."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp creates 0600; outputs are for sharing
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return target


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
    """Read a table written by :func:`write_table`."""
    source = Path(path)
    suffix = _suffix(source)
    if not source.is_file():
        raise InputError("no such file", path=source)
    if suffix == ".parquet":
        return pd.read_parquet(source, engine="pyarrow")
    return pd.read_csv(source, dtype="string", keep_default_na=False, na_values=[""])


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
