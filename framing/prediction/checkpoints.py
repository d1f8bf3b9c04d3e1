"""The checkpoints a prediction applies: loaded, warmed up, one per task."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from framing.checkpoint import headline_metric, load_checkpoint
from framing.checkpoint.hub import is_hub_reference, local_checkpoint
from framing.data.schema import NO_FRAME
from framing.errors import FramingInputError


@dataclass
class Checkpoint:
    path: Path
    model: Any
    task: str
    labels: list[str]
    multi_label: bool
    headline: str | None = None  # the model card's cross-validated metric
    info: dict = field(default_factory=dict)  # the checkpoint's record (framing_checkpoint.json)

    @property
    def columns(self) -> list[str]:
        return [f"{kind}:{label}" for label in self.labels for kind in ("proba", "pred")]

    @property
    def share_columns(self) -> list[str]:
        shares = [f"share:{label}" for label in self.labels]
        return shares + ([f"share:{NO_FRAME}"] if self.multi_label else [])


def load_checkpoints(paths, device: str | None = None) -> list[Checkpoint]:
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    loaded: list[Checkpoint] = []
    for raw in paths:
        # as given (a command resolved it against the study), or hf://OWNER/REPO fetched
        path = local_checkpoint(raw) if is_hub_reference(raw) else Path(raw)
        checkpoint = load_checkpoint(path, device=device)
        model, info = checkpoint.model, checkpoint.info
        # Load lazily-loaded parts (an encoder) now: a broken one fails before any output
        # exists, and the stream's sentences/s is not charged with the loading time.
        model.predict_proba(["Warm-up sentence."])
        ckpt = Checkpoint(
            path,
            model,
            info["task"],
            list(info["labels"]),
            bool(info["multi_label"]),
            headline_metric(info),
            info,
        )
        for other in loaded:
            if other.task == ckpt.task:
                raise FramingInputError(
                    f"two checkpoints for task '{ckpt.task}' ({other.path} and {path})",
                    field="checkpoint",
                    fix="give at most one checkpoint per task, e.g. checkpoint=[FRAMES,STANCE]",
                )
            clash = set(other.labels) & set(ckpt.labels)
            if clash:
                raise FramingInputError(
                    f"label names {sorted(clash)} appear in both {other.path} and {path}",
                    field="checkpoint",
                )
        loaded.append(ckpt)
    return loaded
