"""The corpus layer on the web debris these news pages carry."""

from __future__ import annotations

import pytest

from framing.corpus import CorpusRules, build_sentences, iter_articles, read_articles
from framing.corpus.cleaning import clean_article
from framing.corpus.reading import Article
from framing.corpus.splitting import repair_text, split_sentences, unglue_word
from framing.errors import FramingInputError

from conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def rules(study) -> CorpusRules:
    return study.corpus_rules()  # the package's rules with the seed study's overrides


def test_us_split_by_a_space_is_one_token_and_not_a_boundary(rules):
    parts = split_sentences(
        "Viet Nam hosted U. S. President Joe Biden in 2023. It was a coup.", rules
    )
    assert parts == ["Viet Nam hosted U.S. President Joe Biden in 2023.", "It was a coup."]


def test_decimal_split_by_a_space_is_repaired(rules):
    text = "Trade amounted to 3. 6 billion U. S. dollars in 2023, up from 3. 5 billion."
    assert split_sentences(text, rules) == [
        "Trade amounted to 3.6 billion U.S. dollars in 2023, up from 3.5 billion."
    ]


@pytest.mark.parametrize(
    ("glued", "expected"),
    [
        ("decadedemonstrates", "decade demonstrates"),
        ("bodyso", "body so"),
        ("greatdespite", "great despite"),
        ("agreementproximity", "agreement proximity"),
    ],
)
def test_words_glued_without_a_space_are_split(rules, glued, expected):
    assert unglue_word(glued, rules) == expected


@pytest.mark.parametrize(
    "word",
    ["impartial", "geopolitical", "underscores", "schoolchildren", "longstanding", "headwinds"],
)
def test_real_words_are_not_split(rules, word):
    assert unglue_word(word, rules) == word


def test_glued_word_inside_a_sentence(rules):
    text = "The first visit in more than a decadedemonstrates the good relationship."
    assert repair_text(text, rules) == (
        "The first visit in more than a decade demonstrates the good relationship."
    )


def test_quote_closing_after_the_full_stop_stays_with_its_sentence(rules):
    text = "He said it was “null and void.” The Kremlin disagreed."
    assert split_sentences(text, rules) == [
        "He said it was “null and void.”",
        "The Kremlin disagreed.",
    ]


def test_stray_space_before_closing_quote(rules):
    text = "There is no room for “closed political-military blocs. ” Lam added more."
    assert split_sentences(text, rules) == [
        "There is no room for “closed political-military blocs.”",
        "Lam added more.",
    ]


def test_no_boundary_before_a_lowercase_word_or_after_an_initial(rules):
    assert split_sentences("It cushions isolation. from Moscow.", rules) == [
        "It cushions isolation. from Moscow."
    ]
    assert split_sentences("President Vladimir V. Putin of Russia arrived.", rules) == [
        "President Vladimir V. Putin of Russia arrived."
    ]


def test_stray_full_stops_collapse(rules):
    assert split_sentences("weapons and missile programs. . .", rules) == [
        "weapons and missile programs."
    ]


def test_heading_without_punctuation_stays_its_own_unit(rules):
    article = Article(
        article_id="a1",
        text=(
            "Main headline here\n\nBody sentence one. Body two.\nBamboo diplomacy\nNext paragraph."
        ),
    )
    sentences, _ = build_sentences([article], rules)
    assert [(s.text, s.kind) for s in sentences] == [
        ("Main headline here", "headline"),
        ("Body sentence one.", "sentence"),
        ("Body two.", "sentence"),
        ("Bamboo diplomacy", "heading"),
        ("Next paragraph.", "sentence"),
    ]


def test_site_chrome_is_removed_and_reported(rules):
    text = (
        "Connect with us\n\nBreaking News\n\nWhy Is Putin in Vietnam?\n\nPublished\n\non\n\n"
        "Why Is Putin in Vietnam?\n\nPutin went to Hanoi.\n\n"
        "See also  North Korea says deal requires assistance\n\nA real sentence.\n\n"
        "Keep reading:\n\n  • Teaser one\n  • Teaser two\n\n"
        "For Latest Updates Follow us on Google News\n\n-\n\n"
        "PREV Some other story\nNEXT Another story\n\nTrending\n"
    )
    cleaned = clean_article("x", text, rules)
    assert [p for _, p in cleaned.paragraphs] == [
        "Why Is Putin in Vietnam?",
        "Putin went to Hanoi.",
        "A real sentence.",
    ]
    report = cleaned.report()
    assert report["removed_by_rule"] == {
        "menu": 5,
        "repeated_headline": 1,
        "see_also": 1,
        "keep_reading_heading": 1,
        "list_teaser": 2,
        "follow_us": 1,
        "punctuation_only": 1,
        "prev_next_teaser": 2,
    }
    assert all(r["line"] >= 1 and r["text"] for r in report["removed"])


def test_sentences_that_look_like_teasers_or_bylines_are_kept(rules):
    text = "Next year, Hanoi hosts the summit.\n\nBy the numbers\n\nPREV Unrelated teaser story"
    cleaned = clean_article("x", text, rules)
    assert [p for _, p in cleaned.paragraphs] == [
        "Next year, Hanoi hosts the summit.",
        "By the numbers",
    ]


def test_photo_caption_and_byline_are_removed(rules):
    text = (
        "By EFE\n\nJun 20, 2024, 01:12 AM EDT\n\nFirst sentence.\n\n"
        "Putin arrives in Vietnam seeking support\nCredit: Minh Hoang | AP\n\nLast sentence."
    )
    cleaned = clean_article("x", text, rules)
    assert [p for _, p in cleaned.paragraphs] == ["First sentence.", "Last sentence."]
    assert {r.rule for r in cleaned.removed} == {
        "byline",
        "dateline_timestamp",
        "photo_caption",
        "photo_credit",
    }


def test_seed_articles_share_wire_text_in_duplicate_groups(rules):
    articles = read_articles(
        PROJECT_ROOT / "seeds/articles", outlets=PROJECT_ROOT / "seeds/outlets.csv"
    )
    sentences, reports = build_sentences(articles, rules)
    assert len(reports) == 5
    by_group: dict[str, set[str]] = {}
    for s in sentences:
        by_group.setdefault(s.dup_group, set()).add(s.article_id)
    cross = [g for g, arts in by_group.items() if len(arts) > 1]
    # 000 and 001 are both EFE copy: their shared paragraphs must be grouped together.
    assert len(cross) >= 8
    assert all(
        arts <= {"000_c46f3ec9252fcdd5", "001_966c919a24b1def7"}
        for g, arts in by_group.items()
        if g in cross
    )
    thayer = [s for s in sentences if "Carl Thayer" in s.text]
    assert len(thayer) == 2 and thayer[0].dup_group == thayer[1].dup_group
    # ids are unique and derived from article + normalised text
    assert len({s.sentence_id for s in sentences}) == len(sentences)


def test_near_duplicate_with_small_edits_joins_the_group(rules):
    a = Article(
        "a",
        "Vietnam has relied on Russia to purchase weapons in recent decades and its "
        "dependence remains great, despite efforts to diversify its suppliers.",
    )
    b = Article(
        "b",
        "The Asian country has relied on Russia to purchase weapons in recent decades "
        "and its dependence in this area remains great.",
    )
    c = Article("c", "Putin visited the presidential palace on Thursday afternoon.")
    sentences, _ = build_sentences([a, b, c], rules)
    assert sentences[0].dup_group == sentences[1].dup_group != sentences[2].dup_group


def test_repeated_pull_quote_within_an_article_is_dropped(rules):
    art = Article("a", "One sentence here. Another one.\n\nOne sentence here.")
    sentences, reports = build_sentences([art], rules)
    assert [s.text for s in sentences] == ["One sentence here.", "Another one."]
    assert reports["a"]["removed_by_rule"] == {"repeated_sentence": 1}


# ---------------------------------------------------------------- reading formats and bad input


def test_reads_jsonl_and_csv(tmp_path):
    jl = tmp_path / "a.jsonl"
    jl.write_text(
        '{"text": "One. Two.", "outlet": "X", "article_id": "k1"}\n\n{"text": "Three."}\n'
    )
    arts = list(iter_articles(jl))
    assert [(a.article_id, a.outlet) for a in arts] == [("k1", "X"), ("a-000003", "unknown")]
    cs = tmp_path / "a.csv"
    cs.write_text('text,outlet,title\n"Line one.\nLine two.",Y,T\n', encoding="utf-8")
    (art,) = iter_articles(cs)
    assert art.outlet == "Y" and art.title == "T" and "Line two." in art.text


def test_csv_without_text_column_names_file_and_column(tmp_path):
    cs = tmp_path / "bad.csv"
    cs.write_text("body,outlet\nhello,X\n")
    with pytest.raises(FramingInputError, match=r"bad\.csv.*line 1.*'text'"):
        list(iter_articles(cs))


def test_undecodable_bytes_name_the_file_and_line(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes(b"First line fine.\nSecond \xff\xfe broken.\n")
    with pytest.raises(FramingInputError, match=r"bad\.txt, line 2: is not valid UTF-8"):
        list(iter_articles(f))
    jl = tmp_path / "bad.jsonl"
    jl.write_bytes(b'{"text": "ok"}\n{"text": "\xff"}\n')
    with pytest.raises(FramingInputError, match=r"bad\.jsonl, line 2"):
        list(iter_articles(jl))


def test_empty_article_and_missing_text_field(tmp_path):
    jl = tmp_path / "a.jsonl"
    jl.write_text('{"text": "fine"}\n{"title": "no text"}\n')
    with pytest.raises(FramingInputError, match=r"line 2, field 'text'"):
        list(iter_articles(jl))
    folder = tmp_path / "arts"
    folder.mkdir()
    (folder / "empty.txt").write_text("   \n")
    with pytest.raises(FramingInputError, match=r"empty\.txt.*empty"):
        list(iter_articles(folder))


def test_bad_file_in_a_folder_can_be_skipped_and_reported(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    (folder / "a.txt").write_text("Good article.")
    (folder / "b.txt").write_bytes(b"\xff\xfe")
    skipped = []
    arts = list(iter_articles(folder, on_bad_file=lambda p, e: skipped.append((p.name, str(e)))))
    assert [a.article_id for a in arts] == ["a"]
    assert skipped and skipped[0][0] == "b.txt" and "UTF-8" in skipped[0][1]


def test_bad_cleaning_rule_names_the_rule():
    with pytest.raises(FramingInputError, match=r"chrome_lines\.broken"):
        CorpusRules.from_dict({"chrome_lines": {"broken": "(unclosed"}}, source="rules.yaml")


def test_the_study_overrides_the_package_rules(rules):
    """The seed study makes 'Viet Nam' match 'Vietnam' (its AP rewrite alternates them);
    the package's own rules know nothing of either spelling."""
    assert rules.normalise("Putin in Viet Nam.") == rules.normalise("Putin in Vietnam")
    package = CorpusRules.with_overrides({})
    assert package.normalise("Putin in Viet Nam.") == "putin in viet nam"
    assert "study.yaml" in rules.source and "study.yaml" not in package.source


def test_word_list_comes_from_wordfreq_and_equals_the_list_it_replaces():
    """The glued-word splitter's list is built from the installed wordfreq package; it is the
    same list (same words, same order) as the 159,442-word copy vendored before issue 12, so
    splitting the seed pages is unchanged (tests/test_data.py rebuilds the gold set)."""
    import hashlib
    from importlib import resources

    from framing.corpus.words import word_ranks

    words = list(word_ranks("en"))
    digest = hashlib.sha256("\n".join(words).encode()).hexdigest()
    assert len(words) == 159_442
    assert digest == "88d9164272d86666df6c6a0f977e2067aa6bd7d6de94e1323dfd7665904ff0c6"
    assert not resources.files("framing.corpus").joinpath("english_words.txt").is_file()


# ---------------------------------------------------------------- debris on pages of other sites


def test_debris_removal_on_the_held_out_pages_meets_the_target():
    """benchmarks/debris_pages/heldout was written and committed before any rule was tuned;
    removal must keep precision and recall of at least 0.95 on it."""
    from benchmarks.debris import score_half

    result = score_half("heldout")
    assert result["pages"] >= 20 and result["debris_units"] >= 150
    assert result["precision"] >= 0.95 and result["recall"] >= 0.95, result["errors"]


def test_package_rules_lose_no_coded_sentence_of_the_seed_pages(study):
    """With the package's rules alone (no study pins) the seed pages lose one unit of the gold
    set, the contributor credit its coders marked "Byline." with no frame; every sentence
    with a frame or a non-neutral stance survives."""
    import json

    gold = [
        json.loads(x) for x in (PROJECT_ROOT / "seeds/sentences.jsonl").read_text().splitlines()
    ]
    articles = read_articles(
        PROJECT_ROOT / "seeds/articles", outlets=PROJECT_ROOT / "seeds/outlets.csv"
    )
    package_rules = CorpusRules.with_overrides(
        {"near_duplicates": {"equivalent_phrases": {"viet nam": "vietnam"}}}
    )
    kept = {s.sentence_id for s in build_sentences(articles, package_rules)[0]}
    lost = [g for g in gold if g["sentence_id"] not in kept]
    assert [g["text"] for g in lost] == ["AP David Rising in Bangkok contributed to this report."]
    assert lost[0]["frames"] == [] and lost[0]["stance"] == "neutral"


# ---------------------------------------------------------------- corpus facts and debris


def _outlet_pages(n: int, chrome: str) -> list[Article]:
    stories = [
        "Parliament passed the budget after a long debate on Tuesday night.",
        "Floods closed the main road to the north for three days this week.",
        "The central bank kept its interest rate unchanged on Thursday morning.",
        "A new rail line opened between the two largest cities on Monday.",
    ]
    return [
        Article(f"p{i}", f"Story {i}\n{chrome}\n{stories[i]}", outlet="Daily X", source=f"p{i}")
        for i in range(n)
    ]


def test_a_line_an_outlet_repeats_on_three_stories_is_its_chrome(rules):
    from framing.corpus import article_sentences, gather_corpus_facts

    chrome = "Analysis and commentary on Asian affairs"  # no debris pattern of its own
    pages = _outlet_pages(3, chrome)
    facts = gather_corpus_facts(pages, rules)
    sentences, cleaned = article_sentences(pages[0], rules, facts)
    assert chrome not in [s.text for s in sentences]
    assert [r.rule for r in cleaned.removed] == ["repeated_chrome"]
    # on two stories it is not evidence enough, and without facts nothing is removed
    assert chrome in [s.text for s in article_sentences(pages[0], rules)[0]]
    two = gather_corpus_facts(_outlet_pages(2, chrome), rules)
    assert chrome in [s.text for s in article_sentences(pages[0], rules, two)[0]]


def test_updated_versions_of_one_story_do_not_make_its_lines_chrome(rules):
    from framing.corpus import article_sentences, gather_corpus_facts

    body = "The central bank kept its interest rate unchanged on Thursday, citing inflation."
    versions = [
        Article(f"v{i}", f"Rates on hold\nThe decision surprised few.\n{body}", outlet="Daily X")
        for i in range(4)
    ]
    facts = gather_corpus_facts(versions, rules)
    texts = [s.text for s in article_sentences(versions[0], rules, facts)[0]]
    assert "The decision surprised few." in texts and body in texts


def test_debris_that_matches_no_site_rule_is_scored_and_the_reason_reported(rules):
    text = (
        "Port strike ends after wage deal\n"
        "Thu, June 20, 2024 at 4:12 AM GMT+2 · 3 min read\n"
        "Dockworkers returned to work on Friday after a new contract was agreed.\n"
        "Join our WhatsApp channel for the latest news\n"
        "Dockers walk past containers in the port. (Photo by Jane Doe / Harbor Times)\n"
        "Your email address will not be published. Required fields are marked *\n"
        "The union said the deal raises wages by a fifth. Click here to subscribe.\n"
    )
    sentences, reports = build_sentences([Article("a", text, outlet="Harbor Times")], rules)
    assert [s.text for s in sentences] == [
        "Port strike ends after wage deal",
        "Dockworkers returned to work on Friday after a new contract was agreed.",
        "The union said the deal raises wages by a fifth.",
    ]
    removed = reports["a"]["removed"]
    assert {r["rule"] for r in removed} == {"debris_score"}
    why = {r["text"][:12]: r["why"] for r in removed}
    assert "timestamp" in why["Thu, June 20"] and "call_to_action" in why["Join our Wha"]
    assert "credit" in why["Dockers walk"] and "comment_form" in why["Your email a"]


def test_a_syndication_prefix_is_cut_and_the_line_kept(rules):
    text = "Museum returns bronzes\n(Heritage Post) — A museum handed back 31 bronzes on Monday."
    sentences, reports = build_sentences([Article("a", text)], rules)
    assert sentences[1].text == "A museum handed back 31 bronzes on Monday."
    assert reports["a"]["removed_by_rule"] == {"source_in_parentheses": 1}


# ---------------------------------------------------------------- unit kinds


def test_ellipsis_survives_and_a_cut_excerpt_is_truncated(rules):
    from framing.corpus import for_classification

    text = (
        "Coffee prices hit a record\n\n"
        "A drought damaged farms across the highlands. Exporters warned that shipments could "
        "fall by a fifth this season…\n\n"
        "Shipping lines said it would take days to clear the backlog in the terminals of"
    )
    sentences, _ = build_sentences([Article("a", text)], rules)
    kinds = {s.text: s.kind for s in sentences}
    assert kinds["Exporters warned that shipments could fall by a fifth this season…"] == (
        "truncated"
    )
    cut = "Shipping lines said it would take days to clear the backlog in the terminals of"
    assert kinds[cut] == "truncated"
    kept = [s.text for s in for_classification(sentences, rules)]
    assert cut not in kept and "A drought damaged farms across the highlands." in kept
    assert split_sentences("He paused... Then he went on.", rules) == [
        "He paused...",
        "Then he went on.",
    ]


def test_a_sentence_without_its_full_stop_is_a_sentence_and_a_heading_a_heading():
    package_rules = CorpusRules.with_overrides({})
    text = (
        "Floods in the north\n\nRescue teams reached the villages on Tuesday.\n\n"
        "What comes next\n\n"
        "Third, services now make up a quarter of the region's exports\n\n"
        "None of this is new."
    )
    sentences, _ = build_sentences([Article("a", text)], package_rules)
    assert [(s.text, s.kind) for s in sentences][1:4] == [
        ("Rescue teams reached the villages on Tuesday.", "sentence"),
        ("What comes next", "heading"),
        ("Third, services now make up a quarter of the region's exports", "sentence"),
    ]


# ---------------------------------------------------------------- duplicates


def test_a_short_headline_never_joins_a_long_sentence_on_a_few_shared_words(rules):
    headline = Article("h", "Putin visits Vietnam for trade talks", outlet="Outlet A")
    long = Article(
        "l",
        "Officials said that when Putin visits Vietnam for trade talks next year, the two "
        "governments expect to sign agreements on energy, fisheries, railways and the "
        "training of engineers at Russian universities.",
        outlet="Outlet B",
    )
    sentences, _ = build_sentences([headline, long], rules)
    assert sentences[0].dup_group != sentences[1].dup_group
    assert not any(s.syndicated for s in sentences)


def test_a_quoted_sentence_joins_the_longer_one_that_contains_it(rules):
    quote = Article(
        "q", "Vietnam will never forget the support of the Russian people, he said.", outlet="A"
    )
    long = Article(
        "l",
        "In the words of the deputy prime minister at a meeting last year: Vietnam will never "
        "forget the support of the Russian people, he said, to applause from the delegation.",
        outlet="B",
    )
    sentences, _ = build_sentences([quote, long], rules)
    assert sentences[0].dup_group == sentences[1].dup_group
    assert all(s.syndicated for s in sentences)  # one story carried by two outlets


def test_seed_duplicate_groups_are_the_groups_of_the_labelled_set(study):
    """The indexed join gives the seed sentences exactly the groups the gold set records."""
    import json

    from framing.coding.gold import study_sentences

    gold = {
        r["sentence_id"]: r["dup_group"]
        for r in map(json.loads, (PROJECT_ROOT / "seeds/sentences.jsonl").read_text().splitlines())
    }
    sentences, _ = study_sentences(study)
    assert {s.sentence_id: s.dup_group for s in sentences} == gold
    assert len(set(gold.values())) < len(gold)  # there are groups to get right


def test_syndicated_copies_are_flagged_on_the_seed_sentences(study):
    from framing.coding.gold import study_sentences

    sentences, _ = study_sentences(study)
    syndicated = {s.article_id for s in sentences if s.syndicated}
    assert syndicated == {"000_c46f3ec9252fcdd5", "001_966c919a24b1def7"}  # the two EFE copies


# ---------------------------------------------------------------- language


def test_an_article_in_another_language_is_detected_and_split_by_its_own_rules(rules):
    german = (
        "Putin besucht Hanoi\n\n"
        "Der russische Präsident traf am 3. Mai in Hanoi ein, wie Dr. Müller berichtete. "
        "Die beiden Länder unterzeichneten ein Dutzend Abkommen über Energie und Bildung."
    )
    sentences, reports = build_sentences([Article("de1", german)], rules)
    assert reports["de1"]["language"] == "de"
    assert {s.language for s in sentences} == {"de"}
    assert [s.text for s in sentences][1:] == [
        "Der russische Präsident traf am 3. Mai in Hanoi ein, wie Dr. Müller berichtete.",
        "Die beiden Länder unterzeichneten ein Dutzend Abkommen über Energie und Bildung.",
    ]


# ---------------------------------------------------------------- input formats


def test_a_csv_row_with_more_or_fewer_fields_than_the_header_names_its_line(tmp_path):
    cs = tmp_path / "news.csv"
    cs.write_text(
        'article_id,outlet,text\na1,X,"Fine, quoted."\na2,Y,Putin, in Hanoi, met Lam.\n',
        encoding="utf-8",
    )
    with pytest.raises(FramingInputError, match=r"news\.csv, line 3: the row has 5 fields"):
        list(iter_articles(cs))
    cs.write_text("article_id,outlet,text\na1,X\n", encoding="utf-8")
    with pytest.raises(FramingInputError, match=r"line 2: the row has 2 fields, the header 3"):
        list(iter_articles(cs))


@pytest.mark.parametrize("kind", ["folder", "jsonl", "csv"])
def test_an_article_id_used_twice_is_an_error_naming_both(tmp_path, kind):
    if kind == "folder":
        src = tmp_path / "arts"
        src.mkdir()
        (src / "story.txt").write_text("One story here.")
        (src / "story.TXT").write_text("Another story here.")
        names = ("story.txt", "story.TXT")
    elif kind == "jsonl":
        src = tmp_path / "a.jsonl"
        src.write_text('{"article_id": "k", "text": "One."}\n{"article_id": "k", "text": "Two."}\n')
        names = ("a.jsonl:1", "a.jsonl:2")
    else:
        src = tmp_path / "a.csv"
        src.write_text("article_id,text\nk,One.\nk,Two.\n")
        names = ("a.csv:2", "a.csv:3")
    with pytest.raises(FramingInputError, match="article id") as err:
        read_articles(src)
    assert all(name in str(err.value) for name in names)


def test_the_corpus_command_keeps_both_ids_only_when_asked(tmp_path):
    import json
    import subprocess
    import sys

    src = tmp_path / "a.jsonl"
    src.write_text(
        '{"article_id": "k", "text": "One story."}\n{"article_id": "k", "text": "Two."}\n'
    )
    cmd = [sys.executable, "-m", "framing.corpus", str(src), "--out", str(tmp_path / "s.jsonl")]
    refused = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert refused.returncode == 2 and "a.jsonl:1 and " in refused.stderr
    assert not (tmp_path / "s.jsonl").exists()
    kept = subprocess.run(
        [*cmd, "--keep-duplicate-ids"], capture_output=True, text=True, cwd=tmp_path
    )
    assert kept.returncode == 0, kept.stderr
    assert "k~2" in kept.stderr
    rows = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert [r["article_id"] for r in rows] == ["k", "k~2"]
    assert len({r["sentence_id"] for r in rows}) == 2


# ---------------------------------------------------------------- linear splitting


def test_splitting_time_grows_linearly_with_paragraph_length(rules):
    """Before issue 14 every boundary copied the rest of the paragraph: 4x the text took 16x
    the time. Best of three timings of a 0.25 MB and a 1 MB paragraph."""
    import time

    from framing.corpus.splitting import split_paragraph

    def best(n: int) -> float:
        text = "Putin met Lam in Hanoi. " * n
        times = []
        for _ in range(3):
            start = time.perf_counter()
            split_paragraph(text, rules)
            times.append(time.perf_counter() - start)
        return min(times)

    small, large = best(10_000), best(40_000)
    assert large / small < 8, (small, large)


def test_a_paragraph_over_the_size_limit_is_split_in_bounded_chunks():
    from framing.corpus.splitting import bounded_chunks

    rules = CorpusRules.with_overrides({"splitting": {"max_paragraph_chars": 1000}})
    paragraph = "word " * 5000  # no sentence end at all
    chunks = bounded_chunks(paragraph, rules.max_paragraph_chars)
    assert all(len(c) <= 1000 for c in chunks) and "".join(chunks) == paragraph
    parts = split_sentences(paragraph, rules)
    assert len(parts) >= 25 and max(len(p) for p in parts) <= 1000
