"""``framing validate``: how well checkpoints do on a coded random sample of a new corpus, and
how far that falls from their own cross-validated scores.

The checkpoints classify the coded sentences (texts from ``framing predict``'s
predictions.csv or a sentences JSONL of ``framing corpus``); scores are macro/micro-F1 and
per-label precision/recall/F1 with 95% cluster-bootstrap intervals over articles (the
toolkit's one bootstrap, ``framing.evaluate.bootstrap``), plus the stance confusion matrix.
When the sample record beside the coded file gives inclusion probabilities, counts are
weighted by 1 / probability, so the scores describe the corpus rather than the sample.

Writes (``--out``): validation.json (everything), per_label.csv, confusion_stance.csv and
validation.md (the statement and the tables).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from framing.checkpoint import check_labels, load_checkpoint
from framing.coding.files import read_coding
from framing.coding.records import read_sample_record, record_path
from framing.data.labelled import same_text
from framing.data.tables import TABLE_SUFFIXES, read_table_chunks, table_columns
from framing.errors import FramingInputError
from framing.estimate.inputs import KEYS, check_coded_in
from framing.estimate.run import OVERWRITE_FIX
from framing.evaluate.bootstrap import (
    bootstrap_weights,
    group_counts,
    label_score_replicates,
    percentile_interval,
    resampled_scores,
)
from framing.evaluate.metrics import indicator_matrix, scores_from_counts
from framing.io import read_jsonl, sha256_file
from framing.outputs import (
    Kind,
    check_folder_target,
    output_folder,
    spreadsheet_frame,
)


def read_sentences(path: Path, wanted: set[str]) -> pd.DataFrame:
    """sentence_id, article_id, outlet, text of the ``wanted`` ids, from the predictions of
    framing predict (.csv or .parquet) or a sentences JSONL."""
    if path.suffix.lower() in TABLE_SUFFIXES:
        header = table_columns(path)
        missing = [c for c in (*KEYS, "text") if c not in header]
        if missing:
            raise FramingInputError(f"has no column {', '.join(missing)}", file=path)
        kept = []
        for chunk in read_table_chunks(path, [*KEYS, "text"], [*KEYS, "text"]):
            kept.append(chunk[chunk["sentence_id"].isin(wanted)])
        return pd.concat(kept, ignore_index=True)
    rows = []
    for line, obj in read_jsonl(path):
        if obj.get("sentence_id") in wanted:
            for key in (*KEYS, "text"):
                if not isinstance(obj.get(key), str):
                    raise FramingInputError("missing or not text", file=path, line=line, field=key)
            rows.append({k: obj[k] for k in (*KEYS, "text")})
    return pd.DataFrame(rows, columns=[*KEYS, "text"])


def sample_weights(coded: Path, record: Path | None, ids: list[str]) -> tuple[np.ndarray, str]:
    """1 / inclusion probability from the sample record, if there is one; else equal."""
    path = Path(record) if record else record_path(coded)
    if not path.is_file():
        return np.ones(len(ids)), (
            "no sample record: sentences weighted equally (scores describe the coded sample)"
        )
    rec = read_sample_record(path)
    check_coded_in(
        coded,
        ids,
        set(rec.probabilities),
        f"the sample record {path}",
        "code only the sentences of the sample",
    )
    note = f"weighted by the sample record {path.name} ({rec.strategy} sample)"
    if not rec.random:
        note = (
            f"NOT A RANDOM SAMPLE ({rec.strategy}, per {path.name}): the scores describe these "
            "sentences, not the corpus"
        )
    weights = np.array([1 / rec.probabilities[i] for i in ids])
    return weights / weights.mean(), note  # mean 1: counts stay on the sample's scale


def training_overlap(info: dict, texts: list[str], candidates=()) -> dict:
    """How many coded sentences the checkpoint was trained on (the same words), read from its
    training set, found by its sha256 (as the checkpoint names it, or among ``candidates``,
    e.g. the study's gold set). Scores on training sentences are inflated (on the example
    study's own corpus: macro-F1 0.955 against 0.533 in cross-validation)."""
    named = (info.get("training_data") or {}).get("file")
    for file in [Path(f) for f in (named, *candidates) if f]:
        if file.is_file() and sha256_file(file) == info.get("data_sha256"):
            seen = {same_text(str(r.get("text", ""))) for _, r in read_jsonl(file)}
            n = sum(same_text(t) in seen for t in texts)
            return {"n_training": n, "n_coded": len(texts), "training_set": str(file)}
    return {"n_training": None, "n_coded": len(texts), "training_set": None}


def overlap_warning(task: str, family: str, overlap: dict) -> str | None:
    n, total = overlap["n_training"], overlap["n_coded"]
    if n is None:
        return (
            f"{task} ({family}): the checkpoint's training set is not at hand, so whether the "
            "coded sentences were training sentences was not checked."
        )
    if not n:
        return None
    return (
        f"WARNING: {n} of {total} coded sentences ({100 * n / total:.0f}%) were training "
        f"sentences of the {task} checkpoint ({family}; same words, in "
        f"{Path(overlap['training_set']).name}): its scores on them are inflated. Validate on a "
        "sample of a corpus it was not trained on."
    )


def interval(point: float, replicates: np.ndarray, level: float) -> dict[str, float]:
    low, high = percentile_interval(replicates, level)
    return {"mean": float(point), "ci_low": float(low), "ci_high": float(high)}


def score_task(truth, pred, clusters, weights, labels, n_boot, seed, level) -> dict:
    """Point scores and article-level cluster-bootstrap intervals of one task.

    A label that neither the coded sample nor the classifier assigns to any sentence has no
    F1 (0/0): it is left out of the macro average and named in ``labels_without_examples``,
    rather than counted as 0, which would make a small sample's drop look worse than it is."""
    counts = group_counts([(truth, pred, clusters)], weights)  # (1, G, k, 3)
    scorable = counts[0].sum(axis=(0, 2)) > 0
    rng = np.random.default_rng(seed)
    draws = bootstrap_weights(rng, counts.shape[1], n_boot)
    macro, micro = resampled_scores(counts[:, :, scorable], draws, np.ones((n_boot, 1)))
    point = scores_from_counts(counts[0].sum(axis=0), labels)
    kept = [label for label, keep in zip(labels, scorable, strict=True) if keep]
    point_macro = scores_from_counts(counts[0][:, scorable].sum(axis=0), kept)["macro_f1"]
    per_label_boot = label_score_replicates(counts[0], draws)
    result = {
        "macro_f1": interval(point_macro, macro, level),
        "micro_f1": interval(point["micro_f1"], micro, level),
        "labels_without_examples": [label for label in labels if label not in kept],
        "per_label": {},
    }
    for j, label in enumerate(labels):
        entry = {"support": point["per_label"][label]["support"]}
        for name in ("precision", "recall", "f1"):
            entry[name] = interval(
                point["per_label"][label][name], per_label_boot[name][:, j], level
            )
        result["per_label"][label] = entry
    return result


def fall_statement(task: str, family: str, new: dict, cv: dict | None, level: float) -> str:
    pct = round(level * 100)
    here = f"{new['mean']:.3f} [{new['ci_low']:.3f}, {new['ci_high']:.3f}]"
    if not cv:
        return f"{task} ({family}): macro-F1 {here} on the coded sample; the checkpoint has no cross-validated score to compare with."  # noqa: E501
    drop = cv["mean"] - new["mean"]
    then = f"{cv['mean']:.3f} [{cv['ci_low']:.3f}, {cv['ci_high']:.3f}]"
    verdict = (
        "the new corpus interval lies entirely below the cross-validated score"
        if new["ci_high"] < cv["mean"]
        else "the cross-validated score lies inside the new corpus interval"
        if new["ci_low"] <= cv["mean"] <= new["ci_high"]
        else "the new corpus interval lies above the cross-validated score"
    )
    direction = f"fell by {drop:.3f}" if drop > 0 else f"rose by {-drop:.3f}"
    absent = new.get("labels_without_examples") or []
    caveat = (
        f" Left out of the macro average: {', '.join(absent)} (no coded or predicted example)."
        if absent
        else ""
    )
    return (
        f"{task} ({family}): macro-F1 {direction}, from {then} in the checkpoint's own "
        f"cross-validation to {here} on the coded sample of the new corpus ({pct}% intervals; "
        f"{verdict}).{caveat}"
    )


def confusion_table(truth: np.ndarray, pred: np.ndarray, weights, labels) -> pd.DataFrame:
    matrix = np.zeros((len(labels), len(labels)))
    np.add.at(matrix, (truth.argmax(axis=1), pred.argmax(axis=1)), weights)
    table = pd.DataFrame(matrix, index=labels, columns=labels)
    table.index.name = "coded \\ predicted"
    return table


@dataclass
class CodedSentences:
    """The coded sample beside its sentences: codes by sentence id, the sentences' rows in
    the coded order, sampling weights and article clusters."""

    records: dict
    table: pd.DataFrame
    weights: np.ndarray
    weight_note: str
    clusters: np.ndarray

    @property
    def ids(self) -> list[str]:
        return list(self.records)

    def truth(self, task: str, labels: list[str], multi_label: bool) -> np.ndarray:
        """The coded 0/1 matrix of a task, in the checkpoint's label order."""
        if multi_label:
            return np.array(
                [[float(lab in self.records[i][task]) for lab in labels] for i in self.ids]
            )
        codes = np.array([labels.index(self.records[i][task]) for i in self.ids])
        return indicator_matrix(codes, False, len(labels))


def read_coded_sentences(coded: Path, sentences: Path, schema, record) -> CodedSentences:
    records = read_coding(coded, schema)
    if not records:
        raise FramingInputError("codes no sentence", file=coded)
    ids = list(records)
    table = read_sentences(sentences, set(ids))
    check_coded_in(
        coded,
        ids,
        set(table["sentence_id"]),
        f"{sentences}",
        "give the predictions.csv or sentences file of the corpus the sample came from",
    )
    table = table.set_index("sentence_id").loc[ids].reset_index()
    weights, weight_note = sample_weights(coded, record, ids)
    clusters = (table["outlet"] + "\x1f" + table["article_id"]).to_numpy()
    return CodedSentences(records, table, weights, weight_note, clusters)


def validate_checkpoints(
    checkpoints: list[str | Path],
    coded: str | Path,
    sentences: str | Path,
    schema,
    out: str | Path | None = None,
    record: str | Path | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    overwrite: bool = False,
    training_sets=(),
) -> dict:
    """Score each checkpoint on the coded sentences; the report (with its Markdown), written
    to ``out`` as a whole when given."""
    coded, sentences = Path(coded), Path(sentences)
    rule = {
        "inputs": [*checkpoints, coded, sentences, record],
        "overwrite": overwrite,
        "overwrite_fix": OVERWRITE_FIX,
    }
    if out is not None:
        check_folder_target(out, Kind.VALIDATION, **rule)
    models = []
    for path in checkpoints:
        loaded = load_checkpoint(path)
        check_labels(loaded.info, Path(path), expected_schema=schema)
        models.append((Path(path), loaded))
    sample = read_coded_sentences(coded, sentences, schema, record)
    report = {
        "coded": str(coded),
        "sentences": str(sentences),
        "n_coded": len(sample.ids),
        "n_articles": int(len(np.unique(sample.clusters))),
        "weights": sample.weight_note,
        "level": level,
        "bootstrap": n_boot,
        "tasks": {},
        "statements": [],
    }
    per_label_rows, confusion = [], None
    for path, loaded in models:
        result, truth, pred = validate_one(path, loaded, sample, training_sets, n_boot, seed, level)
        report["tasks"][loaded.task] = result
        report["statements"].append(result["statement"])
        warning = overlap_warning(loaded.task, loaded.family, result["training_overlap"])
        if warning:
            report["statements"].append(warning)
        per_label_rows += per_label_table(loaded, result)
        if not loaded.multi_label:
            confusion = confusion_table(truth, pred, sample.weights, loaded.labels)
            report["stance_confusion"] = {
                "labels": loaded.labels,
                "matrix": confusion.to_numpy().tolist(),
                "rows": "coded",
                "columns": "predicted",
            }
    per_label = pd.DataFrame(per_label_rows)
    report["markdown"] = markdown(report, per_label, confusion)
    if out is not None:
        write_validation(out, report, per_label, confusion, rule)
    return report


def validate_one(path, loaded, sample: CodedSentences, training_sets, n_boot, seed, level):
    """(result, coded 0/1, predicted 0/1) of one checkpoint on the coded sentences: the
    scores, the statement of how far they fall from cross-validation, the training overlap."""
    info, labels = loaded.info, loaded.labels
    truth = sample.truth(loaded.task, labels, loaded.multi_label)
    texts = sample.table["text"].tolist()
    pred = np.asarray(loaded.model.predict_indicators(texts))
    result = score_task(truth, pred, sample.clusters, sample.weights, labels, n_boot, seed, level)
    cv = (info.get("metrics") or {}).get("macro_f1")
    new = result["macro_f1"] | {"labels_without_examples": result["labels_without_examples"]}
    result |= {
        "checkpoint": str(path),
        "family": info["family"],
        "cv_macro_f1": cv,
        "statement": fall_statement(loaded.task, info["family"], new, cv, level),
        "training_overlap": training_overlap(info, texts, training_sets),
    }
    return result, truth, pred


def per_label_table(loaded, result: dict) -> list[dict]:
    """per_label.csv rows of one checkpoint: support, precision/recall/F1 with intervals, and
    the label's F1 in the checkpoint's cross-validation."""
    cv_labels = (loaded.info.get("metrics") or {}).get("per_label") or {}
    rows = []
    for label, entry in result["per_label"].items():
        row = {"task": loaded.task, "label": label, "support": entry["support"]}
        for name in ("precision", "recall", "f1"):
            row |= {
                name: entry[name]["mean"],
                f"{name}_low": entry[name]["ci_low"],
                f"{name}_high": entry[name]["ci_high"],
            }
        row["cv_f1"] = (cv_labels.get(label) or {}).get("f1", np.nan)
        rows.append(row)
    return rows


def write_validation(out, report: dict, per_label: pd.DataFrame, confusion, rule: dict) -> None:
    """validation.{json,md}, per_label.csv and confusion_stance.csv, as a whole (``rule``: the
    output rule's inputs and overwrite flag)."""
    with output_folder(out, Kind.VALIDATION, **rule) as tmp:
        spreadsheet_frame(per_label).to_csv(tmp / "per_label.csv", index=False, float_format="%.4f")
        if confusion is not None:
            confusion.to_csv(tmp / "confusion_stance.csv", float_format="%.4g")
        (tmp / "validation.md").write_text(report["markdown"])
        written = {k: v for k, v in report.items() if k != "markdown"}
        (tmp / "validation.json").write_text(json.dumps(written, indent=2) + "\n")


def markdown(report: dict, per_label: pd.DataFrame, confusion) -> str:
    pct = round(report["level"] * 100)
    lines = ["# Validation on the new corpus", ""]
    lines += [f"- {s}" for s in report["statements"]]
    lines += [
        f"- {report['n_coded']} coded sentences from {report['n_articles']} articles; "
        f"{report['weights']}; {pct}% cluster-bootstrap intervals over articles, "
        f"B={report['bootstrap']}.",
        "",
    ]
    for task, result in report["tasks"].items():
        m, u = result["macro_f1"], result["micro_f1"]
        lines += [
            f"## {task}",
            "",
            f"macro-F1 {m['mean']:.3f} [{m['ci_low']:.3f}, {m['ci_high']:.3f}], "
            f"micro-F1 {u['mean']:.3f} [{u['ci_low']:.3f}, {u['ci_high']:.3f}]",
            "",
            "| label | support | precision | recall | F1 | F1 in CV |",
            "|---|---|---|---|---|---|",
        ]
        for _, r in per_label[per_label.task == task].iterrows():
            cells = [
                f"{r[n]:.2f} [{r[n + '_low']:.2f}, {r[n + '_high']:.2f}]"
                for n in ("precision", "recall", "f1")
            ]
            lines.append(
                f"| {r.label} | {r.support:.0f} | " + " | ".join(cells) + f" | {r.cv_f1:.2f} |"
            )
        lines.append("")
    if confusion is not None:
        lines += [
            "## stance confusion (rows coded, columns predicted)",
            "",
            "| coded \\ predicted | " + " | ".join(confusion.columns) + " |",
            "|---|" + "---|" * len(confusion.columns),
        ]
        for label, row in confusion.iterrows():
            lines.append(f"| {label} | " + " | ".join(f"{v:g}" for v in row) + " |")
    return "\n".join(lines) + "\n"
