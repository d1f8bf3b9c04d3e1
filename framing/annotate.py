"""Coding workflow for the labelled sentence set.

    python -m framing.annotate sheet  OUT.jsonl              # every sentence, for coder A
    python -m framing.annotate sample OUT.jsonl --fraction 0.5 --seed 2024   # blind coder B
    python -m framing.annotate assemble   # corpus + gold labels -> seeds/sentences.jsonl
    python -m framing.annotate stats      # counts per frame, stance and outlet (data card)

Labels are written by people (or coders) reading the codebook; this module only lays out the
sentences to code and merges the coded files. Gold = coder A, with every adjudicated change
from ``seeds/labels/adjudication.jsonl`` applied.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

from framing.corpus import CorpusRules, Sentence, build_sentences, read_articles
from framing.errors import FramingInputError
from framing.io import atomic_write_jsonl, read_jsonl
from framing.paths import resolve_path
from framing.schema import LabelSchema

DATA_CONFIG = "conf/data/seeds.yaml"
LABELS_DIR = "seeds/labels"
CODER_A = f"{LABELS_DIR}/coder_a.jsonl"
CODER_B = f"{LABELS_DIR}/coder_b_blind.jsonl"
ADJUDICATION = f"{LABELS_DIR}/adjudication.jsonl"


def seed_sentences(data_config: str = DATA_CONFIG) -> tuple[list[Sentence], dict[str, dict]]:
    """Clean and split the seed articles exactly as the labelled set was built."""
    from omegaconf import OmegaConf

    cfg = OmegaConf.load(resolve_path(data_config))
    rules = CorpusRules.load(cfg.corpus)
    articles = read_articles(resolve_path(cfg.articles), resolve_path(cfg.outlets))
    return build_sentences(articles, rules)


def blind_sample(sentences: list[Sentence], fraction: float, seed: int) -> list[Sentence]:
    """A per-article stratified random sample, in reading order."""
    rng = random.Random(seed)
    chosen: set[str] = set()
    by_article: dict[str, list[Sentence]] = {}
    for s in sentences:
        by_article.setdefault(s.article_id, []).append(s)
    for article_id in sorted(by_article):
        group = by_article[article_id]
        k = math.ceil(len(group) * fraction)
        chosen.update(s.sentence_id for s in rng.sample(group, k))
    return [s for s in sentences if s.sentence_id in chosen]


def _sheet_rows(sentences: list[Sentence]) -> list[dict]:
    return [
        {
            "sentence_id": s.sentence_id,
            "article_id": s.article_id,
            "position": s.position,
            "kind": s.kind,
            "text": s.text,
        }
        for s in sentences
    ]


def _labels_by_id(path: str | Path, schema: LabelSchema) -> dict[str, dict]:
    from framing.data import validate_label_record

    labels = {}
    for line_no, record in read_jsonl(resolve_path(path)):
        validate_label_record(record, schema, path, line_no, need_text=False)
        if record["sentence_id"] in labels:
            raise FramingInputError(
                "duplicate sentence_id", file=path, line=line_no, field="sentence_id"
            )
        labels[record["sentence_id"]] = record
    return labels


def assemble(
    data_config: str = DATA_CONFIG,
    out: str | None = None,
    coder_a: str = CODER_A,
    adjudication: str = ADJUDICATION,
) -> Path:
    """Merge the cleaned corpus with coder A's labels and the adjudicated changes."""
    from omegaconf import OmegaConf

    cfg = OmegaConf.load(resolve_path(data_config))
    schema = LabelSchema.from_config(data_config)
    sentences, _ = seed_sentences(data_config)
    first_coding = _labels_by_id(coder_a, schema)
    changes = _labels_by_id(adjudication, schema)
    missing = [s.sentence_id for s in sentences if s.sentence_id not in first_coding]
    if missing:
        raise FramingInputError(
            f"{len(missing)} sentences have no label, first: {missing[0]}",
            file=coder_a,
            field="sentence_id",
            fix="code every sentence printed by 'python -m framing.annotate sheet'",
        )
    rows = []
    for s in sentences:
        label = changes.get(s.sentence_id, first_coding[s.sentence_id])
        rows.append(
            s.to_dict()
            | {
                "frames": sorted(label["frames"], key=schema.frame_names.index),
                "stance": label["stance"],
                "note": first_coding[s.sentence_id].get("note", ""),
                "adjudicated": s.sentence_id in changes,
            }
        )
    target = resolve_path(out or cfg.sentences)
    atomic_write_jsonl(target, rows)
    return target


def label_counts_markdown(data_config: str = DATA_CONFIG) -> str:
    """Counts per frame, per stance and per outlet of the gold set, as Markdown tables."""
    from collections import Counter

    from framing.data import load_labelled_set

    schema = LabelSchema.from_config(data_config)
    ds = load_labelled_set(data_config=data_config, schema=schema)
    n = len(ds)
    frame_counts = Counter(schema.frame_names[f] for fs in ds["frames"] for f in fs)
    no_frame = sum(1 for fs in ds["frames"] if not fs)
    multi = sum(1 for fs in ds["frames"] if len(fs) > 1)
    stance_counts = Counter(schema.stance_names[s] for s in ds["stance"])
    groups = Counter(ds["dup_group"])
    lines = [
        f"{n} sentences in {len(set(ds['article_id']))} articles; "
        f"{len(groups)} duplicate groups, {sum(1 for c in groups.values() if c > 1)} of them "
        f"holding {sum(c for c in groups.values() if c > 1)} sentences with a (near-)copy.",
        "",
        "| frame | sentences | share |",
        "|---|---:|---:|",
    ]
    for name in schema.frame_names:
        lines.append(f"| {name} | {frame_counts[name]} | {100 * frame_counts[name] / n:.1f}% |")
    lines.append(f"| (no frame) | {no_frame} | {100 * no_frame / n:.1f}% |")
    lines.append(f"| (two or more frames) | {multi} | {100 * multi / n:.1f}% |")
    lines += ["", "| stance | sentences | share |", "|---|---:|---:|"]
    for name in schema.stance_names:
        lines.append(f"| {name} | {stance_counts[name]} | {100 * stance_counts[name] / n:.1f}% |")
    header = " | ".join(schema.frame_names + schema.stance_names)
    lines += ["", f"| outlet | sentences | {header} | no frame |"]
    lines.append("|---|---:|" + "---:|" * (len(schema.frame_names) + len(schema.stance_names) + 1))
    for outlet in dict.fromkeys(ds["outlet"]):
        rows = [r for r in ds if r["outlet"] == outlet]
        cells = [str(sum(1 for r in rows if i in r["frames"])) for i in range(len(schema.frames))]
        cells += [str(sum(1 for r in rows if r["stance"] == i)) for i in range(len(schema.stance))]
        cells.append(str(sum(1 for r in rows if not r["frames"])))
        lines.append(f"| {outlet} | {len(rows)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m framing.annotate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_sheet = sub.add_parser("sheet", help="write every sentence to code")
    p_sheet.add_argument("out")
    p_sample = sub.add_parser("sample", help="write a stratified sample for the blind coder")
    p_sample.add_argument("out")
    p_sample.add_argument("--fraction", type=float, default=0.5)
    p_sample.add_argument("--seed", type=int, default=2024)
    p_asm = sub.add_parser("assemble", help="build the gold labelled set")
    p_asm.add_argument("--out", default=None)
    p_stats = sub.add_parser("stats", help="print label counts for the data card")
    for p in (p_sheet, p_sample, p_asm, p_stats):
        p.add_argument("--data-config", default=DATA_CONFIG)
    args = parser.parse_args(argv)
    try:
        if args.command == "stats":
            print(label_counts_markdown(args.data_config))
            return 0
        if args.command == "assemble":
            print(f"wrote {assemble(args.data_config, args.out)}")
            return 0
        sentences, _ = seed_sentences(args.data_config)
        if args.command == "sample":
            sentences = blind_sample(sentences, args.fraction, args.seed)
        atomic_write_jsonl(Path(args.out), _sheet_rows(sentences))
        print(f"wrote {len(sentences)} sentences to {args.out}")
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
