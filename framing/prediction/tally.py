"""Running counts of decisions per article and per outlet, so memory does not grow with the
corpus; shares are computed only when an article or the stream ends."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from framing.prediction.checkpoints import Checkpoint


@dataclass
class Tally:
    """Running counts for one article or one outlet; shares are computed only at the end."""

    key: str
    outlet: str
    remaining: int = 0  # sentences of the article not classified yet
    n_articles: int = 0
    n_sentences: int = 0
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # task -> per-label counts
    no_label: dict[str, int] = field(default_factory=dict)  # task -> rows with no label

    def add(self, task: str, decisions: np.ndarray) -> None:
        if task not in self.counts:
            self.counts[task] = np.zeros(decisions.shape[1], dtype=np.int64)
            self.no_label[task] = 0
        self.counts[task] += decisions.sum(axis=0)
        self.no_label[task] += int((decisions.sum(axis=1) == 0).sum())

    def shares(self, checkpoints: list[Checkpoint]) -> list[str]:
        if self.n_sentences == 0:  # no classifiable text: the row is kept, its shares blank
            return ["" for ck in checkpoints for _ in ck.share_columns]
        out: list[str] = []
        for ck in checkpoints:
            counts = self.counts.get(ck.task, np.zeros(len(ck.labels), dtype=np.int64))
            values = list(counts / self.n_sentences)
            if ck.multi_label:
                values.append(self.no_label.get(ck.task, 0) / self.n_sentences)
            out += [f"{v:.6f}" for v in values]
        return out
