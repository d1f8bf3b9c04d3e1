"""One training run: cross-validate a family on a task, then train it on all data.

``train_run(options, run_dir)`` takes the checked ``TrainOptions`` (``framing train`` builds
them from its config: ``framing.cli.options``; ``framing.train`` from Python arguments) and
writes into ``run_dir``:

    config.yaml           the config the run was given (resolved)
    metrics.json          macro/micro-F1 with 95% cluster-bootstrap intervals, per-label scores,
                          thresholds, per-fold sizes and timings, the data hash (written last)
    oof_predictions.csv   one row per sentence: fold, then true/proba/pred per label
    checkpoint/           the model trained on all data (skipped when eval.train_fraction < 1:
                          a learning-curve point is an evaluation, not a model to reuse)

The estimator is any unfitted ``FramingClassifier`` (a command builds it from the model
config); its ``labels`` are set from the study's schema. ``train_model`` computes, ``write_run``
writes.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone

from framing import evaluate as ev
from framing import progress
from framing.checkpoint import save_checkpoint, training_data_summary
from framing.data import TASKS, TaskData, load_labelled_set, task_data
from framing.errors import FramingInputError
from framing.faults import fault_point
from framing.io import sha256_file
from framing.models.base import FramingClassifier
from framing.outputs import (
    Kind,
    check_folder_target,
    finish_folder,
    output_file,
    publish_folder,
    published,
    staging_folder,
    write_text,
)
from framing.study import Study

log = logging.getLogger("framing.train")


# ---------------------------------------------------------------------------- what a run is
@dataclass(frozen=True)
class Evaluation:
    """How a run is evaluated: the ``eval`` section of the config, field for field
    (``framing/conf/eval/default.yaml`` says what each means)."""

    protocol: str = "grouped_kfold"
    n_folds: int | None = 5
    thresholds: str = "inner_cv"
    inner_folds: int = 3
    fixed: float = 0.5
    bootstrap: int = 1000
    level: float = 0.95
    train_fraction: float = 1.0

    def __post_init__(self) -> None:
        for name in ("fixed", "level", "train_fraction"):  # a config may give 1 for 1.0
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FramingInputError(f"must be a number, got {value!r}", field=name)
            object.__setattr__(self, name, float(value))
        choices = {"protocol": ev.PROTOCOLS, "thresholds": ev.THRESHOLD_MODES}
        for name, valid in choices.items():
            if getattr(self, name) not in valid:
                raise FramingInputError(
                    f"unknown {name} '{getattr(self, name)}'",
                    field=name,
                    fix=f"valid: {', '.join(valid)}",
                )
        if not 0 < self.train_fraction <= 1:
            raise FramingInputError(
                f"training fraction {self.train_fraction} is not in (0, 1]", field="train_fraction"
            )
        if not 0 < self.level < 1:
            raise FramingInputError(f"must be in (0, 1), got {self.level}", field="level")
        for name in ("n_folds", "inner_folds"):
            value = getattr(self, name)
            if value is None and name == "n_folds":  # leave-one-outlet-out: one fold per outlet
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                raise FramingInputError(
                    f"{name} must be a whole number of at least 2, got {value!r}",
                    field=name,
                    fix=f"{name}=5" if name == "n_folds" else f"{name}=3",
                )
        if self.bootstrap < 1:
            raise FramingInputError(f"must be at least 1, got {self.bootstrap}", field="bootstrap")


@dataclass(frozen=True)
class ModelChoice:
    """The family a run trains: its unfitted estimator, and how tables and figures name it."""

    estimator: FramingClassifier
    name: str = ""  # the model= choice; default: the estimator's family
    label: str = ""  # as tables and figures show it; default: the name
    is_baseline: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.estimator, FramingClassifier):
            raise FramingInputError(
                f"{type(self.estimator).__name__} is not a framing classifier", field="estimator"
            )
        object.__setattr__(self, "name", self.name or self.estimator.family)
        object.__setattr__(self, "label", self.label or self.name)


@dataclass(frozen=True)
class TrainOptions:
    """Everything a training run needs, checked: the study, the task, the model, how it is
    evaluated and the seed. ``config`` is the composed config a command was given (plain
    containers), recorded in the run folder and the checkpoint as it was."""

    study: Study
    task: str
    model: ModelChoice
    evaluation: Evaluation = field(default_factory=Evaluation)
    seed: int = 0
    config: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise FramingInputError(
                f"unknown task '{self.task}'", field="task", fix=f"valid: {', '.join(TASKS)}"
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise FramingInputError(f"must be a whole number, got {self.seed!r}", field="seed")


@dataclass
class LabelledTask:
    """A study's labelled set, loaded for one task."""

    dataset: Any  # datasets.Dataset
    data: TaskData
    file: Path


def load_task(study: Study, task: str) -> LabelledTask:
    data_file = study.path("sentences")
    dataset = load_labelled_set(data_file, schema=study.schema)
    return LabelledTask(dataset, task_data(dataset, task, study.schema), data_file)


@dataclass
class TrainResult:
    """A finished run: its metrics (metrics.json), out-of-fold predictions and final model
    (None for a learning-curve point, ``train_fraction`` < 1)."""

    metrics: dict
    oof: Any  # pandas.DataFrame, the oof_predictions.csv table
    model: FramingClassifier | None
    task: LabelledTask


# ---------------------------------------------------------------------------- computing
def train_model(options: TrainOptions) -> TrainResult:
    """Cross-validate the model on the task, then fit it on every sentence (see the module
    docstring); nothing is written."""
    start = time.perf_counter()
    task = load_task(options.study, options.task)
    data, e = task.data, options.evaluation
    # a clone: the caller's estimator stays unfitted, as scikit-learn's helpers leave it
    estimator = clone(options.model.estimator).set_params(labels=list(data.labels))
    log.info(
        "%s on %s: %d sentences; labels %s",
        options.model.name,
        data.task,
        len(data),
        ", ".join(data.labels),
    )
    result = ev.cross_validate(
        estimator,
        data,
        protocol=e.protocol,
        n_folds=e.n_folds,
        seed=options.seed,
        thresholds=e.thresholds,
        inner_folds=e.inner_folds,
        fixed=e.fixed,
        train_fraction=e.train_fraction,
    )
    evaluated = time.perf_counter()
    final = None
    if e.train_fraction == 1:
        with progress.task("final model", total=1, unit="fits") as fitting:
            final = fit_final_model(estimator, data, result, e)
            fitting.advance()
    trained = time.perf_counter()
    metrics = run_metrics(options, task, result, final)
    metrics["wall_time_s"] = {
        "train": trained - evaluated,
        "evaluate": evaluated - start,
        "total": time.perf_counter() - start,
    }
    if metrics["thresholds"]:  # multi-label: the decision threshold of each label
        log.info(
            "final thresholds: %s",
            ", ".join(f"{label} {cut:.2f}" for label, cut in metrics["thresholds"].items()),
        )
    log.info(
        "macro-F1 %s, micro-F1 %s (%s)",
        ev.interval_text(metrics["macro_f1"]),
        ev.interval_text(metrics["micro_f1"]),
        metrics["interval"],
    )
    oof = ev.oof_predictions(data, result, options.seed, task.dataset["article_id"])
    return TrainResult(metrics, oof, final, task)


def fit_final_model(estimator, data: TaskData, result, evaluation: Evaluation):
    """The model on every sentence; multi-label thresholds from the out-of-fold probabilities
    (inner_cv: a cross-validation over all data) or the fixed value."""
    final = estimator.fit(data.texts, data.targets())
    if data.multi_label:
        truth = ev.indicator_matrix(data.y, data.multi_label, len(data.labels))
        final.set_thresholds(
            ev.best_thresholds(truth, result.proba)
            if evaluation.thresholds == "inner_cv"
            else np.full(truth.shape[1], evaluation.fixed)
        )
    return final


def run_metrics(options: TrainOptions, task: LabelledTask, result, final) -> dict:
    """metrics.json, without the wall times."""
    data, e = task.data, options.evaluation
    truth = ev.indicator_matrix(data.y, data.multi_label, len(data.labels))
    point = ev.scores(truth, result.pred, data.labels)
    interval = ev.cluster_bootstrap(
        truth, result.pred, data.groups, e.bootstrap, options.seed, e.level
    )
    thresholds = None
    if final is not None and data.multi_label:
        thresholds = dict(zip(data.labels, map(float, final.thresholds_), strict=True))
    return {
        "task": data.task,
        "model": options.model.name,
        "model_label": options.model.label,
        "is_baseline": bool(options.model.is_baseline),
        "seed": int(options.seed),
        "protocol": e.protocol,
        "n_folds": len(result.fold_thresholds),
        "n_sentences": len(data),
        "train_fraction": float(e.train_fraction),
        "labels": data.labels,
        "macro_f1": interval["macro_f1"],
        "micro_f1": interval["micro_f1"],
        "interval": ev.interval_description(e.bootstrap, 1, e.level),
        "per_label": point["per_label"],
        "thresholds": thresholds,
        "folds": result.folds,
        "wall_time_s": None,
        "data_sha256": sha256_file(task.file),
        "optimized_metric": "macro_f1",
    }


# ---------------------------------------------------------------------------- writing
def write_run(result: TrainResult, options: TrainOptions, run_dir: Path) -> None:
    """The run folder (see the module docstring); metrics.json last."""
    with output_file(run_dir / "oof_predictions.csv", Kind.RUN) as tmp:
        result.oof.to_csv(tmp, index=False)
    if result.model is not None:
        save_checkpoint(
            result.model,
            run_dir / "checkpoint",
            schema=options.study.schema,
            task=options.task,
            config=recorded_config(options),
            data_sha256=result.metrics["data_sha256"],
            metrics=result.metrics,
            training_data=training_data_summary(
                result.task.dataset, result.task.file, options.study.root
            ),
            study=options.study,
            shown_as=published(run_dir / "checkpoint"),
        )
    fault_point("train.outputs")  # some outputs written, metrics.json not yet
    write_text(run_dir / "config.yaml", config_yaml(options), Kind.RUN)
    write_text(run_dir / "metrics.json", json.dumps(result.metrics, indent=2) + "\n", Kind.RUN)


def config_yaml(options: TrainOptions) -> str:
    """The run's config.yaml: the config as composed (``framing train``), or for a run from
    Python the same sections built from its options (the comparison pools runs by them)."""
    from omegaconf import OmegaConf

    return OmegaConf.to_yaml(OmegaConf.create(dict(recorded_config(options))))


def recorded_config(options: TrainOptions) -> Mapping[str, Any]:
    if options.config is not None:
        return options.config
    estimator = options.model.estimator
    return {
        "study": options.study.config,
        "task": {"name": options.task},
        "model": {
            "name": options.model.name,
            "label": options.model.label,
            "is_baseline": options.model.is_baseline,
            "estimator": {
                "_target_": f"{type(estimator).__module__}.{type(estimator).__qualname__}",
                **{k: v for k, v in estimator.get_params(deep=False).items() if k != "labels"},
            },
        },
        "eval": asdict(options.evaluation),
        "seed": options.seed,
    }


def train_run(options: TrainOptions, run_dir: Path) -> float:
    """Train (``train_model``), write the run folder; returns the mean macro-F1 (what a
    Hydra sweeper optimises)."""
    fault_point("train.start")
    result = train_model(options)
    write_run(result, options, run_dir)
    log.info("wrote %s", published(run_dir))
    return result.metrics["macro_f1"]["mean"]


def discard_run(run_dir: Path) -> None:
    """Remove a failed run's folder. ``framing train`` always runs in a fresh folder of its
    own (``staged_runs``), so nothing else is in it; Hydra's log file is closed first."""
    import shutil

    for handler in list(logging.getLogger().handlers):  # let go of RUN/train.log
        if (
            isinstance(handler, logging.FileHandler)
            and Path(handler.baseFilename).parent == run_dir
        ):
            handler.close()
            logging.getLogger().removeHandler(handler)
    shutil.rmtree(run_dir, ignore_errors=True)


def is_finished(folder: Path) -> bool:
    """A run folder is finished once its metrics.json exists (``train_run`` writes it last)."""
    return (folder / "metrics.json").is_file()


@contextmanager
def staged_runs(target: str | Path, multirun: bool = False) -> Iterator[Path]:
    """Where Hydra should write a run (``hydra.run.dir``) or a sweep (``hydra.sweep.dir``):
    a locked staging folder beside ``target`` (``framing.outputs``).

    Each *finished* run moves into ``target``, replacing the earlier run of the same name —
    a sweep's runs as each finishes (``publish_run``), a single run when the command ends;
    an unfinished one (bad input, a crash, Ctrl-C, SIGTERM) is removed with the Hydra files
    describing it. So a failing rerun into an existing run folder loses nothing, and a killed
    one leaves no stub folder (a SIGKILLed one leaves a staging folder that the next run
    into ``target`` clears). ``target`` must be absent or an earlier run (sweep) that
    framing wrote whole. Where a staged run will end up is in the staging folder's marker
    (``framing.outputs.published``), so a sweep's worker processes find it too."""
    kind, what = (Kind.SWEEP, "sweep folder") if multirun else (Kind.RUN, "run folder")
    check_folder_target(target, kind, what=what)
    with staging_folder(target) as staging:
        try:
            yield staging.path
        finally:
            _close_logs_under(staging.path)
            _move_finished(staging, multirun, what)


def publish_run(run_dir: Path) -> None:
    """Move one finished run of a staged sweep into the sweep folder now, so a sweep killed
    later (even by SIGKILL) keeps it where ``framing compare`` finds it."""
    target = published(run_dir)
    if target == run_dir.absolute() or not is_finished(run_dir):
        return
    _close_logs_under(run_dir)
    publish_folder(run_dir, target, Kind.RUN, part_of=Kind.SWEEP)


def _close_logs_under(folder: Path) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename).is_relative_to(
            folder.absolute()
        ):
            handler.close()
            root.removeHandler(handler)


def _move_finished(staging, multirun: bool, what: str) -> None:
    """Move finished runs (and, for a sweep, Hydra's files beside them) from the staging
    folder into its target."""
    stage, target = staging.path, staging.target
    if not multirun:
        if is_finished(stage):
            finish_folder(staging, Kind.RUN, what=what)
        return
    runs = [p for p in stage.iterdir() if p.is_dir() and (p / ".hydra").exists()]
    for run in runs:
        if is_finished(run):  # normally moved already, as it finished (publish_run)
            publish_run(run)
    if not target.exists():  # no run of this sweep finished
        return
    for entry in sorted(set(stage.iterdir()) - set(runs)):  # multirun.yaml, .submitit/
        if entry.name.startswith(".framing-"):
            continue  # the staging folder's own marker and lock
        publish_folder(entry, target / entry.name, Kind.SWEEP, part_of=Kind.SWEEP)
