"""``python -m bench [--sizes N ...]``: time each pipeline stage on seeded synthetic corpora.

Prints one table: seconds and comments per second per stage, the process's peak resident memory after
each stage, and the total as a multiple of one TfidfVectorizer.fit_transform pass over the same texts
(the floor any bag-of-words analysis pays). Also writes it as CSV under bench/results/.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from helpers import briefing, stages

from .synthetic import generate

RESULTS = Path(__file__).resolve().parent / "results"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def bench_size(n: int, workdir: Path) -> list[dict]:
    corpus = generate(n, seed=0)
    source = workdir / f"synthetic-{n}.csv"
    corpus.drop(columns=["planted_theme"]).to_csv(source, index=False)
    run = workdir / f"run-{n}"
    rows = []

    def timed(stage, fn):
        start = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - start
        rows.append({"comments": n, "stage": stage, "seconds": round(seconds, 3),
                     "comments_per_second": round(n / seconds) if seconds else None,
                     "peak_rss_mb": round(peak_mb())})
        return out

    timed("tfidf floor", lambda: TfidfVectorizer(sublinear_tf=True).fit_transform(corpus["text"]))
    timed("ingest (csv)", lambda: stages.ingest(run, source=str(source), format="csv", text_column="text",
                                                id_column="id", columns={"created_at": "created_at"}))
    timed("overview", lambda: stages.overview(run))
    timed("themes", lambda: stages.themes(run, random_state=0))
    timed("sentiment", lambda: stages.sentiment(run))
    timed("briefing", lambda: briefing.all_sections(briefing.load_briefing_data(run)))
    floor = rows[0]["seconds"]
    total = sum(r["seconds"] for r in rows[1:])
    rows.append({"comments": n, "stage": "TOTAL (excl. floor)", "seconds": round(total, 3),
                 "comments_per_second": round(n / total), "peak_rss_mb": round(peak_mb()),
                 "x_tfidf_floor": round(total / floor, 2)})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-quality", action="store_true",
                        help="skip the theme and sentiment quality benchmarks (bench/quality.py)")
    parser.add_argument("--embeddings", action="store_true", help="quality: also score the embeddings path")
    parser.add_argument("--bertopic", action="store_true",
                        help="quality: also run BERTopic side by side (needs make bench-bertopic-env)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="lp-bench-") as tmp:
        for n in args.sizes:
            print(f"benchmarking {n:,} synthetic comments ...", file=sys.stderr, flush=True)
            rows += bench_size(n, Path(tmp))
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"pipeline-{time.strftime('%Y%m%dT%H%M%S')}.csv"
    table.to_csv(out, index=False)
    print(f"\nwritten: {out}\n")
    if not args.no_quality:  # themes and sentiment against human coders and published topic models
        from . import quality

        quality.print_table(quality.quality_table(embeddings=args.embeddings, bertopic=args.bertopic,
                                                  pipeline=table))
    from . import campaigns  # organised campaigns: B-cubed F1 on planted campaigns, time, peak memory

    status = campaigns.main(["--sizes", *map(str, args.sizes), "--fcc-sizes", *map(str, args.sizes)])
    from . import coding  # machine coding against NHS human codes: learning curve, active vs random

    status = status or coding.main([])
    from . import opinions  # opinion groups against Polis's own group-id: ARI, consensus overlap, time

    return status or opinions.main([])


if __name__ == "__main__":
    raise SystemExit(main())
