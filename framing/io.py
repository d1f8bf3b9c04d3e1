"""Reading files, for every layer: the one JSONL reader, the JSON-object reader, the one
file-hash helper, and how a path is shown in a file meant to be shared. Every write goes
through ``framing.outputs``."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from framing.errors import FramingInputError


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each non-blank line; bad bytes or JSON name the line.

    A byte-order mark on the first line is ignored (spreadsheet tools write one)."""
    path = Path(path)
    if not path.exists():
        raise FramingInputError("does not exist", file=path)
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError:
                raise FramingInputError(
                    "is not valid UTF-8", file=path, line=line_no, fix="re-save the file as UTF-8"
                ) from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise FramingInputError(
                    f"is not valid JSON ({err.msg})", file=path, line=line_no
                ) from None
            if not isinstance(obj, dict):
                raise FramingInputError("each line must be a JSON object", file=path, line=line_no)
            yield line_no, obj


def read_json_object(path: str | Path, fix: str | None = None) -> dict:
    """A JSON file holding one object; an empty, cut-off or wrong file is one error naming it."""
    path = Path(path)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FramingInputError(f"is not valid JSON ({err})", file=path, fix=fix) from None
    if not isinstance(value, dict):
        raise FramingInputError(
            f"must hold a JSON object, not a {type(value).__name__}", file=path, fix=fix
        )
    return value


_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def sha256_file(path: str | Path, remember: bool = False) -> str:
    """Hex sha256 of a file, read in chunks (weight files can be hundreds of MB).

    ``remember=True`` keeps the hash per (path, size, modification time) for the process:
    for a file read many times and never checked against tampering, such as the packaged
    encoder's ~90 MB weights that every embedding checkpoint references. Checkpoint
    verification always hashes afresh."""
    path = Path(path)
    key = None
    if remember:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key in _FILE_HASHES:
            return _FILE_HASHES[key]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    if key is not None:
        _FILE_HASHES[key] = digest.hexdigest()
    return digest.hexdigest()


def shareable_path(path: str | Path, root: str | Path | None = None) -> str:
    """A path as a shared checkpoint may show it: relative to ``root`` (the study folder) when
    it lies inside it, else only the file's name. An absolute path names one machine's folders
    (often a user name) and helps nobody else; the sha256 beside it identifies the file."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    if root is not None:
        with contextlib.suppress(ValueError):
            return p.resolve().relative_to(Path(root).resolve()).as_posix()
    return p.name
