"""Label Studio: the labelling config generated from the schema, tasks to import, and reading a
Label Studio JSON export back into coded records.

The labelling interface shows one sentence (``$text``) with three controls:

- ``frames``: Choices, ``choice="multiple"`` (zero or more frames);
- ``stance``: Choices, ``choice="single-radio"``, required (exactly one class);
- ``note``: an optional TextArea for the coder's reason on a hard case.

Each choice carries the label's definition as its hover hint. A task's ``data`` holds the
sentence and its ids; ``predictions`` (pre-annotations) only when asked for
(``framing.coding.exchange``). An export is a JSON list of tasks, each with its ``id``, its
``data`` and ``annotations`` whose ``result`` items name the control (``from_name``) and the
chosen values (``value.choices``, ``value.text``).
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from framing.data.schema import LabelSchema
from framing.errors import FramingInputError

TEXT, FRAMES, STANCE, NOTE = "text", "frames", "stance", "note"
#: what a task shows and carries back (the coder sees only the text)
TASK_FIELDS = ("sentence_id", "article_id", "position", "text")


def labelling_config(schema: LabelSchema) -> str:
    """The labelling config (XML) for a schema."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="Sentence", size="5")
    ET.SubElement(view, "Text", name=TEXT, value="$text")
    for name, title, kind, labels in (
        (FRAMES, "Frames: zero or more", "multiple", schema.frames),
        (STANCE, "Stance: exactly one", "single-radio", schema.stance),
    ):
        ET.SubElement(view, "Header", value=title, size="5")
        attrs = {"name": name, "toName": TEXT, "choice": kind, "showInline": "false"}
        if name == STANCE:
            attrs |= {"required": "true", "requiredMessage": "Choose one stance class"}
        choices = ET.SubElement(view, "Choices", attrs)
        for label in labels:
            ET.SubElement(choices, "Choice", value=label.name, hint=label.description)
    ET.SubElement(
        view, "TextArea", name=NOTE, toName=TEXT, rows="2", maxSubmissions="1",
        placeholder="Note (optional): why, on a hard case",
    )  # fmt: skip
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _result(frames: list[str], stance: str | None) -> list[dict]:
    result = []
    for control, values in ((FRAMES, frames), (STANCE, [stance] if stance else [])):
        if values:
            result.append(
                {"from_name": control, "to_name": TEXT, "type": "choices",
                 "value": {"choices": list(values)}}
            )  # fmt: skip
    return result


def tasks(rows: list[dict], predictions: dict[str, dict] | None = None, model_version: str = ""):
    """Label Studio tasks for sample rows; ``predictions`` ({sentence_id: {"frames", "stance"}})
    become pre-annotations."""
    out = []
    for row in rows:
        task: dict = {"data": {key: row[key] for key in TASK_FIELDS if key in row}}
        if predictions is not None:
            p = predictions[row["sentence_id"]]
            task["predictions"] = [
                {"model_version": model_version, "result": _result(p["frames"], p["stance"])}
            ]
        out.append(task)
    return out


def _where(i: int, *parts) -> str:
    return f"[{i}]" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _annotation(task: dict, i: int, path: Path, annotator: str | None) -> tuple[int, dict] | None:
    """The one annotation of a task to import: (index, annotation), or None if uncoded."""
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        raise FramingInputError("must be a list", file=path, field=_where(i, "annotations"))
    kept = []
    for j, ann in enumerate(annotations):
        if not isinstance(ann, dict):
            raise FramingInputError(
                "must be an object", file=path, field=_where(i, "annotations", j)
            )
        if ann.get("was_cancelled"):
            continue
        by = ann.get("completed_by")
        names = {str(by)} if not isinstance(by, dict) else {str(v) for v in by.values()}
        if annotator is None or annotator in names:
            kept.append((j, ann))
    if len(kept) > 1:
        coders = sorted({str(a.get("completed_by")) for _, a in kept})
        raise FramingInputError(
            f"the task has {len(kept)} annotations (by {', '.join(coders)})",
            file=path,
            field=_where(i, "annotations"),
            fix="import one coder at a time: --annotator ID_OR_EMAIL",
        )
    return kept[0] if kept else None


def _coding(ann: dict, i: int, j: int, path: Path, schema: LabelSchema) -> dict:
    frames: list[str] = []
    stance: list[str] = []
    note = ""
    result = ann.get("result")
    if not isinstance(result, list):
        raise FramingInputError(
            "must be a list", file=path, field=_where(i, "annotations", j, "result")
        )
    for k, item in enumerate(result):
        where = _where(i, "annotations", j, "result", k)
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            raise FramingInputError("must be an object with a value", file=path, field=where)
        control = item.get("from_name")
        if control == NOTE:
            text = item["value"].get("text") or []
            note = " ".join(str(t) for t in (text if isinstance(text, list) else [text]))
            continue
        if control not in (FRAMES, STANCE):
            raise FramingInputError(
                f"unknown control '{control}'",
                file=path,
                field=f"{where}.from_name",
                fix="use the labelling config written by framing coding export",
            )
        choices = item["value"].get("choices")
        if not isinstance(choices, list):
            raise FramingInputError("must be a list", file=path, field=f"{where}.value.choices")
        valid = schema.frame_names if control == FRAMES else schema.stance_names
        for choice in choices:
            if choice not in valid:
                raise FramingInputError(
                    f"'{choice}' is not a {'frame' if control == FRAMES else 'stance class'} "
                    "of the schema",
                    file=path,
                    field=f"{where}.value.choices",
                    fix=f"valid: {', '.join(valid)}",
                )
        (frames if control == FRAMES else stance).extend(choices)
    if len(stance) != 1:
        raise FramingInputError(
            f"needs exactly one stance class, has {len(stance)}",
            file=path,
            field=_where(i, "annotations", j, "result"),
        )
    order = schema.frame_names
    return {
        "frames": sorted(set(frames), key=order.index),
        "stance": stance[0],
        "note": note,
    }


def read_export(
    path: str | Path, schema: LabelSchema, annotator: str | None = None
) -> tuple[list[dict], int]:
    """Coded records ``{sentence_id, frames, stance, note}`` from a Label Studio JSON export,
    and the number of tasks without an annotation (not coded yet, skipped)."""
    path = Path(path)
    try:
        tasks_ = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FramingInputError(f"is not valid JSON ({err})", file=path) from None
    if not isinstance(tasks_, list):
        raise FramingInputError(
            "must be a JSON list of tasks (Label Studio's JSON export)", file=path
        )
    records, uncoded, seen = [], 0, {}
    for i, task in enumerate(tasks_):
        if not isinstance(task, dict):
            raise FramingInputError("must be an object", file=path, field=_where(i))
        if task.get("id") in (None, ""):
            raise FramingInputError(
                "a task without an id", file=path, field=_where(i, "id"),
                fix="export the project as JSON from Label Studio",
            )  # fmt: skip
        data = task.get("data")
        sid = data.get("sentence_id") if isinstance(data, dict) else None
        if not isinstance(sid, str) or not sid:
            raise FramingInputError(
                "missing sentence_id", file=path, field=_where(i, "data", "sentence_id"),
                fix="import tasks written by framing coding export",
            )  # fmt: skip
        picked = _annotation(task, i, path, annotator)
        if picked is None:
            uncoded += 1
            continue
        if sid in seen:
            raise FramingInputError(
                f"sentence_id '{sid}' is coded twice (also task {seen[sid]})",
                file=path,
                field=_where(i, "data", "sentence_id"),
            )
        seen[sid] = task["id"]
        j, ann = picked
        records.append({"sentence_id": sid} | _coding(ann, i, j, path, schema))
    return records, uncoded
