"""The article record every reader yields (a file, a JSONL line, a CSV or table row), in a
module of its own so the readers of each format (``reading``, ``html``, ``tables``) share it
without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import FramingInputError

ARTICLE_FIELDS = ("article_id", "outlet", "title", "date", "url")


@dataclass
class Article:
    article_id: str
    text: str
    outlet: str = "unknown"
    title: str = ""
    date: str = ""
    url: str = ""
    source: str = ""
    meta: dict = field(default_factory=dict)


def article_from_record(record: dict, path: Path, line: int, index: int) -> Article:
    text = record.get("text")
    if text is None:
        raise FramingInputError(
            "missing the text of the article", file=path, line=line, field="text"
        )
    if not isinstance(text, str) or not text.strip():
        raise FramingInputError("the article text is empty", file=path, line=line, field="text")
    article_id = str(record.get("article_id") or f"{path.stem}-{index:06d}")
    extra = {k: v for k, v in record.items() if k not in ARTICLE_FIELDS and k != "text"}
    return Article(
        article_id=article_id,
        text=text,
        outlet=str(record.get("outlet") or "unknown"),
        title=str(record.get("title") or ""),
        date=str(record.get("date") or ""),
        url=str(record.get("url") or ""),
        source=f"{path}:{line}",
        meta=extra,
    )
