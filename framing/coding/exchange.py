"""Moving a sample out to a coding tool and the codings back (``framing coding export|import``).

Export writes Label Studio tasks plus their labelling config, or a CSV for a spreadsheet. A
model's decisions go in as pre-annotations only when asked for, and never into a random sample:
pre-annotations pull coders toward the model, and a random sample is the one its accuracy and
the corpus estimates are measured on. The sample's record says which kind it is.

Import reads a Label Studio JSON export or a filled-in CSV, checks every label against the
schema, and adds the codings to a coder file (``labels/coder_a.jsonl``); a sentence already in
that file with other labels is refused, never overwritten. Nothing is written unless the whole
file is valid.
"""

from __future__ import annotations

import json
from pathlib import Path

from framing.coding import labelstudio, spreadsheet
from framing.coding.population import read_population
from framing.coding.records import read_sample_record
from framing.coding.samples import refuse_existing, sample_rows
from framing.errors import FramingInputError
from framing.outputs import Kind, output_file, write_text

FORMATS = ("label-studio", "csv")


def config_path(out: str | Path) -> Path:
    """Where the labelling config of a Label Studio task file goes: ``x.json`` -> ``x.xml``."""
    return Path(out).with_suffix(".xml")


def model_decisions(checkpoints, texts: list[str], sentence_ids: list[str]):
    """{sentence_id: {"frames": [...], "stance": str | None}} from one checkpoint per task, and
    a model-version string naming them."""
    from framing.checkpoint import load_checkpoint
    from framing.study import resolve_path

    decisions = {sid: {"frames": [], "stance": None} for sid in sentence_ids}
    versions = []
    for path in checkpoints:
        model = load_checkpoint(resolve_path(path))
        if getattr(model, "cache_dir", None) is not None:
            model.cache_dir = None
        info = model.checkpoint_info
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
    """(records, uncoded count) from a Label Studio JSON export or a filled-in CSV."""
    path = Path(path)
    if not path.is_file():
        raise FramingInputError("no such file", file=path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return labelstudio.read_export(path, schema, annotator)
    if suffix == ".csv":
        if annotator:
            raise FramingInputError("a CSV holds one coder's labels", field="--annotator")
        return spreadsheet.read_sheet(path, schema)
    raise FramingInputError(
        f"unsupported coded file type '{suffix}'",
        file=path,
        fix="give a Label Studio JSON export (.json) or a filled-in coding CSV (.csv)",
    )


def import_coding(path, out, schema, annotator: str | None = None) -> dict[str, int]:
    """Add the codings of ``path`` to the coder file ``out`` (created if missing)."""
    from framing.coding.files import read_coding

    out = Path(out)
    records, uncoded = read_coded_file(path, schema, annotator)
    if not records:
        raise FramingInputError(
            f"holds no coded sentence ({uncoded} not coded yet)", file=path,
            fix="code the sentences first; nothing was written",
        )  # fmt: skip
    # Read, append and replace under the coder file's lock: a second import into the same
    # file waits for this one, then reads what it wrote (no coding is lost).
    with output_file(out, Kind.CODER_FILE, inputs=[path]) as tmp:
        existing = read_coding(out, schema) if out.exists() else {}
        new, same = [], 0
        for record in records:
            before = existing.get(record["sentence_id"])
            if before is None:
                new.append(record)
            elif set(before["frames"]) == set(record["frames"]) and (
                before["stance"] == record["stance"]
            ):
                same += 1
            else:
                raise FramingInputError(
                    f"sentence_id '{record['sentence_id']}' is already coded differently in {out}",
                    file=path,
                    field="sentence_id",
                    fix="a coder file is never overwritten: edit it by hand, or import into a new "
                    "file",
                )
        old_text = out.read_text(encoding="utf-8") if out.exists() else ""
        if old_text and not old_text.endswith("\n"):
            old_text += "\n"
        tmp.write_text(
            old_text + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new),
            encoding="utf-8",
        )
    return {"added": len(new), "already_there": same, "not_coded": uncoded}
