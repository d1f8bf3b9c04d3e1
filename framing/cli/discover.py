"""framing discover: clusters of sentences the codebook's frames may miss.

    framing discover results/predictions/predictions.csv --out results/discover
    framing discover sentences.jsonl --out results/discover --clusters 12 --seed 1
    framing discover predictions.csv --out results/discover --like ID --like ID  # clusters.md ids
    cp results/discover/like.csv judged.csv     # then write yes / no in its like column
    framing discover predictions.csv --out results/discover --judged judged.csv

INPUT is the predictions.csv (or .parquet) of ``framing predict`` (by default only the
sentences no frame was predicted for; ``--all`` takes every sentence) or a sentence file (the
JSONL of ``framing corpus --out``, or a CSV with sentence_id, article_id, text, outlet). The
encoder is the study's ``discover.encoder`` (conf/study.yaml; default the packaged
all-MiniLM-L6-v2).
Writes clusters.csv, clusters.md, outlet_shares.csv, sentences.csv and report.json to --out
(see ``framing.discover.run``). Clusters are candidates to read against the codebook; nothing
is added to it. ``--like ID`` (once per sentence id, at least two): also rank every other
sentence by how much it resembles those examples of a suspected frame (like.csv, like.md), a
reading list for coding it. ``--judged FILE`` (a copy of like.csv with yes or no written in its
like column for the sentences read): the yeses join the examples, the noes become negatives
and leave the list, and the rest is ranked again; the new like.csv keeps every judgement, so
the rounds go on with one sheet.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke
from framing.cli._progress import show_progress
from framing.discover import MAX_SEED


@contextmanager
def config_named(config_file):
    """A ``discover:`` setting found wrong only once the sentences are embedded (more
    directions to remove than the encoder has) is blamed on the config file it came from."""
    from framing.errors import FramingInputError

    try:
        yield
    except FramingInputError as error:
        if error.file is not None or not (error.field or "").startswith("discover."):
            raise
        raise FramingInputError(
            error.message, file=config_file, line=error.line, field=error.field, fix=error.fix
        ) from error


@command(__doc__)
@click.argument(
    "input", help="predictions.csv of framing predict, or a sentence file (JSONL or CSV)"
)
@click.option("--out", required=True, metavar="DIR", help="the folder to write into")
@click.option(
    "--all",
    is_flag=True,
    help="cluster every sentence of predictions.csv, not only those without a frame",
)
@click.option(
    "--clusters",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="number of clusters (default: round(sqrt(n/2)))",
)
@click.option(
    "--seed",
    type=click.IntRange(0, MAX_SEED),
    default=None,
    help="seed of the clustering (default: the study's, else 0)",
)
@click.option(
    "--top-terms",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    metavar="N",
    help="distinguishing terms listed per cluster",
)
@click.option(
    "--central",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    metavar="N",
    help="central sentences shown per cluster",
)
@click.option(
    "--encoder",
    default=None,
    help="sentence encoder (default: the study's discover.encoder, else all-MiniLM-L6-v2)",
)
@click.option(
    "--cache-dir",
    default=None,
    metavar="DIR",
    help="share embeddings on disk with the runs that cache in this folder",
)
@click.option(
    "--like",
    "like",
    multiple=True,
    metavar="ID",
    help="a sentence id of a suspected frame (repeat, at least 2): rank the others by "
    "resemblance to these into like.csv / like.md",
)
@click.option(
    "--judged",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="a like.csv (copied out of --out) with its like column filled in, yes or no, for the "
    "sentences read: the yeses join the examples, the noes are ranked out, the rest ranked again",
)
def discover(**options) -> int:
    args = SimpleNamespace(**options)

    def body() -> None:
        from framing.discover.run import discover, study_settings
        from framing.study import load_study

        study = load_study()
        encoder, settings = study_settings(study, args.encoder, args.clusters, args.seed)
        with show_progress(), config_named(study.config_file):  # embedding takes minutes
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
                like=list(args.like) or None,
                judged=args.judged,
            )
        for note in report["notes"]:
            print(f"note: {note}", file=sys.stderr)
        print(
            f"{report['input']['n_clustered']} sentences ({report['input']['selection']}) -> "
            f"{report['n_clusters']} clusters in {args.out} (clusters.md to read)"
        )
        if report["like"]:
            print(
                f"{report['like']['ranked']} sentences ranked by resemblance to "
                f"{len(report['like']['examples'])} examples"
                + (
                    f" and away from {len(report['like']['judged_not_of_the_frame'])} judged "
                    "not of the frame"
                    if report["like"]["judged_not_of_the_frame"]
                    else ""
                )
                + " (like.md to read)"
            )

    return run_command(body)


def main(argv: list[str] | None = None) -> int:
    return invoke(discover, argv, "framing discover")


if __name__ == "__main__":
    sys.exit(main())
