"""The one way to write a folder (``output_folder``) and the one way to write a file
(``output_file``); ``write_text`` / ``write_jsonl`` / ``write_csv`` are shorthands of the
second. Both check the output rule up front (``framing.outputs.rules``), build the output in a
locked staging folder beside the target (``framing.outputs.staging``), check again and rename
it into place only when the caller's block succeeds, and record its kind in the marker.

A failed, interrupted or disk-full write leaves the earlier output as it was, removes the
staging folder and the parent folders it created; a full disk or a read-only filesystem is one
``error:`` line naming the output.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from framing.errors import FramingInputError
from framing.faults import fault_point
from framing.outputs.kinds import Kind
from framing.outputs.locks import STAGING_LOCK, folder_lock
from framing.outputs.markers import (
    BOOKKEEPING,
    MARKER,
    Entry,
    Marker,
    legacy_folder_kind,
    read_marker,
    write_marker,
)
from framing.outputs.permissions import give_usual_modes, usual_file_mode
from framing.outputs.rules import check_file_target, check_folder_target
from framing.outputs.staging import (
    Staging,
    absolute,
    claim,
    clear_leftovers,
    missing_parents,
    remove_created,
    swap,
    unlock_for_swap,
)

#: errors of the disk, not of the command: reported as one line naming the output
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def disk_error(err: BaseException, shown: Path) -> FramingInputError | None:
    if isinstance(err, OSError) and err.errno in DISK_ERRNOS:
        return FramingInputError(
            f"could not be written: {os.strerror(err.errno).lower()}; nothing was written",
            file=shown,
            fix="free some space (or choose a writable place) and run the command again",
        )
    return None


# ------------------------------------------------------------------------------ markers
def record_entries(folder: Path, entries: dict[str, Entry], folder_kind: Kind | None = None):
    """Add ``entries`` (outputs written one by one into ``folder``) to its marker."""
    folder = Path(folder)
    with folder_lock(folder):
        marker = read_marker(folder) or Marker()
        if marker.legacy:  # upgrade a format-1 marker, keeping what its content says
            marker = Marker(written=marker.written, kind=legacy_folder_kind(folder))
        marker.written |= set(entries)
        marker.entries |= entries
        if folder_kind is not None and marker.kind is None:
            marker.kind, marker.command = folder_kind, folder_kind.command
        write_marker(folder, marker)


def record_written(folder: Path, names: Iterable[str], kind: Kind = Kind.OUTPUT) -> None:
    """Record ``names`` in ``folder`` as outputs of ``kind`` written there one by one."""
    record_entries(folder, {name: Entry(kind, kind.command) for name in names})


def _finished_marker(path: Path, kind: Kind, command: str | None) -> None:
    """The marker of a finished folder output: its kind and every name in it — except for a
    study, whose files are its user's from the start (they edit config and codebook)."""
    names = {p.name for p in path.iterdir()} - BOOKKEEPING - {STAGING_LOCK}
    if kind is Kind.STUDY:
        names = set()
    # the parts need no entries: the folder's kind covers them
    write_marker(path, Marker(written=names, kind=kind, command=command))


# ------------------------------------------------------------------------------ folders
@contextmanager
def staging_folder(target: str | Path, *, wait: bool = False) -> Iterator[Staging]:
    """A locked staging folder beside ``target`` (parents created as needed). On leaving it is
    removed with what is left in it, and the parents it created if ``target`` was never made.
    ``output_folder`` is this plus ``finish_folder``; a training run uses it directly."""
    shown = Path(target)
    target = absolute(target)
    created = missing_parents(target)
    staging = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = claim(target, shown, wait)
        yield staging
    except BaseException as err:
        problem = disk_error(err, shown)
        if problem is not None:
            raise problem from None
        raise
    finally:
        if staging is not None:
            staging.release()
        if not target.exists():
            remove_created(created)


def finish_folder(
    staging: Staging,
    kind: Kind,
    *,
    inputs: Iterable = (),
    overwrite: bool = True,
    overwrite_fix: str | None = None,
    what: str = "output folder",
    command: str | None = None,
    shown: Path | None = None,
) -> None:
    """Rename the finished staging folder to its target, after checking the rule again
    (something may have been added while the command ran)."""
    target = staging.target
    give_usual_modes(staging.path)  # mkdtemp and some writers make files private (0600)
    with folder_lock(target.parent):
        check_folder_target(
            shown or target,
            kind,
            inputs=inputs,
            overwrite=overwrite,
            overwrite_fix=overwrite_fix,
            what=what,
        )
        _finished_marker(staging.path, kind, command)
        unlock_for_swap(staging)
        swap(staging.path, target)


@contextmanager
def output_folder(
    target: str | Path,
    kind: Kind = Kind.OUTPUT,
    *,
    inputs: Iterable = (),
    overwrite: bool = True,
    overwrite_fix: str | None = None,
    what: str = "output folder",
    command: str | None = None,
) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``target`` when the block succeeds.

    Refused up front (``check_folder_target``) unless ``target`` is absent or a replaceable
    output of ``kind``; ``overwrite=False`` also refuses an existing one. On failure or a
    signal the temporary folder and the parents created for it are removed and an earlier
    ``target`` is left untouched."""
    shown = Path(target)
    rule = {"inputs": list(inputs), "overwrite": overwrite, "overwrite_fix": overwrite_fix}
    check_folder_target(shown, kind, what=what, **rule)
    with staging_folder(shown) as staging:
        yield staging.path
        fault_point("write")
        finish_folder(staging, kind, what=what, command=command, shown=shown, **rule)


def publish_folder(built: Path, target: Path, kind: Kind, part_of: Kind | None = None) -> None:
    """Move a folder (or file) built elsewhere — a finished run of a sweep — to ``target``,
    replacing an earlier output of the same kind; ``part_of``: the kind of the folder it joins
    (a sweep), recorded in that folder's marker."""
    built, target = Path(built), absolute(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if built.is_dir():
        _finished_marker(built, kind, None)
    give_usual_modes(built)
    with folder_lock(target.parent):
        clear_leftovers(target)
        if built.is_dir():
            check_folder_target(target, kind)
        else:
            check_file_target(target, part_of or kind)
        holder = part_of or kind
        record_entries(target.parent, {target.name: Entry(holder, holder.command)}, part_of)
        swap(built, target)


# ------------------------------------------------------------------------------ files
@contextmanager
def output_file(
    target: str | Path,
    kind: Kind = Kind.OUTPUT,
    *,
    inputs: Iterable = (),
    command: str | None = None,
    wait: bool = True,
) -> Iterator[Path]:
    """Yield a temporary path (same file name, in a locked staging folder beside ``target``);
    it is renamed to ``target`` on success and recorded, with its kind, in the folder's
    marker. Refused up front unless ``target`` is absent or a replaceable output of ``kind``
    (``check_file_target``). Another command writing the same file: this one waits its turn
    (``wait``) — so read what you append to inside the block."""
    shown = Path(target)
    target = absolute(target)
    inputs = list(inputs)
    check_file_target(shown, kind, inputs=inputs)
    with staging_folder(shown, wait=wait) as staging:
        path = staging.path / target.name
        yield path
        fault_point("write")
        path.touch()
        os.chmod(path, usual_file_mode())  # mkstemp-style writers make files private (0600)
        with folder_lock(target.parent):
            check_file_target(shown, kind, inputs=inputs)
            record_entries(target.parent, {target.name: Entry(kind, command or kind.command)})
            swap(path, target)


def write_text(target: str | Path, text: str, kind: Kind = Kind.OUTPUT, **rule) -> None:
    with output_file(target, kind, **rule) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_jsonl(target: str | Path, rows: Iterable[dict], kind: Kind = Kind.OUTPUT, **rule):
    with output_file(target, kind, **rule) as tmp, tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------------------ caches
@contextmanager
def cache_file(target: str | Path) -> Iterator[Path]:
    """A temporary path renamed to ``target`` on success: for a cache's own files (the
    embedding cache), which no person writes and no rule guards; no marker, no lock."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, usual_file_mode())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


__all__ = [
    "MARKER",
    "cache_file",
    "finish_folder",
    "output_file",
    "output_folder",
    "publish_folder",
    "record_entries",
    "record_written",
    "staging_folder",
    "write_jsonl",
    "write_text",
]
