"""Learning curve: how macro-F1 grows with the number of labelled training sentences.

A point of the curve is an ordinary training run with ``eval.train_fraction`` below 1: the
grouped cross-validation of ``framing train`` (same folds, same inner-CV thresholds, same
metrics) with each outer training fold cut to that fraction of its duplicate groups. The cut is
by group (copies of a sentence stay together), nested (for one seed and fold the 0.2 subset
lies inside the 0.4 subset) and the same for every family, so the families are compared on
identical training sentences. The outer test folds are never cut: every point is scored on all
sentences. At fraction 1.0 a run is exactly ``framing train``.

The curve is a sweep plus this aggregation::

    framing train -m +experiment=learning_curve        # task x model x seed x fraction runs
    framing learning-curve results/multirun/learning_curve --out results/learning_curve

``write_learning_curve`` pools the runs by (task, model, fraction) and writes, as a whole or
not at all:

  learning_curve.csv        one row per task, family and fraction: mean training sentences per
                            outer fold, macro-/micro-F1 of the pooled out-of-fold predictions
                            (mean over seeds) with 95% hierarchical bootstrap intervals
                            (seeds, then duplicate groups) -- what ``framing plot`` draws
  learning_curve_folds.csv  one row per task, family, seed, fraction and outer fold: training
                            sentences and groups, test sentences, macro-/micro-F1 of that fold
  splits.csv                which sentences trained and tested each fold at each fraction
  run.json                  settings, data hash, library versions, timing
"""

from __future__ import annotations

import json
import platform
from collections import defaultdict
from pathlib import Path

import numpy as np

from framing.data import load_labelled_set, task_data
from framing.data.schema import TASKS
from framing.errors import FramingInputError
from framing.evaluate.bootstrap import hierarchical_bootstrap, interval_description
from framing.evaluate.crossval import cut_training_folds, make_folds
from framing.evaluate.metrics import scores
from framing.io import sha256_file
from framing.models import family_order
from framing.outputs import Kind, output_folder
from framing.runs.discover import Run
from framing.runs.pooling import pool_runs


def curve_tables(runs: list[Run], n_boot: int, level: float):
    """(learning_curve rows, learning_curve_folds rows) from training-fraction runs."""
    pools = pool_runs(runs, by_fraction=True)
    tasks = [t for t in TASKS if any(k[0] == t for k in pools)]
    summary, fold_rows = [], []
    for task in tasks:
        for model in family_order(k[1] for k in pools if k[0] == task):
            model_folds = []
            for fraction in sorted(k[2] for k in pools if k[:2] == (task, model)):
                chosen = sorted(pools[(task, model, fraction)], key=lambda r: r.seed)
                at = [row for run in chosen for row in fold_scores(run)]
                if not at:
                    raise FramingInputError(
                        "the run records no per-fold sizes (metrics.json 'folds')",
                        file=chosen[0].folder,
                        fix="rerun it with this version of framing train",
                    )
                summary.append(curve_point(chosen, at, n_boot, level))
                model_folds += at
            fold_rows += sorted(model_folds, key=lambda r: (r["seed"], r["fold"], r["fraction"]))
    return summary, fold_rows


def fold_scores(run: Run) -> list[dict]:
    """One row per outer fold of a run: its training and test sizes, macro-/micro-F1, fit time."""
    truth, pred, _ = run.decisions()
    fold_of_row = run.oof["fold"].to_numpy()
    rows = []
    for info in run.metrics.get("folds") or []:
        in_fold = fold_of_row == info["fold"]
        fold = scores(truth[in_fold], pred[in_fold], run.metrics["labels"])
        rows.append(
            {
                "task": run.metrics["task"],
                "model": run.metrics["model"],
                "seed": run.seed,
                "fraction": run.train_fraction,
                "fold": info["fold"],
                "n_train_sentences": info["n_train_sentences"],
                "n_train_groups": info["n_train_groups"],
                "n_test_sentences": info["n_test_sentences"],
                "macro_f1": fold["macro_f1"],
                "micro_f1": fold["micro_f1"],
                "fit_s": info["fit_s"],
            }
        )
    return rows


def curve_point(chosen: list[Run], at: list[dict], n_boot: int, level: float) -> dict:
    """A point of the curve: one family at one fraction, pooled over its seeds (``chosen``)
    with their fold rows (``at``)."""
    ci = hierarchical_bootstrap([r.decisions() for r in chosen], n_boot, 0, level)
    n_train = np.array([row["n_train_sentences"] for row in at])
    fold_macro = np.array([row["macro_f1"] for row in at])
    first = chosen[0].metrics
    return {
        "task": first["task"],
        "model": first["model"],
        "model_label": str(first.get("model_label", first["model"])),
        "is_baseline": bool(first.get("is_baseline", False)),
        "fraction": chosen[0].train_fraction,
        "n_train_sentences": float(n_train.mean()),
        "n_train_min": int(n_train.min()),
        "n_train_max": int(n_train.max()),
        "n_train_groups": float(np.mean([row["n_train_groups"] for row in at])),
        "n_seeds": len(chosen),
        "n_folds": len({row["fold"] for row in at}),
        "n_sentences": int(first["n_sentences"]),
        "macro_f1": ci["macro_f1"]["mean"],
        "macro_f1_low": ci["macro_f1"]["ci_low"],
        "macro_f1_high": ci["macro_f1"]["ci_high"],
        "micro_f1": ci["micro_f1"]["mean"],
        "micro_f1_low": ci["micro_f1"]["ci_low"],
        "micro_f1_high": ci["micro_f1"]["ci_high"],
        "fold_macro_f1_mean": float(fold_macro.mean()),
        "fold_macro_f1_sd": float(fold_macro.std(ddof=1)) if len(at) > 1 else 0.0,
    }


def split_rows(runs: list[Run], study) -> list[dict]:
    """Which sentences trained and tested each fold of each (task, seed, fraction), recomputed
    with the runs' own fold rules on the study's labelled set (checked against its hash)."""
    data_file = study.path("sentences")
    if sha256_file(data_file) != runs[0].metrics["data_sha256"]:
        raise FramingInputError(
            "the runs were trained on another version of the labelled set",
            file=data_file,
            fix="rerun the learning-curve sweep on the current labelled set",
        )
    dataset = load_labelled_set(data_file, schema=study.schema)
    eval_cfg = runs[0].config["eval"]
    fractions: dict[tuple[str, int], set[float]] = defaultdict(set)
    for run in runs:
        fractions[(run.metrics["task"], run.seed)].add(run.train_fraction)
    rows = []
    for (task, seed), wanted in sorted(fractions.items()):
        data = task_data(dataset, task, study.schema)
        folds = make_folds(data, eval_cfg["protocol"], eval_cfg.get("n_folds"), seed)
        cut = {fr: cut_training_folds(folds, data.groups, fr, seed) for fr in sorted(wanted)}
        for f in range(len(folds)):
            for fraction, fraction_folds in cut.items():
                for role, index in zip(("train", "test"), fraction_folds[f], strict=True):
                    rows += [
                        {
                            "task": task,
                            "seed": seed,
                            "fold": f,
                            "fraction": fraction,
                            "role": role,
                            "sentence_id": data.sentence_ids[i],
                            "dup_group": data.groups[i],
                        }
                        for i in index
                    ]
    return rows


def write_learning_curve(
    runs: list[Run], out: str | Path, study, n_boot: int = 1000, level: float = 0.95
) -> dict:
    """Aggregate training-fraction runs into OUT (see the module docstring); returns run.json."""
    import pandas as pd

    summary, folds = curve_tables(runs, n_boot, level)
    splits = split_rows(runs, study)
    first = runs[0]
    eval_cfg = first.config.get("eval") or {}
    info = {
        "command": "framing learning-curve",
        "runs": len(runs),
        "models": list(dict.fromkeys(r["model"] for r in summary)),
        "tasks": list(dict.fromkeys(r["task"] for r in summary)),
        "seeds": sorted({r.seed for r in runs}),
        "fractions": sorted({r.train_fraction for r in runs}),
        "protocol": str(eval_cfg.get("protocol")),
        "n_folds": eval_cfg.get("n_folds"),
        "thresholds": str(eval_cfg.get("thresholds")),
        "inner_folds": eval_cfg.get("inner_folds"),
        "interval": interval_description(n_boot, len({r.seed for r in runs}), level)
        + ", over the pooled out-of-fold predictions at each fraction",
        "data": str(study.value("sentences")),  # relative to the study folder
        "data_sha256": first.metrics["data_sha256"],
        "n_sentences": int(first.metrics["n_sentences"]),
        "python": platform.python_version(),
        "runs_wall_time_s": round(sum(r.metrics["wall_time_s"]["total"] for r in runs), 3),
    }
    csv = {"index": False, "float_format": "%.10g", "lineterminator": "\n"}
    inputs = [r.folder for r in runs]
    with output_folder(out, Kind.LEARNING_CURVE, inputs=inputs) as tmp:
        pd.DataFrame(summary).to_csv(tmp / "learning_curve.csv", **csv)
        pd.DataFrame(folds).to_csv(tmp / "learning_curve_folds.csv", **csv)
        pd.DataFrame(splits).to_csv(tmp / "splits.csv", **csv)
        (tmp / "run.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info
