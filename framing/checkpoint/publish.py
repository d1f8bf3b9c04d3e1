"""``framing push``: a checkpoint folder to a model repository on the Hugging Face Hub.

What is uploaded is staged first, in a folder of its own: the JSON record and the weights as
saved, and the model card rewritten to tell readers how to load it from the Hub
(``framing.load("hf://OWNER/REPO")``). The checkpoint is verified before anything leaves the
machine (format, hashes, labels), so a pushed checkpoint loads wherever it is downloaded.
``stage_for_hub`` alone is the dry run: it writes that folder and contacts nobody.

The upload is one commit (``HfApi.upload_folder``). Weight files of an earlier framing push
that the new checkpoint does not have are deleted in the same commit, or the download would
hold files its record does not list (and loading would refuse it); a repository whose
``weights/`` was not written by framing is refused, never emptied.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.checkpoint.card import hub_license, model_card
from framing.checkpoint.hub import HF_SCHEME, parse_hub_reference
from framing.checkpoint.provenance import headline_metric
from framing.checkpoint.store import (
    CARD_FILE,
    INFO_FILE,
    WEIGHTS_DIR,
    check_labels,
    read_checkpoint_info,
    verify_files,
)
from framing.distribution import DISTRIBUTION
from framing.errors import FramingInputError
from framing.outputs import Kind, output_folder
from framing.version import package_version

OFFLINE = "cannot push while HF_HUB_OFFLINE is set: the Hub is not contacted"


@dataclass
class Staged:
    """A checkpoint staged for the Hub: the folder to upload and what to say about it."""

    folder: Path
    repo_id: str
    info: dict[str, Any]
    warnings: list[str]

    @property
    def files(self) -> list[str]:
        """What is uploaded (the folder also holds framing's output marker, which is not)."""
        return sorted([INFO_FILE, CARD_FILE, *self.info["files"]])


def hub_repo_id(repo_id: str) -> str:
    """``OWNER/NAME`` checked with the library's own rules (``hf://`` in front is allowed)."""
    text = repo_id.removeprefix(HF_SCHEME)
    if text.count("/") != 1:
        raise FramingInputError(
            f"'{repo_id}' is not a Hub repository id", field="REPO_ID", fix="give OWNER/NAME"
        )
    uri = parse_hub_reference(HF_SCHEME + text)
    if uri.revision is not None or uri.path_in_repo:
        raise FramingInputError(
            f"'{repo_id}' is not a repository id",
            field="REPO_ID",
            fix="give OWNER/NAME; a branch goes in --revision",
        )
    return uri.id


def absolute_paths(value: Any, where: str = "") -> list[str]:
    """The fields of a record that hold an absolute path of this machine (only those that
    exist here: a URL or an unrelated string starting with / is not one)."""
    if isinstance(value, Mapping):
        return [f for k, v in value.items() for f in absolute_paths(v, f"{where}.{k}".strip("."))]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in absolute_paths(v, f"{where}[{i}]")]
    if isinstance(value, str) and os.path.isabs(value) and Path(value).exists():
        return [where]
    return []


def share_warnings(info: Mapping[str, Any]) -> list[str]:
    """What a reader of the pushed checkpoint would miss, or should not see."""
    notes = []
    licence = hub_license(info)
    if licence in (None, "unknown"):
        notes.append(
            "the study states no license (license: in conf/study.yaml), so others may not "
            "reuse this model"
        )
    leaked = absolute_paths({k: v for k, v in info.items() if k != "files"})
    if leaked:
        notes.append(
            f"{INFO_FILE} holds absolute paths of this machine in {', '.join(leaked)}; they "
            "will be public with the checkpoint"
        )
    return notes


def stage_for_hub(
    checkpoint: str | Path, repo_id: str, target: str | Path, revision: str | None = None
) -> Staged:
    """Verify ``checkpoint`` and write what ``framing push`` uploads into ``target`` (a new
    folder): the record, the weights, and the card naming ``hf://REPO_ID[@REVISION]``."""
    repo_id = hub_repo_id(repo_id)
    folder, info = read_checkpoint_info(checkpoint)
    check_labels(info, folder)
    verify_files(folder, info)
    reference = HF_SCHEME + repo_id + (f"@{revision}" if revision else "")
    target = Path(target)
    with output_folder(target, Kind.HUB_UPLOAD, inputs=[folder]) as tmp:
        shutil.copy2(folder / INFO_FILE, tmp / INFO_FILE)
        for rel in info["files"]:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / rel, tmp / rel)
        (tmp / CARD_FILE).write_text(model_card(info, reference), encoding="utf-8")
    # the copy is checked as the downloader will check it
    verify_files(target, info)
    return Staged(target, repo_id, info, share_warnings(info))


def stale_weight_files(remote: Iterable[str], staged: Iterable[str]) -> list[str]:
    """Files under weights/ in the repository that the new checkpoint does not have."""
    keep = set(staged)
    return sorted(f for f in remote if f.startswith(f"{WEIGHTS_DIR}/") and f not in keep)


def _hub_error(err: Exception, repo_id: str) -> FramingInputError:
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if isinstance(err, OfflineModeIsEnabled):
        return FramingInputError(OFFLINE, fix="unset HF_HUB_OFFLINE to push")
    if isinstance(err, HfHubHTTPError):
        status = getattr(err.response, "status_code", None)
        if status in (401, 403):
            return FramingInputError(
                f"the Hub refused the token for this repository (HTTP {status})",
                file=HF_SCHEME + repo_id,
                fix="use a token with write access to the repository (hf auth login)",
            )
        return FramingInputError(
            f"the Hub refused the push (HTTP {status})", file=HF_SCHEME + repo_id
        )
    return FramingInputError(
        f"the Hub cannot be reached ({type(err).__name__}); nothing was uploaded",
        file=HF_SCHEME + repo_id,
        fix="check the network connection and HF_ENDPOINT, then push again",
    )


def hub_token() -> str:
    """The token a push will use; offline mode or no token stops here, before any work."""
    from huggingface_hub import constants, get_token

    if constants.HF_HUB_OFFLINE:
        raise FramingInputError(OFFLINE, fix="unset HF_HUB_OFFLINE to push")
    token = get_token()
    if not token:
        raise FramingInputError(
            "no Hugging Face token: pushing needs one with write access",
            fix="log in with `hf auth login`, or set HF_TOKEN",
        )
    return token


def push_checkpoint(staged: Staged, *, private: bool = False, revision: str | None = None) -> str:
    """Upload a staged checkpoint as one commit; returns the commit's URL. Needs a token
    (``hf auth login`` or ``HF_TOKEN``) and the network; refuses to run with
    ``HF_HUB_OFFLINE=1``."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, HTTPError, OfflineModeIsEnabled

    token = hub_token()
    repo_id = staged.repo_id
    api = HfApi(token=token, library_name=DISTRIBUTION, library_version=package_version())
    try:
        api.create_repo(repo_id, private=True if private else None, exist_ok=True)
        if private and not api.repo_info(repo_id).private:
            raise FramingInputError(
                "exists and is public; --private would not make it private",
                file=HF_SCHEME + repo_id,
                fix="push to a new repository, or change its visibility on the Hub first",
            )
        if revision:
            api.create_branch(repo_id, branch=revision, exist_ok=True)
        remote = api.list_repo_files(repo_id, revision=revision)
        stale = stale_weight_files(remote, staged.files)
        if stale and INFO_FILE not in remote:
            raise FramingInputError(
                f"holds {WEIGHTS_DIR}/ files that framing did not push",
                file=HF_SCHEME + repo_id,
                fix="push to a new repository",
            )
        headline = headline_metric(staged.info)
        commit = api.upload_folder(
            repo_id=repo_id,
            folder_path=staged.folder,
            revision=revision,
            allow_patterns=staged.files,
            commit_message=f"framing push: {staged.info['family']} {staged.info['task']} "
            f"checkpoint" + (f", {headline}" if headline else ""),
            delete_patterns=stale or None,
        )
    except (HfHubHTTPError, HTTPError, OfflineModeIsEnabled) as err:
        raise _hub_error(err, repo_id) from None
    return str(commit.commit_url)
