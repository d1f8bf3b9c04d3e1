"""Classifying a corpus chunk by chunk, in this process or in worker processes.

A *chunk* is a run of consecutive articles (about ``batch_size`` sentences' worth of text).
``classify_chunk`` cleans and splits its articles, classifies their sentences in batches of
``batch_size``, formats the rows of predictions.csv and counts each article's decisions. It
needs nothing from other chunks (what needs the whole corpus comes in ``ChunkJob.facts``), so
chunks can run anywhere and their results are concatenated and summed in corpus order.

``chunk_results`` yields the results in order: with ``workers=1`` in this process, else from
a pool of worker processes that each load the checkpoints once. At most ``2 x workers``
chunks are in flight, so memory does not grow with the corpus. The pool serves the
scikit-learn families (TF-IDF, lexicon), whose prediction is single-threaded; a torch
checkpoint already spreads each batch over every core (``FRAMING_TORCH_THREADS``).
"""

from __future__ import annotations

import io
import itertools
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from framing.corpus import article_sentences, for_classification
from framing.models.base import decide
from framing.outputs import SpreadsheetWriter, signals_held
from framing.prediction.checkpoints import Checkpoint

#: characters of article text per chunk, per sentence of ``batch_size``: a news sentence is
#: about 120-150 characters, so a chunk is about one batch
CHARS_PER_SENTENCE = 150
#: chunks per worker below which a corpus is classified in this process (no pool to start)
SMALL_CORPUS_CHUNKS = 8


@dataclass
class ArticleCounts:
    """One article's decisions, counted: what the article and outlet mixes need."""

    index: int
    article_id: str
    outlet: str
    source: str | None
    n_sentences: int
    language: str = ""  # the article's detected language (framing.corpus.language)
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # task -> per-label counts
    no_label: dict[str, int] = field(default_factory=dict)  # task -> sentences with no label


@dataclass
class ChunkResult:
    rows: str  # predictions.csv rows, CSV-formatted
    articles: list[ArticleCounts]
    n_sentences: int
    classify_s: float
    worker_peak_kb: int = 0  # the worker process's peak resident memory so far (Linux)


@dataclass
class ChunkJob:
    """What classifying a chunk needs besides its articles (sent once to each worker)."""

    checkpoints: list[Checkpoint]
    rules: Any  # framing.corpus.rules.CorpusRules
    batch_size: int
    facts: Any = None  # whole-corpus facts from a first pass, handed to every chunk
    workers_used: int = 1  # set by chunk_results: 1 when the corpus was too small for a pool


def chunks(articles: Iterable, batch_size: int) -> Iterator[list[tuple[int, Any]]]:
    """Consecutive (index, article) runs of about ``batch_size`` sentences' worth of text."""
    budget = batch_size * CHARS_PER_SENTENCE
    chunk: list[tuple[int, Any]] = []
    size = 0
    for index, article in enumerate(articles):
        chunk.append((index, article))
        size += len(article.text)
        if size >= budget:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def classify_chunk(job: ChunkJob, chunk: list[tuple[int, Any]]) -> ChunkResult:
    """Split, classify and count one chunk of articles (see the module docstring)."""
    per_article: list[tuple[ArticleCounts, list]] = []
    for index, article in chunk:
        sentences, language = split_article(article, job)
        counts = ArticleCounts(
            index, article.article_id, article.outlet, article.source, len(sentences), language
        )
        per_article.append((counts, sentences))
    sentences = [s for _, own in per_article for s in own]

    out = io.StringIO()
    writer = SpreadsheetWriter(out)  # a text or outlet that a spreadsheet would run is marked
    decisions: dict[str, list[np.ndarray]] = {ck.task: [] for ck in job.checkpoints}
    classify_s = 0.0
    for start in range(0, len(sentences), job.batch_size):
        batch = sentences[start : start + job.batch_size]
        texts = [s.text for s in batch]
        began = time.perf_counter()
        columns: list[list[str]] = [[] for _ in batch]
        for ck in job.checkpoints:
            proba = np.asarray(ck.model.predict_proba(texts), dtype=float)
            if proba.shape != (len(texts), len(ck.labels)) or not np.isfinite(proba).all():
                raise RuntimeError(f"{ck.path}: predict_proba returned bad values {proba.shape}")
            pred = decide(proba, ck.multi_label, ck.model.thresholds_)
            decisions[ck.task].append(pred)
            for row, p_row, d_row in zip(columns, proba, pred, strict=True):
                for p, d in zip(p_row, d_row, strict=True):
                    row += [f"{p:.6f}", str(int(d))]
        forget_embeddings()
        classify_s += time.perf_counter() - began
        for s, extra in zip(batch, columns, strict=True):
            writer.writerow([s.sentence_id, s.article_id, s.outlet, s.position, s.text, *extra])

    stacked = {
        task: np.concatenate(parts) if parts else np.zeros((0, 0), dtype=int)
        for task, parts in decisions.items()
    }
    start = 0
    for counts, own in per_article:
        rows = slice(start, start + len(own))
        start = rows.stop
        if not own:
            continue
        for task, dec in stacked.items():
            part = dec[rows]
            counts.counts[task] = part.sum(axis=0).astype(np.int64)
            counts.no_label[task] = int((part.sum(axis=1) == 0).sum())
    return ChunkResult(out.getvalue(), [c for c, _ in per_article], len(sentences), classify_s)


def split_article(article, job: ChunkJob) -> tuple[list, str]:
    """(the sentences classified, the article's language) under the corpus rules and the
    whole-corpus facts; units kept out of prediction (truncated tails) are dropped."""
    sentences, cleaned = article_sentences(article, job.rules, job.facts)
    return for_classification(sentences, job.rules), cleaned.language


def forget_embeddings() -> None:
    """Empty the encoders' in-process embedding store after each batch: it keeps every text
    it has embedded, which over a whole corpus would make memory grow with the corpus.
    (Checked via sys.modules so a TF-IDF run never imports the encoder code.)"""
    import sys

    encoders = sys.modules.get("framing.models.encoders")
    if encoders is not None:
        encoders.forget_embeddings()


# ---------------------------------------------------------------------------- worker pool
def available_cores() -> int:
    """Cores this process may run on (a SLURM or container limit included)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_JOB: ChunkJob | None = None  # the worker process's job, set once by _start_worker


def _start_worker(job: ChunkJob) -> None:
    global _JOB
    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    # (and stops the pool), so a worker prints no traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _JOB = job


def _classify_in_worker(chunk: list[tuple[int, Any]]) -> ChunkResult:
    assert _JOB is not None, "the worker was started without a job"
    result = classify_chunk(_JOB, chunk)
    result.worker_peak_kb = peak_memory_kb()
    return result


def peak_memory_kb() -> int:
    """This process's peak resident memory (VmHWM), 0 where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
    except (OSError, StopIteration, ValueError):
        return 0


def chunk_results(job: ChunkJob, articles: Iterable, workers: int) -> Iterator[ChunkResult]:
    """``classify_chunk`` over the corpus, results in corpus order (see the module docstring)."""
    stream = chunks(articles, job.batch_size)
    # Starting workers costs a second or two: a corpus that fits in a few chunks is done
    # here before a pool would be up.
    ahead = list(itertools.islice(stream, 0 if workers <= 1 else SMALL_CORPUS_CHUNKS * workers))
    if workers <= 1 or len(ahead) < SMALL_CORPUS_CHUNKS * workers:
        for chunk in itertools.chain(ahead, stream):
            yield classify_chunk(job, chunk)
        return
    import multiprocessing

    job.workers_used = workers
    # Not a plain fork: this process has threads (tqdm's monitor, a launcher's), and a child
    # forked while one of them holds a lock can hang (seen in a submitit job). The fork
    # server starts clean and forks the workers from there.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    # A signal while the workers are being handed their start-up data would leave them
    # reading a truncated pickle (and printing a traceback): start them first.
    with signals_held():
        pool = multiprocessing.get_context(method).Pool(workers, _start_worker, (job,))
    try:
        pending: deque = deque()
        for chunk in itertools.chain(ahead, stream):
            pending.append(pool.apply_async(_classify_in_worker, (chunk,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()  # on an error or a signal: stop the workers now
        pool.join()
