"""Nothing unresolved reaches training: coder disagreements and identical sentences coded
differently are listed by ``assemble``, ``agreement`` and ``stats``, sent to an adjudication
template, and refused by ``framing train`` until adjudicated (issue 21's coding tools, issue 17's
duplicate groups)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from framing.data import load_labelled_set
from framing.study import load_study

from conftest import EXAMPLE_STUDY, codings, framing, write_rows

COPIED = (
    "Drivers will pay between 7am and 7pm on weekdays, with residents inside the zone receiving "
    "a 90 per cent discount."
)


def ok(done) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def one_error(done, *expected: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def write_jsonl(path: Path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture()
def study(tmp_path) -> Path:
    study = tmp_path / "study"
    shutil.copytree(EXAMPLE_STUDY, study, ignore=shutil.ignore_patterns("codings", "README.md"))
    return study


def test_disagreements_are_listed_marked_refused_and_adjudicated(study):
    """Both coders coded all 60 sentences and disagree on four; nobody has adjudicated."""
    write_jsonl(study / "labels/coder_a.jsonl", codings("coder_a").values())
    write_jsonl(study / "labels/coder_b.jsonl", codings("coder_b").values())
    a, b = codings("coder_a"), codings("coder_b")
    disputed = [
        s
        for s in a
        if (set(a[s]["frames"]), a[s]["stance"]) != (set(b[s]["frames"]), b[s]["stance"])
    ]
    assert len(disputed) == 4
    out = ok(framing("coding", "assemble", cwd=study))
    assert "4 sentence(s) coded differently by the two coders, not adjudicated" in out
    assert all(sid in out for sid in disputed)
    gold = {r["sentence_id"]: r for r in jsonl(study / "labels/gold.jsonl")}
    for sid in disputed:  # the first coding, marked, with both codings
        assert gold[sid]["stance"] == a[sid]["stance"] and not gold[sid]["adjudicated"]
        assert gold[sid]["disagreement"]["second"]["stance"] == b[sid]["stance"]
    assert sum("disagreement" in r for r in gold.values()) == 4
    # the template: the four sentences, both codings beside the text, labels left to fill in
    template = study / "labels/adjudication.todo.csv"
    assert "labels/adjudication.todo.csv (wrote)" in out
    with template.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["sentence_id"] for r in rows] == disputed
    assert all(r["text"] and r["first_coding"] and r["second_coding"] for r in rows)
    assert all(r["stance"] == "" and r["frame:economic_cost"] == "" for r in rows)
    # stats says so, train refuses, writing nothing
    assert "4 sentence(s) coded differently by the two coders" in ok(
        framing("coding", "stats", cwd=study)
    )
    one_error(
        framing("train", "hydra.run.dir=runs/frames", cwd=study),
        "gold.jsonl",
        "field 'disagreement'",
        "4 sentence(s) coded differently",
        disputed[0],
    )
    assert not (study / "runs").exists()
    # the adjudicator decides (coder C's reading stands in), import, assemble again
    c = codings("coder_c")
    for row in rows:
        decided = c[row["sentence_id"]]
        for frame in ("economic_cost", "public_health"):
            row[f"frame:{frame}"] = "x" if frame in decided["frames"] else ""
        row["stance"], row["note"] = decided["stance"], "third reading"
    write_rows(template, rows)
    ok(
        framing(
            "coding",
            "import",
            "labels/adjudication.todo.csv",
            "--out",
            "labels/adjudication.jsonl",
            cwd=study,
        )
    )
    again = ok(framing("coding", "assemble", cwd=study))
    assert "not adjudicated" not in again and "template" not in again
    gold = {r["sentence_id"]: r for r in jsonl(study / "labels/gold.jsonl")}
    assert not any("disagreement" in r for r in gold.values())
    for sid in disputed:
        assert gold[sid]["adjudicated"] and gold[sid]["stance"] == c[sid]["stance"]
    assert len(load_labelled_set(study=load_study(study))) == 60
    assert "Unresolved" not in ok(framing("coding", "stats", cwd=study))


def add_copy(study: Path) -> tuple[str, str]:
    """A seventh article repeating a sentence of gazette_01 word for word: (original, copy)."""
    (study / "articles/radio_03.txt").write_text(
        "Charge starts in April\n\n" + COPIED + "\n\nThe station will report on the first week.\n",
        encoding="utf-8",
    )
    with (study / "outlets.csv").open("a", encoding="utf-8") as fh:
        fh.write("radio_03,Coastline Radio\n")
    ok(framing("corpus", "articles", "--outlets", "outlets.csv", "--out", "all.jsonl", cwd=study))
    same = [r for r in jsonl(study / "all.jsonl") if r["text"] == COPIED]
    assert len(same) == 2 and same[0]["dup_group"] == same[1]["dup_group"]
    return same[0]["sentence_id"], same[1]["sentence_id"]


def test_identical_sentences_coded_differently(study):
    original, copy = add_copy(study)
    a = codings("coder_a")
    coder = [a[r["sentence_id"]] for r in jsonl(study / "all.jsonl") if r["sentence_id"] in a]
    assert a[original]["stance"] != "critical"
    coder.append({"sentence_id": copy, "frames": ["economic_cost"], "stance": "critical"})
    write_jsonl(study / "labels/coder_a.jsonl", coder)
    write_jsonl(study / "labels/coder_b.jsonl", coder)  # a second coder who did the same
    out = ok(framing("coding", "assemble", cwd=study))
    assert "1 set(s) of identical sentences coded differently" in out
    assert original in out and copy in out
    with (study / "labels/adjudication.todo.csv").open(encoding="utf-8", newline="") as fh:
        template = list(csv.DictReader(fh))
    assert [r["sentence_id"] for r in template] == [original, copy]
    assert template[1]["why"] == f"identical to {original}, coded differently"
    agreement = ok(framing("coding", "agreement", cwd=study))
    assert f"Identical sentences the first coder coded differently (1): {original} = {copy}" in (
        agreement
    )
    assert "1 set(s) of identical sentences coded differently" in ok(
        framing("coding", "stats", cwd=study)
    )
    one_error(
        framing("train", "hydra.run.dir=runs/frames", cwd=study),
        "gold.jsonl",
        "identical sentences are coded differently",
        copy,
    )
    # adjudicated: both copies decided (here: the same way), the set trains
    decided = {"frames": a[original]["frames"], "stance": a[original]["stance"]}
    write_jsonl(
        study / "labels/adjudication.jsonl",
        [{"sentence_id": sid, **decided, "note": "same sentence"} for sid in (original, copy)],
    )
    assert "identical" not in ok(framing("coding", "assemble", cwd=study))
    assert len(load_labelled_set(study=load_study(study))) == len(coder)


def test_an_adjudicator_may_keep_identical_sentences_apart(study):
    """Copies that differ after adjudication are a decision (context can matter), not a
    contradiction: every copy adjudicated is accepted."""
    original, copy = add_copy(study)
    a = codings("coder_a")
    coder = [a[r["sentence_id"]] for r in jsonl(study / "all.jsonl") if r["sentence_id"] in a]
    coder.append({"sentence_id": copy, "frames": [], "stance": "critical"})
    write_jsonl(study / "labels/coder_a.jsonl", coder)
    write_jsonl(
        study / "labels/adjudication.jsonl",
        [
            a[original] | {"note": "context: a plain report"},
            {"sentence_id": copy, "frames": [], "stance": "critical", "note": "context: a quote"},
        ],
    )
    ok(framing("coding", "assemble", cwd=study))
    assert len(load_labelled_set(study=load_study(study))) == len(coder)
