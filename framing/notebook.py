"""DataFrames in and out, for a notebook: no config, no files written.

    >>> import framing
    >>> sents = framing.sentences(articles_df)      # or a folder, .jsonl, .csv, .parquet
    >>> frames = framing.load(FRAMES_CKPT).predict_frame(sents)
    >>> both = framing.load(STANCE_CKPT).predict_frame(frames)

``sentences`` reads and cleans articles exactly as ``framing corpus`` does (the same corpus
source, ``framing.corpus.source``: the same outlet precedence, the same rules choice) and finds
duplicate groups; its columns are those of ``framing corpus --out``.
``predict_frame`` adds ``proba:LABEL`` and ``pred:LABEL`` columns (0/1 decisions with the
checkpoint's thresholds), the layout of ``framing predict``'s ``predictions.csv``.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import fields
from pathlib import Path

from framing.corpus import CorpusSource, Sentence
from framing.errors import FramingWarning
from framing.study.corpus_rules import choose_corpus_rules

#: the columns of ``sentences``: the fields of ``framing corpus --out``, in its order
SENTENCE_COLUMNS = [f.name for f in fields(Sentence)]


class CorpusWarning(FramingWarning):
    """Something the reading found that the user should know (a file skipped, an outlet the
    table contradicts, ...): the warning lines ``framing corpus`` prints (a
    ``FramingWarning``, the library's one warning channel)."""


def sentences(
    articles,
    outlets: str | Path | None = None,
    rules=None,
    study: str | os.PathLike | None = None,
    keep_duplicate_ids: bool = False,
):
    """A DataFrame of sentences (one row each, the columns of ``framing corpus --out``) from
    ``articles``: a pandas DataFrame or a ``datasets.Dataset`` with a ``text`` column (one row
    per article), a Parquet, CSV or JSONL file, or a folder of .txt / .html files.

    ``outlets``: an outlet table (CSV keyed by article_id; it wins over an article's own
    outlet). Cleaning rules: ``rules`` (a ``CorpusRules``) if given, else those of the study
    folder ``study``, else of the study found from the working directory, else the package's
    (with a ``CorpusWarning`` saying so). What the reading found (files skipped, outlet
    conflicts, table ids matching no article, names differing only in case) comes as
    ``CorpusWarning``s."""
    import pandas as pd

    if rules is None:
        choice = choose_corpus_rules(study)
        rules = choice.rules
        if choice.note:
            warnings.warn(choice.note, CorpusWarning, stacklevel=2)
    source = CorpusSource(
        articles,
        rules,
        outlets,
        keep_duplicate_ids=keep_duplicate_ids,
        keep_option="keep_duplicate_ids=True",
    )
    source.first_pass()
    for line in source.notices():
        warnings.warn(line, CorpusWarning, stacklevel=2)
    found, _ = source.sentences()
    return pd.DataFrame([s.to_dict() for s in found], columns=SENTENCE_COLUMNS)


def predict_frame(model, data, text_column: str = "text"):
    """``data`` (a DataFrame with ``text_column``, or a sequence of texts) with the model's
    ``proba:LABEL`` and ``pred:LABEL`` columns added; the input is not changed
    (``model.predict_frame``)."""
    return model.predict_frame(data, text_column)
