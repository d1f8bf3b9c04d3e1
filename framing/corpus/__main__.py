"""Clean and split a corpus; print what was removed from each article.

python -m framing.corpus seeds/articles --outlets seeds/outlets.csv
python -m framing.corpus new.jsonl --out sentences.jsonl --report cleaning.json
"""

from __future__ import annotations

import argparse
import json
import sys

from framing.corpus import CorpusRules, build_sentences, read_articles
from framing.corpus.rules import DEFAULT_RULES_FILE
from framing.errors import FramingInputError
from framing.io import atomic_write_jsonl, atomic_write_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m framing.corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", help="folder of .txt articles, a .jsonl or a .csv file")
    parser.add_argument("--outlets", default=None, help="outlet table (CSV with article_id)")
    parser.add_argument("--rules", default=DEFAULT_RULES_FILE)
    parser.add_argument("--out", default=None, help="write sentences as JSONL here")
    parser.add_argument("--report", default=None, help="write the cleaning report as JSON here")
    args = parser.parse_args(argv)
    try:
        rules = CorpusRules.load(args.rules)
        sentences, reports = build_sentences(read_articles(args.input, args.outlets), rules)
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print("| article | sentences | lines removed | by rule |")
    print("|---|---:|---:|---|")
    for article_id, rep in reports.items():
        rules_text = ", ".join(f"{k} {v}" for k, v in sorted(rep["removed_by_rule"].items()))
        print(f"| {article_id} | {rep['sentences']} | {rep['removed_lines']} | {rules_text} |")
    groups: dict[str, int] = {}
    for s in sentences:
        groups[s.dup_group] = groups.get(s.dup_group, 0) + 1
    shared = sum(c for c in groups.values() if c > 1)
    print(
        f"\n{len(sentences)} sentences, {len(groups)} duplicate groups; "
        f"{shared} sentences share a group with a (near-)copy."
    )
    if args.out:
        atomic_write_jsonl(args.out, (s.to_dict() for s in sentences))
    if args.report:
        atomic_write_text(args.report, json.dumps(reports, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
