"""Codebook cues stacked with sentence embeddings in one logistic-regression head.

The small-data literature's advice for a codebook with cue words: let a classifier see both
the dictionary and a general sentence representation, and learn from the coded sentences how
much each is worth. A sentence's features are

- its MiniLM embedding, frozen and L2-normalised, exactly as ``embedding_lr`` uses it; and
- for each label of the task, whether any of that label's codebook cue words occurs in it (the
  lexicon's own cue matching, ``framing.models.lexicon``: word-boundary prefixes, lowercased),
  as 0 or ``cue_weight``.

One head (``framing.models.linear_head``: a logistic regression per frame, one multinomial
model for stance) is fitted on the concatenation, so the weight of a cue hit is learnt beside
the embedding's, and a frame whose cues say nothing in this corpus gets a small weight.

Why cue hits and not the lexicon's calibrated probabilities: for a frame the lexicon's
probability is an affine function of its hit indicator (one value on a hit, another without),
so it adds nothing a logistic regression cannot learn from the indicator; and the calibration is
fitted on the same training sentences as the head, so stacking it would hand the head an
in-sample score. The hit indicator is fixed before any label is seen.

Hyper-parameters, all fixed a priori (none was tuned on a test fold, or at all): the head's
``C`` and ``class_weight`` are ``embedding_lr``'s (the family differs from it only by the cue
columns); ``cue_weight`` = 1: a hit is one unit on its column, the same scale as the whole
unit-length embedding, so one hit can move the logit as much as the embedding under the same
penalty.

**In-sample cues.** Cue words are written by reading sentences of the study. The seed study's
cues were written on the 167 sentences it is cross-validated on, so this family's seed scores
are in-sample for the cue part, as the lexicon's are; only held-out outlets or a new corpus
(``framing validate``) measure it fairly.

Saved state: the head (``head.safetensors``) and encoder reference (``encoder.json``) as
``embedding_lr`` saves them, and the cues under ``lexicon/`` (the lexicon model's own files).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from framing.models.base import as_texts
from framing.models.codebook_embedding import CodebookEmbeddingClassifier
from framing.models.encoders import DEFAULT_ENCODER
from framing.models.lexicon import LexiconClassifier

LEXICON_FOLDER = "lexicon"


class CueEmbeddingLogisticClassifier(CodebookEmbeddingClassifier):
    family = "cues_embedding_lr"
    uses_torch = True

    def __init__(
        self,
        *,
        labels=None,
        codebook=None,
        encoder: str = DEFAULT_ENCODER,
        cue_weight: float = 1.0,
        C: float = 4.0,
        class_weight: str | None = "balanced",
        cache_dir: str | None = None,
        batch_size: int | dict = 32,
        device: str = "auto",
        random_state: int = 0,
    ):
        super().__init__(
            labels=labels,
            codebook=codebook,
            encoder=encoder,
            C=C,
            class_weight=class_weight,
            cache_dir=cache_dir,
            batch_size=batch_size,
            device=device,
            random_state=random_state,
        )
        self.cue_weight = cue_weight

    def cue_features(self, texts: list[str]) -> np.ndarray:
        """(n, k): ``cue_weight`` where a cue of label j occurs in text i, else 0."""
        return float(self.cue_weight) * (self.lexicon_.cue_hits(texts) > 0)

    def features(self, texts: list[str]) -> np.ndarray:
        """(n, d + k): the normalised embedding, then the cue columns in label order."""
        return np.hstack([self._embeddings(texts), self.cue_features(texts)])

    def _fit(self, texts, y):
        # the lexicon reads and checks the codebook's cues for these labels (its calibration
        # tables are fitted too, a few counts, but never used here)
        named = y if self.multi_label_ else np.asarray(self.labels_, dtype=object)[y]
        self.lexicon_ = LexiconClassifier(labels=self.labels_, codebook=self.codebook)
        self.lexicon_.fit(texts, named)
        self.head_ = self.fit_head(self.features(texts), y, self.multi_label_)

    def _predict_proba(self, X):
        return self.head_.predict_proba(self.features(as_texts(X)))

    def _save(self, folder: Path) -> list[str]:
        written = super()._save(folder)
        self.lexicon_.save_weights(folder / LEXICON_FOLDER)
        return [*written, f"{LEXICON_FOLDER}/"]

    def _load(self, folder: Path) -> None:
        super()._load(folder)
        # the saved cues are the ones the head was fitted with, whatever the codebook says now
        self.lexicon_ = LexiconClassifier.load_weights(
            folder / LEXICON_FOLDER, {"labels": self.labels_}
        )
