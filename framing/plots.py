"""Paper figures in one house style: one function per figure, each written as PDF (vector),
PNG (300 dpi) and the CSV of the plotted numbers, side by side under one stem.

House style (shared by every figure, and by ``framing.predict``'s framing-mix figure):
- sized for one journal column: 3.5 in wide, height as the content needs; constrained layout
  (no ``bbox_inches="tight"``, which would change the width); every text >= 7 pt;
- one colour per frame, in schema order, everywhere (Okabe-Ito, colour-blind safe) and a neutral
  grey for "no frame"; fixed stance colours (favourable / neutral / critical); frames and stance
  classes are always drawn in schema order;
- classifier families keep one colour and marker across figures (Paul Tol's muted palette);
  baselines are grey with hollow markers.

Another figure joins the style with four calls::

    with house_style():
        fig = new_figure(height=2.0)                      # 3.5 in wide, constrained layout
        colours = label_colours(labels, multi_label)      # {label: colour} (+ no_frame)
        ...                                               # draw on fig.subplots()
        save_figure(fig, stem, table)                     # STEM.pdf/.png/.csv, atomically

matplotlib (Agg) and pandas are imported inside the functions, so ``import framing.plots`` is
light. ``python -m framing.plot`` draws every figure of the paper from the results folders.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from framing.io import atomic_path

# ---------------------------------------------------------------------------- house style
WIDTH_IN = 3.5  # one journal column
DPI = 300
MIN_FONT_PT = 7
NO_FRAME = "no_frame"
NO_FRAME_COLOUR = "#999999"
ALL_OUTLETS = "All outlets"
#: Okabe & Ito (2008): frames take these in schema order (a study with more frames cycles)
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: stance classes of the seed schema; other stance schemas use STANCE_FALLBACK by position
STANCE_COLOURS = {"favourable": "#56B4E9", "neutral": "#BBBBBB", "critical": "#D55E00"}
STANCE_FALLBACK = ["#56B4E9", "#BBBBBB", "#D55E00", "#F0E442", "#000000"]
#: Paul Tol's muted scheme for trained families, in registry order
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255"]
FAMILY_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "h"]
BASELINE_COLOUR = "#555555"
HEATMAP_CMAP = "cividis"  # perceptually uniform and readable with colour-vision deficiency
COUNT_CMAP = "Blues"

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 7,
    "axes.titlesize": 8,
    "axes.titlelocation": "left",
    "axes.labelsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7,
    "figure.titlesize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "lines.linewidth": 1.0,
    "lines.markersize": 4,
    "errorbar.capsize": 1.5,
    "hatch.linewidth": 0.5,
    "pdf.fonttype": 42,  # embed TrueType: journals reject Type 3 fonts
    "ps.fonttype": 42,
    "savefig.dpi": DPI,
    "figure.dpi": 100,
}


def nice_label(name: str) -> str:
    """'historical_friendship' -> 'historical friendship' (labels stay schema names in CSVs)."""
    return "no frame" if name == NO_FRAME else name.replace("_", " ")


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def label_colours(labels: Sequence[str], multi_label: bool) -> dict[str, str]:
    """Colour of each label in schema order; frames also get ``no_frame`` (grey)."""
    if multi_label:
        colours = {label: OKABE_ITO[i % len(OKABE_ITO)] for i, label in enumerate(labels)}
        colours[NO_FRAME] = NO_FRAME_COLOUR
        return colours
    if all(label in STANCE_COLOURS for label in labels):
        return {label: STANCE_COLOURS[label] for label in labels}
    return {label: STANCE_FALLBACK[i % len(STANCE_FALLBACK)] for i, label in enumerate(labels)}


def family_style(model: str, is_baseline: bool) -> dict[str, Any]:
    """Colour, marker and fill of a classifier family (same in every figure)."""
    from framing.models import FAMILIES

    names = list(FAMILIES)
    index = names.index(model) if model in names else len(names) + sum(map(ord, model))
    marker = FAMILY_MARKERS[index % len(FAMILY_MARKERS)]
    if is_baseline:
        return {"color": BASELINE_COLOUR, "marker": marker, "mfc": "white", "ls": "--"}
    trained = [n for n in names if n not in ("majority", "lexicon")]
    index = trained.index(model) if model in trained else index
    colour = TOL_MUTED[index % len(TOL_MUTED)]
    return {"color": colour, "marker": marker, "mfc": colour, "ls": "-"}


@contextmanager
def house_style() -> Iterator[None]:
    """The rcParams of every figure (wrap both drawing and saving in it). Figures are drawn on
    their own Agg canvas (``new_figure``), so the global backend (e.g. a notebook's) is left
    alone."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def new_figure(height: float, width: float = WIDTH_IN):
    """A constrained-layout figure one column wide (no pyplot: no global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # Agg canvas: drawing and text measurement without a display
    fig.get_layout_engine().set(w_pad=0.02, h_pad=0.02, wspace=0.04, hspace=0.04)
    return fig


def mark_label_ticks(axis, colours: Sequence[str]) -> None:
    """Thick tick marks in the label colours: the frame key of a heatmap axis."""
    for tick, colour in zip(axis.get_major_ticks(), colours, strict=False):
        for line in (tick.tick1line, tick.tick2line):  # bottom/left and top/right marks
            line.set_markeredgecolor(colour)
            line.set_markersize(5)
            line.set_markeredgewidth(3)


@dataclass
class FigureFiles:
    """What one figure function wrote, and the figure itself (for checks)."""

    pdf: Path
    png: Path
    csv: Path
    data: Any  # pandas.DataFrame of the plotted numbers
    figure: Any  # matplotlib.figure.Figure

    @property
    def paths(self) -> list[Path]:
        return [self.pdf, self.png, self.csv]


def save_figure(fig, stem: str | Path, data) -> FigureFiles:
    """Write STEM.pdf, STEM.png (300 dpi) and STEM.csv; all three appear together or none.

    Dates and software versions are left out of the files, so a figure redrawn from the same
    numbers is byte-identical and a diff of the results folder shows only real changes.
    """
    stem = Path(stem)
    files = FigureFiles(
        stem.with_suffix(".pdf"), stem.with_suffix(".png"), stem.with_suffix(".csv"), data, fig
    )
    with ExitStack() as stack:
        pdf = stack.enter_context(atomic_path(files.pdf))
        png = stack.enter_context(atomic_path(files.png))
        csv = stack.enter_context(atomic_path(files.csv))
        fig.savefig(pdf, format="pdf", metadata={"CreationDate": None, "Producer": None})
        fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        data.to_csv(csv, index=False, float_format="%.10g", lineterminator="\n")
    return files


def layout_problems(fig, tolerance_px: float = 1.0, gap_px: float = 1.5) -> list[str]:
    """Texts outside the canvas, smaller than 7 pt, or overlapping another text of the figure.

    Used by the tests (and reported by ``framing.plot``) so a clipped or crowded label is found
    without looking at every PNG.
    """
    from matplotlib.text import Text

    with house_style():
        fig.canvas.draw()  # layout is computed at draw time
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    hidden = set()  # tick labels outside the axis limits are not drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-6
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - span <= tick.get_loc() <= high + span:
                    hidden.update({id(tick.label1), id(tick.label2)})
    texts = []
    for text in fig.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        texts.append((text, text.get_window_extent(renderer)))
    problems = []
    for text, box in texts:
        name = repr(text.get_text()[:40])
        if text.get_fontsize() < MIN_FONT_PT - 1e-6:
            problems.append(f"{name} is {text.get_fontsize():.1f} pt (< {MIN_FONT_PT} pt)")
        if (
            box.x0 < canvas.x0 - tolerance_px
            or box.y0 < canvas.y0 - tolerance_px
            or box.x1 > canvas.x1 + tolerance_px
            or box.y1 > canvas.y1 + tolerance_px
        ):
            problems.append(f"{name} is clipped by the figure edge")
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1 :]:
            # texts must keep a small gap (a touching "80%0%" reads as one label)
            overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) + gap_px
            overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) + gap_px
            if overlap_w > 0 and overlap_h > 0:
                problems.append(f"{a.get_text()[:30]!r} overlaps {b.get_text()[:30]!r}")
    return problems


# ---------------------------------------------------------------------------- data helpers
def gold_indicators(dataset, task: str, schema):
    """One row per gold sentence: sentence_id, outlet, dup_group, seed (0), then 0/1 per label."""
    import pandas as pd

    from framing.data import task_data
    from framing.evaluate import indicator_matrix

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


def outlet_shares(
    table,
    labels: Sequence[str],
    multi_label: bool,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    all_outlets: str | None = None,
):
    """Share of each outlet's sentences carrying each label (+ no frame), with percentile
    bootstrap intervals that resample the outlet's duplicate groups (copies of one sentence are
    drawn together). Rows of several seeds are pooled: the share is then the mean over seeds
    and a drawn group brings its rows of every seed.

    ``all_outlets`` names an extra row over the whole set (groups resampled across outlets).
    """
    import pandas as pd

    series = list(labels) + ([NO_FRAME] if multi_label else [])
    values = table[list(labels)].to_numpy(dtype=float)
    if multi_label:
        values = np.column_stack([values, (values.sum(axis=1) == 0).astype(float)])
    n_seeds = int(table["seed"].nunique())
    tail = 100 * (1 - level) / 2
    rng = np.random.default_rng(seed)
    scopes = [(o, (table["outlet"] == o).to_numpy()) for o in sorted(table["outlet"].unique())]
    if all_outlets:
        scopes.append((all_outlets, np.ones(len(table), dtype=bool)))
    rows = []
    for outlet, mask in scopes:
        groups = table.loc[mask, "dup_group"].to_numpy()
        unique, inverse = np.unique(groups, return_inverse=True)
        counts = np.zeros((len(unique), len(series)))
        np.add.at(counts, inverse, values[mask])
        sizes = np.bincount(inverse, minlength=len(unique)).astype(float)
        weights = rng.multinomial(len(unique), np.full(len(unique), 1 / len(unique)), size=n_boot)
        boot = (weights @ counts) / (weights @ sizes)[:, None]  # (B, k)
        low, high = np.percentile(boot, [tail, 100 - tail], axis=0)
        share = counts.sum(axis=0) / sizes.sum()
        for j, label in enumerate(series):
            rows.append(
                {
                    "outlet": outlet,
                    "n_sentences": int(mask.sum() // n_seeds),
                    "n_groups": len(unique),
                    "n_seeds": n_seeds,
                    "label": label,
                    "share": share[j],
                    "ci_low": min(low[j], share[j]),
                    "ci_high": max(high[j], share[j]),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- a. outlet mix
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
) -> FigureFiles:
    """Share of each outlet's sentences per frame (+ no frame) or stance class: gold coding and
    a model's out-of-fold predictions in two panels with shared axes, 95% bootstrap intervals.

    ``gold`` / ``model``: indicator tables (``gold_indicators`` / ``oof_indicators``).
    """
    import pandas as pd
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    colours = label_colours(labels, multi_label)
    series = list(labels) + ([NO_FRAME] if multi_label else [])
    gold_shares = outlet_shares(gold, labels, multi_label, n_boot, seed, level, ALL_OUTLETS)
    model_shares = outlet_shares(model, labels, multi_label, n_boot, seed, level, ALL_OUTLETS)
    gold_shares.insert(0, "source", "gold")
    model_shares.insert(0, "source", f"oof:{model_label}")
    data = pd.concat([gold_shares, model_shares], ignore_index=True)
    data["colour"] = data["label"].map(colours)

    outlets = list(dict.fromkeys(gold_shares["outlet"]))  # sorted outlets, then "All outlets"
    n_gold = gold_shares.drop_duplicates("outlet").set_index("outlet")["n_sentences"]
    ticks = [f"{wrap(o, 16)}\n(n={n_gold[o]})" for o in outlets]
    n_series = len(series)
    block = 0.095 * n_series + 0.14  # inches per outlet
    with house_style():
        fig = new_figure(height=block * len(outlets) + 1.0)
        fig.get_layout_engine().set(wspace=0.12)  # room between the panels' end and start ticks
        axes = fig.subplots(1, 2, sharex=True, sharey=True)
        bar = 0.84 / n_series
        y = np.arange(len(outlets))[::-1]  # first outlet at the top
        x_max = float(data["ci_high"].max())
        n_model_seeds = int(model_shares["n_seeds"].iloc[0])
        for ax, shares, title in (
            (axes[0], gold_shares, f"Gold coding (n={int(n_gold.iloc[-1])})"),
            (
                axes[1],
                model_shares,
                f"{model_label}, out-of-fold"
                + (f"\n(mean of {n_model_seeds} seeds)" if n_model_seeds > 1 else ""),
            ),
        ):
            indexed = shares.set_index(["outlet", "label"])
            for j, label in enumerate(series):
                rows = indexed.xs(label, level="label").loc[outlets]
                offset = (j - (n_series - 1) / 2) * bar
                share = rows["share"].to_numpy()
                ax.barh(
                    y - offset, share, height=bar, color=colours[label], edgecolor="none",
                    xerr=[share - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - share],
                    error_kw={"elinewidth": 0.5, "capsize": 0, "ecolor": "#222222"},
                )  # fmt: skip
            if outlets[-1] == ALL_OUTLETS:  # a rule between the outlets and the whole set
                ax.axhline(0.5, color="#cccccc", lw=0.5)
            ax.set_title(title, fontsize=7)
            ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0, symbol=""))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
            ax.set_xlim(0, min(1.0, np.ceil(x_max * 10 + 0.25) / 10))
            ax.tick_params(axis="y", length=0)
        axes[0].set_yticks(y, ticks)
        axes[0].set_ylim(-0.6, len(outlets) - 0.4)
        what = "with the frame" if multi_label else "per stance"
        fig.supxlabel(f"Share of the outlet's sentences {what} (%, 95% CI)", fontsize=7)
        handles = [Patch(color=colours[s], label=nice_label(s)) for s in series]
        fig.legend(
            handles=handles, loc="outside upper center", ncols=3 if n_series > 3 else n_series,
            handlelength=1.0, columnspacing=1.0, handletextpad=0.4,
        )  # fmt: skip
        return save_figure(fig, stem, data)


# ---------------------------------------------------------------------------- b. comparison
def comparison_order(comparison, task: str):
    """The task's rows sorted by macro-F1, best first (the order of every comparison figure)."""
    rows = comparison[comparison["task"] == task]
    return rows.sort_values(["macro_f1", "model"], ascending=[False, True]).reset_index(drop=True)


def plot_model_comparison(comparison, stem: str | Path, tasks: Sequence[str] | None = None):
    """Macro-F1 with 95% intervals of every family, one panel per task, best at the top;
    baselines in grey with hollow markers, the best baseline as a dotted line."""
    import pandas as pd
    from matplotlib.lines import Line2D

    from framing.schema import TASKS

    tasks = [t for t in (tasks or TASKS) if (comparison["task"] == t).any()]
    panels = [comparison_order(comparison, t) for t in tasks]
    heights = [0.16 * len(p) + 0.45 for p in panels]
    with house_style():
        fig = new_figure(height=sum(heights) + 0.55)
        axes = fig.subplots(len(tasks), 1, sharex=True, height_ratios=heights, squeeze=False)[:, 0]
        data = []
        for ax, task, rows in zip(axes, tasks, panels, strict=True):
            y = np.arange(len(rows))[::-1]
            for yi, row in zip(y, rows.itertuples(), strict=True):
                style = family_style(row.model, bool(row.is_baseline))
                ax.errorbar(
                    row.macro_f1, yi,
                    xerr=[[row.macro_f1 - row.macro_f1_low], [row.macro_f1_high - row.macro_f1]],
                    fmt=style["marker"], color=style["color"], mfc=style["mfc"], mew=0.8,
                    elinewidth=0.8, capsize=1.5, ms=4,
                )  # fmt: skip
            baselines = rows[rows["is_baseline"].astype(bool)]
            if len(baselines):
                ax.axvline(baselines["macro_f1"].max(), color=BASELINE_COLOUR, ls=":", lw=0.7)
            ax.set_yticks(y, rows["model_label"])
            ax.set_ylim(-0.6, len(rows) - 0.4)
            ax.grid(axis="x", color="#e5e5e5", lw=0.5)
            ax.set_axisbelow(True)
            seeds = sorted(set(rows["n_seeds"].astype(int)))
            seed_text = f"{seeds[0]} seed" + ("s" if seeds[0] > 1 else "")
            if len(seeds) > 1:
                seed_text = f"{seeds[0]}-{seeds[-1]} seeds"
            ax.set_title(f"{task} (n={int(rows['n_sentences'].max())} sentences, {seed_text})")
            data.append(rows.assign(rank=np.arange(1, len(rows) + 1)))
        axes[-1].set_xlabel("Macro-F1, out-of-fold (95% CI)")
        axes[-1].set_xlim(0, 1)
        legend = [
            Line2D([], [], marker="o", color="#222222", ls="none", ms=4, label="classifier"),
            Line2D(
                [], [], marker="o", color=BASELINE_COLOUR, mfc="white", ls="none", ms=4,
                label="baseline",
            ),
            Line2D([], [], color=BASELINE_COLOUR, ls=":", lw=0.7, label="best baseline"),
        ]  # fmt: skip
        fig.legend(handles=legend, loc="outside upper center", ncols=3, handletextpad=0.3)
        columns = [
            "task", "model", "model_label", "is_baseline", "n_seeds", "n_sentences",
            "macro_f1", "macro_f1_low", "macro_f1_high", "rank",
        ]  # fmt: skip
        return save_figure(fig, stem, pd.concat(data, ignore_index=True)[columns])


# ---------------------------------------------------------------------------- c. heatmaps
def _annotate(ax, matrix: np.ndarray, texts, cmap, norm) -> None:
    """Cell texts in black or white, whichever reads better on the cell colour."""
    import matplotlib as mpl

    cmap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    for (i, j), text in np.ndenumerate(np.asarray(texts, dtype=object)):
        if text is None or text == "":
            continue
        r, g, b, _ = cmap(norm(matrix[i, j]))
        light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5
        ax.text(j, i, text, ha="center", va="center", color="black" if light else "white")


def plot_label_f1_heatmap(
    comparison, task: str, labels: Sequence[str], stem: str | Path
) -> FigureFiles:
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
    colours = label_colours(labels, multi_label)
    norm = Normalize(0, 1)
    with house_style():
        fig = new_figure(height=0.22 * len(rows) + 1.3)
        ax = fig.subplots()
        image = ax.imshow(matrix, cmap=HEATMAP_CMAP, norm=norm, aspect="auto")
        _annotate(ax, matrix, [[f"{v:.2f}" for v in r] for r in matrix], HEATMAP_CMAP, norm)
        ax.set_xticks(range(len(labels)), [nice_label(x).replace(" ", "\n") for x in labels])
        ax.set_yticks(range(len(rows)), [wrap(x, 18) for x in rows["model_label"]])
        for text, baseline in zip(ax.get_yticklabels(), rows["is_baseline"], strict=True):
            if baseline:
                text.set_color(BASELINE_COLOUR)
                text.set_fontstyle("italic")
        ax.tick_params(axis="x", top=True, bottom=False, labeltop=True, labelbottom=False)
        mark_label_ticks(ax.xaxis, [colours[x] for x in labels])
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
        return save_figure(fig, stem, pd.DataFrame(data))


def plot_frame_cooccurrence(gold, labels: Sequence[str], stem: str | Path) -> FigureFiles:
    """Gold co-occurrence counts of frames (lower triangle); the diagonal is each frame's
    prevalence (sentences coded with it, and their share)."""
    import pandas as pd
    from matplotlib.colors import Normalize
    from matplotlib.ticker import MaxNLocator

    y = gold[list(labels)].to_numpy(dtype=int)
    n, k = y.shape
    counts = y.T @ y
    colours = label_colours(labels, True)
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
    with house_style():
        fig = new_figure(height=2.9)
        ax = fig.subplots()
        image = ax.imshow(shown, cmap=COUNT_CMAP, norm=norm)
        for i in range(k):  # the diagonal: prevalence, framed in the frame's colour
            ax.add_patch(_cell(i, colours[labels[i]]))
        _annotate(ax, np.nan_to_num(shown), texts, COUNT_CMAP, norm)
        names = [wrap(nice_label(x), 12) for x in labels]
        ax.set_xticks(range(k), names)
        ax.set_yticks(range(k), names)
        mark_label_ticks(ax.xaxis, [colours[x] for x in labels])
        mark_label_ticks(ax.yaxis, [colours[x] for x in labels])
        ax.spines[:].set_visible(False)
        fig.suptitle(f"Frame co-occurrence, gold coding (n={n} sentences)")
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
        return save_figure(fig, stem, pd.DataFrame(rows))


def _cell(i: int, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((i - 0.45, i - 0.45), 0.9, 0.9, fill=False, edgecolor=colour, lw=1.5)


def plot_confusion_matrix(
    oof, labels: Sequence[str], stem: str | Path, model_label: str = "model"
) -> FigureFiles:
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
    colours = label_colours(labels, False)

    def count_text(c: float) -> str:
        return f"{c:.0f}" if float(c).is_integer() else f"{c:.1f}"

    texts = [
        [f"{share[i, j]:.2f}\n({count_text(counts[i, j])})" for j in range(k)] for i in range(k)
    ]
    n = int(round(counts.sum()))
    with house_style():
        fig = new_figure(height=2.5)
        ax = fig.subplots()
        image = ax.imshow(share, cmap=COUNT_CMAP, norm=norm)
        _annotate(ax, share, texts, COUNT_CMAP, norm)
        ax.set_xticks(range(k), [nice_label(x) for x in labels])
        ax.set_yticks(range(k), [nice_label(x) for x in labels])
        mark_label_ticks(ax.xaxis, [colours[x] for x in labels])
        mark_label_ticks(ax.yaxis, [colours[x] for x in labels])
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
        return save_figure(fig, stem, pd.DataFrame(rows))


# ---------------------------------------------------------------------------- d. learning curve
def plot_learning_curve(curve, stem: str | Path, tasks: Sequence[str] | None = None) -> FigureFiles:
    """Macro-F1 (95% CI) against the number of labelled training sentences, one panel per task,
    one line per family (``learning_curve.csv`` of ``python -m framing.learning_curve``)."""
    from matplotlib.lines import Line2D

    from framing.models import FAMILIES
    from framing.schema import TASKS

    tasks = [t for t in (tasks or TASKS) if (curve["task"] == t).any()]
    order = {name: i for i, name in enumerate(FAMILIES)}
    models = (
        curve.drop_duplicates("model")
        .assign(key=lambda d: d["model"].map(order).fillna(len(order)))
        .sort_values(["key", "model"])
    )
    with house_style():
        fig = new_figure(height=1.75 * len(tasks) + 0.75)
        axes = fig.subplots(len(tasks), 1, squeeze=False)[:, 0]
        n_models = len(models)
        for ax, task in zip(axes, tasks, strict=True):
            rows = curve[curve["task"] == task]
            span = rows["n_train_sentences"].max() - rows["n_train_sentences"].min()
            dodge = 0.012 * max(span, 1.0)  # keeps overlapping intervals apart
            for i, model in enumerate(models.itertuples()):
                line = rows[rows["model"] == model.model].sort_values("fraction")
                if line.empty:
                    continue
                style = family_style(model.model, bool(model.is_baseline))
                x = line["n_train_sentences"].to_numpy() + (i - (n_models - 1) / 2) * dodge
                y = line["macro_f1"].to_numpy()
                low, high = line["macro_f1_low"].to_numpy(), line["macro_f1_high"].to_numpy()
                ax.errorbar(
                    x, y, yerr=[y - low, high - y],
                    color=style["color"], marker=style["marker"], mfc=style["mfc"],
                    ls=style["ls"], lw=0.9, elinewidth=0.6, capsize=1.5, ms=3.5, mew=0.8,
                )  # fmt: skip
            folds = int(rows["n_folds"].max())
            seeds = int(rows["n_seeds"].max())
            ax.set_title(
                f"{task} (n={int(rows['n_sentences'].max())} sentences, "
                f"{folds} folds x {seeds} seed{'s' if seeds > 1 else ''})"
            )
            ax.set_ylabel("Macro-F1 (95% CI)")
            ax.set_ylim(0, 1)
            ax.grid(axis="y", color="#e5e5e5", lw=0.5)
            ax.set_axisbelow(True)
        axes[-1].set_xlabel("Labelled training sentences (mean per outer fold)")
        handles = []
        for model in models.itertuples():
            style = family_style(model.model, bool(model.is_baseline))
            handles.append(
                Line2D(
                    [],
                    [],
                    color=style["color"],
                    marker=style["marker"],
                    mfc=style["mfc"],
                    ls=style["ls"],
                    lw=0.9,
                    ms=3.5,
                    label=model.model_label,
                )  # fmt: skip
            )
        fig.legend(
            handles=handles, loc="outside upper center", ncols=2, handlelength=2.2,
            columnspacing=1.2,
        )  # fmt: skip
        columns = [
            "task", "model", "model_label", "is_baseline", "fraction", "n_train_sentences",
            "n_seeds", "n_folds", "n_sentences", "macro_f1", "macro_f1_low", "macro_f1_high",
        ]  # fmt: skip
        data = curve[curve["task"].isin(tasks)][columns].sort_values(["task", "model", "fraction"])
        return save_figure(fig, stem, data.reset_index(drop=True))
