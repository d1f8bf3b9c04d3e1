"""Corrected shares per outlet of a new corpus (``framing estimate``), one faceted figure per
task: a panel per label (frames and 'no frame', or stance classes), a row per outlet, the whole
corpus on top.

Marks, each in the legend, told apart by shape as well as colour (they survive greyscale):

- the headline estimate and its interval: a filled dot on a thick line in the label's colour
  (pooled across outlets, or PPI++ where nothing was pooled, and for all outlets);
- an outlet with no coded sentence: a hollow dot (its pooled share is predicted from the
  other outlets);
- the outlet's own, unpooled PPI++ interval: a thin grey line with end ticks just below;
- classify-and-count: a dark grey cross.

Shares in percent; the axis starts just left of 0 % with a line at 0 % so a zero share is
drawn, not hidden under the axis. Outlets in alphabetical order (findable at 50 outlets),
names shortened to fit, the number of coded sentences beside each. Width grows with the number
of panels up to a double column (7.2 in); height with the number of outlets (about 0.13 in per
row), so 20-50 outlets stay readable.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from framing.data.schema import ALL_OUTLETS
from framing.figures import style

ROW_IN = 0.13
NAME_CHARS = 26
DOUBLE_COLUMN_IN = 7.2
PANEL_IN = 1.25
NAMES_IN = 1.55
OWN_COLOUR = "#8c8c8c"
COUNT_COLOUR = "#333333"


def short(name: str, width: int = NAME_CHARS) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def figure_width(n_panels: int) -> float:
    return float(min(DOUBLE_COLUMN_IN, max(style.WIDTH_IN, NAMES_IN + PANEL_IN * n_panels)))


def row_table(rows, series: list[str]):
    """The plotted numbers: one row per outlet and label, with the row position (all outlets
    on top, the outlets below in alphabetical order)."""
    import pandas as pd

    outlets = sorted(o for o in rows["outlet"].unique() if o != ALL_OUTLETS)
    position = {o: len(outlets) - 1 - i for i, o in enumerate(outlets)}
    position[ALL_OUTLETS] = len(outlets) + 1
    data = rows[rows["label"].isin(series)].copy()
    data["row"] = data["outlet"].map(position)
    data["panel"] = data["label"].map({s: i for i, s in enumerate(series)})
    columns = [
        "outlet",
        "label",
        "row",
        "panel",
        "method",
        "n_coded",
        "estimate",
        "low",
        "high",
        "unpooled_low",
        "unpooled_high",
        "classify_and_count",
    ]
    for c in columns:
        if c not in data:
            data[c] = np.nan if c not in ("method",) else "PPI++"
    return pd.DataFrame(data[columns]).sort_values(["panel", "row"], ignore_index=True)


def _draw_panel(ax, part, colour: str, n_rows: int, right: float) -> None:
    """One label's panel: each outlet's own PPI++ (thin, grey, below), the headline interval
    and estimate (hollow where the outlet has no coded sentence), classify-and-count."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    own = part["method"].astype(str).str.startswith("pooled")
    for r in part[own].itertuples():
        ax.plot(
            [r.unpooled_low, r.unpooled_high],
            [r.row - 0.3] * 2,
            color=OWN_COLOUR,
            lw=0.5,
            marker="|",
            ms=2.5,
            mew=0.5,
            solid_capstyle="butt",
        )
    ax.hlines(part["row"], part["low"], part["high"], color=colour, lw=1.4)
    seen = part["n_coded"] > 0
    ax.plot(part["estimate"][seen], part["row"][seen], "o", ms=3.2, color=colour)
    ax.plot(
        part["estimate"][~seen],
        part["row"][~seen],
        "o",
        ms=3.2,
        mfc="white",
        mec=colour,
        mew=0.8,
    )
    ax.plot(part["classify_and_count"], part["row"], "x", ms=3.0, mew=0.7, color=COUNT_COLOUR)
    ax.axvline(0, color="#444444", lw=0.6)
    ax.axhline(n_rows - 1.5, color="#cccccc", lw=0.5)  # all outlets above, each outlet below
    ax.set_xlim(-0.03 * right, right)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]))
    ax.grid(axis="x", color="#eeeeee", lw=0.5)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)


def _legend_handles(pooled_any: bool, unseen_any: bool) -> list:
    """A key entry for each kind of mark the figure has."""
    from matplotlib.lines import Line2D

    main = "pooled across outlets" if pooled_any else "PPI++"
    handles = [Line2D([], [], color="#444444", marker="o", ms=3.2, lw=1.4, label=main)]
    if unseen_any:
        handles.append(
            Line2D(
                [],
                [],
                color="#444444",
                marker="o",
                ms=3.2,
                mfc="white",
                lw=1.4,
                label="no coded sentence (predicted)",
            )
        )
    if pooled_any:
        handles.append(
            Line2D([], [], color=OWN_COLOUR, marker="|", ms=2.5, lw=0.5, label="outlet's own PPI++")
        )
    handles.append(
        Line2D(
            [],
            [],
            color=COUNT_COLOUR,
            marker="x",
            ms=3.0,
            mew=0.7,
            ls="none",
            label="classify and count",
        )
    )
    return handles


def plot_outlet_estimates(
    rows, stem: str | Path, labels: list[str], multi_label: bool, level: float = 0.95
) -> style.FigureFiles:
    """``rows``: the estimates.csv rows of one task at the sentence level (every outlet and
    'All outlets', every series); ``labels``: the task's labels in schema order (they fix the
    panels' order and house colours)."""
    colours = style.label_colours(labels, multi_label)
    series = [s for s in colours if s in set(rows["label"])]
    data = row_table(rows, series)
    n_rows = int(data["row"].max()) + 1
    pooled_any = bool((data["method"].astype(str).str.startswith("pooled")).any())
    unseen_any = bool(((data["n_coded"] == 0) & data["estimate"].notna()).any())
    height = 1.0 + ROW_IN * n_rows
    x_max = float(np.nanmax(data[["high", "classify_and_count", "unpooled_high"]].to_numpy()))
    right = min(1.0, np.ceil(x_max * 10 + 0.25) / 10)
    with style.house_style():
        fig = style.new_figure(height=height, width=figure_width(len(series)))
        axes = np.atleast_1d(fig.subplots(1, len(series), sharey=True, squeeze=False)[0])
        for ax, label in zip(axes, series, strict=True):
            _draw_panel(ax, data[data["label"] == label], colours[label], n_rows, right)
            ax.set_title(style.nice_label(label), fontsize=7)
        first = data[data["panel"] == 0].sort_values("row")
        names = first.apply(lambda r: f"{short(str(r.outlet))} ({int(r.n_coded)})", axis=1)
        axes[0].set_yticks(first["row"], names)
        axes[0].set_ylim(-0.8, n_rows - 0.3)
        what = "of sentences with the frame" if multi_label else "of sentences of this stance"
        fig.supxlabel(f"Share {what}, {round(level * 100)}% intervals (outlet, coded sentences)")
        handles = _legend_handles(pooled_any, unseen_any)
        fig.legend(handles=handles, loc="outside upper center", ncols=len(handles))
        return style.save_figure(fig, stem, data)
