"""Checkpoints on the Hugging Face Hub: ``hf://OWNER/REPO[@REVISION][/PATH]`` in, a local
folder out.

A Hub checkpoint is downloaded into the Hugging Face cache (``HF_HUB_CACHE``) by
``huggingface_hub.snapshot_download`` and then loaded like any local folder, so it passes the
same checks (format version, sha256 of every weight file, no extra weight file, labels against
the schema). With ``HF_HUB_OFFLINE=1`` only the cache is read. The reference syntax is the
library's own (``huggingface_hub.parse_hf_uri``); only model repositories are checkpoints.

``framing push`` (``framing.checkpoint.publish``) is the other direction.
"""

from __future__ import annotations

import logging
from pathlib import Path

from framing.distribution import DISTRIBUTION
from framing.errors import FramingInputError
from framing.version import package_version

log = logging.getLogger(__name__)

HF_SCHEME = "hf://"
#: what a checkpoint on the Hub is made of (the rest of a repository is not downloaded)
CHECKPOINT_PATTERNS = ("framing_checkpoint.json", "README.md", "weights/**")


def is_hub_reference(path: object) -> bool:
    """Whether a checkpoint argument names a Hub repository (``hf://...``)."""
    return isinstance(path, str) and path.startswith(HF_SCHEME)


def parse_hub_reference(reference: str):
    """``huggingface_hub.HfUri`` of a checkpoint reference; a malformed one, or one naming a
    dataset, space or bucket, is refused with the syntax to use."""
    from huggingface_hub import parse_hf_uri
    from huggingface_hub.errors import HfUriError

    try:
        uri = parse_hf_uri(reference)
    except HfUriError as err:
        raise FramingInputError(
            f"is not a Hub checkpoint reference: {getattr(err, 'msg', err)}",
            file=reference,
            fix="write hf://OWNER/REPO, hf://OWNER/REPO@REVISION or hf://OWNER/REPO@REVISION/FOLDER",
        ) from None
    if uri.type != "model":
        raise FramingInputError(
            f"names a {uri.type} repository; checkpoints are model repositories",
            file=reference,
            fix="write hf://OWNER/REPO",
        )
    return uri


def download_checkpoint(reference: str) -> Path:
    """The local folder of the checkpoint ``hf://OWNER/REPO[@REVISION][/PATH]`` names, from
    the Hugging Face cache or downloaded into it. Nothing is verified here: the caller loads
    the folder like any local checkpoint."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        HfHubHTTPError,
        HTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    uri = parse_hub_reference(reference)
    prefix = f"{uri.path_in_repo.strip('/')}/" if uri.path_in_repo else ""
    try:
        snapshot = snapshot_download(
            uri.id,
            revision=uri.revision,
            allow_patterns=[prefix + pattern for pattern in CHECKPOINT_PATTERNS],
            library_name=DISTRIBUTION,
            library_version=package_version(),
        )
    except RevisionNotFoundError:
        raise FramingInputError(
            f"the Hub repository {uri.id} has no revision '{uri.revision}'",
            file=reference,
            fix="give a branch, tag or commit of the repository after @",
        ) from None
    except RepositoryNotFoundError:
        raise FramingInputError(
            f"no model repository {uri.id} on the Hub (or it is private and no token was given)",
            file=reference,
            fix="check the name; for a private repository log in (hf auth login) or set HF_TOKEN",
        ) from None
    except LocalEntryNotFoundError:
        raise FramingInputError(
            "is not in the local Hugging Face cache and the Hub cannot be reached "
            "(offline, HF_HUB_OFFLINE=1, or no network)",
            file=reference,
            fix="connect and load it once (it is cached), or point HF_HUB_CACHE at a cache "
            "that holds it",
        ) from None
    except HfHubHTTPError as err:
        status = getattr(err.response, "status_code", "?")
        raise FramingInputError(
            f"the Hub refused the download (HTTP {status})",
            file=reference,
            fix="check the repository's access rights and your token (hf auth whoami)",
        ) from None
    except HTTPError as err:
        raise FramingInputError(
            f"the Hub cannot be reached ({type(err).__name__})",
            file=reference,
            fix="check the network, or set HF_HUB_OFFLINE=1 to use the cached copy",
        ) from None
    folder = Path(snapshot) / uri.path_in_repo if uri.path_in_repo else Path(snapshot)
    # the snapshot folder's name is the commit: the exact version that was loaded
    log.info("%s is commit %s of %s (%s)", reference, Path(snapshot).name, uri.id, folder)
    return folder


def local_checkpoint(path: str | Path) -> str | Path:
    """A checkpoint argument as a local path: ``hf://...`` is downloaded (or read from the
    cache), anything else is returned unchanged."""
    return download_checkpoint(path) if is_hub_reference(path) else path
