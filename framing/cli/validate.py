"""framing validate: score checkpoints on a coded random sample of a new corpus.

    framing validate FRAMES_CKPT [STANCE_CKPT] --coded labels/validation_coded.jsonl \\
        --sentences predictions/new/predictions.csv --out validation/

The checkpoints classify the coded sentences (texts from SENTENCES: the predictions.csv of
``framing predict`` or the sentences JSONL of ``framing corpus``). Prints, and writes to
``--out``, macro/micro-F1 and per-label precision/recall/F1 with 95% cluster-bootstrap
intervals over articles, the stance confusion matrix, and how far each score fell from the
checkpoint's own cross-validated one (``framing.estimate.validate``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke


@command(__doc__)
@click.argument(
    "checkpoints",
    nargs=-1,
    required=True,
    metavar="CHECKPOINT...",
    help="one checkpoint per task (framing train's RUN/checkpoint)",
)
@click.option(
    "--coded",
    type=Path,
    required=True,
    metavar="FILE",
    help="coder file (JSONL) of the coded random sample",
)
@click.option(
    "--sentences",
    type=Path,
    required=True,
    metavar="FILE",
    help="predictions.csv or .parquet (framing predict) or sentences JSONL (framing corpus)",
)
@click.option(
    "--record",
    type=Path,
    default=None,
    metavar="FILE",
    help="the sample record (default: beside --coded)",
)
@click.option(
    "--out",
    type=Path,
    default=None,
    metavar="DIR",
    help="also write the report here (must not exist, unless --overwrite)",
)
@click.option(
    "--bootstrap",
    type=int,
    default=1000,
    show_default=True,
    help="bootstrap replicates of the intervals",
)
@click.option("--seed", type=int, default=0, show_default=True, help="seed of the bootstrap")
@click.option(
    "--level", type=float, default=0.95, show_default=True, help="confidence level of the intervals"
)
@click.option("--overwrite", is_flag=True, help="replace an existing --out folder")
def validate(**options) -> int:
    args = SimpleNamespace(**options)

    def body() -> None:
        from framing.estimate.validate import validate_checkpoints
        from framing.study import load_study

        study = load_study()
        report = validate_checkpoints(
            args.checkpoints,
            args.coded,
            args.sentences,
            study.schema,
            args.out,
            args.record,
            args.bootstrap,
            args.seed,
            args.level,
            args.overwrite,
            training_sets=[study.path("sentences", must_exist=False)],
        )
        print(report["markdown"])

    return run_command(body)


def main(argv: list[str] | None = None) -> int:
    return invoke(validate, argv, "framing validate")


if __name__ == "__main__":
    sys.exit(main())
