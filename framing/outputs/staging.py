"""Staging: every output is built in a hidden folder beside its target and renamed into place.

``.NAME.XXXXXXXX.tmp/`` beside the target holds, from the moment it is made, a marker saying
which target it is for and a lock held by the process building it (``framing.outputs.locks``).
So:

- a second command writing the same target sees the live lock and fails with one line (a
  whole folder: it would run for minutes only to find the target taken) or waits its turn
  (a single file: ``framing coding import`` into one coder file queues);
- a staging folder whose lock is free is the leftover of a killed process: the next command
  writing that target removes it (and puts back an output that was moved aside,
  ``.NAME.XXXXXXXX.old/``, if the kill fell inside the final swap). A hidden folder is removed
  only if its marker says it is framing's staging for that target, or it is empty.

The final rename runs with SIGINT and SIGTERM held back (delivered right after), so a signal
cannot fall between moving the old output aside and moving the new one in. Where a staged path
will end up (``published``) is read from the staging marker, so processes started by the
command (a sweep's workers) know it without being told.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from framing.errors import FramingInputError
from framing.faults import fault_point
from framing.outputs.locks import STAGING_LOCK, folder_lock, hold_staging_lock, staging_is_live
from framing.outputs.markers import MARKER, Marker, read_marker, write_marker

#: how long a file output waits for another command writing the same file
WAIT_S = 600.0


@dataclass
class Staging:
    path: Path  # the hidden staging folder
    target: Path
    lock: FileLock

    def release(self) -> None:
        """Remove the staging folder (whatever is left of it) and let its lock go."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.lock.release()


def absolute(path: str | Path) -> Path:
    """An absolute, normalised path (``.`` and ``..`` resolved, links kept): ``output=.``
    names the current folder, so its staging goes beside it, never into it."""
    return Path(os.path.abspath(path))


def _owner() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": round(time.time())}


def _candidates(target: Path) -> list[Path]:
    """Hidden folders beside ``target`` named like its staging folders."""
    parent, prefix = target.parent, f".{target.name}."
    if not parent.is_dir():
        return []
    return [
        p
        for p in parent.iterdir()
        if p.name.startswith(prefix)
        and p.name.endswith((".tmp", ".old"))
        and p.is_dir()
        and not p.is_symlink()
    ]


def clear_leftovers(target: Path) -> list[Path]:
    """Remove the dead staging folders of ``target`` (putting back an output a killed swap had
    moved aside); return the live ones. Call under the folder lock of ``target.parent``."""
    live = []
    for candidate in _candidates(target):
        marker = read_marker(candidate)
        if marker is not None and marker.staging_for is None and _finished_output(candidate):
            shutil.rmtree(candidate, ignore_errors=True)  # killed inside its final rename
            continue
        if marker is None or marker.staging_for != target.name:
            with contextlib.suppress(OSError):  # not ours (not empty): never touched
                candidate.rmdir()  # an empty one: killed before its marker was written
            continue
        if staging_is_live(candidate):
            live.append(candidate)
            continue
        moved_aside = candidate / target.name
        if marker.role == "old" and moved_aside.exists() and not target.exists():
            os.replace(moved_aside, target)
        shutil.rmtree(candidate, ignore_errors=True)
    return live


def _finished_output(folder: Path) -> bool:
    """A finished output about to be renamed into place: its marker names its kind and lists
    every name in it (so removing it removes nothing but framing's own files)."""
    marker = read_marker(folder)
    if marker is None or marker.kind is None:
        return False
    names = {p.name for p in folder.iterdir()} - {MARKER, STAGING_LOCK}
    return names <= marker.written


def _busy_error(target: Path, live: list[Path], shown: Path) -> FramingInputError:
    owner = (read_marker(live[0]) or Marker()).owner or {}
    who = f" (process {owner.get('pid')} on {owner.get('host')})" if owner else ""
    return FramingInputError(
        f"another framing command{who} is writing this output now",
        file=shown,
        fix="wait for it to finish, or choose another output",
    )


def claim(target: Path, shown: Path, wait: bool, timeout: float = WAIT_S) -> Staging:
    """A new staging folder for ``target`` (absolute; its parent exists), locked by this
    process. Another live writer of ``target``: wait for it (``wait``) or fail."""
    deadline = time.monotonic() + timeout
    while True:
        with folder_lock(target.parent):
            live = clear_leftovers(target)
            if not live:
                path = Path(
                    tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                )
                marker = Marker(staging_for=target.name, role="new", owner=_owner())
                write_marker(path, marker)
                return Staging(path, target, hold_staging_lock(path))
        if not wait or time.monotonic() > deadline:
            raise _busy_error(target, live, shown)
        time.sleep(0.1)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a few renames; they are delivered when it ends.

    Python runs signal handlers in the main thread only, so swapping the handlers for a
    recorder defers them reliably (a thread signal mask would not: the kernel may hand the
    signal to another thread, such as torch's or tqdm's)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {
        signum: signal.signal(signum, lambda received, frame: caught.append(received))
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        for signum in caught:
            signal.raise_signal(signum)


def swap(new: Path, target: Path) -> None:
    """Move the finished ``new`` (a file or a folder) to ``target``, replacing what is there.
    Call under the folder lock of ``target.parent``, after checking that it may be replaced.

    A folder cannot be renamed over another: the old one is moved into a marked ``.old``
    folder first, and put back if the second rename fails; a kill between the two renames is
    repaired by the next command writing ``target`` (``clear_leftovers``)."""
    with signals_held():
        if not new.is_dir() or new.is_symlink():
            os.replace(new, target)  # a file replaces the old one in one step
            return
        aside = None
        if target.exists():
            aside = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            write_marker(aside, Marker(staging_for=target.name, role="old", owner=_owner()))
            os.replace(target, aside / target.name)
        try:
            fault_point("swap")
            os.replace(new, target)
        except BaseException:
            if aside is not None:
                os.replace(aside / target.name, target)
            raise
        finally:
            if aside is not None:
                shutil.rmtree(aside, ignore_errors=True)


def unlock_for_swap(staging: Staging) -> None:
    """A staging folder that becomes the output loses its lock file first (the lock itself
    stays held until ``Staging.release``)."""
    (staging.path / STAGING_LOCK).unlink(missing_ok=True)


def published(path: str | Path) -> Path:
    """Where ``path``, inside a staging folder, will be once its output is renamed into place
    (what a model card or a log should name); ``path`` itself when it is not staged."""
    path = absolute(path)
    for folder in [path, *path.parents]:
        if folder.name.startswith(".") and folder.name.endswith(".tmp"):
            marker = read_marker(folder)
            if marker is not None and marker.staging_for and marker.role == "new":
                target = folder.parent / marker.staging_for
                return published(target / path.relative_to(folder))
    return path


def missing_parents(target: Path) -> list[Path]:
    """The folders above ``target`` that do not exist yet, deepest first."""
    missing: list[Path] = []
    parent = absolute(target).parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    return missing


def remove_created(folders: list[Path]) -> None:
    """Remove the parent folders a failed command created (deepest first), if still empty
    (a marker or lock file framing left there does not count)."""
    for folder in folders:
        for name in (MARKER,):
            leftover = folder / name
            if leftover.is_file() and len(os.listdir(folder)) == 1:
                leftover.unlink()
        try:
            folder.rmdir()
        except OSError:
            break
