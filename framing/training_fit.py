"""How well a model fits its own training data: the budget check behind conf/model/finetune.yaml.

    python -m framing.training_fit model=finetune task=frames
    python -m framing.training_fit model=finetune model.num_epochs=8 model.batch_size=8

The model is built exactly as ``framing.train`` builds it (same config, same seed) and fitted
on every labelled sentence; its decisions on those same sentences (frame thresholds 0.5,
stance arg-max) are scored. A training-set score only says whether a budget lets the model
learn the data at all; it says nothing about generalisation, and no held-out sentence is
scored, so using it to fix a training budget does not look at any test fold.
Prints one line per run: task, model, overrides, fit seconds, training macro-F1, per-label F1.
"""

from __future__ import annotations

import sys
import time

from framing.errors import FramingInputError


def training_fit(overrides: list[str]) -> dict:
    """Fit on the whole labelled set and score the training-set decisions."""
    from omegaconf import OmegaConf

    from framing import evaluate as ev
    from framing.data import load_labelled_set, task_data
    from framing.learning_curve import compose_config
    from framing.paths import resolve_path
    from framing.schema import LabelSchema
    from framing.train import model_factory

    cfg = compose_config(overrides)
    OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    schema = LabelSchema.from_dict(OmegaConf.to_container(cfg.data.schema), f"data={cfg.data.name}")
    data = task_data(
        load_labelled_set(resolve_path(cfg.data.sentences), schema=schema), cfg.task.name, schema
    )
    start = time.perf_counter()
    model = model_factory(cfg, schema)().fit(data.texts, data.y, data.labels, data.multi_label)
    fit_s = time.perf_counter() - start
    truth = ev.indicator_matrix(data.y, data.multi_label, len(data.labels))
    result = ev.scores(truth, model.predict_indicators(data.texts), data.labels)
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
    try:
        fit = training_fit(overrides)
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    per_label = ", ".join(f"{k} {v:.2f}" for k, v in fit["training_f1"].items())
    print(
        f"{fit['task']} {fit['model']} {' '.join(overrides)}: fit {fit['fit_s']:.1f} s on "
        f"{fit['n_sentences']} sentences, training macro-F1 {fit['training_macro_f1']:.3f} "
        f"({per_label})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
