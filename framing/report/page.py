"""``framing report``: one self-contained HTML page of a study — the codebook, the gold set and
the coders' agreement, the classifier comparison, every figure, validation and corrected
estimates on a new corpus, the sentences behind each predicted share, and the outputs of
``framing discover`` and ``framing coding cues`` — each section read from the files the
commands wrote, and left out with a note where they are missing.

The page is one file: CSS inline, images as data URIs, no script and no link to the network,
so it opens from disk, in an e-mail attachment or an archive, as it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from framing.outputs import Kind, output_file
from framing.report import sections
from framing.report.render import inline_markdown
from framing.study import load_study
from framing.version import package_version

TEMPLATE = "page.html.j2"


@dataclass
class ReportOptions:
    """Where ``framing report`` looks (relative paths: the working directory, then the study)."""

    comparison: str = "results/comparison"
    figures: str = "results/figures"
    predictions: str = "results/predictions"
    validation: str = "results/validation"
    estimates: str = "results/estimates"
    discover: str = "results/discover"
    cues: str = "results/cues"
    out: str = "results/report.html"
    max_sentences: int = 40  # per outlet and label; the surest and the least sure


def build_sections(study, options: ReportOptions) -> list[sections.Section]:
    return [
        sections.codebook_section(study),
        sections.gold_section(study),
        sections.agreement_section(study),
        sections.comparison_section(options.comparison),
        sections.figures_section(options.figures),
        sections.validation_section(options.validation),
        sections.estimates_section(options.estimates),
        sections.predictions_section(options.predictions, study, options.max_sentences),
        sections.folder_section(
            "discover",
            "Frames the codebook does not have yet (framing discover)",
            options.discover,
            "`framing discover … --out DIR`",
            ("clusters.md", "clusters.csv"),
        ),
        sections.folder_section(
            "cues",
            "Cue words per label (framing coding cues)",
            options.cues,
            "`framing coding cues`",
            ("a cues .md or .csv",),
        ),
    ]


def render_page(study, page_sections: list[sections.Section]) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("framing.report", ""),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # paths as the reader's copy of the study has them: relative to the study folder
    env.filters["shown"] = lambda path: shown_path(path, study.root)
    env.filters["inline_markdown"] = inline_markdown
    return env.get_template(TEMPLATE).render(
        study=study, sections=page_sections, framing_version=package_version()
    )


def shown_path(path, root: Path) -> str:
    """``path`` relative to the study folder when inside it (no machine's absolute paths in a
    page meant to be shared)."""
    path = Path(path).absolute()
    try:
        return path.relative_to(Path(root).absolute()).as_posix()
    except ValueError:
        return path.name if path.is_absolute() else str(path)


def write_report(options: ReportOptions) -> tuple[Path, list[sections.Section]]:
    """Build the page of the current study and write it to ``options.out`` (all or nothing)."""
    study = load_study()
    page_sections = build_sections(study, options)
    html = render_page(study, page_sections)
    out = Path(options.out)
    with output_file(out, Kind.STUDY_REPORT) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return out, page_sections
