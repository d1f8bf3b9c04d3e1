"""Property-based tests of the corpus layer and the readers (Hypothesis): arbitrary Unicode,
line breaks and CSV quoting never crash, never lose a non-empty article silently, and keep
sentence ids unique."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.corpus import Article, CorpusRules, build_sentences, iter_articles
from framing.errors import FramingInputError

RULES = CorpusRules.with_overrides({})
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: every line break str.splitlines() knows, and news-like pieces, mixed into arbitrary text
BREAKS = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]
PIECES = [
    "Putin met Lam in Hanoi. ",
    "“We will see…” ",
    "U. S. ",
    "3. 6 billion ",
    "Share on Facebook",
    "(Photo: AFP)",
    "...",
    "😀",
    "Ø",
    "\u00a0",
    ". . .",
]
texts = st.lists(
    st.one_of(st.text(min_size=0, max_size=40), st.sampled_from(BREAKS + PIECES)), max_size=30
).map("".join)


@SETTINGS
@given(st.lists(texts, min_size=1, max_size=4))
def test_any_text_is_split_without_error_and_no_article_vanishes(bodies):
    articles = [Article(f"a{i}", body, outlet=f"o{i % 2}") for i, body in enumerate(bodies)]
    sentences, reports = build_sentences(articles, RULES)
    assert set(reports) == {a.article_id for a in articles}  # every article is reported
    for a in articles:
        rep = reports[a.article_id]
        mine = [s for s in sentences if s.article_id == a.article_id]
        assert rep["sentences"] == len(mine)
        if not mine:  # an article without sentences says why
            assert rep["why_no_sentences"]
    assert len({s.sentence_id for s in sentences}) == len(sentences)
    assert all(s.text.strip() and s.kind for s in sentences)


# the readers -------------------------------------------------------------------------------

field_text = st.text(min_size=0, max_size=60)


@SETTINGS
@given(st.lists(field_text, min_size=1, max_size=6))
def test_csv_written_with_any_quoting_reads_back_or_names_the_line(tmp_path, bodies):
    path = tmp_path / "news.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["article_id", "text"])
    for i, body in enumerate(bodies):
        writer.writerow([f"k{i}", body])
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    try:
        got = list(iter_articles(path))
    except FramingInputError as err:
        # refused, never crashed: an empty article is named by its line
        assert err.line is not None and str(path) in str(err)
        assert any(not b.strip() for b in bodies)
        return
    assert [a.text for a in got] == bodies  # nothing lost, nothing cut
    assert [a.article_id for a in got] == [f"k{i}" for i in range(len(bodies))]


@SETTINGS
@given(st.lists(field_text, min_size=1, max_size=6))
def test_jsonl_with_any_text_reads_back_or_names_the_line(tmp_path, bodies):
    path = tmp_path / "news.jsonl"
    path.write_text(
        "".join(
            json.dumps({"article_id": f"k{i}", "text": b}) + "\n" for i, b in enumerate(bodies)
        ),
        encoding="utf-8",
    )
    try:
        got = list(iter_articles(path))
    except FramingInputError as err:
        assert err.line is not None and any(not b.strip() for b in bodies)
        return
    assert [a.text for a in got] == bodies


@SETTINGS
@given(
    st.dictionaries(
        st.text(alphabet="abcXYZ_-0", min_size=1, max_size=6),
        st.text(min_size=1, max_size=80).filter(str.strip),
        min_size=1,
        max_size=5,
    )
)
def test_a_folder_of_text_files_reads_every_article_once(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("arts")
    for name, body in files.items():
        (folder / f"{name}.txt").write_text(body, encoding="utf-8", newline="")
    got = {a.article_id: a.text for a in iter_articles(folder)}
    assert got == files
