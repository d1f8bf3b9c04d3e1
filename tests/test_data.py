"""Loading the labelled set as a typed Dataset, and the errors a malformed set must raise."""

from __future__ import annotations

import json

import pytest

from framing.coding.gold import assemble, label_counts_markdown, study_sentences
from framing.data import LabelSchema, load_labelled_set, task_data
from framing.errors import FramingInputError
from framing.study import Study, load_study

from conftest import PROJECT_ROOT

GOOD = {
    "sentence_id": "s1",
    "article_id": "a",
    "outlet": "X",
    "position": 0,
    "text": "Putin arrived.",
    "dup_group": "g1",
    "frames": ["neutrality"],
    "stance": "neutral",
}


def write(tmp_path, records, name="set.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_seed_set_loads_in_one_line_with_typed_features(labelled_set, schema):
    from datasets import ClassLabel, List

    ds = load_study().labelled_set()  # the study found from the working directory (the repository)
    assert len(ds) == len(labelled_set) > 150
    assert isinstance(ds.features["frames"], List)
    assert isinstance(ds.features["frames"].feature, ClassLabel)
    assert ds.features["frames"].feature.names == schema.frame_names
    assert ds.features["stance"].names == ["favourable", "neutral", "critical"]
    assert len(set(ds["sentence_id"])) == len(ds)


def test_seed_set_matches_the_corpus_and_the_coded_labels(tmp_path, study):
    """seeds/sentences.jsonl is exactly what `framing coding assemble` builds now."""
    rebuilt = assemble(study, out=str(tmp_path / "rebuilt.jsonl")).target
    committed = (PROJECT_ROOT / "seeds/sentences.jsonl").read_text(encoding="utf-8")
    assert rebuilt.read_text(encoding="utf-8") == committed
    sentences, _ = study_sentences(study)
    assert len(committed.splitlines()) == len(sentences)


def test_every_double_coded_disagreement_is_adjudicated_with_a_reason():
    def read(name):
        lines = (PROJECT_ROOT / "seeds/labels" / name).read_text().splitlines()
        return {r["sentence_id"]: r for r in map(json.loads, lines)}

    first, second, adjudicated = (
        read("coder_a.jsonl"),
        read("coder_b_blind.jsonl"),
        read("adjudication.jsonl"),
    )
    assert len(second) >= 0.3 * len(first)
    for sid, b in second.items():
        a = first[sid]
        if set(a["frames"]) != set(b["frames"]) or a["stance"] != b["stance"]:
            assert sid in adjudicated and adjudicated[sid]["reason"].strip()


def test_task_targets(labelled_set, schema):
    frames = task_data(labelled_set, "frames", schema)
    assert frames.y.shape == (len(labelled_set), 4) and frames.multi_label
    stance = task_data(labelled_set, "stance", schema)
    assert stance.y.shape == (len(labelled_set),) and set(stance.y) <= {0, 1, 2}
    assert len(frames.groups) == len(labelled_set)


def test_another_schema_is_refused_for_a_set_coded_under_this_one(labelled_set):
    other = LabelSchema.from_dict(
        {"name": "other", "frames": ["economy", "security"], "stance": ["pro", "anti"]}
    )
    with pytest.raises(FramingInputError, match="do not match the task schema"):
        task_data(labelled_set, "frames", other)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"frames": ["economy"]}, r"line 2, field 'frames': unknown frame 'economy'"),
        ({"stance": "hostile"}, r"line 2, field 'stance': unknown stance 'hostile'"),
        ({"text": "   "}, r"line 2, field 'text': empty text"),
        ({"position": "first"}, r"line 2, field 'position': must be int"),
        ({"frames": "neutrality"}, r"line 2, field 'frames': must be list"),
    ],
)
def test_bad_record_names_file_line_and_field(tmp_path, schema, change, message):
    path = write(tmp_path, [GOOD, GOOD | {"sentence_id": "s2"} | change])
    with pytest.raises(FramingInputError, match=r"set\.jsonl, " + message):
        load_labelled_set(path, schema=schema)


def test_missing_field(tmp_path, schema):
    broken = {k: v for k, v in GOOD.items() if k != "dup_group"} | {"sentence_id": "s2"}
    path = write(tmp_path, [GOOD, broken])
    with pytest.raises(FramingInputError, match=r"line 2, field 'dup_group': missing field"):
        load_labelled_set(path, schema=schema)


def test_duplicate_id(tmp_path, schema):
    path = write(tmp_path, [GOOD, GOOD])
    with pytest.raises(FramingInputError, match=r"line 2, field 'sentence_id': duplicate.*line 1"):
        load_labelled_set(path, schema=schema)


def test_undecodable_bytes_and_bad_json(tmp_path, schema):
    path = tmp_path / "set.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b'\n{"text": "\xff"}\n')
    with pytest.raises(FramingInputError, match=r"set\.jsonl, line 2: is not valid UTF-8"):
        load_labelled_set(path, schema=schema)
    path.write_text(json.dumps(GOOD) + "\n{not json\n")
    with pytest.raises(FramingInputError, match=r"line 2: is not valid JSON"):
        load_labelled_set(path, schema=schema)


def test_schema_errors_name_the_field():
    with pytest.raises(FramingInputError, match=r"field 'schema.stance'"):
        LabelSchema.from_dict({"name": "x", "frames": ["a"]}, source="data.yaml")
    with pytest.raises(FramingInputError, match=r"repeat"):
        LabelSchema.from_dict({"name": "x", "frames": ["a", "a"], "stance": ["p", "q"]})


def test_assemble_refuses_partial_coding(tmp_path, study):
    """A coding file that misses sentences stops assembly and writes nothing."""
    coded = (PROJECT_ROOT / "seeds/labels/coder_a.jsonl").read_text().splitlines()
    partial = tmp_path / "partial.jsonl"
    partial.write_text("\n".join(coded[:-1]) + "\n")
    out = tmp_path / "out.jsonl"
    config = study.config | {"codings": study.config["codings"] | {"first": str(partial)}}
    with pytest.raises(FramingInputError, match="1 sentences have no label"):
        assemble(Study(study.root, config), out=str(out))
    assert not out.exists()


def test_data_card_counts_are_the_stats_command_output(study):
    card = (PROJECT_ROOT / "seeds/README.md").read_text()
    for line in label_counts_markdown(study).splitlines():
        if line.strip():
            assert line in card, f"seeds/README.md is out of date: {line}"
