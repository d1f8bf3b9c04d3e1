"""Evidence about the whole corpus, gathered in a first pass and handed to the per-article
cleaning (``article_sentences(article, rules, facts)``).

Two things cannot be seen one article at a time: a line that an outlet prints on every page
(its chrome: a tagline, a share bar, a standards notice) and an article id used twice. The
first pass reads every article once and keeps only counts keyed by 64-bit hashes of short
lines, so its memory grows with the number of distinct short lines, not with the text. The
result is a small picklable dataclass: a sharded prediction computes it once and sends it to
every worker.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from framing.corpus.article_ids import ArticleIds, check_duplicate_ids
from framing.corpus.articles import Article
from framing.corpus.lines import line_hash, line_key, normalise_line
from framing.corpus.rules import CorpusRules


@dataclass
class CorpusFacts:
    #: per outlet, hashes of the lines found in ``min_articles`` or more different stories
    chrome_lines: dict[str, set[int]] = field(default_factory=dict)
    #: article ids used by more than one article, with the source of each (file, file:line)
    duplicate_ids: dict[str, list[str]] = field(default_factory=dict)
    #: for each duplicated id, the new ids of its second, third, ... article when both are kept
    renamed_ids: dict[str, list[str]] = field(default_factory=dict)
    n_articles: int = 0
    #: articles per outlet
    outlet_articles: dict[str, int] = field(default_factory=dict)

    def is_chrome(self, outlet: str, line: str) -> bool:
        hashes = self.chrome_lines.get(outlet)
        return bool(hashes) and line_hash(line_key(line)) in hashes

    def to_dict(self) -> dict:
        """Plain JSON (a sharded prediction writes the facts into its plan for every shard)."""
        return asdict(self) | {"chrome_lines": {k: sorted(v) for k, v in self.chrome_lines.items()}}

    @classmethod
    def from_dict(cls, record: dict) -> CorpusFacts:
        chrome = {k: set(v) for k, v in (record.get("chrome_lines") or {}).items()}
        return cls(**(record | {"chrome_lines": chrome}))


def _story_signature(lines: list[str]) -> int:
    """What tells two stories apart: the hash of the article's longest line (a body paragraph
    differs between stories and repeats between updated versions of one story)."""
    longest = max(lines, key=len, default="")
    return line_hash(line_key(longest))


def gather_corpus_facts(articles: Iterable[Article], rules: CorpusRules) -> CorpusFacts:
    """One pass over ``articles``: repeated chrome per outlet and the article-id counts."""
    # (outlet, line hash) -> story signatures it was seen in, capped at min_articles
    seen_in: dict[tuple[str, int], set[int]] = defaultdict(set)
    ids = ArticleIds()
    per_outlet: Counter = Counter()
    n = 0
    need = max(rules.chrome_min_articles, 2)
    for article in articles:
        n += 1
        per_outlet[article.outlet] += 1
        ids.add(article)
        lines = [normalise_line(raw) for raw in article.text.splitlines()]
        lines = [x for x in lines if x]
        story = _story_signature(lines)
        for line in set(lines):
            if len(line.split()) > rules.chrome_max_words:
                continue
            stories = seen_in[(article.outlet, line_hash(line_key(line)))]
            if len(stories) < need:
                stories.add(story)
    chrome: dict[str, set[int]] = {}
    for (outlet, h), stories in seen_in.items():
        if len(stories) >= need:
            chrome.setdefault(outlet, set()).add(h)
    return CorpusFacts(
        chrome_lines=chrome,
        duplicate_ids=ids.duplicates,
        renamed_ids=ids.renaming(),
        n_articles=n,
        outlet_articles=dict(per_outlet),
    )


def check_article_ids(facts: CorpusFacts, keep_both: bool, option: str) -> list[str]:
    """Stop on an article id used twice, naming both sources, unless ``keep_both``; then
    return what will be renamed (one line each). ``option``: how the user keeps both."""
    return check_duplicate_ids(facts.duplicate_ids, facts.renamed_ids, keep_both, option)


def with_unique_ids(articles: Iterable[Article], facts: CorpusFacts) -> Iterator[Article]:
    """``articles`` (read in the same order as for the facts) with the second, third, ...
    article of a duplicated id renamed as ``facts.renamed_ids`` says."""
    seen: Counter = Counter()
    for article in articles:
        new_ids = facts.renamed_ids.get(article.article_id)
        if new_ids is not None:
            seen[article.article_id] += 1
            if seen[article.article_id] > 1:
                article.article_id = new_ids[seen[article.article_id] - 2]
        yield article
