"""Shared fixtures. Tests use the real seed data or small in-memory data, never mocks.

A test that needs an optional extra is marked ``@pytest.mark.extra("transformers")``: it is
skipped where the extra is not installed, except on CI (``CI=true``), where it fails, so CI
never skips a family silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from framing.data.schema import LabelSchema
from framing.study import load_study

#: the repository: the seed study's folder (conf/study.yaml)
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(config, items):
    """Skip a test whose extra is missing, except on CI: there it runs, and fails on import."""
    from framing.models import extra_installed

    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return
    for item in items:
        for mark in item.iter_markers("extra"):
            if not extra_installed(mark.args[0]):
                reason = f'needs pip install "framing[{mark.args[0]}]"'
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
