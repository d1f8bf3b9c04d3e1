"""Shares per outlet and overall on a new corpus: the PPI++ estimate (``framing.estimate.ppi``)
beside classify-and-count and the coded sample alone; per-outlet shares pooled across outlets
(``framing.estimate.pooled``); differences between outlets.

Two levels:

- **sentences**: the share of an outlet's sentences carrying each frame (and no frame) or each
  stance class. Any random sample of sentences or articles serves.
- **articles**: the share of an outlet's articles with at least one sentence carrying the
  label. Whether an article carries a frame is known only when all its sentences are coded, so
  this needs a sample of whole articles (sample record ``unit: article``); otherwise only
  classify-and-count is given, flagged as uncorrected.

Two estimands (``framing.estimate.ppi``): the corpus in hand (design variance with the
finite-population correction, over the units that were drawn; strata = outlets of a stratified
sample) or the process that generated it (article clusters, no correction).

Two predictors: the classifier's 0/1 decisions or its probabilities; both are computed, the
one asked for is the headline, the other's width is reported beside it.

An outlet with fewer than ``min_coded`` coded units gets an unpooled interval no narrower than
the coded sample's own (Agresti-Coull: two successes and two failures added, times the
finite-population correction), with t on max(G - 1, 1) degrees of freedom; so does a label
the coded sample never (or always) shows, whose variance estimate is 0. The note goes on the
rows it applies to. With none coded the unpooled interval is the whole range [0, 1]; the
pooled one is the model's prediction from the other outlets, flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from framing.data.schema import ALL_OUTLETS
from framing.estimate.inputs import CodedSample, TaskLabels, indicator_arrays
from framing.estimate.pooled import (
    BOUNDARY_NOTE,
    OutletData,
    PooledOutlets,
    pool_outlets,
    reach_own_bounds,
    rest_weights,
)
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
PREDICTORS = ("probability", "decision")
PREFIX = {"probability": "p", "decision": "f"}
SMALL_NOTE = "wide interval"
CONSTANT_NOTE = (
    "the coded sample never (or always) shows this label: at least the coded sample's own "
    "interval (Agresti-Coull)"
)
NO_CODED_NOTE = "no coded unit: unpooled interval [0, 1]"


@dataclass(frozen=True)
class Options:
    """How ``framing estimate`` estimates (the command's flags)."""

    level: float = 0.95
    min_coded: int = MIN_CODED
    estimand: str = "corpus"
    cluster: str = "article"  # the PSU under the process estimand
    predictor: str = "probability"
    pooling: bool = True
    interval: str = "bayes"  # pooled intervals: bayes | bootstrap | prasad_rao
    draws: int = 4000
    seed: int = 0
    lam_max: float = 1.0  # upper bound of lam for the probability predictor


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
    notes: list[str] = field(default_factory=list)  # per series
    predictor: str = "decision"
    other: MeanEstimate | None = None  # PPI++ with the other predictor
    classifier_mean: np.ndarray | None = None  # the headline predictor's corpus mean
    corpus_variance: np.ndarray | None = None
    pooled: tuple | None = None  # (estimate, se, low, high), each (k,)
    pooled_notes: list[str] = field(default_factory=list)
    n_articles_coded: int = 0
    pooled_fit: tuple | None = None  # (PooledOutlets, outlet order) of its task

    @property
    def note(self) -> str:
        return "; ".join(dict.fromkeys(n for n in self.notes if n))


def floor_variance(estimate: MeanEstimate) -> np.ndarray:
    """Agresti-Coull variance of the coded sample's mean, with the finite-population factor."""
    n_eff = estimate.effective_n
    p = (n_eff * estimate.sample_mean + 2) / (n_eff + 4)
    return (1 - estimate.fraction) * p * (1 - p) / (n_eff + 4)


def stabilised(
    estimate: MeanEstimate, level: float, min_coded: int
) -> tuple[MeanEstimate, list[str]]:
    """Floor an interval where its variance estimate cannot be trusted, at the Agresti-Coull
    interval of the coded sample (two successes and two failures added):

    - below ``min_coded`` coded units (or two PSUs), for every label, with t on
      max(G - 1, 1) degrees of freedom (three coded sentences that agree give variance 0);
    - for a label the coded sample never (or always) shows: its sample variance is 0 and
      PPI++ would give a zero-width interval (0 of 20 coded sentences is no proof that an
      outlet never uses a frame).

    A census of the scope (every unit coded, corpus estimand) is exact and left as it is.
    Returns the estimate and one note per label (empty where nothing was floored)."""
    k = len(estimate.se)
    if estimate.fraction >= 1 - 1e-12:
        return estimate, [""] * k
    small = estimate.n < min_coded or estimate.n_clusters < 2
    constant = (estimate.sample_mean <= 0) | (estimate.sample_mean >= 1)
    if not small and not constant.any():
        return estimate, [""] * k
    floor = np.sqrt(floor_variance(estimate))
    widen = np.full(k, small) | constant
    se = np.where(widen, np.maximum(np.nan_to_num(estimate.se), floor), estimate.se)
    df = float(max(estimate.n_clusters - 1, 1)) if small else estimate.df
    q = t_quantile(level, df)
    if small:
        small_note = (
            f"only {estimate.n} coded from {estimate.n_clusters} article(s): {SMALL_NOTE} "
            f"(at least the coded sample's own, t with {df:.0f} df); code more of this outlet"
        )
        notes = [small_note] * k
    else:
        notes = [CONSTANT_NOTE if c else "" for c in constant]
    return replace(
        estimate, se=se, df=df, low=estimate.estimate - q * se, high=estimate.estimate + q * se
    ), notes


def estimate_scope(
    y: np.ndarray,
    f: np.ndarray,
    clusters: np.ndarray,
    weights: np.ndarray,
    corpus: CorpusMean,
    level: float,
    min_coded: int,
    strata: np.ndarray | None = None,
    fraction: np.ndarray | None = None,
    lam_max: float = 1.0,
) -> tuple[MeanEstimate | None, MeanEstimate | None, list[str]]:
    """(PPI++, coded sample alone, notes per label) for one scope; (None, None, notes) with no
    coded unit."""
    k = f.shape[1] if np.ndim(f) == 2 else 1
    if len(y) == 0:
        return None, None, [NO_CODED_NOTE] * k
    estimates = [
        ppi_mean(y, f, clusters, corpus, weights, lam, level, True, strata, fraction, lam_max)
        for lam in ("tuned", 0.0)
    ]
    (ppi, notes), (alone, _) = (stabilised(e, level, min_coded) for e in estimates)
    return ppi, alone, notes


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


def keys(table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    return table[columns].astype(str).agg("\x1f".join, axis=1).to_numpy()


@dataclass
class Design:
    """The coded units' PSUs, strata and sampling fractions in one scope."""

    clusters: np.ndarray
    strata: np.ndarray | None
    fraction: np.ndarray | None


def scope_design(
    part: pd.DataFrame, pop: pd.DataFrame, level_name: str, sample: CodedSample, options: Options
) -> Design:
    """Corpus estimand: PSUs are the units that were drawn (sentences, or whole articles),
    strata the outlets of a stratified sample, and each stratum's sampling fraction is its
    coded units over its units in the corpus (conditional on how many fell in the scope).
    Process estimand: article (or sentence) clusters, no strata, no correction."""
    by_article = level_name == "articles" or sample.record.unit == "article"
    if options.estimand == "process":
        article_psu = by_article or options.cluster == "article"
        key = ["outlet", "article_id"] if article_psu else ["sentence_id"]
        return Design(keys(part, key), None, None)
    key = ["outlet", "article_id"] if by_article else ["sentence_id"]
    clusters = keys(part, key)
    stratified = sample.record.strategy == "stratified"
    strata = part["outlet"].to_numpy() if stratified else np.zeros(len(part), dtype=int)
    size = (lambda p: len(p)) if by_article else (lambda p: p["n_sentences"].sum())
    fraction = np.zeros(len(part))
    for stratum in np.unique(strata):
        rows = strata == stratum
        units = pop[pop["outlet"] == stratum] if stratified else pop
        n_units = len(np.unique(clusters[rows]))
        fraction[rows] = min(n_units / max(float(size(units)), 1.0), 1.0)
    return Design(clusters, strata if stratified else None, fraction)


def corpus_side(pop: pd.DataFrame, series: list[str], prefix: str, sizes, options, by_sentence):
    sums = pop[[f"{prefix}:{s}" for s in series]].to_numpy(dtype=float)
    squares = None
    if prefix == "p" and by_sentence:
        squares = pop[[f"p2:{s}" for s in series]].to_numpy(dtype=float)
    elif prefix == "f" and by_sentence:
        squares = sums
    return corpus_mean(sums, sizes, by_sentence, squares, options.estimand)


def estimate_level(
    sample: CodedSample,
    task: TaskLabels,
    level_name: str,
    scope_names: list[str],
    options: Options,
) -> list[ScopeEstimate]:
    """Every scope's estimate of one task at one level (sentences or articles)."""
    predictor = options.predictor
    if level_name == "articles" or not sample.corpus.has_probabilities:
        predictor = "decision"  # article shares are 'any sentence' decisions
    predictors = [predictor] + [
        p for p in PREDICTORS if p != predictor and level_name == "sentences"
    ]
    if not sample.corpus.has_probabilities:
        predictors = ["decision"]
    if level_name == "sentences":
        series = task.series
        population = sample.corpus.articles
        sizes_column, coded, note = "n_sentences", sample.table, ""
    else:
        series = list(task.labels)
        population, coded, note = article_table(sample, task)
        sizes_column = None
    by_sentence = (
        options.estimand == "process" and options.cluster == "sentence" and bool(sizes_column)
    )
    out = []
    for scope in scope_names:
        pop = population[in_scope(population["outlet"], scope)]
        sizes = pop[sizes_column].to_numpy(dtype=float) if sizes_column else np.ones(len(pop))
        corpora = {
            p: corpus_side(pop, series, PREFIX[p], sizes, options, by_sentence) for p in predictors
        }
        decisions = corpora.get("decision") or corpus_side(
            pop, series, "f", sizes, options, by_sentence
        )
        found: dict[str, MeanEstimate | None] = {}
        alone, notes, n_articles = None, [note] * len(series), 0
        if coded is not None:
            part = coded[in_scope(coded["outlet"], scope)]
            n_articles = len(part[["outlet", "article_id"]].drop_duplicates())
            design = scope_design(part, pop, level_name, sample, options)
            weights = part["weight"].to_numpy(dtype=float)
            for p in predictors:
                y, f = indicator_arrays(part, series, PREFIX[p])
                ppi, a, p_notes = estimate_scope(
                    y,
                    f,
                    design.clusters,
                    weights,
                    corpora[p],
                    options.level,
                    options.min_coded,
                    design.strata,
                    design.fraction,
                    options.lam_max if p == "probability" else 1.0,
                )
                found[p] = ppi
                if p == predictor:
                    alone = a
                    notes = ["; ".join(x for x in (note, n) if x) for n in p_notes]
        out.append(
            ScopeEstimate(
                scope,
                level_name,
                task,
                series,
                corpora[predictor].n,
                decisions.mean,
                found.get(predictor),
                alone,
                notes,
                predictor,
                next((found.get(p) for p in predictors if p != predictor), None),
                corpora[predictor].mean,
                corpora[predictor].variance,
                n_articles_coded=n_articles,
            )
        )
    return out


def outlet_data(
    sample: CodedSample,
    found: list[ScopeEstimate],
    outlets: list[str],
    options: Options,
) -> OutletData | None:
    """The pooled model's inputs from the sentence-level estimates of one task's outlets."""
    by_scope = {e.scope: e for e in found}
    first = by_scope[outlets[0]]
    series = first.series
    table = sample.table
    index = {o: h for h, o in enumerate(outlets)}
    rows = table[table["outlet"].isin(index)]
    population = sample.corpus.articles
    y, f = indicator_arrays(rows, series, PREFIX[first.predictor])
    clusters, fraction = [], np.zeros(len(rows))
    clusters = np.empty(len(rows), dtype=object)
    for o in outlets:
        mask = (rows["outlet"] == o).to_numpy()
        if not mask.any():
            continue
        design = scope_design(
            rows[mask], population[population["outlet"] == o], "sentences", sample, options
        )
        clusters[mask] = design.clusters
        if design.fraction is not None:
            fraction[mask] = design.fraction
    return OutletData(
        outlet=rows["outlet"].map(index).to_numpy(),
        y=y,
        f=f,
        clusters=clusters.astype(str),
        weights=rows["weight"].to_numpy(dtype=float),
        fraction=fraction if options.estimand == "corpus" else None,
        corpus_mean=np.vstack([by_scope[o].classifier_mean for o in outlets]),
        corpus_variance=np.vstack([by_scope[o].corpus_variance for o in outlets]),
        population=np.array([by_scope[o].n_population for o in outlets], dtype=float),
    )


def pool_level(
    sample: CodedSample, found: list[ScopeEstimate], outlets: list[str], options: Options
) -> PooledOutlets | None:
    """Pool the outlets of one task's sentence-level estimates; writes each outlet's pooled
    (estimate, se, low, high) and notes into its ScopeEstimate."""
    overall = next(e for e in found if e.scope == ALL_OUTLETS)
    if not options.pooling or overall.ppi is None:
        return None
    data = outlet_data(sample, found, outlets, options)
    pooled = pool_outlets(
        data,
        overall.ppi.lam,
        options.level,
        options.interval,
        draws=options.draws,
        seed=options.seed,
        transform="arcsine" if options.interval == "bayes" else "none",
    )
    if pooled is None:
        return None
    by_scope = {e.scope: e for e in found}
    gamma = pooled.weight_own
    for h, o in enumerate(outlets):
        e = by_scope[o]
        e.pooled_fit = (pooled, outlets)
        low, high, widened = pooled.low[h], pooled.high[h], np.zeros(len(e.series), bool)
        if e.ppi is not None:
            low, high, widened = reach_own_bounds(
                low, high, e.ppi.sample_mean, e.ppi.low, e.ppi.high
            )
        e.pooled = (pooled.estimate[h], pooled.se[h], low, high)
        if e.ppi is None:
            e.pooled_notes = [
                "no coded unit: pooled estimate predicted from the other outlets (flagged)"
            ] * len(e.series)
        else:
            e.pooled_notes = [
                f"pooled: {100 * g:.0f}% own coded units, {100 * (1 - g):.0f}% the other "
                "outlets' model" + (f"; {BOUNDARY_NOTE}" if w else "")
                for g, w in zip(gamma[h], widened, strict=True)
            ]
    return pooled


def _clip(values) -> np.ndarray:
    return np.clip(np.asarray(values, dtype=float), 0.0, 1.0)


METHOD_NAMES = {"pooled": "pooled (Fay-Herriot)", "ppi": "PPI++"}


def estimate_rows(estimates: list[ScopeEstimate], estimand: str = "corpus") -> pd.DataFrame:
    """estimates.csv: one row per level, task, scope and label. ``estimate, low, high`` are the
    headline (pooled for an outlet when pooling ran, else PPI++: ``method``); ``unpooled_*``
    the outlet's own PPI++; intervals are clipped to [0, 1] (a share cannot leave it)."""
    rows = []
    for e in estimates:
        for j, label in enumerate(e.series):
            row = {
                "level": e.level,
                "task": e.task.task,
                "outlet": e.scope,
                "label": label,
                "estimand": estimand,
                "predictor": e.predictor,
                "n_population": e.n_population,
                "n_coded": e.ppi.n if e.ppi else 0,
                "n_coded_articles": e.n_articles_coded,
                "classify_and_count": e.classify_and_count[j],
            }
            unpooled = {}
            for name, est in (("unpooled", e.ppi), ("coded_only", e.coded_only)):
                if est is None:
                    unpooled |= {name: np.nan, f"{name}_low": 0.0, f"{name}_high": 1.0}
                    continue
                unpooled |= {
                    name: float(np.clip(est.estimate[j], 0, 1)),
                    f"{name}_low": float(_clip(est.low[j])),
                    f"{name}_high": float(_clip(est.high[j])),
                }
            if e.pooled is not None:
                est, se, low, high = (v[j] for v in e.pooled)
                headline = {
                    "method": METHOD_NAMES["pooled"],
                    "estimate": float(np.clip(est, 0, 1)),
                    "low": float(_clip(low)),
                    "high": float(_clip(high)),
                    "se": float(se),
                }
                note = "; ".join(n for n in (e.pooled_notes[j], e.notes[j]) if n)
            else:
                headline = {
                    "method": METHOD_NAMES["ppi"],
                    "estimate": unpooled["unpooled"],
                    "low": unpooled["unpooled_low"],
                    "high": unpooled["unpooled_high"],
                    "se": float(e.ppi.se[j]) if e.ppi else np.nan,
                }
                note = e.notes[j]
            row |= headline | unpooled
            row["lambda"] = float(e.ppi.lam[j]) if e.ppi else np.nan
            row["other_predictor_half_width"] = (
                float((e.other.high[j] - e.other.low[j]) / 2) if e.other is not None else np.nan
            )
            row["note"] = note
            rows.append(row)
    return pd.DataFrame(rows)


def predictor_rows(estimates: list[ScopeEstimate]) -> pd.DataFrame:
    """predictors.csv: per task, scope and label, the PPI++ half-width with the classifier's
    probabilities and with its 0/1 decisions, and which is narrower."""
    rows = []
    for e in estimates:
        if e.level != "sentences" or e.ppi is None or e.other is None:
            continue
        other = "probability" if e.predictor == "decision" else "decision"
        by = {e.predictor: e.ppi, other: e.other}
        for j, label in enumerate(e.series):
            half = {p: float((m.high[j] - m.low[j]) / 2) for p, m in by.items()}
            rows.append(
                {
                    "task": e.task.task,
                    "outlet": e.scope,
                    "label": label,
                    "probability_half_width": half["probability"],
                    "decision_half_width": half["decision"],
                    "probability_lambda": float(by["probability"].lam[j]),
                    "decision_lambda": float(by["decision"].lam[j]),
                    "narrower": min(half, key=half.get),
                }
            )
    return pd.DataFrame(rows)


def pooled_differences(
    pairs: list[tuple[ScopeEstimate, ScopeEstimate]],
    pooled: PooledOutlets | None,
    outlets: list[str],
    sizes: np.ndarray,
) -> dict[int, tuple]:
    """{pair index: (difference, low, high)} from the pooled model, for pairs of outlets and
    each outlet against the rest."""
    if pooled is None:
        return {}
    index = {o: h for h, o in enumerate(outlets)}
    which, C = [], []
    for i, (a, b) in enumerate(pairs):
        if a.scope not in index:
            continue
        c = np.zeros(len(outlets))
        if b.scope.startswith("not:"):
            c = rest_weights(sizes, index[a.scope])
        elif b.scope in index:
            c[index[a.scope]], c[index[b.scope]] = 1.0, -1.0
        else:
            continue
        which.append(i)
        C.append(c)
    if not C:
        return {}
    est, _, low, high = pooled.combinations(np.vstack(C))
    return {i: (est[r], low[r], high[r]) for r, i in enumerate(which)}


def difference_rows(
    pairs: list[tuple[ScopeEstimate, ScopeEstimate]],
    level: float,
    pooled_values: dict[int, tuple] | None = None,
) -> pd.DataFrame:
    """differences.csv: a - b per label with its interval, for PPI++ (each outlet's own), the
    coded sample alone and classify-and-count (no interval: it is the corpus count of the
    classifier); ``pooled_values`` (``pooled_differences``) adds the pooled difference from
    the same model."""
    rows = []
    pooled_values = pooled_values or {}
    for i, (a, b) in enumerate(pairs):
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
            if i in pooled_values:
                est, low, high = pooled_values[i]
                row |= {"pooled_difference": est[j], "pooled_low": low[j], "pooled_high": high[j]}
            else:
                row |= {"pooled_difference": np.nan, "pooled_low": np.nan, "pooled_high": np.nan}
            for name, values in parts.items():
                key = "difference" if not name else "coded_only_difference"
                if values is None:
                    row |= {key: np.nan, f"{name}low": np.nan, f"{name}high": np.nan}
                    continue
                diff, _, low, high = values
                row |= {key: diff[j], f"{name}low": low[j], f"{name}high": high[j]}
            row["note"] = "; ".join(dict.fromkeys(n for n in (a.notes[j], b.notes[j]) if n))
            rows.append(row)
    return pd.DataFrame(rows)
