"""framing discover: clusters of sentences the codebook's frames may miss.

    framing discover results/predictions/predictions.csv --out results/discover
    framing discover sentences.jsonl --out results/discover --clusters 12 --seed 1

INPUT is the predictions.csv of ``framing predict`` (by default only the sentences no frame
was predicted for; ``--all`` takes every sentence) or a sentence file (the JSONL of
``framing corpus --out``, or a CSV with sentence_id, article_id, text, outlet). The encoder is
the study's ``discover.encoder`` (conf/study.yaml; default the packaged all-MiniLM-L6-v2).
Writes clusters.csv, clusters.md, outlet_shares.csv, sentences.csv and report.json to --out
(see ``framing.discover.run``). Clusters are candidates to read against the codebook; nothing
is added to it.
"""

from __future__ import annotations

import sys

from framing.cli._args import parser
from framing.cli._common import run_command


def main(argv: list[str] | None = None) -> int:
    p = parser("framing discover", __doc__)
    p.add_argument("input", help="predictions.csv of framing predict, or a sentence file")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--all", action="store_true", help="cluster every sentence of predictions")
    p.add_argument("--clusters", type=int, default=None, help="default: round(sqrt(n/2))")
    p.add_argument("--seed", type=int, default=None, help="default: the study's, else 0")
    p.add_argument("--top-terms", type=int, default=10)
    p.add_argument("--central", type=int, default=3, help="central sentences shown per cluster")
    p.add_argument("--encoder", default=None, help="default: the study's discover.encoder")
    p.add_argument("--cache-dir", default=None, help="share embeddings on disk with this folder")
    args = p.parse_args(argv)

    def body() -> None:
        from framing.discover.run import discover, study_settings
        from framing.study import load_study

        study = load_study()
        encoder, settings = study_settings(study, args.encoder, args.clusters, args.seed)
        report = discover(
            args.input,
            args.out,
            study.schema,
            languages=study.languages or None,
            encoder=encoder,
            settings=settings,
            every_sentence=args.all,
            top_terms=args.top_terms,
            central=args.central,
            cache_dir=args.cache_dir,
        )
        for note in report["notes"]:
            print(f"note: {note}", file=sys.stderr)
        print(
            f"{report['input']['n_clustered']} sentences ({report['input']['selection']}) -> "
            f"{report['n_clusters']} clusters in {args.out} (clusters.md to read)"
        )

    return run_command(body)


if __name__ == "__main__":
    sys.exit(main())
