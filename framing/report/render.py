"""HTML pieces of the study report, each safe to place in the page as it is: markdown rendered
with raw HTML escaped, tables escaped by pandas, images inlined as data URIs (the page is one
file that opens from disk, with no network)."""

from __future__ import annotations

import base64
from pathlib import Path

from markupsafe import Markup, escape

#: image types a browser shows from a data URI, by file suffix
IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


def markdown_html(text: str, shift: int = 2) -> Markup:
    """CommonMark + tables to HTML; raw HTML in the text is shown as text, never run, and
    headings move ``shift`` levels down so a file's "# Title" sits under its section."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + shift)
            token.tag = f"h{level}"
    return Markup(parser.renderer.render(tokens, parser.options, {}))


def inline_markdown(text: str) -> Markup:
    """One line of markdown (`code`, *emphasis*) as HTML, raw HTML escaped."""
    from markdown_it import MarkdownIt

    return Markup(MarkdownIt("commonmark", {"html": False}).renderInline(text))


def table_html(frame, caption: str | None = None) -> Markup:
    """A DataFrame as an HTML table (cells escaped)."""
    html = frame.to_html(index=False, escape=True, na_rep="", border=0, classes="data")
    if caption:
        html = html.replace(">", f"><caption>{escape(caption)}</caption>", 1)
    return Markup(html)


def image_data_uri(path: Path) -> str:
    """The image file as a data URI (inlined: the page needs no other file)."""
    kind = IMAGE_TYPES[path.suffix.lower()]
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def percent(share: float, decimals: int = 1) -> str:
    return f"{100 * share:.{decimals}f}%"
