"""Strip site chrome from a news page, keeping a record of every line removed and why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from framing.corpus.rules import CorpusRules

END_PUNCTUATION = tuple(".!?:;\"”’')")


@dataclass
class RemovedLine:
    line: int
    rule: str
    text: str


@dataclass
class CleanedArticle:
    """Paragraphs that survived cleaning, each with its 1-based line in the source."""

    article_id: str
    paragraphs: list[tuple[int, str]]
    removed: list[RemovedLine] = field(default_factory=list)

    def report(self) -> dict:
        by_rule: dict[str, int] = {}
        for r in self.removed:
            by_rule[r.rule] = by_rule.get(r.rule, 0) + 1
        return {
            "article_id": self.article_id,
            "kept_paragraphs": len(self.paragraphs),
            "removed_lines": len(self.removed),
            "removed_by_rule": by_rule,
            "removed": [{"line": r.line, "rule": r.rule, "text": r.text} for r in self.removed],
        }


def normalise_line(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def clean_article(article_id: str, text: str, rules: CorpusRules) -> CleanedArticle:
    kept: list[tuple[int, str]] = []
    removed: list[RemovedLine] = []
    seen_short: set[str] = set()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = normalise_line(raw)
        if not line:
            continue
        rule = next((name for name, rx in rules.chrome_lines.items() if rx.match(line)), None)
        if rule:
            removed.append(RemovedLine(line_no, rule, line))
            if rule == "photo_credit":
                # Captions sit right above the credit line and carry no end punctuation.
                for _ in range(rules.caption_lines_before_credit):
                    if (
                        kept
                        and not kept[-1][1].endswith(END_PUNCTUATION)
                        and len(kept[-1][1].split()) <= 20
                    ):
                        prev_no, prev = kept.pop()
                        removed.append(RemovedLine(prev_no, "photo_caption", prev))
            continue
        words = len(line.split())
        if words <= rules.repeated_headline_max_words:
            key = _key(line)
            if key in seen_short:
                removed.append(RemovedLine(line_no, "repeated_headline", line))
                continue
            seen_short.add(key)
        kept.append((line_no, line))
    removed.sort(key=lambda r: r.line)
    return CleanedArticle(article_id=article_id, paragraphs=kept, removed=removed)
