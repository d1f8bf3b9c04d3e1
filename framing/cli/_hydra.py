"""The study-configured commands (``framing train``, ``framing predict``) as Click commands.

Their arguments are Hydra's: ``KEY=VALUE`` overrides, ``GROUP=OPTION``, ``+experiment=NAME``,
``hydra.run.dir=DIR``, ``hydra/launcher=NAME`` and Hydra's flags (``-m``, ``--cfg job``), all
handed to Hydra unchanged (``framing.cli._common.hydra_app``). Click adds what Hydra's own
command line lacks for a program with subcommands:

- ``--help``: the command's description, then its config groups and keys with the comments
  of their config files (``_config_help``);
- completion of config groups, options and keys through Hydra's own completion logic (a
  ``CompletionPlugin``), inside ``framing``'s completion;
- did-you-mean for an unknown key or group option (``check_override_keys``), where Hydra
  would advise appending ``+seeed=1``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

import click
from click.shell_completion import CompletionItem

from framing.cli import _config_help as config_help
from framing.cli._framework import CONTEXT_SETTINGS, did_you_mean, help_text
from framing.errors import FramingInputError

#: what a Hydra command says about Hydra's own options, after its config keys
HYDRA_NOTES = [
    ("-m, --multirun", "run every combination of comma-separated values (a sweep)"),
    ("--cfg job", "print the composed config and stop (add --resolve to resolve ${...})"),
    ("hydra.run.dir=DIR", "the run folder (hydra.sweep.dir=DIR: the sweep folder with -m)"),
    ("+KEY=VALUE", "add a key the config does not have (a plain KEY=VALUE must exist)"),
    ("--hydra-help", "Hydra's own help"),
]


class HydraCommand(click.Command):
    """A Click command whose arguments go to Hydra; --help lists its config."""

    def __init__(self, *args, config_name: str, help_sections: Callable, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.config_name = config_name
        self.help_sections = help_sections

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help(ctx, formatter)
        for title, rows in self.help_sections():
            with formatter.section(title):
                formatter.write_dl(rows, col_max=32)
        with formatter.section("Hydra"):
            formatter.write_dl(HYDRA_NOTES, col_max=32)


def hydra_command(
    doc: str | None,
    config_name: str,
    help_sections: Callable,
    groups: Sequence[str] | None = None,
) -> Callable:
    """``@hydra_command(__doc__, "train", sections)``: the decorated function receives the
    overrides and flags exactly as typed. ``groups``: the config groups the command uses
    (completion offers no other; None: all of framing's)."""

    def decorate(function: Callable) -> click.Command:
        function = _no_hydra_completion(function)
        function = click.argument(
            "overrides",
            nargs=-1,
            type=click.UNPROCESSED,
            metavar="[KEY=VALUE]...",
            shell_complete=completer(config_name, groups),
            help="config overrides and Hydra flags (the sections below)",
        )(function)
        return click.command(
            cls=HydraCommand,
            help=help_text(doc),
            config_name=config_name,
            help_sections=help_sections,
            context_settings={**CONTEXT_SETTINGS, "ignore_unknown_options": True},
        )(function)

    return decorate


def _no_hydra_completion(function: Callable) -> Callable:
    """Hydra's -sc installs completion for one program per command, which framing is not:
    framing's own completion covers the config keys."""

    @functools.wraps(function)
    def checked(overrides: tuple[str, ...]) -> int:
        if any(
            a in ("-sc", "--shell-completion") or a.startswith("--shell-completion=")
            for a in overrides
        ):
            raise click.UsageError(
                "framing's Tab completion, config keys included, is installed with "
                "framing --install-completion (Hydra's -sc is not used)"
            )
        return function(overrides)

    return checked


def key_rows(keys: list[config_help.ConfigKey], skip: Sequence[str] = ()) -> list[tuple]:
    """(``key=default``, comment) rows of documented keys; a ``???`` default is required."""
    rows = []
    for key in keys:
        if key.name in skip:
            continue
        shown = f"{key.name}=..." if key.required else f"{key.name}={key.default}"
        rows.append((shown, ("required. " if key.required else "") + key.comment))
    return rows


def option_rows(group: str) -> list[tuple[str, str]]:
    return [
        (f"{group}={name}", config_help.option_summary(text))
        for name, text in config_help.group_options(group).items()
    ]


# ---------------------------------------------------------------------------- completion


def completer(config_name: str, groups: Sequence[str] | None = None) -> Callable:
    """Click's completion callback for the overrides of ``config_name``'s command."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str):
        before = [str(w) for w in ctx.params.get(param.name) or ()]
        words = hydra_completions(config_name, before, incomplete)
        if groups is not None:  # Hydra offers every group on the search path
            unused = set(_all_groups()) - {"hydra", *groups}
            words = [w for w in words if re.split(r"[=/.]", w.lstrip("+~"))[0] not in unused]
        return [CompletionItem(word) for word in words]

    return complete


def _all_groups() -> list[str]:
    return [name for folder in config_help.config_dirs() for name in _groups_in(folder)]


def hydra_completions(config_name: str, before: list[str], incomplete: str) -> list[str]:
    """What Hydra completes ``incomplete`` to after the arguments ``before``: config groups
    (``model=``), their options (``model=tfidf_lr``), keys (``eval.n_folds=``) and values.
    Completion must never fail loudly: a broken config completes to nothing."""
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra
    from hydra.plugins.completion_plugin import CompletionPlugin

    class Completion(CompletionPlugin):  # Hydra's logic, asked directly, not via a shell
        def install(self) -> None:
            raise NotImplementedError

        def uninstall(self) -> None:
            raise NotImplementedError

        @staticmethod
        def provides() -> str:
            return "framing"

        def query(self, config_name: str | None) -> None:
            raise NotImplementedError

        @staticmethod
        def help(command: str) -> str:
            return ""

        def words(self, config_name: str, line: str) -> list[str]:
            return self._query(config_name, line)

    if incomplete.startswith("-"):
        return []
    line = " ".join([*before, incomplete])
    try:
        if GlobalHydra.instance().is_initialized():
            GlobalHydra.instance().clear()
        with initialize_config_module("framing.conf", version_base="1.3"):
            loader = GlobalHydra.instance().config_loader()
            return Completion(loader).words(config_name, line)
    except Exception:  # noqa: BLE001 - a Tab press must never print a traceback
        return []


# ---------------------------------------------------------------------------- did you mean


def is_hydra_flag(arg: str) -> bool:
    """--multirun, --cfg, --help, ...: Hydra's own command-line flags."""
    return arg.startswith("-")


def check_override_keys(config_name: str, argv: Sequence[str]) -> None:
    """Raise one clear error for the first override naming a key or a group option that
    does not exist, with the closest ones (Hydra itself would say "Could not override
    'seeed'... To append to your config use +seeed=1"). Returns if every key exists."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    from framing.study.config import compose

    overrides = OverridesParser.create().parse_overrides([a for a in argv if not is_hydra_flag(a)])
    groups = set(_all_groups())
    choices: list[str] = []  # group choices and additions: they decide which keys exist
    swept: set[str] = set()
    for o in overrides:
        key = o.key_or_group
        if key.startswith("hydra") or o.is_delete():
            continue
        if key in groups or o.is_add() or o.is_force_add():
            if o.is_sweep_override():
                swept.add(key)
                continue
            if key in groups and not o.is_add():
                _check_option(key, str(o.value()))
            choices.append(o.input_line)
    try:
        cfg = compose(config_name, choices, return_hydra_config=False)
    except FramingInputError:
        return  # the group choices themselves fail: Hydra's message says why
    known = sorted(_dotted_keys(OmegaConf.to_container(cfg, resolve=False)))
    for o in overrides:
        key = o.key_or_group
        if (
            key in groups
            or key.startswith("hydra")
            or o.is_add()
            or o.is_force_add()
            or o.is_delete()
            or key.split(".")[0] in swept
        ):
            continue
        if key not in known and not any(k.startswith(key + ".") for k in known):
            value = o.input_line.partition("=")[2]
            closest = did_you_mean_key(key, [*known, *groups])
            # a typo gets the key it meant; only a key like no other may be meant as new
            fix = None if closest else f"to add a key the config lacks: +{key}={value}"
            raise FramingInputError(f"unknown key '{key}'{closest}", fix=fix)


def did_you_mean_key(key: str, known: list[str]) -> str:
    """The closest keys: the same name elsewhere in the tree (``model.C`` ->
    ``model.estimator.C``), else the closest spellings of the whole dotted key."""
    known = list(dict.fromkeys(known))
    name = key.rpartition(".")[2]
    same_name = [k for k in known if k.rpartition(".")[2] == name and k != key]
    if same_name:
        return f" — did you mean {' or '.join(same_name[:3])}?"
    return did_you_mean(key, known)


def _check_option(group: str, choice: str) -> None:
    options = list(config_help.group_options(group))
    if options and choice not in options:
        raise FramingInputError(
            f"unknown {group} '{choice}'{did_you_mean(choice, options)}",
            fix=f"valid choices: {', '.join(options)}",
        )


def _groups_in(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("_")]


def _dotted_keys(tree, prefix: str = "") -> list[str]:
    keys = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            name = f"{prefix}{key}"
            keys.append(name)
            keys += _dotted_keys(value, name + ".")
    return keys
