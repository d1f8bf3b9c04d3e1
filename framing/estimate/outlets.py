"""Shares per outlet and overall on a new corpus: the PPI++ estimate (``framing.estimate.ppi``)
beside classify-and-count and the coded sample alone; differences between outlets.

Two levels:

- **sentences**: the share of an outlet's sentences carrying each frame (and no frame) or each
  stance class. Any random sample of sentences or articles serves.
- **articles**: the share of an outlet's articles with at least one sentence carrying the
  label. Whether an article carries a frame is known only when all its sentences are coded, so
  this needs a sample of whole articles (sample record ``unit: article``); otherwise only
  classify-and-count is given, flagged as uncorrected.

An outlet with fewer than ``min_coded`` coded units gets an interval no narrower than the
coded sample's own (Agresti-Coull: two successes and two failures added), with t on G - 1
degrees of freedom, and a note; so does a label the coded sample never (or always) shows,
whose variance estimate is 0. With none coded there is nothing to correct with, and the
interval is the whole range [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from framing.data.schema import ALL_OUTLETS
from framing.estimate.inputs import CodedSample, TaskLabels, indicator_arrays
from framing.estimate.ppi import (
    CorpusMean,
    MeanEstimate,
    corpus_mean,
    difference_interval,
    ppi_mean,
    t_quantile,
)

REST = "the other outlets"
MIN_CODED = 10
LEVELS = ("sentences", "articles")


@dataclass
class ScopeEstimate:
    """Everything estimated for one scope (an outlet, all outlets, the rest), one task, one
    level: arrays over the task's series."""

    scope: str
    level: str
    task: TaskLabels
    series: list[str]
    n_population: int
    classify_and_count: np.ndarray
    ppi: MeanEstimate | None
    coded_only: MeanEstimate | None
    note: str = ""


def stabilised(estimate: MeanEstimate, level: float, min_coded: int) -> tuple[MeanEstimate, str]:
    """Floor an interval where its variance estimate cannot be trusted, at the Agresti-Coull
    interval of the coded sample (two successes and two failures added):

    - below ``min_coded`` coded units (or two articles), for every label, with t on
      max(G - 1, 1) degrees of freedom (three coded sentences that agree give variance 0);
    - for a label the coded sample never (or always) shows: its sample variance is 0 and
      PPI++ would give a zero-width interval (0 of 20 coded sentences is no proof that an
      outlet never uses a frame)."""
    small = estimate.n < min_coded or estimate.n_clusters < 2
    constant = (estimate.sample_mean <= 0) | (estimate.sample_mean >= 1)
    if not small and not constant.any():
        return estimate, ""
    n_eff = estimate.effective_n
    p = (n_eff * estimate.sample_mean + 2) / (n_eff + 4)
    floor = np.sqrt(p * (1 - p) / (n_eff + 4))
    widen = np.full(len(estimate.se), small) | constant
    se = np.where(widen, np.maximum(np.nan_to_num(estimate.se), floor), estimate.se)
    df = float(max(estimate.n_clusters - 1, 1)) if small else estimate.df
    q = t_quantile(level, df)
    if small:
        note = (
            f"only {estimate.n} coded from {estimate.n_clusters} article(s): wide interval "
            f"(at least the coded sample's own, t with {df:.0f} df); code more of this outlet"
        )
    else:
        note = (
            "a label the coded sample never (or always) shows gets at least the coded "
            "sample's own interval (Agresti-Coull)"
        )
    return replace(
        estimate, se=se, df=df, low=estimate.estimate - q * se, high=estimate.estimate + q * se
    ), note


def estimate_scope(
    y: np.ndarray,
    f: np.ndarray,
    clusters: np.ndarray,
    weights: np.ndarray,
    corpus: CorpusMean,
    level: float,
    min_coded: int,
) -> tuple[MeanEstimate | None, MeanEstimate | None, str]:
    """(PPI++, coded sample alone, note) for one scope; (None, None, note) with no coded unit."""
    if len(y) == 0:
        return None, None, "no coded unit: no correction possible, the interval is [0, 1]"
    estimates = [
        ppi_mean(y, f, clusters, corpus, weights, lam=lam, level=level) for lam in ("tuned", 0.0)
    ]
    (ppi, note), (alone, _) = (stabilised(e, level, min_coded) for e in estimates)
    return ppi, alone, note


def article_table(sample: CodedSample, task: TaskLabels):
    """(population articles with 0/1 'any sentence' decisions, coded articles with truth and
    decisions, note) for the article level; coded articles are None unless the sample drew
    whole articles."""
    articles = sample.corpus.articles
    labels = list(task.labels)
    population = articles[["outlet", "article_id", "n_sentences"]].copy()
    for label in labels:
        population[f"f:{label}"] = (articles[f"f:{label}"] > 0).astype(float)
    if sample.record.unit != "article":
        return (
            population,
            None,
            (
                "article shares need a sample of whole articles (sample record unit: article): "
                "classify-and-count only, not corrected"
            ),
        )
    coded = (
        sample.table.groupby(["outlet", "article_id"], sort=True)
        .agg(
            weight=("weight", "first"),
            n_coded=("weight", "size"),
            **{f"y:{label}": (f"y:{label}", "max") for label in labels},
        )
        .reset_index()
    )
    coded = coded.merge(population, on=["outlet", "article_id"], how="left")
    complete = coded["n_coded"] == coded["n_sentences"]
    note = ""
    if not complete.all():
        note = (
            f"{int((~complete).sum())} sampled article(s) are not fully coded and were left "
            "out of the article shares"
        )
    return population, coded[complete].reset_index(drop=True), note


def scopes(outlets: list[str]) -> list[str]:
    return [*outlets, ALL_OUTLETS]


def in_scope(values: pd.Series, scope: str) -> np.ndarray:
    if scope == ALL_OUTLETS:
        return np.ones(len(values), dtype=bool)
    if scope.startswith("not:"):
        return (values != scope[4:]).to_numpy()
    return (values == scope).to_numpy()


def estimate_level(
    sample: CodedSample,
    task: TaskLabels,
    level_name: str,
    scope_names: list[str],
    level: float,
    min_coded: int,
    cluster: str = "article",
) -> list[ScopeEstimate]:
    """Every scope's estimate of one task at one level (sentences or articles)."""
    if level_name == "sentences":
        series = task.series
        population = sample.corpus.articles
        sizes_column, coded, note = "n_sentences", sample.table, ""
    else:
        series = list(task.labels)
        population, coded, note = article_table(sample, task)
        sizes_column = None
    out = []
    for scope in scope_names:
        pop = population[in_scope(population["outlet"], scope)]
        sums = pop[[f"f:{s}" for s in series]].to_numpy(dtype=float)
        sizes = pop[sizes_column].to_numpy(dtype=float) if sizes_column else np.ones(len(pop))
        corpus = corpus_mean(sums, sizes, by_sentence=cluster == "sentence" and sizes_column)
        ppi = alone = None
        scope_note = note
        if coded is not None:
            part = coded[in_scope(coded["outlet"], scope)]
            y, f = indicator_arrays(part, series)
            by_article = cluster == "article" or not sizes_column
            key = ["outlet", "article_id"] if by_article else ["sentence_id"]
            clusters = part[key].astype(str).agg("\x1f".join, axis=1).to_numpy()
            ppi, alone, scope_note = estimate_scope(
                y, f, clusters, part["weight"].to_numpy(dtype=float), corpus, level, min_coded
            )
            scope_note = "; ".join(x for x in (note, scope_note) if x)
        out.append(
            ScopeEstimate(
                scope, level_name, task, series, corpus.n, corpus.mean, ppi, alone, scope_note
            )
        )
    return out


def _clip(values) -> np.ndarray:
    return np.clip(np.asarray(values, dtype=float), 0.0, 1.0)


def estimate_rows(estimates: list[ScopeEstimate]) -> pd.DataFrame:
    """estimates.csv: one row per level, task, scope and label. Intervals are clipped to
    [0, 1] (a share cannot leave it)."""
    rows = []
    for e in estimates:
        for j, label in enumerate(e.series):
            row = {
                "level": e.level,
                "task": e.task.task,
                "outlet": e.scope,
                "label": label,
                "n_population": e.n_population,
                "n_coded": e.ppi.n if e.ppi else 0,
                "n_coded_articles": e.ppi.n_clusters if e.ppi else 0,
                "classify_and_count": e.classify_and_count[j],
            }
            for name, est in (("estimate", e.ppi), ("coded_only", e.coded_only)):
                prefix = "" if name == "estimate" else "coded_only_"
                if est is None:
                    row |= {name: np.nan, f"{prefix}low": 0.0, f"{prefix}high": 1.0}
                    continue
                row |= {
                    name: float(np.clip(est.estimate[j], 0, 1)),
                    f"{prefix}low": float(_clip(est.low[j])),
                    f"{prefix}high": float(_clip(est.high[j])),
                }
            row["lambda"] = float(e.ppi.lam[j]) if e.ppi else np.nan
            row["se"] = float(e.ppi.se[j]) if e.ppi else np.nan
            row["note"] = e.note
            rows.append(row)
    return pd.DataFrame(rows)


def difference_rows(pairs: list[tuple[ScopeEstimate, ScopeEstimate]], level: float) -> pd.DataFrame:
    """differences.csv: a - b per label with its interval, for PPI++, the coded sample alone
    and classify-and-count (no interval: it is the corpus count of the classifier)."""
    rows = []
    for a, b in pairs:
        base = {"level": a.level, "task": a.task.task, "a": a.scope, "b": b.scope}
        cc = a.classify_and_count - b.classify_and_count
        parts = {}
        for name, ea, eb in (("", a.ppi, b.ppi), ("coded_only_", a.coded_only, b.coded_only)):
            if ea is None or eb is None:
                parts[name] = None
                continue
            parts[name] = difference_interval(
                ea.estimate, ea.se, ea.df, eb.estimate, eb.se, eb.df, level
            )
        for j, label in enumerate(a.series):
            row = base | {"label": label, "classify_and_count_difference": cc[j]}
            for name, values in parts.items():
                key = "difference" if not name else "coded_only_difference"
                if values is None:
                    row |= {key: np.nan, f"{name}low": np.nan, f"{name}high": np.nan}
                    continue
                diff, _, low, high = values
                row |= {key: diff[j], f"{name}low": low[j], f"{name}high": high[j]}
            row["note"] = "; ".join(n for n in (a.note, b.note) if n)
            rows.append(row)
    return pd.DataFrame(rows)
