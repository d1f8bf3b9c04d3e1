"""Does uncertainty sampling reach the full-data macro-F1 with fewer coded sentences than random
sampling? A simulation on the seed study's gold set (the gold labels play the coders).

    python -m experiments.active_learning                # MiniLM + LR and TF-IDF, both tasks
    python -m experiments.active_learning --models tfidf_lr --tasks frames --repeats 3

For each repeat r and each fold of the toolkit's grouped 5-fold split (seed r), the training
part is the pool of sentences that could be coded and the test part is held out. Both
strategies start from the same random batch of ``--initial`` sentences of the pool and add
``--batch`` sentences per round until the pool is used up:

- random: a simple random draw from the rest of the pool;
- active: the library's own active-learning selection (``framing.coding.active``: uncertainty
  of the model fitted on what is coded so far, under the diversity guard), as
  ``framing coding sample --strategy active`` does.

After every round the model (built from the package's model config, as ``framing train``
builds it) is fitted on the coded sentences and predicts the test fold; frame decisions use a
fixed threshold of 0.5 for both strategies (no inner-CV threshold tuning, so the numbers are
below the comparison table's). Test-fold predictions are pooled over the five folds and scored
(macro-F1) at each number of coded sentences; the last point (the whole pool) is the full-data
score, the same for both strategies. Intervals: 95% percentile bootstrap over repeats (the
repeats differ in split and initial batch; they share the 167 sentences, so the interval says
how much the answer depends on those choices, not how it would change on new data).

Writes OUT/curve.csv (per task, strategy, coded sentences: mean macro-F1 and interval, and
the paired difference active - random), OUT/repeats.csv (every repeat's score) and
OUT/summary.json (settings, the coded sentences each strategy needs to reach the full-data
score and 95% of it, timing, machine and load). Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

STRATEGIES = ("random", "active")


def simulate_fold(estimator, data, sentences, pool, test, steps, seed):
    """{strategy: {n_coded: (len(test), k) 0/1 decisions}} for one fold."""
    from sklearn.base import clone

    from framing.coding.active import select_uncertain, uncertainty

    rng = np.random.default_rng(seed)
    initial = [int(i) for i in rng.choice(pool, size=steps[0], replace=False)]
    test_texts = [data.texts[i] for i in test]
    out = {}
    for strategy in STRATEGIES:
        draw_rng = np.random.default_rng(seed + 1)
        coded, rest = list(initial), [int(i) for i in pool if i not in set(initial)]
        decisions = {}
        while True:
            model = clone(estimator).fit([data.texts[i] for i in coded], data.targets()[coded])
            decisions[len(coded)] = model.predict_indicators(test_texts)
            if not rest:
                break
            k = min(steps[1] - steps[0], len(rest))
            if strategy == "random":
                picked = [rest[j] for j in draw_rng.choice(len(rest), size=k, replace=False)]
            else:
                proba = model.predict_proba([data.texts[i] for i in rest])
                scores = uncertainty(proba, data.multi_label, model.thresholds_)
                chosen = select_uncertain(scores, [sentences[i] for i in rest], k, seed)
                picked = [rest[j] for j in chosen]
            coded += picked
            taken = set(picked)
            rest = [i for i in rest if i not in taken]
        out[strategy] = decisions
    return out


def run(task: str, model_name: str, repeats: int, initial: int, batch: int):
    """Per-repeat macro-F1 at each number of coded sentences, per strategy."""
    from framing.cli.options import train_options
    from framing.corpus import Sentence
    from framing.evaluate import DuplicateGroupKFold, indicator_matrix
    from framing.evaluate.metrics import confusion_counts, macro_micro_f1
    from framing.runs.job import load_task
    from framing.study.config import compose

    options = train_options(compose("train", [f"task={task}", f"model={model_name}"]))
    labelled = load_task(options.study, options.task)
    dataset, data = labelled.dataset, labelled.data
    estimator = options.model.estimator.set_params(labels=data.labels)
    sentences = [
        Sentence(sid, art, out, 0, "", "sentence", grp)
        for sid, art, out, grp in zip(
            data.sentence_ids, dataset["article_id"], data.outlets, data.groups, strict=True
        )
    ]
    truth = indicator_matrix(data.y, data.multi_label, len(data.labels))
    rows = []
    for r in range(repeats):
        folds = list(DuplicateGroupKFold(5, random_state=r).split(data.texts, data.y, data.groups))
        smallest_pool = min(len(train) for train, _ in folds)
        grid = list(range(initial, smallest_pool, batch))
        pooled = {s: {n: np.zeros_like(truth) for n in grid + ["all"]} for s in STRATEGIES}
        for f, (train, test) in enumerate(folds):
            result = simulate_fold(
                estimator, data, sentences, train, test, (initial, initial + batch), 1000 * r + f
            )
            for strategy, decisions in result.items():
                for n in grid:
                    pooled[strategy][n][test] = decisions[n]
                pooled[strategy]["all"][test] = decisions[len(train)]
        for strategy in STRATEGIES:
            for n, pred in pooled[strategy].items():
                macro, _ = macro_micro_f1(confusion_counts(truth, pred).sum(axis=0))
                n_coded = n if n != "all" else round(len(data) * 4 / 5)
                rows.append(
                    {
                        "task": task,
                        "model": model_name,
                        "repeat": r,
                        "strategy": strategy,
                        "n_coded": n_coded,
                        "full": n == "all",
                        "macro_f1": float(macro),
                    }
                )
        print(f"{task} {model_name} repeat {r + 1}/{repeats} done", file=sys.stderr)
    return rows


def summarise(rows: list[dict], n_boot: int = 2000, seed: int = 0):
    """The mean curve per strategy with intervals, the paired difference, and how many coded
    sentences each strategy needs to reach the full-data score (and 95% of it)."""
    import pandas as pd

    from framing.evaluate.bootstrap import bootstrap_weights, percentile_interval

    table = pd.DataFrame(rows)
    curve, reach = [], {}
    rng = np.random.default_rng(seed)
    for (task, model), group in table.groupby(["task", "model"], sort=False):
        wide = group.pivot_table(
            index="repeat", columns=["full", "n_coded", "strategy"], values="macro_f1"
        )
        n_rep = len(wide)
        weights = bootstrap_weights(rng, n_rep, n_boot) / n_rep  # (B, R): resampled repeats
        full = wide.xs(True, level="full", axis=1).xs("random", level="strategy", axis=1)
        full_mean = float(full.to_numpy().mean())
        points = wide.xs(False, level="full", axis=1)
        for n in sorted(points.columns.get_level_values("n_coded").unique()):
            values = {s: points[(n, s)].to_numpy() for s in STRATEGIES}
            diff = values["active"] - values["random"]
            row = {"task": task, "model": model, "n_coded": int(n)}
            for name, v in (*values.items(), ("active_minus_random", diff)):
                low, high = percentile_interval(weights @ v)
                row |= {
                    f"{name}": round(float(v.mean()), 4),
                    f"{name}_low": round(float(low), 4),
                    f"{name}_high": round(float(high), 4),
                }
            row["active_ahead_share"] = round(float((weights @ diff > 0).mean()), 3)
            curve.append(row)
        rows_here = [c for c in curve if (c["task"], c["model"]) == (task, model)]
        reach[f"{task}/{model}"] = {
            "full_data_macro_f1": round(full_mean, 4),
            "full_data_n_coded": int(full.columns[0]),
        } | {
            f"{s}_reaches_{label}": next(
                (c["n_coded"] for c in rows_here if c[s] >= level * full_mean), None
            )
            for s in STRATEGIES
            for label, level in (("full", 1.0), ("95pct", 0.95))
        }
    return pd.DataFrame(curve), reach


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", nargs="+", default=["embedding_lr", "tfidf_lr"])
    p.add_argument("--tasks", nargs="+", default=["frames", "stance"])
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--initial", type=int, default=20, help="random sentences coded first")
    p.add_argument("--batch", type=int, default=10, help="sentences added per round")
    p.add_argument("--out", default="results/active_learning")
    args = p.parse_args(argv)
    load = os.getloadavg()
    start = time.perf_counter()
    rows = [
        row
        for model in args.models
        for task in args.tasks
        for row in run(task, model, args.repeats, args.initial, args.batch)
    ]
    curve, reach = summarise(rows)
    out = Path(args.out)
    import pandas as pd

    from benchmarks._machine import machine_info
    from framing.outputs import Kind, output_file, write_text

    with output_file(out / "repeats.csv", Kind.EXPERIMENT) as tmp:
        pd.DataFrame(rows).to_csv(tmp, index=False)
    with output_file(out / "curve.csv", Kind.EXPERIMENT) as tmp:
        curve.to_csv(tmp, index=False)
    summary = {
        "command": "python -m experiments.active_learning " + " ".join(argv or sys.argv[1:]),
        "settings": vars(args) | {"folds": 5, "frame_threshold": 0.5, "bootstrap": 2000},
        "reach": reach,
        "wall_s": round(time.perf_counter() - start, 1),
        "load_average_at_start": [round(x, 2) for x in load],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
    }
    write_text(out / "summary.json", json.dumps(summary, indent=2) + "\n", Kind.EXPERIMENT)
    print(json.dumps(reach, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
