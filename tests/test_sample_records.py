"""The record beside every coding sample: round trip, and refusal of a damaged one."""

from __future__ import annotations

import json

import pytest

from framing.coding.records import (
    SampledUnit,
    SampleRecord,
    read_sample_record,
    record_path,
    write_sample_record,
)
from framing.errors import FramingInputError


def record(**changes) -> SampleRecord:
    base = SampleRecord(
        strategy="stratified", random=True, unit="sentence", seed=7,
        population={"file": "sentences.jsonl", "n_sentences": 40, "strata": {"A": 20, "B": 20}},
        units=[SampledUnit("s1", "a1", "A", 0.25), SampledUnit("s2", "b1", "B", 0.25)],
        params={"size": 10},
    )  # fmt: skip
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_round_trip_beside_the_sample(tmp_path):
    sample = tmp_path / "validation.jsonl"
    written = write_sample_record(record(), sample)
    assert written == record_path(sample) == tmp_path / "validation.sample.json"
    back = read_sample_record(sample)
    assert back.units == record().units and back.probabilities == {"s1": 0.25, "s2": 0.25}
    assert back.created_at and back.framing_version


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"strategy": "convenience"}, "strategy"),
        ({"random": "yes"}, "random"),
        ({"strategy": "active", "random": True}, "random"),
        (
            {
                "units": [
                    {
                        "sentence_id": "s1",
                        "article_id": "a",
                        "outlet": "A",
                        "inclusion_probability": 0,
                    }
                ]
            },
            "units[0].inclusion_probability",
        ),  # fmt: skip
        ({"units": []}, "units"),
    ],
)
def test_a_damaged_record_names_the_field(tmp_path, change, field):
    path = tmp_path / "x.sample.json"
    path.write_text(json.dumps(record().to_dict() | change))
    with pytest.raises(FramingInputError) as err:
        read_sample_record(path)
    assert f"field '{field}'" in str(err.value) and str(path) in str(err.value)


def test_a_sample_without_its_record_is_refused(tmp_path):
    with pytest.raises(FramingInputError, match="no sample record"):
        read_sample_record(tmp_path / "coded.jsonl")
