"""A logistic-regression head over embeddings, stored as plain arrays (no pickle).

Frames: one binary logistic regression per label. Stance: one multinomial logistic regression.
The fitted head is kept as ``coef`` (k, d) and ``intercept`` (k,) in label order, and
probabilities are always computed from those arrays, so a head read back from its
safetensors file gives bit-identical probabilities to the one that was fitted.

Folds the learner cannot fit are handled explicitly:
- a frame constant in the training fold gets coef 0 and the logit of its smoothed prevalence
  ((positives + 0.5) / (n + 1)), so it is predicted rarely (or almost always), never NaN;
- a stance class absent from the fold gets probability exactly 0 (intercept -inf);
- a fold with a single stance class predicts that class with probability 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import expit, logit, softmax


def make_logistic_regression(C: float, class_weight, random_state: int, max_iter: int = 1000):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=C, class_weight=class_weight, max_iter=max_iter, random_state=random_state
    )


@dataclass
class LinearHead:
    coef: np.ndarray  # (k, d) float64
    intercept: np.ndarray  # (k,) float64
    multi_label: bool

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        logits = np.asarray(x, dtype=np.float64) @ self.coef.T + self.intercept
        return expit(logits) if self.multi_label else softmax(logits, axis=1)

    # ------------------------------------------------------------------ fitting
    @classmethod
    def fit(
        cls,
        x: np.ndarray,
        y: np.ndarray,
        multi_label: bool,
        n_labels: int,
        C: float = 1.0,
        class_weight=None,
        random_state: int = 0,
    ) -> LinearHead:
        x = np.asarray(x, dtype=np.float64)
        if multi_label:
            rows = [_binary_row(x, y[:, j], C, class_weight, random_state) for j in range(n_labels)]
            return cls(
                np.stack([r[0] for r in rows]), np.array([r[1] for r in rows]), multi_label=True
            )
        present = np.unique(y)
        if len(present) < 2:
            return cls.single_class(int(present[0]), n_labels, x.shape[1])
        lr = make_logistic_regression(C, class_weight, random_state).fit(x, y)
        return cls.from_sklearn(lr, multi_label=False, n_labels=n_labels, y=y)

    @classmethod
    def single_class(cls, index: int, n_labels: int, dim: int) -> LinearHead:
        intercept = np.full(n_labels, -np.inf)
        intercept[index] = 0.0
        return cls(np.zeros((n_labels, dim)), intercept, multi_label=False)

    @classmethod
    def from_sklearn(cls, estimator, multi_label: bool, n_labels: int, y: np.ndarray) -> LinearHead:
        """Arrays from a fitted LogisticRegression (stance) or a OneVsRestClassifier of them
        (frames, as SetFit's "one-vs-rest" strategy builds it). ``y`` is the training target,
        used for labels the estimator kept constant."""
        if multi_label:
            dim = estimator.n_features_in_
            coef, intercept = np.zeros((n_labels, dim)), np.zeros(n_labels)
            for j, est in enumerate(estimator.estimators_):
                if hasattr(est, "coef_"):
                    coef[j], intercept[j] = est.coef_[0], est.intercept_[0]
                else:  # sklearn's _ConstantPredictor for a label constant in this fold
                    intercept[j] = _smoothed_logit(y[:, j])
            return cls(coef, intercept, multi_label=True)
        classes = [int(c) for c in estimator.classes_]
        dim = estimator.coef_.shape[1]
        coef, intercept = np.zeros((n_labels, dim)), np.full(n_labels, -np.inf)
        if len(classes) == 2:
            # binary LR reports one logit z for classes_[1]; softmax([0, z]) == sigmoid(z)
            intercept[classes[0]] = 0.0
            coef[classes[1]], intercept[classes[1]] = estimator.coef_[0], estimator.intercept_[0]
        else:
            for row, c in enumerate(classes):
                coef[c], intercept[c] = estimator.coef_[row], estimator.intercept_[row]
        return cls(coef, intercept, multi_label=False)

    # ------------------------------------------------------------------ persistence
    def save(self, path: Path) -> None:
        from safetensors.numpy import save_file

        save_file(
            {
                "coef": np.ascontiguousarray(self.coef),
                "intercept": np.ascontiguousarray(self.intercept),
            },
            str(path),
            metadata={"multi_label": str(self.multi_label).lower()},
        )

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as fh:
            multi_label = fh.metadata()["multi_label"] == "true"
            return cls(fh.get_tensor("coef"), fh.get_tensor("intercept"), multi_label)


def _binary_row(x, y_col, C, class_weight, random_state) -> tuple[np.ndarray, float]:
    if y_col.min() == y_col.max():
        return np.zeros(x.shape[1]), _smoothed_logit(y_col)
    lr = make_logistic_regression(C, class_weight, random_state).fit(x, y_col)
    return lr.coef_[0], float(lr.intercept_[0])


def _smoothed_logit(y_col: np.ndarray) -> float:
    return float(logit((np.sum(y_col) + 0.5) / (len(y_col) + 1.0)))
