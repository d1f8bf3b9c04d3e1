"""Tab completion of ``framing``: commands, subcommands, options, and the config keys of
``framing train`` / ``framing predict`` (``framing.cli._hydra``), through Click's protocol:
the shell runs ``_FRAMING_COMPLETE=<shell>_complete framing`` with the words typed so far.

``framing --install-completion [bash|zsh|fish]`` writes the shell's script and loads it from
the shell's start-up file; ``framing --show-completion [SHELL]`` prints it, to install by hand.

Bash splits a word at ``=`` (``COMP_WORDBREAKS``), so ``model=tf`` arrives as ``model``, ``=``,
``tf`` and bash replaces only the last piece with what we answer. ``BashCompletion`` joins the
pieces again before completing (Click and Hydra see ``model=tf``) and answers with the part
bash replaces (``tfidf_lr``); a key completed up to its ``=`` or ``.`` takes no space after it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click
from click.shell_completion import (
    BashComplete,
    CompletionItem,
    add_completion_class,
    get_completion_class,
    split_arg_string,
)

PROG = "framing"
COMPLETE_VAR = "_FRAMING_COMPLETE"
SHELLS = ("bash", "zsh", "fish")
#: characters bash splits words at that can occur inside a framing argument
SPLIT_AT = ("=", ":")

_BASH_SCRIPT = """\
%(complete_func)s() {
    local IFS=$'\\n'
    local response line kind value
    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \\
        %(complete_var)s=bash_complete $1)
    COMPREPLY=()
    for line in $response; do
        IFS=',' read -r kind value <<< "$line"
        case $kind in
            dir) compopt -o dirnames ;;
            file) compopt -o default ;;
            plain) COMPREPLY+=("$value") ;;
        esac
    done
    # a key completed up to its '=' or '.' takes its value next: no space after it
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[=.] ]]; then
        compopt -o nospace
    fi
    return 0
}
complete -o nosort -F %(complete_func)s %(prog_name)s
"""


def join_split_words(words: list[str], current: int) -> tuple[list[str], int, str]:
    """Bash's words with the pieces of ``key=value`` joined again: (the words, the index of
    the one being completed, the part of it before bash's own current word)."""
    joined: list[str] = []
    index, prefix = len(words), ""  # an empty current word (after a space) is a new word
    glue_next = False
    for i, word in enumerate(words):
        glue = bool(joined) and (word in SPLIT_AT or glue_next)
        before = joined[-1] if glue else ""
        if glue:
            joined[-1] += word
        else:
            joined.append(word)
        glue_next = word in SPLIT_AT
        if i == current:
            index, prefix = len(joined) - 1, before
    if current >= len(words):
        index = len(joined)
    return joined, index, prefix


class BashCompletion(BashComplete):
    """Click's bash completion, with ``key=value`` kept in one piece (see the module doc)."""

    source_template = _BASH_SCRIPT

    def get_completion_args(self) -> tuple[list[str], str]:
        words = split_arg_string(os.environ["COMP_WORDS"])
        joined, index, self.replaced_prefix = join_split_words(words, int(os.environ["COMP_CWORD"]))
        incomplete = joined[index] if index < len(joined) else ""
        return joined[1:index], incomplete

    def format_completion(self, item: CompletionItem) -> str:
        value = item.value
        if self.replaced_prefix and value.startswith(self.replaced_prefix):
            value = value[len(self.replaced_prefix) :]
        return f"{item.type},{value}"


add_completion_class(BashCompletion, "bash")


def script(cli: click.Command, shell: str) -> str:
    """The completion script of ``shell`` for ``framing``."""
    completion = get_completion_class(shell)
    if completion is None:
        raise click.BadParameter(f"{shell} is not one of {', '.join(SHELLS)}")
    return completion(cli, {}, PROG, COMPLETE_VAR).source()


def detect_shell() -> str:
    shell = Path(os.environ.get("SHELL", "")).name
    if shell not in SHELLS:
        raise click.UsageError(
            f"cannot tell the shell from SHELL={os.environ.get('SHELL', '')!r}: name it, "
            f"e.g. framing --install-completion bash ({', '.join(SHELLS)})"
        )
    return shell


def install(cli: click.Command, shell: str) -> list[str]:
    """Write the script where ``shell`` finds it; returns what was done, one line each.
    Bash and zsh load it from their start-up file, to which one ``source`` line is added
    (once); fish loads ~/.config/fish/completions/framing.fish by itself."""
    home = Path.home()
    if shell == "fish":
        target = home / ".config" / "fish" / "completions" / f"{PROG}.fish"
        _write(target, script(cli, shell))
        return [f"wrote {target} (fish loads it in new shells)"]
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    target = data / PROG / f"completion.{shell}"
    _write(target, script(cli, shell))
    done = [f"wrote {target}"]
    rc = home / (".bashrc" if shell == "bash" else ".zshrc")
    line = f"source '{target}'  # framing's Tab completion"
    existing = rc.read_text(encoding="utf-8") if rc.is_file() else ""
    if str(target) not in existing:
        with rc.open("a", encoding="utf-8") as handle:
            handle.write(("" if existing.endswith("\n") or not existing else "\n") + line + "\n")
        done.append(f"added to {rc}: {line}")
    else:
        done.append(f"{rc} already loads it")
    if shell == "zsh":
        done.append("zsh: compinit must be loaded before that line (autoload -Uz compinit)")
    done.append("open a new shell (or source the file) to use it")
    return done


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def _shell_option(action: Callable[[click.Context, str], None]) -> Callable:
    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value is None or ctx.resilient_parsing:
            return
        action(ctx, detect_shell() if value == "auto" else value)
        ctx.exit()

    return callback


def _install(ctx: click.Context, shell: str) -> None:
    for line in install(ctx.command, shell):
        click.echo(line)


def _show(ctx: click.Context, shell: str) -> None:
    click.echo(script(ctx.command, shell))


def options(function: Callable) -> Callable:
    """``--install-completion [SHELL]`` and ``--show-completion [SHELL]`` on ``framing``."""
    for name, action, text in (
        ("--show-completion", _show, "print the completion script (default: this shell's)"),
        (
            "--install-completion",
            _install,
            "install Tab completion for bash, zsh or fish (default: this shell)",
        ),
    ):
        function = click.option(
            name,
            type=click.Choice(SHELLS),
            is_flag=False,
            flag_value="auto",
            default=None,
            expose_value=False,
            is_eager=True,
            metavar="[SHELL]",
            help=text,
            callback=_shell_option(action),
        )(function)
    return function
