"""framing: stance and framing analysis of news coverage.

    >>> import framing
    >>> run = framing.train(task="frames", model="tfidf_lr")   # inside a study folder
    >>> model = framing.load("results/runs/<run>/checkpoint")
    >>> model.predict_labels(["A sentence from a news article."])
    >>> sents = framing.sentences(articles_df)   # DataFrame in (or a file), DataFrame out
    >>> model.predict_frame(sents)                # + proba:LABEL, pred:LABEL columns
    >>> report = framing.predict(CKPT, "news.jsonl", "out/")   # framing predict, from Python

The library is organised by what it does (``corpus``, ``data``, ``study``, ``models``,
``evaluate``, ``checkpoint``, ``figures``, ``runs``, ``coding``, ``prediction``,
``estimate``), in layers checked by ``lint-imports`` (pyproject.toml); the commands sit above
it in ``framing.cli``, and ``framing.api`` holds the Python forms of the two Hydra commands.

This file is the one place that imports framing modules inside functions, on purpose: every
``import framing.X`` runs it first, so it must not load the library (a ``framing.errors``
import would otherwise pay for scikit-learn and datasets).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framing.checkpoint import LoadedCheckpoint
    from framing.data.schema import LabelSchema

__all__ = ["__version__", "load", "predict", "sentences", "train"]


def train(*args, **kwargs):
    """Cross-validate a family on a task and fit it on every sentence, as ``framing train``
    does; returns the metrics, the out-of-fold table and the final model (``framing.api.train``:
    task, model, study, seed, out, overrides and the eval settings by name)."""
    from framing.api import train as _train

    return _train(*args, **kwargs)


def predict(*args, **kwargs) -> dict:
    """Classify a corpus with checkpoints and write the output folder, as ``framing predict``
    does; returns the report (``framing.api.predict``: checkpoint, input, output, study and
    the command's options by name)."""
    from framing.api import predict as _predict

    return _predict(*args, **kwargs)


def load(path: str | Path, expected_schema: LabelSchema | None = None) -> LoadedCheckpoint:
    """Load a classifier checkpoint written by ``framing train`` (or
    ``framing.checkpoint.save_checkpoint``): a local folder, or ``hf://OWNER/REPO[@REVISION]``
    on the Hugging Face Hub (downloaded into the Hugging Face cache; with ``HF_HUB_OFFLINE=1``
    read from it).

    The weights are checked against the hashes recorded at save time and, when
    ``expected_schema`` is given, the labels against that schema. The result has
    ``predict`` / ``predict_proba`` / ``predict_labels`` / ``predict_frame``, ``task``,
    ``labels`` and ``thresholds``; ``.model`` is the fitted scikit-learn estimator and
    ``.info`` the checkpoint's JSON record.
    """
    from framing.checkpoint import load_checkpoint
    from framing.checkpoint.hub import local_checkpoint

    return load_checkpoint(local_checkpoint(path), expected_schema=expected_schema)


def sentences(articles, outlets: str | Path | None = None, rules=None):
    """Cleaned, split sentences with duplicate groups as a pandas DataFrame, from a DataFrame of
    articles (a ``text`` column) or a folder / .jsonl / .csv / .parquet of articles (see
    ``framing.notebook``)."""
    from framing.notebook import sentences as _sentences

    return _sentences(articles, outlets, rules)


def __getattr__(name: str):
    if name == "__version__":
        from framing.version import package_version

        value = package_version()
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'framing' has no attribute {name!r}")
