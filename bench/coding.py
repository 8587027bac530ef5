"""``python -m bench.coding``: machine coding against human codes on the NHS patient-feedback corpus.

Reads ``../shared/corpora/nhs-patient-feedback`` in place (skips with a message when it is absent).

1. ``text_data.csv``, ingested as the pipeline does (consultation reader and the question map in
   ``params/question-maps/nhs-patient-feedback.yaml``), with the human major category (9 codes, one per
   response) as the analysts' coding. Two arms start from the same 200 responses (stratified by
   question): the **active** arm adds the responses :func:`helpers.coding.priority` ranks highest (70% by
   uncertainty and coverage, 30% at random: its default ``explore``), the
   **random** arm adds responses at random. At 200, 500, 1,000 and 2,000 coded responses the
   :class:`helpers.coding.CodingModel` is trained and scored (micro and macro F1) on *all the rest*
   (the issue's target) and on a fixed 1,500 held out from both arms from the start (a fair
   comparison: the rest of the active arm lacks the hard responses it chose). The cross-validated
   agreement the briefing would state is printed beside them, and how far each code's share of the
   corpus is from the human coding's (mean absolute error in points): as the briefing estimates it
   (:func:`helpers.coding.estimated_shares`, calibrated on the responses coded at random) and as the
   machine's decisions count it; and for how many codes the estimate's 95% interval holds the human
   share (``share_cover``; ``share_cover_all`` calibrates on every coded response instead, which the
   active sampler's picks bias).
2. ``co_multi_label.csv`` (Care Opinion stories, up to six codes each): the model's cross-validated
   agreement on all 1,998 stories, micro and macro F1 and per-code figures.

Prints the tables and writes them as CSV under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import ingest, paths
from helpers.codeframe import AT_RANDOM
from helpers.coding import CodingModel, agreement, estimated_shares, priority, sheet_draws

from . import write_results

CHECKPOINTS = (200, 500, 1000, 2000)


def corpus_dir() -> Path:
    return paths.shared_corpora_dir() / "nhs-patient-feedback"


def nhs_major_categories() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The analysed NHS responses (canonical table) and their human major category as 0/1 columns."""
    folder = corpus_dir()
    result = ingest.read(folder / "text_data.csv", format="consultation",
                         question_map=paths.resolve("params/question-maps/nhs-patient-feedback.yaml"))
    comments = result.comments.reset_index(drop=True)
    raw = pd.read_csv(folder / "text_data.csv", usecols=["row_index", "label"], dtype=str)
    label = comments["respondent_id"].astype(str).map(raw.set_index("row_index")["label"].str.strip())
    keep = label.notna().to_numpy()
    comments, label = comments.loc[keep].reset_index(drop=True), label[keep].reset_index(drop=True)
    Y = pd.get_dummies(label).astype(np.int8)
    return comments, Y


def _fit_score(X, Y, coded: np.ndarray, heldout: np.ndarray, seed: int,
               at_random: np.ndarray | None = None) -> tuple[CodingModel, dict]:
    model = CodingModel(random_state=seed).fit(X.iloc[coded], Y.iloc[coded], corpus=X)
    out = {}
    rest = np.setdiff1d(np.arange(len(X)), coded)
    for name, rows in (("rest", rest), ("heldout", heldout)):
        pred = model.predict(X.iloc[rows])
        overall, _ = agreement(Y.iloc[rows], pred, n_boot=0)
        values = overall.set_index("metric")["value"]
        out[f"{name}_micro_f1"] = round(float(values["micro_f1"]), 3)
        out[f"{name}_macro_f1"] = round(float(values["macro_f1"]), 3)
    cv, _ = agreement(Y.iloc[coded].reset_index(drop=True), model.cv_predictions_.reset_index(drop=True),
                      n_boot=0)
    values = cv.set_index("metric")["value"]
    out["cv_micro_f1"], out["cv_macro_f1"] = round(float(values["micro_f1"]), 3), round(float(values["macro_f1"]), 3)
    # Each code's share of the corpus as the briefing gives it (estimated from the machine's probabilities,
    # calibrated on the responses coded at random) and as its decisions count it: mean absolute error
    # against the human labels, in points; and how many codes' 95% intervals hold the human share, with
    # the calibration on the random responses (as the briefing does) and on all coded responses.
    hand = Y.iloc[coded].sum().to_numpy()
    decided = (hand + model.predict(X.iloc[rest]).to_numpy().sum(axis=0)) / len(X)
    truth = Y.mean().to_numpy()
    proba = model.predict_proba(X.iloc[rest])
    trained = [c not in model.untrained_ for c in Y.columns]
    for name, calibrate in (("", at_random), ("_all", None)):
        est = estimated_shares(Y.iloc[coded].reset_index(drop=True), model.cv_proba_, proba, hand, len(X),
                               trained=trained, calibrate=calibrate, random_state=seed)
        if name and at_random is None:
            break  # every coded response was drawn at random: one calibration
        estimated = est["estimate"].fillna(pd.Series(decided)).to_numpy()
        held = (est["estimate_low"] <= truth) & (truth <= est["estimate_high"])
        out[f"share_error_estimated{name}_pts"] = round(float(np.abs(estimated - truth).mean() * 100), 2)
        out[f"share_cover{name}"] = f"{int(held.sum())}/{int(est['estimate_low'].notna().sum())}"
    out["share_error_counted_pts"] = round(float(np.abs(decided - truth).mean() * 100), 2)
    return model, out


def learning_curve(X: pd.DataFrame, Y: pd.DataFrame, *, checkpoints=CHECKPOINTS, seed: int = 0,
                   n_heldout: int = 1500, batch: int = 100) -> pd.DataFrame:
    """Active and random arms, scored at each checkpoint (see the module docstring)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    heldout = np.sort(order[:n_heldout])
    pool = order[n_heldout:]
    q = X["question_id"].astype(str).to_numpy()
    # The same first sample for both arms: proportional to each question's size.
    first = []
    for question in np.unique(q):
        members = pool[q[pool] == question]
        first.extend(members[: max(1, round(checkpoints[0] * len(members) / len(pool)))])
    first = np.array(first[: checkpoints[0]])
    rows = []
    for arm in ("active", "random"):
        coded, random = first.copy(), np.ones(len(first), dtype=bool)
        arm_rng = np.random.default_rng(seed + 1)
        start = time.perf_counter()
        for target in checkpoints:
            while len(coded) < target:
                step = min(batch if len(coded) < 1000 else 2 * batch, target - len(coded))
                candidates = np.setdiff1d(pool, coded)
                if arm == "random":
                    new, drawn = arm_rng.choice(candidates, size=step, replace=False), np.ones(step, dtype=bool)
                else:
                    model = CodingModel(random_state=seed).fit(X.iloc[coded], Y.iloc[coded], corpus=X)
                    order = priority(model, X.iloc[candidates], coded=X.iloc[coded], random_state=seed + len(coded))
                    top = np.argsort(-order["priority"].to_numpy(), kind="stable")[:step]
                    new, drawn = candidates[top], sheet_draws(order.iloc[top]) == AT_RANDOM
                coded, random = np.concatenate([coded, new]), np.concatenate([random, drawn])
            _, scores = _fit_score(X, Y, coded, heldout, seed, at_random=None if random.all() else random)
            rows.append({"sampler": arm, "n_coded": len(coded), **scores,
                         "seconds": round(time.perf_counter() - start, 1)})
            print(rows[-1], file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def multi_label(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cross-validated agreement on ``co_multi_label.csv`` (codes lower-cased; codes not in the
    corpus's list of 44 sub-categories, such as ``x`` or ``coml``, are dropped)."""
    folder = corpus_dir()
    known = set(pd.read_csv(folder / "text_data.csv", usecols=["code"], dtype=str)["code"].str.strip().str.lower())
    data = pd.read_csv(folder / "co_multi_label.csv", dtype=str)
    cats = [c for c in data.columns if c.startswith("cat_")]
    long = data[cats].stack().str.strip().str.lower()
    long = long[long.isin(known)]
    Y = (pd.crosstab(long.index.get_level_values(0), long.values).reindex(data.index, fill_value=0)
         .clip(upper=1).astype(np.int8))
    X = pd.DataFrame({"text": data["feedback"].fillna("")})
    model = CodingModel(random_state=seed).fit(X, Y)
    overall, per_code = agreement(Y, model.cv_predictions_, random_state=seed)
    per_code["trained"] = ~per_code["code_id"].isin(model.untrained_)
    return overall, per_code.sort_values("n_true", ascending=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.coding", description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoints", type=int, nargs="+", default=list(CHECKPOINTS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not corpus_dir().is_dir():
        print(f"skipped: {corpus_dir()} is not available", file=sys.stderr)
        return 0
    X, Y = nhs_major_categories()
    print(f"NHS text_data.csv: {len(X):,} analysed responses, {Y.shape[1]} human codes", flush=True)
    curve = learning_curve(X, Y, checkpoints=tuple(args.checkpoints), seed=args.seed)
    print(curve.to_string(index=False), flush=True)
    overall, per_code = multi_label(args.seed)
    print("\nco_multi_label.csv, 5-fold cross-validated agreement (95% bootstrap intervals):")
    print(overall.round(3).to_string(index=False))
    print(per_code.round(3).to_string(index=False))
    written = write_results({"coding-curve": curve, "coding-multilabel": per_code})
    print("\nwritten: " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
