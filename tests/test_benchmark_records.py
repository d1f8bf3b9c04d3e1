"""What a benchmark records about the code it measured."""

from __future__ import annotations

import subprocess

from benchmarks._machine import checkout_commit


def test_a_checkout_is_named_by_its_commit_and_whether_its_code_changed(tmp_path, monkeypatch):
    # git must not find a repository above tmp_path (a --basetemp inside a checkout)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.delenv("GIT_DIR", raising=False)
    assert checkout_commit(tmp_path) is None  # not a git checkout
    repo = tmp_path / "code"
    (repo / "results").mkdir(parents=True)
    (repo / "a.py").write_text("x = 1\n")
    (repo / "results" / "cost.json").write_text("{}\n")

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q")
    git("add", "a.py", "results/cost.json")
    git("commit", "-q", "-m", "one")
    head = git("rev-parse", "HEAD")
    assert checkout_commit(repo) == head
    # neither an untracked file nor a rewritten record of results/ is a change of the code
    (repo / "scratch.txt").write_text("notes\n")
    (repo / "results" / "cost.json").write_text('{"fit_s": 1}\n')
    assert checkout_commit(repo) == head
    (repo / "a.py").write_text("x = 2\n")
    assert checkout_commit(repo) == f"{head}+changes"
