"""Exact and near-duplicate sentences, within and across articles.

Wire copy is syndicated: two seed articles share whole paragraphs, lightly edited. Every
sentence gets a duplicate-group id so grouped cross-validation never puts one copy in
training and another in test.

The join is exact and near-linear in the corpus (a set-similarity join with prefix
filtering, as in Bayardo et al., "Scaling up all pairs similarity search", WWW 2007):

1. exact copies (equal normalised text) share a group at once; one representative of each
   distinct text goes on;
2. each text's word 3-gram shingles are ordered rarest first (by how many texts have them);
3. a pair can reach the overlap the rule asks of its smaller text only if the smaller
   text's rarest shingles (all but ``required - 1`` of them) include a shared one, so each
   text looks up only that prefix in an index of all shingles. Common shingles ("said on
   thursday"), whose long posting lists made the earlier all-postings join quadratic, sit
   at the end of the order and are rarely looked up;
4. every candidate pair is checked exactly against the rule below.

The rule: two texts join when their shingle overlap, divided by the smaller text's shingles,
reaches ``min_overlap`` and the smaller has at least ``similar_length`` times the larger's
shingles; a text much shorter than the other joins it only when at least
``contained_overlap`` of its shingles and at least ``contained_min_shared`` shingles are in
the longer one (a sentence quoted inside another), so a short headline never joins a long
sentence on a few shared words.

``datasketch``'s MinHash-LSH was measured for this and not used (``python -m
benchmarks.minhash``): at 100,000 synthetic sentences it took 12.6 s and 855 MB (so well
past 2 GB at a million), and at the LSH threshold needed (0.3: 21 bands of 3 rows) it makes
the seeds' lightly edited pair (Jaccard 0.33) a candidate with probability 0.54. This join
is exact, so the seed groups cannot drift with a random seed.
"""

from __future__ import annotations

import math
from array import array

import numpy as np

from framing.corpus.rules import CorpusRules


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The earlier sentence stays the root, so group ids follow reading order.
            self.parent[max(ra, rb)] = min(ra, rb)


def required_overlap(small: int, large: int, rules: CorpusRules) -> int | None:
    """Shingles two texts of these sizes must share to join (None: they never join)."""
    if small < rules.min_shingles:
        return None
    if small >= rules.similar_length * large:
        return max(1, math.ceil(rules.min_overlap * small - 1e-9))
    return max(rules.contained_min_shared, math.ceil(rules.contained_overlap * small - 1e-9))


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], np.uint64)


def duplicate_groups(texts: list[str], rules: CorpusRules) -> list[int]:
    """Index of each text's group representative (the group's first member)."""
    n = len(texts)
    if n == 0:
        return []
    # One pass over the texts: a hash of each normalised text (exact copies) and its words as
    # ids into a vocabulary, all in flat arrays (a million small arrays would cost more).
    norm_hash = np.empty(n, dtype=np.int64)
    lengths = np.empty(n, dtype=np.int32)
    vocabulary: dict[str, int] = {}
    words = array("i")
    for i, text in enumerate(texts):
        norm = rules.normalise(text)
        norm_hash[i] = hash(norm)  # within one process: enough to find equal texts
        ids = [vocabulary.setdefault(w, len(vocabulary) + 1) for w in norm.split()]
        lengths[i] = len(ids)
        words.extend(ids)
    del vocabulary
    _, first, inverse = np.unique(norm_hash, return_index=True, return_inverse=True)
    root = first[inverse]  # an exact copy joins the first text with its normalised form
    del norm_hash, first, inverse
    uf = _UnionFind(n)
    uf.parent = root.tolist()
    representatives = np.flatnonzero(root == np.arange(n))
    values, owner = _shingles_of(
        np.frombuffer(words, dtype=np.int32), lengths, representatives, rules
    )
    del words
    for a, b in _near_pairs(values, owner, len(representatives), rules):
        uf.union(int(representatives[a]), int(representatives[b]))
    return [uf.find(i) for i in range(n)]


def _shingles_of(word_ids: np.ndarray, lengths: np.ndarray, chosen: np.ndarray, rules):
    """(values, owner): the word-n-gram shingles (64-bit values) of the chosen texts, in
    reading order, and for each the index of its text in ``chosen`` (a text's repeated
    shingles are removed later, when its shingles are sorted)."""
    k = rules.shingle_words
    windows = len(word_ids) - k + 1
    if windows <= 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int32)
    values = np.zeros(windows, dtype=np.uint64)
    term = np.empty(windows, dtype=np.uint64)
    for j in range(k):  # every window of the flat word array, across text ends for now
        term[:] = word_ids[j : j + windows]
        term *= _MIX[j % 3]
        term += np.uint64(j)
        values ^= term
    del term
    text_of = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    index_in_chosen = np.full(len(lengths), -1, dtype=np.int32)
    index_in_chosen[chosen] = np.arange(len(chosen), dtype=np.int32)
    inside = text_of[:windows] == text_of[k - 1 :]  # the window lies within one text ...
    owner = index_in_chosen[text_of[:windows]]
    del text_of
    inside &= owner >= 0  # ... and that text is a representative
    return values[inside], owner[inside]


def _dense_ids(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(id of each value among the distinct values (int32), count of each distinct value):
    np.unique(return_inverse, return_counts) with about half its peak memory."""
    order = np.argsort(values)
    sorted_values = values[order]
    new = np.empty(len(sorted_values), dtype=bool)
    new[0] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=new[1:])
    del sorted_values
    group = np.cumsum(new, dtype=np.int32)
    group -= 1
    counts = np.diff(np.append(np.flatnonzero(new), len(new)))
    del new
    ids = np.empty(len(order), dtype=np.int32)
    ids[order] = group
    return ids, counts


def _near_pairs(values: np.ndarray, owner: np.ndarray, n_texts: int, rules: CorpusRules):
    """Pairs (a, b) of texts whose shingles (``values``, of text ``owner``) the rule joins."""
    if not len(values):
        return
    token, df = _dense_ids(values)
    del values
    # Rank every shingle: rarest first (ties by id), the global order of the prefix filter.
    rank = np.empty(len(df), dtype=np.int32)
    rank[np.lexsort((np.arange(len(df)), df))] = np.arange(len(df), dtype=np.int32)
    token = rank[token]
    del rank
    # The index: for every shingle (by rank), the texts that have it, in reading order.
    postings = owner[np.argsort(token, kind="stable")]
    # Each text's distinct shingles in rank order (``owner`` is in reading order already).
    order = np.lexsort((token, owner))
    by_text, owner = token[order], owner[order]
    del order, token
    distinct = np.ones(len(by_text), dtype=bool)
    distinct[1:] = (by_text[1:] != by_text[:-1]) | (owner[1:] != owner[:-1])
    by_text, owner = by_text[distinct], owner[distinct]
    sizes = np.bincount(owner, minlength=n_texts).astype(np.int32)
    starts = np.zeros(n_texts + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    del owner, distinct
    post_starts = np.zeros(len(df) + 1, dtype=np.int64)
    np.cumsum(np.sort(df), out=post_starts[1:])  # texts per shingle, in rank order
    del df
    for x in range(len(sizes)):
        s = int(sizes[x])
        need = required_overlap(s, s, rules)  # as the smaller side of a similar-length pair
        if need is None:
            continue
        contained = max(rules.contained_min_shared, math.ceil(rules.contained_overlap * s - 1e-9))
        mine = by_text[starts[x] : starts[x + 1]]
        probe = mine[: s - min(need, contained) + 1]
        candidates = np.unique(
            np.concatenate([postings[post_starts[t] : post_starts[t + 1]] for t in probe])
        )
        # x is the smaller side (ties: the later text looks, so each pair is checked once)
        sizes_c = sizes[candidates]
        candidates = candidates[(sizes_c > s) | ((sizes_c == s) & (candidates < x))]
        for y in candidates:
            need_xy = required_overlap(s, int(sizes[y]), rules)
            if need_xy is None:
                continue
            theirs = by_text[starts[y] : starts[y + 1]]
            if len(np.intersect1d(mine, theirs, assume_unique=True)) >= need_xy:
                yield x, int(y)
