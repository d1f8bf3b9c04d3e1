"""Sentence–definition pairs classified as match / no match, after BERT-NLI.

Laurer, van Atteveldt, Casas & Welbers (Political Analysis 2024) turn every class into a
hypothesis ("the text is about ..."), pair each text with each hypothesis and let one
entailment classifier decide match / no match; the label is read from the definition, so the
classifier is shared by every label and the definitions carry what is specific to each. This
family does the same with the codebook's definitions (``framing.models.zeroshot``'s
``definition_text``: name, description, cue words):

- training: every training sentence is paired with every label's definition; a pair is a
  match when the sentence carries that label (frames) or is of that class (stance). One
  binary logistic regression, shared by all labels, is fitted on the pairs' features;
- prediction: frames: p(label) = the match probability of (sentence, its definition);
  stance: one class per sentence, the arg-max over the class definitions, given as a
  softmax over the match logits (the same order as the match probabilities).

Design: a pair-feature head over *frozen* MiniLM embeddings, not a fine-tuned cross-encoder.
A pair's features are those of Sentence-BERT / InferSent's pair classifiers, from the
sentence embedding s and definition embedding d (both unit length, dimension D):
[sqrt(D) * s ⊙ d, |s - d|]. The head's weights on s ⊙ d make a learnt, diagonal similarity
(weights all equal give zero-shot's cosine), and |s - d| where the two differ. Why not the
cross-encoder the paper fine-tunes:

- cost: pairs multiply the data by the number of labels, and a seed pair is three times a
  sentence's length (100 against 32 tokens). ``python -m benchmarks.pair_step`` (one torch
  thread, load 3.3, 2 shared cores): a MiniLM training step on 8 pairs took 1.37 s against
  0.63 s on 8 sentences, so with 4 frames an epoch of a cross-encoder costs about 9 times
  one of the fine-tuned family (``finetune``, 35-80 s per fit), and a frames run of this
  toolkit fits 21 models (5 outer folds with 3 inner threshold folds each, a final model),
  at every seed and protocol. This head trains in under a second on cached embeddings
  (0.8 s for the final frames model on the 167 seed sentences, 668 pairs, load 3.2);
- the method's edge comes from NLI pre-training, which the packaged all-MiniLM-L6-v2 never
  had (it was trained for sentence similarity), so a cross-encoder built on it starts from
  no entailment skill either. What can carry over here is the shared, definition-reading
  match head; that is what this family tests.

Consequences of reading labels from their definitions: a class absent from a training fold
is still scored through its definition (not given probability 0 as ``embedding_lr`` does),
and there is no per-label intercept: a label's base rate enters only through its definition
(frame thresholds are still tuned inside training folds).

Hyper-parameters, all fixed a priori (none was tuned on a test fold, or at all): the two
feature blocks are scaled to about unit length (sqrt(D) * s ⊙ d has norm near 1 for unit s and
d, |s - d| has norm sqrt(2 - 2 cos) in [0, 2]), the scale ``embedding_lr``'s C = 4 was fixed
for, and C and ``class_weight="balanced"`` (over match / no match) are ``embedding_lr``'s.

The seed study's definitions and cue words were written while reading its sentences, so, as
for the lexicon and zero-shot families, its seed scores are partly in-sample.

Saved state: the head (``head.safetensors``, one row) and encoder reference as
``embedding_lr`` saves them, and the definitions it was fitted with (``definitions.json``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
from scipy.special import expit, softmax

from framing.errors import FramingInputError
from framing.models.base import as_texts
from framing.models.codebook import required_entries
from framing.models.codebook_embedding import CodebookEmbeddingClassifier
from framing.models.zeroshot import definition_text

log = logging.getLogger(__name__)

DEFINITIONS_FILE = "definitions.json"


def pair_features(sentences: np.ndarray, definitions: np.ndarray) -> np.ndarray:
    """(n * k, 2D) features of every (sentence i, definition j) pair, row i * k + j.

    ``sentences`` (n, D) and ``definitions`` (k, D) are unit-length embeddings."""
    s = sentences[:, None, :]
    d = definitions[None, :, :]
    dim = sentences.shape[1]
    pairs = np.concatenate([np.sqrt(dim) * s * d, np.abs(s - d)], axis=2)
    return pairs.reshape(-1, 2 * dim)


class DefinitionPairClassifier(CodebookEmbeddingClassifier):
    family = "definition_pairs"
    uses_torch = True
    #: sentences whose pair features are built at once when predicting (memory: chunk x k x 2D)
    predict_chunk = 1024

    # ------------------------------------------------------------------ definitions
    def _definitions(self) -> list[str]:
        codebook = required_entries(
            self.codebook,
            "the definition-pair model needs the label definitions",
            "{description: ...}",
        )
        missing = [label for label in self.labels_ if label not in codebook]
        if missing:
            # the label's name is still a (short) definition, as zero-shot falls back to
            log.warning("definition pairs: no codebook entry for %s; using the names", missing)
        return [definition_text(label, codebook.get(label)) for label in self.labels_]

    # ------------------------------------------------------------------ learning
    def _fit(self, texts, y):
        self.definitions_ = self._definitions()
        k = len(self.labels_)
        match = y if self.multi_label_ else np.eye(k, dtype=np.int64)[y]
        pairs = pair_features(self._embeddings(texts), self._embeddings(self.definitions_))
        # one binary match / no-match model over all pairs: a one-column indicator target
        self.head_ = self.fit_head(pairs, match.reshape(-1, 1), multi_label=True)

    def match_logits(self, texts: list[str]) -> np.ndarray:
        """(n, k) logit of "sentence i matches definition j"."""
        definitions = self._embeddings(self.definitions_)
        logits = np.zeros((len(texts), len(self.labels_)))
        for start in range(0, len(texts), self.predict_chunk):
            chunk = self._embeddings(texts[start : start + self.predict_chunk])
            z = pair_features(chunk, definitions) @ self.head_.coef[0] + self.head_.intercept[0]
            logits[start : start + len(chunk)] = z.reshape(len(chunk), -1)
        return logits

    def _predict_proba(self, X):
        logits = self.match_logits(as_texts(X))
        return expit(logits) if self.multi_label_ else softmax(logits, axis=1)

    # ------------------------------------------------------------------ persistence
    def _save(self, folder: Path) -> list[str]:
        written = super()._save(folder)
        record = {"labels": self.labels_, "definitions": self.definitions_}
        (folder / DEFINITIONS_FILE).write_text(json.dumps(record, indent=2))
        return [*written, DEFINITIONS_FILE]

    def _load(self, folder: Path) -> None:
        super()._load(folder)
        # the definitions the head was fitted and evaluated with, whatever the codebook says now
        path = folder / DEFINITIONS_FILE
        try:
            self.definitions_ = list(json.loads(path.read_text(encoding="utf-8"))["definitions"])
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as err:
            raise FramingInputError(f"is not a definition list ({err!r})", file=path) from None
        if len(self.definitions_) != len(self.labels_):
            raise FramingInputError(
                f"holds {len(self.definitions_)} definitions for {len(self.labels_)} labels",
                file=path,
            )
