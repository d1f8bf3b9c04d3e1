"""A study of one's own: finding the study folder, its config on Hydra's search path, and
``framing study init``."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from framing.errors import FramingInputError
from framing.study import find_study_root, load_study
from framing.study.config import compose

from conftest import PROJECT_ROOT


def framing(*args: str, cwd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "framing.cli.main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def test_the_study_is_found_from_any_folder_inside_it(monkeypatch):
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    monkeypatch.chdir(PROJECT_ROOT / "seeds" / "articles")
    assert find_study_root() == PROJECT_ROOT
    assert compose("train").study.name == "seeds"


def test_outside_a_study_the_placeholder_has_no_name_and_train_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    monkeypatch.chdir(tmp_path)
    assert find_study_root() is None
    assert compose("train").study.name is None
    done = framing("train", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: no study folder found (run the command inside a study folder (one with "
        "conf/study.yaml), set FRAMING_STUDY=DIR, or create one with: framing study init DIR)"
    ]


def test_framing_study_names_a_folder_without_a_config(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_STUDY", str(tmp_path))
    with pytest.raises(FramingInputError, match="holds no conf/study.yaml"):
        find_study_root()


def test_init_writes_a_study_whose_config_composes(tmp_path, monkeypatch):
    done = framing("study", "init", "mystudy", "--language", "de", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    root = tmp_path / "mystudy"
    for part in ("conf/study.yaml", "codebook.md", "outlets.csv", "articles", "labels"):
        assert (root / part).exists(), part
    config = yaml.safe_load((root / "conf/study.yaml").read_text())
    assert config["name"] == "mystudy" and config["language"] == ["de"]
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    monkeypatch.chdir(root / "articles")
    study = load_study()
    assert study.root == root and study.schema.frame_names == ["example_frame", "another_frame"]
    cfg = compose("train", ["model=lexicon"])
    assert cfg.study.name == "mystudy" and cfg.model.estimator.codebook.name == "mystudy"


def test_init_never_writes_into_an_existing_folder(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    done = framing("study", "init", "taken", cwd=tmp_path)
    assert done.returncode == 2 and "already exists" in done.stderr
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_a_study_config_missing_a_required_key_names_the_file_and_field(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "study.yaml").write_text("name: broken\n")
    with pytest.raises(FramingInputError) as err:
        load_study(tmp_path)
    assert "conf/study.yaml, field 'schema': missing study config key" in str(err.value)


def test_the_study_overrides_a_package_config_of_the_same_name(tmp_path, monkeypatch):
    """A study's conf/model/tfidf_lr.yaml replaces the package's (the search path's order)."""
    done = framing("study", "init", "s", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    model = tmp_path / "s" / "conf" / "model"
    model.mkdir()
    package = (PROJECT_ROOT / "framing" / "conf" / "model" / "tfidf_lr.yaml").read_text()
    (model / "tfidf_lr.yaml").write_text(package.replace("C: 4.0", "C: 0.5"))
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    monkeypatch.chdir(tmp_path / "s")
    assert compose("train", ["model=tfidf_lr"]).model.estimator.C == 0.5
