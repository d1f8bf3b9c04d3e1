"""Writing a sample to code: the sentences (``OUT.jsonl``) and their record
(``OUT.sample.json``, ``framing.coding.records``), both or neither.

The population is the study's corpus or a sentence file (``framing.coding.population``);
sentences listed in ``exclude`` files (earlier samples, coder files) are left out of it first,
and the record says so. An active sample also leaves out what the study's first coder has
already coded.
"""

from __future__ import annotations

from pathlib import Path

from framing.checkpoint import load_checkpoint
from framing.coding import sampling
from framing.coding.active import checkpoint_scores, default_max_per_article, select_uncertain
from framing.coding.population import Population, read_population, study_population
from framing.coding.records import (
    SampledUnit,
    SampleRecord,
    read_sample_record,
    record_path,
    write_sample_record,
)
from framing.errors import FramingInputError
from framing.io import read_jsonl
from framing.outputs import Kind, write_jsonl
from framing.study import resolve_path

STRATEGIES = ("simple", "stratified", "overlap", "active")


def sample_rows(sentences) -> list[dict]:
    """What a sample file holds of each sentence (no labels, no model output)."""
    return [
        {
            "sentence_id": s.sentence_id,
            "article_id": s.article_id,
            "outlet": s.outlet,
            "position": s.position,
            "kind": s.kind,
            "dup_group": s.dup_group,
            "text": s.text,
        }
        for s in sentences
    ]


def listed_ids(path: str | Path) -> set[str]:
    """The sentence ids of a JSONL file of sentences or codings."""
    ids = set()
    for line, record in read_jsonl(path):
        sid = record.get("sentence_id")
        if not isinstance(sid, str) or not sid:
            raise FramingInputError("missing or empty", file=path, line=line, field="sentence_id")
        ids.add(sid)
    return ids


def refuse_existing(*paths: Path) -> None:
    for path in paths:
        if path.exists():
            raise FramingInputError(
                "already exists", file=path, fix="choose a new file name (nothing was written)"
            )


def write_sample(
    drawn: sampling.Drawn,
    out: Path,
    population: Population,
    seed: int | None = None,
    population_extra: dict | None = None,
    **params,
) -> Path:
    """The sample file and its record; the record is written first, and removed again if the
    sample cannot be written, so neither exists without the other."""
    record = SampleRecord(
        strategy=drawn.strategy,
        random=drawn.random,
        unit="sentence",
        seed=seed,
        population=population.summary() | (population_extra or {}),
        units=[
            SampledUnit(s.sentence_id, s.article_id, s.outlet, drawn.probabilities[s.sentence_id])
            for s in drawn.sentences
        ],
        params=drawn.params | params,
    )
    written = write_sample_record(record, out)
    try:
        write_jsonl(out, sample_rows(drawn.sentences), Kind.SAMPLE)
    except BaseException:
        written.unlink(missing_ok=True)
        raise
    return written


def draw(
    study,
    strategy: str,
    out: str | Path,
    *,
    size: int | None = None,
    fraction: float | None = None,
    seed: int = 0,
    population_file: str | Path | None = None,
    parent: str | Path | None = None,
    exclude: list[str | Path] = (),
    allocation: str = "proportional",
    checkpoints: list[str | Path] = (),
    max_per_article: int | None = None,
) -> sampling.Drawn:
    """Draw a sample with ``strategy`` and write it to ``out`` with its record."""
    out = Path(out)
    if strategy not in STRATEGIES:
        raise FramingInputError(
            f"unknown strategy '{strategy}'", field="--strategy", fix=", ".join(STRATEGIES)
        )
    refuse_existing(out, record_path(out))
    if strategy == "overlap":
        if exclude:
            raise FramingInputError(
                "an overlap sample is a share of an earlier sample",
                field="--exclude",
                fix="draw the earlier sample with --exclude instead",
            )
        return _draw_overlap(study, out, parent, fraction, seed)
    if parent is not None:
        raise FramingInputError(
            "only an overlap sample is drawn from an earlier sample", field="--from"
        )
    population = read_population(population_file) if population_file else study_population(study)
    excluded = set()
    excluded_files = [str(p) for p in exclude]
    if strategy == "active" and study.value("codings.first"):
        first = study.path("codings.first", must_exist=False)
        if first.is_file():
            excluded_files.append(str(study.value("codings.first")))
            excluded |= listed_ids(first)
    for path in exclude:
        excluded |= listed_ids(path)
    remaining = population.without(excluded)
    if not remaining.sentences:
        raise FramingInputError("every sentence of the population is excluded", field="--exclude")
    exclusion = {}
    if excluded_files:
        n_out = len(population.sentences) - len(remaining.sentences)
        exclusion = {"excluded": {"files": excluded_files, "n_sentences": n_out}}
    if strategy == "simple":
        drawn = sampling.simple_sample(remaining, size, seed)
    elif strategy == "stratified":
        spread = None
        if allocation == "neyman":  # the classifier's probabilities of the population
            if population_file is None:
                raise FramingInputError(
                    "Neyman allocation needs the classifier's probabilities of every sentence",
                    field="--allocation",
                    fix="draw from a predictions.csv of framing predict (--population)",
                )
            spread = sampling.predicted_spread(population_file, set(remaining.ids))
        drawn = sampling.stratified_sample(remaining, size, seed, allocation, spread)
    else:
        drawn = _active(remaining, size, seed, checkpoints, max_per_article)
    write_sample(drawn, out, remaining, seed=seed, population_extra=exclusion)
    return drawn


def _draw_overlap(study, out: Path, parent, fraction: float | None, seed: int) -> sampling.Drawn:
    if fraction is None:
        raise FramingInputError("an overlap sample needs a fraction", field="--fraction")
    if parent is None:  # the whole corpus, as the seed study's blind second coding
        population = study_population(study)
        drawn = sampling.overlap_sample(population, fraction, seed)
        write_sample(drawn, out, population, seed=seed)
        return drawn
    population = read_population(parent)
    record = read_sample_record(parent) if record_path(parent).is_file() else None
    drawn = sampling.overlap_sample(
        population,
        fraction,
        seed,
        parent_probabilities=record.probabilities if record else None,
        parent_random=bool(record and record.random),
    )
    write_sample(
        drawn,
        out,
        population,
        seed=seed,
        parent={
            "file": str(parent),
            "strategy": record.strategy if record else None,
            "random": bool(record and record.random),
        },
        population_extra=(record.population if record else {}),
    )
    return drawn


def _active(population: Population, size, seed, checkpoints, max_per_article) -> sampling.Drawn:
    if not checkpoints:
        raise FramingInputError(
            "an active sample needs the probabilities of a trained model",
            field="--checkpoint",
            fix="give --checkpoint RUN/checkpoint (once per task to combine frames and stance)",
        )
    sampling.check_size(size, len(population.sentences))
    models = []
    for path in checkpoints:
        models.append(load_checkpoint(resolve_path(path)))  # it writes into no cache folder
    scores = checkpoint_scores([m.model for m in models], [s.text for s in population.sentences])
    n_articles = len({s.article_id for s in population.sentences})
    cap = max_per_article or default_max_per_article(size, n_articles)
    picked = select_uncertain(scores, population.sentences, size, seed, cap)
    chosen = {population.sentences[i].sentence_id: float(scores[i]) for i in picked}
    sentences = [s for s in population.sentences if s.sentence_id in chosen]
    return sampling.Drawn(
        "active",
        sentences,
        dict.fromkeys(chosen, 1.0),  # chosen for sure, given the model: not a random sample
        False,
        {
            "size": size,
            "checkpoints": [
                {
                    "path": str(p),
                    "task": m.task,
                    "family": m.family,
                    "created_at": m.info.get("created_at"),
                }
                for p, m in zip(checkpoints, models, strict=True)
            ],
            "max_per_article": cap,
            "uncertainty": {sid: round(v, 6) for sid, v in chosen.items()},
        },
    )
