"""framing.runs.pooling: the one rule by which the comparison and the learning curve pool run
folders (the commands' end-to-end refusals are in test_train.py and test_learning_curve.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from framing.errors import FramingInputError
from framing.runs.discover import Run
from framing.runs.pooling import pool_runs


def run(model="tfidf_lr", seed=0, fraction=1.0, C=4.0, data="abc", n_folds=5) -> Run:
    metrics = {"task": "frames", "model": model, "seed": seed, "data_sha256": data}
    if fraction != 1.0:
        metrics["train_fraction"] = fraction
    config = {
        "eval": {"n_folds": n_folds, "train_fraction": fraction, "seed": seed},
        "model": {"name": model, "estimator": {"C": C, "random_state": seed}},
    }
    folder = Path(f"runs/{model}_s{seed}_f{fraction}_C{C}")
    return Run(folder, metrics, pd.DataFrame(), config)


def test_runs_pool_by_family_and_seed():
    runs = [run(seed=0), run(seed=1), run("majority", seed=0)]
    pools = pool_runs(runs)
    assert {k: [r.seed for r in v] for k, v in pools.items()} == {
        ("frames", "tfidf_lr"): [0, 1],
        ("frames", "majority"): [0],
    }


def test_a_learning_curve_pools_by_fraction_too():
    runs = [run(fraction=0.5), run(fraction=1.0), run(seed=1, fraction=0.5)]
    pools = pool_runs(runs, by_fraction=True)
    assert {k: len(v) for k, v in pools.items()} == {
        ("frames", "tfidf_lr", 0.5): 2,
        ("frames", "tfidf_lr", 1.0): 1,
    }


@pytest.mark.parametrize("by_fraction", [False, True])
def test_two_settings_of_one_family_are_refused_by_both(by_fraction):
    runs = [run(seed=0, fraction=0.5, C=4.0), run(seed=1, fraction=1.0, C=0.5)]
    if not by_fraction:  # the comparison pools one fraction
        runs = [run(seed=0, C=4.0), run(seed=1, C=0.5)]
    with pytest.raises(FramingInputError, match="different model settings"):
        pool_runs(runs, by_fraction=by_fraction)


def test_only_the_learning_curve_lets_the_training_fraction_vary():
    runs = [run(fraction=0.5), run(fraction=1.0)]
    assert len(pool_runs(runs, by_fraction=True)) == 2
    with pytest.raises(FramingInputError, match="differ in their eval settings"):
        pool_runs(runs)


@pytest.mark.parametrize("by_fraction", [False, True])
def test_other_data_other_eval_settings_or_a_repeated_seed_are_refused(by_fraction):
    with pytest.raises(FramingInputError, match="differ in their labelled set"):
        pool_runs([run(), run(seed=1, data="other")], by_fraction=by_fraction)
    with pytest.raises(FramingInputError, match="differ in their eval settings"):
        pool_runs([run(), run(seed=1, n_folds=3)], by_fraction=by_fraction)
    with pytest.raises(FramingInputError, match="with seed 0"):
        pool_runs([run(), run()], by_fraction=by_fraction)
