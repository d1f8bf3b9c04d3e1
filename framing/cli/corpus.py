"""framing corpus: clean and split a corpus; print what was removed from each article.

    framing corpus seeds/articles --outlets seeds/outlets.csv
    framing corpus new.jsonl --out sentences.jsonl --report cleaning.json

Inside a study folder the study's cleaning rules apply (the package defaults with its
``corpus:`` overrides); ``--rules FILE`` merges a YAML file of overrides instead; elsewhere
the package's rules, with a note. The articles are read as ``framing predict`` and
``framing.sentences`` read them (``framing.corpus.source``): the outlet table wins over an
article's own outlet, and conflicts, unmatched table ids and case variants are warned about.
"""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import command, invoke
from framing.cli._progress import show_progress


def load_rules(rules_file: str | None):
    """The cleaning rules (``framing.study.corpus_rules``: --rules, else the study's, else the
    package's with a note)."""
    from framing.study.corpus_rules import choose_corpus_rules

    return choose_corpus_rules(rules_file=rules_file)


@command(__doc__)
@click.argument(
    "input",
    help="folder of .txt / .html articles (subfolders too), a .jsonl, .csv or .parquet file",
)
@click.option(
    "--outlets",
    default=None,
    metavar="FILE",
    help="outlet table (CSV with article_id and outlet columns)",
)
@click.option("--rules", default=None, metavar="FILE", help="YAML file of cleaning-rule overrides")
@click.option("--out", default=None, metavar="FILE", help="write the sentences as JSONL here")
@click.option(
    "--report", default=None, metavar="FILE", help="write the cleaning report as JSON here"
)
@click.option(
    "--keep-duplicate-ids",
    is_flag=True,
    help="keep articles that share an id (renamed id~2, id~3, ...) instead of stopping",
)
def corpus(**options) -> int:
    args = SimpleNamespace(**options)

    def body() -> None:
        from framing.corpus.pipeline import clean_corpus
        from framing.outputs import Kind, check_file_target, write_jsonl, write_text

        inputs = [args.input, args.outlets, args.rules]
        if args.out:  # refused before the corpus is read: a coder file is never replaced
            check_file_target(args.out, Kind.SENTENCES, inputs=inputs)
        if args.report:
            check_file_target(args.report, Kind.CLEANING_REPORT, inputs=inputs)
        choice = load_rules(args.rules)
        if choice.note:
            print(f"note: {choice.note}", file=sys.stderr)
        rules = choice.rules
        with show_progress():  # a corpus of thousands of articles takes a while to read
            run = clean_corpus(args.input, rules, args.outlets, args.keep_duplicate_ids)
        for line in run.source.notices():
            print(f"warning: {line}", file=sys.stderr)
        print("| article | language | sentences | lines removed | by rule |")
        print("|---|---|---:|---:|---|")
        for article_id, rep in run.reports.items():
            by_rule = ", ".join(f"{k} {v}" for k, v in sorted(rep["removed_by_rule"].items()))
            print(
                f"| {article_id} | {rep['language']} | {rep['sentences']} "
                f"| {rep['removed_lines']} | {by_rule} |"
            )
        summary = run.summary()
        languages = ", ".join(f"{k} {v}" for k, v in summary["articles_by_language"].items())
        print(
            f"\n{summary['n_sentences']} sentences, {summary['n_duplicate_groups']} duplicate "
            f"groups; {summary['n_syndicated_sentences']} sentences in groups that span outlets "
            f"(syndicated). Articles by language: {languages}."
            + (f" {len(run.skipped)} file(s) skipped." if run.skipped else "")
        )
        if args.out:
            write_jsonl(
                args.out, (s.to_dict() for s in run.sentences), Kind.SENTENCES, inputs=inputs
            )
        if args.report:
            report = summary | {
                "corpus_rules": rules.source,
                "corpus_rules_note": choice.note or None,
                "articles": run.reports,
            }
            text = json.dumps(report, indent=2, ensure_ascii=False)
            write_text(args.report, text, Kind.CLEANING_REPORT, inputs=inputs)

    return run_command(body)


def main(argv: list[str] | None = None) -> int:
    return invoke(corpus, argv, "framing corpus")


if __name__ == "__main__":
    sys.exit(main())
