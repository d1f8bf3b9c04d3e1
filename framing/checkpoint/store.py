"""Self-describing classifier checkpoints: weights, a JSON record and a model card.

    CKPT/
      framing_checkpoint.json   format_version, family, params, task, labels, thresholds, the
                                full label schema and its hash, training config, data hash,
                                cross-validated metrics, library versions, sha256 of every file
      weights/                  the family's save_weights() output (skops / safetensors / JSON)
      README.md                 model card (framing.checkpoint.card), Hugging Face metadata

``save_checkpoint`` writes the folder atomically; ``load_checkpoint`` (also ``framing.load``)
refuses a checkpoint from a newer format, with a missing or altered weight file, an unknown
family, or labels that differ from the schema the caller expects. No pickle anywhere: the
families persist with skops, safetensors or JSON, and the hashes are checked before any weight
file is opened.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from framing.checkpoint.card import model_card
from framing.checkpoint.params import decode_params, encode_params, jsonable
from framing.checkpoint.provenance import OPTIONAL_LIBRARIES, library_versions
from framing.data.schema import LabelSchema, task_name
from framing.distribution import install_command
from framing.errors import FramingInputError, FramingWarning
from framing.io import read_json_object, sha256_file
from framing.models import FAMILIES, family_class
from framing.models.base import FramingClassifier
from framing.outputs import Kind, output_folder
from framing.version import package_version

FORMAT_VERSION = 1
INFO_FILE = "framing_checkpoint.json"
WEIGHTS_DIR = "weights"
CARD_FILE = "README.md"
# Keys every format-1 record must have.
REQUIRED_KEYS = ("family", "params", "task", "labels", "multi_label", "schema", "files")


def schema_sha256(schema: LabelSchema | Mapping[str, Any]) -> str:
    """Hash of a label schema's canonical JSON (key order and whitespace do not matter)."""
    raw = schema.to_dict() if isinstance(schema, LabelSchema) else dict(schema)
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def study_record(study) -> dict[str, Any] | None:
    """What the model card needs from the study: name, description, language, limitations."""
    if study is None:
        return None
    keys = ("description", "language", "license", "limitations")
    return {"name": study.name} | {k: study.config[k] for k in keys if study.config.get(k)}


# ---------------------------------------------------------------------------- saving
#: constructor parameters about the machine that trained, not the model: a checkpoint records
#: them empty, so a loaded model never writes into (or looks for) the trainer's embedding cache
MACHINE_PARAMS = ("cache_dir",)


def recorded_params(model) -> dict[str, Any]:
    params = model.get_params(deep=False)
    return params | {name: None for name in MACHINE_PARAMS if name in params}


def _weight_files(folder: Path) -> dict[str, str]:
    """{path relative to the checkpoint: sha256} for every file under weights/."""
    weights = folder / WEIGHTS_DIR
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(weights.rglob("*"))
        if p.is_file()
    }


def save_checkpoint(
    model,
    folder: str | Path,
    *,
    schema: LabelSchema,
    task: str,
    config: Mapping[str, Any] | None = None,
    data_sha256: str | None = None,
    metrics: Mapping[str, Any] | None = None,
    training_data: Mapping[str, Any] | None = None,
    study=None,
    shown_as: str | Path | None = None,
) -> Path:
    """Write a fitted classifier to ``folder`` (replaced atomically, and only if framing
    wrote everything in it: ``framing.outputs``).

    ``shown_as`` is the path the model card tells users to load (default ``folder``): a
    training run writes into a temporary folder that is renamed when the run finishes.

    ``training_data`` (optional, see ``training_data_summary``) gives the model card the
    data file, sentence/article counts and outlets; without it the card uses what the
    config and metrics say. ``study`` (a ``framing.study.Study``) gives it the study's name,
    language and limitations.
    """
    folder = Path(folder)
    info = checkpoint_record(
        model,
        schema,
        task,
        config=config,
        data_sha256=data_sha256,
        metrics=metrics,
        training_data=training_data,
        study=study,
    )
    with output_folder(folder, Kind.CHECKPOINT) as tmp:
        model.save_weights(tmp / WEIGHTS_DIR)
        info["files"] = _weight_files(tmp)
        if not info["files"]:
            raise RuntimeError(f"{type(model).__name__}.save_weights wrote no files")
        (tmp / INFO_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
        card = model_card(info, shown_as or folder, root=getattr(study, "root", None))
        (tmp / CARD_FILE).write_text(card, encoding="utf-8")
    return folder


def check_savable(model, schema: LabelSchema, task: str) -> list[str]:
    """The task's labels, once the model is fitted, registered, and fits the schema's task."""
    if not hasattr(model, "labels_"):
        raise ValueError(f"{type(model).__name__} is not fitted; call fit() before saving")
    labels = schema.labels(task)
    if list(model.labels_) != labels:
        raise FramingInputError(
            f"the model's labels {list(model.labels_)} are not the schema's {task} labels {labels}",
            field="labels",
        )
    if bool(model.multi_label_) != schema.is_multi_label(task):
        raise FramingInputError(
            f"the model is {'multi' if model.multi_label_ else 'single'}-label but task "
            f"'{task}' is {'multi' if schema.is_multi_label(task) else 'single'}-label",
            field="task",
        )
    # The checkpoint is loaded through the registry: the class must be the registered one.
    if family_class(model.family) is not type(model):
        raise ValueError(
            f"{type(model).__name__} is not the class registered for family '{model.family}'"
        )
    return labels


def checkpoint_record(
    model,
    schema: LabelSchema,
    task: str,
    *,
    config: Mapping[str, Any] | None = None,
    data_sha256: str | None = None,
    metrics: Mapping[str, Any] | None = None,
    training_data: Mapping[str, Any] | None = None,
    study=None,
) -> dict[str, Any]:
    """The checkpoint's JSON record (``checkpoint.json``) of a fitted model, its weight files
    still to be listed (``files``)."""
    task = task_name(task)
    labels = check_savable(model, schema, task)
    schema_dict = schema.to_dict()
    thresholds = None
    if model.multi_label_:
        thresholds = {label: float(t) for label, t in zip(labels, model.thresholds_, strict=True)}
    return {
        "format_version": FORMAT_VERSION,
        "family": model.family,
        "model_class": f"{type(model).__module__}:{type(model).__qualname__}",
        "params": encode_params(recorded_params(model)),
        "task": task,
        "labels": labels,
        "multi_label": bool(model.multi_label_),
        "thresholds": thresholds,
        "schema": schema_dict,
        "schema_sha256": schema_sha256(schema_dict),
        "config": jsonable(config, "config") if config is not None else None,
        "data_sha256": data_sha256,
        "training_data": jsonable(training_data, "training_data") if training_data else None,
        "metrics": jsonable(metrics, "metrics") if metrics is not None else None,
        "study": jsonable(study_record(study), "study"),
        "library_versions": library_versions(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": {},
    }


# ---------------------------------------------------------------------------- loading
@dataclass(frozen=True)
class LoadedCheckpoint:
    """A verified checkpoint: the fitted classifier (``model``, a scikit-learn estimator as
    it was saved) and the checkpoint's JSON record (``info``), side by side rather than
    attributes added to the estimator. The predictions are the model's own."""

    model: FramingClassifier
    info: Mapping[str, Any]
    path: Path

    @property
    def task(self) -> str:
        return str(self.info["task"])

    @property
    def family(self) -> str:
        return str(self.info["family"])

    @property
    def labels(self) -> list[str]:
        return list(self.model.labels_)

    @property
    def multi_label(self) -> bool:
        return bool(self.model.multi_label_)

    @property
    def thresholds(self) -> np.ndarray:
        return np.asarray(self.model.thresholds_, dtype=float)

    def predict_proba(self, X) -> np.ndarray:
        return self.model.predict_proba(X)

    def predict(self, X):
        return self.model.predict(X)

    def predict_indicators(self, X) -> np.ndarray:
        return self.model.predict_indicators(X)

    def predict_labels(self, X) -> list:
        return self.model.predict_labels(X)

    def predict_frame(self, data, text_column: str = "text"):
        return self.model.predict_frame(data, text_column)


def read_checkpoint_info(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """The checkpoint folder and its JSON record, with the format version checked."""
    folder = Path(path)
    if folder.is_file() and folder.name == INFO_FILE:
        folder = folder.parent
    if not folder.exists():
        raise FramingInputError("the checkpoint does not exist", file=folder)
    info_path = folder / INFO_FILE
    if not info_path.is_file():
        raise FramingInputError(
            f"is not a framing checkpoint (no {INFO_FILE})",
            file=folder,
            fix="give the checkpoint/ folder written by framing train",
        )
    info = read_json_object(info_path)
    version = info.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FramingInputError(
            f"has no valid format_version (got {version!r})", file=info_path, field="format_version"
        )
    if version > FORMAT_VERSION:
        raise FramingInputError(
            f"was written in checkpoint format {version}, but framing {package_version()} "
            f"reads formats up to {FORMAT_VERSION}",
            file=info_path,
            field="format_version",
            fix=f"upgrade framing ({install_command(upgrade=True)}) to load it",
        )
    missing = [k for k in REQUIRED_KEYS if k not in info]
    if missing:
        raise FramingInputError(
            f"is missing {', '.join(missing)}", file=info_path, fix="re-save the checkpoint"
        )
    return folder, info


def verify_files(folder: Path, info: Mapping[str, Any]) -> None:
    """Every recorded weight file exists with its recorded hash, and no other file was added."""
    info_path = folder / INFO_FILE
    files = info["files"]
    if not isinstance(files, Mapping) or not files:
        raise FramingInputError("lists no weight files", file=info_path, field="files")
    for rel, expected in files.items():
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or ".." in parts or parts[:1] != (WEIGHTS_DIR,):
            raise FramingInputError(
                f"lists a file outside {WEIGHTS_DIR}/: '{rel}'", file=info_path, field="files"
            )
        path = folder / rel
        if not path.is_file():
            raise FramingInputError(
                "weight file is missing",
                file=path,
                fix="copy the whole checkpoint folder, or re-train",
            )
        actual = sha256_file(path)
        if actual != expected:
            raise FramingInputError(
                f"weight file was altered (sha256 {actual[:12]}..., "
                f"recorded {str(expected)[:12]}...)",
                file=path,
                fix="restore the original file or re-train; weight files are never edited by hand",
            )
    for path in sorted((folder / WEIGHTS_DIR).rglob("*")):
        if path.is_file() and path.relative_to(folder).as_posix() not in files:
            raise FramingInputError(
                "unexpected file in the weights folder (not recorded at save time)",
                file=path,
                fix="remove it; a checkpoint's weights are exactly the files it lists",
            )


def check_labels(
    info: Mapping[str, Any],
    folder: Path,
    expected_schema: LabelSchema | None = None,
    expected_labels: list[str] | None = None,
) -> None:
    task, labels = info["task"], list(info["labels"])
    stored = LabelSchema.from_dict(info["schema"], source=str(folder / INFO_FILE))
    if stored.labels(task) != labels:
        raise FramingInputError(
            f"records {task} labels {labels} but its schema has {stored.labels(task)}",
            file=folder / INFO_FILE,
            field="labels",
        )
    if expected_schema is not None and expected_schema.labels(task) != labels:
        raise FramingInputError(
            f"was trained on {task} labels {labels} (schema '{stored.name}'), but the expected "
            f"schema '{expected_schema.name}' has {task} labels {expected_schema.labels(task)}",
            file=folder,
            field="labels",
            fix="use a checkpoint trained with this label schema, or re-train",
        )
    if expected_labels is not None and list(expected_labels) != labels:
        raise FramingInputError(
            f"was trained on {task} labels {labels}, but {list(expected_labels)} were expected",
            file=folder,
            field="labels",
        )


def _warn_on_version_drift(info: Mapping[str, Any]) -> None:
    saved = info.get("library_versions") or {}
    now = library_versions()
    for name in ("sklearn", "numpy", *OPTIONAL_LIBRARIES):
        if name in saved and name in now and saved[name] != now[name]:
            warnings.warn(
                f"checkpoint saved with {name} {saved[name]}, loading with {now[name]}: "
                "predictions may differ slightly",
                FramingWarning,
                stacklevel=3,
            )


def check_family(info: Mapping[str, Any], info_path: Path) -> None:
    """The record's family is the one its model class was registered under (an edited family
    is one error naming the field; a class since renamed is not checked)."""
    saved = str(info.get("model_class") or "").rpartition(":")[2]
    owners = [f for f, where in FAMILIES.items() if where.rpartition(":")[2] == saved]
    if saved and owners and info["family"] not in owners:
        raise FramingInputError(
            f"says family '{info['family']}', but the checkpoint was saved by a "
            f"'{owners[0]}' model ({saved})",
            file=info_path,
            field="family",
            fix="restore the checkpoint's record as framing wrote it",
        )


def check_params(params: dict, cls, family: str, info_path: Path) -> None:
    """Every recorded parameter is one the family's constructor takes (an edited record is
    one error naming the parameter, not a TypeError from the constructor)."""
    import inspect

    signature = inspect.signature(cls.__init__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.values()):
        return
    accepted = set(signature) - {"self"}
    for name in params:
        if name not in accepted:
            raise FramingInputError(
                f"'{name}' is not a parameter of the '{family}' family",
                file=info_path,
                field=f"params.{name}",
                fix="restore the checkpoint's record as framing wrote it",
            )


def load_checkpoint(
    path: str | Path,
    expected_schema: LabelSchema | None = None,
    expected_labels: list[str] | None = None,
    device: str | None = None,
):
    """Load and verify a checkpoint: the fitted classifier with its record
    (``LoadedCheckpoint``). ``device`` (``auto|cpu|cuda|mps``) replaces the training run's
    choice for a torch family; the other families ignore it.
    """
    folder, info = read_checkpoint_info(path)
    info_path = folder / INFO_FILE
    try:
        cls = family_class(info["family"])
    except FramingInputError as err:
        raise FramingInputError(err.message, file=info_path, field="family", fix=err.fix) from None
    check_labels(info, folder, expected_schema, expected_labels)
    verify_files(folder, info)
    try:
        params = decode_params(info["params"])
    except (TypeError, AttributeError):
        raise FramingInputError(
            "params must be a JSON object", file=info_path, field="params"
        ) from None
    check_family(info, info_path)
    check_params(params, cls, info["family"], info_path)
    # (checkpoints written before MACHINE_PARAMS were recorded empty may still hold them)
    params |= {name: None for name in MACHINE_PARAMS if name in params}
    if device is not None and "device" in cls().get_params(deep=False):
        params["device"] = device
    try:
        model = cls.load_weights(folder / WEIGHTS_DIR, params)
    except (TypeError, ValueError, KeyError, AttributeError, OSError) as err:
        # the weights' hashes matched, so the record was edited (e.g. its family)
        raise FramingInputError(
            f"the weights cannot be loaded as a '{info['family']}' model "
            f"({type(err).__name__}: {err})",
            file=info_path,
            field="family",
            fix="restore the checkpoint's record as framing wrote it",
        ) from None

    # The record and the (hashed) weights must tell the same story.
    if list(model.labels_) != list(info["labels"]) or bool(model.multi_label_) != bool(
        info["multi_label"]
    ):
        raise FramingInputError(
            f"the weights hold labels {list(model.labels_)} but the record says {info['labels']}",
            file=info_path,
            field="labels",
        )
    if info.get("thresholds") is not None:
        recorded = np.asarray([info["thresholds"][label] for label in info["labels"]], dtype=float)
        if not np.allclose(recorded, model.thresholds_):
            raise FramingInputError(
                f"thresholds {recorded.tolist()} differ from the weights' "
                f"{np.asarray(model.thresholds_).tolist()}",
                file=info_path,
                field="thresholds",
            )
    _warn_on_version_drift(info)
    return LoadedCheckpoint(model, info, folder)
