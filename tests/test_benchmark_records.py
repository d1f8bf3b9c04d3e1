"""What a benchmark records about the code it measured."""

from __future__ import annotations

import subprocess

from benchmarks._machine import checkout_commit


def test_a_checkout_is_named_by_its_commit_and_whether_it_has_changes(tmp_path):
    assert checkout_commit(tmp_path) is None  # not a git checkout
    repo = tmp_path / "code"
    repo.mkdir()
    (repo / "a.py").write_text("x = 1\n")

    def git(*args):
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "a.py")
    git("commit", "-q", "-m", "one")
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert checkout_commit(repo) == head
    (repo / "a.py").write_text("x = 2\n")
    assert checkout_commit(repo) == f"{head}+changes"
