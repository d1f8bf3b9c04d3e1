"""Writing outputs: the one module for the output rule, atomic writes, staging and locks.

A command deletes or replaces only what it wrote itself, of its own kind:

- every output records its kind and the command that made it in the marker of the folder it
  is in (``.framing-output.json``, ``framing.outputs.markers``); a command replaces only an
  output of its own kind that framing wrote whole and that holds none of its inputs; a study
  folder, samples, coding sheets and adjudication files are never replaced; coder files only
  by ``framing coding import``, gold sets only by ``framing coding assemble``
  (``framing.outputs.kinds``, ``framing.outputs.rules``);
- a folder is written with ``output_folder``, a file with ``output_file`` (or ``write_text``,
  ``write_jsonl``): built in a locked, hidden staging folder beside the target and renamed into
  place only when complete (``framing.outputs.writers``, ``framing.outputs.staging``); two
  commands writing one target queue (a file) or the second fails with one line (a folder), and
  the leftovers of a killed command are cleared by the next one writing that target;
- file names made from labels or outlet names go through ``safe_file_stem``; CSV cells a
  spreadsheet would run as formulas are neutralised (``framing.outputs.cells``).

Reading files (the JSONL reader, hashes) is ``framing.io``.
"""

from framing.outputs.cells import (
    SpreadsheetDictWriter,
    SpreadsheetWriter,
    read_cell,
    read_frame,
    spreadsheet_cell,
    spreadsheet_frame,
)
from framing.outputs.kinds import Kind, may_replace
from framing.outputs.markers import MARKER, output_kind, read_marker
from framing.outputs.names import safe_file_stem, safe_file_stems
from framing.outputs.rules import (
    NOT_OURS_FIX,
    check_file_target,
    check_folder_target,
    foreign_entries,
)
from framing.outputs.staging import published, signals_held
from framing.outputs.writers import (
    cache_file,
    finish_folder,
    output_file,
    output_folder,
    publish_folder,
    record_entries,
    record_written,
    staging_folder,
    write_jsonl,
    write_text,
)

__all__ = [
    "MARKER",
    "NOT_OURS_FIX",
    "Kind",
    "SpreadsheetDictWriter",
    "SpreadsheetWriter",
    "cache_file",
    "check_file_target",
    "check_folder_target",
    "finish_folder",
    "foreign_entries",
    "may_replace",
    "output_file",
    "output_folder",
    "output_kind",
    "publish_folder",
    "published",
    "read_cell",
    "read_frame",
    "read_marker",
    "record_entries",
    "record_written",
    "safe_file_stem",
    "safe_file_stems",
    "signals_held",
    "spreadsheet_cell",
    "spreadsheet_frame",
    "staging_folder",
    "write_jsonl",
    "write_text",
]
