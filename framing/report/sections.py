"""The sections of the study report, each read from what a framing command wrote. A section
whose files are missing is kept with a note naming the path looked at and the command that
writes it, so a reader sees what the page leaves out and why."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from framing.coding.agreement import agreement_report, markdown_table
from framing.coding.files import read_coding
from framing.data import load_labelled_set
from framing.data.schema import ALL_OUTLETS, NO_FRAME
from framing.data.tables import is_parquet, read_table_chunks
from framing.errors import FramingInputError
from framing.figures.outlet_mix import gold_indicators
from framing.io import read_jsonl
from framing.report.render import image_data_uri, markdown_html, percent, table_html
from framing.study import resolve_path

#: captions of the figures ``framing plot`` writes (other images are captioned by file name)
FIGURE_CAPTIONS = {
    "framing_mix_frames": "Framing mix per outlet: gold coding (filled) and out-of-fold "
    "predictions (hollow) per outlet and frame, 95% bootstrap intervals",
    "framing_mix_stance": "Stance mix per outlet: gold coding and out-of-fold predictions",
    "model_comparison": "Macro-F1 of every classifier family (95% CI)",
    "f1_per_frame": "Per-frame F1 of every family (95% CI)",
    "f1_per_stance_class": "Per-class stance F1 of every family (95% CI)",
    "frame_cooccurrence": "Gold frame co-occurrence (diagonal = prevalence)",
    "stance_confusion": "Stance confusion matrix, out-of-fold",
    "learning_curve": "Macro-F1 against labelled training sentences",
    "framing_mix": "Framing mix per outlet of the predicted corpus (classify and count)",
}


@dataclass
class Figure:
    title: str
    caption: str
    src: str  # a data URI
    source: Path  # the file it was read from


@dataclass
class Missing:
    """What a section could not show: the path looked at (None: nothing to look at) and why."""

    path: Path | None
    reason: str


@dataclass
class Section:
    id: str
    title: str
    parts: list[Markup] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)  # the files the section was read from
    counted: list[dict] | None = None  # the predictions section's outlet x label lists

    @property
    def empty(self) -> bool:
        return not (self.parts or self.figures or self.counted)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise FramingInputError(f"is not UTF-8 text ({err.reason})", file=path) from None


def _read_csv(path: Path):
    import pandas as pd

    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise FramingInputError(f"is not a readable CSV ({err})", file=path) from None


def _read_parquet(path: Path):
    import pandas as pd

    chunks = list(read_table_chunks(path, None, ("sentence_id", "article_id", "outlet", "text")))
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()


def _add_markdown(section: Section, path: Path) -> None:
    section.parts.append(markdown_html(_read_text(path)))
    section.sources.append(path)


def _add_images(section: Section, folder: Path, skip: set[str] | None = None) -> None:
    """Every PNG of the folder, figures of ``framing plot`` first in its order."""
    order = {stem: i for i, stem in enumerate(FIGURE_CAPTIONS)}
    images = sorted(folder.glob("*.png"), key=lambda p: (order.get(p.stem, len(order)), p.stem))
    for path in images:
        if skip and path.stem in skip:
            continue
        caption = FIGURE_CAPTIONS.get(path.stem, "")
        if not caption and path.stem.startswith("outlet_estimates_"):
            task = path.stem.removeprefix("outlet_estimates_").replace("_", " ")
            caption = f"Corrected shares per outlet, {task} (framing estimate)"
        section.figures.append(Figure(path.stem, caption, image_data_uri(path), path))


def _missing(section: Section, path: Path, made_by: str) -> Section:
    section.missing.append(Missing(path, made_by))
    return section


# ---------------------------------------------------------------------------- the study
def codebook_section(study) -> Section:
    """The label schema (definitions and cue words) and the study's codebook file."""
    import pandas as pd

    section = Section("codebook", "Codebook")
    schema = study.schema
    rows = [
        {"task": task, "label": d.name, "definition": d.description, "cue words": ", ".join(d.cues)}
        for task in ("frames", "stance")
        for d in schema.definitions(task).values()
    ]
    caption = f"Label schema {schema.name}, version {schema.version} (conf/study.yaml)"
    section.parts.append(table_html(pd.DataFrame(rows), caption))
    section.sources.append(study.config_file)
    if study.value("codebook"):
        path = study.path("codebook", must_exist=False)
        if path.is_file():
            _add_markdown(section, path)
        else:
            _missing(section, path, "the codebook named in conf/study.yaml (codebook:)")
    return section


def gold_section(study) -> Section:
    """How many sentences the gold set has, per outlet and label."""
    import pandas as pd

    section = Section("gold", "Labelled sentences (gold set)")
    path = study.path("sentences", must_exist=False)
    if not path.is_file():
        return _missing(section, path, "run `framing coding assemble`")
    dataset = load_labelled_set(path, schema=study.schema)
    indicators = {
        task: gold_indicators(dataset, task, study.schema) for task in ("frames", "stance")
    }
    table = indicators["frames"].join(indicators["stance"][study.schema.stance_names])
    labels = study.schema.frame_names + study.schema.stance_names
    rows = []
    for outlet, part in [*table.groupby("outlet", sort=True), ("All outlets", table)]:
        rows.append({"outlet": outlet, "sentences": len(part)} | part[labels].sum().to_dict())
    caption = "Sentences per outlet coded with each frame and each stance class"
    section.parts.append(table_html(pd.DataFrame(rows), caption))
    section.sources.append(path)
    return section


def agreement_section(study) -> Section:
    """Krippendorff's alpha of the two coders, as ``framing coding agreement`` computes it."""
    section = Section("agreement", "Agreement between coders")
    paths = {}
    for key in ("codings.first", "codings.second"):
        if not study.value(key):
            section.missing.append(
                Missing(None, f"no {key} in conf/study.yaml: no coding to compare")
            )
            return section
        paths[key] = study.path(key, must_exist=False)
        if not paths[key].is_file():
            return _missing(section, paths[key], "the coder files of `framing coding import`")
    first = read_coding(paths["codings.first"], study.schema)
    second = read_coding(paths["codings.second"], study.schema)
    gold = study.path("sentences", must_exist=False)
    groups = None
    if gold.is_file():  # duplicate groups are resampled together, as in the command
        groups = {
            r["sentence_id"]: r.get("dup_group", r["sentence_id"]) for _, r in read_jsonl(gold)
        }
    report = agreement_report(first, second, study.schema, groups=groups)
    section.parts.append(markdown_html(markdown_table(report)))
    section.parts.append(
        markdown_html(
            f"{len(report['disagreements'])} sentences coded differently "
            "(`framing coding agreement` lists them)."
        )
    )
    section.sources += list(paths.values())
    return section


# ---------------------------------------------------------------------------- results
def comparison_section(given: str) -> Section:
    section = Section("comparison", "Which classifier, and how sure")
    path = resolve_path(given) / "comparison.md"
    if not path.is_file():
        return _missing(section, path, f"run `framing compare RUNS --out {given}`")
    _add_markdown(section, path)
    return section


def figures_section(given: str) -> Section:
    section = Section("figures", "Figures")
    folder = resolve_path(given)
    if not folder.is_dir() or not any(folder.glob("*.png")):
        return _missing(section, folder, "run `framing plot`")
    _add_images(section, folder)
    section.sources.append(folder)
    return section


def validation_section(given: str) -> Section:
    section = Section("validation", "Validation on the new corpus")
    path = resolve_path(given) / "validation.md"
    if not path.is_file():
        return _missing(
            section,
            path,
            f"run `framing validate CKPT … --coded CODED --sentences "
            f"predictions.csv --out {given}`",
        )
    _add_markdown(section, path)
    return section


def estimates_section(given: str) -> Section:
    section = Section("estimates", "Shares per outlet, corrected")
    folder = resolve_path(given)
    path = folder / "summary.md"
    if not path.is_file():
        return _missing(
            section, path, f"run `framing estimate predictions.csv CODED --out {given}`"
        )
    _add_markdown(section, path)
    _add_images(section, folder)
    return section


def folder_section(
    section_id: str, title: str, given: str, made_by: str, expected: tuple[str, ...]
) -> Section:
    """Markdown and CSV files another command wrote (a file, or a folder of them): markdown
    rendered, a CSV shown as a table when no markdown of the same name is there."""
    section = Section(section_id, title)
    path = resolve_path(given)
    files = [path] if path.is_file() else sorted(path.glob("*")) if path.is_dir() else []
    markdown = [p for p in files if p.suffix == ".md"]
    tables = [p for p in files if p.suffix == ".csv" and p.with_suffix(".md") not in markdown]
    if not markdown and not tables:
        names = ", ".join(expected)
        return _missing(section, path, f"{made_by} writes {names} there")
    for p in markdown:
        _add_markdown(section, p)
    for p in tables:
        section.parts.append(table_html(_read_csv(p), p.name))
        section.sources.append(p)
    return section


# ---------------------------------------------------------------------------- what was counted
@dataclass
class CountedSentence:
    probability: float
    text: str
    article_id: str
    position: int


def predictions_section(given: str, study, max_sentences: int) -> Section:
    """For each outlet and label of ``framing predict``'s predictions.csv: the share, and the
    sentences counted for it with their probabilities, so a reader can see what was counted."""
    section = Section("predictions", "What was counted: the sentences behind each share")
    path = resolve_path(given)
    csv = path / "predictions.csv" if path.is_dir() or not path.suffix else path
    if path.is_dir() and not csv.is_file() and (path / "predictions.parquet").is_file():
        csv = path / "predictions.parquet"  # framing predict format=parquet
    if not csv.is_file():
        return _missing(
            section, csv, f"run `framing predict checkpoint=… input=ARTICLES output={given}`"
        )
    table = _read_csv(csv) if not is_parquet(csv) else _read_parquet(csv)
    for column in ("sentence_id", "article_id", "outlet", "text"):
        if column not in table.columns:
            raise FramingInputError(f"has no {column} column", file=csv)
    schema = study.schema
    tasks = [
        task
        for task in ("frames", "stance")
        if all(f"pred:{x}" in table.columns for x in schema.labels(task))
    ]
    if not tasks:
        raise FramingInputError(
            "has no pred:LABEL columns of this study's labels",
            file=csv,
            fix="predict with checkpoints of this study",
        )
    folder = csv.parent
    section.sources.append(csv)
    section.parts.append(_thresholds_note(folder / "report.json"))
    section.counted = counted_lists(table, schema, tasks, max_sentences)
    mix = folder / "framing_mix.png"
    if mix.is_file():
        section.figures.append(
            Figure("framing_mix", FIGURE_CAPTIONS["framing_mix"], image_data_uri(mix), mix)
        )
    return section


def _thresholds_note(report: Path) -> Markup:
    if not report.is_file():
        return Markup("")
    try:
        checkpoints = json.loads(report.read_text(encoding="utf-8")).get("checkpoints", [])
    except (json.JSONDecodeError, AttributeError):
        return Markup("")
    lines = []
    for ck in checkpoints:
        thresholds = ck.get("thresholds")
        if isinstance(thresholds, list):  # older checkpoints: in label order
            thresholds = dict(zip(ck.get("labels", []), thresholds, strict=False))
        rule = "its class is the most probable one"
        if isinstance(thresholds, dict) and thresholds:
            rule = "its probability is at least " + ", ".join(
                f"{x} {t:.2f}" if isinstance(t, int | float) else f"{x} {t}"
                for x, t in thresholds.items()
            )
        lines.append(f"{ck.get('task')}: {ck.get('family')} ({rule})")
    if not lines:
        return Markup("")
    items = Markup("").join(Markup("<li>") + escape(x) + Markup("</li>") for x in lines)
    return Markup("<p>A sentence is counted for a label when:</p><ul>") + items + Markup("</ul>")


def counted_lists(table, schema, tasks, max_sentences: int) -> list[dict]:
    """Per outlet (then all outlets), per task and label: the share and the counted sentences
    (highest and lowest probability first when there are more than ``max_sentences``)."""
    outlets = [(o, part) for o, part in table.groupby("outlet", sort=True)]
    outlets.append((ALL_OUTLETS, table))
    blocks = []
    for outlet, part in outlets:
        entry = {"outlet": outlet, "n": len(part), "tasks": []}
        for task in tasks:
            labels = schema.labels(task)
            series = labels + ([NO_FRAME] if schema.is_multi_label(task) else [])
            rows = []
            for label in series:
                if label == NO_FRAME:
                    counted = part[part[[f"pred:{x}" for x in labels]].sum(axis=1) == 0]
                    proba = counted[[f"proba:{x}" for x in labels]].max(axis=1)
                    proba_name = "highest frame probability"
                else:
                    counted = part[part[f"pred:{label}"] == 1]
                    proba = counted[f"proba:{label}"]
                    proba_name = f"probability of {label}"
                rows.append(
                    _counted_label(label, counted, proba, proba_name, len(part), max_sentences)
                )
            entry["tasks"].append({"task": task, "labels": rows})
        blocks.append(entry)
    return blocks


def _counted_label(label, counted, proba, proba_name, n, max_sentences) -> dict:
    order = proba.sort_values(ascending=False, kind="stable").index
    shown = list(order)
    hidden = 0
    if len(shown) > max_sentences:  # the surest and the least sure: where to look for errors
        top = (max_sentences + 1) // 2
        hidden = len(shown) - max_sentences
        shown = shown[:top] + shown[len(shown) - (max_sentences - top) :]
    sentences = [
        CountedSentence(
            float(proba[i]),
            str(counted.at[i, "text"]),
            str(counted.at[i, "article_id"]),
            int(counted.at[i, "position"]) if "position" in counted else -1,
        )
        for i in shown
    ]
    split = (max_sentences + 1) // 2 if hidden else None
    return {
        "label": label,
        "n_counted": len(counted),
        "share": percent(len(counted) / n if n else 0.0),
        "proba_name": proba_name,
        "sentences": sentences,
        "hidden": hidden,
        "split": split,
    }
