"""Cross-validate one classifier family on one task, then train it on all data.

    python -m framing.train                                    # tfidf_lr on frames, seed 0
    python -m framing.train task=stance model=majority eval=loo_outlet seed=1
    python -m framing.train -m +experiment=full_comparison     # every family x task x seed

RUN (= hydra.run.dir) receives config.yaml (resolved), metrics.json (macro/micro-F1 with 95%
cluster-bootstrap intervals, per-label scores, thresholds, timings), oof_predictions.csv (one
row per sentence: fold, then true/proba/pred per label), checkpoint/ (the model trained on all
data) and train.log. A run that fails leaves none of them: the folder is removed if this run
created it. Bad input prints one ``error: ...`` line and exits with 2.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import hydra
import hydra.errors
import numpy as np
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, MissingMandatoryValue

from framing import evaluate as ev
from framing.data import load_labelled_set, task_data
from framing.errors import FramingInputError
from framing.io import atomic_path, atomic_write_text
from framing.paths import PROJECT_ROOT, resolve_path
from framing.schema import LabelSchema

log = logging.getLogger("framing.train")
CONF_DIR = PROJECT_ROOT / "conf"
MODEL_META_KEYS = ("name", "label", "is_baseline")  # ours, not the class's parameters
HYDRA_FILES = {".hydra", "train.log"}  # what Hydra puts in RUN before our code starts
REQUIRED_KEYS = (
    "seed", "data.name", "data.sentences", "data.schema", "task.name", "task.multi_label",
    "model.name", "model.label", "model.is_baseline", "eval.protocol", "eval.thresholds",
    "eval.inner_folds", "eval.fixed", "eval.bootstrap", "eval.level", "paths.cache_dir",
)  # fmt: skip


class JobFailed(hydra.errors.CompactHydraException):
    """A sweep job stopped by bad input: Hydra prints this one line, not a traceback."""


def model_factory(cfg: DictConfig, schema: LabelSchema):
    """A function that builds a fresh, unfitted model (one per fold) from ``cfg.model``."""
    params = {k: v for k, v in OmegaConf.to_container(cfg.model, resolve=True).items()}
    for key in MODEL_META_KEYS:
        params.pop(key, None)
    if "_target_" not in params:
        raise FramingInputError("the model config has no _target_", field="model._target_")
    try:
        accepted = inspect.signature(hydra.utils.get_class(params["_target_"])).parameters
    except ImportError as err:
        raise FramingInputError(
            f"cannot import {params['_target_']}: {err}", field="model"
        ) from None
    extra = {}
    if "codebook" in accepted:  # lexicon / zero-shot read the codebook of the data's schema
        defs = schema.definitions(cfg.task.name).values()
        extra["codebook"] = {
            d.name: {"description": d.description, "cues": list(d.cues)} for d in defs
        }
    if "cache_dir" in accepted and "cache_dir" not in params:
        extra["cache_dir"] = str(resolve_path(cfg.paths.cache_dir))
    for key in ("random_state", "seed"):  # the run's seed reaches the model unless pinned
        if key in accepted and key not in params:
            extra[key] = int(cfg.seed)
    return lambda: hydra.utils.instantiate(params, _convert_="all", **extra)


def check_config(cfg: DictConfig) -> None:
    """Every value resolves and none that a run needs is missing (``???``) or null."""
    OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    for key in REQUIRED_KEYS:
        if OmegaConf.select(cfg, key) is None:
            raise missing_value(key)


def missing_value(key: str) -> FramingInputError:
    return FramingInputError(
        "missing config value", field=key, fix=f"set it on the command line: {key}=..."
    )


def train(cfg: DictConfig, run_dir: Path) -> float:
    start = time.perf_counter()
    check_config(cfg)
    schema = LabelSchema.from_dict(OmegaConf.to_container(cfg.data.schema), f"data={cfg.data.name}")
    data_file = resolve_path(cfg.data.sentences)
    dataset = load_labelled_set(data_file, schema=schema)
    data = task_data(dataset, cfg.task.name, schema)
    if bool(cfg.task.multi_label) != data.multi_label:
        raise FramingInputError(
            f"task.multi_label={cfg.task.multi_label} contradicts the schema", field="task"
        )
    make_model = model_factory(cfg, schema)
    log.info("%s on %s: %d sentences, labels %s", cfg.model.name, data.task, len(data), data.labels)

    e = cfg.eval
    result = ev.cross_validate(
        make_model, data, protocol=e.protocol, n_folds=e.n_folds, seed=cfg.seed,
        thresholds=e.thresholds, inner_folds=e.inner_folds, fixed=e.fixed,
    )  # fmt: skip
    truth = ev.indicator_matrix(data.y, data.multi_label, len(data.labels))
    point = ev.scores(truth, result.pred, data.labels)
    interval = ev.cluster_bootstrap(truth, result.pred, data.groups, e.bootstrap, cfg.seed, e.level)
    evaluated = time.perf_counter()

    final = make_model().fit(data.texts, data.y, data.labels, data.multi_label)
    thresholds = None
    if data.multi_label:  # inner_cv: from the out-of-fold probabilities, a CV over all data
        tuned = e.thresholds == "inner_cv"
        final.set_thresholds(
            ev.best_thresholds(truth, result.proba) if tuned else np.full(truth.shape[1], e.fixed)
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
        "labels": data.labels,
        "macro_f1": interval["macro_f1"],
        "micro_f1": interval["micro_f1"],
        "interval": ev.interval_description(e.bootstrap, 1, e.level),
        "per_label": point["per_label"],
        "thresholds": thresholds,
        "wall_time_s": {
            "train": trained - evaluated,
            "evaluate": evaluated - start,
            "total": time.perf_counter() - start,
        },
        "data_sha256": hashlib.sha256(data_file.read_bytes()).hexdigest(),
        "optimized_metric": "macro_f1",
    }
    log.info("fold thresholds: %s; final thresholds: %s", result.fold_thresholds, thresholds)
    log.info("macro-F1 %s, micro-F1 %s", metrics["macro_f1"], metrics["micro_f1"])

    oof = ev.oof_predictions(data, result, int(cfg.seed), dataset["article_id"])
    with atomic_path(run_dir / "oof_predictions.csv") as tmp:
        oof.to_csv(tmp, index=False)
    save_final_checkpoint(final, run_dir / "checkpoint", cfg, schema, dataset, data_file, metrics)
    atomic_write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))
    atomic_write_text(run_dir / "metrics.json", json.dumps(metrics, indent=2) + "\n")  # last
    log.info("wrote %s", run_dir)
    return metrics["macro_f1"]["mean"]


def save_final_checkpoint(model, folder, cfg, schema, dataset, data_file, metrics) -> None:
    from framing.checkpoint import save_checkpoint, training_data_summary

    save_checkpoint(
        model, folder, schema=schema, task=cfg.task.name,
        config=OmegaConf.to_container(cfg, resolve=True), data_sha256=metrics["data_sha256"],
        metrics=metrics, training_data=training_data_summary(dataset, data_file),
    )  # fmt: skip


def input_error_message(err: BaseException) -> str | None:
    """The one-line message for bad input (None: a bug, let the traceback show)."""
    if isinstance(err, FramingInputError):
        return str(err)
    if isinstance(err, MissingMandatoryValue | ConfigKeyError | ConfigAttributeError):
        return str(missing_value(err.full_key or str(err.key)))
    if isinstance(err, hydra.errors.MissingConfigException) and err.options:
        group, _, choice = str(err.missing_cfg_file).rpartition("/")
        return f"unknown {group} '{choice}' (valid choices: {', '.join(err.options)})"
    if isinstance(err, hydra.errors.HydraException):
        return " ".join(str(err).split("Set the environment variable")[0].split())
    return None


def discard_run(run_dir: Path, created_here: bool) -> None:
    """Remove this run's outputs: the whole folder if this run created it."""
    for handler in list(logging.getLogger().handlers):  # let go of RUN/train.log
        if (
            isinstance(handler, logging.FileHandler)
            and Path(handler.baseFilename).parent == run_dir
        ):
            handler.close()
            logging.getLogger().removeHandler(handler)
    if created_here:
        shutil.rmtree(run_dir, ignore_errors=True)
        return
    for name in ("metrics.json", "config.yaml", "oof_predictions.csv", "checkpoint"):
        path = run_dir / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)


@hydra.main(config_path="../conf", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> float:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    created_here = {p.name for p in run_dir.iterdir()} <= HYDRA_FILES
    try:
        return train(cfg, run_dir)
    except BaseException as err:
        discard_run(run_dir, created_here)
        message = input_error_message(err)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        if hydra_cfg.mode == RunMode.MULTIRUN:  # the other jobs still run; Hydra reports at the end
            raise JobFailed(f"{run_dir.name}: {message}") from None
        sys.exit(2)


def check_overrides(argv: list[str]) -> None:
    """Compose a single run's config before Hydra starts, so a bad choice or a missing value
    is one ``error:`` line and exit code 2 rather than Hydra's multi-line report."""
    if any(arg.startswith("-") for arg in argv):  # --multirun, --cfg, --help: Hydra's business
        return
    from hydra import compose, initialize_config_dir

    try:
        with initialize_config_dir(str(CONF_DIR), version_base="1.3", job_name="train"):
            check_config(compose("config", overrides=argv))
    except Exception as err:
        message = input_error_message(err)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    check_overrides(sys.argv[1:])
    main()
