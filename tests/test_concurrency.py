"""Concurrent writers and killed ones (issue 17): real processes, paused at named points.

A command is paused inside its write with a fault point that sends it SIGSTOP
(``framing.faults``), so the second command always meets it there, without racing a timer:

- two predictions into one output folder: the second fails with one line, the first
  finishes, and nothing is silently replaced;
- two imports into one coder file: the second waits for the first, then appends to what the
  first wrote, so both imports' codings are kept;
- a command SIGKILLed mid-write leaves its hidden staging folder; the next command writing
  that output removes it (and puts back an output the kill left moved aside), and never
  removes a hidden folder that is not framing's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_faults import big_article_folder, leftovers
from test_outputs import one_error, snapshot, workspace  # noqa: F401

from conftest import PROJECT_ROOT, codings, framing, label_studio_export

EXAMPLE = PROJECT_ROOT / "examples" / "congestion_charge"


def start(args: list[str], cwd: Path, fault: str | None = None) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    env.pop("FRAMING_STUDY", None)
    if fault:
        env["FRAMING_FAULT"] = fault
    return subprocess.Popen(
        [sys.executable, "-m", "framing.cli.main", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_stopped(proc: subprocess.Popen, timeout: float = 300.0) -> None:
    """Block until ``proc`` has stopped itself (SIGSTOP at its fault point)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status = os.waitpid(proc.pid, os.WUNTRACED | os.WNOHANG)
        if pid and os.WIFSTOPPED(status):
            return
        assert pid == 0, f"the command ended before its fault point: {proc.communicate()}"
        time.sleep(0.05)
    raise AssertionError("the command never reached its fault point")


def finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    os.kill(proc.pid, signal.SIGCONT)
    out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


PREDICT = ["predict", "checkpoint=ckpt", "input=many", "batch_size=8", "figure=false"]


def test_two_predictions_into_one_output_never_replace_each_other(workspace):  # noqa: F811
    big_article_folder(workspace / "many")
    first = start([*PREDICT, "output=out"], workspace, fault="predict.batch@2:SIGSTOP")
    wait_until_stopped(first)
    second = framing(*PREDICT, "output=out", cwd=workspace)
    error = one_error(second)
    assert "another framing command" in error and "out" in error
    done = finish(first)
    assert done.returncode == 0, done.stderr
    report = json.loads((workspace / "out" / "report.json").read_text())
    assert report["n_articles"] == 40
    assert leftovers(workspace) == []


def coder_file_study(tmp_path: Path) -> tuple[Path, list[str]]:
    """A study with two Label Studio exports of disjoint samples, ready to import."""
    import shutil

    study = tmp_path / "study"
    shutil.copytree(EXAMPLE, study, ignore=shutil.ignore_patterns("codings", "README.md"))
    exports = []
    for name, seed in (("a", "1"), ("b", "2")):
        assert (
            framing(
                "coding",
                "sample",
                f"labels/{name}.jsonl",
                "--strategy",
                "simple",
                "--size",
                "10",
                "--seed",
                seed,
                *(["--exclude", "labels/a.jsonl"] if name == "b" else []),
                cwd=study,
            ).returncode
            == 0
        )
        assert (
            framing(
                "coding",
                "export",
                f"labels/{name}.jsonl",
                "--format",
                "label-studio",
                "--out",
                f"labels/{name}.tasks.json",
                cwd=study,
            ).returncode
            == 0
        )
        tasks = json.loads((study / f"labels/{name}.tasks.json").read_text())
        (study / f"{name}.export.json").write_text(
            json.dumps(label_studio_export(tasks, codings("coder_a")))
        )
        exports.append(f"{name}.export.json")
    return study, exports


def test_two_imports_into_one_coder_file_keep_both(tmp_path):
    study, (a, b) = coder_file_study(tmp_path)
    out = ["--out", "labels/coder_a.jsonl"]
    first = start(["coding", "import", a, *out], study, fault="write:SIGSTOP")
    wait_until_stopped(first)  # read the (empty) coder file, wrote its copy, not renamed yet
    second = start(["coding", "import", b, *out], study)
    time.sleep(3)
    assert second.poll() is None, "the second import did not wait for the first"
    done = finish(first)
    assert done.returncode == 0, done.stderr
    out_b, err_b = second.communicate(timeout=600)
    assert second.returncode == 0, err_b
    assert "added 10 codings" in done.stdout and "added 10 codings" in out_b
    coded = [json.loads(x) for x in (study / "labels/coder_a.jsonl").read_text().splitlines()]
    assert len(coded) == 20 and len({c["sentence_id"] for c in coded}) == 20
    assert leftovers(study) == []


def test_a_killed_predictions_leftovers_are_cleared_by_the_next_run(workspace):  # noqa: F811
    big_article_folder(workspace / "many")
    mine = workspace / ".out.mine.tmp"  # a user's hidden folder with a staging-like name
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    killed = start([*PREDICT, "output=out"], workspace, fault="predict.batch@2:SIGKILL")
    killed.communicate(timeout=600)
    assert killed.returncode == -signal.SIGKILL
    assert [p for p in leftovers(workspace) if not p.startswith(".out.mine")]
    done = framing(*PREDICT, "output=out", cwd=workspace)
    assert done.returncode == 0, done.stderr
    assert leftovers(workspace) == [".out.mine.tmp"]
    assert (mine / "keep.txt").read_text() == "mine"


def test_a_kill_inside_the_swap_is_repaired_by_the_next_run(workspace):  # noqa: F811
    """Killed between moving the old output aside and moving the new one in: the old one is
    in a hidden folder. The next command writing that output puts it back first."""
    big_article_folder(workspace / "many", n=3)
    assert framing(*PREDICT, "output=out", cwd=workspace).returncode == 0
    earlier = snapshot(workspace / "out")
    killed = start([*PREDICT, "output=out", "overwrite=true"], workspace, fault="swap:SIGKILL")
    killed.communicate(timeout=600)
    assert killed.returncode == -signal.SIGKILL
    assert not (workspace / "out").exists()  # moved aside, not lost
    again = framing(*PREDICT, "output=out", cwd=workspace)  # no overwrite: refused ...
    assert "already exists" in one_error(again)
    assert snapshot(workspace / "out") == earlier  # ... after putting the earlier one back
    assert leftovers(workspace) == []


def test_output_dot_inside_a_framing_folder_names_the_real_reason(workspace):  # noqa: F811
    """``output=.`` used to build its staging folder inside the target, then name it as the
    file framing did not write."""
    args = ["predict", "checkpoint=ckpt", "input=articles", "figure=false"]
    assert framing(*args, "output=pred", cwd=workspace).returncode == 0
    before = snapshot(workspace)
    args = ["predict", "checkpoint=../ckpt", "input=../articles", "figure=false"]
    error = one_error(framing(*args, "output=.", "overwrite=true", cwd=workspace / "pred"))
    assert ".tmp" not in error
    assert "the folder this command runs in" in error
    assert snapshot(workspace) == before
