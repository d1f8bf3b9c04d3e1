"""A corpus on disk, cleaned in two passes: what ``framing corpus`` runs.

The reading is ``framing.corpus.source.CorpusSource`` (the same as ``framing predict`` and
``framing.sentences``): pass one reads every article for the corpus facts, pass two reads
them again, cleans, splits and groups duplicates. A bad file in a folder is skipped and
listed; a folder in which nothing could be read stops with one error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from framing import progress
from framing.corpus.facts import CorpusFacts
from framing.corpus.rules import CorpusRules
from framing.corpus.sentences import Sentence, build_sentences
from framing.corpus.source import CorpusSource


@dataclass
class CorpusRun:
    sentences: list[Sentence]
    reports: dict[str, dict]
    facts: CorpusFacts
    source: CorpusSource

    @property
    def skipped(self) -> list[dict]:
        return self.source.skipped

    @property
    def renamed(self) -> list[str]:
        return self.source.renamed

    def summary(self) -> dict:
        """Counts for the report: languages, syndicated sentences, what was skipped, outlets."""
        languages = Counter(r.get("language", "") for r in self.reports.values())
        kinds = Counter(s.kind for s in self.sentences)
        return {
            "n_articles": len(self.reports),
            "n_sentences": len(self.sentences),
            "units_by_kind": dict(kinds.most_common()),
            "n_duplicate_groups": len({s.dup_group for s in self.sentences}),
            "n_syndicated_sentences": sum(s.syndicated for s in self.sentences),
            "articles_by_language": dict(languages.most_common()),
            "articles_without_sentences": [
                {"article_id": k, "why": r["why_no_sentences"]}
                for k, r in self.reports.items()
                if r["sentences"] == 0
            ],
        } | self.source.report()


def clean_corpus(
    path: str | Path,
    rules: CorpusRules,
    outlets: str | Path | None = None,
    keep_duplicate_ids: bool = False,
    option: str = "--keep-duplicate-ids",
) -> CorpusRun:
    """Read ``path`` twice (facts, then cleaning) and return every sentence and report; the
    warnings for the user are ``run.source.notices()``."""
    source = CorpusSource(
        path, rules, outlets, keep_duplicate_ids=keep_duplicate_ids, keep_option=option
    )
    facts = source.first_pass(lambda articles: progress.counted(articles, "read", unit="articles"))
    split = progress.counted(
        source.articles(), "clean and split", total=facts.n_articles, unit="articles"
    )
    sentences, reports = build_sentences(split, rules, facts)
    return CorpusRun(sentences, reports, facts, source)
