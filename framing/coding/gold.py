"""The gold labelled set of a study: its sentences, coding sheets, and the assembly of gold
labels from the first coding and the adjudication.

Labels are written by people (or coders) reading the codebook; this module only lays out the
sentences to code and merges the coded files. Gold = the first coding (``codings.first`` in
the study config), with every adjudicated change (``codings.adjudication``) applied; what the
coders disagree on, or identical sentences coded differently, is marked and listed for
adjudication (``assemble``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from framing.coding.files import read_coding
from framing.coding.spreadsheet import read_csv_rows, write_sheet
from framing.corpus import Sentence, build_sentences, for_classification, read_articles
from framing.data import load_labelled_set
from framing.data.labelled import contradictory_copies, read_labelled_records
from framing.errors import FramingInputError
from framing.outputs import Kind, check_file_target, write_jsonl


def study_sentences(study) -> tuple[list[Sentence], dict[str, dict]]:
    """Clean and split the study's articles exactly as its labelled set was built."""
    outlets = study.path("outlets") if study.value("outlets") else None
    articles = read_articles(study.path("articles"), outlets)
    rules = study.corpus_rules()
    sentences, reports = build_sentences(articles, rules)
    return for_classification(sentences, rules), reports


@dataclass
class Assembled:
    """What ``assemble`` wrote and what is left to decide."""

    target: Path
    n_sentences: int
    #: coded differently by the two coders, no adjudication yet: {sentence_id, text, first, second}
    disagreements: list[dict] = field(default_factory=list)
    #: sets of identical sentences coded differently, not every copy adjudicated (gold rows)
    contradictions: list[list[dict]] = field(default_factory=list)
    template: Path | None = None
    template_written: bool = False
    #: a template of that name was there already and lists other sentences
    template_stale: bool = False

    @property
    def unresolved_ids(self) -> set[str]:
        return {d["sentence_id"] for d in self.disagreements} | {
            r["sentence_id"] for copies in self.contradictions for r in copies
        }

    @property
    def unresolved(self) -> int:
        return len(self.unresolved_ids)


def _labels(record: dict) -> dict:
    return {"frames": list(record["frames"]), "stance": record["stance"]}


def _differ(a: dict, b: dict) -> bool:
    return set(a["frames"]) != set(b["frames"]) or a["stance"] != b["stance"]


def shown(labels: dict) -> str:
    """One coding as a person reads it: ``[frame, frame] / stance``."""
    return f"[{', '.join(labels['frames'])}] / {labels['stance']}"


def template_path(study) -> Path:
    """Where the adjudication template goes: beside the adjudication file
    (``adjudication.jsonl`` -> ``adjudication.todo.csv``), else beside the first coding."""
    if study.value("codings.adjudication"):
        adjudication = study.path("codings.adjudication", must_exist=False)
        return adjudication.with_name(adjudication.name.split(".")[0] + ".todo.csv")
    return study.path("codings.first", must_exist=False).with_name("adjudication.todo.csv")


def _optional_coding(study, which: str) -> dict[str, dict]:
    """The second coding or the adjudication, empty while there is none (nothing disagreed
    yet, or no second coding): gold is then the first coding."""
    key = f"codings.{which}"
    path = study.path(key, must_exist=False) if study.value(key) else None
    return read_coding(path, study.schema) if path and path.exists() else {}


def _check_coverage(study, sentences, first_coding: dict, first_file: Path) -> None:
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


def assemble(study, out: str | Path | None = None, template: str | Path | None = None):
    """Merge the cleaned corpus with the first coding and the adjudicated changes into the gold
    set (``out``, default the study's ``sentences``): every coded sentence, in reading order.

    A study coded by samples has a gold set of the sentences coded so far; a study whose config
    says ``codings.complete: true`` (the seed study) must have every sentence coded.

    Nothing unresolved is taken silently. A sentence the second coder coded differently, with
    no adjudication, keeps the first coding in the gold set marked ``disagreement`` (both
    codings); identical sentences coded differently are listed. ``framing train`` refuses both
    until they are adjudicated. Their sentences go into an adjudication template (a coding
    sheet with both codings beside each sentence, ``template_path``), written when no file of
    that name exists; filled in and imported into the adjudication file, the next assembly
    applies the decisions."""
    schema = study.schema
    target = Path(out) if out else study.path("sentences", must_exist=False)
    first_file = study.path("codings.first")
    inputs = [
        first_file,
        *(
            study.path(f"codings.{k}", must_exist=False)
            for k in ("second", "adjudication")
            if study.value(f"codings.{k}")
        ),
    ]
    check_file_target(target, Kind.GOLD, inputs=inputs)  # a coder file is never replaced
    sentences, _ = study_sentences(study)
    first_coding = read_coding(first_file, schema)
    second_coding = _optional_coding(study, "second")
    changes = _optional_coding(study, "adjudication")
    _check_coverage(study, sentences, first_coding, first_file)
    rows, disagreements = [], []
    for s in sentences:
        if s.sentence_id not in first_coding:
            continue  # not coded (yet): not part of the gold set
        first = first_coding[s.sentence_id]
        label = changes.get(s.sentence_id, first)
        row = s.labelled_fields() | {
            "frames": sorted(label["frames"], key=schema.frame_names.index),
            "stance": label["stance"],
            "note": first.get("note", ""),
            "adjudicated": s.sentence_id in changes,
        }
        other = second_coding.get(s.sentence_id)
        if other is not None and s.sentence_id not in changes and _differ(first, other):
            both = {"first": _labels(first), "second": _labels(other)}
            row["disagreement"] = both
            where = {"article_id": s.article_id, "position": s.position, "text": s.text}
            disagreements.append({"sentence_id": s.sentence_id} | where | both)
        rows.append(row)
    write_jsonl(target, rows, Kind.GOLD, inputs=inputs)
    result = Assembled(target, len(rows), disagreements)
    result.contradictions = [[rows[i] for i in members] for members in contradictory_copies(rows)]
    if result.unresolved:
        result.template = Path(template) if template else template_path(study)
        if not result.template.exists():
            write_template(result, schema)
            result.template_written = True
        else:
            result.template_stale = _listed(result.template) != result.unresolved_ids
    return result


def _listed(template: Path) -> set[str]:
    _, rows = read_csv_rows(template)
    return {row.get("sentence_id", "").strip() for _, row in rows} - {""}


def write_template(result: Assembled, schema) -> None:
    """The adjudication template: a coding sheet of the unresolved sentences, with why each is
    there and its codings so far beside the text; the label columns are left to fill in."""
    context: dict[str, dict] = {}
    rows: list[dict] = []
    for d in result.disagreements:
        context[d["sentence_id"]] = {
            "why": "the two coders disagree",
            "first_coding": shown(d["first"]),
            "second_coding": shown(d["second"]),
        }
        rows.append(d)
    for copies in result.contradictions:
        for row in copies:
            others = [c["sentence_id"] for c in copies if c is not row]
            if row["sentence_id"] in context:
                context[row["sentence_id"]]["why"] += "; identical to " + ", ".join(others)
                continue
            context[row["sentence_id"]] = {
                "why": "identical to " + ", ".join(others) + ", coded differently",
                "first_coding": shown(row),
                "second_coding": "",
            }
            rows.append(row)
    write_sheet(result.template, rows, schema, context=context, kind=Kind.ADJUDICATION)


def identical_coded_differently(coding: dict[str, dict], sentences) -> list[list[str]]:
    """Sets of identical sentences (one duplicate group, the same words) that one coding
    labels differently, as sentence ids."""
    rows = [
        {"sentence_id": s.sentence_id, "text": s.text, "dup_group": s.dup_group}
        | _labels(coding[s.sentence_id])
        for s in sentences
        if s.sentence_id in coding
    ]
    return [[rows[i]["sentence_id"] for i in members] for members in contradictory_copies(rows)]


def unresolved_lines(records: list[dict]) -> list[str]:
    """What ``framing coding stats`` says about codings nobody has resolved yet."""
    disputed = [r["sentence_id"] for r in records if r.get("disagreement")]
    copies = [[records[i]["sentence_id"] for i in m] for m in contradictory_copies(records)]
    if not disputed and not copies:
        return []
    parts = []
    if disputed:
        parts.append(
            f"{len(disputed)} sentence(s) coded differently by the two coders and not "
            f"adjudicated ({', '.join(disputed[:10])}{', ...' if len(disputed) > 10 else ''})"
        )
    if copies:
        parts.append(
            f"{len(copies)} set(s) of identical sentences coded differently ("
            + "; ".join(" = ".join(c) for c in copies[:5])
            + ("; ..." if len(copies) > 5 else "")
            + ")"
        )
    return [
        "**Unresolved codings:** " + "; ".join(parts) + ". framing train refuses this gold "
        "set until they are adjudicated (framing coding assemble writes the template).",
        "",
    ]


def label_counts_markdown(study) -> str:
    """Counts per frame, per stance and per outlet of the gold set, as Markdown tables, after
    a line on codings not resolved yet, if any."""
    from collections import Counter

    schema = study.schema
    ds = load_labelled_set(study=study, allow_unresolved=True)
    unresolved = unresolved_lines(read_labelled_records(study.path("sentences"), schema))
    n = len(ds)
    frame_counts = Counter(schema.frame_names[f] for fs in ds["frames"] for f in fs)
    no_frame = sum(1 for fs in ds["frames"] if not fs)
    multi = sum(1 for fs in ds["frames"] if len(fs) > 1)
    stance_counts = Counter(schema.stance_names[s] for s in ds["stance"])
    groups = Counter(ds["dup_group"])
    lines = unresolved + [
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
