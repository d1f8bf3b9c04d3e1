"""One training run: cross-validate a family on a task, then train it on all data.

``train_run(cfg, run_dir)`` takes a composed training config (``framing/conf/train.yaml``
with the study's ``conf/`` first on the search path) and writes into ``run_dir``:

    config.yaml           the resolved config
    metrics.json          macro/micro-F1 with 95% cluster-bootstrap intervals, per-label scores,
                          thresholds, per-fold sizes and timings, the data hash (written last)
    oof_predictions.csv   one row per sentence: fold, then true/proba/pred per label
    checkpoint/           the model trained on all data (skipped when eval.train_fraction < 1:
                          a learning-curve point is an evaluation, not a model to reuse)

The estimator is ``hydra.utils.instantiate(cfg.model.estimator)``: a scikit-learn estimator
whose parameters come from the model config, with ``labels`` set from the study's schema.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from framing.errors import FramingInputError
from framing.faults import fault_point
from framing.io import sha256_file
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

log = logging.getLogger("framing.train")

#: config values a training run needs (checked before any work, one error line each)
REQUIRED_KEYS = (
    "seed", "study.name", "study.sentences", "study.schema", "task.name", "model.name",
    "model.label", "model.is_baseline", "model.estimator", "eval.protocol", "eval.thresholds",
    "eval.inner_folds", "eval.fixed", "eval.bootstrap", "eval.level", "paths.cache_dir",
)  # fmt: skip


def check_train_config(cfg) -> None:
    from omegaconf import OmegaConf

    from framing.study import NO_STUDY_FIX, find_study_root
    from framing.study.config import check_required

    if OmegaConf.select(cfg, "study.name") is None and find_study_root() is None:
        raise FramingInputError("no study folder found", fix=NO_STUDY_FIX)
    check_required(cfg, REQUIRED_KEYS)


def build_estimator(model_cfg, labels: list[str]):
    """The unfitted estimator of a model config, labels in the schema's order."""
    import hydra.utils
    from hydra.errors import InstantiationException

    from framing.models import FramingClassifier, require_extra

    require_extra(str(model_cfg.name))
    try:
        estimator = hydra.utils.instantiate(model_cfg.estimator, _convert_="all")
    except InstantiationException as err:
        cause = err.__cause__
        if isinstance(cause, FramingInputError):
            raise cause from None
        raise FramingInputError(
            f"cannot build the model ({' '.join(str(err).split())})", field="model.estimator"
        ) from None
    if not isinstance(estimator, FramingClassifier):
        raise FramingInputError(
            f"{type(estimator).__name__} is not a framing classifier",
            field="model.estimator._target_",
        )
    return estimator.set_params(labels=list(labels))


def load_task(cfg):
    """(study, schema, labelled Dataset, TaskData, data file) of a training config."""
    from framing.data import load_labelled_set, task_data
    from framing.study import study_from_config

    study = study_from_config(cfg.study)
    schema = study.schema
    data_file = study.path("sentences")
    dataset = load_labelled_set(data_file, schema=schema)
    return study, schema, dataset, task_data(dataset, cfg.task.name, schema), data_file


def train_run(cfg, run_dir: Path) -> float:
    """Cross-validate, fit the final model, write the run folder; return the mean macro-F1."""
    from omegaconf import OmegaConf

    from framing import evaluate as ev

    start = time.perf_counter()
    check_train_config(cfg)
    fault_point("train.start")
    study, schema, dataset, data, data_file = load_task(cfg)
    estimator = build_estimator(cfg.model, data.labels)
    log.info("%s on %s: %d sentences, labels %s", cfg.model.name, data.task, len(data), data.labels)

    e = cfg.eval
    fraction = float(e.get("train_fraction", 1.0))
    result = ev.cross_validate(
        estimator, data, protocol=e.protocol, n_folds=e.n_folds, seed=cfg.seed,
        thresholds=e.thresholds, inner_folds=e.inner_folds, fixed=e.fixed,
        train_fraction=fraction,
    )  # fmt: skip
    truth = ev.indicator_matrix(data.y, data.multi_label, len(data.labels))
    point = ev.scores(truth, result.pred, data.labels)
    interval = ev.cluster_bootstrap(truth, result.pred, data.groups, e.bootstrap, cfg.seed, e.level)
    evaluated = time.perf_counter()

    final, thresholds = None, None
    if fraction == 1:
        final = estimator.fit(data.texts, data.targets())
        if data.multi_label:  # inner_cv: from the out-of-fold probabilities, a CV over all data
            tuned = e.thresholds == "inner_cv"
            final.set_thresholds(
                ev.best_thresholds(truth, result.proba)
                if tuned
                else np.full(truth.shape[1], e.fixed)
            )
            thresholds = dict(zip(data.labels, map(float, final.thresholds_), strict=True))
    trained = time.perf_counter()

    metrics = {
        "task": data.task,
        "model": cfg.model.name,
        "model_label": cfg.model.label,
        "is_baseline": bool(cfg.model.is_baseline),
        "seed": int(cfg.seed),
        "protocol": e.protocol,
        "n_folds": len(result.fold_thresholds),
        "n_sentences": len(data),
        "train_fraction": fraction,
        "labels": data.labels,
        "macro_f1": interval["macro_f1"],
        "micro_f1": interval["micro_f1"],
        "interval": ev.interval_description(e.bootstrap, 1, e.level),
        "per_label": point["per_label"],
        "thresholds": thresholds,
        "folds": result.folds,
        "wall_time_s": {
            "train": trained - evaluated,
            "evaluate": evaluated - start,
            "total": time.perf_counter() - start,
        },
        "data_sha256": sha256_file(data_file),
        "optimized_metric": "macro_f1",
    }
    log.info("fold thresholds: %s; final thresholds: %s", result.fold_thresholds, thresholds)
    log.info("macro-F1 %s, micro-F1 %s", metrics["macro_f1"], metrics["micro_f1"])

    oof = ev.oof_predictions(data, result, int(cfg.seed), dataset["article_id"])
    with output_file(run_dir / "oof_predictions.csv", Kind.RUN) as tmp:
        oof.to_csv(tmp, index=False)
    if final is not None:
        save_final_checkpoint(
            final, run_dir / "checkpoint", cfg, study, dataset, data_file, metrics
        )
    fault_point("train.outputs")  # some outputs written, metrics.json not yet
    write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True), Kind.RUN)
    write_text(run_dir / "metrics.json", json.dumps(metrics, indent=2) + "\n", Kind.RUN)  # last
    log.info("wrote %s", published(run_dir))
    return metrics["macro_f1"]["mean"]


def save_final_checkpoint(model, folder, cfg, study, dataset, data_file, metrics) -> None:
    from omegaconf import OmegaConf

    from framing.checkpoint import save_checkpoint, training_data_summary

    save_checkpoint(
        model, folder, schema=study.schema, task=cfg.task.name,
        config=OmegaConf.to_container(cfg, resolve=True), data_sha256=metrics["data_sha256"],
        metrics=metrics, training_data=training_data_summary(dataset, data_file),
        study=study, shown_as=published(Path(folder)),
    )  # fmt: skip


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
