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
        "predict",
        "checkpoint=ckpt",
        "input=articles",
        f"output={target}",
        "overwrite=true",
        "figure=false",
        cwd=workspace,
    )
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


def test_compare_options_out_of_range_are_one_error_and_one_replicate_still_draws(tmp_path):
    """From a hostile-input pass: --bootstrap 0 / 10**9 and --level 0 / nan were tracebacks
    (1 TiB asked for at 10**9), --out /proc/x a FileNotFoundError; --bootstrap 1 wrote the
    tables, then crashed drawing the figure (a percentile interval of one replicate misses
    its own point, and matplotlib refuses a negative error bar), leaving them half-written."""
    runs = finished_run(tmp_path)
    out = tmp_path / "out"
    for bad in (
        ["--bootstrap", "0"],
        ["--bootstrap", str(10**9)],
        ["--level", "0"],
        ["--level", "nan"],
        ["--out", "/proc/framing-out"],
    ):
        error = one_error(framing("compare", str(runs), "--out", str(out), *bad))
        assert bad[0] in error or "/proc/framing-out" in error, error
        assert not out.exists()
    # a folder without runs beside a run is named, not skipped ("compared 1 runs", exit 0)
    (tmp_path / "not_a_run").mkdir()
    error = one_error(framing("compare", str(tmp_path / "not_a_run"), str(runs), "--out", str(out)))
    assert f"{tmp_path / 'not_a_run'}: no metrics.json found" in error
    done = framing("compare", str(runs), "--out", str(out), "--bootstrap", "1")
    assert done.returncode == 0, done.stderr[-2000:]
    assert {"comparison.csv", "model_comparison.png"} <= {p.name for p in out.iterdir()}


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


CUT_OOF = {
    "rows cut": lambda lines: lines[:116],  # the case: 115 of 167 sentences scored
    "two rows": lambda lines: lines[:3],
    "line cut": lambda lines: lines[:-1] + [lines[-1][: len(lines[-1]) // 3]],
}


@pytest.mark.parametrize("cut", CUT_OOF.values(), ids=CUT_OOF.keys())
def test_a_cut_off_oof_predictions_file_is_one_error_not_a_score(tmp_path, cut):
    """Issue 17: a truncated oof_predictions.csv was scored as if the run had fewer sentences
    (n_sentences 115, rc 0; with two rows a numpy traceback)."""
    run_dir = finished_run(tmp_path)
    oof = run_dir / "oof_predictions.csv"
    lines = oof.read_text(encoding="utf-8").splitlines()
    oof.write_text("\n".join(cut(lines)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    error = one_error(framing("compare", str(run_dir), "--out", str(out), "--bootstrap", "50"))
    assert str(oof) in error and "cut off or edited" in error
    assert not out.exists()


# ---------------------------------------------------------------- hostile names and cells
def test_label_names_never_become_paths_or_share_a_file(tmp_path):
    """A frame named ``../../../../ESCAPED`` used to write its figure above the output folder;
    frames ``x.a`` and ``x.b`` shared one figure file. Every file stays inside the output
    folder, and every label is drawn."""
    import numpy as np
    import pandas as pd

    from framing.coding.records import SampledUnit, SampleRecord, write_sample_record
    from framing.data.schema import LabelDefinition, LabelSchema
    from framing.estimate.run import estimate_corpus

    frames = ["x.a", "x.b", "../../../../ESCAPED"]
    stance = ["pos", "neg"]
    schema = LabelSchema(
        "hostile",
        1,
        tuple(LabelDefinition(n) for n in frames),
        tuple(LabelDefinition(n) for n in stance),
    )
    rng = np.random.default_rng(0)
    rows, coded = [], []
    for outlet in ("Outlet A", "Outlet B"):
        for a in range(12):
            for s in range(4):
                sid = f"{outlet[-1]}{a}-{s}"
                labels = [f for f in frames if rng.random() < 0.4]
                row = {
                    "sentence_id": sid,
                    "article_id": f"{outlet[-1]}{a}",
                    "outlet": outlet,
                    "position": s,
                    "text": f"Sentence {sid}.",
                }
                row |= {f"pred:{f}": int(f in labels) for f in frames}
                row |= {f"pred:{c}": int(c == "pos") for c in stance}
                rows.append(row)
                coded.append({"sentence_id": sid, "frames": labels, "stance": "pos"})
    pd.DataFrame(rows).to_csv(tmp_path / "predictions.csv", index=False)
    (tmp_path / "coded.jsonl").write_text("".join(json.dumps(c) + "\n" for c in coded))
    units = [SampledUnit(r["sentence_id"], r["article_id"], r["outlet"], 1.0) for r in rows]
    record = SampleRecord("simple", True, "sentence", 0, {"n_sentences": len(rows)}, units)
    write_sample_record(record, tmp_path / "coded.jsonl")
    out = tmp_path / "deep" / "er" / "est"
    estimate_corpus(tmp_path / "predictions.csv", tmp_path / "coded.jsonl", out, schema)
    everything = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    outside = {p for p in everything if not p.startswith("deep/er/est/")}
    assert outside == {"predictions.csv", "coded.jsonl", "coded.sample.json", MARKER}
    # one faceted figure per task (issue 18): every label is a panel of it, none a file name
    figures = sorted(p.name for p in out.glob("outlet_estimates_*.csv"))
    assert figures == ["outlet_estimates_frames.csv", "outlet_estimates_stance.csv"]
    drawn = set().union(*(set(pd.read_csv(out / f)["label"]) for f in figures))
    assert set(frames) | set(stance) <= drawn


def test_formula_cells_are_marked_in_csvs_and_read_back_unchanged(tmp_path, workspace):
    """An outlet or a sentence beginning with = + - @ is written with a leading apostrophe
    (a spreadsheet shows it as text instead of running it); numbers stay numbers; framing's
    readers give back the exact text."""
    import csv

    from framing.coding.population import read_population

    evil = '=HYPERLINK("http://x.example","click")'
    article = {"article_id": "-a1", "outlet": evil, "text": ARTICLE.replace("Putin", "=Putin")}
    (workspace / "news.jsonl").write_text(json.dumps(article) + "\n")
    done = framing(
        "predict",
        "checkpoint=ckpt",
        "input=news.jsonl",
        "output=out",
        "figure=false",
        cwd=workspace,
    )
    assert done.returncode == 0, done.stderr
    with (workspace / "out" / "predictions.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["outlet"] == "'" + evil for r in rows)
    assert all(r["article_id"] == "'-a1" for r in rows)
    assert all(not r[k].startswith(("=", "+", "@")) for r in rows for k in r)
    assert all(0 <= float(r[k]) <= 1 for r in rows for k in r if k.startswith("proba:"))
    with (workspace / "out" / "outlet_mix.csv").open(newline="") as fh:
        assert [r["outlet"] for r in csv.DictReader(fh)] == ["'" + evil]
    back = read_population(workspace / "out" / "predictions.csv").sentences
    assert {s.outlet for s in back} == {evil} and {s.article_id for s in back} == {"-a1"}
    assert any(s.text.startswith("=Putin") for s in back)


def test_a_coding_sheet_marks_formulas_and_imports_back_the_same_ids(tmp_path, schema):
    from framing.coding.spreadsheet import read_sheet, write_sheet

    rows = [
        {"sentence_id": "=1+1", "article_id": "@a", "position": 0, "text": "-5 is not a number"},
        {"sentence_id": "-0.5", "article_id": "b", "position": 1, "text": "'=quoted"},
    ]
    write_sheet(tmp_path / "sheet.csv", rows, schema)
    raw = (tmp_path / "sheet.csv").read_text().splitlines()
    assert raw[1].startswith("'=1+1,'@a,0,'-5 is not a number,")
    assert raw[2].startswith("-0.5,b,1,''=quoted,")  # a number is left alone
    text = (tmp_path / "sheet.csv").read_text().replace(",,\n", f",{schema.stance_names[0]},\n")
    (tmp_path / "sheet.csv").write_text(text)
    records, uncoded = read_sheet(tmp_path / "sheet.csv", schema)
    assert [r["sentence_id"] for r in records] == ["=1+1", "-0.5"] and uncoded == 0


def test_a_column_given_twice_in_any_case_is_refused_naming_both(tmp_path):
    from framing.coding.spreadsheet import read_csv_rows
    from framing.errors import FramingInputError

    sheet = tmp_path / "sheet.csv"
    sheet.write_text("sentence_id,Stance,stance ,note\na,neutral,,\n")
    with pytest.raises(FramingInputError, match=r"line 1, field 'stance': is a repeated column "):
        read_csv_rows(sheet)
    with pytest.raises(
        FramingInputError,
        match=r"\('Stance' and 'stance ': names are read without case or surrounding spaces\)",
    ):
        read_csv_rows(sheet)
    sheet.write_text("sentence_id,like,like \na,yes,\n")  # the same name but for a space
    with pytest.raises(FramingInputError, match=r"'like' and 'like '"):
        read_csv_rows(sheet, fold=("like",))
    sheet.write_text("sentence_id,Mine,mine\na,1,2\n")  # not folded: two columns of the user's
    assert read_csv_rows(sheet)[0] == ["sentence_id", "Mine", "mine"]
    with pytest.raises(FramingInputError, match="'Mine' and 'mine'"):
        read_csv_rows(sheet, fold=("mine",))
