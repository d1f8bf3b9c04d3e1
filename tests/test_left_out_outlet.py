"""Done-when of issue 11: train on four seed outlets, treat the fifth as the new corpus, and run
predict -> validate -> estimate on it, with a random sample of its sentences coded (the gold
coding of those sentences; the seed coders read them against the codebook)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from test_estimate import framing

from framing.coding.records import SampledUnit, SampleRecord, write_sample_record

from conftest import PROJECT_ROOT

NEW_OUTLET = "Unattributed summary site"  # an independent outlet: no copy of it in the others


def test_a_left_out_outlet_as_the_new_corpus(tmp_path):
    gold = [
        json.loads(x) for x in (PROJECT_ROOT / "seeds/sentences.jsonl").read_text().splitlines()
    ]
    train = [g for g in gold if g["outlet"] != NEW_OUTLET]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(g) + "\n" for g in train))
    article = next(g["article_id"] for g in gold if g["outlet"] == NEW_OUTLET)
    new = tmp_path / "new"
    new.mkdir()
    (new / f"{article}.txt").write_text(
        (PROJECT_ROOT / "seeds/articles" / f"{article}.txt").read_text()
    )
    checkpoints = []
    for task in ("frames", "stance"):
        run = tmp_path / task
        done = framing(
            "train",
            f"task={task}",
            "model=tfidf_lr",
            f"study.sentences={tmp_path / 'train.jsonl'}",
            "eval.bootstrap=200",
            f"hydra.run.dir={run}",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        checkpoints.append(str(run / "checkpoint"))
    done = framing(
        "predict",
        f"checkpoint=[{','.join(checkpoints)}]",
        f"input={new}",
        f"output={tmp_path / 'pred'}",
        "outlets=seeds/outlets.csv",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    predictions = pd.read_csv(tmp_path / "pred" / "predictions.csv", dtype=str)
    by_id = {g["sentence_id"]: g for g in gold}
    assert set(predictions.sentence_id) <= set(by_id)  # the corpus layer splits as the seeds did
    rng = np.random.default_rng(0)
    pick = predictions.iloc[sorted(rng.choice(len(predictions), 24, replace=False))]
    coded = tmp_path / "validation.jsonl"
    coded.write_text(
        "".join(
            json.dumps({k: by_id[s][k] for k in ("sentence_id", "frames", "stance")}) + "\n"
            for s in pick.sentence_id
        )
    )
    units = [
        SampledUnit(r.sentence_id, r.article_id, r.outlet, 24 / len(predictions))
        for r in pick.itertuples()
    ]
    write_sample_record(
        SampleRecord(
            "simple",
            True,
            "sentence",
            0,
            {"file": "predictions.csv", "n_sentences": len(predictions)},
            units,
        ),
        coded,
    )
    done = framing(
        "validate",
        *checkpoints,
        "--coded",
        str(coded),
        "--sentences",
        str(tmp_path / "pred" / "predictions.csv"),
        "--out",
        str(tmp_path / "val"),
        "--bootstrap",
        "200",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "cross-validation" in done.stdout and "macro-F1" in done.stdout
    for cluster in ("article", "sentence"):
        out = tmp_path / f"est_{cluster}"
        done = framing(
            "estimate",
            str(tmp_path / "pred" / "predictions.csv"),
            str(coded),
            "--out",
            str(out),
            "--estimand",  # the unit of the variance is a choice of the process estimand
            "process",
            "--cluster",
            cluster,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        estimates = pd.read_csv(out / "estimates.csv")
        overall = estimates[(estimates.outlet == "All outlets") & (estimates.level == "sentences")]
        assert overall.estimate.notna().all()
        assert (overall.low <= overall.estimate).all() and (overall.estimate <= overall.high).all()
    # one article: clustered by article there is no between-article variance to estimate, and
    # the output says so; by sentence the intervals are the simple-random-sample ones
    assert estimates["note"].isna().all() or not estimates["note"].str.contains("1 article").any()
    clustered = pd.read_csv(tmp_path / "est_article" / "estimates.csv")
    sentences = clustered[clustered.level == "sentences"]
    assert sentences["note"].str.contains("wide interval").all()
