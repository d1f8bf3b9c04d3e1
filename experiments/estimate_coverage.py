"""Coverage of the intervals of ``framing estimate``, by simulation.

    bash experiments/estimate_coverage.sh          # trains the two runs, then this
    python -m experiments.estimate_coverage RUNS --out results/estimate_coverage \
        [--replicates 2000] [--outlet-replicates 250] [--cross-replicates 200]

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
    from framing.io import read_jsonl
    from framing.models.encoders import EmbeddingCache, l2_normalise

    # the texts only: the labels come with the runs' out-of-fold predictions
    texts = {r["sentence_id"]: r["text"] for _, r in read_jsonl("seeds/sentences.jsonl")}
    return l2_normalise(EmbeddingCache().embed([texts[i] for i in sentence_ids]))


def chunk_file(folder: Path, population: str, n: int, reps: int, seed: int) -> Path:
    return folder / f"{population}_n{n}_r{reps}_s{seed}.pkl"


def outlet_study(
    frames_oof,
    stance_oof,
    replicates: int,
    cross_replicates: int,
    seed: int,
    chunks: Path | None = None,
    resume: bool = False,
    only: list[str] | None = None,
):
    """(per-outlet rows, all-outlet rows, population descriptions) of the per-outlet study.

    Each (population, n) chunk draws its samples from its own generator (seeded by ``seed``,
    the population's position and n), so a chunk's result does not depend on the chunks run
    before it. With ``chunks``, every finished chunk is saved there as it completes; with
    ``resume`` too, chunks already saved under the same settings are read back, not rerun
    (a run stopped half-way finishes where it stopped; delete the folder after changing the
    code). ``only``: run (and save) the chunks of these populations only, return nothing -
    a second process can run them beside the first, which then reads them back."""
    import numpy as np
    import pandas as pd

    from framing.estimate import outlet_simulation as sim

    ids = frames_oof.sort_values("sentence_id")["sentence_id"]
    material = sim.seed_material(frames_oof, stance_oof, seed_embeddings(ids))
    loo = sim.leave_one_outlet_out(material)
    rng = np.random.default_rng(seed)  # builds the populations only
    heldout, gold = sim.build_heldout(material, rng)
    populations = [
        (sim.build_homogeneous(material, rng), None, replicates),
        (sim.build_seed_loo(material, loo, rng), None, replicates),
        (sim.build_synthetic_3x(rng), None, replicates),
        (sim.build_seed_loo(material, loo, rng, one_article=True), None, replicates),
        (heldout, sim.CrossFitter(material, gold), cross_replicates),
    ]
    if chunks is not None:
        chunks.mkdir(parents=True, exist_ok=True)
    outlets, overall, described = [], [], {}
    for position, (population, cross, reps) in enumerate(populations):
        if only and population.name not in only:
            continue
        prepared = sim.prepare(population)
        described[population.name] = population.describe() | {"replicates": reps}
        for n in OUTLET_SIZES:
            saved = None if chunks is None else chunk_file(chunks, population.name, n, reps, seed)
            if resume and saved is not None and saved.is_file():
                all_rows, outlet_rows = pd.read_pickle(saved)
                print(f"{population.name} n={n}: read back from {saved}", flush=True)
            else:
                start = time.perf_counter()
                chunk_rng = np.random.default_rng([seed, position, n])
                all_rows, outlet_rows = sim.run_population(
                    prepared, n, reps, chunk_rng, cross=cross
                )
                if saved is not None:
                    pd.to_pickle((all_rows, outlet_rows), saved)
                print(
                    f"{population.name} n={n}: {reps} replicates in "
                    f"{time.perf_counter() - start:.0f} s",
                    flush=True,
                )
            overall.append(all_rows)
            outlets.append(outlet_rows)
            outlets.append(sim.classify_and_count(population, n))
    if only:
        return None
    return pd.concat(outlets, ignore_index=True), pd.concat(overall, ignore_index=True), described


OUTLET_COLUMNS = [
    ("classify_and_count", "classify-and-count"),
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


def counted_error(rows) -> str:
    """Classify-and-count's absolute error: the mean over labels of its mean over outlets, and
    the largest of any outlet and label."""
    return f"{rows['mean_abs_error'].mean():.3f} (max {rows['max_abs_error'].max():.3f})"


def headline_table(summary) -> list[str]:
    """One row per population and n: per method, the lowest coverage over labels (each label's
    coverage averaged over outlets) and the median half-width over labels."""
    methods = [(m, t) for m, t in OUTLET_COLUMNS if m in set(summary["method"])]
    lines = [
        "| population | n | " + " | ".join(t for _, t in methods) + " |",
        "|---|---|" + "---|" * len(methods),
    ]
    for (population, n), part in summary.groupby(["population", "n"], sort=False):
        cells = []
        for m, _ in methods:
            rows = part[part["method"] == m]
            if rows.empty:
                cells.append("")
                continue
            if m == "classify_and_count":  # no interval: its error instead of a width
                cells.append(f"{rows['coverage'].min():.3f} / ±0, error {counted_error(rows)}")
                continue
            cells.append(
                f"{rows['coverage'].min():.3f} / ±{rows['median_half_width'].median():.3f}"
            )
        lines.append(f"| {population} | {n} | " + " | ".join(cells) + " |")
    return lines


def outlet_markdown(summary, overall, described) -> str:
    lines = [
        "## Per outlet: summary",
        "",
        "Lowest coverage over labels (a label's coverage averaged over the 20 outlets) / median "
        "over labels of the median per-outlet 95% half-width. Target: coverage >= 0.93 for "
        "every label; half-width <= 0.10 at n = 200. Classify-and-count (`framing predict`'s "
        "outlet mix) has no interval: it covers an outlet only where it is exactly right; its "
        "absolute error is the mean over labels and outlets (largest outlet and label in "
        "brackets).",
        "",
        *headline_table(summary),
        "",
        "## Per outlet: 20 outlets, simple random samples of n sentences",
        "",
        "Coverage: the share of replicates whose 95% interval held the outlet's true share, "
        "averaged over the 20 outlets (worst outlet in brackets); half-width: the median over "
        "outlets and replicates. Corpus estimand. `today` is the command before issue 18. "
        "Classify-and-count: share of outlets it gets exactly right (worst), ±0, its absolute "
        "error averaged over outlets (largest outlet).",
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
                + (
                    f"±0, error {by.loc[m, 'mean_abs_error']:.3f} "
                    f"(max {by.loc[m, 'max_abs_error']:.3f})"
                    if m == "classify_and_count"
                    else f"±{by.loc[m, 'median_half_width']:.3f}"
                )
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
    mc = summary.loc[summary["method"] != "classify_and_count", "coverage_mc_se"]
    lines += [
        "",
        f"Monte Carlo standard error of one outlet's coverage near 0.95: at most {worst:.3f}; "
        "the worst of 20 outlets is biased low by about two of them even when every outlet "
        "covers at 95%. Of the coverage averaged over outlets (from its spread over "
        f"replicates; `coverage_mc_se` in outlets_summary.csv): median {mc.median():.3f}, "
        f"largest {mc.max():.3f}. Of an overall coverage: "
        f"{(0.95 * 0.05 / max(reps)) ** 0.5:.3f} at {max(reps)} replicates, "
        f"{(0.95 * 0.05 / min(reps)) ** 0.5:.3f} at {min(reps)}.",
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
    p.add_argument("--outlet-replicates", type=int, default=250)
    p.add_argument("--cross-replicates", type=int, default=200)
    p.add_argument("--skip-overall", action="store_true", help="only the per-outlet study")
    p.add_argument(
        "--chunks",
        type=Path,
        default=Path("results/cache/estimate_coverage"),
        help="where each finished (population, n) chunk of the per-outlet study is saved",
    )
    p.add_argument("--resume", action="store_true", help="read back chunks saved by an earlier run")
    p.add_argument(
        "--only",
        nargs="+",
        default=None,
        metavar="POPULATION",
        help="only run and save these populations' per-outlet chunks (nothing written to --out; "
        "a later --resume run reads them back)",
    )
    args = p.parse_args(argv)

    def body() -> None:
        from framing.estimate.outlet_simulation import summarise_outlets
        from framing.estimate.simulation import run_simulation
        from framing.outputs import Kind, output_file, write_text

        frames, stance = pick_runs(args.runs, args.model)
        if args.only:
            outlet_study(
                frames.oof,
                stance.oof,
                args.outlet_replicates,
                args.cross_replicates,
                args.seed,
                args.chunks,
                args.resume,
                args.only,
            )
            print(f"saved the chunks of {', '.join(args.only)} in {args.chunks}/")
            return
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
            frames.oof,
            stance.oof,
            args.outlet_replicates,
            args.cross_replicates,
            args.seed,
            args.chunks,
            args.resume,
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
