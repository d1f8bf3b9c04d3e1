"""The one bootstrap of the toolkit: units (duplicate groups, articles) resampled with
replacement, optionally crossed with seeds. Scores, outlet shares and paired differences all
draw their replicates here, so every interval means the same thing."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from framing.evaluate.metrics import confusion_counts, f1_from_counts, macro_micro_f1, ratio


def bootstrap_weights(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """(B, n) counts of how often each of n units is drawn, n draws with replacement."""
    return rng.multinomial(n, np.full(n, 1 / n), size=n_boot)


def percentile_interval(replicates: np.ndarray, level: float = 0.95, axis: int = 0):
    """(low, high) percentile interval of bootstrap replicates."""
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(replicates, [tail, 100 - tail], axis=axis)
    return low, high


def group_counts(
    runs: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]], weights: np.ndarray | None = None
) -> np.ndarray:
    """(S, G, k, 3) true-positive / false-positive / false-negative counts per seed and
    duplicate group (groups in sorted order) from one (y_true, y_pred, groups) per seed.
    ``weights`` (one per row, e.g. 1 / inclusion probability of a sampled sentence) turns the
    counts into weighted counts."""
    groups = np.asarray(runs[0][2])
    unique, inverse = np.unique(groups, return_inverse=True)
    per_group = []
    for y_true, y_pred, run_groups in runs:
        if not np.array_equal(np.asarray(run_groups), groups):
            raise ValueError("every run must cover the same sentences in the same order")
        summed = np.zeros((len(unique), y_true.shape[1], 3))
        rows = confusion_counts(y_true, y_pred).astype(float)
        if weights is not None:
            rows *= np.asarray(weights, dtype=float)[:, None, None]
        np.add.at(summed, inverse, rows)
        per_group.append(summed)
    return np.stack(per_group).astype(float)


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
    out = {}
    for name, point, boot in (("macro_f1", macro, boot_macro), ("micro_f1", micro, boot_micro)):
        low, high = percentile_interval(boot, level)
        out[name] = {"mean": float(point.mean()), "ci_low": float(low), "ci_high": float(high)}
    return out


def hierarchical_label_f1(
    runs: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, np.ndarray]:
    """Per-label F1 averaged over seeds, with percentile intervals: (k,) arrays ``mean``,
    ``ci_low``, ``ci_high``. The same replicates as ``hierarchical_bootstrap`` with the same
    ``seed`` (seeds resampled, then duplicate groups), scored per label instead of averaged."""
    counts = group_counts(runs)
    n_seeds, n_groups = counts.shape[:2]
    summed = counts.sum(axis=1)  # (S, k, 3)
    point = f1_from_counts(summed[..., 0], summed[..., 1], summed[..., 2]).mean(axis=0)
    rng = np.random.default_rng(seed)
    group_weights = bootstrap_weights(rng, n_groups, n_boot)
    seed_weights = bootstrap_weights(rng, n_seeds, n_boot)
    boot = np.einsum("bg,sgkc->bskc", group_weights, counts)
    f1 = f1_from_counts(boot[..., 0], boot[..., 1], boot[..., 2])  # (B, S, k)
    replicates = (f1 * seed_weights[:, :, None]).sum(axis=1) / n_seeds
    low, high = percentile_interval(replicates, level)
    return {"mean": point, "ci_low": low, "ci_high": high}


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


def label_score_replicates(counts: np.ndarray, group_weights: np.ndarray) -> dict[str, np.ndarray]:
    """(B, k) precision, recall and F1 of each label in each replicate, from (G, k, 3) counts
    per group and (B, G) group draws."""
    boot = np.einsum("bg,gkc->bkc", group_weights, counts)
    tp, fp, fn = boot[..., 0], boot[..., 1], boot[..., 2]
    return {
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "f1": f1_from_counts(tp, fp, fn),
    }


def clustered_share_replicates(
    values: np.ndarray, clusters: np.ndarray, rng: np.random.Generator, n_boot: int
) -> tuple[np.ndarray, np.ndarray]:
    """Share of rows carrying each column (``values``: (n, k) 0/1) and (B, k) replicates,
    resampling whole clusters (copies of a sentence, or an article's sentences) together."""
    unique, inverse = np.unique(clusters, return_inverse=True)
    counts = np.zeros((len(unique), values.shape[1]))
    np.add.at(counts, inverse, values)
    sizes = np.bincount(inverse, minlength=len(unique)).astype(float)
    weights = bootstrap_weights(rng, len(unique), n_boot)
    return counts.sum(axis=0) / sizes.sum(), (weights @ counts) / (weights @ sizes)[:, None]


def interval_description(n_boot: int, n_seeds: int, level: float = 0.95) -> str:
    seeds = "1 seed" if n_seeds == 1 else f"{n_seeds} seeds (resampled, then groups)"
    return (
        f"{round(level * 100)}% percentile bootstrap over duplicate groups (cluster bootstrap),"
        f" B={n_boot}, {seeds}"
    )


def interval_text(stat: dict, digits: int = 3) -> str:
    """A score with its interval as a person reads it: ``0.533 [0.376, 0.684]``."""
    return f"{stat['mean']:.{digits}f} [{stat['ci_low']:.{digits}f}, {stat['ci_high']:.{digits}f}]"
