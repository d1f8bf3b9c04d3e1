"""Active-learning samples: the sentences a checkpoint is least sure of, spread over articles.

Uncertainty of one sentence under one checkpoint, in [0, 1] (1 = on the decision boundary):

- frames (multi-label, a threshold t per frame): each frame's decision is a binary one, and
  its uncertainty is 1 - |p - t| / max(t, 1 - t); the sentence takes its least certain frame
  (the max), since one wrong frame is enough to make the sentence worth coding;
- stance (single-label): the margin, 1 - (p_first - p_second).

With several checkpoints (frames and stance) the sentence's score is the mean of theirs.

Diversity guard: the batch is filled greedily by score, but no article gives more than
``max_per_article`` sentences and no duplicate group more than one (copies of one wire
sentence teach the model the same thing). Without the guard a long article the model finds
hard (or an outlet with its own vocabulary) fills the batch. When the guard leaves the batch
short (too few articles or candidates left), the most uncertain of the rest fill it. Ties are
broken by the seed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from framing.corpus import Sentence
from framing.errors import FramingInputError


def uncertainty(
    proba: np.ndarray, multi_label: bool, thresholds: Sequence[float] | None = None
) -> np.ndarray:
    """(n,) uncertainty of each row of probabilities (see the module docstring)."""
    proba = np.asarray(proba, dtype=float)
    if multi_label:
        t = np.full(proba.shape[1], 0.5) if thresholds is None else np.asarray(thresholds, float)
        per_label = 1.0 - np.abs(proba - t) / np.maximum(t, 1.0 - t)
        return np.clip(per_label.max(axis=1), 0.0, 1.0)
    top = np.sort(proba, axis=1)[:, ::-1]
    second = top[:, 1] if proba.shape[1] > 1 else np.zeros(len(proba))
    return np.clip(1.0 - (top[:, 0] - second), 0.0, 1.0)


def default_max_per_article(size: int, n_articles: int) -> int:
    """Twice an article's fair share of the batch, at least 1."""
    return max(1, math.ceil(2 * size / max(n_articles, 1)))


def select_uncertain(
    scores: np.ndarray,
    sentences: Sequence[Sentence],
    size: int,
    seed: int = 0,
    max_per_article: int | None = None,
) -> list[int]:
    """Indices of the batch: highest score first, under the diversity guard."""
    if size < 1:
        raise FramingInputError(f"must be a positive number, got {size!r}", field="--size")
    n_articles = len({s.article_id for s in sentences})
    cap = max_per_article or default_max_per_article(size, n_articles)
    rng = np.random.default_rng(seed)
    tie_break = rng.permutation(len(sentences))
    order = np.lexsort((tie_break, -np.asarray(scores, dtype=float)))
    per_article: dict[str, int] = {}
    groups: set[str] = set()
    chosen: list[int] = []
    for i in order:
        s = sentences[i]
        if per_article.get(s.article_id, 0) >= cap or (s.dup_group and s.dup_group in groups):
            continue
        chosen.append(int(i))
        per_article[s.article_id] = per_article.get(s.article_id, 0) + 1
        if s.dup_group:
            groups.add(s.dup_group)
        if len(chosen) == size:
            return chosen
    # The guard left the batch short (few articles or candidates left): the most uncertain of
    # the rest fill it, so a batch is only ever short when the candidates run out.
    taken = set(chosen)
    chosen += [int(i) for i in order if int(i) not in taken][: size - len(chosen)]
    return chosen


def checkpoint_scores(models, texts: list[str]) -> np.ndarray:
    """Mean uncertainty of ``texts`` over loaded checkpoints."""
    scores = [
        uncertainty(m.predict_proba(texts), bool(m.multi_label_), m.thresholds_) for m in models
    ]
    return np.mean(scores, axis=0)
