"""``python -m bench.campaigns [--sizes N ...]``: score and time the campaign detector on planted campaigns.

For each size, :func:`bench.synthetic.generate_campaigns` plants campaigns among organic comments
(seeded, with ground truth); the detector (``helpers.campaigns.detect_campaigns`` unless
``--detector`` names another) then runs in a fresh subprocess, so its time and peak resident memory
are its own (reading the table plus detecting), not the generator's or another size's. The table
printed gives B-cubed precision, recall and F1 against the planted truth (and F1 again with each
variant of a many-variant template counted as its own campaign: the FCC set's spun ``bot.recursive``
letters share too few words to be matched as one), seconds, comments per second, peak RSS, and how many placeholder and organic comments were put in a campaign; a second table
gives, for each kind of edit made to copies, the share of those copies found in their campaign's main
cluster. A second set seeded with the FCC 17-108 templates in ``../shared/corpora`` runs too when that
folder is present (read at run time; skipped with a message otherwise). Both tables are written as CSV
under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.evaluation import bcubed, bcubed_items

from . import write_results
from .synthetic import EDIT_RATES, generate_campaigns, read_fcc_templates

FCC_SOURCES = ("fcc-17-108-campaign-templates", "sources.md")
DETECTOR = "helpers.campaigns:detect_campaigns"


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM where Linux has it: unlike ru_maxrss, it is not
    inherited from the parent across fork and exec, so a fresh subprocess reports only its own peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _child(folder: Path, detector: str, params: dict) -> None:
    """In the subprocess: read the comments, detect, write members.parquet, print timings as JSON."""
    module, _, name = detector.partition(":")
    detect = getattr(importlib.import_module(module), name)
    comments = pd.read_parquet(folder / "comments.parquet").rename(columns={"id": "comment_id"})
    loaded_mb = _peak_mb()
    start = time.perf_counter()
    members, campaigns = detect(comments, **params)
    seconds = time.perf_counter() - start
    members[["comment_id", "campaign_id"]].to_parquet(folder / "members.parquet", index=False)
    print(json.dumps({"seconds": seconds, "peak_rss_mb": _peak_mb(), "rss_after_load_mb": loaded_mb,
                      "found": int(len(campaigns))}))


def _value(text: str):
    """A ``-p`` value: JSON where it parses (numbers, true/false), else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def edit_recovery(predicted: pd.Series, truth: pd.DataFrame) -> pd.DataFrame:
    """For copies carrying each edit: how many, the share found in their campaign's main predicted
    cluster (the predicted campaign holding most of that campaign's copies), and their mean B-cubed
    recall. ``predicted`` is aligned with ``truth`` by position."""
    copies = truth["kind"].to_numpy() == "campaign"
    planted = truth["campaign"].to_numpy(dtype=object)[copies]
    found = predicted.astype("string").fillna("").to_numpy(dtype=object)[copies]  # "" when in no campaign
    frame = pd.DataFrame({"planted": planted, "found": found})
    main = frame[frame["found"] != ""].groupby("planted")["found"].agg(lambda s: s.value_counts().index[0])
    recovered = (found != "") & (frame["planted"].map(main).fillna("").to_numpy(dtype=object) == found)
    recall = bcubed_items(predicted.to_numpy(dtype=object), truth["campaign"].to_numpy(dtype=object))
    recall = recall["recall"].to_numpy()[copies]
    edits = truth["edits"].fillna("").to_numpy(dtype=object)[copies]
    rows = []
    for edit in ["none", *EDIT_RATES]:
        has = (edits == "") if edit == "none" else np.array([edit in e.split(",") for e in edits], dtype=bool)
        if has.any():
            rows.append({"edit": edit, "copies": int(has.sum()), "in_main_cluster": round(recovered[has].mean(), 4),
                         "bcubed_recall": round(recall[has].mean(), 4)})
    return pd.DataFrame(rows)


def bench_set(name: str, n: int, workdir: Path, *, detector: str, params: dict, **generator) -> tuple[dict, pd.DataFrame]:
    """Generate one corpus, detect in a subprocess, score: one summary row and the edit table."""
    start = time.perf_counter()
    comments, truth, planted = generate_campaigns(n, **generator)
    generate_s = time.perf_counter() - start
    folder = workdir / f"{name}-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    comments.to_parquet(folder / "comments.parquet", index=False)
    mean_words = float(comments["text"].str.split().str.len().mean())
    del comments
    cmd = [sys.executable, "-m", "bench.campaigns", "--child", str(folder), "--detector", detector]
    for key, value in params.items():
        cmd += ["-p", f"{key}={json.dumps(value)}"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=paths.project_root())
    if done.returncode != 0:
        raise RuntimeError(f"the detector failed on {name} {n:,}:\n{done.stderr[-3000:]}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    members = pd.read_parquet(folder / "members.parquet")
    predicted = members.set_index("comment_id")["campaign_id"].reindex(truth["id"]).reset_index(drop=True)
    score = bcubed(predicted.to_numpy(dtype=object), truth["campaign"].to_numpy(dtype=object))
    # the same with each variant of a many-variant template (FCC's spun bot.recursive) its own campaign
    by_variant = truth["campaign"] + "#" + truth["variant"].astype("string")
    variant_f1 = bcubed(predicted.to_numpy(dtype=object), by_variant.to_numpy(dtype=object)).f1
    in_campaign = predicted.notna().to_numpy()
    kind = truth["kind"].to_numpy()
    row = {
        "set": name, "comments": n, "mean_words": round(mean_words, 1),
        "planted": len(planted), "found": child["found"],
        "precision": round(score.precision, 4), "recall": round(score.recall, 4), "f1": round(score.f1, 4),
        "f1_variants_apart": round(variant_f1, 4),
        "seconds": round(child["seconds"], 2), "comments_per_second": round(n / child["seconds"]),
        "peak_rss_mb": round(child["peak_rss_mb"]), "rss_after_load_mb": round(child["rss_after_load_mb"]),
        "placeholders_in_campaigns": int((in_campaign & (kind == "placeholder")).sum()),
        "organic_in_campaigns": int((in_campaign & (kind == "organic")).sum()),
        "generate_seconds": round(generate_s, 1),
    }
    edits = edit_recovery(predicted, truth)
    edits.insert(0, "comments", n)
    edits.insert(0, "set", name)
    return row, edits


def run(sizes: list[int], *, fcc_sizes: list[int], detector: str = DETECTOR, params: dict | None = None,
        words: int = 60, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary table and the edit table, for the project's own templates and the FCC-seeded set."""
    params = {"random_state": 0, **(params or {})}
    fcc_path = paths.shared_corpora_dir().joinpath(*FCC_SOURCES)
    fcc = read_fcc_templates(fcc_path) if fcc_path.exists() else None
    if fcc is None and fcc_sizes:
        print(f"FCC templates not found at {fcc_path}; skipping the FCC-seeded set", file=sys.stderr)
    jobs = [("own", n, {}) for n in sizes]
    if fcc:
        # the FCC docket was mostly form letters: half the comments are copies, one campaign per label
        jobs += [("fcc", n, {"templates": fcc, "campaign_share": 0.5}) for n in fcc_sizes]
    rows, edits = [], []
    with tempfile.TemporaryDirectory(prefix="lp-bench-campaigns-") as tmp:
        for name, n, extra in jobs:
            print(f"campaigns: {name} set, {n:,} comments ...", file=sys.stderr, flush=True)
            row, edit = bench_set(name, n, Path(tmp), detector=detector, params=params, words=words, seed=seed,
                                  **extra)
            rows.append(row)
            edits.append(edit)
    return pd.DataFrame(rows), pd.concat(edits, ignore_index=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.campaigns", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="corpus sizes with the project's own templates (add 1000000 for the 1M run)")
    parser.add_argument("--fcc-sizes", type=int, nargs="*", default=[10_000, 100_000],
                        help="corpus sizes seeded with the FCC templates (none to skip)")
    parser.add_argument("--words", type=int, default=60, help="mean length of an organic comment, in words")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--detector", default=DETECTOR, help="module:function to score (default %(default)s)")
    parser.add_argument("-p", dest="params", action="append", default=[], metavar="NAME=VALUE",
                        help="a keyword argument for the detector, e.g. -p threshold=0.5")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    params = {}
    for item in args.params:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"-p needs NAME=VALUE, got {item!r}")
        params[key] = _value(value)
    if args.child:
        _child(args.child, args.detector, params)
        return 0
    table, edits = run(args.sizes, fcc_sizes=args.fcc_sizes, detector=args.detector, params=params,
                       words=args.words, seed=args.seed)
    print("Campaign detection on planted campaigns (B-cubed against the planted truth; detector in a fresh process)")
    print(table.to_string(index=False))
    print("\nCopies found in their campaign's main cluster, by edit")
    print(edits.to_string(index=False))
    out, _ = write_results({"campaigns": table, "campaigns-edits": edits})
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
