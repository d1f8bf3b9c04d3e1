"""A study: the researcher's own folder with its config, codebook, articles and codings.

    mystudy/
      conf/study.yaml      name, language, paths, label schema (frames, stance, cues), ...
      conf/...             optional: the study's own model/, eval/, experiment/ configs
      codebook.md          the codebook coders read
      articles/            the corpus (.txt, .jsonl, .csv)
      labels/              codings, adjudication, the assembled gold set

A command run anywhere inside the folder (or with ``FRAMING_STUDY=DIR``) uses that study:
its ``conf/`` comes first on Hydra's config search path, before the package's own configs
(``framing/conf``), so the study's files override the package defaults of the same name.
Paths in ``conf/study.yaml`` are relative to the study folder. ``framing study init DIR``
writes a new study from the template in ``framing/study/template``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from framing.corpus.rules import CorpusRules
from framing.data import LabelSchema, load_labelled_set
from framing.errors import FramingInputError

STUDY_CONFIG = Path("conf") / "study.yaml"
STUDY_ENV = "FRAMING_STUDY"
#: keys every study config must have; the rest is optional or read by the command needing it
REQUIRED_KEYS = ("name", "schema")
NO_STUDY_FIX = (
    "run the command inside a study folder (one with conf/study.yaml), set FRAMING_STUDY=DIR, "
    "or create one with: framing study init DIR"
)


def find_study_root(start: str | os.PathLike | None = None) -> Path | None:
    """The study folder: ``FRAMING_STUDY`` if set, else the nearest folder at or above
    ``start`` (default: the working directory) holding ``conf/study.yaml``; None if none."""
    env = os.environ.get(STUDY_ENV)
    if env:
        root = Path(env).expanduser().resolve()
        if not (root / STUDY_CONFIG).is_file():
            raise FramingInputError(
                f"holds no {STUDY_CONFIG}", file=root, field=STUDY_ENV, fix=NO_STUDY_FIX
            )
        return root
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / STUDY_CONFIG).is_file():
            return folder
    return None


def resolve_path(path: str | os.PathLike, root: Path | None = None) -> Path:
    """A path from a config or the command line: absolute as is; relative to the working
    directory if it exists there, else relative to the study folder (so commands work from any
    folder inside the study)."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    root = root or find_study_root()
    if root is not None and (root / p).exists():
        return root / p
    return p


@dataclass
class Study:
    """A study folder and its config (``conf/study.yaml``, plain Python containers)."""

    root: Path
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.config.get("name") or self.root.name)

    @property
    def config_file(self) -> Path:
        return self.root / STUDY_CONFIG

    @property
    def schema(self) -> LabelSchema:
        if "schema" not in self.config:
            raise FramingInputError(
                "the study config has no label schema", file=self.config_file, field="schema"
            )
        return LabelSchema.from_dict(self.config["schema"], source=str(self.config_file))

    @property
    def languages(self) -> list[str]:
        raw = self.config.get("language") or []
        return [raw] if isinstance(raw, str) else [str(x) for x in raw]

    def value(self, key: str, default: Any = None) -> Any:
        """A (dotted) key of the study config, e.g. ``codings.first``."""
        node: Any = self.config
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        return node

    def path(self, key: str, must_exist: bool = True) -> Path:
        """A path named by the study config, resolved against the study folder."""
        value = self.value(key)
        if value in (None, ""):
            raise FramingInputError(
                "missing in the study config",
                file=self.config_file,
                field=key,
                fix=f"set {key}: to a path relative to {self.root}",
            )
        p = Path(str(value)).expanduser()
        p = p if p.is_absolute() else self.root / p
        if must_exist and not p.exists():
            raise FramingInputError(
                f"the study config names a path that does not exist: {value}",
                file=self.config_file,
                field=key,
            )
        return p

    def corpus_rules(self):
        """The package's cleaning rules with the study's ``corpus:`` overrides merged in."""
        return CorpusRules.with_overrides(
            self.config.get("corpus") or {}, str(self.config_file), self.languages or ["en"]
        )

    def labelled_set(self):
        """The study's labelled sentence set (its ``sentences`` file, checked against its
        schema) as a ``datasets.Dataset``."""
        return load_labelled_set(self.path("sentences"), self.schema)

    def text(self, key: str, default: str = "") -> str:
        value = self.value(key)
        return " ".join(str(value).split()) if value else default


def read_study_config(root: Path) -> dict[str, Any]:
    """``conf/study.yaml`` as plain containers, interpolations resolved, required keys checked."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException
    from yaml import YAMLError

    file = root / STUDY_CONFIG
    try:
        config = OmegaConf.to_container(OmegaConf.load(file), resolve=True)
    except (OmegaConfBaseException, YAMLError) as err:
        raise FramingInputError(f"is not a valid study config ({err})", file=file) from None
    return check_study_config(config, file)


def check_study_config(config: Any, file: Path | str) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise FramingInputError("must be a YAML mapping", file=file)
    for key in REQUIRED_KEYS:
        if config.get(key) in (None, "", {}):
            raise FramingInputError(
                "missing study config key",
                file=file,
                field=key,
                fix="see the template written by: framing study init DIR",
            )
    return config


def load_study(root: str | os.PathLike | None = None) -> Study:
    """The study at ``root`` (default: the one found from the working directory)."""
    found = Path(root).expanduser().resolve() if root is not None else find_study_root()
    if found is None:
        raise FramingInputError("no study folder found", fix=NO_STUDY_FIX)
    if not (found / STUDY_CONFIG).is_file():
        raise FramingInputError(f"holds no {STUDY_CONFIG}", file=found, fix=NO_STUDY_FIX)
    return Study(found, read_study_config(found))


__all__ = [
    "STUDY_CONFIG",
    "STUDY_ENV",
    "Study",
    "find_study_root",
    "load_study",
    "resolve_path",
]
