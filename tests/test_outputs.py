"""The output rule (framing.outputs): a command deletes or replaces only what it wrote itself.

Each test runs the command as a user does (a subprocess, real files in tmp_path) and checks
that what framing did not write is still there, byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from framing.checkpoint import save_checkpoint
from framing.models import family_class
from framing.outputs import MARKER

from conftest import fit, framing

ARTICLE = (
    "Putin seeks partners in Hanoi\n\nRussian President Vladimir Putin landed in Hanoi, looking "
    "for partners to break his isolation. Washington condemned the trip.\n"
)
FAST = ["model=majority", "eval.n_folds=3", "eval.inner_folds=2", "eval.bootstrap=50"]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with the sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def one_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.fixture
def workspace(tmp_path, schema, toy_data) -> Path:
    """A user's working folder: articles and a checkpoint side by side."""
    texts, frames, _ = toy_data
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    model = fit(family_class("tfidf_lr")(min_df=1), texts, frames, schema.labels("frames"))
    save_checkpoint(model, tmp_path / "ckpt", schema=schema, task="frames")
    (tmp_path / "notes.md").write_text("my notes", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("output", [".", "workspace", "articles"])
def test_predict_overwrite_never_empties_a_folder_holding_input_or_checkpoint(workspace, output):
    """Issue 14 item 1: overwrite=true used to delete everything in output=, input included."""
    before = snapshot(workspace)
    target = {".": ".", "workspace": str(workspace), "articles": "articles"}[output]
    result = framing(
        "predict", "checkpoint=ckpt", "input=articles", f"output={target}", "overwrite=true",
        "figure=false", cwd=workspace,
    )  # fmt: skip
    error = one_error(result)
    assert "framing did not write" in error
    assert snapshot(workspace) == before


def test_predict_overwrite_replaces_its_own_output_only(workspace):
    args = ["predict", "checkpoint=ckpt", "input=articles", "output=out", "figure=false"]
    assert framing(*args, cwd=workspace).returncode == 0
    assert MARKER in os.listdir(workspace / "out")
    assert framing(*args, "overwrite=true", cwd=workspace).returncode == 0
    (workspace / "out" / "mine.txt").write_text("added by a person")
    one_error(framing(*args, "overwrite=true", cwd=workspace))
    assert (workspace / "out" / "mine.txt").read_text() == "added by a person"


def finished_run(tmp_path: Path) -> Path:
    run_dir = tmp_path / "run"
    done = framing("train", *FAST, f"hydra.run.dir={run_dir}")
    assert done.returncode == 0, done.stderr[-2000:]
    return run_dir


@pytest.mark.parametrize(
    "bad", [["eval.n_folds=500"], ["model=no_such_model"], ["task=no_such_task"]]
)
def test_failing_rerun_into_a_finished_run_folder_loses_nothing(tmp_path, bad):
    """Issue 14 item 2: a failing rerun used to delete the earlier run's outputs."""
    run_dir = finished_run(tmp_path)
    before = snapshot(run_dir)
    one_error(framing("train", *FAST, *bad, f"hydra.run.dir={run_dir}"))
    assert snapshot(run_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no temporary folder left


def test_rerun_into_a_finished_run_folder_replaces_it_when_it_succeeds(tmp_path):
    run_dir = finished_run(tmp_path)
    done = framing("train", *FAST, "seed=7", f"hydra.run.dir={run_dir}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((run_dir / "metrics.json").read_text())["seed"] == 7
    card = (run_dir / "checkpoint" / "README.md").read_text()
    # the final path, not the staging one; outside the study folder the card (meant to be
    # shared) names the checkpoint only: no folder of this machine (inside a study it shows
    # results/runs/RUN/checkpoint, checked by test_own_study_e2e)
    assert 'framing.load("checkpoint")' in card and ".tmp" not in card
    assert str(tmp_path) not in card
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_train_never_replaces_a_folder_holding_files_it_did_not_write(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "notes.txt").write_text("mine")
    error = one_error(framing("train", *FAST, f"hydra.run.dir={run_dir}"))
    assert "notes.txt" in error
    assert [p.name for p in run_dir.iterdir()] == ["notes.txt"]


def test_compare_and_plot_never_replace_a_file_they_did_not_write(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "comparison.csv").write_text("my own table")
    runs = finished_run(tmp_path)
    one_error(framing("compare", str(runs), "--out", str(out), "--bootstrap", "50"))
    assert (out / "comparison.csv").read_text() == "my own table"
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "frame_cooccurrence.png").write_bytes(b"my own picture")
    error = one_error(framing("plot", "--out", str(figures)))
    assert "frame_cooccurrence.png" in error
    assert (figures / "frame_cooccurrence.png").read_bytes() == b"my own picture"


CORRUPT_METRICS = {
    "empty": "",
    "cut off": '{"task": "frames", "model": "maj',
    "empty object": "{}",
    "a list": "[1, 2]",
}


@pytest.mark.parametrize("content", CORRUPT_METRICS.values(), ids=CORRUPT_METRICS.keys())
@pytest.mark.parametrize("command", ["compare", "plot"])
def test_corrupt_metrics_json_is_one_error_naming_the_file(tmp_path, command, content):
    """Issue 14 item 8 (before the restructuring both commands crashed with a traceback)."""
    runs = tmp_path / "runs"
    good = finished_run(tmp_path)
    broken = runs / "broken"
    broken.mkdir(parents=True)
    for name in ("config.yaml", "oof_predictions.csv"):
        (broken / name).write_bytes((good / name).read_bytes())
    (broken / "metrics.json").write_text(content, encoding="utf-8")
    args = [str(runs), "--out", str(tmp_path / "out")]
    if command == "plot":
        args = ["--runs", str(runs), "--model", "majority", "--out", str(tmp_path / "out")]
    result = framing(command, *args)
    error = one_error(result)
    if command == "compare":
        assert str(broken / "metrics.json") in error
        assert not (tmp_path / "out").exists()
    else:  # plot draws what it can; the figures it skipped are listed with the reason
        assert f"{broken / 'metrics.json'}: " in result.stderr and "not drawn" in error
