"""Label names are identifiers, checked when the study config is read (issue 17): they become
column names (``proba:NAME``) and file names, so a name with a path, a dot, a space, a formula
character, the reserved ``no_frame`` or a clash between a frame and a stance class used to
write outside the output folder, share one figure file, or break ``framing plot``."""

from __future__ import annotations

import pytest
import yaml

from framing.data.schema import LabelSchema
from framing.errors import FramingInputError
from framing.study import load_study

from conftest import PROJECT_ROOT, framing


def _schema(frames: list[str], stance: list[str] | None = None) -> dict:
    return {"name": "s", "frames": frames, "stance": stance or ["favourable", "critical"]}


@pytest.mark.parametrize(
    ("frames", "stance", "field", "says"),
    [
        (["../../../../ESCAPED"], None, "schema.frames[0].name", "not an identifier"),
        (["economy", "x.a"], None, "schema.frames[1].name", "not an identifier"),
        (["public health"], None, "schema.frames[0].name", "not an identifier"),
        (["=HYPERLINK"], None, "schema.frames[0].name", "not an identifier"),
        (["_private"], None, "schema.frames[0].name", "not an identifier"),
        (["no_frame"], None, "schema.frames[0].name", "reserved"),
        (["economy"], ["No_Frame", "critical"], "schema.stance[0].name", "reserved"),
        (["x" * 65], None, "schema.frames[0].name", "at most 64"),
        (["critical"], ["favourable", "critical"], "schema.stance[1].name", "also the frame"),
        (["Economy", "economy"], None, "schema.frames[1].name", "also the frame label"),
    ],
)
def test_a_label_name_that_is_not_an_identifier_is_refused(frames, stance, field, says):
    with pytest.raises(FramingInputError) as err:
        LabelSchema.from_dict(_schema(frames, stance), source="conf/study.yaml")
    assert f"field '{field}'" in str(err.value) and says in str(err.value)


@pytest.mark.parametrize(
    "name", ["economic_cost", "public-health", "frame2", "2nd_wave", "économie"]
)
def test_identifiers_are_accepted(name):
    assert LabelSchema.from_dict(_schema([name])).frame_names == [name]


def test_bad_label_names_stop_a_command_when_the_study_is_read(tmp_path):
    """Before: a study with a frame named ../../../../ESCAPED loaded fine; the name reached
    file names only later (framing estimate wrote four levels above its output folder)."""
    done = framing("study", "init", "st", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    config_file = tmp_path / "st" / "conf" / "study.yaml"
    config = yaml.safe_load(config_file.read_text())
    config["schema"]["frames"][0]["name"] = "../../../../ESCAPED"
    config_file.write_text(yaml.safe_dump(config))
    with pytest.raises(FramingInputError, match=r"field 'schema\.frames\[0\]\.name'"):
        load_study(tmp_path / "st")
    (tmp_path / "st" / "articles" / "a.txt").write_text("Putin met Lam in Hanoi on Thursday.")
    done = framing("corpus", "articles", cwd=tmp_path / "st")
    assert done.returncode == 2
    errors = [x for x in done.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 1 and "schema.frames[0].name" in errors[0]
    assert "study.yaml" in errors[0]


def test_the_shipped_studies_have_valid_label_names():
    for root in (PROJECT_ROOT, PROJECT_ROOT / "examples" / "congestion_charge"):
        assert load_study(root).schema.frame_names
