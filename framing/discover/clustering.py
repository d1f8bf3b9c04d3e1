"""Grouping sentence embeddings: Ward agglomerative clustering (scikit-learn) of the unit-length
embeddings into k = round(sqrt(n / 2)) clusters (at least ``min_clusters``, at most
``max_clusters``), every sentence in a cluster.

Why this and not BERTopic's UMAP + HDBSCAN (measured on the seed study's sentences,
``python -m experiments.discover_methods``, results/discover_methods/methods.csv): UMAP +
HDBSCAN changed its clusters with UMAP's seed (adjusted Rand 0.39-0.65 between seeds) and
with a 90% subsample (0.34-0.55), HDBSCAN alone on the embeddings left 41-100% of the
sentences as noise, k-means moved with its seed (0.35-0.45); Ward has no random step on a
corpus that fits the tree (1.00 across seeds; 0.58-0.86 on 90% subsamples). BERTopic itself
also costs 10.6 s and 690 MB to import (it loads torch, plotly, numba).

Above ``max_tree_sentences`` the tree is built on a seeded random sample of that many
sentences (Ward's memory grows with n^2) and every other sentence joins the cluster whose
centroid is nearest by cosine; the seed then matters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from framing.errors import FramingInputError


@dataclass(frozen=True)
class ClusterSettings:
    #: a fixed number of clusters; None: round(sqrt(n / 2)) within [min_clusters, max_clusters]
    clusters: int | None = None
    min_clusters: int = 2
    max_clusters: int = 50
    #: Ward's tree is built on at most this many sentences (the rest join the nearest centroid)
    max_tree_sentences: int = 5000
    #: fewer sentences than this are refused: clusters of a handful of sentences say nothing
    min_sentences: int = 20
    seed: int = 0
    #: remove the corpus mean and this many top principal directions before clustering
    #: ("all-but-the-top", Mu & Viswanath 2018); 0: the unit embeddings as they are
    remove_components: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def number_of_clusters(n: int, settings: ClusterSettings) -> int:
    if settings.clusters is not None:
        return max(1, min(int(settings.clusters), n))
    k = int(round(np.sqrt(n / 2)))
    # never more clusters than sentences, whatever min_clusters says
    return min(n, max(settings.min_clusters, min(settings.max_clusters, k)))


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def centroids(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit-length mean embedding of each cluster 0..k-1."""
    sums = np.zeros((k, x.shape[1]))
    np.add.at(sums, labels, x)
    return unit_rows(sums)


def nearest_centroid(x: np.ndarray, centres: np.ndarray, chunk: int = 20_000) -> np.ndarray:
    out = np.empty(len(x), dtype=np.int64)
    for start in range(0, len(x), chunk):
        out[start : start + chunk] = np.argmax(x[start : start + chunk] @ centres.T, axis=1)
    return out


def without_top_components(x: np.ndarray, d: int) -> np.ndarray:
    """Unit rows of ``x`` after removing its mean and its ``d`` top principal directions (the
    directions every sentence of a corpus shares most, which in a news corpus follow what it is
    about); ``d`` = 0 leaves ``x`` as it is."""
    if d < 0:
        raise FramingInputError(
            f"must not be negative, got {d}", field="discover.remove_components"
        )
    if d == 0:
        return x
    if d >= x.shape[1]:
        raise FramingInputError(
            f"is {d}, but the embeddings have only {x.shape[1]} dimensions",
            field="discover.remove_components",
            fix="remove fewer directions: about one per 100 dimensions",
        )
    centred = x - x.mean(axis=0)
    if d >= len(x) - 1:  # n centred rows span at most n - 1 directions: nothing would be left
        raise FramingInputError(
            f"is {d}, but {len(x)} sentences leave at most {len(x) - 2} directions to remove",
            field="discover.remove_components",
            fix="remove fewer directions, or cluster more sentences",
        )
    # eigenvectors of the (dimensions x dimensions) scatter matrix: cheap at any n, and no
    # random step
    _, vectors = np.linalg.eigh(centred.T @ centred)
    top = vectors[:, ::-1][:, :d]
    return unit_rows(centred - (centred @ top) @ top.T)


def clustering_space(embeddings: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """The rows Ward clusters: unit embeddings, without their top directions when
    ``settings.remove_components`` asks for it."""
    return without_top_components(unit_rows(embeddings), settings.remove_components)


def cluster_embeddings(embeddings: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """A cluster number per row, 0 = the largest cluster, ties broken by first appearance."""
    n = len(embeddings)
    if n < settings.min_sentences:
        raise FramingInputError(
            f"only {n} sentences to cluster; at least {settings.min_sentences} are needed",
            fix="give a larger corpus (from predictions, --all clusters every sentence, not "
            "only those without a frame)",
        )
    return cluster_rows(clustering_space(embeddings, settings), settings)


def cluster_rows(x: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """``cluster_embeddings`` on rows already in the clustering space (``clustering_space``),
    for a caller that needs that space again."""
    from sklearn.cluster import AgglomerativeClustering

    n = len(x)
    # the tree of a large corpus holds max_tree_sentences sentences: no more clusters than that
    k = min(number_of_clusters(n, settings), settings.max_tree_sentences)
    if n <= settings.max_tree_sentences:
        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
    else:
        rng = np.random.default_rng(settings.seed)
        tree_rows = np.sort(rng.choice(n, size=settings.max_tree_sentences, replace=False))
        tree_labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(
            x[tree_rows]
        )
        labels = nearest_centroid(x, centroids(x[tree_rows], tree_labels, k))
        labels[tree_rows] = tree_labels
    return renumber_by_size(labels)


def renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Cluster numbers by size (largest first), ties by the first sentence in the cluster, so
    the numbering does not depend on the algorithm's internal order."""
    labels = np.asarray(labels)
    found, first, sizes = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(found)), key=lambda i: (-sizes[i], first[i]))
    mapping = {found[i]: new for new, i in enumerate(order)}
    return np.array([mapping[v] for v in labels], dtype=np.int64)
