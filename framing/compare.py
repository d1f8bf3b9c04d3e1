"""Compare classifier families: pool run folders by (task, model) across seeds.

    python -m framing.compare results/multirun/full_comparison --out results/comparison

Finds every metrics.json under the given folders, reads each run's oof_predictions.csv and
writes comparison.csv, comparison.md, comparison.tex and comparison.pdf/.png to ``--out``.
Scores are means over seeds; intervals come from a hierarchical bootstrap (resample seeds,
then duplicate groups) over the pooled out-of-fold predictions.

"By how much, and how sure" is a paired question, so differences.csv (and a second table in
comparison.md) gives each model's macro-F1 minus that of the best trained (non-baseline)
family, with a paired bootstrap interval: every model is scored on the same resampled
duplicate groups and, where the seeds match, the same resampled seeds (one seed fixes one set
of folds for every model). Paired intervals are much narrower than the gap between two
overlapping marginal intervals suggests.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from framing.errors import FramingInputError
from framing.evaluate import (
    bootstrap_weights,
    group_counts,
    hierarchical_bootstrap,
    interval_description,
    macro_micro_f1,
    resampled_scores,
    scores,
)
from framing.io import atomic_path, atomic_write_text

COLUMNS = [
    "task", "model", "model_label", "is_baseline", "n_seeds", "n_sentences",
    "macro_f1", "macro_f1_low", "macro_f1_high", "micro_f1", "micro_f1_low", "micro_f1_high",
]  # fmt: skip
# Okabe-Ito: distinguishable with the common colour-vision deficiencies
MODEL_COLOUR, BASELINE_COLOUR = "#0072B2", "#999999"


@dataclass
class Run:
    folder: Path
    metrics: dict
    oof: pd.DataFrame
    config: dict  # the run's resolved config.yaml

    def setting(self, section: str):
        """A config section, without the per-seed keys a model config may interpolate."""
        value = self.config.get(section)
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k not in ("seed", "random_state")}
        return value

    @property
    def seed(self) -> int:
        return int(self.metrics["seed"])

    def decisions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(true 0/1, predicted 0/1, duplicate group) of every out-of-fold row."""
        labels = self.metrics["labels"]
        truth = self.oof[[f"true:{lab}" for lab in labels]].to_numpy()
        pred = self.oof[[f"pred:{lab}" for lab in labels]].to_numpy()
        return truth, pred, self.oof["dup_group"].to_numpy()


def find_runs(paths: list[str | Path]) -> list[Run]:
    """Every finished run (a folder with metrics.json) under ``paths``, in path order."""
    folders: list[Path] = []
    for path in map(Path, paths):
        if not path.exists():
            raise FramingInputError("no such run folder", file=path)
        found = [path.parent] if path.name == "metrics.json" else sorted(
            p.parent for p in path.rglob("metrics.json")
            if not any(part.startswith(".") for part in p.relative_to(path).parts)  # temp dirs
        )  # fmt: skip
        folders += [f for f in found if f not in folders]
    if not folders:
        raise FramingInputError(
            "no metrics.json found", file=", ".join(map(str, paths)),
            fix="pass run folders written by python -m framing.train (or their parent folder)",
        )  # fmt: skip
    runs = []
    for folder in folders:
        metrics = json.loads((folder / "metrics.json").read_text())
        oof_file = folder / "oof_predictions.csv"
        if not oof_file.exists():
            raise FramingInputError(
                "the run has metrics.json but no oof_predictions.csv", file=folder
            )
        oof = pd.read_csv(oof_file, dtype={"sentence_id": str, "dup_group": str})
        if not (folder / "config.yaml").exists():
            raise FramingInputError("the run has metrics.json but no config.yaml", file=folder)
        config = yaml.safe_load((folder / "config.yaml").read_text()) or {}
        runs.append(Run(folder, metrics, oof.sort_values("sentence_id", ignore_index=True), config))
    return runs


def pool_runs(runs: list[Run]) -> dict[tuple[str, str], list[Run]]:
    """Runs grouped by (task, model); all on one labelled set with one evaluation setting,
    one model setting per group, and one run per seed."""
    first = runs[0]
    for run in runs[1:]:
        differs = [
            name
            for name, same in (
                ("labelled set", run.metrics["data_sha256"] == first.metrics["data_sha256"]),
                ("eval settings", run.setting("eval") == first.setting("eval")),
            )
            if not same
        ]
        if differs:
            raise FramingInputError(
                f"{run.folder} and {first.folder} differ in their {' and '.join(differs)}",
                fix="compare runs of one labelled set and one eval config at a time",
            )
    pools: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        key = (run.metrics["task"], run.metrics["model"])
        for other in pools[key]:
            if other.setting("model") != run.setting("model"):
                raise FramingInputError(
                    f"two {key[1]} runs with different model settings: "
                    f"{other.folder} and {run.folder}",
                    fix="compare one setting of each model at a time",
                )
            if other.metrics["seed"] == run.metrics["seed"]:
                raise FramingInputError(
                    f"two runs of {key[1]} on {key[0]} with seed {run.metrics['seed']}: "
                    f"{other.folder} and {run.folder}",
                    fix="pass only one run per task, model and seed",
                )
        pools[key].append(run)
    return dict(pools)


def summarise(key: tuple[str, str], runs: list[Run], n_boot: int, seed: int, level: float) -> dict:
    runs = sorted(runs, key=lambda r: r.seed)
    first = runs[0]
    labels = first.metrics["labels"]
    pooled, per_label = [], []
    for run in runs:
        if not run.oof["sentence_id"].equals(first.oof["sentence_id"]):
            raise FramingInputError("the runs predicted different sentences", file=run.folder)
        truth, pred, groups = run.decisions()
        pooled.append((truth, pred, groups))
        per_label.append(scores(truth, pred, labels)["per_label"])
    ci = hierarchical_bootstrap(pooled, n_boot, seed, level)
    row = {
        "task": key[0],
        "model": key[1],
        "model_label": first.metrics.get("model_label", key[1]),
        "is_baseline": bool(first.metrics.get("is_baseline", False)),
        "n_seeds": len(runs),
        "n_sentences": len(first.oof),
    }
    for name in ("macro_f1", "micro_f1"):
        row |= {name: ci[name]["mean"], f"{name}_low": ci[name]["ci_low"]}
        row[f"{name}_high"] = ci[name]["ci_high"]
    for lab in labels:
        row[f"f1:{lab}"] = float(np.mean([p[lab]["f1"] for p in per_label]))
    for part in ("train", "evaluate"):
        row[f"{part}_s"] = float(np.mean([r.metrics["wall_time_s"][part] for r in runs]))
    return row


def paired_differences(
    pools: dict[tuple[str, str], list[Run]], n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Each model's macro-F1 minus the best trained family's, per task, with a paired
    percentile bootstrap interval and the share of replicates in which the model is ahead.

    One draw of duplicate-group weights is shared by every model of a task (all predicted the
    same sentences); seed weights are shared by models run with the same seeds, so seed ``s``
    of one model is paired with seed ``s`` of another (same folds). A task without a trained
    family compares against its best baseline."""
    tail = 100 * (1 - level) / 2
    rows = []
    for task in dict.fromkeys(key[0] for key in pools):
        keys = [key for key in pools if key[0] == task]
        ordered = {key: sorted(pools[key], key=lambda r: r.seed) for key in keys}
        counts = {key: group_counts([r.decisions() for r in runs]) for key, runs in ordered.items()}
        point = {key: float(macro_micro_f1(c.sum(axis=1))[0].mean()) for key, c in counts.items()}
        trained = [k for k in keys if not pools[k][0].metrics.get("is_baseline", False)]
        reference = max(trained or keys, key=lambda k: point[k])
        rng = np.random.default_rng(seed)
        group_weights = bootstrap_weights(rng, counts[reference].shape[1], n_boot)
        seed_weights: dict[tuple[int, ...], np.ndarray] = {}
        draws = {}
        for key, runs in ordered.items():
            seeds = tuple(r.seed for r in runs)
            if seeds not in seed_weights:
                seed_weights[seeds] = bootstrap_weights(rng, len(seeds), n_boot)
            draws[key], _ = resampled_scores(counts[key], group_weights, seed_weights[seeds])
        for key in sorted(keys, key=lambda k: -point[k]):
            diff = draws[key] - draws[reference]
            low, high = np.percentile(diff, [tail, 100 - tail])
            first = pools[key][0].metrics
            rows.append({
                "task": task, "model": key[1], "model_label": first.get("model_label", key[1]),
                "is_baseline": bool(first.get("is_baseline", False)),
                "reference": reference[1],
                "reference_label": pools[reference][0].metrics.get("model_label", reference[1]),
                "macro_f1_diff": point[key] - point[reference],
                "diff_low": float(low), "diff_high": float(high),
                "share_ahead": float(np.mean(diff > 0)) if key != reference else float("nan"),
            })  # fmt: skip
    return pd.DataFrame(rows)


def differences_markdown(diffs: pd.DataFrame, level: float) -> str:
    out = []
    for task in diffs.task.unique():
        part = diffs[diffs.task == task]
        ref = part.reference_label.iloc[0]
        out += [
            f"### {task}: macro-F1 difference to {ref} (paired)", "",
            f"| Model | Δ macro-F1 [{round(level * 100)}% CI] | share of replicates ahead |",
            "|---|---|---|",
        ]  # fmt: skip
        for _, row in part.iterrows():
            name = _markdown_name(row)
            if row.model == row.reference:
                out.append(f"| {name} | reference | — |")
                continue
            diff = f"{row.macro_f1_diff:+.3f} [{row.diff_low:+.3f}, {row.diff_high:+.3f}]"
            out.append(f"| {name} | {diff} | {row.share_ahead:.2f} |")
        out.append("")
    return "\n".join(out)


def comparison_table(runs: list[Run], n_boot: int = 1000, seed: int = 0, level: float = 0.95):
    rows = [summarise(k, v, n_boot, seed, level) for k, v in pool_runs(runs).items()]
    table = pd.DataFrame(rows).sort_values(["task", "macro_f1"], ascending=[True, False])
    label_columns = list(dict.fromkeys(c for r in rows for c in r if c.startswith("f1:")))
    return table[COLUMNS + label_columns + ["train_s", "evaluate_s"]].reset_index(drop=True)


# ---------------------------------------------------------------------------- writers
def _ci(row, name: str) -> str:
    return f"{row[name]:.3f} [{row[name + '_low']:.3f}, {row[name + '_high']:.3f}]"


def _markdown_name(row) -> str:
    return row.model_label + (" *(baseline)*" if row.is_baseline else "")


def _task_labels(table: pd.DataFrame, task: str) -> list[str]:
    part = table[table.task == task]
    return [c for c in table.columns if c.startswith("f1:") and part[c].notna().all()]


def to_markdown(table: pd.DataFrame, note: str) -> str:
    out = []
    for task in table.task.unique():
        labels = _task_labels(table, task)
        head = ["Model", "Macro-F1 [95% CI]", "Micro-F1 [95% CI]", *(c[3:] for c in labels)]
        out += [f"### {task}", "", "| " + " | ".join(head + ["seeds", "train s"]) + " |"]
        out.append("|" + "---|" * (len(head) + 2))
        for _, row in table[table.task == task].iterrows():
            name = _markdown_name(row)
            cells = [name, _ci(row, "macro_f1"), _ci(row, "micro_f1")]
            cells += [f"{row[c]:.3f}" for c in labels] + [str(row.n_seeds), f"{row.train_s:.1f}"]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out + [note, ""])


def _tex(text: str) -> str:
    for char in "\\&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text


def to_latex(table: pd.DataFrame, note: str) -> str:
    out = []
    for task in table.task.unique():
        labels = _task_labels(table, task)
        out += [
            r"\begin{table}[t]", r"\centering", r"\small",
            r"\begin{tabular}{l" + "c" * (2 + len(labels)) + "}", r"\toprule",
            " & ".join(["Model", "Macro-F1", "Micro-F1", *(_tex(c[3:]) for c in labels)]) + r" \\",
            r"\midrule",
        ]  # fmt: skip
        for _, row in table[table.task == task].iterrows():
            name = _tex(row.model_label) + (r"$^{\dagger}$" if row.is_baseline else "")
            cells = [name, _tex(_ci(row, "macro_f1")), _tex(_ci(row, "micro_f1"))]
            out.append(" & ".join(cells + [f"{row[c]:.3f}" for c in labels]) + r" \\")
        out += [
            r"\bottomrule", r"\end{tabular}",
            rf"\caption{{{_tex(task.capitalize())}: {_tex(note)} $^{{\dagger}}$baseline.}}",
            rf"\label{{tab:comparison-{_tex(task)}}}", r"\end{table}", "",
        ]  # fmt: skip
    return "\n".join(out)


def comparison_figure(table: pd.DataFrame, out_stem: Path) -> list[Path]:
    """Macro-F1 with its interval per model, one panel per task, best on top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(table.task.unique())
    sizes = [int((table.task == t).sum()) for t in tasks]
    fig, axes = plt.subplots(
        len(tasks), 1, figsize=(5.5, 0.9 + 0.3 * sum(sizes) + 0.5 * len(tasks)), sharex=True,
        gridspec_kw={"height_ratios": sizes}, squeeze=False,
    )  # fmt: skip
    for ax, task in zip(axes[:, 0], tasks, strict=True):
        part = table[table.task == task].sort_values("macro_f1")
        y = np.arange(len(part))
        for base, colour, marker in ((False, MODEL_COLOUR, "o"), (True, BASELINE_COLOUR, "s")):
            sel = (part.is_baseline == base).to_numpy()
            mid, low, high = (
                part[c].to_numpy()[sel] for c in ("macro_f1", "macro_f1_low", "macro_f1_high")
            )
            ax.errorbar(
                mid, y[sel], xerr=[mid - low, high - mid], fmt=marker, color=colour, capsize=2,
                label="baseline" if base else "model",
            )  # fmt: skip
        ax.set_yticks(y, part.model_label)
        ax.set_ylim(-0.6, len(part) - 0.4)
        ax.set_title(task, loc="left", fontsize="medium")
        ax.grid(axis="x", alpha=0.3)
    axes[-1, 0].set_xlim(0, 1)
    axes[-1, 0].set_xlabel("macro-F1, mean over seeds (95% CI)")
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper right", ncol=2, fontsize="small", frameon=False)
    fig.tight_layout()
    written = []
    for ext in ("pdf", "png"):
        target = out_stem.with_suffix(f".{ext}")
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=ext, dpi=300)
        written.append(target)
    plt.close(fig)
    return written


def write_comparison(
    runs: list[Run], out: Path, n_boot: int, seed: int, level: float
) -> list[Path]:
    table = comparison_table(runs, n_boot, seed, level)
    diffs = paired_differences(pool_runs(runs), n_boot, seed, level)
    seeds = sorted({int(s) for s in table.n_seeds})
    note = (
        f"Protocol {runs[0].metrics['protocol']}, {runs[0].metrics['n_folds']} folds; mean over "
        f"seeds; {interval_description(n_boot, max(seeds), level)}."
    )
    paired_note = (
        "Paired: every model scored on the same bootstrap replicates (duplicate groups, and seeds"
        " where the seeds match); share ahead = fraction of replicates in which the model beats"
        " the reference."
    )
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / "comparison.csv") as tmp:
        table.to_csv(tmp, index=False, float_format="%.4f")
    with atomic_path(out / "differences.csv") as tmp:
        diffs.to_csv(tmp, index=False, float_format="%.4f")
    markdown = (
        to_markdown(table, note) + "\n" + differences_markdown(diffs, level) + "\n" + paired_note
    )
    atomic_write_text(out / "comparison.md", markdown + "\n")
    atomic_write_text(out / "comparison.tex", to_latex(table, note))
    figures = comparison_figure(table, out / "comparison")
    written = [out / f"comparison.{ext}" for ext in ("csv", "md", "tex")] + [
        out / "differences.csv"
    ]
    return written + figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m framing.compare",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("runs", nargs="+", help="run folders, multirun folders or metrics.json")
    parser.add_argument("--out", default="results/comparison", type=Path)
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates B")
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    args = parser.parse_args(argv)
    try:
        runs = find_runs(args.runs)
        written = write_comparison(runs, args.out, args.bootstrap, args.seed, args.level)
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"compared {len(runs)} runs; wrote " + ", ".join(map(str, written)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
