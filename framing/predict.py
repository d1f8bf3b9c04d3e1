"""Frame and stance mix of new articles with trained checkpoints.

    python -m framing.predict checkpoint=CKPT input=ARTICLES output=OUT_DIR
    python -m framing.predict checkpoint=[FRAMES_CKPT,STANCE_CKPT] input=news.jsonl output=OUT_DIR \
        outlets=outlets.csv batch_size=256

ARTICLES is a folder of .txt files, a .jsonl or a .csv (a ``text`` column; ``outlet`` and
``article_id`` optional). Outlet: the article's own ``outlet`` field, else the ``outlets=``
table (CSV keyed by article_id), else "unknown". Options are in conf/predict.yaml.

The corpus is streamed: articles are read one at a time, sentences are classified in batches of
``batch_size`` and appended to predictions.csv, and the article / outlet mixes are running sums,
so memory stays bounded whatever the corpus size. Everything is written into a temporary folder
renamed to OUT_DIR at the end: a failed run leaves nothing. Bad input exits with code 2 and one
``error:`` line naming the file; in a folder of .txt files a bad article is skipped and listed
in report.json instead.

OUT_DIR/
  predictions.csv   sentence_id, article_id, outlet, position, text, proba:L, pred:L per label
  article_mix.csv   article_id, outlet, n_sentences, share:L (+ share:no_frame for frames)
  outlet_mix.csv    outlet, n_articles, n_sentences, share:L (+ share:no_frame)
  framing_mix.pdf / .png, report.json
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from framing.errors import FramingInputError
from framing.io import atomic_dir
from framing.paths import PROJECT_ROOT, resolve_path

CONFIG_DIR = PROJECT_ROOT / "conf"
CONFIG_NAME = "predict"
NO_FRAME = "no_frame"
# Colour-blind-safe (Okabe-Ito) colours, in the order labels are drawn; grey = no frame.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NO_FRAME_COLOUR = "#999999"
# Three stance classes read as a diverging scale: blue, grey, vermillion (Okabe-Ito).
STANCE_COLOURS = ["#0072B2", "#BBBBBB", "#D55E00"]
MAX_OUTLETS_IN_FIGURE = 20


# ---------------------------------------------------------------------------- config
def parse_config(argv: list[str]):
    """key=value overrides (Hydra grammar, so lists work: checkpoint=[A,B]) on conf/predict.yaml."""
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf

    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = compose(config_name=CONFIG_NAME, overrides=list(argv))
    except HydraException as err:
        first_line = str(err).strip().splitlines()[0]
        raise FramingInputError(
            f"bad option ({first_line})",
            fix="options: " + ", ".join(OmegaConf.load(CONFIG_DIR / f"{CONFIG_NAME}.yaml").keys()),
        ) from None
    for key in ("checkpoint", "input", "output"):
        if OmegaConf.is_missing(cfg, key) or cfg[key] in (None, "", []):
            raise FramingInputError(
                f"missing {key}=...",
                field=key,
                fix="usage: python -m framing.predict checkpoint=CKPT input=ARTICLES output=DIR",
            )
    if not isinstance(cfg.batch_size, int) or cfg.batch_size < 1:
        raise FramingInputError(
            f"batch_size must be a positive integer, got {cfg.batch_size!r}", field="batch_size"
        )
    return cfg


# ---------------------------------------------------------------------------- checkpoints
@dataclass
class Checkpoint:
    path: Path
    model: Any
    task: str
    labels: list[str]
    multi_label: bool
    headline: str | None = None  # the model card's cross-validated metric

    @property
    def columns(self) -> list[str]:
        return [f"{kind}:{label}" for label in self.labels for kind in ("proba", "pred")]

    @property
    def share_columns(self) -> list[str]:
        shares = [f"share:{label}" for label in self.labels]
        return shares + ([f"share:{NO_FRAME}"] if self.multi_label else [])


def load_checkpoints(paths) -> list[Checkpoint]:
    from framing.checkpoint import headline_metric, load_checkpoint

    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    loaded: list[Checkpoint] = []
    for raw in paths:
        path = resolve_path(str(raw))
        model = load_checkpoint(path)
        if getattr(model, "cache_dir", None) is not None:
            # An embedding cache folder from training would receive one file per new
            # sentence: prediction writes nothing outside its output folder.
            model.cache_dir = None
        info = model.checkpoint_info
        # Load lazily-loaded parts (an encoder) now: a broken one fails before any output
        # exists, and the stream's sentences/s is not charged with the loading time.
        model.predict_proba(["Warm-up sentence."])
        ckpt = Checkpoint(
            path,
            model,
            info["task"],
            list(info["labels"]),
            bool(info["multi_label"]),
            headline_metric(info),
        )
        for other in loaded:
            if other.task == ckpt.task:
                raise FramingInputError(
                    f"two checkpoints for task '{ckpt.task}' ({other.path} and {path})",
                    field="checkpoint",
                    fix="give at most one checkpoint per task, e.g. checkpoint=[FRAMES,STANCE]",
                )
            clash = set(other.labels) & set(ckpt.labels)
            if clash:
                raise FramingInputError(
                    f"label names {sorted(clash)} appear in both {other.path} and {path}",
                    field="checkpoint",
                )
        loaded.append(ckpt)
    return loaded


# ---------------------------------------------------------------------------- running sums
@dataclass
class Tally:
    """Running counts for one article or one outlet; shares are computed only at the end."""

    key: str
    outlet: str
    remaining: int = 0  # sentences of the article not classified yet
    n_articles: int = 0
    n_sentences: int = 0
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # task -> per-label counts
    no_label: dict[str, int] = field(default_factory=dict)  # task -> rows with no label

    def add(self, task: str, decisions: np.ndarray) -> None:
        if task not in self.counts:
            self.counts[task] = np.zeros(decisions.shape[1], dtype=np.int64)
            self.no_label[task] = 0
        self.counts[task] += decisions.sum(axis=0)
        self.no_label[task] += int((decisions.sum(axis=1) == 0).sum())

    def shares(self, checkpoints: list[Checkpoint]) -> list[str]:
        out: list[str] = []
        for ck in checkpoints:
            counts = self.counts.get(ck.task, np.zeros(len(ck.labels), dtype=np.int64))
            values = list(counts / self.n_sentences)
            if ck.multi_label:
                values.append(self.no_label.get(ck.task, 0) / self.n_sentences)
            out += [f"{v:.6f}" for v in values]
        return out


# ---------------------------------------------------------------------------- output folder
@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """``atomic_dir``, plus removal of the parent folders it had to create if the run fails."""
    created: list[Path] = []
    parent = target.absolute().parent
    while not parent.exists():
        created.append(parent)
        parent = parent.parent
    try:
        with atomic_dir(target) as tmp:
            yield tmp
    except BaseException:
        for folder in created:  # deepest first
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def _check_output(output: Path, input_path: Path, overwrite: bool) -> None:
    if output.exists() and not overwrite:
        raise FramingInputError(
            "the output folder already exists",
            file=output,
            fix="choose a new output= or add overwrite=true",
        )
    if output.exists() and not output.is_dir():
        raise FramingInputError("the output exists and is not a folder", file=output)
    if output.resolve() == input_path.resolve():
        raise FramingInputError("output= must differ from input=", file=output)


# ---------------------------------------------------------------------------- the stream
def _article_stream(cfg, skipped: list[dict]):
    """Articles one at a time (outlet filled in from the table); errors surface on the first."""
    from framing.corpus import iter_articles, read_outlets

    table = read_outlets(resolve_path(cfg.outlets)) if cfg.outlets else {}
    input_path = resolve_path(str(cfg.input))

    def on_bad_file(path: Path, err: FramingInputError) -> None:
        skipped.append({"file": str(path), "reason": err.message, "line": err.line})
        print(f"warning: skipped {err}", file=sys.stderr)

    for article in iter_articles(input_path, on_bad_file=on_bad_file):
        if article.outlet in ("", "unknown") and article.article_id in table:
            article.outlet = table[article.article_id].get("outlet") or "unknown"
        yield article


def _write_predictions(chunk: list, checkpoints: list[Checkpoint], writer) -> dict[str, np.ndarray]:
    """Classify one batch of sentences, append its rows; return each task's 0/1 decisions."""
    from framing.models import decide

    texts = [s.text for s in chunk]
    decisions: dict[str, np.ndarray] = {}
    columns: list[list[str]] = [[] for _ in chunk]
    for ck in checkpoints:
        proba = np.asarray(ck.model.predict_proba(texts), dtype=float)
        if proba.shape != (len(texts), len(ck.labels)) or not np.isfinite(proba).all():
            raise RuntimeError(f"{ck.path}: predict_proba returned bad values {proba.shape}")
        pred = decide(proba, ck.multi_label, ck.model.thresholds_)
        decisions[ck.task] = pred
        for row, p_row, d_row in zip(columns, proba, pred, strict=True):
            for p, d in zip(p_row, d_row, strict=True):
                row += [f"{p:.6f}", str(int(d))]
    for s, extra in zip(chunk, columns, strict=True):
        writer.writerow([s.sentence_id, s.article_id, s.outlet, s.position, s.text, *extra])
    forget_embeddings()
    return decisions


def forget_embeddings() -> None:
    """Empty the encoders' in-process embedding store after each batch: it keeps every text
    it has embedded, which over a whole corpus would make memory grow with the corpus.
    (Checked via sys.modules so a TF-IDF run never imports the encoder code.)"""
    encoders = sys.modules.get("framing.encoders")
    if encoders is not None:
        encoders.forget_embeddings()


def stream_predictions(articles, checkpoints: list[Checkpoint], rules, out: Path, cfg) -> dict:
    """Read, split, classify and count, batch by batch; returns the counts for the report."""
    from tqdm import tqdm

    from framing.corpus import article_sentences

    share_header = [c for ck in checkpoints for c in ck.share_columns]
    open_articles: dict[int, Tally] = {}  # articles with sentences still waiting in the buffer
    outlets: dict[str, Tally] = {}
    buffer: list[tuple[int, Any]] = []  # (article index, Sentence)
    stats = {
        "n_articles": 0,
        "n_sentences": 0,
        "classify_s": 0.0,
        "n_without_sentences": 0,
        "without_sentences": [],  # the first 1000 only: the list must not grow with the corpus
    }

    with (
        (out / "predictions.csv").open("w", encoding="utf-8", newline="") as pred_fh,
        (out / "article_mix.csv").open("w", encoding="utf-8", newline="") as art_fh,
        tqdm(unit=" sentences", desc="predict", disable=None if cfg.progress else True) as bar,
    ):
        pred_writer = csv.writer(pred_fh)
        pred_writer.writerow(
            ["sentence_id", "article_id", "outlet", "position", "text"]
            + [c for ck in checkpoints for c in ck.columns]
        )
        art_writer = csv.writer(art_fh)
        art_writer.writerow(["article_id", "outlet", "n_sentences", *share_header])

        def classify(chunk: list[tuple[int, Any]]) -> None:
            start = time.perf_counter()
            decisions = _write_predictions([s for _, s in chunk], checkpoints, pred_writer)
            stats["classify_s"] += time.perf_counter() - start
            # Group the batch's rows by article and by outlet: one numpy sum per group.
            by_article: dict[int, list[int]] = {}
            by_outlet: dict[str, list[int]] = {}
            for i, (index, s) in enumerate(chunk):
                by_article.setdefault(index, []).append(i)
                by_outlet.setdefault(s.outlet, []).append(i)
            for groups, tallies in ((by_article, open_articles), (by_outlet, outlets)):
                for key, rows in groups.items():
                    for task, dec in decisions.items():
                        tallies[key].add(task, dec[rows])
            for outlet, rows in by_outlet.items():
                outlets[outlet].n_sentences += len(rows)
            for index, _ in chunk:
                tally = open_articles[index]
                tally.remaining -= 1
                if tally.remaining == 0:  # the article is complete: write its row, forget it
                    art_writer.writerow(
                        [tally.key, tally.outlet, tally.n_sentences, *tally.shares(checkpoints)]
                    )
                    del open_articles[index]
            stats["n_sentences"] += len(chunk)
            bar.update(len(chunk))

        for index, article in enumerate(articles):
            sentences, _ = article_sentences(article, rules)
            stats["n_articles"] += 1
            outlet = outlets.setdefault(article.outlet, Tally(article.outlet, article.outlet))
            outlet.n_articles += 1
            if not sentences:
                stats["n_without_sentences"] += 1
                if len(stats["without_sentences"]) < 1000:
                    stats["without_sentences"].append(article.source or article.article_id)
                continue
            open_articles[index] = Tally(
                article.article_id,
                article.outlet,
                remaining=len(sentences),
                n_sentences=len(sentences),
            )
            buffer += [(index, s) for s in sentences]
            while len(buffer) >= cfg.batch_size:
                chunk, buffer = buffer[: cfg.batch_size], buffer[cfg.batch_size :]
                classify(chunk)
        if buffer:
            classify(buffer)
    assert not open_articles, "every article row was written"
    stats["outlets"] = outlets
    return stats


def write_outlet_mix(
    outlets: dict[str, Tally], checkpoints: list[Checkpoint], path: Path
) -> list[dict]:
    header = [
        "outlet",
        "n_articles",
        "n_sentences",
        *[c for ck in checkpoints for c in ck.share_columns],
    ]
    rows = []
    for name in sorted(outlets):
        tally = outlets[name]
        if tally.n_sentences == 0:
            continue
        rows.append(
            dict(
                zip(
                    header,
                    [name, tally.n_articles, tally.n_sentences, *tally.shares(checkpoints)],
                    strict=True,
                )
            )
        )
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return rows


# ---------------------------------------------------------------------------- figure
def plot_outlet_mix(rows: list[dict], checkpoints: list[Checkpoint], stem: Path) -> None:
    """Horizontal bars of the outlet mix, one panel per task, 3.5 in wide (one paper column).

    Frames: one bar per frame (and 'no frame') per outlet, share of the outlet's sentences.
    Stance: one stacked bar per outlet (shares sum to 1).
    """
    import textwrap

    from matplotlib.figure import Figure

    rows = sorted(rows, key=lambda r: -int(r["n_sentences"]))[:MAX_OUTLETS_IN_FIGURE]
    rows = sorted(rows, key=lambda r: r["outlet"], reverse=True)  # A at the top
    names = [textwrap.fill(f"{r['outlet']} (n={r['n_sentences']})", 24) for r in rows]
    heights = [
        0.6 + len(rows) * (0.09 * (len(ck.labels) + 1) + 0.08 if ck.multi_label else 0.25)
        for ck in checkpoints
    ]
    fig = Figure(figsize=(3.5, sum(heights) + 0.2), layout="constrained")
    axes = fig.subplots(len(checkpoints), 1, squeeze=False, height_ratios=heights)[:, 0]
    y = np.arange(len(rows))
    with_font = {"fontsize": 7}
    for ax, ck in zip(axes, checkpoints, strict=True):
        series = [(label, f"share:{label}") for label in ck.labels]
        palette = STANCE_COLOURS if not ck.multi_label and len(series) == 3 else OKABE_ITO
        colours = [palette[i % len(palette)] for i in range(len(series))]
        if ck.multi_label:
            series.append(("no frame", f"share:{NO_FRAME}"))
            colours.append(NO_FRAME_COLOUR)
            width = 0.8 / len(series)
            for j, ((label, col), colour) in enumerate(zip(series, colours, strict=True)):
                values = [float(r[col]) for r in rows]
                offset = (len(series) - 1 - j - (len(series) - 1) / 2) * width
                ax.barh(
                    y + offset, values, height=width, color=colour, label=label.replace("_", " ")
                )
            ax.set_xlabel("share of the outlet's sentences with the frame", **with_font)
        else:
            left = np.zeros(len(rows))
            for (label, col), colour in zip(series, colours, strict=True):
                values = np.array([float(r[col]) for r in rows])
                ax.barh(
                    y, values, left=left, height=0.6, color=colour, label=label.replace("_", " ")
                )
                left += values
            ax.set_xlabel("share of the outlet's sentences", **with_font)
        ax.set_xlim(0, 1)
        ax.set_yticks(y, names, **with_font)
        ax.tick_params(axis="x", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(
            title=ck.task,
            title_fontsize=7,
            fontsize=6,
            frameon=False,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=3,
        )
    fig.savefig(stem.with_suffix(".pdf"))
    fig.savefig(stem.with_suffix(".png"), dpi=300)


# ---------------------------------------------------------------------------- entry point
def run(cfg) -> dict:
    from framing.corpus import CorpusRules

    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    output = Path(str(cfg.output))
    input_path = resolve_path(str(cfg.input))
    _check_output(output, input_path, bool(cfg.overwrite))
    checkpoints = load_checkpoints(cfg.checkpoint)
    rules = CorpusRules.load(cfg.corpus)
    load_s = time.perf_counter() - started

    skipped: list[dict] = []
    articles = _article_stream(cfg, skipped)
    # Read the first article before creating anything: an empty or unreadable input fails here.
    first = next(articles, None)
    if first is None:
        reason = f"; {len(skipped)} file(s) skipped, e.g. {skipped[0]['file']}" if skipped else ""
        raise FramingInputError("holds no readable articles" + reason, file=input_path)

    def all_articles():
        yield first
        yield from articles

    with atomic_output(output) as tmp:
        stream_start = time.perf_counter()
        stats = stream_predictions(all_articles(), checkpoints, rules, tmp, cfg)
        stream_s = time.perf_counter() - stream_start
        if stats["n_sentences"] == 0:
            raise FramingInputError(
                "no sentences left after cleaning the articles", file=input_path
            )
        rows = write_outlet_mix(stats["outlets"], checkpoints, tmp / "outlet_mix.csv")
        if cfg.figure:
            plot_outlet_mix(rows, checkpoints, tmp / "framing_mix")
        report = {
            "input": str(input_path),
            "output": str(output),
            "started_at": started_at,
            "n_articles": stats["n_articles"],
            "n_sentences": stats["n_sentences"],
            "n_outlets": len(rows),
            "skipped": skipped,
            "n_articles_without_sentences": stats["n_without_sentences"],
            "articles_without_sentences": stats["without_sentences"],
            "checkpoints": [
                {
                    "path": str(ck.path),
                    "task": ck.task,
                    "family": ck.model.checkpoint_info["family"],
                    "labels": ck.labels,
                    "thresholds": ck.model.checkpoint_info.get("thresholds"),
                    "cv_metric": ck.headline,
                    "data_sha256": ck.model.checkpoint_info.get("data_sha256"),
                    "created_at": ck.model.checkpoint_info.get("created_at"),
                }
                for ck in checkpoints
            ],
            "batch_size": int(cfg.batch_size),
            "corpus_rules": str(resolve_path(cfg.corpus).resolve()),
            "timing_s": {
                "load": round(load_s, 3),
                "stream": round(stream_s, 3),
                "classify": round(stats["classify_s"], 3),
                "total": round(time.perf_counter() - started, 3),
            },
            "sentences_per_s": round(stats["n_sentences"] / stream_s, 1) if stream_s > 0 else None,
        }
        (tmp / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help", "help") for a in argv):
        print(__doc__)
        print((CONFIG_DIR / f"{CONFIG_NAME}.yaml").read_text())
        return 0
    try:
        report = run(parse_config(argv))
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    skipped = f", {len(report['skipped'])} file(s) skipped" if report["skipped"] else ""
    print(
        f"{report['n_sentences']} sentences from {report['n_articles']} articles{skipped} "
        f"-> {report['output']} ({report['sentences_per_s']} sentences/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
