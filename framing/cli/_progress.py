"""What a command shows of the library's progress (``framing.progress``).

On a terminal, a tqdm bar per task: count, total, percentage, rate and time left when the
total is known, count and rate otherwise. Off a terminal (nohup, a SLURM job, a pipe) a bar
would be nothing or a wall of carriage returns, so a line is written instead when a task
starts, as it passes each tenth of its total (at most every ``min_gap_s``), at least every
``every_s`` seconds (``FRAMING_PROGRESS_SECONDS``, default 30) and when it ends:

    classify: 2,040/5,100 articles (40%), 312 articles/s, 0:10 left; 20,113 sentences
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from framing.progress import PROGRESS, Snapshot
from framing.progress import logger as progress_logger

#: seconds between two lines off a terminal when a task makes no visible step
EVERY_ENV = "FRAMING_PROGRESS_SECONDS"
DEFAULT_EVERY_S = 30.0


def number(value: float) -> str:
    """1234567 -> '1,234,567'; 0.5 -> '0.5'."""
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:.2g}"


def duration(seconds: float) -> str:
    """12.3 -> '0:12', 3725 -> '1:02:05'."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def amount(n: float, unit: str) -> str:
    """'1 fit', '20 fits', '5,100 articles' (units are given in the plural)."""
    return f"{number(n)} {unit[:-1] if n == 1 and unit.endswith('s') else unit}"


def rate(done: float, seconds: float, unit: str) -> str:
    """'310 articles/s', or for slow work the time each one takes: '1.3 s per fit'."""
    if seconds <= 0 or done <= 0:
        return ""
    per_second = done / seconds
    if per_second >= 2:
        return f"{number(per_second)} {unit}/s"
    each = seconds / done
    one = unit[:-1] if unit.endswith("s") else unit
    return f"{each:.1f} s per {one}" if each < 60 else f"{duration(each)} per {one}"


def extras(snapshot: Snapshot) -> str:
    parts = [f"{number(v)} {k}" for k, v in snapshot.counts.items()]
    return "; ".join([*parts, *([snapshot.note] if snapshot.note else [])])


def progress_line(snapshot: Snapshot) -> str:
    """One line on a task, as a person reads it."""
    s, unit = snapshot, snapshot.unit
    if s.event == "start":
        return f"{s.name}: started" + (f" ({amount(s.total, unit)})" if s.total else "")
    if s.event == "end":
        what = "stopped after" if s.failed else "done,"
        speed = rate(s.done, s.elapsed_s, unit)
        text = f"{s.name}: {what} {amount(s.done, unit)} in {duration(s.elapsed_s)}"
        text += f" ({speed})" if speed else ""
        more = "; ".join(f"{number(v)} {k}" for k, v in s.counts.items())
        return text + (f"; {more}" if more else "")
    text = f"{s.name}: {number(s.done)}"
    if s.total:
        share = s.done / s.total
        text += f"/{number(s.total)} {unit} ({share:.0%})"
    else:
        text = f"{s.name}: {amount(s.done, unit)}"
    speed = rate(s.done, s.elapsed_s, unit)
    if speed:
        text += f", {speed}"
    if s.total and 0 < s.done < s.total:
        text += f", {duration(s.elapsed_s * (s.total - s.done) / s.done)} left"
    more = extras(s)
    return text + (f"; {more}" if more else "")


class ProgressDisplay(logging.Handler):
    """Listens on ``framing.progress``: bars on a terminal, lines elsewhere."""

    def __init__(
        self,
        stream: TextIO,
        interactive: bool,
        every_s: float = DEFAULT_EVERY_S,
        min_gap_s: float = 5.0,
    ) -> None:
        super().__init__(level=PROGRESS)
        self.stream = stream
        self.interactive = interactive
        self.every_s = every_s
        self.min_gap_s = min(min_gap_s, every_s)
        self.bars: dict[int, object] = {}
        self.last_line: dict[int, tuple[float, int]] = {}  # task -> (time, tenth) of its line

    def emit(self, record: logging.LogRecord) -> None:
        snapshot = getattr(record, "progress", None)
        if snapshot is None:
            return
        try:
            if self.interactive:
                self._draw(snapshot)
            else:
                self._write(snapshot)
        except Exception:  # noqa: BLE001 - showing progress must never stop the work
            self.handleError(record)

    # ------------------------------------------------------------------ a terminal
    def _draw(self, s: Snapshot) -> None:
        from tqdm import tqdm

        bar = self.bars.get(s.task_id)
        if s.event == "start" or bar is None:
            bar = tqdm(
                total=s.total,
                desc=s.name,
                unit=f" {s.unit}",
                file=self.stream,
                position=s.depth,
                leave=s.depth == 0,
                # COLUMNS, else the terminal's width, else 80 (a new pty can say 0)
                ncols=shutil.get_terminal_size().columns,
            )
            self.bars[s.task_id] = bar
        bar.update(s.done - bar.n)
        more = extras(s)
        if more:
            bar.set_postfix_str(more, refresh=False)
        if s.event == "end":
            bar.close()
            del self.bars[s.task_id]
        else:
            bar.refresh()

    # ------------------------------------------------------------------ off a terminal
    def _write(self, s: Snapshot) -> None:
        now = time.monotonic()
        tenth = int(10 * s.done / s.total) if s.total else 0
        if s.event == "step":
            last_time, last_tenth = self.last_line.get(s.task_id, (now, 0))
            gap = now - last_time
            passed_a_tenth = tenth > last_tenth and gap >= self.min_gap_s
            if not (passed_a_tenth or gap >= self.every_s):
                return
        if s.event == "end":
            self.last_line.pop(s.task_id, None)
        else:
            self.last_line[s.task_id] = (now, tenth)
        print(progress_line(s), file=self.stream, flush=True)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()
        super().close()


def on_a_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def every_seconds() -> float:
    """Seconds between lines off a terminal (``FRAMING_PROGRESS_SECONDS``)."""
    from framing.errors import FramingInputError

    text = os.environ.get(EVERY_ENV)
    if not text:
        return DEFAULT_EVERY_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise FramingInputError(
            f"must be a number of seconds (0 or more), got {text!r}", field=EVERY_ENV
        )
    return value


@contextmanager
def show_progress(
    enabled: bool = True, stream: TextIO | None = None, interactive: bool | None = None
) -> Iterator[ProgressDisplay | None]:
    """Show the library's progress on ``stream`` (stderr) while the block runs."""
    if not enabled:
        yield None
        return
    stream = sys.stderr if stream is None else stream
    interactive = on_a_terminal(stream) if interactive is None else interactive
    display = ProgressDisplay(stream, interactive, every_s=every_seconds())
    previous_level = progress_logger.level
    progress_logger.addHandler(display)
    progress_logger.setLevel(PROGRESS)
    try:
        yield display
    finally:
        progress_logger.removeHandler(display)
        progress_logger.setLevel(previous_level)
        display.close()
