"""The command-line framework every command is built on: Click commands and groups.

Every command is a Click command (``framing/cli/<name>.py``) made with ``command`` or
``group`` from here, so they share one help layout (``-h``/``--help``, examples kept as
written), did-you-mean for a mistyped subcommand (Click itself suggests options), and one
``error: ...`` line with exit code 2 for a usage mistake (``invoke``). ``framing`` (``main.py``)
loads a command's module only when that command runs, is completed or asked for help.

Why Click and not Typer: Typer 0.29 vendors Click as a private module (``typer._click``,
"should not be used by external applications"), so its usage-error and shell-completion
classes are not public, and it refuses repeatable two-value options (``list[tuple[str, str]]``
raises "List types with complex sub-types are not currently supported"), which
``framing estimate --difference A B`` needs. Click 8 gives all of this publicly and is
already installed with ``huggingface_hub``.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Sequence

import click

#: -h as well as --help; help text up to 100 columns on a wide terminal
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def help_text(doc: str | None) -> str | None:
    """A module docstring as Click help: paragraphs holding indented lines (examples,
    tables) are kept as written (Click's ``\\b`` marker); ``code`` loses its doubled quotes."""
    if not doc:
        return doc
    paragraphs = []
    for paragraph in doc.strip().split("\n\n"):
        lines = paragraph.split("\n")
        if any(line.startswith(" ") for line in lines[1:]) or paragraph.startswith(" "):
            paragraph = "\b\n" + paragraph
        paragraphs.append(paragraph.replace("``", "`"))
    return "\n\n".join(paragraphs)


def close_matches(word: str, choices: Sequence[str]) -> list[str]:
    """The choices a typo most likely meant (difflib's ratio, as Click does for options)."""
    return difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` — did you mean X?`` (or ``X or Y``), or nothing if no choice is close."""
    matches = close_matches(word, list(dict.fromkeys(choices)))
    return f" — did you mean {' or '.join(matches)}?" if matches else ""


class Group(click.Group):
    """A command with subcommands; a mistyped subcommand gets the closest names."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as err:
            # Click suggests from the commands it has loaded; a lazy group has loaded none
            names = self.list_commands(ctx)
            message = f"unknown command '{err.command_name}'{did_you_mean(err.command_name, names)}"
            raise click.UsageError(message, ctx=err.ctx) from None


def command(doc: str | None, **settings) -> Callable:
    """``@command(__doc__)``: a command whose help is the module's docstring."""
    context = {**CONTEXT_SETTINGS, **settings.pop("context_settings", {})}
    return click.command(help=help_text(doc), context_settings=context, **settings)


def group(doc: str | None, **settings) -> Callable:
    """``@group(__doc__)``: a command with subcommands (``Group``)."""
    context = {**CONTEXT_SETTINGS, **settings.pop("context_settings", {})}
    return click.group(cls=Group, help=help_text(doc), context_settings=context, **settings)


def subcommand(parent: click.Group, summary: str, description: str = "", **settings):
    """A subcommand whose --help opens with what it does (``summary``) and what it writes."""
    doc = f"{summary[0].upper()}{summary[1:]}." + (f"\n\n{description}" if description else "")
    return parent.command(help=help_text(doc), short_help=summary, **settings)


def invoke(cmd: click.Command, argv: Sequence[str] | None, prog: str) -> int:
    """Run ``cmd`` as ``prog ARGV`` and return its exit code.

    The command's own body returns its exit code (``framing.cli._common.run_command``: 2 for
    bad input, 130/143 for a signal); a usage mistake (unknown option, missing argument, an
    invalid choice) is one ``error:`` line naming it and the help to read, exit code 2."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        result = cmd.main(args=argv, prog_name=prog, standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as err:  # `framing`, `framing coding`: the help
        print(err.format_message())
        return 0
    except click.UsageError as err:
        where = err.ctx.command_path if err.ctx is not None else prog
        print(f"error: {usage_message(err)} (see: {where} --help)", file=sys.stderr)
        return err.exit_code
    except click.ClickException as err:
        print(f"error: {err.format_message()}", file=sys.stderr)
        return err.exit_code
    except click.Abort:  # Ctrl-C while Click itself was reading the command line
        print("interrupted (SIGINT)", file=sys.stderr)
        return 130
    return int(result or 0)


def usage_message(err: click.UsageError) -> str:
    """Click's message in the house style: lower case, no full stop, the closest names."""
    if isinstance(err, click.exceptions.NoSuchOption):
        return f"no such option {err.option_name}" + did_you_mean(
            err.option_name, err.possibilities or []
        )
    message = " ".join(err.format_message().split())
    return message[:1].lower() + message[1:].rstrip(".")
