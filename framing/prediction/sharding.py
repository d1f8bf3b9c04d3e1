"""Sharded prediction: one corpus split into shards that run as separate jobs and merge
exactly (``framing predict … shards=N hydra/launcher=submitit_local|slurm``).

1. **First pass** (the launching process): read the whole corpus once; record what needs the
   whole corpus — the articles' order and sizes, the files skipped, the corpus facts of the
   cleaning (lines an outlet repeats, article ids used twice: ``framing.corpus.facts``) —
   and cut it into ``shards`` contiguous runs of articles of about equal text size. The plan
   (``plan.json``) is handed to every shard.
2. **Shards** run as the jobs of a Hydra multirun over ``shard=…``, so any Hydra launcher
   runs them: ``submitit_local`` (separate processes on this machine), ``slurm`` (a SLURM
   array via submitit), or Hydra's default (one after another in this process). Each shard
   classifies its articles exactly as a single process would (``chunks.classify_chunk``)
   and writes its staged prediction rows, ``article_mix.csv`` and its outlet counts into its own
   folder of the workspace, atomically.
3. **Merge**: predictions and article rows are concatenated in shard order, outlet counts
   summed; the mixes, figure and report are written as by a single process, so the output
   files are identical.

The workspace, ``.OUT.shards/`` beside the output folder, outlives a failed run: a shard that
failed or was pre-empted is retried alone (``shard_retries``), and rerunning the same command
reruns only the shards without a finished folder. It is removed once the merge is written;
a different corpus or configuration starts a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import shutil
import socket
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from framing.corpus.facts import CorpusFacts
from framing.errors import FramingInputError, FramingWarning
from framing.faults import fault_point
from framing.outputs import Kind, check_folder_target, output_folder, record_entries
from framing.outputs.markers import Entry
from framing.prediction.options import PredictOptions
from framing.prediction.rows import ROWS
from framing.prediction.stream import (
    Prediction,
    first_article_or_fail,
    output_rule,
    prepare_prediction,
    second_pass,
    stream_predictions,
    write_summary,
)
from framing.prediction.stream import first_pass as corpus_first_pass
from framing.prediction.tally import Tally

log = logging.getLogger(__name__)

PLAN = "plan.json"
TALLIES = "tallies.json"
#: what each shard writes and the merge concatenates (the staged rows have no header)
FILES = (ROWS, "article_mix.csv")


@dataclass
class ShardPlan:
    """What the first pass learnt about the whole corpus, handed to every shard."""

    key: str  # the corpus and settings the plan was made for
    n_articles: int
    ranges: list[tuple[int, int]]  # [start, stop) article indices of each shard
    skipped: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # framing.corpus.facts.CorpusFacts.to_dict()
    renamed: list[str] = field(default_factory=list)  # ids made unique (keep_duplicate_ids)

    @property
    def corpus_facts(self):
        return CorpusFacts.from_dict(self.facts)

    def save(self, folder: Path) -> None:
        (folder / PLAN).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> ShardPlan:
        record = json.loads((folder / PLAN).read_text(encoding="utf-8"))
        record["ranges"] = [tuple(r) for r in record["ranges"]]
        return cls(**record)


def workspace_for(output: Path) -> Path:
    return output.absolute().parent / f".{output.name}.shards"


def shard_folder(workspace: Path, shard: int) -> Path:
    return workspace / f"shard-{shard:04d}"


def settings_key(options: PredictOptions) -> hashlib._Hash:
    """A hash of the settings that change a shard's output (not of where it is written)."""
    settings = options.settings()
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())


def first_pass(run: Prediction, shards: int) -> ShardPlan:
    """Read the whole corpus once (see the module docstring): the stream's first pass
    (corpus facts, duplicate ids checked) while recording sizes and a hash of the corpus."""
    digest = settings_key(run.options)
    sizes: list[int] = []
    skipped: list[dict] = []

    def recorded(articles):
        for article in articles:
            for part in (article.article_id, article.outlet, article.text):
                digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
            sizes.append(len(article.text))
            yield article

    facts, renamed = corpus_first_pass(run, skipped, wrap=recorded)
    if not sizes:
        first_article_or_fail(iter(()), skipped, run.input_path)
    return ShardPlan(
        digest.hexdigest(),
        len(sizes),
        balanced_ranges(sizes, shards),
        skipped,
        facts.to_dict(),
        renamed,
    )


def balanced_ranges(sizes: list[int], shards: int) -> list[tuple[int, int]]:
    """Contiguous runs of articles of about equal total size; never an empty shard."""
    shards = max(1, min(shards, len(sizes)))
    total = sum(sizes) or 1
    bounds, running, start = [], 0, 0
    for index, size in enumerate(sizes):
        running += size
        done = len(bounds)
        remaining_articles = len(sizes) - index - 1
        if (
            done < shards - 1
            and running >= total * (done + 1) / shards
            and remaining_articles >= shards - 1 - done
        ):
            bounds.append((start, index + 1))
            start = index + 1
    bounds.append((start, len(sizes)))
    return bounds


def finished(workspace: Path, shard: int) -> bool:
    return (shard_folder(workspace, shard) / TALLIES).is_file()


# ---------------------------------------------------------------------------- one shard
def predict_shard(options: PredictOptions, shard: int) -> dict:
    """Classify shard number ``shard`` of the plan in the workspace (a job of the multirun)."""
    run = prepare_shard(options)
    workspace = workspace_for(run.output)
    plan = ShardPlan.load(workspace)
    start, stop = plan.ranges[shard]
    facts = plan.corpus_facts
    articles = itertools.islice(second_pass(run, facts), start, stop)
    fault_point(f"predict.shard{shard}")
    began = time.perf_counter()
    with output_folder(shard_folder(workspace, shard), Kind.PREDICTION_SHARDS) as tmp:
        stats = stream_predictions(
            articles,
            run.checkpoints,
            run.rules,
            tmp,
            batch_size=options.batch_size,
            workers=run.workers,
            facts=facts,
            total_articles=stop - start,
        )
        if stats["n_articles"] != stop - start:
            raise RuntimeError(
                f"shard {shard}: read {stats['n_articles']} articles, the plan says {stop - start}"
                " (did the input change since the first pass?)"
            )
        stats["stream_s"] = time.perf_counter() - began
        stats["outlets"] = {name: t.to_dict() for name, t in stats["outlets"].items()}
        stats["ran_on"] = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "articles": [start, stop],
        }
        (tmp / TALLIES).write_text(json.dumps(stats) + "\n", encoding="utf-8")
    return stats


def prepare_shard(options: PredictOptions) -> Prediction:
    """A shard writes into the workspace, not into the output folder: its check is skipped."""
    return prepare_prediction(replace(options, overwrite=True))


# ---------------------------------------------------------------------------- the whole run
def predict_sharded(
    options: PredictOptions,
    launch: Callable[[list[int]], None],
    progress: Callable[[str], None] = log.info,
) -> dict:
    """First pass, shards (``launch(shard numbers)`` runs them as jobs), retries, merge;
    ``progress`` gets a line when finished shards are reused (``framing predict`` prints it),
    and a shard rerun alone is a ``FramingWarning``."""
    run = prepare_prediction(options)
    shards = options.shards
    workspace = workspace_for(run.output)
    plan = first_pass(run, shards)
    stale = workspace.exists() and (
        not (workspace / PLAN).is_file() or ShardPlan.load(workspace).key != plan.key
    )
    if stale:  # made for another corpus or other settings: start again
        check_folder_target(workspace, Kind.PREDICTION_SHARDS, what="shard workspace")
        shutil.rmtree(workspace)
    if not workspace.exists():
        workspace.mkdir(parents=True)
        plan.save(workspace)
        shard_names = [shard_folder(workspace, k).name for k in range(len(plan.ranges))]
        part = Entry(Kind.PREDICTION_SHARDS, Kind.PREDICTION_SHARDS.command)
        names = [PLAN, "jobs", *shard_names]
        record_entries(workspace, dict.fromkeys(names, part), Kind.PREDICTION_SHARDS)
    todo = [k for k in range(len(plan.ranges)) if not finished(workspace, k)]
    reused = len(plan.ranges) - len(todo)
    if reused:
        progress(f"{reused} shard(s) finished earlier are reused from {workspace}")
    began = time.perf_counter()
    for attempt in range(options.shard_retries + 1):
        if not todo:
            break
        if attempt:
            warnings.warn(f"rerunning shard(s) {todo} alone", FramingWarning, stacklevel=2)
        with contextlib.suppress(SystemExit):  # Hydra reports a failed job, then exits
            launch(todo)  # which shards finished is read from their folders
        todo = [k for k in todo if not finished(workspace, k)]
    if todo:
        raise FramingInputError(
            f"shard(s) {todo} of {len(plan.ranges)} did not finish (see the messages above)",
            file=workspace,
            fix="rerun the same command: only the unfinished shards run again",
        )
    report = merge_shards(run, plan, workspace, time.perf_counter() - began)
    shutil.rmtree(workspace)
    return report


def merge_shards(run: Prediction, plan: ShardPlan, workspace: Path, wall_s: float) -> dict:
    """Concatenate the shards' rows and sum their counts into the output folder; the
    throughput reported is over the wall time of the shards (``wall_s``)."""
    stats = {
        "n_articles": 0,
        "n_sentences": 0,
        "classify_s": 0.0,
        "stream_s": wall_s,
        "n_without_sentences": 0,
        "n_truncated": 0,
        "without_sentences": [],
        "sentences_by_language": {},
    }
    outlets: dict[str, Tally] = {}
    ran_on = []
    with output_folder(run.output, Kind.PREDICTIONS, **output_rule(run)) as tmp:
        for name in FILES:
            with (tmp / name).open("wb") as out:
                for k in range(len(plan.ranges)):
                    with (shard_folder(workspace, k) / name).open("rb") as part:
                        if name != ROWS:
                            header = part.readline()
                            if k == 0:
                                out.write(header)
                        shutil.copyfileobj(part, out)
        for k in range(len(plan.ranges)):
            shard = json.loads((shard_folder(workspace, k) / TALLIES).read_text(encoding="utf-8"))
            for key in ("n_articles", "n_sentences", "classify_s"):
                stats[key] += shard[key]
            stats["n_without_sentences"] += shard["n_without_sentences"]
            stats["n_truncated"] += shard.get("n_truncated", 0)
            stats["without_sentences"] += shard["without_sentences"]
            for language, n in shard["sentences_by_language"].items():
                by_language = stats["sentences_by_language"]
                by_language[language] = by_language.get(language, 0) + n
            ran_on.append({"shard": k, "n_sentences": shard["n_sentences"], **shard["ran_on"]})
            for name, record in shard["outlets"].items():
                outlets.setdefault(name, Tally(name, name)).merge(Tally.from_dict(record))
        stats["without_sentences"] = stats["without_sentences"][:1000]
        stats["outlets"] = outlets
        return write_summary(
            run,
            stats,
            plan.skipped,
            tmp,
            shards=ran_on,
            renamed_article_ids=plan.renamed,
        )
