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

from framing.cli._args import parser
from framing.cli._common import run_command


def main(argv: list[str] | None = None) -> int:
    from framing.report.page import ReportOptions

    defaults = ReportOptions()
    p = parser("framing report", __doc__)
    for name in ("comparison", "figures", "predictions", "validation", "estimates"):
        p.add_argument(f"--{name}", default=getattr(defaults, name), metavar="DIR")
    p.add_argument("--discover", default=defaults.discover, metavar="DIR")
    p.add_argument("--cues", default=defaults.cues, metavar="FILE_OR_DIR")
    p.add_argument("--out", default=defaults.out, help="the page (default: %(default)s)")
    p.add_argument(
        "--max-sentences", type=int, default=defaults.max_sentences, metavar="N",
        help="sentences listed per outlet and label: the N/2 surest and N/2 least sure "
        "(default: %(default)s)",
    )  # fmt: skip
    args = p.parse_args(argv)
    options = ReportOptions(
        comparison=args.comparison, figures=args.figures, predictions=args.predictions,
        validation=args.validation, estimates=args.estimates, discover=args.discover,
        cues=args.cues, out=args.out, max_sentences=args.max_sentences,
    )  # fmt: skip
    return run_command(lambda: _write(options))


def _write(options) -> int:
    from framing.report.page import write_report

    out, sections = write_report(options)
    absent = [s.title for s in sections if s.empty]
    print(f"wrote {out}" + (f" (not available: {'; '.join(absent)})" if absent else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
