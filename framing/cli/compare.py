"""framing compare: pool run folders by (task, model) across seeds into the comparison.

    framing compare results/multirun/full_comparison --out results/comparison

Finds every metrics.json under the given folders, reads each run's oof_predictions.csv and
writes comparison.csv, comparison.md, comparison.tex, differences.csv and
model_comparison.{pdf,png,csv} to ``--out`` (see ``framing.runs.comparison``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from framing.cli._args import parser
from framing.cli._common import run_command


def main(argv: list[str] | None = None) -> int:
    p = parser("framing compare", __doc__)
    p.add_argument("runs", nargs="+", help="run folders, multirun folders or metrics.json")
    p.add_argument("--out", default="results/comparison", type=Path)
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates B")
    p.add_argument("--level", type=float, default=0.95)
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    args = p.parse_args(argv)

    def body() -> None:
        from framing.runs.comparison import write_comparison
        from framing.runs.discover import find_runs

        runs = find_runs(args.runs)
        written = write_comparison(runs, args.out, args.bootstrap, args.seed, args.level)
        print(f"compared {len(runs)} runs; wrote " + ", ".join(map(str, written)))

    return run_command(body)


if __name__ == "__main__":
    sys.exit(main())
