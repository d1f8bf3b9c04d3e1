"""Macro-F1 against the number of labelled training sentences, one line per family."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from framing.data.schema import TASKS
from framing.figures import style
from framing.models import family_order

#: the columns of learning_curve.csv the figure reads and writes beside it
CURVE_COLUMNS = [
    "task",
    "model",
    "model_label",
    "is_baseline",
    "fraction",
    "n_train_sentences",
    "n_seeds",
    "n_folds",
    "n_sentences",
    "macro_f1",
    "macro_f1_low",
    "macro_f1_high",
]


def _task_panel(ax, rows, models, task: str, title_in: float) -> None:
    """One task's curves: a line per family with its intervals, the families dodged apart on
    the x axis so that their intervals do not overlap."""
    n_models = len(models)
    span = rows["n_train_sentences"].max() - rows["n_train_sentences"].min()
    dodge = 0.012 * max(span, 1.0)
    for i, model in enumerate(models.itertuples()):
        line = rows[rows["model"] == model.model].sort_values("fraction")
        if line.empty:
            continue
        x = line["n_train_sentences"].to_numpy() + (i - (n_models - 1) / 2) * dodge
        y = line["macro_f1"].to_numpy()
        low, high = line["macro_f1_low"].to_numpy(), line["macro_f1_high"].to_numpy()
        ax.errorbar(
            x,
            y,
            yerr=style.error_lengths(y, low, high),
            **_line_look(model),
            elinewidth=0.6,
            capsize=1.5,
            mew=0.8,
        )
    folds = int(rows["n_folds"].max())
    seeds = int(rows["n_seeds"].max())
    ax.set_title(
        style.fit_text(
            f"{task} (n={int(rows['n_sentences'].max())} sentences, "
            f"{folds} folds × {seeds} seed{'s' if seeds > 1 else ''})",
            title_in,
        )
    )
    ax.set_ylabel("Macro-F1 (95% CI)")
    ax.set_ylim(0, 1)
    ax.grid(axis="y", color="#e5e5e5", lw=0.5)
    ax.set_axisbelow(True)


def _family_handles(models) -> list:
    from matplotlib.lines import Line2D

    return [
        Line2D([], [], **_line_look(model), label=model.model_label)
        for model in models.itertuples()
    ]


def _line_look(model) -> dict:
    """A family's line in the panels and in the key alike."""
    look = style.family_style(model.model, bool(model.is_baseline))
    return {
        "color": look["color"],
        "marker": look["marker"],
        "mfc": look["mfc"],
        "ls": look["ls"],
        "lw": 0.9,
        "ms": 3.5,
    }


def plot_learning_curve(
    curve,
    stem: str | Path,
    tasks: Sequence[str] | None = None,
    width: str | float | None = None,
) -> style.FigureFiles:
    """Macro-F1 (95% CI) against the number of labelled training sentences, one panel per task,
    one line per family (``learning_curve.csv`` of ``framing learning-curve``)."""
    tasks = [t for t in (tasks or TASKS) if (curve["task"] == t).any()]
    first_rows = curve.drop_duplicates("model").set_index("model", drop=False)
    models = first_rows.loc[family_order(first_rows.index)]
    fig_width = style.figure_width(width)
    with style.house_style():
        fig = style.new_figure(height=1.75 * len(tasks) + 0.75, width=fig_width)
        axes = fig.subplots(len(tasks), 1, squeeze=False)[:, 0]
        for ax, task in zip(axes, tasks, strict=True):
            _task_panel(ax, curve[curve["task"] == task], models, task, fig_width - 0.6)
        axes[-1].set_xlabel("Labelled training sentences (mean per outer fold)")
        fig.legend(
            handles=_family_handles(models),
            loc="outside upper center",
            ncols=2 if fig_width < 5 else 4,
            handlelength=2.2,
            columnspacing=1.2,
        )
        data = curve[curve["task"].isin(tasks)][CURVE_COLUMNS].sort_values(
            ["task", "model", "fraction"]
        )
        return style.save_figure(fig, stem, data.reset_index(drop=True))
