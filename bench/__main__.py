"""``python -m bench [--sizes N ...]``: the whole pipeline end to end, then quality, campaigns, coding, opinions.

First :mod:`bench.pipeline`: for each size (default 10,000 and 100,000 comments) a seeded synthetic
corpus runs through the real runner (``python -m helpers run``) in a subprocess; one table per size
gives seconds and comments per second per notebook, render and PDF, peak memory (proportional set size) of the whole
process tree, and the total as a multiple of one TfidfVectorizer.fit_transform pass over the same texts
(the floor any bag-of-words analysis pays); then which issue-7 targets hold. CSVs go under
bench/results/. ``make bench-large`` runs ``python -m bench.pipeline`` alone, with 1,000,000 comments.

Then theme and sentiment quality against human coders and published topic models (:mod:`bench.quality`),
campaign detection on planted campaigns (:mod:`bench.campaigns`), machine coding against human codes
(:mod:`bench.coding`) and opinion groups against Polis (:mod:`bench.opinions`).
"""

from __future__ import annotations

import argparse
import sys

from . import pipeline


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", help="keep the pipeline bench's corpora and run folders in this folder")
    parser.add_argument("--no-quality", action="store_true",
                        help="skip the theme and sentiment quality benchmarks (bench/quality.py)")
    parser.add_argument("--embeddings", action="store_true", help="quality: also score the embeddings path")
    parser.add_argument("--bertopic", action="store_true",
                        help="quality: also run BERTopic side by side (needs make bench-bertopic-env)")
    args = parser.parse_args(argv)
    try:
        table, targets = pipeline.bench(args.sizes, keep=args.keep)
    except pipeline.RunnerFailed as exc:
        print(f"pipeline bench: {exc}", file=sys.stderr)
        return 1
    pipeline.report(table, targets)
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
