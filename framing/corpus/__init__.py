"""Corpus layer: read articles, strip site chrome, split sentences, find duplicates."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from framing.corpus.cleaning import CleanedArticle, clean_article
from framing.corpus.duplicates import duplicate_groups, normalise_for_matching
from framing.corpus.reading import Article, iter_articles, read_articles, read_outlets
from framing.corpus.rules import CorpusRules
from framing.corpus.splitting import split_sentences

__all__ = [
    "Article",
    "CorpusRules",
    "Sentence",
    "article_sentences",
    "build_sentences",
    "iter_articles",
    "read_articles",
    "read_outlets",
    "sentence_id",
]


@dataclass
class Sentence:
    sentence_id: str
    article_id: str
    outlet: str
    position: int
    text: str
    kind: str  # "headline" (first line of the page), "heading" (unpunctuated line), "sentence"
    dup_group: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def sentence_id(article_id: str, text: str, rules: CorpusRules | None = None) -> str:
    """Stable id from the article and the normalised text: re-cleaning keeps ids."""
    norm = rules.normalise(text) if rules is not None else normalise_for_matching(text)
    digest = hashlib.sha1(f"{article_id}\n{norm}".encode()).hexdigest()
    return f"s{digest[:12]}"


def article_sentences(
    article: Article, rules: CorpusRules
) -> tuple[list[Sentence], CleanedArticle]:
    """Clean and split one article; sentences carry no duplicate group yet."""
    cleaned = clean_article(article.article_id, article.text, rules)
    sentences: list[Sentence] = []
    seen: set[str] = set()
    for p_index, (line_no, paragraph) in enumerate(cleaned.paragraphs):
        parts = split_sentences(paragraph, rules)
        for text in parts:
            norm = rules.normalise(text)
            if rules.drop_repeated_sentences and norm in seen:
                from framing.corpus.cleaning import RemovedLine

                cleaned.removed.append(RemovedLine(line_no, "repeated_sentence", text))
                continue
            seen.add(norm)
            unpunctuated = not text.rstrip("”’\"')").endswith((".", "!", "?", ":"))
            if p_index == 0 and len(parts) == 1 and len(text.split()) <= 20:
                kind = "headline"
            elif len(parts) == 1 and unpunctuated:
                kind = "heading"
            else:
                kind = "sentence"
            sentences.append(
                Sentence(
                    sentence_id=sentence_id(article.article_id, text, rules),
                    article_id=article.article_id,
                    outlet=article.outlet,
                    position=len(sentences),
                    text=text,
                    kind=kind,
                )
            )
    cleaned.removed.sort(key=lambda r: r.line)
    return sentences, cleaned


def iter_sentences(articles: Iterable[Article], rules: CorpusRules) -> Iterator[Sentence]:
    """Stream sentences article by article (no duplicate detection: for prediction)."""
    for article in articles:
        yield from article_sentences(article, rules)[0]


def build_sentences(
    articles: Iterable[Article], rules: CorpusRules
) -> tuple[list[Sentence], dict[str, dict]]:
    """All sentences with duplicate groups across articles, and a cleaning report per article."""
    sentences: list[Sentence] = []
    reports: dict[str, dict] = {}
    for article in articles:
        sents, cleaned = article_sentences(article, rules)
        sentences.extend(sents)
        reports[article.article_id] = cleaned.report() | {"sentences": len(sents)}
    groups = duplicate_groups([s.text for s in sentences], rules)
    for s, root in zip(sentences, groups, strict=True):
        s.dup_group = "g" + sentences[root].sentence_id[1:]
    return sentences, reports
