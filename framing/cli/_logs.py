"""What a training run shows on the terminal, and what only its log file (RUN/train.log) keeps.

The terminal shows framing's own lines (``framing.*`` loggers, framing's warnings) and the
progress (``framing.cli._progress``). Everything else a run produces goes to the log file
only: other libraries' log records (sentence-transformers' "Saving model to <a hidden staging
folder>"), their Python warnings (transformers'), and whatever they write to stdout or stderr
themselves (SetFit's "***** Running training *****" banner, tqdm bars: only a bar's last
state is kept, one line). The file is Hydra's job log: records reach it through the root
logger, as framing's do.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

#: the logger third-party output written to stdout/stderr during a run is recorded on
CAPTURED = logging.getLogger("captured")
#: where framing's own code lives: its warnings name a file under it
PACKAGE_DIR = str(Path(__file__).resolve().parents[1]) + os.sep


def is_framings(record: logging.LogRecord) -> bool:
    """A record of framing's own, for the terminal: its loggers, its warnings, or an error."""
    name = record.name
    if name == "framing" or name.startswith("framing.") or name == "__main__":
        return True
    if name == "py.warnings":  # logging.captureWarnings: the message starts with the file
        return record.getMessage().startswith(PACKAGE_DIR)
    return record.levelno >= logging.ERROR and name != CAPTURED.name


class OutputToLog:
    """A text stream whose lines become records of ``CAPTURED`` (a stand-in for sys.stdout
    and sys.stderr while a run works). A carriage return starts a line over, as on a
    terminal, so a progress bar leaves one line: its last state."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, real) -> None:
        self.real = real  # for output while a record is being written (no loop)
        self.pending = ""
        self.busy = threading.local()

    def write(self, text: str) -> int:
        if getattr(self.busy, "on", False):
            return self.real.write(text)
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self._record(line)
        return len(text)

    def _record(self, line: str) -> None:
        line = line.rsplit("\r", 1)[-1].rstrip()
        if not line.strip():
            return
        self.busy.on = True
        try:
            CAPTURED.info(line)
        finally:
            self.busy.on = False

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        """The last line, if it never ended (a bar left on screen)."""
        if self.pending:
            self._record(self.pending)
            self.pending = ""

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:  # for libraries that ask; writes to it bypass the log
        return self.real.fileno()


@contextmanager
def third_party_output_to_log() -> Iterator[None]:
    """While the block runs (a training run inside Hydra's job): other libraries' records,
    warnings and stdout/stderr output go to the log file only (see the module doc)."""
    root = logging.getLogger()
    consoles = [
        h
        for h in root.handlers
        if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
    ]
    for handler in consoles:
        handler.addFilter(is_framings)
    CAPTURED.setLevel(logging.INFO)
    logging.captureWarnings(True)
    out, err = OutputToLog(sys.stdout), OutputToLog(sys.stderr)
    try:
        with redirect_stdout(out), redirect_stderr(err):  # type: ignore[type-var]
            yield
    finally:
        out.finish()
        err.finish()
        logging.captureWarnings(False)
        for handler in consoles:
            handler.removeFilter(is_framings)
