"""Per-label F1 of every family as a heatmap (families x frames or stance classes), each cell
with its 95% bootstrap interval when the families' run folders are at hand."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.data.schema import is_multi_label
from framing.figures import style
from framing.figures.model_comparison import comparison_order


def plot_label_f1_heatmap(
    comparison,
    task: str,
    labels: Sequence[str],
    stem: str | Path,
    intervals=None,
    width: str | float | None = None,
) -> style.FigureFiles:
    """Per-label F1 (families x frames or stance classes), from comparison.csv's f1:<label>
    columns; families in the comparison figure's order, labels in schema order.

    ``intervals``: rows (task, model, label, f1_low, f1_high), the percentile interval of the
    hierarchical bootstrap over the family's runs (``framing.runs.comparison.label_f1_table``);
    each cell shows it under the F1. A family without intervals shows its F1 alone, and the
    figure says which families those are.
    """
    import pandas as pd
    from matplotlib.colors import Normalize

    rows = comparison_order(comparison, task)
    columns = [f"f1:{label}" for label in labels]
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise ValueError(f"comparison has no column(s) {missing}")
    matrix = rows[columns].to_numpy(dtype=float)
    low, high = _interval_matrices(intervals, task, rows["model"], labels)
    has_interval = ~np.isnan(low).any(axis=1)
    without = [m for m, ok in zip(rows["model_label"], has_interval, strict=True) if not ok]
    multi_label = is_multi_label(task)
    colours = style.label_colours(labels, multi_label)
    norm = Normalize(0, 1)
    fig_width = style.figure_width(width, "single")
    cell_lines = 2 if has_interval.any() else 1
    with style.house_style():
        fig = style.new_figure(
            height=(0.13 + 0.12 * cell_lines) * len(rows) + 1.35 + 0.15 * bool(without),
            width=fig_width,
        )
        ax = fig.subplots()
        image = ax.imshow(matrix, cmap=style.HEATMAP_CMAP, norm=norm, aspect="auto")
        texts = [
            [
                f"{v:.2f}\n{lo:.2f}–{hi:.2f}" if np.isfinite(lo) else f"{v:.2f}"
                for v, lo, hi in zip(matrix[i], low[i], high[i], strict=True)
            ]
            for i in range(len(rows))
        ]
        style.annotate_cells(ax, matrix, texts, style.HEATMAP_CMAP, norm)
        _label_axes(ax, labels, rows, colours)
        n = int(rows["n_sentences"].max())
        what = "frame" if multi_label else "stance class"
        interval = " (95% CI below)" if has_interval.any() else ""
        note = f"F1 per {what}, out-of-fold{interval}; n={n} sentences"
        if without:
            note += "; no interval (no run folders): " + ", ".join(without)
        # the colour bar goes below, so the label columns get the whole width
        fig.colorbar(
            image,
            ax=ax,
            orientation="horizontal",
            location="bottom",
            shrink=0.9,
            aspect=40,
            pad=0.02,
            label=style.fit_text(note, 0.8 * fig_width - 0.3, 7),
        )
        data = rows[["task", "model", "model_label", "is_baseline"]].copy()
        data = data.loc[data.index.repeat(len(labels))].reset_index(drop=True)
        data["label"] = list(labels) * len(rows)
        data["f1"] = matrix.reshape(-1)
        data["f1_low"] = low.reshape(-1)
        data["f1_high"] = high.reshape(-1)
        data["colour"] = data["label"].map(colours)
        return style.save_figure(fig, stem, pd.DataFrame(data))


def _interval_matrices(intervals, task: str, models, labels: Sequence[str]):
    """(low, high): each family x label cell's interval from ``intervals``, NaN where it has
    none."""
    low = np.full((len(models), len(labels)), np.nan)
    high = np.full((len(models), len(labels)), np.nan)
    if intervals is not None and len(intervals):
        part = intervals[intervals["task"] == task].set_index(["model", "label"])
        for i, model in enumerate(models):
            for j, label in enumerate(labels):
                if (model, label) in part.index:
                    low[i, j] = part.loc[(model, label), "f1_low"]
                    high[i, j] = part.loc[(model, label), "f1_high"]
    return low, high


def _label_axes(ax, labels: Sequence[str], rows, colours: dict) -> None:
    """Labels along the top, each ticked in its colour; families down the side, the baselines
    grey and italic."""
    ax.set_xticks(range(len(labels)), [style.nice_label(x).replace(" ", "\n") for x in labels])
    ax.set_yticks(range(len(rows)), [style.wrap(x, 18) for x in rows["model_label"]])
    for text, baseline in zip(ax.get_yticklabels(), rows["is_baseline"], strict=True):
        if baseline:
            text.set_color(style.BASELINE_COLOUR)
            text.set_fontstyle("italic")
    ax.tick_params(axis="x", top=True, bottom=False, labeltop=True, labelbottom=False)
    style.mark_label_ticks(ax.xaxis, [colours[x] for x in labels])
    ax.spines[:].set_visible(False)
    ax.tick_params(axis="y", length=0)
