"""Cross-prediction (Zrnic & Candès, PNAS 2024): use the coded sample to adapt the classifier
and still correct validly.

The coded articles are split into K folds. For each fold j, the checkpoint's family (same
hyper-parameters, a fresh fit) is refitted on the study's gold set plus the coded sentences of
the other folds; it predicts the sentences of fold j, so every coded sentence gets a
prediction from a model that never saw its article. The corpus is predicted by the average of
the K refits, except the articles that belong to a fold (coded articles, and articles of the
gold set that are also in the corpus), which are predicted by their fold's refit: no sentence's
prediction comes from a model trained on its own article, so the corpus side and the coded
side are predicted alike. The estimate then is PPI++ (``framing.estimate.outlets``) with these
predictions in place of the checkpoint's: the paper's estimator when lam = 1.

Which families: those refitted in seconds: the scikit-learn families (majority, lexicon,
TF-IDF) and the heads on frozen MiniLM embeddings (``embedding_lr``, ``cues_embedding_lr``,
``definition_pairs``: the encoder's embeddings are computed once per sentence and shared by
the K refits). Not SetFit and the fine-tuned transformer, which train the encoder itself (about
a minute per fit on a CPU, K fits per task; and a fine-tuned encoder changes the embeddings the
fold models share), nor zero-shot, which learns nothing from coded sentences. Each gets one
error naming the family.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from framing import progress
from framing.checkpoint import load_checkpoint, read_checkpoint_info
from framing.data import load_labelled_set, task_data
from framing.errors import FramingInputError
from framing.estimate.inputs import (
    CHUNK_ROWS,
    KEYS,
    CodedSample,
    PredictedCorpus,
    TaskLabels,
    series_columns,
)
from framing.io import sha256_file
from framing.models.base import decide
from framing.study import load_study, resolve_path

REFITTABLE = (
    "majority",
    "lexicon",
    "tfidf_lr",
    "tfidf_svm",
    "embedding_lr",
    "cues_embedding_lr",
    "definition_pairs",
)
NOT_REFITTABLE = {
    "setfit": "fine-tunes its encoder (about a minute per fit on a CPU, once per fold and task)",
    "finetune": "fine-tunes the whole transformer (35-80 s per fit on a CPU, once per fold "
    "and task)",
    "zeroshot": "is not trained on coded sentences, so there is nothing to refit",
}
MIN_FOLDS = 2


@dataclass
class CrossPrediction:
    report: dict
    notes: list[str] = field(default_factory=list)


def refittable_model(path: str | Path, schema, tasks: dict[str, TaskLabels]):
    """The checkpoint's classifier, refused when its family cannot be refitted cheaply or its
    task is not among the predictions'."""
    folder, info = read_checkpoint_info(resolve_path(path))
    family = str(info.get("family"))
    if family not in REFITTABLE:
        why = NOT_REFITTABLE.get(family, "is not one of the refittable families")
        raise FramingInputError(
            f"cross-prediction cannot refit family '{family}': it {why}",
            file=folder,
            field="family",
            fix=f"estimate without --checkpoint (PPI++ with its predictions), or use a "
            f"checkpoint of {', '.join(REFITTABLE)}",
        )
    if info["task"] not in tasks:
        raise FramingInputError(
            f"is a {info['task']} checkpoint, but the predictions cover {', '.join(tasks)}",
            file=folder,
            field="task",
        )
    return load_checkpoint(folder, expected_schema=schema).model, info


def assign_folds(
    coded_articles: pd.Series, extra_articles: Sequence[str], folds: int, seed: int
) -> dict[str, int]:
    """{article key: fold}: coded articles dealt to the fold with the fewest coded sentences so
    far (largest first, ties in a seeded random order), then ``extra_articles`` (gold articles
    that are also in the corpus) at random."""
    rng = np.random.default_rng(seed)
    sizes = coded_articles.value_counts()
    order = sizes.index.to_numpy()[rng.permutation(len(sizes))]
    order = sorted(order, key=lambda a: -sizes[a])
    load = np.zeros(folds)
    fold_of = {}
    for article in order:
        j = int(np.argmin(load))
        fold_of[article] = j
        load[j] += sizes[article]
    for article in sorted(set(extra_articles) - set(fold_of)):
        fold_of[article] = int(rng.integers(folds))
    return fold_of


def check_folds(n_articles: int, folds: int) -> None:
    if folds < MIN_FOLDS:
        raise FramingInputError(
            f"must be at least {MIN_FOLDS}, got {folds}",
            field="--folds",
        )
    if n_articles < folds:
        raise FramingInputError(
            f"too few articles to cross-fit: {folds} folds by article need at least {folds} "
            f"coded articles (at least {MIN_FOLDS} with --folds {MIN_FOLDS}), the coded sample "
            f"has {n_articles}",
            field="--checkpoint",
            fix=f"code sentences from at least {folds} articles, lower --folds, or estimate "
            "without --checkpoint",
        )


def article_key(frame: pd.DataFrame) -> pd.Series:
    return frame["outlet"].astype(str) + "\x1f" + frame["article_id"].astype(str)


def training_targets(task: TaskLabels, y: np.ndarray):
    """What ``fit`` takes from the y: columns of the task's labels (no 'no frame')."""
    if task.multi_label:
        return y.astype(np.int64)
    return np.asarray(task.labels, dtype=object)[y.argmax(axis=1)]


def fold_models(model, texts, targets, fold_of_row: np.ndarray, folds: int, thresholds):
    """K refits: fold j's model trained on the gold rows and coded rows not in fold j."""
    from sklearn.base import clone

    models = []
    for j in range(folds):
        keep = fold_of_row != j
        fresh = clone(model)
        if hasattr(model, "encoder_source_"):  # the packaged encoder found at load
            fresh.encoder_source_ = model.encoder_source_
        train_texts = [t for t, k in zip(texts, keep, strict=True) if k]
        train_y = targets[keep]
        with progress.stage(f"fold {j + 1}/{folds}"):
            fresh.fit(train_texts, train_y)
        progress.advance()
        if thresholds is not None:
            fresh.set_thresholds(thresholds)
        models.append(fresh)
    return models


def predictor_outputs(models, texts: list[str], which: np.ndarray, task: TaskLabels) -> dict:
    """``f:`` and ``p:`` series of ``texts``: each text by the model ``which`` names (fold
    index), or the average of every model (-1)."""
    k = len(task.labels)
    proba = np.zeros((len(texts), k))
    decisions = np.zeros((len(texts), k))
    no_frame_p = np.zeros(len(texts))
    no_frame_f = np.zeros(len(texts))
    for j, model in enumerate(models):
        rows = np.flatnonzero((which == j) | (which < 0))
        if not len(rows):
            continue
        share = np.where(which[rows] < 0, 1.0 / len(models), 1.0)[:, None]
        p = model.predict_proba([texts[i] for i in rows])
        d = decide(p, model.multi_label_, model.thresholds_)
        proba[rows] += share * p
        decisions[rows] += share * d
        if task.multi_label:
            no_frame_p[rows] += share[:, 0] * np.prod(1 - p, axis=1)
            no_frame_f[rows] += share[:, 0] * (d.sum(axis=1) == 0)
    out = series_columns(decisions, task, "f", probabilities=False)
    out |= series_columns(proba, task, "p", probabilities=True)
    if task.multi_label:  # the average of each model's 'no frame', not of the averages
        out["f:no_frame"], out["p:no_frame"] = no_frame_f, no_frame_p
    out |= {f"p2:{k[2:]}": v**2 for k, v in list(out.items()) if k.startswith("p:")}
    return out


def cross_predict(
    sample: CodedSample,
    checkpoints: Sequence[str | Path],
    gold: str | Path | None,
    schema,
    folds: int = 5,
    seed: int = 0,
) -> tuple[CodedSample, CrossPrediction]:
    """The coded sample with the checkpoints' predictions replaced by cross-predictions."""
    tasks = {t.task: t for t in sample.tasks}
    loaded = {}
    for path in checkpoints:
        model, info = refittable_model(path, schema, tasks)
        if info["task"] in loaded:
            raise FramingInputError(
                f"two checkpoints for task {info['task']}", field="--checkpoint"
            )
        loaded[info["task"]] = (model, info, str(path))
    missing = [t for t in tasks if t not in loaded]
    if missing:
        raise FramingInputError(
            f"no checkpoint for task {', '.join(missing)}: cross-prediction refits one per "
            "task the predictions cover",
            field="--checkpoint",
        )
    if "text" not in sample.corpus.rows:
        raise FramingInputError(
            "has no text column: cross-prediction refits on the sentences' texts",
            file=sample.corpus.path,
        )
    coded = sample.table
    coded_key = article_key(coded)
    check_folds(coded_key.nunique(), folds)
    gold_path = Path(gold) if gold else load_study().path("sentences")
    dataset = load_labelled_set(gold_path, schema=schema)
    gold_frame = dataset.select_columns(["sentence_id", "article_id", "outlet"]).to_pandas()
    gold_key = article_key(gold_frame)
    corpus_keys = set(article_key(sample.corpus.articles))
    fold_of = assign_folds(coded_key, sorted(set(gold_key) & corpus_keys), folds, seed)
    notes = []
    coded_ids = set(coded["sentence_id"])
    gold_keep = ~gold_frame["sentence_id"].isin(coded_ids).to_numpy()
    texts_by_id = dict(
        zip(sample.corpus.rows["sentence_id"], sample.corpus.rows["text"], strict=True)
    )
    coded_texts = [texts_by_id[i] for i in coded["sentence_id"]]
    coded_fold = coded_key.map(fold_of).to_numpy()
    gold_fold = gold_key.map(fold_of).fillna(-1).to_numpy().astype(int)[gold_keep]
    new_table = coded.copy()
    per_task = {}
    models_by_task = {}
    for name, task in tasks.items():
        model, info, path = loaded[name]
        data = task_data(dataset, name, schema)
        gold_texts = [t for t, k in zip(data.texts, gold_keep, strict=True) if k]
        gold_y = data.targets()[gold_keep]
        y = coded[[f"y:{label}" for label in task.labels]].to_numpy()
        texts = gold_texts + coded_texts
        targets = (
            np.vstack([gold_y, training_targets(task, y)])
            if task.multi_label
            else np.concatenate([gold_y, training_targets(task, y)])
        )
        fold_of_row = np.concatenate([gold_fold, coded_fold])
        thresholds = model.thresholds_ if task.multi_label else None
        with (
            progress.task(f"cross-prediction refits ({name})", total=folds, unit="fits"),
            progress.stage(name),
        ):
            models = fold_models(model, texts, targets, fold_of_row, folds, thresholds)
        models_by_task[name] = models
        outputs = predictor_outputs(models, coded_texts, coded_fold, task)
        for column, values in outputs.items():
            if not column.startswith("p2:"):
                new_table[column] = values
        recorded = info.get("data_sha256")
        if recorded and recorded != sha256_file(gold_path):
            notes.append(
                f"the {name} checkpoint was trained on another version of the gold set than "
                f"{gold_path}; the refits use {gold_path}"
            )
        per_task[name] = {"checkpoint": path, "family": info["family"]}
    articles = corpus_sums(sample.corpus, tasks, models_by_task, fold_of)
    rows = sample.corpus.rows.copy()
    corpus = replace(sample.corpus, articles=articles, rows=rows, has_probabilities=True)
    counts = pd.Series(coded_fold).value_counts().sort_index()
    report = {
        "folds": folds,
        "seed": seed,
        "gold": str(gold_path),
        "n_gold_sentences": int(gold_keep.sum()),
        "coded_sentences_per_fold": [int(counts.get(j, 0)) for j in range(folds)],
        "coded_articles": int(coded_key.nunique()),
        "gold_articles_in_the_corpus": len(set(gold_key) & corpus_keys),
        "tasks": per_task,
    }
    return replace(sample, corpus=corpus, table=new_table), CrossPrediction(report, notes)


def corpus_sums(
    corpus: PredictedCorpus, tasks: dict[str, TaskLabels], models: dict, fold_of: dict[str, int]
) -> pd.DataFrame:
    """Per-article sums of the cross-predictions over every sentence of the corpus (read again
    in chunks): an article of a fold by its fold's model, any other by the average."""
    sums = []
    reader = pd.read_csv(
        corpus.path,
        usecols=[*KEYS, "text"],
        dtype=str,
        keep_default_na=False,
        chunksize=CHUNK_ROWS,
    )
    for chunk in reader:
        which = article_key(chunk).map(fold_of).fillna(-1).to_numpy().astype(int)
        texts = chunk["text"].tolist()
        columns = {}
        for name, task in tasks.items():
            columns |= predictor_outputs(models[name], texts, which, task)
        table = pd.DataFrame(columns, index=chunk.index)
        table.insert(0, "article_id", chunk["article_id"])
        table.insert(0, "outlet", chunk["outlet"])
        table["n_sentences"] = 1
        sums.append(table.groupby(["outlet", "article_id"], sort=False).sum())
    return pd.concat(sums).groupby(level=[0, 1], sort=True).sum().reset_index()
