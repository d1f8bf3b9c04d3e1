"""The restructured library reproduces what the code before it wrote (tests/reference/).

A small version of the committed experiments, run as a user runs them: the sweep of the six
fast families, the comparison, a training-fraction sweep with its learning curve, and every
figure. Decisions, scores, intervals, thresholds, the learning curve and every figure's CSV
must be equal to the reference; probabilities too, to 1e-5 for the encoder families (their
embeddings move in the 7th decimal with the batch a sentence was first encoded in, and the
zero-shot family's temperature of 0.05 multiplies that by 20)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from conftest import PROJECT_ROOT
from conftest import framing as run_framing

REFERENCE = PROJECT_ROOT / "tests" / "reference" / "small_sweep"
FAST = ["eval.n_folds=3", "eval.inner_folds=2", "eval.bootstrap=200"]
ENCODER_FAMILIES = {"embedding_lr", "zeroshot"}

pytestmark = [pytest.mark.slow, pytest.mark.extra("transformers")]


def framing(*args: str) -> None:
    done = run_framing(*args, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def rerun(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    cache = f"paths.cache_dir={out / 'cache'}"
    framing(
        "train", "-m", "model=majority,lexicon,tfidf_lr,tfidf_svm,embedding_lr,zeroshot",
        "task=frames,stance", "seed=0,1", *FAST, f"hydra.sweep.dir={out / 'sweep'}", cache,
        "hydra/launcher=local_parallel",
    )  # fmt: skip
    framing("compare", str(out / "sweep"), "--out", str(out / "comparison"), "--bootstrap", "200")
    framing(
        "train", "-m", "+experiment=learning_curve", "model=majority,lexicon,tfidf_lr,embedding_lr",
        "task=frames,stance", "seed=0,1", "eval.train_fraction=0.5,1.0", *FAST,
        f"hydra.sweep.dir={out / 'lcruns'}", cache,
    )  # fmt: skip
    framing("learning-curve", str(out / "lcruns"), "--out", str(out / "lc"), "--bootstrap", "200")
    framing(
        "plot", "--runs", str(out / "sweep"), "--model", "tfidf_lr",
        "--comparison", str(out / "comparison" / "comparison.csv"),
        "--learning-curve", str(out / "lc" / "learning_curve.csv"),
        "--out", str(out / "figures"), "--bootstrap", "200",
    )  # fmt: skip
    return out


def assert_same_table(expected_file, actual: pd.DataFrame, drop=()) -> None:
    expected = pd.read_csv(expected_file)
    actual = actual.drop(columns=[c for c in drop if c in actual.columns])
    assert list(actual.columns) == list(expected.columns), expected_file.name
    pd.testing.assert_frame_equal(actual, expected, check_exact=True, obj=expected_file.name)


def oof_digest(oof: pd.DataFrame) -> str:
    """sha256 of the out-of-fold table as tests/reference/README.md describes it."""
    oof = oof.sort_values("sentence_id")
    columns = [c for c in oof.columns if c.startswith(("proba:", "pred:", "true:"))] + ["fold"]
    rows = oof[columns].to_numpy(dtype=float)
    text = ",".join(columns) + "\n" + "\n".join(",".join(f"{v:.17g}" for v in r) for r in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def test_every_run_predicts_what_it_predicted_before(rerun):
    expected = json.loads((REFERENCE / "runs.json").read_text())
    seen = set()
    for metrics_file in sorted((rerun / "sweep").rglob("metrics.json")):
        metrics = json.loads(metrics_file.read_text())
        key = f"{metrics['task']}/{metrics['model']}/{metrics['seed']}"
        seen.add(key)
        for name in ("macro_f1", "micro_f1", "thresholds"):
            assert metrics[name] == expected[key][name], f"{key}: {name}"
        oof = pd.read_csv(metrics_file.parent / "oof_predictions.csv", dtype={"sentence_id": str})
        if metrics["model"] not in ENCODER_FAMILIES:
            assert oof_digest(oof) == expected[key]["oof_sha256"], key
            continue
        reference = pd.read_csv(
            REFERENCE / "oof" / f"{key.replace('/', '_')}.csv", dtype={"sentence_id": str}
        )
        oof = oof.sort_values("sentence_id", ignore_index=True)[reference.columns]
        decisions = [c for c in reference.columns if not c.startswith("proba:")]
        pd.testing.assert_frame_equal(oof[decisions], reference[decisions], check_exact=True)
        proba = [c for c in reference.columns if c.startswith("proba:")]
        np.testing.assert_allclose(oof[proba], reference[proba], rtol=0, atol=1e-5, err_msg=key)
    assert seen == set(expected)


def test_the_comparison_is_the_same(rerun):
    table = pd.read_csv(rerun / "comparison" / "comparison.csv")
    rounded = pd.read_csv(pd.io.common.StringIO(table.to_csv(index=False, float_format="%.4f")))
    assert_same_table(REFERENCE / "comparison.csv", rounded, drop=("train_s", "evaluate_s"))
    assert_same_table(
        REFERENCE / "differences.csv", pd.read_csv(rerun / "comparison" / "differences.csv")
    )


def test_the_learning_curve_is_the_same(rerun):
    assert_same_table(
        REFERENCE / "learning_curve.csv", pd.read_csv(rerun / "lc/learning_curve.csv")
    )
    assert_same_table(
        REFERENCE / "learning_curve_folds.csv",
        pd.read_csv(rerun / "lc" / "learning_curve_folds.csv"),
        drop=("fit_s",),
    )


@pytest.mark.parametrize("figure", sorted(p.name for p in (REFERENCE / "figures").glob("*.csv")))
def test_every_figure_plots_the_same_numbers(rerun, figure):
    assert_same_table(REFERENCE / "figures" / figure, pd.read_csv(rerun / "figures" / figure))
