"""The house style of every figure: journal column widths, 7-pt text, fixed colours that
survive greyscale printing, and PDF + 300-dpi PNG + the plotted numbers as CSV, written
together or not at all.

- sized for a journal: one column (3.5 in, every figure's default) or two (7.2 in), set by
  ``width=`` ("single", "double" or inches), height as the content needs; constrained layout
  (no ``bbox_inches="tight"``, which would change the width); every text >= 7 pt, titles
  wrapped to the width (``fit_text``);
- one colour per frame, in schema order, everywhere (Okabe-Ito, colour-blind safe) and a neutral
  grey for "no frame"; stance classes in a diverging scale (favourable-like blue, neutral grey,
  critical-like vermillion); frames and stance classes are always drawn in schema order;
- colour is never the only code: Okabe-Ito colours that merge in greyscale (orange, pink and
  the grey of "no frame" all print near 150/255) also get a marker (``label_markers``) or a hatch
  (``label_hatches``) of their own, and a filled mark is gold coding, a hollow one a model's;
- shares are percentages on every axis (``percent_axis``), and a zero share is drawn, not left
  out (a dot at 0%, or a firm mark where a bar has no width);
- classifier families keep one colour and marker across figures (Paul Tol's muted palette, by
  registry order); baselines are grey with hollow markers.

A figure joins the style with four calls::

    with house_style():
        fig = new_figure(height=2.0, width=figure_width(width))  # constrained layout
        colours = label_colours(labels, multi_label)      # {label: colour} (+ no_frame)
        ...                                               # draw on fig.subplots()
        save_figure(fig, stem, table)                     # STEM.pdf/.png/.csv, atomically

Figures are drawn on their own Agg canvas, never through pyplot, so importing or drawing never
changes the global matplotlib backend (a notebook's stays as it is). matplotlib and pandas are
imported inside the functions, so importing this module is light.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from framing.data.schema import NO_FRAME
from framing.models import FAMILIES
from framing.outputs import Kind, output_file, spreadsheet_frame

WIDTH_IN = 3.5  # one journal column
DOUBLE_WIDTH_IN = 7.2  # two columns (a full page width)
COLUMN_WIDTHS = {"single": WIDTH_IN, "double": DOUBLE_WIDTH_IN}
DPI = 300
MIN_FONT_PT = 7
NO_FRAME_COLOUR = "#999999"
#: Okabe & Ito (2008): frames take these in schema order (a study with more frames cycles)
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: stance classes by position, a diverging scale for the usual three (positive, neutral,
#: negative); a schema with more classes continues with further Okabe-Ito colours
STANCE_COLOURS = ["#56B4E9", "#BBBBBB", "#D55E00", "#F0E442", "#000000", "#009E73"]
#: Paul Tol's muted scheme for trained families, in registry order
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255"]
FAMILY_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "h"]
#: a marker per frame in schema order (with the colour: frames stay apart in greyscale); "no
#: frame" has its own
FRAME_MARKERS = ["o", "s", "D", "^", "P", "h", "*", "p"]
NO_FRAME_MARKER = "X"
#: stance classes by position: up for the favourable-like first class, a circle for the
#: neutral-like middle one, down for the critical-like last one
STANCE_MARKERS = ["^", "o", "v", "D", "s", "P"]
#: bar fills by position (frames; "no frame" is plain grey); a stance scale's middle class is
#: plain, its ends hatched in opposite directions
FRAME_HATCHES = ["", "/////", "\\\\\\\\\\", "xxxx", "....", "+++", "ooo", "---"]
STANCE_HATCHES = ["/////", "", "\\\\\\\\\\", "xxxx", "....", "+++"]
BASELINE_COLOUR = "#555555"
HEATMAP_CMAP = "cividis"  # perceptually uniform and readable with colour-vision deficiency
COUNT_CMAP = "Blues"

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 7,
    "axes.titlesize": 8,
    "axes.titlelocation": "left",
    "axes.labelsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7,
    "figure.titlesize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "lines.linewidth": 1.0,
    "lines.markersize": 4,
    "errorbar.capsize": 1.5,
    "hatch.linewidth": 0.5,
    "pdf.fonttype": 42,  # embed TrueType: journals reject Type 3 fonts
    "ps.fonttype": 42,
    "savefig.dpi": DPI,
    "figure.dpi": 100,
}


def nice_label(name: str) -> str:
    """'historical_friendship' -> 'historical friendship' (labels stay schema names in CSVs)."""
    return "no frame" if name == NO_FRAME else name.replace("_", " ")


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def label_colours(labels: Sequence[str], multi_label: bool) -> dict[str, str]:
    """Colour of each label in schema order; frames also get ``no_frame`` (grey)."""
    if multi_label:
        colours = {label: OKABE_ITO[i % len(OKABE_ITO)] for i, label in enumerate(labels)}
        colours[NO_FRAME] = NO_FRAME_COLOUR
        return colours
    return {label: STANCE_COLOURS[i % len(STANCE_COLOURS)] for i, label in enumerate(labels)}


def label_markers(labels: Sequence[str], multi_label: bool) -> dict[str, str]:
    """Marker of each label (frames also ``no_frame``): with ``label_colours``, a code that
    holds in greyscale, where several Okabe-Ito colours print as one grey."""
    if multi_label:
        markers = {label: FRAME_MARKERS[i % len(FRAME_MARKERS)] for i, label in enumerate(labels)}
        markers[NO_FRAME] = NO_FRAME_MARKER
        return markers
    return {label: STANCE_MARKERS[i % len(STANCE_MARKERS)] for i, label in enumerate(labels)}


def label_hatches(labels: Sequence[str], multi_label: bool) -> dict[str, str]:
    """Hatch of each label's bars (frames also ``no_frame``), for the same reason."""
    if multi_label:
        hatches = {label: FRAME_HATCHES[i % len(FRAME_HATCHES)] for i, label in enumerate(labels)}
        hatches[NO_FRAME] = ""
        return hatches
    return {label: STANCE_HATCHES[i % len(STANCE_HATCHES)] for i, label in enumerate(labels)}


def grey_level(colour) -> float:
    """0-255 grey a colour prints as: the ITU-R 601 luma Pillow's ``convert("L")`` uses."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return 255 * (0.299 * r + 0.587 * g + 0.114 * b)


def figure_width(width: str | float | None, default: str = "single") -> float:
    """Inches of a figure: "single" (3.5), "double" (7.2), a number of inches, or None (the
    figure's ``default``)."""
    if width is None:
        width = default
    if isinstance(width, str):
        if width in COLUMN_WIDTHS:
            return COLUMN_WIDTHS[width]
        try:
            width = float(width)
        except ValueError:
            raise ValueError(
                f"width {width!r}: give 'single', 'double' or inches (e.g. 5.0)"
            ) from None
    if not 2.0 <= float(width) <= 12.0:
        raise ValueError(f"width {width} in: give between 2 and 12 inches")
    return float(width)


def percent_axis(axis, decimals: int = 0, nbins: int = 5) -> None:
    """Tick labels of a 0-1 share axis as percentages (20%, 40%, ...)."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=1, decimals=decimals))
    axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))


def text_width_in(text: str, size: float) -> float:
    """Width in inches of one line of ``text`` at ``size`` points in the house font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=STYLE["font.family"], size=size)
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return width / 72


def fit_text(text: str, width_in: float, size: float = 8) -> str:
    """``text`` wrapped at spaces so no line is wider than ``width_in`` inches: a title that
    fits the figure instead of running past its edge."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width_in(candidate, size) > width_in:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def family_style(model: str, is_baseline: bool) -> dict[str, Any]:
    """Colour, marker and fill of a classifier family (same in every figure)."""
    names = list(FAMILIES)
    index = names.index(model) if model in names else len(names) + sum(map(ord, model))
    marker = FAMILY_MARKERS[index % len(FAMILY_MARKERS)]
    if is_baseline:
        return {"color": BASELINE_COLOUR, "marker": marker, "mfc": "white", "ls": "--"}
    colour = TOL_MUTED[index % len(TOL_MUTED)]
    return {"color": colour, "marker": marker, "mfc": colour, "ls": "-"}


@contextmanager
def house_style() -> Iterator[None]:
    """The rcParams of every figure (wrap both drawing and saving in it). Figures are drawn on
    their own Agg canvas (``new_figure``), so the global backend (e.g. a notebook's) is left
    alone."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def new_figure(height: float, width: float = WIDTH_IN):
    """A constrained-layout figure one column wide (no pyplot: no global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # Agg canvas: drawing and text measurement without a display
    fig.get_layout_engine().set(w_pad=0.02, h_pad=0.02, wspace=0.04, hspace=0.04)
    return fig


def mark_label_ticks(axis, colours: Sequence[str]) -> None:
    """Thick tick marks in the label colours: the frame key of a heatmap axis."""
    for tick, colour in zip(axis.get_major_ticks(), colours, strict=False):
        for line in (tick.tick1line, tick.tick2line):  # bottom/left and top/right marks
            line.set_markeredgecolor(colour)
            line.set_markersize(5)
            line.set_markeredgewidth(3)


@dataclass
class FigureFiles:
    """What one figure function wrote, and the figure itself (for checks)."""

    pdf: Path
    png: Path
    csv: Path
    data: Any  # pandas.DataFrame of the plotted numbers
    figure: Any  # matplotlib.figure.Figure

    @property
    def paths(self) -> list[Path]:
        return [self.pdf, self.png, self.csv]


def error_lengths(value, low, high) -> list:
    """matplotlib's error bar lengths (below, above) for an interval [low, high] around
    ``value``. A percentile interval of very few bootstrap replicates can miss its own point
    estimate; matplotlib refuses a negative length, so that side is drawn as none (the CSV
    beside the figure keeps the interval as computed)."""
    value, low, high = (np.asarray(v, dtype=float) for v in (value, low, high))
    return [np.maximum(value - low, 0.0), np.maximum(high - value, 0.0)]


def save_figure(fig, stem: str | Path, data) -> FigureFiles:
    """Write STEM.pdf, STEM.png (300 dpi) and STEM.csv; all three appear together or none.

    Dates and software versions are left out of the files, so a figure redrawn from the same
    numbers is byte-identical and a diff of the results folder shows only real changes.
    """
    stem = Path(stem)
    # the stem's own dots are kept (with_suffix would cut them: x.a and x.b sharing x.pdf)
    pdf, png, csv = (stem.with_name(f"{stem.name}.{ext}") for ext in ("pdf", "png", "csv"))
    files = FigureFiles(pdf, png, csv, data, fig)
    with ExitStack() as stack:
        pdf = stack.enter_context(output_file(files.pdf, Kind.FIGURE))
        png = stack.enter_context(output_file(files.png, Kind.FIGURE))
        csv = stack.enter_context(output_file(files.csv, Kind.FIGURE))
        fig.savefig(pdf, format="pdf", metadata={"CreationDate": None, "Producer": None})
        fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        table = spreadsheet_frame(data)  # outlet names a spreadsheet would run are marked
        table.to_csv(csv, index=False, float_format="%.10g", lineterminator="\n")
    return files


def layout_problems(fig, tolerance_px: float = 1.0, gap_px: float = 1.5) -> list[str]:
    """Texts outside the canvas, smaller than 7 pt, or overlapping another text of the figure.

    Used by the tests (and reported by ``framing.plot``) so a clipped or crowded label is found
    without looking at every PNG.
    """
    from matplotlib.text import Text

    with house_style():
        fig.canvas.draw()  # layout is computed at draw time
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    hidden = set()  # tick labels outside the axis limits are not drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-6
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - span <= tick.get_loc() <= high + span:
                    hidden.update({id(tick.label1), id(tick.label2)})
    texts = []
    for text in fig.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        texts.append((text, text.get_window_extent(renderer)))
    problems = []
    for text, box in texts:
        name = repr(text.get_text()[:40])
        if text.get_fontsize() < MIN_FONT_PT - 1e-6:
            problems.append(f"{name} is {text.get_fontsize():.1f} pt (< {MIN_FONT_PT} pt)")
        if (
            box.x0 < canvas.x0 - tolerance_px
            or box.y0 < canvas.y0 - tolerance_px
            or box.x1 > canvas.x1 + tolerance_px
            or box.y1 > canvas.y1 + tolerance_px
        ):
            problems.append(f"{name} is clipped by the figure edge")
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1 :]:
            # texts must keep a small gap (a touching "80%0%" reads as one label)
            overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) + gap_px
            overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) + gap_px
            if overlap_w > 0 and overlap_h > 0:
                problems.append(f"{a.get_text()[:30]!r} overlaps {b.get_text()[:30]!r}")
    return problems


def annotate_cells(ax, matrix: np.ndarray, texts, cmap, norm) -> None:
    """Cell texts in black or white, whichever reads better on the cell colour."""
    import matplotlib as mpl

    cmap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    for (i, j), text in np.ndenumerate(np.asarray(texts, dtype=object)):
        if text is None or text == "":
            continue
        r, g, b, _ = cmap(norm(matrix[i, j]))
        light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5
        ax.text(j, i, text, ha="center", va="center", color="black" if light else "white")
