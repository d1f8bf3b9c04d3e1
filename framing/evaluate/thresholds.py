"""Multi-label decision thresholds chosen inside the training data: a small meta-estimator.

scikit-learn's ``TunedThresholdClassifierCV`` tunes one binary threshold; frames need one per
label, chosen without ever looking at the data being predicted. ``InnerCVThresholdClassifier``
runs a grouped cross-validation on the training data it is given (duplicate groups from
``fit(..., groups=)``; without groups every sentence is its own group), sets each label's
threshold to the F1-optimal one on those out-of-fold probabilities, and fits the wrapped
estimator on all of its training data with those thresholds. Single-label targets need no
threshold: the wrapped estimator is fitted as it is.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.validation import check_is_fitted

from framing import progress
from framing.errors import FramingWarning
from framing.evaluate.metrics import THRESHOLD_GRID, best_thresholds
from framing.evaluate.splitters import DuplicateGroupKFold
from framing.models.base import as_texts


class InnerCVThresholdClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    # Under metadata routing the duplicate groups reach fit by default, as they reach the
    # grouped splitters: the inner CV must keep copies of a sentence on one side too.
    __metadata_request__fit = {"groups": True}

    def __init__(self, estimator, *, inner_folds: int = 3, random_state: int = 0):
        self.estimator = estimator
        self.inner_folds = inner_folds
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y, groups=None):
        texts = as_texts(X)
        probe = clone(self.estimator)
        targets, _, multi_label, _ = probe._encode_targets(y)
        if groups is None and multi_label:
            warnings.warn(
                "InnerCVThresholdClassifier.fit got no duplicate groups: its inner folds treat "
                "every sentence as its own group (pass groups=, or params={'groups': ...} to "
                "cross_val_score, or enable scikit-learn's metadata routing)",
                FramingWarning,
                stacklevel=2,
            )
        groups = np.arange(len(texts)) if groups is None else np.asarray(groups)
        if len(groups) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(groups)} groups")
        #: how many duplicate groups the inner cross-validation dealt out
        self.n_inner_groups_ = len(np.unique(groups))
        self.thresholds_ = None
        if multi_label:
            proba = np.zeros(targets.shape, dtype=float)
            splitter = DuplicateGroupKFold(self.inner_folds, random_state=self.random_state)
            for n, (train, test) in enumerate(splitter.split(texts, targets, groups), 1):
                inner = clone(self.estimator).fit([texts[i] for i in train], _rows(y, train))
                proba[test] = inner.predict_proba([texts[i] for i in test])
                progress.advance(note=f"inner fit {n}/{self.inner_folds}")
            self.thresholds_ = best_thresholds(targets, proba, THRESHOLD_GRID)
        self.estimator_ = clone(self.estimator).fit(texts, y)
        progress.advance(note="fit on the whole training fold")
        if self.thresholds_ is not None:
            self.estimator_.set_thresholds(self.thresholds_)
        self.classes_ = self.estimator_.classes_
        self.labels_ = self.estimator_.labels_
        self.multi_label_ = self.estimator_.multi_label_
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        check_is_fitted(self)
        return self.estimator_.predict(X)


def _rows(y, index: np.ndarray):
    """Rows of a target in any form ``FramingClassifier.fit`` takes."""
    if hasattr(y, "iloc"):
        return y.iloc[index]
    if isinstance(y, np.ndarray):
        return y[index]
    return [y[i] for i in index]
