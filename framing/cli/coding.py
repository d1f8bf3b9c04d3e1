"""framing coding: the coding loop of a study (its conf/study.yaml names the files).

    framing coding sheet OUT.jsonl                    # every sentence (a census), for coder A
    framing coding sample OUT.jsonl --strategy simple --size 200 --seed 1
    framing coding sample OUT.jsonl --strategy stratified --size 200 [--allocation equal]
    framing coding sample OUT.jsonl --strategy active --size 50 --checkpoint RUN/checkpoint
    framing coding sample OUT.jsonl --strategy overlap --fraction 0.3 [--from SAMPLE.jsonl]
    framing coding export SAMPLE.jsonl --format label-studio|csv --out FILE [--predictions CKPT]
    framing coding import CODED.json|CODED.csv --out labels/coder_a.jsonl [--annotator ID]
    framing coding agreement [--first F] [--second F] [--markdown] [--json FILE]
    framing coding assemble [--out FILE]              # first coding + adjudication -> gold
    framing coding audit RUN... [--top N] [--out FILE.csv]   # likely label errors
    framing coding stats                              # counts per frame, stance and outlet

Every sample is written with its record (OUT.sample.json: strategy, seed, population,
inclusion probabilities). Labels are written by people reading the codebook; these commands
lay out what to code, move it to and from a coding tool, compare codings, merge them, and point
at labels worth a second look (``framing.coding``). Bad input prints one ``error:`` line, exits
with 2 and writes nothing.
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
    p_sheet = sub.add_parser("sheet", help="write every sentence to code (a census)")
    p_sheet.add_argument("out")
    p_sample = sub.add_parser("sample", help="draw sentences to code, with a sample record")
    p_sample.add_argument("out")
    p_sample.add_argument(
        "--strategy", required=True, choices=["simple", "stratified", "active", "overlap"]
    )
    p_sample.add_argument("--size", type=int, default=None, help="sentences to draw")
    p_sample.add_argument("--fraction", type=float, default=None, help="overlap: share per article")
    p_sample.add_argument("--seed", type=int, default=0)
    p_sample.add_argument(
        "--population", default=None,
        help="sentence file to draw from (framing corpus --out, or predictions.csv); "
        "default: the study's articles",
    )  # fmt: skip
    p_sample.add_argument("--from", dest="parent", default=None, help="overlap: an earlier sample")
    p_sample.add_argument(
        "--exclude", action="append", default=[], help="leave out the sentences of this file"
    )
    p_sample.add_argument("--allocation", default="proportional", help="stratified: or equal")
    p_sample.add_argument(
        "--checkpoint", action="append", default=[], help="active: a checkpoint (once per task)"
    )
    p_sample.add_argument("--max-per-article", type=int, default=None, help="active: cap")
    p_export = sub.add_parser("export", help="write a sample for Label Studio or a spreadsheet")
    p_export.add_argument("sample")
    p_export.add_argument("--format", required=True, choices=["label-studio", "csv"])
    p_export.add_argument("--out", required=True)
    p_export.add_argument(
        "--predictions", action="append", default=[],
        help="pre-annotate with this checkpoint's decisions (never for a random sample)",
    )  # fmt: skip
    p_import = sub.add_parser("import", help="add a coded export or CSV to a coder file")
    p_import.add_argument("coded")
    p_import.add_argument("--out", required=True, help="the coder file, e.g. labels/coder_a.jsonl")
    p_import.add_argument("--annotator", default=None, help="Label Studio user id or email")
    p_agree = sub.add_parser("agreement", help="agreement between the first and second coding")
    p_agree.add_argument("--first", default=None, help="default: the study's codings.first")
    p_agree.add_argument("--second", default=None, help="default: the study's codings.second")
    p_agree.add_argument("--markdown", action="store_true", help="print only the summary table")
    p_agree.add_argument("--json", default=None, help="also write the full report here")
    p_asm = sub.add_parser("assemble", help="build the gold labelled set")
    p_asm.add_argument("--out", default=None)
    p_audit = sub.add_parser("audit", help="rank likely label errors (cleanlab)")
    p_audit.add_argument("runs", nargs="+", help="framing train run folders of one task")
    p_audit.add_argument("--top", type=int, default=20, help="rows to print")
    p_audit.add_argument("--out", default=None, help="write every flagged sentence as CSV")
    sub.add_parser("stats", help="print label counts for the data card")
    return p


def _coding_file(study, given: str | None, key: str) -> Path:
    from framing.study import resolve_path

    return resolve_path(given) if given else study.path(key)


def agreement(study, args) -> None:
    from framing.coding.agreement import agreement_report, markdown_table
    from framing.coding.files import read_coding
    from framing.coding.gold import study_sentences
    from framing.outputs import Kind, check_file_target, write_text

    schema = study.schema
    files = [_coding_file(study, args.first, "codings.first")]
    files.append(_coding_file(study, args.second, "codings.second"))
    if args.json:  # a coder file (or any other command's output) is never replaced
        check_file_target(args.json, Kind.AGREEMENT, inputs=files)
    first, second = (read_coding(path, schema) for path in files)
    sentences = study_sentences(study)[0]
    groups = {s.sentence_id: s.dup_group for s in sentences}
    report = agreement_report(first, second, schema, groups=groups)
    print(markdown_table(report))
    if not args.markdown:
        texts = {s.sentence_id: s.text for s in sentences}
        print(f"\nDisagreements ({len(report['disagreements'])}):")
        for d in report["disagreements"]:
            print(
                f"- {d['sentence_id']}: first {d['first']['frames']} / {d['first']['stance']}; "
                f"second {d['second']['frames']} / {d['second']['stance']}"
            )
            if d["sentence_id"] in texts:
                print(f"    {texts[d['sentence_id']]}")
    if args.json:
        write_text(args.json, json.dumps(report, indent=2), Kind.AGREEMENT, inputs=files)


def sample(study, args) -> None:
    from framing.coding.records import record_path
    from framing.coding.samples import draw

    drawn = draw(
        study,
        args.strategy,
        args.out,
        size=args.size,
        fraction=args.fraction,
        seed=args.seed,
        population_file=args.population,
        parent=args.parent,
        exclude=args.exclude,
        allocation=args.allocation,
        checkpoints=args.checkpoint,
        max_per_article=args.max_per_article,
    )
    kind = "random" if drawn.random else "not random: never use it for estimates"
    print(
        f"wrote {len(drawn.sentences)} sentences ({args.strategy}, {kind}) to {args.out}; "
        f"record {record_path(args.out)}"
    )


def audit(study, args) -> None:
    from framing.coding.audit import label_issues
    from framing.outputs import Kind, check_file_target, output_file, spreadsheet_frame

    texts = {}
    if study.value("sentences") and study.path("sentences", must_exist=False).is_file():
        from framing.io import read_jsonl

        texts = {
            r["sentence_id"]: r.get("text", "") for _, r in read_jsonl(study.path("sentences"))
        }
    if args.out:
        check_file_target(args.out, Kind.AUDIT, inputs=args.runs)
    table = label_issues(args.runs, texts)
    print(
        f"{len(table)} of {table.attrs['n_sentences']} {table.attrs['task']} codings flagged by "
        f"cleanlab (out-of-fold probabilities of {table.attrs['n_runs']} run(s)); "
        "re-read them against the codebook:"
    )
    for row in table.head(args.top).itertuples():
        print(f"{row.rank:>3}. {row.sentence_id}  quality {row.quality:.3f}  coded [{row.coded}]  "
              f"model [{row.model}]  {row.text}")  # fmt: skip
    if args.out:
        with output_file(args.out, Kind.AUDIT, inputs=args.runs) as tmp:
            spreadsheet_frame(table).to_csv(tmp, index=False)
        print(f"wrote {args.out}")


def main(argv: list[str] | None = None, prog: str = "framing coding") -> int:
    args = build_parser(prog).parse_args(argv)

    def body() -> None:
        from framing.coding import gold
        from framing.study import load_study

        study = load_study()
        if args.command == "agreement":
            agreement(study, args)
        elif args.command == "stats":
            print(gold.label_counts_markdown(study))
        elif args.command == "assemble":
            target = gold.assemble(study, args.out)
            print(f"wrote {target}")
        elif args.command == "sample":
            sample(study, args)
        elif args.command == "export":
            from framing.coding.exchange import export_sample

            written = export_sample(
                args.sample, args.format, args.out, study.schema, args.predictions
            )
            print("wrote " + ", ".join(map(str, written)))
        elif args.command == "import":
            from framing.coding.exchange import import_coding

            counts = import_coding(args.coded, args.out, study.schema, args.annotator)
            print(
                f"{args.out}: added {counts['added']} codings ({counts['already_there']} already "
                f"there, {counts['not_coded']} not coded yet in {args.coded})"
            )
        elif args.command == "audit":
            audit(study, args)
        else:  # sheet: every sentence, a census
            from framing.coding.population import study_population
            from framing.coding.records import record_path
            from framing.coding.samples import refuse_existing, write_sample
            from framing.coding.sampling import census

            out = Path(args.out)
            refuse_existing(out, record_path(out))
            population = study_population(study)
            drawn = census(population)
            write_sample(drawn, out, population)
            print(f"wrote {len(drawn.sentences)} sentences to {out}")

    return run_command(body)


if __name__ == "__main__":
    sys.exit(main())
