"""A coder's file: one JSON object per coded sentence (``sentence_id``, ``frames``, ``stance``,
optional ``note`` and, from a Label Studio export, who coded it and when), checked against the
study's label schema.

``framing coding import`` only ever adds lines at the end of a coder file: a line already there
is never changed or removed, whether framing or a person wrote the file. Other files are not
coder files and are refused as its target: the study's gold set, a sample, or any file holding
sentences with their text.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from framing.coding.records import record_path
from framing.data.labelled import read_labelled_records
from framing.data.schema import LabelSchema
from framing.errors import FramingInputError
from framing.faults import fault_point
from framing.io import read_jsonl
from framing.outputs import Kind, output_kind, record_written, signals_held

#: the fields of a sentence record (a gold set, a sample, framing corpus --out), all at once
SENTENCE_FIELDS = ("article_id", "text", "dup_group")


def canonical_label(value: str, names: list[str]) -> str | None:
    """The schema's name for a label a person typed: exact, else the one name it matches
    ignoring case and surrounding spaces (``Critical`` is ``critical``); None if none does."""
    value = str(value).strip()
    if value in names:
        return value
    folded = [name for name in names if name.casefold() == value.casefold()]
    return folded[0] if len(folded) == 1 else None


def read_coding(path: str | Path, schema: LabelSchema) -> dict[str, dict]:
    """{sentence_id: record}; an unknown label, a missing field or a repeated id stops the read
    with the file, line and field named. An empty file is an empty coding."""
    records = read_labelled_records(path, schema, need_text=False, allow_empty=True)
    return {record["sentence_id"]: record for record in records}


def check_coder_file_target(out: Path, gold_set: Path | None = None) -> None:
    """Refuse a target that is not a coder file (the error names what it is instead)."""
    fix = "import into a coder file, e.g. labels/coder_a.jsonl (or a new file)"
    if out.suffix.lower() != ".jsonl":
        raise FramingInputError("a coder file is a .jsonl file", file=out, field="--out", fix=fix)
    if gold_set is not None and out.resolve() == gold_set.resolve():
        raise FramingInputError(
            "is the study's gold set (framing coding assemble writes it from the coder files)",
            file=out,
            field="--out",
            fix=fix,
        )
    if out.is_dir():
        raise FramingInputError("is a folder", file=out, field="--out", fix=fix)
    if not out.is_file():
        return
    kind = output_kind(out)  # framing wrote it as another command's output (framing.outputs)
    if kind is not None and kind is not Kind.CODER_FILE:
        raise FramingInputError(
            f"is {kind.a} (made by {kind.command}), not a coder file",
            file=out,
            field="--out",
            fix=fix,
        )
    # A coded file may share a sample's record (check.coded.jsonl beside check.sample.json):
    # what the file holds tells a sample from a coder file.
    for line, record in read_jsonl(out):
        if all(key in record for key in SENTENCE_FIELDS):
            what = (
                f"is a sample (its record {record_path(out).name} is beside it)"
                if record_path(out).is_file()
                else "holds sentences with their text (a gold set or a sentence file)"
            )
            raise FramingInputError(
                f"{what}, not a coder's codings",
                file=out,
                line=line,
                field="--out",
                fix=fix,
            )


def append_codings(
    out: Path, schema: LabelSchema, records: list[dict], source: Path
) -> dict[str, int]:
    """Add ``records`` at the end of the coder file ``out`` (created if missing); a sentence
    already there with the same labels is skipped, with other labels refused.

    The file is locked while it is read and appended to, so two imports into one coder file
    queue instead of one losing the other's codings; the new lines go in one write."""
    existed = out.exists()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        _lock(fd)
        existing = read_coding(out, schema) if os.fstat(fd).st_size else {}
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
                    file=source,
                    field="sentence_id",
                    fix="a line of a coder file is never changed: edit it by hand, "
                    "or import into a new file",
                )
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new)
        fault_point("write")  # read under the lock, nothing appended yet
        size = os.fstat(fd).st_size
        if text and size and os.pread(fd, 1, size - 1) != b"\n":
            text = "\n" + text  # a hand-made file whose last line has no line end
        with signals_held():
            if text:
                os.write(fd, text.encode("utf-8"))
                os.fsync(fd)
            if not existed:
                record_written(out.parent, [out.name], Kind.CODER_FILE)
    except BaseException:
        if not existed and out.exists() and out.stat().st_size == 0:
            out.unlink()
        raise
    finally:
        os.close(fd)  # releases the lock
    return {"added": len(new), "already_there": same}


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
