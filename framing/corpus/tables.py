"""Articles from a table: a pandas DataFrame or a Hugging Face ``datasets.Dataset`` (in a
notebook), or a Parquet file.

A table has one row per article with a ``text`` column; ``article_id``, ``outlet``, ``title``,
``date`` and ``url`` are optional (as in a CSV), other columns are kept as metadata. Missing
values (NaN, None) count as empty. An error names the table and the row (1-based, as "line").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from framing.corpus.articles import Article, article_from_record
from framing.errors import FramingInputError

DATAFRAME = "<DataFrame>"
DATASET = "<Dataset>"


def is_table(obj) -> bool:
    """A pandas DataFrame (checked without importing pandas)."""
    return hasattr(obj, "columns") and hasattr(obj, "to_dict") and hasattr(obj, "iloc")


def is_dataset(obj) -> bool:
    """A ``datasets.Dataset`` (checked without importing datasets): named columns, rows."""
    return hasattr(obj, "column_names") and hasattr(obj, "features") and hasattr(obj, "to_pandas")


def table_name(obj) -> str | None:
    """How errors name an in-memory table (None: not one)."""
    return DATAFRAME if is_table(obj) else DATASET if is_dataset(obj) else None


def _no_text_column(columns: list, source) -> FramingInputError:
    return FramingInputError(
        f"has no 'text' column (columns: {columns})",
        file=source,
        field="text",
        fix="name the article column 'text'",
    )


def iter_table(frame, source: str | Path = DATAFRAME) -> Iterator[Article]:
    if "text" not in frame.columns:
        raise _no_text_column(list(frame.columns), source)
    # NaN is truthy: missing cells become None so defaults apply.
    clean = frame.astype(object).where(frame.notna(), None)
    for index, record in enumerate(clean.to_dict(orient="records"), start=1):
        record = {str(k): v for k, v in record.items()}
        yield article_from_record(record, Path(str(source)), index, index)


def iter_dataset(dataset, source: str = DATASET) -> Iterator[Article]:
    """The rows of a ``datasets.Dataset`` one at a time (a Dataset on disk is not loaded
    whole into memory)."""
    if "text" not in dataset.column_names:
        raise _no_text_column(list(dataset.column_names), source)
    for index, record in enumerate(dataset, start=1):
        yield article_from_record(dict(record), Path(source), index, index)


def iter_parquet(path: Path) -> Iterator[Article]:
    import pandas as pd

    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise FramingInputError(f"is not a readable Parquet file ({err})", file=path) from None
    yield from iter_table(frame, path)
