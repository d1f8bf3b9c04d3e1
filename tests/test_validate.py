"""framing validate end to end: a checkpoint scored on a coded sample of a corpus, and bad
input refused with one error line and nothing written."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_estimate import assert_bad_input, framing

from framing.checkpoint import save_checkpoint
from framing.models import family_class

from conftest import PROJECT_ROOT, fit

SENTENCES = PROJECT_ROOT / "seeds" / "sentences.jsonl"


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory, schema, toy_data):
    texts, frames, stance = toy_data
    root = tmp_path_factory.mktemp("ckpts")
    out = {}
    for task, y in (("frames", frames), ("stance", stance)):
        model = fit(family_class("tfidf_lr")(min_df=1), texts, y, schema.labels(task))
        metrics = {"macro_f1": {"mean": 0.9, "ci_low": 0.8, "ci_high": 0.95}}
        out[task] = save_checkpoint(
            model,
            root / task,
            schema=schema,
            task=task,
            config=None,
            data_sha256=None,
            metrics=metrics,
        )
    return out


def coded_sample(folder, n=60, seed=0):
    gold = [json.loads(line) for line in SENTENCES.read_text().splitlines()]
    rng = np.random.default_rng(seed)
    pick = [gold[i] for i in sorted(rng.choice(len(gold), n, replace=False))]
    path = folder / "coded.jsonl"
    path.write_text(
        "".join(
            json.dumps({k: g[k] for k in ("sentence_id", "frames", "stance")}) + "\n" for g in pick
        )
    )
    return path, pick


def test_validate_scores_both_tasks_and_states_the_drop(checkpoints, tmp_path):
    coded, pick = coded_sample(tmp_path)
    out = tmp_path / "validation"
    done = framing(
        "validate",
        str(checkpoints["frames"]),
        str(checkpoints["stance"]),
        "--coded",
        str(coded),
        "--sentences",
        str(SENTENCES),
        "--out",
        str(out),
        "--bootstrap",
        "200",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "validation.json").read_text())
    frames = report["tasks"]["frames"]
    assert (
        frames["macro_f1"]["ci_low"] <= frames["macro_f1"]["mean"] <= frames["macro_f1"]["ci_high"]
    )
    assert "fell by" in frames["statement"] and "0.900 [0.800, 0.950]" in frames["statement"]
    per_label = pd.read_csv(out / "per_label.csv")
    assert set(per_label.label) == {
        "isolation_breaking",
        "neutrality",
        "historical_friendship",
        "western_criticism",
        "favourable",
        "neutral",
        "critical",
    }
    support = per_label.set_index("label")["support"]
    assert support["neutrality"] == sum("neutrality" in g["frames"] for g in pick)
    confusion = pd.read_csv(out / "confusion_stance.csv", index_col=0)
    assert confusion.to_numpy().sum() == pytest.approx(len(pick))
    assert "no sample record" in report["weights"]
    assert "fell by" in done.stdout


def test_validate_refuses_ids_not_in_the_sentences_and_other_schemas(checkpoints, tmp_path):
    coded, _ = coded_sample(tmp_path, n=10)
    with coded.open("a") as fh:
        fh.write(json.dumps({"sentence_id": "nowhere", "frames": [], "stance": "neutral"}) + "\n")
    out = tmp_path / "validation"
    args = [
        "validate",
        str(checkpoints["frames"]),
        "--coded",
        str(coded),
        "--sentences",
        str(SENTENCES),
        "--out",
        str(out),
    ]
    assert_bad_input(framing(*args), "coded.jsonl", "line 11", "'sentence_id'", out=out)
    coded.write_text(json.dumps({"sentence_id": "x", "frames": [], "stance": "hostile"}) + "\n")
    assert_bad_input(framing(*args), "coded.jsonl", "line 1", "'stance'", "hostile", out=out)


def test_a_class_absent_from_sample_and_predictions_is_left_out_of_macro_f1():
    from framing.estimate.validate import score_task

    truth = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 1, 0]])  # no third class at all
    pred = truth.copy()
    result = score_task(truth, pred, np.arange(4), np.ones(4), ["a", "b", "c"], 50, 0, 0.95)
    assert result["macro_f1"]["mean"] == 1.0  # not (1 + 1 + 0) / 3
    assert result["labels_without_examples"] == ["c"]
