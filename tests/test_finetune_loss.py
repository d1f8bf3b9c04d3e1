"""The fine-tuned transformer's class-weighted loss and frozen embedding table.

Unweighted, the 4-epoch fine-tune on the seed set learned only the label prior (no frame ever
predicted), so the weighting is what makes this family a real competitor: these tests pin the
weights to scikit-learn's ``class_weight="balanced"`` rule, the loss to its formula, and the
frozen token-embedding table to staying bit-identical through training."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight

from framing.models.encoders import packaged_encoder_path
from framing.models.finetune import (
    FineTunedTransformerClassifier,
    balanced_weights,
    weighted_loss,
)

from conftest import fit

try:
    import torch
except ImportError:  # no [transformers] extra: every test here is skipped (and fails on CI)
    torch = None

pytestmark = pytest.mark.extra("transformers")


def test_frame_weights_are_negatives_over_positives():
    y = np.array([[1, 0, 0], [0, 0, 1], [0, 0, 1], [0, 0, 0]])
    # 1 of 4, none (nothing to weight), 2 of 4
    assert balanced_weights(y, multi_label=True, n_labels=3).tolist() == [3.0, 1.0, 1.0]


def test_stance_weights_match_scikit_learn_balanced():
    y = np.array([0, 0, 0, 1, 2, 2])
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_allclose(balanced_weights(y, False, 3), expected)


def test_stance_class_missing_from_training_gets_a_weight():
    # a fold without the rarest class: the weight vector still has one entry per output
    y = np.array([0, 0, 2])
    weights = balanced_weights(y, False, 3)
    assert weights.shape == (3,)
    np.testing.assert_allclose(weights, [0.75, 1.0, 1.5])


def test_weighted_bce_is_pos_weight_times_positive_term():
    y = np.array([[1, 0], [0, 0], [0, 0], [0, 1]])  # pos_weight 3 and 3
    loss = weighted_loss(y, True, 2, "balanced")
    logits = torch.zeros(4, 2)  # sigmoid 0.5: each term is log 2, positives x3
    value = loss({"logits": logits}, torch.tensor(y, dtype=torch.float32))
    assert value.item() == pytest.approx(math.log(2) * (3 + 3 + 6 * 1) / 8)
    unweighted = weighted_loss(y, True, 2, None)({"logits": logits}, torch.tensor(y).float())
    assert unweighted.item() == pytest.approx(math.log(2))


def test_weighted_cross_entropy_up_weights_the_rare_class():
    y = np.array([0, 0, 0, 1])
    loss = weighted_loss(y, False, 2, "balanced")
    # confident in class 0 everywhere: the one class-1 row's error is weighted 3x class 0's
    logits = torch.tensor([[2.0, 0.0]] * 4)
    value = loss({"logits": logits}, torch.tensor(y)).item()
    w = balanced_weights(y, False, 2)
    right, wrong = math.log(1 + math.exp(-2)), math.log(1 + math.exp(2))
    expected = (3 * w[0] * right + w[1] * wrong) / (3 * w[0] + w[1])  # torch's weighted mean
    assert value == pytest.approx(expected)


def test_unknown_class_weight_is_refused():
    with pytest.raises(ValueError, match="class_weight"):
        weighted_loss(np.array([0, 1]), False, 2, "inverse")


@pytest.mark.slow
def test_frozen_embedding_table_does_not_move_but_the_encoder_does(toy_data, schema):
    texts, frames, _ = toy_data
    model = FineTunedTransformerClassifier(max_steps=3, batch_size=8, random_state=0)
    fit(model, texts[:24], frames[:24], schema.labels("frames"))
    trained = dict(model.model_.named_parameters())
    from transformers import AutoModelForSequenceClassification

    pretrained = dict(
        AutoModelForSequenceClassification.from_pretrained(
            str(packaged_encoder_path()), num_labels=4, local_files_only=True
        ).named_parameters()
    )
    table = "bert.embeddings.word_embeddings.weight"
    assert torch.equal(trained[table], pretrained[table])
    layer = "bert.encoder.layer.5.output.dense.weight"
    assert not torch.equal(trained[layer], pretrained[layer])
