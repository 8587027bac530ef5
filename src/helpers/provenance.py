"""Provenance of a run: code version, input checksums, parameters and package versions.

:func:`collect` gathers them into one JSON-serialisable dict with a stable order and no timestamps, so
two runs of the same code on the same inputs give the same record (and the same briefing). The one
thing that does change, the time of generation, comes separately from :func:`generated_at` and is shown
on one clearly labelled line.

Examples
--------
>>> prov = collect(inputs=[], parameters={"min_theme_size": 5})
>>> sorted(prov)
['git', 'inputs', 'packages', 'parameters', 'platform', 'python']
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import paths as _paths
from .errors import InputError
from .report import esc, section, summary_list, table_html

__all__ = [
    "KEY_PACKAGES",
    "git_commit",
    "git_dirty",
    "sha256_file",
    "input_checksums",
    "package_versions",
    "collect",
    "generated_at",
    "provenance_html",
]

#: The distributions whose versions are recorded by default (``python`` is the interpreter).
KEY_PACKAGES = (
    "python",
    "listening-post",
    "pandas",
    "numpy",
    "scipy",
    "scikit-learn",
    "nltk",
    "vaderSentiment",
    "matplotlib",
    "pyarrow",
    "papermill",
    "nbconvert",
    "itables",
)
_BLOCK = 1 << 20  # 1 MiB
_GIT_TIMEOUT_S = 20


def _git(args: list[str], root: str | os.PathLike | None) -> str | None:
    """stdout of ``git -C root ARGS``, or None when git is missing, fails, or ``root`` is not a checkout."""
    folder = Path(root) if root is not None else _paths.project_root()
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_commit(root: str | os.PathLike | None = None) -> str | None:
    """The commit checked out at ``root`` (default: the project root), or None if there is none.

    None (not an error) when ``root`` is not in a git checkout, the repository has no commits yet,
    or git is not installed.
    """
    out = _git(["rev-parse", "--verify", "HEAD"], root)
    return out.strip() or None if out is not None else None


#: Folders where a user puts their own inputs, as the README says to: a new file there (a corpus, a
#: run configuration) is not a change to the code. Inputs are recorded by checksum, parameters in full.
_USER_INPUT_FOLDERS = ("data/", "params/")


def git_dirty(root: str | os.PathLike | None = None) -> bool | None:
    """True when the checkout at ``root`` has uncommitted changes: a tracked file changed, or an
    untracked file outside ``data/`` and ``params/`` (a user's own corpus and run configuration,
    put there as the README says, do not make every briefing say "with uncommitted changes").

    None when it is not a git checkout or git is missing.
    """
    out = _git(["status", "--porcelain", "--untracked-files=all"], root)
    if out is None:
        return None
    changes = [line for line in out.splitlines() if line.strip()]
    return any(not (line.startswith("?? ") and line[3:].strip('"').startswith(_USER_INPUT_FOLDERS))
               for line in changes)


def sha256_file(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes as 64 hex digits, read in 1 MiB blocks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "abc.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    source = Path(path)
    if not source.is_file():
        raise InputError("no such file", path=source)
    digest = hashlib.sha256()
    with source.open("rb") as f:
        while block := f.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _is_hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _expand(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file() and not _is_hidden(p, path)]
        return sorted(files, key=lambda p: p.relative_to(path).as_posix())
    raise InputError("no such file or folder", path=path)


def input_checksums(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[dict[str, Any]]:
    """``{"path", "sha256", "bytes"}`` for each input file; a folder stands for the files under it.

    Folders are walked recursively in sorted order, skipping hidden files and folders (``.DS_Store``,
    ``.ipynb_checkpoints``); a file listed twice is recorded once. Paths are shown relative to the
    project root when inside it (:func:`helpers.paths.relative_to_root`), so the record is portable.
    Relative paths are resolved against the project root.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    records: list[dict[str, Any]] = []
    seen: set[Path] = set()
    for given in paths:
        for file in _expand(_paths.resolve(given)):
            real = file.resolve()
            if real in seen:
                continue
            seen.add(real)
            records.append(
                {
                    "path": _paths.relative_to_root(file),
                    "sha256": sha256_file(file),
                    "bytes": file.stat().st_size,
                }
            )
    return records


def package_versions(names: Iterable[str] | None = None) -> dict[str, str]:
    """Installed versions of ``names`` (default :data:`KEY_PACKAGES`), in the order given.

    ``"python"`` is the interpreter's version; a package that is not installed is ``"not installed"``.

    Examples
    --------
    >>> package_versions(["python", "no-such-package-xyz"])["no-such-package-xyz"]
    'not installed'
    """
    versions: dict[str, str] = {}
    for name in KEY_PACKAGES if names is None else names:
        if name.lower() == "python":
            versions[name] = platform.python_version()
            continue
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _jsonable(value: Any) -> Any:
    """A JSON-ready copy of ``value``: dicts get sorted string keys, paths become portable strings."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, set | frozenset):
        return [_jsonable(v) for v in sorted(value, key=repr)]
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, os.PathLike):
        p = Path(value)
        return _paths.relative_to_root(p) if p.is_absolute() else p.as_posix()
    if isinstance(value, np.generic):  # numpy scalars, including float64 (a float subclass)
        return _jsonable(value.item())
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    return str(value)


def collect(*, inputs: Any, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The provenance record of a run, JSON-serialisable, with keys in a fixed order and no timestamps.

    Parameters
    ----------
    inputs : path or list of paths
        Input files or folders (see :func:`input_checksums`).
    parameters : dict
        The run's parameters (the notebook's ``parameters`` cell / the run configuration).

    Returns
    -------
    dict
        ``git`` (``commit``, ``dirty``), ``inputs``, ``parameters``, ``packages``, ``python``, ``platform``.
    """
    record = {
        "git": {"commit": git_commit(), "dirty": git_dirty()},
        "inputs": input_checksums(inputs),
        "parameters": _jsonable(dict(parameters)),
        "packages": package_versions(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    json.dumps(record)  # fail here, not when the record is written, if something is not serialisable
    return record


def generated_at(now: _dt.datetime | None = None) -> str:
    """The generation time as ISO 8601 UTC to the second (``2024-05-01T09:30:00Z``).

    Honours ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) so a rebuild can be
    byte-identical.

    Examples
    --------
    >>> generated_at(_dt.datetime(2024, 5, 1, 9, 30, 0, 123, tzinfo=_dt.timezone.utc))
    '2024-05-01T09:30:00Z'
    """
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            now = _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC)
        else:
            now = _dt.datetime.now(tz=_dt.UTC)
    elif now.tzinfo is None:
        raise ValueError("generated_at: give a timezone-aware datetime")
    return now.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _param_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


#: Input files listed one by one in the briefing; more are summed up by one checksum of them all.
MAX_INPUTS_SHOWN = 10


def provenance_html(
    prov: Mapping[str, Any],
    *,
    generated: str | None = None,
    title: str = "Provenance",
    level: int = 2,
    id: str | None = "provenance",
    after: str = "",
) -> str:
    """The provenance record as a briefing section: code version, inputs with SHA-256, parameters,
    package versions. Everything is escaped but ``after``, HTML put at the end of the section.

    Parameters
    ----------
    prov : dict
        From :func:`collect` (or read back from its JSON).
    generated : str, optional
        A timestamp from :func:`generated_at`, shown on one line labelled as the generation time (the
        only part of the briefing that changes between identical runs).
    title, level, id
        The section's heading, heading level and id.
    """
    git = prov.get("git") or {}
    commit = git.get("commit")
    dirty = git.get("dirty")
    if commit is None:
        code = "not recorded (not a git checkout)"
    elif dirty:
        code = f"{commit} with uncommitted changes"
    else:
        code = str(commit)
    summary = [("Code version (git commit)", code)]
    summary += [("Python", prov.get("python", "")), ("Platform", prov.get("platform", ""))]
    parts = [summary_list(summary)]
    if generated is not None:
        parts.append(f'<p class="lp-generated"><strong>Generated at (UTC):</strong> {esc(generated)}</p>')

    inputs = pd.DataFrame(list(prov.get("inputs") or []), columns=["path", "bytes", "sha256"])
    inputs.columns = ["File", "Size (bytes)", "SHA-256"]
    inputs["Size (bytes)"] = inputs["Size (bytes)"].astype("Int64")
    if len(inputs) > MAX_INPUTS_SHOWN:  # a folder of one file per comment (regulations.gov: 647)
        combined = hashlib.sha256("".join(f"{p}\t{h}\n" for p, h in sorted(
            zip(inputs["File"].astype(str), inputs["SHA-256"].astype(str), strict=True))).encode()).hexdigest()
        parts.append(f"<p>{len(inputs):,} input files; the SHA-256 of their paths and checksums (one "
                     f"<code>path TAB sha256</code> line each, in path order) is <code>{esc(combined)}</code>.</p>")
    parts.append(
        table_html(inputs, caption="Input files and their SHA-256 checksums", code=["File", "SHA-256"],
                   max_rows=MAX_INPUTS_SHOWN)
    )

    params = prov.get("parameters") or {}
    ptable = pd.DataFrame(
        {"Parameter": list(params), "Value": [_param_text(v) for v in params.values()]}, dtype="string"
    )
    parts.append(table_html(ptable, caption="Parameters of this run", code=["Parameter"]))

    packages = prov.get("packages") or {}
    vtable = pd.DataFrame({"Package": list(packages), "Version": list(packages.values())}, dtype="string")
    parts.append(table_html(vtable, caption="Software versions", numeric=[]))
    return section(title, "".join(parts) + after, level=level, id=id)
