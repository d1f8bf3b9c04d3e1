"""Why framing/corpus/duplicates.py does not use datasketch's MinHash-LSH: its time and
memory on synthetic sentences, and how often LSH finds a pair of a given Jaccard similarity.

    pip install datasketch && python -m benchmarks.minhash [--sentences 100000]

datasketch is not a dependency of the package; this script only measures it. Sentences are
word ids drawn from a Zipf law (20,000 words, 8-35 words each); shingles are word 3-grams as
32-bit values; 64 permutations; LSH threshold 0.3 (datasketch picks the bands and rows).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

import numpy as np


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.minhash", description=__doc__)
    p.add_argument("--sentences", type=int, default=100_000)
    args = p.parse_args(argv)
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        print("needs datasketch: pip install datasketch", file=sys.stderr)
        return 2
    rng = np.random.default_rng(0)
    p_word = 1 / np.arange(1, 20_001)
    p_word /= p_word.sum()
    mix = [np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(7)]
    sets = []
    for _ in range(args.sentences):
        w = rng.choice(20_000, size=int(rng.integers(8, 36)), p=p_word).astype(np.uint64)
        h = (w[:-2] * mix[0]) ^ (w[1:-1] * mix[1]) ^ (w[2:] * mix[2])
        sets.append(np.unique(h & np.uint64(0xFFFFFFFF)))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    sketches = list(MinHash.bulk([list(s) for s in sets], num_perm=64, hashfunc=int))
    minhash_s = time.perf_counter() - start
    lsh = MinHashLSH(threshold=0.3, num_perm=64)
    start = time.perf_counter()
    for i, m in enumerate(sketches):
        lsh.insert(i, m, check_duplication=False)
    insert_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    b, r = lsh.b, lsh.r
    print(
        f"{args.sentences:,} sentences: MinHash {minhash_s:.1f} s, LSH insert {insert_s:.1f} s, "
        f"peak RSS {peak:.0f} MB (load {load:.2f}); bands {b} x rows {r}"
    )
    for jaccard in (0.2, 0.28, 0.33, 0.5, 0.7):
        print(f"P(candidate | Jaccard {jaccard}) = {1 - (1 - jaccard**r) ** b:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
