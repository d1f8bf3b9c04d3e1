"""Shared fixtures. Tests use the real seed data or small in-memory data, never mocks."""

from __future__ import annotations

import numpy as np
import pytest

from framing.paths import PROJECT_ROOT
from framing.schema import LabelSchema

SEEDS_CONFIG = PROJECT_ROOT / "conf/data/seeds.yaml"


@pytest.fixture(scope="session")
def schema() -> LabelSchema:
    return LabelSchema.from_config(SEEDS_CONFIG)


@pytest.fixture(scope="session")
def labelled_set(schema):
    from framing.data import load_labelled_set

    return load_labelled_set(data_config=SEEDS_CONFIG, schema=schema)


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
