"""HTML pages as articles, through trafilatura (the ``[html]`` extra): the main text, and the
title, date and URL it finds; the outlet is the URL's web domain.

A page that cannot be an article is refused with the reason (``FramingInputError``), which a
folder read reports and skips: binary content under an .html name, an encoding no decoder
accepts, no article text (an empty page, or only navigation).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from framing.corpus.articles import Article
from framing.distribution import install_command
from framing.errors import FramingInputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
#: an extracted text with no line this long is a menu or a list of links, not an article
MIN_PROSE_WORDS = 6
#: share of replacement characters above which a decoding is judged wrong
MAX_REPLACEMENT_SHARE = 0.01


def _require_trafilatura():
    try:
        import trafilatura
    except ImportError:
        raise FramingInputError(
            "reading .html pages needs the optional [html] dependencies",
            fix=install_command("html"),
        ) from None
    return trafilatura


def decode_page(raw: bytes, path: Path) -> str:
    """The page as text: UTF-8, else the charset the page declares, else trafilatura's guess;
    binary content or an encoding nothing decodes is refused."""
    if b"\x00" in raw[:8192]:
        raise FramingInputError("is not an HTML page (binary content)", file=path)
    candidates = ["utf-8"]
    declared = _META_CHARSET.search(raw[:4096])
    if declared:
        candidates.append(declared.group(1).decode("ascii", "ignore").lower())
    from trafilatura.utils import detect_encoding

    for encoding in candidates + [e for e in detect_encoding(raw) if e not in candidates]:
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        if text.count("\ufffd") <= MAX_REPLACEMENT_SHARE * max(len(text), 1):
            return text.lstrip("\ufeff")
    raise FramingInputError(
        "is in an encoding that could not be recognised", file=path, fix="re-save it as UTF-8"
    )


def outlet_from_url(url: str) -> str:
    """The web domain of ``url`` without "www." ("https://www.x.com/a" -> "x.com")."""
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host.removeprefix("www.")


def read_html_page(path: Path) -> Article:
    trafilatura = _require_trafilatura()
    raw = path.read_bytes()
    if not raw.strip():
        raise FramingInputError("the page is empty", file=path)
    text = decode_page(raw, path)
    if "<" not in text[:65536]:
        raise FramingInputError("is not an HTML page (no markup)", file=path)
    # favor_precision: news pages carry much boilerplate; recall-oriented extraction returns
    # a navigation-only page's menu as its "text"
    document = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, favor_precision=True
    )
    body = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not any(len(line.split()) >= MIN_PROSE_WORDS for line in body.splitlines()):
        raise FramingInputError(
            "no article text found (an empty page, or only navigation)", file=path
        )
    url = getattr(document, "url", None) or ""
    return Article(
        article_id=path.stem,
        text=body,
        outlet=outlet_from_url(url) or "unknown",
        title=getattr(document, "title", None) or "",
        date=getattr(document, "date", None) or "",
        url=url,
        source=str(path),
    )
