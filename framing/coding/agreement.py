"""Inter-coder agreement between the first coding and a blind second coding.

Krippendorff's alpha (nominal, the ``krippendorff`` package) per frame (present / absent) and
for stance, with a percentile bootstrap interval and percent agreement, over the sentences both
coders coded, and the list of disagreements.

The interval resamples units with replacement (duplicate groups when the sentences' groups are
known, so the copies of a wire sentence are drawn together, as everywhere in the toolkit; else
sentences) and recomputes alpha on each replicate. A replicate without any variation (every
drawn value the same) has no alpha and is left out; with perfect agreement every replicate is
1, so the interval is [1, 1]: read it with the number of units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from framing.data.schema import LabelSchema
from framing.errors import FramingInputError
from framing.evaluate.bootstrap import bootstrap_weights, percentile_interval

#: bootstrap replicates and seed of the agreement interval
N_BOOT = 1000
LEVEL = 0.95


def _value_counts(units: Sequence[Sequence]) -> tuple[np.ndarray, list]:
    """(units, values) counts of how many coders gave each value to each unit."""
    domain = sorted({v for values in units for v in values}, key=str)
    index = {v: j for j, v in enumerate(domain)}
    counts = np.zeros((len(units), max(len(domain), 1)))
    for i, values in enumerate(units):
        for v in values:
            counts[i, index[v]] += 1
    return counts, domain


def _alpha_from_counts(counts: np.ndarray) -> float:
    import krippendorff

    pairable = counts[counts.sum(axis=1) >= 2]
    # Alpha is undefined without two distinct values among the pairable codings.
    if len(pairable) == 0 or (pairable.sum(axis=0) > 0).sum() < 2:
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(krippendorff.alpha(value_counts=pairable, level_of_measurement="nominal"))
    return value if np.isfinite(value) else float("nan")


def krippendorff_alpha_nominal(units: Sequence[Sequence]) -> float:
    """Krippendorff's alpha for nominal data.

    ``units`` holds, per unit, the values the coders gave it (missing codings left out). Units
    with fewer than two values are not pairable and are ignored. Returns nan when there is no
    variation at all (expected disagreement 0), as alpha is undefined there.
    """
    counts, _ = _value_counts(units)
    return _alpha_from_counts(counts)


def alpha_with_interval(
    units: Sequence[Sequence],
    groups: Sequence[str] | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
    level: float = LEVEL,
) -> dict[str, float]:
    """Alpha and a percentile bootstrap interval, resampling ``groups`` (one per unit; default:
    each unit on its own) with replacement."""
    counts, _ = _value_counts(units)
    point = _alpha_from_counts(counts)
    groups = np.asarray(groups if groups is not None else np.arange(len(units)))
    unique, inverse = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(len(unique))]
    weights = bootstrap_weights(np.random.default_rng(seed), len(unique), n_boot)
    replicates = []
    for draw in weights:
        rows = np.concatenate([np.repeat(members[g], n) for g, n in enumerate(draw) if n])
        replicates.append(_alpha_from_counts(counts[rows]))
    finite = np.asarray([r for r in replicates if np.isfinite(r)])
    low, high = percentile_interval(finite, level) if len(finite) else (np.nan, np.nan)
    return {
        "alpha": point,
        "ci_low": float(low),
        "ci_high": float(high),
        "n_boot": n_boot,
        "n_boot_defined": len(finite),
    }


def agreement_report(
    first: dict[str, dict],
    second: dict[str, dict],
    schema: LabelSchema,
    groups: Mapping[str, str] | None = None,
    n_boot: int = N_BOOT,
) -> dict:
    """Alpha with its interval and percent agreement per frame and for stance, and every
    disagreement. ``groups`` maps sentence_id to duplicate group (resampled together)."""
    shared = [sid for sid in first if sid in second]
    if not shared:
        raise FramingInputError("the two codings share no sentence_id", field="sentence_id")
    unit_groups = [(groups or {}).get(s, s) for s in shared]
    rows = {}
    for frame in schema.frame_names:
        pairs = [(frame in first[s]["frames"], frame in second[s]["frames"]) for s in shared]
        rows[frame] = alpha_with_interval(pairs, unit_groups, n_boot) | {
            "percent_agreement": sum(a == b for a, b in pairs) / len(pairs),
            "positives_first": sum(a for a, _ in pairs),
            "positives_second": sum(b for _, b in pairs),
        }
    stance_pairs = [(first[s]["stance"], second[s]["stance"]) for s in shared]
    rows["stance"] = alpha_with_interval(stance_pairs, unit_groups, n_boot) | {
        "percent_agreement": sum(a == b for a, b in stance_pairs) / len(stance_pairs),
    }
    exact_frames = sum(set(first[s]["frames"]) == set(second[s]["frames"]) for s in shared)
    disagreements = [
        {
            "sentence_id": s,
            "first": {"frames": sorted(first[s]["frames"]), "stance": first[s]["stance"]},
            "second": {"frames": sorted(second[s]["frames"]), "stance": second[s]["stance"]},
        }
        for s in shared
        if set(first[s]["frames"]) != set(second[s]["frames"])
        or first[s]["stance"] != second[s]["stance"]
    ]
    return {
        "n_shared": len(shared),
        "n_first": len(first),
        "n_second": len(second),
        "resampled": "duplicate groups" if groups else "sentences",
        "n_boot": n_boot,
        "level": LEVEL,
        "by_label": rows,
        "frame_sets_identical": exact_frames / len(shared),
        "disagreements": disagreements,
    }


def _fmt(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.3f}"


def markdown_table(report: dict) -> str:
    level = round(100 * report.get("level", LEVEL))
    lines = [
        f"Sentences coded by both coders: {report['n_shared']} "
        f"(of {report['n_first']}; blind second coding).",
        "",
        f"| code | Krippendorff's alpha (nominal) | {level}% CI | percent agreement |",
        "|---|---:|---:|---:|",
    ]
    for name, row in report["by_label"].items():
        interval = f"[{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]"
        lines.append(
            f"| {name} | {_fmt(row['alpha'])} | {interval} | "
            f"{100 * row['percent_agreement']:.1f}% |"
        )
    lines.append(f"| all frames identical | | | {100 * report['frame_sets_identical']:.1f}% |")
    lines += [
        "",
        f"Interval: {level}% percentile bootstrap over {report['resampled']}, "
        f"B={report['n_boot']} (replicates without variation left out).",
    ]
    return "\n".join(lines)
