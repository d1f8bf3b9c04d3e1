"""Coverage of the intervals of ``framing estimate``, by simulation (framing.estimate.simulation).

    bash experiments/estimate_coverage.sh          # trains the two runs, then this
    python -m experiments.estimate_coverage RUNS --out results/estimate_coverage [--replicates 1000]

RUNS holds the out-of-fold predictions of one family on both tasks (run folders of
``framing train``; the committed result uses MiniLM + LR, seed 0). Writes coverage.csv (one
row per population, design, sample size, label and estimator), populations.json (true shares,
classify-and-count and the classifier's F1 in each population) and coverage.md (the table for
the README). Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from framing.cli._common import run_command


def pick_runs(folders: list[str], model: str):
    from framing.errors import FramingInputError
    from framing.runs.discover import find_runs

    runs = {r.metrics["task"]: r for r in find_runs(folders) if r.metrics["model"] == model}
    if set(runs) != {"frames", "stance"}:
        raise FramingInputError(
            f"need one {model} run per task, found {sorted(runs)}", file=", ".join(folders)
        )
    return runs["frames"], runs["stance"]


def markdown(table, described, replicates: int) -> str:
    lines = []
    for (population, design), part in table.groupby(["population", "design"], sort=False):
        unit = "sentences" if design == "sentences" else "articles (all their sentences)"
        f1 = described[population]["classifier_f1"]
        lines += [
            f"### {population} population, coded sample of k {unit}",
            "",
            "Classifier F1 in this population: " + ", ".join(f"{k} {v:.2f}" for k, v in f1.items()),
            "",
            "| label | true share | k | coverage PPI++ | coverage PPI++ unclustered "
            "| coverage coded only | width PPI++ | width coded only |",
            "|---|---|---|---|---|---|---|---|",
        ]
        wide = part.pivot_table(
            index=["label", "true_share", "k"],
            columns="estimator",
            values=["coverage", "mean_width"],
            sort=False,
        ).reset_index()
        for _, r in wide.iterrows():
            c, w = r["coverage"], r["mean_width"]
            lines.append(
                f"| {r['label'].iloc[0]} | {r['true_share'].iloc[0]:.3f} | {int(r['k'].iloc[0])} "
                f"| {c['ppi++ (article clusters)']:.3f} | {c['ppi++ (no clusters)']:.3f} "
                f"| {c['coded sample only']:.3f} | {w['ppi++ (article clusters)']:.3f} "
                f"| {w['coded sample only']:.3f} |"
            )
        lines.append("")
    lines.append(
        f"{replicates} coded samples per row; coverage of nominal 95% intervals "
        f"(Monte Carlo standard error about {(0.95 * 0.05 / replicates) ** 0.5:.3f})."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m experiments.estimate_coverage",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("runs", nargs="+")
    p.add_argument("--model", default="embedding_lr")
    p.add_argument("--out", type=Path, default=Path("results/estimate_coverage"))
    p.add_argument("--replicates", type=int, default=1000)
    p.add_argument("--articles", type=int, default=200, help="pseudo-articles per population")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    def body() -> None:
        from framing.estimate.simulation import run_simulation
        from framing.outputs import Kind, output_file, write_text

        frames, stance = pick_runs(args.runs, args.model)
        table, described = run_simulation(
            frames.oof, stance.oof, args.replicates, args.articles, args.seed
        )
        described["source"] = {
            "model": args.model,
            "frames_run": str(frames.folder),
            "stance_run": str(stance.folder),
            "seed": args.seed,
            "replicates": args.replicates,
        }
        args.out.mkdir(parents=True, exist_ok=True)
        with output_file(args.out / "coverage.csv", Kind.EXPERIMENT) as tmp:
            table.to_csv(tmp, index=False, float_format="%.4f")
        write_text(
            args.out / "populations.json", json.dumps(described, indent=2) + "\n", Kind.EXPERIMENT
        )
        write_text(
            args.out / "coverage.md", markdown(table, described, args.replicates), Kind.EXPERIMENT
        )
        print(f"wrote {args.out}/coverage.csv, coverage.md, populations.json")

    return run_command(body)


if __name__ == "__main__":
    sys.exit(main())
