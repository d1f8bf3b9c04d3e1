"""Wall time and peak memory of ``framing corpus`` (read, facts, clean, split, duplicate
groups, write) on large synthetic corpora, and of one huge single-line article.

    python -m benchmarks.corpus                                # 100,000 and 1,000,000 sentences
    python -m benchmarks.corpus --sentences 20000 80000        # other sizes
    python -m benchmarks.corpus --paragraph-mb 5 10 25 50      # one single-line article per size

Run from the root of the repository. Sentences are made of English words drawn by their
frequency rank (a Zipf law over wordfreq's 30,000 most common words), 8-35 words each, in
articles of 20 sentences (paragraphs of one to three) with a title and two lines of outlet
chrome, from 50 outlets. 10% of the sentences are near copies of an earlier sentence of
another outlet (one or two words replaced) and 3% exact copies, so duplicate groups and
syndication have work to do.

Each run is ``python -m framing.corpus INPUT --out OUT`` in a child process; its peak
resident memory is the child's own ``ru_maxrss`` (``os.wait4``). Results go to stdout
(Markdown) and ``results/benchmarks/corpus.json``, with the machine and its load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks._machine import REPO_ROOT, machine_info
from framing.outputs import Kind, write_text

DEFAULT_OUT = "results/benchmarks/corpus.json"
SENTENCES_PER_ARTICLE = 20
N_OUTLETS = 50


def _vocabulary(size: int = 30_000) -> tuple[list[str], np.ndarray]:
    from framing.corpus.words import word_ranks

    words = [w for w in word_ranks("en") if len(w) > 1][:size]
    p = 1.0 / np.arange(1, len(words) + 1)
    return words, p / p.sum()


def _sentences(n: int, rng: np.random.Generator) -> list[str]:
    words, p = _vocabulary()
    lengths = rng.integers(8, 36, size=n)
    drawn = rng.choice(len(words), size=int(lengths.sum()), p=p)
    out, at = [], 0
    for i, length in enumerate(lengths):
        toks = [words[j] for j in drawn[at : at + length]]
        at += length
        toks[0] = toks[0].capitalize()
        out.append(" ".join(toks) + ".")
        r = rng.random()
        if i > 100 and r < 0.13:  # a copy of an earlier sentence (usually of another outlet)
            source = out[int(rng.integers(0, i - 50))].split(" ")
            if r < 0.10:  # near copy: one or two words replaced
                for k in rng.integers(1, len(source) - 1, size=int(rng.integers(1, 3))):
                    source[k] = words[int(rng.integers(0, len(words)))]
            out[-1] = " ".join(source)
    return out


def write_corpus(path: Path, n_sentences: int, seed: int = 0) -> int:
    """A JSONL of synthetic articles with ``n_sentences`` body sentences; returns articles."""
    rng = np.random.default_rng(seed)
    sentences = _sentences(n_sentences, rng)
    n_articles = 0
    with path.open("w", encoding="utf-8") as fh:
        for start in range(0, len(sentences), SENTENCES_PER_ARTICLE):
            body = sentences[start : start + SENTENCES_PER_ARTICLE]
            outlet = f"Outlet {n_articles % N_OUTLETS}"
            lines = [" ".join(body[0].split()[:7]).rstrip("."), f"Follow {outlet} on Telegram"]
            i = 0
            while i < len(body):
                k = int(rng.integers(1, 4))
                lines.append(" ".join(body[i : i + k]))
                i += k
            lines.append(f"Copyright 2024 {outlet}. All rights reserved.")
            text = "\n".join(lines)
            record = {"article_id": f"a{n_articles:07d}", "outlet": outlet, "text": text}
            fh.write(json.dumps(record) + "\n")
            n_articles += 1
    return n_articles


def write_long_article(folder: Path, megabytes: float, seed: int = 0) -> Path:
    """One article of ``megabytes`` MB on a single line (no line break at all)."""
    rng = np.random.default_rng(seed)
    target = int(megabytes * 1_000_000)
    pool = _sentences(5000, rng)
    parts, size = [], 0
    while size < target:
        s = pool[int(rng.integers(0, len(pool)))]
        parts.append(s)
        size += len(s) + 1
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "long.txt"
    path.write_text(" ".join(parts), encoding="utf-8")
    return folder


def run_corpus_command(input_path: Path, out: Path) -> dict:
    """``python -m framing.corpus INPUT --out OUT`` in a child: wall time and peak memory."""
    cmd = [sys.executable, "-m", "framing.corpus", str(input_path), "--out", str(out)]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    with out.open(encoding="utf-8") as fh:
        n_out = sum(1 for _ in fh)
    return {
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "sentences_out": n_out,
        "load_average_at_start": round(load, 2),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__)
    p.add_argument("--sentences", type=int, nargs="*", default=[100_000, 1_000_000])
    p.add_argument("--paragraph-mb", type=float, nargs="*", default=[])
    p.add_argument("--out", default=DEFAULT_OUT, help="JSON results (empty: do not write)")
    args = p.parse_args(argv)
    results: dict = {
        "command": "python -m benchmarks.corpus " + " ".join(argv or sys.argv[1:]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "corpus": [],
        "single_line_article": [],
    }
    with tempfile.TemporaryDirectory(prefix="framing-corpus-bench-") as tmp:
        tmp = Path(tmp)
        for n in args.sentences:
            src = tmp / f"corpus_{n}.jsonl"
            n_articles = write_corpus(src, n)
            row = {"sentences": n, "articles": n_articles} | run_corpus_command(
                src, tmp / f"out_{n}.jsonl"
            )
            results["corpus"].append(row)
            print(json.dumps(row), file=sys.stderr)
            src.unlink()
        for mb in args.paragraph_mb:
            folder = write_long_article(tmp / f"long_{mb}", mb)
            row = {"megabytes": mb} | run_corpus_command(folder, tmp / f"long_{mb}.jsonl")
            results["single_line_article"].append(row)
            print(json.dumps(row), file=sys.stderr)
    _print(results)
    if args.out:
        write_text(REPO_ROOT / args.out, json.dumps(results, indent=2) + "\n", Kind.BENCHMARK)
    return 0


def _print(results: dict) -> None:
    rows = results["corpus"]
    if rows:
        print("| sentences | articles | wall s | peak RSS MB | sentences out | load |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(
                f"| {r['sentences']:,} | {r['articles']:,} | {r['wall_s']} | {r['peak_rss_mb']} "
                f"| {r['sentences_out']:,} | {r['load_average_at_start']} |"
            )
        for a, b in zip(rows, rows[1:], strict=False):
            print(
                f"\ntime ratio {b['sentences']:,} / {a['sentences']:,}: "
                f"{b['wall_s'] / a['wall_s']:.1f} for {b['sentences'] / a['sentences']:.0f}x"
            )
    long_rows = results["single_line_article"]
    if long_rows:
        print("\n| single-line article MB | wall s | s per MB | peak RSS MB | sentences | load |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in long_rows:
            print(
                f"| {r['megabytes']:g} | {r['wall_s']} | {r['wall_s'] / r['megabytes']:.2f} "
                f"| {r['peak_rss_mb']} | {r['sentences_out']:,} | {r['load_average_at_start']} |"
            )


if __name__ == "__main__":
    sys.exit(main())
