"""Done-when of issues 11 and 18: train on some seed outlets, treat the others as the new corpus,
and run predict -> validate -> estimate -> sample-size on it, with a random sample of its
sentences coded (the gold coding of those sentences; the seed coders read them against the
codebook). One left-out outlet (one article): both estimands, no pooling, too few articles to
cross-fit. Three left-out outlets: pooled across them, cross-prediction refitted on the two
training outlets, a plan capped at the corpus."""

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
            "estimate",
            str(tmp_path / "pred" / "predictions.csv"),
            str(coded),
            "--out",
            str(out),
            "--no-figure",
            *extra,
        )
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
        "estimate",
        str(tmp_path / "pred" / "predictions.csv"),
        str(coded),
        "--out",
        str(out),
        "--checkpoint",
        checkpoints[0],
        "--checkpoint",
        checkpoints[1],
        "--gold",
        str(tmp_path / "train.jsonl"),
    )
    assert_bad_input(done, "too few articles to cross-fit", "at least 5", out=out)


def code_a_random_sample(predictions: pd.DataFrame, gold: dict, n: int, coded, seed: int = 0):
    """A simple random sample of n predicted sentences, coded with their gold labels, and its
    sample record beside it."""
    rng = np.random.default_rng(seed)
    pick = predictions.iloc[sorted(rng.choice(len(predictions), n, replace=False))]
    coded.write_text(
        "".join(
            json.dumps({k: gold[s][k] for k in ("sentence_id", "frames", "stance")}) + "\n"
            for s in pick.sentence_id
        )
    )
    units = [
        SampledUnit(r.sentence_id, r.article_id, r.outlet, n / len(predictions))
        for r in pick.itertuples()
    ]
    population = {"file": "predictions.csv", "n_sentences": len(predictions)}
    write_sample_record(SampleRecord("simple", True, "sentence", seed, population, units), coded)
    return pick


TRAINING_OUTLETS = ("AP copy (paraphrased)", "NYT rewrite (blog)")


def test_three_left_out_outlets_pooled_cross_predicted_and_planned(tmp_path):
    gold_rows = [
        json.loads(x) for x in (PROJECT_ROOT / "seeds/sentences.jsonl").read_text().splitlines()
    ]
    train = [g for g in gold_rows if g["outlet"] in TRAINING_OUTLETS]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(g) + "\n" for g in train))
    new = tmp_path / "new"
    new.mkdir()
    for article in {g["article_id"] for g in gold_rows if g["outlet"] not in TRAINING_OUTLETS}:
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
            "eval.bootstrap=100",
            "eval.n_folds=3",
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
    predictions_file = tmp_path / "pred" / "predictions.csv"
    predictions = pd.read_csv(predictions_file, dtype=str)
    assert predictions.outlet.nunique() == 3
    coded = tmp_path / "coded.jsonl"
    code_a_random_sample(predictions, {g["sentence_id"]: g for g in gold_rows}, 45, coded)

    out = tmp_path / "est"
    done = framing("estimate", str(predictions_file), str(coded), "--out", str(out), "--no-figure")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    assert report["estimand"] == "corpus"
    assert all(report["pooling"][t]["pooled"] for t in ("frames", "stance"))
    estimates = pd.read_csv(out / "estimates.csv")
    shares = estimates[estimates.level == "sentences"]
    assert (shares.estimand == "corpus").all()
    outlets = shares[shares.outlet != "All outlets"]
    assert outlets.outlet.nunique() == 3 and outlets.method.str.startswith("pooled").all()
    assert np.isfinite(outlets[["low", "high", "unpooled_low", "unpooled_high"]]).all().all()
    assert ((outlets.low <= outlets.estimate) & (outlets.estimate <= outlets.high)).all()
    assert outlets.note.str.contains("own coded units").all()  # how much each outlet pooled
    # where an outlet's coded sentences never show a label, its pooled interval reaches down to
    # the lower end of its own (the pooled model cannot rule out a share of 0 there)
    coded_rows = [json.loads(x) for x in coded.read_text().splitlines()]
    outlet_of = predictions.set_index("sentence_id").outlet
    shown = {
        (outlet_of[r["sentence_id"]], label)
        for r in coded_rows
        for label in [*r["frames"], r["stance"]] + ([] if r["frames"] else ["no_frame"])
    }
    pairs = zip(outlets.outlet, outlets.label, strict=True)
    never = outlets[[(o, lab) not in shown for o, lab in pairs]]
    assert len(never) > 0
    assert (never.low <= never.unpooled_low + 1e-9).all()
    differences = pd.read_csv(out / "differences.csv")
    assert differences.pooled_difference.notna().any()

    # cross-prediction: the two training outlets are the gold set; the three coded articles
    # are the folds (one article each), so each article's sentences come from a refit that
    # never saw that article
    out = tmp_path / "est_cross"
    done = framing(
        "estimate",
        str(predictions_file),
        str(coded),
        "--out",
        str(out),
        "--no-figure",
        "--checkpoint",
        checkpoints[0],
        "--checkpoint",
        checkpoints[1],
        "--folds",
        "3",
        "--gold",
        str(tmp_path / "train.jsonl"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    cross = json.loads((out / "report.json").read_text())["cross_prediction"]
    assert cross["folds"] == 3 and cross["coded_articles"] == 3
    assert cross["gold_articles_in_the_corpus"] == 0
    assert cross["n_gold_sentences"] == len(train)
    assert sorted(cross["coded_sentences_per_fold"]) == sorted(
        predictions.set_index("sentence_id")
        .loc[[json.loads(x)["sentence_id"] for x in coded.read_text().splitlines()]]
        .article_id.value_counts()
        .tolist()
    )
    again = pd.read_csv(out / "estimates.csv")
    again = again[(again.level == "sentences") & (again.outlet == "All outlets")]
    assert ((again.low <= again.estimate) & (again.estimate <= again.high)).all()

    # the plan: capped at the corpus, never +-0 short of a census, a pooled column per outlet
    plan_file = tmp_path / "plan.csv"
    done = framing(
        "sample-size",
        str(predictions_file),
        str(coded),
        "--sizes",
        "30,90,1000",
        "--target",
        "0.1",
        "--out",
        str(plan_file),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    plan = pd.read_csv(plan_file)
    total = len(predictions)
    assert sorted(plan.n_coded_total.unique()) == [30, 90, total]
    # an outlet never gets more coded sentences than it has; where it gets all of them (it
    # can before the corpus does), the rows say census and the width is 0, nowhere else
    size = predictions.outlet.value_counts().to_dict() | {"All outlets": total}
    assert (plan.n_coded_outlet <= plan.outlet.map(size) + 1e-9).all()
    census = (plan.n_coded_outlet >= plan.outlet.map(size) - 0.05).to_numpy()
    assert plan.note.fillna("").str.contains("census").to_numpy().tolist() == census.tolist()
    assert (plan[census].half_width == 0).all()
    assert (plan[~census].half_width > 0).all() and (plan[~census].coded_only_half_width > 0).all()
    outlet_rows = plan[(plan.outlet != "All outlets") & ~census]
    assert (outlet_rows.pooled_half_width > 0).all()
