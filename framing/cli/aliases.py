"""``python -m framing.X``: the module names the README gave the commands before there was a
``framing`` command. One table and one function serve them all; each alias module is the same
two lines (``if __name__ == "__main__": run_alias(__spec__.name)``).

``python -m framing.train`` and ``python -m framing.predict`` are the names the design card
gives the two Hydra entry points; the others are kept because earlier READMEs named them.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from framing.cli.main import main

#: alias module -> the ``framing`` command (and subcommand) it runs
ALIASES: dict[str, tuple[str, ...]] = {
    "framing.train": ("train",),
    "framing.predict": ("predict",),
    "framing.compare": ("compare",),
    "framing.plot": ("plot",),
    "framing.learning_curve": ("learning-curve",),
    "framing.agreement": ("coding", "agreement"),
    "framing.corpus.__main__": ("corpus",),
}


def run_alias(module: str) -> NoReturn:
    """Run the command of alias ``module`` with this process's arguments, and exit."""
    sys.exit(main([*ALIASES[module], *sys.argv[1:]]))
