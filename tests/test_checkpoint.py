"""Checkpoints: identical predictions after framing.load, a model card, and refusal of
tampered, incomplete, newer-format or other-schema checkpoints."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import framing
from framing.checkpoint import (
    FORMAT_VERSION,
    INFO_FILE,
    decode_params,
    encode_params,
    model_card,
    save_checkpoint,
    training_data_summary,
)
from framing.checkpoint.card import PACKAGED_ENCODER_ID, base_model
from framing.data import LabelSchema
from framing.errors import FramingInputError
from framing.io import sha256_file
from framing.models import FAMILIES, family_class

from conftest import PROJECT_ROOT, fit

ENCODER_FAMILIES = {
    "embedding_lr",
    "setfit",
    "finetune",
    "zeroshot",
    "cues_embedding_lr",
    "definition_pairs",
}
#: encoder families that train no transformer (only a head over cached embeddings)
FAST_ENCODER_FAMILIES = {"cues_embedding_lr", "definition_pairs"}
# Few training steps for the encoder families; a key is used only if the family takes it.
TINY = {"max_steps": 2, "num_epochs": 1, "num_iterations": 1, "batch_size": 8, "max_length": 32}
NEW_TEXTS = [
    "Moscow looks for partners to escape isolation after the sanctions.",
    "Hanoi keeps its bamboo balance and refuses to take sides.",
    "The treaty recalls decades of Soviet friendship.",
    "Washington condemned the visit and warned of sanctions.",
    "The leaders discussed energy agreements.",
]


def family_params(family: str, schema: LabelSchema) -> dict:
    cls = family_class(family)
    accepted = inspect.signature(cls.__init__).parameters
    params = {k: v for k, v in TINY.items() if k in accepted and family in ENCODER_FAMILIES}
    if "codebook" in accepted:
        params["codebook"] = schema.codebook()
    if "min_df" in accepted:
        params["min_df"] = 1  # 60 toy sentences
    if "cv" in accepted:
        params["cv"] = 2
    return params


def holdout_metrics(model_factory, texts, y, labels, multi_label) -> dict:
    """Real (if tiny) held-out scores so the card shows numbers it was given."""
    from sklearn.metrics import f1_score

    model = fit(model_factory(), texts[:40], y[:40], labels)
    pred = model.predict_indicators(texts[40:])
    true = y[40:] if multi_label else np.eye(len(labels), dtype=int)[y[40:]]
    macro = f1_score(true, pred, average="macro", zero_division=0)
    micro = f1_score(true, pred, average="micro", zero_division=0)
    return {
        "protocol": "holdout (test fixture)",
        "n_folds": 1,
        "n_sentences": len(texts),
        "macro_f1": {"mean": float(macro), "ci_low": None, "ci_high": None},
        "micro_f1": {"mean": float(micro), "ci_low": None, "ci_high": None},
        "interval": "none (test fixture)",
    }


def forget_embeddings() -> None:
    # The reloaded model must recompute embeddings, not read the process-wide store.
    encoders = sys.modules.get("framing.models.encoders")
    if encoders is not None:
        encoders.forget_embeddings()


def family_marks(family: str) -> list:
    if family not in ENCODER_FAMILIES:
        return []
    slow = [] if family in FAST_ENCODER_FAMILIES else [pytest.mark.slow]
    return [pytest.mark.extra("transformers"), *slow]


CASES = [
    pytest.param(f, t, marks=family_marks(f), id=f"{f}-{t}")
    for f in FAMILIES
    for t in (["frames", "stance"] if f in ("majority", "tfidf_lr") else ["frames"])
]


@pytest.mark.parametrize(("family", "task"), CASES)
def test_round_trip_predicts_identically(family, task, schema, toy_data, tmp_path):
    texts, frames, stance = toy_data
    y = frames if task == "frames" else stance
    labels, multi = schema.labels(task), schema.is_multi_label(task)
    params = family_params(family, schema)
    model = fit(family_class(family)(**params), texts, y, labels)
    metrics = holdout_metrics(lambda: family_class(family)(**params), texts, y, labels, multi)
    before = model.predict_proba(NEW_TEXTS)
    before_labels = model.predict_labels(NEW_TEXTS)

    folder = save_checkpoint(
        model,
        tmp_path / "ckpt",
        schema=schema,
        task=task,
        config={"model": {"name": family, **params}},
        data_sha256="0" * 64,
        metrics=metrics,
    )
    forget_embeddings()
    loaded = framing.load(folder)
    after = loaded.predict_proba(NEW_TEXTS)

    assert type(loaded.model) is type(model) and loaded.task == task
    if model.uses_torch:
        np.testing.assert_allclose(after, before, atol=1e-6, rtol=0)
    else:
        assert np.array_equal(after, before)
    assert loaded.predict_labels(NEW_TEXTS) == before_labels
    assert np.array_equal(loaded.predict(NEW_TEXTS), model.predict(NEW_TEXTS))
    assert np.array_equal(loaded.thresholds, model.thresholds_)
    info = loaded.info
    assert info["format_version"] == FORMAT_VERSION
    assert info["family"] == family and info["task"] == task and info["labels"] == labels
    for rel, digest in info["files"].items():
        assert sha256_file(folder / rel) == digest

    card = (folder / "README.md").read_text()
    assert task in card
    assert all(label in card for label in labels)
    assert f"{metrics['macro_f1']['mean']:.3f}" in card
    assert "framing.load" in card and "framing predict" in card
    # Hugging Face reads the card's metadata, with the cross-validated score as a result
    from huggingface_hub import ModelCard

    hf = ModelCard.load(folder / "README.md")
    assert hf.data.library_name == "framing" and family in hf.data.tags
    (result,) = hf.data.eval_results
    assert result.metric_value == pytest.approx(metrics["macro_f1"]["mean"], abs=1e-4)
    # the encoder families name the encoder they were trained on
    expected_base = PACKAGED_ENCODER_ID if family in ENCODER_FAMILIES else None
    assert hf.data.base_model == expected_base


@pytest.fixture(scope="module")
def saved(tmp_path_factory, schema, toy_data) -> Path:
    texts, frames, _ = toy_data
    family = "tfidf_lr"
    model = family_class(family)(**family_params(family, schema))
    fit(model, texts, frames, schema.labels("frames"))
    return save_checkpoint(
        model,
        tmp_path_factory.mktemp("ckpt") / "checkpoint",
        schema=schema,
        task="frames",
        config=None,
        data_sha256=None,
        metrics=None,
    )


@pytest.fixture
def copy(saved, tmp_path) -> Path:
    target = tmp_path / "checkpoint"
    shutil.copytree(saved, target)
    return target


def edit_info(folder: Path, **changes) -> None:
    path = folder / INFO_FILE
    info = json.loads(path.read_text())
    info.update(changes)
    path.write_text(json.dumps(info))


def test_tampered_weight_file_is_refused(copy):
    victim = sorted((copy / "weights").iterdir())[-1]
    with victim.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(FramingInputError, match="altered") as err:
        framing.load(copy)
    assert victim.name in str(err.value)


def test_deleted_weight_file_is_refused(copy):
    victim = copy / "weights" / "state.json"
    victim.unlink()
    with pytest.raises(FramingInputError, match="missing") as err:
        framing.load(copy)
    assert "state.json" in str(err.value)


def test_unrecorded_file_in_weights_is_refused(copy):
    (copy / "weights" / "extra.json").write_text("{}")
    with pytest.raises(FramingInputError, match="extra.json"):
        framing.load(copy)


def test_newer_format_is_refused_with_upgrade_hint(copy):
    edit_info(copy, format_version=FORMAT_VERSION + 1)
    with pytest.raises(FramingInputError) as err:
        framing.load(copy)
    message = str(err.value)
    assert f"format {FORMAT_VERSION + 1}" in message and "upgrade" in message


def test_unknown_family_is_refused(copy):
    edit_info(copy, family="no_such_family")
    with pytest.raises(FramingInputError, match="no_such_family") as err:
        framing.load(copy)
    assert "tfidf_lr" in str(err.value)  # the valid choices are listed


def test_other_schema_is_refused_naming_both_label_lists(saved, schema):
    other = LabelSchema.from_dict(
        {
            "name": "another-study",
            "frames": ["economy", "security", "human_rights", "diplomacy"],
            "stance": ["pro", "anti"],
        }
    )
    with pytest.raises(FramingInputError) as err:
        framing.load(saved, expected_schema=other)
    message = str(err.value)
    assert str(schema.labels("frames")) in message and str(other.labels("frames")) in message
    # the schema it was trained with is accepted
    assert framing.load(saved, expected_schema=schema).labels == schema.labels("frames")


def test_not_a_checkpoint(tmp_path):
    with pytest.raises(FramingInputError, match="not a framing checkpoint"):
        framing.load(tmp_path)


def test_unfitted_or_mislabelled_model_is_not_saved(schema, toy_data, tmp_path):
    texts, frames, stance = toy_data
    with pytest.raises(ValueError, match="not fitted"):
        save_checkpoint(
            family_class("majority")(),
            tmp_path / "a",
            schema=schema,
            task="frames",
            config=None,
            data_sha256=None,
            metrics=None,
        )
    model = fit(family_class("majority")(), texts, stance, schema.labels("stance"))
    with pytest.raises(FramingInputError, match="labels"):
        save_checkpoint(
            model,
            tmp_path / "b",
            schema=schema,
            task="frames",
            config=None,
            data_sha256=None,
            metrics=None,
        )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_tuple_params_survive_json():
    params = {"ngram_range": (1, 2), "nested": {"pair": (0.1, 0.2)}, "names": ["a", "b"], "c": None}
    encoded = json.loads(json.dumps(encode_params(params)))
    assert decode_params(encoded) == params


def test_import_and_tfidf_load_never_import_torch(saved):
    code = (
        "import sys, framing; framing.__version__; assert 'torch' not in sys.modules; "
        "assert 'sklearn' not in sys.modules; "
        f"m = framing.load({str(saved)!r}); m.predict(['a sentence']); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_card_takes_study_text_from_the_study_only(schema, toy_data, tmp_path, study):
    """No study-specific text is built into the card: the seed study's limitations appear
    when its study is given, and generic ones otherwise."""
    texts, _, stance = toy_data
    model = fit(family_class("majority")(), texts, stance, schema.labels("stance"))
    plain = save_checkpoint(model, tmp_path / "plain", schema=schema, task="stance")
    card = (plain / "README.md").read_text()
    assert "Vietnam" not in card.split("## Limitations")[1] and "5 articles" not in card
    with_study = save_checkpoint(
        model, tmp_path / "seed", schema=schema, task="stance", study=study
    )
    card = (with_study / "README.md").read_text()
    assert "Putin's state visit to Vietnam" in card.split("## Limitations")[1]
    assert "language:\n- en\n" in card  # Hugging Face metadata from the study config


def test_the_card_shows_no_absolute_local_path(schema, toy_data, tmp_path, study, labelled_set):
    """A card is for sharing: the training file relative to the study folder, the checkpoint
    by where it sits in the study; nothing of this machine's folders."""
    texts, _, stance = toy_data
    model = fit(family_class("majority")(), texts, stance, schema.labels("stance"))
    data_file = PROJECT_ROOT / "seeds" / "sentences.jsonl"
    summary = training_data_summary(labelled_set, data_file, study.root)
    assert summary["file"] == "seeds/sentences.jsonl"
    inside = study.root / "results" / "runs" / "stance" / "checkpoint"  # where it is shown
    folder = save_checkpoint(
        model,
        tmp_path / "ckpt",
        schema=schema,
        task="stance",
        study=study,
        training_data=summary,
        data_sha256="0" * 64,
        shown_as=inside,
    )
    card = (folder / "README.md").read_text()
    assert "- Data file: `seeds/sentences.jsonl` (sha256 `" + "0" * 64 in card
    assert 'framing.load("results/runs/stance/checkpoint")' in card
    assert str(PROJECT_ROOT) not in card and str(tmp_path) not in card
    # outside the study (and in a record written before this rule): the name only
    elsewhere = training_data_summary(
        labelled_set, tmp_path / "elsewhere" / "gold.jsonl", study.root
    )
    assert elsewhere["file"] == "gold.jsonl"
    info = json.loads((folder / INFO_FILE).read_text())
    info["training_data"]["file"] = str(tmp_path / "old" / "sentences.jsonl")
    info["params"]["encoder"] = str(tmp_path / "encoders" / "my-encoder")  # a local folder
    old_card = model_card(info, tmp_path / "ckpt")
    assert "`sentences.jsonl`" in old_card and str(tmp_path) not in old_card
    assert '"encoder": "my-encoder"' in old_card


def test_license_comes_from_the_study_config(schema, toy_data, tmp_path, study):
    from huggingface_hub import ModelCard

    from framing.study import load_study
    from framing.study.init import create_study

    texts, _, stance = toy_data
    model = fit(family_class("majority")(), texts, stance, schema.labels("stance"))
    seed = save_checkpoint(model, tmp_path / "seed", schema=schema, task="stance", study=study)
    assert study.config["license"] == "other"
    assert ModelCard.load(seed / "README.md").data.license == "other"
    assert "## License\n\n`other` (the study's `license:`)" in (seed / "README.md").read_text()
    # a new study says it has not decided, and its card says so too
    create_study(tmp_path / "mine")
    mine = load_study(tmp_path / "mine")
    assert mine.config["license"] == "unknown"
    card = save_checkpoint(model, tmp_path / "m", schema=schema, task="stance", study=mine)
    assert ModelCard.load(card / "README.md").data.license == "unknown"
    assert "Not decided yet" in (card / "README.md").read_text()
    # a study without the key
    plain = save_checkpoint(model, tmp_path / "plain", schema=schema, task="stance")
    assert ModelCard.load(plain / "README.md").data.license is None
    assert "No license stated" in (plain / "README.md").read_text()


def test_base_model_is_the_encoders_hub_id(tmp_path):
    from framing.models.encoders import PACKAGED_ENCODER_NAMES

    assert PACKAGED_ENCODER_ID in PACKAGED_ENCODER_NAMES

    def record(encoder, files=("weights/head.safetensors",)):
        return {"params": {"encoder": encoder}, "files": dict.fromkeys(files, "0")}

    for name in PACKAGED_ENCODER_NAMES:
        assert base_model(record(name)) == PACKAGED_ENCODER_ID
    assert base_model(record("intfloat/multilingual-e5-small")) == "intfloat/multilingual-e5-small"
    # a local encoder: copied into the weights, or a folder that exists here; no Hub id
    assert base_model(record("my/encoder", ["weights/encoder/model.safetensors"])) is None
    (tmp_path / "enc" / "oder").mkdir(parents=True)
    assert base_model(record("enc/oder"), root=tmp_path) is None
    assert base_model(record(str(tmp_path / "enc"))) is None
    assert base_model({"params": {"C": 1.0}, "files": {}}) is None
