"""The marker, ``.framing-output.json``: what framing wrote in a folder, and of which kind.

    {
      "written_by": "framing",
      "format": 2,
      "kind": "predictions",              # this folder is one output of this kind (optional)
      "command": "framing predict",
      "written": ["article_mix.csv", ...],  # every name framing wrote here
      "entries": {"comparison.csv": {"kind": "comparison", "command": "framing compare"}}
    }

``entries`` holds the outputs written one by one into a shared folder (a figure, a coder file);
the parts of a whole-folder output need none, the folder's ``kind`` covers them. A staging
folder's marker says which target it is being built for (``staging_for``) and by which process,
which is how a later run recognises leftovers of a killed one as framing's.

Markers of format 1 (``written`` only) are still read: the kind of a folder or an entry is then
told from its content (``legacy_folder_kind``, ``legacy_entry_kind``).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from framing.outputs.kinds import Kind
from framing.outputs.permissions import usual_file_mode

MARKER = ".framing-output.json"
FORMAT = 2
#: a folder lock's file, where the folder itself cannot be locked (``framing.outputs.locks``)
FOLDER_LOCK = ".framing-output.lock"
#: names framing keeps in a folder for its own bookkeeping (never a user's file)
BOOKKEEPING = frozenset({MARKER, FOLDER_LOCK})

#: the first columns of a coding sheet (``framing.coding.spreadsheet``): an old marker's CSV
#: with this header is a coding sheet
SHEET_COLUMNS = ["sentence_id", "article_id", "position", "text"]


@dataclass(frozen=True)
class Entry:
    kind: Kind
    command: str


@dataclass
class Marker:
    written: set[str] = field(default_factory=set)
    kind: Kind | None = None  # the folder as one output
    command: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    staging_for: str | None = None  # a staging folder: the target's name
    role: str | None = None  # "new" (being built) or "old" (an output moved aside)
    owner: dict | None = None  # pid, host of the staging process
    legacy: bool = False  # format 1: no kinds recorded

    def to_json(self) -> str:
        record: dict = {"written_by": "framing", "format": FORMAT}
        if self.staging_for is not None:
            record |= {"staging_for": self.staging_for, "role": self.role, "owner": self.owner}
        if self.kind is not None:
            record |= {"kind": self.kind.label, "command": self.command or self.kind.command}
        record["written"] = sorted(self.written)
        if self.entries:
            record["entries"] = {
                name: {"kind": e.kind.label, "command": e.command}
                for name, e in sorted(self.entries.items())
            }
        # sorted, no dates: a rerun writing the same files leaves the marker byte-identical
        return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def read_marker(folder: Path) -> Marker | None:
    """The folder's marker, or None without one. An unreadable marker proves nothing: the
    folder is then treated as not framing's."""
    path = Path(folder) / MARKER
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("written_by") != "framing":
        return None
    written = record.get("written", [])
    if not isinstance(written, list):
        return None
    marker = Marker(written={str(n) for n in written}, legacy=record.get("format") is None)
    if "kind" in record:
        marker.kind = Kind.from_label(record["kind"])
        marker.command = str(record.get("command") or marker.kind.command)
    entries = record.get("entries") or {}
    if isinstance(entries, dict):
        for name, entry in entries.items():
            if isinstance(entry, dict):
                kind = Kind.from_label(entry.get("kind"))
                marker.entries[str(name)] = Entry(kind, str(entry.get("command") or kind.command))
    if record.get("staging_for") is not None:
        marker.staging_for = str(record["staging_for"])
        marker.role = str(record.get("role") or "new")
        marker.owner = record.get("owner") if isinstance(record.get("owner"), dict) else None
    return marker


def write_marker(folder: Path, marker: Marker) -> None:
    """Replace the folder's marker atomically (callers hold the folder's lock)."""
    fd, tmp = tempfile.mkstemp(prefix=f"{MARKER}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(marker.to_json())
        os.chmod(tmp, usual_file_mode())
        os.replace(tmp, Path(folder) / MARKER)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def entry_kind(folder: Path, name: str, marker: Marker | None = None) -> Kind | None:
    """The kind of ``folder/name`` by the folder's marker (None: framing did not write it)."""
    marker = read_marker(folder) if marker is None else marker
    if marker is None or name not in marker.written:
        return None
    if name in marker.entries:
        return marker.entries[name].kind
    if marker.kind is not None:  # a part of the folder's own output
        return marker.kind
    return legacy_entry_kind(Path(folder) / name)


def folder_kind(folder: Path, marker: Marker | None = None) -> Kind | None:
    """The kind of the folder as one output; None for a folder of separate outputs."""
    marker = read_marker(folder) if marker is None else marker
    if marker is None:
        return None
    if marker.kind is not None:
        return marker.kind
    if marker.legacy:
        return legacy_folder_kind(Path(folder))
    return None


def output_kind(path: str | Path) -> Kind | None:
    """The kind of output framing recorded for ``path`` (a folder's own kind, or a file's by
    its folder's marker); None for what framing did not write."""
    path = Path(path)
    if path.is_dir() and folder_kind(path) is not None:
        return folder_kind(path)
    return entry_kind(path.parent, path.name)


# ------------------------------------------------------------------------- format 1 markers
#: a file that tells what a folder written by an earlier framing version was
_LEGACY_FOLDER_SIGNS = (
    ("conf/study.yaml", Kind.STUDY),
    ("framing_checkpoint.json", Kind.CHECKPOINT),
    ("metrics.json", Kind.RUN),
    ("multirun.yaml", Kind.SWEEP),
    ("learning_curve.csv", Kind.LEARNING_CURVE),
    ("estimates.csv", Kind.ESTIMATES),
    ("validation.json", Kind.VALIDATION),
    ("predictions.csv", Kind.PREDICTIONS),
    ("plan.json", Kind.PREDICTION_SHARDS),
)


def legacy_folder_kind(folder: Path) -> Kind | None:
    for sign, kind in _LEGACY_FOLDER_SIGNS:
        if (folder / sign).exists():
            return kind
    return None


def legacy_entry_kind(path: Path) -> Kind:
    """An old marker's entry, told by its content: coding work is recognised and protected."""
    name = path.name
    if path.is_dir():
        return legacy_folder_kind(path) or Kind.LEGACY
    if name.endswith(".sample.json"):
        return Kind.SAMPLE
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            return _legacy_jsonl_kind(path)
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig") as fh:
                header = fh.readline().strip().split(",")
            return Kind.SHEET if header[: len(SHEET_COLUMNS)] == SHEET_COLUMNS else Kind.LEGACY
    except (OSError, UnicodeDecodeError, ValueError):
        return Kind.UNKNOWN
    if suffix == ".xml" or (suffix == ".json" and path.with_suffix(".xml").exists()):
        return Kind.SHEET  # a Label Studio task file and its labelling config
    return Kind.LEGACY


def _legacy_jsonl_kind(path: Path) -> Kind:
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            if line.strip():
                first = json.loads(line)
                break
        else:
            return Kind.UNKNOWN
    if not isinstance(first, dict):
        return Kind.UNKNOWN
    if "frames" in first and "stance" in first:
        return Kind.GOLD if "text" in first else Kind.CODER_FILE
    stem = path.name.split(".")[0]
    if (path.parent / f"{stem}.sample.json").exists():
        return Kind.SAMPLE
    return Kind.LEGACY
