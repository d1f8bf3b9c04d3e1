"""The notebook API: articles from a DataFrame or Parquet, sentences and predictions back as
DataFrames (framing.sentences, FramingClassifier.predict_frame)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import framing
from framing.checkpoint import save_checkpoint
from framing.corpus import CorpusRules
from framing.errors import FramingInputError
from framing.models import family_class
from framing.notebook import CorpusWarning

from conftest import PROJECT_ROOT, fit

EXAMPLE = PROJECT_ROOT / "examples" / "congestion_charge"


def article_table() -> pd.DataFrame:
    files = sorted((EXAMPLE / "articles").glob("*.txt"))
    return pd.DataFrame(
        {
            "article_id": [f.stem for f in files],
            "text": [f.read_text(encoding="utf-8") for f in files],
            "outlet": [None] * len(files),  # missing: the outlet table fills it in
        }
    )


def test_sentences_from_a_dataframe_parquet_or_folder_are_the_same(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside any study: the package's cleaning rules
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    outlets = EXAMPLE / "outlets.csv"
    from_folder = framing.sentences(EXAMPLE / "articles", outlets=outlets)
    from_frame = framing.sentences(article_table(), outlets=outlets)
    article_table().to_parquet(tmp_path / "articles.parquet")
    from_parquet = framing.sentences(tmp_path / "articles.parquet", outlets=outlets)
    assert len(from_folder) == 60
    pd.testing.assert_frame_equal(from_frame, from_folder)
    pd.testing.assert_frame_equal(from_parquet, from_folder)
    assert set(from_frame["outlet"]) == {
        "Harbour Gazette",
        "Aldwin Business Daily",
        "Coastline Radio",
    }
    assert list(from_frame.columns) == [  # the fields of framing corpus --out
        "sentence_id",
        "article_id",
        "outlet",
        "position",
        "text",
        "kind",
        "dup_group",
        "language",
        "syndicated",
        "line",
    ]


def test_sentences_from_a_dataset_match_the_corpus_command(tmp_path, monkeypatch):
    """Before: a datasets.Dataset was a raw TypeError, and the columns lacked language and
    syndicated."""
    import json

    from datasets import Dataset

    from conftest import framing as run_framing

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    table = article_table()
    dataset = Dataset.from_pandas(table.drop(columns="outlet"), preserve_index=False)
    outlets = EXAMPLE / "outlets.csv"
    got = framing.sentences(dataset, outlets=outlets, study=EXAMPLE)  # from outside the study
    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"article_id": r.article_id, "text": r.text}) + "\n"
            for r in table.itertuples()
        ),
        encoding="utf-8",
    )
    out = tmp_path / "s.jsonl"
    done = run_framing(
        "corpus", str(jsonl), "--outlets", str(outlets), "--out", str(out), cwd=EXAMPLE
    )
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    expected = pd.DataFrame([json.loads(x) for x in lines])
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_sentences_take_the_study_whose_rules_apply(tmp_path, monkeypatch):
    """Before: the study was chosen by the working directory only."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    articles = PROJECT_ROOT / "seeds" / "articles"
    with pytest.warns(CorpusWarning, match="package's default rules"):
        package = framing.sentences(articles)
    seeds = framing.sentences(articles, study=PROJECT_ROOT)  # the seed study's overrides
    kept = "AP David Rising in Bangkok contributed to this report."
    assert kept in set(seeds["text"]) and kept not in set(package["text"])


def test_a_table_without_text_or_with_an_empty_article_is_named():
    with pytest.raises(FramingInputError, match=r"<DataFrame>, field 'text': has no 'text'"):
        framing.sentences(pd.DataFrame({"body": ["x"]}))
    table = article_table()
    table.loc[2, "text"] = None
    with pytest.raises(FramingInputError, match=r"<DataFrame>, line 3, field 'text'"):
        framing.sentences(table)


def test_predict_frame_adds_probabilities_and_decisions(tmp_path, toy_data, schema):
    texts, frames, _ = toy_data
    model = fit(family_class("tfidf_lr")(min_df=1), texts, frames, schema.frame_names)
    model.set_thresholds(np.array([0.3, 0.4, 0.5, 0.6]))
    save_checkpoint(model, tmp_path / "ckpt", task="frames", schema=schema)
    loaded = framing.load(tmp_path / "ckpt")
    sents = pd.DataFrame({"sentence_id": ["a", "b", "c"], "text": texts[:3]})
    out = loaded.predict_frame(sents)
    assert list(sents.columns) == ["sentence_id", "text"]  # the input is left alone
    proba = loaded.predict_proba(texts[:3])
    for j, label in enumerate(schema.frame_names):
        np.testing.assert_allclose(out[f"proba:{label}"], proba[:, j])
        np.testing.assert_array_equal(out[f"pred:{label}"], proba[:, j] >= loaded.thresholds[j])
    assert list(loaded.predict_frame(texts[:2])["text"]) == texts[:2]  # plain texts work too
    with pytest.raises(FramingInputError, match="has no 'sentence' column"):
        loaded.predict_frame(sents, text_column="sentence")


@pytest.mark.parametrize("wrong", [42, ["a text"], None])
def test_sentences_of_something_that_is_no_corpus_is_one_clear_error(wrong):
    """Issue 21: ``framing.sentences(42)`` raised pathlib's own TypeError."""
    with pytest.raises(FramingInputError, match=r"must be a path, a pandas DataFrame .*\(got "):
        framing.sentences(wrong, rules=CorpusRules.with_overrides({}))
