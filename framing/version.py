"""The installed version of framing, in a module of its own: the checkpoint records and the
sample records need it, and reading it from the package top (``framing.__version__``) would
make every layer import the top of the package."""

from __future__ import annotations

from functools import cache

from framing.distribution import DISTRIBUTION


@cache
def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"
