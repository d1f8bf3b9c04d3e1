"""The rows of ``predictions.csv`` (or ``predictions.parquet``): one per classified sentence,
with the columns of ``framing corpus --out`` before the predictions.

While the corpus streams, each chunk's rows are appended to a staging file (``ROWS``: one
JSON list a line, so a text holding commas, quotes or line breaks needs no care). A sentence's
duplicate group needs the whole corpus, so it is found at the end (``finish_predictions``):
the texts are read back once for the duplicate join (``framing.corpus.duplicates``, the join
``framing corpus`` runs: same groups, same ids), and the rows once more to write the final
file with ``dup_group`` and ``syndicated`` filled in. The join holds a few small integers per
word of the corpus; nothing else of the corpus is held. Its time is near-linear on news (see
``framing corpus``'s benchmark), but grows faster on a corpus made of very many near copies of
few sentences (100,000 recombined seed sentences: about a minute on a loaded machine);
``duplicate_groups=false`` skips it and leaves both columns empty.

Columns: ``sentence_id, article_id, outlet, position, text, kind, dup_group, language,
syndicated`` (the sentence fields of ``framing corpus --out`` but its source ``line``), then
``proba:LABEL`` and ``pred:LABEL`` for each label of each checkpoint.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from framing.corpus.duplicates import duplicate_groups
from framing.outputs import SpreadsheetWriter

#: the staging file of the rows, inside the (temporary) output folder
ROWS = "predictions.rows.jsonl"
#: what each row carries before the predictions, in the order the staging file holds them
STAGED = ("sentence_id", "article_id", "outlet", "position", "text", "kind", "language")
#: the columns of the final file before the predictions (``framing corpus --out``'s names)
SENTENCE_COLUMNS = (
    "sentence_id",
    "article_id",
    "outlet",
    "position",
    "text",
    "kind",
    "dup_group",
    "language",
    "syndicated",
)
FORMATS = ("csv", "parquet")


def sentence_row(sentence, values: list[str]) -> str:
    """One staged row: the sentence's fields, then its formatted prediction values."""
    fields = [
        sentence.sentence_id,
        sentence.article_id,
        sentence.outlet,
        sentence.position,
        sentence.text,
        sentence.kind,
        sentence.language,
    ]
    return json.dumps(fields + values, ensure_ascii=False) + "\n"


def _staged(path: Path) -> Iterator[list]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _groups(path: Path, rules) -> tuple[np.ndarray, np.ndarray]:
    """(root row of each row's duplicate group, whether the group spans outlets)."""
    outlet_codes: dict[str, int] = {}
    outlets: list[int] = []

    def texts() -> Iterator[str]:
        for row in _staged(path):
            outlets.append(outlet_codes.setdefault(row[2], len(outlet_codes)))
            yield row[4]

    root = np.asarray(duplicate_groups(texts(), rules), dtype=np.int64)
    if not len(root):
        return root, np.zeros(0, dtype=bool)
    codes = np.asarray(outlets, dtype=np.int64)
    pairs = np.unique(root * (len(outlet_codes) + 1) + codes)  # distinct (group, outlet)
    spans = np.bincount(pairs // (len(outlet_codes) + 1), minlength=len(root)) > 1
    return root, spans[root]


def finished_rows(folder: Path, rules, groups: bool = True) -> Iterator[list]:
    """The staged rows with ``dup_group`` and ``syndicated`` (as in ``SENTENCE_COLUMNS``);
    ``groups=False``: both left empty (None), no duplicate join."""
    path = folder / ROWS
    if not groups:
        for row in _staged(path):
            yield [*row[:6], None, row[6], None, *row[7:]]
        return
    root, syndicated = _groups(path, rules)
    members = np.bincount(root, minlength=len(root)) if len(root) else root
    group_ids: dict[int, str] = {}  # groups of two or more rows: the root's id, once read
    for i, row in enumerate(_staged(path)):
        r = int(root[i])
        if r == i:
            gid = "g" + row[0][1:]
            if members[i] > 1:
                group_ids[i] = gid
        else:
            gid = group_ids[r]  # the root is an earlier row
        sid, article_id, outlet, position, text, kind, language, *values = row
        yield [
            sid,
            article_id,
            outlet,
            position,
            text,
            kind,
            gid,
            language,
            bool(syndicated[i]),
            *values,
        ]


def finish_predictions(
    folder: Path, value_columns: list[str], fmt: str, rules, groups: bool = True
) -> Path:
    """Write ``predictions.csv`` or ``predictions.parquet`` from the staged rows of ``folder``
    and remove the staging file; returns the file written. ``groups=False`` skips the
    duplicate join (``dup_group`` and ``syndicated`` empty)."""
    rows = finished_rows(folder, rules, groups)
    if fmt == "parquet":
        out = write_parquet(folder / "predictions.parquet", rows, value_columns)
    else:
        out = folder / "predictions.csv"
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = SpreadsheetWriter(fh)  # a text or outlet a spreadsheet would run is marked
            writer.writerow([*SENTENCE_COLUMNS, *value_columns])
            for row in rows:
                row[8] = "" if row[8] is None else "true" if row[8] else "false"
                writer.writerow(row)
    (folder / ROWS).unlink()
    return out


def write_parquet(path: Path, rows: Iterator[list], value_columns: list[str]) -> Path:
    """The rows as a Parquet file, written in batches (memory does not grow with the corpus):
    probabilities as float64, decisions as int8, position as int32, syndicated as bool."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"position": pa.int32(), "syndicated": pa.bool_()}
    for c in value_columns:
        types[c] = pa.float64() if c.startswith("proba:") else pa.int8()
    columns = [*SENTENCE_COLUMNS, *value_columns]
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    convert = [
        float if c.startswith("proba:") else int if c.startswith("pred:") else None for c in columns
    ]

    def batch(chunk: list[list]) -> pa.RecordBatch:
        arrays = []
        for j, c in enumerate(columns):
            values = [r[j] for r in chunk]
            if convert[j] is not None:
                values = [convert[j](v) for v in values]
            arrays.append(pa.array(values, type=schema.field(c).type))
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[list] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= 50_000:
                writer.write_batch(batch(chunk))
                chunk = []
        if chunk:
            writer.write_batch(batch(chunk))
    return path
