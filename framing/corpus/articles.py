"""An article, and how one record (a JSONL line, a CSV row, a table row) becomes one.

Every reader builds its articles here, so they all agree on what a record must hold: a
``text`` that is a non-empty string (a number, a truth value or a list is named as such, not
called empty), optional ``article_id``, ``outlet``, ``title``, ``date`` and ``url``, and any
other field kept as metadata. Outlet names are normalised here too (``normalise_outlet``).
"""

from __future__ import annotations

import csv
import math
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from numbers import Number
from pathlib import Path

from framing.errors import FramingInputError, require_columns

ARTICLE_FIELDS = ("article_id", "outlet", "title", "date", "url")
#: the outlet of an article nothing names
UNKNOWN_OUTLET = "unknown"


@dataclass
class Article:
    article_id: str
    text: str
    outlet: str = UNKNOWN_OUTLET
    title: str = ""
    date: str = ""
    url: str = ""
    source: str = ""
    meta: dict = field(default_factory=dict)


def normalise_outlet(name: object) -> str:
    """One spelling per outlet: Unicode compatibility form (NFKC: full-width letters and
    no-break spaces become plain ones) and runs of white space made one space, ends trimmed;
    an empty name is ``"unknown"``. Case is kept (``outlets.case_variants`` reports names that
    differ only in case)."""
    if name is None:
        return UNKNOWN_OUTLET
    text = " ".join(unicodedata.normalize("NFKC", str(name)).split())
    return text or UNKNOWN_OUTLET


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 text (a byte-order mark dropped); anything else is refused naming the line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise FramingInputError(
            f"is not valid UTF-8 (byte {err.start})",
            file=path,
            line=line,
            fix="re-save the file as UTF-8",
        ) from None


def _type_name(value: object) -> str:
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # a NumPy scalar: named as the Python value it holds
    if isinstance(value, bool):
        return f"a truth value ({str(value).lower()})"
    if isinstance(value, Number):
        return f"a number ({value!r})" if not _is_missing(value) else "missing (NaN)"
    if isinstance(value, list | tuple) or getattr(value, "ndim", 0) == 1:
        return f"a list of {len(value)} item(s)"  # a Parquet list column: a NumPy array
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _scalar_text(record: dict, key: str, path: Path, line: int) -> str:
    """An optional field as text: a string or a number as written; a list, a mapping or a
    truth value is refused (it is a mistake in the input, not a name)."""
    value = record.get(key)
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Number) and not isinstance(value, bool):
        return str(value.item() if hasattr(value, "item") else value)
    raise FramingInputError(
        f"must be text, got {_type_name(value)}", file=path, line=line, field=key
    )


def article_from_record(record: dict, path: Path, line: int, index: int) -> Article:
    """One article from one record (``line``: where it is in its file, for errors; ``index``:
    its 1-based place, the default id ``STEM-000001``)."""
    text = record.get("text")
    if _is_missing(text):
        raise FramingInputError(
            "missing the text of the article", file=path, line=line, field="text"
        )
    if not isinstance(text, str):
        raise FramingInputError(
            f"the article text must be a string, got {_type_name(text)}",
            file=path,
            line=line,
            field="text",
            fix="put the article's text, as a string, in 'text'",
        )
    if not text.strip():
        raise FramingInputError("the article text is empty", file=path, line=line, field="text")
    fields = {key: _scalar_text(record, key, path, line) for key in ARTICLE_FIELDS}
    extra = {k: v for k, v in record.items() if k not in ARTICLE_FIELDS and k != "text"}
    return Article(
        article_id=fields["article_id"] or f"{path.stem}-{index:06d}",
        text=text,
        outlet=normalise_outlet(fields["outlet"]),
        title=fields["title"],
        date=fields["date"],
        url=fields["url"],
        source=f"{path}:{line}",
        meta=extra,
    )


def csv_rows(path: Path, required: tuple[str, ...], fix: str = "") -> Iterator[tuple[int, dict]]:
    """(line, row) of a UTF-8 CSV file whose header holds ``required``. A row with more or
    fewer fields than the header (an unquoted comma) or a quote opened and never closed (which
    would swallow every later row into one field) is an error naming the line it starts on."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    start = 1  # the line the row being read starts on
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = next(reader, None) or []
            except csv.Error as err:
                raise _quote_error(path, 1, err) from None
            require_columns(path, header, required, fix=fix or None)
            width = len(header)
            while True:
                start = reader.line_num + 1
                try:
                    row = next(reader, None)
                except csv.Error as err:
                    raise _quote_error(path, start, err) from None
                if row is None:
                    return
                if not row:  # a blank line
                    continue
                if len(row) != width:
                    raise FramingInputError(
                        f"the row has {len(row)} fields, the header {width}",
                        file=path,
                        line=start,
                        fix="quote every field that holds a comma or a line break",
                    )
                yield start, dict(zip(header, row, strict=True))
    except UnicodeDecodeError:
        raise FramingInputError(
            "is not valid UTF-8", file=path, line=start, fix="re-save the file as UTF-8"
        ) from None


def _quote_error(path: Path, line: int, err: csv.Error) -> FramingInputError:
    if "unexpected end of data" in str(err):
        message = (
            "a quote opened in this row is never closed (every later row would be read as its text)"
        )
    else:
        message = f"a quoted field in this row is not closed where it should be ({err})"
    return FramingInputError(
        message, file=path, line=line, fix='close the quote, or double a quote inside a field ("")'
    )
