"""One function, :func:`map_table`, turns a raw table (one row per record, the file's own column
names) into the canonical comments and exclusions tables. The CSV, XLSX and JSON Lines readers share
it, so they choose columns, default ids and threads, and parse dates in exactly the same way.

Everything here is vectorised: a million rows take seconds, not minutes.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd

from ..clean import normalise_text
from ..errors import ConfigError, InputError
from ..schema import COMMENT_COLUMNS, EXCLUSION_COLUMNS, KINDS, OPTIONAL_COMMENT_COLUMNS
from .registry import ReadOptions, Tables

#: Texts a platform leaves in place of a removed comment (compared stripped and lower-cased).
DELETED_MARKS = frozenset({"[deleted]", "[removed]"})

__all__ = [
    "TEXT_COLUMN_CANDIDATES",
    "ID_COLUMN_CANDIDATES",
    "MAPPABLE_COLUMNS",
    "map_table",
    "plan_columns",
    "thread_roots",
    "parse_datetimes",
    "check_timezone",
    "parse_count",
    "parse_consent",
]

#: Columns tried, in order and ignoring case, when no ``text_column`` is given.
TEXT_COLUMN_CANDIDATES: tuple[str, ...] = ("text", "comment", "body", "response", "message", "answer")
#: Columns tried, in order and ignoring case, when no ``id_column`` is given.
ID_COLUMN_CANDIDATES: tuple[str, ...] = ("comment_id", "id")
#: Canonical columns that ``columns={canonical: source_column}`` may fill. A source column with the
#: same name (ignoring case) fills it when ``columns`` does not say otherwise. Nothing else in the
#: source is kept, so personal data such as e-mail addresses cannot flow through by accident.
MAPPABLE_COLUMNS: tuple[str, ...] = (
    "author",
    "created_at",
    "parent_id",
    "thread_id",
    "kind",
    "title",
    "question_id",
    "respondent_id",
    "respondent_type",
    "organisation",
    "consent_to_publish",
    "votes_up",
    "votes_down",
)

_RELATIVE = ("now", "today", "tomorrow", "yesterday")

# A time followed by a zone designator: the value already says which instant it is.
# (ASCII classes rather than \d and \s, so that pandas can hand it to Arrow's RE2 engine.)
_AWARE = (
    r"(?i)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?[ \t]*(?:z|utc|gmt|[+-][0-9]{2}(?::?[0-9]{2})?)$"
)


# ---------------------------------------------------------------------------------------------
# values


def _scalar_text(value: object) -> object:
    """One non-string JSON or spreadsheet value as text (None for missing)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 2**63 else repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def as_text(values: pd.Series) -> pd.Series:
    """A column as nullable strings ("string" dtype), whatever types the source gave its values.

    Examples
    --------
    >>> as_text(pd.Series([7, 2.0, 1.5, True, None, {"b": 1}], dtype=object)).tolist()
    ['7', '2', '1.5', 'true', <NA>, '{"b": 1}']
    """
    if isinstance(values.dtype, pd.StringDtype):
        return values.astype("string")
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty", "integer"):
        return values.astype("string")
    return values.map(_scalar_text, na_action="ignore").astype("string")


def _blank(values: pd.Series) -> pd.Series:
    """True where a string value is missing or only white space."""
    return (values.isna() | values.str.strip().eq("")).fillna(True).astype(bool)


def _first(mask: pd.Series | np.ndarray) -> int | None:
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(hits[0]) if len(hits) else None


# ---------------------------------------------------------------------------------------------
# choosing columns


def _find_column(available: list[str], wanted: str, *, what: str, source: str) -> str:
    """The source column called ``wanted`` (exactly, else ignoring case and surrounding spaces)."""
    if wanted in available:
        return wanted
    folded = [c for c in available if c.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    if len(folded) > 1:
        raise InputError(f"{what} {wanted!r} matches several columns: {', '.join(folded)}", path=source)
    raise InputError(
        f"{what} {wanted!r} is not a column of this file; its columns are: {_list(available)}", path=source
    )


def _list(columns: list[str]) -> str:
    return ", ".join(repr(c) for c in columns) if columns else "(none)"


def _default_column(available: list[str], candidates: tuple[str, ...], *, source: str) -> str | None:
    """The first candidate present (ignoring case); an error if it matches several columns."""
    for candidate in candidates:
        hits = [c for c in available if c.strip().casefold() == candidate]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            if candidate in TEXT_COLUMN_CANDIDATES:
                hint = "text_column="
            elif candidate in ID_COLUMN_CANDIDATES:
                hint = "id_column="
            else:
                hint = f"columns={{{candidate!r}: ...}}"
            raise InputError(
                f"several columns could be {candidate!r}: {_list(hits)}; say which with {hint}", path=source
            )
    return None


def plan_columns(available: list[str], options: ReadOptions) -> tuple[str, str | None, dict[str, str]]:
    """Which source column feeds the text, the ids and each canonical column.

    Returns
    -------
    text_column : str
    id_column : str or None
    mapping : dict of str to str
        ``{canonical name: source column}`` for the other columns read.

    Raises
    ------
    InputError, ConfigError
        For a column asked for that the file lacks, an ambiguous default, or an unknown option.

    Examples
    --------
    >>> plan_columns(["ID", "Comment", "When"], ReadOptions("x.csv", columns={"created_at": "When"}))
    ('Comment', 'ID', {'created_at': 'When'})
    """
    source = options.source
    explicit = dict(options.columns or {})
    for key, value in explicit.items():
        if key not in (*MAPPABLE_COLUMNS, "text", "comment_id"):
            raise ConfigError(
                f"columns: {key!r} is not a column of the data model; use one of {', '.join(MAPPABLE_COLUMNS)}",
                path=source,
            )
        if not isinstance(value, str) or not value:
            raise ConfigError(f"columns: {key!r} must name a column of the file, not {value!r}", path=source)
    text_wanted = options.text_column or explicit.pop("text", None)
    id_wanted = options.id_column or explicit.pop("comment_id", None)
    explicit.pop("text", None)
    explicit.pop("comment_id", None)

    if text_wanted is not None:
        text_col = _find_column(available, text_wanted, what="text_column", source=source)
    else:
        found = _default_column(available, TEXT_COLUMN_CANDIDATES, source=source)
        if found is None:
            raise InputError(
                f"no text column: none of {', '.join(TEXT_COLUMN_CANDIDATES)} is present; "
                f"say which with text_column=. Its columns are: {_list(available)}",
                path=source,
            )
        text_col = found
    if id_wanted is not None:
        id_col: str | None = _find_column(available, id_wanted, what="id_column", source=source)
    else:
        id_col = _default_column(available, ID_COLUMN_CANDIDATES, source=source)

    mapping = {
        key: _find_column(available, value, what=f"columns[{key!r}]", source=source)
        for key, value in explicit.items()
    }
    used = {text_col, id_col}
    for key in MAPPABLE_COLUMNS:
        if key not in mapping:
            same = _default_column([c for c in available if c not in used], (key,), source=source)
            if same is not None:
                mapping[key] = same
    return text_col, id_col, mapping


# ---------------------------------------------------------------------------------------------
# threads


def thread_roots(parent_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Root of every row's parent chain, by pointer jumping (no recursion, O(n log depth)).

    Parameters
    ----------
    parent_pos : array of int
        Position of each row's parent, or -1 for a row without one (or whose parent is not in the
        table, or which names itself: the validator reports those).

    Returns
    -------
    roots : array of int
        Position of the root of each row's chain (a row without a parent is its own root).
    looped : array of bool
        True for rows whose chain goes round in a loop and so has no root.

    Examples
    --------
    >>> roots, looped = thread_roots(np.array([-1, 0, 1, -1, 5, 4]))
    >>> roots.tolist(), looped.tolist()
    ([0, 0, 0, 3, 4, 5], [False, False, False, False, True, True])
    """
    n = len(parent_pos)
    own = np.arange(n)
    has_parent = (parent_pos >= 0) & (parent_pos != own)
    ptr = np.where(has_parent, parent_pos, own)
    for _ in range(max(1, math.ceil(math.log2(max(n, 2)))) + 1):
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    # A true root has no parent; a chain in a loop of length 2**k can settle on a row that has one.
    looped = has_parent[ptr] | (ptr[ptr] != ptr)
    return ptr, looped


# ---------------------------------------------------------------------------------------------
# dates


def check_timezone(timezone: str, *, source: str) -> None:
    """Raise :class:`~helpers.errors.ConfigError` unless ``timezone`` is a time zone pandas knows.

    Parameters
    ----------
    timezone : str
        An IANA name such as ``"Europe/London"`` (or ``"UTC"``).
    source : str, keyword-only
        The path to cite in the error.

    Raises
    ------
    ConfigError
        If the zone is unknown.

    Examples
    --------
    >>> check_timezone("Europe/London", source="a.csv")
    >>> check_timezone("Mars/Olympus", source="a.csv")
    Traceback (most recent call last):
    ...
    helpers.errors.ConfigError: ...unknown timezone 'Mars/Olympus'...
    """
    try:
        pd.Timestamp("2000-01-01").tz_localize(timezone)
    except Exception:  # zoneinfo, pytz and dateutil raise different types for an unknown zone
        raise ConfigError(
            f"unknown timezone {timezone!r}; use an IANA name such as 'Europe/London'", path=source
        ) from None


def _candidate_formats(first: str) -> list[str]:
    """Formats the first value could be in: day-first before month-first (UK usage) when they differ."""
    formats = []
    for dayfirst in (True, False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas warns when the guess contradicts dayfirst
            try:
                guessed = pd.tseries.api.guess_datetime_format(first, dayfirst=dayfirst)
            except (ValueError, TypeError):
                guessed = None
        if guessed and guessed not in formats:
            formats.append(guessed)
    return formats


def _parse(values: pd.Series, *, utc: bool) -> pd.Series:
    """Parse as ISO 8601, else in one format that fits the first value; NaT where a value fails.

    When a column fits both a day-first and a month-first format (every day is 12 or less), the
    day-first reading wins.
    """
    best = None
    for fmt in ["ISO8601", *_candidate_formats(str(values.iloc[0]))]:
        try:
            parsed = pd.to_datetime(values, errors="coerce", utc=utc, format=fmt)
        except (ValueError, TypeError, OverflowError):
            continue
        if best is None or parsed.notna().sum() > best.notna().sum():
            best = parsed
        if parsed.notna().all():
            break
    if best is None:
        best = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]" if utc else "datetime64[ns]")
    return best


def parse_datetimes(
    values: pd.Series, rows: np.ndarray, *, timezone: str, column: str, source: str
) -> pd.Series:
    """Date-times as UTC: naive values are taken to be in ``timezone``; values with a zone are converted.

    A value must be ISO 8601 or in the same format as the column's first value (day-first when the
    column reads either way, as in the UK); anything else is an :class:`~helpers.errors.InputError`
    naming its line. A column of Excel serial day numbers only (a workbook's dates stored without a
    date format, such as 45711.97695602) is read as such dates. Blank values are missing (NaT). A local time
    that happens twice (when clocks go back) is taken as standard time; one that never happens (when
    clocks go forward) is moved forward.

    Examples
    --------
    >>> s = pd.Series(["2021-03-04 10:00", "2021-07-01T10:00:00+02:00", ""], dtype="string")
    >>> t = parse_datetimes(s, np.array([2, 3, 4]), timezone="Europe/London", column="when", source="x.csv")
    >>> [str(v) for v in t]
    ['2021-03-04 10:00:00+00:00', '2021-07-01 08:00:00+00:00', 'NaT']
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    text = values.str.strip()
    present = ~_blank(text)
    if not present.any():
        return out
    text = text[present]
    serial = _excel_serial(text)
    if serial is not None:  # a workbook's date cells without a date format: days since 1899-12-30
        local = serial.dt.tz_localize(timezone, ambiguous=np.zeros(len(serial), dtype=bool),
                                      nonexistent="shift_forward")
        out[serial.index] = local.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        return out
    relative = text.str.casefold().isin(_RELATIVE).to_numpy(dtype=bool)
    if relative.any():  # pandas would read these as the current time: not reproducible
        pos = text.index[_first(relative)]
        raise InputError(
            f"{column} value {values[pos]!r} is not a date",
            path=source,
            row=int(rows[values.index.get_loc(pos)]),
        )
    aware = text.str.contains(_AWARE, regex=True).fillna(False).astype(bool)
    parsed_parts = []
    for mask, utc in ((aware, True), (~aware, False)):
        if not mask.any():
            continue
        part = _parse(text[mask], utc=utc)
        bad = part.isna()
        if bad.any():
            pos = text[mask].index[_first(bad)]
            row = rows[values.index.get_loc(pos)]
            raise InputError(
                f"cannot read {column} value {values[pos]!r} as a date and time "
                "(use ISO 8601, e.g. 2021-03-04 10:00, or one format throughout the column)",
                path=source,
                row=int(row),
            )
        if isinstance(part.dtype, pd.DatetimeTZDtype):
            part = part.dt.tz_convert("UTC")
        else:
            part = part.dt.tz_localize(
                timezone, ambiguous=np.zeros(len(part), dtype=bool), nonexistent="shift_forward"
            ).dt.tz_convert("UTC")
        parsed_parts.append(part)
    parsed = pd.concat(parsed_parts).sort_index() if len(parsed_parts) > 1 else parsed_parts[0]
    lo, hi = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    out_of_range = (parsed < lo) | (parsed > hi)
    if out_of_range.any():
        pos = parsed.index[_first(out_of_range)]
        raise InputError(
            f"{column} value {values[pos]!r} is outside the dates this tool handles (1677 to 2262)",
            path=source,
            row=int(rows[values.index.get_loc(pos)]),
        )
    out[parsed.index] = parsed.astype("datetime64[ns, UTC]")
    return out


#: Excel serial day numbers read as dates when a whole date column holds them: 1954-10-03 to 2119-01-09.
_SERIAL_RANGE = (20_000.0, 80_000.0)


def _excel_serial(text: pd.Series) -> pd.Series | None:
    """Naive date-times from Excel serial day numbers ("45711.97695602": 2025-02-23 23:26:49), when every
    value is one in :data:`_SERIAL_RANGE`; else None.

    Examples
    --------
    >>> _excel_serial(pd.Series(["45711.97695602", "45712"])).astype(str).tolist()
    ['2025-02-23 23:26:49', '2025-02-24 00:00:00']
    >>> _excel_serial(pd.Series(["45711", "2025-02-23"])) is None
    True
    """
    if not text.str.fullmatch(r"\d{5}(?:\.\d+)?").fillna(False).all():
        return None
    days = text.astype(float)
    if not days.between(*_SERIAL_RANGE).all():
        return None
    return (pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")).dt.round("s")


# ---------------------------------------------------------------------------------------------
# other typed columns


_YES = r"^(?:yes|y|true|t|1|i agree|i consent|agree|publish)\b"
_NO = r"^(?:no|n|false|f|0|do not|don't|dont|i do not|please do not|not? publish|keep)\b"


def parse_consent(values: pd.Series) -> pd.Series:
    """Consent to publish as True/False; NA where blank or not recognisable.

    Examples
    --------
    >>> parse_consent(pd.Series(["Yes", "no", "Publish response only", "Do not publish", "maybe", ""],
    ...     dtype="string")).tolist()
    [True, False, True, False, <NA>, <NA>]
    """
    folded = values.astype("string").str.strip().str.casefold()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    no = folded.str.contains(_NO, regex=True).fillna(False).astype(bool)
    yes = folded.str.contains(_YES, regex=True).fillna(False).astype(bool) & ~no
    out[yes] = True
    out[no] = False
    return out


def _parse_consent(values: pd.Series, rows: np.ndarray, *, column: str, source: str) -> pd.Series:
    """:func:`parse_consent`, refusing an answer that is neither yes nor no (naming its line)."""
    out = parse_consent(values)
    bad = out.isna() & ~_blank(values)
    if bad.any():
        i = _first(bad)
        raise InputError(
            f"consent_to_publish value {values.iloc[i]!r} in column {column!r} is neither yes nor no "
            "(yes/no, true/false, y/n, 1/0, \"Publish ...\", \"Do not publish ...\")",
            path=source,
            row=int(rows[i]),
        )
    return out


def parse_count(values: pd.Series, rows: np.ndarray, *, key: str, column: str, source: str) -> pd.Series:
    """Whole numbers (vote or signature counts) from strings; blank cells become missing.

    Parameters
    ----------
    values : Series of str
        The cells.
    rows : ndarray of int
        The line (or sheet row) of each cell, for the error.
    key : str, keyword-only
        The canonical column being filled (``votes_up``...), for the error.
    column : str, keyword-only
        The source column, for the error.
    source : str, keyword-only
        The path to cite in the error.

    Returns
    -------
    Series of Int64

    Raises
    ------
    InputError
        Naming the first cell that is not a whole number, and its line.

    Examples
    --------
    >>> parse_count(pd.Series([" 3", "", "4.0"]), np.array([2, 3, 4]), key="votes_up", column="likes",
    ...             source="a.csv").tolist()
    [3, <NA>, 4]
    >>> parse_count(pd.Series(["3", "many"]), np.array([2, 3]), key="votes_up", column="likes", source="a.csv")
    Traceback (most recent call last):
    ...
    helpers.errors.InputError: ...votes_up value 'many' in column 'likes' is not a whole number...
    """
    text = values.str.strip()
    blank = _blank(text)
    numbers = pd.to_numeric(text.where(~blank), errors="coerce").astype("Float64")
    whole = (numbers % 1 == 0) & (numbers.abs() < 2**53)
    bad = ~blank & ~whole.fillna(False).astype(bool)
    if bad.any():
        i = _first(bad)
        raise InputError(
            f"{key} value {values.iloc[i]!r} in column {column!r} is not a whole number",
            path=source,
            row=int(rows[i]),
        )
    return numbers.where(~blank).astype("Float64").round().astype("Int64")


# ---------------------------------------------------------------------------------------------
# the mapping


def map_table(raw: pd.DataFrame, rows: np.ndarray, options: ReadOptions, *,
              row_keys: np.ndarray | None = None) -> Tables:
    """Map a raw table to the canonical comments and exclusions tables.

    Parameters
    ----------
    raw : DataFrame
        One row per record read, columns named as in the file. Values are strings (CSV, XLSX) or
        whatever JSON held; missing values are NA or empty strings.
    rows : array of int
        The 1-based line (or sheet row) where each record starts.
    options : ReadOptions
        ``text_column``, ``id_column``, ``columns``, ``kind`` and ``timezone`` are used.
    row_keys : ndarray, keyword-only, optional
        A key of each record's whole content, when ``raw`` lacks some of its columns (a reader that
        drops the columns it does not map): a repeated id is a record listed twice only when its
        key repeats too.

    Returns
    -------
    Tables
        Comments (rows with text, plus rows without text that other rows reply to) and exclusions
        (rows with blank text, reason ``blank``). Not yet validated.

    Raises
    ------
    InputError
        For a missing column, an empty or duplicated id, a reply loop or an unreadable value, naming
        the line.

    Examples
    --------
    >>> raw = pd.DataFrame({"ID": ["a", "b", "c"], "Comment": ["Yes", "No", " "], "reply_to": ["", "a", ""]})
    >>> t = map_table(raw, np.array([2, 3, 4]), ReadOptions("x.csv", columns={"parent_id": "reply_to"}))
    >>> t.comments[["comment_id", "parent_id", "thread_id", "kind"]].astype(object).values.tolist()
    [['a', <NA>, 'a', 'comment'], ['b', 'a', 'a', 'reply']]
    >>> t.exclusions[["record_id", "reason", "source_row"]].astype(object).values.tolist()
    [['c', 'blank', 4]]
    """
    source = options.source
    if options.kind not in KINDS:
        raise ConfigError(f"kind {options.kind!r} is not one of {', '.join(KINDS)}", path=source)
    rows = np.asarray(rows, dtype="int64")
    raw = raw.reset_index(drop=True)
    available = [str(c) for c in raw.columns]
    raw.columns = available
    text_col, id_col, mapping = plan_columns(available, options)

    text = normalise_text(as_text(raw[text_col]).fillna(""))
    # the platform's mark of a removed text ("[deleted]", "[removed]"): nothing anyone wrote is left, so
    # it is read as no text (kept, blank, only as the anchor of replies; else excluded as deleted)
    deleted_mark = text.str.strip().str.lower().isin(DELETED_MARKS).fillna(False).astype(bool)
    text = text.mask(deleted_mark, "")
    blank_text = _blank(text)

    # ids -------------------------------------------------------------------------------------
    row_ids = "row-" + pd.Series(rows, dtype="int64").astype("string")
    if id_col is not None:
        ids = as_text(raw[id_col]).str.strip()
        blank_id = _blank(ids)
        bad = blank_id & ~blank_text
        if bad.any():
            raise InputError(f"the id (column {id_col!r}) is empty", path=source, row=int(rows[_first(bad)]))
        ids = ids.where(~blank_id, row_ids)
    else:
        ids = row_ids
    dup = ids.duplicated()
    if dup.any():
        # a row repeating an earlier one cell for cell is the export listing a record twice: logged as
        # a duplicate_record; the same id on different contents is an error
        cells = pd.concat([ids.rename("\0id"), raw.astype("string").fillna("")], axis=1)
        if row_keys is not None:
            cells["\0row"] = np.asarray(row_keys)
        repeat = cells.duplicated().to_numpy(dtype=bool)
        conflict = dup.to_numpy(dtype=bool) & ~repeat
        if conflict.any():
            i = _first(conflict)
            first = _first((ids == ids.iloc[i]).to_numpy())
            raise InputError(
                f"id {ids.iloc[i]!r} is used twice, with different contents (first on row {rows[first]})",
                path=source,
                row=int(rows[i]),
            )
        tables = map_table(raw[~repeat], rows[~repeat], options,
                           row_keys=None if row_keys is None else np.asarray(row_keys)[~repeat])
        first_line = dict(zip(ids[~repeat].to_numpy(dtype=object), rows[~repeat], strict=True))
        repeated = pd.DataFrame({
            "source": pd.Series(source, index=range(int(repeat.sum())), dtype="string"),
            "source_row": pd.Series(rows[repeat], dtype="Int64"),
            "record_id": ids[repeat].reset_index(drop=True).astype("string"),
            "reason": pd.Series("duplicate_record", index=range(int(repeat.sum())), dtype="string"),
            "detail": pd.Series([f"the same record as row {first_line[i]}" for i in ids[repeat].to_numpy(dtype=object)],
                                dtype="string"),
        }, columns=list(EXCLUSION_COLUMNS))
        tables.exclusions = pd.concat([tables.exclusions, repeated], ignore_index=True)
        return tables

    # parents and threads ------------------------------------------------------------------------
    if "parent_id" in mapping:
        parent = as_text(raw[mapping["parent_id"]]).str.strip()
        parent = parent.where(~_blank(parent), pd.NA)
    else:
        parent = pd.Series(pd.NA, index=raw.index, dtype="string")
    has_parent = parent.notna().to_numpy(dtype=bool)
    # Position of each row's parent (-1: none, or not in the file). A hash join on object arrays:
    # Series.isin on Arrow strings is a Python loop in pandas 3.
    parent_pos = pd.Index(ids.to_numpy(dtype=object)).get_indexer(
        parent.to_numpy(dtype=object, na_value=None)
    )
    parent_pos = np.where(has_parent, parent_pos, -1)
    # a reply to an item not in the file (removed, or outside the export) keeps no parent, with a note,
    # as the reddit reader does: blog exports often hold replies to deleted comments
    orphan = has_parent & (parent_pos < 0)
    orphan_note = []
    if orphan.any():
        k = int(orphan.sum())
        orphan_note = [f"{k} {'row replies' if k == 1 else 'rows reply'} to an id that is not in the file (first on row "
                       f"{int(rows[_first(orphan)])}, parent {parent.iloc[_first(orphan)]!r}): kept without a parent"]
        parent = parent.mask(pd.Series(orphan, index=parent.index))
        has_parent = has_parent & ~orphan

    # Rows without text are excluded, unless a kept row replies to them: then they stay, as the anchor
    # of their thread (a post with a title but no body, say) -- and so do their own blank ancestors.
    keep = ~blank_text.to_numpy(dtype=bool)
    if has_parent.any() and not keep.all():
        while True:
            wanted = np.zeros(len(keep), dtype=bool)
            wanted[parent_pos[keep & (parent_pos >= 0)]] = True
            wanted &= ~keep
            if not wanted.any():
                break
            keep |= wanted

    roots, looped = thread_roots(parent_pos)
    if looped.any():
        i = _first(looped)
        raise InputError(
            f"the replies form a loop: following parent_id from {ids.iloc[i]!r} never reaches a top-level row",
            path=source,
            row=int(rows[i]),
        )
    if "thread_id" in mapping:
        given = as_text(raw[mapping["thread_id"]]).str.strip()
        given = given.where(~_blank(given), pd.NA)
        root_thread = given.fillna(ids).to_numpy(dtype=object)[roots]
        thread = given.fillna(pd.Series(root_thread, index=raw.index, dtype="string"))
    else:
        thread = pd.Series(ids.to_numpy(dtype=object)[roots], index=raw.index, dtype="string")

    # kind -------------------------------------------------------------------------------------------
    kind = pd.Series(np.where(has_parent, "reply", options.kind), index=raw.index, dtype="string")
    if "kind" in mapping:
        given = as_text(raw[mapping["kind"]]).str.strip().str.lower()
        kind = given.where(~_blank(given), kind)

    comments = pd.DataFrame(
        {
            "comment_id": ids,
            "parent_id": parent,
            "thread_id": thread,
            "author": pd.Series(pd.NA, index=raw.index, dtype="string"),
            "created_at": pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]"),
            "text": text,
            "kind": kind,
            "source": pd.Series(source, index=raw.index, dtype="string"),
            "source_row": pd.Series(rows, index=raw.index, dtype="Int64"),
        }
    )

    # the other canonical columns ------------------------------------------------------------------
    for key in MAPPABLE_COLUMNS:
        if key not in mapping or key in ("parent_id", "thread_id", "kind"):
            continue
        col = mapping[key]
        values = as_text(raw[col])
        if key == "created_at":
            check_timezone(options.timezone, source=source)
            comments[key] = parse_datetimes(
                values, rows, timezone=options.timezone, column=col, source=source
            )
        elif key == "consent_to_publish":
            comments[key] = _parse_consent(values, rows, column=col, source=source)
        elif key in ("votes_up", "votes_down"):
            comments[key] = parse_count(values, rows, key=key, column=col, source=source)
        else:
            values = normalise_text(values) if key == "title" else values.str.strip()
            comments[key] = values.where(~_blank(values), pd.NA)

    ordered = list(COMMENT_COLUMNS) + [c for c in OPTIONAL_COMMENT_COLUMNS if c in comments.columns]
    comments = comments[ordered]

    dropped = ~keep
    deleted = deleted_mark.to_numpy(dtype=bool)
    exclusions = pd.DataFrame(
        {
            "source": pd.Series(source, index=raw.index[dropped], dtype="string"),
            "source_row": pd.Series(rows[dropped], index=raw.index[dropped], dtype="Int64"),
            "record_id": ids[dropped],
            "reason": pd.Series(np.where(deleted, "deleted", "blank"), index=raw.index, dtype="string")[dropped],
            "detail": pd.Series(np.where(deleted, "the text says it was deleted or removed",
                                         f"no text in column {text_col!r}"), index=raw.index, dtype="string")[dropped],
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    return Tables(
        comments=(comments if keep.all() else comments[keep]).reset_index(drop=True),
        exclusions=exclusions.reset_index(drop=True),
        notes=orphan_note,
    )
