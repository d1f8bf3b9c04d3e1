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

Two estimands (``ESTIMANDS``), said in every output:

- **corpus** (the default of ``framing estimate``): the share among the sentences of the corpus
  in hand. The classifier's corpus mean is then known exactly (V_pop = 0), and the coded
  sample is a draw without replacement from a finite population, so every sample variance is
  the design variance with the finite-population correction (1 - n_h/N_h) per stratum, over
  the units that were drawn (sentences, or whole articles): a census has variance 0 and an
  exact answer. Strata (outlets of a stratified sample) are handled as in survey sampling:
  PSU totals centred within their stratum, df = PSUs - strata.
- **process**: the share in the process that generated the corpus (articles as draws from it),
  as above: article clusters, no finite-population correction, V_pop > 0.

Everything is vectorised over the k columns (labels) of ``y`` and ``f``; each column gets its
own lam.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

ESTIMANDS = ("corpus", "process")
ESTIMAND_TEXT = {
    "corpus": "the corpus in hand (finite-population correction; a census is exact)",
    "process": "the process that generated the corpus (articles as draws; no finite-population "
    "correction)",
}


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


def corpus_mean(
    sums: np.ndarray,
    sizes: np.ndarray,
    by_sentence: bool = False,
    squares: np.ndarray | None = None,
    estimand: str = "process",
) -> CorpusMean:
    """The corpus side from per-article sums of the classifier's outputs (G, k) and article
    sizes (G,): all a corpus of any size needs to keep in memory. ``by_sentence``: sentences
    as independent units instead of articles (the variance of 0/1 decisions follows from the
    mean, m (1 - m) / (N - 1); of probabilities it needs their per-article sums of
    ``squares``). Under the ``corpus`` estimand the corpus mean is known exactly: variance 0."""
    sums, sizes = np.asarray(sums, dtype=float), np.asarray(sizes, dtype=float)
    n = sizes.sum()
    mean = sums.sum(axis=0) / n if n > 0 else np.zeros(sums.shape[1])
    if estimand == "corpus":
        return CorpusMean(mean, np.zeros_like(mean), int(n), len(sizes))
    if by_sentence:
        second = mean if squares is None else np.asarray(squares, dtype=float).sum(axis=0) / n
        spread = np.maximum(second - mean**2, 0.0)
        variance = spread / (n - 1) if n > 1 else np.zeros_like(mean)
        return CorpusMean(mean, variance, int(n), int(n))
    totals = (sums - sizes[:, None] * mean) / n  # each article's share of the centred mean
    variance = _robust_factor(len(sizes)) * (totals**2).sum(axis=0)
    return CorpusMean(mean, np.nan_to_num(variance), int(n), len(sizes))


def design_covariance(
    a: np.ndarray,
    b: np.ndarray,
    strata: np.ndarray | None = None,
    fraction: np.ndarray | None = None,
) -> np.ndarray:
    """Covariance of two linearised means from their per-PSU totals ``a``, ``b`` (G, k):
    totals centred within each stratum, n_h / (n_h - 1) and the finite-population correction
    (1 - f_h) per stratum (``fraction``: the sampling fraction of each PSU's stratum; None = 0,
    with replacement). A stratum with a single PSU is centred at 0, the mean of every total
    (survey practice's 'adjust' for a lonely PSU): conservative, never a silent 0."""
    if strata is None:
        strata = np.zeros(len(a), dtype=int)
    fraction = np.zeros(len(a)) if fraction is None else np.asarray(fraction, dtype=float)
    _, which = np.unique(strata, return_inverse=True)
    out = np.zeros(a.shape[1])
    for h in range(int(which.max()) + 1 if len(which) else 0):
        rows = which == h
        n_h = int(rows.sum())
        keep = 1.0 - float(fraction[rows][0])
        if n_h >= 2:
            da, db = a[rows] - a[rows].mean(axis=0), b[rows] - b[rows].mean(axis=0)
            out += keep * n_h / (n_h - 1) * (da * db).sum(axis=0)
        else:
            out += keep * (a[rows] * b[rows]).sum(axis=0)
    return out


def psu_design(
    clusters: np.ndarray, strata: np.ndarray | None, fraction: np.ndarray | None
) -> tuple[np.ndarray | None, np.ndarray | None, int]:
    """Per-PSU stratum and sampling fraction (PSUs in the sorted order of ``cluster_sums``)
    from per-unit arrays, and the number of strata."""
    _, first = np.unique(clusters, return_index=True)
    psu_strata = None if strata is None else np.asarray(strata)[first]
    psu_fraction = None if fraction is None else np.asarray(fraction, dtype=float)[first]
    n_strata = 1 if strata is None else len(np.unique(np.asarray(strata)))
    return psu_strata, psu_fraction, n_strata


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
    fraction: float  # share of the scope's units that were coded (0: process estimand)
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
    strata: np.ndarray | None = None,
    fraction: np.ndarray | None = None,
    lam_max: float = 1.0,
) -> MeanEstimate:
    """PPI++ estimate of the corpus mean of each column of ``y`` (n, k) from the coded
    sample's ``y`` and classifier outputs ``f`` (n, k), the coded units' PSUs ``clusters``
    (n,: articles, or each unit its own), the corpus side ``corpus`` and the units' sampling
    ``weights`` (1 / inclusion probability; None = equal). ``lam``: "tuned" (PPI++), or a
    number (1 = PPI, 0 = the coded sample alone). ``strata`` (n,) and ``fraction`` (n,: the
    sampling fraction of each unit's stratum) give the design variance of the corpus
    estimand; without them the variance is the with-replacement one of the process estimand.
    Intervals use t with PSUs - strata degrees of freedom (``clustered_df``) or the normal
    quantile. ``lam_max``: the upper bound of the tuned lam (1 as in ppi-python; above 1 lets
    lam rescale an under-dispersed predictor, e.g. probabilities shrunk towards their mean).
    Needs at least two coded PSUs for a variance."""
    y, f = np.atleast_2d(np.asarray(y, dtype=float)), np.atleast_2d(np.asarray(f, dtype=float))
    if y.shape != f.shape or y.shape[0] != len(clusters):
        raise ValueError(f"y {y.shape}, f {f.shape} and {len(clusters)} clusters do not match")
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    share = w / w.sum()
    y_mean, f_mean = share @ y, share @ f
    # linearised Hajek means: each unit's weighted deviation, summed per PSU
    a, _ = cluster_sums(share[:, None] * (y - y_mean), clusters)
    b, _ = cluster_sums(share[:, None] * (f - f_mean), clusters)
    n_clusters = len(a)
    psu_strata, psu_fraction, n_strata = psu_design(clusters, strata, fraction)
    v_yy, v_yf, v_ff = (
        design_covariance(p, q, psu_strata, psu_fraction) for p, q in ((a, a), (a, b), (b, b))
    )
    if n_clusters < 2:
        v_yy, v_yf, v_ff = (np.full(y.shape[1], np.nan) for _ in range(3))
    v_pop = corpus.variance
    if lam == "tuned":
        denominator = v_ff + v_pop
        tuned = np.divide(v_yf, denominator, out=np.zeros_like(v_yf), where=denominator > 0)
        lam_value = np.clip(np.nan_to_num(tuned), 0.0, lam_max)
    else:
        lam_value = np.full(y.shape[1], float(lam))
    estimate = y_mean + lam_value * (corpus.mean - f_mean)
    variance = v_yy - 2 * lam_value * v_yf + lam_value**2 * (v_ff + v_pop)
    se = np.sqrt(np.maximum(variance, 0.0))
    df = float(n_clusters - n_strata) if clustered_df else np.inf
    q = t_quantile(level, df) if df > 0 else np.nan
    coded_share = 0.0 if fraction is None else float(share @ np.asarray(fraction, dtype=float))
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
        fraction=coded_share,
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
