"""Locks, so that two commands writing the same output queue or fail instead of one silently
replacing the other's work.

Two kinds:

- a **folder lock**, held for a moment while a command checks a target, claims it, renames
  into it or updates the folder's marker: ``flock`` on the folder's own descriptor, which
  creates nothing in the user's folder; where the filesystem refuses that (some network
  filesystems; Windows) a ``filelock`` on ``.framing-output.lock`` inside the folder;
- a **staging lock**, a ``filelock`` on ``.framing-staging.lock`` inside the hidden staging
  folder of an output being written, held from the claim to the final rename. A staging folder
  whose lock is free belongs to a process that died (SIGKILL, a power cut): the next command
  writing that target removes it, or puts back an output it had moved aside.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from framing.outputs.markers import FOLDER_LOCK

STAGING_LOCK = ".framing-staging.lock"

_held = threading.local()  # folders this thread has locked (the lock is re-entrant)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` for a few file operations (re-entrant per thread)."""
    key = os.path.realpath(folder)
    held: set[str] = _held.__dict__.setdefault("folders", set())
    if key in held:
        yield
        return
    held.add(key)
    try:
        with _locked(Path(key)):
            yield
    finally:
        held.discard(key)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows
        fcntl = None
    if fcntl is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:  # a filesystem that cannot lock a folder
                pass
            else:
                yield
                return
        finally:
            os.close(fd)  # releases the flock
    with FileLock(folder / FOLDER_LOCK):
        yield


def hold_staging_lock(staging: Path) -> FileLock:
    """Take the lock of a new staging folder (nobody else knows it yet: never waits)."""
    lock = FileLock(staging / STAGING_LOCK, timeout=0)
    lock.acquire()
    return lock


def staging_is_live(staging: Path) -> bool:
    """Whether a running process holds this staging folder's lock. Called under the folder
    lock of its parent, so a staging folder cannot be half-made or half-finished meanwhile."""
    path = staging / STAGING_LOCK
    if not path.is_file():
        return False  # never locked (killed while being made) or unlocked for the final rename
    probe = FileLock(path, timeout=0)
    try:
        probe.acquire()
    except Timeout:
        return True
    except OSError:
        return False
    probe.release()
    return False
