"""framing estimate: shares per outlet of a new corpus, corrected by a coded random sample.

    framing estimate OUT_DIR/predictions.csv labels/validation_coded.jsonl --out estimates/
    framing estimate predictions.csv coded.jsonl --record labels/validation.sample.json \\
        --difference "Outlet A" "Outlet B" --out estimates/

PREDICTIONS is the predictions.csv of ``framing predict`` (every sentence of the corpus);
CODED a coder file (sentence_id, frames, stance) of a random sample of those sentences,
with its sample record (``framing coding sample`` writes NAME.sample.json beside the sample;
``--record`` points elsewhere). Writes estimates.csv, differences.csv, plan.csv, summary.md,
report.json and one figure per label to ``--out`` (see ``framing.estimate.run``). A sample the
record calls non-random is refused; ``--allow-nonrandom`` writes estimates flagged invalid.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke


def sizes(text: str) -> list[int]:
    """``100,200,400`` as numbers; anything else is a usage error naming the option."""
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"whole numbers separated by commas, got {text!r}") from None


@command(__doc__)
@click.argument("predictions", type=Path, help="predictions.csv of framing predict")
@click.argument("coded", type=Path, help="coder file (JSONL) of the random sample")
@click.option(
    "--out", type=Path, required=True, metavar="DIR",
    help="output folder (must not exist, unless --overwrite)",
)  # fmt: skip
@click.option(
    "--record", type=Path, default=None, metavar="FILE",
    help="the sample record (default: beside CODED)",
)  # fmt: skip
@click.option(
    "--difference", nargs=2, multiple=True, metavar="A B",
    help="also estimate outlet A minus outlet B (repeatable)",
)  # fmt: skip
@click.option(
    "--cluster", type=click.Choice(["article", "sentence"]), default="article",
    help="unit of the variance: article (default) or sentence (a simple random "
    "sample of sentences, articles not a source of variation)",
)  # fmt: skip
@click.option(
    "--min-coded", type=int, default=10, show_default=True, metavar="N",
    help="below this many coded units an outlet gets at least the coded sample's width",
)  # fmt: skip
@click.option(
    "--plan", callback=lambda ctx, param, value: sizes(value) if value else None,
    default=None, metavar="N,N,...",
    help="numbers of coded sentences for plan.csv (default: 25,50,100,200,400,800,1600)",
)  # fmt: skip
@click.option(
    "--level", type=float, default=0.95, show_default=True, help="confidence level of the intervals"
)
@click.option(
    "--allow-nonrandom", is_flag=True,
    help="estimate from a non-random sample anyway, flagged invalid",
)  # fmt: skip
@click.option(
    "--no-figure", is_flag=True,
    help="draw no figures (each figure adds several seconds per label)",
)  # fmt: skip
@click.option("--overwrite", is_flag=True, help="replace an existing --out folder")
def estimate(**options) -> int:
    args = SimpleNamespace(**options)
    args.difference = [list(pair) for pair in args.difference]

    def body() -> None:
        from framing.estimate.planning import DEFAULT_SIZES
        from framing.estimate.run import estimate_corpus
        from framing.study import load_study

        report = estimate_corpus(
            args.predictions,
            args.coded,
            args.out,
            load_study().schema,
            record=args.record,
            allow_nonrandom=args.allow_nonrandom,
            pairs=args.difference,
            level=args.level,
            min_coded=args.min_coded,
            cluster=args.cluster,
            plan_sizes=args.plan or DEFAULT_SIZES,
            figure=not args.no_figure,
            overwrite=args.overwrite,
        )
        for note in report["notes"]:
            print(("warning: " if not report["valid"] else "note: ") + note, file=sys.stderr)
        print(
            f"{report['sample']['n_coded']} coded of {report['n_sentences']} sentences "
            f"({report['n_outlets']} outlets) -> {args.out}"
        )
        print((args.out / "summary.md").read_text(encoding="utf-8"))

    return run_command(body)


def main(argv: list[str] | None = None) -> int:
    return invoke(estimate, argv, "framing estimate")


if __name__ == "__main__":
    sys.exit(main())
