"""The README's "Your own study", word for word, from the built wheel in a fresh core install.

The wheel is built from the package's own files, installed (not editable, core only: no torch)
into a new virtual environment, and every command of the section's bash block runs in a
temporary folder outside the repository, with that environment's ``framing`` first on PATH and
nothing of the repository on the Python path. Five steps of the block are people's work, which
the test does as they would:

- after ``framing study init``: the researcher writes the schema, codebook, articles and
  outlets — copied from ``examples/congestion_charge``;
- before the first ``framing coding import``: coder A codes the Label Studio tasks and exports
  the project (``batch1-export.json``, built from coder A's file in ``codings/``), and coder B
  fills in the CSV (from coder B's file);
- before the import of ``labels/adjudication.todo.csv``: an adjudicator decides each sentence
  the two coders coded differently (coder C's reading, from coder C's file, stands in);
- before the import of ``labels/check.csv`` (the random sample of the predicted corpus that
  ``framing validate`` and ``framing estimate`` read): a coder fills it in, from coder C's file,
  which codes every sentence of the study by hand;
- the first line, ``pip install framing``, is the install of the built wheel.

The validation and the estimates are checked against numbers recomputed here from
``predictions.csv`` and coder C's labels. Then the README's notebook block runs in the same
environment, and an encoder family on the core install fails with one line naming the
[transformers] extra.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import (
    EXAMPLE_STUDY,
    PROJECT_ROOT,
    codings,
    fill_sheet,
    label_studio_export,
)

#: what the wheel is built from (the rest of the repository is not part of it)
PACKAGE_FILES = ("pyproject.toml", "README.md", "framing", "hydra_plugins")


def readme_section() -> str:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Your own study\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def fenced(section: str, language: str) -> str:
    (block,) = re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)
    return block


def commands(block: str) -> list[str]:
    """The block's commands: comment lines dropped, trailing comments cut."""
    out = []
    for line in block.splitlines():
        line = re.sub(r"\s+# .*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@pytest.fixture(scope="module")
def core_install(tmp_path_factory) -> Path:
    """A fresh virtual environment with the built wheel installed (core, no extras)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in PACKAGE_FILES:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, source / name)
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work), "."],
        cwd=source, capture_output=True, text=True,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = work.glob("framing-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
         "--disable-pip-version-check", str(wheel)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr[-3000:]
    return venv


def run(command: str, cwd: Path, venv: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FRAMING_STUDY")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return subprocess.run(
        command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def write_study(folder: Path) -> None:
    """The researcher's part after ``framing study init``: schema, codebook, articles."""
    shutil.copy(EXAMPLE_STUDY / "conf" / "study.yaml", folder / "conf" / "study.yaml")
    shutil.copy(EXAMPLE_STUDY / "codebook.md", folder / "codebook.md")
    shutil.copy(EXAMPLE_STUDY / "outlets.csv", folder / "outlets.csv")
    for article in (EXAMPLE_STUDY / "articles").glob("*.txt"):
        shutil.copy(article, folder / "articles" / article.name)


def code_the_samples(study: Path) -> None:
    """The coders' part: coder A in Label Studio (its JSON export), coder B in the CSV."""
    tasks = json.loads((study / "labels" / "batch1.tasks.json").read_text(encoding="utf-8"))
    export = label_studio_export(tasks, codings("coder_a"))
    (study / "batch1-export.json").write_text(json.dumps(export), encoding="utf-8")
    fill_sheet(study / "labels" / "overlap1.csv", codings("coder_b"))


#: the adjudication template framing coding assemble writes for the coders' disagreements
ADJUDICATION_SHEET = "labels/adjudication.todo.csv"
#: the README's random sample of the predicted corpus, coded by hand, for validate and estimate
CHECK_SHEET = "labels/check.csv"


def adjudicate(study: Path) -> None:
    """The adjudicator decides each sentence of the template (coder C's labels stand in)."""
    fill_sheet(study / ADJUDICATION_SHEET, codings("coder_c"))


def code_the_check_sample(study: Path) -> None:
    """A coder fills in the check sample's CSV (coder C's labels, read against the codebook)."""
    fill_sheet(study / CHECK_SHEET, codings("coder_c"))


def check_validation_and_estimates(study: Path) -> None:
    """What ``framing validate`` and ``framing estimate`` wrote, against numbers recomputed from
    the sample record, predictions.csv and coder C's labels."""
    record = json.loads((study / "labels" / "check.sample.json").read_text())
    assert (record["strategy"], record["random"], record["unit"]) == ("simple", True, "sentence")
    assert record["population"]["file"] == "results/predictions/predictions.csv"
    assert record["population"]["n_sentences"] == 60
    ids = [u["sentence_id"] for u in record["units"]]
    assert len(ids) == 20
    assert [u["inclusion_probability"] for u in record["units"]] == pytest.approx([20 / 60] * 20)
    coded = [
        json.loads(x) for x in (study / "labels" / "check.coded.jsonl").read_text().splitlines()
    ]
    coder_c = codings("coder_c")
    assert {c["sentence_id"]: (c["frames"], c["stance"]) for c in coded} == {
        i: (coder_c[i]["frames"], coder_c[i]["stance"]) for i in ids
    }

    predictions = pd.read_csv(study / "results" / "predictions" / "predictions.csv")
    sample = predictions.set_index("sentence_id").loc[ids]
    stance = ["favourable", "neutral", "critical"]
    predicted = sample[[f"pred:{c}" for c in stance]].to_numpy().argmax(axis=1)
    confusion = pd.crosstab(
        pd.Categorical([coder_c[i]["stance"] for i in ids], categories=stance),
        pd.Categorical([stance[j] for j in predicted], categories=stance),
        dropna=False,
    )
    written = pd.read_csv(study / "results" / "validation" / "confusion_stance.csv", index_col=0)
    assert written.to_numpy().tolist() == confusion.to_numpy().tolist()
    validation = json.loads((study / "results" / "validation" / "validation.json").read_text())
    assert validation["n_coded"] == 20 and set(validation["tasks"]) == {"frames", "stance"}
    for task in validation["tasks"].values():
        assert "cross-validation" in task["statement"] and task["cv_macro_f1"]["mean"] > 0

    report = json.loads((study / "results" / "estimates" / "report.json").read_text())
    assert report["valid"] is True and report["sample"]["n_coded"] == 20
    assert report["n_sentences"] == 60
    estimates = pd.read_csv(study / "results" / "estimates" / "estimates.csv")
    shares = estimates[estimates["level"] == "sentences"]
    assert set(shares["outlet"]) == {
        "All outlets", "Harbour Gazette", "Aldwin Business Daily", "Coastline Radio",
    }  # fmt: skip
    overall = shares[shares["outlet"] == "All outlets"].set_index("label")
    truth = {
        "economic_cost": ["economic_cost" in coder_c[i]["frames"] for i in ids],
        "public_health": ["public_health" in coder_c[i]["frames"] for i in ids],
        "no_frame": [not coder_c[i]["frames"] for i in ids],
        **{c: [coder_c[i]["stance"] == c for i in ids] for c in stance},
    }
    frame_preds = predictions[["pred:economic_cost", "pred:public_health"]]
    counted = {
        **{c.removeprefix("pred:"): predictions[c].mean() for c in predictions if "pred:" in c},
        "no_frame": (frame_preds.sum(axis=1) == 0).mean(),
    }
    for label, coded_labels in truth.items():
        row = overall.loc[label]
        assert row["coded_only"] == pytest.approx(sum(coded_labels) / 20, abs=1e-6), label
        assert row["classify_and_count"] == pytest.approx(counted[label], abs=1e-6), label
        assert row["low"] <= row["estimate"] <= row["high"], label
    assert (study / "results" / "estimates" / "outlet_estimates_economic_cost.png").is_file()


def test_your_own_study_word_for_word_from_the_wheel(core_install, tmp_path):
    venv = core_install
    assert PROJECT_ROOT not in tmp_path.parents
    where = run("python -c 'import framing; print(framing.__file__)'", tmp_path, venv)
    assert "site-packages" in where.stdout, where  # the wheel, not the repository
    no_torch = "import importlib.util as u, sys; sys.exit(u.find_spec('torch') is not None)"
    assert run(f'python -c "{no_torch}"', tmp_path, venv).returncode == 0

    steps = commands(fenced(readme_section(), "bash"))
    assert steps[0].startswith("pip install framing")  # done above: the built wheel
    cwd, coded, outputs = tmp_path, False, {}
    for command in steps[1:]:
        if command.startswith("cd "):
            cwd = cwd / command[3:].strip()
            continue
        if command.startswith("framing coding import") and not coded:
            code_the_samples(cwd)
            coded = True
        if command.startswith(f"framing coding import {ADJUDICATION_SHEET}"):
            adjudicate(cwd)
        if command.startswith(f"framing coding import {CHECK_SHEET}"):
            code_the_check_sample(cwd)
        done = run(command, cwd, venv)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        outputs[command] = done.stdout
        if command.startswith("framing study init "):
            write_study(cwd / command.split()[3])
    study = cwd

    # what the loop left behind
    gold = (study / "labels" / "gold.jsonl").read_text().splitlines()
    assert len(gold) == 40  # the coded batch
    rows = [json.loads(x) for x in gold]  # the coders' disagreements, adjudicated
    assert not any("disagreement" in r for r in rows) and any(r["adjudicated"] for r in rows)
    agreement = next(out for cmd, out in outputs.items() if cmd == "framing coding agreement")
    assert "| economic_cost |" in agreement and "| stance |" in agreement
    assert "Disagreements (" in agreement
    predictions = (study / "results" / "predictions" / "predictions.csv").read_text()
    header = predictions.splitlines()[0]
    assert "proba:economic_cost" in header and "pred:critical" in header
    assert len(predictions.splitlines()) == 61  # every sentence of the corpus
    active = json.loads((study / "labels" / "batch2.sample.json").read_text())
    assert active["strategy"] == "active" and active["random"] is False
    coded_ids = {json.loads(x)["sentence_id"] for x in gold}
    assert not coded_ids & {u["sentence_id"] for u in active["units"]}
    assert (study / "results" / "runs" / "frames" / "checkpoint" / "README.md").is_file()
    check_validation_and_estimates(study)
    report = (study / "results" / "report.html").read_text(encoding="utf-8")
    assert "What was counted" in report and "data:image/png;base64," in report

    # the README's notebook block, on a Parquet of the same articles
    table = (
        "import pandas as pd, pathlib\n"
        "paths = sorted(pathlib.Path('articles').glob('*.txt'))\n"
        "pd.DataFrame({'article_id': [p.stem for p in paths], 'text': [p.read_text() for p in "
        "paths], 'outlet': ['Harbour Gazette'] * len(paths)}).to_parquet('news.parquet')\n"
    )
    block = fenced(readme_section(), "python")
    (study / "notebook.py").write_text(table + block + "\nprint(shares.to_csv())\n")
    done = run("python notebook.py", study, venv)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Harbour Gazette" in done.stdout and "pred:public_health" in done.stdout

    # an encoder family on the core install: one line naming the extra, no run folder
    done = run("framing train model=embedding_lr hydra.run.dir=results/runs/encoder", study, venv)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "[transformers]" in lines[0]
    assert not (study / "results" / "runs" / "encoder").exists()
