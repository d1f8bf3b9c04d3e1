"""framing predict on input that used to be classified silently wrong (issue 14, input
contracts): rows cut by unquoted commas, article ids used twice, text in another language,
articles with no classifiable text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_predict import ARTICLES, read_csv, run_predict

from framing.checkpoint import save_checkpoint
from framing.models import family_class

from conftest import fit


@pytest.fixture(scope="module")
def frames_checkpoint(tmp_path_factory, schema, toy_data) -> Path:
    texts, frames, _ = toy_data
    model = family_class("tfidf_lr")(min_df=1)
    fit(model, texts, frames, schema.labels("frames"))
    folder = tmp_path_factory.mktemp("ckpt") / "frames"
    kwargs = {"config": None, "data_sha256": None, "metrics": None}
    return save_checkpoint(model, folder, schema=schema, task="frames", **kwargs)


GERMAN = (
    "Putin besucht Hanoi\n\nDer russische Präsident traf am Donnerstag in Hanoi ein und "
    "unterzeichnete ein Dutzend Abkommen über Energie und Bildung. Die Vereinigten Staaten "
    "kritisierten den Besuch scharf."
)
FRENCH = (
    "Poutine à Hanoï\n\nLe président russe est arrivé jeudi à Hanoï, où il a signé une "
    "douzaine d'accords sur l'énergie et l'éducation. Washington a critiqué la visite."
)


def _jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_share_of_sentences_in_another_language_is_reported_and_warned(frames_checkpoint, tmp_path):
    src = _jsonl(
        tmp_path / "news.jsonl",
        [{"article_id": k, "text": v} for k, v in ARTICLES.items()]
        + [{"article_id": "de", "text": GERMAN}, {"article_id": "fr", "text": FRENCH}],
    )
    out = tmp_path / "out"
    result = run_predict(
        f"checkpoint={frames_checkpoint}", f"input={src}", f"output={out}", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    language = json.loads((out / "report.json").read_text())["language"]
    assert language["study_languages"] == ["en"]
    assert set(language["sentences_by_language"]) == {"en", "de", "fr"}
    other = language["sentences_by_language"]["de"] + language["sentences_by_language"]["fr"]
    total = sum(language["sentences_by_language"].values())
    assert language["other_language_share"] == round(other / total, 4) > 0.05
    assert (
        language["warning"]
        and "warning:" in result.stderr
        and "another language" in (result.stderr)
    )
    assert f"{other / total:.1%} of sentences not in en" in result.stdout
    # below the configured threshold: reported, no warning
    quiet = run_predict(
        f"checkpoint={frames_checkpoint}",
        f"input={src}",
        f"output={tmp_path / 'out2'}",
        "language_warning_share=0.9",
        cwd=tmp_path,
    )
    assert quiet.returncode == 0 and "another language" not in quiet.stderr


def test_an_article_without_classifiable_text_is_counted_and_kept_in_the_mixes(
    frames_checkpoint, tmp_path
):
    src = _jsonl(
        tmp_path / "news.jsonl",
        [
            {"article_id": "alpha", "outlet": "Daily A", "text": ARTICLES["alpha"]},
            {"article_id": "emoji", "outlet": "Daily A", "text": "😀🎉🔥\n\n👍👍"},
            {"article_id": "icons", "outlet": "Icons Only", "text": "🔥🔥"},
        ],
    )
    out = tmp_path / "out"
    result = run_predict(
        f"checkpoint={frames_checkpoint}", f"input={src}", f"output={out}", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["n_articles"] == 3 and report["n_articles_without_sentences"] == 2
    assert "3 articles (2 without classifiable text" in result.stdout
    articles = {a["article_id"]: a for a in read_csv(out / "article_mix.csv")}
    assert set(articles) == {"alpha", "emoji", "icons"}
    assert articles["emoji"]["n_sentences"] == "0" and articles["emoji"]["share:neutrality"] == ""
    outlets = {o["outlet"]: o for o in read_csv(out / "outlet_mix.csv")}
    assert outlets["Daily A"]["n_articles"] == "2"
    assert outlets["Icons Only"]["n_sentences"] == "0"


def test_article_ids_used_twice_stop_the_run_unless_both_are_kept(frames_checkpoint, tmp_path):
    src = _jsonl(
        tmp_path / "news.jsonl",
        [
            {"article_id": "k", "text": ARTICLES["alpha"]},
            {"article_id": "k", "text": ARTICLES["beta"]},
        ],
    )
    out = tmp_path / "out"
    refused = run_predict(
        f"checkpoint={frames_checkpoint}", f"input={src}", f"output={out}", cwd=tmp_path
    )
    assert refused.returncode == 2
    assert "article id 'k'" in refused.stderr and "news.jsonl:1 and " in refused.stderr
    assert "news.jsonl:2" in refused.stderr and not out.exists()
    kept = run_predict(
        f"checkpoint={frames_checkpoint}",
        f"input={src}",
        f"output={out}",
        "keep_duplicate_ids=true",
        cwd=tmp_path,
    )
    assert kept.returncode == 0, kept.stderr
    preds = read_csv(out / "predictions.csv")
    assert {p["article_id"] for p in preds} == {"k", "k~2"}
    assert len({p["sentence_id"] for p in preds}) == len(preds)
    assert len(read_csv(out / "article_mix.csv")) == 2
    assert json.loads((out / "report.json").read_text())["renamed_article_ids"]


def test_story_txt_and_story_TXT_in_one_folder_are_two_articles_with_one_id(
    frames_checkpoint, tmp_path
):
    folder = tmp_path / "arts"
    folder.mkdir()
    (folder / "story.txt").write_text(ARTICLES["alpha"], encoding="utf-8")
    (folder / "story.TXT").write_text(ARTICLES["beta"], encoding="utf-8")
    result = run_predict(
        f"checkpoint={frames_checkpoint}",
        f"input={folder}",
        f"output={tmp_path / 'out'}",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "story.txt" in result.stderr and "story.TXT" in result.stderr


def test_a_csv_row_cut_by_unquoted_commas_is_an_error_naming_the_line(frames_checkpoint, tmp_path):
    src = tmp_path / "news.csv"
    src.write_text(
        'article_id,text\na1,"Putin, in Hanoi, met Lam."\na2,Putin, in Hanoi, met Lam.\n',
        encoding="utf-8",
    )
    result = run_predict(
        f"checkpoint={frames_checkpoint}",
        f"input={src}",
        f"output={tmp_path / 'out'}",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    errors = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 1 and "news.csv, line 3" in errors[0] and "fields" in errors[0]
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- one corpus source (issue 19)
WIRE = (
    "Moscow and Hanoi signed a dozen agreements on energy, education and nuclear research "
    "during the visit on Thursday."
)
TRUNCATED = (
    "Vietnam hosts Putin\n\n"
    "Officials in Hanoi welcomed the Russian president with a ceremony at the palace. "
    f"{WIRE}\n\n"
    "The two leaders later walked along the lake, where they spoke about the history of..."
)


def _agreement_corpus(tmp_path: Path) -> tuple[Path, Path]:
    src = _jsonl(
        tmp_path / "articles.jsonl",
        [
            {"article_id": "a1", "outlet": "Own Outlet", "text": TRUNCATED},
            {"article_id": "a2", "outlet": "Wire Copy", "text": f"Deals in Hanoi\n\n{WIRE}"},
            {"article_id": "a3", "outlet": " Daily A", "text": ARTICLES["alpha"]},
        ],
    )
    table = tmp_path / "outlets.csv"
    table.write_text("article_id,outlet\na1,Table Outlet\na9,Nobody\n", encoding="utf-8")
    return src, table


def test_corpus_predict_and_sentences_read_one_corpus_alike(frames_checkpoint, tmp_path):
    """Before: the same articles.jsonl + outlets.csv gave "Table Outlet" from framing corpus
    and "Own Outlet" from framing predict; predictions.csv had no kind, duplicate group,
    language or syndication, and its report did not count the truncated units left out."""
    import pandas as pd

    import framing
    from framing.coding.population import read_population
    from framing.notebook import CorpusWarning

    from conftest import framing as run_framing

    src, table = _agreement_corpus(tmp_path)
    corpus = run_framing(
        "corpus",
        str(src),
        "--outlets",
        str(table),
        "--out",
        "s.jsonl",
        "--report",
        "r.json",
        cwd=tmp_path,
    )
    assert corpus.returncode == 0, corpus.stderr
    out = tmp_path / "out"
    predicted = run_predict(
        f"checkpoint={frames_checkpoint}",
        f"input={src}",
        f"outlets={table}",
        f"output={out}",
        "figure=false",
        cwd=tmp_path,
    )
    assert predicted.returncode == 0, predicted.stderr
    with pytest.warns(CorpusWarning):
        notebook = framing.sentences(src, outlets=table)

    units = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text().splitlines()]
    preds = read_csv(out / "predictions.csv")
    columns = [
        "sentence_id",
        "article_id",
        "outlet",
        "position",
        "text",
        "kind",
        "dup_group",
        "language",
        "syndicated",
    ]
    assert list(preds[0])[: len(columns)] == columns
    classified = [u for u in units if u["kind"] != "truncated"]
    assert [
        {k: str(u[k]).lower() if k == "syndicated" else str(u[k]) for k in columns}
        for u in classified
    ] == [{k: p[k] for k in columns} for p in preds]
    expected = pd.DataFrame(units)
    pd.testing.assert_frame_equal(notebook, expected, check_dtype=False)

    outlets = {u["article_id"]: u["outlet"] for u in units}
    assert outlets == {"a1": "Table Outlet", "a2": "Wire Copy", "a3": "Daily A"}
    assert {p["kind"] for p in preds} == {"headline", "sentence"}
    wire = [p for p in preds if p["text"] == WIRE]
    assert len(wire) == 2 and wire[0]["dup_group"] == wire[1]["dup_group"]
    assert all(p["syndicated"] == "true" for p in wire) and preds[0]["language"] == "en"

    report = json.loads((out / "report.json").read_text())
    n_truncated = sum(u["kind"] == "truncated" for u in units)
    assert n_truncated == 1 and report["n_truncated_left_out"] == n_truncated
    assert report["n_sentences"] + n_truncated == len(units)
    cleaning = json.loads((tmp_path / "r.json").read_text())
    for outlet_report in (report["outlets"], cleaning["outlets"]):
        assert outlet_report["n_conflicts"] == 1
        assert outlet_report["table_ids_without_article"] == ["a9"]
    for stderr in (corpus.stderr, predicted.stderr):
        assert "another outlet than the outlet table" in stderr and "match no article" in stderr

    # a sample drawn from predictions.csv keeps each unit's kind and duplicate group
    population = {s.sentence_id: s for s in read_population(out / "predictions.csv").sentences}
    for u in classified:
        assert population[u["sentence_id"]].kind == u["kind"]
        assert population[u["sentence_id"]].dup_group == u["dup_group"]


def test_predict_says_which_cleaning_rules_it_used(frames_checkpoint, tmp_path):
    """Before: outside a study folder the package's rules were used without a word."""
    from conftest import PROJECT_ROOT

    src, _ = _agreement_corpus(tmp_path)
    outside = run_predict(
        f"checkpoint={frames_checkpoint}",
        f"input={src}",
        f"output={tmp_path / 'o1'}",
        "figure=false",
        cwd=tmp_path,
    )
    assert outside.returncode == 0, outside.stderr
    notes = [x for x in outside.stderr.splitlines() if x.startswith("note:")]
    assert len(notes) == 1 and "package's default rules" in notes[0]
    report = json.loads((tmp_path / "o1" / "report.json").read_text())
    assert "package's default rules" in report["corpus_rules_note"]
    inside = run_predict(
        f"checkpoint={frames_checkpoint}",
        f"input={src}",
        f"output={tmp_path / 'o2'}",
        "figure=false",
        cwd=PROJECT_ROOT,
    )
    assert inside.returncode == 0, inside.stderr
    assert "note:" not in inside.stderr
    report = json.loads((tmp_path / "o2" / "report.json").read_text())
    assert report["corpus_rules_note"] is None and "conf/study.yaml" in report["corpus_rules"]


def test_predictions_as_parquet_hold_what_the_csv_holds(frames_checkpoint, tmp_path):
    import pandas as pd

    src, table = _agreement_corpus(tmp_path)
    for fmt in ("csv", "parquet"):
        done = run_predict(
            f"checkpoint={frames_checkpoint}",
            f"input={src}",
            f"format={fmt}",
            f"output={tmp_path / fmt}",
            "figure=false",
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
    assert not (tmp_path / "parquet" / "predictions.csv").exists()
    from_csv = pd.read_csv(tmp_path / "csv" / "predictions.csv", keep_default_na=False)
    from_parquet = pd.read_parquet(tmp_path / "parquet" / "predictions.parquet")
    assert from_parquet["syndicated"].dtype == bool and from_parquet["position"].dtype == "int32"
    assert str(from_parquet["pred:neutrality"].dtype) == "int8"
    pd.testing.assert_frame_equal(from_parquet, from_csv, check_dtype=False)
    refused = run_predict(
        f"checkpoint={frames_checkpoint}",
        f"input={src}",
        "format=xlsx",
        f"output={tmp_path / 'x'}",
        cwd=tmp_path,
    )
    assert refused.returncode == 2 and "field 'format'" in refused.stderr
    assert not (tmp_path / "x").exists()
