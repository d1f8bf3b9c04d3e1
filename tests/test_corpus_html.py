"""HTML pages as input (the [html] extra): text and metadata through trafilatura, and the
pages that cannot be articles skipped with their reason."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from framing.corpus import iter_articles
from framing.errors import FramingInputError

pytestmark = pytest.mark.extra("html")

PAGE = """<!DOCTYPE html>
<html><head><title>Putin visits Hanoi | Example News</title>
<meta property="og:title" content="Putin visits Hanoi">
<meta property="article:published_time" content="2024-06-20T08:00:00Z">
<link rel="canonical" href="https://www.example-news.com/world/putin-hanoi"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Putin visits Hanoi</h1>
<p>Russian President Vladimir Putin arrived in Hanoi on Thursday for a state visit, his first
to Vietnam since 2017, and was greeted by senior officials at the airport.</p>
<p>He met President To Lam and the two leaders signed a dozen agreements on energy, education
and science, according to the Vietnamese foreign ministry.</p>
<p>The United States embassy criticised the visit, saying no country should give Putin a
platform to promote his war of aggression.</p></article>
<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>
"""
NAVIGATION_ONLY = (
    "<html><head><title>Example News</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
    "<li><a href='/world'>World</a></li><li><a href='/sport'>Sport</a></li></ul></nav>"
    "<footer>Copyright 2024</footer></body></html>"
)


def _unknown_encoding() -> bytes:
    rng = random.Random(0)
    junk = bytes(rng.randrange(0x80, 0x100) for _ in range(3000))
    return b'<html><head><meta charset="x-unknown"></head><body><p>' + junk + b"</p></body></html>"


def test_an_html_page_gives_its_text_title_date_url_and_outlet(tmp_path):
    page = tmp_path / "putin.html"
    page.write_text(PAGE, encoding="utf-8")
    (article,) = iter_articles(page)
    assert article.article_id == "putin"
    assert article.title == "Putin visits Hanoi"
    assert article.date == "2024-06-20"
    assert article.url == "https://www.example-news.com/world/putin-hanoi"
    assert article.outlet == "example-news.com"
    assert "signed a dozen agreements" in article.text
    assert "Sport" not in article.text and "Copyright" not in article.text


def test_pages_that_are_not_articles_are_skipped_with_the_reason(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "good.html").write_text(PAGE, encoding="utf-8")
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (folder / "menu.html").write_text(NAVIGATION_ONLY, encoding="utf-8")
    (folder / "strange.htm").write_bytes(_unknown_encoding())
    (folder / "blank.html").write_text("<html><body></body></html>", encoding="utf-8")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "framing.corpus", str(folder), "--report", str(report)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    skipped = {
        s["file"].rsplit("/", 1)[-1]: s["reason"] for s in json.loads(report.read_text())["skipped"]
    }
    assert skipped == {
        "blank.html": "no article text found (an empty page, or only navigation)",
        "image.html": "is not an HTML page (binary content)",
        "menu.html": "no article text found (an empty page, or only navigation)",
        "strange.htm": "is in an encoding that could not be recognised",
    }
    assert done.stderr.count("warning: skipped") == 4
    assert "| good | en | 4 |" in done.stdout  # the good page: title and three sentences


def test_a_folder_in_which_no_page_survives_stops_with_one_error(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "menu.html").write_text(NAVIGATION_ONLY, encoding="utf-8")
    (folder / "image.html").write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "sentences.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "framing.corpus", str(folder), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    errors = [x for x in done.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 1 and "no article could be read: 2 file(s) skipped" in errors[0]
    assert not out.exists()


def test_a_single_page_that_is_not_an_article_is_an_error(tmp_path):
    page = tmp_path / "menu.html"
    page.write_text(NAVIGATION_ONLY, encoding="utf-8")
    with pytest.raises(FramingInputError, match=r"menu\.html: no article text found"):
        list(iter_articles(page))
