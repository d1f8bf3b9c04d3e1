"""The learning curve on the real gold set: a tiny training-fraction sweep (majority + tfidf_lr,
frames, 2 fractions, 1 seed, 3 folds) through the commands a user runs, then the aggregation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing import evaluate as ev
from framing.data import task_data
from framing.evaluate.crossval import cut_training_folds, nested_group_subset

from conftest import framing

FRACTIONS = (0.5, 1.0)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("lc")
    sweep = framing(
        "train",
        "-m",
        "+experiment=learning_curve",
        "model=majority,tfidf_lr",
        "task=frames",
        "seed=0",
        "eval.train_fraction=0.5,1.0",
        "eval.n_folds=3",
        "hydra/launcher=basic",
        f"hydra.sweep.dir={root / 'runs'}",
    )
    assert sweep.returncode == 0, sweep.stderr[-3000:]
    out = root / "learning_curve"
    done = framing("learning-curve", str(root / "runs"), "--out", str(out), "--bootstrap", "200")
    assert done.returncode == 0, done.stderr[-3000:]
    return out, root / "runs"


def test_writes_the_curve_with_more_training_sentences_at_the_larger_fraction(tiny_run):
    out, _ = tiny_run
    curve = pd.read_csv(out / "learning_curve.csv")
    assert sorted(curve["model"].unique()) == ["majority", "tfidf_lr"]
    assert set(curve["fraction"]) == set(FRACTIONS)
    assert (curve["n_folds"] == 3).all() and (curve["n_seeds"] == 1).all()
    for _, rows in curve.groupby("model"):
        rows = rows.sort_values("fraction")
        assert rows["n_train_sentences"].is_monotonic_increasing
        assert rows["n_train_sentences"].iloc[-1] > rows["n_train_sentences"].iloc[0]
    assert (curve["macro_f1_low"] <= curve["macro_f1"] + 1e-9).all()
    assert (curve["macro_f1"] <= curve["macro_f1_high"] + 1e-9).all()
    folds = pd.read_csv(out / "learning_curve_folds.csv")
    assert len(folds) == 2 * len(FRACTIONS) * 3  # models x fractions x folds
    # the summary's training size is the mean of the folds' sizes
    for (model, fraction), rows in folds.groupby(["model", "fraction"]):
        row = curve[(curve["model"] == model) & (curve["fraction"] == fraction)].iloc[0]
        assert row["n_train_sentences"] == pytest.approx(rows["n_train_sentences"].mean())


def test_a_learning_curve_point_is_an_evaluation_not_a_model(tiny_run):
    _, runs = tiny_run
    for run in runs.iterdir():
        if run.is_dir() and (run / "metrics.json").exists():
            assert (run / "checkpoint").exists() == run.name.endswith("_f1.0"), run.name


def test_no_duplicate_group_crosses_train_and_test(tiny_run, labelled_set):
    out, _ = tiny_run
    splits = pd.read_csv(out / "splits.csv", dtype={"sentence_id": str, "dup_group": str})
    group_of = dict(zip(labelled_set["sentence_id"], labelled_set["dup_group"], strict=True))
    assert (splits["dup_group"] == splits["sentence_id"].map(group_of)).all()
    for (_, fold, _), rows in splits.groupby(["seed", "fold", "fraction"]):
        train = rows[rows["role"] == "train"]
        test = rows[rows["role"] == "test"]
        assert not set(train["dup_group"]) & set(test["dup_group"]), f"fold {fold}"
    # test folds partition the sentences; the full fraction trains on all the rest
    full = splits[splits["fraction"] == 1.0]
    tests = full[full["role"] == "test"]
    assert sorted(tests["sentence_id"]) == sorted(labelled_set["sentence_id"])
    assert (full.groupby("fold").size() == len(labelled_set)).all()
    # the cut keeps whole groups and the smaller subset lies inside the larger one
    for fold, rows in splits[splits["role"] == "train"].groupby("fold"):
        half = set(rows.loc[rows["fraction"] == 0.5, "sentence_id"])
        whole = set(rows.loc[rows["fraction"] == 1.0, "sentence_id"])
        assert half < whole, f"fold {fold}"
        kept_groups = {group_of[s] for s in half}
        assert half == {s for s in whole if group_of[s] in kept_groups}


def test_the_splits_are_the_ones_the_runs_trained_on(tiny_run, labelled_set):
    """splits.csv is recomputed by the aggregation: its test folds are the runs' own."""
    out, runs = tiny_run
    splits = pd.read_csv(out / "splits.csv", dtype={"sentence_id": str})
    (run,) = runs.glob("*_tfidf_lr_s0_f0.5")
    oof = pd.read_csv(run / "oof_predictions.csv", dtype={"sentence_id": str})
    tests = splits[(splits["fraction"] == 0.5) & (splits["role"] == "test")]
    assert dict(zip(tests["sentence_id"], tests["fold"], strict=True)) == dict(
        zip(oof["sentence_id"], oof["fold"], strict=True)
    )


def test_the_full_fraction_reproduces_the_training_cross_validation(tiny_run, labelled_set, schema):
    """At fraction 1.0 a curve point is framing train's CV: same folds, thresholds and models."""
    from framing.cli.options import build_estimator
    from framing.study.config import compose

    out, _ = tiny_run
    cfg = compose("train", ["task=frames", "model=tfidf_lr", "seed=0", "eval.n_folds=3"])
    data = task_data(labelled_set, "frames", schema)
    result = ev.cross_validate(
        build_estimator(cfg.model, data.labels),
        data,
        protocol="grouped_kfold",
        n_folds=3,
        seed=0,
        thresholds="inner_cv",
        inner_folds=int(cfg.eval.inner_folds),
    )
    truth = ev.indicator_matrix(data.y, True, len(data.labels))
    expected = ev.scores(truth, result.pred, data.labels)["macro_f1"]
    curve = pd.read_csv(out / "learning_curve.csv")
    row = curve[(curve["model"] == "tfidf_lr") & (curve["fraction"] == 1.0)].iloc[0]
    assert row["macro_f1"] == pytest.approx(expected, abs=1e-5)


def test_the_cut_is_by_group_and_nested(labelled_set, schema):
    data = task_data(labelled_set, "stance", schema)
    train = np.arange(len(data))
    n_groups = len(np.unique(data.groups))
    subsets = {
        f: nested_group_subset(train, data.groups, f, np.random.default_rng(0))
        for f in (0.25, 0.5, 1.0)
    }
    for fraction, rows in subsets.items():
        kept = np.unique(data.groups[rows])
        assert len(kept) == round(fraction * n_groups)
        assert set(rows) == set(np.flatnonzero(np.isin(data.groups, kept)))
    assert set(subsets[0.25]) < set(subsets[0.5]) < set(subsets[1.0])
    folds = ev.make_folds(data, "grouped_kfold", 3, 0)
    assert cut_training_folds(folds, data.groups, 1.0, 0) is folds  # 1.0 cuts nothing


def test_bad_fraction_is_one_error_line_and_no_run_folder(tmp_path):
    run_dir = tmp_path / "run"
    done = framing("train", "model=majority", "eval.train_fraction=0", f"hydra.run.dir={run_dir}")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "training fraction 0.0 is not in (0, 1]" in lines[0]
    assert not run_dir.exists()


def test_aggregation_refuses_runs_of_different_settings(tiny_run, tmp_path):
    import shutil

    import yaml

    _, runs = tiny_run
    mixed = tmp_path / "mixed"
    shutil.copytree(runs, mixed)
    (run,) = mixed.glob("*_majority_s0_f0.5")
    config = yaml.safe_load((run / "config.yaml").read_text())
    config["eval"]["n_folds"] = 4
    (run / "config.yaml").write_text(yaml.safe_dump(config))
    out = tmp_path / "out"
    done = framing("learning-curve", str(mixed), "--out", str(out))
    assert done.returncode == 2 and "differ in their eval settings" in done.stderr
    assert not out.exists()


def test_aggregation_refuses_two_settings_of_one_family(tiny_run, tmp_path):
    """As framing compare does (framing.runs.pooling): a family's runs at two fractions with
    two model settings are two classifiers, not one curve."""
    import shutil

    import yaml

    _, runs = tiny_run
    mixed = tmp_path / "mixed"
    shutil.copytree(runs, mixed)
    (run,) = mixed.glob("*_tfidf_lr_s0_f0.5")
    config = yaml.safe_load((run / "config.yaml").read_text())
    config["model"]["estimator"]["C"] = 0.5
    (run / "config.yaml").write_text(yaml.safe_dump(config))
    out = tmp_path / "out"
    done = framing("learning-curve", str(mixed), "--out", str(out))
    assert done.returncode == 2 and "different model settings" in done.stderr
    assert run.name in done.stderr
    assert not out.exists()
