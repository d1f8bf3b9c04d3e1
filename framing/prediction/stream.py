"""Frame and stance mix of new articles with trained checkpoints (``framing predict``).

ARTICLES is read as every command reads articles (``framing.corpus.source``): a folder of
.txt / .html files (subfolders too), a .jsonl, a .csv (a ``text`` column; ``outlet`` and
``article_id`` optional) or a .parquet file. Outlet: the ``outlets=`` table (CSV keyed by
article_id), else the article's own outlet, else "unknown"; conflicts are reported. Inside a
study folder the study's cleaning rules apply (the labelled set was split with them);
elsewhere the package's, with a note (``framing.study.corpus_rules``).

The input is read twice: a first pass gathers the corpus facts (lines an outlet repeats on
its stories, article ids used twice; framing.corpus.facts) before anything is written, then
the corpus is streamed: articles are read one at a time and handed on in chunks of about
``batch_size`` sentences; each chunk is split and classified (in ``workers`` processes for the
scikit-learn families, ``framing.prediction.chunks``), its rows are staged in corpus order,
and the article / outlet mixes are running sums. At the end the duplicate groups are found
over the staged sentences and the predictions file written (``framing.prediction.rows``).
Everything is written into a temporary folder renamed to OUT_DIR at the end: a failed run
leaves nothing. In a folder a bad article is skipped and listed in report.json, as is every
file that is not an article.

OUT_DIR/
  predictions.csv   sentence_id, article_id, outlet, position, text, kind, dup_group,
                    language, syndicated, proba:L, pred:L per label (format=parquet:
                    predictions.parquet, the same columns)
  article_mix.csv   article_id, outlet, n_sentences, share:L (+ share:no_frame for frames)
  outlet_mix.csv    outlet, n_articles, n_sentences, share:L (+ share:no_frame)
  framing_mix.pdf / .png / .csv (framing.figures.prediction_mix), report.json
"""

from __future__ import annotations

import itertools
import json
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from framing import progress
from framing.corpus.language import UNDETERMINED
from framing.corpus.source import CorpusSource
from framing.errors import FramingInputError, FramingNote, FramingWarning
from framing.faults import fault_point
from framing.figures.prediction_mix import plot_prediction_mix
from framing.outputs import (
    Kind,
    SpreadsheetDictWriter,
    SpreadsheetWriter,
    check_folder_target,
    output_folder,
)
from framing.prediction.checkpoints import Checkpoint, load_checkpoints
from framing.prediction.chunks import ChunkJob, available_cores, chunk_results
from framing.prediction.options import PredictOptions
from framing.prediction.rows import ROWS, finish_predictions
from framing.prediction.tally import Tally
from framing.study.corpus_rules import choose_corpus_rules

#: what to do when output= exists
OVERWRITE_FIX = "choose a new output= or add overwrite=true"


def prediction_inputs(options: PredictOptions) -> list[Path]:
    """What a prediction reads: an output folder holding any of these is never replaced."""
    paths = [Path(c) for c in options.checkpoint if isinstance(c, Path)]  # not hf:// ones
    paths.append(options.input)
    if options.outlets is not None:
        paths.append(options.outlets)
    return paths


def output_rule(run: Prediction) -> dict:
    """How ``output_folder`` treats an existing output= (checked first in prepare_prediction)."""
    return {
        "inputs": run.inputs,
        "overwrite": run.options.overwrite,
        "overwrite_fix": OVERWRITE_FIX,
    }


def corpus_source(options: PredictOptions, rules) -> CorpusSource:
    """The input, read as every command reads articles (``framing.corpus.source``); the
    outlet table is read and checked here."""
    return CorpusSource(
        options.input,
        rules,
        options.outlets,
        keep_duplicate_ids=options.keep_duplicate_ids,
        keep_option="keep_duplicate_ids=true",
    )


def stream_predictions(
    articles,
    checkpoints: list[Checkpoint],
    rules,
    out: Path,
    *,
    batch_size: int,
    workers: int = 1,
    facts=None,
    total_articles: int | None = None,
) -> dict:
    """Read, split, classify and count, chunk by chunk; returns the counts for the report.
    ``facts``: the corpus facts of a first pass (framing.corpus.facts), for the cleaning;
    ``total_articles``: how many articles will come (the first pass counted them), for the
    progress (``framing.progress`` task "classify")."""
    share_header = [c for ck in checkpoints for c in ck.share_columns]
    outlets: dict[str, Tally] = {}
    stats = {
        "n_articles": 0,
        "n_sentences": 0,
        "classify_s": 0.0,
        "n_without_sentences": 0,
        "n_truncated": 0,
        "without_sentences": [],  # the first 1000 only: the list must not grow with the corpus
        "worker_peak_kb": 0,
        "sentences_by_language": {},
    }
    job = ChunkJob(checkpoints, rules, int(batch_size), facts)
    with (
        (out / ROWS).open("w", encoding="utf-8") as pred_fh,
        (out / "article_mix.csv").open("w", encoding="utf-8", newline="") as art_fh,
        progress.task("classify", total=total_articles, unit="articles") as classifying,
    ):
        art_writer = SpreadsheetWriter(art_fh)
        art_writer.writerow(["article_id", "outlet", "n_sentences", *share_header])
        for result in chunk_results(job, articles, workers):
            pred_fh.write(result.rows)
            for counts in result.articles:
                stats["n_articles"] += 1
                stats["n_truncated"] += counts.n_truncated
                outlet = outlets.setdefault(counts.outlet, Tally(counts.outlet, counts.outlet))
                outlet.n_articles += 1
                by_language = stats["sentences_by_language"]
                by_language[counts.language] = by_language.get(counts.language, 0) + (
                    counts.n_sentences
                )
                if counts.n_sentences == 0:
                    stats["n_without_sentences"] += 1
                    if len(stats["without_sentences"]) < 1000:
                        stats["without_sentences"].append(counts.source or counts.article_id)
                    # Its row stays in article_mix.csv (0 sentences, blank shares): no article
                    # the summary counts is missing from the mixes.
                    empty = Tally(counts.article_id, counts.outlet)
                    art_writer.writerow([empty.key, empty.outlet, 0, *empty.shares(checkpoints)])
                    continue
                article = Tally(counts.article_id, counts.outlet, n_sentences=counts.n_sentences)
                for tally in (article, outlet):
                    tally.add_counts(counts.counts, counts.no_label)
                outlet.n_sentences += counts.n_sentences
                art_writer.writerow(
                    [article.key, article.outlet, article.n_sentences, *article.shares(checkpoints)]
                )
            stats["n_sentences"] += result.n_sentences
            stats["classify_s"] += result.classify_s
            stats["worker_peak_kb"] = max(stats["worker_peak_kb"], result.worker_peak_kb)
            classifying.advance(len(result.articles), sentences=result.n_sentences)
            fault_point("predict.batch")
    stats["outlets"] = outlets
    stats["workers"] = job.workers_used
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
    for name in sorted(outlets):  # an outlet with no classifiable text keeps its row (0, blank)
        tally = outlets[name]
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
        writer = SpreadsheetDictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def prediction_workers(setting, checkpoints: list[Checkpoint]) -> int:
    """Worker processes for ``workers=auto|N``: auto is every core this process may use for
    the scikit-learn families and 1 for a torch checkpoint, which already uses every core
    for each batch (torch threads)."""
    torch_based = [ck.path for ck in checkpoints if getattr(ck.model, "uses_torch", False)]
    if setting in (None, "auto"):
        return 1 if torch_based else available_cores()
    if not isinstance(setting, int) or isinstance(setting, bool) or setting < 1:
        raise FramingInputError(
            f"must be auto or a positive whole number, got {setting!r}", field="workers"
        )
    if setting > 1 and torch_based:
        raise FramingInputError(
            f"workers={setting} is for the scikit-learn families; {torch_based[0]} runs on torch, "
            "which already uses every core (FRAMING_TORCH_THREADS) or the GPU",
            field="workers",
            fix="use workers=auto or workers=1",
        )
    return setting


@dataclass
class Prediction:
    """A prediction's settings, checked and loaded before anything is written."""

    options: PredictOptions
    output: Path
    input_path: Path
    checkpoints: list[Checkpoint]
    workers: int
    rules: Any  # framing.corpus.rules.CorpusRules
    started: float
    started_at: str
    load_s: float
    inputs: list[Path]  # checkpoints, articles, outlet table
    source: CorpusSource | None = None  # the input and its outlet table
    rules_note: str = ""  # why the package's rules apply, not a study's ("" when a study's do)


def prepare_prediction(options: PredictOptions) -> Prediction:
    """Check the output, load the checkpoints (a broken one fails here)."""
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    inputs = prediction_inputs(options)
    check_folder_target(
        options.output,
        Kind.PREDICTIONS,
        inputs=inputs,
        overwrite=options.overwrite,
        overwrite_fix=OVERWRITE_FIX,
    )
    with progress.task("load checkpoints", unit="checkpoints") as loading:
        checkpoints = load_checkpoints(options.checkpoint, options.device)
        loading.advance(len(checkpoints))
    workers = prediction_workers(options.workers, checkpoints)
    choice = choose_corpus_rules(options.study, search=False)
    source = corpus_source(options, choice.rules)
    load_s = time.perf_counter() - started
    return Prediction(
        options=options,
        output=options.output,
        input_path=options.input,
        checkpoints=checkpoints,
        workers=workers,
        rules=choice.rules,
        started=started,
        started_at=started_at,
        load_s=load_s,
        inputs=inputs,
        source=source,
        rules_note=choice.note,
    )


def first_pass(run: Prediction, skipped: list[dict] | None = None, wrap=None):
    """The corpus facts (lines an outlet repeats, article ids used twice), gathered before
    anything is written; a duplicate id stops here unless keep_duplicate_ids=true. Returns
    (facts, the renamed ids, one line each). It reads and hashes lines but neither splits nor
    classifies, so it costs a fraction of the second pass. ``wrap`` sees every article read
    (sharding records sizes and a hash of the corpus there). What the reading found (files
    skipped, outlet conflicts, ...) is warned about (``FramingWarning``, a command prints
    each as a line) and kept in ``run.source``."""
    if run.rules_note:
        warnings.warn(run.rules_note, FramingNote, stacklevel=2)

    def read(articles):  # each article read is a step of the "read" progress task
        counted = progress.counted(articles, "read", unit="articles")
        return wrap(counted) if wrap else counted

    facts = run.source.first_pass(read)
    for line in run.source.notices():
        warnings.warn(line, FramingWarning, stacklevel=2)
    if skipped is not None:
        skipped.extend(run.source.skipped)
    return facts, run.source.renamed


def second_pass(run: Prediction, facts) -> Iterator:
    """The articles again, with the ids a first pass renamed made unique."""
    if run.source.facts is None:
        run.source.facts = facts  # a shard: the facts come from the plan
    return run.source.articles()


def language_report(
    sentences_by_language: dict[str, int], rules, warning_share: float = 0.05
) -> dict:
    """The share of classified sentences whose article is in another language than the
    study's (undetermined ones, too short to tell, are not counted as another language)."""
    total = sum(sentences_by_language.values())
    other = sum(
        n
        for lang, n in sentences_by_language.items()
        if lang not in (*rules.languages, UNDETERMINED)
    )
    share = other / total if total else 0.0
    return {
        "study_languages": list(rules.languages),
        "sentences_by_language": dict(sorted(sentences_by_language.items(), key=lambda kv: -kv[1])),
        "other_language_share": round(share, 4),
        "warning_share": float(warning_share),
        "warning": share > float(warning_share),
    }


def first_article_or_fail(articles: Iterator, skipped: list[dict], input_path: Path) -> Iterator:
    """The article stream, after reading its first article: an empty or unreadable input
    fails here, before anything is created."""
    first = next(articles, None)
    if first is None:
        reason = f"; {len(skipped)} file(s) skipped, e.g. {skipped[0]['file']}" if skipped else ""
        raise FramingInputError("holds no readable articles" + reason, file=input_path)
    return itertools.chain([first], articles)


def predict_corpus(options: PredictOptions) -> dict:
    """Classify every sentence of ``options.input`` with ``options.checkpoint`` and write the
    output folder (see the module docstring); returns the report."""
    run = prepare_prediction(options)
    skipped: list[dict] = []
    facts, renamed = first_pass(run, skipped)
    articles = first_article_or_fail(second_pass(run, facts), skipped, run.input_path)
    fault_point("predict.start")
    with output_folder(run.output, Kind.PREDICTIONS, **output_rule(run)) as tmp:
        stream_start = time.perf_counter()
        stats = stream_predictions(
            articles,
            run.checkpoints,
            run.rules,
            tmp,
            batch_size=options.batch_size,
            workers=run.workers,
            facts=facts,
            total_articles=facts.n_articles,
        )
        stats["stream_s"] = time.perf_counter() - stream_start
        return write_summary(run, stats, skipped, tmp, renamed_article_ids=renamed)


def write_summary(run: Prediction, stats: dict, skipped: list[dict], tmp: Path, **extra) -> dict:
    """outlet_mix.csv, the figure and report.json of a finished stream (or merged shards)."""
    options, checkpoints = run.options, run.checkpoints
    if stats["n_sentences"] == 0:
        raise FramingInputError(
            "no sentences left after cleaning the articles", file=run.input_path
        )
    value_columns = [c for ck in checkpoints for c in ck.columns]
    predictions = finish_predictions(
        tmp, value_columns, options.format, run.rules, options.duplicate_groups
    )
    rows = write_outlet_mix(stats["outlets"], checkpoints, tmp / "outlet_mix.csv")
    if options.figure:
        panels = [(ck.task, ck.labels, ck.multi_label) for ck in checkpoints]
        drawn = [r for r in rows if int(r["n_sentences"]) > 0]  # no shares to draw otherwise
        plot_prediction_mix(drawn, panels, tmp / "framing_mix")
    stream_s = stats["stream_s"]
    report = {
        "input": str(run.input_path),
        "output": str(run.output),
        "predictions": predictions.name,
        "duplicate_groups": options.duplicate_groups,
        "started_at": run.started_at,
        "n_articles": stats["n_articles"],
        "n_sentences": stats["n_sentences"],
        "n_outlets": len(rows),
        "skipped": skipped,
        "outlets": run.source.outlets.to_dict() if run.source is not None else None,
        "n_truncated_left_out": stats.get("n_truncated", 0),
        "n_articles_without_sentences": stats["n_without_sentences"],
        "articles_without_sentences": stats["without_sentences"],
        "checkpoints": [
            {
                "path": str(ck.path),
                "task": ck.task,
                "family": ck.info["family"],
                "labels": ck.labels,
                "thresholds": ck.info.get("thresholds"),
                "cv_metric": ck.headline,
                "data_sha256": ck.info.get("data_sha256"),
                "created_at": ck.info.get("created_at"),
            }
            for ck in checkpoints
        ],
        "batch_size": options.batch_size,
        "workers": stats.get("workers", run.workers),  # 1 if the corpus was too small for more
        "worker_peak_rss_mb": round(stats.get("worker_peak_kb", 0) / 1024, 1) or None,
        "corpus_rules": run.rules.source,
        "corpus_rules_note": run.rules_note or None,
        "language": language_report(
            stats["sentences_by_language"], run.rules, options.language_warning_share
        ),
        "timing_s": {
            "load": round(run.load_s, 3),
            "stream": round(stream_s, 3),
            "classify": round(stats["classify_s"], 3),
            "total": round(time.perf_counter() - run.started, 3),
        },
        "sentences_per_s": round(stats["n_sentences"] / stream_s, 1) if stream_s > 0 else None,
        **extra,
    }
    (tmp / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report
