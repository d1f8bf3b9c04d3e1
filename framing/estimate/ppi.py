"""Prediction-powered estimate of a mean (PPI++), with article clusters and sampling weights.

The classifier has labelled every sentence of a corpus (``f``, 0/1 decisions or
probabilities); people have coded a random sample of them (``y``). PPI (Angelopoulos, Bates,
Fannjiang, Jordan & Zrnic, Science 2023) estimates the corpus mean of ``y`` as the
classifier's mean over the corpus plus the classifier's average error on the coded sample;
PPI++ (Angelopoulos, Duchi & Zrnic 2023) scales the classifier's part by a power-tuning
factor ``lam`` in [0, 1] chosen to make the interval shortest: lam = 0 is the coded sample
alone, lam = 1 is plain PPI.

    estimate(lam) = mean_S(y) + lam * (mean_corpus(f) - mean_S(f))

Two changes to the published estimator, both needed for news:

- **Clusters.** Sentences of one article are not independent draws (and a sample of whole
  articles codes them together), so every variance is cluster-robust: the variance of a
  mean is estimated from per-article totals of centred values, G / (G - 1) * sum(total^2)
  with G articles (Liang & Zeger 1986; the CR1 small-sample factor), and intervals use
  Student's t with G - 1 degrees of freedom. With one sentence per article this is the
  unclustered PPI++ variance (checked against ``ppi-python`` in the tests).
- **Weights.** Units drawn with unequal inclusion probabilities (a sample stratified by
  outlet) are weighted by 1 / probability: sample means are Hajek (ratio) means, and their
  variance is that of the linearised ratio.

lam minimises the estimated variance: with V_yy, V_yf, V_ff the cluster-robust
(co)variances of the sample means of y and f, and V_pop that of the corpus mean of f,
var(lam) = V_yy - 2 lam V_yf + lam^2 (V_ff + V_pop), so lam = V_yf / (V_ff + V_pop),
clipped to [0, 1] as ``ppi-python`` does.

Everything is vectorised over the k columns (labels) of ``y`` and ``f``; each column gets its
own lam.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class CorpusMean:
    """The classifier's mean over every sentence (or article) in scope, and the cluster-robust
    variance of that mean (PPI's 'imputed' term: the corpus treated as a draw of articles)."""

    mean: np.ndarray  # (k,)
    variance: np.ndarray  # (k,)
    n: int  # sentences (or articles) in scope
    n_clusters: int


def cluster_sums(values: np.ndarray, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(G, k) per-cluster sums of ``values`` (n, k) and (G,) cluster sizes, clusters in
    sorted order."""
    _, inverse = np.unique(clusters, return_inverse=True)
    n_clusters = int(inverse.max()) + 1 if len(inverse) else 0
    sums = np.zeros((n_clusters, values.shape[1]))
    np.add.at(sums, inverse, values)
    return sums, np.bincount(inverse, minlength=n_clusters).astype(float)


def _robust_factor(n_clusters: int) -> float:
    return n_clusters / (n_clusters - 1) if n_clusters > 1 else np.nan


def corpus_mean(sums: np.ndarray, sizes: np.ndarray, by_sentence: bool = False) -> CorpusMean:
    """The corpus side from per-article sums of the classifier's 0/1 decisions (G, k) and
    article sizes (G,): all a corpus of any size needs to keep in memory. ``by_sentence``:
    sentences as independent units instead of articles (for 0/1 decisions the variance
    follows from the mean: m (1 - m) / (N - 1))."""
    sums, sizes = np.asarray(sums, dtype=float), np.asarray(sizes, dtype=float)
    n = sizes.sum()
    mean = sums.sum(axis=0) / n
    if by_sentence:
        variance = mean * (1 - mean) / (n - 1) if n > 1 else np.zeros_like(mean)
        return CorpusMean(mean, variance, int(n), int(n))
    totals = (sums - sizes[:, None] * mean) / n  # each article's share of the centred mean
    variance = _robust_factor(len(sizes)) * (totals**2).sum(axis=0)
    return CorpusMean(mean, np.nan_to_num(variance), int(n), len(sizes))


@dataclass(frozen=True)
class MeanEstimate:
    """One estimate per column, with what the planning step needs to project it."""

    estimate: np.ndarray
    se: np.ndarray
    low: np.ndarray
    high: np.ndarray
    lam: np.ndarray
    df: float  # degrees of freedom of the t quantile (inf: normal)
    n: int  # coded units in scope
    n_clusters: int  # coded articles in scope
    effective_n: float  # Kish's effective sample size of the weights
    sample_mean: np.ndarray  # weighted mean of y over the coded sample
    v_yy: np.ndarray
    v_yf: np.ndarray
    v_ff: np.ndarray
    v_pop: np.ndarray


def t_quantile(level: float, df: float) -> float:
    tail = (1 + level) / 2
    return float(stats.norm.ppf(tail) if not np.isfinite(df) else stats.t.ppf(tail, df))


def ppi_mean(
    y: np.ndarray,
    f: np.ndarray,
    clusters: np.ndarray,
    corpus: CorpusMean,
    weights: np.ndarray | None = None,
    lam: float | str = "tuned",
    level: float = 0.95,
    clustered_df: bool = True,
) -> MeanEstimate:
    """PPI++ estimate of the corpus mean of each column of ``y`` (n, k) from the coded
    sample's ``y`` and classifier outputs ``f`` (n, k), the coded units' article ``clusters``
    (n,), the corpus side ``corpus`` and the units' sampling ``weights`` (1 / inclusion
    probability; None = equal). ``lam``: "tuned" (PPI++), or a number (1 = PPI, 0 = the
    coded sample alone). Intervals use t with G - 1 degrees of freedom (``clustered_df``) or
    the normal quantile. Needs at least two coded articles for a variance."""
    y, f = np.atleast_2d(np.asarray(y, dtype=float)), np.atleast_2d(np.asarray(f, dtype=float))
    if y.shape != f.shape or y.shape[0] != len(clusters):
        raise ValueError(f"y {y.shape}, f {f.shape} and {len(clusters)} clusters do not match")
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    share = w / w.sum()
    y_mean, f_mean = share @ y, share @ f
    # linearised Hajek means: each unit's weighted deviation, summed per article
    a, _ = cluster_sums(share[:, None] * (y - y_mean), clusters)
    b, _ = cluster_sums(share[:, None] * (f - f_mean), clusters)
    n_clusters = len(a)
    factor = _robust_factor(n_clusters)
    v_yy, v_yf, v_ff = (factor * (p * q).sum(axis=0) for p, q in ((a, a), (a, b), (b, b)))
    v_pop = corpus.variance
    if lam == "tuned":
        denominator = v_ff + v_pop
        tuned = np.divide(v_yf, denominator, out=np.zeros_like(v_yf), where=denominator > 0)
        lam_value = np.clip(np.nan_to_num(tuned), 0.0, 1.0)
    else:
        lam_value = np.full(y.shape[1], float(lam))
    estimate = y_mean + lam_value * (corpus.mean - f_mean)
    variance = v_yy - 2 * lam_value * v_yf + lam_value**2 * (v_ff + v_pop)
    se = np.sqrt(np.maximum(variance, 0.0))
    df = float(n_clusters - 1) if clustered_df else np.inf
    q = t_quantile(level, df) if df > 0 else np.nan
    return MeanEstimate(
        estimate=estimate,
        se=se,
        low=estimate - q * se,
        high=estimate + q * se,
        lam=lam_value,
        df=df,
        n=len(y),
        n_clusters=n_clusters,
        effective_n=float(w.sum() ** 2 / (w**2).sum()),
        sample_mean=y_mean,
        v_yy=v_yy,
        v_yf=v_yf,
        v_ff=v_ff,
        v_pop=v_pop,
    )


def welch_df(se_a: np.ndarray, df_a: float, se_b: np.ndarray, df_b: float) -> np.ndarray:
    """Welch-Satterthwaite degrees of freedom of a difference of two independent estimates."""
    va, vb = se_a**2, se_b**2
    num = (va + vb) ** 2
    den = np.divide(va**2, df_a) + np.divide(vb**2, df_b)
    return np.divide(num, den, out=np.full_like(num, np.inf), where=den > 0)


def difference_interval(
    est_a: np.ndarray,
    se_a: np.ndarray,
    df_a: float,
    est_b: np.ndarray,
    se_b: np.ndarray,
    df_b: float,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(difference, se, low, high) of a - b for estimates from disjoint sets of articles
    (two outlets, or an outlet and the rest), which are independent."""
    diff = est_a - est_b
    se = np.sqrt(se_a**2 + se_b**2)
    df = welch_df(se_a, df_a, se_b, df_b)
    q = np.array([t_quantile(level, d) for d in np.atleast_1d(df)])
    return diff, se, diff - q * se, diff + q * se
