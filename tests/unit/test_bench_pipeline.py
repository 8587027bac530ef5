"""The end-to-end pipeline bench's pure parts (bench/pipeline.py): tables, targets, corpus and config.

Every expected figure below is worked out by hand from the made-up timings and memory samples.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from bench import pipeline
from bench.pipeline import MB
from helpers import config, runner

TIMINGS = {"complete": True, "total_seconds": 6.9, "stages": [
    {"stage": "01_ingest", "status": "ran", "started": 100.0, "seconds": 4.0},
    {"stage": "06_opinion_groups", "status": "skipped", "started": 104.0, "seconds": 0.0},
    {"stage": "90_briefing", "status": "ran", "started": 104.0, "seconds": 2.0},
    {"stage": "render", "status": "ran", "started": 106.0, "seconds": 0.5},
    {"stage": "pdf", "status": "skipped", "started": 106.5, "seconds": 0.0},
]}
# (Unix time, bytes of the process tree); the first falls before the run's first step
SAMPLES = [(99.9, 1 * MB), (101.0, 2 * MB), (103.9, 5 * MB), (104.5, 3 * MB), (105.5, 4 * MB),
           (106.2, 1.5 * MB), (107.0, 0.5 * MB)]


@pytest.fixture
def table():
    return pipeline.stage_table(1400, TIMINGS, SAMPLES, total_seconds=7.0,
                                floor={"seconds": 1.75, "peak_mb": 100.0},
                                briefing_bytes=123_456, cells={"01_ingest": (3.25, 3.0)})


def test_stage_table_one_row_per_step_then_the_rest_the_floor_and_the_total(table):
    assert table["stage"].tolist() == ["ingest", "opinion_groups", "briefing", "render", "pdf", "other",
                                       "tfidf floor", "TOTAL"]
    assert table["status"].tolist()[:5] == ["ran", "skipped", "ran", "ran", "skipped"]
    assert table["status"].iloc[5:].isna().all()
    # other = 7.0 s in all - (4 + 0 + 2 + 0.5 + 0) s of steps
    assert table["seconds"].tolist() == [4.0, 0.0, 2.0, 0.5, 0.0, 0.5, 1.75, 7.0]
    # 1400 comments / seconds; none for skipped steps and for the runner's own start-up
    cps = table["comments_per_second"].tolist()
    assert cps[0] == 350.0 and cps[2] == 700.0 and cps[3] == 2800.0 and cps[6] == 800.0 and cps[7] == 200.0
    assert pd.isna(cps[1]) and pd.isna(cps[4]) and pd.isna(cps[5])


def test_stage_table_peak_memory_is_the_highest_sample_while_each_step_ran(table):
    peaks = table.set_index("stage")["peak_mb"]
    assert peaks["ingest"] == 5.0  # samples at 101.0 and 103.9 fall in [100, 104]
    assert peaks["briefing"] == 4.0  # 104.5 and 105.5 fall in [104, 106]
    assert peaks["render"] == 1.5  # 106.2 falls in [106, 106.5]
    assert pd.isna(peaks["opinion_groups"]) and pd.isna(peaks["pdf"])
    assert peaks["tfidf floor"] == 100.0  # the floor's own subprocess
    assert peaks["TOTAL"] == 5.0  # the highest sample of the run


def test_stage_table_total_against_the_floor_cells_and_briefing(table):
    total = table.iloc[-1]
    assert total["x_tfidf_floor"] == 4.0  # 7.0 s / 1.75 s
    assert total["briefing_bytes"] == 123_456
    ingest = table.iloc[0]
    assert (ingest["cells_seconds"], ingest["slowest_cell_seconds"]) == (3.25, 3.0)
    assert table["cells_seconds"].iloc[1:].isna().all()


def totals(rows):
    return pd.DataFrame([{"comments": n, "stage": "TOTAL", "seconds": s, "peak_mb": m, "x_tfidf_floor": x,
                          "briefing_bytes": b} for n, s, m, x, b in rows])


def test_targets_at_all_three_sizes():
    t = totals([(10_000, 9.0, 800.0, 9.0, 150_000), (100_000, 55.0, 2000.0, 5.0, 400_000),
                (1_000_000, 640.0, 7000.0, 3.9, 3_100_000)])
    got = pipeline.check_targets(t)
    assert got["target"].tolist() == [
        "100,000 comments end to end (s)", "1,000,000 comments end to end (s)",
        "1,000,000 comments peak memory (MB; 8 GB)", "1,000,000 comments: total / TF-IDF floor",
        "time at 1,000,000 / time at 100,000", "briefing of 1,000,000 comments (bytes, < 3 MB)"]
    # 640 / 55 = 11.636...; 8 GB = 8e9 bytes = 7629.39 MiB
    assert got["measured"].tolist() == [55.0, 640.0, 7000.0, 3.9, 11.64, 3_100_000.0]
    assert got["holds"].tolist() == [True, False, True, True, True, False]
    assert got["limit"].tolist()[:5] == [60, 600, 7629.4, 4, 12]


def test_only_the_targets_the_sizes_allow_are_checked():
    got = pipeline.check_targets(totals([(10_000, 9.0, 800.0, 9.0, 150_000)]))
    assert got["target"].tolist() == ["briefing of 10,000 comments (bytes, < 3 MB)"]
    assert got["holds"].tolist() == [True]
    got = pipeline.check_targets(totals([(1_000_000, 500.0, 9000.0, 3.0, 1_000)]))
    assert got["holds"].tolist() == [True, False, True, True]  # no 100k: no ratio between sizes


def test_the_browser_check_is_a_target_when_run():
    t = totals([(20_000, 20.0, 900.0, 8.0, 300_000)])
    clean = {"consoleErrors": [], "externalRequests": [], "requests": ["file:///x"]}
    assert pipeline.check_targets(t, browser=clean)["holds"].tolist() == [True, True]
    broken = {"consoleErrors": ["uncaught: boom"], "externalRequests": ["https://cdn.example/x.js"]}
    last = pipeline.check_targets(t, browser=broken).iloc[-1]
    assert (last["measured"], last["holds"]) == (2.0, False)
    assert pipeline.browser_problems({"fatal": "no Chromium"}) == ["failed: no Chromium"]


def test_the_dask_engine_is_two_targets_when_run():
    t = totals([(100_000, 50.0, 1000.0, 13.0, 200_000)])
    same = {"comments": 100_000, "pandas_seconds": 50.0, "dask_seconds": 70.0, "ratio": 1.4, "differs": []}
    got = pipeline.check_targets(t, dask=same)
    assert got["target"].tolist()[-2:] == [
        "Dask engine (local cluster, a worker per core) / pandas engine, 100,000 comments",
        "tables that differ between the engines, 100,000 comments"]
    assert got["measured"].tolist()[-2:] == [1.4, 0.0] and got["holds"].tolist()[-2:] == [True, True]
    slow = {**same, "dask_seconds": 80.0, "ratio": 1.6, "differs": ["themes"]}
    assert pipeline.check_targets(t, dask=slow)["holds"].tolist()[-2:] == [False, False]


def test_dask_configuration_and_table_comparison(tmp_path):
    path = pipeline.write_corpus(300, tmp_path)
    cfg = config.load_run_config(pipeline.dask_config(path))
    assert (cfg["engine"], cfg["dask_scheduler"], cfg["corpus"]) == ("dask", "local", "synthetic-300")
    a, b = tmp_path / "a", tmp_path / "b"
    for run, share in ((a, [0.5, 0.5]), (b, [0.5, 0.25])):
        run.mkdir()
        pd.DataFrame({"theme_id": [1, 2], "share": share}).to_parquet(run / "themes.parquet")
        pd.DataFrame({"comment_id": ["x"], "compound": [0.1]}).to_parquet(run / "sentiment.parquet")
    (b / "exclusions.parquet").write_bytes((a / "themes.parquet").read_bytes())  # in one run only
    assert pipeline.different_tables(a, b) == ["exclusions", "themes"]


def test_notebook_cells_adds_papermill_durations(tmp_path):
    nb = tmp_path / "01_x.ipynb"
    nb.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ""},
        {"cell_type": "code", "metadata": {"papermill": {"duration": 0.5}}, "source": ""},
        {"cell_type": "code", "metadata": {"papermill": {"duration": 2.0}}, "source": ""},
        {"cell_type": "code", "metadata": {"papermill": {"duration": None}}, "source": ""},
    ]}))
    assert pipeline.notebook_cells(nb) == (2.5, 2.0)


def test_corpus_and_configuration_are_what_the_runner_accepts(tmp_path):
    path = pipeline.write_corpus(300, tmp_path)
    cfg = config.load_run_config(path)
    assert cfg["corpus"] == "synthetic-300" and cfg["columns"] == {"created_at": "created_at",
                                                                   "parent_id": "parent_id"}
    runner.route_parameters(cfg, runner.pipeline_notebooks())  # every key is a notebook parameter
    data = pd.read_csv(tmp_path / "synthetic-300.csv")
    assert data.columns.tolist() == ["id", "text", "created_at", "parent_id"]
    assert len(data) == 300 and data["parent_id"].notna().any()


def test_tree_memory_adds_up_the_descendants():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alone = pipeline.tree_memory(child.pid)
        assert alone > 0
        assert pipeline.tree_memory(os.getpid()) > alone  # this process plus the child
    finally:
        child.kill()
        child.wait()
    assert pipeline.tree_memory(child.pid) == 0  # gone


FORKED = """
import os, sys, time
block = b"x" * (300 * 2**20)  # 300 MiB, every page touched
if os.fork() == 0:  # the child shares the block's pages with its parent until either writes them
    time.sleep(60)
    os._exit(0)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="proportional set size is read from Linux /proc")
def test_tree_memory_counts_pages_a_forked_child_shares_once():
    parent = subprocess.Popen([sys.executable, "-c", FORKED], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "ready"
        measured = pipeline.tree_memory(parent.pid) / 2**20
        # the block is 300 MiB and both processes map it; resident sets would add up to over 600 MiB
        assert 300 <= measured < 400
    finally:
        import psutil

        for child in psutil.Process(parent.pid).children():
            child.kill()
        parent.kill()
        parent.wait()


def test_write_results_stamps_each_table_under_results(tmp_path, monkeypatch):
    import bench

    monkeypatch.setattr(bench, "RESULTS", tmp_path / "results")
    a, b = bench.write_results({"demo": pd.DataFrame({"x": [1, 2]}), "demo-more": pd.DataFrame({"y": ["z"]})},
                               stamp="20260101T000000")
    assert (a.name, b.name) == ("demo-20260101T000000.csv", "demo-more-20260101T000000.csv")
    assert a.parent == tmp_path / "results"
    assert a.read_text() == "x\n1\n2\n" and b.read_text() == "y\nz\n"
    (stamped,) = bench.write_results({"demo": pd.DataFrame({"x": [3]})})
    assert re.fullmatch(r"demo-\d{8}T\d{6}\.csv", stamped.name)
