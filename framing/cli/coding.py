"""framing coding: the coding loop of a study (its conf/study.yaml names the files).

    framing coding sheet OUT.jsonl                    # every sentence (a census), for coder A
    framing coding sample OUT.jsonl --strategy simple --size 200 --seed 1
    framing coding sample OUT.jsonl --strategy stratified --size 200 [--allocation equal]
    framing coding sample OUT.jsonl --strategy active --size 50 --checkpoint RUN/checkpoint
    framing coding sample OUT.jsonl --strategy overlap --fraction 0.3 [--from SAMPLE.jsonl]
    framing coding export SAMPLE.jsonl --format label-studio|csv --out FILE [--predictions CKPT]
    framing coding import CODED.json|CODED.csv --out labels/coder_a.jsonl [--annotator ID]
    framing coding agreement [--first F] [--second F] [--markdown] [--json FILE]
    framing coding assemble [--out FILE] [--template FILE]   # first coding + adjudication
    framing coding audit RUN... [--top N] [--out FILE.csv]   # likely label errors
    framing coding stats                              # counts per frame, stance and outlet
    framing coding cues [--out results/cues] [--top N]  # words that distinguish each label

Every sample is written with its record (OUT.sample.json: strategy, seed, population,
inclusion probabilities). Labels are written by people reading the codebook; these commands
lay out what to code, move it to and from a coding tool, compare codings, merge them, and point
at labels worth a second look (``framing.coding``). Bad input prints one ``error:`` line, exits
with 2 and writes nothing.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import click

from framing.cli._common import run_command
from framing.cli._framework import group, invoke, subcommand


@group(__doc__)
def coding() -> None:
    pass


@subcommand(
    coding,
    "write every sentence to code (a census)",
    "Writes OUT (one JSON line per sentence of the study's corpus) and its record\n"
    "OUT.sample.json (strategy 'sheet', inclusion probability 1). Export it with\n"
    "framing coding export to code it in Label Studio or a spreadsheet.",
)
@click.argument("out", help="the sample file to write (.jsonl); must not exist")
def sheet(out: str) -> int:
    def body(study) -> None:
        from framing.coding.population import study_population
        from framing.coding.records import record_path
        from framing.coding.samples import refuse_existing, write_sample
        from framing.coding.sampling import census

        target = Path(out)
        refuse_existing(target, record_path(target))
        population = study_population(study)
        drawn = census(population)
        write_sample(drawn, target, population)
        print(f"wrote {len(drawn.sentences)} sentences to {target}")

    return in_study(body)


@subcommand(
    coding,
    "draw sentences to code, with a sample record",
    "Writes OUT (the drawn sentences, in reading order) and OUT.sample.json: strategy,\n"
    "seed, population (file, fingerprint, sentences per outlet) and each sentence's\n"
    "inclusion probability. simple and stratified are random samples (for validate and\n"
    "estimate); overlap is a random share of each article's sentences for a blind second\n"
    "coder; active picks what checkpoints are least sure of and is not random.",
)
@click.argument("out", help="the sample file to write (.jsonl); must not exist")
@click.option(
    "--strategy",
    required=True,
    type=click.Choice(["simple", "stratified", "active", "overlap"]),
    help="how to draw: simple random, stratified by outlet, active (uncertainty), or "
    "overlap (a share of an earlier sample's articles)",
)
@click.option(
    "--size",
    type=int,
    default=None,
    metavar="N",
    help="sentences to draw (simple, stratified, active)",
)
@click.option(
    "--fraction",
    type=float,
    default=None,
    metavar="F",
    help="overlap: the share of each article's sentences to draw, in (0, 1], rounded up",
)
@click.option("--seed", type=int, default=0, help="seed of the random draw (default 0; recorded)")
@click.option(
    "--population",
    default=None,
    metavar="FILE",
    help="sentence file to draw from (framing corpus --out, or predictions.csv / .parquet); "
    "default: the study's articles",
)
@click.option(
    "--from",
    "parent",
    default=None,
    metavar="SAMPLE",
    help="overlap: the earlier sample to draw from (default: the whole corpus)",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="FILE",
    help="leave out the sentences of this sample or coder file (repeatable; recorded)",
)
@click.option(
    "--allocation",
    default="proportional",
    metavar="HOW",
    help="stratified: how the sample is split across outlets: proportional (default; "
    "each outlet's share of the corpus, at least one sentence each), equal (the same "
    "number per outlet) or neyman (size times the spread the classifier predicts there, "
    "at least one each; needs --population predictions.csv)",
)
@click.option(
    "--checkpoint",
    multiple=True,
    metavar="CKPT",
    help="active: a checkpoint whose uncertainty picks the sentences (once per task; "
    "frames and stance are averaged)",
)
@click.option(
    "--max-per-article",
    type=int,
    default=None,
    metavar="N",
    help="active: at most N sentences from one article (default: twice its fair share)",
)
def sample(**options) -> int:
    args = SimpleNamespace(**options)
    return in_study(lambda study: drawn_sample(study, args))


@subcommand(
    coding,
    "write a sample for Label Studio or a spreadsheet",
    "label-studio writes FILE (tasks to import into a Label Studio project) and FILE\n"
    "with .xml (the labelling config: paste it into the project's Labeling Interface;\n"
    "it prints the codebook's definitions above the choices). csv writes a coding sheet:\n"
    "one frame:NAME column per frame (mark 1 or x), a stance and a note column.",
)
@click.argument("sample", help="a sample written by framing coding sample|sheet")
@click.option(
    "--format",
    "tool",
    required=True,
    type=click.Choice(["label-studio", "csv"]),
    help="the coding tool",
)
@click.option(
    "--out",
    required=True,
    metavar="FILE",
    help="the file to write (.json for label-studio, .csv); must not exist",
)
@click.option(
    "--predictions",
    multiple=True,
    metavar="CKPT",
    help="pre-annotate with this checkpoint's decisions (once per task; refused for a "
    "random sample: it would pull coders toward the model)",
)
def export(sample: str, tool: str, out: str, predictions: tuple[str, ...]) -> int:
    def body(study) -> None:
        from framing.coding.exchange import export_sample

        written = export_sample(sample, tool, out, study.schema, list(predictions))
        print("wrote " + ", ".join(map(str, written)))

    return in_study(body)


@subcommand(
    coding,
    "add a coded export or sheet to a coder file",
    "Reads a Label Studio export (JSON, JSON-MIN or CSV) or a filled-in coding sheet\n"
    "(CSV separated by , ; or tab), checks every label against the schema and every\n"
    "sentence against the study's samples and corpus, and adds the codings at the end\n"
    "of the coder file, with who coded them and when where Label Studio says so. Lines\n"
    "already in the coder file are never changed; a sentence there with other labels is\n"
    "refused. Nothing is written unless the whole file is valid.",
    name="import",
)
@click.argument("coded", help="the Label Studio export or the filled-in sheet")
@click.option(
    "--out",
    required=True,
    metavar="FILE",
    help="the coder file (.jsonl), e.g. labels/coder_a.jsonl; created if missing; never "
    "the gold set or a sample",
)
@click.option(
    "--annotator",
    default=None,
    metavar="ID_OR_EMAIL",
    help="Label Studio: import this coder's annotations (needed when several coded a task)",
)
@click.option(
    "--sample",
    default=None,
    metavar="SAMPLE",
    help="the sample the coded sentences were drawn from (default: any sample in the study "
    "folder, or the study's corpus)",
)
def import_coded(coded: str, out: str, annotator: str | None, sample: str | None) -> int:
    def body(study) -> None:
        from framing.coding.exchange import import_coding

        counts = import_coding(coded, out, study.schema, annotator, study, sample)
        print(
            f"{out}: added {counts['added']} codings ({counts['already_there']} already "
            f"there, {counts['not_coded']} not coded yet in {coded}); lines already in "
            "the file are never changed"
        )

    return in_study(body)


@subcommand(
    coding,
    "agreement between the first and second coding",
    "Prints Krippendorff's alpha per frame and for stance with a 95% bootstrap interval\n"
    "over duplicate groups, percent agreement, every disagreement, and identical\n"
    "sentences one coder coded differently.",
)
@click.option("--first", default=None, metavar="FILE", help="default: the study's codings.first")
@click.option("--second", default=None, metavar="FILE", help="default: the study's codings.second")
@click.option("--markdown", is_flag=True, help="print only the summary table")
@click.option(
    "--json", default=None, metavar="FILE", help="also write the full report here (.json)"
)
def agreement(**options) -> int:
    args = SimpleNamespace(**options)
    return in_study(lambda study: agreement_printed(study, args))


def _positive_finite(value: float, name: str) -> float:
    if not 0 < value < math.inf:
        raise click.BadParameter(f"must be above 0 and finite, got {value}", param_hint=name)
    return value


def _coding_file(study, given: str | None, key: str) -> Path:
    from framing.study import resolve_path

    return resolve_path(given) if given else study.path(key)


def agreement_printed(study, args) -> None:
    from framing.coding.agreement import agreement_report, markdown_table
    from framing.coding.files import read_coding
    from framing.coding.gold import identical_coded_differently, study_sentences
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
    report["identical_coded_differently"] = {
        name: identical_coded_differently(coding, sentences)
        for name, coding in (("first", first), ("second", second))
    }
    print(markdown_table(report))
    for name, copies in report["identical_coded_differently"].items():
        if copies:
            print(
                f"\nIdentical sentences the {name} coder coded differently ({len(copies)}): "
                + "; ".join(" = ".join(c) for c in copies)
            )
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


def _shown_path(path: Path) -> str:
    """A path as the user would type it here: relative to the working folder when inside."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def assembled(study, result) -> None:
    """What assemble wrote, and every coding left to adjudicate."""
    from framing.coding.gold import shown

    print(f"wrote {_shown_path(result.target)} ({result.n_sentences} sentences)")
    if not result.unresolved:
        return
    if result.disagreements:
        print(
            f"\n{len(result.disagreements)} sentence(s) coded differently by the two coders, not "
            "adjudicated (the gold set keeps the first coding, marked 'disagreement'):"
        )
        for d in result.disagreements:
            print(f"- {d['sentence_id']}: first {shown(d['first'])}; second {shown(d['second'])}")
            print(f"    {d['text']}")
    if result.contradictions:
        print(f"\n{len(result.contradictions)} set(s) of identical sentences coded differently:")
        for copies in result.contradictions:
            print("- " + "; ".join(f"{r['sentence_id']} {shown(r)}" for r in copies))
            print(f"    {copies[0]['text']}")
    adjudication = study.value("codings.adjudication") or "labels/adjudication.jsonl"
    if study.value("codings.adjudication"):
        adjudication = _shown_path(study.path("codings.adjudication", must_exist=False))
    template = _shown_path(result.template)
    state = "wrote" if result.template_written else "already there, not replaced"
    if result.template_stale:
        state += (
            ", and it lists other sentences: once its decisions are imported, delete it and "
            "assemble again, or give --template NEW.csv"
        )
    print(
        f"\nframing train refuses this gold set until they are adjudicated. Adjudication "
        f"template: {template} ({state}). Decide each sentence there against the "
        f"codebook, then:\n  framing coding import {template} --out {adjudication}\n"
        "  framing coding assemble"
    )


def drawn_sample(study, args) -> None:
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


def audit_printed(study, args) -> None:
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
        print(
            f"{row.rank:>3}. {row.sentence_id}  quality {row.quality:.3f}  coded [{row.coded}]  "
            f"model [{row.model}]  {row.text}"
        )
    if args.out:
        with output_file(args.out, Kind.AUDIT, inputs=args.runs) as tmp:
            spreadsheet_frame(table).to_csv(tmp, index=False)
        print(f"wrote {args.out}")


@subcommand(
    coding,
    "build the gold labelled set",
    "Writes the gold set: every sentence of the first coding, with the adjudication's\n"
    "decisions applied. A sentence the two coders coded differently and nobody has\n"
    "adjudicated keeps the first coding, marked 'disagreement'; identical sentences\n"
    "coded differently are listed too. framing train refuses both until adjudicated;\n"
    "their sentences go into an adjudication template (a coding sheet with both codings\n"
    "beside the text), written when no file of that name exists. Fill it in, import it\n"
    "into the adjudication file and assemble again.",
)
@click.option(
    "--out", default=None, metavar="FILE", help="default: the study's sentences (gold set)"
)
@click.option(
    "--template",
    default=None,
    metavar="FILE",
    help="where the adjudication template goes (default: beside the adjudication file, "
    "NAME.todo.csv)",
)
def assemble(out: str | None, template: str | None) -> int:
    from framing.coding import gold

    return in_study(lambda study: assembled(study, gold.assemble(study, out, template)))


@subcommand(
    coding,
    "rank likely label errors (cleanlab)",
    "Ranks the gold set's sentences by cleanlab's label quality on the out-of-fold\n"
    "probabilities of framing train runs of one task; nothing is changed for you.",
)
@click.argument("runs", nargs=-1, required=True, help="framing train run folders of one task")
@click.option("--top", type=int, default=20, show_default=True, help="rows to print")
@click.option("--out", default=None, metavar="FILE", help="write every flagged sentence as CSV")
def audit(**options) -> int:
    args = SimpleNamespace(**options)
    return in_study(lambda study: audit_printed(study, args))


@subcommand(
    coding,
    "print label counts for the data card",
    "Counts per frame, per stance class and per outlet of the gold set, after a line on\n"
    "codings not resolved yet (coder disagreements, identical sentences coded differently).",
)
def stats() -> int:
    from framing.coding import gold

    return in_study(lambda study: print(gold.label_counts_markdown(study)))


@subcommand(
    coding,
    "words and phrases that distinguish each label (log-odds, z-scores)",
    "For each frame and stance class of the gold set, the terms that distinguish it from\n"
    "the rest (log-odds ratio with an informative Dirichlet prior, Monroe, Colaresi & Quinn\n"
    "2008), each marked as a codebook cue already or new: suggestions to read, never applied.",
)
@click.option("--gold", default=None, metavar="FILE", help="default: the study's sentences")
@click.option(
    "--out",
    default="results/cues",
    show_default=True,
    metavar="DIR",
    help="the folder to write cues.csv and cues.md into",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=20, show_default=True, help="terms per label"
)
@click.option(
    "--ngrams",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="longest phrase, in words",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="times a term must occur",
)
@click.option(
    "--prior",
    # above 0 and finite (nan or inf would write a table of zeros; FloatRange lets nan pass)
    type=float,
    callback=lambda ctx, param, value: _positive_finite(value, "--prior"),
    default=1.0,
    show_default=True,
    help="strength of the prior (times the corpus counts)",
)
def cues(**options) -> int:
    args = SimpleNamespace(**options)

    def body(study) -> None:
        from framing.coding.cues import write_cue_suggestions

        gold_file = _coding_file(study, args.gold, "sentences")
        table = write_cue_suggestions(
            gold_file,
            study.schema,
            args.out,
            args.top,
            args.ngrams,
            args.min_count,
            args.prior,
            root=study.root,
        )
        new = int((table.significant & (table.codebook == "new")).sum())
        print(
            f"wrote {args.out}/cues.md and cues.csv: {new} significant terms not in the "
            "codebook (suggestions to read, never applied)"
        )

    return in_study(body)


def in_study(body: Callable[[object], None]) -> int:
    """Run ``body(study)`` on the study found from the working directory."""

    def run_body() -> None:
        from framing.study import load_study

        body(load_study())

    return run_command(run_body)


def main(argv: list[str] | None = None, prog: str = "framing coding") -> int:
    return invoke(coding, argv, prog)


if __name__ == "__main__":
    sys.exit(main())
