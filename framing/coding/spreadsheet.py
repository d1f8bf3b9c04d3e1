"""Coding in a spreadsheet: a CSV to fill in, and reading the filled-in CSV back.

Columns: ``sentence_id, article_id, position, text``, one ``frame:NAME`` column per frame of the
schema (mark a frame with 1 or x; leave it empty or 0 otherwise), ``stance`` (one class name of
the schema) and ``note``. A row whose frames and stance are all empty is not coded yet and is
skipped on import.
"""

from __future__ import annotations

import csv
from pathlib import Path

from framing.data.schema import LabelSchema
from framing.errors import FramingInputError
from framing.outputs import Kind, SpreadsheetWriter, output_file, read_cell

ID_COLUMNS = ("sentence_id", "article_id", "position", "text")
FRAME_PREFIX = "frame:"
PRESENT = {"1", "x", "yes", "true"}
ABSENT = {"", "0", "no", "false"}


def columns(schema: LabelSchema) -> list[str]:
    return [*ID_COLUMNS, *(FRAME_PREFIX + f for f in schema.frame_names), "stance", "note"]


def write_sheet(
    path: str | Path, rows: list[dict], schema: LabelSchema, predictions: dict | None = None
) -> None:
    """The CSV to code (prefilled with ``predictions`` only when given)."""
    with output_file(path, Kind.SHEET) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = SpreadsheetWriter(fh)  # a sentence beginning with = or - is not a formula
        writer.writerow(columns(schema))
        for row in rows:
            p = (predictions or {}).get(row["sentence_id"])
            marks = [("1" if p and f in p["frames"] else "") for f in schema.frame_names]
            writer.writerow(
                [*(row.get(c, "") for c in ID_COLUMNS), *marks, p["stance"] if p else "", ""]
            )


def read_sheet(path: str | Path, schema: LabelSchema) -> tuple[list[dict], int]:
    """Coded records from a filled-in CSV, and the number of rows not coded yet. An unknown
    label or column, or a sentence_id given twice, names the line and column."""
    path = Path(path)
    records, uncoded, seen = [], 0, {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            for needed in ("sentence_id", "stance"):
                if needed not in header:
                    raise FramingInputError(
                        f"has no '{needed}' column", file=path, line=1, field=needed
                    )
            frame_columns = [c for c in header if c.startswith(FRAME_PREFIX)]
            for column in frame_columns:
                if column[len(FRAME_PREFIX) :] not in schema.frame_names:
                    raise FramingInputError(
                        "is not a frame of the schema", file=path, line=1, field=column,
                        fix=f"valid frames: {', '.join(schema.frame_names)}",
                    )  # fmt: skip
            for raw in reader:
                line = reader.line_num
                row = {k: read_cell(v) for k, v in raw.items()}  # undo write_sheet's marks
                record = _row(row, frame_columns, schema, path, line)
                if record is None:
                    uncoded += 1
                    continue
                sid = record["sentence_id"]
                if sid in seen:
                    raise FramingInputError(
                        f"duplicate sentence_id '{sid}' (first on line {seen[sid]})",
                        file=path, line=line, field="sentence_id",
                    )  # fmt: skip
                seen[sid] = line
                records.append(record)
    except UnicodeDecodeError:
        raise FramingInputError(
            "is not valid UTF-8", file=path, fix="re-save it as UTF-8"
        ) from None
    return records, uncoded


def _row(row: dict, frame_columns: list[str], schema: LabelSchema, path: Path, line: int):
    sid = (row.get("sentence_id") or "").strip()
    stance = (row.get("stance") or "").strip()
    frames = []
    for column in frame_columns:
        value = (row.get(column) or "").strip().lower()
        if value in PRESENT:
            frames.append(column[len(FRAME_PREFIX) :])
        elif value not in ABSENT:
            raise FramingInputError(
                f"'{row[column]}' is not a frame mark", file=path, line=line, field=column,
                fix="mark a frame with 1 or x, leave it empty (or 0) otherwise",
            )  # fmt: skip
    if not stance and not frames:
        return None
    if not sid:
        raise FramingInputError("missing sentence_id", file=path, line=line, field="sentence_id")
    if stance not in schema.stance_names:
        raise FramingInputError(
            f"unknown stance '{stance}'" if stance else "no stance class",
            file=path, line=line, field="stance",
            fix=f"valid stances: {', '.join(schema.stance_names)}",
        )  # fmt: skip
    return {
        "sentence_id": sid,
        "frames": sorted(frames, key=schema.frame_names.index),
        "stance": stance,
        "note": (row.get("note") or "").strip(),
    }
