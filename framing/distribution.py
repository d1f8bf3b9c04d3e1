"""The name the toolkit is installed under, and the install line an error message gives.

The import name and the command are ``framing``; the distribution (what ``pip install``
takes) is ``framing-toolkit``, because ``framing`` on PyPI is an unrelated package. Every
message that tells a user what to install, and the version lookup, take the name from here.
"""

from __future__ import annotations

DISTRIBUTION = "framing-toolkit"


def install_command(extra: str | None = None, upgrade: bool = False) -> str:
    """``pip install "framing-toolkit[EXTRA]"`` as a user would type it."""
    target = f"{DISTRIBUTION}[{extra}]" if extra else DISTRIBUTION
    return f'pip install {"--upgrade " if upgrade else ""}"{target}"'
