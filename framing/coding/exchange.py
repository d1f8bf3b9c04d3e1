"""Moving a sample out to a coding tool and the codings back (``framing coding export|import``).

Export writes Label Studio tasks plus their labelling config, or a CSV for a spreadsheet. A
model's decisions go in as pre-annotations only when asked for, and never into a random sample:
pre-annotations pull coders toward the model, and a random sample is the one its accuracy and
the corpus estimates are measured on. The sample's record says which kind it is.

Import reads a Label Studio export (JSON, JSON-MIN or CSV) or a filled-in coding sheet, checks
every label against the schema and every sentence against the study's samples and corpus, and
adds the codings at the end of a coder file (``labels/coder_a.jsonl``, ``framing.coding.files``);
a sentence already in that file with other labels is refused, never overwritten. Nothing is
written unless the whole file is valid.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from framing.checkpoint import load_checkpoint
from framing.coding import labelstudio, lsexport, spreadsheet
from framing.coding.files import append_codings, check_coder_file_target
from framing.coding.gold import study_sentences
from framing.coding.population import read_population
from framing.coding.records import SUFFIX, read_sample_record
from framing.coding.samples import refuse_existing, sample_rows
from framing.errors import FramingInputError
from framing.outputs import Kind, write_text
from framing.study import resolve_path

FORMATS = ("label-studio", "csv")


def config_path(out: str | Path) -> Path:
    """Where the labelling config of a Label Studio task file goes: ``x.json`` -> ``x.xml``."""
    return Path(out).with_suffix(".xml")


def model_decisions(checkpoints, texts: list[str], sentence_ids: list[str]):
    """{sentence_id: {"frames": [...], "stance": str | None}} from one checkpoint per task, and
    a model-version string naming them."""
    decisions = {sid: {"frames": [], "stance": None} for sid in sentence_ids}
    versions = []
    for path in checkpoints:
        model = load_checkpoint(resolve_path(path))  # it writes into no cache folder
        info = model.info
        key = "frames" if info["task"] == "frames" else "stance"
        for sid, labels in zip(sentence_ids, model.predict_labels(texts), strict=True):
            decisions[sid][key] = labels
        versions.append(f"{info['task']}:{info['family']}@{info.get('created_at', '?')}")
    return decisions, ", ".join(versions)


def check_preannotation_allowed(sample_file: Path) -> None:
    record = read_sample_record(sample_file)
    if record.random:
        raise FramingInputError(
            f"is a random ('{record.strategy}') sample: it is coded without pre-annotations",
            file=sample_file,
            field="--predictions",
            fix="pre-annotations pull coders toward the model and would inflate its measured "
            "accuracy; export without --predictions",
        )


def export_sample(
    sample_file: str | Path,
    fmt: str,
    out: str | Path,
    schema,
    predictions: list[str | Path] = (),
) -> list[Path]:
    """Write the sample for coding; returns the files written."""
    sample_file, out = Path(sample_file), Path(out)
    if fmt not in FORMATS:
        raise FramingInputError(
            f"unknown format '{fmt}'", field="--format", fix=f"one of {', '.join(FORMATS)}"
        )
    targets = [out, config_path(out)] if fmt == "label-studio" else [out]
    refuse_existing(*targets)
    rows = sample_rows(read_population(sample_file).sentences)
    decisions, version = None, ""
    if predictions:
        check_preannotation_allowed(sample_file)
        decisions, version = model_decisions(
            predictions, [r["text"] for r in rows], [r["sentence_id"] for r in rows]
        )
    if fmt == "csv":
        spreadsheet.write_sheet(out, rows, schema, decisions)
        return targets
    task_list = labelstudio.tasks(rows, decisions, version)
    write_text(out, json.dumps(task_list, indent=1, ensure_ascii=False) + "\n", Kind.SHEET)
    try:
        write_text(config_path(out), labelstudio.labelling_config(schema), Kind.SHEET)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return targets


def read_coded_file(path: str | Path, schema, annotator: str | None = None):
    """(records, uncoded count) from a Label Studio export (JSON, JSON-MIN or CSV) or a
    filled-in coding sheet (CSV)."""
    path = Path(path)
    if not path.is_file():
        raise FramingInputError("no such file", file=path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return lsexport.read_export(path, schema, annotator)
    if suffix == ".csv":
        header, _ = spreadsheet.read_csv_rows(path)
        if lsexport.LS_CSV_COLUMN in header:  # Label Studio's CSV export
            return lsexport.read_export(path, schema, annotator)
        if annotator:
            raise FramingInputError(
                "a coding sheet holds one coder's labels",
                file=path,
                field="--annotator",
                fix="leave out --annotator (it picks a coder in a Label Studio export)",
            )
        return spreadsheet.read_sheet(path, schema)
    raise FramingInputError(
        f"unsupported coded file type '{suffix}'",
        file=path,
        fix="give a Label Studio export (JSON, JSON-MIN or CSV) or a filled-in coding sheet (.csv)",
    )


def sample_ids(root: Path) -> set[str]:
    """The sentence ids of every sample record under ``root`` (hidden folders left out)."""
    ids: set[str] = set()
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.endswith(SUFFIX):
                ids |= set(read_sample_record(Path(folder) / name).probabilities)
    return ids


def check_known_sentences(path: Path, records: list[dict], study, sample=None) -> None:
    """Every coded sentence must come from ``sample`` when it is given; else from a sample of
    the study (a sample record in its folder) or from the study's own corpus."""
    coded = [r["sentence_id"] for r in records]
    if sample is not None:
        known, where = set(read_sample_record(sample).probabilities), f"the sample {sample}"
    else:
        known, where = sample_ids(study.root), f"any sample in {study.root} or its corpus"
        if any(sid not in known for sid in coded):
            known |= {s.sentence_id for s in study_sentences(study)[0]}
    unknown = [sid for sid in coded if sid not in known]
    if unknown:
        raise FramingInputError(
            f"{len(unknown)} coded sentence(s) are not in {where}, first: {unknown[0]}",
            file=path,
            field="sentence_id",
            fix="import the codings of a sample drawn by framing coding sample|sheet "
            "(name it with --sample when it lies outside the study); nothing was written",
        )


def import_coding(
    path, out, schema, annotator: str | None = None, study=None, sample=None
) -> dict[str, int]:
    """Add the codings of ``path`` at the end of the coder file ``out`` (created if missing),
    after checking the target is a coder file and, with a ``study``, that every coded sentence
    is one of its samples or its corpus."""
    path, out = Path(path), Path(out)
    gold_set = study.path("sentences", must_exist=False) if study is not None else None
    check_coder_file_target(out, gold_set)
    records, uncoded = read_coded_file(path, schema, annotator)
    if not records:
        raise FramingInputError(
            f"holds no coded sentence ({uncoded} not coded yet)",
            file=path,
            fix="code the sentences first; nothing was written",
        )
    if study is not None or sample is not None:
        check_known_sentences(path, records, study, sample)
    counts = append_codings(out, schema, records, path)
    return counts | {"not_coded": uncoded}
