"""Where things live. Every path the project uses comes from here; nothing else hard-codes one.

The project root is the folder holding ``pyproject.toml`` (found upwards from the working directory,
then from this package's own location). Relative paths in run configurations and notebook parameters
are resolved against it, so a notebook gives the same answer whether it runs from ``notebooks/`` in
JupyterLab, under papermill, or under nbval.

Set ``LP_REPORTS_DIR`` to send run folders somewhere other than ``reports/`` (the test suite does, so
that ``make test`` never touches your reports).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

__all__ = [
    "project_root",
    "resolve",
    "relative_to_root",
    "reports_dir",
    "run_dir",
    "notebooks_dir",
    "params_dir",
    "shared_corpora_dir",
]

_MARKER = "pyproject.toml"


def _find_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / _MARKER).is_file() and (folder / "src" / "helpers").is_dir():
            return folder
    return None


def project_root() -> Path:
    """The project's root folder."""
    root = _find_root(Path.cwd().resolve()) or _find_root(Path(__file__).resolve().parent)
    if root is None:  # installed without the source tree: work from the current directory
        return Path.cwd().resolve()
    return root


def resolve(path: str | os.PathLike) -> Path:
    """An absolute path: ``path`` itself if absolute, else relative to the project root.

    Examples
    --------
    >>> resolve("params/obama-toolkit.yaml") == project_root() / "params" / "obama-toolkit.yaml"
    True
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else project_root() / p


def relative_to_root(path: str | os.PathLike) -> str:
    """``path`` relative to the project root when it lies inside it (for portable provenance), else as is."""
    p = Path(path).resolve()
    try:
        return p.relative_to(project_root()).as_posix()
    except ValueError:
        return p.as_posix()


def reports_dir() -> Path:
    """The folder that holds one run folder per corpus (``reports/`` unless ``LP_REPORTS_DIR`` is set)."""
    override = os.environ.get("LP_REPORTS_DIR")
    return Path(override).resolve() if override else project_root() / "reports"


def run_dir(corpus: str, run_dir: str | os.PathLike = "") -> Path:
    """The run folder for ``corpus``: ``run_dir`` if given, else ``reports/<corpus>``. Created if missing."""
    folder = resolve(run_dir) if str(run_dir) else reports_dir() / corpus
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        in_the_way = isinstance(exc, FileExistsError | NotADirectoryError)
        why = "a file is in the way (of the folder or one of its parents)" if in_the_way else exc.strerror or exc
        raise InputError(f"cannot create the run folder: {why}", path=folder) from None
    return folder


def notebooks_dir() -> Path:
    """The pipeline notebooks."""
    return project_root() / "notebooks"


def params_dir() -> Path:
    """The run configurations, one YAML file per corpus."""
    return project_root() / "params"


def shared_corpora_dir() -> Path:
    """``../shared/corpora`` beside the project (third-party data for tests and benchmarks)."""
    return (project_root() / ".." / "shared" / "corpora").resolve()
