"""helpers.parallel: blocks of work in worker processes, results in order, the same as in one process."""

from __future__ import annotations

import os

import pytest

from helpers import parallel, progress
from helpers.errors import ConfigError
from helpers.parallel import N_JOBS_ENV, available_cores, blocks, map_blocks, resolve_n_jobs


def test_n_jobs(monkeypatch):
    monkeypatch.delenv(N_JOBS_ENV, raising=False)
    assert resolve_n_jobs(None) == resolve_n_jobs(-1) == available_cores() >= 1
    assert (resolve_n_jobs(1), resolve_n_jobs(3)) == (1, 3)
    for bad in (0, -2, True, 1.5, "2"):
        with pytest.raises(ConfigError, match="n_jobs must be a positive integer"):
            resolve_n_jobs(bad)


def test_lp_n_jobs_caps_the_default_but_not_an_explicit_choice(monkeypatch):
    monkeypatch.setenv(N_JOBS_ENV, "1")
    assert resolve_n_jobs(None) == resolve_n_jobs(-1) == 1
    assert resolve_n_jobs(2) == 2
    monkeypatch.setenv(N_JOBS_ENV, "many")
    with pytest.raises(ConfigError, match="LP_N_JOBS must be a positive integer, not 'many'"):
        resolve_n_jobs(None)
    monkeypatch.setenv(N_JOBS_ENV, "0")
    with pytest.raises(ConfigError, match="LP_N_JOBS"):
        resolve_n_jobs(None)


def test_blocks():
    assert blocks(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert blocks([], 3) == []


def test_results_in_order_from_two_workers(worker_pools):
    parts = [[1, 2], [3], [4, 5, 6], [], [7]]
    assert map_blocks(sum, parts) == [3, 3, 15, 0, 7]  # worked out by hand
    assert worker_pools == [(2,)]


def test_small_or_single_or_empty_inputs_stay_in_this_process(worker_pools):
    assert map_blocks(sum, [[1, 2], [3]], min_items=4) == [3, 3]  # 3 items, below the minimum
    assert map_blocks(sum, [[1, 2, 3]]) == [6]  # one block
    assert map_blocks(sum, []) == []
    assert worker_pools == []


def test_inside_a_daemonic_process_everything_runs_here(worker_pools, monkeypatch):
    class Daemon:
        daemon = True

    monkeypatch.setattr(parallel, "current_process", lambda: Daemon())  # as in a Dask worker
    assert map_blocks(sum, [[1], [2]]) == [1, 2]
    assert worker_pools == []


def test_a_worker_error_reaches_the_caller(worker_pools):
    with pytest.raises(ValueError, match="invalid literal"):
        map_blocks(int, ["1", "x"], size=lambda part: 1)
    assert worker_pools == [(2,)]


def test_workers_draw_no_progress_bars(worker_pools, monkeypatch):
    monkeypatch.setenv("LP_PROGRESS", "1")  # the parent draws one
    assert map_blocks(os.getenv, ["LP_PROGRESS", "LP_PROGRESS"], size=lambda part: 1) == ["0", "0"]
    assert worker_pools == [(2,)]


def test_a_bar_that_is_not_shown_is_not_a_tqdm(monkeypatch):
    # a disabled tqdm still takes tqdm's lock, which a forked worker may find held forever
    monkeypatch.setenv("LP_PROGRESS", "0")
    with progress.bar(10, "x") as b:
        b.update(3)
    assert type(b).__name__ == "_NoBar"
    assert list(progress.progress(iter([1, 2]), "x", total=2)) == [1, 2]
    monkeypatch.setenv("LP_PROGRESS", "1")
    from tqdm.notebook import tqdm as widget
    from tqdm.std import tqdm

    shown = progress.bar(10, "x")
    # a text bar, never the notebook widget (which needs ipywidgets and warns without it)
    assert isinstance(shown, tqdm) and not isinstance(shown, widget)
    shown.close()
    assert list(progress.progress([1, 2], "x")) == [1, 2]
