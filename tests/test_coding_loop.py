"""The coding loop on the invented second study (examples/congestion_charge): samples and their
records, Label Studio and CSV export/import, agreement, assembly of a partly coded study,
active samples and the gold-set audit from real training runs, and every bad input the issue
names (one ``error:`` line naming the file and line or field, exit 2, nothing written)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from framing.coding.population import Population, population_sha256
from framing.coding.records import read_sample_record
from framing.coding.sampling import allocate, simple_sample, stratified_sample
from framing.corpus import Sentence

from conftest import PROJECT_ROOT, codings, fill_sheet, framing, label_studio_export, write_rows

EXAMPLE = PROJECT_ROOT / "examples" / "congestion_charge"
CODINGS = EXAMPLE / "codings"


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def one_error(done: subprocess.CompletedProcess, *expected: str) -> str:
    """The command failed with exit 2 and one ``error:`` line holding every ``expected``."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def new_study(root: Path) -> Path:
    """A copy of the example study with empty labels/."""
    study = root / "study"
    shutil.copytree(EXAMPLE, study, ignore=shutil.ignore_patterns("codings", "README.md"))
    return study


@pytest.fixture()
def study(tmp_path) -> Path:
    return new_study(tmp_path)


# ---------------------------------------------------------------- sampling designs


def population(n_per_outlet: dict[str, int]) -> Population:
    sentences = [
        Sentence(f"s{outlet}{i}", f"{outlet}-{i // 5}", outlet, i, f"text {i}", "sentence", f"g{i}")
        for outlet, n in n_per_outlet.items()
        for i in range(n)
    ]
    return Population(sentences, "test")


def test_random_samples_weight_back_to_the_population():
    """Horvitz-Thompson: the inverse inclusion probabilities of a sample add up to N."""
    pop = population({"A": 50, "B": 30, "C": 4})
    for drawn in (
        simple_sample(pop, 20, seed=1),
        stratified_sample(pop, 20, seed=1),
        stratified_sample(pop, 21, seed=2, allocation="equal"),
    ):
        assert sum(1 / p for p in drawn.probabilities.values()) == pytest.approx(84)
        assert [s.sentence_id for s in drawn.sentences] == [
            s.sentence_id for s in pop.sentences if s.sentence_id in drawn.probabilities
        ]  # reading order
    assert simple_sample(pop, 20, 1).probabilities == simple_sample(pop, 20, 1).probabilities
    assert simple_sample(pop, 20, 1).probabilities != simple_sample(pop, 20, 2).probabilities


def test_allocation_is_proportional_capped_and_gives_every_outlet_one():
    assert allocate({"A": 50, "B": 30, "C": 4}, 20, "proportional") == {"A": 12, "B": 7, "C": 1}
    assert allocate({"A": 50, "B": 30, "C": 4}, 21, "equal") == {"A": 9, "B": 8, "C": 4}
    assert sum(allocate({"A": 3, "B": 1000}, 40, "proportional").values()) == 40


def test_sample_command_writes_the_sample_and_its_record(study):
    out = ok(
        framing(
            "coding",
            "sample",
            "labels/b.jsonl",
            "--strategy",
            "stratified",
            "--size",
            "30",
            "--seed",
            "4",
            cwd=study,
        )
    )
    assert "wrote 30 sentences (stratified, random)" in out
    rows = [json.loads(x) for x in (study / "labels/b.jsonl").read_text().splitlines()]
    record = read_sample_record(study / "labels/b.jsonl")
    assert record.strategy == "stratified" and record.random and record.seed == 4
    assert [u.sentence_id for u in record.units] == [r["sentence_id"] for r in rows]
    strata = Counter(r["outlet"] for r in rows)
    assert record.population["strata"] == {
        "Aldwin Business Daily": 20,
        "Coastline Radio": 18,
        "Harbour Gazette": 22,
    }
    for unit in record.units:  # n_h / N_h
        n_h, big_n = strata[unit.outlet], record.population["strata"][unit.outlet]
        assert unit.inclusion_probability == pytest.approx(n_h / big_n)
    sentences = [json.loads(x) for x in (study / "labels/b.jsonl").read_text().splitlines()]
    assert {"sentence_id", "article_id", "outlet", "text", "dup_group"} <= set(sentences[0])
    # the population's fingerprint is the hash of its sentence ids in reading order
    done = ok(
        framing("corpus", "articles", "--outlets", "outlets.csv", "--out", "all.jsonl", cwd=study)
    )
    assert done
    ids = [json.loads(x)["sentence_id"] for x in (study / "all.jsonl").read_text().splitlines()]
    assert record.population["sha256"] == population_sha256(ids)
    # an overlap of it: parent probability times the within-article share
    ok(
        framing(
            "coding",
            "sample",
            "labels/o.jsonl",
            "--strategy",
            "overlap",
            "--from",
            "labels/b.jsonl",
            "--fraction",
            "0.5",
            "--seed",
            "1",
            cwd=study,
        )
    )
    overlap = read_sample_record(study / "labels/o.jsonl")
    parent = record.probabilities
    per_article = Counter(r["article_id"] for r in rows)
    for unit in overlap.units:
        k = -(-per_article[unit.article_id] // 2)
        expected = parent[unit.sentence_id] * k / per_article[unit.article_id]
        assert unit.inclusion_probability == pytest.approx(expected)
    assert overlap.random and overlap.population["sha256"] == record.population["sha256"]
    # a sample never overwrites a file
    before = files(study)
    one_error(
        framing(
            "coding", "sample", "labels/b.jsonl", "--strategy", "simple", "--size", "5", cwd=study
        ),
        "labels/b.jsonl",
        "already exists",
    )
    assert files(study) == before


def test_a_population_file_and_exclusions(study, tmp_path):
    ok(framing("corpus", "articles", "--out", "all.jsonl", cwd=study))
    ok(
        framing(
            "coding",
            "sample",
            "labels/first.jsonl",
            "--strategy",
            "simple",
            "--size",
            "20",
            cwd=study,
        )
    )
    ok(
        framing(
            "coding",
            "sample",
            "labels/second.jsonl",
            "--strategy",
            "simple",
            "--size",
            "40",
            "--population",
            "all.jsonl",
            "--exclude",
            "labels/first.jsonl",
            cwd=study,
        )
    )
    first = read_sample_record(study / "labels/first.jsonl")
    second = read_sample_record(study / "labels/second.jsonl")
    assert not set(first.probabilities) & set(second.probabilities)
    assert second.population["n_sentences"] == 40 and second.population["file"] == "all.jsonl"
    assert second.population["excluded"] == {"files": ["labels/first.jsonl"], "n_sentences": 20}
    assert set(second.probabilities.values()) == {1.0}


def test_the_overlap_sample_draws_the_seed_studys_blind_second_coding(tmp_path):
    """(``python -m framing.annotate sample`` drew it before; the alias is gone.)"""
    out = tmp_path / "blind.jsonl"
    done = framing(
        "coding", "sample", str(out), "--strategy", "overlap", "--fraction", "0.5", "--seed", "2024"
    )
    assert done.returncode == 0, done.stderr
    drawn = {json.loads(x)["sentence_id"] for x in out.read_text().splitlines()}
    blind = PROJECT_ROOT / "seeds/labels/coder_b_blind.jsonl"
    assert drawn == {json.loads(x)["sentence_id"] for x in blind.read_text().splitlines()}
    assert read_sample_record(out).strategy == "overlap"


# ---------------------------------------------------------------- export and import


def test_label_studio_round_trip(study):
    ok(
        framing(
            "coding",
            "sample",
            "labels/b.jsonl",
            "--strategy",
            "simple",
            "--size",
            "25",
            "--seed",
            "3",
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
    config = ET.parse(study / "labels/b.tasks.xml").getroot()
    choices = {c.get("name"): c for c in config.iter("Choices")}
    assert choices["frames"].get("choice") == "multiple"
    assert choices["stance"].get("choice") == "single-radio"
    assert [c.get("value") for c in choices["frames"]] == ["economic_cost", "public_health"]
    assert [c.get("value") for c in choices["stance"]] == ["favourable", "neutral", "critical"]
    assert config.find("Text").get("value") == "$text"
    tasks = json.loads((study / "labels/b.tasks.json").read_text())
    assert len(tasks) == 25 and all("predictions" not in t for t in tasks)
    assert set(tasks[0]["data"]) == {"sentence_id", "article_id", "position", "text"}
    coder = codings("coder_a")
    exported = label_studio_export(tasks, coder, annotators=(7, 8))
    (study / "export.json").write_text(json.dumps(exported))
    one_error(
        framing("coding", "import", "export.json", "--out", "labels/coder_a.jsonl", cwd=study),
        "export.json",
        "field '[0].annotations'",
        "--annotator",
    )
    assert not (study / "labels/coder_a.jsonl").exists()
    out = ok(
        framing(
            "coding",
            "import",
            "export.json",
            "--out",
            "labels/coder_a.jsonl",
            "--annotator",
            "8",
            cwd=study,
        )
    )
    assert "added 25 codings" in out
    imported = [json.loads(x) for x in (study / "labels/coder_a.jsonl").read_text().splitlines()]
    assert {r["sentence_id"]: (r["frames"], r["stance"]) for r in imported} == {
        t["data"]["sentence_id"]: (
            coder[t["data"]["sentence_id"]]["frames"],
            coder[t["data"]["sentence_id"]]["stance"],
        )
        for t in tasks
    }
    # importing again adds nothing and changes nothing
    before = (study / "labels/coder_a.jsonl").read_bytes()
    again = ok(
        framing(
            "coding",
            "import",
            "export.json",
            "--out",
            "labels/coder_a.jsonl",
            "--annotator",
            "7",
            cwd=study,
        )
    )
    assert "added 0 codings (25 already there" in again
    assert (study / "labels/coder_a.jsonl").read_bytes() == before


def test_csv_round_trip_and_agreement(study):
    ok(framing("coding", "sheet", "labels/all.jsonl", cwd=study))
    assert read_sample_record(study / "labels/all.jsonl").strategy == "sheet"
    for coder in ("coder_a", "coder_b"):
        sheet = study / f"labels/{coder}.csv"
        ok(
            framing(
                "coding",
                "export",
                "labels/all.jsonl",
                "--format",
                "csv",
                "--out",
                str(sheet.relative_to(study)),
                cwd=study,
            )
        )
        fill_sheet(sheet, codings(coder))
        ok(
            framing(
                "coding",
                "import",
                str(sheet.relative_to(study)),
                "--out",
                f"labels/{coder}.jsonl",
                cwd=study,
            )
        )
    out = ok(framing("coding", "agreement", cwd=study))
    assert "Sentences coded by both coders: 60" in out
    assert "Disagreements (4):" in out  # the four sentences the two passes coded differently
    report = ok(framing("coding", "agreement", "--json", "report.json", cwd=study))
    assert report
    by_label = json.loads((study / "report.json").read_text())["by_label"]
    assert by_label["public_health"]["alpha"] == 1.0
    for row in by_label.values():
        assert row["ci_low"] <= row["alpha"] <= row["ci_high"] <= 1.0


def test_a_partly_coded_study_assembles_the_coded_sentences(study):
    coder = codings("coder_a")
    first = list(coder.values())[:30]
    (study / "labels/coder_a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in first))
    ok(framing("coding", "assemble", cwd=study))
    gold = [json.loads(x) for x in (study / "labels/gold.jsonl").read_text().splitlines()]
    assert [g["sentence_id"] for g in gold] == [r["sentence_id"] for r in first]
    assert gold[0]["text"] and gold[0]["outlet"] != "unknown"
    # a coded sentence that is not in the corpus stops assembly
    stray = {"sentence_id": "s000000000000", "frames": [], "stance": "neutral"}
    with (study / "labels/coder_a.jsonl").open("a") as fh:
        fh.write(json.dumps(stray) + "\n")
    (study / "labels/gold.jsonl").unlink()
    one_error(
        framing("coding", "assemble", cwd=study),
        "coder_a.jsonl",
        "field 'sentence_id'",
        "s000000000000",
    )
    assert not (study / "labels/gold.jsonl").exists()


# ---------------------------------------------------------------- bad input (the list)


def test_a_label_studio_choice_outside_the_schema(study):
    ok(framing("coding", "sheet", "labels/all.jsonl", cwd=study))
    ok(
        framing(
            "coding",
            "export",
            "labels/all.jsonl",
            "--format",
            "label-studio",
            "--out",
            "t.json",
            cwd=study,
        )
    )
    exported = label_studio_export(json.loads((study / "t.json").read_text()), codings("coder_a"))
    exported[3]["annotations"][0]["result"][0]["value"]["choices"] = ["positive"]
    (study / "export.json").write_text(json.dumps(exported))
    before = files(study)
    one_error(
        framing("coding", "import", "export.json", "--out", "labels/coder_a.jsonl", cwd=study),
        "export.json",
        "field '[3].annotations[0].result[0].value.choices'",
        "'positive' is not a stance class",
    )
    assert files(study) == before


def test_a_label_studio_task_without_an_id(study):
    ok(framing("coding", "sheet", "labels/all.jsonl", cwd=study))
    ok(
        framing(
            "coding",
            "export",
            "labels/all.jsonl",
            "--format",
            "label-studio",
            "--out",
            "t.json",
            cwd=study,
        )
    )
    exported = label_studio_export(json.loads((study / "t.json").read_text()), codings("coder_a"))
    del exported[5]["id"]
    (study / "export.json").write_text(json.dumps(exported))
    before = files(study)
    one_error(
        framing("coding", "import", "export.json", "--out", "labels/coder_a.jsonl", cwd=study),
        "export.json",
        "field '[5].id'",
        "a task without an id",
    )
    assert files(study) == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda rows: rows[2].update(stance="positive"),
            ("line 4", "field 'stance'", "unknown stance 'positive'"),
        ),
        (
            lambda rows: rows[4].update(sentence_id=rows[1]["sentence_id"]),
            ("line 6", "field 'sentence_id'", "duplicate sentence_id"),
        ),
        (
            lambda rows: rows[0].update({"frame:economic_cost": "maybe"}),
            ("line 2", "field 'frame:economic_cost'", "not a frame mark"),
        ),
        (
            lambda rows: [r.update({"frame:safety": ""}) for r in rows],
            ("line 1", "field 'frame:safety'", "not a frame of the schema"),
        ),
    ],
    ids=["unknown-label", "duplicate-id", "bad-mark", "unknown-frame-column"],
)
def test_a_coded_csv_with_bad_rows(study, change, expected):
    ok(framing("coding", "sheet", "labels/all.jsonl", cwd=study))
    ok(
        framing(
            "coding", "export", "labels/all.jsonl", "--format", "csv", "--out", "c.csv", cwd=study
        )
    )
    fill_sheet(study / "c.csv", codings("coder_a"))
    with (study / "c.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    change(rows)
    write_rows(study / "c.csv", rows)
    (study / "labels/coder_a.jsonl").write_text("")  # an existing (empty) coder file
    before = files(study)
    one_error(
        framing("coding", "import", "c.csv", "--out", "labels/coder_a.jsonl", cwd=study),
        "c.csv",
        *expected,
    )
    assert files(study) == before


def test_a_study_config_missing_a_required_key(study):
    config = study / "conf/study.yaml"
    config.write_text(config.read_text().replace("name: congestion_charge\n", ""))
    before = files(study)
    one_error(
        framing(
            "coding", "sample", "labels/b.jsonl", "--strategy", "simple", "--size", "5", cwd=study
        ),
        "conf/study.yaml",
        "field 'name'",
        "missing",
    )
    assert files(study) == before


def test_a_study_folder_without_articles(tmp_path):
    ok(framing("study", "init", "empty", cwd=tmp_path))
    study = tmp_path / "empty"
    before = files(study)
    one_error(
        framing(
            "coding", "sample", "labels/b.jsonl", "--strategy", "simple", "--size", "5", cwd=study
        ),
        "empty/articles",
        "no .txt or .html articles",
    )
    one_error(framing("coding", "sheet", "labels/all.jsonl", cwd=study), "empty/articles")
    assert files(study) == before


# ---------------------------------------------------------------- with trained checkpoints


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """The example study with 45 of its 60 sentences coded by coder A (every fourth left out),
    and a frames and a stance run (TF-IDF + LR) on them."""
    study = new_study(tmp_path_factory.mktemp("trained"))
    lines = (CODINGS / "coder_a.jsonl").read_text().splitlines()
    coded = [line for i, line in enumerate(lines) if i % 4 != 3]
    (study / "labels/coder_a.jsonl").write_text("\n".join(coded) + "\n")
    ok(framing("coding", "assemble", cwd=study))
    for task in ("frames", "stance"):
        ok(
            framing(
                "train",
                f"task={task}",
                f"hydra.run.dir=runs/{task}",
                "eval.bootstrap=50",
                cwd=study,
            )
        )
    return study


def test_active_sample_spreads_over_articles_and_skips_coded_sentences(trained):
    study = trained
    out = ok(
        framing(
            "coding",
            "sample",
            "labels/active.jsonl",
            "--strategy",
            "active",
            "--size",
            "8",
            "--max-per-article",
            "2",
            "--checkpoint",
            "runs/frames/checkpoint",
            "--checkpoint",
            "runs/stance/checkpoint",
            cwd=study,
        )
    )
    assert "not random: never use it for estimates" in out
    record = read_sample_record(study / "labels/active.jsonl")
    assert record.strategy == "active" and not record.random
    assert len(record.units) == 8
    assert max(Counter(u.article_id for u in record.units).values()) <= 2
    coded = {json.loads(x)["sentence_id"] for x in (study / "labels/coder_a.jsonl").open()}
    assert not coded & set(record.probabilities)
    scores = record.params["uncertainty"]
    assert set(scores) == set(record.probabilities) and all(0 <= v <= 1 for v in scores.values())
    assert record.population["excluded"] == {"files": ["labels/coder_a.jsonl"], "n_sentences": 45}
    assert [c["task"] for c in record.params["checkpoints"]] == ["frames", "stance"]


def test_preannotations_only_for_a_sample_that_is_not_random(trained):
    study = trained
    for name in ("active2", "random2"):
        for suffix in (".jsonl", ".sample.json", ".tasks.json", ".tasks.xml"):
            (study / "labels" / f"{name}{suffix}").unlink(missing_ok=True)
    ok(
        framing(
            "coding",
            "sample",
            "labels/random2.jsonl",
            "--strategy",
            "simple",
            "--size",
            "10",
            cwd=study,
        )
    )
    before = files(study)
    one_error(
        framing(
            "coding",
            "export",
            "labels/random2.jsonl",
            "--format",
            "label-studio",
            "--out",
            "labels/random2.tasks.json",
            "--predictions",
            "runs/frames/checkpoint",
            cwd=study,
        ),
        "random2.jsonl",
        "field '--predictions'",
        "random ('simple') sample",
    )
    assert files(study) == before
    ok(
        framing(
            "coding",
            "sample",
            "labels/active2.jsonl",
            "--strategy",
            "active",
            "--size",
            "5",
            "--checkpoint",
            "runs/frames/checkpoint",
            cwd=study,
        )
    )
    ok(
        framing(
            "coding",
            "export",
            "labels/active2.jsonl",
            "--format",
            "label-studio",
            "--out",
            "labels/active2.tasks.json",
            "--predictions",
            "runs/frames/checkpoint",
            "--predictions",
            "runs/stance/checkpoint",
            cwd=study,
        )
    )
    tasks = json.loads((study / "labels/active2.tasks.json").read_text())
    for task in tasks:
        (prediction,) = task["predictions"]
        controls = {r["from_name"]: r["value"]["choices"] for r in prediction["result"]}
        assert len(controls["stance"]) == 1
        assert set(controls.get("frames", [])) <= {"economic_cost", "public_health"}
        assert "frames:tfidf_lr" in prediction["model_version"]


def test_audit_ranks_likely_label_errors(trained, tmp_path):
    study = trained
    for task in ("frames", "stance"):
        out = ok(
            framing(
                "coding",
                "audit",
                f"runs/{task}",
                "--top",
                "3",
                "--out",
                str(tmp_path / f"{task}.csv"),
                cwd=study,
            )
        )
        with (tmp_path / f"{task}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert rows, out
        assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
        assert all(r["text"] for r in rows)
        quality = [float(r["quality"]) for r in rows]
        assert quality[0] == min(quality)  # most suspicious first (self-confidence)
        assert f"{task} codings flagged by cleanlab" in out
    one_error(
        framing("coding", "audit", "runs/frames", "runs/stance", cwd=study),
        "runs/stance",
        "audit one task at a time",
    )


def test_validate_warns_when_the_coded_sentences_were_training_sentences(trained):
    """A coded sample of the study's own corpus is mostly sentences the checkpoints were
    trained on; validate says how many, for each checkpoint, found by its training set's hash."""
    study = trained
    ok(
        framing(
            "corpus", "articles", "--outlets", "outlets.csv", "--out", "corpus_all.jsonl", cwd=study
        )
    )
    ok(
        framing(
            "coding",
            "sample",
            "labels/own.jsonl",
            "--strategy",
            "simple",
            "--size",
            "20",
            "--seed",
            "5",
            cwd=study,
        )
    )
    ids = [json.loads(x)["sentence_id"] for x in (study / "labels/own.jsonl").open()]
    coder = codings("coder_a")
    (study / "labels/own.coded.jsonl").write_text("".join(json.dumps(coder[i]) + "\n" for i in ids))
    out = ok(
        framing(
            "validate",
            "runs/frames/checkpoint",
            "runs/stance/checkpoint",
            "--coded",
            "labels/own.coded.jsonl",
            "--sentences",
            "corpus_all.jsonl",
            cwd=study,
        )
    )
    trained_on = {json.loads(x)["sentence_id"] for x in (study / "labels/gold.jsonl").open()}
    n = len(trained_on & set(ids))
    assert 0 < n < 20
    for task in ("frames", "stance"):
        assert (
            f"WARNING: {n} of 20 coded sentences ({100 * n / 20:.0f}%) were training sentences "
            f"of the {task} checkpoint (tfidf_lr; same words, in gold.jsonl)"
        ) in out


def test_uncertainty_is_highest_on_the_decision_boundary():
    import numpy as np

    from framing.coding.active import uncertainty

    frames = uncertainty(np.array([[0.30, 0.05], [0.99, 0.02], [0.10, 0.45]]), True, [0.3, 0.5])
    assert frames[0] == pytest.approx(1.0)  # the first frame sits on its threshold
    assert frames[1] < 0.1 and frames[2] == pytest.approx(0.9)
    stance = uncertainty(np.array([[0.4, 0.4, 0.2], [0.9, 0.05, 0.05]]), False)
    assert stance == pytest.approx([1.0, 0.15])


def test_the_diversity_guard_keeps_one_article_from_filling_the_batch():
    import numpy as np

    from framing.coding.active import select_uncertain

    sentences = [
        Sentence(f"s{i}", "long" if i < 20 else f"a{i}", "X", i, "t", "sentence", f"g{i}")
        for i in range(30)
    ]
    sentences[21].dup_group = sentences[22].dup_group = "copy"  # two copies of one sentence
    scores = np.r_[np.full(20, 0.9), np.linspace(0.5, 0.1, 10)]  # the long article is unsure
    unguarded = list(np.argsort(-scores, kind="stable")[:6])
    assert all(sentences[i].article_id == "long" for i in unguarded)
    chosen = select_uncertain(scores, sentences, size=6, max_per_article=2)
    assert [sentences[i].article_id for i in chosen].count("long") == 2
    assert len(chosen) == 6 and not {21, 22} <= set(chosen)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--strategy", "active", "--size", "5"], "field '--checkpoint'"),
        (["--strategy", "overlap"], "field '--fraction'"),
        (["--strategy", "simple", "--size", "0"], "field '--size'"),
        (["--strategy", "simple", "--size", "61"], "the population has 60"),
        (
            ["--strategy", "stratified", "--size", "9", "--allocation", "optimal"],
            "field '--allocation'",
        ),
        (["--strategy", "simple", "--size", "5", "--population", "none.jsonl"], "none.jsonl"),
    ],
)
def test_sample_options_that_cannot_work_write_nothing(study, options, expected):
    before = files(study)
    one_error(framing("coding", "sample", "labels/x.jsonl", *options, cwd=study), expected)
    assert files(study) == before


def test_a_batch_the_guard_cannot_fill_takes_the_most_uncertain_of_the_rest():
    import numpy as np

    from framing.coding.active import select_uncertain

    sentences = [Sentence(f"s{i}", "only", "X", i, "t", "sentence", f"g{i}") for i in range(8)]
    scores = np.linspace(0.9, 0.2, 8)
    assert select_uncertain(scores, sentences, size=5, max_per_article=2) == [0, 1, 2, 3, 4]
