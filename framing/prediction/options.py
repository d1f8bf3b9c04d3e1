"""A prediction's settings as one checked object: ``framing predict`` builds it from its
config (``framing.cli.options``), ``framing.predict`` from Python arguments. The field names
are the command's options (``framing/conf/predict.yaml`` says what each does), so an error
naming a field names the option too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from framing.checkpoint.hub import is_hub_reference
from framing.corpus.rules import CorpusRules
from framing.errors import FramingInputError
from framing.study import Study


def _whole_number(value, name: str, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        what = "a positive whole number" if least == 1 else f"a whole number >= {least}"
        raise FramingInputError(f"{name} must be {what}, got {value!r}", field=name)


@dataclass(frozen=True)
class PredictOptions:
    checkpoint: tuple[Path | str, ...]  # one checkpoint per task (a folder, or hf://OWNER/REPO)
    input: Path  # a folder of .txt / .html files, a .jsonl, .csv or .parquet file
    output: Path  # the output folder
    outlets: Path | None = None  # CSV: article_id, outlet
    study: Study | None = None  # whose cleaning rules apply (None: the package's)
    batch_size: int = 256
    workers: int | str = "auto"
    device: str = "auto"
    progress: bool = True
    figure: bool = True
    overwrite: bool = False
    keep_duplicate_ids: bool = False
    language_warning_share: float = 0.05
    shards: int = 1
    shard_retries: int = 1

    def __post_init__(self) -> None:
        given = self.checkpoint
        paths = [given] if isinstance(given, str | Path) else list(given or [])
        if not paths or any(str(p) == "" for p in paths):
            raise FramingInputError("missing checkpoint=...", field="checkpoint")
        object.__setattr__(
            self,
            "checkpoint",
            tuple(str(p) if is_hub_reference(p) else Path(p) for p in paths),
        )
        for name in ("input", "output"):
            if getattr(self, name) in (None, ""):
                raise FramingInputError(f"missing {name}=...", field=name)
            object.__setattr__(self, name, Path(getattr(self, name)))
        if self.outlets not in (None, ""):
            object.__setattr__(self, "outlets", Path(self.outlets))
        else:
            object.__setattr__(self, "outlets", None)
        _whole_number(self.batch_size, "batch_size", 1)
        if self.workers not in (None, "auto"):
            _whole_number(self.workers, "workers", 1)
        _whole_number(self.shards, "shards", 1)
        _whole_number(self.shard_retries, "shard_retries", 0)
        if not 0 <= float(self.language_warning_share) <= 1:
            raise FramingInputError(
                f"must be a share in [0, 1], got {self.language_warning_share!r}",
                field="language_warning_share",
            )

    @property
    def rules(self) -> CorpusRules:
        """The study's cleaning rules (its labelled set was split with them), else the
        package's."""
        if self.study is not None:
            return self.study.corpus_rules()
        return CorpusRules.with_overrides({})

    def settings(self) -> dict:
        """The settings that change what is predicted (not where it is written)."""
        return {
            "checkpoint": [str(p) for p in self.checkpoint],
            "input": str(self.input),
            "outlets": None if self.outlets is None else str(self.outlets),
            "batch_size": self.batch_size,
            "device": self.device,
            "shards": self.shards,
            "study": None if self.study is None else self.study.config,
        }


__all__ = ["PredictOptions"]
