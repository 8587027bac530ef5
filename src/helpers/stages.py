"""The pipeline's stages as functions, and the files they hand over through the run folder.

Each notebook calls one stage function, which reads its inputs from the run folder, computes, writes
its outputs there and returns them for display. Nothing passes between notebooks except these files,
so any notebook can be re-run on its own once the stages before it have run.

=====================  ===========  =====================================================
file                   written by   what it holds
=====================  ===========  =====================================================
comments.parquet       01_ingest    the canonical comments table (:mod:`helpers.schema`)
exclusions.parquet     01_ingest    every record read but not kept, with its reason
ingest.json            01_ingest    records read = kept + excluded, by reason and kind
overview.json          02_overview  counts, lengths, dates, threads, addressed names
campaigns.parquet      03_campaigns one row per comment: duplicate group, campaign, additions
campaign_summary...    03_campaigns one row per campaign: size, share, template, bursts
campaigns.json         03_campaigns submissions in campaigns, distinct content, parameters
themes.parquet         04_themes    one row per theme: label, terms, size, interval, quotes
theme_assignments...   04_themes    comment -> theme(s), weights; "not assigned" rows
themes.json            04_themes    number of themes, bounds, the selection curve, params
sentiment.parquet      05_sentiment one row per analysed comment: VADER scores and label
sentiment_by_theme...  05_sentiment per theme: mean compound with interval, label counts
sentiment.json         05_sentiment label counts, mean, the scoring parameters
codeframe.yaml         07_codeframe the codeframe used (drafted from the themes when none given)
coding_sheet.csv/.xlsx 07_codeframe responses for analysts to code next, empty code columns
codes.parquet          07_codeframe codes shaped like themes.parquet (machine coding only)
code_assignments...    07_codeframe comment -> code(s), shaped like theme_assignments
code_agreement...      07_codeframe per code: machine-analyst precision, recall, F1, kappa
sentiment_by_code...   07_codeframe tone per code, shaped like sentiment_by_theme
coding.json            07_codeframe sample sizes, agreement with 95% intervals, parameters
opinion_participants.. 06_opinion_groups  participant -> map position, votes, group (Polis-style)
opinion_groups.parquet 06_opinion_groups  one row per opinion group: size, share
opinion_statements...  06_opinion_groups  representative, consensus and divisive statements
opinions.json          06_opinion_groups  counts, number of groups and how chosen, parameters
coded_comments.csv     90_briefing  comment id, themes (or codes), sentiment (no personal data)
=====================  ===========  =====================================================
"""

from __future__ import annotations

import filecmp
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths
from .errors import ConfigError
from .schema import analysable, quotable, validate_comments, validate_exclusions
from .tables import read_json, read_table, write_json, write_table

__all__ = [
    "FILES",
    "output_path",
    "require",
    "load",
    "save",
    "ingest",
    "load_comments",
    "question_wordings",
    "with_wording",
    "consultation_tables",
    "read_comments_table",
    "analysed_comments",
    "overview",
    "campaigns",
    "themes",
    "theme_comments",
    "sentiment",
    "coded_table",
    "codeframe",
    "opinions",
    "DEPENDS_ON",
    "ANALYST_FILES",
    "downstream",
    "remove_stale",
    "run_folder",
    "StaleResultsRemoved",
]

#: name -> (file name, notebook that writes it)
FILES: dict[str, tuple[str, str]] = {
    "comments": ("comments.parquet", "01_ingest"),
    "exclusions": ("exclusions.parquet", "01_ingest"),
    "votes": ("votes.parquet", "01_ingest"),
    "respondents": ("respondents.parquet", "01_ingest"),
    "ingest": ("ingest.json", "01_ingest"),
    "overview": ("overview.json", "02_overview"),
    "themes": ("themes.parquet", "04_themes"),
    "theme_assignments": ("theme_assignments.parquet", "04_themes"),
    "theme_model": ("themes.json", "04_themes"),
    "sentiment": ("sentiment.parquet", "05_sentiment"),
    "sentiment_by_theme": ("sentiment_by_theme.parquet", "05_sentiment"),
    "sentiment_notes": ("sentiment.json", "05_sentiment"),
    "campaign_members": ("campaigns.parquet", "03_campaigns"),
    "campaigns": ("campaign_summary.parquet", "03_campaigns"),
    "campaign_notes": ("campaigns.json", "03_campaigns"),
    "codeframe": ("codeframe.yaml", "07_codeframe"),
    "coding_sheet": ("coding_sheet.csv", "07_codeframe"),
    "coding_sheet_xlsx": ("coding_sheet.xlsx", "07_codeframe"),
    "codes": ("codes.parquet", "07_codeframe"),
    "code_assignments": ("code_assignments.parquet", "07_codeframe"),
    "code_agreement": ("code_agreement.parquet", "07_codeframe"),
    "sentiment_by_code": ("sentiment_by_code.parquet", "07_codeframe"),
    "coding_notes": ("coding.json", "07_codeframe"),
    "opinion_participants": ("opinion_participants.parquet", "06_opinion_groups"),
    "opinion_groups": ("opinion_groups.parquet", "06_opinion_groups"),
    "opinion_statements": ("opinion_statements.parquet", "06_opinion_groups"),
    "opinions": ("opinions.json", "06_opinion_groups"),
    "coded": ("coded_comments.csv", "90_briefing"),
}


#: The notebooks whose hand-over files each notebook reads. When a notebook writes its files, every
#: file of the notebooks that read them, directly or not, is removed (see :func:`save`): re-running
#: ``04_themes`` by hand with other parameters leaves no tone-by-theme table of the old themes for
#: the briefing to mix in, and running ``03_campaigns`` after ``04_themes`` makes ``04_themes`` run
#: again (its themes were learned without knowing the campaigns).
DEPENDS_ON: dict[str, frozenset[str]] = {
    "01_ingest": frozenset(),
    "02_overview": frozenset({"01_ingest"}),
    "03_campaigns": frozenset({"01_ingest"}),
    "04_themes": frozenset({"01_ingest", "03_campaigns"}),
    "05_sentiment": frozenset({"01_ingest", "03_campaigns", "04_themes"}),
    "06_opinion_groups": frozenset({"01_ingest"}),
    "07_codeframe": frozenset({"01_ingest", "03_campaigns", "04_themes", "05_sentiment"}),
    "90_briefing": frozenset({"01_ingest", "02_overview", "03_campaigns", "04_themes", "05_sentiment",
                              "06_opinion_groups", "07_codeframe"}),
}
#: Files analysts edit (the codeframe and the coding sheets): never removed as stale; ``07_codeframe``
#: keeps an edited or filled-in copy before writing a new one (:func:`helpers.coding.keep_analysts_files`).
ANALYST_FILES = frozenset({"codeframe", "coding_sheet", "coding_sheet_xlsx"})
#: What the runner renders from ``90_briefing``: stale with its hand-over files.
BRIEFING_PAGES = ("briefing.html", "briefing.pdf")


def downstream(notebook: str) -> set[str]:
    """The notebooks that read ``notebook``'s files, directly or through another notebook.

    Examples
    --------
    >>> sorted(downstream("04_themes"))
    ['05_sentiment', '07_codeframe', '90_briefing']
    """
    found: set[str] = set()
    frontier = {notebook}
    while frontier:
        frontier = {nb for nb, needs in DEPENDS_ON.items() if needs & frontier} - found
        found |= frontier
    return found


class StaleResultsRemoved(UserWarning):
    """Files made from a notebook's old results were removed when it wrote new ones (see :func:`save`)."""


def remove_stale(run: str | os.PathLike, notebook: str) -> list[str]:
    """Remove the files of every notebook downstream of ``notebook`` (but analysts' files): they were
    made from what ``notebook`` is rewriting. Returns the file names removed."""
    stale = downstream(notebook)
    names = [file for key, (file, nb) in FILES.items() if nb in stale and key not in ANALYST_FILES]
    if "90_briefing" in stale:
        names += BRIEFING_PAGES
    removed = []
    for name in names:
        path = run_folder(run) / name
        if path.is_file():
            path.unlink()
            removed.append(name)
    return removed


def _remove_stale_and_say(run: str | os.PathLike, notebook: str) -> None:
    """:func:`remove_stale`, with a :class:`StaleResultsRemoved` warning naming what went and what to run
    again (a researcher re-running one notebook in JupyterLab sees it under the cell)."""
    removed = remove_stale(run, notebook)
    if removed:
        again = sorted({FILES[_BY_FILE_NAME[f]][1] if f in _BY_FILE_NAME else "90_briefing" for f in removed})
        warnings.warn(f"{notebook} wrote new results, so the files made from its old ones were removed "
                      f"({', '.join(removed)}): run {_and(again)} again, or `make report`",
                      StaleResultsRemoved, stacklevel=4)  # the line that called the stage


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def run_folder(run: str | os.PathLike) -> Path:
    """``run`` as given, or, when that is a relative path that does not exist from here but does from
    the project root (a notebook's working folder is ``notebooks/``), from the project root."""
    folder = Path(run)
    if not folder.is_absolute() and not folder.exists() and paths.resolve(folder).exists():
        return paths.resolve(folder)
    return folder


_BY_FILE_NAME = {file: key for key, (file, _) in FILES.items()}


def _key(name: str) -> str:
    """The key of :data:`FILES` for ``name``, a key or a file name."""
    key = name if name in FILES else _BY_FILE_NAME.get(name)
    if key is None:
        raise ConfigError(f"no hand-over file called {name!r}; the run folder holds: {', '.join(FILES)} "
                          "(or their file names, such as themes.parquet)")
    return key


def output_path(run: str | os.PathLike, name: str) -> Path:
    """Where the hand-over file ``name`` (a key of :data:`FILES`, or its file name) lives in the run folder.

    Examples
    --------
    >>> output_path("reports/x", "themes").name, output_path("reports/x", "themes.json").name
    ('themes.parquet', 'themes.json')
    """
    return run_folder(run) / FILES[_key(name)][0]


def require(run: str | os.PathLike, name: str) -> Path:
    """The path of ``name``, or a clear error saying which notebook to run first."""
    path = output_path(run, name)
    if not path.parent.is_dir():
        raise ConfigError("no such run folder: check the path (a run folder is made by notebook 01_ingest or "
                          "`python -m helpers run`)", path=str(run))
    if not path.is_file():
        file, notebook = FILES[_key(name)]
        raise ConfigError(
            f"{file} is missing: run notebook {notebook} first (or `make report`)",
            path=paths.relative_to_root(path.parent),
        )
    return path


def load(run: str | os.PathLike, name: str) -> Any:
    """Read a hand-over file: a DataFrame for tables, a dict for JSON.

    ``name`` is a key of :data:`FILES` ("comments", "themes", "theme_model", "sentiment", ...) or its
    file name ("themes.parquet"). A clear error says which notebook to run when the file is missing.

    Examples
    --------
    >>> themes = load("reports/obama-toolkit", "themes")  # doctest: +SKIP
    >>> themes[["theme_id", "label", "size"]]  # doctest: +SKIP
    """
    path = require(run, name)
    return read_json(path) if path.suffix == ".json" else read_table(path)


def save(run: str | os.PathLike, name: str, value: Any) -> Path:
    """Write a hand-over file atomically; when it is new or its content changes, first remove the files
    made from the old one (:func:`remove_stale`, with a :class:`StaleResultsRemoved` warning naming
    them). Writing the same bytes again, as a notebook run again with the same parameters does, keeps
    them: they are still what the file gives."""
    path = output_path(run, name)
    notebook = FILES[_key(name)][1]
    write = write_json if path.suffix == ".json" else write_table
    if not path.is_file():
        _remove_stale_and_say(run, notebook)
        return write(value, path)
    fresh = path.with_name(f".{path.stem}.new{path.suffix}")
    try:
        write(value, fresh)
        if not filecmp.cmp(fresh, path, shallow=False):
            _remove_stale_and_say(run, notebook)
            os.replace(fresh, path)
    finally:
        fresh.unlink(missing_ok=True)
    return path


# --- 01 ingest ---------------------------------------------------------------------------------

def ingest(run: str | os.PathLike, *, source: str, format: str = "", text_column: str = "",
           id_column: str = "", columns: dict | None = None, kind: str = "comment",
           timezone: str = "UTC", question_map: str = "", sheet: str = "", encoding: str = "",
           engine: str = "pandas", dask_scheduler: str = "local"):
    """Read ``source`` with the named (or detected) reader and write the comments, exclusions and
    summary to the run folder. Empty-string options mean "not set".

    ``engine`` ("pandas" or "dask") and ``dask_scheduler`` ("local" or ``tcp://HOST:PORT``) choose
    where the row-local steps of this and the campaigns, themes and sentiment stages run
    (:mod:`helpers.dask_engine`); the outputs are the same either way.

    Returns
    -------
    helpers.ingest.IngestResult
    """
    from .dask_engine import get_engine

    options = {"format": format, "text_column": text_column, "id_column": id_column, "columns": columns or None,
               "question_map": paths.resolve(question_map) if question_map else None,
               "sheet": sheet, "encoding": encoding}
    result = get_engine(engine, dask_scheduler).read(
        paths.resolve(source), kind=kind, timezone=timezone, **{k: v for k, v in options.items() if v}
    )
    # Record where rows came from relative to the project, so tables do not depend on the clone's path.
    result.source = paths.relative_to_root(paths.resolve(source))
    for table in (result.comments, result.exclusions, result.votes, result.respondents):
        if table is not None and "source" in table.columns:
            portable = {s: paths.relative_to_root(s) for s in table["source"].dropna().unique()}
            table["source"] = table["source"].map(portable).astype("string")
    save(run, "comments", result.comments)
    save(run, "exclusions", result.exclusions)
    for name in ("votes", "respondents"):
        table = getattr(result, name)
        stale = output_path(run, name)
        if table is not None:
            save(run, name, table)
        elif stale.exists():  # a previous run of another source left one behind
            stale.unlink()
    summary = result.summary()
    summary["parameters"] = {"source": result.source, "format": result.format, "text_column": text_column,
                             "id_column": id_column, "columns": columns or {}, "kind": kind, "timezone": timezone,
                             "question_map": question_map, "sheet": sheet, "encoding": encoding}
    save(run, "ingest", summary)
    return result


def calendar_zone(ingest: dict) -> str:
    """The zone whose calendar dates are read in (days, months, "dated 24 May 2016"), from an
    ``ingest.json``: the source publisher's (``timezone``: UK time for Parliament's petitions), else the
    run's ``timezone`` parameter, else UTC. Timestamps are stored in UTC; a day is the publisher's.

    >>> calendar_zone({"timezone": "Europe/London"}), calendar_zone({"parameters": {"timezone": "Asia/Tokyo"}})
    ('Europe/London', 'Asia/Tokyo')
    >>> calendar_zone({}), calendar_zone({"timezone": "Mars/Olympus"})  # an old run folder's unknown zone
    ('UTC', 'UTC')
    """
    zone = str(ingest.get("timezone") or (ingest.get("parameters") or {}).get("timezone") or "UTC")
    try:
        pd.Timestamp(0, tz=zone)
    except Exception:  # noqa: BLE001 -- not a zone this machine knows: UTC, as stored
        return "UTC"
    return zone


def run_timezone(run: str | os.PathLike) -> str:
    """:func:`calendar_zone` of the run's ``ingest.json``."""
    return calendar_zone(load(run, "ingest"))


def question_wordings(run: str | os.PathLike) -> dict[str, str]:
    """Each question's id and wording as the source words it (``ingest.json``; empty for a source with
    no questions), to label breakdowns by question or by closed answer with the question itself."""
    return {str(q["id"]): str(q.get("text") or "") for q in load(run, "ingest").get("questions") or []}


def with_wording(run: str | os.PathLike, question_ids) -> list[str]:
    """Question ids labelled with their wording ("q1: What do you think of ...?"), or as they are where
    the source words none."""
    wordings = question_wordings(run)
    return [f"{q}: {wordings[q]}" if wordings.get(q) else q for q in map(str, question_ids)]


def consultation_tables(run: str | os.PathLike) -> list[tuple[str, pd.DataFrame]]:
    """A consultation's questions (id, kind, wording), its respondents by type and each closed
    question's answers (every respondent once; campaign senders are told apart in the briefing), as
    (caption, table) pairs; empty for a source without questions or respondents."""
    questions = pd.DataFrame(load(run, "ingest").get("questions") or [])
    out = [("Questions", questions.rename(columns={"id": "question", "text": "wording"}))] if len(questions) else []
    respondents = load(run, "respondents") if output_path(run, "respondents").is_file() else None
    if respondents is None or not len(respondents):
        return out
    if "respondent_type" in respondents.columns:
        types = respondents["respondent_type"].fillna("Not stated").value_counts().rename_axis("type")
        out.append(("Respondents by type", types.rename("respondents").reset_index()))
    closed = questions.loc[questions["kind"] == "closed", "id"] if "kind" in questions.columns else []
    for q, label in zip(closed, with_wording(run, closed), strict=True):
        if q in respondents.columns:
            answers = respondents[q].fillna("(no answer)").value_counts().rename_axis("answer")
            out.append((label, answers.rename("respondents").reset_index()))
    return out


def load_comments(run: str | os.PathLike) -> pd.DataFrame:
    """The validated comments table of the run."""
    return validate_comments(load(run, "comments"), source=str(output_path(run, "comments")))


def read_comments_table(path: str | os.PathLike) -> pd.DataFrame:
    """A comments table file as ``python -m helpers ingest`` writes it (.parquet or .csv), validated.

    Raises :class:`helpers.errors.SchemaError` naming the file and row when it is not one.
    """
    return validate_comments(read_table(path), source=str(path))


def load_exclusions(run: str | os.PathLike) -> pd.DataFrame:
    """The validated exclusions log of the run."""
    return validate_exclusions(load(run, "exclusions"), source=str(output_path(run, "exclusions")))


def analysed_comments(comments: pd.DataFrame) -> pd.DataFrame:
    """The rows text analysis reads (see :func:`helpers.schema.analysable`), in table order.

    Idempotent, and cheap on a table that is already just those rows (a shallow copy: with pandas'
    copy-on-write no data is copied, and changing the result leaves the table given unchanged).
    """
    mask = analysable(comments)
    if mask.all() and isinstance(comments.index, pd.RangeIndex) and comments.index.start == 0 \
            and comments.index.step == 1:
        return comments.copy(deep=False)
    return comments.loc[mask].reset_index(drop=True)


# --- 02 overview -------------------------------------------------------------------------------

def overview(run: str | os.PathLike, *, comments: pd.DataFrame | None = None,
             words: pd.Series | None = None) -> dict:
    """Describe the corpus (:mod:`helpers.overview`) and write ``overview.json``.

    ``comments``, when given, is the run's comments table already loaded (:func:`load_comments`), so a
    notebook that shows it too does not read a million rows twice; ``words``, its texts' word counts
    (:func:`helpers.overview.word_counts`) likewise. O(total characters).
    """
    from . import overview as ov

    comments = load_comments(run) if comments is None else comments
    exclusions = load_exclusions(run)
    authors = comments["author"].dropna()
    ingest_notes = load(run, "ingest")
    result = {
        "ingest": ingest_notes,
        "by_kind": ov.counts_by_kind(comments).to_dict("records"),
        "lengths": ov.length_summary(comments, words).to_dict("records"),
        "dates": ov.date_summary(comments, timezone=calendar_zone(ingest_notes)),
        "threads": ov.thread_summary(comments),
        "authors": {"n_with_author": int(len(authors)), "n_distinct": int(authors.nunique())},
        "addressed": ov.addressed_names(comments).to_dict("records"),
        "exclusions_by_reason": {str(k): int(v) for k, v in exclusions["reason"].value_counts().sort_index().items()},
        "n_analysed": int(analysable(comments).sum()),
    }
    save(run, "overview", result)
    return result


# --- 03 campaigns ------------------------------------------------------------------------------

def campaigns(run: str | os.PathLike, *, shingle_size: int | None = None, threshold: float | None = None,
              min_campaign_size: int | None = None, min_words: int | None = None, random_state: int = 0,
              engine: str = "pandas", dask_scheduler: str = "local", comments: pd.DataFrame | None = None):
    """Find exact duplicates and organised campaigns (:func:`helpers.campaigns.detect_campaigns`) and
    write the per-comment membership, the per-campaign summary and the counts.

    Options left as None take :data:`helpers.campaigns.DEFAULTS`; ``engine`` and ``dask_scheduler``: see
    :func:`ingest`; ``comments``: the run's comments table when already loaded (:func:`overview`).

    Returns
    -------
    (members DataFrame, campaigns DataFrame, notes dict)
    """
    from .campaigns import DEFAULTS, campaign_counts
    from .dask_engine import get_engine

    given = {"shingle_size": shingle_size, "threshold": threshold, "min_campaign_size": min_campaign_size,
             "min_words": min_words}
    options = {k: DEFAULTS[k] if v is None else v for k, v in given.items()}
    comments = load_comments(run) if comments is None else comments
    members, table = get_engine(engine, dask_scheduler).detect_campaigns(comments, random_state=random_state,
                                                                         **options)
    notes = {
        **campaign_counts(comments, members, table),
        "time_resolution": table.attrs["time_resolution"],
        "parameters": table.attrs["parameters"],
    }
    table.attrs.clear()
    save(run, "campaign_members", members)
    save(run, "campaigns", table)
    save(run, "campaign_notes", notes)
    return members, table, notes


# --- 04 themes ---------------------------------------------------------------------------------

CONTENT_VIEWS = ("deduplicated", "all")
#: The fewest analysed comments themes are learned from; with fewer (a single petition, say) the
#: themes stage writes no themes and says why, and the rest of the run goes on.
MIN_THEME_TEXTS = 2


def _content(run: str | os.PathLike, comments: pd.DataFrame, content: str):
    """The de-duplicated content units and links (:func:`helpers.campaigns.content_units`) when
    ``content`` asks for them and the campaigns stage has run; else (None, None)."""
    if content not in CONTENT_VIEWS:
        raise ConfigError(f"content must be one of {', '.join(CONTENT_VIEWS)}, not {content!r}")
    if not output_path(run, "campaign_members").is_file():
        return None, None
    from .campaigns import content_units

    return content_units(comments, load(run, "campaign_members"))


def _copies_of(run: str | os.PathLike, comments: pd.DataFrame):
    """One label per comment for :func:`helpers.themes.summarise_themes`: the members of a campaign
    share one, and so do the copies of a text sent word for word more than once; -1 for the rest (and
    for every comment when the campaigns stage has not run)."""
    if not output_path(run, "campaign_members").is_file():
        return None
    members = load(run, "campaign_members").set_index("comment_id")
    copied = members["n_copies"] > 1
    key = members["campaign_id"].astype("object").where(members["campaign_id"].notna(),
                                                        ("copy " + members["duplicate_group"].astype(str)).where(copied))
    codes, _ = pd.factorize(comments["comment_id"].map(key.dropna()), use_na_sentinel=True)
    return codes


def themes(run: str | os.PathLike, *, n_themes: int = 0, random_state: int = 0, n_quotes: int = 3,
           assign_threshold: float = 0.2, method: str = "nmf", content: str = "deduplicated",
           engine: str = "pandas", dask_scheduler: str = "local", comments: pd.DataFrame | None = None,
           stop_words: Sequence[str] = ()):
    """Fit the theme model on the analysed comments and write the themes, assignments and model notes.

    ``method`` is ``"nmf"`` (TF-IDF + NMF, the default) or ``"embeddings"`` (MiniLM sentence embeddings
    and k-means; needs the ``embeddings`` extra): see :func:`helpers.themes.make_theme_model`.

    ``content`` is what the model learns from when the campaigns stage has run: ``"deduplicated"``
    (each campaign's template once, its members' personal additions as texts of their own, every
    other response as itself), so a letter sent ten thousand times does not dictate the themes; or
    ``"all"`` (every submission). Either way every submission is then assigned to themes and counted
    (``size``), and the themes table also counts the de-duplicated content (``content_size``,
    ``content_share``: each campaign once).

    With ``engine="dask"`` (see :func:`ingest`) the model is fitted here and every text's theme
    weights are computed in partitions on the cluster.

    ``comments``, when given, is the run's comments table, or its analysed rows
    (:func:`analysed_comments`), already loaded: a notebook that shows them too reads them once.

    ``stop_words`` are more words no theme is built on, such as the consultation's own subject
    ("franchising" in a consultation on bus franchising): a word nearly every response uses for the
    subject otherwise makes a catch-all theme of everything that names it.

    Returns
    -------
    (ThemeModel, themes DataFrame, assignments DataFrame, notes dict)
        With fewer than :data:`MIN_THEME_TEXTS` analysed comments there is no model (None), no
        theme, every comment is "not assigned", and ``notes["too_few"]`` says why.
    """
    from .dask_engine import get_engine
    from .themes import content_sizes, make_theme_model, no_themes, reuse_fitted_weights, summarise_themes

    runner = get_engine(engine, dask_scheduler)
    comments = analysed_comments(load_comments(run) if comments is None else comments)
    stop_words = tuple(w for phrase in stop_words for w in str(phrase).lower().split())  # "bus franchising": both
    parameters = {"n_themes": n_themes, "random_state": random_state, "n_quotes": n_quotes,
                  "assign_threshold": assign_threshold, "method": method, "content": content,
                  **({"stop_words": list(stop_words)} if stop_words else {})}
    if len(comments) < MIN_THEME_TEXTS:  # nothing to compare: no themes, every comment "not assigned"
        make_theme_model(method, n_themes=n_themes, random_state=random_state,
                         assign_threshold=assign_threshold)  # the parameters are still checked
        table, assignments = no_themes(comments)
        notes = {"n_analysed": int(len(comments)), "n_themes": 0, "chosen_automatically": n_themes == 0,
                 "bounds": [0, 0], "k_scores": [], "n_not_assigned": int(len(comments)), "method": method,
                 "fitted_on": "none", "n_content_units": None, "parameters": parameters,
                 "too_few": f"Themes need at least {MIN_THEME_TEXTS} comments with text; this corpus has {len(comments)}."}
        save(run, "themes", table)
        save(run, "theme_assignments", assignments)
        save(run, "theme_model", notes)
        return None, table, assignments, notes
    model = make_theme_model(method, n_themes=n_themes, random_state=random_state,
                             assign_threshold=assign_threshold, extra_stop_words=stop_words)
    units, links = _content(run, comments, content)
    dedup = units is not None and content == "deduplicated" and len(units) >= 2
    fitted_texts = units["text"] if dedup else comments["text"]
    fitted = model.fit(fitted_texts).doc_weights_

    def weights(texts):  # a text the model was fitted on keeps its weights; the others are transformed
        return reuse_fitted_weights(texts, fitted_texts, fitted, lambda rest: runner.transform(model, rest))

    if dedup:  # every submission's weights from the model learned on the distinct content
        model.doc_weights_ = weights(comments["text"])
    respondents = load(run, "respondents") if output_path(run, "respondents").is_file() else None
    table, assignments = summarise_themes(model, comments, n_quotes=n_quotes,
                                          quotable=quotable(comments, respondents)[0].to_numpy(bool),
                                          copies_of=_copies_of(run, comments))
    if units is not None:
        sizes = content_sizes(fitted if dedup else weights(units["text"]), model.doc_weights_,
                              units["unit_id"], comments["comment_id"], links, model.assign_threshold)
        table["content_size"] = [int(sizes[t]) for t in table.attrs["model_order"]]  # rows in size order
        table["content_share"] = table["content_size"] / len(units)
    lo, hi = model.bounds_
    notes = {
        "n_analysed": int(len(comments)),
        "n_themes": int(model.n_themes_),
        "chosen_automatically": n_themes == 0,
        "bounds": [int(lo), int(hi)],
        "k_scores": model.k_scores_.to_dict("records"),
        "n_not_assigned": int(assignments["theme_id"].isna().sum()),
        "method": method,
        "fitted_on": "deduplicated" if dedup else "all",
        "n_content_units": int(len(units)) if units is not None else None,
        "n_content_additions": int((units["kind"] == "addition").sum()) if units is not None else None,
        "parameters": parameters,
    }
    save(run, "themes", table)
    save(run, "theme_assignments", assignments)
    save(run, "theme_model", notes)
    return model, table, assignments, notes


def theme_comments(run: str | os.PathLike, theme_id: int) -> pd.DataFrame:
    """Every comment in one theme (or code, after machine coding), most typical first: for a researcher
    reading a theme in full, or exporting it (``.to_csv(...)``).

    Returns
    -------
    DataFrame
        ``comment_id``, ``weight`` (the comment's weight on the theme), ``is_main`` (whether it is the
        comment's main theme), and the comment's ``text`` and, where the source has them,
        ``question_id``, ``respondent_type`` and ``created_at``. Raw text: it may hold personal data.

    Examples
    --------
    >>> theme_comments("reports/obama-toolkit", 1)[["comment_id", "weight"]]  # doctest: +SKIP
    """
    coded = output_path(run, "codes").is_file()
    themes = load(run, "codes" if coded else "themes")
    if int(theme_id) not in set(themes["theme_id"].astype(int)):
        raise ConfigError(f"no theme {theme_id!r}: this run's are {', '.join(map(str, sorted(themes['theme_id'])))}",
                          path=paths.relative_to_root(Path(run)))
    assigned = load(run, "code_assignments" if coded else "theme_assignments")
    members = assigned[assigned["theme_id"].eq(int(theme_id)).fillna(False).to_numpy(bool)]
    comments = load_comments(run)
    columns = ["comment_id", "text"] + [c for c in ("question_id", "respondent_type", "created_at")
                                        if c in comments.columns and comments[c].notna().any()]
    out = members[["comment_id", "weight", "is_main"]].merge(comments[columns], on="comment_id", how="left")
    return out.sort_values(["weight", "comment_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --- 05 sentiment ------------------------------------------------------------------------------

def positions_and_evidence(texts: pd.Series, *, proposal_terms: Sequence[str] = ()) -> pd.DataFrame:
    """What each text says its position on the proposal is (:func:`helpers.stance.stated_positions`) and
    the evidence it gives (:func:`helpers.evidence.evidence`), indexed 0..n-1 like a scores table: the
    columns the sentiment stage and the ``sentiment`` command add to the tone scores."""
    from .evidence import evidence
    from .stance import stated_positions

    texts = texts.reset_index(drop=True)
    return stated_positions(texts, proposal_terms=proposal_terms).join(evidence(texts))


def sentiment(run: str | os.PathLike, *, unit: str = "sentence", content: str = "deduplicated",
              engine: str = "pandas", dask_scheduler: str = "local", comments: pd.DataFrame | None = None,
              proposal_terms: Sequence[str] = ()):
    """VADER scores per analysed comment and per theme, and the position each comment states on the
    proposal in so many words; writes both tables.

    Every submission is scored. When the campaigns stage has run and ``content`` is
    ``"deduplicated"``, the notes also give the tone of the de-duplicated content
    (``content_label_counts``, ``content_mean_compound``): each campaign's template once, its members'
    personal additions as texts of their own, every other distinct text once.

    ``engine`` and ``dask_scheduler``: see :func:`ingest` (with Dask, comments are scored in partitions);
    ``comments``: as in :func:`themes`.

    Evidence (:func:`helpers.evidence.evidence`): the scores' ``evidence`` (figures, examples,
    experience, suggestions found, joined by ";"), ``evidence_rich`` and ``evidence_cue`` columns; the
    notes' ``evidence_counts`` over every submission and ``content_evidence_counts`` with each campaign's
    letter once.

    Stated positions (:func:`helpers.stance.stated_positions`, ``proposal_terms`` naming the proposal
    beside the generic "proposal", "rule", "plan"...) are the scores' ``position`` and
    ``position_cue`` columns (the sentence as written: it may hold personal data, as ``comments.parquet``
    does); the notes hold ``position_counts`` over every submission, ``content_position_counts`` with each
    campaign's letter once (its senders' additions left out) and ``position_by_tone`` (how
    many stating each position read as positive, neutral or negative: a polite letter of opposition
    reads positive).

    The notes also hold ``negative_terms`` (:func:`helpers.sentiment.negative_terms`: what the texts
    scored negative mention more than the others, each with up to five of them as ``examples``,
    comment ids, most negative first), read over the distinct texts (each campaign's letter once),
    ``n_negative_distinct`` of them negative.

    Returns
    -------
    (scores DataFrame, by-theme DataFrame, notes dict)
    """
    from .dask_engine import get_engine
    from .evidence import evidence_counts
    from .sentiment import NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD, negative_terms, sentiment_by_group
    from .stance import POSITIONS, position_counts

    score_comments = get_engine(engine, dask_scheduler).score_comments
    comments = analysed_comments(load_comments(run) if comments is None else comments)
    units, _ = _content(run, comments, content)
    dedup = units is not None and content == "deduplicated"
    # the personal additions are scored in the same call, so sentences they share with the comments
    # are scored once; each row's score depends only on its own text
    frame = comments[["comment_id", "text"]]
    if dedup:
        additions = units.loc[units["kind"] == "addition", ["unit_id", "text"]]
        additions = additions.rename(columns={"unit_id": "comment_id"}).astype(frame.dtypes.to_dict())
        frame = pd.concat([frame, additions], ignore_index=True)
    scored = score_comments(frame, unit=unit)
    scores = scored.iloc[:len(comments)].reset_index(drop=True)
    # positions of the submissions only: an addition's "I support this" means the letter it was added to
    scores = scores.join(positions_and_evidence(comments["text"], proposal_terms=proposal_terms))
    assignments = load(run, "theme_assignments")
    by_theme = sentiment_by_group(scores, assignments.dropna(subset=["theme_id"]), group="theme_id")
    counts = scores["label"].value_counts()
    by_tone = pd.crosstab(scores["position"], scores["label"])
    notes = {
        "n_scored": int(len(scores)),
        "label_counts": {k: int(counts.get(k, 0)) for k in ("positive", "neutral", "negative")},
        "mean_compound": float(scores["compound"].mean()) if len(scores) else None,
        "position_counts": position_counts(scores["position"]),
        "evidence_counts": evidence_counts(scores),
        "position_by_tone": {p: {k: int(by_tone.at[p, k]) if p in by_tone.index and k in by_tone.columns else 0
                                 for k in ("positive", "neutral", "negative")} for p in POSITIONS},
        "parameters": {"unit": unit, "implementation": "vaderSentiment (reference VADER)",
                       "thresholds": [NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD], "content": content,
                       "proposal_terms": list(proposal_terms)},
    }
    if dedup:
        own = scores.set_index("comment_id")
        extra = scored.iloc[len(comments):].set_index("comment_id")
        letters = own.loc[units.loc[units["kind"] != "addition", "unit_id"],
                          ["compound", "label", "position", "evidence", "evidence_rich"]]
        unit_scores = pd.concat([letters[["compound", "label"]], extra[["compound", "label"]]])
        c = unit_scores["label"].value_counts()
        notes["content_n_scored"] = int(len(unit_scores))
        # positions with each campaign's letter once, its senders' additions left out: "I support this"
        # added to a letter urging rejection means the letter
        notes["content_position_counts"] = position_counts(letters["position"])
        notes["content_evidence_counts"] = evidence_counts(letters)
        notes["content_label_counts"] = {k: int(c.get(k, 0)) for k in ("positive", "neutral", "negative")}
        notes["content_mean_compound"] = float(unit_scores["compound"].mean()) if len(unit_scores) else None
    # What the criticism is about: terms typical of the negative texts, each campaign's letter and each
    # text sent word for word counted once, with the most negative texts using each as examples
    copies = _copies_of(run, comments)  # campaigns, and texts sent word for word more than once
    once = (~comments["text"].duplicated().to_numpy(bool) if copies is None
            else (copies < 0) | ~pd.Series(copies).duplicated().to_numpy(bool))
    distinct = scores.loc[once].reset_index(drop=True)
    terms = negative_terms(comments["text"].loc[once], distinct["label"].eq("negative"), order=distinct["compound"])
    notes["negative_terms"] = [{**r, "examples": [str(distinct["comment_id"].iloc[i]) for i in r["examples"]]}
                               for r in terms.to_dict("records")]
    notes["n_negative_distinct"] = int(distinct["label"].eq("negative").sum())
    save(run, "sentiment", scores)
    save(run, "sentiment_by_theme", by_theme)
    save(run, "sentiment_notes", notes)
    return scores, by_theme, notes


# --- 07 codeframe ------------------------------------------------------------------------------

def codeframe(run: str | os.PathLike, *, codeframe: str = "", coded_sample: str = "", n_sample: int = 200,
              n_to_code: int = 100, random_state: int = 0, n_quotes: int = 3, features: str = "tfidf") -> dict:
    """Codeframe, coding sheet and, given a coded sample, machine coding with measured agreement
    (:func:`helpers.coding.run_coding`). Empty strings mean "not given".

    Returns
    -------
    dict
        The notes written to ``coding.json``, plus the tables under ``"tables"``.
    """
    from .coding import run_coding

    return run_coding(run, codeframe=codeframe, coded_sample=coded_sample, n_sample=n_sample,
                      n_to_code=n_to_code, random_state=random_state, n_quotes=n_quotes, features=features)


# --- 06 opinion groups ------------------------------------------------------------------------

def opinions(run: str | os.PathLike, *, min_votes: int = 7, max_groups: int = 5, n_groups: int = 0,
             k_margin: float = 0.03, random_state: int = 0):
    """Polis-style opinion groups from the run's votes (:func:`helpers.opinions.analyse`).

    Statements the moderator rejected (``moderated_out`` exclusions) are zeroed, as Polis does. Writes
    the participants (map and group), groups, statements (representative, consensus, divisive, and over
    everyone who voted the majority and uncertain lists of Polis's report, each with its text) and ``opinions.json``; when the source records the platform's own groups (Polis's
    ``group-id``), ``opinions.json`` also says how ours line up with them (``platform_groups``:
    :func:`helpers.opinions.compare_with_platform`). When the votes are on answers to several questions
    (a Global Dialogues round: answers with a ``question_id``), each question is analysed on its own
    (:func:`_opinions_by_question`). When the run has no votes table nothing is analysed and only
    ``opinions.json`` is written, saying why (the runner skips this stage then; see :mod:`helpers.runner`).

    Returns
    -------
    (OpinionResult or None, statements DataFrame, notes dict)
    """
    from .opinions import analyse, compare_with_platform, group_name
    from .opinions.global_dialogues import question_of_votes

    if not output_path(run, "votes").is_file():
        notes = {"skipped": True, "reason": "the source has no votes table (agree/disagree votes on statements)"}
        save(run, "opinions", notes)
        return None, pd.DataFrame(), notes
    votes = load(run, "votes")
    comments = load_comments(run)
    params = {"min_votes": min_votes, "max_groups": max_groups, "n_groups": n_groups, "k_margin": k_margin,
              "random_state": random_state}
    if "question_id" in comments.columns and question_of_votes(comments, votes).nunique() > 1:
        return _opinions_by_question(run, comments, votes, params)
    exclusions = load_exclusions(run)
    rejected = set(exclusions.loc[exclusions["reason"] == "moderated_out", "record_id"].dropna().astype(str))
    result = analyse(votes, exclude=rejected, **params)
    text = dict(zip(comments["comment_id"].astype(str), comments["text"].astype("string"), strict=True))
    parts = []
    rep = result.representative.assign(list="representative")
    parts.append(rep.assign(group_name=[group_name(g) for g in rep["group"]]))
    parts.append(result.consensus.assign(list="consensus"))
    parts.append(result.rejected.assign(list="rejected"))  # what every group disagrees with
    parts.append(result.divisive.assign(list="divisive"))
    parts.append(result.overall)  # its own "list" column: majority, uncertain
    statements = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=["list", "comment_id"])
    statements.insert(0, "list", statements.pop("list"))
    statements["text"] = statements["comment_id"].astype(str).map(text).astype("string")
    notes = {"skipped": False, **result.notes}
    if output_path(run, "respondents").is_file():  # the platform's own grouping, e.g. Polis's group-id
        respondents = load(run, "respondents")
        if "external_group" in respondents.columns and respondents["external_group"].notna().any():
            platform = pd.Series(respondents["external_group"].to_numpy(),
                                 index=respondents["respondent_id"].astype(str).to_numpy())
            notes["platform_groups"] = compare_with_platform(result.participants, platform)
    save(run, "opinion_participants", result.participants)
    save(run, "opinion_groups", result.groups)
    save(run, "opinion_statements", statements)
    save(run, "opinions", notes)
    return result, statements, notes


#: Answers listed per question when votes are on answers to several questions.
TOP_ANSWERS = 5


def _opinions_by_question(run, comments: pd.DataFrame, votes: pd.DataFrame, params: dict):
    """:func:`opinions` when the votes are on answers to several questions (a Global Dialogues round):
    each question is its own conversation (:func:`helpers.opinions.global_dialogues.by_question`).

    ``opinion_statements`` holds each question's :data:`TOP_ANSWERS` best supported answers (``list``
    ``most_agreed``); ``opinions.json`` the per-question table (``by_question``) and the totals. No map
    or groups are written: with a handful of votes per person they would not be supported (the table
    says how many people each question could group).
    """
    from .opinions.global_dialogues import by_question, question_of_votes

    summary, results = by_question(comments, votes, **params)
    parts = [support.head(TOP_ANSWERS).assign(list="most_agreed", question_id=question)
             for question, (support, _) in results.items()]
    statements = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["list", "comment_id"])
    statements.insert(0, "list", statements.pop("list"))
    text = dict(zip(comments["comment_id"].astype(str), comments["text"].astype("string"), strict=True))
    statements["text"] = statements["comment_id"].astype(str).map(text).astype("string")
    question = question_of_votes(comments, votes)
    counted = question.notna().to_numpy()
    per_person = votes[counted].groupby([votes["voter_id"][counted], question[counted]]).size()
    notes = {
        "skipped": False, "per_question": True, "n_questions": int(len(summary)),
        "n_participants": int(votes["voter_id"].nunique()), "n_votes": int(len(votes)),
        "n_votes_without_question": int((~counted).sum()),
        "n_statements": int(summary["voted_answers"].sum()) if len(summary) else 0,
        # the median number of one question's answers a person voted on
        "median_votes_per_question": float(per_person.median()) if len(per_person) else 0.0,
        "min_votes_applied": int(params["min_votes"]),
        "by_question": summary.to_dict("records"),
    }
    save(run, "opinion_statements", statements)
    save(run, "opinions", notes)
    return None, statements, notes


# --- 90 briefing -------------------------------------------------------------------------------

def _joined_ids(assigned: pd.DataFrame) -> pd.Series:
    """Per comment id, its theme ids in ascending order joined by ";" (``"2;5"``). Vectorised: one
    sort, then one Arrow join across the k-th theme of every comment; O(n log n) for n assignments."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ordered = assigned.sort_values(["comment_id", "theme_id"])
    rank = ordered.groupby("comment_id", sort=False).cumcount().to_numpy()
    wide = (ordered.assign(rank=rank, theme=ordered["theme_id"].astype("string"))
            .pivot(index="comment_id", columns="rank", values="theme"))
    columns = [pa.array(wide[k].array, type=pa.large_string()) for k in wide.columns]
    joined = pc.binary_join_element_wise(*columns, pa.scalar(";", pa.large_string()), null_handling="skip") \
        if columns else []
    return pd.Series(pd.array(joined, dtype="string"), index=wide.index, name="theme_id")


def coded_table(run: str | os.PathLike, *, redact_personal_data: bool = True, labels: dict | None = None,
                comments: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per contribution: id, kind, themes and sentiment (and question and respondent type where
    the source has them). No names, no text: safe to share.

    Contributions that were not analysed (the post, pingbacks, placeholders) are listed with empty
    theme and sentiment columns, so the table accounts for every row of the comments table. Theme
    labels, questions and respondent types pass through :func:`helpers.redact.redact` (unless
    ``redact_personal_data`` is False) and have contributors' names removed. ``labels`` (theme id ->
    label), when given, replaces the themes table's labels (the briefing passes the labels it shows).
    When ``07_codeframe`` did machine coding (``codes.parquet`` exists), codes take the themes' place.
    ``comments``, when given, is the run's comments table as :func:`load_comments` returns it (the
    briefing has it loaded already). O(n log n) for n comments and assignments, no per-row loop.
    """
    from .redact import contributor_names, names_pattern, redact, redact_names

    comments = load_comments(run) if comments is None else comments
    coded = output_path(run, "codes").is_file()  # machine coding ran: codes replace themes
    assignments = load(run, "code_assignments" if coded else "theme_assignments")
    themes_table = load(run, "codes" if coded else "themes")
    scores = load(run, "sentiment")
    names = contributor_names(comments, load(run, "overview") if output_path(run, "overview").is_file() else None)

    def clean(values: pd.Series, *, ignore_case: bool) -> pd.Series:
        out = values.astype("string")
        if redact_personal_data:
            out = redact(out)[0]
        return redact_names(out, names_pattern(names, ignore_case=ignore_case))[0]

    if labels is None:
        labels = dict(zip(themes_table["theme_id"].astype("Int64"),
                          clean(themes_table["label"], ignore_case=True), strict=True))
    else:
        labels = {int(k): v for k, v in labels.items()}
    assigned = assignments.dropna(subset=["theme_id"]).astype({"theme_id": "Int64"})
    all_ids = _joined_ids(assigned)
    main = assigned[assigned["is_main"]].set_index("comment_id")["theme_id"]
    out = pd.DataFrame({"comment_id": comments["comment_id"], "kind": comments["kind"]})
    out["analysed"] = analysable(comments).to_numpy()
    out["main_theme_id"] = out["comment_id"].map(main).astype("Int64")
    out["main_theme"] = out["main_theme_id"].map(labels).astype("string")
    out["theme_ids"] = out["comment_id"].map(all_ids).astype("string")
    sentiment_by_id = scores.set_index("comment_id")
    out["sentiment_compound"] = out["comment_id"].map(sentiment_by_id["compound"]).round(4)
    out["sentiment"] = out["comment_id"].map(sentiment_by_id["label"]).astype("string")
    for col in ("question_id", "respondent_type"):
        if col in comments.columns and comments[col].notna().any():
            out[col] = clean(comments[col], ignore_case=False).to_numpy()
    save(run, "coded", out)
    return out
