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
- the first line, ``pip install framing-toolkit``, runs as written with pip pointed at the
  built wheel (``--find-links``): the name is not on PyPI yet.

The validation and the estimates are checked against numbers recomputed here from
``predictions.csv`` and coder C's labels. Then the README's notebook block runs in the same
environment, and an encoder family on the core install fails with one line naming the
[transformers] extra.

The README's other install lines are checked too: every one names this distribution and
extras it has, and the quick start's first command runs as written in a fresh virtual
environment, in a copy of the repository's package and seed study.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from framing.distribution import DISTRIBUTION

from conftest import (
    EXAMPLE_STUDY,
    PROJECT_ROOT,
    codings,
    fill_sheet,
    label_studio_export,
)

#: what the wheel is built from (the rest of the repository is not part of it)
PACKAGE_FILES = ("pyproject.toml", "README.md", "framing", "hydra_plugins")
#: the seed study, which the quick start trains on (this repository is its study folder)
SEED_STUDY_FILES = ("conf", "seeds")
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def readme_section(title: str = "Your own study") -> str:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def copy_files(names, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, target / name)


def fresh_venv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    return folder


def fenced(section: str, language: str, first: bool = False) -> str:
    """The section's one block of ``language`` (``first``: the first of several)."""
    blocks = re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)
    if first:
        return blocks[0]
    (block,) = blocks
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
    copy_files(PACKAGE_FILES, source)
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work), "."],
        cwd=source,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = work.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        fields = archive.read(metadata).decode().split("\n\n")[0].splitlines()
    assert f"Name: {DISTRIBUTION}" in fields and f"Version: {version()}" in fields
    venv = fresh_venv(work / "venv")
    # the README's install line as written; pip finds the name in the wheel's folder
    install = commands(fenced(readme_section(), "bash"))[0]
    assert shlex.split(install) == ["pip", "install", DISTRIBUTION], install
    pip = run(f"{install} --find-links {shlex.quote(str(work))}", work, venv)
    assert pip.returncode == 0, pip.stdout[-2000:] + pip.stderr[-3000:]
    installed = run(f"python -c {shlex.quote(VERSION_SCRIPT)}", work, venv)
    assert installed.stdout.split() == [version(), version()], installed  # the wheel's
    return venv


#: the installed distribution's version, and the one framing reports
VERSION_SCRIPT = (
    f"import importlib.metadata as m, framing; print(m.version('{DISTRIBUTION}'), "
    "framing.__version__)"
)


def version() -> str:
    return PYPROJECT["project"]["version"]


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
        "All outlets",
        "Harbour Gazette",
        "Aldwin Business Daily",
        "Coastline Radio",
    }
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
    for task in ("frames", "stance"):  # one faceted figure per task
        assert (study / "results" / "estimates" / f"outlet_estimates_{task}.png").is_file()
    assert report["estimand"] == "corpus"
    # three outlets with coded sentences: pooled across them, each outlet's own PPI++ beside
    outlets = shares[shares["outlet"] != "All outlets"]
    assert outlets["method"].str.startswith("pooled").all()
    assert (outlets["low"] <= outlets["estimate"]).all()
    assert (outlets["estimate"] <= outlets["high"]).all()
    assert outlets["unpooled_low"].notna().all()

    # cross-prediction: the study's TF-IDF checkpoints refitted on the gold set and 2 of 3
    # folds of the coded articles; the corpus is the study's own, so every article is in a fold
    crossed = json.loads((study / "results" / "estimates_crossfit" / "report.json").read_text())
    cross = crossed["cross_prediction"]
    assert cross["folds"] == 3 and cross["tasks"]["frames"]["family"] == "tfidf_lr"
    assert cross["gold_articles_in_the_corpus"] == cross["coded_articles"] or (
        cross["gold_articles_in_the_corpus"] >= 3
    )
    again = pd.read_csv(study / "results" / "estimates_crossfit" / "estimates.csv")
    again = again[(again["level"] == "sentences") & (again["outlet"] == "All outlets")]
    assert (again["low"] <= again["estimate"]).all() and (again["estimate"] <= again["high"]).all()
    # the coded sample alone does not depend on the predictions
    assert again.set_index("label")["coded_only"].to_dict() == pytest.approx(
        overall["coded_only"].to_dict(), abs=1e-9
    )

    # the plan: capped at the 60 sentences of the corpus (and each outlet at its own), never
    # +-0 short of a census, which its rows name
    plan = pd.read_csv(study / "results" / "plan.csv")
    assert plan["n_coded_total"].max() == 60
    census = plan["note"].fillna("").str.contains("census")
    assert census[plan["n_coded_total"] == 60].all()
    assert (plan[census]["half_width"] == 0).all() and (plan[~census]["half_width"] > 0).all()
    size = predictions["outlet"].value_counts().to_dict() | {"All outlets": 60}
    assert (plan["n_coded_outlet"] <= plan["outlet"].map(size) + 1e-9).all()
    assert "n_for_half_width_0.1" in plan


def check_the_card_is_shareable(checkpoint: Path, machine_path: Path) -> None:
    """The card and record of a trained checkpoint name no folder of this machine; the card
    states the study's license."""
    card = (checkpoint / "README.md").read_text(encoding="utf-8")
    record = (checkpoint / "framing_checkpoint.json").read_text(encoding="utf-8")
    assert str(machine_path) not in card and str(machine_path) not in record
    assert "- Data file: `labels/gold.jsonl` (sha256 `" in card
    assert 'framing.load("results/runs/frames/checkpoint")' in card
    assert "\nlicense: mit\n" in card and "`mit` (the study's `license:`)" in card
    assert f'pip install "{DISTRIBUTION}"' in card


def test_your_own_study_word_for_word_from_the_wheel(core_install, tmp_path):
    venv = core_install
    assert PROJECT_ROOT not in tmp_path.parents
    where = run("python -c 'import framing; print(framing.__file__)'", tmp_path, venv)
    assert "site-packages" in where.stdout, where  # the wheel, not the repository
    no_torch = "import importlib.util as u, sys; sys.exit(u.find_spec('torch') is not None)"
    assert run(f'python -c "{no_torch}"', tmp_path, venv).returncode == 0

    steps = commands(fenced(readme_section(), "bash"))
    assert steps[0] == f"pip install {DISTRIBUTION}"  # done above: the built wheel
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
    check_the_card_is_shareable(study / "results" / "runs" / "frames" / "checkpoint", tmp_path)
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


# ------------------------------------------------------------------- the other install lines
#: ``pip install …`` in the README (to the end of a code span, line or comment)
PIP_INSTALL = re.compile(r"pip install ([^`\n#]*)")


def install_targets(text: str) -> list[str]:
    """What the README's ``pip install`` lines install: this toolkit by name (a requirement
    starting with ``framing``) or from a clone or wheel (``.``, ``dist/…``); flags and other
    packages are left out."""
    targets = []
    for match in PIP_INSTALL.finditer(text):
        arguments = re.split(r"&&|;|\||\)", match.group(1))[0]  # this command only
        for token in shlex.split(arguments.replace("…", "")):  # "framing-toolkit…" in prose
            if token.startswith(("framing", ".", "dist/")):
                targets.append(token)
    return targets


def test_every_install_line_names_this_distribution_and_its_extras():
    assert PYPROJECT["project"]["name"] == DISTRIBUTION
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    # the dev extra pulls the others in under the distribution's own name
    (itself,) = [r for r in PYPROJECT["project"]["optional-dependencies"]["dev"] if "[" in r]
    assert Requirement(itself).name == DISTRIBUTION and Requirement(itself).extras <= extras
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    targets = install_targets(text)
    by_name = [t for t in targets if t.startswith("framing")]
    assert len(by_name) >= 6 and {"-e", "."} & set(shlex.split(text.split("pip install")[1]))
    for target in targets:
        if target.startswith("framing"):
            requirement = Requirement(target)
            assert canonicalize_name(requirement.name) == DISTRIBUTION, target
            wanted = requirement.extras
        else:  # a clone (".", ".[dev]") or the built wheel
            path, _, rest = target.partition("[")
            wanted = set(rest.rstrip("]").split(",")) if rest else set()
            if path.endswith(".whl"):
                wheel = f"{DISTRIBUTION.replace('-', '_')}-{version()}-py3-none-any.whl"
                assert path == f"dist/{wheel}", target
            else:
                assert path == ".", target
        assert wanted <= extras, f"{target}: no extra {wanted - extras}"
    # the messages that tell a user what to install take the name from one place
    for source in (PROJECT_ROOT / "framing").rglob("*.py"):
        code = source.read_text(encoding="utf-8")
        assert not re.search(r"pip install[^\n]*\bframing\[", code), source


def test_quick_start_first_command_as_written(tmp_path):
    """The quick start's first command, as written, in a copy of the repository's package and
    seed study, in a fresh virtual environment: it installs the core and trains."""
    line = commands(fenced(readme_section("Quick start"), "bash", first=True))[0]
    assert line.startswith("python -m pip install -e . && framing train"), line
    clone = tmp_path / "clone"
    copy_files(PACKAGE_FILES + SEED_STUDY_FILES, clone)
    venv = fresh_venv(tmp_path / "venv")
    done = run(line, clone, venv)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert run(f"python -c {shlex.quote(VERSION_SCRIPT)}", tmp_path, venv).stdout.split() == [
        version(),
        version(),
    ]
    no_torch = "import importlib.util as u, sys; sys.exit(u.find_spec('torch') is not None)"
    assert run(f'python -c "{no_torch}"', tmp_path, venv).returncode == 0
    (metrics,) = (clone / "results" / "runs").rglob("metrics.json")
    assert json.loads(metrics.read_text())["task"] == "frames"
    card = (metrics.parent / "checkpoint" / "README.md").read_text(encoding="utf-8")
    assert str(tmp_path) not in card and "- Data file: `seeds/sentences.jsonl`" in card
    assert "\nlicense: other\n" in card
