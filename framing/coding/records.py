"""The sample record: written beside every sample of sentences to code, it says how the sample
was drawn, from which population, and each unit's inclusion probability.

Estimates on a new corpus weight a coded sample by its units' inclusion probabilities and
refuse a sample that was not drawn at random (an active-learning batch picks what the model is
unsure of, so it says nothing about shares). The record travels with the sample:
``SAMPLE.jsonl`` → ``SAMPLE.sample.json``.

    {
      "format": 1,
      "strategy": "simple" | "stratified" | "active" | "overlap" | "sheet",
      "random": true,                       # drawn with known inclusion probabilities
      "unit": "sentence",                   # what was drawn: sentences, or whole articles
      "seed": 2024,
      "params": {...},                      # the strategy's own settings (size, strata, ...)
      "population": {"file": ..., "sha256": ..., "n_sentences": ..., "n_articles": ...,
                     "strata": {"outlet A": 120, ...}},
      "units": [{"sentence_id": ..., "article_id": ..., "outlet": ...,
                 "inclusion_probability": 0.05}, ...],
      "created_at": ..., "framing_version": ...
    }
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from framing.errors import FramingInputError
from framing.io import read_json_object
from framing.outputs import Kind, write_text
from framing.version import package_version

FORMAT = 1
SUFFIX = ".sample.json"
STRATEGIES = ("simple", "stratified", "active", "overlap", "sheet")
#: strategies whose units have known inclusion probabilities, so a sample can weight estimates
RANDOM_STRATEGIES = ("simple", "stratified", "overlap", "sheet")
UNITS = ("sentence", "article")


@dataclass
class SampledUnit:
    sentence_id: str
    article_id: str
    outlet: str
    inclusion_probability: float


@dataclass
class SampleRecord:
    strategy: str
    random: bool
    unit: str
    seed: int | None
    population: dict[str, Any]
    units: list[SampledUnit]
    params: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    framing_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT} | asdict(self)

    @property
    def probabilities(self) -> dict[str, float]:
        """sentence_id -> inclusion probability."""
        return {u.sentence_id: u.inclusion_probability for u in self.units}


def record_path(sample_file: str | Path) -> Path:
    """Where the record of ``sample_file`` lives: ``x.jsonl`` -> ``x.sample.json``."""
    sample_file = Path(sample_file)
    return sample_file.with_name(sample_file.name.split(".")[0] + SUFFIX)


def write_sample_record(record: SampleRecord, sample_file: str | Path) -> Path:
    record.created_at = record.created_at or datetime.now(UTC).isoformat(timespec="seconds")
    record.framing_version = record.framing_version or package_version()
    target = record_path(sample_file)
    text = json.dumps(record.to_dict(), indent=2, ensure_ascii=False) + "\n"
    write_text(target, text, Kind.SAMPLE)
    return target


def read_sample_record(path: str | Path) -> SampleRecord:
    """A sample record (given the record itself or the sample file beside it), checked field by
    field; a problem names the file and the field."""
    path = Path(path)
    if not path.name.endswith(SUFFIX):
        path = record_path(path)
    if not path.is_file():
        raise FramingInputError(
            "no sample record beside the sample",
            file=path,
            fix="draw samples with framing coding sample, which writes the record",
        )
    raw = read_json_object(path)
    if raw.get("format") != FORMAT:
        raise FramingInputError(
            f"has sample-record format {raw.get('format')!r}, not {FORMAT}",
            file=path,
            field="format",
        )
    for key, allowed in (("strategy", STRATEGIES), ("unit", UNITS)):
        if raw.get(key) not in allowed:
            raise FramingInputError(
                f"must be one of {', '.join(allowed)}, got {raw.get(key)!r}", file=path, field=key
            )
    if not isinstance(raw.get("random"), bool):
        raise FramingInputError("must be true or false", file=path, field="random")
    if raw["random"] and raw["strategy"] not in RANDOM_STRATEGIES:
        raise FramingInputError(
            f"a '{raw['strategy']}' sample is not a random sample", file=path, field="random"
        )
    units = []
    for i, unit in enumerate(raw.get("units") or []):
        where = f"units[{i}]"
        if not isinstance(unit, dict):
            raise FramingInputError("must be an object", file=path, field=where)
        for key in ("sentence_id", "article_id", "outlet"):
            if not isinstance(unit.get(key), str) or not unit[key]:
                raise FramingInputError("missing or empty", file=path, field=f"{where}.{key}")
        p = unit.get("inclusion_probability")
        if (
            not isinstance(p, int | float)
            or isinstance(p, bool)
            or not math.isfinite(p)
            or not 0 < p <= 1
        ):
            raise FramingInputError(
                f"must be a probability in (0, 1], got {p!r}",
                file=path,
                field=f"{where}.inclusion_probability",
            )
        units.append(SampledUnit(unit["sentence_id"], unit["article_id"], unit["outlet"], float(p)))
    if not units:
        raise FramingInputError("lists no sampled units", file=path, field="units")
    ids = [u.sentence_id for u in units]
    if len(set(ids)) != len(ids):
        raise FramingInputError("a sentence_id is listed twice", file=path, field="units")
    population = dict(raw.get("population") or {})
    params = dict(raw.get("params") or {})
    check_design(raw["strategy"], units, population, params, path)
    return SampleRecord(
        strategy=raw["strategy"],
        random=raw["random"],
        unit=raw["unit"],
        seed=raw.get("seed"),
        population=population,
        units=units,
        params=params,
        created_at=str(raw.get("created_at") or ""),
        framing_version=str(raw.get("framing_version") or ""),
    )


# ---------------------------------------------------------------- the design behind the numbers

DAMAGED_FIX = "the record was edited or damaged: draw the sample again"


def _count(population: dict, key: str, path: Path) -> int:
    value = population.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise FramingInputError(
            f"must be a positive whole number, got {value!r}", file=path, field=f"population.{key}"
        )
    return value


def _expect(units, expected, design: str, path: Path) -> None:
    """Every unit's probability must be what ``design`` gives it (``expected(unit)``)."""
    for i, unit in enumerate(units):
        want, how = expected(unit)
        if not math.isclose(unit.inclusion_probability, want, rel_tol=1e-9, abs_tol=1e-12):
            raise FramingInputError(
                f"is {unit.inclusion_probability!r}, but {design} gives this unit {how} = "
                f"{want:.6g}",
                file=path,
                field=f"units[{i}].inclusion_probability",
                fix=DAMAGED_FIX,
            )


def check_design(strategy: str, units: list[SampledUnit], population: dict, params: dict, path):
    """The inclusion probabilities must be the ones the named design gives: n/N for every unit
    of a simple random sample, n_h/N_h in stratum (outlet) h of a stratified one (whatever the
    allocation chose n_h to be), 1 in a census, and for an overlap sample its parent's
    probability times k_a/N_a (checked when the parent's record is at hand). An estimate weights
    each coded sentence by 1/probability, so one edited number moves it at will."""
    n = len(units)
    if strategy == "simple":
        big_n = _count(population, "n_sentences", path)
        if n > big_n:
            raise FramingInputError(
                f"lists {n} units of a population of {big_n}", file=path, field="units"
            )
        _expect(units, lambda u: (n / big_n, f"n/N = {n}/{big_n}"), "a simple random sample", path)
    elif strategy == "sheet":
        big_n = _count(population, "n_sentences", path)
        if n != big_n:
            raise FramingInputError(
                f"a census lists every sentence of the population ({big_n}), not {n}",
                file=path,
                field="units",
                fix=DAMAGED_FIX,
            )
        _expect(units, lambda u: (1.0, "1"), "a census", path)
    elif strategy == "stratified":
        strata = population.get("strata")
        if not isinstance(strata, dict) or not strata:
            raise FramingInputError(
                "must give each stratum's size", file=path, field="population.strata"
            )
        drawn: dict[str, int] = {}
        for i, unit in enumerate(units):
            size = strata.get(unit.outlet)
            if not isinstance(size, int) or isinstance(size, bool) or size < 1:
                raise FramingInputError(
                    f"'{unit.outlet}' is not a stratum of the population (population.strata)",
                    file=path,
                    field=f"units[{i}].outlet",
                    fix=DAMAGED_FIX,
                )
            drawn[unit.outlet] = drawn.get(unit.outlet, 0) + 1
        for outlet, k in drawn.items():
            if k > strata[outlet]:
                raise FramingInputError(
                    f"lists {k} units of stratum '{outlet}', which has {strata[outlet]}",
                    file=path,
                    field="units",
                    fix=DAMAGED_FIX,
                )

        def per_stratum(u):
            k, size = drawn[u.outlet], strata[u.outlet]
            return k / size, f"n_h/N_h = {k}/{size} (stratum '{u.outlet}')"

        _expect(units, per_stratum, "a stratified random sample", path)
    elif strategy == "overlap":
        _check_overlap(units, params, path)


def _parent_record(params: dict, path: Path):
    """The record of an overlap sample's parent, if it can be found (as named, or beside
    this record)."""
    parent = params.get("parent")
    name = parent.get("file") if isinstance(parent, dict) else None
    if not isinstance(name, str) or not name:
        return None
    for candidate in (Path(name), path.parent / Path(name).name):
        if record_path(candidate).is_file() and record_path(candidate) != path:
            return read_sample_record(candidate)
    return None


def _check_overlap(units: list[SampledUnit], params: dict, path: Path) -> None:
    parent = _parent_record(params, path)
    fraction = params.get("fraction")
    if parent is None or not isinstance(fraction, int | float) or not 0 < fraction <= 1:
        return  # drawn from the whole corpus, or the parent is elsewhere: nothing to compare
    parent_p = parent.probabilities
    per_article: dict[str, int] = {}
    for unit in parent.units:
        per_article[unit.article_id] = per_article.get(unit.article_id, 0) + 1
    for i, unit in enumerate(units):
        if unit.sentence_id not in parent_p:
            raise FramingInputError(
                f"'{unit.sentence_id}' is not in the parent sample",
                file=path,
                field=f"units[{i}].sentence_id",
                fix=DAMAGED_FIX,
            )

    def within_article(u):
        size = per_article[u.article_id]
        k = math.ceil(size * fraction)
        return parent_p[u.sentence_id] * k / size, f"parent x k_a/N_a = parent x {k}/{size}"

    _expect(units, within_article, "an overlap of its parent sample", path)
