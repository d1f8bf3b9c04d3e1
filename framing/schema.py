"""The label schema: which frames and stance classes a study codes, with their codebook
definitions and cue words. It lives in the data config so another study can bring its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from framing.errors import FramingInputError

TASKS = ("frames", "stance")


@dataclass(frozen=True)
class LabelDefinition:
    name: str
    description: str = ""
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelSchema:
    """Frames (multi-label, zero or more per sentence) and stance (exactly one per sentence)."""

    name: str
    version: int
    frames: tuple[LabelDefinition, ...]
    stance: tuple[LabelDefinition, ...]
    source: str = field(default="<config>", compare=False)

    @property
    def frame_names(self) -> list[str]:
        return [d.name for d in self.frames]

    @property
    def stance_names(self) -> list[str]:
        return [d.name for d in self.stance]

    def labels(self, task: str) -> list[str]:
        """The stored label order of a task: the column order of every predict_proba."""
        return list(self.definitions(task_name(task)).keys())

    def definitions(self, task: str) -> dict[str, LabelDefinition]:
        task = task_name(task)
        defs = self.frames if task == "frames" else self.stance
        return {d.name: d for d in defs}

    def is_multi_label(self, task: str) -> bool:
        return task_name(task) == "frames"

    def to_dict(self) -> dict[str, Any]:
        def dump(defs):
            return [
                {"name": d.name, "description": d.description, "cues": list(d.cues)} for d in defs
            ]

        return {
            "name": self.name,
            "version": self.version,
            "frames": dump(self.frames),
            "stance": dump(self.stance),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str = "<config>") -> LabelSchema:
        if not isinstance(raw, Mapping):
            raise FramingInputError(
                "the label schema must be a mapping", file=source, field="schema"
            )
        for key in ("name", "frames", "stance"):
            if key not in raw:
                raise FramingInputError(
                    "the label schema is missing a key",
                    file=source,
                    field=f"schema.{key}",
                    fix="a schema needs name, frames and stance",
                )

        def parse(key: str) -> tuple[LabelDefinition, ...]:
            items = raw[key]
            if not items:
                raise FramingInputError(
                    "needs at least one label", file=source, field=f"schema.{key}"
                )
            defs = []
            for i, item in enumerate(items):
                if isinstance(item, str):
                    item = {"name": item}
                name = item.get("name") if isinstance(item, Mapping) else None
                if not name or not isinstance(name, str):
                    raise FramingInputError(
                        "every label needs a name", file=source, field=f"schema.{key}[{i}].name"
                    )
                defs.append(
                    LabelDefinition(
                        name=name,
                        description=str(item.get("description") or ""),
                        cues=tuple(str(c).lower() for c in (item.get("cues") or [])),
                    )
                )
            names = [d.name for d in defs]
            if len(set(names)) != len(names):
                raise FramingInputError(
                    f"label names repeat: {names}", file=source, field=f"schema.{key}"
                )
            return tuple(defs)

        frames = parse("frames")
        stance = parse("stance")
        if len(stance) < 2:
            raise FramingInputError(
                "stance needs at least two classes", file=source, field="schema.stance"
            )
        return cls(
            name=str(raw["name"]),
            version=int(raw.get("version", 1)),
            frames=frames,
            stance=stance,
            source=source,
        )

    @classmethod
    def from_config(cls, path: str | Path) -> LabelSchema:
        """Read the ``schema`` block of a data config YAML file."""
        from omegaconf import OmegaConf

        from framing.paths import resolve_path

        p = resolve_path(path)
        if not p.exists():
            raise FramingInputError("no such data config", file=p)
        cfg = OmegaConf.to_container(OmegaConf.load(p), resolve=True)
        if "schema" not in cfg:
            raise FramingInputError("the data config has no schema block", file=p, field="schema")
        return cls.from_dict(cfg["schema"], source=str(p))


def task_name(task: str) -> str:
    if task not in TASKS:
        raise FramingInputError(
            f"unknown task '{task}'", field="task", fix=f"valid tasks: {', '.join(TASKS)}"
        )
    return task
