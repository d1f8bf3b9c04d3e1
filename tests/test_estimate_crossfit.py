"""Cross-prediction (framing.estimate.crossfit): TF-IDF + LR checkpoints of the seed study,
the seed articles as the corpus (every one of them also in the gold set), a random sample of
60 sentences coded with their gold labels. A coded sentence's prediction must come from a
refit that never saw its article; bad input stops with one error line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_estimate import assert_bad_input

from framing.coding.records import SampledUnit, SampleRecord, write_sample_record
from framing.estimate.crossfit import cross_predict
from framing.estimate.inputs import read_coded_sample

from conftest import PROJECT_ROOT, framing


def write_coded(folder: Path, predictions: Path, ids: list[str], labels: dict) -> Path:
    """A coded file and its sample record in ``folder`` (made here: a sample record is never
    replaced, so each test writes its own)."""
    folder.mkdir()
    table = pd.read_csv(predictions, dtype=str).set_index("sentence_id")
    coded = folder / "coded.jsonl"
    coded.write_text("".join(json.dumps(labels[i]) + "\n" for i in ids))
    p = len(ids) / len(table)
    units = [SampledUnit(i, table.loc[i, "article_id"], table.loc[i, "outlet"], p) for i in ids]
    record = SampleRecord("simple", True, "sentence", 0, {"n_sentences": len(table)}, units)
    write_sample_record(record, coded)
    return coded


@pytest.fixture(scope="module")
def seed_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crossfit")
    checkpoints = []
    for task in ("frames", "stance"):
        done = framing(
            "train",
            f"task={task}",
            "model=tfidf_lr",
            "eval.bootstrap=100",
            f"hydra.run.dir={folder / task}",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        checkpoints.append(folder / task / "checkpoint")
    done = framing(
        "predict",
        f"checkpoint=[{','.join(map(str, checkpoints))}]",
        "input=seeds/articles",
        "outlets=seeds/outlets.csv",
        f"output={folder / 'pred'}",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    gold = {
        r["sentence_id"]: {k: r[k] for k in ("sentence_id", "frames", "stance")}
        for r in map(json.loads, (PROJECT_ROOT / "seeds/sentences.jsonl").read_text().splitlines())
    }
    predictions = folder / "pred" / "predictions.csv"
    table = pd.read_csv(predictions, dtype=str)
    ids = sorted(np.random.default_rng(0).choice(table.sentence_id, 60, replace=False))
    return folder, predictions, checkpoints, gold, ids


def test_a_coded_sentence_is_predicted_by_a_refit_blind_to_its_article(seed_corpus, schema):
    folder, predictions, checkpoints, gold, ids = seed_corpus
    coded = write_coded(folder / "blind", predictions, ids, gold)
    sample = read_coded_sample(predictions, coded, schema)
    crossed, info = cross_predict(sample, checkpoints, None, schema, folds=5, seed=0)
    assert info.report["folds"] == 5 and info.report["gold_articles_in_the_corpus"] == 5
    # the checkpoints saw every seed sentence; the held-out refits predict differently
    before = sample.table.filter(like="p:").to_numpy()
    after = crossed.table.filter(like="p:").to_numpy()
    assert np.abs(before - after).mean() > 0.02
    assert len(crossed.corpus.articles) == len(sample.corpus.articles)
    assert crossed.corpus.articles.n_sentences.sum() == sample.corpus.n_sentences
    # change every coded label of one article: its own predictions stay, the others move
    article = crossed.table.article_id.iloc[0]
    changed = {
        i: gold[i] | {"frames": [], "stance": "critical"}
        if i in set(crossed.table.sentence_id[crossed.table.article_id == article])
        else gold[i]
        for i in ids
    }
    coded2 = write_coded(folder / "changed", predictions, ids, changed)
    crossed2, _ = cross_predict(
        read_coded_sample(predictions, coded2, schema), checkpoints, None, schema, 5, 0
    )
    mine = (crossed.table.article_id == article).to_numpy()
    p1 = crossed.table.filter(like="p:").to_numpy()
    p2 = crossed2.table.filter(like="p:").to_numpy()
    assert np.allclose(p1[mine], p2[mine])
    assert not np.allclose(p1[~mine], p2[~mine])


def test_estimate_with_cross_prediction_end_to_end(seed_corpus):
    folder, predictions, checkpoints, gold, ids = seed_corpus
    coded = write_coded(folder / "end_to_end", predictions, ids, gold)
    out = folder / "est"
    args = ["--checkpoint", str(checkpoints[0]), "--checkpoint", str(checkpoints[1])]
    done = framing("estimate", str(predictions), str(coded), "--out", str(out), *args)
    assert done.returncode == 0, done.stderr[-2000:]
    # the refits show as progress (lines off a terminal): every fold of every task
    for task in ("frames", "stance"):
        assert f"cross-prediction refits ({task}): done, 5 fits in" in done.stderr, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["cross_prediction"]["tasks"]["frames"]["family"] == "tfidf_lr"
    assert "Cross-prediction" in (out / "summary.md").read_text()
    overall = pd.read_csv(out / "estimates.csv").query(
        "outlet == 'All outlets' and level == 'sentences'"
    )
    assert (overall.low <= overall.estimate).all() and (overall.estimate <= overall.high).all()


def test_too_few_articles_to_cross_fit_says_how_many(seed_corpus):
    folder, predictions, checkpoints, gold, _ = seed_corpus
    table = pd.read_csv(predictions, dtype=str)
    one = table.sentence_id[table.article_id == table.article_id.iloc[0]].tolist()[:12]
    small = folder / "small"
    coded = write_coded(small, predictions, one, gold)
    out = small / "est"
    done = framing(
        "estimate",
        str(predictions),
        str(coded),
        "--out",
        str(out),
        "--checkpoint",
        str(checkpoints[0]),
        "--checkpoint",
        str(checkpoints[1]),
    )
    assert_bad_input(done, "too few articles to cross-fit", "at least 5", "has 1", out=out)


def test_a_family_that_cannot_be_refitted_is_named(seed_corpus):
    folder, predictions, checkpoints, gold, ids = seed_corpus
    coded = write_coded(folder / "setfit", predictions, ids, gold)
    fake = folder / "setfit_checkpoint"
    shutil.copytree(checkpoints[0], fake, dirs_exist_ok=True)
    info = json.loads((fake / "framing_checkpoint.json").read_text())
    (fake / "framing_checkpoint.json").write_text(json.dumps(info | {"family": "setfit"}))
    out = folder / "est_setfit"
    done = framing(
        "estimate",
        str(predictions),
        str(coded),
        "--out",
        str(out),
        "--checkpoint",
        str(fake),
        "--checkpoint",
        str(checkpoints[1]),
    )
    assert_bad_input(done, "cannot refit family 'setfit'", "fine-tunes", out=out)
