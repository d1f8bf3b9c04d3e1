"""Framing mix per outlet of a new corpus, as ``framing predict`` counts it (classify and
count: the share of each outlet's sentences the classifier assigns to each label).

One panel per task. Frames: one bar per frame (and 'no frame') per outlet; stance: one stacked
bar per outlet (shares sum to 1). The outlets with most sentences are drawn (at most
``max_outlets``), alphabetically from the top. Colours are the house style's (the same frame
and stance colours as every other figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.data.schema import NO_FRAME
from framing.figures import style

MAX_OUTLETS = 20


def plot_prediction_mix(
    rows: list[dict],
    tasks: Sequence[tuple[str, Sequence[str], bool]],
    stem: str | Path,
    max_outlets: int = MAX_OUTLETS,
) -> style.FigureFiles:
    """``rows``: outlet_mix.csv rows (outlet, n_sentences, share:LABEL ...); ``tasks``: one
    (task, labels, multi_label) per checkpoint, in the order of the panels."""
    import pandas as pd
    from matplotlib.patches import Patch

    rows = sorted(rows, key=lambda r: -int(r["n_sentences"]))[:max_outlets]
    rows = sorted(rows, key=lambda r: r["outlet"], reverse=True)  # A at the top
    names = [f"{style.wrap(str(r['outlet']), 22)} (n={r['n_sentences']})" for r in rows]
    heights = [
        0.6 + len(rows) * (0.09 * (len(labels) + 1) + 0.08 if multi else 0.25)
        for _, labels, multi in tasks
    ]
    data = []
    with style.house_style():
        fig = style.new_figure(height=sum(heights) + 0.2)
        axes = fig.subplots(len(tasks), 1, squeeze=False, height_ratios=heights)[:, 0]
        y = np.arange(len(rows))
        for ax, (task, labels, multi) in zip(axes, tasks, strict=True):
            colours = style.label_colours(labels, multi)
            series = list(labels) + ([NO_FRAME] if multi else [])
            values = {s: np.array([float(r[f"share:{s}"]) for r in rows]) for s in series}
            if multi:
                width = 0.8 / len(series)
                for j, label in enumerate(series):
                    offset = ((len(series) - 1) / 2 - j) * width
                    ax.barh(y + offset, values[label], height=width, color=colours[label])
                ax.set_xlabel("Share of the outlet's sentences with the frame")
            else:
                left = np.zeros(len(rows))
                for label in series:
                    ax.barh(y, values[label], left=left, height=0.6, color=colours[label])
                    left += values[label]
                ax.set_xlabel("Share of the outlet's sentences")
            ax.set_xlim(0, 1)
            ax.set_yticks(y, names)
            ax.tick_params(axis="y", length=0)
            ax.legend(
                handles=[Patch(color=colours[s], label=style.nice_label(s)) for s in series],
                title=f"{task} (classify and count)", loc="lower center",
                bbox_to_anchor=(0.5, 1.0), ncols=3, handlelength=1.0, columnspacing=1.0,
            )  # fmt: skip
            for r in rows:
                for label in series:
                    data.append(
                        {"task": task, "outlet": r["outlet"], "n_sentences": int(r["n_sentences"]),
                         "label": label, "share": float(r[f"share:{label}"]),
                         "colour": colours[label]}
                    )  # fmt: skip
        return style.save_figure(fig, stem, pd.DataFrame(data))
