"""Running the notebook chain: papermill executes each pipeline notebook into the run folder, then the
briefing notebook is rendered to one self-contained HTML page.

The pipeline is every ``notebooks/NN_name.ipynb`` in number order. A run configuration's keys are
routed to the notebooks that declare them in their ``parameters`` cell (plus ``run_dir``, which every
notebook declares); a key that no notebook declares is an error.

A notebook that only applies to some corpora says so in its metadata::

    "metadata": {"listening_post": {"requires": ["votes"]}}

``requires`` names hand-over files (keys of :data:`helpers.stages.FILES`) that must exist in the run
folder when the notebook's turn comes; when one is missing the runner skips the notebook, says so in
its progress log, and leaves no executed copy (``06_opinion_groups`` needs the votes table that only
some readers write; the briefing says the section was skipped and why).

Each notebook runs in a fresh kernel, as papermill starts one, but the runner starts it while the
notebook before it runs, with the notebook's own imports made (:class:`_Kernels`): a second or two per
notebook that no longer adds up.

The runner prints which notebook is running and how long each took, and keeps the same figures in
``timings.json`` in the run folder (see :func:`write_timings`), which ``python -m bench.pipeline``
reads.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import paths
from .config import dump_run_config
from .errors import ConfigError, InputError, ListeningPostError
from .tables import atomic_write

__all__ = ["pipeline_notebooks", "notebook_parameters", "notebook_requirements", "missing_requirements",
           "route_parameters", "run_pipeline", "write_timings", "RunFailed", "TIMINGS_FILE"]

BRIEFING_NOTEBOOK = "90_briefing"
KERNEL = "python3"
TIMINGS_FILE = "timings.json"


class RunFailed(ListeningPostError):
    """A pipeline notebook raised an error; the executed notebook in the run folder shows where."""

    def __init__(self, notebook: str, ename: str, evalue: str, output: Path):
        self.notebook, self.ename, self.evalue, self.output = notebook, ename, evalue, output
        self.user_error = ename in {"InputError", "SchemaError", "ConfigError"}
        detail = evalue if self.user_error else f"{ename}: {evalue}"
        super().__init__(f"{notebook} failed: {' '.join(detail.split())} (executed notebook: {output})")


def notebook_requirements(notebook: Path) -> list[str]:
    """The hand-over files a notebook needs to run (its ``listening_post.requires`` metadata; usually none)."""
    import json

    meta = json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {})
    return [str(name) for name in meta.get("listening_post", {}).get("requires", [])]


def missing_requirements(notebook: Path, run: Path) -> list[str]:
    """The files ``notebook`` requires that the run folder lacks (file names); empty means it can run."""
    from .stages import FILES, output_path

    return [FILES[name][0] for name in notebook_requirements(notebook) if not output_path(run, name).is_file()]


def pipeline_notebooks(folder: Path | None = None) -> list[Path]:
    """The pipeline notebooks, in run order (``NN_name.ipynb``; ``exploratory/`` is never run)."""
    folder = folder or paths.notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares: name -> {"default", "type", "help"} (from papermill)."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    return {
        name: {"default": p["default"], "type": p["inferred_type_name"], "help": p["help"]}
        for name, p in declared.items()
    }


def route_parameters(config: dict[str, Any], notebooks: list[Path], *, config_path: str | None = None
                     ) -> dict[str, dict[str, Any]]:
    """Which parameters each notebook receives: the configuration keys it declares.

    Raises
    ------
    ConfigError
        If a configuration key is declared by no notebook (most often a typo).
    """
    declared = {nb.stem: notebook_parameters(nb) for nb in notebooks}
    check_declared(config, set().union(*(set(d) for d in declared.values())) if declared else set(),
                   path=config_path)
    return {name: {k: v for k, v in config.items() if k in params} for name, params in declared.items()}


def declared_parameters() -> set[str]:
    """Every parameter a pipeline notebook declares."""
    return set().union(*(set(notebook_parameters(nb)) for nb in pipeline_notebooks()))


def check_declared(names, known: set[str] | None = None, *, path: str | None = None) -> None:
    """Refuse a parameter no pipeline notebook declares (most often a typo), naming where it was given
    (``path``: the configuration file, or ``-p NAME=VALUE`` on the command line)."""
    if known is None:
        known = declared_parameters()
    unknown = sorted(set(names) - known)
    if unknown:
        raise ConfigError(
            f"parameter {unknown[0]!r} is not declared by any pipeline notebook "
            f"(known: {', '.join(sorted(known))})",
            path=path,
        )


def _clear_outputs(run: Path, notebooks: list[Path]) -> None:
    """Remove what a run writes (hand-over files, executed notebooks, the briefing) from the run folder.

    Only known file names (and notebooks papermill executed, ``NN_name.ipynb``) are removed; anything else a user
    keeps there is left alone, and so are the
    codeframe and coding sheets analysts may have edited (:data:`helpers.stages.ANALYST_FILES`).
    """
    from .stages import ANALYST_FILES, FILES

    # analysts' codeframe and coding sheets stay: 07_codeframe keeps a copy before writing new ones
    names = [name for key, (name, _) in FILES.items() if key not in ANALYST_FILES] + [nb.name for nb in notebooks]
    names += ["briefing.html", "briefing.pdf", "run_config.yaml", TIMINGS_FILE]
    for name in names:
        (run / name).unlink(missing_ok=True)
    # notebooks papermill executed under an earlier numbering (03_themes.ipynb before 04_themes was) are
    # stale too; a notebook of the user's own is left alone
    for stale in run.glob("[0-9][0-9]_*.ipynb") if run.is_dir() else ():
        if _executed_by_papermill(stale):
            stale.unlink()


def _executed_by_papermill(path: Path) -> bool:
    try:
        return "papermill" in json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return False


def write_timings(run: Path, stages: list[dict[str, Any]], *, total_seconds: float, complete: bool) -> Path:
    """Write ``timings.json`` into the run folder: how long each step of the run took.

    Parameters
    ----------
    run : Path
        The run folder.
    stages : list of dict
        One entry per step, in run order: ``stage`` (the notebook's name, ``render`` or ``pdf``),
        ``status`` (``ran`` or ``skipped``), ``started`` (Unix time, seconds) and ``seconds``
        (wall-clock time, kernel start-up included for a notebook; 0 when skipped).
    total_seconds : float
        Wall-clock time since the run started.
    complete : bool
        False while the run is under way (the file is rewritten after every step, so a failed run
        still shows how far it got).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> out = write_timings(folder, [{"stage": "01_ingest", "status": "ran", "started": 0.0, "seconds": 1.25}],
    ...                     total_seconds=1.5, complete=True)
    >>> json.loads(out.read_text())["stages"][0]["seconds"]
    1.25
    """
    body = {"complete": complete, "total_seconds": round(total_seconds, 3),
            "stages": [{**s, "seconds": round(s["seconds"], 3)} for s in stages]}
    out = run / TIMINGS_FILE
    atomic_write(out, lambda tmp: tmp.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8"))
    return out


def _quiet_kernel_manager() -> type:
    """A kernel manager whose kernels write nothing to the runner's stderr, which carries only the one
    error line: cell output reaches the notebook through the kernel's own streams either way, but C
    libraries write to the process's file 2 directly (ZeroMQ's "Assertion failed: pfd.revents & POLLIN"
    as a kernel shuts down after an error broke that rule once in CI)."""
    import subprocess

    from jupyter_client import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def warm_up_line(notebook: Path) -> str:
    r"""One line of Python making the imports a notebook's code cells make at their top level, then
    unbinding the names again: run as a kernel starts, it leaves the modules loaded and the namespace
    as empty as a new kernel's, so the notebook's own imports take no time.

    Cells that are not plain Python (IPython magics) and relative imports are passed over; an empty
    string when there is nothing to import.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("import pandas as pd\nfrom helpers import paths, report\nx = 1"),
    ...     nbformat.v4.new_code_cell("%matplotlib inline"),
    ...     nbformat.v4.new_code_cell("import os.path\nfrom helpers.stats import *\ndef f():\n    import json")])
    >>> path = Path(tempfile.mkdtemp()) / "n.ipynb"
    >>> nbformat.write(nb, path)
    >>> warm_up_line(path)
    'import pandas as pd; from helpers import paths, report; import os.path; from helpers.stats import *; del pd, paths, report, os'
    """
    import ast

    statements: list[str] = []
    names: list[str] = []
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level:
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                statements.append(ast.unparse(node))
                names += [a.asname or (a.name.split(".")[0] if isinstance(node, ast.Import) else a.name)
                          for a in node.names if a.name != "*"]
    if not statements:
        return ""
    unbind = ["del " + ", ".join(dict.fromkeys(names))] if names else []
    return "; ".join(statements + unbind)


def kernel_arguments(notebook: Path) -> list[str]:
    """The command-line arguments of the kernel that runs ``notebook`` (see :class:`_Kernels`)."""
    args = [
        # The kernel's own log (start-up notices, "KeyboardInterrupt caught" when a cell fails) would
        # reach stderr, which carries only the one error line.
        "--IPKernelApp.log_level=CRITICAL",
        "--HistoryManager.hist_file=:memory:",  # as nbclient starts its kernels: no history database
    ]
    line = warm_up_line(notebook)
    return args + ([f"--IPKernelApp.exec_lines={line}"] if line else [])


class _Kernels:
    """Each notebook's kernel, started while the notebook before it runs.

    Starting a kernel and importing what its notebook imports takes one to two seconds, seven times
    a run: about a sixth of a 100,000-comment run and most of a small one. So before the runner runs
    a notebook, it starts the next notebook's kernel, which makes that notebook's imports as it starts
    (:func:`warm_up_line`) while the current one runs. papermill adopts the started kernel through
    its ``kernel_manager_class`` and shuts it down when the notebook is done, as it does the kernels
    it starts itself. At most two kernels are alive at once; :meth:`close` shuts down any left.
    """

    def __init__(self) -> None:
        self.spare: tuple[Path, Any] | None = None
        self.current: Any = None

    def _start(self, notebook: Path) -> Any:
        from jupyter_core.utils import run_sync

        km = _quiet_kernel_manager()(kernel_name=KERNEL)
        run_sync(km.start_kernel)(extra_arguments=kernel_arguments(notebook), cwd=str(notebook.parent))
        return km

    @staticmethod
    def _shut_down(km: Any) -> None:
        from jupyter_core.utils import run_sync

        if km is not None and km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)

    def manager_for(self, notebook: Path, following: Path | None) -> type:
        """A kernel manager class for papermill whose one instance is ``notebook``'s started kernel;
        starts ``following``'s kernel (when given) to be ready by its turn."""
        self._shut_down(self.current)  # one papermill never took up (it failed before executing)
        spare, self.spare = self.spare, None
        if spare is not None and spare[0] == notebook:
            km = spare[1]
        else:  # no kernel started for this notebook (the first, or one after a skipped notebook)
            self._shut_down(spare[1] if spare else None)
            km = self._start(notebook)
        self.current = km
        if following is not None:
            self.spare = (following, self._start(following))

        class Started(type(km)):
            def __new__(cls, *args: Any, **kwargs: Any) -> Any:
                return km  # not an instance of Started, so it is not initialised again

        return Started

    def close(self) -> None:
        """Shut down the kernels still running."""
        self._shut_down(self.current)
        self._shut_down(self.spare[1] if self.spare else None)
        self.current = self.spare = None


def _execute(notebook: Path, output: Path, parameters: dict[str, Any], kernels: _Kernels | None = None,
             following: Path | None = None) -> None:
    """Execute ``notebook`` into ``output`` with papermill; ``kernels``, shared by a run's notebooks,
    starts the ``following`` notebook's kernel meanwhile (without it, the kernel is this call's own)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    own = kernels is None
    kernels = _Kernels() if kernels is None else kernels
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
            kernel_manager_class=kernels.manager_for(notebook, following),
        )
    except PapermillExecutionError as exc:
        raise RunFailed(notebook.stem, exc.ename, exc.evalue, output) from None
    finally:
        if own:
            kernels.close()


@contextlib.contextmanager
def shared_dask_cluster(config: dict[str, Any], log: Callable[[str], None] = lambda msg: None) -> Iterator[str | None]:
    """For a run on the Dask engine with ``dask_scheduler: local``: one local cluster for every notebook.

    Each notebook would otherwise start (and stop) a cluster of its own, 3 to 6 seconds each. The
    cluster's address reaches the notebooks' kernels through :data:`helpers.dask_engine.SHARED_CLUSTER_ENV`
    (kernels inherit the runner's environment), so their ``dask_scheduler`` parameter still reads
    ``local``. Yields the address, or None (and does nothing) for any other run.
    """
    if config.get("engine", "pandas") != "dask" or config.get("dask_scheduler", "local") != "local":
        yield None
        return
    from .dask_engine import SHARED_CLUSTER_ENV, new_local_cluster

    cluster = new_local_cluster()
    before = os.environ.get(SHARED_CLUSTER_ENV)
    os.environ[SHARED_CLUSTER_ENV] = cluster.scheduler_address
    log(f"Dask: one local cluster of {len(cluster.workers)} worker(s) for every notebook")
    try:
        yield cluster.scheduler_address
    finally:
        if before is None:
            os.environ.pop(SHARED_CLUSTER_ENV, None)
        else:
            os.environ[SHARED_CLUSTER_ENV] = before
        cluster.close()


def run_pipeline(
    config: dict[str, Any],
    *,
    out: str | os.PathLike = "",
    config_path: str | None = None,
    notebooks: list[Path] | None = None,
    log: Callable[[str], None] = lambda msg: print(msg, flush=True),
) -> Path:
    """Run every pipeline notebook on a validated run configuration and render the briefing.

    Parameters
    ----------
    config : dict
        A validated run configuration (:func:`helpers.config.load_run_config`).
    out : path, optional
        The run folder; default ``reports/<corpus>``.
    config_path : str, optional
        The configuration file, cited in errors.
    notebooks : list of Path, optional
        The notebooks to run (default: :func:`pipeline_notebooks`).
    log : callable
        Receives the progress lines (default: printed to stdout, so that stderr carries only errors).

    Returns
    -------
    Path
        The rendered ``briefing.html``.
    """
    from .coding import check_coding_inputs
    from .render import check_self_contained, print_pdf, render_briefing

    notebooks = notebooks if notebooks is not None else pipeline_notebooks()
    if not notebooks:
        raise ConfigError("no pipeline notebooks found", path=paths.notebooks_dir())
    portable = {**config, "source": paths.relative_to_root(config["source"])}
    routed = route_parameters(portable, notebooks, config_path=config_path)
    # --out wins; then the configuration's run_dir; then reports/<corpus>
    run = paths.run_dir(portable["corpus"], out or config.get("run_dir") or "")
    # the analysts' files are checked before six notebooks run, not at the seventh
    check_coding_inputs(config.get("codeframe") or "", config.get("coded_sample") or "", run=run)
    _clear_outputs(run, notebooks)  # a failed run must not leave an earlier run's results beside its own
    atomic_write(run / "run_config.yaml", lambda tmp: tmp.write_text(dump_run_config(config), encoding="utf-8"))
    log(f"Listening Post: corpus {portable['corpus']!r} -> {run}")
    total = time.perf_counter()
    timings: list[dict[str, Any]] = []

    def timed(stage: str, start: float, wall: float, status: str = "ran") -> float:
        seconds = time.perf_counter() - start if status == "ran" else 0.0
        timings.append({"stage": stage, "status": status, "started": round(wall, 3), "seconds": seconds})
        write_timings(run, timings, total_seconds=time.perf_counter() - total, complete=False)
        return seconds

    kernels = _Kernels()
    with shared_dask_cluster(portable, log), contextlib.closing(kernels):
        for i, notebook in enumerate(notebooks, 1):
            start, wall = time.perf_counter(), time.time()
            missing = missing_requirements(notebook, run)
            if missing:
                timed(notebook.stem, start, wall, "skipped")
                log(f"[{i}/{len(notebooks)}] {notebook.stem} skipped: this corpus has no {', '.join(missing)}")
                continue
            log(f"[{i}/{len(notebooks)}] {notebook.stem} ...")
            params = {**routed[notebook.stem], "run_dir": str(run)}
            # the next notebook that can run as things stand (one needing files this one writes starts cold)
            following = next((n for n in notebooks[i:] if not missing_requirements(n, run)), None)
            _execute(notebook, run / notebook.name, params, kernels, following)
            log(f"[{i}/{len(notebooks)}] {notebook.stem} done in {timed(notebook.stem, start, wall):.1f} s")
            if notebook.stem == "07_codeframe":
                from .coding import console_lines

                for line in console_lines(run):
                    log(line)
    briefing = run / f"{BRIEFING_NOTEBOOK}.ipynb"
    if not briefing.is_file():
        raise ConfigError(f"the pipeline has no {BRIEFING_NOTEBOOK} notebook", path=paths.notebooks_dir())
    start, wall = time.perf_counter(), time.time()
    html_path = render_briefing(briefing, run / "briefing.html")
    problems = check_self_contained(html_path.read_text(encoding="utf-8"))
    if problems:
        raise InputError(f"the briefing is not self-contained: {problems[0]}", path=html_path)
    timed("render", start, wall)
    start, wall = time.perf_counter(), time.time()
    pdf = print_pdf(html_path, run / "briefing.pdf")  # None when Chromium is not installed
    timed("pdf", start, wall, "ran" if pdf else "skipped")
    if pdf:
        log(f"Printed {pdf.name} (A4)")
    write_timings(run, timings, total_seconds=time.perf_counter() - total, complete=True)
    log(f"Rendered the briefing in {time.perf_counter() - total:.1f} s in all")
    return html_path
