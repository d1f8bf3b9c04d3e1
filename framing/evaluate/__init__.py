"""Evaluation: splitters, cross-validation, thresholds, metrics, the bootstrap, shares.

splitters.py       DuplicateGroupKFold, LeaveOneOutletOut (scikit-learn splitters)
crossval.py        cross_validate, fit_predict_fold, folds, the out-of-fold table
metrics.py         scores from 0/1 indicators, F1-optimal thresholds
bootstrap.py       the one bootstrap: intervals, paired replicates, clustered shares
thresholds.py      InnerCVThresholdClassifier: per-label thresholds from an inner CV
shares.py          per-outlet label shares with cluster-bootstrap intervals
"""

from framing.evaluate.bootstrap import (
    bootstrap_weights,
    cluster_bootstrap,
    group_counts,
    hierarchical_bootstrap,
    interval_description,
    interval_text,
    percentile_interval,
    resampled_scores,
)
from framing.evaluate.crossval import (
    PROTOCOLS,
    THRESHOLD_MODES,
    CrossValResult,
    check_enough_examples,
    cross_validate,
    cut_training_folds,
    fit_predict_fold,
    grouped_kfold,
    make_folds,
    oof_predictions,
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
from framing.evaluate.thresholds import InnerCVThresholdClassifier

__all__ = [
    "PROTOCOLS",
    "THRESHOLD_MODES",
    "CrossValResult",
    "InnerCVThresholdClassifier",
    "check_enough_examples",
    "cross_validate",
    "cut_training_folds",
    "fit_predict_fold",
    "grouped_kfold",
    "make_folds",
    "oof_predictions",
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
    "interval_text",
    "macro_micro_f1",
    "percentile_interval",
    "resampled_scores",
    "scores",
]
