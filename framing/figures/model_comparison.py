"""Macro-F1 with its 95% interval for every family, one panel per task."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.data.schema import TASKS
from framing.figures import style


def comparison_order(comparison, task: str):
    """The task's rows sorted by macro-F1, best first (the order of every comparison figure)."""
    rows = comparison[comparison["task"] == task]
    return rows.sort_values(["macro_f1", "model"], ascending=[False, True]).reset_index(drop=True)


def _task_panel(ax, task: str, rows) -> None:
    """One task: each family's macro-F1 and interval, best at the top, baselines grey and
    hollow, the best baseline as a dotted line."""
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows.itertuples(), strict=True):
        look = style.family_style(row.model, bool(row.is_baseline))
        ax.errorbar(
            row.macro_f1,
            yi,
            xerr=[
                [e] for e in style.error_lengths(row.macro_f1, row.macro_f1_low, row.macro_f1_high)
            ],
            fmt=look["marker"],
            color=look["color"],
            mfc=look["mfc"],
            mew=0.8,
            elinewidth=0.8,
            capsize=1.5,
            ms=4,
        )
    baselines = rows[rows["is_baseline"].astype(bool)]
    if len(baselines):
        ax.axvline(baselines["macro_f1"].max(), color=style.BASELINE_COLOUR, ls=":", lw=0.7)
    ax.set_yticks(y, rows["model_label"])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(axis="x", color="#e5e5e5", lw=0.5)
    ax.set_axisbelow(True)
    seeds = sorted(set(rows["n_seeds"].astype(int)))
    seed_text = f"{seeds[0]} seed" + ("s" if seeds[0] > 1 else "")
    if len(seeds) > 1:
        seed_text = f"{seeds[0]}-{seeds[-1]} seeds"
    ax.set_title(f"{task} (n={int(rows['n_sentences'].max())} sentences, {seed_text})")


def plot_model_comparison(
    comparison,
    stem: str | Path,
    tasks: Sequence[str] | None = None,
    width: str | float | None = None,
):
    """Macro-F1 with 95% intervals of every family, one panel per task, best at the top;
    baselines in grey with hollow markers, the best baseline as a dotted line."""
    import pandas as pd
    from matplotlib.lines import Line2D

    tasks = [t for t in (tasks or TASKS) if (comparison["task"] == t).any()]
    panels = [comparison_order(comparison, t) for t in tasks]
    heights = [0.16 * len(p) + 0.45 for p in panels]
    with style.house_style():
        fig = style.new_figure(height=sum(heights) + 0.55, width=style.figure_width(width))
        axes = fig.subplots(len(tasks), 1, sharex=True, height_ratios=heights, squeeze=False)[:, 0]
        data = []
        for ax, task, rows in zip(axes, tasks, panels, strict=True):
            _task_panel(ax, task, rows)
            data.append(rows.assign(rank=np.arange(1, len(rows) + 1)))
        axes[-1].set_xlabel("Macro-F1, out-of-fold (95% CI)")
        axes[-1].set_xlim(0, 1)
        legend = [
            Line2D([], [], marker="o", color="#222222", ls="none", ms=4, label="classifier"),
            Line2D(
                [],
                [],
                marker="o",
                color=style.BASELINE_COLOUR,
                mfc="white",
                ls="none",
                ms=4,
                label="baseline",
            ),
            Line2D([], [], color=style.BASELINE_COLOUR, ls=":", lw=0.7, label="best baseline"),
        ]
        fig.legend(handles=legend, loc="outside upper center", ncols=3, handletextpad=0.3)
        columns = [
            "task",
            "model",
            "model_label",
            "is_baseline",
            "n_seeds",
            "n_sentences",
            "macro_f1",
            "macro_f1_low",
            "macro_f1_high",
            "rank",
        ]
        return style.save_figure(fig, stem, pd.concat(data, ignore_index=True)[columns])
