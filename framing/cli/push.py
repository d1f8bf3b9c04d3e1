"""framing push: a checkpoint to a model repository on the Hugging Face Hub.

    framing push results/runs/frames/checkpoint my-lab/putin-vietnam-frames
    framing push CKPT OWNER/NAME --private --revision v1
    framing push CKPT OWNER/NAME --dry-run upload/     # write what would be uploaded, no network

The checkpoint is verified first (format, sha256 of every weight file, labels). What is
uploaded: framing_checkpoint.json, weights/ and the model card, rewritten to load from the Hub
(framing.load("hf://OWNER/NAME")). Needs a token with write access (hf auth login, or
HF_TOKEN); the repository is created if it does not exist. Load it back with
framing.load("hf://OWNER/NAME[@REVISION]") or framing predict checkpoint=hf://OWNER/NAME.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke


@command(__doc__)
@click.argument("checkpoint", type=Path, help="checkpoint folder (a run's checkpoint/)")
@click.argument("repo_id", metavar="REPO_ID", help="the Hub model repository, OWNER/NAME")
@click.option("--private", is_flag=True, help="create the repository as private")
@click.option(
    "--revision", default=None, metavar="BRANCH", help="branch to push to (created if missing)"
)
@click.option(
    "--dry-run",
    type=Path,
    default=None,
    metavar="DIR",
    help="write what would be uploaded into DIR (a new folder) and contact nobody",
)
def push(**options) -> int:
    args = SimpleNamespace(**options)

    def body() -> None:
        from framing.checkpoint.publish import hub_token, push_checkpoint, stage_for_hub
        from framing.study import resolve_path

        checkpoint = resolve_path(args.checkpoint)
        if args.dry_run is not None:
            staged = stage_for_hub(checkpoint, args.repo_id, args.dry_run, args.revision)
            report(staged)
            print(f"dry run: wrote {args.dry_run}; nothing was uploaded")
            return
        hub_token()  # offline or no token: stop before staging
        with tempfile.TemporaryDirectory(prefix="framing-push-") as tmp:
            staged = stage_for_hub(checkpoint, args.repo_id, Path(tmp) / "upload", args.revision)
            report(staged)
            url = push_checkpoint(staged, private=args.private, revision=args.revision)
        where = staged.repo_id + (f"@{args.revision}" if args.revision else "")
        print(f'pushed: {url}\nload it with: framing.load("hf://{where}")')

    return run_command(body)


def report(staged) -> None:
    print(f"{staged.repo_id}: {len(staged.files)} files")
    for name in staged.files:
        print(f"  {name}")
    for note in staged.warnings:
        print(f"warning: {note}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    return invoke(push, argv, "framing push")


if __name__ == "__main__":
    sys.exit(main())
