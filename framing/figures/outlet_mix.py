"""Framing mix per outlet on the labelled set: gold coding beside a model's out-of-fold
predictions, with 95% cluster-bootstrap intervals."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.data import task_data
from framing.data.schema import ALL_OUTLETS, NO_FRAME
from framing.evaluate import indicator_matrix
from framing.evaluate.shares import outlet_shares
from framing.figures import style


def gold_indicators(dataset, task: str, schema):
    """One row per gold sentence: sentence_id, outlet, dup_group, seed (0), then 0/1 per label."""
    import pandas as pd

    data = task_data(dataset, task, schema)
    y = indicator_matrix(data.y, data.multi_label, len(data.labels))
    table = pd.DataFrame(
        {
            "sentence_id": data.sentence_ids,
            "outlet": data.outlets,
            "dup_group": data.groups,
            "seed": 0,
        }
    )
    for j, label in enumerate(data.labels):
        table[label] = y[:, j]
    return table


def oof_indicators(oof, labels: Sequence[str], kind: str = "pred"):
    """The same layout from oof_predictions.csv rows (``kind`` = 'pred' or 'true')."""
    table = oof[["sentence_id", "outlet", "dup_group", "seed"]].copy()
    for label in labels:
        table[label] = oof[f"{kind}:{label}"].astype(int).to_numpy()
    return table


def plot_outlet_mix(
    gold,
    model,
    labels: Sequence[str],
    multi_label: bool,
    stem: str | Path,
    model_label: str = "model",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> style.FigureFiles:
    """Share of each outlet's sentences per frame (+ no frame) or stance class: gold coding and
    a model's out-of-fold predictions in two panels with shared axes, 95% bootstrap intervals.

    ``gold`` / ``model``: indicator tables (``gold_indicators`` / ``oof_indicators``).
    """
    import pandas as pd
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    colours = style.label_colours(labels, multi_label)
    series = list(labels) + ([NO_FRAME] if multi_label else [])
    gold_shares = outlet_shares(gold, labels, multi_label, n_boot, seed, level, ALL_OUTLETS)
    model_shares = outlet_shares(model, labels, multi_label, n_boot, seed, level, ALL_OUTLETS)
    gold_shares.insert(0, "source", "gold")
    model_shares.insert(0, "source", f"oof:{model_label}")
    data = pd.concat([gold_shares, model_shares], ignore_index=True)
    data["colour"] = data["label"].map(colours)

    outlets = list(dict.fromkeys(gold_shares["outlet"]))  # sorted outlets, then "All outlets"
    n_gold = gold_shares.drop_duplicates("outlet").set_index("outlet")["n_sentences"]
    ticks = [f"{style.wrap(o, 16)}\n(n={n_gold[o]})" for o in outlets]
    n_series = len(series)
    block = 0.095 * n_series + 0.14  # inches per outlet
    with style.house_style():
        fig = style.new_figure(height=block * len(outlets) + 1.0)
        fig.get_layout_engine().set(wspace=0.12)  # room between the panels' end and start ticks
        axes = fig.subplots(1, 2, sharex=True, sharey=True)
        bar = 0.84 / n_series
        y = np.arange(len(outlets))[::-1]  # first outlet at the top
        x_max = float(data["ci_high"].max())
        n_model_seeds = int(model_shares["n_seeds"].iloc[0])
        for ax, shares, title in (
            (axes[0], gold_shares, f"Gold coding (n={int(n_gold.iloc[-1])})"),
            (
                axes[1],
                model_shares,
                f"{model_label}, out-of-fold"
                + (f"\n(mean of {n_model_seeds} seeds)" if n_model_seeds > 1 else ""),
            ),
        ):
            indexed = shares.set_index(["outlet", "label"])
            for j, label in enumerate(series):
                rows = indexed.xs(label, level="label").loc[outlets]
                offset = (j - (n_series - 1) / 2) * bar
                share = rows["share"].to_numpy()
                ax.barh(
                    y - offset, share, height=bar, color=colours[label], edgecolor="none",
                    xerr=[share - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - share],
                    error_kw={"elinewidth": 0.5, "capsize": 0, "ecolor": "#222222"},
                )  # fmt: skip
            if outlets[-1] == ALL_OUTLETS:  # a rule between the outlets and the whole set
                ax.axhline(0.5, color="#cccccc", lw=0.5)
            ax.set_title(title, fontsize=7)
            ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0, symbol=""))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
            ax.set_xlim(0, min(1.0, np.ceil(x_max * 10 + 0.25) / 10))
            ax.tick_params(axis="y", length=0)
        axes[0].set_yticks(y, ticks)
        axes[0].set_ylim(-0.6, len(outlets) - 0.4)
        what = "with the frame" if multi_label else "per stance"
        fig.supxlabel(f"Share of the outlet's sentences {what} (%, 95% CI)", fontsize=7)
        handles = [Patch(color=colours[s], label=style.nice_label(s)) for s in series]
        fig.legend(
            handles=handles, loc="outside upper center", ncols=3 if n_series > 3 else n_series,
            handlelength=1.0, columnspacing=1.0, handletextpad=0.4,
        )  # fmt: skip
        return style.save_figure(fig, stem, data)
