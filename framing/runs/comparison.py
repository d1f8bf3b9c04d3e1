"""Compare classifier families: pool run folders by (task, model) across seeds.

Scores are means over seeds; intervals come from a hierarchical bootstrap (resample seeds,
then duplicate groups) over the pooled out-of-fold predictions.

"By how much, and how sure" is a paired question, so ``paired_differences`` gives each
model's macro-F1 minus that of the best trained (non-baseline) family, with a paired
bootstrap interval: every model is scored on the same resampled duplicate groups and, where
the seeds match, the same resampled seeds (one seed fixes one set of folds for every model).
Paired intervals are much narrower than the gap between two overlapping marginal intervals
suggests. ``write_comparison`` writes the tables (``framing.runs.tables``) and the figure
(``framing.figures.model_comparison``).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import FramingInputError
from framing.evaluate.bootstrap import (
    bootstrap_weights,
    group_counts,
    hierarchical_bootstrap,
    interval_description,
    percentile_interval,
    resampled_scores,
)
from framing.evaluate.metrics import macro_micro_f1, scores
from framing.io import atomic_write_text
from framing.outputs import output_file
from framing.runs.discover import Run

COLUMNS = [
    "task", "model", "model_label", "is_baseline", "n_seeds", "n_sentences",
    "macro_f1", "macro_f1_low", "macro_f1_high", "micro_f1", "micro_f1_low", "micro_f1_high",
]  # fmt: skip


def pool_runs(runs: list[Run]) -> dict[tuple[str, str], list[Run]]:
    """Runs grouped by (task, model); all on one labelled set with one evaluation setting,
    one model setting per group, and one run per seed."""
    first = runs[0]
    for run in runs[1:]:
        differs = [
            name
            for name, same in (
                ("labelled set", run.metrics["data_sha256"] == first.metrics["data_sha256"]),
                ("eval settings", run.setting("eval") == first.setting("eval")),
            )
            if not same
        ]
        if differs:
            raise FramingInputError(
                f"{run.folder} and {first.folder} differ in their {' and '.join(differs)}",
                fix="compare runs of one labelled set and one eval config at a time",
            )
    pools: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        key = (run.metrics["task"], run.metrics["model"])
        for other in pools[key]:
            if other.setting("model") != run.setting("model"):
                raise FramingInputError(
                    f"two {key[1]} runs with different model settings: "
                    f"{other.folder} and {run.folder}",
                    fix="compare one setting of each model at a time",
                )
            if other.metrics["seed"] == run.metrics["seed"]:
                raise FramingInputError(
                    f"two runs of {key[1]} on {key[0]} with seed {run.metrics['seed']}: "
                    f"{other.folder} and {run.folder}",
                    fix="pass only one run per task, model and seed",
                )
        pools[key].append(run)
    return dict(pools)


def summarise(key: tuple[str, str], runs: list[Run], n_boot: int, seed: int, level: float) -> dict:
    runs = sorted(runs, key=lambda r: r.seed)
    first = runs[0]
    labels = first.metrics["labels"]
    pooled, per_label = [], []
    for run in runs:
        if not run.oof["sentence_id"].equals(first.oof["sentence_id"]):
            raise FramingInputError("the runs predicted different sentences", file=run.folder)
        truth, pred, groups = run.decisions()
        pooled.append((truth, pred, groups))
        per_label.append(scores(truth, pred, labels)["per_label"])
    ci = hierarchical_bootstrap(pooled, n_boot, seed, level)
    row = {
        "task": key[0],
        "model": key[1],
        "model_label": first.metrics.get("model_label", key[1]),
        "is_baseline": bool(first.metrics.get("is_baseline", False)),
        "n_seeds": len(runs),
        "n_sentences": len(first.oof),
    }
    for name in ("macro_f1", "micro_f1"):
        row |= {name: ci[name]["mean"], f"{name}_low": ci[name]["ci_low"]}
        row[f"{name}_high"] = ci[name]["ci_high"]
    for lab in labels:
        row[f"f1:{lab}"] = float(np.mean([p[lab]["f1"] for p in per_label]))
    for part in ("train", "evaluate"):
        row[f"{part}_s"] = float(np.mean([r.metrics["wall_time_s"][part] for r in runs]))
    return row


def paired_differences(
    pools: dict[tuple[str, str], list[Run]], n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Each model's macro-F1 minus the best trained family's, per task, with a paired
    percentile bootstrap interval and the share of replicates in which the model is ahead.

    One draw of duplicate-group weights is shared by every model of a task (all predicted the
    same sentences); seed weights are shared by models run with the same seeds, so seed ``s``
    of one model is paired with seed ``s`` of another (same folds). A task without a trained
    family compares against its best baseline."""
    rows = []
    for task in dict.fromkeys(key[0] for key in pools):
        keys = [key for key in pools if key[0] == task]
        ordered = {key: sorted(pools[key], key=lambda r: r.seed) for key in keys}
        counts = {key: group_counts([r.decisions() for r in runs]) for key, runs in ordered.items()}
        point = {key: float(macro_micro_f1(c.sum(axis=1))[0].mean()) for key, c in counts.items()}
        trained = [k for k in keys if not pools[k][0].metrics.get("is_baseline", False)]
        reference = max(trained or keys, key=lambda k: point[k])
        rng = np.random.default_rng(seed)
        group_weights = bootstrap_weights(rng, counts[reference].shape[1], n_boot)
        seed_weights: dict[tuple[int, ...], np.ndarray] = {}
        draws = {}
        for key, runs in ordered.items():
            seeds = tuple(r.seed for r in runs)
            if seeds not in seed_weights:
                seed_weights[seeds] = bootstrap_weights(rng, len(seeds), n_boot)
            draws[key], _ = resampled_scores(counts[key], group_weights, seed_weights[seeds])
        for key in sorted(keys, key=lambda k: -point[k]):
            diff = draws[key] - draws[reference]
            low, high = percentile_interval(diff, level)
            first = pools[key][0].metrics
            rows.append({
                "task": task, "model": key[1], "model_label": first.get("model_label", key[1]),
                "is_baseline": bool(first.get("is_baseline", False)),
                "reference": reference[1],
                "reference_label": pools[reference][0].metrics.get("model_label", reference[1]),
                "macro_f1_diff": point[key] - point[reference],
                "diff_low": float(low), "diff_high": float(high),
                "share_ahead": float(np.mean(diff > 0)) if key != reference else float("nan"),
            })  # fmt: skip
    return pd.DataFrame(rows)


def comparison_table(runs: list[Run], n_boot: int = 1000, seed: int = 0, level: float = 0.95):
    rows = [summarise(k, v, n_boot, seed, level) for k, v in pool_runs(runs).items()]
    table = pd.DataFrame(rows).sort_values(["task", "macro_f1"], ascending=[True, False])
    label_columns = list(dict.fromkeys(c for r in rows for c in r if c.startswith("f1:")))
    return table[COLUMNS + label_columns + ["train_s", "evaluate_s"]].reset_index(drop=True)


def write_comparison(
    runs: list[Run], out: Path, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> list[Path]:
    """comparison.{csv,md,tex}, differences.csv and model_comparison.{pdf,png,csv} in ``out``."""
    from framing.figures.model_comparison import plot_model_comparison
    from framing.runs.tables import differences_markdown, to_latex, to_markdown

    table = comparison_table(runs, n_boot, seed, level)
    diffs = paired_differences(pool_runs(runs), n_boot, seed, level)
    seeds = sorted({int(s) for s in table.n_seeds})
    note = (
        f"Protocol {runs[0].metrics['protocol']}, {runs[0].metrics['n_folds']} folds; mean over "
        f"seeds; {interval_description(n_boot, max(seeds), level)}."
    )
    paired_note = (
        "Paired: every model scored on the same bootstrap replicates (duplicate groups, and seeds"
        " where the seeds match); share ahead = fraction of replicates in which the model beats"
        " the reference."
    )
    out.mkdir(parents=True, exist_ok=True)
    with output_file(out / "comparison.csv") as tmp:
        table.to_csv(tmp, index=False, float_format="%.4f")
    with output_file(out / "differences.csv") as tmp:
        diffs.to_csv(tmp, index=False, float_format="%.4f")
    markdown = (
        to_markdown(table, note) + "\n" + differences_markdown(diffs, level) + "\n" + paired_note
    )
    atomic_write_text(out / "comparison.md", markdown + "\n")
    atomic_write_text(out / "comparison.tex", to_latex(table, note))
    figure = plot_model_comparison(table, out / "model_comparison")
    written = [out / f"comparison.{ext}" for ext in ("csv", "md", "tex")] + [
        out / "differences.csv"
    ]
    return written + figure.paths
