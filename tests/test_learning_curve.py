"""The learning curve on the real gold set: a tiny run (majority + tfidf_lr, frames, 2 fractions,
1 seed, 3 folds) through the command's own entry point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing import evaluate as ev
from framing import learning_curve as lc
from framing.data import task_data

FRACTIONS = (0.5, 1.0)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("lc") / "learning_curve"
    argv = ["--models", "majority", "tfidf_lr", "--tasks", "frames", "--seeds", "0"]
    argv += ["--fractions", *map(str, FRACTIONS), "--out", str(out), "--bootstrap", "200"]
    assert lc.main([*argv, "eval.n_folds=3"]) == 0
    return out


def test_writes_the_curve_with_more_training_sentences_at_the_larger_fraction(tiny_run):
    curve = pd.read_csv(tiny_run / "learning_curve.csv")
    assert sorted(curve["model"].unique()) == ["majority", "tfidf_lr"]
    assert set(curve["fraction"]) == set(FRACTIONS)
    assert (curve["n_folds"] == 3).all() and (curve["n_seeds"] == 1).all()
    for _, rows in curve.groupby("model"):
        rows = rows.sort_values("fraction")
        assert rows["n_train_sentences"].is_monotonic_increasing
        assert rows["n_train_sentences"].iloc[-1] > rows["n_train_sentences"].iloc[0]
    assert (curve["macro_f1_low"] <= curve["macro_f1"] + 1e-9).all()
    assert (curve["macro_f1"] <= curve["macro_f1_high"] + 1e-9).all()
    folds = pd.read_csv(tiny_run / "learning_curve_folds.csv")
    assert len(folds) == 2 * len(FRACTIONS) * 3  # models x fractions x folds
    # the summary's training size is the mean of the folds' sizes
    for (model, fraction), rows in folds.groupby(["model", "fraction"]):
        row = curve[(curve["model"] == model) & (curve["fraction"] == fraction)].iloc[0]
        assert row["n_train_sentences"] == pytest.approx(rows["n_train_sentences"].mean())


def test_no_duplicate_group_crosses_train_and_test(tiny_run, labelled_set):
    splits = pd.read_csv(tiny_run / "splits.csv", dtype={"sentence_id": str, "dup_group": str})
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


def test_the_full_fraction_reproduces_the_training_cross_validation(tiny_run, labelled_set, schema):
    """At fraction 1.0 the curve is framing.train's CV: same folds, thresholds and models."""
    from framing.train import model_factory

    cfg = lc.compose_config(["task=frames", "model=tfidf_lr", "seed=0", "eval.n_folds=3"])
    data = task_data(labelled_set, "frames", schema)
    result = ev.cross_validate(
        model_factory(cfg, schema), data, protocol="grouped_kfold", n_folds=3, seed=0,
        thresholds="inner_cv", inner_folds=int(cfg.eval.inner_folds),
    )  # fmt: skip
    truth = ev.indicator_matrix(data.y, True, len(data.labels))
    expected = ev.scores(truth, result.pred, data.labels)["macro_f1"]
    curve = pd.read_csv(tiny_run / "learning_curve.csv")
    row = curve[(curve["model"] == "tfidf_lr") & (curve["fraction"] == 1.0)].iloc[0]
    assert row["macro_f1"] == pytest.approx(expected, abs=1e-5)


def test_the_cut_is_by_group_and_nested(labelled_set, schema):
    data = task_data(labelled_set, "stance", schema)
    train = np.arange(len(data))
    subsets = lc.nested_group_subsets(
        train, data.groups, [0.25, 0.5, 1.0], np.random.default_rng(0)
    )
    n_groups = len(np.unique(data.groups))
    for fraction, rows in subsets.items():
        kept = np.unique(data.groups[rows])
        assert len(kept) == round(fraction * n_groups)
        assert set(rows) == set(np.flatnonzero(np.isin(data.groups, kept)))
    assert set(subsets[0.25]) < set(subsets[0.5]) < set(subsets[1.0])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fractions", "0", "1"], "training fraction 0.0 is not in (0, 1]"),
        (["seed=3"], "--seeds"),
        (["--models", "no_such_model"], "no_such_model"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(argv, message, tmp_path, capsys):
    out = tmp_path / "lc"
    assert lc.main(["--tasks", "stance", "--seeds", "0", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert not out.exists()
