"""Leak-free evaluation: grouped folds, thresholds chosen inside training folds, metrics and
cluster-bootstrap intervals. Pure functions over ``TaskData`` and NumPy arrays (no Hydra).

The unit of resampling everywhere is the duplicate group (``TaskData.groups``): near-identical
sentences copied between outlets must never sit on both sides of a split, and a bootstrap must
draw them together, or both the scores and their intervals would be optimistic.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from framing.data import TaskData
from framing.errors import FramingInputError
from framing.models.base import FramingClassifier, decide

log = logging.getLogger(__name__)

PROTOCOLS = ("grouped_kfold", "leave_one_outlet_out")
THRESHOLD_MODES = ("inner_cv", "fixed")
#: candidate decision thresholds for a multi-label frame
THRESHOLD_GRID = np.round(np.arange(0.01, 1.0, 0.01), 2)

Fold = tuple[np.ndarray, np.ndarray]  # (train indices, test indices)


# ---------------------------------------------------------------------------- folds
def indicator_matrix(y: np.ndarray, multi_label: bool, n_labels: int) -> np.ndarray:
    """(n, k) 0/1 targets for both tasks (stance becomes one-hot)."""
    y = np.asarray(y)
    if multi_label:
        return y.astype(np.int64)
    out = np.zeros((len(y), n_labels), dtype=np.int64)
    out[np.arange(len(y)), y] = 1
    return out


def check_enough_examples(data: TaskData, n_folds: int, protocol: str = "grouped_kfold") -> None:
    """Every label needs at least one example per fold, or some folds cannot score it."""
    if n_folds < 2:
        raise FramingInputError(
            f"n_folds must be at least 2, got {n_folds}", field="eval.n_folds", fix="eval.n_folds=5"
        )
    n_groups = len(np.unique(data.groups))
    if n_groups < n_folds:
        raise FramingInputError(
            f"only {n_groups} duplicate groups for {n_folds} folds",
            field="eval.n_folds",
            fix=f"use at most eval.n_folds={n_groups}",
        )
    counts = indicator_matrix(data.y, data.multi_label, len(data.labels)).sum(axis=0)
    what = "positive examples" if data.multi_label else "examples"
    fix = (
        "use grouped k-fold with fewer folds (eval=default eval.n_folds=...) or merge it with"
        " another label in the schema"
        if protocol == "leave_one_outlet_out"
        else "use fewer folds (eval.n_folds=...) or merge it with another label in the schema"
    )
    for label, count in zip(data.labels, counts, strict=True):
        if count < n_folds:
            raise FramingInputError(
                f"label '{label}' has {int(count)} {what}, fewer than the {n_folds} folds",
                field=data.task,
                fix=fix,
            )


def iterative_group_folds(y: np.ndarray, groups: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number per row by iterative stratification (Sechidis et al., 2011) over groups.

    Multi-label targets have too many label combinations for StratifiedGroupKFold, so whole
    duplicate groups are dealt out label by label, rarest label first, each to the fold that
    still wants most of that label; groups without any label go where most rows are wanted.
    """
    rng = np.random.default_rng(seed)
    unique, inverse = np.unique(groups, return_inverse=True)
    n_groups = len(unique)
    group_labels = np.zeros((n_groups, y.shape[1]))
    np.add.at(group_labels, inverse, y)
    group_sizes = np.bincount(inverse, minlength=n_groups).astype(float)
    want_labels = np.tile(group_labels.sum(axis=0) / n_folds, (n_folds, 1))
    want_rows = np.full(n_folds, group_sizes.sum() / n_folds)
    fold_of_group = np.full(n_groups, -1)
    order = rng.permutation(n_groups)  # the seed's shuffle: which group goes first on ties

    def best_fold(scores: list[np.ndarray]) -> int:
        candidates = np.arange(n_folds)
        for score in scores:  # lexicographic: first score, ties broken by the next one
            top = score[candidates].max()
            candidates = candidates[np.isclose(score[candidates], top)]
        return int(rng.choice(candidates))

    def assign(g: int, fold: int) -> None:
        fold_of_group[g] = fold
        want_labels[fold] -= group_labels[g]
        want_rows[fold] -= group_sizes[g]

    while True:
        open_groups = order[fold_of_group[order] < 0]
        remaining = group_labels[open_groups].sum(axis=0)
        if not remaining.any():
            break
        label = int(np.where(remaining > 0, remaining, np.inf).argmin())
        for g in open_groups[group_labels[open_groups, label] > 0]:
            assign(g, best_fold([want_labels[:, label], want_rows]))
    for g in order[fold_of_group[order] < 0]:
        assign(g, best_fold([want_rows]))
    return fold_of_group[inverse]


def grouped_kfold(data: TaskData, n_folds: int, seed: int) -> list[Fold]:
    """Shuffled, stratified k-fold in which no duplicate group crosses train/test.

    Stance: scikit-learn's StratifiedGroupKFold on the class. Frames: iterative stratification
    over groups (above), which balances each frame's positives across folds.
    """
    rows = np.arange(len(data))
    if data.multi_label:
        fold_of_row = iterative_group_folds(data.y, data.groups, n_folds, seed)
        return [(rows[fold_of_row != f], rows[fold_of_row == f]) for f in range(n_folds)]
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # "least populated class has fewer members than n_splits" is checked by us, per label
        warnings.simplefilter("ignore", UserWarning)
        return [(tr, te) for tr, te in splitter.split(rows, data.y, data.groups)]


def leave_one_outlet_out(data: TaskData) -> list[Fold]:
    """One fold per outlet. A sentence whose duplicate also appears in the test outlet (e.g. a
    wire copy) is dropped from training, so no duplicate group crosses train/test here either."""
    folds = []
    for outlet in sorted(set(data.outlets)):
        test = np.flatnonzero(data.outlets == outlet)
        leaked = np.isin(data.groups, data.groups[test])
        folds.append((np.flatnonzero(~leaked), test))
    return folds


def make_folds(data: TaskData, protocol: str, n_folds: int | None, seed: int) -> list[Fold]:
    if protocol == "grouped_kfold":
        if n_folds is None:
            raise FramingInputError(
                "grouped k-fold needs a number of folds", field="eval.n_folds", fix="eval.n_folds=5"
            )
        check_enough_examples(data, int(n_folds), protocol)
        folds = grouped_kfold(data, int(n_folds), seed)
        if any(len(test) == 0 for _, test in folds):
            raise FramingInputError(
                f"the duplicate groups cannot fill {n_folds} folds",
                field="eval.n_folds",
                fix="use fewer folds",
            )
        return folds
    if protocol == "leave_one_outlet_out":
        check_enough_examples(data, len(set(data.outlets)), protocol)
        return leave_one_outlet_out(data)
    raise FramingInputError(
        f"unknown protocol '{protocol}'",
        field="eval.protocol",
        fix=f"valid: {', '.join(PROTOCOLS)}",
    )


# ---------------------------------------------------------------------------- thresholds
def best_thresholds(
    y_true: np.ndarray, proba: np.ndarray, grid: np.ndarray = THRESHOLD_GRID
) -> np.ndarray:
    """Per label, the grid threshold with the highest F1 (ties: the one nearest 0.5)."""
    decisions = proba[None, :, :] >= grid[:, None, None]  # (t, n, k)
    truth = y_true.astype(bool)[None]
    tp = (decisions & truth).sum(axis=1)
    fp = (decisions & ~truth).sum(axis=1)
    fn = (~decisions & truth).sum(axis=1)
    f1 = _f1(tp, fp, fn)  # (t, k)
    out = np.empty(y_true.shape[1])
    for j in range(y_true.shape[1]):
        best = np.flatnonzero(np.isclose(f1[:, j], f1[:, j].max()))
        out[j] = grid[best[np.abs(grid[best] - 0.5).argmin()]]
    return out


def inner_cv_thresholds(
    make_model: Callable[[], FramingClassifier],
    data: TaskData,
    inner_folds: int,
    seed: int,
) -> np.ndarray:
    """Thresholds from out-of-fold probabilities of a grouped CV on ``data`` alone (a training
    fold), so the outer test fold never influences them."""
    proba = np.zeros(data.y.shape, dtype=float)
    for train, test in grouped_kfold(data, inner_folds, seed):
        model = make_model().fit(
            data.subset(train).texts, data.y[train], data.labels, data.multi_label
        )
        proba[test] = model.predict_proba(data.subset(test).texts)
    return best_thresholds(data.y, proba)


def fit_predict_fold(
    make_model: Callable[[], FramingClassifier],
    data: TaskData,
    train: np.ndarray,
    test: np.ndarray,
    *,
    thresholds: str,
    inner_folds: int,
    fixed: float,
    inner_seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """One outer fold: fit a fresh model on ``train``, choose multi-label thresholds from the
    training rows alone (inner grouped CV seeded by ``inner_seed``, or ``fixed``), and return
    the test rows' probabilities, 0/1 decisions and the thresholds (None for single-label).
    Shared by cross-validation and the learning curve, so both decide the same way."""
    train_data = data.subset(train)
    model = make_model().fit(train_data.texts, train_data.y, data.labels, data.multi_label)
    cut = None
    if data.multi_label:
        cut = (
            inner_cv_thresholds(make_model, train_data, inner_folds, inner_seed)
            if thresholds == "inner_cv"
            else np.full(len(data.labels), float(fixed))
        )
        model.set_thresholds(cut)
    proba = model.predict_proba(data.subset(test).texts)
    return proba, decide(proba, data.multi_label, cut), cut


@dataclass
class CrossValResult:
    """Out-of-fold predictions for every row of the evaluated ``TaskData``."""

    proba: np.ndarray  # (n, k)
    pred: np.ndarray  # (n, k) 0/1
    fold: np.ndarray  # (n,) fold number
    fold_thresholds: list[list[float] | None]


def cross_validate(
    make_model: Callable[[], FramingClassifier],
    data: TaskData,
    *,
    protocol: str = "grouped_kfold",
    n_folds: int | None = 5,
    seed: int = 0,
    thresholds: str = "inner_cv",
    inner_folds: int = 3,
    fixed: float = 0.5,
    folds: list[Fold] | None = None,
) -> CrossValResult:
    """Fit a fresh model per outer fold and predict its test fold (``folds`` defaults to
    ``make_folds(data, protocol, n_folds, seed)``)."""
    if thresholds not in THRESHOLD_MODES:
        raise FramingInputError(
            f"unknown threshold mode '{thresholds}'",
            field="eval.thresholds",
            fix=f"valid: {', '.join(THRESHOLD_MODES)}",
        )
    if folds is None:
        folds = make_folds(data, protocol, n_folds, seed)
    k = len(data.labels)
    proba, pred = np.zeros((len(data), k)), np.zeros((len(data), k), dtype=np.int64)
    fold_of_row = np.full(len(data), -1)
    fold_thresholds: list[list[float] | None] = []
    for f, (train, test) in enumerate(folds):
        proba[test], pred[test], cut = fit_predict_fold(
            make_model, data, train, test,
            thresholds=thresholds, inner_folds=inner_folds, fixed=fixed, inner_seed=seed + 1 + f,
        )  # fmt: skip
        fold_of_row[test] = f
        fold_thresholds.append(None if cut is None else [float(t) for t in cut])
        log.info(
            "fold %d/%d: train %d, test %d, thresholds %s",
            f + 1, len(folds), len(train), len(test), fold_thresholds[-1],
        )  # fmt: skip
    return CrossValResult(proba, pred, fold_of_row, fold_thresholds)


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


# ---------------------------------------------------------------------------- metrics
def _f1(tp, fp, fn):
    tp, fp, fn = (np.asarray(a, dtype=float) for a in (tp, fp, fn))
    denom = 2 * tp + fp + fn
    return np.divide(2 * tp, denom, out=np.zeros_like(denom), where=denom > 0)


def _ratio(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.divide(a, b, out=np.zeros_like(b), where=b > 0)


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """(n, k, 3) per-row true-positive / false-positive / false-negative indicators."""
    t, p = y_true.astype(bool), y_pred.astype(bool)
    return np.stack([t & p, ~t & p, t & ~p], axis=-1).astype(np.int64)


def macro_micro_f1(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Macro- and micro-F1 from (..., k, 3) summed counts."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    macro = _f1(tp, fp, fn).mean(axis=-1)
    micro = _f1(tp.sum(axis=-1), fp.sum(axis=-1), fn.sum(axis=-1))
    return macro, micro


def scores(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str]) -> dict:
    """Macro-F1, micro-F1 and per-label precision/recall/F1/support from (n, k) indicators.

    With one-hot stance indicators micro-F1 equals accuracy."""
    counts = confusion_counts(y_true, y_pred).sum(axis=0)
    tp, fp, fn = counts[:, 0], counts[:, 1], counts[:, 2]
    macro, micro = macro_micro_f1(counts)
    precision, recall, f1 = _ratio(tp, tp + fp), _ratio(tp, tp + fn), _f1(tp, fp, fn)
    per_label = {
        label: {
            "precision": float(precision[j]),
            "recall": float(recall[j]),
            "f1": float(f1[j]),
            "support": int(tp[j] + fn[j]),
        }
        for j, label in enumerate(labels)
    }
    return {"macro_f1": float(macro), "micro_f1": float(micro), "per_label": per_label}


def group_counts(runs: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> np.ndarray:
    """(S, G, k, 3) true-positive / false-positive / false-negative counts per seed and
    duplicate group (groups in sorted order) from one (y_true, y_pred, groups) per seed."""
    groups = np.asarray(runs[0][2])
    unique, inverse = np.unique(groups, return_inverse=True)
    per_group = []
    for y_true, y_pred, run_groups in runs:
        if not np.array_equal(np.asarray(run_groups), groups):
            raise ValueError("every run must cover the same sentences in the same order")
        summed = np.zeros((len(unique), y_true.shape[1], 3), dtype=np.int64)
        np.add.at(summed, inverse, confusion_counts(y_true, y_pred))
        per_group.append(summed)
    return np.stack(per_group).astype(float)


def bootstrap_weights(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """(B, n) counts of how often each of n units is drawn, n draws with replacement."""
    return rng.multinomial(n, np.full(n, 1 / n), size=n_boot)


def resampled_scores(
    counts: np.ndarray, group_weights: np.ndarray, seed_weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(B,) macro- and micro-F1 of each bootstrap replicate: the (S, G, k, 3) counts
    re-weighted by the replicate's group draws, scored per seed, averaged over its seed draws."""
    n_seeds = counts.shape[0]
    boot_macro, boot_micro = macro_micro_f1(np.einsum("bg,sgkc->bskc", group_weights, counts))
    return (
        (boot_macro * seed_weights).sum(axis=1) / n_seeds,
        (boot_micro * seed_weights).sum(axis=1) / n_seeds,
    )


def hierarchical_bootstrap(
    runs: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, dict[str, float]]:
    """Percentile intervals for macro- and micro-F1 averaged over seeds.

    ``runs`` holds one (y_true, y_pred, groups) per seed, over the same sentences. Each
    replicate resamples the seeds, then the duplicate groups; one group resample is shared by
    all drawn seeds because every seed predicted the same sentences (seeds and sentences are
    crossed, not nested). The point estimate is the mean over seeds of each seed's score.
    With a single run this is the plain cluster bootstrap over duplicate groups.
    """
    counts = group_counts(runs)
    n_seeds, n_groups = counts.shape[:2]
    macro, micro = macro_micro_f1(counts.sum(axis=1))  # (S,)
    rng = np.random.default_rng(seed)
    group_weights = bootstrap_weights(rng, n_groups, n_boot)
    seed_weights = bootstrap_weights(rng, n_seeds, n_boot)
    boot_macro, boot_micro = resampled_scores(counts, group_weights, seed_weights)
    tail = 100 * (1 - level) / 2
    out = {}
    for name, point, boot in (("macro_f1", macro, boot_macro), ("micro_f1", micro, boot_micro)):
        low, high = np.percentile(boot, [tail, 100 - tail])
        out[name] = {"mean": float(point.mean()), "ci_low": float(low), "ci_high": float(high)}
    return out


def cluster_bootstrap(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    groups: np.ndarray,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, dict[str, float]]:
    """Percentile intervals from resampling duplicate groups with replacement."""
    return hierarchical_bootstrap([(y_true, y_pred, groups)], n_boot, seed, level)


def interval_description(n_boot: int, n_seeds: int, level: float = 0.95) -> str:
    seeds = "1 seed" if n_seeds == 1 else f"{n_seeds} seeds (resampled, then groups)"
    return (
        f"{round(level * 100)}% percentile bootstrap over duplicate groups (cluster bootstrap),"
        f" B={n_boot}, {seeds}"
    )
