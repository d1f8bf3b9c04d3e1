"""Per-label F1 of every family as a heatmap (families x frames or stance classes)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from framing.figures import style
from framing.figures.model_comparison import comparison_order


def plot_label_f1_heatmap(
    comparison, task: str, labels: Sequence[str], stem: str | Path
) -> style.FigureFiles:
    """Per-label F1 (families x frames or stance classes), from comparison.csv's f1:<label>
    columns; families in the comparison figure's order, labels in schema order."""
    import pandas as pd
    from matplotlib.colors import Normalize

    rows = comparison_order(comparison, task)
    columns = [f"f1:{label}" for label in labels]
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise ValueError(f"comparison has no column(s) {missing}")
    matrix = rows[columns].to_numpy(dtype=float)
    multi_label = task == "frames"
    colours = style.label_colours(labels, multi_label)
    norm = Normalize(0, 1)
    with style.house_style():
        fig = style.new_figure(height=0.22 * len(rows) + 1.3)
        ax = fig.subplots()
        image = ax.imshow(matrix, cmap=style.HEATMAP_CMAP, norm=norm, aspect="auto")
        texts = [[f"{v:.2f}" for v in r] for r in matrix]
        style.annotate_cells(ax, matrix, texts, style.HEATMAP_CMAP, norm)
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
        n = int(rows["n_sentences"].max())
        what = "frame" if multi_label else "stance class"
        # the colour bar goes below, so the label columns get the whole width
        fig.colorbar(
            image, ax=ax, orientation="horizontal", location="bottom", shrink=0.9, aspect=40,
            pad=0.02, label=f"F1 per {what}, out-of-fold\n(n={n} sentences)",
        )  # fmt: skip
        data = rows[["task", "model", "model_label", "is_baseline"]].copy()
        data = data.loc[data.index.repeat(len(labels))].reset_index(drop=True)
        data["label"] = list(labels) * len(rows)
        data["f1"] = matrix.reshape(-1)
        data["colour"] = data["label"].map(colours)
        return style.save_figure(fig, stem, pd.DataFrame(data))
