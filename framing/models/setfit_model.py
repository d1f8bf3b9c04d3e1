"""SetFit: contrastive fine-tuning of the sentence encoder, then a logistic-regression head.

Trained with SetFit 1.2's own ``Trainer`` on a fresh copy of the encoder (the shared,
read-only encoder used by other families is never touched). Frames use SetFit's
``multi_target_strategy="one-vs-rest"`` (one logistic regression per frame); stance a plain
multinomial logistic regression. After training the head is converted to arrays in label
order (``linear_head.LinearHead``): a stance class absent from the training fold gets
probability 0, a frame constant in the fold gets its smoothed prevalence.

Saved state: the fine-tuned sentence-transformer body (``body/``, weights in
``model.safetensors``) and the head as safetensors arrays. No pickle, no joblib: SetFit's own
``save_pretrained`` pickles the head, so it is not used.

The head has the same settings as ``embedding_lr`` (C=4, balanced class weights), so the two
families differ only by the contrastive fine-tuning of the encoder.

Training cost is set by ``max_steps`` (contrastive steps of ``batch_size`` sentence pairs) or,
with ``max_steps: -1``, by ``num_iterations`` pairs per sentence and ``num_epochs``.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from framing.models.base import FramingClassifier, as_texts
from framing.models.devices import batch_size_for, training_precision
from framing.models.encoders import (
    DEFAULT_ENCODER,
    configure_torch_threads,
    new_sentence_encoder,
    save_base_encoder_record,
)
from framing.models.linear_head import LinearHead, make_logistic_regression


@contextmanager
def quiet_datasets():
    """No "Map: 100%" bars from the pair sampler's datasets; restores the previous setting."""
    import datasets

    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if was_enabled:
            datasets.enable_progress_bars()


def can_draw_pairs(y: np.ndarray, multi_label: bool) -> bool:
    """Whether SetFit's pair sampler finds both a positive and a negative pair (it fails
    otherwise). Multi-label: a pair is positive when the two sentences share a frame."""
    if not multi_label:
        return len(np.unique(y)) >= 2
    shared = y @ y.T
    return bool((shared > 0).any() and (shared == 0).any())


class SetFitClassifier(FramingClassifier):
    family = "setfit"
    uses_torch = True

    def __init__(
        self,
        *,
        labels=None,
        encoder: str = DEFAULT_ENCODER,
        max_steps: int = 20,
        num_iterations: int = 1,
        num_epochs: int = 1,
        batch_size: int = 16,
        learning_rate: float = 2e-5,
        C: float = 4.0,
        class_weight: str | None = "balanced",
        random_state: int = 0,
        device: str = "auto",
        encode_batch_size: int | dict = 32,
    ):
        self.labels = labels
        self.encoder = encoder
        self.max_steps = max_steps
        self.num_iterations = num_iterations
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state
        self.device = device
        self.encode_batch_size = encode_batch_size  # sentences per encoder call (per device)

    def _fit(self, texts, y):
        body = new_sentence_encoder(self.encoder, self.device)
        k = len(self.labels_)
        if can_draw_pairs(y, self.multi_label_):
            head = self._train(body, texts, y)
            self.head_ = LinearHead.from_sklearn(head, self.multi_label_, k, y)
        else:  # a degenerate fold: nothing to contrast, fit the head on the encoder as it is
            x = self._encode(body, texts)
            self.head_ = LinearHead.fit(
                x, y, self.multi_label_, k, self.C, self.class_weight, self.random_state
            )
        self.body_ = body

    def _train(self, body, texts: list[str], y: np.ndarray):
        """SetFit's two phases (contrastive body, then the sklearn head); returns the head."""
        from datasets import Dataset
        from setfit import SetFitModel, Trainer, TrainingArguments
        from sklearn.multiclass import OneVsRestClassifier
        from transformers.trainer_callback import ProgressCallback

        lr = make_logistic_regression(self.C, self.class_weight, self.random_state)
        model = SetFitModel(
            model_body=body,
            model_head=OneVsRestClassifier(lr) if self.multi_label_ else lr,
            multi_target_strategy="one-vs-rest" if self.multi_label_ else None,
            normalize_embeddings=True,  # as embedding_lr (all-MiniLM-L6-v2 normalises anyway)
        )
        labels = y.tolist() if self.multi_label_ else [int(v) for v in y]
        with tempfile.TemporaryDirectory(prefix="framing-setfit-") as scratch:
            args = TrainingArguments(
                output_dir=scratch,
                batch_size=self.batch_size,
                num_epochs=self.num_epochs,
                max_steps=self.max_steps,
                num_iterations=self.num_iterations,
                body_learning_rate=self.learning_rate,
                seed=self.random_state,
                report_to="none",
                save_strategy="no",
                eval_strategy="no",
                logging_strategy="no",
                logging_first_step=False,
                show_progress_bar=False,
                use_amp=bool(training_precision(str(body.device))),  # fp16 on a CUDA GPU
            )
            with quiet_datasets():
                train_set = Dataset.from_dict({"text": list(texts), "label": labels})
                trainer = Trainer(model=model, args=args, train_dataset=train_set)
                # SetFit's show_progress_bar does not reach the sentence-transformers loop's bar
                trainer.st_trainer.remove_callback(ProgressCallback)
                if body.device.type == "cpu":  # the Trainer would otherwise take a GPU it sees
                    trainer.st_trainer.args.use_cpu = True
                    trainer.st_trainer.args.dataloader_pin_memory = False
                trainer.train()
        return model.model_head

    def _encode(self, body, texts: list[str]) -> np.ndarray:
        configure_torch_threads()
        vectors = body.encode(
            list(texts),
            batch_size=batch_size_for(self.encode_batch_size, str(body.device)),
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _predict_proba(self, X):
        texts = as_texts(X)
        if not texts:
            return np.zeros((0, len(self.labels_)))
        return self.head_.predict_proba(self._encode(self.body_, texts))

    def _save(self, folder: Path) -> list[str]:
        self.body_.save(str(folder / "body"), create_model_card=False, safe_serialization=True)
        self.head_.save(folder / "head.safetensors")
        return ["body/", "head.safetensors", *save_base_encoder_record(self.encoder, folder)]

    def _load(self, folder: Path) -> None:
        self.body_ = new_sentence_encoder(str(folder / "body"), self.device)
        self.head_ = LinearHead.load(folder / "head.safetensors")
