"""Gold frame co-occurrence; the diagonal is each frame's prevalence."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.figures import style


def plot_frame_cooccurrence(
    gold, labels: Sequence[str], stem: str | Path, width: str | float | None = None
) -> style.FigureFiles:
    """Gold co-occurrence counts of frames (lower triangle); the diagonal is each frame's
    prevalence (sentences coded with it, and their share)."""
    import pandas as pd
    from matplotlib.colors import Normalize
    from matplotlib.ticker import MaxNLocator

    y = gold[list(labels)].to_numpy(dtype=int)
    n, k = y.shape
    counts = y.T @ y
    colours = style.label_colours(labels, True)
    off = counts[np.tril_indices(k, -1)]
    norm = Normalize(0, max(1, int(off.max()) if off.size else 1))
    shown = np.where(np.tril(np.ones((k, k), dtype=bool), -1), counts, np.nan).astype(float)
    texts = [
        [
            f"{counts[i, j]}\n({counts[i, j] / n:.0%})"
            if i == j
            else (str(counts[i, j]) if i > j else "")
            for j in range(k)
        ]
        for i in range(k)
    ]
    fig_width = style.figure_width(width, "single")
    with style.house_style():
        fig = style.new_figure(height=0.15 * fig_width + 2.4, width=fig_width)
        ax = fig.subplots()
        image = ax.imshow(shown, cmap=style.COUNT_CMAP, norm=norm)
        for i in range(k):  # the diagonal: prevalence, framed in the frame's colour
            ax.add_patch(_cell(i, colours[labels[i]]))
        style.annotate_cells(ax, np.nan_to_num(shown), texts, style.COUNT_CMAP, norm)
        names = [style.wrap(style.nice_label(x), 12) for x in labels]
        ax.set_xticks(range(k), names)
        ax.set_yticks(range(k), names)
        style.mark_label_ticks(ax.xaxis, [colours[x] for x in labels])
        style.mark_label_ticks(ax.yaxis, [colours[x] for x in labels])
        ax.spines[:].set_visible(False)
        fig.suptitle(
            style.fit_text(f"Frame co-occurrence, gold coding (n={n} sentences)", fig_width - 0.15)
        )
        bar = fig.colorbar(
            image, ax=ax, label="Sentences with both frames", shrink=0.8, aspect=25, pad=0.02
        )
        bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        rows = [
            {
                "frame_a": labels[i],
                "frame_b": labels[j],
                "n_sentences": int(counts[i, j]),
                "share_of_sentences": counts[i, j] / n,
                "n_total": n,
            }
            for i in range(k)
            for j in range(i + 1)
        ]
        return style.save_figure(fig, stem, pd.DataFrame(rows))


def _cell(i: int, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((i - 0.45, i - 0.45), 0.9, 0.9, fill=False, edgecolor=colour, lw=1.5)
