"""The base of every classifier family: a scikit-learn estimator over raw texts.

- ``__init__`` stores parameters and does nothing else (no model loading, no I/O), so
  ``sklearn.base.clone``, ``get_params(deep)`` and ``set_params`` work, and with them
  ``cross_val_score`` and ``GridSearchCV``.
- ``fit(X, y)``: ``X`` is a sequence of texts. ``y`` is either
  - multi-label (frames): an (n, k) 0/1 indicator matrix (array or DataFrame), or a list of
    label-name lists such as ``[["neutrality"], []]``; or
  - single-label (stance): a vector of class labels.
  ``labels`` (a constructor parameter) fixes the label order and so the column order of
  ``predict_proba``; without it the labels are inferred (DataFrame columns, or the sorted
  values, as scikit-learn does).
- Fitted attributes: ``classes_`` (the labels), ``labels_`` (their names as strings),
  ``multi_label_`` and ``thresholds_`` (per-label decision thresholds, 0.5 until evaluation
  chooses them inside training folds, see ``framing.evaluate.thresholds``).
- ``predict_proba(X)``: (n, k) probabilities in ``classes_`` order: independent per-label
  probabilities when multi-label, rows summing to 1 otherwise.
- ``predict(X)``: what scikit-learn expects for the kind of target: an (n, k) 0/1 matrix
  (multi-label, thresholds applied) or the arg-max class per text. ``predict_labels(X)`` gives
  label names instead (a list of frames per text, or one class per text).
- ``save_weights(folder)`` / ``load_weights(folder)`` persist the fitted state without pickle:
  skops for scikit-learn objects, safetensors for torch weights, JSON for the rest.
  ``framing.checkpoint`` wraps these with the schema, config, metrics and a model card.

A family implements ``_fit(texts, y)`` (``y``: an (n, k) indicator matrix or class indices in
``labels_`` order), ``_predict_proba``, ``_save`` and ``_load``. Heavy imports (torch,
transformers) happen inside the methods of the families that need them, so a scikit-learn-only
run never imports torch.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import assert_all_finite, check_is_fitted

from framing.errors import FramingInputError


def as_texts(X) -> list[str]:
    """A list of strings from a list, array, pandas Series or one-column frame of texts."""
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    X = np.asarray(X, dtype=object)
    if X.ndim == 2 and X.shape[1] == 1:
        X = X[:, 0]
    if X.ndim != 1:
        raise ValueError(f"X must be a sequence of texts, got shape {X.shape}")
    return [str(t) for t in X]


def is_label_codes(y: np.ndarray, names: Sequence) -> bool:
    """Whether a class vector holds integer codes 0..k-1 for ``names`` rather than the names:
    integers, none of them a name, all below k."""
    if y.dtype.kind not in "iu" and not (
        y.dtype == object and all(isinstance(v, int | np.integer) for v in y.tolist())
    ):
        return False
    values = {int(v) for v in y.tolist()}
    return not values & set(names) and values <= set(range(len(names)))


def _is_label_lists(y) -> bool:
    """True for a sequence of label collections (multi-label targets by name)."""
    if isinstance(y, np.ndarray | str) or hasattr(y, "to_numpy") or hasattr(y, "__array__"):
        return False
    items = list(y)
    return bool(items) and all(isinstance(v, list | tuple | set | frozenset) for v in items)


class FramingClassifier(ClassifierMixin, BaseEstimator, ABC):
    #: registry name, also the ``model=`` choice and the checkpoint's ``family``
    family: str = ""
    #: whether the family imports torch (used by tests and the speed contract)
    uses_torch: bool = False

    # Subclasses take ``labels=None`` as a constructor parameter and store it as ``self.labels``.
    labels: Sequence[str] | None = None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.multi_output = True  # multi-label indicator targets
        return tags

    # ------------------------------------------------------------------ targets
    def _encode_targets(self, y) -> tuple[np.ndarray, list, bool, list]:
        """(targets for ``_fit``, the label names in column order, multi-label?, the classes
        in column order: the names, or the integer codes when ``y`` holds codes)."""
        given = None if self.labels is None else list(self.labels)
        if _is_label_lists(y):
            rows = [list(v) for v in y]
            labels = given or sorted({name for row in rows for name in row})
            index = {name: j for j, name in enumerate(labels)}
            unknown = sorted({n for row in rows for n in row if n not in index}, key=str)
            if unknown:
                raise ValueError(f"labels {unknown} are not in labels={labels}")
            out = np.zeros((len(rows), len(labels)), dtype=np.int64)
            for i, row in enumerate(rows):
                out[i, [index[n] for n in row]] = 1
            return out, labels, True, labels
        columns = list(y.columns) if hasattr(y, "columns") else None
        y = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
        if y.ndim == 2:
            labels = given or columns or list(range(y.shape[1]))
            if len(labels) != y.shape[1]:
                raise ValueError(f"multi-label y must be (n, {len(labels)}), got {y.shape}")
            if not np.isin(y, (0, 1)).all():
                raise ValueError("a multi-label y must hold only 0 and 1")
            return y.astype(np.int64), labels, True, labels
        if y.ndim != 1:
            raise ValueError(f"y must be a vector of classes or an (n, k) matrix, got {y.shape}")
        if y.dtype.kind == "f":
            assert_all_finite(y, input_name="y")  # every text needs a class
        kind = type_of_target(y)
        if kind.startswith("continuous"):
            raise ValueError(f"Unknown label type: {kind} (a classifier needs classes)")
        if given is None:
            classes, index = np.unique(y, return_inverse=True)
            return index.astype(np.int64), classes.tolist(), False, classes.tolist()
        position = {label: j for j, label in enumerate(given)}
        if is_label_codes(y, given):
            # scikit-learn's LabelEncoder codes (cross_val_predict's predict_proba encodes y):
            # code c is the c-th of the sorted names, and the columns follow the codes
            names = sorted(given, key=str)
            return y.astype(np.int64), names, False, list(range(len(names)))
        unknown = sorted({v for v in y.tolist() if v not in position}, key=str)
        if unknown:
            raise ValueError(f"classes {unknown[:5]} are not in labels={given}")
        return np.array([position[v] for v in y.tolist()], dtype=np.int64), given, False, given

    # ------------------------------------------------------------------ learning
    def fit(self, X, y):
        texts = as_texts(X)
        if not texts:
            raise ValueError(
                "Found array with 0 sample(s) (no texts) while a minimum of 1 is required."
            )
        targets, labels, multi_label, classes = self._encode_targets(y)
        if len(texts) != len(targets):
            raise ValueError(f"{len(texts)} texts but {len(targets)} targets")
        self.classes_ = np.asarray(classes)
        self.labels_ = [str(label) for label in labels]
        self.multi_label_ = multi_label
        self.thresholds_ = np.full(len(labels), 0.5)
        self._fit(texts, targets)
        return self

    @abstractmethod
    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        """Learn from texts and targets; ``labels_`` and ``multi_label_`` are already set."""

    def predict_proba(self, X) -> np.ndarray:
        """(n, k) probabilities, columns in ``labels_`` order; an unfitted model raises
        scikit-learn's ``NotFittedError``."""
        check_is_fitted(self)
        return self._predict_proba(X)

    @abstractmethod
    def _predict_proba(self, X) -> np.ndarray:
        """``predict_proba`` of a fitted model."""

    def predict_indicators(self, X) -> np.ndarray:
        """(n, k) 0/1 decisions: thresholds for multi-label, one-hot arg-max otherwise."""
        return decide(self.predict_proba(X), self.multi_label_, self.thresholds_)

    def predict(self, X):
        """(n, k) 0/1 decisions (multi-label) or the predicted class of each text."""
        decisions = self.predict_indicators(X)
        if self.multi_label_:
            return decisions
        return self.classes_[decisions.argmax(axis=1)]

    def predict_labels(self, X) -> list:
        """Label names: a list of frames per text (multi-label) or one class per text."""
        decisions = self.predict_indicators(X)
        if self.multi_label_:
            return [[self.labels_[j] for j in np.flatnonzero(row)] for row in decisions]
        return [self.labels_[int(j)] for j in decisions.argmax(axis=1)]

    def predict_frame(self, data, text_column: str = "text"):
        """``data`` (a DataFrame with ``text_column``, or a sequence of texts) with
        ``proba:LABEL`` and ``pred:LABEL`` columns added, the layout of ``framing predict``'s
        predictions.csv; the input is not changed. The model runs once over the texts: the
        decisions are taken from the same probabilities."""
        return predictions_frame(self, data, text_column)

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
        model.labels_ = list(state["labels"])
        model.classes_ = np.asarray(model.labels_)
        model.multi_label_ = state["multi_label"]
        model.thresholds_ = np.asarray(state["thresholds"], dtype=float)
        model._load(folder)
        return model

    @abstractmethod
    def _load(self, folder: Path) -> None:
        """Restore the family's own fitted state written by ``_save``."""


def predictions_frame(model, data, text_column: str = "text"):
    """``FramingClassifier.predict_frame`` for any fitted classifier with ``labels_``,
    ``multi_label_`` and ``thresholds_``."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        if text_column not in data.columns:
            raise FramingInputError(
                f"has no '{text_column}' column (columns: {list(data.columns)})",
                file="<DataFrame>",
                field=text_column,
            )
        out = data.copy()
    else:
        out = pd.DataFrame({text_column: list(data)})
    texts = out[text_column].astype(str).tolist()
    if not texts:
        for label in model.labels_:
            out[f"proba:{label}"] = pd.Series(dtype=float)
            out[f"pred:{label}"] = pd.Series(dtype="int64")
        return out
    proba = np.asarray(model.predict_proba(texts), dtype=float)
    decisions = decide(proba, model.multi_label_, model.thresholds_)
    for j, label in enumerate(model.labels_):
        out[f"proba:{label}"] = proba[:, j]
        out[f"pred:{label}"] = decisions[:, j]
    return out


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
