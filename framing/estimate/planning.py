"""How many sentences to code: the interval half-width expected for a number of coded
sentences, projected from a pilot coded sample - for each outlet's own PPI++, for the coded
sample alone and for the estimate pooled across outlets.

**Own PPI++.** The pilot's variances of the sample means (``MeanEstimate.v_yy``, ``v_yf``,
``v_ff``) are per-unit variances times (1 - f) / n; a sample of n' units drawn the same way
(each outlet keeping its share of the coded units) has (1 - n'/N) / n' times the same per-unit
variances (the corpus estimand's finite-population correction; 1 / n' for the process
estimand, whose corpus term ``v_pop`` stays). lam is re-tuned at each size, as the estimate
would be:

    var(n') = (v_yy - 2 lam v_yf + lam^2 v_ff) (per unit) (1 - n'/N) / n' + lam^2 v_pop

A label the pilot never (or always) shows has per-unit variance 0 in the pilot; the plan then
uses the Agresti-Coull variance p~ (1 - p~), p~ = (x + 2) / (n + 4), as the estimate does, and
says so on that label's rows only. So no size short of a census projects +-0.

**Pooled.** The pilot's pooled model (``framing.estimate.pooled``: the between-outlet variance
and the line on the arcsine scale) is kept, and each outlet's sampling variance on that scale,
(1 - n_h/N_h) / (4 n_h r), shrinks with its n_h; the expected posterior variance at the
model's between-outlet variance is g1 + g2, turned into a share half-width at the outlet's
pooled share (delta method, the share held at least at the Agresti-Coull value so a share of 0
does not read +-0).

Sizes are capped at the corpus, and an outlet's share of them at the outlet's own sentences: a
scope whose planned sentences reach all of its sentences is a census, whose corpus-estimand
interval has width 0 (said in the note on its rows; an outlet can be a census before the
corpus is). The projection is as good as the
pilot's variance estimates: a pilot of a few dozen sentences gives a rough plan, not a
promise. It uses the normal quantile.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from framing.estimate.pooled import back_transform
from framing.estimate.pooling import FayHerriot, mse_terms
from framing.estimate.ppi import MeanEstimate

DEFAULT_SIZES = (25, 50, 100, 200, 400, 800, 1600)
MAX_SIZE = 1_000_000
FLOOR_NOTE = "the pilot never (or always) shows this label: planned with the Agresti-Coull variance"
CENSUS_NOTE = "census: every sentence of this scope coded, its share is exact"


def per_unit(pilot: MeanEstimate) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(s_yy, s_yf, s_ff, floored) per-unit (co)variances of the pilot; labels with s_yy = 0
    (never or always shown) get the Agresti-Coull variance and ``floored`` True."""
    keep = 1 - pilot.fraction
    scale = pilot.n / keep if keep > 0 else 0.0
    s_yy, s_yf, s_ff = (np.nan_to_num(v) * scale for v in (pilot.v_yy, pilot.v_yf, pilot.v_ff))
    constant = (pilot.sample_mean <= 0) | (pilot.sample_mean >= 1) | (s_yy <= 0)
    n_eff = pilot.effective_n
    p = (n_eff * pilot.sample_mean + 2) / (n_eff + 4)
    s_yy = np.where(constant, p * (1 - p), s_yy)
    s_yf = np.where(constant, 0.0, s_yf)
    return s_yy, s_yf, s_ff, constant


def projected_half_width(
    pilot: MeanEstimate, sizes: np.ndarray, population: float | None, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(PPI++ half-width, coded-only half-width, lam, floored), the first three
    (len(sizes), k), for ``sizes`` coded units in this scope (``population`` units in it: the
    finite-population correction; None for the process estimand)."""
    s_yy, s_yf, s_ff, floored = per_unit(pilot)
    n = np.asarray(sizes, dtype=float)[:, None]
    if population:
        covered = np.minimum(n / population, 1.0)
        covered = np.where(covered > 1 - 1e-9, 1.0, covered)  # a census, not 1e-9 short
        factor = (1 - covered) / n
    else:
        factor = 1.0 / n
    v_yy, v_yf, v_ff = s_yy * factor, s_yf * factor, s_ff * factor
    denominator = v_ff + pilot.v_pop
    lam = np.clip(
        np.divide(v_yf, denominator, out=np.zeros_like(v_yf), where=denominator > 0), 0, 1
    )
    variance = np.maximum(v_yy - 2 * lam * v_yf + lam**2 * denominator, 0)
    z = stats.norm.ppf((1 + level) / 2)
    return z * np.sqrt(variance), z * np.sqrt(v_yy), lam, floored


def scope_population(pilot: MeanEstimate) -> float | None:
    """Units in the pilot's scope (n / f), None under the process estimand (f = 0)."""
    return pilot.n / pilot.fraction if pilot.fraction > 0 else None


def sentences_for(
    pilot: MeanEstimate, share: float, target: float, level: float, total: float | None
) -> np.ndarray:
    """Per column, the fewest coded sentences in total (this scope holding ``share`` of them)
    whose expected PPI++ half-width is at most ``target`` (nan if even the corpus, or
    MAX_SIZE, is not enough)."""
    cap = total or MAX_SIZE
    sizes = np.unique(np.geomspace(1, cap, 4000).astype(int))
    half, _, _, _ = projected_half_width(
        pilot, np.maximum(sizes * share, 1e-9), scope_population(pilot), level
    )
    out = np.full(half.shape[1], np.nan)
    for j in range(half.shape[1]):
        ok = np.flatnonzero(half[:, j] <= target)
        if len(ok):
            out[j] = sizes[ok[0]]
    return out


def capped_sizes(sizes: Sequence[int], total: float | None) -> list[int]:
    """The sizes, those above the corpus replaced by the corpus itself (once)."""
    if not total:
        return sorted(set(int(n) for n in sizes))
    return sorted({int(min(n, total)) for n in sizes})


def pooled_half_width(pooled, h: int, j: int, n_outlet: float, level: float) -> float:
    """Expected pooled half-width of outlet h, label j, with ``n_outlet`` coded units in it."""
    model = pooled.models[j]
    psi = model.psi.copy()
    pilot_n, population = pooled.n_units[h], pooled.population[h]
    if pilot_n > 0 and np.isfinite(psi[h]):
        pilot_keep = max(1 - pilot_n / population, 1e-12)
        keep = max(1 - n_outlet / population, 0.0)
        psi[h] = psi[h] / pilot_keep * pilot_n * keep / max(n_outlet, 1e-9)
    elif n_outlet > 0:  # nothing coded in the pilot: the average per-unit variance
        coded = np.isfinite(model.psi) & (pooled.n_units > 0)
        unit = np.median(
            model.psi[coded]
            * pooled.n_units[coded]
            / np.maximum(1 - pooled.n_units[coded] / pooled.population[coded], 1e-12)
        )
        psi[h] = unit * max(1 - n_outlet / population, 0.0) / n_outlet
    at = FayHerriot(model.X, model.direct, psi, model.A, model.beta, model.adjustment)
    e = np.zeros(len(psi))
    e[h] = 1.0
    sd = float(np.sqrt(max(mse_terms(at, e[None], with_g3=False)[0], 0.0)))
    z = stats.norm.ppf((1 + level) / 2)
    if pooled.transform != "arcsine":
        return z * sd
    share = float(np.clip(pooled.estimate[h, j], pooled.share_floor[j], 1 - pooled.share_floor[j]))
    t = np.arcsin(np.sqrt(share))
    low, high = back_transform(np.array([t - z * sd, t + z * sd]), "arcsine")
    return float((high - low) / 2)


def plan_rows(
    pilots: list[tuple[str, str, list[str], MeanEstimate | None]],
    n_pilot: int,
    sizes: Sequence[int] = DEFAULT_SIZES,
    target: float | None = None,
    level: float = 0.95,
    total: float | None = None,
    pooled: dict | None = None,
) -> pd.DataFrame:
    """plan.csv: for every (scope, task, series) pilot estimate and every total number of
    coded sentences (capped at the ``total`` the corpus holds), the expected half-width of the
    PPI++, the coded-only and (``pooled``: {task: (PooledOutlets, outlets)}) the pooled
    intervals, with a note on the rows a floor or a census applies to."""
    rows = []
    planned = capped_sizes(sizes, total)
    for scope, task, series, pilot in pilots:
        if pilot is None or pilot.n_clusters < 2:
            continue
        share = pilot.n / n_pilot  # this scope's share of the coded sentences
        population = scope_population(pilot)
        # never more coded sentences in a scope than it has; all of them under a census
        outlet_sizes = np.array(
            [
                population
                if total is not None and n >= total and population
                else min(n * share, population or np.inf)
                for n in planned
            ]
        )
        half, alone, lam, floored = projected_half_width(pilot, outlet_sizes, population, level)
        needed = sentences_for(pilot, share, target, level, total) if target else None
        model = None
        if pooled and task in pooled and scope in pooled[task][1]:
            model = (pooled[task][0], pooled[task][1].index(scope))
        for i, n in enumerate(planned):
            census = population is not None and outlet_sizes[i] >= population - 1e-9
            for j, label in enumerate(series):
                notes = [CENSUS_NOTE] if census else []
                if floored[j] and not census:
                    notes.append(FLOOR_NOTE)
                row = {
                    "outlet": scope,
                    "task": task,
                    "label": label,
                    "n_coded_total": int(n),
                    "n_coded_outlet": round(outlet_sizes[i], 1),
                    "half_width": half[i, j],
                    "coded_only_half_width": alone[i, j],
                    "pooled_half_width": (
                        pooled_half_width(model[0], model[1], j, outlet_sizes[i], level)
                        if model
                        else np.nan
                    ),
                    "lambda": lam[i, j],
                    "pilot_n_coded": pilot.n,
                }
                if needed is not None:
                    row[f"n_for_half_width_{target:g}"] = needed[j]
                row["note"] = "; ".join(notes)
                rows.append(row)
    return pd.DataFrame(rows)
