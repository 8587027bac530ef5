"""``python -m bench.opinions``: opinion groups against Polis's own, on the shared Polis conversations.

Prints one row per conversation that has both ``votes.csv`` and ``participants-votes.csv``: the
adjusted Rand index between our groups and Polis's ``group-id`` (over the participants Polis
clustered), the same with our own participation filter, the numbers of groups, how many of the five
statements most agreed across Polis's groups are in our top five, how well Polis's groups fit the
exported votes (1.0: a k-means partition of our map), the seconds to read the export and to analyse it,
and, below 0.6, why (``python -m bench.polis_history`` measures how much Polis's own groups depend on
when its math ran). Then the medians, the Global Dialogues (GD6) per-question table, and the time of
the largest conversation. Writes the table to ``bench/results/opinions-<time>.csv``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.opinions.global_dialogues import by_question, read_global_dialogues
from helpers.opinions.polis import compare_all

from . import write_results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.opinions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(paths.shared_corpora_dir() / "polis-opendata"),
                        help="folder of Polis conversations (default ../shared/corpora/polis-opendata)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    if not root.is_dir():
        print(f"opinions benchmark skipped: {root} not found", file=sys.stderr)
        return 0
    print("comparing opinion groups with Polis's own ...", file=sys.stderr, flush=True)
    table = compare_all(root)
    with pd.option_context("display.width", 250, "display.max_columns", 30, "display.max_colwidth", 60):
        print(table.drop(columns="explanation").to_string(index=False))
    print(f"\nmedian ARI {table['ari'].median():.3f} (own participation filter: "
          f"{table['ari_own_filter'].median():.3f}); issue target 0.90")
    print(f"median consensus overlap {table['consensus_overlap'].median():.1f} of 5; issue target 4")
    largest = table.sort_values("participants").iloc[-1]
    print(f"largest conversation: {largest['conversation']} ({largest['participants']:,} participants): read "
          f"{largest['read_seconds']:.2f} s + analysis {largest['analysis_seconds']:.2f} s; target under 10 s")
    slowest = table.sort_values("analysis_seconds").iloc[-1]
    print(f"slowest analysis: {slowest['conversation']} {slowest['analysis_seconds']:.2f} s")
    for _, row in table[table["explanation"] != ""].iterrows():
        print(f"- {row['conversation']} (ARI {row['ari']:.2f}): {row['explanation']}")
    gd = paths.shared_corpora_dir() / "global-dialogues-gd6"
    if gd.is_dir():
        start = time.perf_counter()
        comments, votes = read_global_dialogues(gd, round_name="GD6")
        summary, _ = by_question(comments, votes)
        print(f"\nGlobal Dialogues GD6, per question ({time.perf_counter() - start:.1f} s):")
        print(summary.drop(columns=["top_answer"]).to_string(index=False))
    out, = write_results({"opinions": table})
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
