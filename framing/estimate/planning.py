"""How many sentences to code: the interval half-width expected for a number of coded
sentences, projected from a pilot coded sample.

The pilot's cluster-robust (co)variances of the sample means (``MeanEstimate.v_yy``,
``v_yf``, ``v_ff``) shrink in proportion to 1 / n when the sample grows under the same design
(each outlet keeping its share of the coded sentences); the corpus term ``v_pop`` does not
change. For each projected size the PPI++ factor lam is re-tuned, as the estimate would be:

    var(n) = (v_yy - 2 lam v_yf + lam^2 v_ff) * n_pilot / n + lam^2 v_pop

The projection is as good as the pilot's variance estimates: a pilot of a few dozen sentences
gives a rough plan, not a promise. It uses the normal quantile (the t correction of a small
final sample is not foreseen).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from framing.estimate.ppi import MeanEstimate

DEFAULT_SIZES = (25, 50, 100, 200, 400, 800, 1600)
MAX_SIZE = 1_000_000


def projected_half_width(
    pilot: MeanEstimate, scale: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(PPI++ half-width, coded-only half-width, lam), each (len(scale), k), for the pilot's
    sample variances multiplied by ``scale`` (= pilot size / projected size)."""
    s = np.asarray(scale, dtype=float)[:, None]
    v_yy, v_yf, v_ff = pilot.v_yy * s, pilot.v_yf * s, pilot.v_ff * s
    denominator = v_ff + pilot.v_pop
    lam = np.clip(
        np.divide(v_yf, denominator, out=np.zeros_like(v_yf), where=denominator > 0), 0, 1
    )
    variance = np.maximum(v_yy - 2 * lam * v_yf + lam**2 * denominator, 0)
    z = stats.norm.ppf((1 + level) / 2)
    return z * np.sqrt(variance), z * np.sqrt(v_yy), lam


def sentences_for(pilot: MeanEstimate, share: float, target: float, level: float) -> np.ndarray:
    """Per column, the fewest coded sentences in total (this scope holding ``share`` of them)
    whose expected PPI++ half-width is at most ``target`` (nan beyond MAX_SIZE)."""
    sizes = np.unique(np.geomspace(1, MAX_SIZE, 4000).astype(int))
    half, _, _ = projected_half_width(pilot, pilot.n / np.maximum(sizes * share, 1e-9), level)
    out = np.full(half.shape[1], np.nan)
    for j in range(half.shape[1]):
        ok = np.flatnonzero(half[:, j] <= target)
        if len(ok):
            out[j] = sizes[ok[0]]
    return out


def plan_rows(
    pilots: list[tuple[str, str, list[str], MeanEstimate | None]],
    n_pilot: int,
    sizes: Sequence[int] = DEFAULT_SIZES,
    target: float | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """plan.csv: for every (scope, task, series) pilot estimate and every total number of
    coded sentences, the expected half-width of the PPI++ and the coded-only intervals."""
    rows = []
    for scope, task, series, pilot in pilots:
        if pilot is None or pilot.n_clusters < 2:
            continue
        share = pilot.n / n_pilot  # this scope's share of the coded sentences
        half, alone, lam = projected_half_width(
            pilot, [pilot.n / (n * share) for n in sizes], level
        )
        needed = sentences_for(pilot, share, target, level) if target else None
        for i, n in enumerate(sizes):
            for j, label in enumerate(series):
                row = {
                    "outlet": scope,
                    "task": task,
                    "label": label,
                    "n_coded_total": int(n),
                    "n_coded_outlet": round(n * share, 1),
                    "half_width": half[i, j],
                    "coded_only_half_width": alone[i, j],
                    "lambda": lam[i, j],
                    "pilot_n_coded": pilot.n,
                }
                if needed is not None:
                    row[f"n_for_half_width_{target:g}"] = needed[j]
                rows.append(row)
    return pd.DataFrame(rows)
