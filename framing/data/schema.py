"""The label schema: which frames and stance classes a study codes, with their codebook
definitions and cue words. It lives in the study config (``conf/study.yaml``, key ``schema``)
so every study brings its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from framing.errors import FramingInputError

TASKS = ("frames", "stance")
#: the column of a sentence without any frame, beside the frames' own (shares, mixes, figures)
NO_FRAME = "no_frame"
#: the row of every outlet together, beside the outlets' own (shares, estimates, figures)
ALL_OUTLETS = "All outlets"


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
    #: what a sentence with no frame looks like in this study (zero-shot scores against it)
    no_frame: str = ""
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
        return is_multi_label(task)

    def to_dict(self) -> dict[str, Any]:
        def dump(defs):
            return [
                {"name": d.name, "description": d.description, "cues": list(d.cues)} for d in defs
            ]

        out = {
            "name": self.name,
            "version": self.version,
            "frames": dump(self.frames),
            "stance": dump(self.stance),
        }
        if self.no_frame:
            out["no_frame"] = self.no_frame
        return out

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
            no_frame=" ".join(str(raw.get("no_frame") or "").split()),
            source=source,
        )

    def codebook(self, task: str | None = None) -> dict[str, dict[str, Any]]:
        """{label: {"description", "cues"}} of one task, or of both (a label name used by a
        frame and a stance class with different cues is an error)."""
        book: dict[str, dict[str, Any]] = {}
        for t in (task_name(task),) if task else TASKS:
            for name, d in self.definitions(t).items():
                entry = {"description": d.description, "cues": list(d.cues)}
                if name in book and book[name]["cues"] != entry["cues"]:
                    raise FramingInputError(
                        f"label '{name}' is both a frame and a stance class with different cues",
                        file=self.source,
                        field="schema",
                        fix="a codebook needs one cue list per label name: rename one",
                    )
                book[name] = entry
        return book


def task_name(task: str) -> str:
    if task not in TASKS:
        raise FramingInputError(
            f"unknown task '{task}'", field="task", fix=f"valid tasks: {', '.join(TASKS)}"
        )
    return task


def is_multi_label(task: str) -> bool:
    """Whether ``task`` is the multi-label task (frames: zero or more per sentence; stance has
    exactly one): the one place the library decides it. A fitted model says it too, as
    ``multi_label_``."""
    return task_name(task) == "frames"
