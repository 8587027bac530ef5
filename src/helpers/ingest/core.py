"""The ingest entry points: :func:`read` a file into an :class:`IngestResult`, :func:`write_result` it out."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..clean import audit_notes, clean_comments
from ..errors import ConfigError, InputError
from ..paths import resolve
from ..schema import (
    empty_exclusions,
    validate_comments,
    validate_exclusions,
    validate_respondents,
    validate_votes,
)
from ..tables import beside, write_table
from ._mapping import check_timezone
from .registry import ReadOptions, detect_format, get_reader

__all__ = ["IngestResult", "read", "write_result"]


@dataclass
class IngestResult:
    """What :func:`read` returns: the canonical tables read from one file, and where they came from.

    Attributes
    ----------
    comments : DataFrame
        The contributions kept, validated by :func:`helpers.schema.validate_comments`.
    exclusions : DataFrame
        The records read but not kept, with a reason each (empty table if none).
    source : str
        The path as given to :func:`read`.
    format : str
        The registered reader that read it.
    votes, respondents : DataFrame or None
        When the format carries them.
    notes : list of str
        Problems the reader (or the cleaning stage) reported without stopping: a missing optional
        file, dates in the future.
    questions : dict
        Consultations: question id -> ``{"text": ..., "kind": "open" | "closed"}``, in the question
        map's order (the text is the longest header cell of the question's column); else empty.
    title : str
        What the source says it is about (a Polis conversation's topic), or "".
    timezone : str
        The zone whose calendar the run's dates are written in: the one the source's publisher keeps
        (UK petitions: Europe/London; Regulations.gov: America/New_York; Consul: Europe/Madrid) unless
        the caller named another than UTC, else the caller's ``timezone``. Dates are stored in UTC.
    cleaning : dict
        The audit of the cleaning stage (:func:`helpers.clean.clean_comments`): what was repaired,
        excluded and detected, as plain counts. The stage runs after the reader, so its counts are of
        its own work: ``rows_from_reader`` is ``records_read`` less the reader's exclusions, and
        ``blank``, ``non_answer`` and ``duplicate_submission`` count only what the stage excluded
        (all exclusions are counted by reason in :meth:`summary`'s ``excluded_by_reason``). Empty when
        read with ``clean=False``.

    Examples
    --------
    >>> from helpers.paths import resolve
    >>> read(resolve("data/raw/obama-toolkit/page.txt"))
    IngestResult(source='/.../data/raw/obama-toolkit/page.txt', format='blog-page', kept=11, excluded=1)
    """

    comments: pd.DataFrame
    exclusions: pd.DataFrame
    source: str
    format: str
    votes: pd.DataFrame | None = None
    respondents: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    cleaning: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)
    title: str = ""
    timezone: str = "UTC"

    @property
    def records_read(self) -> int:
        """Records read from the file: always ``len(comments) + len(exclusions)``.

        Examples
        --------
        >>> from helpers.paths import resolve
        >>> r = read(resolve("data/raw/obama-toolkit/page.txt"))
        >>> r.records_read == len(r.comments) + len(r.exclusions) == 12
        True
        """
        return len(self.comments) + len(self.exclusions)

    def summary(self) -> dict:
        """Counts for a run's JSON summary: plain ints, keys sorted.

        Examples
        --------
        >>> from helpers.paths import resolve
        >>> s = read(resolve("data/raw/obama-toolkit/page.txt")).summary()
        >>> s["records_read"], s["kept"], s["excluded_by_reason"], s["kept_by_kind"]
        (12, 11, {'boilerplate': 1}, {'comment': 7, 'pingback': 3, 'post': 1})
        >>> s["cleaning"]["language"], s["cleaning"]["language_undetermined"], s["cleaning"]["non_answer"]
        ({'en': 9}, 2, 0)
        """
        by_reason = self.exclusions["reason"].value_counts()
        by_kind = self.comments["kind"].value_counts()
        return {
            "cleaning": _plain(self.cleaning),
            "excluded": int(len(self.exclusions)),
            "excluded_by_reason": {str(k): int(by_reason[k]) for k in sorted(by_reason.index)},
            "format": self.format,
            "kept": int(len(self.comments)),
            "kept_by_kind": {str(k): int(by_kind[k]) for k in sorted(by_kind.index)},
            "notes": list(self.notes),
            "questions": [{"id": str(k), **v} for k, v in self.questions.items()],  # in the question map's order
            "records_read": int(self.records_read),
            "source": self.source,
            "timezone": self.timezone,
            "title": self.title,
        }

    def summary_line(self) -> str:
        """One line for a log or a notebook.

        Examples
        --------
        >>> from helpers.paths import resolve
        >>> read(resolve("data/raw/obama-toolkit/page.txt")).summary_line()
        'page.txt: read 12 records = 11 kept + 1 excluded (boilerplate 1)'
        """
        s = self.summary()
        noun = "record" if s["records_read"] == 1 else "records"
        line = f"{Path(self.source).name}: read {s['records_read']} {noun} = {s['kept']} kept + {s['excluded']} excluded"
        if s["excluded"]:
            line += " (" + ", ".join(f"{r} {n}" for r, n in s["excluded_by_reason"].items()) + ")"
        return line

    def __repr__(self) -> str:
        return (
            f"IngestResult(source={self.source!r}, format={self.format!r}, "
            f"kept={len(self.comments)}, excluded={len(self.exclusions)})"
        )


def _plain(value):
    """A JSON-ready copy: dict keys sorted, NumPy scalars as plain numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _locate(source: str | os.PathLike) -> Path:
    """The file to open: ``source`` as given if it exists, else relative to the project root."""
    path = Path(source).expanduser()
    if path.exists() or path.is_absolute():
        return path
    rooted = resolve(path)
    return rooted if rooted.exists() else path


def read(
    source: str | os.PathLike,
    *,
    format: str | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    columns: Mapping[str, str] | None = None,
    kind: str = "comment",
    timezone: str = "UTC",
    sheet: str | int | None = None,
    encoding: str | None = None,
    question_map: str | os.PathLike | None = None,
    clean: bool = True,
) -> IngestResult:
    """Read one input file into the canonical tables.

    Parameters
    ----------
    source : str or path-like
        The file. A relative path is taken from the working directory, or else from the project root.
    format : str, optional
        A name from :func:`available_formats`; by default detected from the content
        (:func:`detect_format`).
    text_column, id_column : str, optional
        Tables only: the column holding the text (default: the first of text, comment, body,
        response, message, answer) and the unique id (default: comment_id or id, else ``row-<line>``).
    columns : dict, optional
        Tables only: ``{canonical name: source column}`` for author, created_at, parent_id,
        thread_id, kind, title, question_id, respondent_id, respondent_type, organisation,
        consent_to_publish, votes_up, votes_down. Columns named like these are used without being
        mapped; every other column of the source is left behind.
    kind : str
        Tables only: the kind of a row without a parent and without a kind column ("comment";
        "response" for consultation answers). Rows with a parent are "reply".
    timezone : str
        Tables only: IANA zone of date-times written without one (they are stored in UTC).
    sheet : str or int, optional
        XLSX only: the worksheet, by name or 0-based position (default the first).
    encoding : str, optional
        Text formats: the file's encoding (default UTF-8, falling back to Windows-1252).
    question_map : path, optional
        Consultation spreadsheets: the YAML file saying which columns are open questions, closed
        questions and respondent details. Given without ``format``, the source is read as a
        consultation spreadsheet; with another format it is an error (it would be ignored).
    clean : bool
        Pass the comments through the cleaning stage (:func:`helpers.clean.clean_comments`:
        mojibake repaired, language detected, blanks, non-answers and duplicate submissions moved
        to the exclusions, dates in the future noted). ``False`` returns the reader's table as it
        is (validated), for debugging a reader.

    Returns
    -------
    IngestResult

    Raises
    ------
    InputError
        For anything wrong with the file (naming it, and the line where that helps);
        :class:`~helpers.errors.ConfigError` for an unknown format or option value.

    Examples
    --------
    >>> from helpers.paths import resolve
    >>> result = read(resolve("data/raw/obama-toolkit/page.txt"))
    >>> result.format, result.records_read
    ('blog-page', 12)
    >>> result.comments.loc[result.comments["kind"] == "pingback", "comment_id"].tolist()
    ['r4', 'r9', 'r10']
    """
    src = str(source)
    path = _locate(source)
    if not path.exists():
        raise InputError("no such file", path=src)
    if columns is not None and not isinstance(columns, Mapping):
        raise ConfigError(
            f"columns must be a mapping of canonical name to source column, not {type(columns).__name__}",
            path=src,
        )
    texts = {"format": format, "text_column": text_column, "id_column": id_column, "kind": kind, "timezone": timezone,
             "encoding": encoding, **{f"columns[{k!r}]": v for k, v in (columns or {}).items()}}
    for option, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{option} must be text, not {value!r} ({type(value).__name__})", path=src)
    if timezone is not None:
        check_timezone(timezone, source=src)  # whether or not the source has dates
    if question_map and format not in (None, "", "consultation"):
        raise ConfigError(f"a question map is read only by the consultation format, not {format!r}: "
                          "leave the format out (or set format: consultation), or drop the question map",
                          path=src)
    # a question map says the source is a consultation spreadsheet, whatever it would be detected as
    name = format if format else "consultation" if question_map else detect_format(path)
    spec = get_reader(name)
    options = ReadOptions(
        source=src,
        text_column=text_column,
        id_column=id_column,
        columns=dict(columns or {}),
        kind=kind,
        timezone=timezone,
        sheet=sheet,
        encoding=encoding,
        question_map=str(question_map) if question_map else None,
    )
    tables = spec.read(path, options)
    comments = validate_comments(tables.comments, source=src)
    exclusions = tables.exclusions if tables.exclusions is not None else empty_exclusions()
    exclusions = validate_exclusions(exclusions, source=src)
    notes = list(tables.notes)
    cleaning: dict = {}
    if clean:
        # Cleaning keeps every parent_id pointing at a kept row and only adds the language column and
        # is_placeholder flags, so its output needs no second validation; its exclusions follow the reader's.
        comments, dropped, cleaning = clean_comments(comments)
        if len(dropped):
            exclusions = validate_exclusions(pd.concat([exclusions, dropped], ignore_index=True), source=src)
        notes.extend(audit_notes(cleaning))
    votes = validate_votes(tables.votes, source=src) if tables.votes is not None else None
    respondents = (
        validate_respondents(tables.respondents, source=src) if tables.respondents is not None else None
    )
    result = IngestResult(
        comments=comments,
        exclusions=exclusions,
        source=src,
        format=spec.name,
        votes=votes,
        respondents=respondents,
        notes=notes,
        cleaning=cleaning,
        questions=dict(tables.questions),
        title=tables.title,
        timezone=tables.timezone or timezone or "UTC",
    )
    return merge_type_spellings(result) if clean else result


def merge_type_spellings(result: IngestResult) -> IngestResult:
    """Respondent types written with the same words in another order or case merged to one spelling
    (:func:`helpers.clean.merge_spellings`) in the comments and respondents tables alike, with a note
    for each spelling replaced: part of cleaning, on either engine."""
    from ..clean import merge_spellings

    tables = [t for t in (result.comments, result.respondents) if t is not None and "respondent_type" in t.columns]
    if not tables:
        return result
    merged_columns, merged = merge_spellings(*(t["respondent_type"] for t in tables))
    for t, col in zip(tables, merged_columns, strict=True):
        t["respondent_type"] = col.astype(t["respondent_type"].dtype)
    result.notes = [*result.notes, *(f"respondent type {old!r} is written {new!r} elsewhere in the source: "
                                     f"counted as {new!r}" for old, new in merged.items())]
    return result


def write_result(result: IngestResult, out: str | os.PathLike) -> dict[str, Path]:
    """Write an :class:`IngestResult`'s tables beside each other, all or nothing.

    Comments go to ``out`` (``.parquet`` or ``.csv``, by suffix), exclusions to
    ``<stem>.exclusions<suffix>`` beside it (always, even when empty), and votes and respondents to
    ``<stem>.votes<suffix>`` and ``<stem>.respondents<suffix>`` when the result has them. Every table
    is first written completely under a temporary name; only when all are written are they renamed
    into place, so a failure leaves neither a half-written file nor a partial set (and earlier outputs
    at the same place stay as they were). A failure to write (disk full, no permission) is an
    :class:`~helpers.errors.InputError` naming the file.

    Parameters
    ----------
    result : IngestResult
    out : str or path-like
        Where the comments go; its folder is created if missing.

    Returns
    -------
    dict of str to Path
        ``{"comments": ..., "exclusions": ..., ["votes": ..., "respondents": ...]}``.

    Examples
    --------
    >>> import tempfile
    >>> from helpers.paths import resolve
    >>> out = Path(tempfile.mkdtemp()) / "comments.csv"
    >>> paths = write_result(read(resolve("data/raw/obama-toolkit/page.txt")), out)
    >>> sorted(p.name for p in paths.values())
    ['comments.csv', 'comments.exclusions.csv']
    """
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise InputError(f"unsupported table type {suffix or '(none)'!r}; use .parquet or .csv", path=target)
    tables: dict[str, pd.DataFrame] = {"comments": result.comments, "exclusions": result.exclusions}
    if result.votes is not None:
        tables["votes"] = result.votes
    if result.respondents is not None:
        tables["respondents"] = result.respondents
    targets = {
        name: target if name == "comments" else beside(target, name)
        for name in tables
    }
    token = secrets.token_hex(4)
    staged: dict[str, Path] = {}
    current = target
    try:
        for name, df in tables.items():
            current = targets[name]
            tmp = current.with_name(f".{current.stem}.{token}.staged{suffix}")
            staged[name] = tmp
            write_table(df, tmp)
        for name, tmp in staged.items():
            current = targets[name]
            os.replace(tmp, current)
    except BaseException as exc:
        for tmp in staged.values():
            with contextlib.suppress(OSError):  # perhaps never created (no folder to create it in)
                tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # disk full, no permission...: one line for the user, no traceback
            raise InputError(f"cannot write the output: {exc.strerror or exc}", path=current) from exc
        if isinstance(exc, InputError) and exc.path is not None and exc.path in {str(t) for t in staged.values()}:
            raise InputError(exc.reason, path=current) from None  # name the output, not its staging name
        raise
    return targets
