"""Proof by simulation: do the intervals of ``framing estimate`` cover the truth?

The seed outlets are single articles, too few to sample from, so a large population with a
known truth is built from the seed set's (gold, out-of-fold prediction) pairs:

- **pseudo-articles**: each draws a seed article, a size of 10-40 sentences, and that many
  of the article's sentences with replacement, whole pairs (gold frames and stance with the
  classifier's out-of-fold decisions for both), so the classifier's real errors are kept and
  articles differ as the seed articles do; its outlet is the seed article's outlet;
- **seed** population: the pairs as they are (the classifier as good as in cross-validation);
- **shifted** population: in a random half of the pseudo-articles the classifier is worse
  than in cross-validation: a detected frame is missed with probability ``miss`` and an absent
  one is predicted with probability ``false_alarm``; a stance decision is replaced by another
  class with probability ``stance_error``. Errors then cluster by article and the
  cross-validated error rates no longer hold, as on a new corpus.

Coded samples are drawn again and again from a population: ``sentences`` (a simple random
sample of k sentences) or ``articles`` (k whole articles, every sentence coded). Each sample
goes through the estimator of the command (``framing.estimate.outlets.estimate_scope``), and
the table reports, per label with a true share of at least 5%, how often the 95% interval held
the true population share (target 0.93-0.97) and its mean width, beside the coded sample
alone and PPI++ without clustering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from framing.data.schema import NO_FRAME
from framing.estimate.outlets import MIN_CODED, estimate_scope
from framing.estimate.ppi import corpus_mean

SIZES = {"sentences": (25, 50, 100, 200), "articles": (5, 10, 20, 40)}
ESTIMATORS = ("ppi++ (article clusters)", "ppi++ (no clusters)", "coded sample only")


@dataclass
class Population:
    name: str
    series: list[str]
    y: np.ndarray  # (N, k) gold 0/1
    f: np.ndarray  # (N, k) classifier 0/1
    article: np.ndarray  # (N,) pseudo-article number
    outlet: np.ndarray

    @property
    def truth(self) -> np.ndarray:
        return self.y.mean(axis=0)


def seed_pairs(frames_oof: pd.DataFrame, stance_oof: pd.DataFrame):
    """(series, gold (n, k), decisions (n, k), source article (n,), outlet (n,)) of the seed
    sentences, frames (+ no frame) and stance side by side, from two oof_predictions tables."""
    frames_oof = frames_oof.sort_values("sentence_id", ignore_index=True)
    stance_oof = stance_oof.sort_values("sentence_id", ignore_index=True)
    if not frames_oof["sentence_id"].equals(stance_oof["sentence_id"]):
        raise ValueError("the frames and stance runs predicted different sentences")
    blocks_y, blocks_f, series = [], [], []
    for oof, multi in ((frames_oof, True), (stance_oof, False)):
        labels = [c[5:] for c in oof.columns if c.startswith("true:")]
        y = oof[[f"true:{lab}" for lab in labels]].to_numpy(dtype=float)
        f = oof[[f"pred:{lab}" for lab in labels]].to_numpy(dtype=float)
        if multi:
            y = np.column_stack([y, y.sum(axis=1) == 0])
            f = np.column_stack([f, f.sum(axis=1) == 0])
            labels = [*labels, NO_FRAME]
        blocks_y.append(y)
        blocks_f.append(f)
        series += labels
    n_frames = blocks_y[0].shape[1] - 1
    return (
        series,
        np.hstack(blocks_y),
        np.hstack(blocks_f),
        n_frames,
        frames_oof["article_id"].to_numpy(),
        frames_oof["outlet"].to_numpy(),
    )


def build_population(
    pairs,
    n_articles: int,
    rng: np.random.Generator,
    shifted: bool = False,
    miss: float = 0.6,
    false_alarm: float = 0.1,
    stance_error: float = 0.5,
) -> Population:
    series, y, f, n_frames, source, outlet = pairs
    sources = np.unique(source)
    rows, article = [], []
    for a in range(n_articles):
        members = np.flatnonzero(source == rng.choice(sources))
        size = int(rng.integers(10, 41))
        rows.append(rng.choice(members, size, replace=True))
        article.append(np.full(size, a))
    index, article = np.concatenate(rows), np.concatenate(article)
    py, pf = y[index].copy(), f[index].copy()
    if shifted:
        hard = rng.random(n_articles) < 0.5
        in_hard = hard[article]
        frames = slice(0, n_frames)
        u = rng.random((len(index), n_frames))
        fr = pf[:, frames]
        fr[in_hard[:, None] & (fr == 1) & (u < miss)] = 0
        fr[in_hard[:, None] & (pf[:, frames] == 0) & (u > 1 - false_alarm)] = 1
        pf[:, frames] = fr
        pf[:, n_frames] = fr.sum(axis=1) == 0  # no frame follows the frames
        stance = slice(n_frames + 1, None)
        k = pf[:, stance].shape[1]
        wrong = in_hard & (rng.random(len(index)) < stance_error)
        current = pf[:, stance].argmax(axis=1)
        other = (current + rng.integers(1, k, len(index))) % k
        new = np.where(wrong, other, current)
        pf[:, stance] = np.eye(k)[new]
    return Population("shifted" if shifted else "seed", series, py, pf, article, outlet[index])


def draw(population: Population, design: str, k: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices of one coded random sample."""
    if design == "sentences":
        return rng.choice(len(population.y), k, replace=False)
    chosen = rng.choice(np.unique(population.article), k, replace=False)
    return np.flatnonzero(np.isin(population.article, chosen))


def coverage(
    population: Population,
    design: str,
    k: int,
    replicates: int,
    rng: np.random.Generator,
    level: float = 0.95,
    min_share: float = 0.05,
) -> pd.DataFrame:
    """Coverage and mean width of each estimator's interval over ``replicates`` samples."""
    sizes = np.bincount(population.article).astype(float)
    sums = np.zeros((len(sizes), population.f.shape[1]))
    np.add.at(sums, population.article, population.f)
    corpus = {
        "article": corpus_mean(sums, sizes),
        "sentence": corpus_mean(sums, sizes, by_sentence=True),
    }
    truth = population.truth
    hits = {e: np.zeros(len(truth)) for e in ESTIMATORS}
    widths = {e: np.zeros(len(truth)) for e in ESTIMATORS}
    errors = {e: np.zeros(len(truth)) for e in ESTIMATORS}
    for _ in range(replicates):
        idx = draw(population, design, k, rng)
        y, f, art = population.y[idx], population.f[idx], population.article[idx]
        ones = np.ones(len(idx))
        ppi, alone, _ = estimate_scope(y, f, art, ones, corpus["article"], level, MIN_CODED)
        flat, _, _ = estimate_scope(
            y, f, np.arange(len(idx)), ones, corpus["sentence"], level, MIN_CODED
        )
        for name, est in zip(ESTIMATORS, (ppi, flat, alone), strict=True):
            low, high = np.clip(est.low, 0, 1), np.clip(est.high, 0, 1)
            hits[name] += (low <= truth) & (truth <= high)
            widths[name] += high - low
            errors[name] += np.abs(est.estimate - truth)
    cc = population.f.mean(axis=0)
    rows = []
    for j, label in enumerate(population.series):
        if truth[j] < min_share:
            continue
        for name in ESTIMATORS:
            rows.append(
                {
                    "population": population.name,
                    "design": design,
                    "k": k,
                    "label": label,
                    "true_share": truth[j],
                    "classify_and_count": cc[j],
                    "estimator": name,
                    "coverage": hits[name][j] / replicates,
                    "mean_width": widths[name][j] / replicates,
                    "mean_abs_error": errors[name][j] / replicates,
                    "replicates": replicates,
                }
            )
    return pd.DataFrame(rows)


def classifier_f1(population: Population) -> dict[str, float]:
    """F1 of the classifier on each series of the population (how good it is there)."""
    tp = (population.y * population.f).sum(axis=0)
    denom = population.y.sum(axis=0) + population.f.sum(axis=0)
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    return dict(zip(population.series, map(float, f1), strict=True))


def run_simulation(
    frames_oof: pd.DataFrame,
    stance_oof: pd.DataFrame,
    replicates: int = 1000,
    n_articles: int = 200,
    seed: int = 0,
    sizes: dict | None = None,
    level: float = 0.95,
) -> tuple[pd.DataFrame, dict]:
    """(coverage table, description of the populations)."""
    rng = np.random.default_rng(seed)
    pairs = seed_pairs(frames_oof, stance_oof)
    tables, described = [], {}
    for shifted in (False, True):
        population = build_population(pairs, n_articles, rng, shifted)
        described[population.name] = {
            "n_sentences": len(population.y),
            "n_articles": n_articles,
            "true_share": dict(zip(population.series, map(float, population.truth), strict=True)),
            "classify_and_count": dict(
                zip(population.series, map(float, population.f.mean(axis=0)), strict=True)
            ),
            "classifier_f1": classifier_f1(population),
        }
        for design, ks in (sizes or SIZES).items():
            for k in ks:
                tables.append(coverage(population, design, k, replicates, rng, level))
    return pd.concat(tables, ignore_index=True), described
