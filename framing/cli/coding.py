"""framing coding: the coding loop of a study (its conf/study.yaml names the files).

    framing coding sheet OUT.jsonl                     # every sentence, for the first coder
    framing coding sample OUT.jsonl --fraction 0.5 --seed 2024   # blind second coder
    framing coding agreement [--markdown] [--json FILE]  # alpha per label, disagreements
    framing coding assemble [--out FILE]               # first coding + adjudication -> gold
    framing coding stats                               # counts per frame, stance and outlet

Labels are written by people reading the codebook; these commands lay out what to code,
compare codings and merge them (``framing.coding``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from framing.cli._args import parser
from framing.cli._common import run_command


def build_parser(prog: str = "framing coding"):
    p = parser(prog, __doc__)
    sub = p.add_subparsers(dest="command", required=True)
    p_sheet = sub.add_parser("sheet", help="write every sentence to code")
    p_sheet.add_argument("out")
    p_sample = sub.add_parser("sample", help="write a stratified sample for the blind coder")
    p_sample.add_argument("out")
    p_sample.add_argument("--fraction", type=float, default=0.5)
    p_sample.add_argument("--seed", type=int, default=2024)
    p_agree = sub.add_parser("agreement", help="agreement between the first and second coding")
    p_agree.add_argument("--first", default=None, help="default: the study's codings.first")
    p_agree.add_argument("--second", default=None, help="default: the study's codings.second")
    p_agree.add_argument("--markdown", action="store_true", help="print only the summary table")
    p_agree.add_argument("--json", default=None, help="also write the full report here")
    p_asm = sub.add_parser("assemble", help="build the gold labelled set")
    p_asm.add_argument("--out", default=None)
    sub.add_parser("stats", help="print label counts for the data card")
    return p


def agreement(study, args) -> None:
    from framing.coding.agreement import agreement_report, markdown_table
    from framing.coding.files import read_coding
    from framing.coding.gold import study_sentences
    from framing.io import atomic_write_text
    from framing.study import resolve_path

    schema = study.schema
    first = read_coding(
        resolve_path(args.first) if args.first else study.path("codings.first"), schema
    )
    second_file = resolve_path(args.second) if args.second else study.path("codings.second")
    report = agreement_report(first, read_coding(second_file, schema), schema)
    print(markdown_table(report))
    if not args.markdown:
        texts = {s.sentence_id: s.text for s in study_sentences(study)[0]}
        print(f"\nDisagreements ({len(report['disagreements'])}):")
        for d in report["disagreements"]:
            print(
                f"- {d['sentence_id']}: first {d['first']['frames']} / {d['first']['stance']}; "
                f"second {d['second']['frames']} / {d['second']['stance']}"
            )
            if d["sentence_id"] in texts:
                print(f"    {texts[d['sentence_id']]}")
    if args.json:
        atomic_write_text(args.json, json.dumps(report, indent=2))


def main(argv: list[str] | None = None, prog: str = "framing coding") -> int:
    args = build_parser(prog).parse_args(argv)

    def body() -> None:
        from framing.coding import gold
        from framing.io import atomic_write_jsonl
        from framing.study import load_study

        study = load_study()
        if args.command == "agreement":
            agreement(study, args)
        elif args.command == "stats":
            print(gold.label_counts_markdown(study))
        elif args.command == "assemble":
            print(f"wrote {gold.assemble(study, args.out)}")
        else:
            sentences, _ = gold.study_sentences(study)
            if args.command == "sample":
                sentences = gold.blind_sample(sentences, args.fraction, args.seed)
            atomic_write_jsonl(Path(args.out), gold.sheet_rows(sentences))
            print(f"wrote {len(sentences)} sentences to {args.out}")

    return run_command(body)


if __name__ == "__main__":
    sys.exit(main())
