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

from framing.cli._args import parser
from framing.cli._common import run_command


def main(argv: list[str] | None = None) -> int:
    p = parser("framing validate", __doc__)
    p.add_argument("checkpoints", nargs="+", help="one checkpoint per task")
    p.add_argument("--coded", type=Path, required=True, help="coder file (JSONL) of the sample")
    p.add_argument(
        "--sentences",
        type=Path,
        required=True,
        help="predictions.csv (framing predict) or sentences JSONL (framing corpus)",
    )
    p.add_argument(
        "--record", type=Path, default=None, help="sample record (default: beside --coded)"
    )
    p.add_argument("--out", type=Path, default=None, help="write the report here (must not exist)")
    p.add_argument("--bootstrap", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    p.add_argument("--level", type=float, default=0.95)
    p.add_argument("--overwrite", action="store_true")
    args = p.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
