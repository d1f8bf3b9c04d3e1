"""CSV cells a spreadsheet will not run as formulas.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)`` in an outlet name or a
sentence of a scraped article). The policy, for every CSV framing writes that a person may open
in a spreadsheet:

- a text cell that begins with one of those characters gets a leading apostrophe (``'=1+2``),
  which spreadsheets show as text;
- numbers are never changed: a number cell, or a text cell that is a plain number (``-0.5``,
  ``+3``, ``-1e-3``), is written as it is;
- a text that already begins with apostrophes followed by one of those characters gets one
  more, so the change is undone exactly: ``read_cell`` drops one leading apostrophe before such
  a character. framing's own readers of its CSVs (predictions, coding sheets) undo it, so a
  coder's sheet imported back gives the same text.
"""

from __future__ import annotations

import csv
import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _needs_mark(text: str) -> bool:
    rest = text.lstrip("'")
    if not rest.startswith(TRIGGERS):
        return False
    # a plain number (no apostrophe before it) stays a number
    return not (len(rest) == len(text) and NUMBER.fullmatch(text))


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as written to a CSV: text that a spreadsheet would run gets an apostrophe."""
    if isinstance(value, str) and _needs_mark(value):
        return "'" + value
    return value


def read_cell(text: Any) -> Any:
    """A cell of a CSV framing wrote, as it was before ``spreadsheet_cell``."""
    if isinstance(text, str) and text.startswith("'") and _needs_mark(text[1:]):
        return text[1:]
    return text


class SpreadsheetWriter:
    """``csv.writer`` whose text cells go through ``spreadsheet_cell``."""

    def __init__(self, fh, **kwargs) -> None:
        self._writer = csv.writer(fh, **kwargs)

    def writerow(self, row) -> None:
        self._writer.writerow([spreadsheet_cell(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


class SpreadsheetDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose text cells go through ``spreadsheet_cell``."""

    def _dict_to_list(self, rowdict):
        return [spreadsheet_cell(v) for v in super()._dict_to_list(rowdict)]


def spreadsheet_frame(frame):
    """A copy of a pandas DataFrame whose text cells went through ``spreadsheet_cell``
    (number columns untouched); write it with ``to_csv``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(spreadsheet_cell)
    return out


def read_frame(frame, columns=None):
    """Undo ``spreadsheet_frame`` on a DataFrame read back from framing's CSV (in place;
    only text columns, or ``columns``)."""
    for column in columns if columns is not None else frame.columns:
        if column in frame and (
            frame[column].dtype == object or str(frame[column].dtype) in ("string", "str")
        ):
            frame[column] = frame[column].map(read_cell)
    return frame
