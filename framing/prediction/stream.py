"""Frame and stance mix of new articles with trained checkpoints (``framing predict``).

ARTICLES is a folder of .txt files, a .jsonl or a .csv (a ``text`` column; ``outlet`` and
``article_id`` optional). Outlet: the article's own ``outlet`` field, else the ``outlets=``
table (CSV keyed by article_id), else "unknown". Inside a study folder the study's cleaning
rules apply (the labelled set was split with them); elsewhere the package's.

The corpus is streamed: articles are read one at a time, sentences are classified in batches of
``batch_size`` and appended to predictions.csv, and the article / outlet mixes are running sums,
so memory stays bounded whatever the corpus size. Everything is written into a temporary folder
renamed to OUT_DIR at the end: a failed run leaves nothing. In a folder of .txt files a bad
article is skipped and listed in report.json.

OUT_DIR/
  predictions.csv   sentence_id, article_id, outlet, position, text, proba:L, pred:L per label
  article_mix.csv   article_id, outlet, n_sentences, share:L (+ share:no_frame for frames)
  outlet_mix.csv    outlet, n_articles, n_sentences, share:L (+ share:no_frame)
  framing_mix.pdf / .png / .csv (framing.figures.prediction_mix), report.json
"""

from __future__ import annotations

import csv
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from framing.errors import FramingInputError
from framing.faults import fault_point
from framing.outputs import output_folder
from framing.prediction.checkpoints import Checkpoint, load_checkpoints
from framing.prediction.tally import Tally
from framing.study import resolve_path


def _check_output(output: Path, overwrite: bool) -> None:
    """An existing output folder is replaced only with overwrite=true, and only when framing
    wrote everything in it (``framing.outputs``): never the input's or a checkpoint's folder."""
    from framing.outputs import check_replaceable

    if output.exists() and not overwrite:
        raise FramingInputError(
            "the output folder already exists",
            file=output,
            fix="choose a new output= or add overwrite=true",
        )
    check_replaceable(output)


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
    encoders = sys.modules.get("framing.models.encoders")
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
            fault_point("predict.batch")

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


def check_predict_config(cfg) -> None:
    from framing.study.config import check_required

    check_required(cfg, ("checkpoint", "input", "output", "batch_size"))
    if cfg.checkpoint in ("", []):
        raise FramingInputError("missing checkpoint=...", field="checkpoint")
    if not isinstance(cfg.batch_size, int) or cfg.batch_size < 1:
        raise FramingInputError(
            f"batch_size must be a positive integer, got {cfg.batch_size!r}", field="batch_size"
        )


def corpus_rules(cfg):
    """The study's cleaning rules when run inside a study (the labelled set was split with
    them), else the package defaults."""
    from framing.corpus.rules import CorpusRules
    from framing.study import study_from_config

    study_cfg = cfg.get("study")
    if study_cfg is not None and study_cfg.get("name"):
        return study_from_config(study_cfg).corpus_rules()
    return CorpusRules.with_overrides({})


def predict_corpus(cfg) -> dict:
    """Classify every sentence of ``cfg.input`` with ``cfg.checkpoint`` and write OUT_DIR
    (see the package docstring); returns the report."""
    check_predict_config(cfg)
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    output = Path(str(cfg.output))
    input_path = resolve_path(str(cfg.input))
    _check_output(output, bool(cfg.overwrite))
    checkpoints = load_checkpoints(cfg.checkpoint)
    rules = corpus_rules(cfg)
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

    fault_point("predict.start")
    with output_folder(output) as tmp:
        stream_start = time.perf_counter()
        stats = stream_predictions(all_articles(), checkpoints, rules, tmp, cfg)
        stream_s = time.perf_counter() - stream_start
        if stats["n_sentences"] == 0:
            raise FramingInputError(
                "no sentences left after cleaning the articles", file=input_path
            )
        rows = write_outlet_mix(stats["outlets"], checkpoints, tmp / "outlet_mix.csv")
        if cfg.figure:
            from framing.figures.prediction_mix import plot_prediction_mix

            panels = [(ck.task, ck.labels, ck.multi_label) for ck in checkpoints]
            plot_prediction_mix(rows, panels, tmp / "framing_mix")
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
            "corpus_rules": rules.source,
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
