"""The coverage simulation on small settings: intervals of framing estimate hold the true share
of a population built from the seed set's (gold, out-of-fold) pairs, also where the classifier
is worse than in cross-validation, and ignoring article clusters does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.estimate.simulation import build_population, run_simulation, seed_pairs

from conftest import PROJECT_ROOT

OOF = PROJECT_ROOT / "tests" / "reference" / "small_sweep" / "oof"


@pytest.fixture(scope="module")
def oof(labelled_set):
    """The committed reference out-of-fold tables (MiniLM + LR, seed 0), with each sentence's
    article and outlet from the labelled set."""
    where = labelled_set.to_pandas()[["sentence_id", "article_id", "outlet"]]

    def read(task):
        table = pd.read_csv(OOF / f"{task}_embedding_lr_0.csv", dtype={"sentence_id": str})
        return table.merge(where, on="sentence_id", validate="one_to_one")

    return read("frames"), read("stance")


@pytest.fixture(scope="module")
def table(oof):
    sizes = {"sentences": (100,), "articles": (20,)}
    table, described = run_simulation(*oof, replicates=300, n_articles=150, seed=1, sizes=sizes)
    return table, described


def test_pseudo_articles_keep_whole_pairs(oof):
    pairs = seed_pairs(*oof)
    population = build_population(pairs, 50, np.random.default_rng(0))
    series, y, f = pairs[0], pairs[1], pairs[2]
    seen = {tuple(r) for r in np.hstack([y, f])}
    assert {tuple(r) for r in np.hstack([population.y, population.f])} <= seen
    sizes = np.bincount(population.article)
    assert sizes.min() >= 10 and sizes.max() <= 40 and len(sizes) == 50
    assert len(series) == y.shape[1] == 5 + 3


def test_the_shifted_population_has_a_worse_classifier(table):
    _, described = table
    seed, shifted = described["seed"]["classifier_f1"], described["shifted"]["classifier_f1"]
    assert np.mean(list(shifted.values())) < np.mean(list(seed.values())) - 0.1


def test_intervals_cover_and_are_narrower_than_the_coded_sample_alone(table):
    table, _ = table
    ppi = table[table.estimator == "ppi++ (article clusters)"].set_index(
        ["population", "design", "label"]
    )
    alone = table[table.estimator == "coded sample only"].set_index(
        ["population", "design", "label"]
    )
    # 300 replicates: a label's coverage has a Monte Carlo SE of about 0.013
    assert ppi.coverage.mean() > 0.92 and ppi.coverage.min() > 0.85
    assert (ppi.mean_width <= alone.mean_width + 1e-9).all()
    shifted = ppi.loc["shifted"]
    assert shifted.coverage.mean() > 0.9


def test_ignoring_article_clusters_undercovers_when_whole_articles_are_coded(table):
    table, _ = table
    articles = table[(table.design == "articles") & (table.population == "seed")]
    by = articles.groupby("estimator").coverage.mean()
    assert by["ppi++ (no clusters)"] < by["ppi++ (article clusters)"] - 0.03
