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
