"""Sharded prediction through Hydra's submitit launcher in local mode: each shard a separate
process; the merged outputs equal a single process's, byte for byte; a failed shard is
rerun alone and finished shards are not redone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from framing.checkpoint import save_checkpoint
from framing.models import family_class

from conftest import PROJECT_ROOT, fit

pytestmark = pytest.mark.extra("slurm")  # hydra-submitit-launcher
OUTPUTS = ("predictions.csv", "article_mix.csv", "outlet_mix.csv")


# no debris rule of its own: only the whole-corpus chrome evidence removes it
CHROME = "Our correspondents have reported from the region for more than forty years."
CHROME_IN = (1, 2, 24)  # all of one_outlet; the shards split the corpus near article 15


def long_line(i: int) -> str:
    return (
        f"Reporters spent week {i} in the provinces, where they interviewed farmers, traders, "
        "teachers and officials about the harvest, the prices of rice and fuel, and the roads."
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, schema, toy_data) -> Path:
    """A checkpoint and 30 articles: 24 of one outlet spread over both shards, 6 of another,
    with two whole-corpus facts the first pass must find and hand to every shard: a repeated
    article id, and a line one outlet prints on three stories, two in the first shard and one
    in the second (each shard alone would see too few stories to call it chrome)."""
    folder = tmp_path_factory.mktemp("sharded")
    texts, frames, _ = toy_data
    model = fit(family_class("tfidf_lr")(min_df=1), texts, frames, schema.labels("frames"))
    save_checkpoint(model, folder / "ckpt", schema=schema, task="frames")
    lines = [
        line
        for demo in sorted((PROJECT_ROOT / "examples" / "articles").glob("*.txt"))
        for line in demo.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with (folder / "news.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(30):
            text = "\n\n".join(lines[i % 3 :: 2])  # articles differ
            if i in CHROME_IN:  # three different stories (each its own longest line)
                text = f"{text}\n\n{CHROME}\n\n{long_line(i)}"
            outlet = "one_outlet" if i % 5 else "other_outlet"
            article_id = "dup" if i in (3, 27) else f"a{i}"
            fh.write(json.dumps({"article_id": article_id, "outlet": outlet, "text": text}) + "\n")
    return folder


def predict(folder: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    if fault:
        env["FRAMING_FAULT"] = fault
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "framing.cli.main",
            "predict",
            "checkpoint=ckpt",
            "input=news.jsonl",
            "figure=false",
            "batch_size=8",
            "keep_duplicate_ids=true",
            *args,
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


@pytest.fixture(scope="module")
def single(corpus) -> dict[str, bytes]:
    done = predict(corpus, "output=single", "workers=1")
    assert done.returncode == 0, done.stderr
    return outputs(corpus / "single")


def single_report(folder: Path) -> dict:
    return json.loads((folder / "single" / "report.json").read_text())


def test_a_repeated_article_id_stops_a_sharded_run_before_any_shard(corpus):
    done = predict(
        corpus,
        "output=refused",
        "shards=2",
        "hydra/launcher=submitit_local",
        "keep_duplicate_ids=false",
    )
    assert done.returncode == 2
    assert "article id 'dup' is used by 2 articles" in done.stderr.strip().splitlines()[-1]
    assert not (corpus / "refused").exists() and not (corpus / ".refused.shards").exists()


def test_two_shards_in_separate_processes_merge_to_the_single_process_output(corpus, single):
    done = predict(corpus, "output=sharded", "shards=2", "hydra/launcher=submitit_local")
    assert done.returncode == 0, done.stderr[-3000:]
    assert outputs(corpus / "sharded") == single
    assert CHROME not in single["predictions.csv"].decode()
    assert long_line(24) in single["predictions.csv"].decode()
    report = json.loads((corpus / "sharded" / "report.json").read_text())
    assert report["n_articles"] == 30
    # the repeated id is a whole-corpus fact: found in the first pass, renamed the same way
    assert report["renamed_article_ids"] == single_report(corpus)["renamed_article_ids"]
    assert len(report["renamed_article_ids"]) == 1
    assert "news.jsonl:4" in report["renamed_article_ids"][0]
    assert "news.jsonl:28" in report["renamed_article_ids"][0]
    # each shard ran in a process of its own, and both held articles of one_outlet
    shards = report["shards"]
    assert [s["shard"] for s in shards] == [0, 1]
    assert len({s["pid"] for s in shards}) == 2 and os.getpid() not in {s["pid"] for s in shards}
    ids = [row.split(",")[1] for row in single["predictions.csv"].decode().splitlines()[1:]]
    outlets_of = {
        row.split(",")[0]: row.split(",")[1]
        for row in single["article_mix.csv"].decode().splitlines()[1:]
    }
    for shard in shards:
        start, stop = shard["articles"]
        assert stop > start and shard["n_sentences"] > 0
    assert sum(s["n_sentences"] for s in shards) == len(ids)
    first, second = shards
    # the chrome line's stories fall two in the first shard and one in the second
    assert [
        sum(start <= i < stop for i in CHROME_IN)
        for start, stop in (first["articles"], second["articles"])
    ] == [2, 1]
    in_first = {f"a{i}" for i in range(*first["articles"])}
    in_second = {f"a{i}" for i in range(*second["articles"])}
    assert any(outlets_of.get(a) == "one_outlet" for a in in_first)
    assert any(outlets_of.get(a) == "one_outlet" for a in in_second)


def test_a_killed_shard_is_rerun_alone_and_finished_shards_are_reused(corpus, single):
    args = ["output=resumed", "shards=2", "hydra/launcher=submitit_local"]
    # shard 1 is killed (SIGKILL: an out-of-memory kill or a pre-emption) every time it runs
    failed = predict(corpus, *args, "shard_retries=1", fault="predict.shard1:SIGKILL")
    assert failed.returncode == 2, failed.stderr[-3000:]
    assert "rerunning shard(s) [1] alone" in failed.stderr
    assert "error: " in failed.stderr and "shard(s) [1] of 2 did not finish" in failed.stderr
    assert not (corpus / "resumed").exists()
    workspace = corpus / ".resumed.shards"
    tallies = json.loads((workspace / "shard-0000" / "tallies.json").read_text())
    rerun = predict(corpus, *args)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "1 shard(s) finished earlier are reused" in rerun.stderr
    assert outputs(corpus / "resumed") == single
    assert not workspace.exists()
    shards = json.loads((corpus / "resumed" / "report.json").read_text())["shards"]
    assert shards[0]["pid"] == tallies["ran_on"]["pid"]  # shard 0 was not run again
    assert shards[1]["pid"] != shards[0]["pid"]
