"""Reading a Label Studio export back into coded records, whichever of its three text formats
the project was exported in:

- JSON: a list of tasks, each with its ``id``, its ``data`` and ``annotations`` whose
  ``result`` items name the control (``from_name``) and the chosen values (``value.choices``,
  ``value.text``);
- JSON-MIN: one flat object per annotation: the task's data fields, one key per control
  (a single choice as a string, several as ``{"choices": [...]}``, the note as a string), and
  ``annotator``, ``annotation_id``, ``created_at``, ``updated_at``, ``lead_time``;
- CSV: the same flat rows as columns (several choices as the JSON text
  ``{"choices": [...]}``).

A task with several annotations (several coders) is imported one coder at a time
(``--annotator`` with the coder's Label Studio id or email). Each coded record keeps who coded it
and when (``annotator``, ``annotation_id``, ``created_at``, ``updated_at``, ``lead_time``
in seconds) where the export says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from framing.coding.files import canonical_label
from framing.coding.labelstudio import FRAMES, NOTE, STANCE
from framing.coding.spreadsheet import read_csv_rows
from framing.data.schema import LabelSchema
from framing.errors import FramingInputError

#: what a flat (JSON-MIN or CSV) row says about the annotation rather than the task
PROVENANCE = ("annotator", "annotation_id", "created_at", "updated_at", "lead_time")
#: a Label Studio CSV export always has this column; a framing coding sheet never does
LS_CSV_COLUMN = "annotation_id"


@dataclass
class Annotation:
    """One coder's annotation of one task, before its labels are checked."""

    frames: list[str]
    stance: list[str]
    note: str
    annotator: str | None  # as the coder file records it (email, else id)
    names: set[str]  # every name --annotator may give for the coder (id, email)
    provenance: dict
    where: dict  # file, line or field of the annotation, for an error about it
    choices_at: dict = field(default_factory=dict)  # control -> where its choices are


@dataclass
class Task:
    key: str  # the task id (or the sentence id when the export has none)
    sentence_id: str
    where: dict
    fmt: str  # "json", "json-min" or "csv"
    annotations: list[Annotation] = field(default_factory=list)


def _error(message: str, where: dict, suffix: str = "", fix: str | None = None):
    field_name = (where.get("field") or "") + suffix
    return FramingInputError(
        message, file=where["file"], line=where.get("line"), field=field_name or None, fix=fix
    )


def _annotator_name(by) -> str | None:
    """The coder as Label Studio's own exports name them: the email of an expanded user,
    else the numeric id."""
    if isinstance(by, dict):
        by = by.get("email") or by.get("id")
    return None if by in (None, "") else str(by)


def _annotator_names(by) -> set[str]:
    """Every name ``--annotator`` may use for a coder: id and email."""
    if isinstance(by, dict):
        return {str(v) for k, v in by.items() if k in ("id", "email") and v not in (None, "")}
    return set() if by in (None, "") else {str(by)}


def _provenance(values: dict) -> dict:
    out = {}
    for key in PROVENANCE:
        value = values.get(key)
        if value in (None, ""):
            continue
        if key == "annotator":
            value = _annotator_name(value)
        elif key == "lead_time":
            try:
                value = round(float(value), 3)
            except (TypeError, ValueError):
                continue  # a lead time Label Studio did not record is no coding error
        elif key == "annotation_id" and isinstance(value, str) and value.isdigit():
            value = int(value)
        out[key] = value
    return out


# ---------------------------------------------------------------- JSON (full)


def _full_json_task(task: dict, i: int, path: Path) -> Task:
    where = {"file": path, "field": f"[{i}]"}
    if task.get("id") in (None, ""):
        raise _error(
            "a task without an id", where, ".id", fix="export the project from Label Studio"
        )
    data = task.get("data")
    sid = data.get("sentence_id") if isinstance(data, dict) else None
    if not isinstance(sid, str) or not sid:
        raise _error(
            "missing sentence_id",
            where,
            ".data.sentence_id",
            fix="import tasks written by framing coding export",
        )
    out = Task(str(task["id"]), sid, where, "json")
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        raise _error("must be a list", where, ".annotations")
    for j, ann in enumerate(annotations):
        at = {"file": path, "field": f"[{i}].annotations[{j}]"}
        if not isinstance(ann, dict):
            raise _error("must be an object", at)
        if ann.get("was_cancelled") or ann.get("skipped"):
            continue
        frames, stance, note, choices_at = _result_choices(ann.get("result"), at)
        by = ann.get("completed_by")
        provenance = _provenance(
            {
                "annotator": _annotator_name(by),
                "annotation_id": ann.get("id"),
                "created_at": ann.get("created_at"),
                "updated_at": ann.get("updated_at"),
                "lead_time": ann.get("lead_time"),
            }
        )
        out.annotations.append(
            Annotation(
                frames,
                stance,
                note,
                _annotator_name(by),
                _annotator_names(by),
                provenance,
                at,
                choices_at,
            )
        )
    return out


def _result_choices(result, at: dict):
    """(frames, stance, note, where each control's choices are) of an annotation's result."""
    if not isinstance(result, list):
        raise _error("must be a list", at, ".result")
    frames: list[str] = []
    stance: list[str] = []
    note = ""
    choices_at: dict[str, dict] = {}
    for k, item in enumerate(result):
        here = {"file": at["file"], "field": f"{at['field']}.result[{k}]"}
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            raise _error("must be an object with a value", here)
        control = item.get("from_name")
        if control == NOTE:
            text = item["value"].get("text") or []
            note = " ".join(str(t) for t in (text if isinstance(text, list) else [text]))
            continue
        if control not in (FRAMES, STANCE):
            raise _error(
                f"unknown control '{control}'",
                here,
                ".from_name",
                fix="use the labelling config written by framing coding export",
            )
        choices = item["value"].get("choices")
        if not isinstance(choices, list):
            raise _error("must be a list", here, ".value.choices")
        (frames if control == FRAMES else stance).extend(choices)
        choices_at[control] = {"file": at["file"], "field": f"{here['field']}.value.choices"}
    return frames, stance, note, choices_at


# ---------------------------------------------------------------- JSON-MIN and CSV (flat rows)


def _flat_choices(value, where: dict, key: str) -> list[str]:
    """A control's value in a flat row: absent, one choice, or ``{"choices": [...]}``."""
    if value in (None, ""):
        return []
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise _error(f"is not valid JSON: {value!r}", where, key) from None
    if isinstance(value, dict):
        value = value.get("choices")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise _error(f"is not a choice or a list of choices: {value!r}", where, key)


def _flat_note(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return value
    if isinstance(value, dict):
        value = value.get("text") or ""
    if isinstance(value, list):
        return " ".join(str(t) for t in value)
    return str(value)


def _flat_task(row: dict, where: dict) -> tuple[str, Task, Annotation | None]:
    sid = row.get("sentence_id")
    if isinstance(sid, int | float) and not isinstance(sid, bool):
        sid = str(sid)
    if not isinstance(sid, str) or not sid.strip():
        raise _error(
            "missing sentence_id",
            where,
            "sentence_id" if where.get("line") else ".sentence_id",
            fix="import tasks written by framing coding export",
        )
    sid = sid.strip()
    key = str(row["id"]) if row.get("id") not in (None, "") else sid
    task = Task(key, sid, where, "csv" if where.get("line") else "json-min")
    sep = "" if where.get("line") else "."
    frames = _flat_choices(row.get(FRAMES), where, f"{sep}{FRAMES}")
    stance = _flat_choices(row.get(STANCE), where, f"{sep}{STANCE}")
    note = _flat_note(row.get(NOTE))
    if not frames and not stance and not note and row.get("annotation_id") in (None, ""):
        return key, task, None  # the task has no annotation: not coded yet
    choices_at = {
        control: {**where, "field": (where.get("field") or "") + f"{sep}{control}"}
        for control in (FRAMES, STANCE)
    }
    name = _annotator_name(row.get("annotator"))
    names = {name} if name else set()
    annotation = Annotation(frames, stance, note, name, names, _provenance(row), where, choices_at)
    return key, task, annotation


def _flat_tasks(rows, path: Path, json_min: bool) -> list[Task]:
    tasks: dict[str, Task] = {}
    for i, row in rows:
        where = {"file": path, "field": f"[{i}]"} if json_min else {"file": path, "line": i}
        if not isinstance(row, dict):
            raise _error("must be an object", where)
        key, task, annotation = _flat_task(row, where)
        task = tasks.setdefault(key, task)
        if annotation is not None:
            task.annotations.append(annotation)
    return list(tasks.values())


# ---------------------------------------------------------------- the export as a whole


def export_tasks(path: str | Path) -> list[Task]:
    """The tasks of a Label Studio export (JSON, JSON-MIN or CSV) with their annotations."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        header, rows = read_csv_rows(path)
        if LS_CSV_COLUMN not in header:
            raise FramingInputError(
                f"has no '{LS_CSV_COLUMN}' column: not a Label Studio CSV export",
                file=path,
                line=1,
            )
        return _flat_tasks(rows, path, json_min=False)
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FramingInputError(f"is not valid JSON ({err})", file=path) from None
    if not isinstance(raw, list):
        raise FramingInputError(
            "must be a JSON list (Label Studio's JSON or JSON-MIN export)",
            file=path,
            fix="export the project from Label Studio as JSON, JSON-MIN or CSV",
        )
    if not raw:
        return []
    full = [isinstance(t, dict) and isinstance(t.get("data"), dict) for t in raw]
    if all(full):
        return [_full_json_task(task, i, path) for i, task in enumerate(raw)]
    if not any(full):
        return _flat_tasks(enumerate(raw), path, json_min=True)
    i = full.index(False) if full[0] else full.index(True)
    raise FramingInputError(
        "mixes tasks of a JSON export (with 'data') and rows of a JSON-MIN export",
        file=path,
        field=f"[{i}]",
    )


def annotators(tasks: list[Task]) -> list[str]:
    return sorted({n for t in tasks for a in t.annotations for n in a.names})


def _pick(task: Task, annotator: str | None) -> Annotation | None:
    kept = [a for a in task.annotations if annotator is None or annotator in a.names]
    if len(kept) > 1:
        coders = sorted({a.annotator or "?" for a in kept})
        suffix = {"json": ".annotations", "json-min": ".annotator", "csv": "annotator"}
        raise _error(
            f"the task has {len(kept)} annotations (by {', '.join(coders)})",
            task.where,
            suffix[task.fmt],
            fix="import one coder at a time: --annotator ID_OR_EMAIL",
        )
    return kept[0] if kept else None


def _labels(values: list[str], valid: list[str], what: str, at: dict) -> list[str]:
    out = []
    for value in values:
        name = canonical_label(value, valid)
        if name is None:
            raise _error(
                f"'{value}' is not a {what} of the schema", at, fix=f"valid: {', '.join(valid)}"
            )
        out.append(name)
    return out


def _record(task: Task, ann: Annotation, schema: LabelSchema) -> dict:
    at = ann.choices_at
    frames = _labels(ann.frames, schema.frame_names, "frame", at.get(FRAMES, ann.where))
    stance = _labels(ann.stance, schema.stance_names, "stance class", at.get(STANCE, ann.where))
    if len(set(stance)) != 1:
        full_json = "annotations" in (ann.where.get("field") or "")
        where = at.get(STANCE, ann.where) if not full_json else ann.where
        raise _error(
            f"needs exactly one stance class, has {len(set(stance))}",
            where,
            ".result" if full_json else "",
        )
    order = schema.frame_names
    return {
        "sentence_id": task.sentence_id,
        "frames": sorted(set(frames), key=order.index),
        "stance": stance[0],
        "note": ann.note,
    } | ann.provenance


def read_export(
    path: str | Path, schema: LabelSchema, annotator: str | None = None
) -> tuple[list[dict], int]:
    """Coded records ``{sentence_id, frames, stance, note, annotator, ...}`` from a Label
    Studio export, and the number of tasks without an annotation (not coded yet, skipped)."""
    path = Path(path)
    tasks = export_tasks(path)
    if annotator is not None:
        known = annotators(tasks)
        if annotator not in known:
            raise FramingInputError(
                f"no annotation by annotator '{annotator}' in this export",
                file=path,
                field="--annotator",
                fix="annotators in it: " + (", ".join(known) if known else "none (nothing coded)"),
            )
    records, uncoded, seen = [], 0, {}
    for task in tasks:
        ann = _pick(task, annotator)
        if ann is None:
            uncoded += 1
            continue
        if task.sentence_id in seen:
            raise _error(
                f"sentence_id '{task.sentence_id}' is coded twice "
                f"(also task {seen[task.sentence_id]})",
                task.where,
                {"json": ".data.sentence_id", "json-min": ".sentence_id"}.get(
                    task.fmt, "sentence_id"
                ),
            )
        seen[task.sentence_id] = task.key
        records.append(_record(task, ann, schema))
    return records, uncoded
