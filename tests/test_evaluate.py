"""Leak-free evaluation: grouped folds, thresholds from training folds only, metrics, bootstrap."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from framing import evaluate as ev
from framing.data import LabelSchema, TaskData, task_data
from framing.errors import FramingInputError
from framing.evaluate.crossval import Fold
from framing.models.majority import MajorityClassifier
from framing.models.tfidf import TfidfLogisticClassifier

FRAMES = ["isolation_breaking", "neutrality", "historical_friendship", "western_criticism"]
STANCE = ["favourable", "neutral", "critical"]


def synthetic(n_groups: int = 120, seed: int = 0, max_dup: int = 6) -> dict[str, TaskData]:
    """Many duplicate groups of 1..max_dup rows; duplicates share their labels (as copies do)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, max_dup + 1, size=n_groups)
    groups = np.repeat([f"g{i}" for i in range(n_groups)], sizes)
    frames = np.repeat((rng.random((n_groups, 4)) < [0.1, 0.3, 0.2, 0.15]).astype(int), sizes, 0)
    stance = np.repeat(rng.choice(3, size=n_groups, p=[0.2, 0.65, 0.15]), sizes)
    outlets = rng.choice([f"outlet{i}" for i in range(5)], size=len(groups))
    common = dict(
        texts=[f"sentence {g}" for g in groups],
        groups=groups,
        outlets=outlets,
        sentence_ids=[f"s{i}" for i in range(len(groups))],
    )
    return {
        "frames": TaskData("frames", FRAMES, True, y=frames, **common),
        "stance": TaskData("stance", STANCE, False, y=stance, **common),
    }


def assert_leak_free(data: TaskData, folds: list[Fold]) -> None:
    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested) == list(range(len(data))), "every sentence is tested exactly once"
    for train, test in folds:
        assert len(train) and len(test)
        crossing = set(data.groups[train]) & set(data.groups[test])
        assert not crossing, f"duplicate groups on both sides: {sorted(crossing)[:5]}"


@pytest.mark.parametrize("task", ["frames", "stance"])
def test_no_duplicate_group_crosses_train_test_on_the_labelled_set(labelled_set, schema, task):
    data = task_data(labelled_set, task, schema)
    assert len(np.unique(data.groups)) < len(data), "the real set has duplicate groups"
    for seed in range(5):
        assert_leak_free(data, ev.make_folds(data, "grouped_kfold", 5, seed))
    assert_leak_free(data, ev.make_folds(data, "leave_one_outlet_out", None, 0))


@pytest.mark.parametrize("task", ["frames", "stance"])
def test_no_duplicate_group_crosses_train_test_with_many_duplicates(task):
    for seed in range(10):
        data = synthetic(seed=seed)[task]
        for n_folds in (3, 5):
            assert_leak_free(data, ev.make_folds(data, "grouped_kfold", n_folds, seed))
        folds = ev.make_folds(data, "leave_one_outlet_out", None, seed)
        assert_leak_free(data, folds)
        for _, test in folds:  # one outlet per test fold
            assert len(set(data.outlets[test])) == 1


def test_folds_are_stratified():
    data = synthetic(n_groups=300, seed=1, max_dup=3)
    frames, stance = data["frames"], data["stance"]
    for seed in range(3):
        for _, test in ev.make_folds(frames, "grouped_kfold", 5, seed):
            # each fold holds about a fifth of every frame's positives (whole groups of <= 3)
            expected = frames.y.sum(axis=0) / 5
            assert np.all(np.abs(frames.y[test].sum(axis=0) - expected) <= 3)
        overall = np.bincount(stance.y, minlength=3) / len(stance)
        for _, test in ev.make_folds(stance, "grouped_kfold", 5, seed):
            share = np.bincount(stance.y[test], minlength=3) / len(test)
            assert np.all(np.abs(share - overall) < 0.06)


def test_folds_are_shuffled_by_seed():
    data = synthetic()["frames"]

    def test_sets(seed):
        return [tuple(test) for _, test in ev.make_folds(data, "grouped_kfold", 5, seed)]

    assert test_sets(3) == test_sets(3)
    assert test_sets(3) != test_sets(4)


def test_thresholds_never_see_the_test_fold(toy_data):
    texts, frames, _ = toy_data
    data = TaskData(
        "frames",
        FRAMES,
        True,
        texts,
        frames,
        np.array([f"g{i // 2}" for i in range(len(texts))]),
        np.array(["o"] * len(texts)),
        [f"s{i}" for i in range(len(texts))],
    )
    folds = ev.make_folds(data, "grouped_kfold", 3, seed=0)

    def run(y):
        changed = TaskData(**{**data.__dict__, "y": y})
        return ev.cross_validate(
            TfidfLogisticClassifier(labels=FRAMES, min_df=1), changed, folds=folds, inner_folds=3
        )

    before = run(frames)
    assert not np.allclose(before.fold_thresholds[0], 0.5), "thresholds were actually tuned"
    test0, train0 = folds[0][1], folds[0][0]
    flipped_test = frames.copy()
    flipped_test[test0] = 1 - flipped_test[test0]
    after = run(flipped_test)
    assert after.fold_thresholds[0] == before.fold_thresholds[0]
    np.testing.assert_allclose(after.proba[test0], before.proba[test0])
    # control: the same change on the training rows does move the thresholds
    flipped_train = frames.copy()
    flipped_train[train0] = 1 - flipped_train[train0]
    assert run(flipped_train).fold_thresholds[0] != before.fold_thresholds[0]


def test_best_thresholds_maximise_f1():
    y = np.array([[0], [0], [1], [1], [1]])
    proba = np.array([[0.1], [0.35], [0.3], [0.6], [0.9]])
    (t,) = ev.best_thresholds(y, proba)
    assert 0.1 < t <= 0.3  # catches all three positives, one false positive: F1 = 6/7
    assert f1_score(y[:, 0], proba[:, 0] >= t) == pytest.approx(6 / 7)


def test_scores_match_scikit_learn():
    rng = np.random.default_rng(0)
    truth, pred = rng.integers(0, 2, (200, 4)), rng.integers(0, 2, (200, 4))
    got = ev.scores(truth, pred, FRAMES)
    assert got["macro_f1"] == pytest.approx(f1_score(truth, pred, average="macro"))
    assert got["micro_f1"] == pytest.approx(f1_score(truth, pred, average="micro"))
    assert got["per_label"]["neutrality"]["support"] == truth[:, 1].sum()
    # stance: one-hot indicators, micro-F1 = accuracy
    y, p = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    one_hot = ev.scores(ev.indicator_matrix(y, False, 3), ev.indicator_matrix(p, False, 3), STANCE)
    assert one_hot["micro_f1"] == pytest.approx(np.mean(y == p))
    assert one_hot["macro_f1"] == pytest.approx(f1_score(y, p, average="macro"))


def noisy_predictions(n_groups: int, seed: int = 0, dup: int = 1):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, (n_groups, 3))
    pred = np.where(rng.random(truth.shape) < 0.8, truth, 1 - truth)
    groups = np.arange(n_groups)
    return np.repeat(truth, dup, 0), np.repeat(pred, dup, 0), np.repeat(groups, dup)


def test_bootstrap_interval_contains_estimate_and_shrinks_with_more_data():
    small = ev.cluster_bootstrap(*noisy_predictions(60), n_boot=500, seed=0)
    large = ev.cluster_bootstrap(*noisy_predictions(2000), n_boot=500, seed=0)
    for result in (small, large):
        for metric in ("macro_f1", "micro_f1"):
            m = result[metric]
            assert m["ci_low"] <= m["mean"] <= m["ci_high"]
    width = {
        k: r["macro_f1"]["ci_high"] - r["macro_f1"]["ci_low"]
        for k, r in [("s", small), ("l", large)]
    }
    assert width["l"] < width["s"] / 3


def test_bootstrap_resamples_duplicate_groups_together():
    truth, pred, groups = noisy_predictions(80, dup=5)  # every group is 5 identical rows
    clustered = ev.cluster_bootstrap(truth, pred, groups, n_boot=500)
    naive = ev.cluster_bootstrap(truth, pred, np.arange(len(groups)), n_boot=500)
    assert clustered["macro_f1"]["mean"] == naive["macro_f1"]["mean"]

    def width(r):
        return r["macro_f1"]["ci_high"] - r["macro_f1"]["ci_low"]

    assert width(clustered) > 1.5 * width(naive)  # duplicates are not independent evidence


def test_hierarchical_bootstrap_over_seeds():
    runs = [noisy_predictions(150, seed=s) for s in range(3)]
    groups = runs[0][2]
    runs = [(runs[0][0], pred, groups) for _, pred, _ in runs]  # same sentences, 3 seeds
    pooled = ev.hierarchical_bootstrap(runs, n_boot=300, seed=0)
    per_seed = [ev.scores(t, p, ["a", "b", "c"])["macro_f1"] for t, p, _ in runs]
    assert pooled["macro_f1"]["mean"] == pytest.approx(np.mean(per_seed))
    assert (
        pooled["macro_f1"]["ci_low"] <= pooled["macro_f1"]["mean"] <= pooled["macro_f1"]["ci_high"]
    )
    single = ev.hierarchical_bootstrap(runs[:1], n_boot=300, seed=0)
    assert single == ev.cluster_bootstrap(*runs[0], n_boot=300, seed=0)


def test_too_few_examples_names_the_label_and_the_fix():
    data = synthetic(n_groups=200)["frames"]
    y = data.y.copy()
    rows = np.flatnonzero(y[:, 0])
    y[rows[3:], 0] = 0  # isolation_breaking: 3 positives (duplicates may share one)
    rare = TaskData(**{**data.__dict__, "y": y})
    count = int(y[:, 0].sum())
    with pytest.raises(FramingInputError) as err:
        ev.cross_validate(MajorityClassifier(), rare, n_folds=count + 1)
    message = str(err.value)
    assert "isolation_breaking" in message and f"{count} positive" in message
    assert f"{count + 1} folds" in message and "fewer folds" in message and "merge" in message

    stance = synthetic(n_groups=200)["stance"]
    y = stance.y.copy()
    y[np.flatnonzero(y == 2)[2:]] = 1  # critical: 2 members
    with pytest.raises(FramingInputError, match=r"'critical' has 2 examples, fewer than the 5"):
        ev.make_folds(TaskData(**{**stance.__dict__, "y": y}), "grouped_kfold", 5, 0)


def test_labelled_set_with_another_schema_is_refused(labelled_set, schema):
    raw = schema.to_dict()
    raw["frames"][0]["name"] = "renamed_frame"
    other = LabelSchema.from_dict(raw)
    with pytest.raises(FramingInputError, match="do not match the task schema"):
        task_data(labelled_set, "frames", other)


def test_cross_validation_predicts_every_row_once(labelled_set, schema):
    data = task_data(labelled_set, "stance", schema)
    result = ev.cross_validate(MajorityClassifier(labels=data.labels), data, n_folds=4, seed=1)
    assert set(result.fold) == {0, 1, 2, 3}
    assert np.all(result.pred.sum(axis=1) == 1), "stance: exactly one class per sentence"
    assert result.fold_thresholds == [None] * 4
