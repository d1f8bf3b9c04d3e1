"""Time and peak memory of ``framing discover`` at 100k sentences, and its stability there.

    python -m benchmarks.discover                       # 100,000 sentences
    python -m benchmarks.discover --sentences 20000 --out /tmp/discover.json

Run from the root of the repository. The corpus is a sentence JSONL (the layout of
``framing corpus --out``) of seed sentences, each with two words swapped for random seed words
(``benchmarks.predict.perturb``) so that no embedding is reused, in articles of 20 sentences
from eight made-up outlets. A child process runs the command's library call
(``framing.discover.run.discover``, the default settings), records its own peak resident
memory (VmHWM) when it returns, then reclusters the embeddings it holds in memory (none is
computed again) at seeds 1 and 2 and on three random 90% subsamples, for the adjusted Rand
index at scale (above 5,000 sentences the seed picks the sample Ward's tree is built on).
Results go to stdout and ``--out`` (default ``results/benchmarks/discover.json``), with the
machine and the load average before and after: the machine is shared, timings are contended.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._machine import REPO_ROOT, machine_info
from benchmarks.predict import OUTLETS, perturb, seed_pool
from framing.outputs import Kind, write_text

DEFAULT_OUT = "results/benchmarks/discover.json"

_CHILD = """
import json, sys, time
from framing.discover.run import discover
from framing.discover.ablation import stability
from framing.discover.clustering import ClusterSettings
from framing.models.encoders import EmbeddingCache
from framing.study import load_study

corpus, out, result_file = sys.argv[1:4]
study = load_study()
report = discover(corpus, out, study.schema, languages=study.languages)
with open("/proc/self/status") as fh:
    peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8")]
t = time.perf_counter()
stable = stability(EmbeddingCache("all-MiniLM-L6-v2").embed(texts), ClusterSettings())
stable["seconds"] = round(time.perf_counter() - t, 1)
json.dump({"report": report, "peak_rss_mb": round(peak / 1024, 1), "stability": stable},
          open(result_file, "w"))
"""


def write_sentences(path: Path, n: int, seed: int = 0) -> None:
    pool = seed_pool()
    vocabulary = sorted({w for t in pool for w in t.split() if w.isalpha() and w.islower()})
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            article = i // 20
            record = {
                "sentence_id": f"s{i:07d}",
                "article_id": f"synthetic-{article:06d}",
                "outlet": OUTLETS[article % len(OUTLETS)],
                "position": i % 20,
                "text": perturb(rng.choice(pool), vocabulary, rng),
                "kind": "sentence",
                "language": "en",
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.discover", description=__doc__)
    p.add_argument("--sentences", type=int, default=100_000)
    p.add_argument("--out", default=DEFAULT_OUT)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="framing-bench-discover-") as tmp:
        corpus = Path(tmp) / "sentences.jsonl"
        write_sentences(corpus, args.sentences)
        result_file = Path(tmp) / "result.json"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", _CHILD, str(corpus), str(Path(tmp) / "out"), str(result_file)],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )
        wall = time.perf_counter() - started
        child = json.loads(result_file.read_text())
    report = child["report"]
    result = {
        "command": "python -m benchmarks.discover"
        + (f" --sentences {args.sentences}" if args.sentences != 100_000 else ""),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "sentences": args.sentences,
        "clusters": report["n_clusters"],
        "discover_s": report["timings_s"]["total_s"],
        "stages_s": report["timings_s"],
        "child_wall_s_with_stability": round(wall, 1),
        "peak_rss_mb": child["peak_rss_mb"],
        "stability": child["stability"],
        "load_average_1min": {
            "before": round(load_before, 2),
            "after": round(os.getloadavg()[0], 2),
        },
    }
    write_text(args.out, json.dumps(result, indent=2) + "\n", Kind.BENCHMARK)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
