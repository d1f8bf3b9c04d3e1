"""Which files of an articles folder are read, and why every other one is not.

The folder is walked recursively (subfolders hold articles too: one per outlet, per month).
Every file that is not read is listed with its reason, so nothing vanishes unseen:

- a file whose name does not end in ``.txt``, ``.html`` or ``.htm`` (``notes.md``, ``README``,
  ``.keep``): not an article file;
- a symbolic link whose target is missing (broken), or lies outside the input folder (a link
  to a system file is never read as an article), or is a folder (not followed: its files are
  read where they are, or are outside);
- a hidden folder (``.git``): not entered, listed once;
- anything that is not a regular file (a pipe, a socket).

A link to a file inside the folder is read under the link's own name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: file names a folder of articles may hold: plain text, and HTML pages (the [html] extra)
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES

#: reasons of a file not read that are shown one by one (the others are summed up in one line)
NOT_AN_ARTICLE = "not an article file"


@dataclass
class FolderFiles:
    """The article files of a folder, in reading order, and every path not read."""

    files: list[Path] = field(default_factory=list)
    #: {"file", "reason", "line": None}: the form of ``skipped`` in every report
    skipped: list[dict] = field(default_factory=list)

    def skip(self, path: Path, reason: str) -> None:
        self.skipped.append({"file": str(path), "reason": reason, "line": None})


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def _link_reason(path: Path, root: Path) -> str | None:
    """Why a symbolic link is not read (None: it leads to a file inside the folder)."""
    target = Path(os.path.realpath(path))
    if not target.exists():
        return f"a broken link (to {os.readlink(path)})"
    if not _inside(target, root):
        return f"a link leading outside the input folder (to {target}): not read"
    if target.is_dir():
        return "a link to a folder: not followed (its files are read where they are)"
    return None


def _file_reason(path: Path) -> str | None:
    """Why a file found in the folder is not read as an article (None: it is read)."""
    if not path.is_file():
        return "not a regular file"
    suffix = path.suffix.lower()
    if suffix in ARTICLE_SUFFIXES:
        return None
    kind = (
        "a hidden file"
        if path.name.startswith(".")
        else (f"a '{suffix}' file" if suffix else "a file without an extension")
    )
    return f"{NOT_AN_ARTICLE} ({kind}; articles are {', '.join(ARTICLE_SUFFIXES)} files)"


def article_files(folder: Path) -> FolderFiles:
    """Every article file under ``folder`` (recursively, sorted by path) and the rest listed."""
    root = Path(os.path.realpath(folder))
    found = FolderFiles()
    candidates: list[Path] = []
    for here, dirs, names in os.walk(folder, followlinks=False):
        base = Path(here)
        for name in sorted(dirs):
            path = base / name
            if path.is_symlink():
                found.skip(path, _link_reason(path, root) or "a link: not followed")
            elif name.startswith("."):
                found.skip(path, "a hidden folder: not read")
        # never descend into a hidden folder or through a link (os.walk lists links as dirs)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (base / d).is_symlink())
        candidates.extend(base / name for name in names)
    for path in sorted(candidates):
        reason = _link_reason(path, root) if path.is_symlink() else None
        reason = reason or _file_reason(path)
        if reason:
            found.skip(path, reason)
        else:
            found.files.append(path)
    found.skipped.sort(key=lambda s: s["file"])
    return found


def article_id_of(path: Path, folder: Path) -> str:
    """A file's article id: its name without the extension, with the subfolders it sits in
    (``story.txt`` -> ``story``; ``outlet_a/story.txt`` -> ``outlet_a/story``)."""
    relative = path.relative_to(folder)
    return relative.with_suffix("").as_posix()
