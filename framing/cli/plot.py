"""framing plot: redraw every figure of the paper from the results folders (``framing.figures``).

    framing plot                                  # -> results/figures/
    framing plot --model embedding_lr --runs results/multirun/full_comparison

Inputs (each figure is drawn if its inputs exist; the others are listed with the command that
makes their inputs, and the exit code is then 2):
  the gold set                     the study's (conf/study.yaml: sentences, schema)
  results/comparison/comparison.csv   bash experiments/full_comparison.sh
  run folders of --model           --runs (default results/multirun/full_comparison), same sweep
  results/learning_curve/learning_curve.csv   framing learning-curve

Figures (STEM.pdf, STEM.png at 300 dpi and STEM.csv with the plotted numbers, in --out):
  framing_mix_frames / framing_mix_stance   share of each outlet's sentences per frame (+ no
                                            frame) / stance: gold vs --model's out-of-fold
  model_comparison                          macro-F1 (95% CI) of every family, per task
  f1_per_frame / f1_per_stance_class        per-label F1 heatmaps (families x labels)
  frame_cooccurrence                        gold frame co-occurrence (diagonal = prevalence)
  stance_confusion                          --model's stance confusion matrix (out-of-fold)
  learning_curve                            macro-F1 against labelled training sentences
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke
from framing.errors import FramingInputError
from framing.figures.style import FigureFiles, layout_problems
from framing.outputs import check_file_replaceable
from framing.study import resolve_path

COMPARISON_COLUMNS = [
    "task", "model", "model_label", "is_baseline", "n_seeds", "n_sentences",
    "macro_f1", "macro_f1_low", "macro_f1_high",
]  # fmt: skip
CURVE_COLUMNS = [
    "task", "model", "model_label", "is_baseline", "fraction", "n_train_sentences", "n_seeds",
    "n_folds", "n_sentences", "macro_f1", "macro_f1_low", "macro_f1_high",
]  # fmt: skip
RUN_SWEEP = "run `bash experiments/full_comparison.sh` first"


class MissingInput(Exception):
    """An input of a figure does not exist yet; the message says what to run."""


@dataclass
class Gold:
    schema: object
    dataset: object
    file: Path
    sha256: str


@dataclass
class Figure:
    stem: str
    draw: Callable[[Path], FigureFiles]


# ---------------------------------------------------------------------------- inputs
def load_gold() -> Gold:
    from framing.data import load_labelled_set
    from framing.io import sha256_file
    from framing.study import load_study

    study = load_study()
    data_file = study.path("sentences")
    dataset = load_labelled_set(data_file, schema=study.schema)
    return Gold(study.schema, dataset, data_file, sha256_file(data_file))


def read_table(path: Path, columns: list[str], missing_fix: str):
    """A results CSV with the columns a figure needs; a missing file is a MissingInput."""
    import pandas as pd

    if not path.exists():
        raise MissingInput(f"{path} not found: {missing_fix}")
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise FramingInputError(f"is not a readable CSV ({err})", file=path) from None
    absent = [c for c in columns if c not in table.columns]
    if absent:
        raise FramingInputError(
            f"lacks column(s) {', '.join(absent)}", file=path, fix=f"regenerate it: {missing_fix}"
        )
    if table.empty:
        raise FramingInputError("has no rows", file=path, fix=f"regenerate it: {missing_fix}")
    table["is_baseline"] = table["is_baseline"].astype(str).str.lower().isin(["true", "1"])
    return table


def model_runs(run_dirs: list[Path], model: str, task: str, gold: Gold):
    """The out-of-fold predictions of ``model`` on ``task``, all seeds pooled (one table)."""
    import pandas as pd

    from framing.runs.discover import find_runs

    absent = [d for d in run_dirs if not d.exists()]
    if absent:
        raise MissingInput(f"{absent[0]} not found: {RUN_SWEEP} (or pass --runs)")
    try:
        runs = find_runs(run_dirs)
    except FramingInputError as err:
        raise MissingInput(f"{err}: {RUN_SWEEP} (or pass --runs)") from None
    chosen = [r for r in runs if r.metrics["model"] == model and r.metrics["task"] == task]
    where = ", ".join(map(str, run_dirs))
    if not chosen:
        raise MissingInput(
            f"no run of model '{model}' on task '{task}' under {where}: {RUN_SWEEP}"
            f" (or `framing train task={task} model={model}` and --runs)"
        )
    seeds = [r.metrics["seed"] for r in chosen]
    if len(set(seeds)) != len(seeds):
        raise FramingInputError(
            f"several runs of {model} on {task} with the same seed under {where}",
            fix="pass the folder of one sweep with --runs",
        )
    labels = gold.schema.labels(task)
    gold_ids = set(gold.dataset["sentence_id"])
    for run in chosen:
        if run.metrics.get("data_sha256") != gold.sha256:
            raise FramingInputError(
                f"was trained on another version of {gold.file}",
                file=run.folder,
                fix=f"rerun the sweep on the current labelled set ({RUN_SWEEP})",
            )
        if list(run.metrics["labels"]) != labels or set(run.oof["sentence_id"]) != gold_ids:
            raise FramingInputError(
                "its labels or sentences differ from the gold set", file=run.folder
            )
    return pd.concat([r.oof for r in chosen], ignore_index=True), chosen[0].metrics["model_label"]


# ---------------------------------------------------------------------------- the figures
def figure_plan(args, gold: Gold) -> list[Figure]:
    """Every figure with a function that draws it to a stem (raising MissingInput if needed)."""
    from framing.figures.confusion import plot_confusion_matrix
    from framing.figures.cooccurrence import plot_frame_cooccurrence
    from framing.figures.label_f1 import plot_label_f1_heatmap
    from framing.figures.learning_curve import plot_learning_curve
    from framing.figures.model_comparison import plot_model_comparison
    from framing.figures.outlet_mix import gold_indicators, oof_indicators, plot_outlet_mix

    schema = gold.schema
    comparison_path = resolve_path(args.comparison)
    curve_path = resolve_path(args.learning_curve)
    run_dirs = [resolve_path(d) for d in args.runs]
    cache: dict = {}

    def comparison():
        if "comparison" not in cache:
            cache["comparison"] = read_table(comparison_path, COMPARISON_COLUMNS, RUN_SWEEP)
        return cache["comparison"]

    def runs(task):
        if task not in cache:
            cache[task] = model_runs(run_dirs, args.model, task, gold)
        return cache[task]

    def mix(task):
        def draw(stem):
            oof, label = runs(task)
            labels = schema.labels(task)
            return plot_outlet_mix(
                gold_indicators(gold.dataset, task, schema),
                oof_indicators(oof, labels),
                labels,
                schema.is_multi_label(task),
                stem,
                model_label=label,
                n_boot=args.bootstrap,
            )

        return draw

    def label_f1(task):
        return lambda stem: plot_label_f1_heatmap(comparison(), task, schema.labels(task), stem)

    def confusion(stem):
        oof, label = runs("stance")
        return plot_confusion_matrix(oof, schema.labels("stance"), stem, label)

    def curve(stem):
        fix = "run `framing learning-curve` first"
        return plot_learning_curve(read_table(curve_path, CURVE_COLUMNS, fix), stem)

    def cooccurrence(stem):
        gold_frames = gold_indicators(gold.dataset, "frames", schema)
        return plot_frame_cooccurrence(gold_frames, schema.labels("frames"), stem)

    return [
        Figure("framing_mix_frames", mix("frames")),
        Figure("framing_mix_stance", mix("stance")),
        Figure("model_comparison", lambda stem: plot_model_comparison(comparison(), stem)),
        Figure("f1_per_frame", label_f1("frames")),
        Figure("f1_per_stance_class", label_f1("stance")),
        Figure("frame_cooccurrence", cooccurrence),
        Figure("stance_confusion", confusion),
        Figure("learning_curve", curve),
    ]


def draw_all(args) -> int:
    gold = load_gold()
    out = Path(args.out)
    plan = figure_plan(args, gold)
    wanted = set(args.only or [])
    unknown = wanted - {f.stem for f in plan}
    if unknown:
        raise FramingInputError(
            f"unknown figure(s) {', '.join(sorted(unknown))}",
            field="--only",
            fix="valid: " + ", ".join(f.stem for f in plan),
        )
    plan = [f for f in plan if not wanted or f.stem in wanted]
    for figure in plan:  # refuse before drawing anything: no file is replaced that is not ours
        for suffix in (".pdf", ".png", ".csv"):
            check_file_replaceable(out / f"{figure.stem}{suffix}")
    skipped: dict[str, list[str]] = {}  # reason -> figures
    for figure in plan:
        try:
            result = figure.draw(out / figure.stem)
        except (MissingInput, FramingInputError) as err:
            skipped.setdefault(str(err), []).append(figure.stem)
            continue
        for problem in layout_problems(result.figure):
            print(f"warning: {figure.stem}: {problem}", file=sys.stderr)
        print(f"wrote {out / figure.stem}.pdf/.png/.csv")
    for reason, stems in skipped.items():
        print(f"skipped {', '.join(stems)}: {reason}", file=sys.stderr)
    n_skipped = sum(map(len, skipped.values()))
    if n_skipped:
        print(
            f"error: {n_skipped} of {len(plan)} figures not drawn: their inputs are missing"
            " (see the commands above)",
            file=sys.stderr,
        )
        return 2
    return 0


@command(__doc__)
@click.option(
    "--comparison", default="results/comparison/comparison.csv", show_default=True,
    metavar="FILE", help="comparison.csv of framing compare",
)  # fmt: skip
@click.option(
    "--runs", multiple=True, default=["results/multirun/full_comparison"], show_default=True,
    metavar="DIR", help="run folders or folders above them (repeatable)",
)  # fmt: skip
@click.option(
    "--model", default="embedding_lr", show_default=True,
    help="family whose out-of-fold predictions are shown",
)  # fmt: skip
@click.option(
    "--learning-curve", default="results/learning_curve/learning_curve.csv", show_default=True,
    metavar="FILE", help="learning_curve.csv of framing learning-curve",
)  # fmt: skip
@click.option(
    "--out", default="results/figures", show_default=True, metavar="DIR",
    help="the folder the figures are written into",
)  # fmt: skip
@click.option(
    "--bootstrap", type=int, default=1000, show_default=True, metavar="N",
    help="bootstrap replicates for the mixes",
)  # fmt: skip
@click.option("--only", multiple=True, metavar="STEM", help="draw only this figure (repeatable)")
def plot(**options) -> int:
    args = SimpleNamespace(**options)
    args.only = list(args.only) or None
    return run_command(lambda: draw_all(args))


def main(argv: list[str] | None = None) -> int:
    return invoke(plot, argv, "framing plot")


if __name__ == "__main__":
    sys.exit(main())
