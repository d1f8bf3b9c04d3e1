"""The labelled sentence set: validation against the label schema, a typed ``datasets.Dataset``,
and task targets (a binary matrix for frames, class indices for stance).

    >>> from framing.data import load_labelled_set
    >>> ds = load_labelled_set("labels/gold.jsonl", schema)
    >>> ds = load_study().labelled_set()   # the study's own (framing.study)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.data.schema import LabelSchema, task_name
from framing.errors import FramingInputError
from framing.io import read_jsonl

REQUIRED_FIELDS = {
    "sentence_id": str,
    "article_id": str,
    "outlet": str,
    "position": int,
    "text": str,
    "dup_group": str,
    "frames": list,
    "stance": str,
}


def validate_label_record(
    record: dict, schema: LabelSchema, path, line: int, need_text: bool = True
) -> None:
    """Check one coded record; the error names the file, the line and the field."""
    fields = REQUIRED_FIELDS if need_text else {"sentence_id": str, "frames": list, "stance": str}
    for name, kind in fields.items():
        if name not in record:
            raise FramingInputError("missing field", file=path, line=line, field=name)
        value = record[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise FramingInputError(
                f"must be {kind.__name__}, got {type(value).__name__}",
                file=path,
                line=line,
                field=name,
            )
    if need_text and not record["text"].strip():
        raise FramingInputError("empty text", file=path, line=line, field="text")
    if not record["sentence_id"].strip():
        raise FramingInputError("empty sentence_id", file=path, line=line, field="sentence_id")
    for frame in record["frames"]:
        if frame not in schema.frame_names:
            raise FramingInputError(
                f"unknown frame '{frame}'",
                file=path,
                line=line,
                field="frames",
                fix=f"valid frames: {', '.join(schema.frame_names)}",
            )
    if len(set(record["frames"])) != len(record["frames"]):
        raise FramingInputError("a frame is listed twice", file=path, line=line, field="frames")
    if record["stance"] not in schema.stance_names:
        raise FramingInputError(
            f"unknown stance '{record['stance']}'",
            file=path,
            line=line,
            field="stance",
            fix=f"valid stances: {', '.join(schema.stance_names)}",
        )


def read_labelled_records(
    path: str | Path, schema: LabelSchema, need_text: bool = True, allow_empty: bool = False
) -> list[dict]:
    """Read and validate every record; stops at the first problem, naming it. With
    ``need_text=False`` only the coding fields are required (a coder's file)."""
    path = Path(path)
    records, seen = [], {}
    for line_no, record in read_jsonl(path):
        validate_label_record(record, schema, path, line_no, need_text=need_text)
        sid = record["sentence_id"]
        if sid in seen:
            raise FramingInputError(
                f"duplicate sentence_id '{sid}' (first on line {seen[sid]})",
                file=path,
                line=line_no,
                field="sentence_id",
            )
        seen[sid] = line_no
        records.append(record)
    if not records and not allow_empty:
        raise FramingInputError("the labelled set is empty", file=path)
    return records


def same_text(text: str) -> str:
    """What makes two sentences identical: their words, whatever the spacing."""
    return " ".join(text.split())


def contradictory_copies(records: list[dict]) -> list[list[int]]:
    """Identical sentences (one duplicate group, the same words) coded differently: for each
    such set, the indices of its records. A set whose every copy was adjudicated is a decision
    someone took, not a contradiction."""
    copies: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(records):
        key = (r.get("dup_group") or r["sentence_id"], same_text(r["text"]))
        copies.setdefault(key, []).append(i)
    found = []
    for members in copies.values():
        labels = {(frozenset(records[i]["frames"]), records[i]["stance"]) for i in members}
        if len(labels) > 1 and not all(records[i].get("adjudicated") for i in members):
            found.append(members)
    return found


def check_resolved(records: list[dict], path) -> None:
    """Refuse a gold set with codings nobody has resolved: a sentence the two coders coded
    differently (``disagreement``, written by ``framing coding assemble`` until an adjudication
    decides it) or identical sentences coded differently. A model trained on them learns both
    answers to one question, and its cross-validated score counts one of them as an error."""
    fix = (
        "decide them in the adjudication template framing coding assemble writes, import it "
        "into the study's adjudication file (codings.adjudication) and assemble again"
    )

    def line_of(i: int) -> int | None:
        sid = records[i]["sentence_id"]
        return next((n for n, r in read_jsonl(path) if r.get("sentence_id") == sid), None)

    open_ = [i for i, r in enumerate(records) if r.get("disagreement")]
    if open_:
        first = records[open_[0]]["sentence_id"]
        raise FramingInputError(
            f"{len(open_)} sentence(s) coded differently by the two coders are not adjudicated, "
            f"first: {first}",
            file=path,
            line=line_of(open_[0]),
            field="disagreement",
            fix=fix,
        )
    copies = contradictory_copies(records)
    if copies:
        members = copies[0]
        shown = "; ".join(
            f"{records[i]['sentence_id']} {records[i]['frames']} / {records[i]['stance']}"
            for i in members
        )
        raise FramingInputError(
            f"{len(copies)} set(s) of identical sentences are coded differently and not "
            f"adjudicated, first: {shown}",
            file=path,
            line=line_of(members[0]),
            field="frames/stance",
            fix=fix,
        )


def features_for(schema: LabelSchema):
    from datasets import ClassLabel, Features, List, Value

    return Features(
        {
            "sentence_id": Value("string"),
            "article_id": Value("string"),
            "outlet": Value("string"),
            "position": Value("int32"),
            "kind": Value("string"),
            "text": Value("string"),
            "dup_group": Value("string"),
            "frames": List(ClassLabel(names=schema.frame_names)),
            "stance": ClassLabel(names=schema.stance_names),
            "note": Value("string"),
        }
    )


def load_labelled_set(
    path: str | Path | None = None,
    schema: LabelSchema | None = None,
    study=None,
    allow_unresolved: bool = False,
):
    """The labelled sentence set as a ``datasets.Dataset`` with typed ``Features``.

    ``path`` and ``schema`` default to the ``sentences`` file and the ``schema`` of ``study``
    (a ``framing.study.Study``; ``Study.labelled_set()`` is the short way to say that).
    A set with unresolved codings (``check_resolved``) is refused unless ``allow_unresolved``
    (counting them, as ``framing coding stats`` does).
    """
    if path is None or schema is None:
        if study is None:
            raise TypeError("load_labelled_set needs path and schema, or a study")
        schema = schema or study.schema
        path = path or study.path("sentences")
    records = read_labelled_records(path, schema)
    if not allow_unresolved:
        check_resolved(records, path)
    rows = [
        {
            "sentence_id": r["sentence_id"],
            "article_id": r["article_id"],
            "outlet": r["outlet"],
            "position": r["position"],
            "kind": r.get("kind", "sentence"),
            "text": r["text"],
            "dup_group": r["dup_group"],
            "frames": [schema.frame_names.index(f) for f in r["frames"]],
            "stance": schema.stance_names.index(r["stance"]),
            "note": r.get("note") or "",
        }
        for r in records
    ]
    from datasets import Dataset

    return Dataset.from_list(rows, features=features_for(schema))


@dataclass
class TaskData:
    """What a classifier sees: texts, targets in the schema's label order, and groups."""

    task: str
    labels: list[str]
    multi_label: bool
    texts: list[str]
    y: np.ndarray  # (n, k) 0/1 for frames; (n,) class index for stance
    groups: np.ndarray  # duplicate-group id per sentence
    outlets: np.ndarray
    sentence_ids: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def targets(self):
        """What ``FramingClassifier.fit`` takes: the 0/1 matrix (frames) or class names."""
        return self.y if self.multi_label else np.asarray(self.labels, dtype=object)[self.y]

    def subset(self, index: np.ndarray) -> TaskData:
        return TaskData(
            task=self.task,
            labels=self.labels,
            multi_label=self.multi_label,
            texts=[self.texts[i] for i in index],
            y=self.y[index],
            groups=self.groups[index],
            outlets=self.outlets[index],
            sentence_ids=[self.sentence_ids[i] for i in index],
        )


def task_data(dataset, task: str, schema: LabelSchema) -> TaskData:
    """Targets for one task from a labelled ``Dataset``."""
    task = task_name(task)
    labels = schema.labels(task)
    multi_label = schema.is_multi_label(task)
    names = dataset.features[task].feature.names if multi_label else dataset.features[task].names
    if list(names) != labels:
        raise FramingInputError(
            f"the labelled set's {task} labels {list(names)} do not match the task schema {labels}",
            field=task,
            fix="use the data config whose schema coded this set",
        )
    if multi_label:
        y = np.zeros((len(dataset), len(labels)), dtype=np.int64)
        for i, codes in enumerate(dataset[task]):
            y[i, codes] = 1
    else:
        y = np.asarray(dataset[task], dtype=np.int64)
    return TaskData(
        task=task,
        labels=labels,
        multi_label=multi_label,
        texts=list(dataset["text"]),
        y=y,
        groups=np.asarray(dataset["dup_group"]),
        outlets=np.asarray(dataset["outlet"]),
        sentence_ids=list(dataset["sentence_id"]),
    )
