"""How well a model fits its own training data: the budget check behind
framing/conf/model/finetune.yaml.

    python -m experiments.training_fit model=finetune task=frames
    python -m experiments.training_fit model=finetune model.estimator.num_epochs=8

The model is built exactly as ``framing train`` builds it (same config, same seed) and fitted
on every labelled sentence; its decisions on those same sentences (frame thresholds 0.5,
stance arg-max) are scored. A training-set score only says whether a budget lets the model
learn the data at all; it says nothing about generalisation, and no held-out sentence is
scored, so using it to fix a training budget does not look at any test fold.
Prints one line per run: task, model, overrides, fit seconds, training macro-F1, per-label F1.
Run from the repository root (or any study folder).
"""

from __future__ import annotations

import sys
import time

from framing.cli._common import run_command


def training_fit(overrides: list[str]) -> dict:
    """Fit on the whole labelled set and score the training-set decisions."""
    from framing.cli.options import train_options
    from framing.evaluate import indicator_matrix, scores
    from framing.runs.job import load_task
    from framing.study.config import compose

    cfg = compose("train", overrides)
    options = train_options(cfg)
    data = load_task(options.study, options.task).data
    start = time.perf_counter()
    model = options.model.estimator.set_params(labels=data.labels).fit(data.texts, data.targets())
    fit_s = time.perf_counter() - start
    truth = indicator_matrix(data.y, data.multi_label, len(data.labels))
    result = scores(truth, model.predict_indicators(data.texts), data.labels)
    return {
        "task": cfg.task.name,
        "model": cfg.model.name,
        "overrides": overrides,
        "n_sentences": len(data),
        "fit_s": fit_s,
        "training_macro_f1": result["macro_f1"],
        "training_f1": {label: row["f1"] for label, row in result["per_label"].items()},
    }


def main(argv: list[str] | None = None) -> int:
    overrides = list(sys.argv[1:] if argv is None else argv)
    if any(item in ("-h", "--help") for item in overrides):
        print(__doc__)
        return 0

    def body() -> None:
        fit = training_fit(overrides)
        per_label = ", ".join(f"{k} {v:.2f}" for k, v in fit["training_f1"].items())
        print(
            f"{fit['task']} {fit['model']} {' '.join(overrides)}: fit {fit['fit_s']:.1f} s on "
            f"{fit['n_sentences']} sentences, training macro-F1 {fit['training_macro_f1']:.3f} "
            f"({per_label})"
        )

    return run_command(body)


if __name__ == "__main__":
    sys.exit(main())
