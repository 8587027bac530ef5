"""End to end: the whole notebook chain on the example corpus, run as `make report` runs it.

The chain runs twice into the same folder: first from the run configuration through the command
line, then with --source/--corpus. Both must produce byte-identical tables (determinism), and the
briefing may differ only in its one marked generation-time line.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.render import check_self_contained

pytestmark = pytest.mark.slow
ROOT = paths.project_root()
TABLES = ("*.parquet", "*.csv", "*.json")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for pattern in TABLES for p in sorted(folder.glob(pattern))
            if p.name != "timings.json"}  # how long each step took: different every run


def without_generated_line(html: str) -> str:
    return re.sub(r'<p class="generated">.*?</p>', "", html)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("chain") / "run-folder"  # not the corpus name: nothing may depend on it
    first = run_cli("run", "params/obama-toolkit.yaml", "--out", str(out))
    assert first.returncode == 0, first.stderr
    snapshot = digests(out)
    html_first = (out / "briefing.html").read_text(encoding="utf-8")
    second = run_cli("run", "--source", "data/raw/obama-toolkit/page.txt", "--corpus", "obama-toolkit",
                     "--format", "blog-page", "--out", str(out))
    assert second.returncode == 0, second.stderr
    return {"out": out, "first": first, "second": second, "snapshot": snapshot, "html_first": html_first}


def test_run_prints_the_briefing_path_last(runs):
    assert runs["first"].stdout.strip().splitlines()[-1] == str(runs["out"] / "briefing.html")


def test_runner_reports_each_notebook(runs):
    for name in ("01_ingest", "02_overview", "04_themes", "05_sentiment", "90_briefing"):
        assert re.search(rf"{name} done in \d+\.\d s", runs["first"].stdout)
        assert (runs["out"] / f"{name}.ipynb").is_file()  # executed notebooks are kept


def test_expected_files(runs):
    names = {p.name for p in runs["out"].iterdir()}
    assert {"comments.parquet", "exclusions.parquet", "ingest.json", "overview.json", "themes.parquet",
            "theme_assignments.parquet", "themes.json", "sentiment.parquet", "sentiment_by_theme.parquet",
            "sentiment.json", "coded_comments.csv", "briefing.html", "run_config.yaml", "timings.json"} <= names


def test_comments_table_holds_the_example(runs):
    comments = pd.read_parquet(runs["out"] / "comments.parquet")
    assert comments["kind"].value_counts().to_dict() == {"comment": 7, "pingback": 3, "post": 1}
    assert set(comments["source"]) == {"data/raw/obama-toolkit/page.txt"}  # portable, not the clone's path
    exclusions = pd.read_parquet(runs["out"] / "exclusions.parquet")
    assert exclusions["reason"].tolist() == ["boilerplate"]


def test_coded_table_accounts_for_every_row_without_personal_data(runs):
    coded = pd.read_csv(runs["out"] / "coded_comments.csv", dtype=str)
    assert len(coded) == 11
    assert coded.loc[coded["analysed"] == "True", "sentiment"].notna().sum() == 7
    assert not {"author", "text"} & set(coded.columns)


def test_two_runs_give_identical_tables(runs):
    assert digests(runs["out"]) == runs["snapshot"]


def test_two_runs_give_the_same_briefing_but_for_the_generation_line(runs):
    second = (runs["out"] / "briefing.html").read_text(encoding="utf-8")
    assert without_generated_line(second) == without_generated_line(runs["html_first"])


def test_briefing_is_self_contained_and_complete(runs):
    html = (runs["out"] / "briefing.html").read_text(encoding="utf-8")
    assert check_self_contained(html) == []
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import", html)
    assert len(html.encode()) < 2_000_000
    assert html.count("<h1") == 1 and 'lang="en"' in html
    for heading in ("Summary", "Key numbers", "Themes", "Tone", "Caveats", "Methodology", "Provenance"):
        assert re.search(rf"<h2[^>]*>\s*{heading}\s*</h2>", html), heading
    assert re.findall(r"Comment (?:<bdi>)?r\d+", html), "quotes must cite comment ids"
    assert "not a vote" in html and "only 7" in html  # caveats and the small-corpus warning
    for boilerplate in ("Leave a Reply", "Fill in your details", "bloggers like this"):
        assert boilerplate not in html
    assert hashlib.sha256((ROOT / "data/raw/obama-toolkit/page.txt").read_bytes()).hexdigest() in html


def test_briefing_shows_counts_not_percentages_for_seven_comments(runs):
    html = (runs["out"] / "briefing.html").read_text(encoding="utf-8")
    summary = re.search(r'id="summary".*?</section>', html, re.S).group(0)
    assert "%" not in summary
    assert re.search(r"\d of 7", summary)


def test_bad_source_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_text("")
    result = run_cli("run", "--source", str(bad), "--corpus", "bad", "--out", str(tmp_path / "run"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and str(bad) in lines[0]


def test_a_kernel_writes_nothing_to_the_runners_stderr(tmp_path):
    # CI once failed the one-error-line rule on ZeroMQ's "Assertion failed: pfd.revents & POLLIN", written by
    # a kernel shutting down after an error straight to its file 2. Here a kernel writes there as it exits.
    import json
    import textwrap

    nb = tmp_path / "noise.ipynb"
    nb.write_text(json.dumps({
        "cells": [{"cell_type": "code", "id": "noise", "metadata": {}, "outputs": [], "execution_count": None,
                   "source": "import atexit, os\natexit.register(lambda: os.write(2, b'kernel noise at exit\\n'))\n"
                             "raise ValueError('boom')"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}))
    code = textwrap.dedent(f"""
        from pathlib import Path
        from helpers import runner
        try:
            runner._execute(Path({str(nb)!r}), Path({str(tmp_path / 'out.ipynb')!r}), {{}})
        except runner.RunFailed:
            print("failed as it should")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "failed as it should" in done.stdout
    assert "kernel noise" not in done.stderr


def test_each_kernel_starts_ahead_with_its_notebooks_imports_and_an_empty_namespace(tmp_path):
    # The runner starts the next notebook's kernel, with that notebook's imports made and their names unbound
    # again, while the current notebook runs. Each notebook reports what its kernel had loaded and bound
    # before its first cell, and the folder it runs in.
    import json

    import nbformat

    from helpers import runner

    probe = ("import os, sys\n"
             "print(json.dumps({'loaded': sorted(m for m in ('colorsys', 'wave') if m in sys.modules),\n"
             "                  'bound': sorted(n for n in ('colorsys', 'wave', 'cs') if n in globals()),\n"
             "                  'cwd': os.getcwd()}))")
    notebooks = []
    for name, imports in (("01_first", "import colorsys as cs"), ("02_second", "import wave")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import json\n" + probe),
                                             nbformat.v4.new_code_cell(imports)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        notebooks.append(tmp_path / f"{name}.ipynb")
        nbformat.write(nb, notebooks[-1])
    kernels = runner._Kernels()
    try:
        runner._execute(notebooks[0], tmp_path / "out1.ipynb", {}, kernels, notebooks[1])
        spare = kernels.spare[1]
        assert spare.has_kernel  # started while the first notebook ran
        runner._execute(notebooks[1], tmp_path / "out2.ipynb", {}, kernels, None)
        assert kernels.spare is None and not spare.has_kernel  # adopted, then shut down as papermill finished
    finally:
        kernels.close()
    seen = [json.loads(nbformat.read(tmp_path / f"out{i}.ipynb", as_version=4).cells[0].outputs[0]["text"])
            for i in (1, 2)]
    # each kernel had loaded its own notebook's module, not the other's, and bound no name
    assert [s["loaded"] for s in seen] == [["colorsys"], ["wave"]]
    assert [s["bound"] for s in seen] == [[], []]
    assert {s["cwd"] for s in seen} == {str(tmp_path)}
