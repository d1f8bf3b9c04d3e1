"""An encoder adapted to the study's own coding, and a number of clusters chosen by the data.

Why: the packaged MiniLM places sentences by what they are about (arms, money, the visit), so
Ward on its embeddings returns topics (results/discover/ablation.md). Fine-tuning it
contrastively on the study's gold set — sentences with the same frames drawn together, with
different frames pushed apart — is meant to make the difference between framed and plain
sentences, and between frames, what distances measure. It did on the invented development set
and did not on the seed study (results/discover_adapted/), so no command uses it yet. A frame
the codebook lacks is coded "no frame" in that gold set, so the adaptation never sees it; the
ablations measure whether it still separates.

The pairs follow SetFit's recipe (Tunstall et al. 2022): per iteration, every gold sentence is
paired once with a sentence of the same label set (target similarity 1) and once with a
sentence of another (0), trained with a cosine-similarity loss for one epoch.

With an adapted encoder the data often split in few large groups, so k = round(sqrt(n / 2))
cuts one group into several; ``silhouette_clusters`` takes the k in [2, that k] (within
``ClusterSettings``' bounds) with the
highest mean cosine silhouette instead.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from framing.discover.clustering import (
    ClusterSettings,
    number_of_clusters,
    renumber_by_size,
    unit_rows,
)
from framing.models.encoders import new_sentence_encoder


@dataclass(frozen=True)
class AdaptSettings:
    iterations: int = 5
    epochs: int = 1
    batch_size: int = 16
    learning_rate: float = 2e-5
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def label_set(frames: Sequence[str]) -> str:
    return "+".join(sorted(frames)) or "(no frame)"


def contrastive_pairs(
    texts: Sequence[str], labels: Sequence[str], iterations: int, seed: int
) -> tuple[list[str], list[str], list[float]]:
    """SetFit-style pairs: per iteration one same-label and one other-label partner per text
    (a text alone in its label gets only the other-label pair)."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    # built once per label, not per text: the lists (so the draws) are the same
    other_than = {
        label: [j for j, other in enumerate(labels) if other != label] for label in by_label
    }
    first, second, target = [], [], []
    for _ in range(iterations):
        for i, label in enumerate(labels):
            same = [j for j in by_label[label] if j != i]
            if same:
                first.append(texts[i])
                second.append(texts[rng.choice(same)])
                target.append(1.0)
            other = other_than[label]
            if other:
                first.append(texts[i])
                second.append(texts[rng.choice(other)])
                target.append(0.0)
    return first, second, target


def adapted_embeddings(
    gold_texts: Sequence[str],
    gold_frames: Sequence[Sequence[str]],
    texts: Sequence[str],
    encoder: str,
    settings: AdaptSettings | None = None,
    workdir: str | None = None,
) -> np.ndarray:
    """Unit embeddings of ``texts`` by ``encoder`` fine-tuned on the gold set's frame sets."""
    import tempfile

    from datasets import Dataset
    from sentence_transformers import (
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
        losses,
    )
    from transformers import set_seed

    settings = settings or AdaptSettings()
    labels = [label_set(f) for f in gold_frames]
    if len(set(labels)) < 2:
        raise ValueError("the gold set needs at least two different label sets to adapt on")
    first, second, target = contrastive_pairs(
        list(gold_texts), labels, settings.iterations, settings.seed
    )
    set_seed(settings.seed)
    model = new_sentence_encoder(encoder)
    pairs = Dataset.from_dict({"sentence1": first, "sentence2": second, "score": target})
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        args = SentenceTransformerTrainingArguments(
            output_dir=tmp,
            num_train_epochs=settings.epochs,
            per_device_train_batch_size=settings.batch_size,
            learning_rate=settings.learning_rate,
            seed=settings.seed,
            report_to=[],
            save_strategy="no",
            logging_strategy="no",
            disable_tqdm=True,
        )
        trainer = SentenceTransformerTrainer(
            model=model,
            args=args,
            train_dataset=pairs,
            loss=losses.CosineSimilarityLoss(model),
        )
        trainer.train()
    return unit_rows(model.encode(list(texts), batch_size=64))


def silhouette_clusters(embeddings: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """Ward clusters with the k in [2, round(sqrt(n / 2))] of highest mean cosine silhouette
    (ties: the smaller k); numbered by size as ``cluster_embeddings`` numbers them."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    x = unit_rows(embeddings)
    best = None
    for k in range(2, max(2, number_of_clusters(len(x), settings)) + 1):
        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
        score = silhouette_score(x, labels, metric="cosine")
        if best is None or score > best[0] + 1e-12:
            best = (score, labels)
    return renumber_by_size(best[1])
