"""Drawing sentences to code, with each unit's inclusion probability (``framing coding sample``).

simple       a simple random sample of ``size`` sentences: every sentence has probability n/N
stratified   a random sample within each outlet (stratum); proportional allocation (each
             outlet's share of the sample is its share of the population, at least one
             sentence per outlet), equal allocation, or Neyman allocation (n_h proportional to
             N_h S_h, S_h the spread the classifier predicts in outlet h: the root mean of
             p (1 - p) over its sentences and labels, from a predictions.csv population; at
             least one sentence per outlet); probability n_h/N_h in outlet h
overlap      the subset of an earlier sample that a second coder codes blind: ``fraction`` of
             each article's sentences in that sample (rounded up), drawn at random; its
             probability is the earlier sample's times k_a/N_a
sheet        every sentence (probability 1): a census, e.g. the seed study's first coding
active       the sentences a checkpoint is least sure of (``framing.coding.active``): not
             random, so never used for estimates

Random strategies draw with ``numpy.random.default_rng(seed)``; overlap keeps the per-article
draw of the seed study's blind sample (``random.Random(seed)``), so the same command still
draws the same sentences. Samples keep the population's reading order.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np

from framing.coding.population import Population
from framing.corpus import Sentence
from framing.data.tables import read_table_chunks, table_columns
from framing.errors import FramingInputError

ALLOCATIONS = ("proportional", "equal", "neyman")
#: the smallest predicted spread a stratum is given under Neyman allocation, so an outlet the
#: classifier is (over)confident about is still sampled in proportion to a little
MIN_SPREAD = 0.05


@dataclass
class Drawn:
    """A drawn sample: its sentences (population order) and inclusion probabilities."""

    strategy: str
    sentences: list[Sentence]
    probabilities: dict[str, float]
    random: bool
    params: dict = field(default_factory=dict)


def check_size(size: int | None, available: int, option: str = "--size") -> int:
    if size is None or size < 1:
        raise FramingInputError(f"must be a positive number, got {size!r}", field=option)
    if size > available:
        raise FramingInputError(
            f"asks for {size} sentences but the population has {available}", field=option
        )
    return size


def _in_order(population: Population, chosen: set[str]) -> list[Sentence]:
    return [s for s in population.sentences if s.sentence_id in chosen]


def census(population: Population) -> Drawn:
    """Every sentence, probability 1 (``framing coding sheet``)."""
    ids = population.ids
    return Drawn("sheet", list(population.sentences), dict.fromkeys(ids, 1.0), True)


def simple_sample(population: Population, size: int, seed: int) -> Drawn:
    n = check_size(size, len(population.sentences))
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(population.sentences), size=n, replace=False)
    chosen = {population.sentences[i].sentence_id for i in picked}
    p = n / len(population.sentences)
    return Drawn(
        "simple", _in_order(population, chosen), dict.fromkeys(chosen, p), True, {"size": n}
    )


def allocate(
    strata: dict[str, int],
    total: int,
    allocation: str,
    spread: dict[str, float] | None = None,
) -> dict[str, int]:
    """Sample size per stratum: largest-remainder rounding of the target (proportional to the
    stratum's size, equal, or proportional to size times ``spread`` for Neyman), never more
    than the stratum holds; with proportional and Neyman allocation every stratum gets at
    least one unit when the total allows it."""
    if allocation not in ALLOCATIONS:
        raise FramingInputError(
            f"unknown allocation '{allocation}'",
            field="--allocation",
            fix=f"one of {', '.join(ALLOCATIONS)}",
        )
    names = sorted(strata)
    n_pop = sum(strata.values())
    if allocation == "equal":
        target = {h: total / len(names) for h in names}
    elif allocation == "neyman":
        if spread is None:
            raise FramingInputError(
                "Neyman allocation needs the classifier's probabilities of every sentence",
                field="--allocation",
                fix="draw from a predictions.csv of framing predict (--population)",
            )
        weight = {h: strata[h] * max(spread.get(h, MIN_SPREAD), MIN_SPREAD) for h in names}
        total_weight = sum(weight.values())
        target = {h: total * weight[h] / total_weight for h in names}
    else:
        target = {h: total * strata[h] / n_pop for h in names}
    floor = 1 if allocation in ("proportional", "neyman") and total >= len(names) else 0
    n = {h: min(strata[h], max(floor, math.floor(target[h]))) for h in names}
    # Hand out (or take back) one unit at a time, by largest remainder, within the strata's room.
    while sum(n.values()) < total:
        room = [h for h in names if n[h] < strata[h]]
        n[max(room, key=lambda h: (target[h] - n[h], strata[h]))] += 1
    while sum(n.values()) > total:
        over = [h for h in names if n[h] > floor]
        n[min(over, key=lambda h: (target[h] - n[h], -strata[h]))] -= 1
    return n


def predicted_spread(path, sentence_ids: set[str] | None = None) -> dict[str, float]:
    """Per outlet, the root mean of p (1 - p) over its sentences (those in ``sentence_ids``)
    and every ``proba:`` column of the predictions (.csv or .parquet): the standard deviation
    of a coded label around the classifier's probability, were the probabilities calibrated
    (Neyman's S_h)."""
    try:
        header = table_columns(path)
    except FramingInputError:
        header = []
    columns = [c for c in header if c.startswith("proba:")]
    if not columns or "outlet" not in header:
        raise FramingInputError(
            "has no proba: columns: Neyman allocation needs the classifier's probabilities",
            file=path,
            field="--allocation",
            fix="draw from the predictions (.csv or .parquet) of framing predict",
        )
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    keys = ["sentence_id", "outlet"]
    for chunk in read_table_chunks(path, [*keys, *columns], keys):
        if sentence_ids is not None:
            chunk = chunk[chunk["sentence_id"].isin(sentence_ids)]
        p = chunk[columns].to_numpy(dtype=float)
        chunk = chunk.assign(spread=(p * (1 - p)).mean(axis=1))
        for outlet, part in chunk.groupby("outlet"):
            sums[outlet] = sums.get(outlet, 0.0) + float(part["spread"].sum())
            counts[outlet] = counts.get(outlet, 0) + len(part)
    return {h: math.sqrt(sums[h] / counts[h]) for h in sums if counts[h]}


def stratified_sample(
    population: Population,
    size: int,
    seed: int,
    allocation: str = "proportional",
    spread: dict[str, float] | None = None,
) -> Drawn:
    """A random sample within each outlet."""
    check_size(size, len(population.sentences))
    by_outlet: dict[str, list[Sentence]] = {}
    for s in population.sentences:
        by_outlet.setdefault(s.outlet, []).append(s)
    sizes = allocate({h: len(v) for h, v in by_outlet.items()}, size, allocation, spread)
    rng = np.random.default_rng(seed)
    probabilities = {}
    for outlet in sorted(by_outlet):
        members = by_outlet[outlet]
        if sizes[outlet] == 0:
            continue
        picked = rng.choice(len(members), size=sizes[outlet], replace=False)
        for i in picked:
            probabilities[members[i].sentence_id] = sizes[outlet] / len(members)
    return Drawn(
        "stratified",
        _in_order(population, set(probabilities)),
        probabilities,
        True,
        {"size": size, "allocation": allocation, "strata_sizes": sizes}
        | ({"predicted_spread": {h: round(v, 6) for h, v in spread.items()}} if spread else {}),
    )


def blind_sample(sentences: list[Sentence], fraction: float, seed: int) -> list[Sentence]:
    """A per-article stratified random sample (``ceil(fraction * n)`` of each article's
    sentences), in reading order."""
    rng = random.Random(seed)
    chosen: set[str] = set()
    by_article: dict[str, list[Sentence]] = {}
    for s in sentences:
        by_article.setdefault(s.article_id, []).append(s)
    for article_id in sorted(by_article):
        group = by_article[article_id]
        k = math.ceil(len(group) * fraction)
        chosen.update(s.sentence_id for s in rng.sample(group, k))
    return [s for s in sentences if s.sentence_id in chosen]


def overlap_sample(
    parent: Population,
    fraction: float,
    seed: int,
    parent_probabilities: dict[str, float] | None = None,
    parent_random: bool = True,
) -> Drawn:
    """The blind second coder's subset of ``parent`` (an earlier sample, or the population).

    Each unit's probability is its parent probability (1 when the parent is the population)
    times the within-article draw's k_a / N_a. The subset is random only if its parent was."""
    if not 0 < fraction <= 1:
        raise FramingInputError(f"must be in (0, 1], got {fraction!r}", field="--fraction")
    picked = blind_sample(parent.sentences, fraction, seed)
    per_article: dict[str, int] = {}
    for s in parent.sentences:
        per_article[s.article_id] = per_article.get(s.article_id, 0) + 1
    parent_probabilities = parent_probabilities or {}
    probabilities = {
        s.sentence_id: parent_probabilities.get(s.sentence_id, 1.0)
        * math.ceil(per_article[s.article_id] * fraction)
        / per_article[s.article_id]
        for s in picked
    }
    return Drawn("overlap", picked, probabilities, parent_random, {"fraction": fraction})
