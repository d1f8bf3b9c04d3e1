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
    n_articles: int = 0
    n_sentences: int = 0
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # task -> per-label counts
    no_label: dict[str, int] = field(default_factory=dict)  # task -> rows with no label

    def add_counts(self, counts: dict[str, np.ndarray], no_label: dict[str, int]) -> None:
        """Add counts already summed over sentences (one article's, from a chunk)."""
        for task, c in counts.items():
            if task not in self.counts:
                self.counts[task] = np.zeros(len(c), dtype=np.int64)
                self.no_label[task] = 0
            self.counts[task] += c
            self.no_label[task] += no_label[task]

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

    def merge(self, other: Tally) -> None:
        """Add another tally of the same key (the same outlet in another shard)."""
        self.n_articles += other.n_articles
        self.n_sentences += other.n_sentences
        self.add_counts(other.counts, other.no_label)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "outlet": self.outlet,
            "n_articles": self.n_articles,
            "n_sentences": self.n_sentences,
            "counts": {task: c.tolist() for task, c in self.counts.items()},
            "no_label": dict(self.no_label),
        }

    @classmethod
    def from_dict(cls, record: dict) -> Tally:
        tally = cls(record["key"], record["outlet"], record["n_articles"], record["n_sentences"])
        tally.add_counts(
            {task: np.asarray(c, dtype=np.int64) for task, c in record["counts"].items()},
            record["no_label"],
        )
        return tally
