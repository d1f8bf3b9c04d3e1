"""The shared base of the families that read the study's codebook beside frozen embeddings
(``cues_embedding_lr``, ``definition_pairs``): ``embedding_lr``'s encoder, embedding cache,
head settings (C, class_weight, random_state) and persistence, plus the codebook parameter
(``codebook: ${study.schema}`` in their configs; either form ``framing.models.codebook``
reads). Each family builds its own features and calls ``fit_head`` on them.
"""

from __future__ import annotations

import numpy as np

from framing.models.embedding import EmbeddingLogisticClassifier
from framing.models.encoders import DEFAULT_ENCODER
from framing.models.linear_head import LinearHead


class CodebookEmbeddingClassifier(EmbeddingLogisticClassifier):
    def __init__(
        self,
        *,
        labels=None,
        codebook=None,
        encoder: str = DEFAULT_ENCODER,
        C: float = 4.0,
        class_weight: str | None = "balanced",
        cache_dir: str | None = None,
        batch_size: int | dict = 32,
        device: str = "auto",
        random_state: int = 0,
    ):
        super().__init__(
            labels=labels,
            encoder=encoder,
            C=C,
            class_weight=class_weight,
            cache_dir=cache_dir,
            batch_size=batch_size,
            device=device,
            random_state=random_state,
        )
        self.codebook = codebook

    def fit_head(self, x: np.ndarray, y: np.ndarray, multi_label: bool) -> LinearHead:
        """A logistic-regression head on features ``x`` with this model's C, class weights and
        seed: one binary model per column of an (n, k) 0/1 ``y``, or one multinomial model for
        a vector of class indices."""
        return LinearHead.fit(
            x,
            y,
            multi_label=multi_label,
            n_labels=y.shape[1] if multi_label else len(self.labels_),
            C=self.C,
            class_weight=self.class_weight,
            random_state=self.random_state,
        )
