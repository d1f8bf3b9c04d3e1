"""A model's stance confusion matrix from out-of-fold predictions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.figures import style


def plot_confusion_matrix(
    oof, labels: Sequence[str], stem: str | Path, model_label: str = "model"
) -> style.FigureFiles:
    """Stance confusion matrix from oof_predictions.csv rows: colour and first number = share
    of the coded class (row-normalised), second number = sentences (mean over seeds)."""
    import pandas as pd
    from matplotlib.colors import Normalize

    truth = oof[[f"true:{x}" for x in labels]].to_numpy().argmax(axis=1)
    pred = oof[[f"pred:{x}" for x in labels]].to_numpy().argmax(axis=1)
    k = len(labels)
    n_seeds = int(oof["seed"].nunique())
    counts = np.zeros((k, k))
    np.add.at(counts, (truth, pred), 1)
    counts /= n_seeds
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)
    norm = Normalize(0, 1)
    colours = style.label_colours(labels, False)

    def count_text(c: float) -> str:
        return f"{c:.0f}" if float(c).is_integer() else f"{c:.1f}"

    texts = [
        [f"{share[i, j]:.2f}\n({count_text(counts[i, j])})" for j in range(k)] for i in range(k)
    ]
    n = int(round(counts.sum()))
    with style.house_style():
        fig = style.new_figure(height=2.5)
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
        seeds = f", mean of {n_seeds} seeds" if n_seeds > 1 else ""
        fig.suptitle(f"Stance, {model_label} (n={n} sentences{seeds})")
        fig.colorbar(
            image, ax=ax, label="Share of the coded class", shrink=0.8, aspect=25, pad=0.02
        )
        rows = [
            {
                "true": labels[i],
                "pred": labels[j],
                "n_sentences": counts[i, j],
                "share_of_true": share[i, j],
                "n_seeds": n_seeds,
            }
            for i in range(k)
            for j in range(k)
        ]
        return style.save_figure(fig, stem, pd.DataFrame(rows))
