"""framing learning-curve: the learning curve from a sweep of training-fraction runs.

    framing learning-curve                                   # run the sweep, then aggregate
    framing learning-curve results/multirun/learning_curve --out results/learning_curve

With run folders, it only aggregates them (``framing.runs.learning_curve``). Without, it
first runs ``framing train -m +experiment=learning_curve`` (4 families x 2 tasks x 3 seeds x
5 training fractions, two jobs at a time) and aggregates that sweep. Trailing KEY=VALUE
arguments are passed to the sweep (e.g. ``eval.n_folds=3`` or ``hydra/launcher=slurm``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import bootstrap_option_type, run_command
from framing.cli._framework import command, invoke

SWEEP_DIR = "results/multirun/learning_curve"


@command(__doc__)
@click.argument(
    "items",
    nargs=-1,
    metavar="[RUNS...|KEY=VALUE...]",
    help="run folders to aggregate, or overrides of the sweep to run "
    "(e.g. eval.n_folds=3 hydra/launcher=slurm hydra.sweep.dir=DIR)",
)
@click.option(
    "--out",
    default="results/learning_curve",
    show_default=True,
    type=Path,
    metavar="DIR",
    help="the folder to write learning_curve.csv, learning_curve_folds.csv, splits.csv and "
    "run.json into (the figure: framing plot --learning-curve)",
)
@click.option(
    "--bootstrap",
    type=bootstrap_option_type(),
    default=None,
    help="bootstrap replicates (default: the runs' eval.bootstrap)",
)
def learning_curve(**options) -> int:
    args = SimpleNamespace(**options)
    overrides = [a for a in args.items if "=" in a]
    folders = [a for a in args.items if "=" not in a]

    def body() -> None:
        from framing.errors import FramingInputError
        from framing.runs.discover import find_runs
        from framing.runs.learning_curve import write_learning_curve
        from framing.study import load_study

        study = load_study()
        if overrides and folders:
            raise FramingInputError(
                "give either run folders to aggregate or overrides for a new sweep, not both"
            )
        if not folders:
            given = [o.split("=", 1)[1] for o in overrides if o.startswith("hydra.sweep.dir=")]
            sweep_dir = given[-1] if given else SWEEP_DIR
            sweep = [
                sys.executable,
                "-m",
                "framing.cli.train",
                "-m",
                "+experiment=learning_curve",
                f"hydra.sweep.dir={sweep_dir}",
                *overrides,
            ]
            if subprocess.run(sweep).returncode != 0:
                raise FramingInputError("the learning-curve sweep failed (see above)")
            folders.append(sweep_dir)
        runs = find_runs(folders)
        first = runs[0].config.get("eval") or {}
        n_boot = int(args.bootstrap if args.bootstrap is not None else first.get("bootstrap", 1000))
        info = write_learning_curve(runs, args.out, study, n_boot, float(first.get("level", 0.95)))
        print(f"learning curve of {', '.join(info['models'])} from {len(runs)} runs -> {args.out}")

    return run_command(body)


def main(argv: list[str] | None = None) -> int:
    return invoke(learning_curve, argv, "framing learning-curve")


if __name__ == "__main__":
    sys.exit(main())
