"""What an estimate on a new corpus reads, checked before anything is computed:

- ``predictions.csv`` (or ``.parquet``) of ``framing predict`` (every sentence of the corpus:
  sentence_id, article_id, outlet, then ``proba:LABEL`` and ``pred:LABEL`` per label of each
  checkpoint). It is read in chunks and kept only as per-article sums (of the 0/1 decisions
  ``f:``, of the probabilities ``p:`` and of their squares ``p2:``), so memory grows with the
  number of articles, not sentences; the rows of coded sentences are kept whole. Frames' 'no
  frame' series: its decision is "no frame predicted" and its probability the product of
  (1 - p) over the frames (the frames' probabilities taken as independent, as the per-frame
  heads are fitted).
- the coded sample: a coder file (JSONL: sentence_id, frames, stance) checked against the
  study's label schema (``framing.coding.files``);
- the sample record beside the sample (``framing.coding.records``): how it was drawn and each
  unit's inclusion probability.

Every problem is one ``FramingInputError`` naming the file, line or field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from framing.coding.files import read_coding
from framing.coding.records import SampleRecord, read_sample_record, record_path
from framing.data.schema import NO_FRAME, TASKS, LabelSchema
from framing.data.tables import read_table_chunks, table_columns
from framing.errors import FramingInputError
from framing.io import read_jsonl

KEYS = ("sentence_id", "article_id", "outlet")
CHUNK_ROWS = 200_000


@dataclass(frozen=True)
class TaskLabels:
    """One task the predictions cover: its labels, and the series estimated (frames also get
    'no frame', a sentence with none of them)."""

    task: str
    labels: tuple[str, ...]
    multi_label: bool

    @property
    def series(self) -> list[str]:
        return list(self.labels) + ([NO_FRAME] if self.multi_label else [])


def prediction_tasks(header: list[str], schema: LabelSchema, path: Path) -> list[TaskLabels]:
    """The tasks whose every label has a ``pred:`` column; a label from another schema is an
    error (a checkpoint of another study, or a coded sample of another schema)."""
    missing = [k for k in KEYS if k not in header]
    if missing:
        raise FramingInputError(
            f"has no column {', '.join(missing)}",
            file=path,
            fix="give the predictions.csv written by framing predict",
        )
    predicted = [c.removeprefix("pred:") for c in header if c.startswith("pred:")]
    known = set(schema.frame_names) | set(schema.stance_names)
    foreign = [label for label in predicted if label not in known]
    if foreign:
        raise FramingInputError(
            f"predicts labels {foreign} that the study's schema '{schema.name}' does not have",
            file=path,
            field=f"pred:{foreign[0]}",
            fix="estimate inside the study whose checkpoints made these predictions",
        )
    tasks = []
    for task in TASKS:
        labels = schema.labels(task)
        present = [label for label in labels if label in predicted]
        if present and len(present) < len(labels):
            absent = [label for label in labels if label not in predicted]
            raise FramingInputError(
                f"has predictions for some {task} labels but not for {absent}",
                file=path,
                field=f"pred:{absent[0]}",
            )
        if present:
            tasks.append(TaskLabels(task, tuple(labels), schema.is_multi_label(task)))
    if not tasks:
        raise FramingInputError("has no pred:LABEL columns", file=path)
    return tasks


def decision_columns(frame: pd.DataFrame, tasks: list[TaskLabels], prefix: str) -> pd.DataFrame:
    """0/1 columns ``PREFIX:SERIES`` for every task's series from ``pred:LABEL`` columns."""
    out = {}
    for t in tasks:
        values = frame[[f"pred:{label}" for label in t.labels]].to_numpy(dtype=float)
        out |= series_columns(values, t, prefix, probabilities=False)
    return pd.DataFrame(out, index=frame.index)


def series_columns(
    values: np.ndarray, task: TaskLabels, prefix: str, probabilities: bool
) -> dict[str, np.ndarray]:
    """``PREFIX:SERIES`` arrays of one task from its (n, k) decisions or probabilities: the
    labels, and for frames 'no frame' (no frame decided; or the product of 1 - p)."""
    out = {f"{prefix}:{label}": values[:, j] for j, label in enumerate(task.labels)}
    if task.multi_label:
        out[f"{prefix}:{NO_FRAME}"] = (
            np.prod(1 - values, axis=1) if probabilities else (values.sum(axis=1) == 0) * 1.0
        )
    return out


def probability_columns(frame: pd.DataFrame, tasks: list[TaskLabels]) -> pd.DataFrame:
    """``p:SERIES`` and ``p2:SERIES`` (squares) from ``proba:LABEL`` columns."""
    out = {}
    for t in tasks:
        values = frame[[f"proba:{label}" for label in t.labels]].to_numpy(dtype=float)
        cols = series_columns(values, t, "p", probabilities=True)
        out |= cols | {f"p2:{k[2:]}": v**2 for k, v in cols.items()}
    return pd.DataFrame(out, index=frame.index)


@dataclass
class PredictedCorpus:
    path: Path
    tasks: list[TaskLabels]
    articles: pd.DataFrame  # outlet, article_id, n_sentences, f:/p:/p2:SERIES (sums)
    rows: pd.DataFrame  # the rows of the wanted sentence ids: keys, text, f:/p:SERIES
    n_sentences: int
    has_probabilities: bool = True  # proba: columns for every label


def read_predictions(path: Path, schema: LabelSchema, wanted: set[str]) -> PredictedCorpus:
    """Per-article sums of the decisions over every sentence, and the rows of ``wanted``."""
    header = table_columns(path)
    tasks = prediction_tasks(header, schema, path)
    probabilities = all(f"proba:{label}" in header for t in tasks for label in t.labels)
    columns = [
        *KEYS,
        *(["text"] if "text" in header else []),
        *(f"pred:{label}" for t in tasks for label in t.labels),
        *(f"proba:{label}" for t in tasks for label in t.labels if probabilities),
    ]
    sums, kept, n = [], [], 0
    try:
        chunks = read_table_chunks(path, columns, (*KEYS, "text"), CHUNK_ROWS)
        for chunk in chunks:
            if not chunk.filter(like="pred:").isin([0, 1]).all().all():
                raise FramingInputError("pred: columns must hold 0 or 1", file=path)
            decisions = decision_columns(chunk, tasks, "f")
            if probabilities:
                proba = chunk.filter(like="proba:")
                if not ((proba >= 0) & (proba <= 1)).all().all():
                    raise FramingInputError("proba: columns must hold numbers in [0, 1]", file=path)
                decisions = pd.concat([decisions, probability_columns(chunk, tasks)], axis=1)
            table = pd.concat([chunk[["outlet", "article_id"]], decisions], axis=1)
            table["n_sentences"] = 1
            sums.append(table.groupby(["outlet", "article_id"], sort=False).sum())
            hit = chunk["sentence_id"].isin(wanted)
            if hit.any():
                wanted_columns = [c for c in decisions if not c.startswith("p2:")]
                kept.append(
                    pd.concat(
                        [
                            chunk.loc[hit, [c for c in chunk if ":" not in c]],
                            decisions.loc[hit, wanted_columns],
                        ],
                        axis=1,
                    )
                )
            n += len(chunk)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as err:
        if isinstance(err, FramingInputError):
            raise
        raise FramingInputError(f"is not a readable predictions table ({err})", file=path) from None
    if n == 0:
        raise FramingInputError("holds no predicted sentences", file=path)
    articles = pd.concat(sums).groupby(level=[0, 1], sort=True).sum().reset_index()
    rows = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=list(KEYS))
    repeated = rows["sentence_id"][rows["sentence_id"].duplicated()]
    if len(repeated):
        raise FramingInputError(
            f"lists sentence '{repeated.iloc[0]}' twice", file=path, field="sentence_id"
        )
    return PredictedCorpus(path, tasks, articles, rows, n, probabilities)


def coded_line_numbers(path: Path) -> dict[str, int]:
    return {str(obj.get("sentence_id")): line for line, obj in read_jsonl(path)}


def coded_truth(records: dict[str, dict], ids: list[str], tasks: list[TaskLabels]) -> pd.DataFrame:
    """0/1 columns ``y:SERIES`` of the coded sentences ``ids`` (in that order)."""
    out = {}
    for t in tasks:
        field_name = "frames" if t.multi_label else "stance"
        for label in t.labels:
            out[f"y:{label}"] = [
                float(label in records[i][field_name])
                if t.multi_label
                else float(records[i][field_name] == label)
                for i in ids
            ]
        if t.multi_label:
            out[f"y:{NO_FRAME}"] = [float(not records[i]["frames"]) for i in ids]
    return pd.DataFrame(out)


def check_coded_in(
    coded_path: Path, coded_ids: list[str], known: set[str], where: str, fix: str
) -> None:
    """Every coded sentence id must be in ``known``; the first that is not is named with its
    line."""
    unknown = [sid for sid in coded_ids if sid not in known]
    if unknown:
        line = coded_line_numbers(coded_path).get(unknown[0])
        raise FramingInputError(
            f"sentence '{unknown[0]}' is not in {where}"
            + (f" ({len(unknown)} coded sentences are not)" if len(unknown) > 1 else ""),
            file=coded_path,
            line=line,
            field="sentence_id",
            fix=fix,
        )


@dataclass
class CodedSample:
    """The coded sentences joined with their predictions and sampling weights."""

    corpus: PredictedCorpus
    record: SampleRecord
    record_file: Path
    coded_file: Path
    table: pd.DataFrame  # keys, weight, y:SERIES, f:SERIES — one row per coded sentence
    notes: list[str] = field(default_factory=list)

    @property
    def tasks(self) -> list[TaskLabels]:
        return self.corpus.tasks

    @property
    def random(self) -> bool:
        return self.record.random


def read_coded_sample(
    predictions: Path,
    coded: Path,
    schema: LabelSchema,
    record_file: Path | None = None,
    allow_nonrandom: bool = False,
) -> CodedSample:
    """Read and join everything ``framing estimate`` needs; refuse what would make the
    estimate wrong: a non-random sample (unless ``allow_nonrandom``, then flagged), coded
    sentences missing from the predictions or from the sample record."""
    record_file = Path(record_file) if record_file else record_path(coded)
    record = read_sample_record(record_file)
    notes = []
    if not record.random:
        if not allow_nonrandom:
            raise FramingInputError(
                f"the sample was drawn by '{record.strategy}', not at random: its shares say "
                "nothing about the corpus",
                file=record_file,
                field="random",
                fix="code a random sample (framing coding sample), or pass --allow-nonrandom "
                "to get estimates flagged as invalid",
            )
        notes.append(
            f"NOT A RANDOM SAMPLE: the sample record says strategy '{record.strategy}' "
            "(random: false). The intervals below assume a random sample and are not valid."
        )
    records = read_coding(coded, schema)
    if not records:
        raise FramingInputError("codes no sentence", file=coded)
    ids = list(records)
    corpus = read_predictions(predictions, schema, set(ids))
    check_coded_in(
        coded,
        ids,
        set(corpus.rows["sentence_id"]),
        f"the predictions {predictions}",
        "code a sample drawn from the predicted corpus",
    )
    probability = record.probabilities
    check_coded_in(
        coded,
        ids,
        set(probability),
        f"the sample record {record_file}",
        "code only the sentences of the random sample (its record lists them)",
    )
    rows = corpus.rows.set_index("sentence_id").loc[ids].reset_index()
    table = pd.concat(
        [
            rows[list(KEYS)],
            coded_truth(records, ids, corpus.tasks),
            rows[[c for c in rows if c.startswith(("f:", "p:"))]],
        ],
        axis=1,
    )
    table.insert(3, "weight", [1.0 / probability[i] for i in ids])
    not_coded = len(probability) - len(ids)
    if not_coded:
        notes.append(
            f"{not_coded} of the sample's {len(probability)} units are not coded: the estimate "
            "treats the coded ones as the sample, valid only if coding skipped units at random"
        )
    n_population = record.population.get("n_sentences")
    if isinstance(n_population, int) and n_population != corpus.n_sentences:
        notes.append(
            f"the sample was drawn from {n_population} sentences; the predictions hold "
            f"{corpus.n_sentences}: check that both are the same corpus"
        )
    return CodedSample(corpus, record, record_file, coded, table, notes)


def indicator_arrays(
    table: pd.DataFrame, series: list[str], prefix: str = "f"
) -> tuple[np.ndarray, np.ndarray]:
    """(y, predictor) as (n, k) arrays of the given series; ``prefix`` "f" for the 0/1
    decisions, "p" for the probabilities."""
    return (
        table[[f"y:{s}" for s in series]].to_numpy(dtype=float),
        table[[f"{prefix}:{s}" for s in series]].to_numpy(dtype=float),
    )
