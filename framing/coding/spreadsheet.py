"""Coding in a spreadsheet: a CSV to fill in, and reading the filled-in CSV back.

Columns: ``sentence_id, article_id, position, text``, one ``frame:NAME`` column per frame of the
schema (mark a frame with 1 or x; leave it empty or 0 otherwise), ``stance`` (one class name of
the schema) and ``note``. A row whose frames and stance are all empty is not coded yet and is
skipped on import.

Reading is forgiving where a spreadsheet program, not the coder, changed the file, and strict
where a coding could be lost:

- the delimiter is read off the header row (``,``, ``;`` as European Excel saves, or a tab);
  a byte-order mark, spaces around column names and their case are ignored;
- label names are matched ignoring case (``Critical`` is ``critical``);
- every frame of the schema must have its column: a sheet without ``frame:public_health``
  would otherwise store every sentence as coded without that frame;
- a quote opened and never closed, an unknown column, label or mark, or a sentence given twice
  stops the import, naming the line and column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from framing.coding.files import canonical_label
from framing.data.schema import LabelSchema
from framing.errors import FramingInputError, require_columns
from framing.outputs import Kind, SpreadsheetWriter, output_file, read_cell

ID_COLUMNS = ("sentence_id", "article_id", "position", "text")
FRAME_PREFIX = "frame:"
PRESENT = {"1", "x", "yes", "true"}
ABSENT = {"", "0", "no", "false"}
#: the delimiters a coding CSV may use, in the order they are tried on the header row
DELIMITERS = (",", ";", "\t")


def columns(schema: LabelSchema, context: list[str] = ()) -> list[str]:
    return [
        *ID_COLUMNS,
        *context,
        *(FRAME_PREFIX + f for f in schema.frame_names),
        "stance",
        "note",
    ]


def write_sheet(
    path: str | Path,
    rows: list[dict],
    schema: LabelSchema,
    predictions: dict | None = None,
    context: dict[str, dict[str, str]] | None = None,
    kind: Kind = Kind.SHEET,
) -> None:
    """The CSV to code (prefilled with ``predictions`` only when given). ``context`` adds
    read-only columns after the text ({sentence_id: {column: value}}, e.g. the codings an
    adjudicator decides between); import ignores them."""
    extra = list(dict.fromkeys(c for values in (context or {}).values() for c in values))
    with output_file(path, kind) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = SpreadsheetWriter(fh)  # a sentence beginning with = or - is not a formula
        writer.writerow(columns(schema, extra))
        for row in rows:
            p = (predictions or {}).get(row["sentence_id"])
            marks = [("1" if p and f in p["frames"] else "") for f in schema.frame_names]
            shown = (context or {}).get(row["sentence_id"], {})
            writer.writerow(
                [
                    *(row.get(c, "") for c in ID_COLUMNS),
                    *(shown.get(c, "") for c in extra),
                    *marks,
                    p["stance"] if p else "",
                    "",
                ]
            )


def header_delimiter(header_line: str) -> str:
    """The delimiter of a coding CSV, from its header row: the first of ``DELIMITERS`` that
    yields a ``sentence_id`` column, else the one that splits the row into most columns.

    (``csv.Sniffer`` guesses from character frequencies over several rows, and the sentence
    texts' own commas and semicolons mislead it; the header row holds known names.)"""
    best, most = ",", 1
    for delimiter in DELIMITERS:
        names = next(csv.reader([header_line], delimiter=delimiter, skipinitialspace=True), [])
        if "sentence_id" in {n.strip().casefold() for n in names}:
            return delimiter
        if len(names) > most:
            best, most = delimiter, len(names)
    return best


def repeated_names(header: list[str]) -> list[str]:
    """The column names ``header`` holds more than once (blank ones, unnamed, do not count)."""
    return sorted({h for h in header if h and header.count(h) > 1})


def read_csv_rows(
    path: str | Path, fold: tuple[str, ...] = ()
) -> tuple[list[str], list[tuple[int, dict]]]:
    """(column names, [(line, row)]) of a CSV a person may have saved from a spreadsheet.

    Column names lose surrounding spaces, and a name that differs from a lower-case one only
    in case becomes lower case (``Stance``, `` sentence_id``; ``fold``: the caller's own
    such names); values are left as they are. A name given twice as read (for those folded
    names: in any case, with any surrounding spaces) is refused."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise FramingInputError(
            "is not valid UTF-8", file=path, fix="re-save it as UTF-8"
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=header_delimiter(first),
        skipinitialspace=True,
        strict=True,
    )
    header: list[str] | None = None
    rows = []
    try:
        for fields in reader:
            if header is None:
                if not any(f.strip() for f in fields):
                    continue
                header = [_column_name(f, fold) for f in fields]
                repeated = repeated_names(header)
                if repeated:
                    # as typed: "like" and "Like " differ only in case and a trailing space
                    given = sorted(
                        {f for f, h in zip(fields, header, strict=True) if h == repeated[0]}
                    )
                    raise FramingInputError(
                        "is a repeated column"
                        + (  # which of them holds the values would be a guess
                            f" ({' and '.join(map(repr, given))}: names are read without case "
                            "or surrounding spaces)"
                            if len(given) > 1
                            else ""
                        ),
                        file=path,
                        line=reader.line_num,
                        field=repeated[0],
                        fix="keep one of them",
                    )
                continue
            if not any(f.strip() for f in fields):
                continue
            extra = [f for f in fields[len(header) :] if f.strip()]
            if extra:
                raise FramingInputError(
                    f"has {len(fields)} columns, the header {len(header)}",
                    file=path,
                    line=reader.line_num,
                    fix="a text with the delimiter in it must be quoted",
                )
            values = dict(zip(header, map(read_cell, fields), strict=False))  # undo the marks
            rows.append((reader.line_num, {h: values.get(h, "") for h in header if h}))
    except csv.Error as err:
        raise FramingInputError(
            f"is not a readable CSV ({err})",
            file=path,
            line=reader.line_num,
            fix="a quote opened in this row or above is never closed",
        ) from None
    return header or [], rows


def _column_name(name: str, fold: tuple[str, ...] = ()) -> str:
    name = name.strip()
    if name.casefold().startswith(FRAME_PREFIX):
        return FRAME_PREFIX + name[len(FRAME_PREFIX) :].strip()
    folded = name.casefold()
    return folded if folded in {*ID_COLUMNS, "stance", "note", *fold} else name


def read_sheet(path: str | Path, schema: LabelSchema) -> tuple[list[dict], int]:
    """Coded records from a filled-in CSV, and the number of rows not coded yet. An unknown
    label or column, a missing frame column, or a sentence_id given twice names the line and
    column."""
    path = Path(path)
    header, rows = read_csv_rows(path)
    require_columns(path, header, ("sentence_id", "stance"))
    frame_columns: dict[str, str] = {}  # column -> frame
    for column in header:
        if not column.startswith(FRAME_PREFIX):
            continue
        frame = canonical_label(column[len(FRAME_PREFIX) :], schema.frame_names)
        if frame is None:
            raise FramingInputError(
                "is not a frame of the schema",
                file=path,
                line=1,
                field=column,
                fix=f"valid frames: {', '.join(schema.frame_names)}",
            )
        frame_columns[column] = frame
    missing = [f for f in schema.frame_names if f not in frame_columns.values()]
    if missing:
        raise FramingInputError(
            f"has no '{FRAME_PREFIX}{missing[0]}' column"
            + (f" (nor {len(missing) - 1} more)" if len(missing) > 1 else ""),
            file=path,
            line=1,
            field=FRAME_PREFIX + missing[0],
            fix="a sheet codes every frame of the schema; without the column every sentence "
            "would be stored as coded without that frame: export the sheet again",
        )
    records, uncoded, seen = [], 0, {}
    for line, row in rows:
        record = _row(row, frame_columns, schema, path, line)
        if record is None:
            uncoded += 1
            continue
        sid = record["sentence_id"]
        if sid in seen:
            raise FramingInputError(
                f"duplicate sentence_id '{sid}' (first on line {seen[sid]})",
                file=path,
                line=line,
                field="sentence_id",
            )
        seen[sid] = line
        records.append(record)
    return records, uncoded


def _row(row: dict, frame_columns: dict[str, str], schema: LabelSchema, path: Path, line: int):
    sid = (row.get("sentence_id") or "").strip()
    stance_text = (row.get("stance") or "").strip()
    frames = []
    for column, frame in frame_columns.items():
        value = (row.get(column) or "").strip().lower()
        if value in PRESENT:
            frames.append(frame)
        elif value not in ABSENT:
            raise FramingInputError(
                f"'{row[column]}' is not a frame mark",
                file=path,
                line=line,
                field=column,
                fix="mark a frame with 1 or x, leave it empty (or 0) otherwise",
            )
    if not stance_text and not frames:
        return None
    if not sid:
        raise FramingInputError("missing sentence_id", file=path, line=line, field="sentence_id")
    stance = canonical_label(stance_text, schema.stance_names)
    if stance is None:
        raise FramingInputError(
            f"unknown stance '{stance_text}'" if stance_text else "no stance class",
            file=path,
            line=line,
            field="stance",
            fix=f"valid stances: {', '.join(schema.stance_names)}",
        )
    return {
        "sentence_id": sid,
        "frames": sorted(set(frames), key=schema.frame_names.index),
        "stance": stance,
        "note": (row.get("note") or "").strip(),
    }
