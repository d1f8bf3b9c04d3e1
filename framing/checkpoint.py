"""Self-describing classifier checkpoints: weights, a JSON record and a model card.

    CKPT/
      framing_checkpoint.json   format_version, family, params, task, labels, thresholds, the
                                full label schema and its hash, training config, data hash,
                                cross-validated metrics, library versions, sha256 of every file
      weights/                  the family's save_weights() output (skops / safetensors / JSON)
      README.md                 model card

``save_checkpoint`` writes the folder atomically; ``load_checkpoint`` (also ``framing.load``)
refuses a checkpoint from a newer format, with a missing or altered weight file, an unknown
family, or labels that differ from the schema the caller expects. No pickle anywhere: the
families persist with skops, safetensors or JSON, and the hashes are checked before any weight
file is opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import platform
import sys
import warnings
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from framing.errors import FramingInputError
from framing.io import atomic_dir
from framing.schema import LabelSchema, task_name

FORMAT_VERSION = 1
INFO_FILE = "framing_checkpoint.json"
WEIGHTS_DIR = "weights"
CARD_FILE = "README.md"

# Libraries recorded only when the run already imported them: asking torch its version
# would import it, and a TF-IDF checkpoint must not need torch.
OPTIONAL_LIBRARIES = ("torch", "transformers", "sentence_transformers", "setfit")
# Keys every format-1 record must have.
REQUIRED_KEYS = ("family", "params", "task", "labels", "multi_label", "schema", "files")
# Default limits for the model card: the project's labelled set is the seed corpus.
SEED_CORPUS_LIMITS = (
    "Small, single-event training set: {n_sentences} sentences from {n_articles} news articles "
    "about one event (Putin's state visit to Vietnam, 20 June 2024). Frame and stance cues "
    "specific to that event are learnt along with general ones.",
    "English only. Part of the training text is machine-translated (Spanish wire copy) or "
    "automatically paraphrased copy, so its wording differs from native English news.",
    "Not validated on other events, periods, outlets or languages: check a hand-coded sample "
    "before trusting its shares on a new corpus.",
    "Cross-validated scores come from this small set; their intervals are wide and the "
    "numbers are not a guarantee for new data.",
)


# ---------------------------------------------------------------------------- hashing
def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks (weight files can be hundreds of MB)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def data_sha256(path: str | Path) -> str:
    """Hash of a data file (e.g. the labelled set), to record what a model was trained on."""
    from framing.paths import resolve_path

    p = resolve_path(path)
    if not p.is_file():
        raise FramingInputError("the data file does not exist", file=p)
    return sha256_file(p)


def schema_sha256(schema: LabelSchema | Mapping[str, Any]) -> str:
    """Hash of a label schema's canonical JSON (key order and whitespace do not matter)."""
    raw = schema.to_dict() if isinstance(schema, LabelSchema) else dict(schema)
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---------------------------------------------------------------------------- JSON safety
def _jsonable(value: Any, where: str) -> Any:
    """Plain JSON types from configs, metrics and numpy values; anything else is an error."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if type(value).__module__.startswith("omegaconf"):
        from omegaconf import OmegaConf

        return _jsonable(OmegaConf.to_container(value, resolve=True), where)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _jsonable(value.tolist(), where)
    raise TypeError(f"{where} = {value!r} cannot be stored in a checkpoint (not JSON)")


def encode_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Constructor parameters as JSON. Tuples are tagged so they come back as tuples
    (scikit-learn validates e.g. ``ngram_range`` as a tuple, and a list would fail)."""

    def enc(v: Any, where: str) -> Any:
        if isinstance(v, tuple):
            return {"__tuple__": [enc(x, f"{where}[{i}]") for i, x in enumerate(v)]}
        if isinstance(v, list):
            return [enc(x, f"{where}[{i}]") for i, x in enumerate(v)]
        if isinstance(v, Mapping):
            return {str(k): enc(x, f"{where}.{k}") for k, x in v.items()}
        return _jsonable(v, where)

    return {name: enc(value, f"params.{name}") for name, value in params.items()}


def decode_params(params: Mapping[str, Any]) -> dict[str, Any]:
    def dec(v: Any) -> Any:
        if isinstance(v, Mapping):
            if set(v) == {"__tuple__"}:
                return tuple(dec(x) for x in v["__tuple__"])
            return {k: dec(x) for k, x in v.items()}
        if isinstance(v, list):
            return [dec(x) for x in v]
        return v

    return {name: dec(value) for name, value in params.items()}


# ---------------------------------------------------------------------------- provenance
def library_versions() -> dict[str, str]:
    """Versions of what produced the checkpoint; optional libraries only if already loaded."""
    from importlib.metadata import PackageNotFoundError, version

    import numpy

    import framing

    versions = {
        "framing": framing.__version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
    }
    if "sklearn" in sys.modules:
        versions["sklearn"] = sys.modules["sklearn"].__version__
    else:
        with contextlib.suppress(PackageNotFoundError):
            versions["sklearn"] = version("scikit-learn")
    for name in OPTIONAL_LIBRARIES:
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "__version__"):
            versions[name] = str(module.__version__)
    return versions


def training_data_summary(dataset, file: str | Path | None = None) -> dict[str, Any]:
    """What the model card says about the training data, from a labelled ``Dataset`` (or any
    mapping with ``outlet`` and ``article_id`` columns)."""
    outlets = Counter(str(o) for o in dataset["outlet"])
    articles = {str(a) for a in dataset["article_id"]}
    return {
        "file": str(file) if file is not None else None,
        "n_sentences": sum(outlets.values()),
        "n_articles": len(articles),
        "outlets": dict(sorted(outlets.items())),
    }


def headline_metric(info: Mapping[str, Any]) -> str | None:
    """One line for reports: the cross-validated macro-F1 with its interval and protocol."""
    metrics = info.get("metrics") or {}
    macro = metrics.get("macro_f1")
    if not isinstance(macro, Mapping) or macro.get("mean") is None:
        return None
    text = f"macro-F1 {macro['mean']:.3f}"
    if macro.get("ci_low") is not None and macro.get("ci_high") is not None:
        text += f" [{macro['ci_low']:.3f}, {macro['ci_high']:.3f}]"
    protocol = metrics.get("protocol")
    if protocol:
        folds = metrics.get("n_folds")
        text += f" ({protocol}" + (f", {folds} folds)" if folds else ")")
    return text


# ---------------------------------------------------------------------------- saving
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
) -> Path:
    """Write a fitted classifier to ``folder`` (replaced atomically if it exists).

    ``training_data`` (optional, see ``training_data_summary``) gives the model card the
    data file, sentence/article counts and outlets; without it the card uses what the
    config and metrics say.
    """
    from framing.models import family_class

    task = task_name(task)
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

    folder = Path(folder)
    schema_dict = schema.to_dict()
    info: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "family": model.family,
        "model_class": f"{type(model).__module__}:{type(model).__qualname__}",
        "params": encode_params(model.get_params()),
        "task": task,
        "labels": labels,
        "multi_label": bool(model.multi_label_),
        "thresholds": (
            {label: float(t) for label, t in zip(labels, model.thresholds_, strict=True)}
            if model.multi_label_
            else None
        ),
        "schema": schema_dict,
        "schema_sha256": schema_sha256(schema_dict),
        "config": _jsonable(config, "config") if config is not None else None,
        "data_sha256": data_sha256,
        "training_data": _jsonable(training_data, "training_data") if training_data else None,
        "metrics": _jsonable(metrics, "metrics") if metrics is not None else None,
        "library_versions": library_versions(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": {},
    }
    with atomic_dir(folder) as tmp:
        model.save_weights(tmp / WEIGHTS_DIR)
        info["files"] = _weight_files(tmp)
        if not info["files"]:
            raise RuntimeError(f"{type(model).__name__}.save_weights wrote no files")
        (tmp / INFO_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
        (tmp / CARD_FILE).write_text(model_card(info, folder), encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------- loading
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
            fix="give the checkpoint/ folder written by python -m framing.train",
        )
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FramingInputError(f"is not valid JSON ({err})", file=info_path) from None
    if not isinstance(info, dict):
        raise FramingInputError("must hold a JSON object", file=info_path)
    version = info.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FramingInputError(
            f"has no valid format_version (got {version!r})", file=info_path, field="format_version"
        )
    if version > FORMAT_VERSION:
        import framing

        raise FramingInputError(
            f"was written in checkpoint format {version}, but framing {framing.__version__} "
            f"reads formats up to {FORMAT_VERSION}",
            file=info_path,
            field="format_version",
            fix="upgrade framing (git pull && pip install -e .) to load it",
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
                stacklevel=3,
            )


def load_checkpoint(
    path: str | Path,
    expected_schema: LabelSchema | None = None,
    expected_labels: list[str] | None = None,
):
    """Load and verify a checkpoint; returns the fitted ``FramingClassifier``.

    The classifier carries ``checkpoint_info`` (the JSON record) and ``task_``.
    """
    import numpy as np

    from framing.models import family_class

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
    model = cls.load_weights(folder / WEIGHTS_DIR, params)

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
    model.checkpoint_info = info
    model.task_ = info["task"]
    return model


# ---------------------------------------------------------------------------- model card
def _fmt(x: Any, digits: int = 3) -> str:
    return f"{x:.{digits}f}" if isinstance(x, int | float) and not isinstance(x, bool) else "n/a"


def _interval(m: Any) -> str:
    if not isinstance(m, Mapping):
        return "n/a"
    text = _fmt(m.get("mean"))
    if m.get("ci_low") is not None and m.get("ci_high") is not None:
        text += f" [{_fmt(m['ci_low'])}, {_fmt(m['ci_high'])}]"
    return text


def _metrics_section(metrics: Mapping[str, Any] | None, multi_label: bool) -> list[str]:
    if not metrics:
        return [
            "No cross-validated metrics were recorded with this checkpoint. Evaluate it "
            "(python -m framing.train) before reporting anything it predicts.",
        ]
    micro_name = "micro-F1" if multi_label else "micro-F1 (= accuracy)"
    lines = [
        f"- Protocol: {metrics.get('protocol', 'n/a')}, {metrics.get('n_folds', 'n/a')} folds, "
        f"seed {metrics.get('seed', 'n/a')}, {metrics.get('n_sentences', 'n/a')} sentences.",
        f"- macro-F1: {_interval(metrics.get('macro_f1'))}",
        f"- {micro_name}: {_interval(metrics.get('micro_f1'))}",
        f"- Interval: {metrics.get('interval', 'n/a')}",
    ]
    if metrics.get("optimized_metric"):
        lines.append(f"- Selection metric: {metrics['optimized_metric']}")
    per_label = metrics.get("per_label") or {}
    if per_label:
        lines += ["", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for label, m in per_label.items():
            lines.append(
                f"| {label} | {_fmt(m.get('precision'))} | {_fmt(m.get('recall'))} | "
                f"{_fmt(m.get('f1'))} | {m.get('support', 'n/a')} |"
            )
    return lines


def model_card(info: Mapping[str, Any], folder: str | Path = "CKPT") -> str:
    """The checkpoint's README.md, built only from what the record holds."""
    schema = info["schema"]
    task, labels, multi = info["task"], info["labels"], info["multi_label"]
    metrics = info.get("metrics") or None
    config = info.get("config") or {}
    data = dict(info.get("training_data") or {})
    data_cfg = config.get("data") if isinstance(config.get("data"), Mapping) else {}
    data.setdefault("file", data_cfg.get("sentences"))
    if data.get("n_sentences") is None and metrics:
        data["n_sentences"] = metrics.get("n_sentences")
    model_label = (metrics or {}).get("model_label") or info["family"]
    definitions = {d["name"]: d for d in schema[task]}
    headline = headline_metric(info)

    lines = [
        f"# {model_label}: {task} classifier ({schema['name']})",
        "",
        f"Classifies English news sentences for **{task}** "
        + (
            "(multi-label: zero or more frames per sentence)."
            if multi
            else "(single-label: exactly one class per sentence)."
        ),
        f"Family `{info['family']}`, checkpoint format {info['format_version']}, "
        f"created {info.get('created_at', 'n/a')}."
        + (f" Cross-validated {headline}." if headline else ""),
        "",
        "## Training data",
        "",
        f"- Data file: `{data.get('file') or 'not recorded'}`"
        + (f" (sha256 `{info['data_sha256']}`)" if info.get("data_sha256") else ""),
        f"- Sentences: {data.get('n_sentences') or 'not recorded'}; "
        f"articles: {data.get('n_articles') or 'not recorded'}",
    ]
    outlets = data.get("outlets")
    if outlets:
        lines.append("- Outlets: " + "; ".join(f"{o} ({n})" for o, n in outlets.items()))
    else:
        lines.append("- Outlets: not recorded")
    lines += [
        f"- Label schema: {schema['name']} v{schema.get('version', 1)} "
        f"(sha256 `{info.get('schema_sha256', 'n/a')}`)",
        "",
        "## Task and labels",
        "",
        f"Task `{task}`; columns of `predict_proba` in this order:",
        "",
        "| # | label | definition | decision threshold |",
        "|---|---|---|---|",
    ]
    thresholds = info.get("thresholds") or {}
    for i, label in enumerate(labels):
        desc = " ".join(str(definitions.get(label, {}).get("description", "")).split())
        thr = _fmt(thresholds.get(label), 2) if multi else "arg-max"
        lines.append(f"| {i} | `{label}` | {desc} | {thr} |")
    lines += [
        "",
        "Thresholds: "
        + (
            "a frame is predicted when its probability reaches its threshold in the table "
            "above, as set by training (0.50 is the default)."
            if multi
            else "none; the class with the highest probability is predicted."
        ),
        "",
        "## Model",
        "",
        f"- Family: `{info['family']}` (`{info.get('model_class', 'n/a')}`)",
        "- Parameters:",
        "",
        "```json",
        json.dumps(info["params"], indent=2),
        "```",
        "",
        "- Library versions: "
        + ", ".join(f"{k} {v}" for k, v in (info.get("library_versions") or {}).items()),
        "",
        "## Cross-validated performance",
        "",
        *_metrics_section(metrics, multi),
        "",
        "## Limits",
        "",
    ]
    n_sent = data.get("n_sentences") or "an unrecorded number of"
    n_art = data.get("n_articles") or 5
    lines += [
        f"- {text.format(n_sentences=n_sent, n_articles=n_art)}" for text in SEED_CORPUS_LIMITS
    ]
    lines += [
        "",
        "## How to use",
        "",
        "```python",
        "import framing",
        f'model = framing.load("{folder}")',
        'model.predict(["Putin and To Lam signed a treaty on energy cooperation."])',
        "model.predict_proba([...])  # (n, k) in the label order above",
        "```",
        "",
        "On a corpus (folder of .txt, .jsonl or .csv):",
        "",
        "```",
        f"python -m framing.predict checkpoint={folder} input=ARTICLES output=OUT_DIR",
        "```",
        "",
        "Loading checks the format version and the sha256 of every weight file:",
        "",
        *[f"- `{name}`: `{sha}`" for name, sha in info["files"].items()],
        "",
    ]
    return "\n".join(lines)
