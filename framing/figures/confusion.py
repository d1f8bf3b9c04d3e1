"""A model's stance confusion matrix from out-of-fold predictions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.figures import style


def plot_confusion_matrix(
    oof,
    labels: Sequence[str],
    stem: str | Path,
    model_label: str = "model",
    width: str | float | None = None,
) -> style.FigureFiles:
    """Stance confusion matrix from oof_predictions.csv rows: colour and first number = share
    of the coded class (row percentages), second number = predictions.

    Counts are summed over the seeds, so every cell is a whole number of predictions: with S
    seeds each sentence is predicted S times (once per seed, always out of fold), and the
    matrix holds S x n predictions. Summing keeps every seed's evidence and gives the same row
    shares as averaging; one seed alone would drop the others. The title says how many seeds.
    """
    import pandas as pd
    from matplotlib.colors import Normalize

    truth = oof[[f"true:{x}" for x in labels]].to_numpy().argmax(axis=1)
    pred = oof[[f"pred:{x}" for x in labels]].to_numpy().argmax(axis=1)
    k = len(labels)
    n_seeds = int(oof["seed"].nunique())
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (truth, pred), 1)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    norm = Normalize(0, 1)
    colours = style.label_colours(labels, False)
    texts = [[f"{share[i, j]:.0%}\n({counts[i, j]})" for j in range(k)] for i in range(k)]
    n_predictions = int(counts.sum())
    n_sentences = int(oof["sentence_id"].nunique())
    fig_width = style.figure_width(width, "single")
    with style.house_style():
        fig = style.new_figure(height=0.1 * fig_width + 2.3, width=fig_width)
        ax = fig.subplots()
        image = ax.imshow(share, cmap=style.COUNT_CMAP, norm=norm)
        style.annotate_cells(ax, share, texts, style.COUNT_CMAP, norm)
        ax.set_xticks(range(k), [style.nice_label(x) for x in labels])
        ax.set_yticks(range(k), [style.nice_label(x) for x in labels])
        style.mark_label_ticks(ax.xaxis, [colours[x] for x in labels])
        style.mark_label_ticks(ax.yaxis, [colours[x] for x in labels])
        ax.spines[:].set_visible(False)
        ax.set_xlabel("Predicted stance (out-of-fold)")
        ax.set_ylabel("Coded stance (gold)")
        if n_seeds > 1:
            what = f"{n_seeds} seeds × {n_sentences} sentences = {n_predictions} predictions"
        else:
            what = f"n={n_sentences} sentences"
        fig.suptitle(style.fit_text(f"Stance, {model_label} ({what})", fig_width - 0.15))
        bar = fig.colorbar(
            image, ax=ax, label="Share of the coded class", shrink=0.8, aspect=25, pad=0.02
        )
        style.percent_axis(bar.ax.yaxis)
        rows = [
            {
                "true": labels[i],
                "pred": labels[j],
                "n_predictions": int(counts[i, j]),
                "share_of_true": share[i, j],
                "n_seeds": n_seeds,
                "n_sentences": n_sentences,
            }
            for i in range(k)
            for j in range(k)
        ]
        return style.save_figure(fig, stem, pd.DataFrame(rows))
