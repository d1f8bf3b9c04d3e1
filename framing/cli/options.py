"""The config boundary: a composed Hydra config in, typed options out.

``framing train`` and ``framing predict`` compose their config (the package's defaults, the
study's ``conf/`` first, the command line's ``key=value``); here it becomes the
``TrainOptions`` / ``PredictOptions`` the library takes: required values checked, paths
resolved (against the working directory, else the study folder), the estimator built from
its ``_target_``. Nothing below this module reads a config. The library names a parameter
in its errors (``n_folds``, ``min_df``); ``in_config_terms`` turns that into the config key a
user types (``eval.n_folds``, ``model.estimator.min_df``) for the command's error line.
``framing.train`` and ``framing.predict`` come through here too, so Python and the command
line build the same options.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import fields
from os import PathLike
from typing import Any

from framing.checkpoint.hub import is_hub_reference
from framing.errors import FramingInputError
from framing.models import require_extra
from framing.models.base import FramingClassifier
from framing.models.encoders import PACKAGED_ENCODER_NAMES
from framing.prediction.options import PredictOptions
from framing.runs.job import Evaluation, ModelChoice, TrainOptions
from framing.study import (
    NO_STUDY_FIX,
    STUDY_CONFIG,
    Study,
    check_study_config,
    find_study_root,
    resolve_path,
)
from framing.study.config import input_error_message, missing_value

#: config values a training run needs (checked before any work, one error line each)
TRAIN_REQUIRED = (
    "seed",
    "study.name",
    "study.sentences",
    "study.schema",
    "task.name",
    "model.name",
    "model.label",
    "model.is_baseline",
    "model.estimator",
    "eval.protocol",
    "eval.thresholds",
    "eval.inner_folds",
    "eval.fixed",
    "eval.bootstrap",
    "eval.level",
    "paths.cache_dir",
)
PREDICT_REQUIRED = ("checkpoint", "input", "output", "batch_size")
#: estimator parameters that may name a local folder (relative to the study in a config)
PATH_PARAMS = ("encoder", "cache_dir")


# ---------------------------------------------------------------------------- config checks
def check_required(cfg, keys: Sequence[str]) -> None:
    """Every value resolves and none of ``keys`` is missing (``???``) or null."""
    from omegaconf import OmegaConf

    try:
        OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    except Exception as err:
        message = input_error_message(err)
        if message is None:
            raise
        raise FramingInputError(message) from None
    for key in keys:
        if OmegaConf.select(cfg, key) is None:
            raise missing_value(key)


def plain(cfg) -> dict[str, Any]:
    """A config node as plain containers, interpolations resolved."""
    from omegaconf import OmegaConf

    return OmegaConf.to_container(cfg, resolve=True) if OmegaConf.is_config(cfg) else dict(cfg)


def study_of(study_config: Mapping[str, Any] | None, required: bool) -> Study | None:
    """The study of a composed config (its ``study`` section, overrides applied): None when
    the command runs outside a study and ``required`` is false."""
    root = find_study_root()
    if root is None or not (study_config or {}).get("name"):
        if required:
            raise FramingInputError("no study folder found", fix=NO_STUDY_FIX)
        return None
    return Study(root, check_study_config(dict(study_config), root / STUDY_CONFIG))


def in_config_terms(err: FramingInputError, keys: Mapping[str, str]) -> FramingInputError:
    """``err`` naming config keys where it named the library's parameters (``keys``:
    parameter -> key). An error about a file keeps its field: that names the file's key."""
    if err.file is not None:
        return err
    fix = err.fix
    if fix:
        for name, key in keys.items():
            fix = re.sub(rf"(?<![\w.]){re.escape(name)}=", f"{key}=", fix)
    field = keys.get(err.field, err.field) if err.field else None
    return FramingInputError(err.message, line=err.line, field=field, fix=fix)


# ---------------------------------------------------------------------------- train
def build_estimator(model_cfg, labels: Sequence[str] | None = None) -> FramingClassifier:
    """The unfitted estimator of a model config (``model.estimator``), its path parameters
    resolved (``estimator_paths``); labels in the schema's order when given."""
    import hydra.utils
    from hydra.errors import InstantiationException

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
    if labels is not None:
        estimator.set_params(labels=list(labels))
    return estimator.set_params(**estimator_paths(estimator))


def estimator_paths(estimator: FramingClassifier) -> dict[str, str]:
    """The estimator's path parameters resolved as a config's paths are (the working
    directory, else the study folder) and made absolute, so the estimator never looks at the
    working directory or the study itself."""
    params = estimator.get_params(deep=False)
    resolved = {}
    for name in PATH_PARAMS:
        value = params.get(name)
        if isinstance(value, str) and value and value not in PACKAGED_ENCODER_NAMES:
            path = resolve_path(value)
            if path.exists() or name == "cache_dir":
                resolved[name] = str(path.absolute())
    return resolved


def train_keys(cfg) -> dict[str, str]:
    """Library parameter -> the config key that sets it, for ``framing train``."""
    from omegaconf import OmegaConf

    keys = {"estimator": "model.estimator", "model": "model", "task": "task", "seed": "seed"}
    estimator = OmegaConf.select(cfg, "model.estimator") or {}
    keys |= {str(p): f"model.estimator.{p}" for p in estimator if not str(p).startswith("_")}
    keys |= {f.name: f"eval.{f.name}" for f in fields(Evaluation)}
    keys["device"] = "device"  # the model configs take it from the top-level device=
    return keys


def train_options(cfg) -> TrainOptions:
    """The options of a ``framing train`` run, from its composed config; an error names the
    config key."""
    try:
        return train_options_of(cfg)
    except FramingInputError as err:
        raise in_config_terms(err, train_keys(cfg)) from None


def train_options_of(cfg) -> TrainOptions:
    """``train_options``, with errors naming the library's parameters (``framing.train``)."""
    from omegaconf import OmegaConf

    if OmegaConf.select(cfg, "study.name") is None and find_study_root() is None:
        raise FramingInputError("no study folder found", fix=NO_STUDY_FIX)
    check_required(cfg, TRAIN_REQUIRED)
    config = plain(cfg)
    study = study_of(config.get("study"), required=True)
    settings = config["eval"]
    for name in (f.name for f in fields(Evaluation) if f.name != "train_fraction"):
        if name not in settings:  # (null is a value: n_folds of leave-one-outlet-out)
            raise missing_value(f"eval.{name}")
    evaluation = Evaluation(
        **{f.name: settings[f.name] for f in fields(Evaluation) if f.name in settings}
    )
    model = ModelChoice(
        build_estimator(cfg.model),
        name=str(cfg.model.name),
        label=str(cfg.model.label),
        is_baseline=bool(cfg.model.is_baseline),
    )
    return TrainOptions(study, str(cfg.task.name), model, evaluation, cfg.seed, config)


def check_train_config(cfg) -> None:
    """Everything ``framing train`` checks before Hydra starts a run."""
    train_options(cfg)


# ---------------------------------------------------------------------------- predict
def predict_options(cfg) -> PredictOptions:
    """The options of ``framing predict``, from its composed config."""
    check_required(cfg, PREDICT_REQUIRED)
    return predict_options_from(plain(cfg))


def predict_options_from(values: Mapping[str, Any]) -> PredictOptions:
    """``PredictOptions`` from plain values named as the command's options; the study is the
    one the working directory is in (its cleaning rules apply), the input, outlet table and
    checkpoints are found as the command finds them (working directory, else study folder)."""
    names = {f.name for f in fields(PredictOptions)} - {"study"}
    given = {k: v for k, v in values.items() if k in names and v is not None}
    checkpoints = given.get("checkpoint")
    if isinstance(checkpoints, str | PathLike):
        checkpoints = [checkpoints]
    given["checkpoint"] = [
        str(p) if is_hub_reference(p) else resolve_path(str(p)) for p in checkpoints or []
    ]
    for name in ("input", "outlets"):
        if given.get(name) not in (None, ""):
            given[name] = resolve_path(str(given[name]))
    study = values.get("study")
    if not isinstance(study, Study):
        study = study_of(study, required=False)
    return PredictOptions(study=study, **given)


def check_predict_config(cfg) -> None:
    """Everything ``framing predict`` checks before Hydra starts."""
    predict_options(cfg)
