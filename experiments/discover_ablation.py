"""The measurement of ``framing discover`` on the seed study (issue 20; protocol and settings in
``framing.discover.ablation``, fixed and committed before the first run):

    python -m experiments.discover_ablation        # from the repository root

writes results/discover/ablation.{csv,md}, stability.csv and report.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from framing.discover.ablation import (
    MIN_FRAMES_RECOVERED,
    MIN_PRECISION,
    MIN_RECALL,
    ablation_pool,
    run_ablation,
    stability,
)
from framing.discover.clustering import ClusterSettings
from framing.discover.run import library_versions
from framing.io import read_jsonl
from framing.outputs import Kind, output_folder

OUT = Path("results/discover")
ENCODER = "all-MiniLM-L6-v2"


def ablation_markdown(table: pd.DataFrame) -> str:
    lines = [
        "| removed frame | pool | coded with it | clusters | best cluster: size | precision "
        "| recall | F1 | recovered | its top terms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in table.itertuples():
        terms = "; ".join(str(r.top_terms).split("; ")[:5])
        lines.append(
            f"| {r.removed_frame} | {r.pool} | {r.coded_removed_frame} | {r.clusters} | "
            f"{r.cluster_size} | {r.precision:.2f} | {r.recall:.2f} | {r.f1:.2f} | "
            f"{'yes' if r.recovered else 'no'} | {terms} |"
        )
    return "\n".join(lines) + "\n"


def stability_table(
    records: list[dict], frames: list[str], embed, settings: ClusterSettings
) -> pd.DataFrame:
    """results/discover/stability.csv: ``stability`` on every sentence and on each frame's
    ablation pool, one row each."""
    pools = {"all sentences": records} | {
        f"pool without {f}": ablation_pool(records, f) for f in frames
    }
    rows = []
    for name, pool in pools.items():
        found = stability(embed([r["text"] for r in pool]), settings)
        rows.append(
            {
                "corpus": name,
                "sentences": found["n"],
                "clusters": found["clusters"],
                **{f"ari_seed_{s}": v for s, v in zip((1, 2), found["ari_seeds"], strict=True)},
                **{f"ari_subsample_{i}": v for i, v in enumerate(found["ari_subsamples"], start=1)},
                "min_ari": min(found["ari_seeds"] + found["ari_subsamples"]),
            }
        )
    return pd.DataFrame(rows)


def main() -> int:
    from framing.models.encoders import EmbeddingCache
    from framing.study import load_study

    study = load_study()
    schema = study.schema
    records = [r for _, r in read_jsonl(study.path("sentences"))]
    settings = ClusterSettings()
    table = run_ablation(records, schema, settings, ENCODER)
    recovered = int(table.recovered.sum())
    cache = EmbeddingCache(ENCODER)  # the ablation's embeddings, from memory
    stab = stability_table(records, list(schema.frame_names), cache.embed, settings)
    report = {
        "command": "python -m experiments.discover_ablation",
        "protocol": "framing.discover.ablation (docstring)",
        "settings": settings.to_dict(),
        "encoder": ENCODER,
        "targets": {
            "precision": MIN_PRECISION,
            "recall": MIN_RECALL,
            "frames_recovered": MIN_FRAMES_RECOVERED,
        },
        "frames_recovered": recovered,
        "target_met": recovered >= MIN_FRAMES_RECOVERED,
        "stability_target_met": bool((stab.min_ari >= 0.8).all()),
        "library_versions": library_versions(),
    }
    with output_folder(OUT, Kind.EXPERIMENT) as tmp:
        table.to_csv(tmp / "ablation.csv", index=False, float_format="%.4f")
        (tmp / "ablation.md").write_text(ablation_markdown(table), encoding="utf-8")
        stab.to_csv(tmp / "stability.csv", index=False, float_format="%.4f")
        (tmp / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(ablation_markdown(table))
    print(stab.to_string(index=False))
    print(f"recovered {recovered} of {len(table)} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main())
