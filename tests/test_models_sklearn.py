"""The scikit-learn families (majority, lexicon, tfidf_lr, tfidf_svm) on both tasks:
fit/predict contract, learning on held-out toy data, save/load round trips, folds with a
missing label, the skops allow-list, and no torch import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, f1_score

from framing.errors import FramingInputError
from framing.models import family_class
from framing.models.lexicon import LexiconClassifier
from framing.models.sklearn_io import dump_sklearn, load_sklearn
from framing.models.tfidf import WEIGHTS_FILE, TfidfLogisticClassifier, TfidfSVMClassifier

from conftest import PROJECT_ROOT, fit

FAMILIES = ["majority", "lexicon", "tfidf_lr", "tfidf_svm"]
LEARNING_FAMILIES = ["lexicon", "tfidf_lr", "tfidf_svm"]
TASKS = ["frames", "stance"]

# Cue words for the toy sentences of conftest._toy_texts (the seed codebook's stance cues barely
# occur there). "isolat" and "condemn" also exercise prefix matching.
TOY_CODEBOOK = {
    "isolation_breaking": {"cues": ["isolat", "partners"]},
    "neutrality": {"cues": ["bamboo", "balance", "neutral"]},
    "historical_friendship": {"cues": ["soviet", "treaty", "history"]},
    "western_criticism": {"cues": ["condemn", "sanction", "criticism"]},
    "favourable": {"cues": ["soviet", "treaty", "friendship"]},
    "neutral": {"cues": []},
    "critical": {"cues": ["condemn", "sanction", "warned"]},
}


def make_model(family: str, schema, codebook: dict | None = None):
    if family == "lexicon":
        return LexiconClassifier(codebook=codebook or schema.codebook())
    if family in ("tfidf_lr", "tfidf_svm"):
        return family_class(family)(random_state=0)
    return family_class(family)()


def task_targets(toy_data, task):
    texts, frames, stance = toy_data
    return texts, (frames if task == "frames" else stance)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("family", FAMILIES)
def test_predict_proba_follows_label_order(family, task, toy_data, schema):
    texts, y = task_targets(toy_data, task)
    labels = schema.labels(task)
    model = fit(make_model(family, schema), texts, y, labels)
    proba = model.predict_proba(texts)

    assert model.labels_ == labels
    assert proba.shape == (len(texts), len(labels))
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    if task == "stance":
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    truth = y if task == "frames" else np.eye(len(labels), dtype=int)[y]
    if family == "majority":
        np.testing.assert_allclose(proba[0], truth.mean(axis=0))
        return
    # column j must be label j: higher on the sentences that carry label j than on the others
    for j, label in enumerate(labels):
        if truth[:, j].any() and not truth[:, j].all():
            on, off = proba[truth[:, j] == 1, j].mean(), proba[truth[:, j] == 0, j].mean()
            if family == "lexicon" and task == "stance" and label == "neutral":
                continue  # no cues: neutral is the default, not something the rule detects
            assert on > off, f"{family}/{task}: column {label} does not track label {label}"
    assert len(model.predict(texts)) == len(texts)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("family", LEARNING_FAMILIES)
def test_beats_chance_on_held_out_toy_data(family, task, toy_data, schema):
    texts, y = task_targets(toy_data, task)
    train, test = slice(0, 40), slice(40, None)
    model = make_model(family, schema, codebook=TOY_CODEBOOK)
    fit(model, texts[train], y[train], schema.labels(task))
    decisions = model.predict_indicators(texts[test])
    if task == "frames":
        # guessing each frame at its prevalence gives macro-F1 ~ mean prevalence (~0.25 here);
        # flagging every frame gives ~0.4
        assert f1_score(y[test], decisions, average="macro", zero_division=0) >= 0.6
    else:
        predicted = decisions.argmax(axis=1)
        majority_share = np.bincount(y[test]).max() / len(y[test])
        assert accuracy_score(y[test], predicted) > majority_share
        # a uniform guess over three classes gives macro-F1 ~ 0.33
        assert f1_score(y[test], predicted, average="macro") >= 0.5


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("family", FAMILIES)
def test_save_then_load_gives_identical_probabilities(family, task, toy_data, schema, tmp_path):
    texts, y = task_targets(toy_data, task)
    model = fit(make_model(family, schema), texts[:40], y[:40], schema.labels(task))
    if task == "frames":
        model.set_thresholds(np.array([0.3, 0.4, 0.5, 0.6]))
    files = model.save_weights(tmp_path / "weights")
    assert all((tmp_path / "weights" / name).exists() for name in files)
    assert not any(name.endswith((".pkl", ".pickle", ".joblib")) for name in files)

    loaded = type(model).load_weights(tmp_path / "weights", model.get_params())
    unseen = [*texts[40:], "A sentence about nothing in particular.", ""]
    assert np.array_equal(model.predict_proba(unseen), loaded.predict_proba(unseen))
    assert np.array_equal(model.thresholds_, loaded.thresholds_)
    assert loaded.labels_ == model.labels_ and loaded.multi_label_ == model.multi_label_


@pytest.mark.parametrize("family", FAMILIES)
def test_fold_without_a_frame_still_fits(family, toy_data, schema):
    texts, frames, _ = toy_data
    absent = 3  # western_criticism never occurs in this training fold
    keep = frames[:, absent] == 0
    train_texts = [t for t, k in zip(texts, keep, strict=True) if k]
    model = fit(make_model(family, schema), train_texts, frames[keep], schema.labels("frames"))
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), 4) and np.isfinite(proba).all()
    if family == "lexicon":
        # no evidence either way: a cue hit keeps the rule's add-one 1/2, no hit gets 1/(n+2)
        hit = model.cue_hits(texts)[:, absent] > 0
        assert hit.any() and not hit.all()
        np.testing.assert_allclose(proba[hit, absent], 0.5)
        np.testing.assert_allclose(proba[~hit, absent], 1 / (keep.sum() + 2))
        return
    # nothing was learned about the absent frame: it is never predicted
    assert (proba[:, absent] < 0.5).all()
    if family in ("tfidf_lr", "tfidf_svm"):
        assert isinstance(model.estimators_[absent], DummyClassifier)
        assert (proba[:, absent] == 0).all()


@pytest.mark.parametrize("family", FAMILIES)
def test_fold_without_a_stance_class_still_fits(family, toy_data, schema):
    texts, _, stance = toy_data
    keep = stance != 0  # no favourable sentence in this training fold
    train_texts = [t for t, k in zip(texts, keep, strict=True) if k]
    model = fit(make_model(family, schema), train_texts, stance[keep], schema.labels("stance"))
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1) != 0).all()


def test_svm_calibration_falls_back_for_rare_frames(toy_data):
    texts, frames, _ = toy_data
    y = frames.copy()
    y[:, 0] = 0
    y[5, 0] = 1  # one positive: no stratified calibration possible -> constant prior
    y[:, 1] = 0
    y[[3, 9], 1] = 1  # two positives: calibration with 2 folds instead of 3
    model = fit(TfidfSVMClassifier(cv=3, random_state=0), texts, y, list("abcd"))
    assert isinstance(model.estimators_[0], DummyClassifier)
    np.testing.assert_allclose(model.predict_proba(texts)[:, 0], 1 / len(texts))
    assert isinstance(model.estimators_[1], CalibratedClassifierCV)
    assert model.estimators_[1].cv == 2
    assert model.estimators_[2].cv == 3


def test_lexicon_matches_cue_prefixes_at_word_starts(schema):
    model = LexiconClassifier(codebook=schema.codebook())
    texts = [
        "Vietnam pursues the diversification of its partnerships.",  # cue "diversif"
        "Hanoi's bamboo diplomacy keeps it neutral between great   powers.",
        "Officials met at the embassy.",  # "embassy" is a western_criticism cue
        "Nothing here: prediversified, unbalanced.",  # cues only inside words do not count
    ]
    y = np.array([[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    fit(model, texts, y, schema.labels("frames"))
    hits = model.cue_hits(texts)
    assert hits[0, 1] == 1
    assert hits[1, 1] == 3  # bamboo, neutral, "great powers" across extra spaces
    assert hits[2, 3] == 1
    assert hits[3].sum() == 0


def test_lexicon_fit_only_calibrates_the_rule(schema):
    """Fit learns how much a hit is worth (here: nothing good), never new words."""
    book = {"a": {"cues": ["alpha"]}, "b": {"cues": ["beta"]}}
    texts = ["alpha one", "alpha two", "alpha three", "gamma", "gamma two", "delta"]
    y = np.array([[0, 0], [0, 0], [0, 1], [1, 0], [1, 0], [1, 1]])
    model = fit(LexiconClassifier(codebook=book), texts, y, ["a", "b"])
    # a-cue hits 3 sentences, none carrying a: P(a|hit) = (0+1)/(3+2); P(a|no hit) = (3+1)/(3+2)
    np.testing.assert_allclose(model.p_hit_[0], 1 / 5)
    np.testing.assert_allclose(model.p_miss_[0], 4 / 5)
    # "gamma" always meant a in training, but it is not a cue, so it is not learned
    proba = model.predict_proba(["gamma gamma", "alpha", "epsilon"])
    np.testing.assert_allclose(proba[:, 0], [4 / 5, 1 / 5, 4 / 5])


def test_lexicon_stance_without_cues_is_the_default(schema):
    model = LexiconClassifier(codebook=schema.codebook())
    texts = ["They praised the success.", "The talks took place.", "A new agreement on oil."]
    fit(model, texts, np.array([0, 1, 1]), schema.labels("stance"))
    assert list(model.predict(["Leaders signed documents on energy."])) == ["neutral"]
    assert model.predict_labels(["Putin praised the partnership."]) == ["favourable"]


def test_lexicon_needs_a_codebook_with_the_task_labels(schema, toy_data):
    texts, frames, _ = toy_data
    with pytest.raises(FramingInputError, match="codebook"):
        fit(LexiconClassifier(), texts, frames, schema.labels("frames"))
    with pytest.raises(FramingInputError, match="neutrality"):
        fit(
            LexiconClassifier(codebook={"isolation_breaking": {"cues": ["x"]}}),
            texts,
            frames,
            schema.labels("frames"),
        )


def test_the_schemas_codebook_covers_frames_and_stance(schema):
    book = schema.codebook()
    assert set(book) == set(schema.labels("frames")) | set(schema.labels("stance"))
    assert "diversif" in book["neutrality"]["cues"]
    assert book["neutral"]["cues"] == []
    json.dumps(book)  # the checkpoint stores it among the parameters


def _dangerous_function():  # pragma: no cover - only its name is stored
    return None


class NotAllowed:
    def __init__(self):
        self.payload = 1


@pytest.mark.parametrize(
    "payload, type_name",
    [(os.system, "system"), (NotAllowed(), "NotAllowed"), (_dangerous_function, "_dangerous")],
)
def test_skops_file_with_unexpected_type_is_refused(payload, type_name, toy_data, tmp_path):
    texts, frames, _ = toy_data
    model = fit(TfidfLogisticClassifier(random_state=0), texts, frames, list("abcd"))
    folder = tmp_path / "weights"
    model.save_weights(folder)
    # replace the weights with a file that carries a type outside the allow-list
    dump_sklearn({"features": model.features_, "estimators": [payload] * 4}, folder / WEIGHTS_FILE)
    with pytest.raises(FramingInputError, match=type_name) as err:
        TfidfLogisticClassifier.load_weights(folder, model.get_params())
    assert str(folder / WEIGHTS_FILE) in str(err.value)


def test_skops_missing_or_broken_file_names_it(tmp_path):
    with pytest.raises(FramingInputError, match="missing"):
        load_sklearn(tmp_path / "nope.skops")
    broken = tmp_path / "broken.skops"
    broken.write_text("not a zip archive")
    with pytest.raises(FramingInputError, match="broken.skops"):
        load_sklearn(broken)


def _run_python(code: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )


def test_sklearn_families_do_not_import_torch():
    result = _run_python(
        "import framing.models.tfidf, framing.models.lexicon, framing.models.majority; "
        "import sys; assert 'torch' not in sys.modules"
    )
    assert result.returncode == 0, result.stderr


def test_tfidf_save_and_load_do_not_import_torch(tmp_path):
    """skops' import walks scikit-learn's packages, one of which imports torch; we block it."""
    code = f"""
import sys
from framing.models.tfidf import TfidfSVMClassifier
texts = ["bamboo balance", "soviet treaty", "bamboo neutral", "soviet history"] * 4
model = TfidfSVMClassifier(min_df=1).fit(texts, ["x", "y", "x", "y"] * 4)
model.save_weights({str(tmp_path)!r})
TfidfSVMClassifier.load_weights({str(tmp_path)!r}, model.get_params())
assert 'torch' not in sys.modules, 'torch was imported'
import importlib.util
assert importlib.util.find_spec('torch') is not None  # the block is lifted again
"""
    result = _run_python(code)
    assert result.returncode == 0, result.stderr
