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

from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import FramingInputError
from framing.evaluate.bootstrap import (
    bootstrap_weights,
    group_counts,
    hierarchical_bootstrap,
    hierarchical_label_f1,
    interval_description,
    percentile_interval,
    resampled_scores,
)
from framing.evaluate.metrics import macro_micro_f1, scores
from framing.figures.model_comparison import plot_model_comparison
from framing.outputs import Kind, check_file_target, output_file, spreadsheet_frame
from framing.runs.discover import Run
from framing.runs.pooling import pool_runs
from framing.runs.tables import differences_markdown, to_latex, to_markdown, transfer_markdown

COLUMNS = [
    "task",
    "model",
    "model_label",
    "is_baseline",
    "n_seeds",
    "n_sentences",
    "macro_f1",
    "macro_f1_low",
    "macro_f1_high",
    "micro_f1",
    "micro_f1_low",
    "micro_f1_high",
]


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
            rows.append(
                {
                    "task": task,
                    "model": key[1],
                    "model_label": first.get("model_label", key[1]),
                    "is_baseline": bool(first.get("is_baseline", False)),
                    "reference": reference[1],
                    "reference_label": pools[reference][0].metrics.get("model_label", reference[1]),
                    "macro_f1_diff": point[key] - point[reference],
                    "diff_low": float(low),
                    "diff_high": float(high),
                    "share_ahead": float(np.mean(diff > 0)) if key != reference else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def comparison_table(runs: list[Run], n_boot: int = 1000, seed: int = 0, level: float = 0.95):
    rows = [summarise(k, v, n_boot, seed, level) for k, v in pool_runs(runs).items()]
    table = pd.DataFrame(rows).sort_values(["task", "macro_f1"], ascending=[True, False])
    label_columns = list(dict.fromkeys(c for r in rows for c in r if c.startswith("f1:")))
    return table[COLUMNS + label_columns + ["train_s", "evaluate_s"]].reset_index(drop=True)


def label_f1_table(
    runs: list[Run], n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Per (task, model, label): F1 averaged over seeds (comparison.csv's ``f1:LABEL``) and its
    percentile interval from the hierarchical bootstrap over the runs (seeds, then duplicate
    groups), for the per-label F1 figures. Runs pooled as for the comparison table."""
    rows = []
    for (task, model), pool in pool_runs(runs).items():
        pool = sorted(pool, key=lambda r: r.seed)
        labels = pool[0].metrics["labels"]
        result = hierarchical_label_f1([r.decisions() for r in pool], n_boot, seed, level)
        for j, label in enumerate(labels):
            rows.append(
                {
                    "task": task,
                    "model": model,
                    "label": label,
                    "n_seeds": len(pool),
                    "f1": float(result["mean"][j]),
                    "f1_low": float(result["ci_low"][j]),
                    "f1_high": float(result["ci_high"][j]),
                }
            )
    return pd.DataFrame(
        rows, columns=["task", "model", "label", "n_seeds", "f1", "f1_low", "f1_high"]
    )


PRIMARY_PROTOCOL = "grouped_kfold"


def split_protocols(runs: list[Run]) -> tuple[list[Run], list[Run]]:
    """(runs of the main column, runs of the leave-one-outlet-out column). Each column is
    pooled on its own (``pool_runs`` still refuses two eval settings within one)."""
    protocols = list(dict.fromkeys(r.metrics["protocol"] for r in runs))
    if len(protocols) > 2:
        raise FramingInputError(f"runs of {len(protocols)} protocols: {protocols}")
    primary = PRIMARY_PROTOCOL if PRIMARY_PROTOCOL in protocols else protocols[0]
    return (
        [r for r in runs if r.metrics["protocol"] == primary],
        [r for r in runs if r.metrics["protocol"] != primary],
    )


def transfer_table(
    main: list[Run], other: list[Run], n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Per (task, model) in both columns: macro-F1 of each protocol with its interval and the
    paired difference other - main (both predicted every sentence once, out of fold: one draw
    of duplicate groups serves both, seeds are resampled per protocol)."""
    pools_main, pools_other = pool_runs(main), pool_runs(other)
    rows = []
    for key in pools_main:
        if key not in pools_other:
            continue
        a = sorted(pools_main[key], key=lambda r: r.seed)
        b = sorted(pools_other[key], key=lambda r: r.seed)
        if not a[0].oof["sentence_id"].equals(b[0].oof["sentence_id"]):
            raise FramingInputError(
                "the two protocols predicted different sentences", file=b[0].folder
            )
        counts_a = group_counts([r.decisions() for r in a])
        counts_b = group_counts([r.decisions() for r in b])
        rng = np.random.default_rng(seed)
        groups = bootstrap_weights(rng, counts_a.shape[1], n_boot)
        draw_a, _ = resampled_scores(counts_a, groups, bootstrap_weights(rng, len(a), n_boot))
        draw_b, _ = resampled_scores(counts_b, groups, bootstrap_weights(rng, len(b), n_boot))
        point_a = float(macro_micro_f1(counts_a.sum(axis=1))[0].mean())
        point_b = float(macro_micro_f1(counts_b.sum(axis=1))[0].mean())
        low_a, high_a = percentile_interval(draw_a, level)
        low_b, high_b = percentile_interval(draw_b, level)
        low_d, high_d = percentile_interval(draw_b - draw_a, level)
        first = a[0].metrics
        rows.append(
            {
                "task": key[0],
                "model": key[1],
                "model_label": first.get("model_label", key[1]),
                "is_baseline": bool(first.get("is_baseline", False)),
                "protocol": first["protocol"],
                "macro_f1": point_a,
                "macro_f1_low": float(low_a),
                "macro_f1_high": float(high_a),
                "n_seeds": len(a),
                "other_protocol": b[0].metrics["protocol"],
                "other_macro_f1": point_b,
                "other_macro_f1_low": float(low_b),
                "other_macro_f1_high": float(high_b),
                "other_n_seeds": len(b),
                "difference": point_b - point_a,
                "difference_low": float(low_d),
                "difference_high": float(high_d),
            }
        )
    return pd.DataFrame(rows).sort_values(["task", "macro_f1"], ascending=[True, False])


def write_comparison(
    runs: list[Run], out: Path, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> list[Path]:
    """comparison.{csv,md,tex}, differences.csv and model_comparison.{pdf,png,csv} in ``out``;
    with leave-one-outlet-out runs beside grouped-CV runs, also transfer.csv and a side-by-side
    table in comparison.md (the main tables hold the grouped-CV runs)."""
    runs, other = split_protocols(runs)
    transfer = transfer_table(runs, other, n_boot, seed, level) if other else None
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
    markdown = (
        to_markdown(table, note) + "\n" + differences_markdown(diffs, level) + "\n" + paired_note
    )
    if transfer is not None:
        markdown += "\n\n" + transfer_markdown(transfer, level)
    csvs = {"comparison.csv": table, "differences.csv": diffs}
    csvs |= {"transfer.csv": transfer} if transfer is not None else {}
    texts = {"comparison.md": markdown + "\n", "comparison.tex": to_latex(table, note)}
    inputs = [r.folder for r in runs + other]
    for name in [*csvs, *texts]:  # refuse before writing anything
        check_file_target(out / name, Kind.COMPARISON, inputs=inputs)
    for ext in ("pdf", "png", "csv"):
        check_file_target(out / f"model_comparison.{ext}", Kind.FIGURE, inputs=inputs)
    # the tables are staged, the figure is drawn (and lands) while they wait, and they land
    # only after it: a failure before the final renames leaves OUT as it was (a disk error
    # between those renames can still land some of them)
    with ExitStack() as stack:
        for name, frame in csvs.items():
            tmp = stack.enter_context(output_file(out / name, Kind.COMPARISON, inputs=inputs))
            spreadsheet_frame(frame).to_csv(tmp, index=False, float_format="%.4f")
        for name, text in texts.items():
            tmp = stack.enter_context(output_file(out / name, Kind.COMPARISON, inputs=inputs))
            tmp.write_text(text, encoding="utf-8")
        figure = plot_model_comparison(table, out / "model_comparison")
    written = [out / "transfer.csv"] if transfer is not None else []
    written += [out / f"comparison.{ext}" for ext in ("csv", "md", "tex")] + [
        out / "differences.csv"
    ]
    return written + figure.paths
