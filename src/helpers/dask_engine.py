"""The engines that run the heavy, row-local steps of the pipeline: in memory, or on a Dask cluster.

A run parameter picks the engine (``engine: pandas | dask``) and, for Dask, where it runs
(``dask_scheduler: local | tcp://HOST:PORT``). The stages (:mod:`helpers.stages`) ask
:func:`get_engine` for the steps below and do everything else themselves, so the two engines share
every line of the analysis and differ only in where these steps run:

=========  =====================================  ==============================================
stage      partition-parallel with Dask           on the client (the reduced data)
=========  =====================================  ==============================================
ingest     language detection of every row        reading and mapping the source; repair and
                                                  exclusions (duplicates need the whole corpus);
                                                  the summary
campaigns  MinHash signatures of the distinct     exact-duplicate codes; verification of the
           texts; the LSH bands, as a shuffle of  candidate pairs, grouping, templates,
           band keys                              additions, bursts
themes     assigning every submission to themes   the fit (vocabulary, number of themes, NMF) on
           (``model.transform``)                  the de-duplicated content units; summaries
sentiment  VADER scores of every comment          the per-theme and de-duplicated summaries
=========  =====================================  ==============================================

Every partition is a contiguous block of rows and results are put back in row order, so the
outputs are identical to the pandas engine's (``tests/unit/test_dask_engine.py`` checks it on a
two-worker cluster, and that a worker killed mid-run loses and duplicates nothing: a partition is a
task whose input is part of the task graph, so the scheduler re-runs it elsewhere).

``dask_scheduler: local`` starts a :class:`distributed.LocalCluster` (one single-threaded worker
process per core, no dashboard, only errors logged) once per Python process; the runner starts one
for the whole run and its notebooks share it (:data:`SHARED_CLUSTER_ENV`). ``tcp://HOST:PORT``
connects to a running scheduler; its workers must be able to import this project at the same
version (``pip install -e .`` on each), which is checked when connecting.

Examples
--------
>>> engine = get_engine("pandas")
>>> scores = engine.score_comments(pd.DataFrame({"comment_id": ["a"], "text": ["I love it."]}), unit="sentence")
>>> scores["label"].tolist()
['positive']
"""

from __future__ import annotations

import atexit
import copy
import logging
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import ConfigError

__all__ = ["ENGINES", "get_engine", "PandasEngine", "DaskEngine", "connect", "disconnect", "partition_bounds",
           "ROWS_PER_PARTITION"]

ENGINES = ("pandas", "dask")
#: Most rows in one partition (fewer when that would leave a worker idle): about 2-3 seconds of
#: sentiment scoring, a few MB to ship.
ROWS_PER_PARTITION = 25_000
_CLIENTS: dict[str, Any] = {}  # scheduler -> Client, one per Python process
# Partitions travel inside the task graph on purpose (a task lost with its worker is re-run from it):
# no warning about large graphs.
_BIG_GRAPHS = {"distributed.admin.large-graph-warning-threshold": "4GiB"}


def get_engine(engine: str = "pandas", scheduler: str = "local") -> PandasEngine | DaskEngine:
    """The engine named by the run parameters ``engine`` and ``dask_scheduler``.

    Raises
    ------
    ConfigError
        For an engine other than "pandas" or "dask" (a bad scheduler is reported on first use).

    Examples
    --------
    >>> get_engine("pandas").name
    'pandas'
    >>> get_engine("spark")
    Traceback (most recent call last):
    ...
    helpers.errors.ConfigError: engine must be one of pandas, dask, not 'spark'
    """
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "pandas":
        return PandasEngine()
    return DaskEngine(scheduler)


def partition_bounds(n: int, n_workers: int, *, max_rows: int = ROWS_PER_PARTITION) -> list[tuple[int, int]]:
    """Contiguous row ranges ``[lo, hi)`` covering ``range(n)``: at least two per worker (so a slow or
    lost partition does not leave the others idle), at most ``max_rows`` rows each.

    Examples
    --------
    >>> partition_bounds(10, 2)
    [(0, 2), (2, 5), (5, 8), (8, 10)]
    >>> partition_bounds(0, 2)
    []
    """
    if n <= 0:
        return []
    parts = min(n, max(2 * max(1, n_workers), math.ceil(n / max_rows)))
    cuts = np.linspace(0, n, parts + 1).round().astype(int)
    return [(int(lo), int(hi)) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True) if hi > lo]


# --- the in-memory engine -------------------------------------------------------------------------

class PandasEngine:
    """The steps as plain function calls on the whole table (the default engine)."""

    name = "pandas"

    def read(self, source, **options):
        """:func:`helpers.ingest.read`."""
        from .ingest import read

        return read(source, **options)

    def detect_campaigns(self, comments: pd.DataFrame, **options):
        """:func:`helpers.campaigns.detect_campaigns`."""
        from .campaigns import detect_campaigns

        return detect_campaigns(comments, **options)

    def transform(self, model, texts: pd.Series) -> np.ndarray:
        """``model.transform(texts)``: theme weights of every text."""
        return model.transform(texts)

    def score_comments(self, comments: pd.DataFrame, *, unit: str) -> pd.DataFrame:
        """:func:`helpers.sentiment.score_comments`."""
        from .sentiment import score_comments

        return score_comments(comments, unit=unit)


# --- Dask ---------------------------------------------------------------------------------------

#: Environment variable through which the runner hands its notebooks the address of the one local
#: cluster they share (:func:`new_local_cluster`); ``dask_scheduler: local`` then connects to it.
SHARED_CLUSTER_ENV = "LP_DASK_SHARED_CLUSTER"


def new_local_cluster():
    """A :class:`distributed.LocalCluster` of one single-threaded worker process per core (or
    ``LP_N_JOBS``: :func:`helpers.parallel.resolve_n_jobs`), no dashboard, only errors logged: what
    ``dask_scheduler: local`` runs on. The caller closes it."""
    from distributed import LocalCluster

    from .parallel import resolve_n_jobs

    return LocalCluster(n_workers=resolve_n_jobs(None), threads_per_worker=1, processes=True, dashboard_address=None,
                        silence_logs=logging.ERROR)


def _local_client():
    """A client on a local cluster of this process's own, closed when the process ends."""
    from distributed import Client

    cluster = new_local_cluster()
    client = Client(cluster)
    atexit.register(_close, client, cluster)
    return client


def _close(client, cluster=None) -> None:
    for thing in (client, cluster):
        try:
            if thing is not None:
                thing.close()
        except Exception:  # noqa: BLE001 - closing at exit: nothing left to report to
            pass


def _worker_version() -> str:
    """Run on each worker: the version of ``helpers`` it imports."""
    import helpers

    return helpers.__version__


def connect(scheduler: str = "local", *, timeout: float = 20):
    """A :class:`distributed.Client` for ``scheduler`` ("local" or an address), made once per process.

    ``timeout`` is how many seconds to wait for a remote scheduler to answer.

    Raises
    ------
    ConfigError
        When the scheduler cannot be reached, or a worker cannot import this project's ``helpers``
        at the client's version.
    """
    if scheduler in _CLIENTS and _CLIENTS[scheduler].status == "running":
        return _CLIENTS[scheduler]
    if scheduler != "local" and not scheduler.startswith(("tcp://", "tls://")):
        raise ConfigError(f"dask_scheduler must be 'local' or an address like tcp://HOST:8786, not {scheduler!r}")
    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # "local" in a notebook the runner started: the run's shared cluster, which this process must not close
    address = os.environ.get(SHARED_CLUSTER_ENV, "") if scheduler == "local" else scheduler
    if not address:
        client = _local_client()
    else:
        from distributed import Client

        try:
            client = Client(address, timeout=f"{timeout}s")
        except OSError as exc:
            shared = f" (the run's shared cluster, from {SHARED_CLUSTER_ENV})" if scheduler == "local" else ""
            raise ConfigError(f"cannot reach the Dask scheduler at {address}{shared}: {exc}") from None
        atexit.register(_close, client)
    from . import __version__

    try:
        versions = client.run(_worker_version)
    except ModuleNotFoundError:
        versions = {"?": None}
    wrong = {w: v for w, v in versions.items() if v != __version__}
    if wrong:
        worker, version = next(iter(wrong.items()))
        raise ConfigError(f"Dask worker {worker} " + ("cannot import helpers" if version is None else
                          f"has helpers {version}, not {__version__}") +
                          ": install this project on every worker (pip install -e .)")
    _CLIENTS[scheduler] = client
    return client


def disconnect(scheduler: str | None = None) -> None:
    """Close the client made by :func:`connect` for ``scheduler`` (every client when None), and the
    LocalCluster behind a "local" one (unless it is the runner's shared cluster)."""
    for name in [scheduler] if scheduler is not None else list(_CLIENTS):
        client = _CLIENTS.pop(name, None)
        if client is not None:
            _close(client, client.cluster if name == "local" else None)


def _n_workers(client) -> int:
    return max(1, len(client.scheduler_info(n_workers=-1)["workers"]))


def _languages(part: pd.DataFrame) -> pd.Series:
    """The language :func:`helpers.clean.clean_comments` gives each row (a language the reader gave,
    else the detected one), from the text as cleaning leaves it."""
    from .clean import detect_language, normalise_text, repair_mojibake

    text = normalise_text(repair_mojibake(part["text"].astype("string").fillna("")))
    detected = detect_language(text)
    if "language" in part.columns:
        given = part["language"].astype("string").str.strip().str.lower()
        detected = given.where((given.notna() & (given != "")).fillna(False).astype(bool), detected)
    return detected.astype("string")


def _transform(texts: pd.Series, *, model) -> np.ndarray:
    return model.transform(texts)


_BUCKET = np.dtype([("band", np.int16), ("key", np.uint64), ("i", np.int64)])


def _split_bands(sig: np.ndarray, lo: int, *, bands: int, n_out: int) -> list[np.ndarray]:
    """The map side of the band shuffle: one (band, key, text position) record per text and band of a
    block of signatures, split by ``key % n_out`` into the pieces for each reducer."""
    from .campaigns import band_keys

    keys = band_keys(sig, bands)
    rec = np.empty(keys.size, dtype=_BUCKET)
    rec["band"] = np.tile(np.arange(bands, dtype=np.int16), len(sig))
    rec["key"] = keys.ravel()
    rec["i"] = np.repeat(np.arange(lo, lo + len(sig), dtype=np.int64), bands)
    dest = (rec["key"] % np.uint64(n_out)).astype(np.int64)
    order = np.argsort(dest, kind="stable")
    cuts = np.searchsorted(dest[order], np.arange(n_out + 1))
    return [rec[order[a:b]] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _piece(pieces: list[np.ndarray], k: int) -> np.ndarray:
    return pieces[k]


def _bucket_pairs(*pieces: np.ndarray) -> np.ndarray:
    """The reduce side: every (band, key) bucket whose key falls to this reducer is whole here; link
    each text to the first of its bucket (:func:`helpers.campaigns.bucket_links`), band by band."""
    from .campaigns import bucket_links

    rec = np.concatenate(pieces)
    rec = rec[np.argsort(rec["i"], kind="stable")]
    links = [bucket_links(rec["key"][rec["band"] == t], rec["i"][rec["band"] == t])
             for t in np.unique(rec["band"])]
    return np.unique(np.concatenate(links)) if links else np.zeros(0, dtype=np.int64)


class DaskEngine:
    """The row-local steps as tasks on a Dask cluster, one per block of rows (see the module docstring).

    Parameters
    ----------
    scheduler : str
        "local" or the address of a running scheduler (``tcp://HOST:PORT``).
    max_rows : int, optional
        Most rows per partition (see :func:`partition_bounds`); default :data:`ROWS_PER_PARTITION`.
    """

    name = "dask"

    def __init__(self, scheduler: str = "local", *, max_rows: int | None = None):
        self.scheduler = scheduler
        self.max_rows = ROWS_PER_PARTITION if max_rows is None else max_rows

    @property
    def client(self):
        """The :class:`distributed.Client` (connected on first use; see :func:`connect`)."""
        return connect(self.scheduler)

    def map(self, func: Callable, parts: Sequence, *, desc: str, sizes: Sequence[int] | None = None,
            **kwargs) -> list:
        """``[func(p, **kwargs) for p in parts]``, each call a task on the cluster, results in order.

        The parts travel inside the task graph (not scattered), so a task lost with its worker is
        re-run on another from the same input. Progress is drawn over ``sizes`` (rows per part).
        """
        import dask
        from distributed import as_completed

        from .progress import bar

        client = self.client
        with dask.config.set(_BIG_GRAPHS):
            futures = [client.submit(func, p, **kwargs, pure=False) for p in parts]
        index = {f.key: k for k, f in enumerate(futures)}
        sizes = list(sizes) if sizes is not None else [1] * len(parts)
        out: list = [None] * len(parts)
        with bar(sum(sizes), desc) as b:
            for future in as_completed(futures):
                k = index[future.key]
                out[k] = future.result()
                b.update(sizes[k])
        return out

    def _blocks(self, n: int) -> list[tuple[int, int]]:
        return partition_bounds(n, _n_workers(self.client), max_rows=self.max_rows)

    # -- ingest -----------------------------------------------------------------------------------

    def read(self, source, **options):
        """:func:`helpers.ingest.read` with the language of every row detected in partitions.

        The source is read and mapped on the client. Each partition then gets the language the
        cleaning stage would give it; the cleaning stage itself (:func:`helpers.clean.clean_comments`,
        whose exclusions compare rows across the corpus) runs on the client with that language as
        given, which it keeps.
        """
        from .clean import audit_notes, clean_comments
        from .ingest import read
        from .ingest.core import merge_type_spellings
        from .schema import validate_exclusions

        result = read(source, clean=False, **options)
        comments = result.comments
        blocks = self._blocks(len(comments))
        columns = [c for c in ("text", "language") if c in comments.columns]
        found = self.map(_languages, [comments[columns].iloc[lo:hi] for lo, hi in blocks], desc="language",
                         sizes=[hi - lo for lo, hi in blocks])
        if found:
            comments = comments.assign(language=pd.concat(found, ignore_index=True).array)
        # every language is now given, so the cleaning stage detects none (min_chars beyond any text)
        kept, dropped, cleaning = clean_comments(comments, min_chars=sys.maxsize)
        if len(dropped):
            result.exclusions = validate_exclusions(pd.concat([result.exclusions, dropped], ignore_index=True),
                                                    source=result.source)
        result.comments = kept
        result.cleaning = cleaning
        result.notes = [*result.notes, *audit_notes(cleaning)]
        return merge_type_spellings(result)

    # -- campaigns --------------------------------------------------------------------------------

    def minhash_signatures(self, texts: pd.Series, **options):
        """:func:`helpers.campaigns.minhash_signatures`, one task per block of texts."""
        from .campaigns import minhash_signatures

        blocks = self._blocks(len(texts))
        if not blocks:
            return minhash_signatures(texts, **options)
        parts = self.map(minhash_signatures, [texts.iloc[lo:hi] for lo, hi in blocks], desc="MinHash",
                         sizes=[hi - lo for lo, hi in blocks], **options)
        return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))

    def band_links(self, sig: np.ndarray, bands: int) -> tuple[np.ndarray, np.ndarray]:
        """The LSH candidate pairs as a shuffle: band keys per block of signatures (map tasks), records
        moved by key hash so that each (band, key) bucket is whole in one reduce task, links made
        there (as :func:`helpers.campaigns.bucket_links`), then gathered, unique and sorted. No more
        texts than fit one partition (the later rounds of grouping, on the few texts split off) are
        linked in memory: the same pairs, without a round trip."""
        import dask

        from .campaigns import lsh_links, split_links

        if len(sig) <= self.max_rows:
            return lsh_links(sig, bands)
        blocks = self._blocks(len(sig))
        n_out = len(blocks)
        client = self.client
        with dask.config.set(_BIG_GRAPHS):
            split = [client.submit(_split_bands, sig[lo:hi], lo, bands=bands, n_out=n_out, pure=False)
                     for lo, hi in blocks]
            pieces = [[client.submit(_piece, f, k) for f in split] for k in range(n_out)]
            reduced = [client.submit(_bucket_pairs, *column) for column in pieces]
            found = client.gather(reduced)
        return split_links(np.unique(np.concatenate(found)))

    def detect_campaigns(self, comments: pd.DataFrame, **options):
        """:func:`helpers.campaigns.detect_campaigns` with the MinHash and LSH steps on the cluster."""
        from .campaigns import detect_campaigns

        return detect_campaigns(comments, minhash=self.minhash_signatures, band_links=self.band_links, **options)

    # -- themes and sentiment -----------------------------------------------------------------------

    def transform(self, model, texts: pd.Series) -> np.ndarray:
        """``model.transform(texts)`` in blocks of texts (the model travels with each task, without
        the weights of the texts it was fitted on)."""
        blocks = self._blocks(len(texts))
        if not blocks:
            return model.transform(texts)
        slim = copy.copy(model)
        for name in ("doc_weights_", "labels_"):
            if hasattr(slim, name):
                setattr(slim, name, None)
        parts = self.map(_transform, [texts.iloc[lo:hi] for lo, hi in blocks], desc="themes",
                         sizes=[hi - lo for lo, hi in blocks], model=slim)
        return np.concatenate(parts)

    def score_comments(self, comments: pd.DataFrame, *, unit: str) -> pd.DataFrame:
        """:func:`helpers.sentiment.score_comments`, one task per block of comments (each in its
        worker's one process: the cluster is the parallelism)."""
        from .sentiment import score_comments

        blocks = self._blocks(len(comments))
        if not blocks:
            return score_comments(comments, unit=unit)
        score_comments(comments.iloc[:0], unit=unit)  # a bad unit or table fails here, not on a worker
        parts = self.map(score_comments, [comments[["comment_id", "text"]].iloc[lo:hi] for lo, hi in blocks],
                         desc="sentiment", sizes=[hi - lo for lo, hi in blocks], unit=unit, n_jobs=1)
        return pd.concat(parts, ignore_index=True)
