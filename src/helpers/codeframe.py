"""The codeframe and the coding sheet: how analysts' codes get into Listening Post and back out.

A **codeframe** is the list of codes analysts apply to responses, kept in a small YAML file::

    version: 2                      # bump it whenever the codes change; the run folder keeps each version
    name: Parking consultation
    codes:
      - id: C1                      # short, unique: letters, digits, _ . - (it heads a sheet column)
        name: Cost of parking
        description: Charges, fines and permits are too expensive.
        examples: [parking charges, permit price]     # optional phrases
      - id: C1a
        name: Cost for blue badge holders
        parent: C1                  # optional: a code nested under another

:func:`draft_codeframe` proposes one from the theme model (``themes.parquet``): one code per theme,
named by its label, with its key terms as example phrases, for analysts to edit.

A **coding sheet** (:func:`coding_sheet`, written as CSV or XLSX by :func:`write_coding_sheet`) lists
responses to hand-code, one row each, with an empty column per code. Analysts put ``1`` (or ``x``,
``yes``) under every code that applies, ``1`` under ``none`` when no code does, and their initials
under ``coder``; rows left blank are "not coded yet". Two analysts coding the same response (two
rows, different ``coder``) give the analysts' agreement. :func:`read_coding_sheet` reads the filled
sheet back, and a problem (an unknown code column or code, a value that is not a mark, an unknown
response id, the same response twice from one coder) raises one error naming the file and the
spreadsheet row (the header is row 1).
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import paths
from .errors import ConfigError, InputError
from .tables import atomic_write, not_utf8

__all__ = [
    "Codeframe",
    "read_codeframe",
    "write_codeframe",
    "archive_codeframe",
    "archive_path",
    "descendants",
    "draft_codeframe",
    "coding_sheet",
    "write_coding_sheet",
    "read_coding_sheet",
    "SHEET_COLUMNS",
    "NONE_COLUMN",
    "AT_RANDOM",
    "drawn_at_random",
    "UncodedRowsSkipped",
    "CodeframeTabEdited",
    "codeframe_tab_edits",
]

#: Columns of a coding sheet that are not codes.
SHEET_COLUMNS: tuple[str, ...] = ("comment_id", "question_id", "drawn", "text", "coder", "notes")
#: What a sheet's ``drawn`` column says of a response sampled at random (any other value names what
#: the active sampler chose it for, e.g. "for code T3").
AT_RANDOM = "at random"
#: The column analysts mark when no code applies to a response.
NONE_COLUMN = "none"
#: Cell values that mean "this code applies" / "it does not" (compared lower-cased and stripped).
_YES = {"1", "x", "y", "yes", "true", "1.0", "✓", "✔"}
_NO = {"", "0", "n", "no", "false", "0.0", "-"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
#: Characters that make a spreadsheet treat a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Codeframe:
    """A versioned list of codes.

    Attributes
    ----------
    codes : DataFrame
        One row per code, in the file's order: ``code_id``, ``name``, ``description``, ``examples``
        (list of str), ``parent`` (a code id or missing).
    version : int
        Increases whenever analysts change the codes.
    name : str
        What the codeframe is for.
    source : str
        Where it came from (a file, or "drafted from themes.parquet").
    """

    codes: pd.DataFrame
    version: int = 1
    name: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return self.codes["code_id"].tolist()

    def to_dict(self) -> dict[str, Any]:
        """The YAML structure (``version``, ``name``, ``codes``) with empty fields left out."""
        codes = []
        for row in self.codes.itertuples(index=False):
            item: dict[str, Any] = {"id": row.code_id, "name": row.name}
            if isinstance(row.description, str) and row.description:
                item["description"] = row.description
            if len(row.examples):
                item["examples"] = list(row.examples)
            if isinstance(row.parent, str) and row.parent:
                item["parent"] = row.parent
            codes.append(item)
        return {"version": int(self.version), "name": self.name, "codes": codes}

    def digest(self) -> str:
        """First 8 hex digits of the SHA-256 of the codes (what changes when a code changes)."""
        text = yaml.safe_dump(self.to_dict()["codes"], sort_keys=True, allow_unicode=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame({
        "code_id": pd.Series([r["code_id"] for r in rows], dtype="object"),
        "name": pd.Series([r["name"] for r in rows], dtype="object"),
        "description": pd.Series([r.get("description", "") for r in rows], dtype="object"),
        "examples": pd.Series([list(r.get("examples", [])) for r in rows], dtype="object"),
        "parent": pd.Series([r.get("parent") for r in rows], dtype="object"),
    })


def _line_numbers(text: str) -> list[int]:
    """1-based line of each item of the ``codes`` list (empty when the structure is not as expected)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "codes" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _ids_as_written(text: str) -> list[dict[str, str]]:
    """For each code of a codeframe's YAML, its ``id`` and ``parent`` exactly as typed, when typed as
    plain scalars: YAML would read ``01`` as 1, ``1.10`` as 1.1 and ``NO`` as false."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    codes = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "codes"), None)
    if not isinstance(codes, yaml.SequenceNode):
        return []
    out = []
    for item in codes.value:
        fields = {}
        if isinstance(item, yaml.MappingNode):
            for k, v in item.value:
                if (isinstance(k, yaml.ScalarNode) and k.value in ("id", "parent") and isinstance(v, yaml.ScalarNode)
                        and v.style is None and v.tag != "tag:yaml.org,2002:null"):
                    fields[k.value] = v.value
        out.append(fields)
    return out


def read_codeframe(path: str | os.PathLike) -> Codeframe:
    """Read and check a codeframe YAML file.

    Raises
    ------
    ConfigError
        Naming the file and the line of the offending code: not YAML, no ``codes`` list, a code
        without ``id`` or ``name``, an id that is not short letters/digits, a repeated id, an unknown
        ``parent``, a parent cycle, ``examples`` that are not a list of text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "codes.yaml"
    >>> _ = p.write_text("version: 3\\ncodes:\\n  - {id: A, name: Access}\\n  - {id: B, name: Buses, parent: A}\\n")
    >>> frame = read_codeframe(p)
    >>> frame.version, frame.ids, frame.codes["parent"].tolist()
    (3, ['A', 'B'], [None, 'A'])
    """
    source = Path(path)
    if not source.is_file():
        raise ConfigError("codeframe file not found", path=source)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8(source, what="the codeframe", error=ConfigError) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the codeframe: {exc.strerror or exc}", path=source) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=source,
                          row=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list) or not data["codes"]:
        raise ConfigError("a codeframe needs a non-empty 'codes' list (see helpers.codeframe)", path=source)
    unknown = sorted(set(data) - {"version", "name", "codes"})
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r} (expected version, name, codes)", path=source)
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(f"version must be a whole number of at least 1, not {version!r}", path=source)
    lines = _line_numbers(text)
    written = _ids_as_written(text)
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data["codes"]):
        if isinstance(item, dict) and i < len(written):  # ids as typed: 01 is "01", 1.10 "1.10", NO "NO"
            item = {**item, **{k: v for k, v in written[i].items() if k in item}}
        line = lines[i] if i < len(lines) else None

        def fail(reason: str, line=line) -> ConfigError:
            return ConfigError(reason, path=source, row=line)

        if not isinstance(item, dict):
            raise fail("each code must be a mapping with at least id and name")
        extra = sorted(set(item) - {"id", "name", "description", "examples", "parent"})
        if extra:
            raise fail(f"unknown field {extra[0]!r} (expected id, name, description, examples, parent)")
        code_id = item.get("id")
        code_id = str(code_id) if isinstance(code_id, int | str) and not isinstance(code_id, bool) else code_id
        if not isinstance(code_id, str) or not _ID.match(code_id):
            raise fail(f"code id {code_id!r} must be 1-40 letters, digits, '_', '.' or '-', starting with a "
                       "letter or digit")
        if code_id.lower() in {c.lower() for c in (*SHEET_COLUMNS, NONE_COLUMN)}:
            raise fail(f"code id {code_id!r} is reserved for a coding sheet column")
        if code_id in seen:
            raise fail(f"code id {code_id!r} is used twice (first on line {seen[code_id]})")
        same = next((c for c in seen if c.lower() == code_id.lower()), None)
        if same is not None:  # a coding sheet's columns are matched whatever their case
            raise fail(f"code id {code_id!r} differs from {same!r} (line {seen[same]}) only in case; a coding "
                       "sheet could not tell them apart")
        seen[code_id] = line or 0
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(f"code {code_id!r} has no name")
        description = item.get("description") or ""
        if not isinstance(description, str):
            raise fail(f"code {code_id!r}: description must be text")
        examples = item.get("examples") or []
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            raise fail(f"code {code_id!r}: examples must be a list of phrases")
        parent = item.get("parent")
        parent = str(parent) if isinstance(parent, int) and not isinstance(parent, bool) else parent
        if parent is not None and not isinstance(parent, str):
            raise fail(f"code {code_id!r}: parent must be a code id")
        rows.append({"code_id": code_id, "name": name.strip(), "description": description.strip(),
                     "examples": [e.strip() for e in examples if e.strip()], "parent": parent or None,
                     "line": line})
    ids = {r["code_id"] for r in rows}
    parent_of = {r["code_id"]: r["parent"] for r in rows}
    for r in rows:
        if r["parent"] is not None and r["parent"] not in ids:
            raise ConfigError(f"code {r['code_id']!r}: parent {r['parent']!r} is not a code in this codeframe",
                              path=source, row=r["line"])
        walk, node = {r["code_id"]}, r["parent"]
        while node is not None:
            if node in walk:
                raise ConfigError(f"code {r['code_id']!r}: its parents form a cycle", path=source, row=r["line"])
            walk.add(node)
            node = parent_of[node]
    return Codeframe(codes=_frame(rows), version=int(version), name=str(data.get("name") or ""),
                     source=str(source))


def write_codeframe(frame: Codeframe, path: str | os.PathLike, *, header: str = "") -> Path:
    """Write ``frame`` as YAML (atomically), with an optional comment ``header`` above it."""
    lead = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    text = lead + yaml.safe_dump(frame.to_dict(), sort_keys=False, allow_unicode=True, width=100)
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def descendants(parent_of: dict, code: str) -> list[str]:
    """The codes under ``code`` at any depth, given each code's parent (``code id -> parent id or None``),
    nearest first.

    Examples
    --------
    >>> descendants({"A": None, "B": "A", "C": "B", "D": None}, "A")
    ['B', 'C']
    """
    out: list[str] = []
    frontier = {code}
    while frontier:
        frontier = {c for c, p in parent_of.items() if p in frontier and c not in out}
        out += sorted(frontier)
    return out


def archive_path(frame: Codeframe, folder: str | os.PathLike) -> Path:
    """Where :func:`archive_codeframe` keeps ``frame`` in ``folder``."""
    return Path(folder) / f"codeframe-v{int(frame.version)}-{frame.digest()}.yaml"


def archive_codeframe(frame: Codeframe, folder: str | os.PathLike) -> Path:
    """Keep a copy of this version of the codeframe in ``folder`` (``codeframe-v<N>-<digest>.yaml``).

    Every version used in a run folder stays there: a changed codeframe gets a new file even when its
    version number was not bumped (the digest differs), and the same codes are never stored twice.
    A codeframe read from a file that still holds it is kept byte for byte, analysts' comments and
    layout included; one made in memory (a draft) is written out.
    """
    import shutil

    target = archive_path(frame, folder)
    if not target.is_file():
        source = paths.resolve(frame.source) if frame.source else None  # as given: relative to the project
        if source is not None and source.is_file() and _same_codes(source, frame):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        else:
            write_codeframe(frame, target, header=f"Codeframe version {frame.version}, as used in a run "
                                                   f"(source: {frame.source or 'unknown'}).")
    return target


def _same_codes(path: Path, frame: Codeframe) -> bool:
    """Whether the file at ``path`` still reads as ``frame`` (same version and codes)."""
    try:
        read = read_codeframe(path)
        return read.version == frame.version and read.digest() == frame.digest()
    except ConfigError:
        return False


def draft_codeframe(themes: pd.DataFrame, *, max_examples: int = 5, name: str = "") -> Codeframe:
    """A first codeframe from the theme model: one code per theme, for analysts to edit.

    Parameters
    ----------
    themes : DataFrame
        The themes table (``themes.parquet``): ``theme_id``, ``label``, ``top_terms`` and ``size``.
    max_examples : int, default 5
        Key terms of each theme kept as the code's example phrases.
    name : str, optional
        The codeframe's name.

    Returns
    -------
    Codeframe
        Version 1, codes ``T1``, ``T2``... (by theme id), named by the theme labels.

    Examples
    --------
    >>> t = pd.DataFrame({"theme_id": [1, 2], "label": ["bus; timetable", "school"], "size": [5, 3],
    ...                   "top_terms": [["bus", "timetable", "late"], ["school", "teacher"]]})
    >>> f = draft_codeframe(t, max_examples=2)
    >>> f.ids, f.codes["examples"].tolist()
    (['T1', 'T2'], [['bus', 'timetable'], ['school', 'teacher']])
    """
    missing = [c for c in ("theme_id", "label", "top_terms") if c not in themes.columns]
    if missing:
        raise ConfigError(f"the themes table lacks column {missing[0]!r}: run 04_themes first")
    rows = []
    for t in themes.sort_values("theme_id").itertuples(index=False):
        terms = [str(x) for x in list(t.top_terms)]
        size = f" ({int(t.size):,} comments)" if hasattr(t, "size") else ""
        rows.append({
            "code_id": f"T{int(t.theme_id)}",
            "name": str(t.label) if isinstance(t.label, str) and t.label else f"Theme {int(t.theme_id)}",
            "description": f"Drafted from theme {int(t.theme_id)} of the theme model{size}; key terms: "
                           + ", ".join(terms[:10]) + ". Edit this to say what the code means.",
            "examples": terms[:max_examples],
        })
    return Codeframe(codes=_frame(rows), version=1, name=name, source="drafted from themes.parquet")


def coding_sheet(comments: pd.DataFrame, frame: Codeframe, *, n: int = 200, strata: pd.Series | None = None,
                 order: pd.Series | None = None, exclude: Any = (), random_state: int = 0,
                 groups: pd.Series | None = None) -> pd.DataFrame:
    """A stratified sample of responses with an empty column per code, for analysts to fill in.

    Parameters
    ----------
    comments : DataFrame
        The responses that may be sampled (``comment_id``, ``text``; ``question_id`` is copied when
        present).
    frame : Codeframe
    n : int, default 200
        Rows in the sheet (all responses when fewer).
    strata : Series, optional
        A group per comment (aligned with ``comments``), e.g. the question crossed with the main
        theme. Each stratum gets a share of ``n`` in proportion to its size, at least one row while
        ``n`` allows (largest remainders); rows are drawn at random within it.
    order : Series, optional
        Instead of sampling, take the ``n`` responses ranked highest by this score (aligned with
        ``comments``; the active sampler's priority).
    exclude : iterable of str
        Comment ids never put on the sheet (already coded).
    random_state : int, default 0
    groups : Series, optional
        A group per comment (aligned with ``comments``): copies of one campaign letter share one. A
        group is on the sheet at most once (its first member, or with ``order`` its highest ranked),
        and not at all when one of its members is excluded: analysts code a letter once, not every copy.

    Returns
    -------
    DataFrame
        ``comment_id``, ``question_id`` (when present), ``drawn`` (``"at random"`` for a sampled sheet,
        ``"by priority"`` for a ranked one, which :func:`helpers.coding.sheet_draws` then says more
        precisely: machine coding estimates shares from the random ones, see
        :func:`helpers.coding.estimated_shares`), ``text``, ``coder``, ``notes``, one empty column per
        code id, and ``none``.

    Examples
    --------
    >>> c = pd.DataFrame({"comment_id": list("abcdef"), "text": ["x"] * 6})
    >>> f = Codeframe(codes=_frame([{"code_id": "A", "name": "a"}]))
    >>> sheet = coding_sheet(c, f, n=3, strata=pd.Series(["p", "p", "p", "p", "q", "q"]))
    >>> list(sheet.columns), len(sheet), int(sheet["comment_id"].isin(["e", "f"]).sum())
    (['comment_id', 'drawn', 'text', 'coder', 'notes', 'A', 'none'], 3, 1)
    >>> coding_sheet(c, f, n=6, groups=pd.Series(["g", "g", "g", "c", "d", "e"]))["comment_id"].tolist()
    ['a', 'd', 'e', 'f']
    """
    if n < 1:
        raise ConfigError(f"the coding sheet needs at least 1 row, not {n}")
    keep = ~comments["comment_id"].astype(str).isin({str(x) for x in exclude}).to_numpy()
    if groups is not None:
        g = pd.Series(np.asarray(groups))
        done = set(g[~keep])  # a group with a coded member is coded
        first = ~g.duplicated().to_numpy() if order is None else np.zeros(len(g), dtype=bool)
        if order is not None:  # the highest ranked member of each group
            ranked = np.argsort(-np.asarray(order, dtype=float), kind="stable")
            first[ranked[~g.iloc[ranked].duplicated().to_numpy()]] = True
        keep &= first & ~g.isin(done).to_numpy()
    pool = comments.loc[keep].reset_index(drop=True)
    rng = np.random.default_rng(random_state)
    if order is not None:
        score = pd.Series(np.asarray(order, dtype=float)[keep])
        chosen = np.argsort(-score.to_numpy(), kind="stable")[:n]
    elif len(pool) <= n:
        chosen = np.arange(len(pool))
    else:
        groups = (pd.Series(np.asarray(strata, dtype=object)[keep]).astype(str) if strata is not None
                  else pd.Series(["all"] * len(pool)))
        sizes = groups.value_counts().sort_index()
        quota = sizes / sizes.sum() * n
        alloc = np.floor(quota).astype(int)
        if n >= len(sizes):
            alloc = alloc.clip(lower=1)
        short = n - int(alloc.sum())
        if short > 0:
            spare = (quota - np.floor(quota)).where(alloc < sizes, -1.0)
            for g in spare.sort_values(ascending=False, kind="stable").index[:short]:
                alloc[g] += 1
        while alloc.sum() > n:  # the at-least-one rule overshot: trim the largest
            alloc[alloc.idxmax()] -= 1
        alloc = np.minimum(alloc, sizes)
        picks = []
        values = groups.to_numpy()
        for g, k in alloc.items():
            members = np.flatnonzero(values == g)
            picks.append(rng.choice(members, size=int(k), replace=False))
        chosen = np.sort(np.concatenate(picks)) if picks else np.arange(0)
    rows = pool.iloc[chosen]
    sheet = pd.DataFrame({"comment_id": rows["comment_id"].astype(str).to_numpy()})
    if "question_id" in rows.columns and rows["question_id"].notna().any():
        sheet["question_id"] = rows["question_id"].astype("string").to_numpy()
    sheet["drawn"] = AT_RANDOM if order is None else "by priority"
    sheet["text"] = rows["text"].astype("string").to_numpy()
    sheet["coder"] = ""
    sheet["notes"] = ""
    for code in frame.ids:
        sheet[code] = ""
    sheet[NONE_COLUMN] = ""
    return sheet


class UncodedRowsSkipped(UserWarning):
    """Rows of a coding sheet read as not coded yet, though every code column holds a 0: the sheet names
    its coders and these rows name none (0s filled down ahead of the coding)."""


class CodeframeTabEdited(UserWarning):
    """A coding workbook's ``codeframe`` tab differs from the codeframe it is read with: edits made
    there are not read (the codeframe file is)."""


def _codeframe_tab(frame: Codeframe) -> pd.DataFrame:
    """The codeframe as a coding workbook's ``codeframe`` tab shows it: one row per code, its version
    beside it, text a spreadsheet would run as a formula neutralised (see :func:`write_coding_sheet`)."""
    tab = frame.codes.assign(examples=frame.codes["examples"].map("; ".join), version=str(frame.version))
    return tab.map(_neutralise)


def _workbook_cells(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` as a workbook can hold it: control characters (a vertical tab pasted from Word, as in
    the NHS feedback) become spaces."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return table.map(lambda v: ILLEGAL_CHARACTERS_RE.sub(" ", v) if isinstance(v, str) else v)


def codeframe_tab_edits(tab: pd.DataFrame, frame: Codeframe) -> str:
    """What differs between a workbook's ``codeframe`` tab (as :func:`write_coding_sheet` writes it)
    and ``frame``, as one sentence ("" when nothing does): a code added or removed there, or a code's
    name, description or parent changed. A tab written for another version of the codeframe is not
    compared: the codeframe changed, not the tab.

    Examples
    --------
    >>> f = Codeframe(codes=_frame([{"code_id": "A", "name": "Waiting"}]))
    >>> codeframe_tab_edits(pd.DataFrame({"code_id": ["A"], "name": ["Waiting"]}), f)
    ''
    >>> codeframe_tab_edits(pd.DataFrame({"code_id": ["A", "B"], "name": ["Waits", "Fares"]}), f)
    "code B is not in the codeframe; code A's name is 'Waits' there, 'Waiting' in the codeframe"
    """
    if "code_id" not in tab.columns:
        return ""
    if "version" in tab.columns and set(tab["version"].astype(str).str.strip()) - {"", str(frame.version)}:
        return ""
    tab = tab.assign(code_id=tab["code_id"].astype(str).str.strip())
    tab = tab[tab["code_id"] != ""].drop_duplicates("code_id").set_index("code_id")
    codes = _workbook_cells(_codeframe_tab(frame)).set_index("code_id")
    found = [f"code {c} is not in the codeframe" for c in tab.index if c not in codes.index]
    found += [f"code {c} is missing there" for c in codes.index if c not in tab.index]
    for c in tab.index.intersection(codes.index):
        for what in ("name", "description", "parent"):
            if what in tab.columns:
                there, here = str(tab.at[c, what]).strip(), codes.at[c, what]
                here = "" if here is None or (isinstance(here, float) and np.isnan(here)) else str(here).strip()
                if there != here:
                    found.append(f"code {c}'s {what} is {there!r} there, {here!r} in the codeframe")
    return "; ".join(found)


def _row_list(rows: np.ndarray, most: int = 5) -> str:
    """Spreadsheet rows as a short list: "4, 5, 9 and 2 more"."""
    shown = ", ".join(str(int(r)) for r in rows[:most])
    return shown + (f" and {len(rows) - most:,} more" if len(rows) > most else "")


def drawn_at_random(hand: pd.DataFrame) -> np.ndarray:
    """Which rows of a read coding sheet (:func:`read_coding_sheet`) were not chosen by the active
    sampler: ``drawn`` says "at random", or is empty (a sheet made elsewhere, or the column deleted).

    Examples
    --------
    >>> drawn_at_random(pd.DataFrame({"drawn": ["at random", "for code T3", "", "At Random "]})).tolist()
    [True, False, True, True]
    """
    if "drawn" not in hand.columns:
        return np.ones(len(hand), dtype=bool)
    value = hand["drawn"].astype("string").fillna("").str.strip().str.lower()
    return value.isin({"", AT_RANDOM}).to_numpy()


def _neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_coding_sheet(sheet: pd.DataFrame, path: str | os.PathLike, *, frame: Codeframe | None = None) -> Path:
    """Write a coding sheet as ``.csv`` (UTF-8 with BOM, for Excel) or ``.xlsx`` (with the codeframe on a
    second sheet when ``frame`` is given). Response text that a spreadsheet would read as a formula is
    written as plain text; in ``.xlsx``, control characters a workbook cannot hold (a vertical tab
    pasted from Word, as in the NHS feedback) are written as spaces."""
    target = Path(path)
    suffix = target.suffix.lower()
    safe = sheet.copy()
    if "text" in safe.columns:
        safe["text"] = safe["text"].map(_neutralise)
    if suffix == ".csv":
        return atomic_write(target, lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig",
                                                            lineterminator="\n"))
    if suffix == ".xlsx":
        def write(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                _workbook_cells(safe).to_excel(xl, sheet_name="coding", index=False)
                if frame is not None:
                    _workbook_cells(_codeframe_tab(frame)).to_excel(xl, sheet_name="codeframe", index=False)
                for ws in xl.book.worksheets:
                    for row in ws.iter_rows():
                        for cell in row:
                            if cell.data_type == "f":  # never a formula: text from the public
                                cell.data_type = "s"
        return atomic_write(target, write)
    raise InputError(f"unsupported coding sheet type {suffix or '(none)'!r}; use .csv or .xlsx", path=target)


def _read_sheet_file(source: Path) -> pd.DataFrame:
    suffix = source.suffix.lower()
    if not source.is_file():
        raise InputError("coding sheet not found", path=source)
    if suffix == ".csv":
        try:
            # Excel in many European locales saves CSV with ";" (or a tab): the header says which
            with open(source, encoding="utf-8-sig", newline="") as f:
                header = f.readline()
            sep = max((",", ";", "\t"), key=lambda d: (header.count(d), d == ","))
            # blank lines kept (as empty rows): an error names the row a spreadsheet shows
            return pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=False,
                               sep=sep)
        except UnicodeDecodeError:
            raise not_utf8(source, what="the coding sheet") from None
        except (ValueError, OSError, pd.errors.ParserError) as exc:
            raise InputError(f"cannot read the coding sheet: {exc}", path=source) from None
    if suffix in (".xlsx", ".xlsm"):
        try:
            with pd.ExcelFile(source, engine="openpyxl") as book:  # the sheet named "coding", else the first
                name = next((n for n in book.sheet_names if n.strip().casefold() == "coding"), 0)
                table = pd.read_excel(book, sheet_name=name, dtype=str, keep_default_na=False)
                tab = next((n for n in book.sheet_names if n.strip().casefold() == "codeframe"), None)
                if tab is not None:  # the copy of the codeframe written beside the sheet, to compare
                    table.attrs["codeframe_tab"] = pd.read_excel(book, sheet_name=tab, dtype=str,
                                                                 keep_default_na=False)
                return table
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged workbook
            why = " ".join(str(exc).split()) or type(exc).__name__
            raise InputError(f"cannot read the coding sheet: this is not a readable {suffix} workbook ({why})",
                             path=source) from None
    raise InputError(f"unsupported coding sheet type {suffix or '(none)'!r}; use .csv or .xlsx", path=source)


def read_coding_sheet(path: str | os.PathLike, frame: Codeframe, *, comment_ids: Any = None,
                      sheet: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a filled coding sheet: the analysts' codes, one row per response and coder.

    Code columns hold a mark (``1``, ``x``, ``yes``, ``true``; blank, ``0`` or ``no`` for "does not
    apply"). Instead of code columns a sheet may have one ``codes`` column listing code ids or names
    separated by ``;``, ``,``, ``|``, ``/``, new lines or (ids) spaces. Rows with no mark at all are not
    coded yet and are skipped; a row whose every code column says ``0`` or ``no`` is coded "none",
    unless the sheet names coders and the row names none (0s filled down in Excel ahead of the coding:
    the row is skipped, with an :class:`UncodedRowsSkipped` warning, and listed in
    ``attrs["prefilled_rows"]``).
    Coders are told apart whatever the case and dots ("AB", "ab", "A.B."). Rows come back ordered by
    response, the analyst who coded most responses first where several coded one, whatever the
    sheet's order.

    Parameters
    ----------
    path : path
        The sheet (``.csv`` or ``.xlsx``), named in errors.
    frame : Codeframe
    comment_ids : iterable of str, optional
        The responses of the corpus; a row naming another id is an error.
    sheet : DataFrame, optional
        The sheet's content when already in memory (then ``path`` only names it in errors).

    Returns
    -------
    DataFrame
        ``comment_id``, ``coder`` (empty string when not given), ``row`` (the spreadsheet row),
        ``drawn`` (the sheet's own column: how the response came to be on it; empty when the sheet
        has none), then one 0/1 ``int8`` column per code id, in the codeframe's order. The ``none``
        mark is implied by a row of zeros.

    Raises
    ------
    InputError
        Naming the file and the spreadsheet row (the header is row 1): an unknown code column or
        code, a code of the codeframe without a column, a value that is not a mark, ``none`` marked
        with a code, a missing or unknown comment id, the same response twice from the same coder.

    Examples
    --------
    >>> f = Codeframe(codes=_frame([{"code_id": "A", "name": "a"}, {"code_id": "B", "name": "b"}]))
    >>> s = pd.DataFrame({"comment_id": ["c1", "c2", "c3"], "A": ["1", "", ""], "B": ["x", "", ""],
    ...                   "none": ["", "1", ""]})
    >>> read_coding_sheet("sheet.csv", f, sheet=s)[["comment_id", "A", "B"]].to_dict("records")
    [{'comment_id': 'c1', 'A': 1, 'B': 1}, {'comment_id': 'c2', 'A': 0, 'B': 0}]
    """
    source = Path(path)
    raw = _read_sheet_file(source) if sheet is None else sheet.astype(object).where(sheet.notna(), "")
    edits = codeframe_tab_edits(raw.attrs["codeframe_tab"], frame) if "codeframe_tab" in raw.attrs else ""
    if edits:
        warnings.warn(f"{source}: the workbook's codeframe tab was edited, but codes are read from codeframe "
                      f"version {frame.version} ({edits}): make the change in the codeframe file, bump its "
                      "version and pass it as the codeframe parameter", CodeframeTabEdited, stacklevel=2)
    raw = raw.rename(columns=lambda c: str(c).strip())
    raw = raw.loc[:, [not (c.startswith("Unnamed:") and (raw[c].astype(str).str.strip() == "").all())
                      for c in raw.columns]]
    codes = frame.ids
    by_lower = {c.lower(): c for c in codes}
    if "comment_id" not in raw.columns:
        raise InputError("the coding sheet has no comment_id column", path=source, row=1)
    listed = "codes" in raw.columns and "codes" not in codes
    known = {c.lower() for c in SHEET_COLUMNS} | {NONE_COLUMN, "codes" if listed else NONE_COLUMN}
    # Any other column the analysts added (or renamed) is a code the codeframe does not have, unless it
    # is empty or holds their notes ("Analyst comment").
    code_cols: dict[str, str] = {}
    for col in raw.columns:
        if col.lower() in by_lower:
            code_cols[col] = by_lower[col.lower()]
        elif (raw[col].astype(str).str.strip() == "").all() or re.search(r"(?i)\bnotes?\b|\bcomments?\b", col):
            continue
        elif col.lower() not in known and col not in SHEET_COLUMNS:
            raise InputError(f"column {col!r} is not a code of codeframe version {frame.version} "
                             f"(codes: {', '.join(codes)})", path=source, row=1)
    absent = [c for c in codes if c not in code_cols.values()]
    if absent and not listed:  # a deleted column would read as "does not apply" on every row
        raise InputError(f"the coding sheet has no column for code(s) {', '.join(absent)} of codeframe version "
                         f"{frame.version}: put the column back (blank where the code does not apply) or list "
                         "each row's codes in one 'codes' column", path=source, row=1)
    n = len(raw)
    marks = np.zeros((n, len(codes)), dtype=np.int8)
    position = {c: j for j, c in enumerate(codes)}
    by_name = {str(name).casefold(): c for c, name in zip(codes, frame.codes["name"], strict=True)}
    values = raw.astype(str).apply(lambda s: s.str.strip().str.lower())

    def mark(col: str) -> np.ndarray:
        v = values[col]
        bad = ~(v.isin(_YES) | v.isin(_NO))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"column {col!r}: {raw[col].iloc[i]!r} is not a mark (use 1 or x for 'applies', "
                             "leave blank otherwise)", path=source, row=i + 2)
        return v.isin(_YES).to_numpy()

    for col, code in code_cols.items():
        marks[:, position[code]] |= mark(col).astype(np.int8)
    listed_none = np.zeros(n, dtype=bool)  # "none" in the codes column: no code applies
    if listed:
        for i, cell in enumerate(raw["codes"].astype(str)):
            # ids or names, separated as people type lists in a cell: ; , | / or a new line; a piece that
            # is neither an id nor a name may be ids separated by spaces ("T1 T2")
            for part in re.split(r"[;,|/\n]", cell):
                piece = " ".join(part.split())
                if not piece:
                    continue
                tokens = [piece] if piece.casefold() in by_name or piece.lower() in by_lower else piece.split()
                for token in tokens:
                    if token.lower() == NONE_COLUMN:
                        listed_none[i] = True
                        continue
                    code = by_lower.get(token.lower()) or by_name.get(token.casefold())
                    if code is None:
                        raise InputError(f"unknown code {token!r} (codes of version {frame.version}: "
                                         f"{', '.join(codes)}, or their names; or {NONE_COLUMN} when no code "
                                         "applies)", path=source, row=i + 2)
                    marks[i, position[code]] = 1
    # every code column written "0" or "no" (not left blank): the analyst says no code applies, unless
    # the sheet names its coders and this row names none: then the 0s were filled down in Excel ahead of
    # the coding, and the row is not coded yet
    said_no = (np.column_stack([values[c].ne("").to_numpy() for c in code_cols]).all(axis=1)
               if code_cols else np.zeros(n, dtype=bool)) & (marks.sum(axis=1) == 0)
    named = (raw["coder"].astype(str).str.strip().ne("").to_numpy() if "coder" in raw.columns
             else np.zeros(n, dtype=bool))
    none = (mark(NONE_COLUMN) if NONE_COLUMN in raw.columns else np.zeros(n, dtype=bool)) | listed_none
    prefilled = said_no & ~none & ~named & named.any()
    none |= said_no & ~prefilled
    both = none & (marks.sum(axis=1) > 0)
    if both.any():
        i = int(np.flatnonzero(both)[0])
        raise InputError("'none' is marked together with a code", path=source, row=i + 2)
    coded = none | (marks.sum(axis=1) > 0)
    ids = raw["comment_id"].astype(str).str.strip()
    missing = coded & (ids == "").to_numpy()
    if missing.any():
        raise InputError("a coded row has no comment_id", path=source, row=int(np.flatnonzero(missing)[0]) + 2)
    if comment_ids is not None:
        unknown = coded & ~ids.isin({str(c) for c in comment_ids}).to_numpy()
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise InputError(f"comment_id {ids.iloc[i]!r} is not a response of this corpus", path=source, row=i + 2)
    coder = (raw["coder"].astype(str).str.strip() if "coder" in raw.columns else pd.Series([""] * n))
    # "AB", "ab" and "A.B." are one analyst, written as first seen
    key = coder.str.replace(".", "", regex=False).str.split().str.join("").str.casefold()
    coder = key.map(pd.Series(coder.to_numpy(), index=key.to_numpy()).groupby(level=0).first())
    drawn = (raw["drawn"].astype(str).str.strip() if "drawn" in raw.columns else pd.Series([""] * n))
    out = pd.DataFrame({"comment_id": ids.to_numpy(), "coder": coder.to_numpy(), "row": np.arange(2, n + 2),
                        "drawn": drawn.to_numpy(), "_key": key.to_numpy()})
    for j, code in enumerate(codes):
        out[code] = marks[:, j]
    out = out.loc[coded].reset_index(drop=True)
    if prefilled.any():
        rows = np.flatnonzero(prefilled) + 2
        warnings.warn(f"{source}: {len(rows):,} row(s) (rows {_row_list(rows)}) have 0 in every code column but no "
                      "coder: read as not coded yet. To code such a response 'none', put your initials under "
                      "coder (or 1 under none).", UncodedRowsSkipped, stacklevel=2)
    dup = out.duplicated(["comment_id", "_key"])
    if dup.any():
        r = out.loc[dup].iloc[0]
        who = f"coder {r['coder']!r}" if r["coder"] else "the same coder (give each analyst's initials under coder)"
        raise InputError(f"response {r['comment_id']!r} is coded twice by {who}", path=source, row=int(r["row"]))
    # Rows in an order the sheet's does not change (analysts sort in Excel): by response, and for a
    # response coded by several analysts, the one who coded most responses first (ties by initials):
    # that analyst's codes are the ones the machine learns and is checked against.
    lead = out["_key"].map(out["_key"].value_counts()).astype(np.int64)  # int even with no row coded
    out = (out.assign(_lead=-lead).sort_values(["comment_id", "_lead", "_key"], kind="stable")
           .drop(columns=["_key", "_lead"]).reset_index(drop=True))
    out.attrs["prefilled_rows"] = [int(r) for r in np.flatnonzero(prefilled) + 2]
    out.attrs["codeframe_tab_edits"] = edits
    return out
