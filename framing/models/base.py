"""One interface for every classifier family, shaped like a scikit-learn estimator.

- ``__init__`` stores parameters and does nothing else (no model loading, no I/O).
- ``fit(texts, y, labels, multi_label)`` learns. ``y`` is an (n, k) 0/1 matrix for a
  multi-label task (frames) or an (n,) vector of class indices for a single-label task
  (stance); ``labels`` names the k columns / classes in the schema's order.
- ``predict_proba(texts)`` returns an (n, k) float array whose columns follow ``labels_``:
  independent per-label probabilities when ``multi_label_``, rows summing to 1 otherwise.
- ``predict(texts)`` turns probabilities into label names with ``thresholds_`` (multi-label,
  0.5 unless evaluation chose them inside training folds) or the arg-max (single-label).
- ``save_weights(folder)`` / ``load_weights(folder)`` persist the fitted state without pickle:
  skops for scikit-learn objects, safetensors for torch weights, JSON for the rest.
  ``framing.checkpoint`` wraps these with the schema, config, metrics and a model card.

Heavy imports (torch, transformers) happen inside the methods of the families that need them,
so a scikit-learn-only run never imports torch.
"""

from __future__ import annotations

import inspect
import json
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np


class FramingClassifier(ABC):
    #: registry name, also the ``model=`` choice and the checkpoint's ``family``
    family: str = ""
    #: whether the family imports torch (used by tests and the speed contract)
    uses_torch: bool = False

    # ------------------------------------------------------------------ parameters
    def get_params(self) -> dict[str, Any]:
        sig = inspect.signature(type(self).__init__)
        return {
            name: getattr(self, name)
            for name in sig.parameters
            if name != "self" and sig.parameters[name].kind is not inspect.Parameter.VAR_KEYWORD
        }

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    # ------------------------------------------------------------------ learning
    def fit(self, texts: list[str], y: np.ndarray, labels: list[str], multi_label: bool):
        y = np.asarray(y)
        if multi_label and (y.ndim != 2 or y.shape[1] != len(labels)):
            raise ValueError(f"multi-label y must be (n, {len(labels)}), got {y.shape}")
        if not multi_label and y.ndim != 1:
            raise ValueError(f"single-label y must be (n,), got {y.shape}")
        if len(texts) != len(y):
            raise ValueError(f"{len(texts)} texts but {len(y)} targets")
        self.labels_ = list(labels)
        self.multi_label_ = bool(multi_label)
        self.thresholds_ = np.full(len(labels), 0.5)
        self._fit(list(texts), y)
        return self

    @abstractmethod
    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        """Learn from texts and targets; ``labels_`` and ``multi_label_`` are already set."""

    @abstractmethod
    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """(n, k) probabilities, columns in ``labels_`` order."""

    def predict_indicators(self, texts: list[str]) -> np.ndarray:
        """(n, k) 0/1 decisions: thresholds for multi-label, one-hot arg-max otherwise."""
        proba = self.predict_proba(texts)
        return decide(proba, self.multi_label_, self.thresholds_)

    def predict(self, texts: list[str]) -> list:
        """Label names: a list of frames per text (multi-label) or one class per text."""
        decisions = self.predict_indicators(texts)
        if self.multi_label_:
            return [[self.labels_[j] for j in np.flatnonzero(row)] for row in decisions]
        return [self.labels_[int(j)] for j in decisions.argmax(axis=1)]

    def set_thresholds(self, thresholds: np.ndarray) -> None:
        self.thresholds_ = np.asarray(thresholds, dtype=float)

    # ------------------------------------------------------------------ persistence
    def save_weights(self, folder: Path) -> list[str]:
        """Write the fitted state into ``folder``; return the file names written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        state = {
            "labels": self.labels_,
            "multi_label": self.multi_label_,
            "thresholds": [float(t) for t in self.thresholds_],
        }
        (folder / "state.json").write_text(json.dumps(state, indent=2))
        return ["state.json", *self._save(folder)]

    @abstractmethod
    def _save(self, folder: Path) -> list[str]:
        """Write the family's own fitted state; return the file names written."""

    @classmethod
    def load_weights(cls, folder: Path, params: dict[str, Any]):
        folder = Path(folder)
        model = cls(**params)
        state = json.loads((folder / "state.json").read_text())
        model.labels_ = state["labels"]
        model.multi_label_ = state["multi_label"]
        model.thresholds_ = np.asarray(state["thresholds"], dtype=float)
        model._load(folder)
        return model

    @abstractmethod
    def _load(self, folder: Path) -> None:
        """Restore the family's own fitted state written by ``_save``."""


def decide(
    proba: np.ndarray, multi_label: bool, thresholds: np.ndarray | None = None
) -> np.ndarray:
    """0/1 decisions from probabilities."""
    proba = np.asarray(proba)
    if multi_label:
        t = np.full(proba.shape[1], 0.5) if thresholds is None else np.asarray(thresholds)
        return (proba >= t).astype(np.int64)
    out = np.zeros_like(proba, dtype=np.int64)
    out[np.arange(len(proba)), proba.argmax(axis=1)] = 1
    return out
