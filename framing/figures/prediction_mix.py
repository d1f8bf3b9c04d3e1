"""Framing mix per outlet of a new corpus, as ``framing predict`` counts it (classify and
count: the share of each outlet's sentences the classifier assigns to each label).

One panel per task, shares in percent. Frames: one bar per frame (and 'no frame') per outlet;
stance: one stacked bar per outlet (shares sum to 100%). The outlets with most sentences are
drawn (at most ``max_outlets``), alphabetically from the top. Colours are the house style's
(the same frame and stance colours as every other figure), each label with its own hatch, so
the bars keep apart in greyscale; every bar has an edge, so a zero share is a visible line at
0%, not a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.data.schema import NO_FRAME
from framing.figures import style

MAX_OUTLETS = 20
NAME_CHARS = 20  # an outlet name longer than this is cut (the CSV keeps it whole)


def short(name: str, width: int = NAME_CHARS) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _frame_bars(ax, y, series, values, look, panel_in: float, label_in: float) -> None:
    """Frames: one bar per frame (and 'no frame') per outlet, side by side; a zero share is a
    firm mark at 0%, not a bar of no width."""
    bar = 0.8 / len(series)
    bar_pt = bar * panel_in / (len(y) + 0.5) * 72 * 0.8  # about a bar's height in points
    for j, label in enumerate(series):
        offset = ((len(series) - 1) / 2 - j) * bar
        ax.barh(y + offset, values[label], height=bar, **look[label])
        zero = values[label] == 0
        ax.plot(
            np.zeros(zero.sum()),
            (y + offset)[zero],
            ls="none",
            marker="|",
            ms=bar_pt,
            mew=1.2,
            color="#333333",
        )
    ax.set_xlabel(style.fit_text("Share of the outlet's sentences with the frame", label_in, 7))
    x_max = min(1.0, np.ceil(max(map(max, values.values())) * 10 + 0.25) / 10)
    ax.set_xlim(-0.008 * x_max, x_max)  # room for the whole mark of a zero share


def _stance_bars(ax, y, series, values, look, label_in: float) -> None:
    """Stance: one stacked bar per outlet, the classes adding to 100%."""
    left = np.zeros(len(y))
    for label in series:
        ax.barh(y, values[label], left=left, height=0.6, **look[label])
        left += values[label]
    ax.set_xlabel(
        style.fit_text("Share of the outlet's sentences (classes add to 100%)", label_in, 7)
    )
    ax.set_xlim(0, 1)


def plot_prediction_mix(
    rows: list[dict],
    tasks: Sequence[tuple[str, Sequence[str], bool]],
    stem: str | Path,
    max_outlets: int = MAX_OUTLETS,
    width: str | float | None = None,
) -> style.FigureFiles:
    """``rows``: outlet_mix.csv rows (outlet, n_sentences, share:LABEL ...); ``tasks``: one
    (task, labels, multi_label) per checkpoint, in the order of the panels."""
    import pandas as pd
    from matplotlib.patches import Patch

    rows = sorted(rows, key=lambda r: -int(r["n_sentences"]))[:max_outlets]
    rows = sorted(rows, key=lambda r: r["outlet"], reverse=True)  # A at the top
    names = [f"{short(str(r['outlet']))}\n(n={r['n_sentences']})" for r in rows]
    heights = [
        0.95 + len(rows) * (0.09 * (len(labels) + 1) + 0.08 if multi else 0.25)
        for _, labels, multi in tasks
    ]
    fig_width = style.figure_width(width, "single")
    label_in = fig_width - 1.3  # an axis label fits under the panel (names take ~1.2 in)
    data = []
    with style.house_style():
        fig = style.new_figure(height=sum(heights) + 0.2, width=fig_width)
        axes = fig.subplots(len(tasks), 1, squeeze=False, height_ratios=heights)[:, 0]
        y = np.arange(len(rows))
        for ax, (task, labels, multi) in zip(axes, tasks, strict=True):
            colours = style.label_colours(labels, multi)
            hatches = style.label_hatches(labels, multi)
            series = list(labels) + ([NO_FRAME] if multi else [])
            values = {s: np.array([float(r[f"share:{s}"]) for r in rows]) for s in series}
            look = {
                s: {"facecolor": colours[s], "hatch": hatches[s], "edgecolor": "#333333", "lw": 0.4}
                for s in series
            }
            if multi:
                _frame_bars(ax, y, series, values, look, heights[0], label_in)
            else:
                _stance_bars(ax, y, series, values, look, label_in)
            style.percent_axis(ax.xaxis, nbins=4 if fig_width < 5 else 8)
            # the axis line stands off 0%, so the edge of a zero-share bar shows on its own
            ax.spines["left"].set_position(("outward", 2.5))
            ax.set_yticks(y, names)
            ax.tick_params(axis="y", length=0)
            ax.legend(
                handles=[Patch(**look[s], label=style.nice_label(s)) for s in series],
                title=f"{task} (classify and count)",
                loc="lower center",
                bbox_to_anchor=(0.5, 1.0),
                ncols=3,
                handlelength=1.6,
                columnspacing=1.0,
            )
            data += [
                {
                    "task": task,
                    "outlet": r["outlet"],
                    "n_sentences": int(r["n_sentences"]),
                    "label": label,
                    "share": float(r[f"share:{label}"]),
                    "colour": colours[label],
                    "hatch": hatches[label],
                }
                for r in rows
                for label in series
            ]
        return style.save_figure(fig, stem, pd.DataFrame(data))
