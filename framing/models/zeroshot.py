"""Zero-shot classification against the codebook's own label definitions.

No training labels are used. Each label is turned into a definition text (its name, codebook
description and cue words) and embedded with the sentence encoder; a sentence is scored by
cosine similarity to each definition:

- frames: p(label) = sigmoid((cos(sentence, definition) - cos(sentence, null)) / temperature),
  where ``null_description`` describes a sentence that carries no frame, so a frame is
  predicted (p >= 0.5) when the sentence is closer to its definition than to a plain report;
- stance: softmax over cos(sentence, class definition) / temperature.

``fit`` only records the label order and builds the definitions; it never looks at ``y``,
so cross-validated scores of this family measure the codebook, not a learner.
The model config passes the study's label schema as ``codebook`` (without one, label names
stand in); ``null_description`` defaults to the schema's ``no_frame`` description.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from scipy.special import expit, softmax

from framing.models.base import FramingClassifier, as_texts
from framing.models.codebook import codebook_entries, no_frame_description
from framing.models.encoders import (
    DEFAULT_ENCODER,
    EmbeddingCache,
    l2_normalise,
    load_encoder_reference,
    save_encoder_reference,
)

log = logging.getLogger(__name__)

#: Generic fallback. A study should describe "no frame" in its own topic's words (the schema's
#: ``no_frame``; the seed study's conf/study.yaml does): sentence similarity is dominated by
#: topic, so a null description off the topic loses to every frame definition and every frame
#: gets p close to 1.
DEFAULT_NULL_DESCRIPTION = (
    "A plain factual news report of the events: the schedule, who met whom, agreements "
    "signed, figures or logistics, with no interpretation of what it means."
)


def definition_text(label: str, entry) -> str:
    """The text embedded for a label: readable name, description, cue words."""
    if isinstance(entry, str):
        entry = {"description": entry}
    entry = entry or {}
    parts = [label.replace("_", " ").capitalize() + "."]
    description = str(entry.get("description") or "").strip()
    if description:
        parts.append(description)
    cues = [str(c) for c in (entry.get("cues") or [])]
    if cues:
        parts.append("Key words: " + ", ".join(cues) + ".")
    return " ".join(parts)


class ZeroShotClassifier(FramingClassifier):
    family = "zeroshot"
    uses_torch = True

    def __init__(
        self,
        *,
        labels=None,
        encoder: str = DEFAULT_ENCODER,
        codebook: Mapping | None = None,
        null_description: str | None = None,
        temperature: float = 0.05,
        cache_dir: str | None = None,
        batch_size: int | dict = 32,
        device: str = "auto",
    ):
        self.labels = labels
        self.encoder = encoder
        self.codebook = codebook
        self.null_description = null_description
        self.temperature = temperature
        self.cache_dir = cache_dir
        self.batch_size = batch_size  # sentences per encoder call: one number or per device
        self.device = device

    def _fit(self, texts, y):
        """Build the label definitions. ``texts`` and ``y`` are deliberately ignored."""
        codebook = dict(codebook_entries(self.codebook) or {})
        missing = [label for label in self.labels_ if label not in codebook]
        if missing:
            log.warning("zero-shot: no codebook entry for %s; using the label names", missing)
        self.definitions_ = [definition_text(label, codebook.get(label)) for label in self.labels_]
        # the study's own words for "no frame" beat the generic fallback (see DEFAULT_...)
        self.null_definition_ = " ".join(
            str(
                self.null_description
                or no_frame_description(self.codebook)
                or DEFAULT_NULL_DESCRIPTION
            ).split()
        )

    def fit(self, X, y):
        self.embedding_cache_ = self._embedding_cache(self.encoder)
        return super().fit(X, y)

    def _embedding_cache(self, source: str) -> EmbeddingCache:
        """Made when the model is fitted or loaded, never while it predicts."""
        return EmbeddingCache(source, self.cache_dir, self.batch_size, self.device)

    def _embeddings(self, texts: list[str]) -> np.ndarray:
        return l2_normalise(self.embedding_cache_.embed(texts))

    def _predict_proba(self, X):
        sentences = self._embeddings(as_texts(X))
        definitions = self._embeddings(self.definitions_)
        similarity = sentences @ definitions.T
        if self.multi_label_:
            null = self._embeddings([self.null_definition_])[0]
            return expit((similarity - (sentences @ null)[:, None]) / self.temperature)
        return softmax(similarity / self.temperature, axis=1)

    def _save(self, folder: Path) -> list[str]:
        record = {
            "labels": self.labels_,
            "definitions": self.definitions_,
            "null_definition": self.null_definition_,
        }
        (folder / "definitions.json").write_text(json.dumps(record, indent=2))
        source = getattr(self, "encoder_source_", None)
        return ["definitions.json", *save_encoder_reference(self.encoder, folder, source)]

    def _load(self, folder: Path) -> None:
        self.encoder_source_ = load_encoder_reference(self.encoder, folder)
        self.embedding_cache_ = self._embedding_cache(self.encoder_source_)
        # the definitions the model was evaluated with, whatever the codebook says today
        record = json.loads((folder / "definitions.json").read_text())
        self.definitions_ = record["definitions"]
        self.null_definition_ = record["null_definition"]
