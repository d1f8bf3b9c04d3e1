"""framing estimate: shares per outlet of a new corpus, corrected by a coded random sample.

    framing estimate OUT_DIR/predictions.csv labels/validation_coded.jsonl --out estimates/
    framing estimate predictions.csv coded.jsonl --record labels/validation.sample.json \\
        --difference "Outlet A" "Outlet B" --out estimates/
    framing estimate predictions.csv coded.jsonl --checkpoint RUN/checkpoint --out estimates/

PREDICTIONS is the predictions.csv (or .parquet) of ``framing predict`` (every sentence of
the corpus); CODED a coder file (sentence_id, frames, stance) of a random sample of those
sentences, with its sample record (``framing coding sample`` writes NAME.sample.json beside
the sample; ``--record`` points elsewhere). Writes estimates.csv, differences.csv,
predictors.csv, plan.csv, summary.md, report.json and one faceted figure per task to ``--out``
(see ``framing.estimate.run``); ``--parquet`` adds estimates.parquet and differences.parquet.
A sample the record calls non-random is refused;
``--allow-nonrandom`` writes estimates flagged invalid in every output.

What the intervals are for (``--estimand``): ``corpus`` (default), the share among the
sentences of the corpus in hand: the finite-population correction applies, and a census (every
sentence coded) gives the exact share with a zero-width interval. ``process``: the share in
the process that generated the corpus (articles as draws from it), wider.

Per outlet, shares are pooled across outlets (a Fay-Herriot model of the classifier's error per
outlet), each outlet's own PPI++ interval written beside the pooled one; ``--no-pooling``
keeps only the latter. With ``--checkpoint`` (the checkpoints that made the predictions, one
per task), the estimate uses cross-prediction: the checkpoint's family is refitted on the
study's gold set plus folds of the coded sample (run inside the study folder).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke
from framing.cli._progress import show_progress


def sizes(text: str) -> list[int]:
    """``100,200,400`` as numbers; anything else is a usage error naming the option."""
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"whole numbers separated by commas, got {text!r}") from None


@command(__doc__)
@click.argument("predictions", type=Path, help="predictions.csv or .parquet of framing predict")
@click.argument("coded", type=Path, help="coder file (JSONL) of the random sample")
@click.option(
    "--out",
    type=Path,
    required=True,
    metavar="DIR",
    help="output folder (must not exist, unless --overwrite)",
)
@click.option(
    "--record",
    type=Path,
    default=None,
    metavar="FILE",
    help="the sample record (default: beside CODED)",
)
@click.option(
    "--difference",
    nargs=2,
    multiple=True,
    metavar="A B",
    help="also estimate outlet A minus outlet B (repeatable)",
)
@click.option(
    "--estimand",
    type=click.Choice(["corpus", "process"]),
    default="corpus",
    help="corpus (default): the share in the corpus in hand, finite-population corrected, "
    "exact under a census; process: the share in the process that generated it",
)
@click.option(
    "--cluster",
    type=click.Choice(["article", "sentence"]),
    default=None,
    help="--estimand process only: unit of the variance, article (default) or sentence "
    "(the corpus estimand's variance follows the units that were drawn)",
)
@click.option(
    "--predictor",
    type=click.Choice(["probability", "decision"]),
    default="probability",
    help="what PPI++ corrects: the classifier's probabilities (default) or its 0/1 "
    "decisions; predictors.csv gives both widths",
)
@click.option("--no-pooling", is_flag=True, help="per outlet, only each outlet's own PPI++")
@click.option(
    "--interval",
    type=click.Choice(["bayes", "bootstrap", "prasad_rao"]),
    default="bayes",
    help="pooled intervals: bayes (default: the between-outlet variance integrated out, "
    "arcsine scale), or the plug-in parametric bootstrap or Prasad-Rao MSE (share scale; "
    "they undercovered in the simulation)",
)
@click.option(
    "--checkpoint",
    multiple=True,
    metavar="CKPT",
    help="cross-prediction: a checkpoint that made the predictions (once per task)",
)
@click.option(
    "--folds",
    type=int,
    default=5,
    show_default=True,
    metavar="N",
    help="cross-prediction: folds of articles",
)
@click.option(
    "--gold",
    type=Path,
    default=None,
    metavar="FILE",
    help="cross-prediction: gold set (default: the study's)",
)
@click.option(
    "--min-coded",
    type=int,
    default=10,
    show_default=True,
    metavar="N",
    help="below this many coded units an outlet's own interval is at least the coded "
    "sample's width",
)
@click.option(
    "--plan",
    callback=lambda ctx, param, value: sizes(value) if value else None,
    default=None,
    metavar="N,N,...",
    help="numbers of coded sentences for plan.csv (default: 25,50,100,200,400,800,1600)",
)
@click.option(
    "--level", type=float, default=0.95, show_default=True, help="confidence level of the intervals"
)
@click.option("--seed", type=int, default=0, show_default=True, help="bootstrap and fold seed")
@click.option(
    "--allow-nonrandom",
    is_flag=True,
    help="estimate from a non-random sample anyway, flagged invalid",
)
@click.option(
    "--no-figure",
    is_flag=True,
    help="draw no figures (each figure adds several seconds per label)",
)
@click.option(
    "--parquet",
    is_flag=True,
    help="also write estimates.parquet and differences.parquet (typed, full precision)",
)
@click.option("--overwrite", is_flag=True, help="replace an existing --out folder")
def estimate(**options) -> int:
    args = SimpleNamespace(**options)
    args.difference = [list(pair) for pair in args.difference]
    args.checkpoint = list(args.checkpoint)

    def body() -> None:
        from framing.errors import FramingInputError
        from framing.estimate.outlets import Options
        from framing.estimate.planning import DEFAULT_SIZES
        from framing.estimate.run import estimate_corpus
        from framing.study import load_study

        if args.cluster and args.estimand != "process":
            raise FramingInputError(
                "applies to --estimand process only",
                field="--cluster",
                fix="the corpus estimand's variance follows the units the sample drew",
            )
        options = Options(
            level=args.level,
            min_coded=args.min_coded,
            estimand=args.estimand,
            cluster=args.cluster or "article",
            predictor=args.predictor,
            pooling=not args.no_pooling,
            interval=args.interval,
            seed=args.seed,
        )
        with show_progress():  # cross-prediction refits and figures take a while
            report = estimate_corpus(
                args.predictions,
                args.coded,
                args.out,
                load_study().schema,
                record=args.record,
                allow_nonrandom=args.allow_nonrandom,
                pairs=args.difference,
                options=options,
                plan_sizes=args.plan or DEFAULT_SIZES,
                figure=not args.no_figure,
                overwrite=args.overwrite,
                checkpoints=args.checkpoint,
                folds=args.folds,
                gold=args.gold,
                parquet=args.parquet,
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
