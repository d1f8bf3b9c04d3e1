"""Checkpoints on the Hugging Face Hub: ``framing.load("hf://…")`` and ``framing push``.

The network is not reachable here. Loading is tested against a Hugging Face cache laid out as
``snapshot_download`` leaves it (blobs named by content hash, a snapshot folder of relative
symlinks per commit, ``refs/<branch>`` naming the commit), which the library's own
``scan_cache_dir`` must read back, and loaded in a separate process with ``HF_HUB_OFFLINE=1``
and ``HF_HUB_CACHE`` pointing at it, so the library reads the environment as a user's shell
sets it. ``framing push`` runs up to the network: the folder it would upload (``--dry-run``),
the card it writes, and its errors without a token, offline, and with the Hub unreachable.
Not run: an upload to, or a download from, the real Hub.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import framing
from framing.checkpoint import INFO_FILE, save_checkpoint
from framing.checkpoint.hub import is_hub_reference, parse_hub_reference
from framing.checkpoint.publish import absolute_paths, stage_for_hub, stale_weight_files
from framing.errors import FramingInputError
from framing.models import family_class

from conftest import PROJECT_ROOT, fit
from conftest import framing as framing_command

TEXTS = [
    "Moscow looks for partners to escape isolation after the sanctions.",
    "Hanoi keeps its bamboo balance and refuses to take sides.",
    "The treaty recalls decades of Soviet friendship.",
]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


# ---------------------------------------------------------------------- a local Hub cache
def _git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def put_in_hub_cache(
    cache: Path, repo_id: str, folder: Path, revision: str = "main", commit: str = COMMIT
) -> Path:
    """``folder`` as commit ``commit`` of model repository ``repo_id`` in a Hugging Face
    cache, laid out as ``snapshot_download`` leaves it: each file a blob named by its Hub
    etag (sha256 for the weights, stored in LFS; the git blob sha1 for small text files),
    linked from ``snapshots/<commit>/`` by a relative symlink, and ``refs/<revision>``
    holding the commit. Framing's output marker is not part of a repository."""
    from huggingface_hub.file_download import repo_folder_name

    storage = cache / repo_folder_name(repo_id=repo_id, repo_type="model")
    snapshot = storage / "snapshots" / commit
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or rel.name == ".framing-output.json":
            continue
        data = path.read_bytes()
        lfs = rel.parts[0] == "weights"
        etag = hashlib.sha256(data).hexdigest() if lfs else _git_blob_sha1(data)
        blob = storage / "blobs" / etag
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = snapshot / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    (storage / "refs").mkdir(parents=True, exist_ok=True)
    (storage / "refs" / revision).write_text(commit)  # no newline, as the library writes it
    return snapshot


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, schema, toy_data) -> Path:
    texts, frames, _ = toy_data
    model = fit(family_class("tfidf_lr")(min_df=1), texts, frames, schema.labels("frames"))
    return save_checkpoint(
        model, tmp_path_factory.mktemp("local") / "checkpoint", schema=schema, task="frames"
    )


@pytest.fixture
def hub_env(tmp_path, monkeypatch) -> Path:
    """An empty Hugging Face home and cache, offline, with no token from the caller's shell."""
    home = tmp_path / "hf_home"
    cache = home / "hub"
    cache.mkdir(parents=True)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    return cache


def in_a_new_process(code: str) -> subprocess.CompletedProcess:
    """Python code run as a user's script: the environment (HF_*) as the test set it."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    env.pop("FRAMING_STUDY", None)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )


LOAD_SCRIPT = """
import json, sys, framing
from framing.errors import FramingInputError
out = {}
for ref in sys.argv[1:] if len(sys.argv) > 1 else REFS:
    try:
        model = framing.load(ref)
        out[ref] = {"proba": model.predict_proba(TEXTS).tolist(), "labels": list(model.labels)}
    except FramingInputError as err:
        out[ref] = {"error": str(err)}
print(json.dumps(out))
"""


def load_in_a_new_process(*refs: str) -> dict:
    code = f"REFS = {list(refs)!r}\nTEXTS = {TEXTS!r}\n" + LOAD_SCRIPT
    done = in_a_new_process(code)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------- loading hf://
def test_the_cache_is_one_the_library_reads(checkpoint, hub_env):
    from huggingface_hub import scan_cache_dir

    put_in_hub_cache(hub_env, "lab/frames", checkpoint)
    (repo,) = scan_cache_dir(hub_env).repos
    assert (repo.repo_id, repo.repo_type) == ("lab/frames", "model")
    (revision,) = repo.revisions
    assert revision.commit_hash == COMMIT and set(revision.refs) == {"main"}
    names = {f.file_path.relative_to(revision.snapshot_path).as_posix() for f in revision.files}
    recorded = json.loads((checkpoint / INFO_FILE).read_text())["files"]
    assert names == {INFO_FILE, "README.md", *recorded}


def test_load_hf_reference_offline_from_the_cache(checkpoint, hub_env):
    put_in_hub_cache(hub_env, "lab/frames", checkpoint)
    local = framing.load(checkpoint).predict_proba(TEXTS)
    loaded = load_in_a_new_process(
        "hf://lab/frames", "hf://lab/frames@main", f"hf://lab/frames@{COMMIT}"
    )
    for ref, result in loaded.items():
        assert "error" not in result, (ref, result)
        np.testing.assert_allclose(result["proba"], local, rtol=0, atol=1e-12)


def test_a_checkpoint_in_a_folder_of_the_repository(checkpoint, hub_env, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(checkpoint, repo / "frames")
    put_in_hub_cache(hub_env, "lab/models", repo)
    (result,) = load_in_a_new_process("hf://lab/models@main/frames").values()
    assert result.get("labels") == list(framing.load(checkpoint).labels), result


def test_a_tampered_download_is_refused_like_a_local_folder(checkpoint, hub_env):
    snapshot = put_in_hub_cache(hub_env, "lab/frames", checkpoint)
    weight = sorted((snapshot / "weights").iterdir())[-1]
    blob = weight.resolve()
    blob.write_bytes(blob.read_bytes() + b"\0")  # the blob behind the symlink
    (result,) = load_in_a_new_process("hf://lab/frames").values()
    assert "altered" in result["error"] and weight.name in result["error"]


def test_a_download_with_an_unrecorded_weight_file_is_refused(checkpoint, hub_env, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(checkpoint, repo)
    (repo / "weights" / "extra.json").write_text("{}")
    put_in_hub_cache(hub_env, "lab/frames", repo)
    (result,) = load_in_a_new_process("hf://lab/frames").values()
    assert "unexpected file" in result["error"] and "extra.json" in result["error"]


def test_offline_and_not_cached_is_one_clear_error(hub_env):
    loaded = load_in_a_new_process("hf://lab/never-pushed", "hf://lab/frames@v2")
    for ref, result in loaded.items():
        assert result["error"].startswith(f"{ref}: is not in the local Hugging Face cache")


def test_framing_predict_takes_a_hub_checkpoint(checkpoint, hub_env, tmp_path):
    put_in_hub_cache(hub_env, "lab/frames", checkpoint)
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a1.txt").write_text(" ".join(TEXTS) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    done = framing_command(
        "predict", "checkpoint=hf://lab/frames", f"input={articles}", f"output={out}"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    header = (out / "predictions.csv").read_text().splitlines()[0]
    assert "proba:neutrality" in header


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("hf://just-a-name", "namespace/name"),
        ("hf://datasets/lab/frames", "dataset repository"),
        ("hf://lab/frames@", "revision"),
    ],
)
def test_malformed_references_are_refused(reference, message):
    assert is_hub_reference(reference)
    with pytest.raises(FramingInputError, match=message) as err:
        parse_hub_reference(reference)
    assert str(err.value).startswith(reference)


def test_a_local_path_is_not_a_hub_reference(tmp_path):
    assert not is_hub_reference(str(tmp_path)) and not is_hub_reference(tmp_path)
    assert not is_hub_reference("hf:/lab/frames")  # what Path() makes of hf://: not accepted


# ---------------------------------------------------------------------- framing push
def test_dry_run_writes_what_would_be_uploaded_and_it_loads_back(checkpoint, hub_env, tmp_path):
    from huggingface_hub import ModelCard

    upload = tmp_path / "upload"
    done = framing_command("push", str(checkpoint), "lab/frames", "--dry-run", str(upload))
    assert done.returncode == 0, done.stderr
    assert "nothing was uploaded" in done.stdout
    record = json.loads((checkpoint / INFO_FILE).read_text())
    listed = {line.strip() for line in done.stdout.splitlines() if line.startswith("  ")}
    assert listed == {INFO_FILE, "README.md", *record["files"]}
    # the record and the weights are the checkpoint's, byte for byte
    for name in (INFO_FILE, *record["files"]):
        assert (upload / name).read_bytes() == (checkpoint / name).read_bytes()
    card = (upload / "README.md").read_text()
    assert 'framing.load("hf://lab/frames")' in card and "checkpoint=hf://lab/frames " in card
    assert str(tmp_path) not in card and str(checkpoint) not in card
    assert ModelCard.load(upload / "README.md").data.library_name == "framing"
    # what is uploaded is what a download gives: it loads from the cache
    put_in_hub_cache(hub_env, "lab/frames", upload)
    (result,) = load_in_a_new_process("hf://lab/frames").values()
    np.testing.assert_allclose(
        result["proba"], framing.load(checkpoint).predict_proba(TEXTS), rtol=0, atol=1e-12
    )


def test_revision_is_named_in_the_card(checkpoint, tmp_path):
    staged = stage_for_hub(checkpoint, "lab/frames", tmp_path / "up", revision="v1")
    assert 'framing.load("hf://lab/frames@v1")' in (staged.folder / "README.md").read_text()


def test_a_tampered_checkpoint_is_not_pushed(checkpoint, tmp_path):
    copy = tmp_path / "checkpoint"
    shutil.copytree(checkpoint, copy)
    victim = sorted((copy / "weights").iterdir())[-1]
    victim.write_bytes(victim.read_bytes() + b"\0")
    done = framing_command("push", str(copy), "lab/frames", "--dry-run", str(tmp_path / "up"))
    assert done.returncode == 2 and "altered" in done.stderr
    assert not (tmp_path / "up").exists()


def _one_error_line(done: subprocess.CompletedProcess) -> str:
    """Exit 2 and one ``error:`` line, last (a warning about the checkpoint may precede it)."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and lines and lines[-1].startswith("error: "), done
    assert all(line.startswith("warning: ") for line in lines[:-1]), done
    return lines[-1]


def test_push_without_a_token_stops_before_the_network(checkpoint, hub_env, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    done = framing_command("push", str(checkpoint), "lab/frames")
    line = _one_error_line(done)
    assert "no Hugging Face token" in line and "hf auth login" in line
    assert done.stderr.count("\n") == 1 and not done.stdout  # nothing staged or listed


def test_push_offline_is_refused(checkpoint, hub_env, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    line = _one_error_line(framing_command("push", str(checkpoint), "lab/frames"))
    assert "HF_HUB_OFFLINE" in line


def test_push_with_the_hub_unreachable_is_one_clear_error(checkpoint, hub_env, monkeypatch):
    """A real upload attempt through huggingface_hub, to an endpoint where nothing listens."""
    with socket.socket() as sock:  # a port that was free a moment ago: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    line = _one_error_line(framing_command("push", str(checkpoint), "lab/frames"))
    assert line.startswith("error: hf://lab/frames: the Hub cannot be reached")


@pytest.mark.parametrize("repo_id", ["frames", "lab/frames@v1", "lab/frames/extra", "lab/a b"])
def test_bad_repository_ids_are_refused(checkpoint, tmp_path, repo_id):
    done = framing_command("push", str(checkpoint), repo_id, "--dry-run", str(tmp_path / "up"))
    _one_error_line(done)
    assert not (tmp_path / "up").exists()


def test_stale_weight_files_of_an_earlier_push_are_the_ones_deleted():
    remote = [".gitattributes", "README.md", INFO_FILE, "weights/old.skops", "weights/state.json"]
    staged = ["README.md", INFO_FILE, "weights/state.json", "weights/new.skops"]
    assert stale_weight_files(remote, staged) == ["weights/old.skops"]


def test_push_warns_of_absolute_paths_and_a_missing_license(checkpoint, tmp_path):
    """A checkpoint written before paths were made shareable names the training file by its
    absolute path; pushing says so rather than publishing it silently."""
    copy = tmp_path / "checkpoint"
    shutil.copytree(checkpoint, copy)
    info = json.loads((copy / INFO_FILE).read_text())
    info["training_data"] = {"file": str(copy / INFO_FILE), "n_sentences": 60}
    (copy / INFO_FILE).write_text(json.dumps(info))
    assert absolute_paths(info) == ["training_data.file"]
    staged = stage_for_hub(copy, "lab/frames", tmp_path / "up")
    notes = " | ".join(staged.warnings)
    assert "training_data.file" in notes and "no license" in notes
    card = (staged.folder / "README.md").read_text()
    assert not re.search(re.escape(str(tmp_path)), card)  # the card shows the name only
