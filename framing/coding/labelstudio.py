"""Label Studio: the labelling config generated from the schema and the tasks to import
(reading an export back is ``framing.coding.lsexport``).

The labelling interface shows one sentence (``$text``) with three controls:

- ``frames``: Choices, ``choice="multiple"`` (zero or more frames);
- ``stance``: Choices, ``choice="single-radio"``, required (exactly one class);
- ``note``: an optional TextArea for the coder's reason on a hard case.

Above each control the codebook's definitions are printed as plain text (one ``Header`` per
label, "name: definition"), so every coder sees them: Label Studio shows a choice's ``hint``
(also set) only behind a front-end feature flag. A task's ``data`` holds the sentence and
its ids; ``predictions`` (pre-annotations) only when asked for (``framing.coding.exchange``).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from framing.data.schema import LabelSchema

TEXT, FRAMES, STANCE, NOTE = "text", "frames", "stance", "note"
#: what a task shows and carries back (the coder sees only the text)
TASK_FIELDS = ("sentence_id", "article_id", "position", "text")


#: the codebook block above each control: plain text, smaller than the section titles
CODEBOOK_STYLE = "margin: 0 0 8px 0"
DEFINITION_STYLE = "font-weight: normal; margin: 2px 0"


def definition_line(label) -> str:
    """What a coder reads above the choices: "name: definition" (just the name without one).

    A ``Header`` value that starts with ``$`` would be read as a task field, so a definition
    is never put first."""
    return f"{label.name}: {label.description}" if label.description else label.name


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
        codebook = ET.SubElement(view, "View", style=CODEBOOK_STYLE)
        for label in labels:
            ET.SubElement(
                codebook, "Header", value=definition_line(label), size="6", style=DEFINITION_STYLE
            )
        attrs = {"name": name, "toName": TEXT, "choice": kind, "showInline": "false"}
        if name == STANCE:
            attrs |= {"required": "true", "requiredMessage": "Choose one stance class"}
        choices = ET.SubElement(view, "Choices", attrs)
        for label in labels:
            ET.SubElement(choices, "Choice", value=label.name, hint=label.description)
    ET.SubElement(
        view,
        "TextArea",
        name=NOTE,
        toName=TEXT,
        rows="2",
        maxSubmissions="1",
        placeholder="Note (optional): why, on a hard case",
    )
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _result(frames: list[str], stance: str | None) -> list[dict]:
    result = []
    for control, values in ((FRAMES, frames), (STANCE, [stance] if stance else [])):
        if values:
            result.append(
                {
                    "from_name": control,
                    "to_name": TEXT,
                    "type": "choices",
                    "value": {"choices": list(values)},
                }
            )
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
