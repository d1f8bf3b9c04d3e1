"""Coding tools, issue 21 and the coding-file checks of issue 17: the codebook visible in the
Label Studio config, Label Studio's three export formats, coder provenance, spreadsheets saved
by European Excel, and imports that would store wrong or lost codings.

Label Studio's own parser and exporters (``label-studio-sdk``, the optional ``[labelstudio]``
extra) check the config and write the JSON-MIN and CSV exports where they are installed; the
rest runs everywhere."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from test_coding_loop import files, ok, one_error

from framing.coding.labelstudio import labelling_config, tasks
from framing.coding.spreadsheet import read_sheet
from framing.study import load_study

from conftest import EXAMPLE_STUDY, codings, fill_sheet, framing, label_studio_export, write_rows

#: what Label Studio's flat exports say about an annotation
PROVENANCE = ("annotator", "annotation_id", "created_at", "updated_at", "lead_time")


@pytest.fixture()
def study(tmp_path) -> Path:
    """A copy of the example study with every sentence drawn for coding (labels/all.jsonl)."""
    study = tmp_path / "study"
    shutil.copytree(EXAMPLE_STUDY, study, ignore=shutil.ignore_patterns("codings", "README.md"))
    ok(framing("coding", "sheet", "labels/all.jsonl", cwd=study))
    return study


@pytest.fixture(scope="module")
def schema():
    return load_study(EXAMPLE_STUDY).schema


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def labels_of(records) -> dict[str, tuple[list[str], str]]:
    return {r["sentence_id"]: (r["frames"], r["stance"]) for r in records}


def coder_a_labels(ids) -> dict[str, tuple[list[str], str]]:
    coder = codings("coder_a")
    return {i: (coder[i]["frames"], coder[i]["stance"]) for i in ids}


# ---------------------------------------------------------------- the labelling config


def test_every_definition_is_printed_above_its_choices(schema):
    """The codebook is on screen as text, not only in the choices' hover hints (which Label
    Studio shows only behind a feature flag)."""
    view = ET.fromstring(labelling_config(schema))
    children = list(view)
    for control, labels in (("frames", schema.frames), ("stance", schema.stance)):
        at = next(i for i, c in enumerate(children) if c.get("name") == control)
        # the block right before the control prints "name: definition" for each label
        block = children[at - 1]
        assert block.tag == "View"
        shown = [h.get("value") for h in block.iter("Header")]
        assert shown == [f"{d.name}: {d.description}" for d in labels]
        assert all(d.description for d in labels)
    hints = [c.get("hint") for c in view.iter("Choice")]
    assert all(hints)  # still there for projects that enable hints


@pytest.mark.extra("labelstudio")
def test_label_studios_own_parser_accepts_the_config_and_the_preannotations(schema):
    from label_studio_sdk.label_interface import LabelInterface

    config = labelling_config(schema)
    interface = LabelInterface(config)
    interface.validate()  # raises on a config Label Studio would reject
    assert interface.get_control("frames").labels == schema.frame_names
    assert interface.get_control("stance").labels == schema.stance_names
    assert interface.get_control("stance").attr["choice"] == "single-radio"
    rows = [{"sentence_id": "s1", "article_id": "a", "position": 0, "text": "A sentence."}]
    (task,) = tasks(rows, {"s1": {"frames": schema.frame_names, "stance": "critical"}}, "v1")
    assert interface.validate_prediction(task["predictions"][0], return_errors=True) == []
    # the parser is not a rubber stamp: a control pointing at no object is refused
    with pytest.raises(Exception, match="toName"):
        LabelInterface(config.replace('toName="text" rows', 'toName="sentence" rows')).validate()


# ---------------------------------------------------------------- Label Studio's exports


def export_with_provenance(study: Path) -> tuple[list[dict], list[dict]]:
    """The tasks framing exported, and what Label Studio's JSON export holds after coder
    anna@example.org (user 8) coded them: every annotation with its dates and lead time."""
    ok(
        framing(
            "coding",
            "export",
            "labels/all.jsonl",
            "--format",
            "label-studio",
            "--out",
            "labels/all.tasks.json",
            cwd=study,
        )
    )
    exported = json.loads((study / "labels/all.tasks.json").read_text())
    tasks_ = label_studio_export(exported, codings("coder_a"))
    for i, task in enumerate(tasks_):
        (ann,) = task["annotations"]
        ann["completed_by"] = {"id": 8, "email": "anna@example.org"}
        ann["created_at"] = f"2026-03-02T10:{i:02d}:00.000000Z"
        ann["updated_at"] = f"2026-03-02T11:{i:02d}:00.000000Z"
        ann["lead_time"] = 10.5 + i
    tasks_[0]["annotations"][0]["result"].append(
        {
            "from_name": "note",
            "to_name": "text",
            "type": "textarea",
            "value": {"text": ["first line of the piece"]},
        }
    )
    tasks_[1]["annotations"] = []  # not coded yet
    return exported, tasks_


def json_min(tasks_: list[dict]) -> list[dict]:
    """Label Studio's JSON-MIN layout, written out by hand: one flat object per annotation
    (a single choice as a string, several as {"choices": [...]})."""
    rows = []
    for task in tasks_:
        base = dict(task["data"]) | {"id": task["id"]}
        if not task["annotations"]:
            rows.append(base | dict.fromkeys(PROVENANCE))
            continue
        for ann in task["annotations"]:
            row = dict(base)
            for item in ann["result"]:
                if item["type"] == "textarea":
                    row[item["from_name"]] = item["value"]["text"][0]
                else:
                    choices = item["value"]["choices"]
                    row[item["from_name"]] = (
                        choices[0] if len(choices) == 1 else {"choices": choices}
                    )
            by = ann["completed_by"]
            row |= {
                "annotator": by["email"] if isinstance(by, dict) else by,
                "annotation_id": ann["id"],
                "created_at": ann["created_at"],
                "updated_at": ann["updated_at"],
                "lead_time": ann["lead_time"],
            }
            rows.append(row)
    return rows


def check_imported(study: Path, coder_file: str, tasks_: list[dict]) -> None:
    imported = lines(study / coder_file)
    coded = [t for t in tasks_ if t["annotations"]]
    assert labels_of(imported) == coder_a_labels([t["data"]["sentence_id"] for t in coded])
    first = imported[0]
    ann = coded[0]["annotations"][0]
    assert first["annotator"] == "anna@example.org"
    assert first["annotation_id"] == ann["id"]
    assert (first["created_at"], first["updated_at"]) == (ann["created_at"], ann["updated_at"])
    assert first["lead_time"] == pytest.approx(ann["lead_time"])
    assert first["note"] == "first line of the piece"


def test_a_json_export_keeps_who_coded_and_when(study):
    _, tasks_ = export_with_provenance(study)
    (study / "export.json").write_text(json.dumps(tasks_))
    out = ok(framing("coding", "import", "export.json", "--out", "labels/coder_a.jsonl", cwd=study))
    assert "added 59 codings (0 already there, 1 not coded yet" in out
    check_imported(study, "labels/coder_a.jsonl", tasks_)


def test_a_json_min_export_is_imported(study):
    _, tasks_ = export_with_provenance(study)
    (study / "export.min.json").write_text(json.dumps(json_min(tasks_)))
    out = ok(
        framing("coding", "import", "export.min.json", "--out", "labels/coder_a.jsonl", cwd=study)
    )
    assert "added 59 codings" in out
    check_imported(study, "labels/coder_a.jsonl", tasks_)


@pytest.mark.extra("labelstudio")
def test_label_studios_own_json_min_and_csv_exports_are_imported(study):
    from label_studio_sdk.converter import Converter

    _, tasks_ = export_with_provenance(study)
    # a second coder on a few tasks: the flat formats then hold one row per annotation
    for task in tasks_[2:6]:
        second = json.loads(json.dumps(task["annotations"][0]))
        second |= {"id": second["id"] + 5000, "completed_by": 9}
        task["annotations"].append(second)
    (study / "export.json").write_text(json.dumps(tasks_))
    converter = Converter(
        config=(study / "labels/all.tasks.xml").read_text(),
        project_dir=None,
        download_resources=False,
    )
    converter.convert_to_json_min(str(study / "export.json"), str(study / "min"), is_dir=False)
    converter.convert_to_csv(str(study / "export.json"), str(study / "csv"), is_dir=False, sep=",")
    for exported, coder_file in (
        ("min/result.json", "a_min.jsonl"),
        ("csv/result.csv", "a_csv.jsonl"),
    ):
        one_error(
            framing("coding", "import", exported, "--out", f"labels/{coder_file}", cwd=study),
            "the task has 2 annotations",
            "--annotator",
        )
        ok(
            framing(
                "coding",
                "import",
                exported,
                "--out",
                f"labels/{coder_file}",
                "--annotator",
                "anna@example.org",
                cwd=study,
            )
        )
        check_imported(study, f"labels/{coder_file}", tasks_)
        ok(
            framing(
                "coding",
                "import",
                exported,
                "--out",
                f"labels/b_{coder_file}",
                "--annotator",
                "9",
                cwd=study,
            )
        )
        second = lines(study / f"labels/b_{coder_file}")
        assert [r["annotator"] for r in second] == ["9"] * 4


def test_an_annotator_who_is_not_in_the_export(study):
    _, tasks_ = export_with_provenance(study)
    (study / "export.json").write_text(json.dumps(tasks_))
    before = files(study)
    one_error(
        framing(
            "coding",
            "import",
            "export.json",
            "--out",
            "labels/coder_a.jsonl",
            "--annotator",
            "99",
            cwd=study,
        ),
        "field '--annotator'",
        "no annotation by annotator '99'",
        "annotators in it: 8, anna@example.org",
    )
    assert files(study) == before


# ---------------------------------------------------------------- spreadsheets


def filled_sheet(study: Path) -> list[dict]:
    ok(
        framing(
            "coding", "export", "labels/all.jsonl", "--format", "csv", "--out", "c.csv", cwd=study
        )
    )
    fill_sheet(study / "c.csv", codings("coder_a"))
    with (study / "c.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def excel_like(rows: list[dict], path: Path, delimiter=",", bom=False, header=None, case=False):
    """The sheet as a spreadsheet program may save it."""
    names = list(rows[0])
    shown = header(names) if header else names
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(shown)
        for row in rows:
            values = [row[n].capitalize() if case and n == "stance" else row[n] for n in names]
            writer.writerow(values)


@pytest.mark.parametrize(
    "variant",
    [
        {"delimiter": ";"},  # European Excel
        {"delimiter": ";", "bom": True},
        {"delimiter": "\t"},
        {"header": lambda names: [n if i == 0 else " " + n for i, n in enumerate(names)]},
        {"header": lambda names: [n.upper() if n == "stance" else n for n in names]},
        {"case": True},  # Critical, Neutral
    ],
    ids=["semicolon", "semicolon-bom", "tab", "space-after-comma", "STANCE", "Critical"],
)
def test_a_sheet_saved_by_a_spreadsheet_program_reads_as_coded(study, schema, variant):
    rows = filled_sheet(study)
    excel_like(rows, study / "saved.csv", **variant)
    records, uncoded = read_sheet(study / "saved.csv", schema)
    assert uncoded == 0
    assert labels_of(records) == coder_a_labels([r["sentence_id"] for r in rows])
    assert any(r["frames"] for r in records)


def test_a_sheet_missing_a_frame_column_is_refused(study):
    rows = filled_sheet(study)
    for row in rows:
        del row["frame:public_health"]
    write_rows(study / "c.csv", rows)
    before = files(study)
    one_error(
        framing("coding", "import", "c.csv", "--out", "labels/coder_a.jsonl", cwd=study),
        "c.csv",
        "line 1",
        "field 'frame:public_health'",
        "has no 'frame:public_health' column",
    )
    assert files(study) == before


def test_a_quote_never_closed_is_refused_with_its_line(study):
    filled_sheet(study)
    text = (study / "c.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    text[3] = text[3].replace(",", ',"', 1)  # the sentence_id cell opens a quote
    (study / "c.csv").write_text("".join(text), encoding="utf-8")
    before = files(study)
    one_error(
        framing("coding", "import", "c.csv", "--out", "labels/coder_a.jsonl", cwd=study),
        "c.csv",
        "never closed",
    )
    assert files(study) == before


# ---------------------------------------------------------------- where codings go


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("labels/gold.jsonl", "the study's gold set"),
        ("labels/all.jsonl", "is a sample"),
        ("sentences.jsonl", "is a corpus sentences file (made by framing corpus --out)"),
        ("labels/coder_a.csv", "a coder file is a .jsonl file"),
    ],
)
def test_codings_go_only_into_a_coder_file(study, target, expected):
    filled_sheet(study)
    ok(framing("corpus", "articles", "--out", "sentences.jsonl", cwd=study))
    (study / "labels/gold.jsonl").write_text("")  # the gold set may not exist yet: still refused
    before = files(study)
    one_error(
        framing("coding", "import", "c.csv", "--out", target, cwd=study), "field '--out'", expected
    )
    assert files(study) == before


def test_codings_of_sentences_in_no_sample_or_corpus_are_refused(study):
    _, tasks_ = export_with_provenance(study)
    tasks_[4]["data"]["sentence_id"] = "s0000000000aa"
    tasks_[7]["data"]["sentence_id"] = "s0000000000bb"
    (study / "export.json").write_text(json.dumps(tasks_))
    before = files(study)
    one_error(
        framing("coding", "import", "export.json", "--out", "labels/coder_a.jsonl", cwd=study),
        "export.json",
        "field 'sentence_id'",
        "2 coded sentence(s) are not in any sample",
        "s0000000000aa",
    )
    assert files(study) == before


def test_a_sample_named_with_sample_must_hold_every_coded_sentence(study):
    filled_sheet(study)
    ok(
        framing(
            "coding", "sample", "labels/few.jsonl", "--strategy", "simple", "--size", "5", cwd=study
        )
    )
    one_error(
        framing(
            "coding",
            "import",
            "c.csv",
            "--out",
            "labels/coder_a.jsonl",
            "--sample",
            "labels/few.jsonl",
            cwd=study,
        ),
        "55 coded sentence(s) are not in the sample labels/few.jsonl",
    )
    # the coded sample kept beside its record (all.coded.jsonl -> all.sample.json) is a coder file
    ok(
        framing(
            "coding",
            "import",
            "c.csv",
            "--out",
            "labels/all.coded.jsonl",
            "--sample",
            "labels/all.jsonl",
            cwd=study,
        )
    )


def test_a_hand_made_coder_file_is_appended_to_never_rewritten(study):
    rows = filled_sheet(study)
    coder = codings("coder_a")
    mine = study / "labels/coder_a.jsonl"
    first = [coder[r["sentence_id"]] for r in rows[:3]]
    # written by a person: their own layout, an extra field, no line end on the last line
    text = "\n".join(json.dumps(r, indent=None, separators=(",", ":")) for r in first)
    mine.write_text(text, encoding="utf-8")
    out = ok(framing("coding", "import", "c.csv", "--out", "labels/coder_a.jsonl", cwd=study))
    assert "added 57 codings (3 already there" in out
    after = mine.read_text(encoding="utf-8")
    assert after.startswith(text + "\n")  # every byte the person wrote is still there
    assert labels_of(lines(mine)) == coder_a_labels([r["sentence_id"] for r in rows])


# ---------------------------------------------------------------- the commands' help


def test_every_argument_of_every_coding_subcommand_is_documented():
    from framing.cli.coding import coding

    assert set(coding.commands) >= {"sheet", "sample", "export", "import", "assemble"}
    for name, sub in coding.commands.items():
        assert sub.help and len(sub.help) > 40, name
        for param in sub.params:
            assert param.help and len(param.help) > 10, (name, param.name)
    allocation = next(p for p in coding.commands["sample"].params if p.name == "allocation")
    assert "proportional" in allocation.help and "equal" in allocation.help
    assert "stratified: or equal" not in allocation.help
