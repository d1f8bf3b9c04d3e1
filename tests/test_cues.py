"""framing coding cues: keyness by log-odds with an informative Dirichlet prior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.coding.cues import codebook_status, gold_cue_table, log_odds_dirichlet
from framing.errors import FramingInputError

from conftest import PROJECT_ROOT, framing


def test_log_odds_is_zero_for_equal_rates_and_antisymmetric():
    y_a = np.array([10.0, 5.0, 0.0, 3.0])
    y_b = np.array([10.0, 0.0, 5.0, 3.0])
    delta, z = log_odds_dirichlet(y_a, y_b)
    assert abs(delta[0]) < 1e-12 and abs(z[3]) < 1e-12
    assert z[1] > 0 > z[2]
    back, z_back = log_odds_dirichlet(y_b, y_a)
    np.testing.assert_allclose(back, -delta, atol=1e-12)
    np.testing.assert_allclose(z_back, -z, atol=1e-12)


def test_log_odds_matches_the_formula_of_monroe_et_al():
    y_a = np.array([4.0, 1.0, 7.0])
    y_b = np.array([1.0, 6.0, 2.0])
    corpus = y_a + y_b
    a0 = corpus.sum()  # prior strength 1: as strong as the data
    alpha = corpus  # a0 * share of each term
    n_a, n_b = y_a.sum(), y_b.sum()
    w = 0
    expected = np.log((y_a[w] + alpha[w]) / (n_a + a0 - y_a[w] - alpha[w])) - np.log(
        (y_b[w] + alpha[w]) / (n_b + a0 - y_b[w] - alpha[w])
    )
    sd = np.sqrt(1 / (y_a[w] + alpha[w]) + 1 / (y_b[w] + alpha[w]))
    delta, z = log_odds_dirichlet(y_a, y_b)
    assert abs(delta[w] - expected) < 1e-9
    assert abs(z[w] - expected / sd) < 1e-9


def test_the_prior_shrinks_rare_terms_below_frequent_ones():
    # seen 2 times only in the group vs 40 times against 10: the rare one ranks lower
    delta, z = log_odds_dirichlet(np.array([2.0, 40.0, 100.0]), np.array([0.0, 10.0, 300.0]))
    assert z[1] > z[0]


def test_a_term_found_only_in_one_frame_tops_it_and_is_marked_new_or_cue(schema):
    records = []
    for i, word in enumerate(["red", "blue", "green", "grey", "pink", "gold", "teal", "tan"]):
        framed = {"sentence_id": f"a{i}", "frames": ["neutrality"], "stance": "neutral"}
        records.append({**framed, "text": f"The ferry timetable was {word} again."})
        plain = {"sentence_id": f"b{i}", "frames": [], "stance": "neutral"}
        records.append({**plain, "text": f"Officials met at the {word} hall."})
    table = gold_cue_table(records, schema, top=5)
    neutrality = table[(table.task == "frames") & (table.label == "neutrality")]
    top = neutrality.iloc[0]
    assert top.n_rest == 0 and top.n_label == 8 and top.z > 0 and top.codebook == "new"
    assert "hall" not in set(neutrality.term)
    assert codebook_status("balancing", "neutrality", {"neutrality": ["balanc"]})[0] == "cue"
    cues = {"neutrality": ["balanc"], "western_criticism": ["sanction"]}
    assert codebook_status("sanctions", "neutrality", cues)[0] == "cue of another label"


def test_duplicate_groups_count_once(schema):
    base = {"frames": ["neutrality"], "stance": "neutral"}
    records = [
        {**base, "sentence_id": f"c{i}", "dup_group": "g1", "text": "Bamboo diplomacy again."}
        for i in range(5)
    ] + [
        {
            "sentence_id": f"d{i}",
            "dup_group": f"h{i}",
            "text": f"Plain report {i} here.",
            "frames": [],
            "stance": "neutral",
        }
        for i in range(5)
    ]
    table = gold_cue_table(records, schema, top=50, min_count=1)
    row = table[(table.label == "neutrality") & (table.term == "bamboo")].iloc[0]
    assert row.n_label == 1


def test_a_min_count_no_term_reaches_is_blamed_on_the_threshold(schema):
    records = [
        {"sentence_id": f"s{i}", "text": f"Word{i} stands alone.", "stance": "neutral"}
        | {"frames": ["neutrality"] if i % 2 else []}
        for i in range(6)
    ]
    with pytest.raises(FramingInputError, match="at least 1000 times.*lower --min-count"):
        gold_cue_table(records, schema, min_count=1000)
    wordless = [r | {"text": f"{i} — 2024."} for i, r in enumerate(records)]
    with pytest.raises(FramingInputError, match="6 sentences have no words$"):
        gold_cue_table(wordless, schema, min_count=1)


def test_cues_command_on_the_seed_study(tmp_path):
    out = tmp_path / "cues"
    done = framing("coding", "cues", "--out", str(out), "--top", "15")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "cues.csv")
    assert set(table.task) == {"frames", "stance"}
    bamboo = table[(table.label == "neutrality") & (table.term == "bamboo")]
    assert len(bamboo) == 1 and bamboo.iloc[0].codebook == "cue"
    assert (table.groupby(["task", "label"]).size() <= 15).all()
    page = (out / "cues.md").read_text()
    assert "never applied" in page
    # the gold set is named as the study folder has it, not by this machine's absolute path
    assert "Gold set: `seeds/sentences.jsonl`" in page and str(PROJECT_ROOT) not in page
    # the gold set is not touched, and a folder with someone else's file is refused
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    refused = framing("coding", "cues", "--out", str(tmp_path / "mine"))
    assert refused.returncode == 2 and refused.stderr.startswith("error:")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "mine"
    assert (PROJECT_ROOT / "seeds" / "sentences.jsonl").is_file()
