"""``python -m bench.quality``: how good the themes and sentiment are, against published and human figures.

Prints one table, one row per target of issue 5, with our figure, the goal and the comparison figure:

- topic quality on OCTIS BBC News (``../shared/corpora/octis-bbc-news``, already preprocessed), averaged
  over k = 10, 20, 30, 40, 50: NPMI of each theme's top 10 terms computed as OCTIS does (gensim
  ``CoherenceModel(coherence="c_npmi", topn=10)`` over the corpus's own tokenised documents) and topic
  diversity (unique terms among all top 10s). The corpus is a bag of lemmas, so the model reads single
  words (``ngram_range=(1, 1)``). Compared with BERTopic's published result files beside the corpus
  and with a plain scikit-learn TF-IDF + NMF (top terms by weight);
- agreement with human coders on NHS patient feedback (``text_data.csv``, 9 categories): normalised
  mutual information between each comment's main theme (comments in no theme form one group) and
  the human category, at the automatically chosen number of themes, for the default path, and for
  the embeddings path with ``--embeddings`` (slow: MiniLM encodes 10,000 comments in minutes on 2 cores);
- VADER against human ratings (``vader-groundtruth``): Pearson r on tweets and movie snippets;
- tone against the NHS coders' criticality of each comment: Spearman's rho, and the share of comments
  coded critical that VADER reads as positive (what the briefing's tone caveat rests on);
- stability: two seeds on the NHS corpus, share of comments whose main themes correspond after matching;
- BERTopic side by side on 10,000 synthetic comments (``--bertopic``; needs ``make bench-bertopic-env``):
  seconds and NPMI (gensim, over the same documents split into lower-case words).

Needs gensim (``pip install -e ".[bench]"``). Corpora that are absent are reported as skipped.
Speed of themes + sentiment at 100,000 comments comes from ``python -m bench`` (the pipeline table).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.sentiment import score_comments
from helpers.themes import ThemeModel, make_theme_model, matched_agreement

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
BBC = CORPORA / "octis-bbc-news"
NHS = CORPORA / "nhs-patient-feedback" / "text_data.csv"
VADER = CORPORA / "vader-groundtruth"
BERTOPIC_PYTHON = ROOT / "bench" / "bertopic" / ".venv" / "bin" / "python"
BBC_KS = (10, 20, 30, 40, 50)


def _row(target: str, ours, goal: str, comparison: str = "", note: str = "") -> dict:
    return {"target": target, "ours": ours, "goal": goal, "comparison": comparison, "note": note}


def npmi_and_diversity(topics: list[list[str]], tokens: list[list[str]]) -> tuple[float, float]:
    """OCTIS's NPMI (gensim c_npmi, top 10, sliding window over the tokenised documents) and topic
    diversity of ``topics`` (lists of words, best first)."""
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    dictionary = Dictionary(tokens)
    tops = [[w for w in t if w in dictionary.token2id][:10] for t in topics]
    tops = [t for t in tops if len(t) >= 2]
    cm = CoherenceModel(topics=tops, texts=tokens, dictionary=dictionary, coherence="c_npmi", topn=10, processes=1)
    diversity = len({w for t in tops for w in t}) / (10 * len(tops))
    return float(cm.get_coherence()), float(diversity)


def _words(terms: list[str], n: int = 10) -> list[str]:
    """Top terms as single words: phrases split, repeats dropped, best first."""
    return list(dict.fromkeys(w for t in terms for w in t.split()))[:n]


def bbc_rows() -> list[dict]:
    if not BBC.is_dir():
        return [_row("BBC News NPMI / diversity", "skipped", ">= 0.20 / >= 0.90", note=f"{BBC} absent")]
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    lines = (BBC / "corpus.tsv").read_text(encoding="utf-8").splitlines()
    docs = [line.split("\t")[0] for line in lines]
    tokens = [d.split() for d in docs]
    ours, plain = [], []
    X = TfidfVectorizer().fit(docs)
    Xm = X.transform(docs)
    names = X.get_feature_names_out()
    for k in BBC_KS:
        model = ThemeModel(n_themes=k, ngram_range=(1, 1), random_state=0).fit(docs)
        ours.append(npmi_and_diversity(model.top_terms_, tokens))
        H = NMF(k, init="nndsvda", random_state=0, max_iter=400).fit(Xm).components_
        plain.append(npmi_and_diversity([[names[i] for i in np.argsort(-h)[:10]] for h in H], tokens))
    published = {}
    for name in ("bertopic", "NMF", "LDA", "Top2Vec", "ctm"):
        scores = [e["Scores"] for i in (1, 2, 3)
                  for e in json.loads((BBC / "bertopic_paper_results" / "BBC News" / f"{name}_{i}.json").read_text())]
        published[name] = (np.mean([s["npmi"] for s in scores]), np.mean([s["diversity"] for s in scores]))
    o, p, b = np.mean(ours, axis=0), np.mean(plain, axis=0), published["bertopic"]
    per_k = ", ".join(f"k={k}: {n:.3f}/{d:.2f}" for k, (n, d) in zip(BBC_KS, ours, strict=True))
    return [
        _row("BBC News NPMI (mean over k=10..50)", round(o[0], 3), ">= 0.20",
             f"BERTopic published {b[0]:.3f}; plain sklearn NMF {p[0]:.3f}; Top2Vec {published['Top2Vec'][0]:.3f}",
             per_k),
        _row("BBC News topic diversity", round(o[1], 3), ">= 0.90",
             f"BERTopic published {b[1]:.3f}; plain sklearn NMF {p[1]:.3f}; Top2Vec {published['Top2Vec'][1]:.3f}"),
    ]


def _nhs() -> pd.DataFrame | None:
    if not NHS.is_file():
        return None
    d = pd.read_csv(NHS)
    return d[d["feedback"].notna()].reset_index(drop=True)


def _main_themes(weights: np.ndarray) -> np.ndarray:
    return np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)


def nhs_rows(*, embeddings: bool) -> list[dict]:
    from sklearn.metrics import normalized_mutual_info_score

    d = _nhs()
    if d is None:
        return [_row("NHS feedback NMI with human codes", "skipped", ">= 0.30", note=f"{NHS} absent")]
    texts = d["feedback"].astype(str).tolist()
    rows = []
    start = time.perf_counter()
    m0 = ThemeModel(random_state=0).fit(texts)
    seconds = time.perf_counter() - start
    main0 = _main_themes(m0.doc_weights_)
    rows.append(_row("NHS feedback NMI, default path (TF-IDF + NMF)",
                     round(normalized_mutual_info_score(d["label"], main0), 3), ">= 0.30",
                     "plain TF-IDF + NMF about 0.13-0.15; MiniLM + k-means about 0.23-0.26",
                     f"k={m0.n_themes_} chosen automatically; {seconds:.1f} s"))
    m1 = ThemeModel(random_state=1).fit(texts)
    same_k = m1.n_themes_ == m0.n_themes_
    if not same_k:  # a different seed chose another k: compare at the first run's k
        m1 = ThemeModel(n_themes=m0.n_themes_, random_state=1).fit(texts)
    rows.append(_row("Stability: seeds 0 and 1 put comments in corresponding themes",
                     round(matched_agreement(main0, _main_themes(m1.doc_weights_)), 3), ">= 0.90", "",
                     f"NHS feedback, k={m0.n_themes_}" + ("" if same_k else " (seed 1 alone chose another k)")))
    if embeddings:
        start = time.perf_counter()
        try:
            me = make_theme_model("embeddings", random_state=0).fit(texts)
        except Exception as exc:  # the extra is not installed
            rows.append(_row("NHS feedback NMI, embeddings path", "skipped", ">= 0.30", note=str(exc)))
        else:
            rows.append(_row("NHS feedback NMI, embeddings path (MiniLM + k-means)",
                             round(normalized_mutual_info_score(d["label"], _main_themes(me.doc_weights_)), 3),
                             ">= 0.30", "MiniLM + k-means about 0.23-0.26",
                             f"k={me.n_themes_} chosen automatically; {time.perf_counter() - start:.0f} s"))
    return rows


def _read_vader(name: str) -> pd.DataFrame:
    rows = [line.split("\t", 2) for line in (VADER / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return pd.DataFrame({"comment_id": [r[0] for r in rows], "human": [float(r[1]) for r in rows],
                         "text": [r[2] for r in rows]})


def vader_rows() -> list[dict]:
    if not VADER.is_dir():
        return [_row("VADER tweets Pearson r", "skipped", ">= 0.88", note=f"{VADER} absent")]
    out = []
    for name, label, goal, paper in (("tweets_GroundTruth.txt", "tweets (4,200)", ">= 0.88", 0.881),
                                     ("movieReviewSnippets_GroundTruth.txt", "movie snippets (10,605)",
                                      "reported", 0.451)):
        data = _read_vader(name)
        for unit in ("comment", "sentence"):
            scores = score_comments(data, unit=unit)
            r = float(np.corrcoef(scores["compound"].fillna(0.0), data["human"])[0, 1])
            out.append(_row(f"VADER Pearson r, {label}, scored by {unit}", round(r, 3),
                            goal if unit == "comment" else "reported", f"VADER paper {paper}"))
    return out


def criticality_rows() -> list[dict]:
    """Tone against the NHS coders' criticality (-5 very critical .. 5 very positive; dirty values such as
    '-o' and out-of-range ones such as -9 left out): Spearman's rho, and how many of the comments the coders
    marked critical (below 0) VADER reads as positive (compound >= 0.05), scored as the pipeline scores."""
    from scipy.stats import spearmanr

    d = _nhs()
    if d is None:
        return [_row("Tone vs NHS human criticality", "skipped", "reported", note=f"{NHS} absent")]
    crit = pd.to_numeric(d["criticality"], errors="coerce")
    d = d[crit.between(-5, 5)].assign(criticality=crit)
    scores = score_comments(pd.DataFrame({"comment_id": d["row_index"].astype(str), "text": d["feedback"]}))
    compound = scores["compound"].fillna(0.0).to_numpy()
    critical = d["criticality"].to_numpy() < 0
    rho = float(spearmanr(compound, d["criticality"])[0])
    nothing = (d["label"] == "Couldn't be improved").to_numpy()  # "Nothing": coded +3, neutral to VADER
    rho_rest = float(spearmanr(compound[~nothing], d["criticality"][~nothing])[0])
    misread = int((critical & (compound >= 0.05)).sum())
    return [_row("Tone vs NHS human criticality, Spearman rho", round(rho, 3), "reported",
                 note=f"{len(d):,} comments; {rho_rest:.2f} without the {int(nothing.sum()):,} 'nothing to "
                      "improve' answers, coded +3 and neutral to VADER"),
            _row("NHS comments coded critical that VADER reads positive", f"{misread / critical.sum():.0%}",
                 "reported", note=f"{misread:,} of {int(critical.sum()):,}: polite criticism reads positive")]


def bertopic_rows(n: int = 10_000) -> list[dict]:
    target = f"BERTopic side by side, {n:,} synthetic comments"
    if not BERTOPIC_PYTHON.exists():
        return [_row(target, "skipped", ">= 20x faster, higher NPMI",
                     note="benchmark environment absent: make bench-bertopic-env")]
    from .synthetic import generate

    docs = [" ".join(t.split()) for t in generate(n, seed=0)["text"]]
    tokens = [re.findall(r"[a-z]+", d.lower()) for d in docs]
    start = time.perf_counter()
    ours = ThemeModel(random_state=0).fit(docs)
    ours_s = time.perf_counter() - start
    ours_npmi, ours_td = npmi_and_diversity([_words(t) for t in ours.top_terms_], tokens)
    with tempfile.TemporaryDirectory(prefix="lp-bertopic-") as tmp:
        path = Path(tmp) / "docs.txt"
        path.write_text("\n".join(docs), encoding="utf-8")
        start = time.perf_counter()
        proc = subprocess.run([str(BERTOPIC_PYTHON), str(Path(__file__).parent / "bertopic" / "run.py"), str(path)],
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        return [_row(target, "failed", ">= 20x faster, higher NPMI", note=proc.stderr.strip().splitlines()[-1:])]
    result = json.loads(proc.stdout)
    bt_npmi, bt_td = npmi_and_diversity(result["topics"], tokens)
    return [
        _row(f"{target}: speed-up over BERTopic", round(result["seconds"] / ours_s, 1), ">= 20",
             f"BERTopic {result['seconds']:.0f} s (MiniLM, UMAP, HDBSCAN; {wall:.0f} s with start-up)",
             f"ours {ours_s:.1f} s, k={ours.n_themes_} chosen automatically"),
        _row(f"{target}: NPMI", round(ours_npmi, 3), "higher than BERTopic",
             f"BERTopic {bt_npmi:.3f} ({len(result['topics'])} topics)", f"diversity ours {ours_td:.2f}, "
             f"BERTopic {bt_td:.2f}"),
    ]


def speed_rows(pipeline: pd.DataFrame) -> list[dict]:
    """Themes + sentiment seconds per size, from the pipeline table of ``python -m bench``."""
    out = []
    for n, g in pipeline.groupby("comments"):
        seconds = g.set_index("stage")["seconds"]
        if {"themes", "sentiment"} <= set(seconds.index):
            total = float(seconds["themes"] + seconds["sentiment"])
            out.append(_row(f"Speed: themes + sentiment, {int(n):,} synthetic comments (s)", round(total, 1),
                            "<= 60 at 100,000", "", f"themes {seconds['themes']:.1f} s, "
                            f"sentiment {seconds['sentiment']:.1f} s, default path, automatic k"))
    return out


def print_table(table: pd.DataFrame) -> None:
    with pd.option_context("display.max_colwidth", 100, "display.width", 250):
        print(table.to_string(index=False))


def quality_table(*, embeddings: bool = False, bertopic: bool = False,
                  pipeline: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run every quality benchmark and return the table (columns target, ours, goal, comparison, note).

    ``pipeline``, the timing table of ``python -m bench``, adds the speed rows."""
    rows = [] if pipeline is None else speed_rows(pipeline)
    for name, fn in (("BBC News", bbc_rows), ("NHS feedback", lambda: nhs_rows(embeddings=embeddings)),
                     ("VADER", vader_rows), ("NHS criticality", criticality_rows)):
        print(f"quality: {name} ...", file=sys.stderr, flush=True)
        rows += fn()
    if bertopic:
        print("quality: BERTopic side by side ...", file=sys.stderr, flush=True)
        rows += bertopic_rows()
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--embeddings", action="store_true", help="also score the embeddings path on NHS")
    parser.add_argument("--bertopic", action="store_true", help="also run BERTopic side by side")
    args = parser.parse_args(argv)
    print_table(quality_table(embeddings=args.embeddings, bertopic=args.bertopic))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
