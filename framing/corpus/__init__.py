"""Corpus layer: read articles, strip site chrome, split sentences, find duplicates.

Two passes when the whole corpus is at hand: ``gather_corpus_facts`` (chrome an outlet
repeats across its stories, article ids used twice) and then ``article_sentences`` per
article with those facts. Without facts each article is cleaned on its own evidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields

from framing.corpus.cleaning import CleanedArticle, RemovedLine, clean_article
from framing.corpus.debris import PageContext, debris_reason
from framing.corpus.duplicates import duplicate_groups
from framing.corpus.facts import CorpusFacts, gather_corpus_facts
from framing.corpus.language import UNDETERMINED, detect_language
from framing.corpus.reading import Article, iter_articles, read_articles, read_outlets
from framing.corpus.rules import CorpusRules, normalise_for_matching
from framing.corpus.splitting import split_sentences
from framing.corpus.units import unit_kind

__all__ = [
    "Article",
    "CorpusFacts",
    "CorpusRules",
    "SENTENCE_FIELDS",
    "Sentence",
    "article_sentences",
    "build_sentences",
    "for_classification",
    "gather_corpus_facts",
    "iter_articles",
    "read_articles",
    "read_outlets",
    "sentence_id",
]

#: the fields of a sentence in a labelled set (the gold file's columns before the labels)
SENTENCE_FIELDS = ("sentence_id", "article_id", "outlet", "position", "text", "kind", "dup_group")


@dataclass(slots=True)
class Sentence:
    sentence_id: str
    article_id: str
    outlet: str
    position: int
    text: str
    #: "headline" (first line of the page), "heading" (a short unpunctuated line),
    #: "sentence", "truncated" (cut off at the end of its paragraph)
    kind: str
    dup_group: str = ""
    #: the article's language (ISO 639-1, "und" when undetermined)
    language: str = ""
    #: its duplicate group spans outlets: one story carried by several outlets
    syndicated: bool = False
    #: 1-based line of the source text the sentence came from
    line: int = 0

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def labelled_fields(self) -> dict:
        return {k: getattr(self, k) for k in SENTENCE_FIELDS}


def sentence_id(article_id: str, text: str, rules: CorpusRules | None = None) -> str:
    """Stable id from the article and the normalised text: re-cleaning keeps ids."""
    norm = rules.normalise(text) if rules is not None else normalise_for_matching(text)
    digest = hashlib.sha1(f"{article_id}\n{norm}".encode()).hexdigest()
    return f"s{digest[:12]}"


def article_language(cleaned: CleanedArticle, rules: CorpusRules) -> tuple[str, float]:
    text = "\n".join(p for _, p in cleaned.paragraphs)
    return detect_language(text, rules.detect_chars)


def article_sentences(
    article: Article, rules: CorpusRules, facts: CorpusFacts | None = None
) -> tuple[list[Sentence], CleanedArticle]:
    """Clean and split one article; sentences carry no duplicate group yet. The cleaning
    report (``CleanedArticle.report()``) also holds the article's language."""
    cleaned = clean_article(
        article.article_id, article.text, rules, facts, outlet=article.outlet, url=article.url
    )
    language, probability = article_language(cleaned, rules)
    cleaned.language, cleaned.language_probability = language, probability
    in_study_language = language in rules.languages or language == UNDETERMINED
    context = PageContext(outlet=article.outlet, url=article.url)
    sentences: list[Sentence] = []
    seen: set[str] = set()
    for p_index, (line_no, paragraph) in enumerate(cleaned.paragraphs):
        parts = split_sentences(paragraph, rules, None if in_study_language else language)
        for u_index, text in enumerate(parts):
            if (
                len(parts) > 1
                and len(text.split()) <= rules.debris.max_sentence_words
                and not rules.protected(text)
            ):
                why = debris_reason(text, rules.debris, context)
                if why:  # a call to action or a credit glued into a paragraph
                    cleaned.removed.append(RemovedLine(line_no, "debris_score", text, why))
                    continue
            norm = rules.normalise(text)
            if rules.drop_repeated_sentences and norm in seen:
                cleaned.removed.append(RemovedLine(line_no, "repeated_sentence", text))
                continue
            seen.add(norm)
            kind = unit_kind(
                text,
                rules,
                first_paragraph=p_index == 0,
                only_unit=len(parts) == 1,
                last_in_paragraph=u_index == len(parts) - 1,
                english=in_study_language and "en" in rules.languages,
            )
            sentences.append(
                Sentence(
                    sentence_id=sentence_id(article.article_id, text, rules),
                    article_id=article.article_id,
                    outlet=article.outlet,
                    position=len(sentences),
                    text=text,
                    kind=kind,
                    language=language,
                    line=line_no,
                )
            )
    cleaned.removed.sort(key=lambda r: r.line)
    return sentences, cleaned


def why_no_sentences(cleaned: CleanedArticle) -> str:
    """Why an article with text gave no sentence (for the reports: no article vanishes)."""
    if not cleaned.paragraphs:
        return "every line was removed as page debris" if cleaned.removed else "no text"
    return "no classifiable text (no letter or digit in what was kept)"


def for_classification(sentences: Iterable[Sentence], rules: CorpusRules) -> list[Sentence]:
    """The sentences that are coded and classified: truncated pieces are left out unless the
    rules keep them (``units.keep_truncated``)."""
    return [s for s in sentences if rules.keep_truncated or s.kind != "truncated"]


def iter_sentences(
    articles: Iterable[Article], rules: CorpusRules, facts: CorpusFacts | None = None
) -> Iterator[Sentence]:
    """Stream sentences article by article (no duplicate detection: for prediction)."""
    for article in articles:
        yield from for_classification(article_sentences(article, rules, facts)[0], rules)


def build_sentences(
    articles: Iterable[Article], rules: CorpusRules, facts: CorpusFacts | None = None
) -> tuple[list[Sentence], dict[str, dict]]:
    """All sentences with duplicate groups across articles, and a cleaning report per article.

    Without ``facts`` the articles are held in a list and read twice (facts, then cleaning);
    a caller that can read its input twice passes the facts and an iterator instead."""
    if facts is None:
        articles = list(articles)
        facts = gather_corpus_facts(articles, rules)
    sentences: list[Sentence] = []
    reports: dict[str, dict] = {}
    for article in articles:
        sents, cleaned = article_sentences(article, rules, facts)
        sentences.extend(sents)
        reports[article.article_id] = cleaned.report() | {"sentences": len(sents)}
        if not sents:
            reports[article.article_id]["why_no_sentences"] = why_no_sentences(cleaned)
    groups = duplicate_groups([s.text for s in sentences], rules)
    outlets_of: dict[int, set[str]] = {}
    group_ids: dict[int, str] = {}  # one string per group, shared by its sentences
    for s, root in zip(sentences, groups, strict=True):
        s.dup_group = group_ids.setdefault(root, "g" + sentences[root].sentence_id[1:])
        outlets_of.setdefault(root, set()).add(s.outlet)
    for s, root in zip(sentences, groups, strict=True):
        s.syndicated = len(outlets_of[root]) > 1
    return sentences, reports
