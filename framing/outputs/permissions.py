"""Outputs get the permissions the user's umask gives any new file.

Temporary files and folders (``mkstemp``, ``mkdtemp``) and some libraries' writers create
files readable by their owner only (0600): a checkpoint written so could not be loaded by a
colleague on a shared machine. Every finished output is set to the usual modes instead.
"""

from __future__ import annotations

import os
from pathlib import Path


def current_umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux); else
    set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def usual_file_mode() -> int:
    return 0o666 & ~current_umask()


def usual_folder_mode() -> int:
    return 0o777 & ~current_umask()


def give_usual_modes(path: Path) -> None:
    """``path`` and, for a folder, everything under it: the umask's modes (executable files
    keep their execute bits)."""
    path = Path(path)
    file_mode, folder_mode = usual_file_mode(), usual_folder_mode()
    if path.is_symlink():
        return
    if path.is_file():
        mode = folder_mode if os.stat(path).st_mode & 0o100 else file_mode
        os.chmod(path, mode)
        return
    os.chmod(path, folder_mode)
    for root, folders, files in os.walk(path):
        for name in folders:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), folder_mode)
        for name in files:
            full = os.path.join(root, name)
            if not os.path.islink(full):
                executable = os.stat(full).st_mode & 0o100
                os.chmod(full, folder_mode if executable else file_mode)
