"""The families are scikit-learn estimators and the folds are scikit-learn splitters: clone,
get_params/set_params, cross_val_score with groups and GridSearchCV work on them."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV, cross_val_score

from framing.evaluate import DuplicateGroupKFold, LeaveOneOutletOut
from framing.evaluate.thresholds import InnerCVThresholdClassifier
from framing.models.lexicon import LexiconClassifier
from framing.models.tfidf import TfidfLogisticClassifier


@pytest.fixture(scope="module")
def stance(labelled_set, schema):
    """The seed set's stance task as a scikit-learn user has it: texts, class names, groups."""
    names = schema.stance_names
    y = np.array([names[i] for i in labelled_set["stance"]], dtype=object)
    return list(labelled_set["text"]), y, np.array(labelled_set["dup_group"])


@pytest.fixture(scope="module")
def frames(labelled_set, schema):
    y = np.zeros((len(labelled_set), len(schema.frame_names)), dtype=int)
    for i, row in enumerate(labelled_set["frames"]):
        y[i, row] = 1
    return list(labelled_set["text"]), y, np.array(labelled_set["dup_group"])


def families(schema):
    return [TfidfLogisticClassifier(min_df=2), LexiconClassifier(codebook=schema.to_dict())]


def test_clone_and_params_round_trip(schema):
    for model in families(schema):
        assert is_classifier(model)
        copy = clone(model.set_params(labels=schema.stance_names))
        assert copy.get_params() == model.get_params() and copy is not model
        assert copy.get_params(deep=True)["labels"] == schema.stance_names
        assert (
            copy.set_params(smoothing=2.0).smoothing == 2.0
            if "smoothing" in copy.get_params()
            else True
        )


def test_cross_val_score_with_groups_on_two_families(schema, stance):
    texts, y, groups = stance
    splitter = DuplicateGroupKFold(n_splits=3, random_state=0)
    for model in families(schema):
        scores = cross_val_score(
            model.set_params(labels=schema.stance_names), texts, y, groups=groups,
            cv=splitter, scoring="f1_macro",
        )  # fmt: skip
        assert scores.shape == (3,) and np.all((scores > 0.2) & (scores <= 1))
    # the splitter never puts one duplicate group on both sides
    for train, test in splitter.split(texts, y, groups):
        assert not set(groups[train]) & set(groups[test])


def test_grid_search_on_two_families(schema, stance):
    texts, y, groups = stance
    cv = DuplicateGroupKFold(n_splits=3, random_state=0)
    grids = [
        (TfidfLogisticClassifier(labels=schema.stance_names), {"C": [0.5, 4.0]}),
        (LexiconClassifier(labels=schema.stance_names, codebook=schema.to_dict()),
         {"smoothing": [0.5, 1.0]}),
    ]  # fmt: skip
    for model, grid in grids:
        search = GridSearchCV(model, grid, cv=cv, scoring="f1_macro").fit(texts, y, groups=groups)
        assert set(search.best_params_) == set(grid)
        assert list(search.best_estimator_.classes_) == schema.stance_names
        assert set(search.predict(texts[:5])) <= set(schema.stance_names)


def test_multi_label_targets_by_matrix_or_by_name_lists(schema, frames):
    texts, y, _ = frames
    by_matrix = TfidfLogisticClassifier(labels=schema.frame_names).fit(texts, y)
    names = [[schema.frame_names[j] for j in np.flatnonzero(row)] for row in y]
    by_names = TfidfLogisticClassifier(labels=schema.frame_names).fit(texts, names)
    np.testing.assert_allclose(
        by_matrix.predict_proba(texts), by_names.predict_proba(texts), rtol=0, atol=1e-12
    )
    assert by_matrix.predict(texts[:3]).shape == (3, len(schema.frame_names))
    assert all(set(row) <= set(schema.frame_names) for row in by_matrix.predict_labels(texts))


def test_labels_are_inferred_as_scikit_learn_does(stance):
    texts, y, _ = stance
    model = TfidfLogisticClassifier().fit(texts, y)
    assert list(model.classes_) == sorted(set(y))  # sorted, like every scikit-learn classifier
    proba = model.predict_proba(texts[:4])
    assert proba.shape == (4, 3) and np.allclose(proba.sum(axis=1), 1)


def test_a_class_outside_the_labels_is_refused(schema, stance):
    texts, y, _ = stance
    bad = y.copy()
    bad[0] = "hostile"
    with pytest.raises(ValueError, match="hostile"):
        TfidfLogisticClassifier(labels=schema.stance_names).fit(texts, bad)


def test_thresholds_meta_estimator_tunes_inside_its_training_data(schema, frames):
    texts, y, groups = frames
    meta = InnerCVThresholdClassifier(
        TfidfLogisticClassifier(labels=schema.frame_names), inner_folds=3, random_state=1
    )
    scores = cross_val_score(
        meta, texts, y, groups=groups, cv=DuplicateGroupKFold(3), scoring="f1_macro",
        params={"groups": groups},
    )  # fmt: skip
    assert scores.shape == (3,)
    fitted = clone(meta).fit(texts, y, groups=groups)
    assert fitted.thresholds_.shape == (4,) and not np.allclose(fitted.thresholds_, 0.5)
    np.testing.assert_array_equal(fitted.estimator_.thresholds_, fitted.thresholds_)


def test_leave_one_outlet_out_drops_copies_of_the_test_outlet(labelled_set):
    outlets = np.array(labelled_set["outlet"])
    groups = np.array(labelled_set["dup_group"])
    splitter = LeaveOneOutletOut(duplicate_groups=groups)
    folds = list(splitter.split(list(labelled_set["text"]), None, outlets))
    assert len(folds) == splitter.get_n_splits(groups=outlets) == len(set(outlets))
    for train, test in folds:
        assert len(set(outlets[test])) == 1
        assert not set(groups[train]) & set(groups[test])
