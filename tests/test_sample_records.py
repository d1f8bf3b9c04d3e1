"""The record beside every coding sample: round trip, and refusal of a damaged one."""

from __future__ import annotations

import json

import pytest

from framing.coding.population import Population
from framing.coding.records import (
    SampledUnit,
    SampleRecord,
    check_design,
    read_sample_record,
    record_path,
    write_sample_record,
)
from framing.coding.sampling import census, simple_sample, stratified_sample
from framing.corpus import Sentence
from framing.errors import FramingInputError


def record(**changes) -> SampleRecord:
    base = SampleRecord(
        strategy="stratified",
        random=True,
        unit="sentence",
        seed=7,
        population={"file": "sentences.jsonl", "n_sentences": 8, "strata": {"A": 4, "B": 4}},
        units=[SampledUnit("s1", "a1", "A", 0.25), SampledUnit("s2", "b1", "B", 0.25)],
        params={"size": 10},
    )
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
        ),
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


def simple(p: float = 0.25) -> dict:
    """A simple random sample of 2 from 8 sentences, as written (probability n/N = 2/8)."""
    return record(
        strategy="simple",
        population={"file": "s.jsonl", "n_sentences": 8},
        units=[SampledUnit("s1", "a1", "A", 0.25), SampledUnit("s2", "b1", "B", p)],
    ).to_dict()


@pytest.mark.parametrize(
    ("raw", "field", "said"),
    [
        (simple(1e-6), "units[1].inclusion_probability", "n/N = 2/8 = 0.25"),
        (
            simple() | {"population": {"n_sentences": 80}},
            "units[0].inclusion_probability",
            "n/N = 2/80",
        ),
        (simple() | {"population": {}}, "population.n_sentences", "positive whole number"),
        (
            record(
                units=[SampledUnit("s1", "a1", "A", 0.25), SampledUnit("s2", "b1", "B", 0.5)]
            ).to_dict(),
            "units[1].inclusion_probability",
            "n_h/N_h = 1/4 (stratum 'B')",
        ),
        (
            record(units=[SampledUnit("s1", "a1", "C", 0.25)]).to_dict(),
            "units[0].outlet",
            "'C' is not a stratum",
        ),
        (
            record(strategy="sheet", units=[SampledUnit("s1", "a1", "A", 1.0)]).to_dict(),
            "units",
            "a census lists every sentence",
        ),
    ],
    ids=["simple-edited", "simple-N", "simple-no-N", "stratified-edited", "no-stratum", "census"],
)
def test_probabilities_that_the_design_cannot_give_are_refused(tmp_path, raw, field, said):
    path = tmp_path / "x.sample.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(FramingInputError) as err:
        read_sample_record(path)
    assert f"field '{field}'" in str(err.value) and said in str(err.value), str(err.value)


def test_an_overlap_is_checked_against_its_parent(tmp_path):
    parent = tmp_path / "batch.jsonl"
    write_sample_record(
        record(
            strategy="simple",
            population={"file": "s.jsonl", "n_sentences": 12},
            units=[SampledUnit(f"s{i}", "a1" if i < 3 else "a2", "A", 0.5) for i in range(6)],
        ),
        parent,
    )
    # half of each article's sentences in the parent (rounded up): 2 of 3, probability 0.5*2/3
    units = [SampledUnit("s0", "a1", "A", 1 / 3), SampledUnit("s4", "a2", "A", 1 / 3)]
    overlap = record(
        strategy="overlap",
        units=units,
        population={"file": str(parent), "n_sentences": 6},
        params={"fraction": 0.5, "parent": {"file": str(parent), "random": True}},
    )
    write_sample_record(overlap, tmp_path / "o.jsonl")
    assert read_sample_record(tmp_path / "o.jsonl").probabilities["s4"] == pytest.approx(1 / 3)
    edited = json.loads((tmp_path / "o.sample.json").read_text())
    edited["units"][1]["inclusion_probability"] = 0.001
    (tmp_path / "o.sample.json").write_text(json.dumps(edited))
    with pytest.raises(FramingInputError, match=r"units\[1\].inclusion_probability"):
        read_sample_record(tmp_path / "o.jsonl")


def test_every_strategy_writes_a_record_its_design_accepts():
    """The samplers' own probabilities pass the check (the Horvitz-Thompson totals of
    test_coding_loop are the other half)."""
    sentences = [
        Sentence(f"s{o}{i}", f"{o}{i // 4}", o, i, "t", "sentence", f"g{o}{i}")
        for o, n in (("A", 30), ("B", 11), ("C", 3))
        for i in range(n)
    ]
    pop = Population(sentences, "p")
    for drawn in (
        simple_sample(pop, 9, 1),
        stratified_sample(pop, 10, 2),
        stratified_sample(pop, 9, 3, allocation="equal"),
        census(pop),
    ):
        units = [
            SampledUnit(s.sentence_id, s.article_id, s.outlet, drawn.probabilities[s.sentence_id])
            for s in drawn.sentences
        ]
        check_design(drawn.strategy, units, pop.summary(), drawn.params, "x.sample.json")
