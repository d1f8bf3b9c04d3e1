"""Likely label errors in the gold set (``framing coding audit``).

Out-of-fold probabilities from ``framing train`` run folders (each sentence scored by a model
that never saw it; several runs of one task, e.g. seeds, are averaged) go to cleanlab's
``find_label_issues`` (confident learning): multi-label for frames, multiclass for stance. The
flagged sentences are ranked by cleanlab's label-quality score (``get_label_quality_scores``,
self-confidence: the probability the model gives the coded label(s), for frames aggregated over
the labels; lowest first). A flag is a reason to re-read a
sentence against the codebook, not a correction: the label stays what the coders decide.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from framing.data.schema import is_multi_label
from framing.errors import FramingInputError
from framing.runs.discover import find_runs


def _mean_probabilities(runs):
    """(sentence ids, labels, task, coded 0/1 matrix, mean probabilities, the runs' majority
    decisions) of runs of one task."""
    first = runs[0]
    labels = list(first.metrics["labels"])
    for run in runs[1:]:
        if (run.metrics["task"], list(run.metrics["labels"])) != (first.metrics["task"], labels):
            raise FramingInputError(
                f"is a {run.metrics['task']} run; {first.folder} is {first.metrics['task']}",
                file=run.folder,
                fix="audit one task at a time",
            )
        if run.metrics["data_sha256"] != first.metrics["data_sha256"]:
            raise FramingInputError(
                "was trained on other data than " + str(first.folder), file=run.folder
            )
    ids = first.oof["sentence_id"].tolist()
    truth = first.oof[[f"true:{lab}" for lab in labels]].to_numpy().astype(int)
    proba = np.mean(
        [run.oof[[f"proba:{lab}" for lab in labels]].to_numpy(dtype=float) for run in runs], axis=0
    )
    votes = np.mean(
        [run.oof[[f"pred:{lab}" for lab in labels]].to_numpy(dtype=float) for run in runs], axis=0
    )
    return ids, labels, first.metrics["task"], truth, proba, votes >= 0.5


def label_issues(run_paths: list[str | Path], texts: dict[str, str] | None = None):
    """A DataFrame of the flagged sentences, most likely error first: rank, sentence_id,
    quality (cleanlab's score, 0-1, low = suspicious), coded, model (the out-of-fold decisions,
    by majority over runs; stance: the most probable class), text, and ``proba:LABEL`` per label."""
    import pandas as pd
    from cleanlab.filter import find_label_issues

    runs = find_runs(list(run_paths))
    ids, labels, task, truth, proba, decided = _mean_probabilities(runs)
    multi_label = is_multi_label(task)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cleanlab warns about tiny classes; the set is small
        if multi_label:
            from cleanlab.multilabel_classification.rank import get_label_quality_scores

            given = [list(np.flatnonzero(row)) for row in truth]
            flagged = find_label_issues(
                given,
                proba,
                multi_label=True,
                n_jobs=1,  # a worker pool is slower than one process on a few hundred rows
            )
            quality = get_label_quality_scores(given, proba)
            model = [[labels[j] for j in np.flatnonzero(row)] for row in decided]
            coded = [[labels[j] for j in row] for row in given]
        else:
            from cleanlab.rank import get_label_quality_scores

            given = truth.argmax(axis=1)
            flagged = find_label_issues(given, proba, n_jobs=1)
            quality = get_label_quality_scores(given, proba)
            model = [labels[j] for j in proba.argmax(axis=1)]
            coded = [labels[j] for j in given]
    # Most suspicious first: the flagged sentences by their label-quality score.
    issues = sorted(np.flatnonzero(flagged), key=lambda i: (quality[i], ids[i]))
    rows = []
    for rank, i in enumerate(issues, start=1):
        rows.append(
            {
                "rank": rank,
                "sentence_id": ids[i],
                "quality": round(float(quality[i]), 4),
                "coded": coded[i] if not multi_label else "|".join(coded[i]),
                "model": model[i] if not multi_label else "|".join(model[i]),
                "text": (texts or {}).get(ids[i], ""),
            }
            | {f"proba:{lab}": round(float(p), 4) for lab, p in zip(labels, proba[i], strict=True)}
        )
    columns = ["rank", "sentence_id", "quality", "coded", "model", "text"]
    table = pd.DataFrame(rows, columns=columns + [f"proba:{lab}" for lab in labels])
    table.attrs.update(task=task, n_sentences=len(ids), n_runs=len(runs))
    return table
