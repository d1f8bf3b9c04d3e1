"""Coverage of the intervals of ``framing estimate``, by simulation.

    bash experiments/estimate_coverage.sh          # trains the two runs, then this
    python -m experiments.estimate_coverage RUNS --out results/estimate_coverage \
        [--replicates 2000] [--outlet-replicates 400] [--cross-replicates 250]

RUNS holds the out-of-fold predictions of one family on both tasks (run folders of
``framing train``; the committed result uses MiniLM + LR, seed 0).

Two studies:

- overall shares (``framing.estimate.simulation``, process estimand as before): coverage.csv
  (one row per population, design, sample size, label and estimator), coverage.md;
- per outlet (``framing.estimate.outlet_simulation``: 20 outlets, the corpus estimand, the
  pooled estimator, cross-prediction): outlets.csv (every outlet, method, label, sample size
  and population), outlets_summary.csv (mean and worst coverage over outlets, median
  half-width), outlets_overall.csv (all outlets together), outlets.md (the tables).

populations.json describes every population (true shares, classify-and-count, the spread of
the classifier's bias over outlets). Needs the [transformers] extra (MiniLM embeddings of the
seed sentences, for the leave-one-outlet-out and cross-prediction populations). Run from the
repository root.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
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


OUTLET_SIZES = (100, 200)


def seed_embeddings(sentence_ids) -> object:
    """MiniLM embeddings (L2-normalised) of the seed sentences, in the order given."""
    from framing.data import load_labelled_set
    from framing.models.encoders import EmbeddingCache, l2_normalise

    data = load_labelled_set("seeds/sentences.jsonl").to_pandas()
    texts = dict(zip(data["sentence_id"], data["text"], strict=True))
    return l2_normalise(EmbeddingCache().embed([texts[i] for i in sentence_ids]))


def outlet_study(frames_oof, stance_oof, replicates: int, cross_replicates: int, seed: int):
    """(per-outlet rows, all-outlet rows, population descriptions) of the per-outlet study."""
    import numpy as np
    import pandas as pd

    from framing.estimate import outlet_simulation as sim

    ids = frames_oof.sort_values("sentence_id")["sentence_id"]
    material = sim.seed_material(frames_oof, stance_oof, seed_embeddings(ids))
    loo = sim.leave_one_outlet_out(material)
    rng = np.random.default_rng(seed)
    heldout, gold = sim.build_heldout(material, rng)
    populations = [
        (sim.build_homogeneous(material, rng), None, replicates),
        (sim.build_seed_loo(material, loo, rng), None, replicates),
        (sim.build_synthetic_3x(rng), None, replicates),
        (sim.build_seed_loo(material, loo, rng, one_article=True), None, replicates),
        (heldout, sim.CrossFitter(material, gold), cross_replicates),
    ]
    outlets, overall, described = [], [], {}
    for population, cross, reps in populations:
        prepared = sim.prepare(population)
        described[population.name] = population.describe() | {"replicates": reps}
        for n in OUTLET_SIZES:
            start = time.perf_counter()
            all_rows, outlet_rows = sim.run_population(prepared, n, reps, rng, cross=cross)
            overall.append(all_rows)
            outlets.append(outlet_rows)
            print(
                f"{population.name} n={n}: {reps} replicates in "
                f"{time.perf_counter() - start:.0f} s",
                flush=True,
            )
    return pd.concat(outlets, ignore_index=True), pd.concat(overall, ignore_index=True), described


OUTLET_COLUMNS = [
    ("today", "today (unpooled PPI++, decisions, process)"),
    ("unpooled", "own PPI++ (corpus)"),
    ("pooled", "pooled (Bayes, arcsine)"),
    ("pooled_bootstrap", "pooled (bootstrap)"),
    ("pooled_pr", "pooled (Prasad-Rao)"),
    ("pooled_decisions", "pooled, decisions"),
    ("cross_unpooled", "cross-pred., own"),
    ("cross_pooled", "cross-pred., pooled"),
]
OVERALL_COLUMNS = [
    ("today", "today (decisions, process)"),
    ("coded_only", "coded only"),
    ("ppi_decisions", "PPI++ decisions"),
    ("ppi_probabilities", "PPI++ probabilities"),
    ("cross_ppi_decisions", "cross-pred. decisions"),
    ("cross_ppi", "cross-pred. probabilities"),
]


def outlet_markdown(summary, overall, described) -> str:
    lines = [
        "## Per outlet: 20 outlets, simple random samples of n sentences",
        "",
        "Coverage: the share of replicates whose 95% interval held the outlet's true share, "
        "averaged over the 20 outlets (worst outlet in brackets); half-width: the median over "
        "outlets and replicates. Corpus estimand. `today` is the command before issue 18.",
    ]
    for (population, n), part in summary.groupby(["population", "n"], sort=False):
        methods = [(m, t) for m, t in OUTLET_COLUMNS if m in set(part["method"])]
        reps = int(part["replicates"].iloc[0])
        lines += [
            "",
            f"### {population}, n = {n} ({reps} replicates)",
            "",
            "| label | " + " | ".join(t for _, t in methods) + " |",
            "|---|" + "---|" * len(methods),
        ]
        for label, rows in part.groupby("label", sort=False):
            by = rows.set_index("method")
            cells = [
                f"{by.loc[m, 'coverage']:.3f} ({by.loc[m, 'worst_outlet_coverage']:.2f}) "
                f"±{by.loc[m, 'median_half_width']:.3f}"
                for m, _ in methods
            ]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        medians = part.groupby("method")["median_half_width"].median()
        lines.append(
            "| *median over labels* | "
            + " | ".join(f"±{medians[m]:.3f}" for m, _ in methods)
            + " |"
        )
    lines += [
        "",
        "## All outlets together (the same samples)",
        "",
        "Coverage and mean half-width; `ratio` = PPI++ probabilities' half-width over the coded "
        "sample's own.",
    ]
    for (population, n), part in overall.groupby(["population", "n"], sort=False):
        methods = [(m, t) for m, t in OVERALL_COLUMNS if m in set(part["method"])]
        lines += [
            "",
            f"### {population}, n = {n}",
            "",
            "| label | true share | " + " | ".join(t for _, t in methods) + " | ratio |",
            "|---|---|" + "---|" * len(methods) + "---|",
        ]
        for label, rows in part.groupby("label", sort=False):
            by = rows.set_index("method")
            cells = [
                f"{by.loc[m, 'coverage']:.3f} ±{by.loc[m, 'half_width']:.3f}" for m, _ in methods
            ]
            ratio = by.loc["ppi_probabilities", "half_width"] / by.loc["coded_only", "half_width"]
            lines.append(
                f"| {label} | {by['true_share'].iloc[0]:.3f} | "
                + " | ".join(cells)
                + f" | {ratio:.2f} |"
            )
    reps = [
        v["replicates"] for v in described.values() if isinstance(v, dict) and "replicates" in v
    ]
    worst = max((0.95 * 0.05 / r) ** 0.5 for r in reps)
    lines += [
        "",
        f"Monte Carlo standard error of one outlet's coverage near 0.95: at most {worst:.3f} "
        "(the average over 20 outlets is steadier; the worst of 20 outlets is biased low by "
        "about two standard errors even when every outlet covers at 95%).",
    ]
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
    p.add_argument("--outlet-replicates", type=int, default=400)
    p.add_argument("--cross-replicates", type=int, default=250)
    p.add_argument("--skip-overall", action="store_true", help="only the per-outlet study")
    args = p.parse_args(argv)

    def body() -> None:
        from framing.estimate.outlet_simulation import summarise_outlets
        from framing.estimate.simulation import run_simulation
        from framing.outputs import Kind, output_file, write_text

        frames, stance = pick_runs(args.runs, args.model)
        args.out.mkdir(parents=True, exist_ok=True)
        described = {}
        if not args.skip_overall:
            table, described = run_simulation(
                frames.oof, stance.oof, args.replicates, args.articles, args.seed
            )
            with output_file(args.out / "coverage.csv", Kind.EXPERIMENT) as tmp:
                table.to_csv(tmp, index=False, float_format="%.4f")
            write_text(
                args.out / "coverage.md",
                markdown(table, described, args.replicates),
                Kind.EXPERIMENT,
            )
        outlets, overall, outlet_pops = outlet_study(
            frames.oof, stance.oof, args.outlet_replicates, args.cross_replicates, args.seed
        )
        summary = summarise_outlets(outlets)
        for name, frame in (
            ("outlets.csv", outlets),
            ("outlets_summary.csv", summary),
            ("outlets_overall.csv", overall),
        ):
            with output_file(args.out / name, Kind.EXPERIMENT) as tmp:
                frame.to_csv(tmp, index=False, float_format="%.4f")
        write_text(
            args.out / "outlets.md", outlet_markdown(summary, overall, outlet_pops), Kind.EXPERIMENT
        )
        described["per_outlet"] = outlet_pops
        described["source"] = {
            "model": args.model,
            "frames_run": str(frames.folder),
            "stance_run": str(stance.folder),
            "seed": args.seed,
            "replicates": args.replicates,
            "outlet_replicates": args.outlet_replicates,
            "cross_replicates": args.cross_replicates,
        }
        write_text(
            args.out / "populations.json", json.dumps(described, indent=2) + "\n", Kind.EXPERIMENT
        )
        print(f"wrote {args.out}/: coverage, outlets and populations tables")

    return run_command(body)


if __name__ == "__main__":
    sys.exit(main())
