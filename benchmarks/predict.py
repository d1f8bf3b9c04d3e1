"""Throughput and peak memory of ``framing predict`` on a large synthetic corpus.

    python -m benchmarks.predict --sentences 100000
    python -m benchmarks.predict --sentences 20000 --families tfidf_lr
    python -m benchmarks.predict --checkpoint tfidf_lr=results/runs/x/checkpoint
    python -m benchmarks.predict --sentences 1000000 --families tfidf_lr --workers 1 2 \
        --out results/benchmarks/predict_tfidf_1m.json
    python -m benchmarks.predict --sentences 100000 --families embedding_lr --raw-encoder \
        --no-quarter --out results/benchmarks/predict_minilm_100k.json

Run from the root of the repository (the seed study provides the sentences and labels).

The corpus is a JSONL of articles made by recombining the cleaned seed sentences (12-30 per
article, in paragraphs of 1-3, eight made-up outlets), each with two words swapped for random
seed words so that sentences are distinct (no embedding is reused), written to a temporary
folder; its
sentence count is the count after the corpus layer re-cleans and re-splits it, at least
``--sentences``. Each family's checkpoint is taken from ``--checkpoint`` or trained on the
frames task on the hand-coded set seeds/sentences.jsonl.

Each prediction runs in a child process; its peak resident memory is the child's own
``ru_maxrss`` (``os.wait4``), and with ``workers=N`` the largest peak of its worker processes
(``worker_peak_rss_mb`` of report.json) is recorded too: the total is at most main + N x that.
Every family is run at the full size and at a quarter of it (``--no-quarter``: full size
only): if prediction streams, peak memory barely changes between the two. ``--workers 1 2``
runs each prediction with one and with two worker processes, side by side in the same run.
``--raw-encoder`` also times the bare sentence-transformers encoder on the same sentences
(the corpus's sentences after splitting, same batch size), so MiniLM + LR prediction is
reported as a ratio to it.
Results go to stdout (Markdown) and ``--out`` (default ``results/benchmarks/predict.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks._machine import REPO_ROOT, machine_info
from framing.errors import FramingInputError
from framing.outputs import Kind, write_text

DEFAULT_FAMILIES = ("tfidf_lr", "embedding_lr")
DEFAULT_OUT = "results/benchmarks/predict.json"
OUTLETS = [f"synthetic_outlet_{i}" for i in range(8)]
CODED_SET = "seeds/sentences.jsonl"


# ---------------------------------------------------------------------------- corpus
def seed_pool() -> list[str]:
    """Body sentences of the seed articles, one per distinct normalised text (so recombining
    them never trips the repeated-sentence rule and the split count stays predictable)."""
    from framing.coding.gold import study_sentences
    from framing.study import load_study

    study = load_study(REPO_ROOT)
    rules = study.corpus_rules()
    pool, seen = [], set()
    for s in study_sentences(study)[0]:
        key = rules.normalise(s.text)
        if s.kind == "sentence" and key not in seen:
            seen.add(key)
            pool.append(s.text)
    return pool


def perturb(sentence: str, vocabulary: list[str], rng: random.Random, swaps: int = 2) -> str:
    """Replace up to ``swaps`` lowercase words with random seed words: every sentence of the
    corpus becomes distinct (an encoder cannot reuse an embedding) yet keeps its length,
    punctuation and so its sentence split."""
    tokens = sentence.split(" ")
    slots = [i for i in range(1, len(tokens)) if tokens[i].isalpha() and tokens[i].islower()]
    for i in rng.sample(slots, min(swaps, len(slots))):
        tokens[i] = rng.choice(vocabulary)
    return " ".join(tokens)


def write_synthetic_corpus(path: Path, n_sentences: int, seed: int = 0) -> dict:
    """Write articles until the corpus layer counts at least ``n_sentences`` sentences."""
    from framing.corpus import Article, article_sentences
    from framing.study import load_study

    rules = load_study(REPO_ROOT).corpus_rules()
    pool = seed_pool()
    vocabulary = sorted({w for t in pool for w in t.split() if w.isalpha() and w.islower()})
    rng = random.Random(seed)
    total = n_articles = 0
    distinct: set[int] = set()
    with path.open("w", encoding="utf-8") as fh:
        while total < n_sentences:
            picked = [perturb(t, vocabulary, rng) for t in rng.sample(pool, rng.randint(12, 30))]
            paragraphs, i = [], 0
            while i < len(picked):
                step = rng.randint(1, 3)
                paragraphs.append(" ".join(picked[i : i + step]))
                i += step
            text = "\n\n".join(paragraphs)
            article_id = f"synthetic-{n_articles:07d}"
            sentences = article_sentences(Article(article_id, text), rules)[0]
            total += len(sentences)
            distinct.update(hash(s.text) for s in sentences)
            record = {"article_id": article_id, "outlet": rng.choice(OUTLETS), "text": text}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n_articles += 1
    return {
        "n_articles": n_articles,
        "n_sentences": total,
        "n_distinct_sentences": len(distinct),
        "bytes": path.stat().st_size,
    }


# ---------------------------------------------------------------------------- checkpoints
def training_labels_source() -> str:
    return f"coded set {CODED_SET}"


def training_set(study) -> tuple[list[str], np.ndarray, str]:
    """Frames training data: the hand-coded set (the benchmark times real checkpoints)."""
    from framing.data import load_labelled_set, task_data

    data = task_data(load_labelled_set(study=study), "frames", study.schema)
    return data.texts, data.y, training_labels_source()


def train_checkpoint(family: str, folder: Path) -> Path:
    """Train and save a frames checkpoint in a child process, so this process stays small
    (on Linux a child's ru_maxrss starts from its parent's resident size at fork)."""
    code = (
        "import sys; from benchmarks.predict import _train_in_process; "
        "_train_in_process(sys.argv[1], sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", code, family, str(folder)], env=_child_env(), check=True)
    return folder


def _train_in_process(family: str, folder: str) -> None:
    from framing.checkpoint import save_checkpoint
    from framing.models import family_class
    from framing.study import load_study

    study = load_study(REPO_ROOT)
    schema = study.schema
    texts, y, source = training_set(study)
    model = family_class(family)(labels=schema.labels("frames")).fit(texts, y)
    save_checkpoint(
        model,
        folder,
        schema=schema,
        task="frames",
        config={"purpose": "throughput benchmark", "training_labels": source},
        data_sha256=None,
        metrics=None,
    )


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


# ---------------------------------------------------------------------------- one run
# Runs framing predict exactly as the ``framing predict`` command does, then records the peak
# resident memory of this process's own address space (VmHWM, reset at exec).
_PREDICT_WRAPPER = """
import atexit, os, runpy, sys
def _record_peak():
    with open("/proc/self/status") as fh:
        peak = next(line.split()[1] for line in fh if line.startswith("VmHWM"))
    with open(os.environ["FRAMING_BENCH_PEAK_FILE"], "w") as fh:
        fh.write(peak)
atexit.register(_record_peak)
sys.argv = ["framing predict", *sys.argv[1:]]
runpy.run_module("framing.cli.predict", run_name="__main__", alter_sys=True)
"""


def run_predict(
    checkpoint: Path, corpus: Path, out: Path, batch_size: int, workers: int | None = None
) -> dict:
    """``framing predict`` in a child: wall time, and peak memory two ways."""
    args = [
        f"checkpoint={checkpoint}",
        f"input={corpus}",
        f"output={out}",
        f"batch_size={batch_size}",
        "progress=false",
        "figure=false",
        *([f"workers={workers}"] if workers is not None else []),
    ]
    env = _child_env()
    peak_file = out.with_suffix(".peak")
    env["FRAMING_BENCH_PEAK_FILE"] = str(peak_file)
    log_out, log_err = out.with_suffix(".stdout"), out.with_suffix(".stderr")
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with log_out.open("wb") as fo, log_err.open("wb") as fe:
        child = subprocess.Popen(
            [sys.executable, "-c", _PREDICT_WRAPPER, *args], env=env, stdout=fo, stderr=fe
        )
        try:
            # wait4 gives this child's own rusage (RUSAGE_CHILDREN: the max over all runs)
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:  # interrupted or terminated: do not leave the child running
            child.kill()
            child.wait()
            raise
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = log_out.read_text(), log_err.read_text()
    if child.returncode != 0:
        raise RuntimeError(f"predict failed ({child.returncode}):\n{stderr}")
    report = json.loads((out / "report.json").read_text())
    main_peak = int(peak_file.read_text().split()[0])
    return {
        "workers": report.get("workers", 1),
        "command": shlex.join(["framing", "predict", *args]),
        "n_sentences": report["n_sentences"],
        "n_articles": report["n_articles"],
        "wall_s": round(wall, 2),
        "stream_s": report["timing_s"]["stream"],
        "classify_s": report["timing_s"]["classify"],
        "sentences_per_s": report["sentences_per_s"],
        "sentences_per_s_wall": round(report["n_sentences"] / wall, 1),
        # both in KiB on Linux; ru_maxrss also covers the parent's size at fork, VmHWM does not
        "peak_rss_mb": round(main_peak / 1024, 1),
        # each worker's own peak (VmHWM), reported by prediction; none with one process
        "worker_peak_rss_mb": report.get("worker_peak_rss_mb") or 0,
        "ru_maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        # a shared machine: other processes' load makes throughput lower and noisier
        "load_average_1min": {
            "before": round(load_before, 2),
            "after": round(os.getloadavg()[0], 2),
        },
        "stdout": stdout.strip(),
    }


_RAW_ENCODER = """
import json, sys, time
from benchmarks.predict import corpus_sentences
from framing.models.encoders import DEFAULT_ENCODER, new_sentence_encoder
texts = corpus_sentences(sys.argv[1])
model = new_sentence_encoder(DEFAULT_ENCODER, "cpu")
model.encode(["Warm-up sentence."])
start = time.perf_counter()
for i in range(0, len(texts), 256):  # as prediction hands them over: 256 at a time
    model.encode(texts[i : i + 256], batch_size=32, show_progress_bar=False, convert_to_numpy=True)
seconds = time.perf_counter() - start
print(json.dumps({"n_sentences": len(texts), "encode_s": round(seconds, 2)}))
"""


def corpus_sentences(corpus: str) -> list[str]:
    """The sentence texts prediction classifies for ``corpus`` (same reader, same rules)."""
    from framing.corpus import article_sentences, iter_articles
    from framing.study import load_study

    rules = load_study(REPO_ROOT).corpus_rules()
    return [s.text for a in iter_articles(Path(corpus)) for s in article_sentences(a, rules)[0]]


def run_raw_encoder(corpus: Path) -> dict:
    """The bare sentence-transformers encoder on the corpus's sentences, in a child process
    with the same torch threads as prediction (FRAMING_TORCH_THREADS)."""
    load_before = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-c", _RAW_ENCODER, str(corpus)],
        env=_child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    record = json.loads(done.stdout.strip().splitlines()[-1])
    return record | {
        "sentences_per_s": round(record["n_sentences"] / record["encode_s"], 1),
        "load_average_1min": {
            "before": round(load_before, 2),
            "after": round(os.getloadavg()[0], 2),
        },
    }


def markdown(result: dict) -> str:
    lines = [
        "# Prediction throughput and peak memory",
        "",
        f"Command: `{result['command']}`  ",
        f"Date: {result['date']}  ",
        "Machine: "
        + ", ".join(
            f"{k} {v}"
            for k, v in result["machine"].items()
            if k in ("cpu_model", "cpu_count", "memory_gb", "python", "torch", "scikit-learn")
        ),
        "",
        f"Corpus: synthetic JSONL from recombined, word-perturbed seed sentences; full size "
        f"{result['corpus']['full']['n_sentences']} sentences "
        f"({result['corpus']['full']['n_distinct_sentences']} distinct) in "
        f"{result['corpus']['full']['n_articles']} articles"
        + (
            f"; quarter size {result['corpus']['quarter']['n_sentences']} sentences"
            if "quarter" in result["corpus"]
            else ""
        )
        + f". Batch size {result['batch_size']}. Training labels: {result['training_labels']}.",
        "",
        "| family | workers | sentences | sentences/s (stream: read, clean, classify, write) | "
        "sentences/s (whole process) | classify s | wall s | peak RSS MB (VmHWM) | "
        "largest worker MB | load avg before/after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in result["runs"]:
        lines.append(
            f"| {run['family']} | {run['workers']} | {run['n_sentences']} | "
            f"{run['sentences_per_s']} | {run['sentences_per_s_wall']} | {run['classify_s']} | "
            f"{run['wall_s']} | {run['peak_rss_mb']} | {run['worker_peak_rss_mb']} | "
            f"{run['load_average_1min']['before']}/{run['load_average_1min']['after']} |"
        )
    lines.append("")
    for family, speedup in result.get("speedup", {}).items():
        lines.append(
            f"- {family}: {speedup['workers']} workers {speedup['ratio']}x the sentences/s of "
            f"one worker on the full corpus (whole process: {speedup['ratio_wall']}x)."
        )
    raw = result.get("raw_encoder")
    if raw:
        lines.append(
            f"- raw encoder on the same {raw['n_sentences']} sentences: "
            f"{raw['sentences_per_s']} sentences/s; MiniLM + LR prediction (stream) is "
            f"{raw['ratio']}x of it (load {raw['load_average_1min']['before']}/"
            f"{raw['load_average_1min']['after']})."
        )
    for family, growth in result.get("memory_growth", {}).items():
        lines.append(
            f"- {family}: peak RSS {growth['quarter_mb']} MB at a quarter of the corpus, "
            f"{growth['full_mb']} MB at the full corpus (x{growth['ratio']} for 4x the sentences)."
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.predict", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sentences", type=int, default=100_000, help="full corpus size")
    parser.add_argument("--families", nargs="+", default=list(DEFAULT_FAMILIES))
    parser.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FAMILY=PATH",
        help="use an existing checkpoint for a family instead of training one",
    )
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument(
        "--workers", type=int, nargs="+", default=None, help="worker processes to compare"
    )
    parser.add_argument(
        "--quarter",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run at a quarter of the size (memory growth)",
    )
    parser.add_argument(
        "--raw-encoder", action="store_true", help="time the bare encoder on the same sentences"
    )
    parser.add_argument("--out", default=DEFAULT_OUT, help="JSON results file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.sentences < 4:
        parser.error("--sentences must be at least 4")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    given = {}
    for item in args.checkpoint:
        family, sep, path = item.partition("=")
        if not sep:
            print(f"error: --checkpoint {item}: expected FAMILY=PATH", file=sys.stderr)
            return 2
        given[family] = Path(path)
    families = list(dict.fromkeys([*args.families, *given]))

    # SIGTERM unwinds like Ctrl-C, so the temporary folder and the child are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    workdir = Path(tempfile.mkdtemp(prefix="framing-bench-predict-"))
    try:
        corpora = {}
        sizes = [("full", args.sentences)] + ([("quarter", args.sentences // 4)] * args.quarter)
        for name, size in sizes:
            path = workdir / f"corpus_{name}.jsonl"
            corpora[name] = write_synthetic_corpus(path, size, seed=args.seed) | {"path": str(path)}
            print(f"corpus {name}: {corpora[name]['n_sentences']} sentences", file=sys.stderr)
        training_labels = "given checkpoints"
        if any(f not in given for f in families):
            training_labels = training_labels_source()
        runs = []
        for family in families:
            ckpt = given.get(family)
            if ckpt is None:
                print(f"train {family} ...", file=sys.stderr)
                ckpt = train_checkpoint(family, workdir / f"ckpt_{family}")
            for name in [n for n in ("quarter", "full") if n in corpora]:
                for workers in args.workers or [None]:
                    print(
                        f"predict {family} on {name} corpus, workers={workers} ...", file=sys.stderr
                    )
                    out = workdir / f"out_{family}_{name}_{workers}"
                    run = run_predict(
                        ckpt, Path(corpora[name]["path"]), out, args.batch_size, workers
                    )
                    runs.append({"family": family, "corpus": name, "checkpoint": str(ckpt)} | run)
                    shutil.rmtree(out, ignore_errors=True)
        growth = {}
        for family in families if args.quarter else []:
            peak = {
                r["corpus"]: r["peak_rss_mb"]
                for r in runs
                if r["family"] == family and r["workers"] == runs[0]["workers"]
            }
            growth[family] = {
                "quarter_mb": peak["quarter"],
                "full_mb": peak["full"],
                "ratio": round(peak["full"] / peak["quarter"], 2),
            }
        speedup = {}
        for family in families:
            full = {
                r["workers"]: r for r in runs if r["family"] == family and r["corpus"] == "full"
            }
            if 1 in full and len(full) > 1:
                most = max(full)
                speedup[family] = {
                    "workers": most,
                    "ratio": round(full[most]["sentences_per_s"] / full[1]["sentences_per_s"], 2),
                    "ratio_wall": round(
                        full[most]["sentences_per_s_wall"] / full[1]["sentences_per_s_wall"], 2
                    ),
                }
        raw = None
        if args.raw_encoder:
            print("raw encoder on the full corpus's sentences ...", file=sys.stderr)
            raw = run_raw_encoder(Path(corpora["full"]["path"]))
            minilm = [r for r in runs if r["family"] == "embedding_lr" and r["corpus"] == "full"]
            if minilm:
                raw["ratio"] = round(minilm[0]["sentences_per_s"] / raw["sentences_per_s"], 3)
        result = {
            "command": shlex.join(
                ["python", "-m", "benchmarks.predict", *(sys.argv[1:] if argv is None else argv)]
            ),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine_info(),
            "batch_size": args.batch_size,
            "training_labels": training_labels,
            "corpus": {
                k: {kk: vv for kk, vv in v.items() if kk != "path"} for k, v in corpora.items()
            },
            "runs": runs,
            "memory_growth": growth,
            "speedup": speedup,
            "raw_encoder": raw,
        }
        out_path = Path(args.out)
        if args.out == DEFAULT_OUT:
            out_path = REPO_ROOT / DEFAULT_OUT
        write_text(out_path, json.dumps(result, indent=2) + "\n", Kind.BENCHMARK)
        print(markdown(result))
        print(f"written: {out_path}", file=sys.stderr)
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
