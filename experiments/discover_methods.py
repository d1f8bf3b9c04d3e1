"""Why ``framing discover`` clusters with Ward and not BERTopic's UMAP + HDBSCAN: stability of
candidate methods on the seed study's sentences (no gold label is used), measured before the
ablation was run.

    python -m experiments.discover_methods       # from the repository root

For each corpus (every seed sentence; the sentences coded with no frame) and method: the number
of clusters, the share left as noise (HDBSCAN), the adjusted Rand index of seed 0's clusters
against seeds 1 and 2, and against reruns on three random 90% subsamples (ARI over the shared
sentences). Writes results/discover_methods/methods.csv.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

from framing.io import read_jsonl
from framing.outputs import Kind, output_folder


def umap_hdbscan(x, seed):
    import umap
    from sklearn.cluster import HDBSCAN

    # BERTopic's defaults: 15 neighbours, 5 dimensions, min_dist 0, cosine; min cluster 5
    reduced = umap.UMAP(
        n_neighbors=min(15, len(x) - 1),
        n_components=5,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
    ).fit_transform(x)
    return HDBSCAN(min_cluster_size=5).fit_predict(reduced)


def hdbscan_raw(x, seed):
    from sklearn.cluster import HDBSCAN

    return HDBSCAN(min_cluster_size=5).fit_predict(x)


def ward_rule(x, seed):
    from framing.discover.clustering import ClusterSettings, cluster_embeddings

    return cluster_embeddings(x, ClusterSettings(seed=seed, min_sentences=1))


def kmeans_rule(x, seed):
    from sklearn.cluster import KMeans

    from framing.discover.clustering import ClusterSettings, number_of_clusters

    k = number_of_clusters(len(x), ClusterSettings())
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)


METHODS = {
    "UMAP + HDBSCAN (BERTopic's pipeline)": umap_hdbscan,
    "HDBSCAN on the embeddings": hdbscan_raw,
    "Ward, k = sqrt(n/2) (chosen)": ward_rule,
    "k-means, k = sqrt(n/2)": kmeans_rule,
}


def main() -> int:
    from sklearn.metrics import adjusted_rand_score as ari

    from framing.discover.clustering import unit_rows
    from framing.models.encoders import EmbeddingCache
    from framing.study import load_study

    warnings.filterwarnings("ignore")
    records = [r for _, r in read_jsonl(load_study().path("sentences"))]
    corpora = {
        "every seed sentence": [r["text"] for r in records],
        "sentences coded with no frame": [r["text"] for r in records if not r["frames"]],
    }
    cache = EmbeddingCache("all-MiniLM-L6-v2")
    rows = []
    for corpus, texts in corpora.items():
        x = unit_rows(cache.embed(texts))
        n = len(x)
        for name, method in METHODS.items():
            started = time.perf_counter()
            base = np.asarray(method(x, 0))
            seeds = [ari(base, method(x, s)) for s in (1, 2)]
            subsamples = []
            for s in (100, 101, 102):
                keep = np.sort(np.random.default_rng(s).choice(n, int(round(0.9 * n)), False))
                subsamples.append(ari(base[keep], method(x[keep], 0)))
            rows.append(
                {
                    "corpus": corpus,
                    "sentences": n,
                    "method": name,
                    "clusters": len(set(base.tolist()) - {-1}),
                    "noise_share": float(np.mean(base == -1)),
                    "ari_seed_1": seeds[0],
                    "ari_seed_2": seeds[1],
                    "ari_subsample_1": subsamples[0],
                    "ari_subsample_2": subsamples[1],
                    "ari_subsample_3": subsamples[2],
                    "seconds": time.perf_counter() - started,
                }
            )
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    with output_folder("results/discover_methods", Kind.EXPERIMENT) as tmp:
        table.to_csv(tmp / "methods.csv", index=False, float_format="%.3f")
    print(table.drop(columns="seconds").to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
