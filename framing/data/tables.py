"""The sentence tables ``framing predict`` writes, read in chunks by every command that takes
them (``framing estimate``, ``validate``, ``sample-size``, ``coding sample --population``,
``discover``): ``predictions.csv``, or ``predictions.parquet`` (``format=parquet``).

A CSV's text cells were marked against spreadsheet formulas when written
(``framing.outputs.cells``) and are read back as they were; a Parquet file is never opened by
a spreadsheet, so its cells are stored as they are. Text columns come back as ``str`` with
``""`` for a missing value, whichever the format.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from framing.errors import FramingInputError
from framing.outputs import read_frame

#: the file types a sentence table can have
TABLE_SUFFIXES = (".csv", ".parquet")
CHUNK_ROWS = 200_000


def is_parquet(path: Path) -> bool:
    return Path(path).suffix.lower() == ".parquet"


def _parquet_file(path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise FramingInputError(f"is not a readable Parquet file ({err})", file=path) from None


def table_columns(path: str | Path) -> list[str]:
    """The column names: a CSV's header line, a Parquet file's schema."""
    path = Path(path)
    if not path.is_file():
        raise FramingInputError("does not exist", file=path)
    if is_parquet(path):
        return list(_parquet_file(path).schema_arrow.names)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # a spreadsheet's BOM
            return next(csv.reader(fh), [])
    except UnicodeDecodeError:
        raise FramingInputError("is not valid UTF-8", file=path) from None


def read_table_chunks(
    path: str | Path,
    columns: Sequence[str] | None,
    text_columns: Sequence[str],
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """``columns`` (all when None) of the table in chunks of at most ``chunk_rows`` rows, so
    memory does not grow with the corpus. ``text_columns`` come as ``str`` (``""`` where
    missing); numbers keep their type (a Parquet file's own, a CSV's as pandas reads them).
    A cut-off or malformed file raises ``ValueError`` (pandas' or pyarrow's), for the
    caller to name with its own context."""
    path = Path(path)
    if is_parquet(path):
        parquet = _parquet_file(path)
        wanted = list(columns) if columns is not None else None
        for batch in parquet.iter_batches(batch_size=chunk_rows, columns=wanted):
            frame = batch.to_pandas()
            for column in text_columns:
                if column in frame:
                    frame[column] = frame[column].map(lambda v: "" if v is None else str(v))
            yield frame
        return
    chunks = pd.read_csv(
        path,
        usecols=list(columns) if columns is not None else None,
        dtype={c: str for c in text_columns},
        keep_default_na=False,
        chunksize=chunk_rows,
        encoding="utf-8",
    )
    for chunk in chunks:
        read_frame(chunk, [c for c in text_columns if c in chunk])
        yield chunk
