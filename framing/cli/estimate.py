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

from framing.cli._args import parser
from framing.cli._common import run_command


def sizes(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> int:
    p = parser("framing estimate", __doc__)
    p.add_argument("predictions", type=Path, help="predictions.csv of framing predict")
    p.add_argument("coded", type=Path, help="coder file (JSONL) of the random sample")
    p.add_argument("--out", type=Path, required=True, help="output folder (must not exist)")
    p.add_argument(
        "--record", type=Path, default=None, help="the sample record (default: beside CODED)"
    )
    p.add_argument(
        "--difference",
        nargs=2,
        action="append",
        default=[],
        metavar=("A", "B"),
        help="also estimate outlet A minus outlet B (repeatable)",
    )
    p.add_argument(
        "--cluster",
        choices=("article", "sentence"),
        default="article",
        help="unit of the variance: article (default) or sentence (a simple random "
        "sample of sentences, articles not a source of variation)",
    )
    p.add_argument(
        "--min-coded",
        type=int,
        default=10,
        help="below this many coded units an outlet gets at least the coded sample's width",
    )
    p.add_argument(
        "--plan",
        type=sizes,
        default=None,
        metavar="N,N,...",
        help="numbers of coded sentences for plan.csv",
    )
    p.add_argument("--level", type=float, default=0.95)
    p.add_argument(
        "--allow-nonrandom",
        action="store_true",
        help="estimate from a non-random sample anyway, flagged invalid",
    )
    p.add_argument("--no-figure", action="store_true")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out folder")
    args = p.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
