"""Every figure of a study's paper, redrawn from its results (``framing plot``).

Inputs (each figure is drawn if its inputs exist; the others are listed with the command that
makes them, and ``draw_figures`` then reports them as skipped):
  the gold set                          the study's (conf/study.yaml: sentences, schema)
  comparison.csv                        ``framing compare`` over the comparison sweep
  run folders (the comparison sweep)    ``framing train -m ...``: the out-of-fold predictions
                                        of the shown family, and per-label F1 intervals
  learning_curve.csv                    ``framing learning-curve``

The advice names ``framing`` commands only, so it works in any study folder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from framing.data import load_labelled_set
from framing.errors import FramingInputError
from framing.figures.confusion import plot_confusion_matrix
from framing.figures.cooccurrence import plot_frame_cooccurrence
from framing.figures.label_f1 import plot_label_f1_heatmap
from framing.figures.learning_curve import CURVE_COLUMNS, plot_learning_curve
from framing.figures.model_comparison import plot_model_comparison
from framing.figures.outlet_mix import gold_indicators, oof_indicators, plot_outlet_mix
from framing.figures.style import FigureFiles, figure_width, layout_problems
from framing.io import sha256_file
from framing.outputs import Kind, check_file_target
from framing.report.plot_options import PlotOptions
from framing.runs.comparison import label_f1_table, split_protocols
from framing.runs.discover import find_runs
from framing.study import load_study, resolve_path

log = logging.getLogger(__name__)

COMPARISON_COLUMNS = [
    "task",
    "model",
    "model_label",
    "is_baseline",
    "n_seeds",
    "n_sentences",
    "macro_f1",
    "macro_f1_low",
    "macro_f1_high",
]
#: how far a per-label F1 recomputed from the run folders may sit from comparison.csv's
#: (which is written with 4 decimals): more means the runs are not the ones compared
F1_TOLERANCE = 1e-3


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


@dataclass
class Outcome:
    """What ``draw_figures`` did: files written, warnings, and skipped figures by reason."""

    written: list[FigureFiles] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    n_planned: int = 0


def sweep_advice(options: PlotOptions) -> str:
    """The commands that make the comparison inputs, with this call's own paths."""
    sweep = options.runs[0]
    out = Path(options.comparison).parent
    return (
        f"run the comparison sweep: `framing train -m +experiment=full_comparison "
        f"hydra.sweep.dir={sweep}` (or `framing train -m task=frames,stance "
        f"model=tfidf_lr,embedding_lr seed=0,1,2 hydra.sweep.dir={sweep}` for some families), "
        f"then `framing compare {sweep} --out {out}`"
    )


# ---------------------------------------------------------------------------- inputs
def load_gold() -> Gold:
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


def all_runs(run_dirs: list[Path], advice: str) -> list:
    """Every finished run under the run folders (MissingInput when there is none)."""
    absent = [d for d in run_dirs if not d.exists()]
    if absent:
        raise MissingInput(f"{absent[0]} not found: {advice} (or pass --runs)")
    try:
        return find_runs(run_dirs)
    except FramingInputError as err:
        raise MissingInput(f"{err}: {advice} (or pass --runs)") from None


def model_runs(runs: list, model: str, task: str, gold: Gold, where: str, advice: str):
    """The out-of-fold predictions of ``model`` on ``task``, all seeds pooled (one table)."""
    import pandas as pd

    chosen = [r for r in runs if r.metrics["model"] == model and r.metrics["task"] == task]
    if not chosen:
        raise MissingInput(
            f"no run of model '{model}' on task '{task}' under {where}: {advice}"
            f" (or `framing train task={task} model={model}` and --runs)"
        )
    seeds = [r.metrics["seed"] for r in chosen]
    if len(set(seeds)) != len(seeds):
        raise FramingInputError(
            f"several runs of {model} on {task} with the same seed under {where}",
            fix="pass the folder of one sweep with --runs",
        )
    check_runs_match_gold(chosen, task, gold)
    return pd.concat([r.oof for r in chosen], ignore_index=True), chosen[0].metrics["model_label"]


def check_runs_match_gold(runs: list, task: str, gold: Gold) -> None:
    labels = gold.schema.labels(task)
    gold_ids = set(gold.dataset["sentence_id"])
    for run in runs:
        if run.metrics.get("data_sha256") != gold.sha256:
            raise FramingInputError(
                f"was trained on another version of {gold.file}",
                file=run.folder,
                fix="rerun the sweep on the current labelled set",
            )
        if list(run.metrics["labels"]) != labels or set(run.oof["sentence_id"]) != gold_ids:
            raise FramingInputError(
                "its labels or sentences differ from the gold set", file=run.folder
            )


def label_intervals(runs: list, comparison, task: str, gold: Gold, n_boot: int, warn):
    """Per-label F1 intervals of the comparison's families on ``task`` from their runs (only
    the grouped-CV runs the comparison table holds). A family without runs gets none, and a
    warning; runs whose F1 differs from comparison.csv are refused (not the runs compared)."""
    rows = comparison[comparison["task"] == task]
    task_runs = [r for r in runs if r.metrics["task"] == task]
    if task_runs:
        task_runs = split_protocols(task_runs)[0]
    wanted = set(rows["model"])
    chosen = [r for r in task_runs if r.metrics["model"] in wanted]
    check_runs_match_gold(chosen, task, gold)
    table = label_f1_table(chosen, n_boot=n_boot) if chosen else None
    without = sorted(wanted - {r.metrics["model"] for r in chosen})
    if without:
        warn(
            f"no run folders of {', '.join(without)} on {task}: their F1 is shown without an "
            "interval"
        )
    if table is None:
        return None
    for row in table.itertuples():
        listed = rows.loc[rows["model"] == row.model, f"f1:{row.label}"].iloc[0]
        if abs(float(listed) - row.f1) > F1_TOLERANCE:
            raise FramingInputError(
                f"F1 of {row.model} on {row.label} is {row.f1:.4f} in the run folders but "
                f"{float(listed):.4f} in the comparison table: they are not the runs compared",
                fix="pass the sweep the comparison was made from with --runs, or rerun "
                "`framing compare` over these runs",
            )
    return table


# ---------------------------------------------------------------------------- the figures
def figure_plan(options: PlotOptions, gold: Gold, warn: Callable[[str], None]) -> list[Figure]:
    """Every figure with a function that draws it to a stem (raising MissingInput if needed)."""
    schema = gold.schema
    width = options.width
    comparison_path = resolve_path(options.comparison)
    curve_path = resolve_path(options.learning_curve)
    run_dirs = [resolve_path(d) for d in options.runs]
    where = ", ".join(map(str, run_dirs))
    advice = sweep_advice(options)
    cache: dict = {}

    def comparison():
        if "comparison" not in cache:
            cache["comparison"] = read_table(comparison_path, COMPARISON_COLUMNS, advice)
        return cache["comparison"]

    def runs():
        if "runs" not in cache:
            cache["runs"] = all_runs(run_dirs, advice)
        return cache["runs"]

    def shown(task):
        if task not in cache:
            cache[task] = model_runs(runs(), options.model, task, gold, where, advice)
        return cache[task]

    def mix(task):
        def draw(stem):
            oof, label = shown(task)
            labels = schema.labels(task)
            return plot_outlet_mix(
                gold_indicators(gold.dataset, task, schema),
                oof_indicators(oof, labels),
                labels,
                schema.is_multi_label(task),
                stem,
                model_label=label,
                n_boot=options.bootstrap,
                width=width,
            )

        return draw

    def label_f1(task):
        def draw(stem):
            table = comparison()
            try:
                found = runs()
            except MissingInput as err:
                warn(f"per-label F1 without intervals: {err}")
                found = []
            intervals = label_intervals(found, table, task, gold, options.bootstrap, warn)
            return plot_label_f1_heatmap(
                table, task, schema.labels(task), stem, intervals=intervals, width=width
            )

        return draw

    def confusion(stem):
        oof, label = shown("stance")
        return plot_confusion_matrix(oof, schema.labels("stance"), stem, label, width=width)

    def curve(stem):
        fix = "run `framing learning-curve` first"
        table = read_table(curve_path, CURVE_COLUMNS, fix)
        return plot_learning_curve(table, stem, width=width)

    def cooccurrence(stem):
        gold_frames = gold_indicators(gold.dataset, "frames", schema)
        return plot_frame_cooccurrence(gold_frames, schema.labels("frames"), stem, width=width)

    return [
        Figure("framing_mix_frames", mix("frames")),
        Figure("framing_mix_stance", mix("stance")),
        Figure(
            "model_comparison",
            lambda stem: plot_model_comparison(comparison(), stem, width=width),
        ),
        Figure("f1_per_frame", label_f1("frames")),
        Figure("f1_per_stance_class", label_f1("stance")),
        Figure("frame_cooccurrence", cooccurrence),
        Figure("stance_confusion", confusion),
        Figure("learning_curve", curve),
    ]


def draw_figures(options: PlotOptions, progress: Callable[[str], None] = log.info) -> Outcome:
    """Draw the planned figures into ``options.out``; ``progress`` gets one line per figure
    (``framing plot`` prints them); warnings and skipped figures are in the outcome."""
    if options.width is not None:
        try:
            figure_width(options.width)
        except ValueError as err:
            raise FramingInputError(str(err), field="--width") from None
    gold = load_gold()
    out = Path(options.out)
    outcome = Outcome()
    current: list[str] = []
    plan = figure_plan(options, gold, lambda text: outcome.warnings.append(f"{current[0]}: {text}"))
    wanted = set(options.only or [])
    unknown = wanted - {f.stem for f in plan}
    if unknown:
        raise FramingInputError(
            f"unknown figure(s) {', '.join(sorted(unknown))}",
            field="--only",
            fix="valid: " + ", ".join(f.stem for f in plan),
        )
    plan = [f for f in plan if not wanted or f.stem in wanted]
    outcome.n_planned = len(plan)
    for figure in plan:  # refuse before drawing anything: no file is replaced that is not ours
        for suffix in (".pdf", ".png", ".csv"):
            check_file_target(out / f"{figure.stem}{suffix}", Kind.FIGURE)
    for figure in plan:
        current[:] = [figure.stem]
        try:
            result = figure.draw(out / figure.stem)
        except (MissingInput, FramingInputError) as err:
            outcome.skipped.setdefault(str(err), []).append(figure.stem)
            continue
        outcome.written.append(result)
        for problem in layout_problems(result.figure):
            outcome.warnings.append(f"{figure.stem}: {problem}")
        progress(f"wrote {out / figure.stem}.pdf/.png/.csv")
    return outcome
