"""``framing.train`` and ``framing.predict``: the two Hydra commands as Python functions a
notebook calls. They build the same options as the commands (``framing.cli.options``) and
call the same library functions; nothing here parses a command line or exits.

    >>> import framing
    >>> run = framing.train(task="frames", model="tfidf_lr", n_folds=3)   # in a study folder
    >>> run.metrics["macro_f1"], run.oof.head(), run.model.predict_labels(["A sentence."])
    >>> report = framing.predict(["results/runs/frames/checkpoint"], "news.jsonl", "out/")
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from framing.cli.options import (
    predict_options_from,
    train_options_of,
)
from framing.outputs import Kind, output_folder
from framing.prediction import PredictOptions, predict_corpus
from framing.runs.job import (
    Evaluation,
    ModelChoice,
    TrainOptions,
    TrainResult,
    train_model,
    write_run,
)
from framing.study import STUDY_ENV, Study, find_study_root, load_study
from framing.study.config import compose


@contextmanager
def _in_study(study: str | os.PathLike | None) -> Iterator[None]:
    """Compose configs of ``study`` (default: the one the working directory is in). The
    study's configs reach Hydra's search path through FRAMING_STUDY, as for a command."""
    if study is None:
        yield
        return
    previous = os.environ.get(STUDY_ENV)
    os.environ[STUDY_ENV] = str(Path(study).expanduser().resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(STUDY_ENV, None)
        else:
            os.environ[STUDY_ENV] = previous


def train(
    task: str = "frames",
    model: Any = "tfidf_lr",
    *,
    study: str | os.PathLike | None = None,
    seed: int = 0,
    out: str | os.PathLike | None = None,
    overrides: Sequence[str] = (),
    **evaluation: Any,
) -> TrainResult:
    """Cross-validate a family on a task of a study and fit it on every sentence, as
    ``framing train task=TASK model=MODEL seed=SEED`` does; returns the metrics, the
    out-of-fold table and the final model, and writes a run folder only when ``out`` is given.

    ``model``: a family name (its config, the package's or the study's, as the command uses)
    or an unfitted estimator of any family. ``evaluation``: the ``eval`` settings by name
    (``n_folds=3``, ``protocol="leave_one_outlet_out"``, ``bootstrap=200``, ...).
    ``overrides``: further ``key=value`` config overrides for a family given by name.
    """
    unknown = set(evaluation) - {f.name for f in fields(Evaluation)}
    if unknown:
        raise TypeError(f"train() got unexpected keyword arguments {sorted(unknown)}")
    if isinstance(model, str):
        argv = [f"task={task}", f"model={model}", f"seed={seed}"]
        argv += [f"eval.{k}={'null' if v is None else v}" for k, v in evaluation.items()]
        with _in_study(study):
            cfg = compose("train", [*argv, *overrides])
            options = train_options_of(cfg)
    else:
        with _in_study(study):
            found = load_study() if study is None else load_study(study)
        options = TrainOptions(found, task, ModelChoice(model), Evaluation(**evaluation), seed)
    result = train_model(options)
    if out is not None:
        with output_folder(Path(out), Kind.RUN) as tmp:
            write_run(result, options, tmp)
    return result


def predict(
    checkpoint: str | os.PathLike | Sequence[str | os.PathLike],
    input: str | os.PathLike,
    output: str | os.PathLike,
    *,
    study: str | os.PathLike | Study | None = None,
    **options: Any,
) -> dict:
    """Classify every sentence of ``input`` with the checkpoints (one per task) and write the
    output folder, as ``framing predict checkpoint=… input=… output=…`` does; returns the
    report (report.json). ``options``: the command's other options by name (``outlets=``,
    ``batch_size=``, ``workers=``, ``overwrite=True``, ``figure=False``, ...); ``study``: whose
    cleaning rules apply (default: the study the working directory is in, as for the command).
    """
    names = {f.name for f in fields(PredictOptions)} - {"shards", "shard_retries"}
    unknown = set(options) - names
    if unknown:
        raise TypeError(f"predict() got unexpected keyword arguments {sorted(unknown)}")
    values = {"checkpoint": checkpoint, "input": input, "output": output, **options}
    if isinstance(study, str | os.PathLike):
        study = load_study(study)
    with _in_study(None if study is None else study.root):
        if study is None and find_study_root() is not None:
            study = load_study()
        return predict_corpus(predict_options_from(values | {"study": study}))
