"""Leak-free cross-validation: grouped folds, thresholds chosen inside training folds, and the
out-of-fold prediction table. Pure functions over ``TaskData`` and NumPy arrays (no Hydra).

The unit of resampling everywhere is the duplicate group (``TaskData.groups``): near-identical
sentences copied between outlets must never sit on both sides of a split, and a bootstrap must
draw them together, or both the scores and their intervals would be optimistic.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone

from framing import progress
from framing.data import TaskData
from framing.errors import FramingInputError
from framing.evaluate.metrics import indicator_matrix
from framing.evaluate.splitters import DuplicateGroupKFold, LeaveOneOutletOut
from framing.evaluate.thresholds import InnerCVThresholdClassifier
from framing.models.base import decide

log = logging.getLogger(__name__)

PROTOCOLS = ("grouped_kfold", "leave_one_outlet_out")
THRESHOLD_MODES = ("inner_cv", "fixed")

Fold = tuple[np.ndarray, np.ndarray]  # (train indices, test indices)


# ---------------------------------------------------------------------------- folds
def check_enough_examples(data: TaskData, n_folds: int, protocol: str = "grouped_kfold") -> None:
    """Every label needs at least one example per fold, or some folds cannot score it."""
    if n_folds < 2:
        raise FramingInputError(
            f"n_folds must be at least 2, got {n_folds}", field="n_folds", fix="n_folds=5"
        )
    n_groups = len(np.unique(data.groups))
    if n_groups < n_folds:
        raise FramingInputError(
            f"only {n_groups} duplicate groups for {n_folds} folds",
            field="n_folds",
            fix=f"use at most n_folds={n_groups}",
        )
    counts = indicator_matrix(data.y, data.multi_label, len(data.labels)).sum(axis=0)
    what = "positive examples" if data.multi_label else "examples"
    fix = (
        "use grouped k-fold with fewer folds (protocol=grouped_kfold, n_folds=...) or merge it with"
        " another label in the schema"
        if protocol == "leave_one_outlet_out"
        else "use fewer folds (n_folds=...) or merge it with another label in the schema"
    )
    for label, count in zip(data.labels, counts, strict=True):
        if count < n_folds:
            raise FramingInputError(
                f"label '{label}' has {int(count)} {what}, fewer than the {n_folds} folds",
                field=data.task,
                fix=fix,
            )


def grouped_kfold(data: TaskData, n_folds: int, seed: int) -> list[Fold]:
    """The folds of ``DuplicateGroupKFold`` on a task's data."""
    splitter = DuplicateGroupKFold(n_folds, random_state=seed)
    return list(splitter.split(data.texts, data.y, data.groups))


def make_folds(data: TaskData, protocol: str, n_folds: int | None, seed: int) -> list[Fold]:
    if protocol == "grouped_kfold":
        if n_folds is None:
            raise FramingInputError(
                "grouped k-fold needs a number of folds", field="n_folds", fix="n_folds=5"
            )
        check_enough_examples(data, int(n_folds), protocol)
        folds = grouped_kfold(data, int(n_folds), seed)
        if any(len(test) == 0 for _, test in folds):
            raise FramingInputError(
                f"the duplicate groups cannot fill {n_folds} folds",
                field="n_folds",
                fix="use fewer folds",
            )
        return folds
    if protocol == "leave_one_outlet_out":
        check_enough_examples(data, len(set(data.outlets)), protocol)
        splitter = LeaveOneOutletOut(duplicate_groups=data.groups)
        return list(splitter.split(data.texts, data.y, data.outlets))
    raise FramingInputError(
        f"unknown protocol '{protocol}'",
        field="protocol",
        fix=f"valid: {', '.join(PROTOCOLS)}",
    )


def nested_group_subset(
    train: np.ndarray, groups: np.ndarray, fraction: float, rng: np.random.Generator
) -> np.ndarray:
    """Rows of ``train`` keeping the first round(f x G) of its G duplicate groups in one random
    order of ``rng``: whole groups only, and for one rng state a smaller fraction's subset lies
    inside a larger one's (the learning curve's nesting)."""
    fold_groups = np.unique(groups[train])
    order = rng.permutation(fold_groups)
    keep = order[: max(1, int(round(fraction * len(fold_groups))))]
    return np.sort(train[np.isin(groups[train], keep)])


def cut_training_folds(
    folds: list[Fold], groups: np.ndarray, fraction: float, seed: int
) -> list[Fold]:
    """Each training fold cut to ``fraction`` of its duplicate groups (test folds untouched).
    The cut of fold f depends only on (seed, f), so every family sees the same sentences."""
    if not 0 < fraction <= 1:
        raise FramingInputError(
            f"training fraction {fraction} is not in (0, 1]", field="train_fraction"
        )
    if fraction == 1:
        return folds
    return [
        (nested_group_subset(train, groups, fraction, np.random.default_rng([seed, f])), test)
        for f, (train, test) in enumerate(folds)
    ]


# ---------------------------------------------------------------------------- one fold
def fit_predict_fold(
    estimator,
    data: TaskData,
    train: np.ndarray,
    test: np.ndarray,
    *,
    thresholds: str,
    inner_folds: int,
    fixed: float,
    inner_seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """One outer fold: fit a clone of ``estimator`` on ``train`` with multi-label thresholds
    chosen from the training rows alone (``InnerCVThresholdClassifier``: inner grouped CV
    seeded by ``inner_seed``, or ``fixed``); return the test rows' probabilities, 0/1 decisions
    and the thresholds (None for single-label)."""
    train_data = data.subset(train)
    cut = None
    if data.multi_label and thresholds == "inner_cv":
        if len(np.unique(train_data.groups)) < inner_folds:
            raise FramingInputError(
                f"a training fold has {len(np.unique(train_data.groups))} duplicate groups, "
                f"fewer than the {inner_folds} inner folds",
                field="inner_folds",
                fix="use a larger training fraction or fewer inner folds (inner_folds=...)",
            )
        model = InnerCVThresholdClassifier(
            estimator, inner_folds=inner_folds, random_state=inner_seed
        ).fit(train_data.texts, train_data.targets(), groups=train_data.groups)
        cut = model.thresholds_
    else:
        model = clone(estimator).fit(train_data.texts, train_data.targets())
        progress.advance()
        if data.multi_label:
            cut = np.full(len(data.labels), float(fixed))
    proba = model.predict_proba(data.subset(test).texts)
    return proba, decide(proba, data.multi_label, cut), cut


# ---------------------------------------------------------------------------- the whole CV
@dataclass
class CrossValResult:
    """Out-of-fold predictions for every row of the evaluated ``TaskData``."""

    proba: np.ndarray  # (n, k)
    pred: np.ndarray  # (n, k) 0/1
    fold: np.ndarray  # (n,) fold number
    fold_thresholds: list[list[float] | None]
    folds: list[dict] = field(default_factory=list)  # per fold: training size, fit time


def cross_validate(
    estimator,
    data: TaskData,
    *,
    protocol: str = "grouped_kfold",
    n_folds: int | None = 5,
    seed: int = 0,
    thresholds: str = "inner_cv",
    inner_folds: int = 3,
    fixed: float = 0.5,
    train_fraction: float = 1.0,
    folds: list[Fold] | None = None,
) -> CrossValResult:
    """Fit a clone of ``estimator`` per outer fold and predict its test fold. ``folds``
    defaults to ``make_folds(data, protocol, n_folds, seed)``; with ``train_fraction`` < 1
    each training fold keeps that share of its duplicate groups (the learning curve)."""
    if thresholds not in THRESHOLD_MODES:
        raise FramingInputError(
            f"unknown threshold mode '{thresholds}'",
            field="thresholds",
            fix=f"valid: {', '.join(THRESHOLD_MODES)}",
        )
    if folds is None:
        folds = make_folds(data, protocol, n_folds, seed)
    folds = cut_training_folds(folds, data.groups, float(train_fraction), seed)
    k = len(data.labels)
    proba, pred = np.zeros((len(data), k)), np.zeros((len(data), k), dtype=np.int64)
    fold_of_row = np.full(len(data), -1)
    fold_thresholds: list[list[float] | None] = []
    fold_info: list[dict] = []
    inner = data.multi_label and thresholds == "inner_cv"  # inner fits + one on the fold
    fits = len(folds) * (inner_folds + 1 if inner else 1)
    with progress.task("cross-validation", total=fits, unit="fits"):
        for f, (train, test) in enumerate(folds):
            start = time.perf_counter()
            with progress.stage(f"fold {f + 1}/{len(folds)}"):
                proba[test], pred[test], cut = fit_predict_fold(
                    estimator,
                    data,
                    train,
                    test,
                    thresholds=thresholds,
                    inner_folds=inner_folds,
                    fixed=fixed,
                    inner_seed=seed + 1 + f,
                )
            fold_of_row[test] = f
            fold_thresholds.append(None if cut is None else [float(t) for t in cut])
            fold_info.append(
                {
                    "fold": f,
                    "n_train_sentences": len(train),
                    "n_train_groups": len(np.unique(data.groups[train])),
                    "n_test_sentences": len(test),
                    "fit_s": time.perf_counter() - start,
                }
            )
            shown = "" if cut is None else "; thresholds " + " ".join(f"{t:.2f}" for t in cut)
            log.info(
                "fold %d/%d: train %d, test %d sentences%s",
                f + 1,
                len(folds),
                len(train),
                len(test),
                shown,
            )
    return CrossValResult(proba, pred, fold_of_row, fold_thresholds, fold_info)


def oof_predictions(data: TaskData, result: CrossValResult, seed: int, article_ids: Sequence[str]):
    """The oof_predictions.csv table: ids, seed, fold, then true/proba/pred per label."""
    import pandas as pd

    truth = indicator_matrix(data.y, data.multi_label, len(data.labels))
    columns = {
        "sentence_id": data.sentence_ids,
        "article_id": list(article_ids),
        "outlet": data.outlets,
        "dup_group": data.groups,
        "seed": seed,
        "fold": result.fold,
    }
    for j, label in enumerate(data.labels):
        columns |= {
            f"true:{label}": truth[:, j],
            f"proba:{label}": result.proba[:, j],
            f"pred:{label}": result.pred[:, j],
        }
    return pd.DataFrame(columns)
