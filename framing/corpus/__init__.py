"""Corpus layer: read articles, strip site chrome, split sentences, find duplicates.

The modules, from the bottom: ``lines`` (what "the same line" means), ``rules`` (the cleaning
rules), ``articles`` (one record -> one article), ``discovery`` / ``tables`` / ``html`` /
``reading`` (the input formats), ``outlets`` (the outlet table and its one precedence),
``facts`` (the first pass), ``cleaning`` / ``splitting`` / ``units`` / ``duplicates`` /
``sentences`` (article -> sentences), ``source`` (the two passes every command reads through)
and ``pipeline`` (``framing corpus``). This package only re-exports.
"""

from __future__ import annotations

from framing.corpus.articles import Article, normalise_outlet
from framing.corpus.facts import CorpusFacts, gather_corpus_facts
from framing.corpus.outlets import OutletTable
from framing.corpus.reading import iter_articles
from framing.corpus.rules import CorpusRules
from framing.corpus.sentences import (
    SENTENCE_FIELDS,
    Sentence,
    article_sentences,
    build_sentences,
    for_classification,
    sentence_id,
)
from framing.corpus.source import CorpusSource, read_articles


def read_outlets(path) -> dict[str, dict[str, str]]:
    """The outlet table keyed by article_id (``framing.corpus.outlets.OutletTable``)."""
    return OutletTable.read(path).rows


__all__ = [
    "SENTENCE_FIELDS",
    "Article",
    "CorpusFacts",
    "CorpusRules",
    "CorpusSource",
    "Sentence",
    "article_sentences",
    "build_sentences",
    "for_classification",
    "gather_corpus_facts",
    "iter_articles",
    "normalise_outlet",
    "read_articles",
    "read_outlets",
    "sentence_id",
]
