"""framing plot: redraw every figure of the paper from the results folders.

    framing plot                                  # -> results/figures/
    framing plot --model embedding_lr --runs results/multirun/full_comparison
    framing plot --width double                   # every figure two columns (7.2 in) wide

Inputs (each figure is drawn if its inputs exist; the others are listed with the framing
command that makes their inputs, and the exit code is then 2):
  the gold set                     the study's (conf/study.yaml: sentences, schema)
  --comparison (comparison.csv)    `framing train -m ...` (the comparison sweep), then
                                   `framing compare SWEEP --out results/comparison`
  --runs (run folders)             the same sweep: --model's out-of-fold predictions, and the
                                   per-label F1 intervals (bootstrap over each family's runs)
  --learning-curve                 `framing learning-curve`

Figures (STEM.pdf, STEM.png at 300 dpi and STEM.csv with the plotted numbers, in --out):
  framing_mix_frames / framing_mix_stance   share of each outlet's sentences per frame (+ no
                                            frame) / stance: gold and --model's out-of-fold
                                            predictions paired in one panel, 95% CIs
  model_comparison                          macro-F1 (95% CI) of every family, per task
  f1_per_frame / f1_per_stance_class        per-label F1 (95% CI) heatmaps (families x labels)
  frame_cooccurrence                        gold frame co-occurrence (diagonal = prevalence)
  stance_confusion                          --model's stance confusion matrix (out-of-fold;
                                            predictions summed over seeds)
  learning_curve                            macro-F1 against labelled training sentences
Widths: every figure is one journal column (3.5 in) wide; --width double draws them two
columns (7.2 in) wide, --width INCHES any width.
"""

from __future__ import annotations

import sys

from framing.cli._args import parser
from framing.cli._common import run_command


def main(argv: list[str] | None = None) -> int:
    from framing.report.paper_figures import PlotOptions

    defaults = PlotOptions()
    p = parser("framing plot", __doc__)
    p.add_argument("--comparison", default=defaults.comparison)
    p.add_argument(
        "--runs", nargs="+", default=defaults.runs, metavar="DIR",
        help="run folders or folders above them (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--model", default=defaults.model, help="family whose out-of-fold predictions are shown"
    )
    p.add_argument("--learning-curve", default=defaults.learning_curve)
    p.add_argument("--out", default=defaults.out)
    p.add_argument(
        "--bootstrap", type=int, default=defaults.bootstrap,
        help="bootstrap replicates for the mixes and the per-label F1 intervals",
    )  # fmt: skip
    p.add_argument("--only", nargs="+", metavar="STEM", help="draw only these figures")
    p.add_argument(
        "--width", default=None, metavar="single|double|INCHES",
        help="width of every figure (default: single, one column)",
    )  # fmt: skip
    args = p.parse_args(argv)
    options = PlotOptions(
        comparison=args.comparison, runs=args.runs, model=args.model,
        learning_curve=args.learning_curve, out=args.out, bootstrap=args.bootstrap,
        only=args.only, width=args.width,
    )  # fmt: skip
    return run_command(lambda: _draw(options))


def _draw(options) -> int:
    from framing.report.paper_figures import draw_figures

    return report_outcome(draw_figures(options, progress=print))


def report_outcome(outcome) -> int:
    """Print warnings and skipped figures to stderr; exit code 2 when any was skipped."""
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for reason, stems in outcome.skipped.items():
        print(f"skipped {', '.join(stems)}: {reason}", file=sys.stderr)
    n_skipped = sum(map(len, outcome.skipped.values()))
    if n_skipped:
        print(
            f"error: {n_skipped} of {outcome.n_planned} figures not drawn: their inputs are"
            " missing (see the commands above)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
