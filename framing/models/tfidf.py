"""TF-IDF features with a linear classifier: the standard supervised text baseline.

Features are the union of two TF-IDF blocks fitted on the training texts:
- word uni- and bigrams (``word_ngram_max``), sublinear tf, ``min_df``;
- character n-grams inside word boundaries (``char_wb``, ``char_ngram_min``..``char_ngram_max``),
  which catch inflections and compounds ("isolat" in isolated / isolation) on a small corpus.

Two families share them:
- ``tfidf_lr``  (``TfidfLogisticClassifier``): logistic regression, one binary model per frame
  (multi-label) or one multinomial model (stance);
- ``tfidf_svm`` (``TfidfSVMClassifier``): a linear SVM whose scores are turned into probabilities
  by Platt (sigmoid) calibration with ``CalibratedClassifierCV`` (``cv`` folds), per frame or
  multiclass.

Small folds: a frame that never (or always) occurs in the training fold gets a constant
probability -- its training prior -- instead of a model (logistic regression cannot be fitted on
one class). For the SVM, calibration needs every class in every calibration fold, so ``cv`` is
reduced to the smallest class count; a class with a single example is left out of the SVM (it
gets probability 0) and if fewer than two classes remain the prior is used. Which fallback each
label got is visible in ``estimators_`` (``DummyClassifier`` = constant prior).

Persistence: the fitted vectorizers and estimators go into one skops file, checked against an
allow-list on load (``framing.models.sklearn_io``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from framing.errors import FramingInputError
from framing.models.base import FramingClassifier, as_texts
from framing.models.sklearn_io import dump_sklearn, load_sklearn

WEIGHTS_FILE = "tfidf_model.skops"


class _TfidfLinearClassifier(FramingClassifier):
    """Shared features, fallbacks, prediction and persistence; subclasses pick the estimator."""

    # parameters every subclass stores (set by the subclass __init__)
    min_df: int | float
    word_ngram_max: int
    char_ngram_min: int
    char_ngram_max: int

    def _make_features(self) -> FeatureUnion:
        return FeatureUnion(
            [
                (
                    "word",
                    TfidfVectorizer(
                        ngram_range=(1, int(self.word_ngram_max)),
                        sublinear_tf=True,
                        min_df=self.min_df,
                    ),
                ),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(int(self.char_ngram_min), int(self.char_ngram_max)),
                        sublinear_tf=True,
                        min_df=self.min_df,
                    ),
                ),
            ]
        )

    def _fit_one(self, X, y: np.ndarray):
        """Fit one estimator on targets ``y`` (0/1 for a frame, class indices for stance)."""
        raise NotImplementedError

    def _fit(self, texts, y):
        self.features_ = self._make_features()
        try:
            X = self.features_.fit_transform(texts)
        except ValueError as err:
            # TfidfVectorizer: "empty vocabulary" / "After pruning, no terms remain"
            raise FramingInputError(
                f"TF-IDF found no usable terms in {len(texts)} training texts ({err})",
                field="min_df",
                fix="lower min_df or train on more sentences",
            ) from None
        if self.multi_label_:
            self.estimators_ = [self._fit_one(X, y[:, j]) for j in range(y.shape[1])]
        else:
            self.estimators_ = [self._fit_one(X, y)]

    def _predict_proba(self, X):
        texts = as_texts(X)
        X = self.features_.transform(texts)
        if self.multi_label_:
            columns = [class_proba(est, X, 2)[:, 1] for est in self.estimators_]
            return np.column_stack(columns) if columns else np.zeros((len(texts), 0))
        return class_proba(self.estimators_[0], X, len(self.labels_))

    # ------------------------------------------------------------------ persistence
    def _save(self, folder: Path) -> list[str]:
        dump_sklearn(
            {"features": self.features_, "estimators": self.estimators_}, folder / WEIGHTS_FILE
        )
        return [WEIGHTS_FILE]

    def _load(self, folder: Path) -> None:
        path = folder / WEIGHTS_FILE
        obj = load_sklearn(path)
        expected = len(self.labels_) if self.multi_label_ else 1
        if (
            not isinstance(obj, dict)
            or not isinstance(obj.get("features"), FeatureUnion)
            or not isinstance(obj.get("estimators"), list)
            or len(obj["estimators"]) != expected
        ):
            raise FramingInputError(
                f"does not hold a TF-IDF model with {expected} estimator(s) for {self.labels_}",
                file=path,
            )
        self.features_ = obj["features"]
        self.estimators_ = obj["estimators"]


def class_proba(estimator, X, n_classes: int) -> np.ndarray:
    """(n, n_classes) probabilities; classes the estimator never saw get probability 0."""
    proba = estimator.predict_proba(X)
    out = np.zeros((proba.shape[0], n_classes))
    out[:, np.asarray(estimator.classes_, dtype=int)] = proba
    return out


def constant_prior(X, y: np.ndarray) -> DummyClassifier:
    """Predicts the training class distribution for every text (a label constant in a fold)."""
    return DummyClassifier(strategy="prior").fit(X, y)


class TfidfLogisticClassifier(_TfidfLinearClassifier):
    family = "tfidf_lr"

    def __init__(
        self,
        *,
        labels=None,
        C: float = 4.0,
        class_weight: str | None = "balanced",
        min_df: int | float = 2,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        max_iter: int = 2000,
        random_state: int = 0,
    ):
        self.labels = labels
        self.C = C
        self.class_weight = class_weight
        self.min_df = min_df
        self.word_ngram_max = word_ngram_max
        self.char_ngram_min = char_ngram_min
        self.char_ngram_max = char_ngram_max
        self.max_iter = max_iter
        self.random_state = random_state

    def _fit_one(self, X, y):
        if len(np.unique(y)) < 2:
            return constant_prior(X, y)
        # lbfgs fits a multinomial model when y has more than two classes
        model = LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            random_state=self.random_state,
        )
        return model.fit(X, y)


class TfidfSVMClassifier(_TfidfLinearClassifier):
    family = "tfidf_svm"

    def __init__(
        self,
        *,
        labels=None,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        cv: int = 3,
        min_df: int | float = 2,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        max_iter: int = 5000,
        random_state: int = 0,
    ):
        self.labels = labels
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.min_df = min_df
        self.word_ngram_max = word_ngram_max
        self.char_ngram_min = char_ngram_min
        self.char_ngram_max = char_ngram_max
        self.max_iter = max_iter
        self.random_state = random_state

    def _fit_one(self, X, y):
        classes, counts = np.unique(y, return_counts=True)
        # Stratified calibration folds need >= 2 examples of a class; rarer classes are left out
        kept = classes[counts >= 2]
        if len(kept) < 2:
            return constant_prior(X, y)
        rows = np.isin(y, kept)
        n_folds = int(min(self.cv, counts[counts >= 2].min()))
        svm = LinearSVC(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            random_state=self.random_state,
        )
        model = CalibratedClassifierCV(svm, method="sigmoid", cv=n_folds)
        return model.fit(X[rows], y[rows])
