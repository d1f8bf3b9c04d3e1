"""Learning curve: how macro-F1 grows with the number of labelled training sentences.

    python -m framing.learning_curve            # 4 families x 2 tasks x 3 seeds x 5 fractions
    python -m framing.learning_curve --models majority tfidf_lr --tasks frames --seeds 0 \
        --fractions 0.5 1.0 eval.n_folds=3

For each task, seed, family and training fraction it runs the grouped cross-validation of
``framing.train`` (same folds, same inner-CV thresholds, same metrics: ``framing.evaluate``) with
each outer training fold cut down to that fraction of its duplicate groups. The cut is by group
(copies of a sentence stay together), nested (the 0.2 subset lies inside the 0.4 subset) and the
same for every family, so the families are compared on identical training sentences. The outer
test folds are never cut: every point of the curve is scored on all sentences. At fraction 1.0
the numbers equal those of ``python -m framing.train`` with the same seed.

Models are built exactly as ``framing.train`` builds them (``framing.train.model_factory``:
conf/model/<name>.yaml instantiated with the data schema's codebook injected where a family
takes one). Trailing KEY=VALUE arguments are Hydra overrides of the training config
(conf/config.yaml), e.g. ``eval.n_folds=3`` or ``data=mystudy``.

OUT (default results/learning_curve/), written as a whole or not at all:
  learning_curve.csv        one row per task, family and fraction: mean training sentences per
                            outer fold, macro-/micro-F1 of the pooled out-of-fold predictions
                            (mean over seeds) with 95% hierarchical bootstrap intervals
                            (seeds, then duplicate groups) -- what ``framing.plot`` draws
  learning_curve_folds.csv  one row per task, family, seed, fraction and outer fold: training
                            sentences and groups, test sentences, macro-/micro-F1 of that fold
  splits.csv                which sentences trained and tested each fold at each fraction
  run.json                  settings, data hash, library versions, timing
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing import evaluate as ev
from framing.data import TaskData
from framing.errors import FramingInputError
from framing.io import atomic_dir

log = logging.getLogger("framing.learning_curve")

DEFAULT_MODELS = ("majority", "lexicon", "tfidf_lr", "embedding_lr")
DEFAULT_TASKS = ("frames", "stance")
DEFAULT_SEEDS = (0, 1, 2)
DEFAULT_FRACTIONS = (0.2, 0.4, 0.6, 0.8, 1.0)
DEFAULT_OUT = "results/learning_curve"
RESERVED_OVERRIDES = ("task", "model", "seed")  # set by --tasks / --models / --seeds


# ---------------------------------------------------------------------------- splits
@dataclass(frozen=True)
class Split:
    fold: int
    fraction: float
    train: np.ndarray  # row indices of the (cut) training fold
    test: np.ndarray  # row indices of the outer test fold (never cut)


def nested_group_subsets(
    train: np.ndarray, groups: np.ndarray, fractions: list[float], rng: np.random.Generator
) -> dict[float, np.ndarray]:
    """Rows of ``train`` keeping the first round(f x G) of its G duplicate groups in one random
    order, for each fraction f: whole groups only, and each subset contains the smaller ones."""
    fold_groups = np.unique(groups[train])
    order = rng.permutation(fold_groups)
    subsets = {}
    for fraction in fractions:
        keep = order[: max(1, int(round(fraction * len(fold_groups))))]
        subsets[fraction] = train[np.isin(groups[train], keep)]
    return subsets


def learning_curve_splits(
    data: TaskData, protocol: str, n_folds: int | None, fractions: list[float], seed: int
) -> list[Split]:
    """The outer folds of ``framing.evaluate.make_folds`` (as in ``framing.train`` with this
    seed), each training fold cut to every fraction. The cut depends only on the seed and the
    fold, so all families see the same training sentences."""
    splits = []
    for f, (train, test) in enumerate(ev.make_folds(data, protocol, n_folds, seed)):
        rng = np.random.default_rng([seed, f])
        for fraction, rows in nested_group_subsets(train, data.groups, fractions, rng).items():
            splits.append(Split(f, fraction, np.sort(rows), test))
    return splits


def check_fractions(fractions: list[float]) -> list[float]:
    if not fractions:
        raise FramingInputError("give at least one training fraction", field="--fractions")
    for fraction in fractions:
        if not 0 < fraction <= 1:
            raise FramingInputError(
                f"training fraction {fraction} is not in (0, 1]",
                field="--fractions",
                fix="e.g. --fractions 0.2 0.4 0.6 0.8 1.0",
            )
    return sorted(set(float(f) for f in fractions))


# ---------------------------------------------------------------------------- one family
@dataclass
class CurveResult:
    """Out-of-fold predictions of one family, task and seed at every fraction."""

    fold_rows: list[dict]
    pred: dict[float, np.ndarray]  # fraction -> (n, k) 0/1 out-of-fold decisions


def run_family(make_model, data: TaskData, splits: list[Split], eval_cfg, seed: int) -> CurveResult:
    """Fit a fresh model per (fold, fraction) and predict the whole outer test fold, with
    thresholds chosen as ``framing.evaluate.cross_validate`` chooses them (inner grouped CV on
    the cut training fold, seeded as there, so fraction 1.0 reproduces ``framing.train``)."""
    truth = ev.indicator_matrix(data.y, data.multi_label, len(data.labels))
    k = len(data.labels)
    pred = {s.fraction: np.full((len(data), k), -1, dtype=np.int64) for s in splits}
    fold_rows = []
    for split in splits:
        start = time.perf_counter()
        n_groups = len(np.unique(data.groups[split.train]))
        inner_cv = data.multi_label and eval_cfg.thresholds == "inner_cv"
        if inner_cv and n_groups < eval_cfg.inner_folds:
            raise FramingInputError(
                f"fraction {split.fraction} leaves {n_groups} duplicate groups in fold "
                f"{split.fold}, fewer than the {eval_cfg.inner_folds} inner folds",
                field="--fractions",
                fix="use larger fractions or fewer inner folds (eval.inner_folds=...)",
            )
        _, decisions, _ = ev.fit_predict_fold(
            make_model, data, split.train, split.test,
            thresholds=eval_cfg.thresholds, inner_folds=eval_cfg.inner_folds,
            fixed=eval_cfg.fixed,
            inner_seed=seed + 1 + split.fold,  # as cross_validate seeds fold f's inner CV
        )  # fmt: skip
        pred[split.fraction][split.test] = decisions
        fold_scores = ev.scores(truth[split.test], decisions, data.labels)
        fold_rows.append(
            {
                "fraction": split.fraction,
                "fold": split.fold,
                "n_train_sentences": len(split.train),
                "n_train_groups": n_groups,
                "n_test_sentences": len(split.test),
                "macro_f1": fold_scores["macro_f1"],
                "micro_f1": fold_scores["micro_f1"],
                "fit_s": time.perf_counter() - start,
            }
        )
    for fraction, decisions in pred.items():
        if (decisions < 0).any():
            raise RuntimeError(f"fraction {fraction}: some sentences were in no test fold")
    return CurveResult(fold_rows, pred)


# ---------------------------------------------------------------------------- the experiment
def compose_config(overrides: list[str]):
    """The training config (conf/config.yaml) with Hydra overrides, as ``framing.train`` sees it."""
    from hydra import compose, initialize_config_dir

    from framing.train import CONF_DIR, input_error_message

    try:
        with initialize_config_dir(str(CONF_DIR), version_base="1.3", job_name="learning_curve"):
            return compose("config", overrides=overrides)
    except Exception as err:
        message = input_error_message(err)
        if message is None:
            raise
        raise FramingInputError(message) from None


def run(
    models: list[str],
    tasks: list[str],
    seeds: list[int],
    fractions: list[float],
    out: str | Path = DEFAULT_OUT,
    overrides: list[str] | None = None,
    n_boot: int | None = None,
) -> dict:
    """Run the learning curve and write OUT; returns the run summary (run.json)."""
    import pandas as pd
    from omegaconf import OmegaConf

    from framing.data import load_labelled_set, task_data
    from framing.paths import resolve_path
    from framing.schema import LabelSchema
    from framing.train import model_factory

    started = time.perf_counter()
    overrides = list(overrides or [])
    for item in overrides:
        if item.split("=", 1)[0].lstrip("+~") in RESERVED_OVERRIDES:
            raise FramingInputError(
                f"'{item}' is set by the command's own option",
                fix="use --tasks / --models / --seeds instead",
            )
    fractions = check_fractions(fractions)
    if not (models and tasks and seeds):
        raise FramingInputError("give at least one model, task and seed")
    # Compose every config first: an unknown model or a bad override fails before any work.
    configs = {
        (task, model, seed): compose_config(
            [*overrides, f"task={task}", f"model={model}", f"seed={seed}"]
        )
        for task in tasks
        for model in models
        for seed in seeds
    }
    first = configs[(tasks[0], models[0], seeds[0])]
    OmegaConf.to_container(first, resolve=True, throw_on_missing=True)
    schema = LabelSchema.from_dict(
        OmegaConf.to_container(first.data.schema), f"data={first.data.name}"
    )
    data_file = resolve_path(first.data.sentences)
    dataset = load_labelled_set(data_file, schema=schema)
    e = first.eval
    n_boot = int(e.bootstrap if n_boot is None else n_boot)

    fold_tables, summary_rows, split_rows = [], [], []
    for task in tasks:
        data = task_data(dataset, task, schema)
        truth = ev.indicator_matrix(data.y, data.multi_label, len(data.labels))
        splits = {
            s: learning_curve_splits(data, e.protocol, e.n_folds, fractions, s) for s in seeds
        }
        for seed, seed_splits in splits.items():
            split_rows += split_table_rows(data, seed_splits, task, seed)
        for model in models:
            meta = configs[(task, model, seeds[0])].model
            per_seed, model_folds = {}, []
            for seed in seeds:
                cfg = configs[(task, model, seed)]
                result = run_family(model_factory(cfg, schema), data, splits[seed], cfg.eval, seed)
                per_seed[seed] = result
                table = pd.DataFrame(result.fold_rows)
                table.insert(0, "seed", seed)
                table.insert(0, "model", model)
                table.insert(0, "task", task)
                model_folds.append(table)
                pooled = {
                    f: round(ev.scores(truth, p, data.labels)["macro_f1"], 3)
                    for f, p in result.pred.items()
                }
                log.info("%s %s seed %d: macro-F1 by fraction %s", task, model, seed, pooled)
            folds = pd.concat(model_folds, ignore_index=True)
            fold_tables.append(folds)
            for fraction in fractions:
                runs = [(truth, per_seed[s].pred[fraction], data.groups) for s in seeds]
                ci = ev.hierarchical_bootstrap(runs, n_boot, 0, float(e.level))
                at = folds[folds["fraction"] == fraction]
                summary_rows.append(
                    {
                        "task": task,
                        "model": model,
                        "model_label": str(meta.label),
                        "is_baseline": bool(meta.is_baseline),
                        "fraction": fraction,
                        "n_train_sentences": float(at["n_train_sentences"].mean()),
                        "n_train_min": int(at["n_train_sentences"].min()),
                        "n_train_max": int(at["n_train_sentences"].max()),
                        "n_train_groups": float(at["n_train_groups"].mean()),
                        "n_seeds": len(seeds),
                        "n_folds": int(at["fold"].nunique()),
                        "n_sentences": len(data),
                        "macro_f1": ci["macro_f1"]["mean"],
                        "macro_f1_low": ci["macro_f1"]["ci_low"],
                        "macro_f1_high": ci["macro_f1"]["ci_high"],
                        "micro_f1": ci["micro_f1"]["mean"],
                        "micro_f1_low": ci["micro_f1"]["ci_low"],
                        "micro_f1_high": ci["micro_f1"]["ci_high"],
                        "fold_macro_f1_mean": float(at["macro_f1"].mean()),
                        "fold_macro_f1_sd": float(at["macro_f1"].std(ddof=1))
                        if len(at) > 1
                        else 0.0,  # noqa: E501
                    }
                )
    info = {
        "command": "python -m framing.learning_curve",
        "models": list(models),
        "tasks": list(tasks),
        "seeds": [int(s) for s in seeds],
        "fractions": fractions,
        "overrides": overrides,
        "protocol": str(e.protocol),
        "n_folds": None if e.n_folds is None else int(e.n_folds),
        "thresholds": str(e.thresholds),
        "inner_folds": int(e.inner_folds),
        "interval": ev.interval_description(n_boot, len(seeds), float(e.level))
        + ", over the pooled out-of-fold predictions at each fraction",
        "data": str(data_file),
        "data_sha256": hashlib.sha256(data_file.read_bytes()).hexdigest(),
        "n_sentences": len(dataset),
        "python": platform.python_version(),
        "wall_time_s": round(time.perf_counter() - started, 3),
    }
    out = Path(out)
    with atomic_dir(out) as tmp:
        csv = {"index": False, "float_format": "%.10g", "lineterminator": "\n"}
        pd.DataFrame(summary_rows).to_csv(tmp / "learning_curve.csv", **csv)
        pd.concat(fold_tables, ignore_index=True).to_csv(tmp / "learning_curve_folds.csv", **csv)
        pd.DataFrame(split_rows).to_csv(tmp / "splits.csv", **csv)
        (tmp / "run.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def split_table_rows(data: TaskData, splits: list[Split], task: str, seed: int) -> list[dict]:
    rows = []
    for split in splits:
        for role, index in (("train", split.train), ("test", split.test)):
            rows += [
                {
                    "task": task,
                    "seed": seed,
                    "fold": split.fold,
                    "fraction": split.fraction,
                    "role": role,
                    "sentence_id": data.sentence_ids[i],
                    "dup_group": data.groups[i],
                }
                for i in index
            ]
    return rows


# ---------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m framing.learning_curve",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS), metavar="FAMILY")
    parser.add_argument("--tasks", nargs="+", default=list(DEFAULT_TASKS), metavar="TASK")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(DEFAULT_SEEDS), metavar="N")
    parser.add_argument(
        "--fractions", nargs="+", type=float, default=list(DEFAULT_FRACTIONS), metavar="F",
        help="shares of each outer training fold's duplicate groups (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--bootstrap", type=int, default=None, help="replicates (eval.bootstrap)")
    parser.add_argument(
        "overrides", nargs="*", metavar="KEY=VALUE", help="training-config overrides"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    for item in args.overrides:
        if "=" not in item:
            print(f"error: '{item}' is not a KEY=VALUE override", file=sys.stderr)
            return 2
    try:
        info = run(
            args.models,
            args.tasks,
            args.seeds,
            args.fractions,
            args.out,
            args.overrides,
            args.bootstrap,
        )
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    models = ", ".join(info["models"])
    print(f"learning curve of {models} in {info['wall_time_s']:.0f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
