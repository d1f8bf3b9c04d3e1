"""Read articles from a folder of .txt (or .html) files, a JSONL file or a CSV file, plus outlet
metadata.

Every reader yields ``Article`` records one at a time, so prediction over a large corpus never
holds it all in memory. Bad input raises ``FramingInputError`` naming the file and line.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from framing.corpus.articles import ARTICLE_FIELDS, Article, article_from_record
from framing.corpus.html import read_html_page
from framing.corpus.tables import DATAFRAME, is_table, iter_parquet, iter_table
from framing.errors import FramingInputError
from framing.io import read_jsonl

#: file names a folder of articles may hold: plain text, and HTML pages (the [html] extra)
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise FramingInputError(
            f"is not valid UTF-8 (byte {err.start})",
            file=path,
            line=line,
            fix="re-save the file as UTF-8",
        ) from None


def _read_text_file(path: Path) -> Article:
    text = _decode(path.read_bytes(), path)
    if not text.strip():
        raise FramingInputError("the article is empty", file=path, field="text")
    return Article(article_id=path.stem, text=text, source=str(path))


def _read_file(path: Path) -> Article:
    if path.suffix.lower() in HTML_SUFFIXES:
        return read_html_page(path)
    return _read_text_file(path)


def _iter_jsonl(path: Path) -> Iterator[Article]:
    for line_no, record in read_jsonl(path):
        yield article_from_record(record, path, line_no, line_no)


def _iter_csv(path: Path) -> Iterator[Article]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    last_line = 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "text" not in reader.fieldnames:
                raise FramingInputError(
                    f"has no 'text' column (columns: {reader.fieldnames or []})",
                    file=path,
                    line=1,
                    field="text",
                    fix="name the article column 'text'; optional: " + ", ".join(ARTICLE_FIELDS),
                )
            width = len(reader.fieldnames)
            for index, row in enumerate(reader, start=1):
                # line_num counts physical lines, so quoted newlines keep the number honest.
                last_line = reader.line_num
                fields = width + len(row.get(None) or []) - sum(v is None for v in row.values())
                if fields != width:
                    raise FramingInputError(
                        f"the row has {fields} fields, the header {width}",
                        file=path,
                        line=reader.line_num,
                        fix="quote every field that holds a comma or a line break",
                    )
                yield article_from_record(row, path, reader.line_num, index)
    except UnicodeDecodeError:
        raise FramingInputError(
            "is not valid UTF-8", file=path, line=last_line + 1, fix="re-save the file as UTF-8"
        ) from None


def iter_articles(
    path: str | Path,
    on_bad_file: Callable[[Path, FramingInputError], None] | None = None,
) -> Iterator[Article]:
    """Yield the articles at ``path``: a folder of ``.txt`` / ``.html`` files, a ``.jsonl``, a
    ``.csv`` (a row whose number of fields differs from the header's is an error) or a
    ``.parquet`` file, or a pandas DataFrame (``framing.corpus.tables``).

    In a folder one bad file is passed to ``on_bad_file`` and skipped when a handler is
    given (prediction reports and skips it); without one it stops the read.
    """
    if is_table(path):  # a pandas DataFrame, one row per article
        yield from iter_table(path)
        return
    path = Path(path)
    if not path.exists():
        raise FramingInputError("does not exist", file=path)
    if path.is_dir():
        suffixes = TEXT_SUFFIXES + HTML_SUFFIXES
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes and p.is_file())
        if not files:
            raise FramingInputError("the folder holds no .txt or .html articles", file=path)
        for file in files:
            try:
                article = _read_file(file)
            except (FramingInputError, OSError) as err:
                if on_bad_file is None:
                    raise
                if not isinstance(err, FramingInputError):
                    err = FramingInputError(f"cannot be read ({err.strerror})", file=file)
                on_bad_file(file, err)
                continue
            yield article
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _iter_jsonl(path)
    elif suffix == ".csv":
        yield from _iter_csv(path)
    elif suffix in TEXT_SUFFIXES + HTML_SUFFIXES:
        yield _read_file(path)
    elif suffix == ".parquet":
        yield from iter_parquet(path)
    else:
        raise FramingInputError(
            f"unsupported input type '{suffix}'",
            file=path,
            fix="give a folder of .txt or .html files, a .jsonl, a .csv or a .parquet file",
        )


def read_articles(path: str | Path, outlets: str | Path | None = None) -> list[Article]:
    """Read every article and attach outlet metadata from an outlet table when given."""
    articles = list(iter_articles_with_outlets(path, outlets))
    if not articles:
        raise FramingInputError("holds no articles", file=DATAFRAME if is_table(path) else path)
    ids = ArticleIds()
    for article in articles:
        ids.add(article)
    check_duplicate_ids(ids.duplicates, {}, keep_both=False, option="")
    return articles


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


def iter_articles_with_outlets(
    path: str | Path,
    outlets: str | Path | None = None,
    on_bad_file: Callable[[Path, FramingInputError], None] | None = None,
) -> Iterator[Article]:
    """``iter_articles`` with the outlet table's outlet, headline and date attached (the
    table wins over the article's own fields): one article at a time, so a corpus can be
    read twice (facts, then cleaning) without holding it in memory."""
    table = read_outlets(outlets) if outlets is not None else {}
    for article in iter_articles(path, on_bad_file=on_bad_file):
        meta = table.get(article.article_id)
        if meta:
            article.outlet = meta.get("outlet") or article.outlet
            article.title = meta.get("headline") or article.title
            article.date = meta.get("date") or article.date
            article.meta.update(meta)
        yield article


def read_outlets(path: str | Path) -> dict[str, dict[str, str]]:
    """Outlet table keyed by article_id (CSV with at least article_id and outlet columns)."""
    path = Path(path)
    if not path.exists():
        raise FramingInputError("the outlet table does not exist", file=path)
    _decode(path.read_bytes(), path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for needed in ("article_id", "outlet"):
            if needed not in (reader.fieldnames or []):
                raise FramingInputError(
                    f"has no '{needed}' column", file=path, line=1, field=needed
                )
        table = {}
        for row in reader:
            if not row["article_id"]:
                raise FramingInputError(
                    "empty article_id", file=path, line=reader.line_num, field="article_id"
                )
            table[row["article_id"]] = {k: (v or "") for k, v in row.items()}
    return table
