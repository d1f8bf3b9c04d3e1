"""Reading a coder's file: one JSON object per coded sentence (``sentence_id``, ``frames``,
``stance``, optional ``note``), checked against the study's label schema."""

from __future__ import annotations

from pathlib import Path

from framing.data.labelled import read_labelled_records
from framing.data.schema import LabelSchema


def read_coding(path: str | Path, schema: LabelSchema) -> dict[str, dict]:
    """{sentence_id: record}; an unknown label, a missing field or a repeated id stops the read
    with the file, line and field named. An empty file is an empty coding."""
    records = read_labelled_records(path, schema, need_text=False, allow_empty=True)
    return {record["sentence_id"]: record for record in records}
