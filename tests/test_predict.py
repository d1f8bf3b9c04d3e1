"""python -m framing.predict end to end, in a subprocess, on new articles written here."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from framing.checkpoint import save_checkpoint
from framing.models import family_class

from conftest import PROJECT_ROOT, fit

# Three new articles (not the seeds), with words the toy-trained models react to.
ARTICLES = {
    "alpha": (
        "Putin seeks partners in Hanoi\n\n"
        "Russian President Vladimir Putin landed in Hanoi on Wednesday, looking for partners to "
        "break the isolation that followed the invasion. Officials said the talks would cover "
        "energy and trade.\n\n"
        "Washington condemned the trip and warned of new sanctions. The embassy issued a "
        "statement of criticism."
    ),
    "beta": (
        "Bamboo diplomacy under test\n\n"
        "Vietnam says it keeps a neutral balance between the powers and will not take sides. "
        "Diplomats describe the approach as impartial.\n\n"
        "The leaders also discussed schools, roads and a new port."
    ),
    "gamma": (
        "A friendship of decades\n\n"
        "The two countries recalled the Soviet treaty and decades of history together. "
        "Veterans spoke of a friendship that began in the 1950s. "
        "Vietnam will never forget that support, the minister said."
    ),
}


def run_predict(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.run(
        [sys.executable, "-m", "framing.predict", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory, schema, toy_data) -> dict[str, Path]:
    texts, frames, stance = toy_data
    root = tmp_path_factory.mktemp("ckpts")
    out = {}
    for task, y in (("frames", frames), ("stance", stance)):
        model = family_class("tfidf_lr")(min_df=1)
        fit(model, texts, y, schema.labels(task))
        out[task] = save_checkpoint(
            model,
            root / task,
            schema=schema,
            task=task,
            config=None,
            data_sha256=None,
            metrics=None,
        )
    return out


@pytest.fixture
def article_folder(tmp_path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_folder_gives_predictions_mixes_figure_and_report(
    checkpoints, article_folder, tmp_path, schema
):
    (article_folder / "latin1.txt").write_bytes("Caf\xe9 in H\xe0 N\xf4i.".encode("latin-1"))
    outlets = tmp_path / "outlets.csv"
    outlets.write_text("article_id,outlet\nalpha,Daily A\nbeta,Daily A\ngamma,Weekly G\n")
    out = tmp_path / "out"
    result = run_predict(
        f"checkpoint=[{checkpoints['frames']},{checkpoints['stance']}]",
        f"input={article_folder}",
        f"output={out}",
        f"outlets={outlets}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr and "latin1.txt" in result.stderr

    frames, stances = schema.labels("frames"), schema.labels("stance")
    for name in ("predictions.csv", "article_mix.csv", "outlet_mix.csv", "report.json"):
        assert (out / name).is_file()
    assert (out / "framing_mix.pdf").stat().st_size > 0
    assert (out / "framing_mix.png").stat().st_size > 0

    preds = read_csv(out / "predictions.csv")
    expected = [
        "sentence_id",
        "article_id",
        "outlet",
        "position",
        "text",
        "kind",
        "dup_group",
        "language",
        "syndicated",
    ] + [f"{kind}:{label}" for label in frames + stances for kind in ("proba", "pred")]
    assert list(preds[0]) == expected
    assert {p["article_id"] for p in preds} == set(ARTICLES)
    for p in preds:
        assert sum(int(p[f"pred:{s}"]) for s in stances) == 1  # one stance per sentence
        assert all(0.0 <= float(p[f"proba:{label}"]) <= 1.0 for label in frames + stances)

    shares = [f"share:{label}" for label in frames] + ["share:no_frame"]
    shares += [f"share:{label}" for label in stances]
    articles = read_csv(out / "article_mix.csv")
    assert list(articles[0]) == ["article_id", "outlet", "n_sentences", *shares]
    assert {a["article_id"]: a["outlet"] for a in articles} == {
        "alpha": "Daily A",
        "beta": "Daily A",
        "gamma": "Weekly G",
    }
    for a in articles:
        rows = [p for p in preds if p["article_id"] == a["article_id"]]
        assert int(a["n_sentences"]) == len(rows)
        assert all(0.0 <= float(a[c]) <= 1.0 for c in shares)
        no_frame = np.mean([all(p[f"pred:{f}"] == "0" for f in frames) for p in rows])
        assert float(a["share:no_frame"]) == pytest.approx(no_frame, abs=1e-6)
        for label in frames + stances:
            share = np.mean([int(p[f"pred:{label}"]) for p in rows])
            assert float(a[f"share:{label}"]) == pytest.approx(share, abs=1e-6)
        assert sum(float(a[f"share:{s}"]) for s in stances) == pytest.approx(1.0, abs=1e-5)

    outlets_mix = {o["outlet"]: o for o in read_csv(out / "outlet_mix.csv")}
    assert list(next(iter(outlets_mix.values()))) == [
        "outlet",
        "n_articles",
        "n_sentences",
        *shares,
    ]
    assert set(outlets_mix) == {"Daily A", "Weekly G"}
    assert outlets_mix["Daily A"]["n_articles"] == "2"
    daily = [p for p in preds if p["outlet"] == "Daily A"]
    assert int(outlets_mix["Daily A"]["n_sentences"]) == len(daily)
    no_frame = np.mean([all(p[f"pred:{f}"] == "0" for f in frames) for p in daily])
    assert float(outlets_mix["Daily A"]["share:no_frame"]) == pytest.approx(no_frame, abs=1e-6)

    report = json.loads((out / "report.json").read_text())
    assert report["n_articles"] == 3 and report["n_sentences"] == len(preds)
    assert [Path(s["file"]).name for s in report["skipped"]] == ["latin1.txt"]
    assert "UTF-8" in report["skipped"][0]["reason"]
    assert [c["task"] for c in report["checkpoints"]] == ["frames", "stance"]
    assert report["sentences_per_s"] > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no temp left


def test_jsonl_outlet_field_gives_one_row_per_outlet(checkpoints, tmp_path):
    corpus = tmp_path / "news.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for i, (name, text) in enumerate(ARTICLES.items()):
            outlet = "Paper One" if i < 2 else "Paper Two"
            fh.write(json.dumps({"article_id": name, "outlet": outlet, "text": text}) + "\n")
        fh.write(json.dumps({"text": ARTICLES["alpha"].replace("Hanoi", "Da Nang")}) + "\n")
    out = tmp_path / "out"
    result = run_predict(
        f"checkpoint={checkpoints['frames']}",
        f"input={corpus}",
        f"output={out}",
        "figure=false",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    outlets = {o["outlet"]: o for o in read_csv(out / "outlet_mix.csv")}
    assert set(outlets) == {"Paper One", "Paper Two", "unknown"}
    assert [outlets[k]["n_articles"] for k in ("Paper One", "Paper Two", "unknown")] == [
        "2",
        "1",
        "1",
    ]
    # an outlet's share is the share of its sentences (articles weighted by their length)
    articles = [a for a in read_csv(out / "article_mix.csv") if a["outlet"] == "Paper One"]
    n = np.array([int(a["n_sentences"]) for a in articles])
    s = np.array([float(a["share:no_frame"]) for a in articles])
    assert float(outlets["Paper One"]["share:no_frame"]) == pytest.approx(
        (n * s).sum() / n.sum(), abs=1e-5
    )


def test_small_batches_give_identical_outputs(checkpoints, article_folder, tmp_path):
    outputs = {}
    for batch_size in (7, 1000):
        out = tmp_path / f"out{batch_size}"
        result = run_predict(
            f"checkpoint=[{checkpoints['frames']},{checkpoints['stance']}]",
            f"input={article_folder}",
            f"output={out}",
            f"batch_size={batch_size}",
            "figure=false",
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        outputs[batch_size] = out
    n_rows = len(read_csv(outputs[7] / "predictions.csv"))
    assert n_rows > 7  # several batches really happened
    for name in ("predictions.csv", "article_mix.csv", "outlet_mix.csv"):
        assert (outputs[7] / name).read_bytes() == (outputs[1000] / name).read_bytes(), name


def _empty_folder(tmp: Path) -> Path:
    (tmp / "empty").mkdir()
    return tmp / "empty"


def _csv_without_text(tmp: Path) -> Path:
    path = tmp / "news.csv"
    path.write_text("title,body\nA title,Some body text.\n", encoding="utf-8")
    return path


def _non_utf8_jsonl(tmp: Path) -> Path:
    path = tmp / "news.jsonl"
    good = json.dumps({"text": ARTICLES["beta"]}).encode()
    path.write_bytes(good + b"\n" + '{"text": "Caf\xe9"}'.encode("latin-1") + b"\n")
    return path


def _empty_jsonl(tmp: Path) -> Path:
    path = tmp / "news.jsonl"
    path.write_text("", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make_input", "expected"),
    [
        (_empty_folder, "no .txt or .html articles"),
        (_csv_without_text, "no 'text' column"),
        (_non_utf8_jsonl, "line 2: is not valid UTF-8"),
        (_empty_jsonl, "no readable articles"),
    ],
)
def test_bad_input_exits_2_naming_the_file_and_writes_nothing(
    make_input, expected, checkpoints, tmp_path
):
    source = make_input(tmp_path)
    out = tmp_path / "results" / "run" / "out"
    result = run_predict(
        f"checkpoint={checkpoints['frames']}", f"input={source}", f"output={out}", cwd=tmp_path
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert source.name in errors[0] and expected in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "results").exists()


def test_existing_output_is_kept_unless_overwrite(checkpoints, article_folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    args = [f"checkpoint={checkpoints['frames']}", f"input={article_folder}", f"output={out}"]
    result = run_predict(*args, cwd=tmp_path)  # the stronger reason is named first
    assert result.returncode == 2 and "framing did not write (keep.txt)" in result.stderr
    assert (out / "keep.txt").read_text() == "mine"
    # overwrite=true replaces only a folder framing wrote: keep.txt is not framing's
    result = run_predict(*args, "overwrite=true", "figure=false", cwd=tmp_path)
    assert result.returncode == 2 and "keep.txt" in result.stderr
    assert (out / "keep.txt").read_text() == "mine"
    (out / "keep.txt").unlink()
    for _ in range(2):  # an empty folder, then the prediction framing wrote there
        result = run_predict(*args, "overwrite=true", "figure=false", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (out / "predictions.csv").is_file()
    result = run_predict(*args, "figure=false", cwd=tmp_path)  # its own output: the flag
    assert result.returncode == 2 and "overwrite=true" in result.stderr


@pytest.mark.slow
@pytest.mark.extra("transformers")
def test_embedding_store_is_emptied_between_batches(schema, toy_data):
    """Memory stays bounded: the per-batch clean-up empties an encoder family's embeddings."""
    from framing.prediction.chunks import forget_embeddings

    texts, frames, _ = toy_data
    model = fit(family_class("embedding_lr")(), texts, frames, schema.labels("frames"))
    model.predict_proba(list(ARTICLES.values()))
    cache = model.embedding_cache_
    assert cache.store.count(cache.identity) > 0
    forget_embeddings()
    assert cache.store.count(cache.identity) == 0


def test_worker_processes_give_byte_identical_outputs(checkpoints, tmp_path):
    """workers=2 classifies chunks in two processes; the files equal those of one process."""
    articles = tmp_path / "many.jsonl"
    with articles.open("w", encoding="utf-8") as fh:
        for i in range(60):
            name = list(ARTICLES)[i % 3]
            row = {"article_id": f"a{i}", "outlet": f"o{i % 4}", "text": ARTICLES[name]}
            fh.write(json.dumps(row) + "\n")
    ckpt = f"checkpoint=[{checkpoints['frames']},{checkpoints['stance']}]"
    outputs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        result = run_predict(
            ckpt,
            f"input={articles}",
            f"output={out}",
            f"workers={workers}",
            "batch_size=3",
            "figure=false",
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads((out / "report.json").read_text())["workers"] == workers
        outputs[workers] = {
            name: (out / name).read_bytes()
            for name in ("predictions.csv", "article_mix.csv", "outlet_mix.csv")
        }
    assert outputs[1] == outputs[2]
    assert outputs[1]["predictions.csv"].count(b"\n") > 100
