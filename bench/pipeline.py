"""``python -m bench.pipeline [--sizes N ...] [--browser] [--dask N]``: the whole pipeline, end to end, measured.

For each size, a seeded synthetic corpus (:func:`bench.synthetic.generate_campaigns` with ``words=45``:
organic comments of about 72 words, 30% campaign copies, placeholders, timestamps, 20% of organic
comments replying in threads) is written as CSV beside a run configuration, and the real runner,
``python -m helpers run CONFIG --out RUN``, runs it in a subprocess: ingest, overview, campaigns,
themes, sentiment, (opinion groups, skipped: no votes), codeframe, briefing, HTML and PDF. Meanwhile
this process samples the memory of the runner and every process under it (the notebook kernels,
their worker processes, Chromium printing the PDF) every 0.2 s and adds it up (:func:`tree_memory`). Seconds per step come from the run's
``timings.json`` (:func:`helpers.runner.write_timings`); each step's peak memory is the highest sample
taken while it ran. One ``TfidfVectorizer().fit_transform`` pass over the same texts, in its own
subprocess and in the same run, gives the floor any bag-of-words analysis pays.

Prints one table per size (step, seconds, comments per second, peak RSS; the total also as a multiple
of the TF-IDF floor; the briefing's size), then which of the issue-7 targets the sizes measured allow
checking hold (:data:`TARGETS`). ``--browser`` also opens the largest run's briefing in headless
Chromium through the browser tests' ``tests/browser/check.mjs`` (no console errors, no requests).
``--dask N`` runs size N a second time on the Dask engine (``engine: dask`` on a local cluster of one
worker per core) and checks its time against the pandas engine's and that every table is identical.
Tables are written as CSV under ``bench/results/`` (``pipeline-<time>.csv`` and
``pipeline-targets-<time>.csv``) so runs can be compared.

Peak memory is the sum of the processes' proportional set sizes, so a page shared between processes
(a forked worker and its kernel, Chromium's libraries) counts once. MB are MiB (2**20 bytes).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.runner import TIMINGS_FILE

from . import write_results

CHECK_SCRIPT = paths.project_root() / "tests" / "browser" / "check.mjs"
WORDS = 45  # generate_campaigns' organic length parameter: about 72 words per comment on average
REPLY_SHARE = 0.2  # share of organic comments that reply to an earlier comment
SAMPLE_SECONDS = 0.2
MB = 2**20


class RunnerFailed(RuntimeError):
    """The runner exited with an error; its message is on stderr, the run folder shows where."""

BRIEFING_LIMIT_BYTES = 3_000_000  # issue 7: the briefing of a 1M-comment run stays under 3 MB
#: Issue 7's targets: (what, size the figure is taken at, figure, limit). Figures: ``seconds`` (end to
#: end), ``peak_mb``, ``x_floor`` (total / TF-IDF floor), ``x_100k`` (time at this size / time at 100k).
TARGETS: tuple[tuple[str, int, str, float], ...] = (
    ("100,000 comments end to end (s)", 100_000, "seconds", 60),
    ("1,000,000 comments end to end (s)", 1_000_000, "seconds", 600),
    ("1,000,000 comments peak memory (MB; 8 GB)", 1_000_000, "peak_mb", 8e9 / MB),
    ("1,000,000 comments: total / TF-IDF floor", 1_000_000, "x_floor", 4),
    ("time at 1,000,000 / time at 100,000", 1_000_000, "x_100k", 12),
)
DASK_LIMIT = 1.5  # issue 7: the Dask engine on a 2-worker local cluster (2 cores) at most 1.5x the pandas engine's time
#: The run's tables that must be identical whichever engine made them.
ENGINE_TABLES = ("comments", "exclusions", "campaign_members", "campaigns", "themes", "theme_assignments",
                 "sentiment", "sentiment_by_theme")


# ------------------------------------------------------------------------------------------ corpus


def dask_config(config: Path) -> Path:
    """A copy of run configuration ``config`` that runs on the Dask engine (``engine: dask``,
    ``dask_scheduler: local``: a local cluster of one worker per core), saved beside it."""
    import yaml

    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    out = config.with_name(f"{config.stem}-dask.yaml")
    out.write_text(yaml.safe_dump({**settings, "engine": "dask", "dask_scheduler": "local"}, sort_keys=False),
                   encoding="utf-8")
    return out


def write_corpus(n: int, folder: Path, *, seed: int = 0) -> Path:
    """Write the synthetic corpus of ``n`` comments and its run configuration; return the configuration.

    The CSV has columns id, text, created_at, parent_id; the configuration maps the last two
    explicitly, so the run reads timestamps and threads.
    """
    import yaml

    from .synthetic import generate_campaigns

    source = folder / f"synthetic-{n}.csv"
    comments = generate_campaigns(n, seed=seed, words=WORDS, reply_share=REPLY_SHARE).comments
    comments.to_csv(source, index=False)
    del comments
    gc.collect()  # the runner, not this process, should hold the memory while it runs
    config = folder / f"synthetic-{n}.yaml"
    config.write_text(yaml.safe_dump({
        "corpus": f"synthetic-{n}", "source": str(source), "format": "csv", "text_column": "text",
        "id_column": "id", "columns": {"created_at": "created_at", "parent_id": "parent_id"},
    }, sort_keys=False), encoding="utf-8")
    return config


# ------------------------------------------------------------------------------------------ running


def tree_memory(pid: int) -> int:
    """Memory of process ``pid`` and all its descendants, in bytes (0 once it has gone).

    Each process counts its proportional set size (PSS: private pages, plus each shared page divided
    by the number of processes sharing it), so the pages a forked worker shares with its parent (the
    sentiment stage forks its kernel) and Chromium's shared libraries count once, as the machine pays
    for them. Where PSS cannot be read (not Linux, or not permitted), the resident set size, which
    overstates.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            try:
                total += proc.memory_full_info().pss
            except (AttributeError, psutil.AccessDenied):  # no PSS on this platform
                total += proc.memory_info().rss
        except psutil.Error:  # ended between listing and reading
            pass
    return total


class TreeSampler(threading.Thread):
    """Samples :func:`tree_memory` of ``pid`` every ``interval`` seconds into ``samples`` (Unix time, bytes)."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.samples.append((time.time(), tree_memory(self.pid)))
            self._done.wait(self.interval)

    def stop(self) -> list[tuple[float, int]]:
        self._done.set()
        self.join()
        return self.samples


def run_pipeline(config: Path, run: Path) -> dict:
    """Run ``python -m helpers run CONFIG --out RUN`` in a subprocess, sampling its memory.

    Returns ``{"seconds", "samples", "returncode"}``; the runner's progress lines go to stderr.
    """
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "helpers", "run", str(config), "--out", str(run)],
                            cwd=paths.project_root(), stdout=sys.stderr)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    returncode = proc.wait()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "samples": sampler.stop(), "returncode": returncode}


def tfidf_floor(source: Path) -> dict:
    """Seconds (and the process's peak MB) of one default ``TfidfVectorizer().fit_transform`` over the
    texts of ``source``, in a fresh subprocess."""
    done = subprocess.run([sys.executable, "-m", "bench.pipeline", "--floor", str(source)],
                          cwd=paths.project_root(), capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _floor_child(source: str) -> None:
    """In the subprocess: read the texts as plain strings, time one fit_transform, print JSON."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .campaigns import _peak_mb

    texts = pd.read_csv(source, usecols=["text"], dtype=str, keep_default_na=False)["text"].tolist()
    start = time.perf_counter()
    TfidfVectorizer().fit_transform(texts)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "texts": len(texts)}))


# ------------------------------------------------------------------------------------------ tables


def notebook_cells(notebook: Path) -> tuple[float, float]:
    """Seconds in the cells of an executed notebook (papermill's per-cell durations): all, and the slowest.

    The difference between a notebook's wall-clock time and the first figure is the kernel's start-up
    and papermill's own work.
    """
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    durations = [c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0 for c in cells]
    return float(sum(durations)), float(max(durations, default=0.0))


def _peak(samples: list[tuple[float, int]], start: float, end: float) -> float | None:
    inside = [rss for t, rss in samples if start <= t <= end]
    return max(inside) / MB if inside else None


def stage_table(n: int, timings: dict, samples: list[tuple[float, int]], *, total_seconds: float,
                floor: dict, briefing_bytes: int | None = None, cells: dict | None = None) -> pd.DataFrame:
    """One size's table: a row per step of the run, then the rest, the TF-IDF floor and the total.

    Parameters
    ----------
    n : int
        Comments in the corpus (for comments per second).
    timings : dict
        The run's ``timings.json``: ``stages`` with ``stage``, ``status``, ``started``, ``seconds``.
    samples : list of (float, int)
        Memory samples, (Unix time, bytes of the whole process tree: :func:`tree_memory`).
    total_seconds : float
        The runner's wall-clock time, Python start-up included.
    floor : dict
        :func:`tfidf_floor`'s result: ``seconds`` and ``peak_mb``.
    briefing_bytes : int, optional
        Size of ``briefing.html``, shown on the total row.
    cells : dict, optional
        Notebook name -> :func:`notebook_cells` (seconds in cells, slowest cell).

    Returns
    -------
    DataFrame
        comments, stage (the notebook's name without its number, ``render``, ``pdf``, ``other`` for
        the runner's own start-up and routing, ``tfidf floor``, ``TOTAL``), status, seconds,
        comments_per_second, peak_mb (the highest sample while the step ran; the total's is the
        highest of the run), cells_seconds, slowest_cell_seconds, x_tfidf_floor, briefing_bytes.

    Examples
    --------
    >>> timings = {"stages": [{"stage": "01_ingest", "status": "ran", "started": 100.0, "seconds": 4.0}]}
    >>> t = stage_table(1000, timings, [(101.0, 2 * MB), (106.0, 3 * MB)], total_seconds=5.0,
    ...                 floor={"seconds": 2.5, "peak_mb": 1.0})
    >>> t["stage"].tolist(), t["seconds"].tolist(), t["peak_mb"].tolist()[::3]
    (['ingest', 'other', 'tfidf floor', 'TOTAL'], [4.0, 1.0, 2.5, 5.0], [2.0, 3.0])
    >>> float(t["x_tfidf_floor"].iloc[-1])
    2.0
    """
    cells = cells or {}
    rows = []

    def row(stage, seconds, *, status="ran", peak=None, **extra):
        rows.append({"comments": n, "stage": stage, "status": status, "seconds": round(seconds, 3),
                     "comments_per_second": round(n / seconds, 1) if seconds > 0 and stage != "other" else None,
                     "peak_mb": None if peak is None else round(peak, 1), **extra})

    for step in timings["stages"]:
        name = step["stage"]
        short = name.split("_", 1)[1] if name[:2].isdigit() and "_" in name else name
        inside, slowest = cells.get(name, (None, None))
        row(short, step["seconds"], status=step["status"],
            peak=_peak(samples, step["started"], step["started"] + step["seconds"]) if step["status"] == "ran"
            else None, cells_seconds=None if inside is None else round(inside, 3),
            slowest_cell_seconds=None if slowest is None else round(slowest, 3))
    row("other", max(total_seconds - sum(s["seconds"] for s in timings["stages"]), 0.0), status=None)
    row("tfidf floor", floor["seconds"], status=None, peak=floor.get("peak_mb"))
    row("TOTAL", total_seconds, status=None, peak=max((rss for _, rss in samples), default=0) / MB if samples else None,
        x_tfidf_floor=round(total_seconds / floor["seconds"], 2), briefing_bytes=briefing_bytes)
    columns = ["comments", "stage", "status", "seconds", "comments_per_second", "peak_mb", "cells_seconds",
               "slowest_cell_seconds", "x_tfidf_floor", "briefing_bytes"]
    return pd.DataFrame(rows).reindex(columns=columns)


def check_targets(table: pd.DataFrame, *, browser: dict | None = None, dask: dict | None = None) -> pd.DataFrame:
    """Which of :data:`TARGETS` hold, for the sizes in ``table`` (:func:`stage_table` rows, any sizes).

    A target whose size was not measured is left out. The briefing of the largest size is checked
    against :data:`BRIEFING_LIMIT_BYTES`, and ``browser`` (:func:`check_in_browser`'s result), when
    given, says whether it opened cleanly; ``dask`` (:func:`bench_dask`'s result), when given, adds
    the Dask engine's time against the pandas engine's (:data:`DASK_LIMIT`) and whether their tables
    are identical.

    Returns
    -------
    DataFrame
        target, measured, limit, holds.

    Examples
    --------
    >>> t = pd.DataFrame({"comments": [100_000, 1_000_000], "stage": ["TOTAL", "TOTAL"],
    ...                   "seconds": [50.0, 700.0], "peak_mb": [900.0, 6000.0],
    ...                   "x_tfidf_floor": [3.0, 5.0], "briefing_bytes": [200_000, 2_500_000]})
    >>> check_targets(t)[["measured", "holds"]].values.tolist()
    [[50.0, True], [700.0, False], [6000.0, True], [5.0, False], [14.0, False], [2500000.0, True]]
    """
    totals = table[table["stage"] == "TOTAL"].set_index("comments")
    figures = {n: {"seconds": r["seconds"], "peak_mb": r["peak_mb"], "x_floor": r["x_tfidf_floor"]}
               for n, r in totals.iterrows()}
    if 100_000 in figures:
        for f in figures.values():
            f["x_100k"] = f["seconds"] / figures[100_000]["seconds"]
    rows = [{"target": what, "measured": round(float(figures[n][figure]), 2), "limit": round(limit, 1),
             "holds": bool(figures[n][figure] <= limit)}
            for what, n, figure, limit in TARGETS if pd.notna(figures.get(n, {}).get(figure))]
    if len(totals):
        largest = totals.index.max()
        size = float(totals.loc[largest, "briefing_bytes"])
        rows.append({"target": f"briefing of {largest:,} comments (bytes, < 3 MB)", "measured": size,
                     "limit": BRIEFING_LIMIT_BYTES, "holds": size < BRIEFING_LIMIT_BYTES})
    if dask is not None:
        n = dask["comments"]
        rows.append({"target": f"Dask engine (local cluster, a worker per core) / pandas engine, {n:,} comments",
                     "measured": dask["ratio"], "limit": DASK_LIMIT, "holds": dask["ratio"] <= DASK_LIMIT})
        rows.append({"target": f"tables that differ between the engines, {n:,} comments",
                     "measured": float(len(dask["differs"])), "limit": 0, "holds": not dask["differs"]})
    if browser is not None:
        problems = browser_problems(browser)
        rows.append({"target": "that briefing opens in headless Chromium: console errors + requests + failures",
                     "measured": float(len(problems)), "limit": 0, "holds": not problems})
    return pd.DataFrame(rows, columns=["target", "measured", "limit", "holds"])


# ------------------------------------------------------------------------------------------ browser


def check_in_browser(page: Path) -> dict:
    """Open ``page`` in headless Chromium with ``tests/browser/check.mjs``; its JSON report.

    ``{"fatal": reason}`` when the browser tests' tools (Chromium, Node.js, ``npm ci``) are missing
    or the script fails.
    """
    from helpers.render import find_chromium

    chromium = find_chromium()
    missing = [what for what, ok in (("Chromium", chromium), ("Node.js", shutil.which("node")),
                                     ("node_modules (npm ci)", (paths.project_root() / "node_modules"
                                                                / "playwright-core").is_dir())) if not ok]
    if missing:
        return {"fatal": "not checked, missing: " + ", ".join(missing)}
    done = subprocess.run(["node", str(CHECK_SCRIPT), str(page), str(page.parent)], cwd=paths.project_root(),
                          capture_output=True, text=True, timeout=900, env={**os.environ, "LP_CHROMIUM": chromium})
    lines = done.stdout.strip().splitlines()
    if not lines:
        return {"fatal": f"check.mjs printed nothing: {done.stderr.strip()[-500:]}"}
    return json.loads(lines[-1])


def browser_problems(result: dict) -> list[str]:
    """What went wrong when the page opened: a failure, console errors, requests beyond the page itself.

    Examples
    --------
    >>> browser_problems({"consoleErrors": [], "externalRequests": []})
    []
    >>> browser_problems({"consoleErrors": ["uncaught: x"], "externalRequests": ["http://a"]})
    ['console: uncaught: x', 'request: http://a']
    """
    out = [f"failed: {result['fatal']}"] if result.get("fatal") else []
    out += [f"console: {e}" for e in result.get("consoleErrors", [])]
    return out + [f"request: {u}" for u in result.get("externalRequests", [])]


# ------------------------------------------------------------------------------------------ the bench


def bench_size(n: int, workdir: Path, *, seed: int = 0) -> pd.DataFrame:
    """Generate, run end to end and measure ``n`` comments in ``workdir``; :func:`stage_table`'s table."""
    print(f"pipeline bench: writing {n:,} synthetic comments ...", file=sys.stderr, flush=True)
    config = write_corpus(n, workdir, seed=seed)
    source = workdir / f"synthetic-{n}.csv"
    print(f"pipeline bench: TF-IDF floor over {n:,} texts ...", file=sys.stderr, flush=True)
    floor = tfidf_floor(source)
    run = workdir / f"run-{n}"
    result = run_pipeline(config, run)
    if result["returncode"]:
        raise RunnerFailed(f"the runner failed on {n:,} comments (exit {result['returncode']}); see {run}")
    timings = json.loads((run / TIMINGS_FILE).read_text(encoding="utf-8"))
    cells = {s["stage"]: notebook_cells(run / f"{s['stage']}.ipynb") for s in timings["stages"]
             if (run / f"{s['stage']}.ipynb").is_file()}
    return stage_table(n, timings, result["samples"], total_seconds=result["seconds"], floor=floor,
                       briefing_bytes=(run / "briefing.html").stat().st_size, cells=cells)


def different_tables(a: Path, b: Path, names=ENGINE_TABLES) -> list[str]:
    """The tables among ``names`` that differ between run folders ``a`` and ``b`` (or exist in one only)."""
    from helpers import stages

    out = []
    for name in names:
        present = [stages.output_path(run, name).is_file() for run in (a, b)]
        if not any(present):
            continue
        if not all(present):
            out.append(name)
            continue
        try:
            pd.testing.assert_frame_equal(stages.load(a, name), stages.load(b, name))
        except AssertionError:
            out.append(name)
    return out


def bench_dask(n: int, workdir: Path, pandas_seconds: float) -> dict:
    """Run size ``n`` (already run by :func:`bench_size` in ``workdir``) again on the Dask engine.

    Returns ``{"comments", "pandas_seconds", "dask_seconds", "ratio", "differs"}``, ``differs`` naming
    the tables (:data:`ENGINE_TABLES`) that are not identical to the pandas engine's.
    """
    print(f"pipeline bench: {n:,} comments again on the Dask engine (local cluster) ...", file=sys.stderr, flush=True)
    run = workdir / f"run-{n}-dask"
    result = run_pipeline(dask_config(workdir / f"synthetic-{n}.yaml"), run)
    if result["returncode"]:
        raise RunnerFailed(f"the runner failed on {n:,} comments with engine dask (exit {result['returncode']}); "
                           f"see {run}")
    return {"comments": n, "pandas_seconds": round(pandas_seconds, 3), "dask_seconds": round(result["seconds"], 3),
            "ratio": round(result["seconds"] / pandas_seconds, 3),
            "differs": different_tables(workdir / f"run-{n}", run)}


def bench(sizes: list[int], *, keep: Path | None = None, browser: bool = False, seed: int = 0,
          dask: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run :func:`bench_size` for each size; the stage table of all sizes and the targets table.

    ``keep`` keeps the corpora and run folders there (default: a temporary folder, removed).
    ``browser`` opens the largest size's briefing in headless Chromium (:func:`check_in_browser`).
    ``dask``, one of ``sizes``: that size is also run on the Dask engine (:func:`bench_dask`).
    """
    if dask is not None and dask not in sizes:
        raise ValueError(f"the Dask comparison size {dask:,} is not one of the sizes run")
    with tempfile.TemporaryDirectory(prefix="lp-bench-pipeline-") as tmp:
        workdir = Path(keep) if keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        tables, engines = [], None
        for n in sizes:
            tables.append(bench_size(n, workdir, seed=seed))
            print_size(tables[-1])
            if n == dask:
                total = tables[-1].loc[tables[-1]["stage"] == "TOTAL", "seconds"].iloc[0]
                engines = bench_dask(n, workdir, float(total))
                print_dask(engines)
        table = pd.concat(tables, ignore_index=True)
        result = None
        if browser:
            page = workdir / f"run-{max(sizes)}" / "briefing.html"
            print(f"pipeline bench: opening {page} in headless Chromium ...", file=sys.stderr, flush=True)
            result = check_in_browser(page)
            for problem in browser_problems(result):
                print(f"  {problem}", file=sys.stderr)
    return table, check_targets(table, browser=result, dask=engines)


def print_size(table: pd.DataFrame) -> None:
    n = int(table["comments"].iloc[0])
    total = table[table["stage"] == "TOTAL"].iloc[0]
    print(f"\n{n:,} synthetic comments, end to end: {total['seconds']:.1f} s, "
          f"{total['x_tfidf_floor']:.1f}x the TF-IDF floor, peak {total['peak_mb']:,.0f} MB, "
          f"briefing.html {int(total['briefing_bytes']):,} bytes", flush=True)
    shown = table.drop(columns=["comments", "briefing_bytes"])
    print(shown.to_string(index=False, na_rep=""), flush=True)


def print_dask(engines: dict) -> None:
    differs = ", ".join(engines["differs"]) or "none"
    print(f"\n{engines['comments']:,} comments on the Dask engine: {engines['dask_seconds']:.1f} s against "
          f"{engines['pandas_seconds']:.1f} s on pandas ({engines['ratio']:.2f}x); tables that differ: {differs}",
          flush=True)


def print_targets(targets: pd.DataFrame) -> None:
    print("\nissue 7 targets")
    if targets.empty:
        print("  (none measurable at these sizes)")
    for r in targets.itertuples():
        print(f"  {'yes' if r.holds else 'NO ':3}  {r.target}: {r.measured:,.2f} (limit {r.limit:,.1f})")


def report(table: pd.DataFrame, targets: pd.DataFrame) -> Path:
    """Print the targets and write both tables under :data:`RESULTS`, stamped with the time; the stage
    table's path."""
    print_targets(targets)
    out, _ = write_results({"pipeline": table, "pipeline-targets": targets})
    print(f"\nwritten: {out}\n")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--browser", action="store_true",
                        help="open the largest run's briefing in headless Chromium (tests/browser/check.mjs)")
    parser.add_argument("--keep", type=Path, help="keep corpora and run folders in this folder")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpora")
    parser.add_argument("--dask", type=int, metavar="N",
                        help="also run size N on the Dask engine (local cluster): time and identical tables")
    parser.add_argument("--floor", help=argparse.SUPPRESS)  # internal: the TF-IDF floor's subprocess
    args = parser.parse_args(argv)
    if args.floor:
        _floor_child(args.floor)
        return 0
    try:
        report(*bench(args.sizes, keep=args.keep, browser=args.browser, seed=args.seed, dask=args.dask))
    except RunnerFailed as exc:
        print(f"pipeline bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
