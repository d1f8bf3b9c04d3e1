"""Composing the package's Hydra configs with the study's on top, outside a Hydra app.

The package's configs live in ``framing/conf`` (package data, ``pkg://framing.conf``). The
search-path plugin in ``hydra_plugins/framing_study`` puts the study's ``conf/`` before them,
so a study overrides any package config by giving a file of the same name.
"""

from __future__ import annotations

from collections.abc import Sequence

from framing.errors import FramingInputError

CONFIG_MODULE = "framing.conf"


def input_error_message(err: BaseException) -> str | None:
    """The one-line message for bad input in a config (None: a bug, let the traceback show)."""
    import re

    import hydra.errors
    from omegaconf.errors import (
        ConfigAttributeError,
        ConfigKeyError,
        InterpolationToMissingValueError,
        MissingMandatoryValue,
    )

    if isinstance(err, FramingInputError):
        return str(err)
    if isinstance(err, InterpolationToMissingValueError):  # ${seed} where seed is ???
        found = re.search(r"Missing mandatory value: (\S+)", str(err))
        return str(missing_value(found.group(1) if found else err.full_key))
    if isinstance(err, MissingMandatoryValue | ConfigKeyError | ConfigAttributeError):
        return str(missing_value(err.full_key or str(err.key)))
    if isinstance(err, hydra.errors.MissingConfigException) and err.options:
        group, _, choice = str(err.missing_cfg_file).rpartition("/")
        return f"unknown {group} '{choice}' (valid choices: {', '.join(err.options)})"
    if isinstance(err, hydra.errors.HydraException):
        return " ".join(str(err).split("Set the environment variable")[0].split())
    return None


def missing_value(key: str) -> FramingInputError:
    return FramingInputError(
        "missing config value", field=key, fix=f"set it on the command line: {key}=..."
    )


def compose(config_name: str, overrides: Sequence[str] = (), return_hydra_config: bool = False):
    """A command's config (``framing/conf/<config_name>.yaml``, study first on the search
    path) with ``key=value`` overrides; bad input raises ``FramingInputError``."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra

    if GlobalHydra.instance().is_initialized():  # e.g. a notebook that composed before
        GlobalHydra.instance().clear()
    try:
        with initialize_config_module(CONFIG_MODULE, version_base="1.3", job_name=config_name):
            return hydra_compose(
                config_name, overrides=list(overrides), return_hydra_config=return_hydra_config
            )
    except Exception as err:
        message = input_error_message(err)
        if message is None:
            raise
        raise FramingInputError(message) from None
