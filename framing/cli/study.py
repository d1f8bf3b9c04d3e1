"""framing study: start a study of your own.

    framing study init DIR [--name NAME] [--description TEXT] [--language en]
    framing study show                    # the study found from here, and its config

A study folder holds conf/study.yaml (label schema, paths, language), a codebook, articles/
and labels/ (``framing.study``). Every command run inside it uses its config.
"""

from __future__ import annotations

import sys

import click

from framing.cli._common import run_command
from framing.cli._framework import group, invoke, subcommand


@group(__doc__)
def study() -> None:
    pass


@subcommand(
    study,
    "create a new study folder from the template",
    "Writes DIR/conf/study.yaml, a codebook to fill in, articles/ and labels/. DIR must not\n"
    "exist or be empty.",
)
@click.argument("folder", metavar="DIR", help="the study folder to create")
@click.option("--name", default=None, help="the study's name (default: the folder's name)")
@click.option("--description", default="", help="one line on what the study is about")
@click.option(
    "--language",
    default="en",
    show_default=True,
    help="ISO 639-1 code of the corpus's language",
)
def init(folder: str, name: str | None, description: str, language: str) -> int:
    def body() -> None:
        from framing.study.init import create_study

        written = create_study(folder, name, description, language)
        print(
            f"created study {folder} ({len(written)} files); next: edit "
            f"{folder}/conf/study.yaml and {folder}/codebook.md"
        )

    return run_command(body)


@subcommand(
    study,
    "print the study found from the working directory",
    "The study folder (the nearest one at or above the working directory holding\n"
    "conf/study.yaml, or FRAMING_STUDY) and its config.",
)
def show() -> int:
    def body() -> None:
        import yaml

        from framing.study import load_study

        found = load_study()
        print(f"study {found.name} at {found.root}")
        print(yaml.safe_dump(found.config, sort_keys=False, allow_unicode=True).rstrip())

    return run_command(body)


def main(argv: list[str] | None = None) -> int:
    return invoke(study, argv, "framing study")


if __name__ == "__main__":
    sys.exit(main())
