"""The output rule: may this command replace what is at its target?

A command replaces an existing output only when framing wrote all of it, it is of the
command's own kind (``framing.outputs.kinds``), and it holds none of the command's inputs (nor
the folder the command runs in). Each refusal is one ``FramingInputError`` naming the target
and the reason, raised before anything is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from framing.errors import FramingInputError
from framing.outputs.kinds import Kind, may_replace
from framing.outputs.locks import folder_lock
from framing.outputs.markers import BOOKKEEPING, folder_kind, read_marker
from framing.outputs.markers import entry_kind as _entry_kind
from framing.outputs.staging import absolute, clear_leftovers, missing_parents

NOT_OURS_FIX = "choose another output, or move those files away yourself"


def _shown(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _inside(inner: Path, outer: Path) -> bool:
    inner, outer = Path(os.path.realpath(inner)), Path(os.path.realpath(outer))
    return inner == outer or inner.is_relative_to(outer)


def foreign_entries(folder: Path) -> list[str]:
    """Names in ``folder`` that framing did not write (by its marker)."""
    marker = read_marker(folder)
    ours = (marker.written if marker else set()) | BOOKKEEPING
    return sorted(
        p.name for p in Path(folder).iterdir() if p.name not in ours and not is_staging(p)
    )


def is_staging(path: Path) -> bool:
    """A hidden staging folder of framing's (its marker says which target it is for)."""
    if not (path.name.startswith(".") and path.name.endswith((".tmp", ".old"))):
        return False
    marker = read_marker(path) if path.is_dir() and not path.is_symlink() else None
    return marker is not None and marker.staging_for is not None


def repair(target: Path) -> None:
    """Clear what a killed command left beside ``target`` (putting back an output it had moved
    aside), so the checks see what is really there."""
    if target.parent.is_dir():
        with folder_lock(target.parent):
            clear_leftovers(target)


def describe(kind: Kind, command: str | None = None) -> str:
    return f"{kind.a} (made by {command or kind.command})"


def check_can_create(target: Path, shown: Path, what: str) -> None:
    """Refuse, before any work, a folder that cannot be made: one of its parents is a file,
    or nothing can be made in the nearest existing parent."""
    missing = missing_parents(target)
    parent = (missing[-1] if missing else target).parent  # the nearest that exists
    if not parent.is_dir():
        raise FramingInputError(f"cannot be made: {parent} is a file, not a folder", file=shown)
    # try it rather than ask os.access, which root, ACLs and network mounts can mislead
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".framing-probe-", dir=parent))
    except OSError as err:
        raise FramingInputError(
            f"cannot be made in {parent}: {os.strerror(err.errno).lower()}",
            file=shown,
            fix=f"choose another {what}",
        ) from None


def check_folder_target(
    target: str | Path,
    kind: Kind,
    *,
    inputs: Iterable[str | Path] = (),
    overwrite: bool = True,
    overwrite_fix: str | None = None,
    what: str = "output folder",
) -> None:
    """Refuse (one error naming the folder) unless ``target`` is absent, or an output of
    ``kind`` that framing wrote whole, holding none of ``inputs`` — and ``overwrite`` is set."""
    shown = Path(target)
    target = absolute(target)
    repair(target)
    if not target.exists() and not target.is_symlink():
        check_can_create(target, shown, what)
        return
    if target.is_symlink() or not target.is_dir():
        raise FramingInputError(f"the {what} exists and is not a folder", file=shown)
    marker = read_marker(target)
    existing = folder_kind(target, marker)
    if existing is Kind.STUDY or (target / "conf" / "study.yaml").is_file():
        raise FramingInputError(
            "is a study folder; no command replaces it", file=shown, fix="choose another output"
        )
    foreign = foreign_entries(target)
    if foreign:
        raise FramingInputError(
            f"the {what} holds files framing did not write ({_shown(foreign)}); it is never "
            "replaced",
            file=shown,
            fix=NOT_OURS_FIX,
        )
    empty = not [p for p in target.iterdir() if p.name not in BOOKKEEPING]
    if empty:
        pass  # nothing to lose (a folder made for the output beforehand)
    elif existing is None:
        kinds = sorted({k.label for n in marker.written if (k := _entry_kind(target, n, marker))})
        raise FramingInputError(
            f"the {what} holds separate outputs ({', '.join(kinds) or 'none'}) of framing "
            "commands; it is never replaced as a whole",
            file=shown,
            fix="choose a new folder",
        )
    elif not may_replace(existing, kind):
        raise FramingInputError(
            f"the {what} is {describe(existing, marker.command)}; {kind.command} replaces only "
            f"its own {kind.label} output",
            file=shown,
            fix="choose another output",
        )
    entries = marker.entries.items() if marker else ()
    others = sorted(n for n, e in entries if not may_replace(e.kind, kind))
    if others and not empty:
        raise FramingInputError(
            f"the {what} also holds outputs of other commands ({_shown(others)}); it is never "
            "replaced",
            file=shown,
            fix="choose another output",
        )
    for given in inputs:
        if given is not None and _inside(absolute(given), target):
            raise FramingInputError(
                f"the {what} holds this command's input {given}; it is never replaced by it",
                file=shown,
                fix="choose another output",
            )
    if _inside(Path.cwd(), target):
        raise FramingInputError(
            f"the {what} is (or holds) the folder this command runs in",
            file=shown,
            fix="run the command from outside it, or choose another output",
        )
    if not overwrite:
        raise FramingInputError(
            f"the {what} already exists",
            file=shown,
            fix=overwrite_fix or "choose a new output",
        )


def check_file_target(target: str | Path, kind: Kind, *, inputs: Iterable = ()) -> None:
    """Refuse (one error naming the file) unless ``target`` is absent or a file framing wrote
    as an output of ``kind`` that its command may replace, and not one of ``inputs``."""
    shown = Path(target)
    target = absolute(target)
    if target.name in BOOKKEEPING or target.name.startswith(".framing-"):
        raise FramingInputError("is a name framing keeps for itself", file=shown)
    repair(target)
    if target.is_symlink():
        raise FramingInputError(
            "is a link; framing never writes through a link", file=shown, fix=NOT_OURS_FIX
        )
    if not target.exists():
        check_can_create(target, shown, "file name")  # /proc/x, a file's "child": refused now
        return
    if target.is_dir():
        raise FramingInputError("is a folder, not a file", file=shown, fix="give a file name")
    marker = read_marker(target.parent)
    existing = _entry_kind(target.parent, target.name, marker)
    if existing is None:
        raise FramingInputError(
            "exists and was not written by framing; it is never replaced",
            file=shown,
            fix=NOT_OURS_FIX,
        )
    entry = marker.entries.get(target.name) if marker else None
    made = describe(existing, entry.command if entry else None)
    if not existing.replaceable:
        raise FramingInputError(
            f"is {made}; it is never replaced", file=shown, fix="choose a new file name"
        )
    if not may_replace(existing, kind):
        raise FramingInputError(
            f"is {made}; {kind.command} never replaces it",
            file=shown,
            fix="choose another file name",
        )
    for given in inputs:
        if given is not None and _inside(absolute(given), target):
            raise FramingInputError(
                f"is this command's input; {kind.command} never replaces its own input",
                file=shown,
                fix="choose another file name",
            )
