"""Articles from a table: a pandas DataFrame (in a notebook) or a Parquet file.

A table has one row per article with a ``text`` column; ``article_id``, ``outlet``, ``title``,
``date`` and ``url`` are optional (as in a CSV), other columns are kept as metadata. Missing
values (NaN, None) count as empty. An error names the table and the row (1-based, as "line").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from framing.corpus.articles import article_from_record
from framing.errors import FramingInputError

DATAFRAME = "<DataFrame>"


def is_table(obj) -> bool:
    """A pandas DataFrame (checked without importing pandas)."""
    return hasattr(obj, "columns") and hasattr(obj, "to_dict") and hasattr(obj, "iloc")


def iter_table(frame, source: str | Path = DATAFRAME) -> Iterator:
    if "text" not in frame.columns:
        raise FramingInputError(
            f"has no 'text' column (columns: {list(frame.columns)})",
            file=source,
            field="text",
            fix="name the article column 'text'",
        )
    # NaN is truthy: missing cells become None so defaults apply.
    clean = frame.astype(object).where(frame.notna(), None)
    for index, record in enumerate(clean.to_dict(orient="records"), start=1):
        record = {str(k): v for k, v in record.items()}
        yield article_from_record(record, Path(str(source)), index, index)


def iter_parquet(path: Path) -> Iterator:
    import pandas as pd

    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise FramingInputError(f"is not a readable Parquet file ({err})", file=path) from None
    yield from iter_table(frame, path)
