"""Framing mix per outlet on the labelled set: gold coding beside a model's out-of-fold
predictions, with 95% cluster-bootstrap intervals."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.data import task_data
from framing.data.schema import ALL_OUTLETS, NO_FRAME
from framing.evaluate import indicator_matrix
from framing.evaluate.shares import outlet_shares
from framing.figures import style


def gold_indicators(dataset, task: str, schema):
    """One row per gold sentence: sentence_id, outlet, dup_group, seed (0), then 0/1 per label."""
    import pandas as pd

    data = task_data(dataset, task, schema)
    y = indicator_matrix(data.y, data.multi_label, len(data.labels))
    table = pd.DataFrame(
        {
            "sentence_id": data.sentence_ids,
            "outlet": data.outlets,
            "dup_group": data.groups,
            "seed": 0,
        }
    )
    for j, label in enumerate(data.labels):
        table[label] = y[:, j]
    return table


def oof_indicators(oof, labels: Sequence[str], kind: str = "pred"):
    """The same layout from oof_predictions.csv rows (``kind`` = 'pred' or 'true')."""
    table = oof[["sentence_id", "outlet", "dup_group", "seed"]].copy()
    for label in labels:
        table[label] = oof[f"{kind}:{label}"].astype(int).to_numpy()
    return table


#: the two sources of every outlet x label pair: gold coding filled, the model hollow
GOLD_MARK = {"filled": True, "offset": 0.2}
MODEL_MARK = {"filled": False, "offset": -0.2}
ROW_IN = 0.12  # inches per label row; outlets are blocks of rows
MARKER_SIZE = 3.6


class _Rows:
    """Where each outlet x label row sits: outlets are blocks of rows, one per label, top down,
    with a gap between blocks."""

    def __init__(self, n_outlets: int, n_series: int) -> None:
        self.n_outlets, self.n_series = n_outlets, n_series
        self.block = n_series + 0.8
        self.top = self.block * n_outlets

    def y(self, outlet_index: int, label_index: float) -> float:
        return self.top - outlet_index * self.block - label_index - 1


def _draw_marks(ax, shares_by_source, series, outlets, rows: _Rows, colours, markers) -> None:
    """Every share as a mark with its interval as a thin line: gold filled, the model hollow."""
    for source, shares, mark in shares_by_source:
        indexed = shares.set_index(["outlet", "label"])
        for j, label in enumerate(series):
            picked = indexed.xs(label, level="label").loc[outlets]
            share = picked["share"].to_numpy()
            y = np.array([rows.y(i, j) for i in range(len(outlets))]) + mark["offset"]
            ax.errorbar(
                share,
                y,
                xerr=style.error_lengths(share, picked["ci_low"], picked["ci_high"]),
                fmt=markers[label],
                color=colours[label],
                ms=MARKER_SIZE,
                mew=0.7,
                mfc=colours[label] if mark["filled"] else "white",
                elinewidth=0.6,
                capsize=0,
                zorder=3,
                gid=f"{source}:{label}",
            )


def _outlet_axis(ax, outlets, n_gold, rows: _Rows) -> None:
    """The outlets down the y axis, every other one on a light band, the whole set ruled off."""
    last = rows.n_series - 1
    for i in range(0, len(outlets), 2):
        ax.axhspan(rows.y(i, last) - 0.6, rows.y(i, 0) + 0.6, color="#f2f2f2", lw=0)
    if outlets[-1] == ALL_OUTLETS:  # a rule between the outlets and the whole set
        ax.axhline(rows.y(len(outlets) - 1, 0) + 0.9, color="#999999", lw=0.5)
    centres = [rows.y(i, last / 2) for i in range(len(outlets))]
    ticks = [f"{style.wrap(o, 16)}\n(n={n_gold[o]})" for o in outlets]
    ax.set_yticks(centres, ticks)
    ax.set_ylim(rows.y(len(outlets) - 1, last) - 0.8, rows.top - 0.2)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def _share_axis(ax, ci_high_max: float, text: str, fig_width: float) -> None:
    """Shares along x, from just left of 0% (a 0% mark sits clear of the axis) to a tenth
    above the highest interval."""
    x_max = min(1.0, np.ceil(ci_high_max * 10 + 0.25) / 10)
    ax.set_xlim(-0.025 * x_max, x_max)
    style.percent_axis(ax.xaxis, nbins=5)
    ax.axvline(0, color="#bbbbbb", lw=0.5, zorder=1)
    ax.grid(axis="x", color="#e5e5e5", lw=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel(style.fit_text(text, fig_width - 0.2, 7))


def _legends(fig, series, colours, markers, gold_label: str, model_text: str, fig_width) -> None:
    """The label key above the panel, the source key (filled gold, hollow model) below it."""
    from matplotlib.lines import Line2D

    label_handles = [
        Line2D(
            [],
            [],
            ls="none",
            marker=markers[s],
            color=colours[s],
            ms=MARKER_SIZE,
            label=style.nice_label(s),
        )
        for s in series
    ]
    source = {"ls": "-", "lw": 0.6, "marker": "o", "color": "#444444", "ms": MARKER_SIZE}
    source_handles = [
        Line2D([], [], **source, label=gold_label),
        Line2D(
            [],
            [],
            **source,
            mfc="white",
            label=style.fit_text(model_text, 0.5 * fig_width - 0.4, 7),
        ),
    ]
    fig.legend(
        handles=label_handles,
        loc="outside upper center",
        ncols=min(len(series), 3 if fig_width < 5 else 5),
        handlelength=1.0,
        columnspacing=1.0,
        handletextpad=0.3,
    )
    fig.legend(
        handles=source_handles,
        loc="outside lower center",
        ncols=2,
        handlelength=1.6,
        columnspacing=1.2,
        handletextpad=0.4,
    )


def plot_outlet_mix(
    gold,
    model,
    labels: Sequence[str],
    multi_label: bool,
    stem: str | Path,
    model_label: str = "model",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    width: str | float | None = None,
) -> style.FigureFiles:
    """Share of each outlet's sentences per frame (+ no frame) or stance class, gold coding and
    a model's out-of-fold predictions in one panel: for every outlet a block of rows, one row
    per label, the gold share (filled mark) just above the model's (hollow mark), each with its
    95% cluster-bootstrap interval as a thin line. Dots, not bars: a zero share is a mark at 0%,
    and no interval is drawn across a bar. Labels keep their colour and get a marker of their
    own, so the figure reads in greyscale.

    ``gold`` / ``model``: indicator tables (``gold_indicators`` / ``oof_indicators``).
    """
    import pandas as pd

    colours = style.label_colours(labels, multi_label)
    markers = style.label_markers(labels, multi_label)
    series = list(labels) + ([NO_FRAME] if multi_label else [])
    gold_shares = outlet_shares(gold, labels, multi_label, n_boot, seed, level, ALL_OUTLETS)
    model_shares = outlet_shares(model, labels, multi_label, n_boot, seed, level, ALL_OUTLETS)
    gold_shares.insert(0, "source", "gold")
    model_shares.insert(0, "source", f"oof:{model_label}")
    data = pd.concat([gold_shares, model_shares], ignore_index=True)
    data["colour"] = data["label"].map(colours)
    data["marker"] = data["label"].map(markers)

    outlets = list(dict.fromkeys(gold_shares["outlet"]))  # sorted outlets, then "All outlets"
    n_gold = gold_shares.drop_duplicates("outlet").set_index("outlet")["n_sentences"]
    rows = _Rows(len(outlets), len(series))
    n_model_seeds = int(model_shares["n_seeds"].iloc[0])
    seeds = f", mean of {n_model_seeds} seeds" if n_model_seeds > 1 else ""
    what = "with the frame" if multi_label else "per stance"
    fig_width = style.figure_width(width, "single")
    with style.house_style():
        fig = style.new_figure(height=ROW_IN * rows.top + 1.35, width=fig_width)
        ax = fig.subplots()
        _draw_marks(
            ax,
            (("gold", gold_shares, GOLD_MARK), ("model", model_shares, MODEL_MARK)),
            series,
            outlets,
            rows,
            colours,
            markers,
        )
        _outlet_axis(ax, outlets, n_gold, rows)
        _share_axis(
            ax,
            float(data["ci_high"].max()),
            f"Share of the outlet's sentences {what}; {round(level * 100)}% CI",
            fig_width,
        )
        _legends(
            fig,
            series,
            colours,
            markers,
            f"gold coding (n={int(n_gold.iloc[-1])})",
            f"{model_label}, out-of-fold{seeds}",
            fig_width,
        )
        return style.save_figure(fig, stem, data)
