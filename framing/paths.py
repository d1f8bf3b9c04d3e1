"""Where the project lives, so config paths can be written relative to it."""

from __future__ import annotations

import os
from pathlib import Path

# The repository root when installed editable (the README's install); the package's parent.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def resolve_path(path: str | os.PathLike) -> Path:
    """Resolve a config path: absolute as is; relative to the working directory if it
    exists there, else relative to the project root (so runs work from any folder)."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    rooted = PROJECT_ROOT / p
    return rooted if rooted.exists() else p
