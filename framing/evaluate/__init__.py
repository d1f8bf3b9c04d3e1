"""Evaluation: splitters, cross-validation, metrics, the bootstrap, the learning curve.

    splitters.py       DuplicateGroupKFold, LeaveOneOutletOut (scikit-learn splitters)
    crossval.py        cross_validate, fit_predict_fold, folds, the out-of-fold table
    metrics.py         scores from 0/1 indicators, F1-optimal thresholds
    bootstrap.py       the one bootstrap: intervals, paired replicates, clustered shares
    learning_curve.py  aggregation of training-fraction runs into the learning curve

Names of ``crossval`` are loaded on first use (it imports the models package, which imports
``metrics``; loading it here would make that a cycle).
"""

from framing.evaluate.bootstrap import (
    bootstrap_weights,
    cluster_bootstrap,
    group_counts,
    hierarchical_bootstrap,
    interval_description,
    percentile_interval,
    resampled_scores,
)
from framing.evaluate.metrics import (
    THRESHOLD_GRID,
    best_thresholds,
    confusion_counts,
    indicator_matrix,
    macro_micro_f1,
    scores,
)
from framing.evaluate.splitters import DuplicateGroupKFold, LeaveOneOutletOut

_CROSSVAL = (
    "PROTOCOLS",
    "THRESHOLD_MODES",
    "CrossValResult",
    "check_enough_examples",
    "cross_validate",
    "cut_training_folds",
    "fit_predict_fold",
    "grouped_kfold",
    "make_folds",
    "oof_predictions",
)


def __getattr__(name: str):
    if name in _CROSSVAL:
        from framing.evaluate import crossval

        return getattr(crossval, name)
    raise AttributeError(f"module 'framing.evaluate' has no attribute {name!r}")


__all__ = [
    *_CROSSVAL,
    "THRESHOLD_GRID",
    "DuplicateGroupKFold",
    "LeaveOneOutletOut",
    "best_thresholds",
    "bootstrap_weights",
    "cluster_bootstrap",
    "confusion_counts",
    "group_counts",
    "hierarchical_bootstrap",
    "indicator_matrix",
    "interval_description",
    "macro_micro_f1",
    "percentile_interval",
    "resampled_scores",
    "scores",
]
