"""The gold labelled set of a study: its sentences, coding sheets, and the assembly of gold
labels from the first coding and the adjudication.

Labels are written by people (or coders) reading the codebook; this module only lays out the
sentences to code and merges the coded files. Gold = the first coding (``codings.first`` in
the study config), with every adjudicated change (``codings.adjudication``) applied.
"""

from __future__ import annotations

from pathlib import Path

from framing.coding.files import read_coding
from framing.corpus import Sentence, for_classification
from framing.corpus.source import CorpusSource
from framing.errors import FramingInputError
from framing.io import atomic_write_jsonl


def study_sentences(study) -> tuple[list[Sentence], dict[str, dict]]:
    """Clean and split the study's articles exactly as its labelled set was built."""
    outlets = study.path("outlets") if study.value("outlets") else None
    rules = study.corpus_rules()
    # strict: an unreadable article stops the build (a gold set never silently loses one)
    source = CorpusSource(study.path("articles"), rules, outlets, strict=True)
    sentences, reports = source.sentences()
    return for_classification(sentences, rules), reports


def assemble(study, out: str | Path | None = None) -> Path:
    """Merge the cleaned corpus with the first coding and the adjudicated changes into the gold
    set (``out``, default the study's ``sentences``): every coded sentence, in reading order.

    A study coded by samples has a gold set of the sentences coded so far; a study whose config
    says ``codings.complete: true`` (the seed study) must have every sentence coded."""
    schema = study.schema
    sentences, _ = study_sentences(study)
    first_file = study.path("codings.first")
    first_coding = read_coding(first_file, schema)
    adjudication = study.value("codings.adjudication")
    adjudication = study.path("codings.adjudication", must_exist=False) if adjudication else None
    # No adjudication file yet (nothing disagreed, or no second coding): gold = first coding.
    changes = read_coding(adjudication, schema) if adjudication and adjudication.exists() else {}
    known = {s.sentence_id for s in sentences}
    unknown = [sid for sid in first_coding if sid not in known]
    if unknown:
        raise FramingInputError(
            f"{len(unknown)} coded sentence(s) are not in the study's corpus, first: {unknown[0]}",
            file=first_file,
            field="sentence_id",
            fix="code sentences drawn by framing coding sheet|sample from this study's articles",
        )
    missing = [s.sentence_id for s in sentences if s.sentence_id not in first_coding]
    if missing and study.value("codings.complete", False):
        raise FramingInputError(
            f"{len(missing)} sentences have no label, first: {missing[0]}",
            file=first_file,
            field="sentence_id",
            fix="code every sentence printed by: framing coding sheet OUT.jsonl "
            "(the study config says codings.complete: true)",
        )
    if not first_coding:
        raise FramingInputError("holds no coded sentence", file=first_file)
    rows = []
    for s in sentences:
        if s.sentence_id not in first_coding:
            continue  # not coded (yet): not part of the gold set
        label = changes.get(s.sentence_id, first_coding[s.sentence_id])
        rows.append(
            s.labelled_fields()
            | {
                "frames": sorted(label["frames"], key=schema.frame_names.index),
                "stance": label["stance"],
                "note": first_coding[s.sentence_id].get("note", ""),
                "adjudicated": s.sentence_id in changes,
            }
        )
    target = Path(out) if out else study.path("sentences", must_exist=False)
    atomic_write_jsonl(target, rows)
    return target


def label_counts_markdown(study) -> str:
    """Counts per frame, per stance and per outlet of the gold set, as Markdown tables."""
    from collections import Counter

    from framing.data import load_labelled_set

    schema = study.schema
    ds = load_labelled_set(study=study)
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
