"""File names made from user strings (a frame's name, an outlet): never a path, never shared.

A label or outlet name that is already a plain lower-case identifier is used as it is; any
other (``../../ESCAPED``, ``x.a``, ``Reuters``, an empty or very long name, a name Windows
reserves) becomes its letters and digits plus ``~`` and a short hash of the exact string, so
two different names never share a file, even on a case-insensitive filesystem. A plain name
cannot contain ``~``, so it can never equal a hashed one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from framing.errors import FramingInputError

PLAIN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
#: names Windows gives devices, whatever the extension
RESERVED = {"con", "prn", "aux", "nul"} | {f"{dev}{i}" for dev in ("com", "lpt") for i in range(10)}


def safe_file_stem(name: str) -> str:
    """A file-name stem for ``name``: ``name`` itself when plain, else a readable form + hash."""
    name = str(name)
    if PLAIN.fullmatch(name) and name not in RESERVED:
        return name
    readable = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    readable = re.sub(r"[^a-z0-9]+", "_", readable.lower()).strip("_")[:40] or "x"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"{readable}~{digest}"


def safe_file_stems(names: Iterable[str], field: str = "label") -> dict[str, str]:
    """{name: stem} for several names; two names with one stem (a hash collision) are refused
    rather than written to one file."""
    stems: dict[str, str] = {}
    taken: dict[str, str] = {}
    for name in names:
        stem = safe_file_stem(name)
        if stem in taken and taken[stem] != name:
            raise FramingInputError(
                f"'{taken[stem]}' and '{name}' would be written to one file ({stem})",
                field=field,
                fix="rename one of them",
            )
        taken[stem] = name
        stems[name] = stem
    return stems
