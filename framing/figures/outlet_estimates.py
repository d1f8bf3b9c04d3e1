"""Corrected share of one label per outlet of a new corpus (``framing estimate``): a dot and
its interval per outlet, outlets ordered by the estimate, the whole corpus on top, and
classify-and-count as a faint hollow mark beside each dot, so the correction is visible.

Made to read with 20-50 outlets at one column (3.5 in) wide: one row per outlet (about 0.12 in),
names shortened to fit, the number of coded sentences beside each name. Outlets with too few
coded sentences keep their (wide) interval, drawn dashed; an outlet with none has no dot.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from framing.data.schema import ALL_OUTLETS
from framing.figures import style

ROW_IN = 0.125
NAME_CHARS = 24


def short(name: str, width: int = NAME_CHARS) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def plot_outlet_estimates(
    rows, stem: str | Path, labels: list[str], multi_label: bool, level: float = 0.95
) -> style.FigureFiles:
    """``rows``: the estimates.csv rows of one label at the sentence level (every outlet and
    'All outlets'); ``labels``: the task's labels (they fix the label's house colour)."""
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    label = str(rows["label"].iloc[0])
    colour = style.label_colours(labels, multi_label)[label]
    overall = rows[rows["outlet"] == ALL_OUTLETS]
    outlets = rows[rows["outlet"] != ALL_OUTLETS].copy()
    outlets["order"] = outlets["estimate"].fillna(outlets["classify_and_count"])
    outlets = outlets.sort_values(["order", "outlet"], ascending=[True, False])
    data = pd.concat(
        [outlets.assign(row=np.arange(len(outlets))), overall.assign(row=len(outlets) + 1)],
        ignore_index=True,
    ).drop(columns=["order"])
    data["colour"] = colour
    n_rows = len(outlets) + 2
    with style.house_style():
        fig = style.new_figure(height=1.05 + ROW_IN * n_rows)
        ax = fig.subplots()
        for _, r in data.iterrows():
            small = isinstance(r["note"], str) and "wide interval" in r["note"]
            ax.plot(
                [r["low"], r["high"]],
                [r["row"]] * 2,
                color=colour,
                lw=0.9,
                ls=(0, (2, 1)) if small else "-",
                solid_capstyle="butt",
            )
            ax.plot(
                r["classify_and_count"],
                r["row"],
                marker="o",
                ms=3.2,
                mfc="none",
                mec=colour,
                mew=0.6,
                alpha=0.45,
                ls="none",
            )
            if np.isfinite(r["estimate"]):
                ax.plot(r["estimate"], r["row"], marker="o", ms=3.2, color=colour, ls="none")
        names = [f"{short(str(r.outlet))} ({int(r.n_coded)})" for r in data.itertuples()]
        ax.set_yticks(data["row"].to_numpy(), names)
        ax.axhline(len(outlets) + 0.5, color="#cccccc", lw=0.5)
        ax.set_ylim(-0.7, n_rows - 0.3)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        x_max = float(np.nanmax(data[["high", "classify_and_count"]].to_numpy()))
        ax.set_xlim(0, min(1.0, np.ceil(x_max * 10 + 0.25) / 10))
        ax.grid(axis="x", color="#eeeeee", lw=0.5)
        ax.set_axisbelow(True)
        what = "with the frame" if multi_label else "of this stance"
        ax.set_xlabel(f"Share of sentences {what} ({round(level * 100)}% CI)")
        ax.set_title(f"{style.nice_label(label)}  (outlet, coded sentences)", fontsize=7)
        handles = [
            Line2D([], [], color=colour, marker="o", ms=3.2, lw=0.9, label="corrected (PPI++)"),
            Line2D(
                [],
                [],
                color=colour,
                marker="o",
                ms=3.2,
                mfc="none",
                alpha=0.45,
                ls="none",
                label="classify and count",
            ),
        ]
        fig.legend(handles=handles, loc="outside upper center", ncols=2, handlelength=1.6)
        return style.save_figure(fig, stem, data)
