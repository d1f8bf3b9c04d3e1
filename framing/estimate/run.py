"""``framing estimate``: corrected shares of a new corpus from its predictions and a coded
random sample, written to one folder (all or nothing):

    estimates.csv       level (sentences | articles), task, outlet (+ "All outlets"), label,
                        estimand, predictor, method, n_population, n_coded, n_coded_articles,
                        classify_and_count, estimate, low, high, se (the headline: pooled
                        across outlets for an outlet, PPI++ for all outlets), unpooled,
                        unpooled_low, unpooled_high (the outlet's own PPI++), coded_only,
                        coded_only_low, coded_only_high, lambda,
                        other_predictor_half_width, note
    differences.csv     each outlet minus the other outlets (and the pairs asked for), per
                        label: PPI++ difference with its interval, the pooled one (same
                        model), the coded-only one, classify-and-count's
    predictors.csv      per scope and label: PPI++ half-width with the probabilities and with
                        the 0/1 decisions, and which is narrower
    estimates.parquet, differences.parquet   with ``parquet=True`` (``--parquet``): the same
                        tables, typed and at full precision
    plan.csv            expected half-widths for other numbers of coded sentences
                        (``framing.estimate.planning``)
    summary.md          the estimand, the overall shares, the pooling and the notes, to read
                        first
    report.json         inputs, the sample record, method, estimand, pooling, notes
    outlet_estimates_TASK.{pdf,png,csv}   one faceted figure per task (``framing.figures``)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from framing import progress
from framing.data.schema import ALL_OUTLETS
from framing.errors import FramingInputError
from framing.estimate.crossfit import cross_predict
from framing.estimate.inputs import CodedSample, read_coded_sample
from framing.estimate.outlets import (
    LEVELS,
    Options,
    ScopeEstimate,
    difference_rows,
    estimate_level,
    estimate_rows,
    pool_level,
    pooled_differences,
    predictor_rows,
    scopes,
)
from framing.estimate.planning import DEFAULT_SIZES, plan_rows
from framing.estimate.ppi import ESTIMAND_TEXT
from framing.figures.outlet_estimates import plot_outlet_estimates
from framing.outputs import (
    Kind,
    check_folder_target,
    output_folder,
    spreadsheet_frame,
)

METHOD = (
    "PPI++ (Angelopoulos et al. 2023, power-tuned, lambda per label) with the classifier's "
    "{predictor}: the classifier on every sentence, corrected by the coded random sample; "
    "units weighted by 1/inclusion probability (Hajek). Variance: {variance}. Per outlet: "
    "{pooling}. Outlets with fewer than {min_coded} coded units: unpooled interval at least "
    "the coded sample's own Agresti-Coull width."
)
VARIANCE = {
    "corpus": "design variance of the units that were drawn, finite-population correction per "
    "stratum, t with PSUs - strata df",
    "process": "cluster-robust by {cluster} (CR1), t intervals with G-1 df, plus the variance of "
    "the classifier's corpus mean",
}
POOLING = {
    True: "shares pooled across outlets (Fay-Herriot model of the outlets' corrected shares "
    "on the classifier's outlet share, {interval}), each outlet's own PPI++ beside it",
    False: "each outlet's own PPI++ (no pooling)",
}
INTERVAL_TEXT = {
    "bayes": "on the arcsine-square-root scale, between-outlet variance integrated out "
    "(flat prior), posterior intervals",
    "bootstrap": "between-outlet variance by adjusted REML (Yoshimori-Lahiri), "
    "parametric-bootstrap intervals",
    "prasad_rao": "between-outlet variance by adjusted REML (Yoshimori-Lahiri), Prasad-Rao "
    "MSE intervals",
}


#: what to do when --out exists (estimate and validate)
OVERWRITE_FIX = "choose a new --out or add --overwrite"


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
    options: Options | None = None,
) -> tuple[list[ScopeEstimate], pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """(every scope estimate, estimates table, differences table, predictors table, pooling
    description per task)."""
    options = options or Options()
    outlets = sorted(sample.corpus.articles["outlet"].unique())
    wanted = outlet_pairs(outlets, pairs, sample.corpus.path)
    extra = sorted({b for _, b in wanted if b.startswith("not:")})
    estimates, differences, pooling = [], [], {}
    for task in sample.tasks:
        for level_name in LEVELS:
            found = estimate_level(sample, task, level_name, scopes(outlets) + extra, options)
            by_scope = {e.scope: e for e in found}
            pooled = None
            if level_name == "sentences":
                pooled = pool_level(sample, found, outlets, options)
                pooling[task.task] = describe_pooling(pooled, found, options)
            estimates += [e for e in found if not e.scope.startswith("not:")]
            if level_name == "sentences" or sample.record.unit == "article":
                chosen = [(by_scope[a], by_scope[b]) for a, b in wanted]
                sizes = np.array([by_scope[o].n_population for o in outlets], dtype=float)
                values = pooled_differences(chosen, pooled, outlets, sizes)
                differences.append(difference_rows(chosen, options.level, values))
    table = estimate_rows(estimates, options.estimand)
    diffs = pd.concat(differences, ignore_index=True)
    diffs["b"] = diffs["b"].map(rest_name)
    return estimates, table, diffs, predictor_rows(estimates), pooling


def pooled_by_task(estimates: list[ScopeEstimate]) -> dict:
    """{task: (PooledOutlets, outlet order)} of the tasks that were pooled."""
    out = {}
    for e in estimates:
        if e.pooled_fit is not None and e.task.task not in out:
            out[e.task.task] = e.pooled_fit
    return out


def describe_pooling(pooled, found: list[ScopeEstimate], options: Options) -> dict:
    if pooled is None:
        n = sum(1 for e in found if e.scope != ALL_OUTLETS and e.ppi is not None)
        why = (
            "pooling off (--no-pooling)"
            if not options.pooling
            else (f"not pooled: {n} outlet(s) with coded units, pooling needs at least 3")
        )
        return {"pooled": False, "why": why}
    series = found[0].series
    return {
        "pooled": True,
        "interval": options.interval,
        "covariates": ["intercept", "classifier share"][: pooled.models[0].X.shape[1]],
        "scale": "arcsine square root" if pooled.transform == "arcsine" else "share",
        "between_outlet_sd": dict(
            zip(series, map(float, np.sqrt(pooled.between_variance)), strict=True)
        ),
        "median_weight_own": dict(
            zip(series, map(float, np.median(pooled.weight_own, axis=0)), strict=True)
        ),
    }


def summary_markdown(
    table: pd.DataFrame,
    predictors: pd.DataFrame,
    notes: list[str],
    report: dict,
) -> str:
    level = report["level"]
    pct = round(level * 100)
    lines = ["# Shares on the new corpus", ""]
    lines += [f"**{n}**" if n.startswith("NOT A RANDOM") else f"- {n}" for n in notes]
    lines += [
        "",
        f"**Estimand: {report['estimand']}** — {ESTIMAND_TEXT[report['estimand']]}.",
        "",
        report["method"],
    ]
    if report.get("cross_prediction"):
        cp = report["cross_prediction"]
        lines += [
            "",
            f"Cross-prediction (Zrnic & Candès 2024): {cp['folds']} folds of the coded sample "
            f"by article; each fold's sentences predicted by the checkpoint's family refitted on "
            f"the gold set and the other folds; the corpus by the average of the {cp['folds']} "
            "refits (an article in a fold by that fold's refit).",
        ]
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
        pooling = report["pooling"].get(task, {})
        outlets = table[
            (table.task == task) & (table.level == "sentences") & (table.outlet != ALL_OUTLETS)
        ]
        half = (outlets.high - outlets.low) / 2
        own = (outlets.unpooled_high - outlets.unpooled_low) / 2
        if pooling.get("pooled"):
            sd = pooling["between_outlet_sd"]
            lines += [
                "",
                f"Per outlet ({outlets.outlet.nunique()} outlets), pooled: median half-width "
                f"±{half.median():.3f} (each outlet's own PPI++: ±{own.median():.3f}). "
                f"Between-outlet spread of the classifier's error (sd, {pooling['scale']} "
                "scale): " + ", ".join(f"{k} {v:.3f}" for k, v in sd.items()) + ".",
            ]
        else:
            lines += ["", f"Per outlet: {pooling.get('why', 'not pooled')}."]
        # predictions without proba: columns (decisions only) give no comparison of predictors
        chosen = (
            predictors[(predictors.task == task) & (predictors.outlet == ALL_OUTLETS)]
            if len(predictors)
            else predictors
        )
        if len(chosen):
            lines += [
                "",
                "| label | half-width, probabilities | half-width, 0/1 decisions | narrower |",
                "|---|---|---|---|",
            ]
            for _, r in chosen.iterrows():
                lines.append(
                    f"| {r.label} | ±{r.probability_half_width:.3f} | "
                    f"±{r.decision_half_width:.3f} | {r.narrower} |"
                )
    return "\n".join(lines) + "\n"


INVALID = "NOT A RANDOM SAMPLE: not valid"


def mark_invalid(frame: pd.DataFrame) -> None:
    """Every row of a table from a non-random sample says so (``--allow-nonrandom``)."""
    if "note" not in frame:
        frame["note"] = ""
    notes = frame["note"].fillna("").astype(str)
    frame["note"] = [f"{INVALID}; {n}" if n else INVALID for n in notes]


def estimate_corpus(
    predictions: str | Path,
    coded: str | Path,
    out: str | Path,
    schema,
    record: str | Path | None = None,
    allow_nonrandom: bool = False,
    pairs: Sequence[tuple[str, str]] = (),
    options: Options | None = None,
    plan_sizes: Sequence[int] = DEFAULT_SIZES,
    figure: bool = True,
    overwrite: bool = False,
    checkpoints: Sequence[str | Path] = (),
    folds: int = 5,
    gold: str | Path | None = None,
    parquet: bool = False,
) -> dict:
    """Read, estimate, write OUT (see the module docstring); returns the report. With
    ``checkpoints``, the predictions are replaced by cross-predictions
    (``framing.estimate.crossfit``) of those checkpoints' families refitted on ``gold`` (the
    study's gold set) and folds of the coded sample."""
    options = options or Options()
    out = Path(out)
    rule = {
        "inputs": [predictions, coded, record],
        "overwrite": overwrite,
        "overwrite_fix": OVERWRITE_FIX,
    }
    check_folder_target(out, Kind.ESTIMATES, **rule)
    sample = read_coded_sample(Path(predictions), Path(coded), schema, record, allow_nonrandom)
    cross = None
    if checkpoints:
        sample, cross = cross_predict(sample, checkpoints, gold, schema, folds, options.seed)
    estimates, table, diffs, predictors, pooling = estimate_all(sample, pairs, options)
    pilots = [(e.scope, e.task.task, e.series, e.ppi) for e in estimates if e.level == "sentences"]
    total = sample.corpus.n_sentences if options.estimand == "corpus" else None
    plan = plan_rows(
        pilots,
        len(sample.table),
        plan_sizes,
        None,
        options.level,
        total,
        pooled_by_task(estimates),
    )
    notes = list(sample.notes) + (cross.notes if cross else [])
    report = estimate_report(predictions, coded, sample, table, pooling, cross, notes, options)
    if not sample.record.random:
        for frame in (table, diffs, predictors, plan):
            mark_invalid(frame)
    tables = {"estimates": table, "differences": diffs, "predictors": predictors, "plan": plan}
    with output_folder(out, Kind.ESTIMATES, **rule) as tmp:
        write_estimate_files(tmp, tables, report, sample.tasks, options.level, figure, parquet)
    return report


def estimate_report(predictions, coded, sample, table, pooling, cross, notes, options) -> dict:
    """report.json: the inputs, the sample, the estimand and how everything was estimated."""
    predictor = str(table["predictor"].iloc[0])
    method = METHOD.format(
        predictor={"probability": "probabilities", "decision": "0/1 decisions"}[predictor],
        variance=VARIANCE[options.estimand].format(cluster=options.cluster),
        pooling=POOLING[options.pooling].format(interval=INTERVAL_TEXT[options.interval]),
        min_coded=options.min_coded,
    )
    return {
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
        "level": options.level,
        "estimand": options.estimand,
        "estimand_text": ESTIMAND_TEXT[options.estimand],
        "predictor": predictor,
        "method": method,
        "cluster": options.cluster if options.estimand == "process" else None,
        "pooling": pooling,
        "cross_prediction": cross.report if cross else None,
        "valid": sample.record.random,
        "notes": notes,
    }


def write_estimate_files(
    tmp: Path, tables: dict, report: dict, tasks, level: float, figure: bool, parquet: bool
) -> None:
    """Every file of OUT into ``tmp`` (the staging folder ``output_folder`` moves into place)."""
    for name, frame in tables.items():
        spreadsheet_frame(frame).to_csv(tmp / f"{name}.csv", index=False, float_format="%.6g")
    if parquet:  # full precision and typed columns, beside the CSVs the report reads
        tables["estimates"].to_parquet(tmp / "estimates.parquet", index=False)
        tables["differences"].to_parquet(tmp / "differences.parquet", index=False)
    table = tables["estimates"]
    (tmp / "summary.md").write_text(
        summary_markdown(table, tables["predictors"], report["notes"], report), encoding="utf-8"
    )
    if figure:  # several seconds per label: the command shows it (framing.progress)
        sentences = table[table.level == "sentences"]
        with progress.task("figures", total=len(tasks), unit="figures") as drawing:
            for t in tasks:
                plot_outlet_estimates(
                    sentences[sentences.task == t.task],
                    tmp / f"outlet_estimates_{t.task}",
                    list(t.labels),
                    t.multi_label,
                    level,
                )
                drawing.advance(note=t.task)
    (tmp / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def plan_table(
    predictions,
    pilot,
    schema,
    record=None,
    sizes: Sequence[int] = DEFAULT_SIZES,
    target: float | None = None,
    level: float = 0.95,
    estimand: str = "corpus",
    cluster: str = "article",
) -> pd.DataFrame:
    """``plan_rows`` (``framing.estimate.planning``) for a pilot coded sample of the corpus in
    ``predictions``."""
    sample = read_coded_sample(Path(predictions), Path(pilot), schema, record)
    options = Options(level=level, estimand=estimand, cluster=cluster)
    estimates, _, _, _, _ = estimate_all(sample, (), options)
    pilots = [(e.scope, e.task.task, e.series, e.ppi) for e in estimates if e.level == "sentences"]
    total = sample.corpus.n_sentences if estimand == "corpus" else None
    return plan_rows(
        pilots, len(sample.table), sizes, target, level, total, pooled_by_task(estimates)
    )
