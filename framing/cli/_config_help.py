"""The config keys of a Hydra command, with their comments, for its ``--help``.

The comments above each key in ``framing/conf/<name>.yaml`` (and a study's ``conf/``, which
comes first on the config search path) are the keys' documentation: ``framing predict --help``
prints them, so help and config never drift apart. YAML parsers drop comments, so the few
lines needed are read here: a key's comment is the block of ``#`` lines right above it (a
blank line ends a block) plus a comment at the end of its own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

#: ``key: value  # comment`` at any indentation (the value may be empty: a section)
_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w-]*):(?P<rest>.*)$")
#: top-level sections that are not the command's own settings
_NOT_SETTINGS = {"defaults", "hydra"}


@dataclass(frozen=True)
class ConfigKey:
    """One documented setting: dotted ``name``, its default as written, its comment."""

    name: str
    default: str
    comment: str

    @property
    def required(self) -> bool:
        return self.default == "???"


def documented_keys(text: str, prefix: str = "") -> list[ConfigKey]:
    """Every setting of a config file with a value (sections are walked, not listed)."""
    keys: list[ConfigKey] = []
    comment: list[str] = []
    sections: list[tuple[int, str]] = []  # (indent, name) of the sections we are inside
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if not stripped.startswith("# @package"):
                comment.append(stripped[1:].rstrip())
            continue
        found = _KEY_LINE.match(line)
        if not found:  # blank line, list item, continuation: the comment block ends
            comment = []
            continue
        indent = len(found["indent"])
        sections = [(i, name) for i, name in sections if i < indent]
        value, _, inline = found["rest"].partition(" #")
        value = value.strip()
        path = [name for _, name in sections] + [found["key"]]
        if path[0] in _NOT_SETTINGS:
            comment = []
            if not value:
                sections.append((indent, found["key"]))
            continue
        if not value:  # a section: its keys are listed under it
            sections.append((indent, found["key"]))
        else:
            text_lines = [*comment, inline.strip()] if inline.strip() else comment
            keys.append(ConfigKey(prefix + ".".join(path), value, _paragraph(text_lines)))
        comment = []
    return keys


def _paragraph(lines: list[str]) -> str:
    """Comment lines as help text: prose joined and rewrapped; indented lines (examples)
    kept as written, as a paragraph of their own (Click's ``\\b`` marker)."""
    blocks: list[tuple[bool, list[str]]] = []  # (is an example, its lines)
    for line in lines:
        text = line[1:] if line.startswith(" ") else line
        if not text.strip():
            continue
        example = text.startswith(" ")
        if not blocks or blocks[-1][0] != example:
            blocks.append((example, []))
        blocks[-1][1].append(text.strip())
    return "\n\n".join(
        "\b\n" + "\n".join(block) if example else " ".join(block) for example, block in blocks
    )


def header_comment(text: str) -> str:
    """The comment block a config file opens with (what an option of a group is)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith("# @package"):
            lines.append(line[1:].strip())
    return _paragraph(lines)


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.;])\s", text.replace("\n", " "), maxsplit=1)[0].rstrip(".;:")


def config_dirs() -> list[Path]:
    """Where configs are looked up, first match wins: the study's ``conf/`` (if the command
    runs in a study, as the search-path plugin in hydra_plugins/framing_study does), then
    the package's ``framing/conf``."""
    from framing.errors import FramingInputError
    from framing.study import STUDY_CONFIG, find_study_root

    dirs = []
    try:
        root = find_study_root()
    except FramingInputError:  # a bad FRAMING_STUDY: the command itself reports it
        root = None
    if root is not None:
        dirs.append((root / STUDY_CONFIG).parent)
    dirs.append(Path(str(resources.files("framing.conf"))))
    return dirs


def config_text(name: str) -> str:
    """The text of ``<name>.yaml`` as the command sees it ("" if there is none)."""
    for folder in config_dirs():
        path = folder / f"{name}.yaml"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


def group_options(group: str) -> dict[str, str]:
    """Every option of a config group (study first) -> the text of its file."""
    options: dict[str, str] = {}
    for folder in config_dirs():
        for path in sorted((folder / group).glob("*.yaml")):
            options.setdefault(path.stem, path.read_text(encoding="utf-8"))
    return dict(sorted(options.items()))


def option_summary(text: str) -> str:
    """One line on a group option: a model's ``label``, else its opening comment."""
    label = re.search(r"^label:\s*(.+?)\s*(#.*)?$", text, flags=re.MULTILINE)
    baseline = re.search(r"^is_baseline:\s*true\b", text, flags=re.MULTILINE)
    if label:
        return label.group(1).strip("'\"") + (" (baseline)" if baseline else "")
    return first_sentence(header_comment(text))
