"""Dictionary (lexicon) baseline: the codebook's cue words, calibrated on the training data.

This is the baseline communication researchers usually start with: a sentence carries a frame
if it contains one of the frame's cue words. The words come only from the codebook (the study
config's ``schema``: every label's ``cues``, see ``framing.models.codebook``); training never
adds words, it only learns how much a cue hit is worth, so the model stays as transparent as
the dictionary itself.

Matching: text and cues are lowercased; a cue matches where it starts at a word boundary, as a
prefix ("diversif" matches "diversify" and "diversification"; "soviet" matches "soviet-era");
a multi-word cue ("great powers") matches across any whitespace.

Calibration (``smoothing`` = a, 1 by default, sets the pseudo-counts):
- frames (multi-label), for each frame j separately:
  P(j | a cue of j hits) = (positives among hit sentences + a) / (hit sentences + 2a), and
  P(j | no cue of j hits) likewise over the other sentences. A frame without cues always
  gets the second number, its smoothed training prevalence; a frame whose cues never hit in
  training keeps 1/2 on a hit, so the dictionary rule still fires at the default threshold.
- stance (single-label): each sentence goes to a bucket -- the class whose cues hit the most
  (counting distinct cues), or a "no cue" bucket when nothing hits or the top classes tie.
  The model predicts the smoothed class distribution of the training sentences in that bucket,
  P(c | bucket) = (count(bucket, c) + k a prior(c)) / (count(bucket) + k a), with k classes and
  prior(c) = (count(c) + a) / (n + k a): the k a pseudo-counts follow the class prior, so a bucket
  never seen in training predicts the prior. A class without cues (e.g. ``neutral``) is thus the
  default: it is what the "no cue" bucket mostly contains.

Persistence: cues and calibration tables as JSON (``lexicon.json``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from framing.errors import FramingInputError
from framing.models.base import FramingClassifier, as_texts
from framing.models.codebook import required_entries

WEIGHTS_FILE = "lexicon.json"


def cue_pattern(cue: str) -> re.Pattern:
    """Word-boundary prefix match of a lowercase cue; its words may be split by any whitespace."""
    words = cue.lower().split()
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words))


class LexiconClassifier(FramingClassifier):
    family = "lexicon"

    def __init__(self, *, labels=None, codebook: Mapping | None = None, smoothing: float = 1.0):
        self.labels = labels
        self.codebook = codebook
        self.smoothing = smoothing

    # ------------------------------------------------------------------ the rule
    def _cues_from_codebook(self) -> dict[str, list[str]]:
        codebook = required_entries(
            self.codebook, "the lexicon model needs a codebook of cue words", "{cues: [...]}"
        )
        missing = [label for label in self.labels_ if label not in codebook]
        if missing and self.labels is None and all(str(m).isdigit() for m in missing):
            raise FramingInputError(
                f"the classes are integer codes {missing}, not label names",
                field="labels",
                fix="pass labels= (the class names): the cues are looked up by name",
            )
        if missing:
            raise FramingInputError(
                f"the codebook has no entry for {missing}",
                field="codebook",
                fix=f"codebook labels: {', '.join(map(str, codebook))}",
            )
        cues = {label: codebook[label]["cues"] for label in self.labels_}
        if not any(cues.values()):
            raise FramingInputError(
                f"the codebook has no cue words for any of {self.labels_}",
                field="codebook",
                fix="add cues to the labels in the study's schema",
            )
        return cues

    def _compile(self) -> None:
        self.patterns_ = [[cue_pattern(c) for c in self.cues_[label]] for label in self.labels_]

    def cue_hits(self, texts: list[str]) -> np.ndarray:
        """(n, k) number of distinct cues of each label found in each text."""
        hits = np.zeros((len(texts), len(self.labels_)), dtype=np.int64)
        for i, text in enumerate(texts):
            lowered = text.lower()
            for j, patterns in enumerate(self.patterns_):
                hits[i, j] = sum(1 for p in patterns if p.search(lowered))
        return hits

    def _buckets(self, hits: np.ndarray) -> np.ndarray:
        """Single-label bucket per text: the class with strictly most cue hits, else k (no cue)."""
        k = hits.shape[1]
        top = hits.max(axis=1)
        unique_top = (hits == top[:, None]).sum(axis=1) == 1
        return np.where((top > 0) & unique_top, hits.argmax(axis=1), k)

    # ------------------------------------------------------------------ learning
    def _fit(self, texts, y):
        a = float(self.smoothing)
        if not a > 0:
            # an empty bucket (e.g. no training sentence hits a cue) would divide 0 by 0
            raise FramingInputError(
                f"smoothing must be > 0, got {self.smoothing}", field="smoothing"
            )
        self.cues_ = self._cues_from_codebook()
        self._compile()
        hits = self.cue_hits(texts)
        if self.multi_label_:
            hit = hits > 0
            pos = y.astype(bool)
            self.p_hit_ = ((pos & hit).sum(axis=0) + a) / (hit.sum(axis=0) + 2 * a)
            self.p_miss_ = ((pos & ~hit).sum(axis=0) + a) / ((~hit).sum(axis=0) + 2 * a)
        else:
            k = len(self.labels_)
            counts = np.zeros((k + 1, k))
            np.add.at(counts, (self._buckets(hits), y), 1.0)
            # k*a pseudo-counts spread by the (add-a) class prior: an empty bucket predicts the
            # prior rather than a uniform distribution whose arg-max would be the first class
            prior = (counts.sum(axis=0) + a) / (len(y) + k * a)
            self.table_ = (counts + k * a * prior) / (counts.sum(axis=1, keepdims=True) + k * a)

    def _predict_proba(self, X):
        hits = self.cue_hits(as_texts(X))
        if self.multi_label_:
            return np.where(hits > 0, self.p_hit_, self.p_miss_).astype(float)
        return self.table_[self._buckets(hits)]

    # ------------------------------------------------------------------ persistence
    def _save(self, folder: Path) -> list[str]:
        state: dict[str, Any] = {"cues": self.cues_, "smoothing": float(self.smoothing)}
        if self.multi_label_:
            state["p_hit"] = [float(p) for p in self.p_hit_]
            state["p_miss"] = [float(p) for p in self.p_miss_]
        else:
            state["buckets"] = [*self.labels_, "<no cue>"]
            state["table"] = [[float(p) for p in row] for row in self.table_]
        (folder / WEIGHTS_FILE).write_text(json.dumps(state, indent=2))
        return [WEIGHTS_FILE]

    def _load(self, folder: Path) -> None:
        path = folder / WEIGHTS_FILE
        if not path.exists():
            raise FramingInputError("model weights file is missing", file=path)
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            # the saved cues are the rule that was calibrated, whatever the params say
            self.cues_ = {label: list(state["cues"][label]) for label in self.labels_}
            if self.multi_label_:
                self.p_hit_ = np.asarray(state["p_hit"], dtype=float)
                self.p_miss_ = np.asarray(state["p_miss"], dtype=float)
            else:
                self.table_ = np.asarray(state["table"], dtype=float)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise FramingInputError(f"is not a lexicon model state ({err!r})", file=path) from None
        self._compile()
