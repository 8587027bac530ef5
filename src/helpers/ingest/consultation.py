"""Reader for consultation spreadsheets (``consultation``): Citizen Space, SmartSurvey, Qualtrics exports.

One row per respondent and one column per question (wide), or one row per answer with a column naming
the question (long). CSV (UTF-8 with or without a byte-order mark, or Windows-1252) or XLSX. Which
column is which is never guessed: a YAML *question map* (``read(..., question_map="map.yaml")``) names
them. See :func:`read_consultation` for the map's keys and params/question-maps/example.yaml for an
example.

CSV files are loaded with :func:`helpers.ingest.tabular.load_delimited`, as every reader does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..clean import normalise_text
from ..errors import ConfigError, InputError
from ..schema import EXCLUSION_COLUMNS, RESPONDENT_COLUMNS
from ._mapping import check_timezone, parse_consent, parse_datetimes
from .registry import ReadOptions, Tables, register_reader
from .tabular import header_note, load_delimited, load_sheet

__all__ = ["read_consultation", "load_question_map", "normalise_respondent_type"]


def to_int(values: pd.Series, rows: np.ndarray, *, column: str, source: str, allow_blank: bool = True) -> pd.Series:
    """Whole numbers from strings (``Int64``; blank -> NA), or InputError naming the first bad line."""
    text = values.astype("string").str.strip()
    blank = text.isna() | text.eq("")
    numbers = pd.to_numeric(text.where(~blank), errors="coerce")
    ok = numbers.notna() & (numbers % 1 == 0) & (numbers.abs() < 2**53)
    bad = ~blank & ~ok.fillna(False)
    if not allow_blank:
        bad |= blank
    bad = bad.to_numpy(dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{column} value {values.iloc[i]!r} is not a whole number", path=source, row=int(rows[i])
        )
    return numbers.where(~blank).astype("Float64").round().astype("Int64")


# ---------------------------------------------------------------------------------------------
# the question map


_TOP_KEYS = {
    "respondent_id",
    "header_rows",
    "created_at",
    "respondent",
    "open",
    "closed",
    "question_column",
    "text_column",
    "sheet",
}
_RESPONDENT_KEYS = ("respondent_type", "organisation", "sector", "region", "consent_to_publish")
_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def load_question_map(path: str | Path) -> dict:
    """Read and check a question map (YAML). Raises InputError naming the map file on any problem.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "map.yaml"
    >>> _ = p.write_text("respondent_id: ID\\nopen:\\n  q1: Why?\\n")
    >>> load_question_map(p)["open"]
    {'q1': 'Why?'}
    """
    mpath = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("question map not found", path=mpath) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the question map: {exc}", path=mpath) from None
    try:
        spec = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"the question map is not valid YAML: {getattr(exc, 'problem', None) or exc}",
            path=mpath,
            row=mark.line + 1 if mark is not None else None,
        ) from None
    if not isinstance(spec, dict):
        raise InputError("the question map must be a YAML mapping (key: value lines)", path=mpath)
    unknown = sorted(str(k) for k in spec if k not in _TOP_KEYS)
    if unknown:
        raise InputError(
            f"unknown key(s) in the question map: {', '.join(unknown)}; known keys: {', '.join(sorted(_TOP_KEYS))}",
            path=mpath,
        )

    def column(value: object, key: str) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{key} must name a column, not {value!r}", path=mpath)
        return value

    out: dict = {"header_rows": 1, "respondent": {}, "open": {}, "closed": {}}
    hr = spec.get("header_rows", 1)
    if not isinstance(hr, int) or isinstance(hr, bool) or hr not in (1, 2, 3):
        raise InputError(f"header_rows must be 1, 2 or 3, not {hr!r}", path=mpath)
    out["header_rows"] = hr
    for key in ("respondent_id", "created_at", "question_column", "text_column"):
        if spec.get(key) is not None:
            out[key] = column(spec[key], key)
    if "sheet" in spec:
        out["sheet"] = spec["sheet"]
    for section in ("respondent", "open", "closed"):
        value = spec.get(section) or {}
        if not isinstance(value, dict):
            raise InputError(f"{section} must be a mapping of id: column", path=mpath)
        for k, v in value.items():
            k = str(k)
            if section == "respondent" and k not in _RESPONDENT_KEYS:
                raise InputError(
                    f"respondent.{k} is not one of {', '.join(_RESPONDENT_KEYS)}", path=mpath
                )
            if section != "respondent" and not _ID.match(k):
                raise InputError(
                    f"{section} question id {k!r} may hold only letters, digits, '_', '.' and '-'", path=mpath
                )
            out[section][k] = column(v, f"{section}.{k}")
    clash = set(out["open"]) & set(out["closed"])
    if clash:
        raise InputError(f"question id(s) {', '.join(sorted(clash))} are both open and closed", path=mpath)
    reserved = set(out["closed"]) & (set(RESPONDENT_COLUMNS) | {"respondent_id"})
    if reserved:
        raise InputError(
            f"closed question id(s) {', '.join(sorted(reserved))} clash with respondents-table columns", path=mpath
        )
    long = "question_column" in out
    if long:
        if "text_column" not in out:
            raise InputError("question_column needs text_column: the column holding the answers", path=mpath)
        if out["open"]:
            raise InputError(
                "give either question_column + text_column (one row per answer) or open: (one column "
                "per question), not both",
                path=mpath,
            )
    elif not out["open"]:
        raise InputError("the question map names no open questions (open: id: column)", path=mpath)
    elif "text_column" in out:
        raise InputError("text_column only applies with question_column (one row per answer)", path=mpath)
    return out


# ---------------------------------------------------------------------------------------------
# values


_DEBRIS = re.compile(r"_x000[dD]_\n?")


def _clean_cells(values: pd.Series) -> pd.Series:
    """Remove Excel's escaped carriage returns (``_x000D_``), leaving the line break they stood for."""
    return values.str.replace(_DEBRIS, "\n", regex=True)


_INDIVIDUAL = (r"\b(?:individual|myself|just me|personal capacity|member of the public|private (?:person|citizen)"
               r"|citizen|resident|personal (?:response|view|views)"
               # a person by their role: "Council tenant", "Charity worker", "Body shop owner", "A parent"
               r"|tenant|worker|employee|volunteer|owner|parent|carer|student|pensioner|patient)\b")
_ORGANISATION = r"\b(?:organi[sz]ations?|on behalf of|business|company)\b"
# words that name an organisation only when no person is named with them ("Charity" but not "Charity worker")
_ORGANISATION_WEAK = r"\b(?:charity|group|association|body|council|authority)\b"


def normalise_respondent_type(values: pd.Series) -> pd.Series:
    """``individual`` or ``organisation`` where the answer says so recognisably; the stripped answer otherwise.

    Examples
    --------
    >>> normalise_respondent_type(pd.Series(["As an individual", "On behalf of an organisation",
    ...     "Organization", "Other", None, "Local resident", "Councillor", "Nobody - just me", "Council tenant",
    ...     "Charity", "Charity worker"], dtype="string")).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['individual', 'organisation', 'organisation', 'Other', <NA>, 'individual', 'Councillor', 'individual',
     'individual', 'organisation', 'individual']
    """
    text = values.astype("string").str.strip()
    folded = text.str.casefold()

    def has(pattern: str) -> pd.Series:
        return folded.str.contains(pattern, regex=True).fillna(False).astype(bool)

    ind = has(_INDIVIDUAL)
    org = has(_ORGANISATION) | (has(_ORGANISATION_WEAK) & ~ind)
    out = text.where(text.ne(""), pd.NA)
    out = out.mask(ind & ~org, "individual")
    out = out.mask(org & ~ind, "organisation")
    # "an individual on behalf of an organisation" names both: the organisation is who responds
    out = out.mask(org & ind & has("on behalf of"), "organisation")
    return out.astype("string")


# what people write in an organisation's name (or sector, region) when there is none
_NONE_GIVEN = re.compile(r"(?:none|n/?a|nil|null|no|not applicable|not relevant|-+|\.+)\.?", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------
# the reader


def _load_grid(path: Path, options: ReadOptions, sheet: object,
               header: Callable[[list[list[str]]], int | None]) -> tuple[pd.DataFrame, np.ndarray]:
    """The file's non-empty rows from its header on, as a string table (columns 0..n-1), and their
    line / sheet-row numbers; ``header`` finds the header below any title rows."""
    source = options.source
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=source) from None
    if magic == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        cells = load_sheet(path, sheet=options.sheet if options.sheet is not None else sheet, source=source)
        if not cells:
            raise InputError("the worksheet is empty", path=source)
        cells = cells[header([c for _, c in cells]) or 0:]
        width = max(len(c) for _, c in cells)
        grid = pd.DataFrame([c + [""] * (width - len(c)) for _, c in cells], dtype="string")
        grid.columns = range(width)
        return grid, np.asarray([r for r, _ in cells], dtype="int64")
    return load_delimited(path, source=source, encoding=options.encoding, header=header)


_QUOTE_MARKS = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")


def _fold_header(text: str) -> str:
    """A header as compared: runs of white space as one space, case ignored, curly quotes straight
    ("organisation’s" in a map written in a word processor matches "organisation's" in the file)."""
    return " ".join(text.split()).casefold().translate(_QUOTE_MARKS)


def _filled_headers(names: list[list[str]]) -> list[list[str]]:
    """Each column's header cells, a blank cell of an upper row taking the cell to its left (a
    question's text over the sub-columns of its answers, merged in the export). Joined with " / ",
    they name a column: "Q5. Which exemptions? / Other (please specify)".

    Examples
    --------
    >>> _filled_headers([["Q5. Which?", "Option A"], ["", "Other"], ["Q6", "Response"]])
    [['Q5. Which?', 'Option A'], ['Q5. Which?', 'Other'], ['Q6', 'Response']]
    """
    out, above = [], [""] * (len(names[0]) if names else 0)
    for cells in names:
        above = [c or (above[r] if r < len(cells) - 1 else "") for r, c in enumerate(cells)]
        out.append(above)
    return out


def _resolve(names: list[list[str]], wanted: str, *, key: str, map_path: str, source: str) -> int:
    """Index of the column whose header cell (in any header row) is ``wanted``: exactly, else ignoring
    case and runs of white space; else its header rows joined with " / " (:func:`_filled_headers`); else
    "Name (2)", the second of the columns headed "Name".

    Examples
    --------
    >>> names = [["ID", ""], ["Q5. Which?", "Option A"], ["", "Other"], ["Explain", ""], ["Explain", ""]]
    >>> [_resolve(names, w, key="k", map_path="m", source="s")
    ...  for w in ("ID", "Q5. Which? / Other", "explain (2)")]
    [0, 2, 4]
    """
    exact = [i for i, cells in enumerate(names) if wanted in cells]
    w = _fold_header(wanted)
    if not exact:
        exact = [i for i, cells in enumerate(names) if any(_fold_header(c) == w for c in cells)]
    filled = _filled_headers(names)
    paths = [" / ".join(c for c in cells if c) for cells in filled]
    if not exact:
        exact = [i for i, path in enumerate(paths) if _fold_header(path) == w]
    numbered = re.fullmatch(r"(.*\S)\s*\((\d+)\)", wanted.strip())
    if not exact and numbered:
        base = _fold_header(numbered.group(1))
        same = [i for i, cells in enumerate(names) if any(_fold_header(c) == base for c in cells)]
        if 1 <= int(numbered.group(2)) <= len(same) and len(same) > 1:
            return same[int(numbered.group(2)) - 1]
    if len(exact) == 1:
        # a question written once over several answer columns ("tick all that apply"): the name heads them
        # all, so taking the first would read one option as the whole question
        spans = [i for i, cells in enumerate(filled) if any(_fold_header(c) == w for c in cells[:-1])]
        if len(spans) > 1 and exact[0] in spans:
            raise InputError(
                f"{key}: column {wanted!r} heads {len(spans)} columns of {source} (one per answer); name each "
                f"you want by its header rows joined with ' / ', such as {paths[spans[0]]!r}", path=map_path)
        return exact[0]
    firsts = ", ".join(repr(cells[0]) for cells in names[:40]) + (", ..." if len(names) > 40 else "")
    if not exact:
        raise InputError(
            f"{key}: column {wanted!r} is not in {source}; its columns are: {firsts}", path=map_path
        )
    distinct = list(dict.fromkeys(paths[i] for i in exact))
    how = (f"name one by its header rows joined with ' / ', such as {distinct[-1]!r}" if len(distinct) == len(exact)
           else f"name one as {wanted.strip() + ' (1)'!r} to {wanted.strip() + f' ({len(exact)})'!r}, in the file's order")
    raise InputError(f"{key}: column {wanted!r} matches {len(exact)} columns of {source}: {how}", path=map_path)


_MAX_TITLE_ROWS = 10  # rows above the header looked through for it


def _named_columns(qmap: dict) -> list[str]:
    """Every column header the question map names."""
    named = [*qmap["respondent"].values(), *qmap["closed"].values(), *qmap["open"].values()]
    return named + [qmap[k] for k in ("respondent_id", "created_at", "question_column", "text_column") if k in qmap]


def _header_start(rows: list[list[str]], header_rows: int, wanted: list[str]) -> int | None:
    """The first row (of the first :data:`_MAX_TITLE_ROWS` + 1) whose ``header_rows`` rows hold every
    ``wanted`` header (ignoring case and runs of white space); None when none does (the map's own
    check then says which column is missing).

    Examples
    --------
    >>> _header_start([["Export, 3 March"], ["Q1", "Q2"], ["Name", "Comments"], ["Ann", "Fine"]], 2,
    ...               ["q2", "comments"])
    1
    >>> _header_start([["Name", "Comments"]], 1, ["Views"]) is None
    True
    """
    folded = {_fold_header(str(w)) for w in wanted}
    for r in range(min(_MAX_TITLE_ROWS + 1, len(rows) - header_rows + 1)):
        cells = {_fold_header(str(v)) for row in rows[r:r + header_rows] for v in row}
        if folded <= cells:
            return r
    return None


def _blank_mask(values: pd.Series) -> np.ndarray:
    return (values.isna() | values.str.strip().eq("")).fillna(True).to_numpy(dtype=bool)


def _repeated_answers(data: pd.DataFrame, rows: np.ndarray, rid: pd.Series, columns: dict, qmap: dict,
                      repeated: np.ndarray, source: str) -> pd.DataFrame:
    """Exclusions (``duplicate_record``) for the answers on rows that repeat an earlier row cell for
    cell: each open answer with text (one row per answer in a long file), naming the line first read."""
    if not repeated.any():
        return pd.DataFrame(columns=list(EXCLUSION_COLUMNS))
    key = pd.util.hash_pandas_object(data.astype("string").fillna(""), index=False).to_numpy()
    first_line = pd.Series(rows, index=key)
    first_line = first_line[~first_line.index.duplicated()]
    records = []
    for i in np.flatnonzero(repeated):
        if "question_column" in qmap:
            answered = [str(columns["question_column"].iloc[i]).strip()]
        else:
            answered = [q for q in qmap["open"] if not _blank_mask(columns[f"open.{q}"].iloc[[i]].astype("string"))[0]]
        for q in answered:
            records.append((source, int(rows[i]), f"{rid.iloc[i]}:{q}", "duplicate_record",
                            f"the same response as row {int(first_line[key[i]])}"))
    return pd.DataFrame(records, columns=list(EXCLUSION_COLUMNS)).astype(
        {"source": "string", "source_row": "Int64", "record_id": "string", "reason": "string", "detail": "string"})


@register_reader("consultation")
def read_consultation(path: Path, options: ReadOptions) -> Tables:
    """Read a consultation spreadsheet through its question map into one ``response`` row per answer.

    The question map (YAML, ``options.question_map``) names the columns; a column is found by the
    text of any of its header rows (exactly, else ignoring case and runs of white space)::

        respondent_id: Response ID      # optional: default "row-<line>"
        header_rows: 1                  # 2 for SmartSurvey-style, 3 for Qualtrics (names, questions, ImportIds)
        created_at: Submitted           # optional; naive times are in options.timezone
        sheet: Responses                # optional (XLSX): worksheet name or 0-based number
        respondent:                     # optional: respondent_type, organisation, sector, region, consent_to_publish
          respondent_type: Are you responding as an individual or an organisation?
        open:                           # wide input: question id -> column of answers
          q1: What do you think of the proposal?
        closed:                         # optional: question id -> column; kept in the respondents table
          q1_position: Do you agree with the proposal?

    Long input (one row per answer) replaces ``open`` with ``question_column`` (its values become the
    question ids) and ``text_column`` (the answers).

    What a record is
        *Wide*: one non-blank answer cell -- a respondent row and an open question they answered
        (after removing Excel's ``_x000D_`` debris and normalising white space). A blank answer is not
        a record, so records read = kept; a respondent who answered no open question is only in the
        respondents table. *Long*: one data row; a row with a blank answer is excluded as ``blank``.
        Either way ``records_read == len(comments) + len(exclusions)``.

    Returns
    -------
    Tables
        comments: ``comment_id`` ``"<respondent_id>:<question_id>"``, ``thread_id`` = ``question_id``,
        ``kind`` ``response``, ``source_row`` the respondent's line (sheet row for XLSX), with
        ``respondent_id`` and any mapped ``respondent_type``, ``organisation``, ``consent_to_publish``
        copied on. respondents: one row per respondent, ``respondent_type`` normalised to
        ``individual``/``organisation`` where recognisable, ``consent_to_publish`` parsed yes/no (NA
        where unclear), and one column per closed question, named by its id.

    Raises
    ------
    InputError
        No question map, an invalid one, or a column it names that the file lacks (naming the map
        file and the column); a repeated respondent id; anything wrong with the file itself.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "map.yaml").write_text("respondent_id: ID\\nopen: {q1: 'Why?', q2: Other}\\n"
    ...     "respondent: {consent_to_publish: 'Publish?'}\\n")
    >>> _ = (d / "r.csv").write_text("ID,Why?,Other,Publish?\\nA,Buses,,Yes\\nB,Trains,Bikes,No\\n")
    >>> t = read_consultation(d / "r.csv", ReadOptions("r.csv", question_map=str(d / "map.yaml")))
    >>> t.comments[["comment_id", "thread_id", "text", "source_row", "consent_to_publish"]].values.tolist()
    [['A:q1', 'q1', 'Buses', 2, True], ['B:q1', 'q1', 'Trains', 3, False], ['B:q2', 'q2', 'Bikes', 3, False]]
    """
    source = options.source
    if not options.question_map:
        raise ConfigError(
            "the consultation format needs a question map: read(..., question_map='map.yaml'); "
            "see params/question-maps/example.yaml",
            path=source,
        )
    map_path = str(options.question_map)
    qmap = load_question_map(map_path)
    hr = qmap["header_rows"]
    # title rows above the header ("Consultation on ... - export of 3 March"): the header is the first
    # row (of the first few) that holds every column the map names
    wanted = _named_columns(qmap)
    grid, lines = _load_grid(Path(path), options, qmap.get("sheet"),
                             lambda rows: _header_start([[_DEBRIS.sub("\n", v) for v in r]
                                                         for r in rows[:_MAX_TITLE_ROWS + hr]], hr, wanted))
    if len(grid) < hr:
        raise InputError(f"the file has fewer than the {hr} header rows the question map says", path=source)
    grid = grid.apply(_clean_cells)
    names = [[str(grid.iat[r, c]).strip() for r in range(hr)] for c in range(grid.shape[1])]
    data = grid.iloc[hr:].reset_index(drop=True)
    rows = lines[hr:]
    n = len(data)

    def at(key: str, wanted: str) -> int:
        return _resolve(names, wanted, key=key, map_path=map_path, source=source)

    # resolve every column first, so a wrong map fails before anything else
    plan = {f"respondent.{k}": v for k, v in qmap["respondent"].items()}
    plan.update({f"closed.{k}": v for k, v in qmap["closed"].items()})
    plan.update({f"open.{k}": v for k, v in qmap["open"].items()})
    for key in ("respondent_id", "created_at", "question_column", "text_column"):
        if key in qmap:
            plan[key] = qmap[key]
    index = {key: at(key, wanted) for key, wanted in plan.items()}
    columns = {key: data[i] for key, i in index.items()}
    # each question as the file words it: the longest of its column's header cells ("Q1" or its text)
    questions = {name: {"text": max(names[index[f"{kind}.{name}"]], key=len), "kind": kind}
                 for kind in ("open", "closed") for name in qmap[kind]}

    line_ids = pd.Series(["row-" + str(r) for r in rows], dtype="string")
    if "respondent_id" in columns:
        rid = columns["respondent_id"].str.strip()
        rid = rid.where(~pd.Series(_blank_mask(rid)), line_ids).astype("string")
    else:
        rid = line_ids
    long = "question_column" in qmap
    # a row repeating an earlier one cell for cell, respondent id included, is the export listing a
    # response twice: its answers are logged as duplicate_record and the row is read once. Without an
    # id, identical rows are different people (the senders of one campaign letter): all are kept.
    identified = (~_blank_mask(columns["respondent_id"]) if "respondent_id" in columns
                  else np.zeros(len(data), dtype=bool))
    repeated = data.astype("string").fillna("").duplicated().to_numpy(dtype=bool) & identified
    repeats = _repeated_answers(data, rows, rid, columns, qmap, repeated, source)
    if repeated.any():
        keep_rows = ~repeated
        data, rows = data[keep_rows].reset_index(drop=True), rows[keep_rows]
        rid = rid[keep_rows].reset_index(drop=True)
        columns = {key: values[keep_rows].reset_index(drop=True) for key, values in columns.items()}
        n = len(data)
    if not long:
        dup = rid.duplicated().to_numpy(dtype=bool)
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            first = int(rows[int(np.flatnonzero((rid == rid.iloc[i]).to_numpy(dtype=bool))[0])])
            raise InputError(
                f"respondent id {rid.iloc[i]!r} appears twice, with different answers (first on row {first}); "
                "merge or remove the repeated submission",
                path=source,
                row=int(rows[i]),
            )

    # the respondent's own columns ----------------------------------------------------------
    resp = pd.DataFrame({"respondent_id": rid}, index=data.index)
    for key, values in columns.items():
        if not key.startswith(("respondent.", "closed.")):
            continue
        name = key.split(".", 1)[1]
        text = values.str.strip()
        text = text.where(~pd.Series(_blank_mask(text)), pd.NA).astype("string")
        if name in ("organisation", "sector", "region"):  # "None", "N/A", "-": no organisation named
            text = text.mask(text.str.fullmatch(_NONE_GIVEN).fillna(False).astype(bool), pd.NA)
        elif name == "respondent_type":
            text = normalise_respondent_type(text)
        elif name == "consent_to_publish":
            text = parse_consent(text)
        resp[name] = text
    created = None
    if "created_at" in columns:
        check_timezone(options.timezone, source=source)
        created = parse_datetimes(
            columns["created_at"].astype("string"), rows, timezone=options.timezone, column=plan["created_at"], source=source
        )
        resp["created_at"] = created
    resp["source"] = pd.Series(source, index=data.index, dtype="string")
    resp["source_row"] = pd.Series(rows, index=data.index, dtype="Int64")

    # the answers ------------------------------------------------------------------------
    if long:
        qid = columns["question_column"].str.strip()
        blank_q = _blank_mask(qid)
        if blank_q.any():
            i = int(np.flatnonzero(blank_q)[0])
            raise InputError(f"no question in column {plan['question_column']!r}", path=source, row=int(rows[i]))
        text = normalise_text(columns["text_column"].astype("string")).fillna("")
        pos = np.arange(n)
        qids = qid.astype("string")
        cid = (rid + ":" + qids).astype("string")
        dup = cid.duplicated().to_numpy(dtype=bool)
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise InputError(
                f"respondent {rid.iloc[i]!r} answers question {qids.iloc[i]!r} twice", path=source, row=int(rows[i])
            )
    else:
        parts_pos, parts_q, parts_text = [], [], []
        for order, qname in enumerate(qmap["open"]):
            answers = normalise_text(columns[f"open.{qname}"].astype("string")).fillna("")
            has = np.flatnonzero(answers.ne("").to_numpy(dtype=bool))
            parts_pos.append(has)
            parts_q.append(np.full(len(has), order))
            parts_text.append(answers.to_numpy(dtype=object)[has])
        pos = np.concatenate(parts_pos) if parts_pos else np.zeros(0, dtype="int64")
        qorder = np.concatenate(parts_q) if parts_q else np.zeros(0, dtype="int64")
        order = np.lexsort((qorder, pos))
        pos, qorder = pos[order], qorder[order]
        text = pd.Series(np.concatenate(parts_text)[order] if parts_text else [], dtype="string")
        qids = pd.Series(np.asarray(list(qmap["open"]), dtype=object)[qorder], dtype="string")
        cid = (pd.Series(rid.to_numpy(dtype=object)[pos], dtype="string") + ":" + qids).astype("string")
    m = len(pos)
    answers = pd.DataFrame(
        {
            "comment_id": cid.to_numpy(dtype=object),
            "parent_id": pd.Series(pd.NA, index=range(m), dtype="string"),
            "thread_id": qids.to_numpy(dtype=object),
            "author": pd.Series(pd.NA, index=range(m), dtype="string"),
            "created_at": (
                created.to_numpy()[pos] if created is not None else pd.Series(pd.NaT, index=range(m), dtype="datetime64[ns, UTC]")
            ),
            "text": text.to_numpy(dtype=object),
            "kind": pd.Series("response", index=range(m), dtype="string"),
            "source": pd.Series(source, index=range(m), dtype="string"),
            "source_row": pd.Series(rows[pos], dtype="Int64"),
            "question_id": qids.to_numpy(dtype=object),
            "respondent_id": rid.to_numpy(dtype=object)[pos],
        }
    )
    answers["created_at"] = pd.Series(answers["created_at"]).astype("datetime64[ns, UTC]")
    for name in ("respondent_type", "organisation", "consent_to_publish"):
        if name in resp.columns:
            answers[name] = resp[name].to_numpy()[pos]
            answers[name] = answers[name].astype("boolean" if name == "consent_to_publish" else "string")
    keep = pd.Series(text).ne("").to_numpy(dtype=bool)
    exclusions = pd.DataFrame(
        {
            "source": answers["source"][~keep],
            "source_row": answers["source_row"][~keep],
            "record_id": answers["comment_id"][~keep].astype("string"),
            "reason": pd.Series("blank", index=answers.index, dtype="string")[~keep],
            "detail": pd.Series(f"no text in column {plan.get('text_column')!r}", index=answers.index, dtype="string")[~keep],
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    exclusions = pd.concat([exclusions, repeats], ignore_index=True) if len(repeats) else exclusions
    notes = header_note(int(lines[0]))
    if "consent_to_publish" in resp.columns:
        raw = columns["respondent.consent_to_publish"]
        unclear = ~pd.Series(_blank_mask(raw)) & resp["consent_to_publish"].isna()
        if unclear.any():
            notes.append(
                f"{int(unclear.sum())} consent_to_publish answers are neither yes nor no: taken as not stated"
            )
    if long:
        resp = resp.drop_duplicates("respondent_id", keep="first")
    resp = resp.drop(columns=["created_at"], errors="ignore").reset_index(drop=True)
    return Tables(
        comments=answers[keep].reset_index(drop=True),
        exclusions=exclusions.reset_index(drop=True),
        respondents=resp,
        notes=notes,
        questions=questions,
    )

