"""The families are scikit-learn estimators and the folds are scikit-learn splitters: clone,
get_params/set_params, cross_val_score with groups and GridSearchCV work on them, with and
without metadata routing; scikit-learn's own estimator checks run on text-adapted families
with their expected failures listed; an estimator's state is its own (no attribute created
while predicting, a bounded embedding store)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import (
    GridSearchCV,
    cross_val_predict,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from framing.checkpoint import load_checkpoint, save_checkpoint
from framing.errors import FramingInputError, FramingWarning
from framing.evaluate import DuplicateGroupKFold, LeaveOneOutletOut
from framing.evaluate.thresholds import InnerCVThresholdClassifier
from framing.models import FAMILIES, family_class
from framing.models.base import FramingClassifier
from framing.models.encoders import DEFAULT_STORE_BYTES, SHARED_STORE, EmbeddingStore
from framing.models.lexicon import LexiconClassifier
from framing.models.majority import MajorityClassifier
from framing.models.tfidf import TfidfLogisticClassifier, TfidfSVMClassifier


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
            model.set_params(labels=schema.stance_names),
            texts,
            y,
            groups=groups,
            cv=splitter,
            scoring="f1_macro",
        )
        assert scores.shape == (3,) and np.all((scores > 0.2) & (scores <= 1))
    # the splitter never puts one duplicate group on both sides
    for train, test in splitter.split(texts, y, groups):
        assert not set(groups[train]) & set(groups[test])


def test_grid_search_on_two_families(schema, stance):
    texts, y, groups = stance
    cv = DuplicateGroupKFold(n_splits=3, random_state=0)
    grids = [
        (TfidfLogisticClassifier(labels=schema.stance_names), {"C": [0.5, 4.0]}),
        (
            LexiconClassifier(labels=schema.stance_names, codebook=schema.to_dict()),
            {"smoothing": [0.5, 1.0]},
        ),
    ]
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
        meta,
        texts,
        y,
        groups=groups,
        cv=DuplicateGroupKFold(3),
        scoring="f1_macro",
        params={"groups": groups},
    )
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


# ---------------------------------------------------------------------------- scikit-learn edges
def test_an_unfitted_family_raises_not_fitted_error():
    for family in FAMILIES:
        model = family_class(family)()
        with pytest.raises(NotFittedError):
            model.predict_proba(["A sentence."])
        with pytest.raises(NotFittedError):
            model.predict_labels(["A sentence."])
    with pytest.raises(NotFittedError):
        InnerCVThresholdClassifier(TfidfLogisticClassifier()).predict_proba(["A sentence."])


def test_constructors_take_keywords_only():
    for family in FAMILIES:
        with pytest.raises(TypeError):
            family_class(family)(["a", "b"])  # labels given by position
    with pytest.raises(TypeError):
        InnerCVThresholdClassifier(TfidfLogisticClassifier(), 3)
    with pytest.raises(TypeError):
        DuplicateGroupKFold(3, 1)


def test_splitters_are_cross_validators_that_ask_for_groups():
    from sklearn.model_selection import BaseCrossValidator

    for splitter in (DuplicateGroupKFold(3), LeaveOneOutletOut()):
        assert isinstance(splitter, BaseCrossValidator)
        assert splitter.get_metadata_routing().split.requests["groups"] is True


def test_grid_search_and_inner_thresholds_receive_groups_under_metadata_routing(schema, frames):
    """With routing on, GridSearchCV hands the duplicate groups to the splitter and to the
    threshold meta-estimator's inner cross-validation, whose folds then deal out groups."""
    texts, y, groups = frames
    meta = InnerCVThresholdClassifier(
        TfidfLogisticClassifier(labels=schema.frame_names), inner_folds=2, random_state=0
    )
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            meta, {"estimator__C": [1.0, 4.0]}, cv=DuplicateGroupKFold(3), scoring="f1_macro"
        ).fit(texts, y, groups=groups)
        assert search.best_estimator_.n_inner_groups_ == len(np.unique(groups)) < len(texts)
        folds = cross_validate(
            meta,
            texts,
            y,
            params={"groups": groups},
            cv=DuplicateGroupKFold(3),
            return_estimator=True,
            return_indices=True,
            scoring="f1_macro",
        )
    for fitted, train in zip(folds["estimator"], folds["indices"]["train"], strict=True):
        assert fitted.n_inner_groups_ == len(np.unique(groups[train]))


def test_inner_thresholds_without_groups_say_so(schema, frames):
    texts, y, _ = frames
    meta = InnerCVThresholdClassifier(TfidfLogisticClassifier(labels=schema.frame_names))
    with pytest.warns(FramingWarning, match="no duplicate groups"):
        fitted = meta.fit(texts, y)
    assert fitted.n_inner_groups_ == len(texts)


def test_cross_val_predict_probabilities_for_the_lexicon(schema, stance):
    """cross_val_predict encodes the classes as integers before fitting: the lexicon reads
    them as scikit-learn's codes of its label names and finds their cues."""
    texts, y, groups = stance
    model = LexiconClassifier(labels=schema.stance_names, codebook=schema.to_dict())
    cv = DuplicateGroupKFold(3, random_state=0)
    proba = cross_val_predict(model, texts, y, groups=groups, cv=cv, method="predict_proba")
    decided = cross_val_predict(model, texts, y, groups=groups, cv=cv)
    assert proba.shape == (len(texts), 3) and np.allclose(proba.sum(axis=1), 1)
    assert list(np.array(sorted(schema.stance_names))[proba.argmax(axis=1)]) == list(decided)
    with pytest.raises(FramingInputError, match="integer codes"):
        LexiconClassifier(codebook=schema.to_dict()).fit(
            texts, np.unique(y, return_inverse=True)[1]
        )


def rows_as_texts(X):
    """scikit-learn's checks feed numbers: each row becomes a text of feature=value tokens."""
    rows = np.asarray(X, dtype=float)
    return [" ".join(f"f{j}v{round(float(v))}" for j, v in enumerate(row)) for row in rows]


#: the checks a text family fails by design, each with the reason (the adapter turns numeric
#: rows into texts, so the checks about numeric input validation test the adapter)
TEXT_FAMILY_FAILURES = {
    "check_n_features_in_after_fitting": "texts have no feature count to check",
    "check_classifiers_train": "texts have no feature count to check in predict",
    "check_classifiers_train(readonly_memmap=True)": "texts have no feature count",
    "check_classifiers_train(readonly_memmap=True,X_dtype=float32)": "texts have no feature count",
    "check_fit2d_predict1d": "a 1-d X is a sequence of texts, which predict takes",
    "check_fit1d": "a 1-d X is a sequence of texts, which fit takes",
    "check_estimators_nan_inf": "NaN in a number becomes the text 'nan', not an error",
    "check_estimator_sparse_tag": "the adapter does not take sparse matrices",
    "check_estimator_sparse_array": "the adapter does not take sparse matrices",
    "check_estimator_sparse_matrix": "the adapter does not take sparse matrices",
    "check_estimators_empty_data_messages": "zero features make empty texts (no vocabulary)",
    "check_supervised_y_2d": "a 2-d y is a multi-label indicator matrix, not a column",
    "check_estimators_overwrite_params": "the pipeline's steps hold the fitted family itself",
    "check_dont_overwrite_parameters": "the pipeline's steps hold the fitted family itself",
}


@parametrize_with_checks(
    [
        make_pipeline(FunctionTransformer(rows_as_texts), MajorityClassifier()),
        make_pipeline(FunctionTransformer(rows_as_texts), TfidfLogisticClassifier(min_df=1)),
        make_pipeline(FunctionTransformer(rows_as_texts), TfidfSVMClassifier(min_df=1)),
    ],
    expected_failed_checks=lambda estimator: TEXT_FAMILY_FAILURES,
    xfail_strict=True,  # a check that starts to pass must leave the list
)
def test_scikit_learn_checks_on_text_adapted_families(estimator, check):
    """scikit-learn's estimator checks (its numeric data turned into texts). The lexicon is
    left out: its cues are looked up by label name, and the checks' classes have none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FramingWarning)
        check(estimator)


# ---------------------------------------------------------------------------- state
class CountingClassifier(FramingClassifier):
    """A family that predicts the training prior and counts its predict_proba calls."""

    family = "counting"

    def __init__(self, *, labels=None):
        self.labels = labels

    def _fit(self, texts, y):
        self.prior_ = y.mean(axis=0) if self.multi_label_ else np.bincount(y) / len(y)
        self.calls_ = 0

    def _predict_proba(self, X):
        self.calls_ += 1
        return np.tile(self.prior_, (len(X), 1))

    def _save(self, folder):
        return []

    def _load(self, folder):
        pass


def test_predict_frame_classifies_once(schema, frames):
    texts, y, _ = frames
    model = CountingClassifier(labels=schema.frame_names).fit(texts, y)
    out = model.predict_frame(pd.DataFrame({"text": texts[:7]}))
    assert model.calls_ == 1 and len(out) == 7
    assert out[[f"pred:{f}" for f in schema.frame_names]].to_numpy().tolist() == (
        model.predict(texts[:7]).tolist()
    )


def test_the_embedding_store_is_bounded():
    store = EmbeddingStore(max_bytes=3 * 4 * 8)  # room for three 8-dimensional float32 vectors
    for i in range(5):
        store.put("enc", f"text {i}", np.full(8, i, dtype=np.float32))
    assert len(store) == 3 and store.nbytes <= store.max_bytes
    assert store.get("enc", "text 0") is None and store.get("enc", "text 4") is not None
    store.get("enc", "text 2")  # used: it outlives text 3
    store.put("enc", "text 5", np.zeros(8, dtype=np.float32))
    assert store.get("enc", "text 2") is not None and store.get("enc", "text 3") is None
    assert SHARED_STORE.max_bytes == DEFAULT_STORE_BYTES


@pytest.mark.extra("transformers")
def test_predicting_adds_no_attribute_to_a_fitted_or_loaded_model(tmp_path, schema, toy_data):
    texts, frames, _ = toy_data
    model = family_class("embedding_lr")(labels=schema.frame_names).fit(texts[:30], frames[:30])
    save_checkpoint(model, tmp_path / "ckpt", schema=schema, task="frames")
    for estimator in (model, load_checkpoint(tmp_path / "ckpt").model):
        before = set(vars(estimator))
        params = estimator.get_params()
        estimator.predict_proba(texts[30:35])
        assert set(vars(estimator)) == before and estimator.get_params() == params
