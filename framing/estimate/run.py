"""``framing estimate``: corrected shares of a new corpus from its predictions and a coded
random sample, written to one folder (all or nothing):

    estimates.csv       level (sentences | articles), task, outlet (+ "All outlets"), label,
                        n_population, n_coded, n_coded_articles, classify_and_count,
                        estimate, low, high (PPI++), coded_only, coded_only_low,
                        coded_only_high, lambda, se, note
    differences.csv     each outlet minus the other outlets (and the pairs asked for), per
                        label: PPI++ difference with its interval, the coded-only one,
                        classify-and-count's
    plan.csv            expected half-widths for other numbers of coded sentences
                        (``framing.estimate.planning``)
    summary.md          the overall shares and the notes, to read first
    report.json         inputs, the sample record, method, notes
    outlet_estimates_LABEL.{pdf,png,csv}   one figure per label (``framing.figures``)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from framing.data.schema import ALL_OUTLETS
from framing.errors import FramingInputError
from framing.estimate.inputs import CodedSample, read_coded_sample
from framing.estimate.outlets import (
    LEVELS,
    MIN_CODED,
    ScopeEstimate,
    difference_rows,
    estimate_level,
    estimate_rows,
    scopes,
)
from framing.estimate.planning import DEFAULT_SIZES, plan_rows
from framing.figures.outlet_estimates import plot_outlet_estimates
from framing.io import atomic_dir

METHOD = (
    "PPI++ (Angelopoulos et al. 2023, power-tuned): classifier decisions on every sentence, "
    "corrected by the coded random sample; cluster-robust variance by {cluster} (CR1), t "
    "intervals with G-1 df (G = coded {cluster}s), units weighted by 1/inclusion probability "
    "(Hajek). Outlets with fewer than {min_coded} coded units: at least the coded sample's "
    "own Agresti-Coull width."
)


def check_output(out: Path, overwrite: bool) -> None:
    if out.exists() and not overwrite:
        raise FramingInputError(
            "the output folder already exists",
            file=out,
            fix="choose a new --out or add --overwrite",
        )
    if out.exists() and not out.is_dir():
        raise FramingInputError("the output exists and is not a folder", file=out)


def rest_name(scope: str) -> str:
    return f"all but {scope[4:]}" if scope.startswith("not:") else scope


def outlet_pairs(outlets: list[str], pairs: Sequence[tuple[str, str]], path) -> list[tuple]:
    """Each outlet against the rest, then the pairs asked for (checked to exist)."""
    for pair in pairs:
        for name in pair:
            if name not in outlets:
                raise FramingInputError(
                    f"outlet '{name}' is not in the predictions",
                    file=path,
                    field="--difference",
                    fix=f"outlets: {', '.join(outlets[:10])}"
                    + (" ..." if len(outlets) > 10 else ""),
                )
    return [(o, f"not:{o}") for o in outlets] + [tuple(p) for p in pairs]


def estimate_all(
    sample: CodedSample,
    pairs: Sequence[tuple[str, str]] = (),
    level: float = 0.95,
    min_coded: int = MIN_CODED,
    cluster: str = "article",
) -> tuple[list[ScopeEstimate], pd.DataFrame, pd.DataFrame]:
    """(every scope estimate, estimates table, differences table)."""
    outlets = sorted(sample.corpus.articles["outlet"].unique())
    wanted = outlet_pairs(outlets, pairs, sample.corpus.path)
    extra = sorted({b for _, b in wanted if b.startswith("not:")})
    estimates, differences = [], []
    for task in sample.tasks:
        for level_name in LEVELS:
            found = estimate_level(
                sample, task, level_name, scopes(outlets) + extra, level, min_coded, cluster
            )
            by_scope = {e.scope: e for e in found}
            estimates += [e for e in found if not e.scope.startswith("not:")]
            if level_name == "sentences" or sample.record.unit == "article":
                differences.append(
                    difference_rows([(by_scope[a], by_scope[b]) for a, b in wanted], level)
                )
    table = estimate_rows(estimates)
    diffs = pd.concat(differences, ignore_index=True)
    diffs["b"] = diffs["b"].map(rest_name)
    return estimates, table, diffs


def summary_markdown(table: pd.DataFrame, notes: list[str], level: float) -> str:
    pct = round(level * 100)
    lines = ["# Shares on the new corpus", ""]
    lines += [f"**{n}**" if n.startswith("NOT A RANDOM") else f"- {n}" for n in notes]
    overall = table[(table.outlet == ALL_OUTLETS) & (table.level == "sentences")]
    for task, part in overall.groupby("task", sort=False):
        lines += [
            "",
            f"## {task}: share of sentences, all outlets",
            "",
            f"| label | classify-and-count | PPI++ [{pct}% CI] | coded sample only [{pct}% CI] "
            "| lambda |",
            "|---|---|---|---|---|",
        ]
        for _, r in part.iterrows():
            lines.append(
                f"| {r.label} | {r.classify_and_count:.3f} | {r.estimate:.3f} [{r.low:.3f}, "
                f"{r.high:.3f}] | {r.coded_only:.3f} [{r.coded_only_low:.3f}, "
                f"{r.coded_only_high:.3f}] | {r['lambda']:.2f} |"
            )
        lines.append(
            f"\n{int(part.n_coded.iloc[0])} coded sentences from "
            f"{int(part.n_coded_articles.iloc[0])} articles; "
            f"{int(part.n_population.iloc[0])} sentences in the corpus."
        )
    return "\n".join(lines) + "\n"


def estimate_corpus(
    predictions: str | Path,
    coded: str | Path,
    out: str | Path,
    schema,
    record: str | Path | None = None,
    allow_nonrandom: bool = False,
    pairs: Sequence[tuple[str, str]] = (),
    level: float = 0.95,
    min_coded: int = MIN_CODED,
    cluster: str = "article",
    plan_sizes: Sequence[int] = DEFAULT_SIZES,
    figure: bool = True,
    overwrite: bool = False,
) -> dict:
    """Read, estimate, write OUT (see the module docstring); returns the report."""
    out = Path(out)
    check_output(out, overwrite)
    sample = read_coded_sample(Path(predictions), Path(coded), schema, record, allow_nonrandom)
    estimates, table, diffs = estimate_all(sample, pairs, level, min_coded, cluster)
    pilots = [(e.scope, e.task.task, e.series, e.ppi) for e in estimates if e.level == "sentences"]
    plan = plan_rows(pilots, len(sample.table), plan_sizes, None, level)
    notes = list(sample.notes)
    report = {
        "predictions": str(predictions),
        "coded": str(coded),
        "sample_record": str(sample.record_file),
        "sample": {
            "strategy": sample.record.strategy,
            "random": sample.record.random,
            "unit": sample.record.unit,
            "seed": sample.record.seed,
            "n_units": len(sample.record.units),
            "n_coded": len(sample.table),
        },
        "n_sentences": sample.corpus.n_sentences,
        "n_articles": len(sample.corpus.articles),
        "n_outlets": int(sample.corpus.articles["outlet"].nunique()),
        "tasks": {t.task: list(t.labels) for t in sample.tasks},
        "level": level,
        "method": METHOD.format(min_coded=min_coded, cluster=cluster),
        "cluster": cluster,
        "valid": sample.record.random,
        "notes": notes,
    }
    with atomic_dir(out) as tmp:
        table.to_csv(tmp / "estimates.csv", index=False, float_format="%.6g")
        diffs.to_csv(tmp / "differences.csv", index=False, float_format="%.6g")
        plan.to_csv(tmp / "plan.csv", index=False, float_format="%.6g")
        (tmp / "summary.md").write_text(summary_markdown(table, notes, level), encoding="utf-8")
        if figure:
            sentences = table[table.level == "sentences"]
            for t in sample.tasks:
                for label in t.series:
                    part = sentences[(sentences.task == t.task) & (sentences.label == label)]
                    plot_outlet_estimates(
                        part,
                        tmp / f"outlet_estimates_{label}",
                        list(t.labels),
                        t.multi_label,
                        level,
                    )
        (tmp / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def plan_table(
    predictions,
    pilot,
    schema,
    record=None,
    sizes: Sequence[int] = DEFAULT_SIZES,
    target: float | None = None,
    level: float = 0.95,
    cluster: str = "article",
) -> pd.DataFrame:
    """``plan_rows`` for a pilot coded sample of the corpus in ``predictions``."""
    sample = read_coded_sample(Path(predictions), Path(pilot), schema, record)
    estimates, _, _ = estimate_all(sample, (), level, cluster=cluster)
    pilots = [(e.scope, e.task.task, e.series, e.ppi) for e in estimates if e.level == "sentences"]
    return plan_rows(pilots, len(sample.table), sizes, target, level)
