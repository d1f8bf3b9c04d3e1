"""Proof by simulation, per outlet: do the intervals of ``framing estimate`` hold each outlet's
true share, when the classifier's errors differ from outlet to outlet?

Populations of 20 outlets (``build_*``), each a corpus in hand whose true shares are known:

- **homogeneous**: pseudo-articles of the seed set's (gold, out-of-fold MiniLM + LR) pairs,
  each drawing a random seed article (as ``framing.estimate.simulation``), 10 per outlet:
  outlets differ in their mix of material, the classifier's error process is the same;
- **seed_loo**: each seed outlet's sentences predicted by a head fitted on the other four
  seed outlets (leave one outlet out, MiniLM embeddings + the logistic head of
  ``embedding_lr``); 4 simulated outlets per seed outlet draw their articles from it only, so
  the error differs by outlet as on a new corpus;
- **synthetic_3x**: three labels (rare, middle, common), true shares varying by outlet,
  article random effects; the classifier's scores are shifted by the same amount in 19
  outlets and by 3 times that in one, so its bias (classify-and-count minus truth) there is
  about 3 times the others';
- **one_article**: seed_loo's classifier, but every outlet is a single article of 40-120
  sentences;
- **heldout** (with cross-prediction): the checkpoint is the head fitted on three seed outlets
  (the gold set); the corpus is made of the other two (EFE's aggregator copy, a near-copy of a
  gold article, and the unattributed summary site, independent of them), 10 simulated outlets
  each. Cross-prediction refits the head on the gold set plus folds of the coded sample.

Each replicate draws a simple random sample of n sentences, runs the estimators of the command
on it (``framing.estimate.ppi``, ``outlets.estimate_scope``, ``pooled.pool_outlets``,
``crossfit``'s fold rule) and checks every outlet's interval against the outlet's true share
(the corpus estimand). Methods:

- ``today``: the unpooled PPI++ per outlet of the command before this change (0/1 decisions,
  article clusters, no finite-population correction: the process estimand) - the baseline;
- ``unpooled``: the outlet's own PPI++ (corpus estimand, probabilities);
- ``pooled``: the Fay-Herriot pooled estimate of the command (probabilities, arcsine scale,
  between-outlet variance integrated out: posterior interval; reaching the outlet's own
  interval's end where its coded rows never or always show the label, as the command does);
- ``pooled_bootstrap``, ``pooled_pr``: the model on the share scale with the between-outlet
  variance plugged in (adjusted REML), parametric-bootstrap and Prasad-Rao intervals;
- ``pooled_decisions``: pooled with the 0/1 decisions;
- ``cross_pooled`` / ``cross_unpooled`` (heldout only): the same on cross-predictions;
- ``classify_and_count``: the classifier's decisions counted per outlet (no coded sample, no
  interval), with its error against the truth.

For all outlets together: ``today`` (PPI++ on decisions, process estimand), ``ppi_decisions``
and ``ppi_probabilities`` (corpus estimand), ``coded_only`` (the coded sample alone, corpus
estimand), ``cross_ppi`` (heldout).

Texts are seed sentences drawn with replacement, so a population repeats a few dozen unique
sentences: a refit that has seen a sentence predicts its copies well, in the held-out folds and
in the corpus alike. Coverage is tested fairly; the gain of cross-prediction is larger than on
a corpus of distinct sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from framing.estimate.crossfit import assign_folds
from framing.estimate.outlets import MIN_CODED, estimate_scope, stabilised
from framing.estimate.pooled import OutletData, pool_outlets, reach_own_bounds
from framing.estimate.pooling import prasad_rao_interval
from framing.estimate.ppi import corpus_mean, ppi_mean
from framing.models.linear_head import LinearHead

N_OUTLETS = 20
OUTLET_METHODS = ("today", "unpooled", "pooled", "pooled_pr", "pooled_decisions")
CROSS_METHODS = ("cross_unpooled", "cross_pooled")
OVERALL_METHODS = ("today", "ppi_decisions", "ppi_probabilities", "coded_only")


@dataclass
class Population:
    name: str
    series: list[str]
    y: np.ndarray  # (N, k) gold 0/1
    f: np.ndarray  # (N, k) classifier decisions
    p: np.ndarray  # (N, k) classifier probabilities
    article: np.ndarray  # (N,) article number
    outlet: np.ndarray  # (N,) outlet number 0..H-1
    source: np.ndarray | None = None  # (N,) seed sentence behind each row (text populations)
    n_frames: int = 0  # the first n_frames series are frames (then no frame, then stance)

    @property
    def n_outlets(self) -> int:
        return int(self.outlet.max()) + 1

    def truth(self) -> tuple[np.ndarray, np.ndarray]:
        """(overall (k,), per outlet (H, k)) true shares."""
        H = self.n_outlets
        per = np.vstack([self.y[self.outlet == h].mean(axis=0) for h in range(H)])
        return self.y.mean(axis=0), per

    def describe(self) -> dict:
        overall, per = self.truth()
        bias = np.vstack([self.f[self.outlet == h].mean(axis=0) for h in range(self.n_outlets)])
        bias = bias - per
        return {
            "n_sentences": len(self.y),
            "n_articles": int(len(np.unique(self.article))),
            "n_outlets": self.n_outlets,
            "true_share": dict(zip(self.series, map(float, overall), strict=True)),
            "outlet_true_share_range": {
                s: [float(per[:, j].min()), float(per[:, j].max())]
                for j, s in enumerate(self.series)
            },
            "classify_and_count_bias_by_outlet_sd": dict(
                zip(self.series, map(float, bias.std(axis=0)), strict=True)
            ),
            "classify_and_count_mean_abs_bias": dict(
                zip(self.series, map(float, np.abs(bias).mean(axis=0)), strict=True)
            ),
        }


# ---------------------------------------------------------------------------- material
@dataclass
class SeedMaterial:
    """The seed sentences: gold (n, k), out-of-fold decisions and probabilities, source
    article and outlet, MiniLM embeddings, and the series names."""

    series: list[str]
    n_frames: int
    y: np.ndarray
    f: np.ndarray
    p: np.ndarray
    article: np.ndarray
    outlet: np.ndarray
    x: np.ndarray | None = None  # (n, d) embeddings


def with_no_frame(values: np.ndarray, probabilities: bool) -> np.ndarray:
    extra = np.prod(1 - values, axis=1) if probabilities else (values.sum(axis=1) == 0) * 1.0
    return np.column_stack([values, extra])


def seed_material(frames_oof: pd.DataFrame, stance_oof: pd.DataFrame, x=None) -> SeedMaterial:
    """From two oof_predictions tables (one run per task) with article_id and outlet."""
    frames_oof = frames_oof.sort_values("sentence_id", ignore_index=True)
    stance_oof = stance_oof.sort_values("sentence_id", ignore_index=True)
    if not frames_oof["sentence_id"].equals(stance_oof["sentence_id"]):
        raise ValueError("the frames and stance runs predicted different sentences")
    parts = {"y": [], "f": [], "p": []}
    series = []
    for oof, multi in ((frames_oof, True), (stance_oof, False)):
        labels = [c[5:] for c in oof.columns if c.startswith("true:")]
        y = oof[[f"true:{lab}" for lab in labels]].to_numpy(dtype=float)
        f = oof[[f"pred:{lab}" for lab in labels]].to_numpy(dtype=float)
        p = oof[[f"proba:{lab}" for lab in labels]].to_numpy(dtype=float)
        if multi:
            y, f, p = with_no_frame(y, False), with_no_frame(f, False), with_no_frame(p, True)
            labels = [*labels, "no_frame"]
        parts["y"].append(y)
        parts["f"].append(f)
        parts["p"].append(p)
        series += labels
    n_frames = parts["y"][0].shape[1] - 1
    return SeedMaterial(
        series,
        n_frames,
        np.hstack(parts["y"]),
        np.hstack(parts["f"]),
        np.hstack(parts["p"]),
        frames_oof["article_id"].to_numpy(),
        frames_oof["outlet"].to_numpy(),
        x,
    )


def fit_heads(x: np.ndarray, y: np.ndarray, n_frames: int):
    """The ``embedding_lr`` heads (C = 4, balanced classes) on embeddings ``x`` and the gold
    series ``y`` (frames, no frame, stance): one per frame, one multinomial for stance."""
    frames = LinearHead.fit(x, y[:, :n_frames].astype(int), True, n_frames, 4.0, "balanced")
    stance_y = y[:, n_frames + 1 :].argmax(axis=1)
    stance = LinearHead.fit(x, stance_y, False, y.shape[1] - n_frames - 1, 4.0, "balanced")
    return frames, stance


def head_outputs(heads, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(decisions, probabilities) over every series from fitted heads (frame threshold 0.5)."""
    frames, stance = heads
    pf = frames.predict_proba(x)
    ps = stance.predict_proba(x)
    df = (pf >= 0.5) * 1.0
    ds = np.eye(ps.shape[1])[ps.argmax(axis=1)]
    return (
        np.hstack([with_no_frame(df, False), ds]),
        np.hstack([with_no_frame(pf, True), ps]),
    )


def leave_one_outlet_out(material: SeedMaterial) -> tuple[np.ndarray, np.ndarray]:
    """Decisions and probabilities of every seed sentence from heads fitted on the other
    seed outlets."""
    f, p = np.zeros_like(material.f), np.zeros_like(material.p)
    for outlet in np.unique(material.outlet):
        out = material.outlet == outlet
        heads = fit_heads(material.x[~out], material.y[~out], material.n_frames)
        f[out], p[out] = head_outputs(heads, material.x[out])
    return f, p


# ---------------------------------------------------------------------------- populations
def _articles(
    members_of, n_articles: int, sizes: tuple[int, int], rng
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows into the material, article number, outlet number) of pseudo-articles:
    ``members_of(a)`` gives (candidate rows, outlet) of article a."""
    rows, article, outlet = [], [], []
    for a in range(n_articles):
        members, h = members_of(a)
        size = int(rng.integers(sizes[0], sizes[1] + 1))
        rows.append(rng.choice(members, size, replace=True))
        article.append(np.full(size, a))
        outlet.append(np.full(size, h))
    return np.concatenate(rows), np.concatenate(article), np.concatenate(outlet)


def from_material(name, material: SeedMaterial, f, p, rows, article, outlet) -> Population:
    return Population(
        name,
        material.series,
        material.y[rows],
        f[rows],
        p[rows],
        article,
        outlet,
        rows,
        material.n_frames,
    )


def build_homogeneous(material: SeedMaterial, rng, per_outlet: int = 10) -> Population:
    sources = np.unique(material.article)

    def members(a):
        return np.flatnonzero(material.article == rng.choice(sources)), a // per_outlet

    rows, article, outlet = _articles(members, N_OUTLETS * per_outlet, (10, 40), rng)
    return from_material("homogeneous", material, material.f, material.p, rows, article, outlet)


def build_seed_loo(
    material: SeedMaterial, loo, rng, per_outlet: int = 10, one_article: bool = False
) -> Population:
    seed_outlets = np.unique(material.outlet)
    home = [seed_outlets[h % len(seed_outlets)] for h in range(N_OUTLETS)]

    def members(a):
        h = a if one_article else a // per_outlet
        return np.flatnonzero(material.outlet == home[h]), h

    n = N_OUTLETS if one_article else N_OUTLETS * per_outlet
    sizes = (40, 120) if one_article else (10, 40)
    rows, article, outlet = _articles(members, n, sizes, rng)
    name = "one_article" if one_article else "seed_loo"
    return from_material(name, material, loo[0], loo[1], rows, article, outlet)


HELDOUT_CORPUS = ("EFE copy (aggregator)", "Unattributed summary site")


def build_heldout(material: SeedMaterial, rng, per_outlet: int = 10):
    """(population, gold rows of the material, checkpoint heads) of the heldout setting."""
    gold = ~np.isin(material.outlet, HELDOUT_CORPUS)
    heads = fit_heads(material.x[gold], material.y[gold], material.n_frames)
    f, p = head_outputs(heads, material.x)

    def members(a):
        h = a // per_outlet
        return np.flatnonzero(material.outlet == HELDOUT_CORPUS[h % 2]), h

    rows, article, outlet = _articles(members, N_OUTLETS * per_outlet, (10, 40), rng)
    return from_material("heldout", material, f, p, rows, article, outlet), np.flatnonzero(gold)


def build_synthetic_3x(rng, per_outlet: int = 10, factor: float = 3.0) -> Population:
    """Three labels; outlet h's true share of label j is drawn in the label's range, each
    article's share varies around it (beta, concentration 8); the classifier's score is
    logit-normal around +-1.2 with a shift of -0.5 (under-detection) in every outlet but
    outlet 0, where it is ``factor`` times that."""
    ranges = [(0.05, 0.15), (0.15, 0.40), (0.40, 0.70)]
    series = ["rare", "middle", "common"]
    y_all, s_all, article, outlet = [], [], [], []
    shift = np.full(N_OUTLETS, -0.5)
    shift[0] *= factor
    a = 0
    for h in range(N_OUTLETS):
        share = np.array([rng.uniform(*r) for r in ranges])
        for _ in range(per_outlet):
            size = int(rng.integers(10, 41))
            p_art = rng.beta(share * 8, (1 - share) * 8)
            y = (rng.random((size, 3)) < p_art) * 1.0
            score = np.where(y == 1, 1.2, -1.2) + shift[h] + rng.normal(0, 1.0, (size, 3))
            y_all.append(y)
            s_all.append(score)
            article.append(np.full(size, a))
            outlet.append(np.full(size, h))
            a += 1
    y = np.vstack(y_all)
    p = expit(np.vstack(s_all))
    return Population(
        "synthetic_3x",
        series,
        y,
        (p >= 0.5) * 1.0,
        p,
        np.concatenate(article),
        np.concatenate(outlet),
    )


# ---------------------------------------------------------------------------- one replicate
def corpus_by_outlet_rows(pop: Population, idx: np.ndarray) -> np.ndarray:
    """(H, k) the coded rows' mean of y in each outlet (nan where none was coded)."""
    H = pop.n_outlets
    sums = np.zeros((H, pop.y.shape[1]))
    np.add.at(sums, pop.outlet[idx], pop.y[idx])
    counts = np.bincount(pop.outlet[idx], minlength=H)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def corpus_by_outlet(pop: Population, values: np.ndarray) -> np.ndarray:
    H = pop.n_outlets
    sums = np.zeros((H, values.shape[1]))
    np.add.at(sums, pop.outlet, values)
    return sums / np.bincount(pop.outlet, minlength=H)[:, None]


def process_corpus(pop: Population, values: np.ndarray, rows: np.ndarray):
    """The process-estimand corpus side (article clusters) of the rows in scope."""
    art = pop.article[rows]
    _, inverse = np.unique(art, return_inverse=True)
    sums = np.zeros((inverse.max() + 1, values.shape[1]))
    np.add.at(sums, inverse, values[rows])
    return corpus_mean(sums, np.bincount(inverse).astype(float))


@dataclass
class Prepared:
    """What does not change between replicates of one population."""

    pop: Population
    truth: np.ndarray  # (k,)
    outlet_truth: np.ndarray  # (H, k)
    sizes: np.ndarray  # (H,) sentences per outlet
    mean_f: np.ndarray  # (H, k)
    mean_p: np.ndarray
    overall_f: np.ndarray
    overall_p: np.ndarray
    process_outlet: list  # per outlet CorpusMean of decisions (process estimand)
    process_all: object


def prepare(pop: Population) -> Prepared:
    overall, per = pop.truth()
    H = pop.n_outlets
    everything = np.arange(len(pop.y))
    return Prepared(
        pop,
        overall,
        per,
        np.bincount(pop.outlet, minlength=H).astype(float),
        corpus_by_outlet(pop, pop.f),
        corpus_by_outlet(pop, pop.p),
        pop.f.mean(axis=0),
        pop.p.mean(axis=0),
        [process_corpus(pop, pop.f, np.flatnonzero(pop.outlet == h)) for h in range(H)],
        process_corpus(pop, pop.f, everything),
    )


def _known(mean: np.ndarray):
    return corpus_mean(mean[None, :], np.ones(1), estimand="corpus")


def outlet_inputs(prep: Prepared, idx, f_s, corpus_mean_h) -> OutletData:
    pop = prep.pop
    outlet = pop.outlet[idx]
    counts = np.bincount(outlet, minlength=pop.n_outlets)
    return OutletData(
        outlet=outlet,
        y=pop.y[idx],
        f=f_s,
        clusters=idx.astype(str),
        weights=np.ones(len(idx)),
        fraction=(counts / prep.sizes)[outlet],
        corpus_mean=corpus_mean_h,
        corpus_variance=np.zeros_like(corpus_mean_h),
        population=prep.sizes,
    )


def unpooled_corpus(prep, idx, f_s, corpus_mean_h, level, lam_max):
    """(low, high) (H, k) of each outlet's own PPI++ (corpus estimand)."""
    pop = prep.pop
    H, k = corpus_mean_h.shape
    low, high = np.zeros((H, k)), np.ones((H, k))
    outlet = pop.outlet[idx]
    for h in range(H):
        rows = outlet == h
        if not rows.any():
            continue
        frac = np.full(rows.sum(), rows.sum() / prep.sizes[h])
        est, _, _ = estimate_scope(
            pop.y[idx][rows],
            f_s[rows],
            idx[rows],
            np.ones(rows.sum()),
            _known(corpus_mean_h[h]),
            level,
            MIN_CODED,
            None,
            frac,
            lam_max,
        )
        low[h], high[h] = est.low, est.high
    return low, high


def unpooled_today(prep, idx, level):
    """(low, high) of each outlet's PPI++ as the command computed it before: decisions, article
    clusters, the corpus side's article variance, the small-sample floor."""
    pop = prep.pop
    H, k = prep.mean_f.shape
    low, high = np.zeros((H, k)), np.ones((H, k))
    outlet = pop.outlet[idx]
    for h in range(H):
        rows = outlet == h
        if not rows.any():
            continue
        est = ppi_mean(
            pop.y[idx][rows],
            pop.f[idx][rows],
            pop.article[idx][rows],
            prep.process_outlet[h],
            level=level,
        )
        est, _ = stabilised(est, level, MIN_CODED)
        low[h], high[h] = est.low, est.high
    return low, high


def replicate(
    prep: Prepared,
    n: int,
    rng,
    level: float = 0.95,
    draws: int = 2000,
    lam_max: float = 1.0,
    cross=None,
) -> dict:
    """{method: (overall (low, high) or None, per-outlet (low, high) or None)} of one sample."""
    pop = prep.pop
    idx = np.sort(rng.choice(len(pop.y), n, replace=False))
    y = pop.y[idx]
    frac = np.full(n, n / len(pop.y))
    out = {}
    # all outlets
    today = ppi_mean(y, pop.f[idx], pop.article[idx], prep.process_all, level=level)
    today, _ = stabilised(today, level, MIN_CODED)
    out["today"] = [(today.low, today.high)]
    for name, values, mean, cap in (
        ("ppi_decisions", pop.f, prep.overall_f, 1.0),
        ("ppi_probabilities", pop.p, prep.overall_p, lam_max),
    ):
        est, alone, _ = estimate_scope(
            y, values[idx], idx, np.ones(n), _known(mean), level, MIN_CODED, None, frac, cap
        )
        out[name] = [(est.low, est.high)]
        if name == "ppi_decisions":
            out["coded_only"] = [(alone.low, alone.high)]
            lam_f = est.lam
        else:
            lam_p = est.lam
    # per outlet: the pooled intervals reach the outlet's own where its coded units never (or
    # always) show a label, as the command does (``pooled.reach_own_bounds``)
    out["today"].append(unpooled_today(prep, idx, level))
    own = unpooled_corpus(prep, idx, pop.p[idx], prep.mean_p, level, lam_max)
    own_f = unpooled_corpus(prep, idx, pop.f[idx], prep.mean_f, level, 1.0)
    out["unpooled"] = [None, own]
    shown = corpus_by_outlet_rows(pop, idx)
    seed = int(rng.integers(2**31))
    for name, values, mean, lam, mine in (
        ("pooled", pop.p, prep.mean_p, lam_p, own),
        ("pooled_decisions", pop.f, prep.mean_f, lam_f, own_f),
    ):
        data = outlet_inputs(prep, idx, values[idx], mean)
        pooled = pool_outlets(data, lam, level, "bayes", draws=draws, seed=seed)
        out[name] = [None, reach_own_bounds(pooled.low, pooled.high, shown, *mine)[:2]]
        if name == "pooled":
            flat = pool_outlets(
                data, lam, level, "bootstrap", draws=200, seed=seed, transform="none"
            )
            out["pooled_bootstrap"] = [None, reach_own_bounds(flat.low, flat.high, shown, *own)[:2]]
            pr = [prasad_rao_interval(m, np.eye(pop.n_outlets), level) for m in flat.models]
            pr_low, pr_high = (np.column_stack([r[i] for r in pr]) for i in (2, 3))
            out["pooled_pr"] = [None, reach_own_bounds(pr_low, pr_high, shown, *own)[:2]]
    if cross is not None:
        out |= cross.replicate(prep, idx, level, draws, seed, lam_max)
    return out


# ---------------------------------------------------------------------------- cross-prediction
class CrossFitter:
    """Cross-prediction on a text population (``heldout``): heads refitted on the gold rows of
    the material plus K - 1 folds of the coded sample (folds by article, as ``crossfit``)."""

    def __init__(self, material: SeedMaterial, gold_rows: np.ndarray, folds: int = 5):
        self.material, self.gold_rows, self.folds = material, gold_rows, folds

    def predictions(self, prep: Prepared, idx: np.ndarray, seed: int):
        """(decisions, probabilities) of every population row: coded articles' rows by their
        fold's refit, every other row by the average of the refits."""
        pop, m = prep.pop, self.material
        coded_article = pd.Series(pop.article[idx].astype(str))
        fold_of = assign_folds(coded_article, [], self.folds, seed)
        coded_fold = coded_article.map(fold_of).to_numpy()
        row_fold = pd.Series(pop.article.astype(str)).map(fold_of).fillna(-1).to_numpy()
        x_src = m.x[pop.source]
        f = np.zeros_like(pop.f)
        p = np.zeros_like(pop.p)
        for j in range(self.folds):
            train_x = np.vstack([m.x[self.gold_rows], x_src[idx][coded_fold != j]])
            train_y = np.vstack([m.y[self.gold_rows], pop.y[idx][coded_fold != j]])
            heads = fit_heads(train_x, train_y, m.n_frames)
            # predict each distinct seed sentence once, then spread to the rows
            fj, pj = head_outputs(heads, m.x)
            own = row_fold == j
            rest = row_fold < 0
            f[own], p[own] = fj[pop.source[own]], pj[pop.source[own]]
            f[rest] += fj[pop.source[rest]] / self.folds
            p[rest] += pj[pop.source[rest]] / self.folds
        return f, p

    def replicate(self, prep, idx, level, draws, seed, lam_max) -> dict:
        pop = prep.pop
        n = len(idx)
        f, p = self.predictions(prep, idx, seed)
        mean_p = corpus_by_outlet(pop, p)
        frac = np.full(n, n / len(pop.y))
        est, _, _ = estimate_scope(
            pop.y[idx],
            p[idx],
            idx,
            np.ones(n),
            _known(p.mean(axis=0)),
            level,
            MIN_CODED,
            None,
            frac,
            lam_max,
        )
        est_f, _, _ = estimate_scope(
            pop.y[idx],
            f[idx],
            idx,
            np.ones(n),
            _known(f.mean(axis=0)),
            level,
            MIN_CODED,
            None,
            frac,
        )
        data = outlet_inputs(prep, idx, p[idx], mean_p)
        pooled = pool_outlets(data, est.lam, level, "bayes", draws=draws, seed=seed)
        own = unpooled_corpus(prep, idx, p[idx], mean_p, level, lam_max)
        shown = corpus_by_outlet_rows(pop, idx)
        return {
            "cross_ppi": [(est.low, est.high)],
            "cross_ppi_decisions": [(est_f.low, est_f.high)],
            "cross_unpooled": [None, own],
            "cross_pooled": [None, reach_own_bounds(pooled.low, pooled.high, shown, *own)[:2]],
        }


# ---------------------------------------------------------------------------- the study
def run_population(
    prep: Prepared,
    n: int,
    replicates: int,
    rng,
    level: float = 0.95,
    draws: int = 2000,
    lam_max: float = 1.0,
    cross=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(overall table, per-outlet table): per method and label, coverage and mean half-width
    over ``replicates`` samples of n sentences; per outlet too."""
    pop = prep.pop
    H, k = prep.outlet_truth.shape
    hits: dict = {}
    width: dict = {}
    # per replicate, the share of outlets covered (k,): its spread over replicates gives the
    # Monte Carlo standard error of the coverage averaged over outlets (outlets of one sample
    # are not independent)
    spread: dict = {}
    for _ in range(replicates):
        result = replicate(prep, n, rng, level, draws, lam_max, cross)
        for method, parts in result.items():
            for scope, bounds in zip(("all", "outlets"), parts, strict=False):
                if bounds is None:
                    continue
                low, high = (np.clip(b, 0, 1) for b in bounds)
                truth = prep.truth if scope == "all" else prep.outlet_truth
                key = (method, scope)
                hit = (low <= truth + 1e-12) & (truth <= high + 1e-12)
                hits[key] = hits.get(key, 0) + hit
                width[key] = width.get(key, 0) + (high - low) / 2
                if scope == "outlets":
                    share = hit.mean(axis=0)
                    spread[key] = spread.get(key, 0) + np.stack([share, share**2])
    overall, outlets = [], []
    for (method, scope), h in hits.items():
        cov, half = h / replicates, width[(method, scope)] / replicates
        if scope == "all":
            for j, label in enumerate(pop.series):
                overall.append(
                    {
                        "population": pop.name,
                        "n": n,
                        "method": method,
                        "label": label,
                        "true_share": prep.truth[j],
                        "coverage": cov[j],
                        "half_width": half[j],
                        "replicates": replicates,
                    }
                )
        else:
            first, second = spread[(method, scope)] / replicates
            mc_se = np.sqrt(np.maximum(second - first**2, 0) / max(replicates - 1, 1))
            for o in range(H):
                for j, label in enumerate(pop.series):
                    outlets.append(
                        {
                            "population": pop.name,
                            "n": n,
                            "method": method,
                            "label": label,
                            "outlet": o,
                            "true_share": prep.outlet_truth[o, j],
                            "coverage": cov[o, j],
                            "half_width": half[o, j],
                            "replicates": replicates,
                            "mean_coverage_mc_se": mc_se[j],
                        }
                    )
    return pd.DataFrame(overall), pd.DataFrame(outlets)


def classify_and_count(pop: Population, n: int) -> pd.DataFrame:
    """Per outlet and label, classify-and-count (the share of the outlet's sentences the
    classifier decides for the label, ``framing predict``'s ``outlet_mix.csv``) against the
    truth, in the rows of ``run_population``'s per-outlet table. It reads no coded sample, so
    it is the same in every replicate and at every n, and it has no interval: its width is 0
    and it covers an outlet only where it is exactly right."""
    _, per = pop.truth()
    counted = np.vstack([pop.f[pop.outlet == h].mean(axis=0) for h in range(pop.n_outlets)])
    error = counted - per
    rows = [
        {
            "population": pop.name,
            "n": n,
            "method": "classify_and_count",
            "label": label,
            "outlet": o,
            "true_share": per[o, j],
            "coverage": float(abs(error[o, j]) < 1e-12),
            "half_width": 0.0,
            "replicates": 1,
            "mean_coverage_mc_se": 0.0,
            "estimate": counted[o, j],
            "abs_error": abs(error[o, j]),
        }
        for o in range(pop.n_outlets)
        for j, label in enumerate(pop.series)
    ]
    return pd.DataFrame(rows)


def summarise_outlets(outlets: pd.DataFrame) -> pd.DataFrame:
    """Per population, n, method and label: mean coverage over outlets (and its Monte Carlo
    standard error), the worst outlet's coverage, median half-width; for classify-and-count
    also its mean and largest absolute error over outlets."""
    if "abs_error" not in outlets:
        outlets = outlets.assign(abs_error=np.nan)
    g = outlets.groupby(["population", "n", "method", "label"], sort=False)
    return g.agg(
        coverage=("coverage", "mean"),
        coverage_mc_se=("mean_coverage_mc_se", "first"),
        worst_outlet_coverage=("coverage", "min"),
        median_half_width=("half_width", "median"),
        mean_abs_error=("abs_error", "mean"),
        max_abs_error=("abs_error", "max"),
        replicates=("replicates", "first"),
    ).reset_index()
