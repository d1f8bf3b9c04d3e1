"""Precision and recall of the corpus layer's debris removal on the hand-marked test pages.

    python -m benchmarks.debris                   # the held-out half (the reported score)
    python -m benchmarks.debris --half dev -v     # the development half, listing every error
    python -m benchmarks.debris --json results/benchmarks/debris.json

Pages are in benchmarks/debris_pages/{heldout,dev}/ (format and marking guide in its
README). A half is cleaned as one corpus: the corpus facts (chrome an outlet repeats across
its stories) are gathered over its pages first, as ``framing corpus`` does, with the
package's default rules (no study overrides). Scored units: every marked line, and every
debris span marked inside a kept line. A removed debris unit is a true positive; a kept
line that lost its text, or part of it, is a false positive.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "debris_pages"
SPAN = re.compile(r"\{\{(.*?)\}\}")


@dataclass
class MarkedLine:
    number: int  # 1-based line of the page text
    keep: bool
    text: str  # the page line (spans unmarked)
    spans: list[str] = field(default_factory=list)


@dataclass
class Page:
    name: str
    style: str
    outlet: str
    url: str
    lines: list[MarkedLine]

    @property
    def text(self) -> str:
        out = [""] * (max((m.number for m in self.lines), default=0))
        for m in self.lines:
            out[m.number - 1] = m.text
        return "\n".join(out)


def read_page(path: Path) -> Page:
    header: dict[str, str] = {}
    lines: list[MarkedLine] = []
    number = 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# ") and not lines and number == 0:
            key, _, value = raw[2:].partition(":")
            header[key.strip()] = value.strip()
            continue
        number += 1
        if not raw.strip():
            continue
        mark, body = raw[:2], raw[2:]
        if mark not in ("+ ", "- "):
            raise ValueError(f"{path}, line {number}: a page line starts with '+ ' or '- '")
        lines.append(MarkedLine(number, mark == "+ ", SPAN.sub(r"\1", body), SPAN.findall(body)))
    return Page(path.stem, header["style"], header["outlet"], header.get("url", ""), lines)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def score_half(half: str, verbose: bool = False) -> dict:
    from framing.corpus import Article, CorpusRules, article_sentences, gather_corpus_facts

    rules = CorpusRules.with_overrides({})
    pages = [read_page(p) for p in sorted((PAGES / half).glob("*.txt"))]
    articles = [
        Article(article_id=p.name, text=p.text, outlet=p.outlet, url=p.url, source=p.name)
        for p in pages
    ]
    facts = gather_corpus_facts(articles, rules)
    counts: Counter = Counter()
    by_style: dict[str, Counter] = {}
    errors: list[str] = []
    for page, article in zip(pages, articles, strict=True):
        sentences, _ = article_sentences(article, rules, facts)
        kept_words: dict[int, list[str]] = {}
        for s in sentences:
            kept_words.setdefault(s.line, []).extend(_words(s.text))
        style = by_style.setdefault(page.style, Counter())
        for outcome, m in _outcomes(page, kept_words):
            counts[outcome] += 1
            style[outcome] += 1
            if outcome in ("fp", "fn"):
                errors.append(f"{outcome.upper()} {page.name}:{m.number} {m.text}")
    if verbose:
        print("\n".join(errors), file=sys.stderr)
    return {
        "half": half,
        "pages": len(pages),
        **_scores(counts),
        "by_style": {k: _scores(v) for k, v in sorted(by_style.items())},
        "errors": errors,
    }


def _outcomes(page: Page, kept_words: dict[int, list[str]]):
    """(tp/fp/fn/tn, line) for every scored unit of a page. Copies of one line in a page (a
    headline printed twice) are scored together: which copy is marked as the repeat is
    arbitrary, so what counts is how many copies were removed against how many should be."""
    copies: dict[str, list[MarkedLine]] = {}
    for m in page.lines:
        copies.setdefault(m.text, []).append(m)
    for group in copies.values():
        if len(group) > 1 and not any(m.spans for m in group):
            should = sum(not m.keep for m in group)
            did = sum(not kept_words.get(m.number) for m in group)
            yield from [("tp", group[0])] * min(should, did)
            yield from [("fp", group[0])] * max(0, did - should)
            yield from [("fn", group[0])] * max(0, should - did)
            yield from [("tn", group[0])] * (len(group) - max(should, did))
            continue
        for m in group:
            got = kept_words.get(m.number, [])
            if not m.keep:
                yield ("tp" if not got else "fn"), m
                continue
            lost = Counter(_words(_without(m))) - Counter(got)
            yield ("fp" if lost else "tn"), m
            for span in m.spans:
                yield ("fn" if not Counter(_words(span)) - Counter(got) else "tp"), m


def _without(m: MarkedLine) -> str:
    text = m.text
    for span in m.spans:
        text = text.replace(span, " ", 1)
    return text


def _scores(c: Counter) -> dict:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    return {
        "debris_units": tp + fn,
        "kept_units": c["tn"] + fp,
        "removed_correctly": tp,
        "removed_wrongly": fp,
        "missed": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.debris", description=__doc__)
    p.add_argument("--half", choices=["heldout", "dev"], default="heldout")
    p.add_argument("--json", default=None, help="write the scores here")
    p.add_argument("-v", "--verbose", action="store_true", help="list every error")
    args = p.parse_args(argv)
    result = score_half(args.half, args.verbose)
    print(f"| {args.half} ({result['pages']} pages) | precision | recall | debris units |")
    print("|---|---:|---:|---:|")
    for name, s in [("all", result), *result["by_style"].items()]:
        print(f"| {name} | {s['precision']} | {s['recall']} | {s['debris_units']} |")
    if args.json:
        from framing.outputs import Kind, write_text

        write_text(
            args.json, json.dumps(result, indent=2, ensure_ascii=False) + "\n", Kind.BENCHMARK
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
