"""Exact and near-duplicate sentences, within and across articles.

Wire copy is syndicated: two seed articles share whole paragraphs, lightly edited. Every
sentence gets a duplicate-group id so grouped cross-validation never puts one copy in
training and another in test.
"""

from __future__ import annotations

import re
from collections import defaultdict

from framing.corpus.rules import CorpusRules


def normalise_for_matching(text: str, equivalents=()) -> str:
    """Lowercase words without punctuation; ``equivalents`` ((pattern, replacement) pairs from
    the rules' ``equivalent_phrases``) make spellings of one name match."""
    t = text.lower().replace("’", "'").replace("‘", "'")
    for pattern, replacement in equivalents:
        t = pattern.sub(replacement, t)
    t = re.sub(r"[^\w\s]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def shingles(norm: str, n: int) -> set[tuple[str, ...]]:
    """Word n-grams of a normalised text."""
    words = norm.split()
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


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


def duplicate_groups(texts: list[str], rules: CorpusRules) -> list[int]:
    """Index of each text's group representative (the group's first member).

    Two texts join when their normalised forms are equal, or when the overlap coefficient of
    their word shingles reaches ``rules.min_overlap`` (which also catches a short sentence
    quoted inside a longer one). An inverted index keeps this far below all-pairs cost.
    """
    uf = _UnionFind(len(texts))
    first_by_norm: dict[str, int] = {}
    sets = []
    for i, text in enumerate(texts):
        norm = rules.normalise(text)
        if norm in first_by_norm:
            uf.union(first_by_norm[norm], i)
        else:
            first_by_norm[norm] = i
        sets.append(shingles(norm, rules.shingle_words))
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        if len(s) < rules.min_shingles:
            continue
        overlaps: dict[int, int] = defaultdict(int)
        for sh in s:
            for j in index[sh]:
                overlaps[j] += 1
            index[sh].append(i)
        for j, shared in overlaps.items():
            if shared / min(len(s), len(sets[j])) >= rules.min_overlap:
                uf.union(j, i)
    return [uf.find(i) for i in range(len(texts))]
