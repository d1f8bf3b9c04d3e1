"""Done-when of issue 11: train on four seed outlets, treat the fifth as the new corpus, and run
predict -> validate -> estimate on it, with a random sample of its sentences coded (the gold
coding of those sentences; the seed coders read them against the codebook)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from test_estimate import assert_bad_input, framing

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
    runs = {
        "corpus": [],  # the default: the corpus in hand, sentences as drawn
        "process_article": ["--estimand", "process", "--cluster", "article"],
        "process_sentence": ["--estimand", "process", "--cluster", "sentence"],
    }
    found = {}
    for name, extra in runs.items():
        out = tmp_path / f"est_{name}"
        done = framing(
            "estimate", str(tmp_path / "pred" / "predictions.csv"), str(coded),
            "--out", str(out), "--no-figure", *extra,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        estimates = pd.read_csv(out / "estimates.csv")
        overall = estimates[(estimates.outlet == "All outlets") & (estimates.level == "sentences")]
        assert overall.estimate.notna().all()
        assert (overall.low <= overall.estimate).all() and (overall.estimate <= overall.high).all()
        found[name] = overall.set_index("label")
    # one article: clustered by article (process estimand) there is no between-article
    # variance to estimate, and the output says so; the corpus estimand's units are the coded
    # sentences of the corpus in hand, narrower than the process estimand's by sentence (the
    # finite-population correction: 24 of the outlet's sentences were coded)
    assert found["process_article"]["note"].str.contains("wide interval").all()
    assert not found["corpus"]["note"].fillna("").str.contains("wide interval").any()
    width = {k: (v.high - v.low) for k, v in found.items()}
    assert (width["corpus"] < width["process_sentence"]).all()
    # one outlet: nothing to pool across, and said so
    report = json.loads((tmp_path / "est_corpus" / "report.json").read_text())
    assert report["pooling"]["frames"]["pooled"] is False
    assert "pooling needs at least 3" in report["pooling"]["frames"]["why"]
    # cross-prediction needs articles to fold: one article is too few, and the error says how
    # many are needed
    out = tmp_path / "est_crossfit"
    done = framing(
        "estimate", str(tmp_path / "pred" / "predictions.csv"), str(coded), "--out", str(out),
        "--checkpoint", checkpoints[0], "--checkpoint", checkpoints[1],
        "--gold", str(tmp_path / "train.jsonl"),
    )  # fmt: skip
    assert_bad_input(done, "too few articles to cross-fit", "at least 5", out=out)
