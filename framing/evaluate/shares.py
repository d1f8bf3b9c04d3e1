"""Share of sentences carrying each label, per outlet, with cluster-bootstrap intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from framing.data.schema import ALL_OUTLETS, NO_FRAME
from framing.evaluate.bootstrap import clustered_share_replicates, percentile_interval

__all__ = ["ALL_OUTLETS", "NO_FRAME", "outlet_shares"]  # the names' home is framing.data.schema


def outlet_shares(
    table,
    labels: Sequence[str],
    multi_label: bool,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    all_outlets: str | None = None,
):
    """Share of each outlet's sentences carrying each label (+ no frame), with percentile
    bootstrap intervals that resample the outlet's duplicate groups (copies of one sentence are
    drawn together). Rows of several seeds are pooled: the share is then the mean over seeds
    and a drawn group brings its rows of every seed.

    ``all_outlets`` names an extra row over the whole set (groups resampled across outlets).
    """
    import pandas as pd

    series = list(labels) + ([NO_FRAME] if multi_label else [])
    values = table[list(labels)].to_numpy(dtype=float)
    if multi_label:
        values = np.column_stack([values, (values.sum(axis=1) == 0).astype(float)])
    n_seeds = int(table["seed"].nunique())
    rng = np.random.default_rng(seed)
    scopes = [(o, (table["outlet"] == o).to_numpy()) for o in sorted(table["outlet"].unique())]
    if all_outlets:
        scopes.append((all_outlets, np.ones(len(table), dtype=bool)))
    rows = []
    for outlet, mask in scopes:
        groups = table.loc[mask, "dup_group"].to_numpy()
        share, boot = clustered_share_replicates(values[mask], groups, rng, n_boot)
        low, high = percentile_interval(boot, level, axis=0)
        for j, label in enumerate(series):
            rows.append(
                {
                    "outlet": outlet,
                    "n_sentences": int(mask.sum() // n_seeds),
                    "n_groups": len(np.unique(groups)),
                    "n_seeds": n_seeds,
                    "label": label,
                    "share": share[j],
                    "ci_low": min(low[j], share[j]),
                    "ci_high": max(high[j], share[j]),
                }
            )
    return pd.DataFrame(rows)
