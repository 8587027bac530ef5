"""The project's own exception types.

Errors a user can cause (a bad file, a bad row, a bad parameter) raise :class:`InputError` or one of
its subclasses, carrying the file, the row and the reason. The command line turns them into one line
on stderr and exit code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["ListeningPostError", "InputError", "SchemaError", "ConfigError", "short_notebook_errors"]


class ListeningPostError(Exception):
    """Base class of every error Listening Post raises on purpose."""


class InputError(ListeningPostError):
    """A problem with user-supplied input: names the file, the row (or line) and what is wrong.

    Parameters
    ----------
    reason : str
        What is wrong, in plain words.
    path : str or Path, optional
        The file (or folder) the problem is in.
    row : int, optional
        The 1-based line or record number in ``path``.

    Examples
    --------
    >>> str(InputError("comment_id is empty", path="data/x.csv", row=4))
    'data/x.csv: row 4: comment_id is empty'
    """

    def __init__(self, reason: str, *, path: str | Path | None = None, row: int | None = None):
        self.reason = " ".join(str(reason).split())  # always one line
        self.path = str(path) if path is not None else None
        self.row = int(row) if row is not None else None
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as printed on stderr: ``file: row N: reason``."""
        parts = []
        if self.path:
            parts.append(self.path)
        if self.row is not None:
            parts.append(f"row {self.row}")
        parts.append(self.reason)
        return ": ".join(parts)


class SchemaError(InputError):
    """A table does not satisfy the canonical data model (see :mod:`helpers.schema`)."""


class ConfigError(InputError):
    """A run configuration or parameter is missing or invalid."""


def short_notebook_errors(shell=None) -> bool:
    """In IPython (a notebook in JupyterLab, or one papermill runs), show an :class:`InputError` as its
    one line, not a traceback through the helpers: a researcher who gave a wrong parameter sees what
    is wrong and where, as on the command line. Other exceptions (bugs) keep their traceback. The
    error is still raised, so "Run all" stops there and papermill still fails the notebook. Returns
    whether a shell was found (called on ``import helpers``; without IPython it does nothing).
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # not imported: no shell (and no 60 ms import for the CLI)
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False

    def one_line(shell, etype, value, tb, tb_offset=None):
        shell._showtraceback(etype, value, [f"\x1b[31m{etype.__name__}\x1b[0m: {value}",
                                            "(Fix the file or parameter named here, then run this cell again.)"])

    shell.set_custom_exc((InputError,), one_line)
    return True
