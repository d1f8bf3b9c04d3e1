"""The population a coding sample is drawn from: every sentence of a corpus, one unit each.

By default that is the study's articles, cleaned and split with the study's rules (what
``framing corpus`` prints). A file of sentences works too: the JSONL ``framing corpus --out``
writes, or a CSV with the same columns (``framing predict``'s ``predictions.csv`` is one, and its
``predictions.parquet``), so a
validation sample can be drawn from a new corpus that was classified.

The population's fingerprint (``sha256``) is the hash of its sentence ids in order, one per
line: the same whichever file the sentences came from, so a later step can check that a sample
and a corpus's predictions speak of the same population.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from framing.coding.gold import study_sentences
from framing.corpus import Sentence
from framing.data.tables import TABLE_SUFFIXES, read_table_chunks, table_columns
from framing.errors import FramingInputError
from framing.io import read_jsonl
from framing.outputs import read_cell

#: what a population file must give for each sentence; the rest has defaults
NEEDED = ("sentence_id", "article_id", "text")


@dataclass
class Population:
    sentences: list[Sentence]
    source: str  # the file or folder the sentences came from

    @property
    def ids(self) -> list[str]:
        return [s.sentence_id for s in self.sentences]

    def without(self, excluded: set[str]) -> Population:
        return Population([s for s in self.sentences if s.sentence_id not in excluded], self.source)

    def summary(self) -> dict:
        """What the sample record says of the population."""
        return {
            "file": self.source,
            "sha256": population_sha256(self.ids),
            "n_sentences": len(self.sentences),
            "n_articles": len({s.article_id for s in self.sentences}),
            "strata": dict(sorted(Counter(s.outlet for s in self.sentences).items())),
        }


def population_sha256(sentence_ids: list[str]) -> str:
    return hashlib.sha256("".join(f"{sid}\n" for sid in sentence_ids).encode()).hexdigest()


def _sentence(record: dict, path: Path, line: int) -> Sentence:
    for key in NEEDED:
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            raise FramingInputError("missing or empty", file=path, line=line, field=key)
    position = record.get("position")
    try:
        position = int(position) if position not in (None, "") else 0
    except (TypeError, ValueError):
        raise FramingInputError(
            f"must be an integer, got {position!r}", file=path, line=line, field="position"
        ) from None
    return Sentence(
        sentence_id=record["sentence_id"],
        article_id=record["article_id"],
        outlet=str(record.get("outlet") or "unknown"),
        position=position,
        text=record["text"],
        kind=str(record.get("kind") or "sentence"),
        dup_group=str(record.get("dup_group") or ""),
    )


def _rows(path: Path):
    """(line, record) of a JSONL, CSV or Parquet file of sentences (a Parquet file's "line" is
    its row number, counted from 1)."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from read_jsonl(path)
        return
    if suffix not in TABLE_SUFFIXES:
        raise FramingInputError(
            f"unsupported sentence file type '{path.suffix}'",
            file=path,
            fix="give the .jsonl written by framing corpus --out, or the predictions.csv / "
            ".parquet of framing predict (or a .csv with the same columns)",
        )
    header = table_columns(path)
    missing = [k for k in NEEDED if k not in header]
    if missing:
        raise FramingInputError(
            f"has no '{missing[0]}' column", file=path, line=1, field=missing[0]
        )
    if suffix == ".parquet":
        text = [c for c in header if not c.startswith(("pred:", "proba:"))]
        row = 0
        for chunk in read_table_chunks(path, text, text):
            for record in chunk.to_dict("records"):
                row += 1
                yield row, record
        return
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            for row in reader:  # a CSV framing wrote (predictions.csv): undo its cell marks
                yield reader.line_num, {k: read_cell(v) for k, v in row.items()}
    except UnicodeDecodeError:
        raise FramingInputError(
            "is not valid UTF-8", file=path, fix="re-save it as UTF-8"
        ) from None


def read_population(path: str | Path) -> Population:
    """Sentences from a file; a missing field, a repeated sentence_id or an empty file stops
    the read, naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise FramingInputError("no such sentence file", file=path)
    sentences, seen = [], {}
    for line, record in _rows(path):
        s = _sentence(record, path, line)
        if s.sentence_id in seen:
            raise FramingInputError(
                f"duplicate sentence_id '{s.sentence_id}' (first on line {seen[s.sentence_id]})",
                file=path,
                line=line,
                field="sentence_id",
            )
        seen[s.sentence_id] = line
        sentences.append(s)
    if not sentences:
        raise FramingInputError("holds no sentences", file=path)
    return Population(sentences, str(path))


def study_population(study) -> Population:
    """The study's articles, cleaned and split as its labelled set is."""
    sentences, _ = study_sentences(study)
    if not sentences:
        raise FramingInputError("no sentences left after cleaning", file=study.path("articles"))
    return Population(sentences, str(study.value("articles")))
