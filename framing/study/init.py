"""``framing study init DIR``: a new study folder from the template in ``template/``."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from string import Template

from framing.errors import FramingInputError
from framing.outputs import Kind, output_folder

TEMPLATE = "template"
#: files whose text takes the study's name, description and language
FILLED = (".yaml", ".md")


def _copy(node, target: Path, values: dict[str, str]) -> list[Path]:
    written = []
    for item in node.iterdir():
        if item.name == "__pycache__":
            continue
        path = target / item.name
        if item.is_dir():
            path.mkdir()
            written += _copy(item, path, values)
            continue
        data = item.read_bytes()
        if item.name.endswith(FILLED):
            data = Template(data.decode("utf-8")).safe_substitute(values).encode("utf-8")
        path.write_bytes(data)
        written.append(path)
    return written


def create_study(
    folder: str | Path, name: str | None = None, description: str = "", language: str = "en"
) -> list[Path]:
    """Write a new study folder (config, codebook skeleton, empty articles/ and labels/).
    An existing folder is never written into: the study appears whole or not at all."""
    folder = Path(folder)
    if folder.exists():
        raise FramingInputError(
            "already exists", file=folder, fix="choose a new folder for the study"
        )
    name = name or folder.name
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise FramingInputError(
            f"'{name}' is not a usable study name",
            field="--name",
            fix="letters, digits, '-', '_' and '.', starting with a letter or digit",
        )
    if not re.fullmatch(r"[a-z]{2,3}", language):
        raise FramingInputError(
            f"'{language}' is not an ISO 639 language code", field="--language", fix="e.g. en"
        )
    values = {
        "name": name,
        "description": description or f"The {name} study",
        "language": language,
    }
    # The marker says only that this is a study: every file in it is the user's from now
    # on (they edit the config and the codebook), so none is listed as framing's.
    with output_folder(folder, Kind.STUDY, overwrite=False) as tmp:
        written = _copy(resources.files("framing.study").joinpath(TEMPLATE), tmp, values)
    return [folder / p.relative_to(tmp) for p in written]
