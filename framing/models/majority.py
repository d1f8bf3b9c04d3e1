"""Majority / prior baseline: predicts the training prior for every sentence.

For frames each label's probability is its training prevalence (so with threshold 0.5 it
never predicts a rare frame); for stance it is the class distribution (arg-max = majority).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from framing.models.base import FramingClassifier, as_texts


class MajorityClassifier(FramingClassifier):
    family = "majority"

    def __init__(self, *, labels=None, smoothing: float = 0.0):
        self.labels = labels
        self.smoothing = smoothing

    def _fit(self, texts, y):
        k = len(self.labels_)
        if self.multi_label_:
            self.prior_ = (y.sum(axis=0) + self.smoothing) / (len(y) + 2 * self.smoothing)
        else:
            counts = np.bincount(y, minlength=k).astype(float) + self.smoothing
            self.prior_ = counts / counts.sum()

    def _predict_proba(self, X):
        return np.tile(self.prior_, (len(as_texts(X)), 1))

    def _save(self, folder: Path) -> list[str]:
        (folder / "prior.json").write_text(json.dumps([float(p) for p in self.prior_]))
        return ["prior.json"]

    def _load(self, folder: Path) -> None:
        self.prior_ = np.asarray(json.loads((folder / "prior.json").read_text()))
