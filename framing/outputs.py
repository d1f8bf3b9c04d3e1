"""The output rule: a command deletes or replaces only what it wrote itself.

Every folder a framing command writes into gets a marker file, ``.framing-output.json``,
listing the names (files and folders) framing wrote there. Then:

- a whole output folder (a prediction, a run folder, a checkpoint, the learning curve) is
  built in a hidden temporary folder beside its target and swapped in only on success; an
  existing target is replaced only when its marker lists every name in it, so a folder that
  also holds the input, a checkpoint, or anything a person put there is never removed
  (``output_folder``);
- a single file in a shared folder (``results/figures/``, a comparison, a coding sheet) is
  written to a temporary name and renamed over an existing file only when the folder's marker
  lists it (``output_file``);
- a failed or interrupted command removes its temporary folder and the parent folders it
  created, and leaves the earlier output as it was.

The final rename runs with SIGINT and SIGTERM held back (delivered right after), so a signal
cannot fall between moving the old folder aside and moving the new one in.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from framing.errors import FramingInputError
from framing.faults import fault_point

MARKER = ".framing-output.json"
NOT_OURS_FIX = "choose another output, or move those files away yourself"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def written_names(folder: Path) -> set[str]:
    """The names the folder's marker says framing wrote (empty without a marker)."""
    marker = Path(folder) / MARKER
    if not marker.is_file():
        return set()
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
        return {str(name) for name in record.get("written", [])}
    except (OSError, ValueError, AttributeError):
        return set()  # an unreadable marker proves nothing: treat the folder as not ours


def record_written(folder: Path, names) -> None:
    """Add ``names`` to the folder's marker (written atomically; sorted, no dates, so a rerun
    that writes the same files leaves the marker byte-identical)."""
    folder = Path(folder)
    with _folder_lock(folder):  # parallel sweep jobs record their runs in one sweep folder
        names = written_names(folder) | set(names)
        text = json.dumps({"written_by": "framing", "written": sorted(names)}, indent=2) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f"{MARKER}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, folder / MARKER)


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself (flock on its descriptor; none on Windows)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def foreign_entries(folder: Path) -> list[str]:
    """Names in ``folder`` that framing did not write (by its marker)."""
    ours = written_names(folder) | {MARKER}
    return sorted(p.name for p in Path(folder).iterdir() if p.name not in ours)


def check_replaceable(target: Path, what: str = "output folder") -> None:
    """Refuse (one error naming the folder) unless ``target`` is absent or a folder whose
    every entry framing wrote."""
    target = Path(target)
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_dir():
        raise FramingInputError(f"the {what} exists and is not a folder", file=target)
    foreign = foreign_entries(target)
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise FramingInputError(
            f"the {what} holds files framing did not write ({shown}); it is never replaced",
            file=target,
            fix=NOT_OURS_FIX,
        )


def check_file_replaceable(target: Path) -> None:
    target = Path(target)
    if target.exists() and target.name not in written_names(target.parent):
        raise FramingInputError(
            "exists and was not written by framing; it is never replaced",
            file=target,
            fix=NOT_OURS_FIX,
        )


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


def swap_in(new: Path, target: Path) -> None:
    """Move the finished folder ``new`` to ``target``, replacing it if framing wrote it."""
    new, target = Path(new), Path(target)
    check_replaceable(target)  # again: something may have been added while the command ran
    with signals_held():
        old = None
        if target.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.replace(target, old / target.name)
        try:
            fault_point("swap")
            os.replace(new, target)
        except BaseException:
            if old is not None:
                os.replace(old / target.name, target)
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)


def _missing_parents(target: Path) -> list[Path]:
    """The folders above ``target`` that do not exist yet, deepest first."""
    missing: list[Path] = []
    parent = target.absolute().parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    return missing


def remove_created(folders: list[Path]) -> None:
    """Remove the parent folders a failed command created (deepest first), if still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            break


@contextmanager
def staging_folder(target: str | Path) -> Iterator[tuple[Path, list[Path]]]:
    """A hidden temporary folder beside ``target`` (parents created as needed) and the list of
    parents created for it; on an exception both are removed again."""
    target = Path(target)
    created = _missing_parents(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp, created
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        remove_created(created)
        raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def finish_folder(tmp: Path, target: Path) -> None:
    """Mark every entry of the finished ``tmp`` as framing's and swap it into ``target``."""
    record_written(tmp, [p.name for p in tmp.iterdir()])
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes the folder private (0700)
    swap_in(tmp, target)


@contextmanager
def output_folder(target: str | Path) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``target`` when the block succeeds.

    Refused up front when ``target`` holds anything framing did not write. On failure or a
    signal the temporary folder and the parents created for it are removed and an earlier
    ``target`` is left untouched."""
    target = Path(target)
    check_replaceable(target)
    with staging_folder(target) as (tmp, _created):
        yield tmp
        finish_folder(tmp, target)


@contextmanager
def output_file(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it is renamed to ``target`` on success and
    recorded in the folder's marker. An existing file framing did not write is refused."""
    target = Path(target)
    check_file_replaceable(target)
    created = _missing_parents(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    done = False
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private (0600)
        with signals_held():
            record_written(target.parent, [target.name])
            os.replace(tmp, target)
        done = True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if not done:
            remove_created(created)
