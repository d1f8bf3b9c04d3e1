"""framing: stance and framing analysis of news coverage.

    >>> import framing
    >>> model = framing.load("results/runs/<run>/checkpoint")
    >>> model.predict_labels(["A sentence from a news article."])
    >>> sents = framing.sentences(articles_df)   # DataFrame in (or a file), DataFrame out
    >>> model.predict_frame(sents)                # + proba:LABEL, pred:LABEL columns

Importing the package is deliberately cheap (no torch, no scikit-learn): everything is
imported by the function that needs it. The library is organised by what it does (``corpus``,
``data``, ``coding``, ``models``, ``evaluate``, ``runs``, ``prediction``, ``checkpoint``,
``figures``, ``study``); the commands sit apart in ``framing.cli``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framing.data.schema import LabelSchema
    from framing.models.base import FramingClassifier

__all__ = ["__version__", "load", "sentences"]


def load(path: str | Path, expected_schema: LabelSchema | None = None) -> FramingClassifier:
    """Load a classifier checkpoint written by ``framing.checkpoint.save_checkpoint``.

    The weights are checked against the hashes recorded at save time and, when
    ``expected_schema`` is given, the labels against that schema. The classifier has
    ``predict`` / ``predict_proba`` / ``predict_labels`` and ``checkpoint_info`` (the
    checkpoint's JSON record).
    """
    from framing.checkpoint import load_checkpoint

    return load_checkpoint(path, expected_schema=expected_schema)


def sentences(
    articles,
    outlets: str | Path | None = None,
    rules=None,
    study: str | Path | None = None,
    keep_duplicate_ids: bool = False,
):
    """Cleaned, split sentences with duplicate groups as a pandas DataFrame (the columns of
    ``framing corpus --out``), from a DataFrame or ``datasets.Dataset`` of articles (a ``text``
    column) or a folder / .jsonl / .csv / .parquet of articles; ``study``: the study folder
    whose cleaning rules apply (default: the one found from the working directory). See
    ``framing.notebook``."""
    from framing.notebook import sentences as _sentences

    return _sentences(articles, outlets, rules, study, keep_duplicate_ids)


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("framing")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":
        value = _package_version()
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'framing' has no attribute {name!r}")
