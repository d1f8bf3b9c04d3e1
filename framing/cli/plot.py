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

import click

from framing.cli._common import bootstrap_option_type, run_command
from framing.cli._framework import command, invoke
from framing.report.plot_options import PlotOptions

DEFAULTS = PlotOptions()


@command(__doc__)
@click.option(
    "--comparison",
    default=DEFAULTS.comparison,
    show_default=True,
    metavar="FILE",
    help="comparison.csv of framing compare",
)
@click.option(
    "--runs",
    multiple=True,
    default=DEFAULTS.runs,
    show_default=True,
    metavar="DIR",
    help="run folders or folders above them (repeatable)",
)
@click.option(
    "--model",
    default=DEFAULTS.model,
    show_default=True,
    help="family whose out-of-fold predictions are shown",
)
@click.option(
    "--learning-curve",
    default=DEFAULTS.learning_curve,
    show_default=True,
    metavar="FILE",
    help="learning_curve.csv of framing learning-curve",
)
@click.option(
    "--out",
    default=DEFAULTS.out,
    show_default=True,
    metavar="DIR",
    help="the folder the figures are written into",
)
@click.option(
    "--bootstrap",
    type=bootstrap_option_type(),
    default=DEFAULTS.bootstrap,
    show_default=True,
    metavar="N",
    help="bootstrap replicates for the mixes and the per-label F1 intervals",
)
@click.argument(
    "stems",
    nargs=-1,
    metavar="[STEM]...",
    help="draw only these figures (as --only; the list above names them)",
)
@click.option("--only", multiple=True, metavar="STEM", help="draw only this figure (repeatable)")
@click.option(
    "--width",
    default=None,
    metavar="single|double|INCHES",
    help="width of every figure (default: single, one column)",
)
def plot(runs: tuple[str, ...], stems: tuple[str, ...], only: tuple[str, ...], **settings) -> int:
    # `--only a b` (the form before Click) reads as --only a and the figure b: both drawn
    options = PlotOptions(runs=list(runs), only=[*only, *stems] or None, **settings)
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


def main(argv: list[str] | None = None) -> int:
    return invoke(plot, argv, "framing plot")


if __name__ == "__main__":
    sys.exit(main())
