"""Frozen sentence embeddings + logistic regression.

The encoder (all-MiniLM-L6-v2 by default) is never trained; each sentence is embedded once
per process (``EmbeddingCache``, optionally shared on disk across sweep processes), the
embeddings are L2-normalised, and a logistic regression is fitted on them: one per frame for
the multi-label task, one multinomial model for stance (see ``linear_head``).

Saved state: the head as safetensors arrays (``head.safetensors``) and the encoder's name and
weights sha256 (``encoder.json``). The packaged encoder's weights are not copied into the
checkpoint; loading checks that the encoder found there has the same sha256.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from framing.models.base import FramingClassifier, as_texts
from framing.models.encoders import (
    DEFAULT_ENCODER,
    EmbeddingCache,
    l2_normalise,
    load_encoder_reference,
    save_encoder_reference,
)
from framing.models.linear_head import LinearHead


class EmbeddingLogisticClassifier(FramingClassifier):
    family = "embedding_lr"
    uses_torch = True

    def __init__(
        self,
        *,
        labels=None,
        encoder: str = DEFAULT_ENCODER,
        C: float = 4.0,
        class_weight: str | None = "balanced",
        cache_dir: str | None = None,
        batch_size: int | dict = 32,
        device: str = "auto",
        random_state: int = 0,
    ):
        self.labels = labels
        self.encoder = encoder
        self.C = C
        self.class_weight = class_weight
        self.cache_dir = cache_dir
        self.batch_size = batch_size  # sentences per encoder call: one number or per device
        self.device = device
        self.random_state = random_state

    def fit(self, X, y):
        self.embedding_cache_ = self._embedding_cache(self.encoder)
        return super().fit(X, y)

    def _embedding_cache(self, source: str) -> EmbeddingCache:
        """The embeddings of the encoder at ``source``: a fitted attribute, made when the model
        is fitted or loaded, never while it predicts."""
        return EmbeddingCache(source, self.cache_dir, self.batch_size, self.device)

    def _embeddings(self, texts: list[str]) -> np.ndarray:
        return l2_normalise(self.embedding_cache_.embed(texts))

    def _fit(self, texts, y):
        self.head_ = LinearHead.fit(
            self._embeddings(texts),
            y,
            multi_label=self.multi_label_,
            n_labels=len(self.labels_),
            C=self.C,
            class_weight=self.class_weight,
            random_state=self.random_state,
        )

    def _predict_proba(self, X):
        return self.head_.predict_proba(self._embeddings(as_texts(X)))

    def _save(self, folder: Path) -> list[str]:
        self.head_.save(folder / "head.safetensors")
        source = getattr(self, "encoder_source_", None)
        return ["head.safetensors", *save_encoder_reference(self.encoder, folder, source)]

    def _load(self, folder: Path) -> None:
        self.encoder_source_ = load_encoder_reference(self.encoder, folder)
        self.embedding_cache_ = self._embedding_cache(self.encoder_source_)
        self.head_ = LinearHead.load(folder / "head.safetensors")
