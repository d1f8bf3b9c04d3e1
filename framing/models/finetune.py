"""Full fine-tuning of the encoder with a classification layer (transformers ``Trainer``).

``AutoModelForSequenceClassification`` is built from the encoder's folder (a BERT model for
all-MiniLM-L6-v2; the classification layer starts random). Frames use
``problem_type="multi_label_classification"`` (one sigmoid per frame, BCE loss); stance
``"single_label_classification"`` (softmax, cross-entropy), so a stance class absent from a
training fold still has an output and simply gets a low probability.

Training runs through ``transformers.Trainer`` on CPU with no evaluation, saving or logging
integrations during training; ``max_steps > 0`` overrides ``num_epochs`` (tests use a handful
of steps). The loss is class-weighted like the scikit-learn families' (``class_weight=
"balanced"``): unweighted, 4 epochs learned only the prior on the seed set (no frame ever
predicted). The token-embedding table stays frozen by default (``freeze_embeddings``).
Saved state: ``model/`` from ``save_pretrained`` (safetensors weights, config, tokenizer).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from scipy.special import expit, softmax

from framing.models.base import FramingClassifier, as_texts
from framing.models.devices import batch_size_for, device_kind, resolve_device, training_precision
from framing.models.encoders import (
    DEFAULT_ENCODER,
    configure_torch_threads,
    is_local,
    quiet_transformers,
    resolve_encoder,
    save_base_encoder_record,
)


def balanced_weights(y: np.ndarray, multi_label: bool, n_labels: int) -> np.ndarray:
    """Loss weights that make every label count as much as its absence (multi-label:
    BCE ``pos_weight`` = negatives / positives per frame) or every class as much as any other
    (single-label: scikit-learn's ``class_weight="balanced"``, n / (k * count)).

    The same rule the scikit-learn families use, so a rare frame is not learned as "never".
    A label or class absent from the training data gets weight 1 (there is nothing to weight).
    """
    if multi_label:
        positives = y.sum(axis=0).astype(float)
        negatives = len(y) - positives
        return np.where(positives > 0, negatives / np.maximum(positives, 1.0), 1.0)
    from sklearn.utils.class_weight import compute_class_weight

    weights = np.ones(n_labels)
    present = np.unique(y)
    weights[present] = compute_class_weight("balanced", classes=present, y=y)
    return weights


def weighted_loss(y: np.ndarray, multi_label: bool, n_labels: int, class_weight: str | None):
    """A ``Trainer(compute_loss_func=...)`` loss: BCE (frames) or cross-entropy (stance),
    weighted by :func:`balanced_weights` when ``class_weight="balanced"``, plain when None."""
    if class_weight not in (None, "balanced"):
        raise ValueError(f"class_weight must be 'balanced' or None, got {class_weight!r}")
    import torch

    weights = None
    if class_weight == "balanced":
        weights = torch.tensor(balanced_weights(y, multi_label, n_labels), dtype=torch.float32)

    def loss(outputs, labels, num_items_in_batch=None):
        logits = outputs["logits"]
        if multi_label:
            return torch.nn.functional.binary_cross_entropy_with_logits(
                logits, labels.to(logits.dtype), pos_weight=weights
            )
        return torch.nn.functional.cross_entropy(logits, labels.long(), weight=weights)

    return loss


class FineTunedTransformerClassifier(FramingClassifier):
    family = "finetune"
    uses_torch = True

    def __init__(
        self,
        *,
        labels=None,
        encoder: str = DEFAULT_ENCODER,
        num_epochs: int = 6,
        max_steps: int = -1,
        batch_size: int = 8,
        learning_rate: float = 2e-4,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.1,
        max_length: int = 128,
        class_weight: str | None = "balanced",
        freeze_embeddings: bool = True,
        random_state: int = 0,
        device: str = "auto",
        predict_batch_size: int | dict = 32,
    ):
        self.labels = labels
        self.encoder = encoder
        self.num_epochs = num_epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.max_length = max_length
        self.class_weight = class_weight
        self.freeze_embeddings = freeze_embeddings
        self.random_state = random_state
        self.device = device
        self.predict_batch_size = predict_batch_size  # sentences per forward pass (per device)

    # ------------------------------------------------------------------ learning
    def _fit(self, texts, y):
        configure_torch_threads()
        quiet_transformers()
        from transformers import (
            AutoModelForSequenceClassification,
            AutoTokenizer,
            DataCollatorWithPadding,
            Trainer,
            TrainingArguments,
            set_seed,
        )
        from transformers.trainer_callback import PrinterCallback

        device = resolve_device(self.device)
        source = resolve_encoder(self.encoder)
        local = is_local(source)
        # seeded before the model is built: the classification layer's initial weights
        set_seed(self.random_state)
        self.tokenizer_ = AutoTokenizer.from_pretrained(source, local_files_only=local)
        self.model_ = AutoModelForSequenceClassification.from_pretrained(
            source,
            local_files_only=local,
            num_labels=len(self.labels_),
            problem_type=(
                "multi_label_classification" if self.multi_label_ else "single_label_classification"
            ),
            id2label=dict(enumerate(self.labels_)),
            label2id={label: i for i, label in enumerate(self.labels_)},
        )
        if self.freeze_embeddings:
            # the token-embedding table is half of MiniLM's weights: left as pre-trained, the
            # optimiser has half the parameters to update and 134 sentences cannot move it far
            for param in self.model_.base_model.embeddings.parameters():
                param.requires_grad = False
        encoded = self.tokenizer_(list(texts), truncation=True, max_length=self.max_length)
        targets = y.astype(np.float32) if self.multi_label_ else y.astype(np.int64)
        train_set = [
            {
                "input_ids": encoded["input_ids"][i],
                "attention_mask": encoded["attention_mask"][i],
                "labels": targets[i].tolist(),
            }
            for i in range(len(texts))
        ]
        with tempfile.TemporaryDirectory(prefix="framing-finetune-") as scratch:
            args = TrainingArguments(
                output_dir=scratch,
                per_device_train_batch_size=self.batch_size,
                num_train_epochs=self.num_epochs,
                max_steps=self.max_steps,
                learning_rate=self.learning_rate,
                weight_decay=self.weight_decay,
                warmup_steps=self.warmup_ratio,  # a float below 1 is a ratio in transformers 5
                lr_scheduler_type="linear",
                # batches of similar length: less padding, the main CPU cost here
                train_sampling_strategy="group_by_length",
                eval_strategy="no",
                save_strategy="no",
                logging_strategy="no",
                report_to="none",
                use_cpu=device == "cpu",
                **training_precision(device),  # bf16 / fp16 on a CUDA GPU
                seed=self.random_state,
                data_seed=self.random_state,
                disable_tqdm=True,
                dataloader_num_workers=0,
                dataloader_pin_memory=device_kind(device) == "cuda",
            )
            trainer = Trainer(
                model=self.model_,
                args=args,
                compute_loss_func=weighted_loss(
                    y, self.multi_label_, len(self.labels_), self.class_weight
                ),
                train_dataset=train_set,
                data_collator=DataCollatorWithPadding(self.tokenizer_),
                processing_class=self.tokenizer_,
            )
            trainer.remove_callback(PrinterCallback)  # it prints the run summary to stdout
            trainer.train()
        self.model_.to(device).eval()

    def _predict_proba(self, X):
        import torch

        configure_torch_threads()
        texts = as_texts(X)
        self.model_.eval()
        device = self.model_.device
        step = batch_size_for(self.predict_batch_size, str(device))
        # batches of similar length (less padding), put back in input order at the end
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        z = np.zeros((len(texts), len(self.labels_)))
        # fp16/bf16 on a CUDA GPU; a no-op elsewhere
        autocast = torch.autocast(device.type, enabled=device.type == "cuda")
        with torch.inference_mode(), autocast:
            for start in range(0, len(texts), step):
                rows = order[start : start + step]
                batch = self.tokenizer_(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(device)
                z[rows] = self.model_(**batch).logits.double().cpu().numpy()
        return expit(z) if self.multi_label_ else softmax(z, axis=1)

    # ------------------------------------------------------------------ persistence
    def _save(self, folder: Path) -> list[str]:
        target = folder / "model"
        self.model_.save_pretrained(str(target))  # transformers 5 writes safetensors only
        self.tokenizer_.save_pretrained(str(target))
        if not (target / "model.safetensors").exists():
            raise RuntimeError(f"save_pretrained wrote no model.safetensors in {target}")
        return ["model/", *save_base_encoder_record(self.encoder, folder)]

    def _load(self, folder: Path) -> None:
        configure_torch_threads()
        quiet_transformers()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        source = str(folder / "model")
        self.tokenizer_ = AutoTokenizer.from_pretrained(source, local_files_only=True)
        self.model_ = AutoModelForSequenceClassification.from_pretrained(
            source, local_files_only=True
        )
        self.model_.to(resolve_device(self.device)).eval()
