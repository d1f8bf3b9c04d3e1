"""framing: stance and framing analysis of news coverage.

framing COMMAND --help                   # what a command does, its arguments and options
framing --install-completion [SHELL]     # Tab completion of commands, options and config
"""

from __future__ import annotations

import importlib
import sys

import click

from framing.cli import _completion
from framing.cli._framework import CONTEXT_SETTINGS, Group, help_text, invoke

#: command -> (its module under framing.cli, one line of help). The module's Click command is
#: the attribute of the module's own name (framing.cli.learning_curve.learning_curve); it is
#: imported only when the command runs, is completed or shows its help.
COMMANDS: dict[str, tuple[str, str]] = {
    "study": ("study", "create a study folder (init) or show the current one"),
    "corpus": ("corpus", "clean and split articles into sentences, with duplicate groups"),
    "coding": ("coding", "sheets and samples to code, agreement, gold assembly, counts"),
    "train": ("train", "cross-validate a family on a task and save a checkpoint (Hydra)"),
    "compare": ("compare", "pool runs into the comparison table, differences and figure"),
    "learning-curve": ("learning_curve", "run or aggregate the learning-curve sweep"),
    "plot": ("plot", "redraw every figure of the paper"),
    "predict": ("predict", "apply checkpoints to new articles (Hydra)"),
    "validate": ("validate", "score checkpoints on a coded sample of a new corpus"),
    "estimate": ("estimate", "shares per outlet of a new corpus, corrected by a coded sample"),
    "sample-size": ("sample_size", "expected interval width for a number of coded sentences"),
    "discover": ("discover", "cluster unframed sentences: candidate frames the codebook lacks"),
    "report": ("report", "one self-contained HTML page of the study"),
    "push": ("push", "upload a checkpoint to the Hugging Face Hub (framing.load loads hf://)"),
}


class Framing(Group):
    """The ``framing`` command: its subcommands are loaded from ``COMMANDS`` on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = COMMANDS[name][0]
        return getattr(importlib.import_module(f"framing.cli.{module}"), module)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, without importing every command."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, text) in COMMANDS.items()])


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from framing.version import package_version

    click.echo(f"framing {package_version()}")
    ctx.exit()


@click.group(
    cls=Framing,
    help=help_text(__doc__),
    context_settings=CONTEXT_SETTINGS,
    invoke_without_command=False,
    no_args_is_help=True,
)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="print the version and stop",
)
@_completion.options
def framing() -> None:
    pass


def main(argv: list[str] | None = None) -> int:
    return invoke(framing, argv, "framing")


if __name__ == "__main__":
    sys.exit(main())
