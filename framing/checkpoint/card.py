"""The checkpoint's model card (README.md), rendered from ``model_card.md``.

Everything in the card comes from the checkpoint record: the study's name, schema and
limitations, the training data summary, the cross-validated metrics. Its YAML front matter is
Hugging Face model-card metadata (``huggingface_hub.ModelCard.load`` reads it), with the
cross-validated macro-F1 as a ``model-index`` result.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from framing.checkpoint.provenance import headline_metric

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


def card_metadata(info: Mapping[str, Any], title: str) -> str:
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
        license=study.get("license") or None,
        pipeline_tag="text-classification",
        tags=["framing", "stance", info["task"], info["family"]],
        eval_results=results or None,
    )
    return data.to_yaml()


def model_card(info: Mapping[str, Any], folder: str | Path = "CKPT") -> str:
    """The checkpoint's README.md, built only from what the record holds."""
    schema = info["schema"]
    task, labels, multi = info["task"], info["labels"], info["multi_label"]
    metrics = info.get("metrics") or None
    config = info.get("config") or {}
    study = info.get("study") or {}
    data = dict(info.get("training_data") or {})
    study_cfg = config.get("study") if isinstance(config.get("study"), Mapping) else {}
    data.setdefault("file", study_cfg.get("sentences"))
    if data.get("n_sentences") is None and metrics:
        data["n_sentences"] = metrics.get("n_sentences")
    model_label = (metrics or {}).get("model_label") or info["family"]
    definitions = {d["name"]: d for d in schema[task]}
    headline = headline_metric(info)
    title = f"{model_label}: {task} classifier ({schema['name']})"
    languages = study.get("language") or []
    language = ", ".join(languages) if isinstance(languages, list) else str(languages)

    summary = (
        f"Classifies {'news sentences' + (f' ({language})' if language else '')} for "
        f"**{task}** "
        + (
            "(multi-label: zero or more frames per sentence)."
            if multi
            else "(single-label: exactly one class per sentence)."
        )
        + f"\nStudy: {study.get('name') or 'not recorded'}"
        + (f" ({study['description']})" if study.get("description") else "")
        + f". Family `{info['family']}`, checkpoint format {info['format_version']}, "
        f"created {info.get('created_at', 'n/a')}."
        + (f" Cross-validated {headline}." if headline else "")
    )
    training = [
        f"- Data file: `{data.get('file') or 'not recorded'}`"
        + (f" (sha256 `{info['data_sha256']}`)" if info.get("data_sha256") else ""),
        f"- Sentences: {data.get('n_sentences') or 'not recorded'}; "
        f"articles: {data.get('n_articles') or 'not recorded'}",
    ]
    outlets = data.get("outlets")
    training.append(
        "- Outlets: " + "; ".join(f"{o} ({n})" for o, n in outlets.items())
        if outlets
        else "- Outlets: not recorded"
    )
    training.append(
        f"- Label schema: {schema['name']} v{schema.get('version', 1)} "
        f"(sha256 `{info.get('schema_sha256', 'n/a')}`)"
    )
    thresholds = info.get("thresholds") or {}
    label_rows = []
    for i, label in enumerate(labels):
        desc = " ".join(str(definitions.get(label, {}).get("description", "")).split())
        thr = _fmt(thresholds.get(label), 2) if multi else "arg-max"
        label_rows.append(f"| {i} | `{label}` | {desc} | {thr} |")
    limitations = study.get("limitations") or list(GENERIC_LIMITATIONS)
    template = Template(
        resources.files("framing.checkpoint").joinpath("model_card.md").read_text("utf-8")
    )
    return template.substitute(
        metadata=card_metadata(info, title).rstrip(),
        title=title,
        summary=summary,
        training_data="\n".join(training),
        task=task,
        label_rows="\n".join(label_rows),
        threshold_note=(
            "a frame is predicted when its probability reaches its threshold in the table "
            "above, as set by training (0.50 is the default)."
            if multi
            else "none; the class with the highest probability is predicted."
        ),
        family=info["family"],
        model_class=info.get("model_class", "n/a"),
        params=json.dumps(info["params"], indent=2),
        versions=", ".join(f"{k} {v}" for k, v in (info.get("library_versions") or {}).items()),
        metrics=_metrics_section(metrics, multi),
        limitations="\n".join(f"- {' '.join(str(text).split())}" for text in limitations),
        folder=str(folder),
        files="\n".join(f"- `{name}`: `{sha}`" for name, sha in info["files"].items()),
    )
