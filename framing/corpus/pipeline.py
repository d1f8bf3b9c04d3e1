"""A corpus on disk, cleaned in two passes: what ``framing corpus`` runs.

Pass one reads every article for the corpus facts (an outlet's repeated chrome, article ids
used twice); pass two reads them again, cleans, splits and groups duplicates. The articles are
never all held in memory; a bad file in a folder is skipped and listed, and a folder in which
nothing could be read stops with one error.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from framing.corpus import Sentence, build_sentences
from framing.corpus.facts import (
    CorpusFacts,
    check_article_ids,
    gather_corpus_facts,
    with_unique_ids,
)
from framing.corpus.reading import Article, iter_articles_with_outlets
from framing.corpus.rules import CorpusRules
from framing.errors import FramingInputError


@dataclass
class CorpusRun:
    sentences: list[Sentence]
    reports: dict[str, dict]
    facts: CorpusFacts
    skipped: list[dict] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """Counts for the report: languages, syndicated sentences, what was skipped."""
        languages = Counter(r.get("language", "") for r in self.reports.values())
        return {
            "n_articles": len(self.reports),
            "n_sentences": len(self.sentences),
            "n_duplicate_groups": len({s.dup_group for s in self.sentences}),
            "n_syndicated_sentences": sum(s.syndicated for s in self.sentences),
            "articles_by_language": dict(languages.most_common()),
            "articles_without_sentences": [
                {"article_id": k, "why": r["why_no_sentences"]}
                for k, r in self.reports.items()
                if r["sentences"] == 0
            ],
            "skipped": self.skipped,
            "renamed_article_ids": self.renamed,
        }


def stream_articles(
    path: str | Path, outlets: str | Path | None, skipped: list[dict] | None = None
) -> Iterator[Article]:
    """The articles at ``path`` with the outlet table's fields attached; bad files of a folder
    go to ``skipped`` (with the reason, and a warning) instead of stopping the read."""

    def on_bad_file(file: Path, err: FramingInputError) -> None:
        if skipped is not None:
            skipped.append({"file": str(file), "reason": err.message, "line": err.line})
            print(f"warning: skipped {err}", file=sys.stderr)

    return iter_articles_with_outlets(path, outlets, on_bad_file)


def clean_corpus(
    path: str | Path,
    rules: CorpusRules,
    outlets: str | Path | None = None,
    keep_duplicate_ids: bool = False,
    option: str = "--keep-duplicate-ids",
) -> CorpusRun:
    """Read ``path`` twice (facts, then cleaning) and return every sentence and report."""
    skipped: list[dict] = []
    facts = gather_corpus_facts(stream_articles(path, outlets, skipped), rules)
    if facts.n_articles == 0:
        reason = (
            f": {len(skipped)} file(s) skipped, first {skipped[0]['file']}: " if skipped else ""
        )
        raise FramingInputError(
            "no article could be read" + reason + (skipped[0]["reason"] if skipped else ""),
            file=path,
        )
    renamed = check_article_ids(facts, keep_duplicate_ids, option)
    for line in renamed:
        print(f"warning: article id used twice, both kept: {line}", file=sys.stderr)
    articles = with_unique_ids(stream_articles(path, outlets), facts)
    sentences, reports = build_sentences(articles, rules, facts)
    return CorpusRun(sentences, reports, facts, skipped, renamed)
