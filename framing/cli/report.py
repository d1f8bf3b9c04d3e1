"""framing report: one self-contained HTML page of the study (results/report.html).

    framing report                                 # inside a study folder
    framing report --predictions results/predictions --estimates results/estimates
    framing report --discover results/discover --cues results/cues --out report.html

Sections, each read from what a command wrote (a missing one is named in the page, with the
command that makes it): the codebook and label schema (conf/study.yaml), the gold set
(`framing coding assemble`), the coders' agreement (the two coder files), the classifier
comparison (--comparison: `framing compare`), every figure (--figures: `framing plot`),
validation (--validation: `framing validate`), corrected shares (--estimates: `framing
estimate`), for each outlet and label the sentences counted with their probabilities
(--predictions: `framing predict`), new frame candidates (--discover: clusters.md / .csv of
`framing discover`) and cue words per label (--cues: a file or folder of `framing coding
cues`). The page has its CSS and images inside (data URIs), no script and no link: it opens
from disk, with no network.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke
from framing.report.page import ReportOptions

DEFAULTS = ReportOptions()


def _folder(name: str, what: str) -> Callable:
    return click.option(
        f"--{name}",
        default=getattr(DEFAULTS, name),
        show_default=True,
        metavar="DIR",
        help=f"where {what} wrote its files",
    )


@command(__doc__)
@_folder("comparison", "framing compare")
@_folder("figures", "framing plot")
@_folder("predictions", "framing predict")
@_folder("validation", "framing validate")
@_folder("estimates", "framing estimate")
@_folder("discover", "framing discover")
@click.option(
    "--cues",
    default=DEFAULTS.cues,
    show_default=True,
    metavar="FILE_OR_DIR",
    help="cues.md / cues.csv of framing coding cues, or their folder",
)
@click.option(
    "--out", default=DEFAULTS.out, show_default=True, metavar="FILE", help="the page to write"
)
@click.option(
    "--max-sentences",
    type=int,
    default=DEFAULTS.max_sentences,
    show_default=True,
    metavar="N",
    help="sentences listed per outlet and label: the N/2 surest and N/2 least sure",
)
def report(**settings) -> int:
    options = ReportOptions(**settings)
    return run_command(lambda: _write(options))


def _write(options) -> int:
    from framing.report.page import write_report

    out, sections = write_report(options)
    absent = [s.title for s in sections if s.empty]
    print(f"wrote {out}" + (f" (not available: {'; '.join(absent)})" if absent else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    return invoke(report, argv, "framing report")


if __name__ == "__main__":
    sys.exit(main())
