"""Strip site chrome from a news page, keeping a record of every line removed and why.

Four kinds of evidence, in this order: the study's ``keep_lines`` (never removed), the site
rules (named regexes), the corpus facts (a line an outlet prints on many of its stories),
and the debris score (framing/corpus/debris.py). Around them: a caption block above a credit,
teasers and tags under a "related" header, a headline printed twice, and a syndication
prefix glued to the start of a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from framing.corpus.debris import PageContext, debris_reason
from framing.corpus.facts import CorpusFacts
from framing.corpus.lines import line_key, normalise_line
from framing.corpus.rules import CorpusRules

END_PUNCTUATION = tuple(".!?:;\"”’')")
#: features that make a whole line debris even when it holds several sentences (a caption with
#: its credit); the others (a call to action, a notice) condemn only their own sentence
LINE_FEATURES = ("credit", "menu", "timestamp", "dateline")
_SENTENCE_END = re.compile(r"[.!?][\"”’')]*\s+(?=[A-Z“\"‘])")
#: a removed line after which unpunctuated lines are teasers or tags
TEASER_HEADER = re.compile(
    r"^(?:related|tags?|tagged|more from|see also|read more|also read|keep reading"
    r"|you may also like|most read|recommended|more stories|latest stories)\b",
    re.IGNORECASE,
)


@dataclass
class RemovedLine:
    line: int
    rule: str
    text: str
    detail: str = ""


@dataclass
class CleanedArticle:
    """Paragraphs that survived cleaning, each with its 1-based line in the source."""

    article_id: str
    paragraphs: list[tuple[int, str]]
    removed: list[RemovedLine] = field(default_factory=list)
    #: the language detected in the kept text (framing/corpus/language.py) and its probability
    language: str = ""
    language_probability: float = 0.0

    def report(self) -> dict:
        by_rule: dict[str, int] = {}
        for r in self.removed:
            by_rule[r.rule] = by_rule.get(r.rule, 0) + 1
        return {
            "article_id": self.article_id,
            "language": self.language,
            "language_probability": round(self.language_probability, 3),
            "kept_paragraphs": len(self.paragraphs),
            "removed_lines": len(self.removed),
            "removed_by_rule": by_rule,
            "removed": [
                {"line": r.line, "rule": r.rule, "text": r.text}
                | ({"why": r.detail} if r.detail else {})
                for r in self.removed
            ],
        }


def _removal(
    line: str, rules: CorpusRules, facts: CorpusFacts | None, context: PageContext
) -> tuple[str, str] | None:
    """(rule, detail) when a line is chrome or debris, else None."""
    rule = next((name for name, rx in rules.chrome_lines.items() if rx.match(line)), None)
    if rule:
        return rule, ""
    if facts is not None and facts.is_chrome(context.outlet, line):
        return "repeated_chrome", f"on {rules.chrome_min_articles}+ stories of this outlet"
    why = debris_reason(line, rules.debris, context)
    if (
        why
        and _SENTENCE_END.search(line)
        and not set(why.split(" = ")[0].split("+")) & set(LINE_FEATURES)
    ):
        return None  # several sentences: each is scored on its own after splitting
    return ("debris_score", why) if why else None


def _is_credit(rule: str, detail: str) -> bool:
    return rule == "photo_credit" or (rule == "debris_score" and "credit" in detail.split("+"))


def clean_article(
    article_id: str,
    text: str,
    rules: CorpusRules,
    facts: CorpusFacts | None = None,
    outlet: str = "",
    url: str = "",
) -> CleanedArticle:
    context = PageContext(outlet=outlet, url=url)
    kept: list[tuple[int, str]] = []
    removed: list[RemovedLine] = []
    seen_short: set[str] = set()
    in_teasers = False
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = normalise_line(raw)
        if not line:
            continue
        protected = rules.protected(line)
        if not protected:
            line = _strip_prefix(line_no, line, rules, removed)
        found = None if protected else _removal(line, rules, facts, context)
        unpunctuated = not line.endswith(END_PUNCTUATION)
        short = len(line.split()) <= rules.teaser_block_max_words
        if found is None and in_teasers and unpunctuated and short and not protected:
            found = ("teaser_block", "under a related-stories or tags header")
        if found:
            rule, detail = found
            removed.append(RemovedLine(line_no, rule, line, detail))
            in_teasers = bool(TEASER_HEADER.match(line)) or rule == "teaser_block"
            if _is_credit(rule, detail):
                # Captions sit right above the credit line and carry no end punctuation.
                for _ in range(rules.caption_lines_before_credit):
                    if (
                        kept
                        and not kept[-1][1].endswith(END_PUNCTUATION)
                        and len(kept[-1][1].split()) <= 20
                        and not rules.protected(kept[-1][1])
                    ):
                        prev_no, prev = kept.pop()
                        removed.append(RemovedLine(prev_no, "photo_caption", prev))
            continue
        in_teasers = False
        words = len(line.split())
        if words <= rules.repeated_headline_max_words:
            key = line_key(line)
            if key in seen_short:
                removed.append(RemovedLine(line_no, "repeated_headline", line))
                continue
            seen_short.add(key)
        kept.append((line_no, line))
    removed.sort(key=lambda r: r.line)
    return CleanedArticle(article_id=article_id, paragraphs=kept, removed=removed)


def _strip_prefix(line_no: int, line: str, rules: CorpusRules, removed: list) -> str:
    """Cut a syndication prefix ("(Harbor Times) —", "Republished from X:") off a line."""
    for name, rx in rules.line_prefixes.items():
        m = rx.match(line)
        if m and m.end() < len(line):
            removed.append(RemovedLine(line_no, name, m.group(0).strip()))
            return line[m.end() :]
    return line
