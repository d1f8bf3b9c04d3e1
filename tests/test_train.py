"""framing train and framing compare, run as a user runs them (``python -m framing.train``,
the README's alias, for the single runs)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from framing.cli.compare import main as compare_main

from conftest import PROJECT_ROOT

FAST = ["eval.n_folds=3", "eval.inner_folds=2", "eval.bootstrap=100"]
RUN_FILES = {
    ".framing-output.json",  # what framing wrote here (framing.outputs)
    ".hydra",
    "config.yaml",
    "metrics.json",
    "oof_predictions.csv",
    "checkpoint",
    "train.log",
}
METRIC_KEYS = [
    "task",
    "model",
    "model_label",
    "is_baseline",
    "seed",
    "protocol",
    "n_folds",
    "n_sentences",
    "train_fraction",
    "labels",
    "macro_f1",
    "micro_f1",
    "interval",
    "per_label",
    "thresholds",
    "folds",
    "wall_time_s",
    "data_sha256",
    "optimized_metric",
]
HEAVY = {"torch", "transformers", "sentence_transformers", "setfit"}


def train(*overrides: str, importtime: bool = False) -> subprocess.CompletedProcess:
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "framing.train", *overrides],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def imported_modules(importtime_stderr: str) -> set[str]:
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def assert_contract_run(run_dir, labelled_set, task: str, model: str, seed: int) -> dict:
    assert {p.name for p in run_dir.iterdir()} == RUN_FILES
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert list(metrics) == METRIC_KEYS
    assert (metrics["task"], metrics["model"], metrics["seed"]) == (task, model, seed)
    assert metrics["n_sentences"] == len(labelled_set) and metrics["n_folds"] == 3
    for name in ("macro_f1", "micro_f1"):
        m = metrics[name]
        assert 0 <= m["ci_low"] <= m["mean"] <= m["ci_high"] <= 1
    labels = metrics["labels"]
    assert set(metrics["per_label"]) == set(labels)
    assert (metrics["thresholds"] is None) == (task == "stance")
    assert set(metrics["wall_time_s"]) == {"train", "evaluate", "total"}

    oof = pd.read_csv(run_dir / "oof_predictions.csv", dtype={"sentence_id": str})
    per_label = [f"{kind}:{lab}" for lab in labels for kind in ("true", "proba", "pred")]
    assert list(oof.columns) == [
        "sentence_id",
        "article_id",
        "outlet",
        "dup_group",
        "seed",
        "fold",
        *per_label,
    ]
    assert sorted(oof.sentence_id) == sorted(labelled_set["sentence_id"])
    assert set(oof.fold) == {0, 1, 2} and set(oof.seed) == {seed}
    for fold in range(3):  # no duplicate group on both sides of any fold
        test = set(oof.dup_group[oof.fold == fold])
        assert not test & set(oof.dup_group[oof.fold != fold])
    if task == "stance":
        assert (oof[[f"pred:{lab}" for lab in labels]].sum(axis=1) == 1).all()

    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert config["model"]["name"] == model and "${" not in (run_dir / "config.yaml").read_text()
    assert (run_dir / "train.log").read_text().strip()
    info = json.loads((run_dir / "checkpoint/framing_checkpoint.json").read_text())
    assert info["family"] == model and info["labels"] == labels
    return metrics


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """Eight small runs of the two baselines through Hydra's multirun, in one process."""
    folder = tmp_path_factory.mktemp("sweep")
    done = train(
        "-m",
        "model=majority,lexicon",
        "task=frames,stance",
        "seed=0,1",
        *FAST,
        f"hydra.sweep.dir={folder}",
        importtime=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder, done


def test_single_run_writes_exactly_the_contract_files_without_torch(tmp_path, labelled_set):
    run_dir = tmp_path / "run"
    done = train(
        "model=tfidf_lr", "task=frames", *FAST, f"hydra.run.dir={run_dir}", importtime=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = assert_contract_run(run_dir, labelled_set, "frames", "tfidf_lr", 0)
    assert not metrics["is_baseline"]
    heavy = {m for m in imported_modules(done.stderr) if m.split(".")[0] in HEAVY}
    assert not heavy, f"a TF-IDF run imported {sorted(heavy)[:5]}"


def test_sweep_writes_one_contract_run_per_job_without_torch(sweep, labelled_set):
    folder, done = sweep
    for task in ("frames", "stance"):
        for model in ("majority", "lexicon"):
            for seed in (0, 1):
                (run_dir,) = folder.glob(f"*_{task}_{model}_s{seed}")
                assert assert_contract_run(run_dir, labelled_set, task, model, seed)["is_baseline"]
    assert not {m for m in imported_modules(done.stderr) if m.split(".")[0] in HEAVY}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["model=no_such_model"], ["unknown model 'no_such_model'", "majority", "tfidf_lr"]),
        (["task=sentiment"], ["unknown task 'sentiment'", "frames, stance"]),
        (["eval=nested"], ["unknown eval 'nested'", "default", "loo_outlet"]),
        (["seed=???"], ["field 'seed': missing config value", "seed=..."]),
        (["~eval.n_folds"], ["field 'eval.n_folds': missing config value"]),
        (["study.sentences=null"], ["field 'study.sentences': missing config value"]),
        (["model=majority", "eval.n_folds=50"], ["fewer than the 50 folds", "fewer folds"]),
    ],
)
def test_bad_input_is_one_error_line_and_no_run_folder(tmp_path, overrides, expected):
    run_dir = tmp_path / "run"
    done = train(*overrides, f"hydra.run.dir={run_dir}")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for text in expected:
        assert text in lines[0]
    assert not run_dir.exists()


def test_labels_outside_the_schema_stop_the_run(tmp_path, labelled_set):
    bad = tmp_path / "sentences.jsonl"
    rows = (PROJECT_ROOT / "seeds/sentences.jsonl").read_text().splitlines()
    record = json.loads(rows[1])
    record["stance"] = "hostile"
    bad.write_text("\n".join([rows[0], json.dumps(record), *rows[2:]]) + "\n")
    run_dir = tmp_path / "run"
    done = train("model=majority", f"study.sentences={bad}", f"hydra.run.dir={run_dir}")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: {bad}, line 2, field 'stance': unknown stance 'hostile' "
        "(valid stances: favourable, neutral, critical)"
    )
    assert not run_dir.exists()


def test_failed_run_in_an_existing_folder_leaves_no_outputs(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "notes.txt").write_text("mine")
    done = train("model=majority", "eval.n_folds=50", f"hydra.run.dir={run_dir}")
    assert done.returncode == 2
    assert (run_dir / "notes.txt").read_text() == "mine"  # not ours to delete
    assert not (run_dir / "metrics.json").exists() and not (run_dir / "checkpoint").exists()


def test_compare_pools_seeds_and_writes_table_and_figure(sweep, tmp_path, capsys):
    folder, _ = sweep
    out = tmp_path / "comparison"
    assert compare_main([str(folder), "--out", str(out), "--bootstrap", "200"]) == 0
    for name in ("comparison.csv", "comparison.md", "comparison.tex", "model_comparison.pdf"):
        assert (out / name).stat().st_size > 0
    assert (out / "model_comparison.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns[:12]) == [
        "task",
        "model",
        "model_label",
        "is_baseline",
        "n_seeds",
        "n_sentences",
        "macro_f1",
        "macro_f1_low",
        "macro_f1_high",
        "micro_f1",
        "micro_f1_low",
        "micro_f1_high",
    ]
    assert list(table.columns[-2:]) == ["train_s", "evaluate_s"]
    assert "f1:neutrality" in table.columns and "f1:critical" in table.columns
    assert len(table) == 4 and set(table.n_seeds) == {2}
    for task, part in table.groupby("task"):  # sorted best first within each task
        assert list(part.macro_f1) == sorted(part.macro_f1, reverse=True)
        per_seed = [
            json.loads(path.read_text())["macro_f1"]["mean"]
            for path in folder.glob(f"*_{task}_lexicon_s*/metrics.json")
        ]
        row = part[part.model == "lexicon"].iloc[0]
        assert len(per_seed) == 2  # the table's score is the mean over the seeds' runs
        assert row.macro_f1 == pytest.approx(sum(per_seed) / 2, abs=1e-4)
        assert row.macro_f1_low <= row.macro_f1 <= row.macro_f1_high
    assert "lexicon" in (out / "comparison.md").read_text().lower()
    assert r"\toprule" in (out / "comparison.tex").read_text()


def test_compare_differences_are_paired_against_the_best_trained_family(sweep, tmp_path):
    folder, _ = sweep
    # a "trained" twin of the lexicon: identical predictions under another model name
    twins = tmp_path / "twins"
    for run in folder.glob("*_lexicon_s*"):
        twin = twins / run.name.replace("lexicon", "twin")
        shutil.copytree(run, twin)
        metrics = json.loads((twin / "metrics.json").read_text())
        metrics |= {"model": "twin", "model_label": "Twin", "is_baseline": False}
        (twin / "metrics.json").write_text(json.dumps(metrics))
    out = tmp_path / "comparison"
    assert compare_main([str(folder), str(twins), "--out", str(out), "--bootstrap", "300"]) == 0
    diffs = pd.read_csv(out / "differences.csv")
    table = pd.read_csv(out / "comparison.csv")
    for task, part in diffs.groupby("task"):
        assert set(part.reference) == {"twin"}  # the only non-baseline family
        by_model = part.set_index("model")
        # paired: the same replicates for both, so identical predictions differ by exactly 0
        # in every replicate (unpaired draws would give an interval around 0)
        lexicon = by_model.loc["lexicon"]
        assert (lexicon.macro_f1_diff, lexicon.diff_low, lexicon.diff_high) == (0, 0, 0)
        assert lexicon.share_ahead == 0
        scores_ = table[table.task == task].set_index("model").macro_f1
        majority = by_model.loc["majority"]
        expected = scores_["majority"] - scores_["twin"]
        assert majority.macro_f1_diff == pytest.approx(expected, abs=2e-4)
        assert majority.diff_low <= majority.macro_f1_diff <= majority.diff_high < 0
    assert "difference to Twin (paired)" in (out / "comparison.md").read_text()


def test_compare_refuses_runs_with_different_eval_settings(sweep, tmp_path, capsys):
    folder, _ = sweep
    copy = tmp_path / "other"
    shutil.copytree(next(folder.glob("*_frames_majority_s0")), copy)
    config = yaml.safe_load((copy / "config.yaml").read_text())
    config["eval"]["thresholds"] = "fixed"
    (copy / "config.yaml").write_text(yaml.safe_dump(config))
    metrics = json.loads((copy / "metrics.json").read_text())
    metrics["seed"] = 7
    (copy / "metrics.json").write_text(json.dumps(metrics))
    assert compare_main([str(folder), str(copy), "--out", str(tmp_path / "c")]) == 2
    assert "differ in their eval settings" in capsys.readouterr().err
