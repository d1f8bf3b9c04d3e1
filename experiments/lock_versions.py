"""Write the lock file of the committed results: every package of the environment that made
them, pinned.

    python -m experiments.lock_versions            # -> results/requirements.lock

Run it in the environment that regenerated ``results/`` (``experiments/paper_figures.sh`` and
``experiments/full_comparison.sh`` call it last). To rerun the results with the same releases:

    python -m pip install -r results/requirements.lock
    python -m pip install --no-deps -e .
    bash experiments/paper_figures.sh

Versions are written without a local label (``torch==2.13.0``, not ``2.13.0+cpu``): pip
matches the CPU build with it, and an unpinned or differently labelled torch would pull CUDA.
"""

from __future__ import annotations

import argparse
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import distributions
from pathlib import Path

from packaging.utils import canonicalize_name

from framing.distribution import DISTRIBUTION
from framing.outputs import Kind, write_text

LOCK = Path("results/requirements.lock")
#: the project itself and the installers are not pinned by the lock
LEFT_OUT = {canonicalize_name(DISTRIBUTION), "pip", "setuptools", "wheel"}


def pinned_versions() -> dict[str, str]:
    """{canonical name: public version} of every installed distribution but the left-out."""
    pins: dict[str, str] = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if not name or canonicalize_name(name) in LEFT_OUT:
            continue
        pins[canonicalize_name(name)] = dist.version.split("+", 1)[0]
    return dict(sorted(pins.items()))


def lock_text(pins: dict[str, str]) -> str:
    header = [
        "# The releases behind the committed results (python -m experiments.lock_versions).",
        f"# Written {datetime.now(UTC).date().isoformat()} with Python "
        f"{platform.python_version()} on {platform.system()} {platform.machine()}.",
        "# Rerun: python -m pip install -r results/requirements.lock && "
        "python -m pip install --no-deps -e . && bash experiments/paper_figures.sh",
    ]
    return "\n".join(header + [f"{name}=={version}" for name, version in pins.items()]) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m experiments.lock_versions", description=__doc__)
    p.add_argument("--out", type=Path, default=LOCK, help="default: results/requirements.lock")
    args = p.parse_args(argv)
    pins = pinned_versions()
    write_text(args.out, lock_text(pins), Kind.EXPERIMENT)
    print(f"wrote {args.out}: {len(pins)} packages pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
