"""Progress of long work, told through ``logging``: the library never draws a bar or prints.

Library code marks a long loop as a task, with its total when it knows it:

    with progress.task("classify", total=n_articles, unit="articles") as task:
        for chunk in chunks:
            ...
            task.advance(len(chunk.articles), sentences=chunk.n_sentences)

and code further down, which does not know the task, advances whatever task encloses it,
saying where it is inside the ``stage`` its caller named:

    with progress.stage("fold 2/5"):
        ...
        progress.advance(note="inner fit 3/3")       # shown as "fold 2/5 · inner fit 3/3"

Every start, step and end is a record on the ``framing.progress`` logger, at level
``PROGRESS`` (below DEBUG) and not propagated to the root logger, carrying a ``Snapshot`` as
its ``progress`` attribute. Nobody listens unless a command does (``framing.cli._progress``
draws a bar on a terminal and writes a line now and then elsewhere), so a notebook or a test
sees nothing and a step costs one ``isEnabledFor`` call.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

#: below DEBUG: progress records never show up in a log configured for DEBUG
PROGRESS = 5
logging.addLevelName(PROGRESS, "PROGRESS")

logger = logging.getLogger("framing.progress")
logger.propagate = False  # only a listener attached to this logger sees the records

_ids = itertools.count(1)
_current: ContextVar[Task | None] = ContextVar("framing_progress_task", default=None)
_stages: ContextVar[tuple[str, ...]] = ContextVar("framing_progress_stages", default=())


@dataclass(frozen=True)
class Snapshot:
    """A task at one moment: what a listener needs to draw or write it."""

    task_id: int
    name: str
    event: str  # "start", "step" or "end"
    done: int
    total: int | None
    unit: str
    elapsed_s: float
    depth: int  # 0 for a task inside no other
    note: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # e.g. sentences so far
    failed: bool = False  # an end reached by an exception


class Task:
    """One piece of long work; ``advance`` it as it goes."""

    def __init__(self, name: str, total: int | None, unit: str, depth: int) -> None:
        self.task_id = next(_ids)
        self.name = name
        self.total = total
        self.unit = unit
        self.depth = depth
        self.done = 0
        self.note = ""
        self.counts: dict[str, int] = {}
        self.started = time.perf_counter()

    def advance(self, n: int = 1, note: str = "", **counts: int) -> None:
        """``n`` more units done; ``counts`` are running totals of other things (added)."""
        self.done += n
        where = [*_stages.get(), note] if note else list(_stages.get())
        self.note = " · ".join(where) if where else self.note
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + int(value)
        self._tell("step")

    def snapshot(self, event: str, failed: bool = False) -> Snapshot:
        return Snapshot(
            self.task_id,
            self.name,
            event,
            self.done,
            self.total,
            self.unit,
            time.perf_counter() - self.started,
            self.depth,
            self.note,
            dict(self.counts),
            failed,
        )

    def _tell(self, event: str, failed: bool = False) -> None:
        if logger.isEnabledFor(PROGRESS):
            logger.log(
                PROGRESS,
                "%s: %s",
                self.name,
                event,
                extra={"progress": self.snapshot(event, failed)},
            )


def _new_task(name: str, total: int | None, unit: str) -> Task:
    parent = _current.get()
    depth = 0 if parent is None else parent.depth + 1
    return Task(name, None if total is None else int(total), unit, depth)


@contextmanager
def task(name: str, total: int | None = None, unit: str = "items") -> Iterator[Task]:
    """A task for the duration of the ``with`` block, nested in the current one; code inside
    it (``advance``) advances this one."""
    current = _new_task(name, total, unit)
    token = _current.set(current)
    current._tell("start")
    failed = True
    try:
        yield current
        failed = False
    finally:
        _current.reset(token)
        current._tell("end", failed)


def in_task() -> bool:
    """Whether some task encloses the caller: code that would report a task of its own only
    when it is the long work itself (not a step of a larger one) asks this first."""
    return _current.get() is not None


def advance(n: int = 1, note: str = "", **counts: int) -> None:
    """Advance the innermost task this code runs in (nothing if there is none)."""
    current = _current.get()
    if current is not None:
        current.advance(n, note, **counts)


@contextmanager
def stage(label: str) -> Iterator[None]:
    """Name where the code inside is (``fold 2/5``): the steps taken inside carry it."""
    token = _stages.set((*_stages.get(), label))
    try:
        yield
    finally:
        _stages.reset(token)


def counted(items: Iterable, name: str, total: int | None = None, unit: str = "items") -> Iterator:
    """``items`` one by one, each a step of a task of their own. The task does not become the
    current one: a generator is suspended between items, while its caller runs other code."""
    current = _new_task(name, total, unit)
    current._tell("start")
    failed = True
    try:
        for item in items:
            yield item
            current.advance()
        failed = False
    finally:
        current._tell("end", failed)
