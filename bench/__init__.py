"""Benchmarks for Listening Post, run by `make bench` (``python -m bench``)."""

from __future__ import annotations

import time
from pathlib import Path

#: Where benchmarks write their tables (gitignored), so that runs can be compared.
RESULTS = Path(__file__).resolve().parent / "results"


def write_results(tables: dict, stamp: str | None = None) -> list[Path]:
    """Write each table as ``RESULTS/<name>-<stamp>.csv`` (stamp: the time now, so runs sort in
    order) and return the paths, in the order given."""
    stamp = stamp or time.strftime("%Y%m%dT%H%M%S")
    RESULTS.mkdir(exist_ok=True)
    paths = []
    for name, table in tables.items():
        paths.append(RESULTS / f"{name}-{stamp}.csv")
        table.to_csv(paths[-1], index=False)
    return paths
