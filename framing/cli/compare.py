"""framing compare: pool run folders by (task, model) across seeds into the comparison.

    framing compare results/multirun/full_comparison --out results/comparison

Finds every metrics.json under the given folders, reads each run's oof_predictions.csv and
writes comparison.csv, comparison.md, comparison.tex, differences.csv and
model_comparison.{pdf,png,csv} to ``--out`` (see ``framing.runs.comparison``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import bootstrap_option_type, check_level, run_command
from framing.cli._framework import command, invoke


@command(__doc__)
@click.argument(
    "runs", nargs=-1, required=True, help="run folders, multirun folders or metrics.json files"
)
@click.option(
    "--out",
    default="results/comparison",
    show_default=True,
    type=Path,
    metavar="DIR",
    help="the folder to write the tables and the figure into",
)
@click.option(
    "--bootstrap",
    type=bootstrap_option_type(),
    default=1000,
    show_default=True,
    help="bootstrap replicates of the intervals and differences",
)
@click.option(
    "--level",
    type=float,
    default=0.95,
    show_default=True,
    callback=check_level,
    help="confidence level of the intervals",
)
@click.option("--seed", type=int, default=0, show_default=True, help="seed of the bootstrap")
def compare(**options) -> int:
    args = SimpleNamespace(**options)

    def body() -> None:
        from framing.runs.comparison import write_comparison
        from framing.runs.discover import find_runs

        runs = find_runs(args.runs)
        written = write_comparison(runs, args.out, args.bootstrap, args.seed, args.level)
        print(f"compared {len(runs)} runs; wrote " + ", ".join(map(str, written)))

    return run_command(body)


def main(argv: list[str] | None = None) -> int:
    return invoke(compare, argv, "framing compare")


if __name__ == "__main__":
    sys.exit(main())
