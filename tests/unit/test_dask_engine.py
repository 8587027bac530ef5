"""The Dask engine gives the pandas engine's outputs, on a two-worker LocalCluster, even when a worker dies."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from bench.synthetic import generate_campaigns
from helpers import dask_engine, stages
from helpers.campaigns import lsh_links, minhash_signatures
from helpers.dask_engine import DaskEngine, connect, disconnect, get_engine, partition_bounds
from helpers.errors import ConfigError
from helpers.sentiment import score_comments

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as c:
        yield c
        disconnect(c.scheduler_address)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "comments.csv"
    generate_campaigns(2000, seed=1).comments.to_csv(path, index=False)
    return path


# --- no cluster needed ----------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "workers", "max_rows", "expected"), [
    (0, 2, 10, []),
    (1, 2, 10, [(0, 1)]),
    (3, 2, 10, [(0, 1), (1, 2), (2, 3)]),  # fewer rows than 2 per worker: one row each
    (8, 2, 10, [(0, 2), (2, 4), (4, 6), (6, 8)]),  # two per worker
    (25, 1, 10, [(0, 8), (8, 17), (17, 25)]),  # at most 10 rows: 3 parts
])
def test_partition_bounds(n, workers, max_rows, expected):
    assert partition_bounds(n, workers, max_rows=max_rows) == expected


def test_unknown_engine_and_scheduler_are_config_errors():
    with pytest.raises(ConfigError, match="engine must be one of pandas, dask"):
        get_engine("polars")
    with pytest.raises(ConfigError, match="dask_scheduler must be 'local' or an address"):
        connect("localhost:8786")


def test_unreachable_scheduler_is_one_clear_error():
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        connect("tcp://127.0.0.1:9", timeout=1)


# --- on a two-worker cluster --------------------------------------------------------------------

def _compare_run_folders(a: Path, b: Path) -> list[str]:
    compared = []
    for p in sorted(a.iterdir()):
        q = b / p.name
        if p.suffix == ".parquet":
            assert_frame_equal(pd.read_parquet(p), pd.read_parquet(q), obj=p.name)
        elif p.suffix == ".json":
            assert json.loads(p.read_text()) == json.loads(q.read_text()), p.name
        else:
            continue
        compared.append(p.name)
    return compared


def test_dask_stages_write_the_pandas_engines_files(cluster, corpus, tmp_path, monkeypatch):
    # small partitions, so that every step runs in several tasks and the LSH bands are shuffled
    monkeypatch.setattr(dask_engine, "ROWS_PER_PARTITION", 300)
    options = {"source": str(corpus), "format": "csv", "text_column": "text", "id_column": "id",
               "columns": {"created_at": "created_at"}}
    for engine in ("pandas", "dask"):
        run = tmp_path / engine
        run.mkdir()
        kw = {"engine": engine, "dask_scheduler": cluster.scheduler_address}
        stages.ingest(run, **options, **kw)
        stages.campaigns(run, **kw)
        stages.themes(run, **kw)
        stages.sentiment(run, **kw)
    compared = _compare_run_folders(tmp_path / "pandas", tmp_path / "dask")
    assert compared == sorted(["campaign_summary.parquet", "campaigns.json", "campaigns.parquet",
                               "comments.parquet", "exclusions.parquet", "ingest.json", "sentiment.json",
                               "sentiment.parquet", "sentiment_by_theme.parquet", "theme_assignments.parquet",
                               "themes.json", "themes.parquet"])
    notes = json.loads((tmp_path / "dask" / "campaigns.json").read_text())
    assert notes["n_campaigns"] > 0  # the corpus has campaigns for the shuffle to find
    assert len(pd.read_parquet(tmp_path / "dask" / "comments.parquet")) > 1900


def test_band_links_as_a_shuffle_match_the_in_memory_ones(cluster):
    rng = np.random.default_rng(0)
    sig = rng.integers(0, 4, size=(500, 8), dtype=np.uint32)  # few values: many shared buckets
    engine = DaskEngine(cluster.scheduler_address, max_rows=60)
    i, j = engine.band_links(sig, 4)
    ei, ej = lsh_links(sig, 4)
    assert len(ei) > 500
    np.testing.assert_array_equal(i, ei)
    np.testing.assert_array_equal(j, ej)


def test_minhash_in_partitions_matches(cluster, corpus):
    texts = pd.read_csv(corpus)["text"].astype("string").iloc[:700]
    engine = DaskEngine(cluster.scheduler_address, max_rows=100)
    got = engine.minhash_signatures(texts, shingle_size=3, num_perm=16, random_state=2)
    expected = minhash_signatures(texts, shingle_size=3, num_perm=16, random_state=2)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(cluster, corpus):
    client = connect(cluster.scheduler_address)
    comments = pd.read_csv(corpus, dtype={"id": "string"}).rename(columns={"id": "comment_id"})
    comments = pd.concat([comments] * 4, ignore_index=True)  # 8,000 rows in 160 tasks: a few seconds
    comments["comment_id"] = pd.array([f"c{k}" for k in range(len(comments))], dtype="string")
    comments = comments[["comment_id", "text"]]
    expected = score_comments(comments, unit="sentence")
    engine = DaskEngine(cluster.scheduler_address, max_rows=50)
    pids_before = client.run(os.getpid)
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(scores=engine.score_comments(comments, unit="sentence")))
    worker.start()

    def done_tasks() -> int:
        return client.run_on_scheduler(lambda dask_scheduler: sum(
            ts.state == "memory" and "score_comments" in str(ts.key) for ts in dask_scheduler.tasks.values()))

    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        busy = {w: len(keys) for w, keys in client.processing().items() if keys}
        if busy and done_tasks() >= 10:
            victim = next(iter(busy))
        else:
            time.sleep(0.02)
    assert victim is not None, "no task was running"
    os.kill(pids_before[victim], signal.SIGKILL)
    killed_while_running = worker.is_alive()
    finished_before = done_tasks()
    worker.join(120)
    assert killed_while_running and not worker.is_alive()
    assert finished_before < 160  # the kill came before the last task finished
    client.wait_for_workers(2, timeout=60)  # the nanny started a new worker process in its place
    assert victim not in client.scheduler_info(n_workers=-1)["workers"]
    assert pids_before[victim] not in client.run(os.getpid).values()
    scores = result["scores"]
    assert scores["comment_id"].is_unique and len(scores) == len(comments)
    assert_frame_equal(scores, expected)


def test_dask_ingest_keeps_thread_anchors_and_exclusions_across_partitions(cluster, tmp_path, monkeypatch):
    # Row 3 replies to the non-answer in row 2, which in another partition must still be kept as the
    # thread's anchor; blanks and non-answers are excluded; the mojibake is repaired before its
    # language is detected; the French text is detected as French.
    monkeypatch.setattr(dask_engine, "ROWS_PER_PARTITION", 2)
    path = tmp_path / "t.csv"
    pd.DataFrame({
        "id": ["1", "2", "3", "4", "5", "6", "7"],
        "text": ["Bus fares have gone up three times this year and it hurts.", "N/A",
                 "Why do you say that? The buses are fine here in our town.", "   ",
                 "Le service de bus dans notre ville est devenu bien pire depuis le changement.",
                 "The caf\u00c3\u00a9 by the station closed when the timetable changed last spring.", "No"],
        "parent_id": ["", "", "2", "", "", "", ""],
        # one kind of respondent spelled two ways: merged on both engines (a review found Dask did not)
        "respondent_type": ["Government - Federal", "Federal Government", "Government - Federal", "", "", "", ""],
    }).to_csv(path, index=False)
    runs = {}
    for engine in ("pandas", "dask"):
        runs[engine] = tmp_path / engine
        runs[engine].mkdir()
        stages.ingest(runs[engine], source=str(path), format="csv", engine=engine,
                      dask_scheduler=cluster.scheduler_address)
    assert _compare_run_folders(runs["pandas"], runs["dask"]) == ["comments.parquet", "exclusions.parquet",
                                                                  "ingest.json"]
    kept = pd.read_parquet(runs["dask"] / "comments.parquet")
    assert kept["comment_id"].tolist() == ["1", "2", "3", "5", "6"]
    assert kept["language"].tolist()[3] == "fr" and kept["is_placeholder"].tolist()[1]
    assert "café" in kept["text"].tolist()[4]
    assert kept["respondent_type"].tolist()[:3] == ["Government - Federal"] * 3
    excluded = pd.read_parquet(runs["dask"] / "exclusions.parquet")
    assert sorted(zip(excluded["record_id"], excluded["reason"], strict=True)) == [("4", "blank"),
                                                                                  ("7", "non_answer")]
