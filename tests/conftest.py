"""Shared fixtures. Tests use the real seed data or small in-memory data, never mocks.

A test that needs an optional extra is marked ``@pytest.mark.extra("transformers")``: it is
skipped where the extra is not installed, except on CI (``CI=true``), where it fails, so CI
never skips a family silently.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from framing.data.schema import LabelSchema
from framing.distribution import install_command
from framing.study import load_study

#: the repository: the seed study's folder (conf/study.yaml)
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def framing(*args: str, cwd: Path = PROJECT_ROOT, timeout: float = 600, env=None):
    """``framing ARGS`` as a user runs it: a separate process (exit code, stderr, signals
    are the command's own), this checkout's code, and no FRAMING_STUDY from the caller's
    shell, so ``cwd`` decides which study it sees; ``env``: more environment variables."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), **(env or {}))
    env.pop("FRAMING_STUDY", None)
    return subprocess.run(
        [sys.executable, "-m", "framing.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def pytest_collection_modifyitems(config, items):
    """Skip a test whose extra is missing, except on CI: there it runs, and fails on import."""
    from framing.models import extra_installed

    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return
    for item in items:
        for mark in item.iter_markers("extra"):
            if not extra_installed(mark.args[0]):
                reason = f"needs {install_command(mark.args[0])}"
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def study():
    return load_study(PROJECT_ROOT)


@pytest.fixture(scope="session")
def schema(study) -> LabelSchema:
    return study.schema


@pytest.fixture(scope="session")
def labelled_set(study):
    from framing.data import load_labelled_set

    return load_labelled_set(study=study)


def _toy_texts(n: int, rng: np.random.Generator) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sentences whose frames and stance are learnable from their words."""
    vocab = {
        0: ["isolation", "isolated", "break", "partners", "support"],
        1: ["bamboo", "balance", "neutral", "sides", "impartial"],
        2: ["soviet", "treaty", "history", "decades", "friendship"],
        3: ["condemned", "sanctions", "washington", "criticism", "warned"],
    }
    filler = ["the", "visit", "hanoi", "putin", "leaders", "agreements", "energy", "talks"]
    texts, frames, stance = [], np.zeros((n, 4), dtype=np.int64), np.zeros(n, dtype=np.int64)
    for i in range(n):
        k = rng.integers(0, 3)
        chosen = rng.choice(4, size=k, replace=False)
        words = list(rng.choice(filler, size=6))
        for c in chosen:
            frames[i, c] = 1
            words += list(rng.choice(vocab[c], size=2))
        stance[i] = 2 if frames[i, 3] else (0 if frames[i, 2] else 1)
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + f" number {i}.")
    return texts, frames, stance


@pytest.fixture(scope="session")
def toy_data():
    """60 learnable sentences: (texts, frames (n,4) 0/1, stance (n,) index)."""
    return _toy_texts(60, np.random.default_rng(0))


def fit(model, texts, y, labels, multi_label=None):
    """``model`` fitted with ``labels`` in the schema's order; single-label targets may be given
    as class indices (the toy data's form) and are passed to ``fit`` as class names."""
    y = np.asarray(y)
    if y.ndim == 1:
        y = np.asarray(labels, dtype=object)[y]
    return model.set_params(labels=list(labels)).fit(texts, y)


# ---------------------------------------------------------------- the second study's coders
#: the invented second study; its codings/ hold two coders' labels, read against its codebook
EXAMPLE_STUDY = PROJECT_ROOT / "examples" / "congestion_charge"


def codings(name: str) -> dict[str, dict]:
    """{sentence_id: coding} of ``examples/congestion_charge/codings/NAME.jsonl``."""
    path = EXAMPLE_STUDY / "codings" / f"{name}.jsonl"
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {r["sentence_id"]: r for r in rows}


def label_studio_export(tasks: list[dict], coder: dict[str, dict], annotators=(1,)) -> list[dict]:
    """What Label Studio exports after the coder(s) coded ``tasks`` (ids, annotations)."""
    out = []
    for i, task in enumerate(tasks, start=1):
        c = coder[task["data"]["sentence_id"]]
        result = [
            {
                "from_name": "stance",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [c["stance"]]},
            },
        ]
        if c["frames"]:
            result.append(
                {
                    "from_name": "frames",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": c["frames"]},
                }
            )
        annotations = [
            {"id": 100 * i + a, "completed_by": a, "result": result, "was_cancelled": False}
            for a in annotators
        ]
        out.append({"id": i, "data": task["data"], "annotations": annotations})
    return out


def fill_sheet(path: Path, coder: dict[str, dict]) -> None:
    """A spreadsheet coder's work: marks and a stance class in the exported CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        c = coder[row["sentence_id"]]
        for frame in ("economic_cost", "public_health"):
            row[f"frame:{frame}"] = "x" if frame in c["frames"] else ""
        row["stance"] = c["stance"]
    write_rows(path, rows)


def write_rows(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
