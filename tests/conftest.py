"""Fixtures shared by the test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import paths

ROOT = paths.project_root()
EXAMPLE_PAGE = ROOT / "data" / "raw" / "obama-toolkit" / "page.txt"


def shared_corpus(*parts: str) -> Path:
    """A path under ../shared/corpora: skip when the folder is absent, fail when LP_REQUIRE_SHARED=1."""
    path = paths.shared_corpora_dir().joinpath(*parts)
    if not path.exists():
        reason = f"shared corpus not available: {path}"
        if os.environ.get("LP_REQUIRE_SHARED") == "1":
            pytest.fail(reason + " (LP_REQUIRE_SHARED=1 makes real-data tests mandatory)")
        pytest.skip(reason)
    return path


@pytest.fixture
def example_page() -> Path:
    return EXAMPLE_PAGE


@pytest.fixture
def worker_pools(monkeypatch) -> list:
    """Force :mod:`helpers.parallel` to use two worker processes, whatever the machine (even for an
    explicit ``n_jobs=1``: a test that wants one process asserts that no pool started) and however
    few the items (:data:`helpers.parallel.MIN_ITEMS`), and record each process pool started (its
    arguments), so a test can check that the workers did run."""
    import concurrent.futures

    from helpers import parallel

    pools: list = []

    class Recording(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recording)
    monkeypatch.setattr(parallel, "resolve_n_jobs", lambda n_jobs: 2)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    return pools
