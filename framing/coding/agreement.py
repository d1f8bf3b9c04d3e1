"""Inter-coder agreement between the first coding and a blind second coding.

Krippendorff's alpha (nominal) per frame (present / absent) and for stance, plus percent
agreement, over the sentences both coders coded, and the list of disagreements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from framing.data.schema import LabelSchema
from framing.errors import FramingInputError


def krippendorff_alpha_nominal(units: Sequence[Sequence]) -> float:
    """Krippendorff's alpha for nominal data.

    ``units`` holds, per unit, the values the coders gave it (missing codings left out). Units
    with fewer than two values are not pairable and are ignored. Returns nan when there is no
    variation at all (expected disagreement 0), as alpha is undefined there.
    """
    coincidence: Counter = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidence[(a, b)] += 1.0 / (m - 1)
    n = sum(coincidence.values())
    if n == 0:
        return float("nan")
    marginals: Counter = Counter()
    for (a, _), w in coincidence.items():
        marginals[a] += w
    observed = sum(w for (a, b), w in coincidence.items() if a != b) / n
    expected = sum(marginals[a] * marginals[b] for a in marginals for b in marginals if a != b)
    expected /= n * (n - 1)
    if expected == 0:
        return float("nan")
    return 1.0 - observed / expected


def agreement_report(first: dict[str, dict], second: dict[str, dict], schema: LabelSchema) -> dict:
    """Alpha and percent agreement per frame and for stance, and every disagreement."""
    shared = [sid for sid in first if sid in second]
    if not shared:
        raise FramingInputError("the two codings share no sentence_id", field="sentence_id")
    rows = {}
    for frame in schema.frame_names:
        pairs = [(frame in first[s]["frames"], frame in second[s]["frames"]) for s in shared]
        rows[frame] = {
            "alpha": krippendorff_alpha_nominal(pairs),
            "percent_agreement": sum(a == b for a, b in pairs) / len(pairs),
            "positives_first": sum(a for a, _ in pairs),
            "positives_second": sum(b for _, b in pairs),
        }
    stance_pairs = [(first[s]["stance"], second[s]["stance"]) for s in shared]
    rows["stance"] = {
        "alpha": krippendorff_alpha_nominal(stance_pairs),
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
        "by_label": rows,
        "frame_sets_identical": exact_frames / len(shared),
        "disagreements": disagreements,
    }


def markdown_table(report: dict) -> str:
    lines = [
        f"Sentences coded by both coders: {report['n_shared']} "
        f"(of {report['n_first']}; blind second coding).",
        "",
        "| code | Krippendorff's alpha (nominal) | percent agreement |",
        "|---|---:|---:|",
    ]
    for name, row in report["by_label"].items():
        lines.append(f"| {name} | {row['alpha']:.3f} | {100 * row['percent_agreement']:.1f}% |")
    lines.append(f"| all frames identical | | {100 * report['frame_sets_identical']:.1f}% |")
    return "\n".join(lines)
