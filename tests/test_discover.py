"""framing discover: clusters of unframed sentences, the ablation that measures it, bad input."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.discover.ablation import best_match, run_ablation, stability
from framing.discover.clustering import (
    ClusterSettings,
    cluster_embeddings,
    number_of_clusters,
    without_top_components,
)
from framing.distribution import install_command
from framing.errors import FramingInputError
from framing.io import read_jsonl

from conftest import PROJECT_ROOT, framing

pytestmark = pytest.mark.extra("transformers")
SEED_SENTENCES = PROJECT_ROOT / "seeds" / "sentences.jsonl"
#: the tries after the first protocol, in detail (the README keeps their summary table)
TRIES = PROJECT_ROOT / "experiments" / "discover_tries.md"


def gold() -> list[dict]:
    return [r for _, r in read_jsonl(SEED_SENTENCES)]


def write_predictions(path: Path, records: list[dict], frames: list[str]) -> None:
    """A predictions.csv in framing predict's layout, the coded frames standing in for a
    checkpoint's decisions."""
    rows = []
    for r in records:
        row = {k: r[k] for k in ("sentence_id", "article_id", "outlet", "position", "text")}
        for f in frames:
            row[f"proba:{f}"] = 0.9 if f in r["frames"] else 0.1
            row[f"pred:{f}"] = int(f in r["frames"])
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False)


def test_number_of_clusters_follows_the_rule():
    s = ClusterSettings()
    assert number_of_clusters(98, s) == 7 and number_of_clusters(20, s) == 3
    assert number_of_clusters(100_000, s) == 50
    assert number_of_clusters(100, ClusterSettings(clusters=4)) == 4


def test_without_top_components_removes_the_mean_and_the_dominant_directions():
    rng = np.random.default_rng(0)
    # near-unit rows around a shared mean (axis 5): two groups apart along axis 3, drowned by a
    # larger spread along axes 0 and 1 that both groups share (so no top direction leans on 3)
    x = rng.normal(scale=0.002, size=(40, 6))
    x[:, 0] += np.tile(rng.normal(scale=0.1, size=20), 2)
    x[:, 1] += np.tile(rng.normal(scale=0.08, size=20), 2)
    x[:, 3] += np.repeat([0.03, -0.03], 20)
    x[:, 5] += 1.0
    assert without_top_components(x, 0) is x
    with pytest.raises(FramingInputError, match="only 6 dimensions"):
        without_top_components(x, 6)
    y = without_top_components(x, 2)
    assert np.allclose(np.linalg.norm(y, axis=1), 1.0)
    # what is left lies off the two dominant axes; the groups now split along axis 3
    assert np.abs(y[:, :2]).max() < 0.2
    assert (y[:20, 3] > 0).all() and (y[20:, 3] < 0).all()
    settings = ClusterSettings(clusters=2, min_sentences=2)

    def split_by_group(labels):
        return len(set(labels[:20])) == 1 and len(set(labels[20:])) == 1 and labels[0] != labels[-1]

    assert not split_by_group(cluster_embeddings(x, settings))  # plain Ward: the spread
    assert split_by_group(cluster_embeddings(x, replace(settings, remove_components=2)))


def test_best_match_is_the_cluster_of_highest_f1():
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2])
    truth = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 1], dtype=bool)
    found = best_match(labels, truth)
    assert found["cluster"] == 0 and found["hits"] == 2
    assert found["precision"] == pytest.approx(2 / 3) and found["recall"] == pytest.approx(0.5)


def test_discover_on_predictions_takes_the_unframed_sentences(tmp_path, schema):
    records = gold()
    predictions = tmp_path / "predictions.csv"
    write_predictions(predictions, records, schema.frame_names)
    out = tmp_path / "discovered"
    done = framing("discover", str(predictions), "--out", str(out))
    assert done.returncode == 0, done.stderr
    unframed = {r["sentence_id"] for r in records if not r["frames"]}
    sentences = pd.read_csv(out / "sentences.csv", dtype={"sentence_id": str})
    assert set(sentences.sentence_id) == unframed
    clusters = pd.read_csv(out / "clusters.csv")
    report = json.loads((out / "report.json").read_text())
    assert (
        report["n_clusters"]
        == len(clusters)
        == number_of_clusters(len(unframed), ClusterSettings())
    )
    assert clusters["size"].sum() == len(unframed)
    assert clusters["size"].is_monotonic_decreasing
    assert set(clusters.nearest_frame) <= set(schema.frame_names)
    # no sentence here was predicted a frame; the columns say so
    for f in schema.frame_names:
        assert clusters[f"predicted:{f}"].eq(0).all()
        assert clusters[f"mean_proba:{f}"].round(6).eq(0.1).all()
    shares = pd.read_csv(out / "outlet_shares.csv")
    per_cluster = shares.groupby("cluster")["share_of_cluster"].sum()
    np.testing.assert_allclose(per_cluster.to_numpy(), 1.0, atol=1e-3)
    per_outlet = shares.groupby("outlet")["share_of_outlet"].sum()
    np.testing.assert_allclose(per_outlet.to_numpy(), 1.0, atol=1e-3)
    assert report["seed"] == 0 and report["library_versions"]["scikit-learn"]
    assert report["library_versions"]["framing-toolkit"]
    markdown = (out / "clusters.md").read_text()
    assert "## Cluster 0" in markdown
    # each central sentence is shown with its own id, to give to --like
    text_of = dict(zip(sentences.sentence_id, sentences.text, strict=True))
    for row in clusters.itertuples():
        ids = json.loads(row.central_sentence_ids)
        assert [text_of[i] for i in ids] == row.central_sentences.split(" || ")
        assert set(sentences[sentences.sentence_id.isin(ids)].cluster) == {row.cluster}
        assert f"  - `{ids[0]}`: {text_of[ids[0]]}" in markdown
    assert markdown.count("- **predicted frames:** none") == len(clusters)
    # --all clusters every sentence, and the framed ones show up in predicted:FRAME
    everything = tmp_path / "all"
    done = framing("discover", str(predictions), "--out", str(everything), "--all")
    assert done.returncode == 0, done.stderr
    wide = pd.read_csv(everything / "clusters.csv")
    assert wide["size"].sum() == len(records)
    shares = (
        wide[[f"predicted:{f}" for f in schema.frame_names]].to_numpy().T * wide["size"].to_numpy()
    ).sum(axis=1)
    counts = [sum(f in r["frames"] for r in records) for f in schema.frame_names]
    np.testing.assert_allclose(shares, counts, atol=1e-2)


def test_same_seed_same_clusters_and_the_seed_matters_only_above_the_tree_size():
    from framing.models.encoders import EmbeddingCache

    x = EmbeddingCache("all-MiniLM-L6-v2").embed([r["text"] for r in gold()])
    small = ClusterSettings(seed=0)
    np.testing.assert_array_equal(
        cluster_embeddings(x, small), cluster_embeddings(x, ClusterSettings(seed=5))
    )
    sampled = ClusterSettings(max_tree_sentences=60, seed=3)
    first = cluster_embeddings(x, sampled)
    np.testing.assert_array_equal(first, cluster_embeddings(x, sampled))
    assert len(np.unique(first)) == number_of_clusters(len(x), sampled)


@pytest.fixture(scope="module")
def ablation(schema):
    return run_ablation(gold(), schema)


def test_ablation_on_the_seed_study_reproduces_the_committed_table(ablation):
    """The measurement of issue 20 (framing.discover.ablation), run as committed in
    results/discover/ablation.csv by python -m experiments.discover_ablation."""
    table = ablation
    committed = pd.read_csv(PROJECT_ROOT / "results" / "discover" / "ablation.csv")
    assert list(table.removed_frame) == list(committed.removed_frame)
    for column in ("precision", "recall", "f1"):
        np.testing.assert_allclose(table[column], committed[column], atol=0.05)
    assert list(table.recovered) == list(committed.recovered)


@pytest.mark.xfail(
    strict=True,
    reason="issue 20's target is not met: the pre-registered ablation recovers 1 of 4 frames "
    "(results/discover/ablation.md); strict, so a change that meets it must update this mark",
)
def test_ablation_recovers_at_least_three_of_four_frames(ablation):
    assert ablation.recovered.sum() >= 3


def test_stability_across_seeds_on_the_seed_study():
    from framing.models.encoders import EmbeddingCache

    x = EmbeddingCache("all-MiniLM-L6-v2").embed([r["text"] for r in gold()])
    found = stability(x)
    assert found["ari_seeds"] == [1.0, 1.0]
    # the 10% subsample is the weak side (results/discover/stability.csv): 0.58-0.67 here
    assert min(found["ari_subsamples"]) > 0.5


def test_too_few_sentences_is_one_error_and_writes_nothing(tmp_path):
    small = tmp_path / "small.jsonl"
    with small.open("w") as fh:
        for r in gold()[:12]:
            fh.write(json.dumps(r) + "\n")
    out = tmp_path / "out"
    done = framing("discover", str(small), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and "only 12 sentences" in done.stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["small.jsonl"]


def test_a_corpus_in_another_language_is_refused(tmp_path):
    # German sentences written for this test
    lines = [
        "Der Stadtrat hat gestern über die neue Gebühr für Autos in der Innenstadt beraten.",
        "Viele Händler befürchten, dass weniger Kunden mit dem Wagen zum Einkaufen kommen.",
        "Die Bürgermeisterin sagte, die Luft in den Straßen sei seit Jahren zu schlecht.",
        "Ein Sprecher der Busbetriebe kündigte mehr Fahrten am frühen Morgen an.",
    ]
    corpus = tmp_path / "german.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for i in range(30):
            row = {
                "sentence_id": f"s{i}",
                "article_id": f"a{i // 6}",
                "outlet": "Blatt",
                "text": f"{lines[i % 4]} ({i})",
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    done = framing("discover", str(corpus), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "another language" in done.stderr and "'de'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_without_the_encoder_extra_it_says_which_extra_to_install(tmp_path):
    """sentence_transformers hidden from the import system, as on a core install."""
    import subprocess

    corpus = tmp_path / "sents.jsonl"
    with corpus.open("w") as fh:
        for r in gold():
            fh.write(json.dumps(r) + "\n")
    code = (
        "import sys, importlib.abc\n"
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'sentence_transformers':\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Hide())\n"
        "from framing.cli.main import main\n"
        f"sys.exit(main(['discover', {str(corpus)!r}, '--out', {str(tmp_path / 'out')!r}]))\n"
    )
    env = {"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, env=env
    )
    assert done.returncode == 2, done.stderr
    assert install_command("transformers") in done.stderr  # pip install "framing-toolkit[...]"
    assert not (tmp_path / "out").exists()


def test_study_discover_section_sets_encoder_and_settings_and_rejects_unknown_keys(tmp_path):
    from framing.discover.run import study_settings
    from framing.errors import FramingInputError
    from framing.study import Study

    study = Study(tmp_path, {"discover": {"encoder": "my-encoder", "clusters": 6, "seed": 4}})
    encoder, settings = study_settings(study)
    assert encoder == "my-encoder" and settings.clusters == 6 and settings.seed == 4
    assert study_settings(study, clusters=3, seed=9)[1].clusters == 3
    with pytest.raises(FramingInputError, match="discover.n_clusters"):
        study_settings(Study(tmp_path, {"discover": {"n_clusters": 6}}))
    with pytest.raises(FramingInputError, match="whole number"):
        study_settings(Study(tmp_path, {"discover": {"clusters": "six"}}))
    with pytest.raises(FramingInputError, match="discover.remove_components"):
        study_settings(Study(tmp_path, {"discover": {"remove_components": -1}}))
    with pytest.raises(FramingInputError, match="discover.min_sentences"):
        study_settings(Study(tmp_path, {"discover": {"min_sentences": None}}))
    assert (
        study_settings(Study(tmp_path, {"discover": {"remove_components": 4}}))[1].remove_components
        == 4
    )


# ------------------------------------------------ second protocol (experiments/discover_adapted)
def test_contrastive_pairs_give_each_text_a_same_and_an_other_label_partner():
    from framing.discover.adapt import contrastive_pairs, label_set

    texts = ["a1", "a2", "b1", "b2", "c1"]
    labels = [label_set(["x"]), label_set(["x"]), label_set([]), label_set([]), label_set(["y"])]
    first, second, target = contrastive_pairs(texts, labels, iterations=3, seed=0)
    label_of = dict(zip(texts, labels, strict=True))
    # c1 is alone in its label: only the other-label pair; everyone else: both, each iteration
    assert len(first) == 3 * (2 * 4 + 1)
    for a, b, t in zip(first, second, target, strict=True):
        assert a != b
        assert (label_of[a] == label_of[b]) == (t == 1.0)
    per_text = Counter(zip(first, target, strict=True))
    for text in texts:
        assert per_text[(text, 0.0)] == 3
        assert per_text[(text, 1.0)] == (0 if text == "c1" else 3)
    assert contrastive_pairs(texts, labels, 3, 0) == (first, second, target)  # seeded


def test_silhouette_clusters_finds_two_separate_groups_where_the_sqrt_rule_cuts_more():
    from framing.discover.adapt import silhouette_clusters

    rng = np.random.default_rng(0)
    centre = np.zeros(8)
    centre[0] = 1.0
    other = np.zeros(8)
    other[1] = 1.0
    x = np.vstack(
        [centre + 0.05 * rng.normal(size=(60, 8)), other + 0.05 * rng.normal(size=(40, 8))]
    )
    labels = silhouette_clusters(x, ClusterSettings())
    assert number_of_clusters(len(x), ClusterSettings()) == 7
    assert sorted(np.bincount(labels)) == [40, 60]
    assert (labels[:60] == 0).all() and (labels[60:] == 1).all()


def test_the_readme_quotes_the_second_protocols_recorded_results():
    """The adapted-encoder protocol was fixed on the development set and run once on the seed
    study. The README's counts and precision / recall figures are the committed tables', and
    each report agrees with its table."""
    readme = TRIES.read_text(encoding="utf-8")
    results = PROJECT_ROOT / "results/discover_adapted"
    for name in ("dev", "seed"):
        table = pd.read_csv(results / f"{name}.csv")
        report = json.loads((results / f"report_{name}.json").read_text())
        assert report["frames_recovered"] == int(table.recovered.sum())
    dev = pd.read_csv(results / "dev.csv")
    seed = pd.read_csv(results / "seed.csv")
    assert f"{int(dev.recovered.sum())} of {len(dev)}" in readme
    assert f"{int(seed.recovered.sum())} of {len(seed)} seed frames" in readme
    for row in seed.itertuples():
        assert f"{row.precision:.2f} / {row.recall:.2f}" in readme, row.removed_frame


# ------------------------------------------------ third protocol (experiments/discover_nested)
def raw_candidates():
    """The raw-MiniLM candidates: the selection logic without minutes of fine-tuning."""
    from experiments.discover_nested import CANDIDATES

    return tuple(c for c in CANDIDATES if c.representation == "raw")


@pytest.fixture(scope="module")
def raw_embed():
    from framing.models.encoders import EmbeddingCache

    return EmbeddingCache("all-MiniLM-L6-v2").embed


def test_nested_selection_never_reads_the_measured_frames_sentences(raw_embed):
    """The method measured on frame F is chosen without F's sentences: replacing their text
    leaves F's selection table as it was, while F's own result changes."""
    from experiments.discover_nested import nested_ablation

    records = gold()
    frames = ["isolation_breaking", "neutrality", "historical_friendship", "western_criticism"]
    measured = "western_criticism"
    before = nested_ablation(records, frames, raw_embed, raw_candidates())
    blanked = [
        dict(r, text=f"row {i} says nothing at all") if measured in r["frames"] else r
        for i, r in enumerate(records)
    ]
    after = nested_ablation(blanked, frames, raw_embed, raw_candidates())

    def selection_for_measured(tables):
        rows = tables["selection"]
        return rows[rows.measured_frame == measured].reset_index(drop=True)

    def grid_for_measured(tables):
        return tables["grid"][tables["grid"].removed_frame == measured]

    pd.testing.assert_frame_equal(selection_for_measured(before), selection_for_measured(after))
    assert not np.allclose(grid_for_measured(before).f1, grid_for_measured(after).f1)
    # the other frames' selections did see the blanked sentences: in their own inner ablation
    # of Western criticism (as its positives) and, coded with another frame too, in pools
    others = before["selection"].measured_frame != measured
    assert not before["selection"][others].equals(after["selection"][others])


def test_nested_result_is_the_chosen_candidates_grid_row_and_the_best_by_the_rule(raw_embed):
    from experiments.discover_nested import choose, nested_ablation

    tables = nested_ablation(
        gold()[:120], ["neutrality", "historical_friendship"], raw_embed, raw_candidates()
    )
    for row in tables["result"].itertuples():
        own = tables["grid"][
            (tables["grid"].removed_frame == row.removed_frame)
            & (tables["grid"].candidate == row.chosen)
        ].iloc[0]
        assert (own.precision, own.recall, own.recovered) == (
            row.precision,
            row.recall,
            row.recovered,
        )
        chosen_rows = tables["selection"][tables["selection"].measured_frame == row.removed_frame]
        best = chosen_rows.sort_values(
            ["recovered", "mean_f1", "order"], ascending=[False, False, True]
        ).iloc[0]
        assert best.candidate == row.chosen
    # ties: more recoveries beat a higher F1; equal both, the earlier candidate wins
    cands = raw_candidates()
    score = {
        "g": {
            cands[0].name: {"recovered": False, "f1": 0.9},
            cands[1].name: {"recovered": True, "f1": 0.6},
            cands[2].name: {"recovered": True, "f1": 0.6},
            cands[3].name: {"recovered": False, "f1": 0.1},
        }
    }
    assert choose(score, cands)[0] == cands[1].name


def test_the_readme_quotes_the_third_protocols_recorded_results():
    """The nested-selection protocol's seed run: the README's count, every chosen candidate's
    precision / recall, and the grid's best candidate count are the committed tables'."""
    readme = " ".join(TRIES.read_text(encoding="utf-8").split())
    results = PROJECT_ROOT / "results/discover_nested"
    seed = pd.read_csv(results / "seed.csv")
    report = json.loads((results / "report_seed.json").read_text())
    assert report["frames_recovered"] == int(seed.recovered.sum())
    assert f"{int(seed.recovered.sum())} of {len(seed)} seed frames recovered" in readme
    for row in seed.itertuples():
        assert f"{row.chosen} {row.precision:.2f} / {row.recall:.2f}" in readme, row.removed_frame
    grid = pd.read_csv(results / "grid_seed.csv")
    most = int(grid.groupby("candidate").recovered.sum().max())
    assert most == 1 and "no candidate recovers more than one frame of the four" in readme
    by_frame = grid.groupby("removed_frame").recovered.sum()
    assert by_frame["isolation_breaking"] == 4 and by_frame["neutrality"] == 1
    assert by_frame["historical_friendship"] == by_frame["western_criticism"] == 0
    assert "isolation-breaking comes back under four candidates, neutrality under one" in readme
    assert f"({round(seed.seconds.sum() / 60)} min on 2 cores" in readme


def test_the_readme_quotes_the_word_count_candidates_development_results():
    readme = " ".join(TRIES.read_text(encoding="utf-8").split())
    results = PROJECT_ROOT / "results/discover_nested"
    dev = pd.read_csv(results / "lexical_dev.csv")
    grid = pd.read_csv(results / "lexical_grid_dev.csv")
    assert f"{int(dev.recovered.sum())} of {len(dev)} development frames recovered" in readme
    assert dev.chosen.str.startswith("raw/").all() and "raw MiniLM chosen every time" in readme
    lexical = grid[~grid.candidate.str.startswith("raw/")]
    assert not lexical.recovered.any()
    assert not (results / "lexical_seed.csv").exists()  # a guard: no seed run of it committed


def test_the_readme_quotes_the_separability_yardstick():
    readme = " ".join((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split())
    table = pd.read_csv(PROJECT_ROOT / "results/discover_nested/separability_seed.csv")
    names = {
        "isolation_breaking": "isolation-breaking",
        "neutrality": "neutrality",
        "historical_friendship": "historical friendship",
        "western_criticism": "Western criticism",
    }
    aucs = ", ".join(f"{r.roc_auc:.2f} {names[r.removed_frame]}" for r in table.itertuples())
    assert f"ROC AUC {aucs}" in readme
    precisions = ", ".join(f"{p:.2f}" for p in table.precision_at_recall_0_5)
    assert f"best precision at recall ≥ 0.5: {precisions}" in readme


def test_separability_scores_a_frame_that_is_apart_near_one_and_a_random_one_near_half():
    from experiments.discover_separability import separability

    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 8))
    truth = np.zeros(120, dtype=bool)
    truth[:30] = True
    groups = [f"a{i % 6}" for i in range(120)]
    apart = x.copy()
    apart[truth, 0] += 4.0
    assert separability(apart, truth, groups)["roc_auc"] > 0.95
    assert separability(apart, truth, groups)["precision_at_recall_0_5"] > 0.9
    assert abs(separability(x, truth, groups)["roc_auc"] - 0.5) < 0.15


def test_discover_tells_its_progress_while_it_embeds_a_large_corpus(tmp_path):
    """More than one chunk of sentences to embed (EmbeddingCache.chunk_size) is reported on
    stderr as it goes; stdout keeps its one summary line."""
    from framing.models.encoders import EmbeddingCache

    records = gold()
    rows = [
        {
            "sentence_id": f"{r['sentence_id']}-{copy}",
            "article_id": f"{r['article_id']}-{copy}",
            "outlet": r["outlet"],
            "text": f"{r['text']} (variant {copy})",  # distinct texts: nothing cached
        }
        for copy in range(2)
        for r in records
    ]
    assert len(rows) > EmbeddingCache.chunk_size
    sentences = tmp_path / "sentences.csv"
    pd.DataFrame(rows).to_csv(sentences, index=False)
    result = framing(
        "discover",
        str(sentences),
        "--out",
        str(tmp_path / "found"),
        env={"FRAMING_PROGRESS_SECONDS": "0"},
    )
    assert result.returncode == 0, result.stderr
    distinct = len({r["text"] for r in rows})  # a text is embedded once
    assert f"embed: started ({distinct} sentences)" in result.stderr
    assert f"embed: {EmbeddingCache.chunk_size}/{distinct} sentences" in result.stderr
    assert f"embed: done, {distinct} sentences in" in result.stderr
    assert "embed" not in result.stdout and len(result.stdout.strip().splitlines()) == 1


def test_an_embedding_inside_a_larger_task_is_a_step_of_it_not_a_task_of_its_own():
    """EmbeddingCache.embed reports its own task only when nothing encloses it: inside a
    cross-validation or a prediction, that task tells the progress."""
    import logging

    from framing import progress
    from framing.models.encoders import EmbeddingCache, EmbeddingStore

    tasks = []

    class Names(logging.Handler):
        def emit(self, record):
            tasks.append((record.progress.name, record.progress.event))

    handler = Names()
    progress.logger.addHandler(handler)
    level = progress.logger.level
    progress.logger.setLevel(progress.PROGRESS)
    try:
        texts = [f"{r['text']} ({n})" for n in range(2) for r in gold()]
        cache = EmbeddingCache(store=EmbeddingStore())
        with progress.task("outer", total=1):
            cache.embed(texts)
        assert {name for name, _ in tasks} == {"outer"}
        tasks.clear()
        EmbeddingCache(store=EmbeddingStore()).embed(texts)
        assert ("embed", "start") in tasks and ("embed", "end") in tasks
    finally:
        progress.logger.removeHandler(handler)
        progress.logger.setLevel(level)


# ------------------------------------------------ framing discover --like
def test_rank_like_puts_the_group_of_the_examples_first_and_scores_no_example():
    from framing.discover.like import precision_at_half_recall, rank_like

    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 8))
    group = np.zeros(100, dtype=bool)
    group[:20] = True
    x[group, 0] += 6.0
    examples = np.zeros(100, dtype=bool)
    examples[:4] = True
    scores = rank_like(x, examples, seed=0)
    assert np.isnan(scores[examples]).all() and not np.isnan(scores[~examples]).any()
    rest = ~examples
    assert precision_at_half_recall(scores[rest], group[rest]) > 0.8  # 16 of 96 at random
    np.testing.assert_allclose(scores[rest], rank_like(x, examples, seed=0)[rest])  # seeded
    # reading order: needed ceil(0.5 * 2) = 1 hit; found at the 1st (1/1) or the 2nd read (1/2)
    ranks = np.array([0.9, 0.8, 0.1])
    assert precision_at_half_recall(ranks, np.array([1, 0, 1])) == pytest.approx(1.0)
    assert precision_at_half_recall(ranks, np.array([0, 1, 1])) == pytest.approx(0.5)
    assert np.isnan(precision_at_half_recall(ranks, np.array([0, 0, 0])))  # nothing to find


def test_rank_like_scores_each_sentence_with_a_fit_it_was_not_a_negative_in():
    """Cross-fitting: each non-example is scored by the fit on the examples and the other
    folds, never by a fit that had it as a negative (which would pull its score down)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    from framing.discover.clustering import unit_rows
    from framing.discover.like import rank_like

    rng = np.random.default_rng(2)
    x = unit_rows(rng.normal(size=(40, 5)))
    examples = np.zeros(40, dtype=bool)
    examples[[0, 1, 2]] = True
    scores = rank_like(x, examples, folds=5, seed=7)
    rest = np.flatnonzero(~examples)
    expected = np.full(40, np.nan)
    for train, held_out in KFold(5, shuffle=True, random_state=7).split(rest):
        fit = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(
            np.vstack([x[examples], x[rest[train]]]),
            np.r_[np.ones(3), np.zeros(len(train))],
        )
        expected[rest[held_out]] = fit.predict_proba(x[rest[held_out]])[:, 1]
    np.testing.assert_allclose(scores, expected, atol=1e-6)


def test_discover_like_ranks_the_other_sentences_and_refuses_unknown_ids(tmp_path):
    records = gold()
    sentences = tmp_path / "sentences.csv"
    pd.DataFrame(
        [
            {k: r[k] for k in ("sentence_id", "article_id", "outlet", "position", "text")}
            for r in records
        ]
    ).to_csv(sentences, index=False)
    framed = [r["sentence_id"] for r in records if "isolation_breaking" in r["frames"]]
    examples = framed[:4]
    out = tmp_path / "found"
    argv = ["discover", str(sentences), "--out", str(out)]
    result = framing(*argv, *[a for i in examples for a in ("--like", i)])
    assert result.returncode == 0, result.stderr
    listed = pd.read_csv(out / "like.csv", dtype={"sentence_id": str}, keep_default_na=False)
    assert len(listed) == len(records)  # the examples too, unranked, like = yes
    assert set(listed.sentence_id[listed.like == "yes"]) == set(examples)
    assert (listed["rank"][listed.like == "yes"] == "").all()
    ranked = pd.read_csv(out / "like.csv", dtype={"sentence_id": str}).dropna(subset=["rank"])
    assert len(ranked) == len(records) - len(examples)
    assert not set(examples) & set(ranked.sentence_id)
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    fresh = ranked[~ranked.copy_of_example]  # copies of an example come last
    assert fresh.score.is_monotonic_decreasing
    others = ranked.sentence_id.isin(framed) & ~ranked.copy_of_example
    # the frame's other sentences sit in the upper part of the reading list
    assert ranked["rank"][others].median() < len(ranked) / 4
    report = json.loads((out / "report.json").read_text())
    assert report["like"]["examples"] == examples
    assert "like.md" in {p.name for p in out.iterdir()}
    from framing.discover.run import discovery_tables

    assert len(discovery_tables(out)["like"]) == len(records)  # for a report page

    bad = tmp_path / "bad"
    result = framing(*argv[:3], str(bad), "--like", examples[0], "--like", "no-such-id")
    assert result.returncode == 2
    assert "'no-such-id'" in result.stderr and "--like" in result.stderr
    assert result.stderr.count("error:") == 1 and not bad.exists()
    result = framing(*argv[:3], str(bad), "--like", examples[0], "--like", examples[0])
    assert result.returncode == 2 and "1 distinct example" in result.stderr and not bad.exists()
    every_but_one = [r["sentence_id"] for r in records][1:]
    result = framing(*argv[:3], str(bad), *[a for i in every_but_one for a in ("--like", i)])
    assert result.returncode == 2 and "at least two others" in result.stderr
    assert result.stderr.count("error:") == 1 and not bad.exists()


def test_rank_like_makes_sentences_judged_unlike_negatives_in_every_fit_and_ranks_them_out():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    from framing.discover.clustering import unit_rows
    from framing.discover.like import rank_like

    rng = np.random.default_rng(3)
    x = unit_rows(rng.normal(size=(40, 5)))
    examples = np.zeros(40, dtype=bool)
    examples[[0, 1, 2]] = True
    unlike = np.zeros(40, dtype=bool)
    unlike[[3, 4]] = True
    scores = rank_like(x, examples, folds=5, seed=7, unlike=unlike)
    assert np.isnan(scores[examples | unlike]).all()
    rest = np.flatnonzero(~examples & ~unlike)
    expected = np.full(40, np.nan)
    for train, held_out in KFold(5, shuffle=True, random_state=7).split(rest):
        negatives = np.r_[[3, 4], rest[train]]
        fit = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(
            np.vstack([x[examples], x[negatives]]),
            np.r_[np.ones(3), np.zeros(len(negatives))],
        )
        expected[rest[held_out]] = fit.predict_proba(x[rest[held_out]])[:, 1]
    np.testing.assert_allclose(scores, expected, atol=1e-6)


def test_discover_judged_carries_a_round_of_reading_into_the_next_ranking(tmp_path):
    """The workflow of the README: rank, read the top, write yes / no in a copy of like.csv,
    give it back; the yeses become examples, the noes leave the list, every judgement is kept
    in the new like.csv; a bad sheet is one error naming its file and line."""
    records = gold()
    frame_of = {r["sentence_id"]: "neutrality" in r["frames"] for r in records}
    sentences = tmp_path / "sentences.csv"
    pd.DataFrame(
        [{k: r[k] for k in ("sentence_id", "article_id", "outlet", "text")} for r in records]
    ).to_csv(sentences, index=False)
    examples = [i for i, f in frame_of.items() if f][:3]
    first = tmp_path / "round1"
    argv = ["discover", str(sentences), "--clusters", "4"]
    result = framing(*argv, "--out", str(first), *[a for i in examples for a in ("--like", i)])
    assert result.returncode == 0, result.stderr
    sheet = pd.read_csv(first / "like.csv", dtype=str, keep_default_na=False)
    top = sheet["rank"].isin([str(n) for n in range(1, 11)])
    sheet.loc[top, "like"] = [
        "Yes" if frame_of[i] else " no" for i in sheet.sentence_id[top]
    ]  # case and spaces as a person types them
    judged = tmp_path / "judged.csv"
    sheet.rename(columns={"like": "Like"}).to_csv(judged, index=False)  # a retyped header
    second = tmp_path / "round2"
    result = framing(*argv, "--out", str(second), "--judged", str(judged))
    assert result.returncode == 0, result.stderr
    assert "judged not of the frame" in result.stdout
    again = pd.read_csv(second / "like.csv", dtype=str, keep_default_na=False)
    said_yes = set(examples) | {i for i in sheet.sentence_id[top] if frame_of[i]}
    said_no = {i for i in sheet.sentence_id[top] if not frame_of[i]}
    assert set(again.sentence_id[again.like == "yes"]) == said_yes
    assert set(again.sentence_id[again.like == "no"]) == said_no
    assert (again["rank"][again.like != ""] == "").all()
    to_read = len(again) - len(said_yes) - len(said_no)
    assert list(again["rank"][again.like == ""]) == [str(n) for n in range(1, to_read + 1)]
    # the order of the sheet: the list to read, then the yeses, then the noes
    blocks = [like for i, like in enumerate(again.like) if i == 0 or like != again.like[i - 1]]
    assert blocks == ["", "yes", "no"]
    assert "embed:" not in result.stderr  # 167 sentences, one chunk: nothing to tell
    report = json.loads((second / "report.json").read_text())
    assert set(report["like"]["judged_not_of_the_frame"]) == said_no
    assert report["like"]["judged_file"] == str(judged)

    bad = tmp_path / "bad"
    cases = {
        "maybe": "'maybe' is neither yes nor no",
        "conflict": "judged both yes and no",
        "unknown": "'no-such-id' is not among",
    }
    for case, message in cases.items():
        broken = sheet.copy()
        row = int(np.flatnonzero(top)[0])
        if case == "maybe":
            broken.loc[row, "like"] = "maybe"
        elif case == "conflict":
            broken = pd.concat(
                [
                    broken,
                    broken.iloc[[row]].assign(
                        like="no" if frame_of[broken.sentence_id[row]] else "yes"
                    ),
                ]
            )
            row = len(broken) - 1
        else:
            broken.loc[row, "sentence_id"] = "no-such-id"
        path = tmp_path / f"{case}.csv"
        broken.to_csv(path, index=False)
        result = framing(*argv, "--out", str(bad), "--judged", str(path))
        assert result.returncode == 2, case
        assert message in result.stderr and f"line {row + 2}" in result.stderr, result.stderr
        assert str(path) in result.stderr and result.stderr.count("error:") == 1
        assert not bad.exists()
    # a sentence given to --like and judged no in the sheet
    no_row = int(np.flatnonzero(top & (sheet.like.str.strip() == "no"))[0])
    result = framing(
        *argv, "--out", str(bad), "--judged", str(judged), "--like", sheet.sentence_id[no_row]
    )
    assert result.returncode == 2 and "given to --like and judged no" in result.stderr
    assert f"line {no_row + 2}" in result.stderr and not bad.exists()
    # too few examples: the error says where the count came from
    sheet.assign(like="").to_csv(tmp_path / "unread.csv", index=False)
    result = framing(*argv, "--out", str(bad), "--judged", str(tmp_path / "unread.csv"))
    assert result.returncode == 2 and "unread.csv says yes to 0" in result.stderr
    assert "0 distinct example sentences" in result.stderr and not bad.exists()
    # every sentence read: fewer than two left to rank is one error naming the sheet
    all_read = sheet.assign(like=["yes" if frame_of[i] else "no" for i in sheet.sentence_id])
    all_read.loc[all_read.index[-1], "like"] = ""
    all_read.to_csv(tmp_path / "allread.csv", index=False)
    result = framing(*argv, "--out", str(bad), "--judged", str(tmp_path / "allread.csv"))
    assert result.returncode == 2 and "at least two others are needed" in result.stderr
    assert "allread.csv" in result.stderr and result.stderr.count("error:") == 1
    assert not bad.exists()
    sheet.drop(columns="like").to_csv(tmp_path / "nolike.csv", index=False)
    result = framing(*argv, "--out", str(bad), "--judged", str(tmp_path / "nolike.csv"))
    assert result.returncode == 2 and "no 'like' column" in result.stderr and not bad.exists()
    # the sheet inside the folder it would replace: refused, the sheet kept
    inside = first / "like.csv"
    before = inside.read_bytes()
    result = framing(*argv, "--out", str(first), "--judged", str(inside))
    assert result.returncode == 2 and "input" in result.stderr
    assert inside.read_bytes() == before
    # judgements written into like.csv where it lies: a new run into that folder is refused
    inside.write_bytes(before.replace(b",,", b",yes,", 1))
    edited = inside.read_bytes()
    result = framing(*argv, "--out", str(first), *[a for i in examples for a in ("--like", i)])
    assert result.returncode == 2 and "has changed since framing discover wrote it" in result.stderr
    assert str(inside) in result.stderr and inside.read_bytes() == edited


def seed_sentences_with_a_copied_group(tmp_path):
    """The seed sentences as a sentence file with their ``dup_group``s, the ids of one group of
    two or more copies, and that group."""
    records = gold()
    by_group = Counter(r["dup_group"] for r in records if r.get("dup_group"))
    group = next(g for g, n in by_group.items() if n >= 2)
    members = [r["sentence_id"] for r in records if r.get("dup_group") == group]
    sentences = tmp_path / "sentences.jsonl"
    with sentences.open("w", encoding="utf-8") as fh:
        for r in records:
            row = {k: r[k] for k in ("sentence_id", "article_id", "outlet", "position", "text")}
            row["dup_group"] = r.get("dup_group")
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return sentences, members, group


def test_discover_like_ranks_copies_of_an_example_last_and_flags_them(tmp_path):
    sentences, members, group = seed_sentences_with_a_copied_group(tmp_path)
    records = gold()
    other = next(r["sentence_id"] for r in records if r.get("dup_group") != group)
    out = tmp_path / "found"
    result = framing(
        "discover", str(sentences), "--out", str(out), "--like", members[0], "--like", other
    )
    assert result.returncode == 0, result.stderr
    ranked = pd.read_csv(out / "like.csv", dtype={"sentence_id": str}).dropna(subset=["rank"])
    copies = ranked[ranked.copy_of_example]
    assert set(members[1:]) <= set(copies.sentence_id)
    assert (copies["rank"] > ranked[~ranked.copy_of_example]["rank"].max()).all()
    report = json.loads((out / "report.json").read_text())
    assert report["like"]["copies_of_examples"] == len(copies)


def test_discover_judged_ranks_copies_of_a_sentence_judged_no_last(tmp_path):
    sentences, members, group = seed_sentences_with_a_copied_group(tmp_path)
    records = gold()
    others = [r["sentence_id"] for r in records if r.get("dup_group") != group][:2]
    judged = tmp_path / "judged.csv"
    pd.DataFrame({"sentence_id": [*others, members[0]], "like": ["yes", "yes", "no"]}).to_csv(
        judged, index=False
    )
    out = tmp_path / "found"
    result = framing("discover", str(sentences), "--out", str(out), "--judged", str(judged))
    assert result.returncode == 0, result.stderr
    ranked = pd.read_csv(out / "like.csv", dtype={"sentence_id": str}).dropna(subset=["rank"])
    copies = ranked[ranked.copy_of_judged_no]
    # reading one copy answered them all: they are flagged and come after every fresh sentence
    assert set(copies.sentence_id) == set(members[1:])
    assert (copies["rank"] > ranked[~ranked.copy_of_judged_no]["rank"].max()).all()
    report = json.loads((out / "report.json").read_text())
    assert report["like"]["copies_of_judged_no"] == len(members) - 1
    assert f"the {len(members) - 1} copies of a sentence judged not" in (out / "like.md").read_text(
        encoding="utf-8"
    )


def test_the_readme_quotes_the_like_measurement():
    readme = " ".join((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split())
    table = pd.read_csv(PROJECT_ROOT / "results/discover_nested/seeded_seed.csv")
    names = ("isolation-breaking", "neutrality", "historical friendship", "Western criticism")
    five = table[table.examples == 5].median_precision
    quoted = ", ".join(f"{n} {p:.2f}" for n, p in zip(names, five, strict=True))
    assert f"Median precision with 5 examples: {quoted}" in readme
    rows = table[table.examples == 10]
    assert "with 10: " + ", ".join(f"{p:.2f}" for p in rows.median_precision) in readme
    for k, lead in ((5, "with 5 examples "), (10, "with 10, ")):
        rates = [f"{round(100 * b)}%" for b in table[table.examples == k].base_rate]
        assert lead + ", ".join(rates[:3]) + f" and {rates[3]}" in readme, k
    assert (table.draws_counted <= table.draws).all()


def test_the_readme_quotes_the_rounds_measurement():
    readme = " ".join((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split())
    table = pd.read_csv(PROJECT_ROOT / "results/discover_nested/feedback_seed.csv")
    scores = table[["straight_median", "rounds_median", "rounds_p10", "rounds_p90"]]
    assert ((scores > 0) & (scores <= 1)).all().all()  # found / read, copies counting once
    names = ("isolation-breaking", "neutrality", "historical friendship", "Western criticism")
    three = table[table.examples == 3]
    quoted = ", ".join(
        f"{n} {a:.2f} → {b:.2f}"
        for n, a, b in zip(names, three.straight_median, three.rounds_median, strict=True)
    )
    assert f"with 3 examples: {quoted}" in readme
    for k, lead in ((5, "with 5: "), (10, "with 10: ")):
        rows = table[table.examples == k]
        quoted = ", ".join(
            f"{a:.2f} → {b:.2f}"
            for a, b in zip(rows.straight_median, rows.rounds_median, strict=True)
        )
        assert lead + quoted in readme, k
    for k, lead in ((3, "With 3 examples rounds did better in "), (5, "with 5, better in ")):
        rows = table[table.examples == k]
        better, worse = list(rows.rounds_better), list(rows.rounds_worse)
        assert f"{lead}{better[0]}, {better[1]}, {better[2]} and {better[3]}" in readme, k
        assert f"worse in {worse[0]}, {worse[1]}, {worse[2]} and {worse[3]}" in readme, k


def test_the_readme_quotes_the_third_protocol_on_the_development_set():
    readme = " ".join(TRIES.read_text(encoding="utf-8").split())
    found = pd.read_csv(PROJECT_ROOT / "results/discover_nested/dev.csv")
    grid = pd.read_csv(PROJECT_ROOT / "results/discover_nested/grid_dev.csv")
    assert f"recovers **{int(found.recovered.sum())} of the 5 development frames**" in readme
    for row in found[found.recovered].itertuples():
        name = row.removed_frame.replace("_", " ")
        assert f"{name} {row.precision:.2f} / {row.recall:.2f}" in readme
    per_candidate = grid.groupby("candidate").recovered.sum()
    adapted = [f"framed_adapted/{k}" for k in ("sqrt", "half", "silhouette")]
    assert (per_candidate[adapted] == 3).all() and per_candidate.max() == 3
    assert per_candidate[[c for c in per_candidate.index if c.startswith("raw/")]].max() == 2


def test_the_readme_quotes_the_larger_encoder_run_and_the_run_is_made_once(capsys, monkeypatch):
    readme = " ".join(TRIES.read_text(encoding="utf-8").split())
    folder = PROJECT_ROOT / "results/discover_encoder"
    seed, dev = pd.read_csv(folder / "seed.csv"), pd.read_csv(folder / "dev.csv")
    assert f"Development set: **{int(dev.recovered.sum())} of 5**" in readme
    assert f"Seed study: **{int(seed.recovered.sum())} of 4**" in readme
    names = ("isolation-breaking", "neutrality", "historical friendship", "Western criticism")
    quoted = ", ".join(
        f"{n} {r.precision:.2f} / {r.recall:.2f}"
        for n, r in zip(names, seed.itertuples(), strict=True)
    )
    assert f"precision / recall {quoted};" in readme
    stab = pd.read_csv(folder / "stability_seed.csv")
    subsamples = stab[[c for c in stab.columns if c.startswith("ari_subsample")]].to_numpy()
    assert f"subsamples {subsamples.min():.2f}–{subsamples.max():.2f}" in readme
    report = json.loads((folder / "report_seed.json").read_text())
    assert report["encoder"] == "all-mpnet-base-v2" and len(report["encoder_sha256"]) == 64
    # the seed run is recorded: the script refuses to make it again (before loading anything)
    from experiments.discover_encoder import main

    monkeypatch.chdir(PROJECT_ROOT)  # the script runs from the repository root
    with pytest.raises(SystemExit) as refused:
        main(["--encoder", "no-such-encoder"])
    assert refused.value.code == 2 and "made once" in capsys.readouterr().err


def test_reading_in_rounds_counts_what_is_read_until_half_is_found():
    """``sentences_read`` on a hand-made list: straight down, and in rounds that move a
    sentence judged yes up the list (the reranking sees the judgements); an uncounted
    sentence of the frame is no find, and a copy of a sentence read is passed over."""
    from experiments.discover_separability import sentences_read

    truth = np.array([0, 1, 0, 0, 1, 1, 0, 1, 1], dtype=bool)
    counted = np.ones(9, dtype=bool)
    counted[0] = False  # an example
    counted[8] = False  # a copy of the example: no find
    groups = np.arange(9)
    examples = np.zeros(9, dtype=bool)
    seen = []

    def order_of(e, u):
        seen.append((e.copy(), u.copy()))
        rest = [i for i in range(9) if not e[i] and not u[i] and i != 0]
        # 8 first; once sentence 1 is judged yes, sentence 7 comes next (it "resembles" it)
        return np.array(sorted(rest, key=lambda i: (i != 8, not (i == 7 and e[1]), i)))

    # needed = ceil(4 / 2) = 2 of the counted truth sentences 1, 4, 5, 7
    assert sentences_read(order_of, truth, counted, examples, None, groups) == 5  # 8 1 2 3 4
    seen.clear()
    assert sentences_read(order_of, truth, counted, examples, 2, groups) == 3  # 8 1 | 7
    assert seen[1][0][1] and seen[1][0][8]  # the second ranking knew: 8 and 1 yes
    assert not examples.any()  # the caller's examples are not changed
    copies = groups.copy()
    copies[2] = copies[3] = 1  # 2 and 3 repeat 1: passed over once 1 is read
    assert sentences_read(order_of, truth, counted, examples, None, copies) == 3  # 8 1 4
    only_the_example = np.zeros(9, dtype=bool)
    only_the_example[0] = True  # the one to find is never on the list: it runs out
    everything = np.ones(9, dtype=bool)
    for batch in (None, 2):
        found = sentences_read(order_of, only_the_example, everything, examples, batch, groups)
        assert np.isnan(found), batch


def test_copy_groups_join_copies_by_dup_group_or_text():
    from experiments.discover_separability import copy_groups

    table = pd.DataFrame(
        {
            "text": ["A b.", "a  B.", "C.", "D.", "E."],
            "dup_group": ["g1", None, "g2", "g2", None],
        }
    )
    groups = copy_groups(table)
    assert groups[0] == groups[1]  # same text up to case and spacing
    assert groups[2] == groups[3]  # same dup_group
    assert len({groups[0], groups[2], groups[4]}) == 3


def test_reading_order_is_like_csvs_list_to_read():
    from experiments.discover_separability import reading_order
    from framing.discover.like import like_table

    rng = np.random.default_rng(5)
    x = rng.normal(size=(30, 4))
    table = pd.DataFrame(
        {
            "sentence_id": [f"s{i}" for i in range(30)],
            "article_id": "a",
            "outlet": "o",
            "text": [f"sentence {i}" for i in range(30)],
        }
    )
    table = table.set_index(table.sentence_id, drop=False)
    examples = np.zeros(30, dtype=bool)
    examples[[0, 1, 2]] = True
    unlike = np.zeros(30, dtype=bool)
    unlike[[3]] = True
    order = reading_order(table, x, examples, unlike, seed=0)
    listed = like_table(table, x, np.zeros(30, dtype=int), examples, 0, unlike)
    assert list(table.sentence_id.iloc[order]) == list(listed.sentence_id[listed["rank"].notna()])
    assert not set(order) & {0, 1, 2, 3} and len(order) == 26


def test_nested_raw_sqrt_candidate_measures_exactly_as_the_first_protocol(raw_embed):
    """The third protocol's measurement (pools, best-matching cluster, thresholds) is the first
    protocol's: its raw MiniLM / sqrt-rule candidate reproduces results/discover/ablation.csv."""
    from experiments.discover_nested import Candidate, score_candidates

    committed = pd.read_csv(PROJECT_ROOT / "results/discover/ablation.csv")
    frames = list(committed.removed_frame)
    for row in committed.itertuples():
        found = score_candidates(
            gold(), frames, row.removed_frame, raw_embed, (Candidate("raw", "sqrt"),)
        )["raw/sqrt"]
        assert (found["pool"], found["coded"], found["clusters"]) == (
            row.pool,
            row.coded_removed_frame,
            row.clusters,
        )
        assert found["precision"] == pytest.approx(row.precision, abs=0.05)
        assert found["recall"] == pytest.approx(row.recall, abs=0.05)
        assert found["recovered"] == row.recovered


def test_nested_k_rules_and_the_adaptation_set():
    from experiments.discover_nested import adaptation_set, clusters_by_rule

    rng = np.random.default_rng(1)
    x = rng.normal(size=(92, 6))
    counts = {rule: clusters_by_rule(x, rule).max() + 1 for rule in ("sqrt", "half", "double")}
    assert counts == {"sqrt": 7, "half": 4, "double": 14}  # round(sqrt(46)) = 7; round(3.5) = 4
    assert 2 <= clusters_by_rule(x, "silhouette").max() + 1 <= 7
    # framed_adapted trains on framed sentences only, with the reduced codebook's frames
    records = [r for r in gold() if "neutrality" not in r["frames"]]
    codebook = {"isolation_breaking", "western_criticism"}
    texts, frames = adaptation_set(records, codebook)
    assert texts and all(f and set(f) <= codebook for f in frames)
    expected = [r["text"] for r in records if set(r["frames"]) & codebook]
    assert texts == expected


def test_like_markdown_keeps_each_sentence_in_its_cell():
    from framing.discover.like import markdown_cell

    assert markdown_cell("a | b\n# heading `x`") == "a \\| b # heading 'x'"


def test_hostile_inputs_are_one_error_before_any_embedding(tmp_path, schema):
    """Each found by a hostile-input pass: a traceback or a silent wrong result before."""
    from framing.discover.inputs import read_discovery_input
    from framing.discover.like import read_judgements

    rows = gold()[:30]
    numbered = tmp_path / "numbered.jsonl"  # a number where the text belongs, line 4
    numbered.write_text(
        "".join(json.dumps(r | ({"text": 7} if i == 3 else {})) + "\n" for i, r in enumerate(rows))
    )
    with pytest.raises(FramingInputError, match=r"line 4, field 'text': must be text, got 7"):
        read_discovery_input(numbered, schema)
    spaced = tmp_path / "spaced.csv"  # the same id but for a space: one id once stripped
    table = pd.DataFrame(rows)[["sentence_id", "article_id", "text"]]
    table.loc[5, "sentence_id"] = f" {table.sentence_id[0]}"
    table.to_csv(spaced, index=False)
    with pytest.raises(FramingInputError, match=r"line 7, field 'sentence_id': duplicate"):
        read_discovery_input(spaced, schema)
    worded = tmp_path / "worded.csv"  # yes / no where predict writes 1 / 0
    write_predictions(worded, rows, schema.frame_names)
    sheet = pd.read_csv(worded)
    sheet[f"pred:{schema.frame_names[0]}"] = sheet[f"pred:{schema.frame_names[0]}"].map(
        {0: "no", 1: "yes"}
    )
    sheet.to_csv(worded, index=False)
    with pytest.raises(FramingInputError, match=rf"line 2, field 'pred:{schema.frame_names[0]}'"):
        read_discovery_input(worded, schema)
    two_likes = tmp_path / "two_likes.csv"
    two_likes.write_text("sentence_id,like,Like\na,yes,\nb,no,\n")
    with pytest.raises(FramingInputError, match=r"field 'like': is a repeated column \('Like' an"):
        read_judgements(two_likes)
    unnamed = tmp_path / "unnamed.csv"  # a spreadsheet's empty trailing columns are no names
    unnamed.write_text("sentence_id,like,,\na,yes,,\nb,no,,\n")
    assert set(read_judgements(unnamed)) == {"a", "b"}

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("the user's\n")
    out = tmp_path / "out"
    cases = [
        (["--out", str(a_file / "sub")], "is a file, not a folder"),
        (["--out", "/proc/framing-out"], "cannot be made in /proc"),  # even root cannot
        (["--out", str(out), "--seed", str(2**32)], "--seed"),
        (["--out", str(out), "--cache-dir", str(out / "cache")], "field '--cache-dir'"),
        (["--out", str(out), "--central", "-2"], "--central"),
    ]
    for extra, message in cases:
        done = framing("discover", str(corpus), *extra)
        assert done.returncode == 2, (extra, done.stderr)
        assert done.stderr.startswith("error:") and message in done.stderr, (extra, done.stderr)
        assert "Traceback" not in done.stderr and "study.yaml" not in done.stderr
    assert not out.exists() and a_file.read_text() == "the user's\n"
    done = framing("coding", "cues", "--gold", str(tmp_path), "--out", str(out))
    assert done.returncode == 2 and "is a folder" in done.stderr, done.stderr
    done = framing("coding", "cues", "--prior", "nan", "--out", str(out))
    assert done.returncode == 2 and "--prior" in done.stderr, done.stderr
    assert not out.exists()


def test_more_directions_to_remove_than_the_encoder_has_is_blamed_on_the_config(tmp_path):
    # the encoder's size is known only once it has embedded: the error still names the config
    study = tmp_path / "study"
    shutil.copytree(PROJECT_ROOT / "seeds", study / "seeds")
    config = (PROJECT_ROOT / "conf" / "study.yaml").read_text()
    (study / "conf").mkdir()
    (study / "conf" / "study.yaml").write_text(config + "discover:\n  remove_components: 400\n")
    out = tmp_path / "out"
    done = framing("discover", "seeds/sentences.jsonl", "--out", str(out), cwd=study)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error:") and "384 dimensions" in done.stderr
    assert "study.yaml, field 'discover.remove_components'" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_discover_settings_that_cannot_work_are_refused_naming_the_config(tmp_path):
    from framing.discover.run import study_settings
    from framing.study import Study

    refused = {
        "min_clusters": ({"min_clusters": 30, "max_clusters": 10}, "is above max_clusters"),
        "max_clusters": ({"max_clusters": 1}, "min_clusters (2, the default) is above"),
        "seed": ({"seed": 2**32}, "at most 2**32 - 1"),
        "encoder": ({"encoder": 5}, "model name or folder"),
        "max_tree_sentences": ({"max_tree_sentences": 0}, "at least 2"),
        "min_sentences": ({"min_sentences": 1}, "at least 2"),
    }
    for field, (section, message) in refused.items():
        with pytest.raises(FramingInputError, match=f"discover.{field}': .*{re.escape(message)}"):
            study_settings(Study(tmp_path, {"discover": section}))
    # the command line's values are checked by their options, never blamed on the config
    assert study_settings(Study(tmp_path, {}), clusters=3, seed=9)[1].seed == 9
    # more min_clusters than sentences: as many clusters as sentences, not an error
    assert number_of_clusters(5, ClusterSettings(min_clusters=8, max_clusters=9)) == 5


def test_the_readme_summarises_every_try_as_its_reports_record_it():
    """The README's table of tries: each development and seed count is its report's."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    rows = readme.split("<!-- discover-tries:start -->")[1].split("<!-- discover-tries:end -->")[0]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in rows.strip().splitlines()]
    table = {row[0].split()[0]: row for row in cells[2:]}
    results = PROJECT_ROOT / "results"

    def recovered(path):
        return str(json.loads((results / path).read_text())["frames_recovered"])

    grid = pd.read_csv(results / "discover_nested/grid_dev.csv")
    first_dev = str(int(grid[grid.candidate == "raw/sqrt"].recovered.sum()))
    expected = {
        "1": (first_dev, recovered("discover/report.json")),
        "2": (
            recovered("discover_adapted/report_dev.json"),
            recovered("discover_adapted/report_seed.json"),
        ),
        "3": (
            recovered("discover_nested/report_dev.json"),
            recovered("discover_nested/report_seed.json"),
        ),
        "4": (
            recovered("discover_encoder/report_dev.json"),
            recovered("discover_encoder/report_seed.json"),
        ),
    }
    for name, (dev, seed) in expected.items():
        assert table[name][3:5] == [dev, seed], name
    gate = json.loads((results / "discover_top_removed/report_seed.json").read_text())
    assert table["5"][3] == recovered("discover_top_removed/report_dev.json")
    assert gate["run"] is False and table["5"][4].startswith("not run")
    tries = " ".join(TRIES.read_text(encoding="utf-8").split())
    assert "Development set: **0 of 5**" in tries


def test_clusters_markdown_pairs_each_central_sentence_with_its_id_whatever_they_hold():
    from framing.discover.describe import clusters_markdown, describe_clusters

    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {
            "sentence_id": ["art 3-1", "0", "a||b", "d"],  # a space, a number-like id, bars
            "text": ["one || two", "ends ||", "|| starts", "plain"],
            "outlet": ["x", "x", "y", "y"],
        }
    )
    labels = np.array([0, 0, 1, 1])
    clusters, _, _ = describe_clusters(table, rng.normal(size=(4, 5)), labels, {}, [])
    report = {
        "input": {"file": "f.csv", "selection": "every sentence (4)"},
        "encoder": {"name": "e"},
        "n_clusters": 2,
        "settings": {"seed": 0},
    }
    markdown = clusters_markdown(clusters, report)
    for sid, text in [("art 3-1", "one | two"), ("0", "ends |"), ("a||b", "| starts")]:
        assert f"  - `{sid}`: {text}\n" in markdown
    # with remove_components the clusters form in another space: centrality is measured there
    from framing.discover.clustering import centroids, unit_rows

    space = unit_rows(rng.normal(size=(4, 5)))
    _, _, to_centroid = describe_clusters(
        table, rng.normal(size=(4, 5)), labels, {}, [], space=space
    )
    expected = np.einsum("ij,ij->i", space, centroids(space, labels, 2)[labels])
    np.testing.assert_allclose(to_centroid, expected)
