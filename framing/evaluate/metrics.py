"""Scores from 0/1 indicator matrices, and the F1-optimal decision threshold of a label."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: candidate decision thresholds for a multi-label frame
THRESHOLD_GRID = np.round(np.arange(0.01, 1.0, 0.01), 2)


def indicator_matrix(y: np.ndarray, multi_label: bool, n_labels: int) -> np.ndarray:
    """(n, k) 0/1 targets for both tasks (stance becomes one-hot)."""
    y = np.asarray(y)
    if multi_label:
        return y.astype(np.int64)
    out = np.zeros((len(y), n_labels), dtype=np.int64)
    out[np.arange(len(y)), y] = 1
    return out


def f1_from_counts(tp, fp, fn):
    tp, fp, fn = (np.asarray(a, dtype=float) for a in (tp, fp, fn))
    denom = 2 * tp + fp + fn
    return np.divide(2 * tp, denom, out=np.zeros_like(denom), where=denom > 0)


def ratio(a, b):
    """a / b, 0 where b is 0 (precision or recall of a label never predicted or present)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.divide(a, b, out=np.zeros_like(b), where=b > 0)


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """(n, k, 3) per-row true-positive / false-positive / false-negative indicators."""
    t, p = y_true.astype(bool), y_pred.astype(bool)
    return np.stack([t & p, ~t & p, t & ~p], axis=-1).astype(np.int64)


def macro_micro_f1(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Macro- and micro-F1 from (..., k, 3) summed counts."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    macro = f1_from_counts(tp, fp, fn).mean(axis=-1)
    micro = f1_from_counts(tp.sum(axis=-1), fp.sum(axis=-1), fn.sum(axis=-1))
    return macro, micro


def scores(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str]) -> dict:
    """Macro-F1, micro-F1 and per-label precision/recall/F1/support from (n, k) indicators.

    With one-hot stance indicators micro-F1 equals accuracy."""
    return scores_from_counts(confusion_counts(y_true, y_pred).sum(axis=0), labels)


def scores_from_counts(counts: np.ndarray, labels: Sequence[str]) -> dict:
    """``scores`` from (k, 3) summed tp/fp/fn counts (weighted counts give weighted scores)."""
    tp, fp, fn = counts[:, 0], counts[:, 1], counts[:, 2]
    macro, micro = macro_micro_f1(counts)
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    f1 = f1_from_counts(tp, fp, fn)
    per_label = {
        label: {
            "precision": float(precision[j]),
            "recall": float(recall[j]),
            "f1": float(f1[j]),
            "support": int(tp[j] + fn[j])
            if float(tp[j] + fn[j]).is_integer()
            else float(tp[j] + fn[j]),
        }
        for j, label in enumerate(labels)
    }
    return {"macro_f1": float(macro), "micro_f1": float(micro), "per_label": per_label}


def best_thresholds(
    y_true: np.ndarray, proba: np.ndarray, grid: np.ndarray = THRESHOLD_GRID
) -> np.ndarray:
    """Per label, the grid threshold with the highest F1 (ties: the one nearest 0.5)."""
    decisions = proba[None, :, :] >= grid[:, None, None]  # (t, n, k)
    truth = y_true.astype(bool)[None]
    tp = (decisions & truth).sum(axis=1)
    fp = (decisions & ~truth).sum(axis=1)
    fn = (~decisions & truth).sum(axis=1)
    f1 = f1_from_counts(tp, fp, fn)  # (t, k)
    out = np.empty(y_true.shape[1])
    for j in range(y_true.shape[1]):
        best = np.flatnonzero(np.isclose(f1[:, j], f1[:, j].max()))
        out[j] = grid[best[np.abs(grid[best] - 0.5).argmin()]]
    return out
