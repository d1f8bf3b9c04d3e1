"""framing sample-size: how many sentences to code, from a pilot coded sample.

    framing sample-size predictions.csv labels/pilot_coded.jsonl --sizes 100,200,400
    framing sample-size predictions.csv pilot.jsonl --target 0.05 --out plan.csv

For each outlet (and all outlets), task and label: the 95% interval half-width expected with
N coded sentences in total, drawn the way the pilot was (``framing.estimate.planning``): of
the outlet's own PPI++, of the coded sample alone and, per outlet, of the estimate pooled
across outlets (what ``framing estimate`` reports first). Sizes beyond the corpus are capped
at it (a census: the corpus share is exact); a label the pilot never showed is planned with
the Agresti-Coull variance, never +-0, and its rows say so. With ``--target``, the number of
coded sentences that brings the outlet's own PPI++ half-width down to it. The pilot needs its
sample record, as for ``framing estimate``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke
from framing.cli.estimate import sizes


@command(__doc__)
@click.argument("predictions", type=Path, help="predictions.csv or .parquet of framing predict")
@click.argument("pilot", type=Path, help="coder file (JSONL) of the pilot random sample")
@click.option(
    "--record",
    type=Path,
    default=None,
    metavar="FILE",
    help="the pilot's sample record (default: beside PILOT)",
)
@click.option(
    "--sizes",
    callback=lambda ctx, param, value: sizes(value) if value else None,
    default=None,
    metavar="N,N,...",
    help="total numbers of coded sentences to project (default: 25,50,100,200,400,800,1600)",
)
@click.option(
    "--target",
    type=float,
    default=None,
    metavar="HALF_WIDTH",
    help="the half-width wanted, e.g. 0.05: prints the coded sentences it takes",
)
@click.option(
    "--estimand",
    type=click.Choice(["corpus", "process"]),
    default="corpus",
    help="corpus (default): sizes capped at the corpus, a census is exact; process: the "
    "process that generated the corpus, as for framing estimate",
)
@click.option(
    "--cluster",
    type=click.Choice(["article", "sentence"]),
    default="article",
    show_default=True,
    help="--estimand process only: unit of the variance",
)
@click.option(
    "--level", type=float, default=0.95, show_default=True, help="confidence level of the intervals"
)
@click.option("--all-outlets-only", is_flag=True, help="print only the whole corpus")
@click.option("--out", type=Path, default=None, metavar="FILE", help="also write the table as CSV")
def sample_size(**options) -> int:
    args = SimpleNamespace(**options)

    def body() -> None:
        from framing.estimate.planning import DEFAULT_SIZES
        from framing.estimate.run import plan_table
        from framing.outputs import Kind, check_file_target, output_file, spreadsheet_frame
        from framing.study import load_study

        inputs = [args.predictions, args.pilot, args.record]
        if args.out:
            check_file_target(args.out, Kind.PLAN, inputs=inputs)
        table = plan_table(
            args.predictions,
            args.pilot,
            load_study().schema,
            args.record,
            args.sizes or DEFAULT_SIZES,
            args.target,
            args.level,
            args.estimand,
            args.cluster,
        )
        if args.out:
            with output_file(args.out, Kind.PLAN, inputs=inputs) as tmp:
                spreadsheet_frame(table).to_csv(tmp, index=False, float_format="%.4g")
        shown = table[table.outlet == "All outlets"] if args.all_outlets_only else table
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))

    return run_command(body)


def main(argv: list[str] | None = None) -> int:
    return invoke(sample_size, argv, "framing sample-size")


if __name__ == "__main__":
    sys.exit(main())
