"""Predictions written as Parquet (``framing predict format=parquet``) go through every command
that takes predictions exactly as the CSV does: ``coding sample --population`` (simple and
Neyman), ``framing estimate`` (and its ``--parquet`` tables), ``sample-size``, ``validate``,
``discover``'s input and the study report's counted sentences. TF-IDF + LR checkpoints of the
seed study predict the seed articles once in each format; each command runs on both and must
give the same result (floats to 1e-9: the CSV keeps six significant digits of nothing the
commands use, the decisions and the Parquet's probabilities are the same numbers)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from markupsafe import escape

from framing.data.tables import read_table_chunks, table_columns
from framing.discover.inputs import read_discovery_input
from framing.study import load_study

from conftest import PROJECT_ROOT, framing


@pytest.fixture(scope="module")
def both_formats(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parquet")
    checkpoints = []
    for task in ("frames", "stance"):
        done = framing(
            "train",
            f"task={task}",
            "model=tfidf_lr",
            "eval.bootstrap=50",
            f"hydra.run.dir={folder / task}",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        checkpoints.append(folder / task / "checkpoint")
    files = {}
    for fmt in ("csv", "parquet"):
        done = framing(
            "predict",
            f"checkpoint=[{','.join(map(str, checkpoints))}]",
            "input=seeds/articles",
            "outlets=seeds/outlets.csv",
            f"format={fmt}",
            f"output={folder / fmt}",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        files[fmt] = folder / fmt / f"predictions.{fmt}"
        assert files[fmt].is_file()
    return folder, files, checkpoints


def read_all(path):
    return pd.concat(read_table_chunks(path, None, ("sentence_id",)), ignore_index=True)


def test_both_formats_hold_the_same_rows(both_formats):
    _, files, _ = both_formats
    assert table_columns(files["csv"]) == table_columns(files["parquet"])
    csv, parquet = read_all(files["csv"]), read_all(files["parquet"])
    assert list(csv["sentence_id"]) == list(parquet["sentence_id"])
    for column in [c for c in csv if c.startswith(("pred:", "proba:"))]:
        assert (csv[column].to_numpy(float) - parquet[column].to_numpy(float)).max() < 1e-6


@pytest.mark.parametrize("allocation", ["simple", "neyman"])
def test_a_sample_drawn_from_either_format_is_the_same(both_formats, allocation):
    folder, files, _ = both_formats
    drawn = {}
    for fmt, path in files.items():
        out = folder / f"sample_{allocation}_{fmt}.jsonl"
        strategy = (
            ["--strategy", "simple"]
            if allocation == "simple"
            else ["--strategy", "stratified", "--allocation", "neyman"]
        )
        done = framing(
            "coding",
            "sample",
            str(out),
            *strategy,
            "--size",
            "40",
            "--seed",
            "5",
            "--population",
            str(path),
        )
        assert done.returncode == 0, done.stderr[-2000:]
        drawn[fmt] = [json.loads(line)["sentence_id"] for line in out.read_text().splitlines()]
        record = json.loads(out.with_suffix(".sample.json").read_text())
        drawn[fmt + "_population"] = record["population"]["sha256"]
    assert len(drawn["csv"]) == 40 and drawn["csv"] == drawn["parquet"]
    assert drawn["csv_population"] == drawn["parquet_population"]


def coded_sample(folder, path, name):
    """A simple random sample of 60 of the corpus, coded with the gold labels."""
    out = folder / f"{name}.jsonl"
    done = framing(
        "coding",
        "sample",
        str(out),
        "--strategy",
        "simple",
        "--size",
        "60",
        "--seed",
        "1",
        "--population",
        str(path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    gold = {
        r["sentence_id"]: {k: r[k] for k in ("sentence_id", "frames", "stance")}
        for r in map(json.loads, (PROJECT_ROOT / "seeds/sentences.jsonl").read_text().splitlines())
    }
    ids = [json.loads(line)["sentence_id"] for line in out.read_text().splitlines()]
    coded = folder / f"{name}_coded.jsonl"
    coded.write_text("".join(json.dumps(gold[i]) + "\n" for i in ids))
    return coded, out.with_suffix(".sample.json")


def test_estimate_and_sample_size_give_the_same_numbers_from_either_format(both_formats):
    folder, files, _ = both_formats
    tables = {}
    for fmt, path in files.items():
        coded, record = coded_sample(folder, path, f"est_{fmt}")
        out = folder / f"estimates_{fmt}"
        done = framing(
            "estimate",
            str(path),
            str(coded),
            "--record",
            str(record),
            "--out",
            str(out),
            "--no-figure",
            "--parquet",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        tables[fmt] = pd.read_csv(out / "estimates.csv")
        typed = pd.read_parquet(out / "estimates.parquet")
        assert len(typed) == len(tables[fmt]) and typed["estimate"].dtype == float
        assert len(pd.read_parquet(out / "differences.parquet")) == len(
            pd.read_csv(out / "differences.csv")
        )
        plan = folder / f"plan_{fmt}.csv"
        done = framing(
            "sample-size", str(path), str(coded), "--record", str(record), "--out", str(plan)
        )
        assert done.returncode == 0, done.stderr[-2000:]
        tables[fmt + "_plan"] = pd.read_csv(plan)
    for name in ("", "_plan"):
        csv, parquet = tables["csv" + name], tables["parquet" + name]
        assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet)
        numbers = csv.select_dtypes("number").columns
        pd.testing.assert_frame_equal(csv[numbers], parquet[numbers], atol=1e-9, rtol=1e-6)


def test_validate_reads_the_texts_from_either_format(both_formats):
    folder, files, checkpoints = both_formats
    scores = {}
    for fmt, path in files.items():
        coded, _ = coded_sample(folder, path, f"val_{fmt}")
        out = folder / f"validation_{fmt}"
        done = framing(
            "validate",
            *map(str, checkpoints),
            "--coded",
            str(coded),
            "--sentences",
            str(path),
            "--out",
            str(out),
        )
        assert done.returncode == 0, done.stderr[-2000:]
        scores[fmt] = pd.read_csv(out / "per_label.csv")
    numbers = scores["csv"].select_dtypes("number").columns
    pd.testing.assert_frame_equal(scores["csv"][numbers], scores["parquet"][numbers], atol=1e-9)


def test_discover_reads_the_unframed_sentences_from_either_format(both_formats):
    _, files, _ = both_formats
    schema = load_study(PROJECT_ROOT).schema
    found = {fmt: read_discovery_input(path, schema) for fmt, path in files.items()}
    assert found["csv"].selection == found["parquet"].selection
    assert list(found["csv"].table["sentence_id"]) == list(found["parquet"].table["sentence_id"])
    assert found["parquet"].table["text"].map(type).eq(str).all()


def test_the_study_report_counts_sentences_from_a_parquet_folder(both_formats, tmp_path):
    folder, files, _ = both_formats
    page = tmp_path / "report.html"
    done = framing("report", "--predictions", str(files["parquet"].parent), "--out", str(page))
    assert done.returncode == 0, done.stderr[-2000:]
    html = page.read_text(encoding="utf-8")
    table = read_all(files["parquet"])
    counted = table[table["pred:isolation_breaking"] == 1]
    surest = counted.sort_values("proba:isolation_breaking", ascending=False)["text"].iloc[0]
    assert "predictions.parquet" in html and str(escape(surest)) in html


def test_a_file_that_is_not_parquet_is_one_error(tmp_path):
    fake = tmp_path / "predictions.parquet"
    fake.write_text("sentence_id,article_id,text\n1,a,b\n")
    out = tmp_path / "sample.jsonl"
    done = framing(
        "coding",
        "sample",
        str(out),
        "--strategy",
        "simple",
        "--size",
        "1",
        "--population",
        str(fake),
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("error:") == 1 and "not a readable Parquet file" in done.stderr
    assert str(fake) in done.stderr and not out.exists()
