"""DataFrames in and out, for a notebook: no config, no files written.

    >>> import framing
    >>> sents = framing.sentences(articles_df)      # or a folder, .jsonl, .csv, .parquet
    >>> frames = framing.load(FRAMES_CKPT).predict_frame(sents)
    >>> both = framing.load(STANCE_CKPT).predict_frame(frames)

``sentences`` cleans and splits articles exactly as ``framing corpus`` does (the study's rules
when run inside a study folder, else the package's) and finds duplicate groups.
``predict_frame`` adds ``proba:LABEL`` and ``pred:LABEL`` columns (0/1 decisions with the
checkpoint's thresholds), the layout of ``framing predict``'s ``predictions.csv``.
"""

from __future__ import annotations

from pathlib import Path

from framing.corpus import CorpusRules, build_sentences, read_articles
from framing.study import find_study_root, load_study

SENTENCE_COLUMNS = ["sentence_id", "article_id", "outlet", "position", "kind", "text", "dup_group"]


def _rules(rules):
    if rules is not None:
        return rules
    if find_study_root() is not None:
        return load_study().corpus_rules()
    return CorpusRules.with_overrides({})


def sentences(articles, outlets: str | Path | None = None, rules=None):
    """A DataFrame of sentences (one row each: ``SENTENCE_COLUMNS``) from ``articles``: a pandas
    DataFrame with a ``text`` column (one row per article), a Parquet, CSV or JSONL file, or a
    folder of .txt files. ``outlets`` is an outlet table (CSV keyed by article_id)."""
    import pandas as pd

    found, _ = build_sentences(read_articles(articles, outlets), _rules(rules))
    return pd.DataFrame([s.to_dict() for s in found], columns=SENTENCE_COLUMNS)


def predict_frame(model, data, text_column: str = "text"):
    """``data`` (a DataFrame with ``text_column``, or a sequence of texts) with the model's
    ``proba:LABEL`` and ``pred:LABEL`` columns added; the input is not changed
    (``model.predict_frame``)."""
    return model.predict_frame(data, text_column)
