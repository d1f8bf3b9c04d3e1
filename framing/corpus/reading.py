"""Read articles from a folder of .txt (or .html) files, a JSONL, CSV or Parquet file, a pandas
DataFrame or a Hugging Face ``datasets.Dataset``.

Every reader yields ``Article`` records one at a time, so prediction over a large corpus never
holds it all in memory. Bad input raises ``FramingInputError`` naming the file and line. The
outlet table and the two passes over a corpus are ``framing.corpus.source``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from framing.corpus.articles import Article, article_from_record, csv_rows, decode
from framing.corpus.discovery import (
    ARTICLE_SUFFIXES,
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    article_files,
    article_id_of,
)
from framing.corpus.html import read_html_page
from framing.corpus.tables import is_dataset, is_table, iter_dataset, iter_parquet, iter_table
from framing.errors import FramingInputError
from framing.io import read_jsonl

__all__ = [
    "HTML_SUFFIXES",
    "TEXT_SUFFIXES",
    "Article",
    "iter_articles",
]

#: a bad article file of a folder: (path, why) -> None; the reader skips it and goes on
OnBadFile = Callable[[Path, FramingInputError], None]
#: a path of a folder that is not read (not an article file, a link out, ...): (entry) -> None
OnNotRead = Callable[[dict], None]


def _read_text_file(path: Path, article_id: str) -> Article:
    text = decode(path.read_bytes(), path)
    if not text.strip():
        raise FramingInputError("the article is empty", file=path, field="text")
    return Article(article_id=article_id, text=text, source=str(path))


def _read_file(path: Path, article_id: str | None = None) -> Article:
    article_id = article_id if article_id is not None else path.stem
    if path.suffix.lower() in HTML_SUFFIXES:
        article = read_html_page(path)
        article.article_id = article_id
        return article
    return _read_text_file(path, article_id)


def _iter_jsonl(path: Path) -> Iterator[Article]:
    for line_no, record in read_jsonl(path):
        yield article_from_record(record, path, line_no, line_no)


def _iter_csv(path: Path) -> Iterator[Article]:
    fix = "name the article column 'text'; optional: article_id, outlet, title, date, url"
    for index, (line, row) in enumerate(csv_rows(path, ("text",), fix), start=1):
        yield article_from_record(row, path, line, index)


def _iter_folder(
    path: Path, on_bad_file: OnBadFile | None, on_not_read: OnNotRead | None
) -> Iterator[Article]:
    listing = article_files(path)
    if on_not_read is not None:
        for entry in listing.skipped:
            on_not_read(entry)
    if not listing.files:
        first = listing.skipped[0] if listing.skipped else None
        raise FramingInputError(
            "the folder holds no .txt or .html articles"
            + (
                f" ({len(listing.skipped)} path(s) not read, first {first['file']}: "
                f"{first['reason']})"
                if first
                else ""
            ),
            file=path,
        )
    for file in listing.files:
        try:
            article = _read_file(file, article_id_of(file, path))
        except (FramingInputError, OSError) as err:
            if on_bad_file is None:
                raise
            if not isinstance(err, FramingInputError):
                err = FramingInputError(f"cannot be read ({err.strerror})", file=file)
            on_bad_file(file, err)
            continue
        yield article


def iter_articles(
    path, on_bad_file: OnBadFile | None = None, on_not_read: OnNotRead | None = None
) -> Iterator[Article]:
    """Yield the articles at ``path``: a folder of ``.txt`` / ``.html`` files (subfolders
    included), a ``.jsonl``, a ``.csv`` (a row whose number of fields differs from the
    header's, or a quote never closed, is an error) or a ``.parquet`` file, a pandas DataFrame
    or a ``datasets.Dataset`` (``framing.corpus.tables``).

    In a folder one bad article file is passed to ``on_bad_file`` and skipped when a handler
    is given; without one it stops the read. Every other path of the folder that is not read
    (``framing.corpus.discovery``) is passed to ``on_not_read``.
    """
    if is_table(path):  # a pandas DataFrame, one row per article
        yield from iter_table(path)
        return
    if is_dataset(path):
        yield from iter_dataset(path)
        return
    if not isinstance(path, str | os.PathLike):
        raise FramingInputError(
            f"must be a path, a pandas DataFrame or a datasets.Dataset (got {type(path).__name__})",
            field="articles",
        )
    path = Path(path)
    if not path.exists():
        if path.is_symlink():
            raise FramingInputError("is a broken link", file=path)
        raise FramingInputError("does not exist", file=path)
    if path.is_dir():
        yield from _iter_folder(path, on_bad_file, on_not_read)
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _iter_jsonl(path)
    elif suffix == ".csv":
        yield from _iter_csv(path)
    elif suffix in ARTICLE_SUFFIXES:
        yield _read_file(path)
    elif suffix == ".parquet":
        yield from iter_parquet(path)
    else:
        raise FramingInputError(
            f"unsupported input type '{suffix}'",
            file=path,
            fix="give a folder of .txt or .html files, a .jsonl, a .csv or a .parquet file",
        )
