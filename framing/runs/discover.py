"""Finding and reading finished run folders (``framing train`` output) for the comparison, the
learning curve and the figures. A folder counts as a run once its ``metrics.json`` exists:
``framing train`` writes that file last."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.errors import FramingInputError
from framing.io import read_json_object

#: what every metrics.json holds (a file without them is not a run's, or is damaged)
METRICS_KEYS = ("task", "model", "seed", "labels", "macro_f1", "data_sha256", "protocol")


@dataclass
class Run:
    folder: Path
    metrics: dict
    oof: object  # pandas.DataFrame, sorted by sentence_id
    config: dict  # the run's resolved config.yaml

    def setting(self, section: str):
        """A config section, without the per-seed keys a model config may interpolate."""
        value = self.config.get(section)
        if isinstance(value, dict):
            return _without_seed(value)
        return value

    @property
    def seed(self) -> int:
        return int(self.metrics["seed"])

    @property
    def train_fraction(self) -> float:
        return float(self.metrics.get("train_fraction", 1.0))

    def decisions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(true 0/1, predicted 0/1, duplicate group) of every out-of-fold row."""
        labels = self.metrics["labels"]
        truth = self.oof[[f"true:{lab}" for lab in labels]].to_numpy()
        pred = self.oof[[f"pred:{lab}" for lab in labels]].to_numpy()
        return truth, pred, self.oof["dup_group"].to_numpy()


def _without_seed(node):
    if isinstance(node, dict):
        return {k: _without_seed(v) for k, v in node.items() if k not in ("seed", "random_state")}
    return node


def read_metrics(path: Path) -> dict:
    """A run's metrics.json, or one error naming the file when it is empty, cut off or wrong."""
    metrics = read_json_object(path, fix="rerun the run, or remove its folder")
    missing = [k for k in METRICS_KEYS if k not in metrics]
    if missing:
        raise FramingInputError(
            f"is missing {', '.join(missing)}",
            file=path,
            fix="it was not written by framing train: rerun the run, or remove its folder",
        )
    return metrics


def find_run_folders(paths: list[str | Path]) -> list[Path]:
    """Every folder with a metrics.json under ``paths`` (hidden temporary folders skipped)."""
    folders: list[Path] = []
    for path in map(Path, paths):
        if not path.exists():
            raise FramingInputError("no such run folder", file=path)
        found = (
            [path.parent]
            if path.name == "metrics.json"
            else sorted(
                p.parent
                for p in path.rglob("metrics.json")
                if not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        )
        if not found:  # among other folders it was skipped silently: a mistyped run is named
            raise FramingInputError(
                "no metrics.json found",
                file=path,
                fix="pass run folders written by framing train (or their parent folder)",
            )
        folders += [f for f in found if f not in folders]
    if not folders:
        raise FramingInputError(
            "no run folder given",
            fix="pass run folders written by framing train (or their parent folder)",
        )
    return folders


def read_run(folder: Path) -> Run:
    import pandas as pd
    import yaml

    metrics = read_metrics(folder / "metrics.json")
    oof_file = folder / "oof_predictions.csv"
    if not oof_file.exists():
        raise FramingInputError("the run has metrics.json but no oof_predictions.csv", file=folder)
    try:
        oof = pd.read_csv(oof_file, dtype={"sentence_id": str, "dup_group": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise FramingInputError(f"is not a readable CSV ({err})", file=oof_file) from None
    check_oof(oof, oof_file, metrics)
    config_file = folder / "config.yaml"
    if not config_file.exists():
        raise FramingInputError("the run has metrics.json but no config.yaml", file=folder)
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise FramingInputError(f"is not valid YAML ({err})", file=config_file) from None
    return Run(folder, metrics, oof.sort_values("sentence_id", ignore_index=True), config)


def check_oof(oof, oof_file: Path, metrics: dict) -> None:
    """A cut-off or edited oof_predictions.csv stops here, naming the file, instead of being
    scored: one row per sentence the run's metrics.json counts, every value present."""
    expected = metrics.get("n_sentences")
    if isinstance(expected, int) and len(oof) != expected:
        raise FramingInputError(
            f"has {len(oof)} rows but the run's metrics.json counts {expected} sentences "
            "(cut off or edited)",
            file=oof_file,
            fix="train the run again",
        )
    values = [c for c in oof.columns if c.startswith(("true:", "proba:", "pred:"))]
    if not values or "sentence_id" not in oof.columns:
        raise FramingInputError(
            "has no sentence_id and true:/proba:/pred: columns", file=oof_file, line=1
        )
    missing = oof[["sentence_id", *values]].isna().any(axis=1).to_numpy()
    if missing.any():
        raise FramingInputError(
            "has a row with missing values (cut off or edited)",
            file=oof_file,
            line=int(missing.argmax()) + 2,  # the header is line 1
            fix="train the run again",
        )


def find_runs(paths: list[str | Path]) -> list[Run]:
    """Every finished run under ``paths``, in path order."""
    return [read_run(folder) for folder in find_run_folders(paths)]
