"""Outputs by kind (issue 17): a command replaces only an output of its own kind that is not
among its inputs; a study, coder files, samples and sheets are never replaced by another command.

The command-line cases are the reproductions of issue 17, run as a user runs them (a
subprocess on real files). Each checks that the command fails with one ``error:`` line and
that every file of what it refused is still there, byte for byte. The library cases check the
rule itself, and that markers written before kinds were recorded are still read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_estimate import make_corpus
from test_outputs import ARTICLE, FAST, one_error, snapshot
from test_validate import SENTENCES, coded_sample

from framing.errors import FramingInputError
from framing.outputs import (
    MARKER,
    Kind,
    check_file_target,
    check_folder_target,
    output_file,
    output_folder,
    write_text,
)

from conftest import PROJECT_ROOT, codings, framing, label_studio_export

EXAMPLE = PROJECT_ROOT / "examples" / "congestion_charge"


def ok(done) -> str:
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def legacy_marker(folder: Path) -> None:
    """What framing wrote before it recorded kinds: every name in the folder, no kind."""
    names = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    record = {"written_by": "framing", "written": names}
    (folder / MARKER).write_text(json.dumps(record, indent=2) + "\n")


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A training run, a prediction, and a study whose coder file ``coding import`` wrote."""
    root = tmp_path_factory.mktemp("made")
    ok(framing("train", *FAST, f"hydra.run.dir={root / 'run'}"))
    (root / "articles").mkdir()
    (root / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    ok(
        framing(
            "predict",
            "checkpoint=run/checkpoint",
            "input=articles",
            "output=pred",
            "figure=false",
            cwd=root,
        )
    )
    study = root / "study"
    shutil.copytree(EXAMPLE, study, ignore=shutil.ignore_patterns("codings", "README.md"))
    ok(
        framing(
            "coding",
            "sample",
            "labels/b.jsonl",
            "--strategy",
            "simple",
            "--size",
            "12",
            "--seed",
            "1",
            cwd=study,
        )
    )
    ok(
        framing(
            "coding",
            "export",
            "labels/b.jsonl",
            "--format",
            "label-studio",
            "--out",
            "labels/b.tasks.json",
            cwd=study,
        )
    )
    tasks = json.loads((study / "labels/b.tasks.json").read_text())
    (study / "export.json").write_text(json.dumps(label_studio_export(tasks, codings("coder_a"))))
    ok(framing("coding", "import", "export.json", "--out", "labels/coder_a.jsonl", cwd=study))
    imported = root / "imported"  # a folder made by coding import alone
    ok(
        framing(
            "coding", "import", "export.json", "--out", str(imported / "coder.jsonl"), cwd=study
        )
    )
    return root


def refused(done, *needles) -> str:
    error = one_error(done)
    for needle in needles:
        assert needle in error, error
    return error


# ---------------------------------------------------------------- a study is never replaced
def test_study_init_lists_none_of_the_users_files_and_predict_never_replaces_it(made, tmp_path):
    ok(framing("study", "init", "st", cwd=tmp_path))
    marker = json.loads((tmp_path / "st" / MARKER).read_text())
    assert marker["kind"] == "study" and marker["written"] == []
    (tmp_path / "st" / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    before = snapshot(tmp_path / "st")
    checkpoint = f"checkpoint={made / 'run' / 'checkpoint'}"
    refused(
        framing(
            "predict",
            checkpoint,
            "input=st/articles",
            "output=st",
            "overwrite=true",
            "figure=false",
            cwd=tmp_path,
        ),
        "study folder",
    )
    refused(
        framing(
            "predict",
            checkpoint,
            "input=articles",
            f"output={tmp_path / 'st'}",
            "overwrite=true",
            "figure=false",
            cwd=tmp_path / "st",
        )
    )
    assert snapshot(tmp_path / "st") == before


# ---------------------------------------------------------------- inputs are never replaced
def test_predict_never_replaces_its_checkpoint_or_the_run_holding_it(made):
    before = snapshot(made / "run")
    args = ["input=articles", "overwrite=true", "figure=false"]
    refused(
        framing("predict", "checkpoint=run/checkpoint", "output=run/checkpoint", *args, cwd=made),
        "checkpoint",
    )
    refused(
        framing("predict", "checkpoint=run/checkpoint", "output=run", *args, cwd=made),
        "training run",
    )
    refused(
        framing(
            "predict",
            "checkpoint=checkpoint",
            f"input={made / 'articles'}",
            f"output={made / 'run'}",
            "overwrite=true",
            "figure=false",
            cwd=made / "run",
        )
    )
    assert snapshot(made / "run") == before


def test_estimate_never_deletes_the_predictions_it_reads(tmp_path):
    """A predictions folder written by framing (an older version's marker): --out it with
    --overwrite used to replace it, predictions.csv and all."""
    make_corpus(tmp_path)
    legacy_marker(tmp_path)
    before = snapshot(tmp_path)
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(tmp_path),
        "--overwrite",
        "--no-figure",
    )
    refused(done, "predictions")
    assert snapshot(tmp_path) == before


def test_validate_never_deletes_the_checkpoint_it_scores(made, tmp_path):
    coded, _ = coded_sample(tmp_path)
    checkpoint = made / "run" / "checkpoint"
    before = snapshot(checkpoint)
    done = framing(
        "validate",
        str(checkpoint),
        "--coded",
        str(coded),
        "--sentences",
        str(SENTENCES),
        "--out",
        str(checkpoint),
        "--overwrite",
        "--bootstrap",
        "20",
    )
    refused(done, "checkpoint")
    assert snapshot(checkpoint) == before


# ---------------------------------------------------------------- train replaces only runs
@pytest.mark.parametrize("folder", ["pred", "imported", "study/labels"])
def test_train_never_replaces_another_commands_folder(made, folder):
    """hydra.run.dir= a prediction, a folder made by coding import, a labels/ folder (no
    .keep): each holds only files framing wrote, and train used to replace it with no flag."""
    target = made / folder
    (target / ".keep").unlink(missing_ok=True)
    before = snapshot(target)
    refused(framing("train", *FAST, f"hydra.run.dir={target}"))
    assert snapshot(target) == before


# ---------------------------------------------------------------- coding files
@pytest.mark.parametrize(
    "command",
    [
        ["coding", "assemble", "--out", "labels/coder_a.jsonl"],
        [
            "coding",
            "agreement",
            "--first",
            "labels/coder_a.jsonl",
            "--second",
            "labels/coder_a.jsonl",
            "--json",
            "labels/coder_a.jsonl",
        ],
        ["corpus", "articles", "--out", "labels/coder_a.jsonl"],
        ["corpus", "articles", "--report", "labels/coder_a.jsonl"],
        ["coding", "sample", "labels/coder_a.jsonl", "--strategy", "simple", "--size", "3"],
    ],
    ids=["assemble --out", "agreement --json", "corpus --out", "corpus --report", "sample"],
)
def test_no_other_command_replaces_a_coder_file(made, command):
    study = made / "study"
    before = snapshot(study / "labels")
    refused(framing(*command, cwd=study), "coder_a.jsonl")
    assert snapshot(study / "labels") == before


def test_a_sample_and_a_sheet_are_never_replaced_even_by_their_own_command(made):
    study = made / "study"
    before = snapshot(study / "labels")
    refused(
        framing(
            "coding",
            "export",
            "labels/b.jsonl",
            "--format",
            "label-studio",
            "--out",
            "labels/b.tasks.json",
            cwd=study,
        ),
        "b.tasks.json",
    )
    refused(
        framing("coding", "import", "export.json", "--out", "labels/b.jsonl", cwd=study), "b.jsonl"
    )
    assert snapshot(study / "labels") == before


# ---------------------------------------------------------------- the rule, in the library
def test_a_file_is_replaced_only_by_an_output_of_its_own_kind(tmp_path):
    target = tmp_path / "shared" / "table.csv"
    write_text(target, "first", Kind.COMPARISON)
    write_text(target, "second", Kind.COMPARISON)  # a rerun of its own command
    assert target.read_text() == "second"
    for other in (Kind.FIGURE, Kind.GOLD, Kind.AGREEMENT):
        with pytest.raises(FramingInputError, match="comparison"):
            write_text(target, "other", other)
    entry = json.loads((target.parent / MARKER).read_text())["entries"]["table.csv"]
    assert entry == {"kind": "comparison", "command": "framing compare"}
    assert target.read_text() == "second"


@pytest.mark.parametrize("kind", [Kind.SAMPLE, Kind.SHEET, Kind.ADJUDICATION])
def test_what_a_person_fills_in_is_never_replaced(tmp_path, kind):
    target = tmp_path / "x.jsonl"
    write_text(target, "drawn", kind)
    with pytest.raises(FramingInputError, match="never replaced"):
        write_text(target, "again", kind)
    assert target.read_text() == "drawn"


def test_a_folder_is_replaced_only_by_its_own_kind_and_never_when_it_holds_an_input(tmp_path):
    target = tmp_path / "out"
    with output_folder(target, Kind.PREDICTIONS) as tmp:
        (tmp / "predictions.csv").write_text("a")
    with output_folder(target, Kind.PREDICTIONS) as tmp:
        (tmp / "predictions.csv").write_text("b")
    with pytest.raises(FramingInputError, match="predictions"):
        check_folder_target(target, Kind.ESTIMATES)
    with pytest.raises(FramingInputError, match="input"):
        check_folder_target(target, Kind.PREDICTIONS, inputs=[target / "predictions.csv"])
    with pytest.raises(FramingInputError, match="already exists"):
        check_folder_target(target, Kind.PREDICTIONS, overwrite=False)
    # a figure drawn into it later: it now holds another command's output
    with output_file(target / "fig.png", Kind.FIGURE) as tmp:
        tmp.write_bytes(b"png")
    with pytest.raises(FramingInputError, match="other commands"):
        check_folder_target(target, Kind.PREDICTIONS)
    assert (target / "predictions.csv").read_text() == "b"


def test_markers_written_before_kinds_are_still_read(tmp_path):
    """Format-1 markers: a coder file, a sample, a coding sheet and a gold set are told from
    their content and protected; an old prediction folder is still a prediction."""
    labels = tmp_path / "labels"
    labels.mkdir()
    coding = {"sentence_id": "s1", "frames": [], "stance": "neutral", "note": ""}
    (labels / "coder_a.jsonl").write_text(json.dumps(coding) + "\n")
    (labels / "gold.jsonl").write_text(json.dumps(coding | {"text": "A sentence."}) + "\n")
    (labels / "b.jsonl").write_text(json.dumps({"sentence_id": "s1", "text": "A."}) + "\n")
    (labels / "b.sample.json").write_text("{}")
    (labels / "b.csv").write_text("sentence_id,article_id,position,text,stance,note\n")
    (labels / "figure.png").write_bytes(b"png")
    legacy_marker(labels)
    for name, protected_from in [
        ("coder_a.jsonl", Kind.GOLD),
        ("b.jsonl", Kind.SENTENCES),
        ("b.sample.json", Kind.AGREEMENT),
        ("b.csv", Kind.AUDIT),
        ("gold.jsonl", Kind.AGREEMENT),
    ]:
        with pytest.raises(FramingInputError):
            check_file_target(labels / name, protected_from)
    check_file_target(labels / "gold.jsonl", Kind.GOLD)  # assemble rebuilds its gold set
    check_file_target(labels / "figure.png", Kind.FIGURE)  # an old figure is redrawn
    with pytest.raises(FramingInputError, match="never replaced as a whole"):
        check_folder_target(labels, Kind.RUN)
    pred = tmp_path / "pred"
    pred.mkdir()
    for name in ("predictions.csv", "outlet_mix.csv", "report.json"):
        (pred / name).write_text("x")
    legacy_marker(pred)
    check_folder_target(pred, Kind.PREDICTIONS)
    with pytest.raises(FramingInputError, match="predictions"):
        check_folder_target(pred, Kind.RUN)
