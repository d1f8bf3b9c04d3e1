"""Article ids used by more than one article: found while reading, refused or renamed.

An article id keys the outlet table, the sentence ids and every count per article, so two
articles with one id would silently merge. The first pass records every id with where it came
from; a repeated id stops the read naming both sources, unless the user keeps both, and then
the second, third, ... article is renamed ``id~2``, ``id~3``.
"""

from __future__ import annotations

from framing.corpus.articles import Article
from framing.errors import FramingInputError


class ArticleIds:
    """Which article ids are used by more than one article, and where (fed one at a time)."""

    def __init__(self) -> None:
        self.first_source: dict[str, str] = {}
        self.duplicates: dict[str, list[str]] = {}

    def add(self, article: Article) -> None:
        source = article.source or f"article {len(self.first_source) + 1}"
        first = self.first_source.setdefault(article.article_id, source)
        if first is not source:
            self.duplicates.setdefault(article.article_id, [first]).append(source)

    def renaming(self) -> dict[str, list[str]]:
        """New ids for the second, third, ... article of each duplicated id ("story~2")."""
        renamed: dict[str, list[str]] = {}
        for article_id, sources in self.duplicates.items():
            new_ids, k = [], 1
            while len(new_ids) < len(sources) - 1:
                k += 1
                if f"{article_id}~{k}" not in self.first_source:
                    new_ids.append(f"{article_id}~{k}")
            renamed[article_id] = new_ids
        return renamed


def check_duplicate_ids(
    duplicates: dict[str, list[str]], renamed: dict[str, list[str]], keep_both: bool, option: str
) -> list[str]:
    """Stop on an article id used twice, naming both sources, unless ``keep_both``; then
    return what is renamed, one line per id. ``option``: how the user keeps both."""
    if duplicates and not keep_both:
        article_id, sources = next(iter(duplicates.items()))
        more = len(duplicates) - 1
        raise FramingInputError(
            f"article id '{article_id}' is used by {len(sources)} articles: "
            + " and ".join(sources)
            + (f" ({more} more id(s) used twice)" if more else ""),
            field="article_id",
            fix="give each article its own id"
            + (f", or keep both with {option}" if option else ""),
        )
    return [
        f"{article_id} ({sources[0]}) kept; "
        + ", ".join(
            f"{new} ({src})" for new, src in zip(renamed[article_id], sources[1:], strict=True)
        )
        for article_id, sources in duplicates.items()
    ]
