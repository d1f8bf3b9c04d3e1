"""Paper figures on the real gold set and small synthetic results files (formats of CONTRACTS).

Every figure function must write PDF + PNG (300 dpi, one column = 3.5 in wide by default, two
columns = 7.2 in on request) + the CSV of the plotted numbers, keep one colour and order per
frame / stance class, keep its texts >= 7 pt, inside the canvas and apart at both widths, stay
readable in greyscale (checked on the PNG converted to grey), and ``python -m framing.plot``
must name what is missing with commands that work in any study folder.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
import sys
from collections import defaultdict
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from framing.cli import plot
from framing.evaluate import shares
from framing.figures import (
    confusion,
    cooccurrence,
    label_f1,
    model_comparison,
    outlet_mix,
    prediction_mix,
    style,
)
from framing.figures import learning_curve as learning_curve_figure

from conftest import PROJECT_ROOT

SENTENCES = PROJECT_ROOT / "seeds/sentences.jsonl"
FAMILIES = [  # (name, label, is_baseline)
    ("majority", "Majority (prior)", True),
    ("lexicon", "Lexicon (codebook cues)", True),
    ("tfidf_lr", "TF-IDF + LR", False),
    ("embedding_lr", "MiniLM embeddings + LR", False),
]


# ---------------------------------------------------------------------------- inputs
@pytest.fixture(scope="module")
def records():
    """The gold set read independently of framing.data (plain JSON lines)."""
    with SENTENCES.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def synthetic_oof(records, schema, task: str, seeds=(0, 1)) -> pd.DataFrame:
    """oof_predictions.csv rows (CONTRACTS column order): truth from the gold set, predictions
    = truth with a seeded share of labels flipped (stance: a random other class)."""
    labels = schema.labels(task)
    rows = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        for i, r in enumerate(records):
            truth = (
                [int(x in r["frames"]) for x in labels]
                if task == "frames"
                else [int(x == r["stance"]) for x in labels]
            )
            if task == "frames":
                pred = [1 - t if rng.random() < 0.15 else t for t in truth]
            else:
                pred = truth if rng.random() < 0.7 else list(np.roll(truth, rng.integers(1, 3)))
            row = {
                "sentence_id": r["sentence_id"],
                "article_id": r["article_id"],
                "outlet": r["outlet"],
                "dup_group": r["dup_group"],
                "seed": seed,
                "fold": i % 5,
            }
            for label, t, p in zip(labels, truth, pred, strict=True):
                row |= {f"true:{label}": t, f"proba:{label}": 0.9 if p else 0.1, f"pred:{label}": p}
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def comparison(schema):
    """comparison.csv rows for four families on both tasks (CONTRACTS columns)."""
    rng = np.random.default_rng(1)
    all_labels = schema.labels("frames") + schema.labels("stance")
    rows = []
    for task in ("frames", "stance"):
        for model, label, baseline in FAMILIES:
            mean = rng.uniform(0.2, 0.8)
            micro = rng.uniform(0.2, 0.8)
            row = {
                "task": task,
                "model": model,
                "model_label": label,
                "is_baseline": baseline,
                "n_seeds": 3,
                "n_sentences": 167,
                "macro_f1": mean,
                "macro_f1_low": mean - rng.uniform(0.02, 0.1),
                "macro_f1_high": mean + rng.uniform(0.02, 0.1),
                "micro_f1": micro,
                "micro_f1_low": micro - 0.05,
                "micro_f1_high": micro + 0.05,
            }
            for lab in all_labels:
                row[f"f1:{lab}"] = rng.uniform(0, 1) if lab in schema.labels(task) else np.nan
            rows.append(row | {"train_s": 1.0, "evaluate_s": 2.0})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def curve():
    """learning_curve.csv rows (the columns framing.learning_curve writes and plot reads)."""
    rng = np.random.default_rng(2)
    rows = []
    for task in ("frames", "stance"):
        for model, label, baseline in FAMILIES:
            for fraction in (0.2, 0.6, 1.0):
                mean = 0.2 + 0.4 * fraction * rng.uniform(0.5, 1.0)
                rows.append(
                    {
                        "task": task,
                        "model": model,
                        "model_label": label,
                        "is_baseline": baseline,
                        "fraction": fraction,
                        "n_train_sentences": 133.6 * fraction,
                        "n_seeds": 3,
                        "n_folds": 5,
                        "n_sentences": 167,
                        "macro_f1": mean,
                        "macro_f1_low": mean - 0.08,
                        "macro_f1_high": mean + 0.07,
                    }
                )
    return pd.DataFrame(rows)


def made_up_intervals(comparison, schema, without=("majority",)):
    """f1_low / f1_high rows around comparison.csv's per-label F1 for every family but
    ``without`` (the figure must say which families have none)."""
    rows = []
    for row in comparison.to_dict("records"):
        if row["model"] in without:
            continue
        for label in schema.labels(row["task"]):
            f1 = row[f"f1:{label}"]
            rows.append(
                {
                    "task": row["task"],
                    "model": row["model"],
                    "label": label,
                    "f1": f1,
                    "f1_low": max(0.0, f1 - 0.12),
                    "f1_high": min(1.0, f1 + 0.09),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def figures(tmp_path_factory, labelled_set, schema, records, comparison, curve):
    """Every figure function once, into one folder: {name: FigureFiles}."""
    out = tmp_path_factory.mktemp("figures")
    frames_oof = synthetic_oof(records, schema, "frames")
    stance_oof = synthetic_oof(records, schema, "stance")
    gold = {t: outlet_mix.gold_indicators(labelled_set, t, schema) for t in ("frames", "stance")}
    f, s = schema.labels("frames"), schema.labels("stance")
    return {
        "mix_frames": outlet_mix.plot_outlet_mix(
            gold["frames"],
            outlet_mix.oof_indicators(frames_oof, f),
            f,
            True,
            out / "mix_frames",
            "TF-IDF + LR",
            n_boot=300,
        ),
        "mix_stance": outlet_mix.plot_outlet_mix(
            gold["stance"],
            outlet_mix.oof_indicators(stance_oof, s),
            s,
            False,
            out / "mix_stance",
            "TF-IDF + LR",
            n_boot=300,
        ),
        "comparison": model_comparison.plot_model_comparison(comparison, out / "comparison"),
        "f1_frames": label_f1.plot_label_f1_heatmap(
            comparison, "frames", f, out / "f1_frames", made_up_intervals(comparison, schema)
        ),
        "f1_stance": label_f1.plot_label_f1_heatmap(
            comparison, "stance", s, out / "f1_stance", made_up_intervals(comparison, schema)
        ),
        "cooccurrence": cooccurrence.plot_frame_cooccurrence(
            gold["frames"], f, out / "cooccurrence"
        ),
        "confusion": confusion.plot_confusion_matrix(
            stance_oof, s, out / "confusion", "TF-IDF + LR"
        ),
        "learning_curve": learning_curve_figure.plot_learning_curve(curve, out / "learning_curve"),
        "prediction_mix": prediction_mix.plot_prediction_mix(
            prediction_rows(records, schema),
            [("frames", f, True), ("stance", s, False)],
            out / "prediction_mix",
        ),
        "_oof": {"frames": frames_oof, "stance": stance_oof},
    }


def prediction_rows(records, schema) -> list[dict]:
    """outlet_mix.csv rows of ``framing predict`` (gold labels standing in for predictions),
    with one outlet that no sentence gives a frame, so zero shares are drawn."""
    rows = []
    for outlet in sorted({r["outlet"] for r in records}):
        part = [r for r in records if r["outlet"] == outlet]
        row = {"outlet": outlet, "n_articles": 1, "n_sentences": len(part)}
        for label in schema.labels("frames"):
            row[f"share:{label}"] = sum(label in r["frames"] for r in part) / len(part)
        row["share:no_frame"] = sum(not r["frames"] for r in part) / len(part)
        for label in schema.labels("stance"):
            row[f"share:{label}"] = sum(label == r["stance"] for r in part) / len(part)
        rows.append(row)
    empty = {"outlet": "Outlet without frames", "n_articles": 1, "n_sentences": 12}
    empty |= {f"share:{x}": 0.0 for x in schema.labels("frames")} | {"share:no_frame": 1.0}
    empty |= {f"share:{x}": float(x == "neutral") for x in schema.labels("stance")}
    return rows + [empty]


FIGURE_NAMES = [
    "mix_frames",
    "mix_stance",
    "comparison",
    "f1_frames",
    "f1_stance",
    "cooccurrence",
    "confusion",
    "learning_curve",
    "prediction_mix",
]


# ---------------------------------------------------------------------------- files and size
def png_width_in(path) -> float:
    from PIL import Image

    with Image.open(path) as png:
        dpi = png.info["dpi"]
        assert dpi == pytest.approx((300, 300), abs=0.5)
        return png.size[0] / dpi[0]


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_each_figure_writes_pdf_png_and_csv_at_column_width(figures, name):
    result = figures[name]
    assert result.pdf.read_bytes().startswith(b"%PDF")
    table = pd.read_csv(result.csv)
    assert len(table) > 0
    assert png_width_in(result.png) == pytest.approx(3.5, abs=0.05)
    leftovers = {p.name for p in result.png.parent.glob(".*")} - {".framing-output.json"}
    assert not list(result.png.parent.glob("*.tmp")) and not leftovers


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_texts_are_readable_unclipped_and_apart(figures, name):
    assert style.layout_problems(figures[name].figure) == []


@pytest.fixture(scope="module")
def double_column(tmp_path_factory, labelled_set, schema, records, comparison, curve, figures):
    """Every figure again at two columns (7.2 in)."""
    out = tmp_path_factory.mktemp("double")
    f, s = schema.labels("frames"), schema.labels("stance")
    gold = outlet_mix.gold_indicators(labelled_set, "frames", schema)
    oof = outlet_mix.oof_indicators(figures["_oof"]["frames"], f)
    w = "double"
    return {
        "mix_frames": outlet_mix.plot_outlet_mix(
            gold, oof, f, True, out / "mix", "TF-IDF + LR", n_boot=50, width=w
        ),
        "comparison": model_comparison.plot_model_comparison(comparison, out / "cmp", width=w),
        "f1_frames": label_f1.plot_label_f1_heatmap(
            comparison, "frames", f, out / "f1", made_up_intervals(comparison, schema), width=w
        ),
        "cooccurrence": cooccurrence.plot_frame_cooccurrence(gold, f, out / "co", width=w),
        "confusion": confusion.plot_confusion_matrix(
            figures["_oof"]["stance"], s, out / "conf", "TF-IDF + LR", width=w
        ),
        "learning_curve": learning_curve_figure.plot_learning_curve(curve, out / "lc", width=w),
        "prediction_mix": prediction_mix.plot_prediction_mix(
            prediction_rows(records, schema), [("frames", f, True)], out / "pm", width=w
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "mix_frames",
        "comparison",
        "f1_frames",
        "cooccurrence",
        "confusion",
        "learning_curve",
        "prediction_mix",
    ],
)
def test_each_figure_also_comes_two_columns_wide_and_still_fits(double_column, name):
    result = double_column[name]
    assert png_width_in(result.png) == pytest.approx(7.2, abs=0.05)
    assert style.layout_problems(result.figure) == []


def test_a_width_is_single_double_or_inches():
    assert style.figure_width(None) == 3.5
    assert style.figure_width(None, "double") == 7.2
    assert style.figure_width("single") == 3.5
    assert style.figure_width("5.5") == 5.5
    for bad in ("wide", "0.5", 40):
        with pytest.raises(ValueError):
            style.figure_width(bad)


def test_a_long_title_is_wrapped_to_the_figure_width():
    title = "Stance, a family with a long name (3 seeds × 167 sentences = 501 predictions)"
    wrapped = style.fit_text(title, 3.3)
    assert wrapped.replace("\n", " ") == title and "\n" in wrapped
    assert all(style.text_width_in(line, 8) <= 3.3 for line in wrapped.splitlines())


def test_layout_check_finds_a_clipped_and_a_tiny_label():
    with style.house_style():
        fig = style.new_figure(2.0)
        ax = fig.subplots()
        fig.text(0.99, 0.5, "a label running far past the right edge")
        ax.set_title("tiny", fontsize=5)
    problems = style.layout_problems(fig)
    assert any("clipped" in p for p in problems)
    assert any("5.0 pt" in p for p in problems)


# ---------------------------------------------------------------------------- plotted numbers
def independent_shares(rows, key, labels, multi_label):
    """{(outlet, label): share} over plain dict rows (seeds pooled = mean over seeds)."""
    totals, hits = defaultdict(int), defaultdict(float)
    for row in rows:
        present = key(row)
        for outlet in (row["outlet"], shares.ALL_OUTLETS):
            totals[outlet] += 1
            for label in labels:
                hits[(outlet, label)] += label in present
            if multi_label:
                hits[(outlet, shares.NO_FRAME)] += not present
    series = list(labels) + ([shares.NO_FRAME] if multi_label else [])
    return {(o, x): hits[(o, x)] / totals[o] for o in totals for x in series}


@pytest.mark.parametrize("task", ["frames", "stance"])
def test_outlet_mix_csv_holds_the_gold_and_model_shares(figures, records, schema, task):
    labels = schema.labels(task)
    multi = task == "frames"
    table = pd.read_csv(figures[f"mix_{task}"].csv)
    gold_key = (lambda r: set(r["frames"])) if multi else (lambda r: {r["stance"]})
    expected_gold = independent_shares(records, gold_key, labels, multi)
    oof = figures["_oof"][task].to_dict("records")
    expected_model = independent_shares(
        oof, lambda r: {x for x in labels if r[f"pred:{x}"]}, labels, multi
    )
    for source, expected in (("gold", expected_gold), ("oof:TF-IDF + LR", expected_model)):
        part = table[table["source"] == source]
        got = {(r.outlet, r.label): r.share for r in part.itertuples()}
        assert got.keys() == expected.keys()
        for key, share in expected.items():
            assert got[key] == pytest.approx(share, abs=1e-9), (source, key)
    n_by_outlet = pd.Series([r["outlet"] for r in records]).value_counts()
    gold = table[table["source"] == "gold"].drop_duplicates("outlet").set_index("outlet")
    for outlet, n in n_by_outlet.items():
        assert gold.loc[outlet, "n_sentences"] == n
    if not multi:  # one stance per sentence: shares of an outlet sum to one
        assert table.groupby(["source", "outlet"])["share"].sum().to_numpy() == pytest.approx(1)


def mix_marks(result) -> dict[tuple[str, str], object]:
    """{(source, label): the errorbar's data line} of an outlet-mix figure."""
    (ax,) = result.figure.axes
    return {
        tuple(bars.lines[0].get_gid().split(":", 1)): bars.lines[0]
        for bars in ax.containers
        if bars.lines[0].get_gid()
    }


@pytest.mark.parametrize("task", ["frames", "stance"])
def test_outlet_mix_pairs_gold_and_model_in_one_panel_and_marks_show_the_csv(figures, task):
    result = figures[f"mix_{task}"]
    table = pd.read_csv(result.csv)
    assert (table["ci_low"] <= table["share"] + 1e-12).all()
    assert (table["share"] <= table["ci_high"] + 1e-12).all()
    assert (table["ci_high"] - table["ci_low"] > 0.01).mean() > 0.5  # real resampling
    assert len(result.figure.axes) == 1  # gold and the model share one panel
    marks = mix_marks(result)
    outlets = list(dict.fromkeys(table["outlet"]))
    for (source, label), line in marks.items():
        source = "gold" if source == "gold" else "oof:TF-IDF + LR"
        part = table[(table["source"] == source) & (table["label"] == label)]
        expected = part.set_index("outlet").loc[outlets, "share"].to_numpy()
        assert line.get_xdata() == pytest.approx(expected, abs=1e-9)  # one mark per outlet
    # paired: for every outlet and label the model's mark sits right under the gold mark
    for (source, label), gold_line in marks.items():
        if source != "gold":
            continue
        gap = gold_line.get_ydata() - marks[("model", label)].get_ydata()
        assert gap == pytest.approx(np.full(len(outlets), 0.4))
    # zero shares are drawn: a mark at 0% that the axis does not cover
    (ax,) = result.figure.axes
    assert ax.get_xlim()[0] < 0
    zero = table[table["share"] == 0]
    if len(zero):
        row = zero.iloc[0]
        source = "gold" if row["source"] == "gold" else "model"
        assert 0.0 in list(marks[(source, row["label"])].get_xdata())
    assert ax.xaxis.get_major_formatter()(0.5, 0) == "50%"


def test_outlet_mix_bootstrap_draws_duplicate_groups_together():
    """Two rows of one duplicate group are always drawn together: with every group holding one
    labelled and one unlabelled row, every replicate gives exactly one half."""
    table = pd.DataFrame(
        {
            "sentence_id": [f"s{i}" for i in range(8)],
            "outlet": "A",
            "dup_group": [f"g{i // 2}" for i in range(8)],
            "seed": 0,
            "x": [1, 0] * 4,
        }
    )
    result = shares.outlet_shares(table, ["x"], False, n_boot=200)
    row = result[result["label"] == "x"].iloc[0]
    assert (row["share"], row["ci_low"], row["ci_high"]) == pytest.approx((0.5, 0.5, 0.5))


def test_comparison_csv_is_sorted_and_marks_baselines(figures, comparison):
    result = figures["comparison"]
    table = pd.read_csv(result.csv)
    for task in ("frames", "stance"):
        part = table[table["task"] == task]
        expected = comparison[comparison["task"] == task].sort_values("macro_f1", ascending=False)
        assert list(part["model"]) == list(expected["model"])
        assert part["macro_f1"].to_numpy() == pytest.approx(expected["macro_f1"].to_numpy())
        assert (part["macro_f1_low"] <= part["macro_f1"]).all()
        assert (part["macro_f1"] <= part["macro_f1_high"]).all()
    baseline_scores = set(comparison.loc[comparison["is_baseline"], "macro_f1"].round(9))
    markers = [bars.lines[0] for ax in result.figure.axes for bars in ax.containers]
    assert len(markers) == len(comparison)
    for line in markers:
        hollow = to_hex(line.get_markerfacecolor()) == "#ffffff"
        assert hollow == (round(float(line.get_xdata()[0]), 9) in baseline_scores)


def test_label_f1_heatmap_csv_holds_the_comparison_columns_and_intervals(
    figures, comparison, schema
):
    for task in ("frames", "stance"):
        result = figures[f"f1_{task}"]
        table = pd.read_csv(result.csv)
        assert list(dict.fromkeys(table["label"])) == schema.labels(task)
        for row in table.itertuples():
            source = comparison[(comparison["task"] == task) & (comparison["model"] == row.model)]
            assert row.f1 == pytest.approx(source[f"f1:{row.label}"].iloc[0])
        with_ci = table[table["model"] != "majority"]
        assert (with_ci["f1_low"] <= with_ci["f1"]).all()
        assert (with_ci["f1"] <= with_ci["f1_high"]).all()
        assert table.loc[table["model"] == "majority", "f1_low"].isna().all()
        cells = [t.get_text() for t in result.figure.axes[0].texts]
        first = with_ci.iloc[0]
        assert f"{first.f1:.2f}\n{first.f1_low:.2f}–{first.f1_high:.2f}" in cells
        note = result.figure.axes[1].get_xlabel().replace("\n", " ")
        assert "no interval" in note and "Majority (prior)" in note


def test_per_label_f1_intervals_come_from_the_runs_bootstrap(schema):
    """The per-label point is each seed's F1 averaged (as comparison.csv's f1:LABEL), the
    intervals hold it, a label predicted perfectly has [1, 1], and the labels' replicates
    average to the macro-F1 replicates of the comparison's own bootstrap."""
    from framing.evaluate.bootstrap import hierarchical_bootstrap, hierarchical_label_f1
    from framing.evaluate.metrics import scores

    rng = np.random.default_rng(5)
    n, labels = 120, ["a", "b", "c"]
    groups = np.repeat(np.arange(60), 2)
    truth = (rng.random((n, 3)) < 0.4).astype(int)
    truth[groups % 2 == 0, 2] = 1
    runs = []
    for _ in range(3):
        pred = np.where(rng.random((n, 3)) < 0.25, 1 - truth, truth)
        pred[:, 0] = truth[:, 0]  # label a: always right
        runs.append((truth, pred, groups))
    result = hierarchical_label_f1(runs, n_boot=400, seed=3)
    per_seed = [scores(t, p, labels)["per_label"] for t, p, _ in runs]
    expected = [np.mean([s[x]["f1"] for s in per_seed]) for x in labels]
    assert result["mean"] == pytest.approx(expected)
    assert (result["ci_low"] <= result["mean"] + 1e-12).all()
    assert (result["mean"] <= result["ci_high"] + 1e-12).all()
    assert (result["ci_low"][0], result["ci_high"][0]) == (1.0, 1.0)
    assert (result["ci_high"][1:] - result["ci_low"][1:] > 0.05).all()
    macro = hierarchical_bootstrap(runs, n_boot=400, seed=3)["macro_f1"]
    assert result["mean"].mean() == pytest.approx(macro["mean"])


def test_cooccurrence_counts_match_the_gold_set(figures, records, schema):
    table = pd.read_csv(figures["cooccurrence"].csv)
    labels = schema.labels("frames")
    assert len(table) == len(labels) * (len(labels) + 1) // 2
    for row in table.itertuples():
        both = sum(row.frame_a in r["frames"] and row.frame_b in r["frames"] for r in records)
        assert row.n_sentences == both
        assert row.share_of_sentences == pytest.approx(both / len(records))


def test_confusion_matrix_counts_and_row_shares(figures, schema):
    oof = figures["_oof"]["stance"]
    labels = schema.labels("stance")
    table = pd.read_csv(figures["confusion"].csv)
    truth = oof[[f"true:{x}" for x in labels]].to_numpy().argmax(axis=1)
    pred = oof[[f"pred:{x}" for x in labels]].to_numpy().argmax(axis=1)
    for row in table.itertuples():  # whole predictions, summed over the seeds
        i, j = labels.index(row.true), labels.index(row.pred)
        assert row.n_predictions == ((truth == i) & (pred == j)).sum()
    assert table["n_predictions"].dtype.kind == "i"
    assert table["n_predictions"].sum() == len(oof) == 2 * oof["sentence_id"].nunique()
    assert table.groupby("true")["share_of_true"].sum().to_numpy() == pytest.approx(1)
    texts = [t.get_text() for t in figures["confusion"].figure.axes[0].texts]
    assert all(t.split("\n")[0].endswith("%") and "." not in t for t in texts), texts
    title = figures["confusion"].figure.get_suptitle().replace("\n", " ")
    assert "2 seeds × 167 sentences = 334 predictions" in title


def test_learning_curve_csv_holds_the_input(figures, curve):
    table = pd.read_csv(figures["learning_curve"].csv)
    merged = table.merge(curve, on=["task", "model", "fraction"], suffixes=("", "_in"))
    assert len(merged) == len(curve)
    assert merged["macro_f1"].to_numpy() == pytest.approx(merged["macro_f1_in"].to_numpy())
    assert (table["macro_f1_low"] <= table["macro_f1"]).all()
    assert (table["macro_f1"] <= table["macro_f1_high"]).all()


# ---------------------------------------------------------------------------- one style
def legend_key(legend):
    def colour(handle):
        return handle.get_color() if hasattr(handle, "get_marker") else handle.get_facecolor()

    return [
        (t.get_text(), to_hex(colour(h)))
        for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
    ]


def tick_key(axis):
    return [
        (label.get_text().replace("\n", " "), to_hex(tick.tick1line.get_markeredgecolor()))
        for label, tick in zip(axis.get_ticklabels(), axis.get_major_ticks(), strict=True)
    ]


def test_frame_and_stance_colours_and_order_are_the_same_in_every_figure(figures, schema):
    frame_colours = style.label_colours(schema.labels("frames"), True)
    frames = [(style.nice_label(x), to_hex(c)) for x, c in frame_colours.items()]
    stance_colours = style.label_colours(schema.labels("stance"), False)
    stance = [(style.nice_label(x), to_hex(c)) for x, c in stance_colours.items()]
    assert [name for name, _ in frames[:-1]] == [style.nice_label(x) for x in schema.frame_names]
    assert frames[-1] == ("no frame", to_hex(style.NO_FRAME_COLOUR))
    assert len({c for _, c in frames + stance}) == len(frames + stance)  # no colour used twice
    assert legend_key(figures["mix_frames"].figure.legends[0]) == frames
    assert legend_key(figures["mix_stance"].figure.legends[0]) == stance
    frames_panel, stance_panel = figures["prediction_mix"].figure.axes
    assert legend_key(frames_panel.get_legend()) == frames
    assert legend_key(stance_panel.get_legend()) == stance
    assert tick_key(figures["f1_frames"].figure.axes[0].xaxis) == frames[:-1]
    assert tick_key(figures["f1_stance"].figure.axes[0].xaxis) == stance
    cooccurrence = figures["cooccurrence"].figure.axes[0]
    assert tick_key(cooccurrence.xaxis) == tick_key(cooccurrence.yaxis) == frames[:-1]
    confusion = figures["confusion"].figure.axes[0]
    assert tick_key(confusion.xaxis) == tick_key(confusion.yaxis) == stance
    for name in ("mix_frames", "f1_frames", "cooccurrence"):  # and in the CSVs
        table = pd.read_csv(figures[name].csv)
        if "colour" in table:
            pairs = dict(zip(table["label"], table["colour"], strict=True))
            assert all(pairs[x] == c for x, c in frame_colours.items() if x in pairs)


# ---------------------------------------------------------------------------- greyscale
def grey_png(result) -> np.ndarray:
    """The figure's PNG as a greyscale printer sees it (Pillow's "L": ITU-R 601 luma)."""
    from PIL import Image

    with Image.open(result.png) as png:
        return np.asarray(png.convert("L"), dtype=float)


@contextmanager
def drawn_as_saved(result):
    """The figure laid out at the PNG's 300 dpi in the house style (exactly the pixels of the
    PNG), so display coordinates are PNG pixels; the figure's own dpi is restored after."""
    fig = result.figure
    dpi = fig.dpi
    with style.house_style():
        fig.set_dpi(style.DPI)
        fig.canvas.draw()
    try:
        yield
    finally:
        with style.house_style():
            fig.set_dpi(dpi)
            fig.canvas.draw()


def to_png_pixels(result, display_xy) -> tuple[int, int]:
    """(row, column) in the PNG of a point in display coordinates (``drawn_as_saved``)."""
    x, y = display_xy
    return int(round(result.figure.bbox.height - y)), int(round(x))


def grey_patch(grey, row, col, half=1) -> float:
    return float(grey[row - half : row + half + 1, col - half : col + half + 1].mean())


@pytest.mark.parametrize("task", ["frames", "stance"])
def test_outlet_mix_gold_and_model_marks_stay_apart_in_greyscale(figures, task):
    """In the grey PNG the centre of a gold mark prints at its label's grey, the model's
    hollow mark stays white; labels whose colours print alike have different markers."""
    result = figures[f"mix_{task}"]
    grey = grey_png(result)
    (ax,) = result.figure.axes
    marks = mix_marks(result)
    centres = {}
    with drawn_as_saved(result):
        for key, line in marks.items():
            x, y = line.get_xdata()[-1], line.get_ydata()[-1]  # the "All outlets" block
            centres[key] = to_png_pixels(result, ax.transData.transform((x, y)))
    for (source, label), line in marks.items():
        centre = grey_patch(grey, *centres[(source, label)])
        if source == "gold":
            assert abs(centre - style.grey_level(line.get_markerfacecolor())) < 25
            assert centre < 215
        else:
            assert centre > 235
    gold = {label: line for (source, label), line in marks.items() if source == "gold"}
    for a, b in itertools.combinations(gold, 2):
        same_grey = (
            abs(style.grey_level(gold[a].get_color()) - style.grey_level(gold[b].get_color())) < 40
        )
        if same_grey:
            assert gold[a].get_marker() != gold[b].get_marker(), (a, b)
    assert len({line.get_marker() for line in gold.values()}) == len(gold)


def legend_crops(result, legend) -> dict[str, np.ndarray]:
    """{label: the grey PNG's pixels inside its legend patch} (edges trimmed)."""
    grey = grey_png(result)
    renderer = result.figure.canvas.get_renderer()
    crops = {}
    for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True):
        box = handle.get_window_extent(renderer)
        top, left = to_png_pixels(result, (box.x0, box.y1))
        bottom, right = to_png_pixels(result, (box.x1, box.y0))
        crops[text.get_text()] = grey[top + 4 : bottom - 4, left + 4 : right - 4]
    return crops


def test_prediction_mix_bars_stay_apart_in_greyscale(figures):
    """Every pair of labels' legend patches differs in the grey PNG: by grey level or by
    hatch (mean absolute difference of the pixels), though orange, pink and the grey of "no
    frame" print at almost one grey."""
    result = figures["prediction_mix"]
    with drawn_as_saved(result):
        panels = [legend_crops(result, ax.get_legend()) for ax in result.figure.axes]
    for crops in panels:
        shape = min(c.shape[0] for c in crops.values()), min(c.shape[1] for c in crops.values())
        crops = {k: c[: shape[0], : shape[1]] for k, c in crops.items()}
        assert min(shape) >= 8
        for a, b in itertools.combinations(crops, 2):
            assert np.abs(crops[a] - crops[b]).mean() > 12, (a, b)
    colours = style.label_colours(["a", "b", "c", "d"], True)
    hatches = style.label_hatches(["a", "b", "c", "d"], True)
    alike = [
        (x, y)
        for x, y in itertools.combinations(colours, 2)
        if abs(style.grey_level(colours[x]) - style.grey_level(colours[y])) < 15
    ]
    assert alike  # the palette alone does not survive greyscale ...
    assert all(hatches[x] != hatches[y] for x, y in alike)  # ... the hatches do


def test_prediction_mix_draws_percent_and_zero_shares(figures):
    frames_panel, stance_panel = figures["prediction_mix"].figure.axes
    for ax in (frames_panel, stance_panel):
        assert ax.xaxis.get_major_formatter()(0.25, 0) == "25%"
    zero_marks = [line for line in frames_panel.lines if line.get_marker() == "|"]
    n_zero = sum(
        row["share"] == 0
        for row in figures["prediction_mix"].data.to_dict("records")
        if row["task"] == "frames"
    )
    assert n_zero >= 4 and sum(len(line.get_xdata()) for line in zero_marks) == n_zero


@pytest.mark.parametrize("cmap", [style.HEATMAP_CMAP, style.COUNT_CMAP])
def test_heatmap_scales_print_as_a_grey_ramp(cmap):
    import matplotlib as mpl

    greys = [style.grey_level(mpl.colormaps[cmap](v)) for v in np.linspace(0, 1, 11)]
    steps = np.diff(greys)
    assert (steps > 0).all() or (steps < 0).all()


def test_importing_the_figure_modules_stays_light():
    code = (
        "import sys, framing.figures.style, framing.cli.plot; "
        "print(sorted(m for m in ('matplotlib', 'pandas', 'torch') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_palette_is_okabe_ito_and_families_keep_their_style():
    assert set(style.label_colours(["a", "b", "c", "d"], True).values()) <= set(
        style.OKABE_ITO + [style.NO_FRAME_COLOUR]
    )
    assert style.family_style("tfidf_lr", False) == style.family_style("tfidf_lr", False)
    assert style.family_style("majority", True)["mfc"] == "white"
    trained = [style.family_style(m, False)["color"] for m in ("tfidf_lr", "embedding_lr")]
    assert len(set(trained)) == 2


# ---------------------------------------------------------------------------- framing.plot
def write_run(folder, oof, task, model, label, seed, labels, sha):
    folder.mkdir(parents=True)
    part = oof[oof["seed"] == seed]
    part.to_csv(folder / "oof_predictions.csv", index=False)
    metrics = {
        "task": task,
        "model": model,
        "model_label": label,
        "is_baseline": False,
        "seed": seed,
        "protocol": "grouped_kfold",
        "n_folds": 5,
        "n_sentences": len(part),
        "labels": labels,
        "data_sha256": sha,
        "wall_time_s": {"train": 1.0, "evaluate": 1.0, "total": 2.0},
        "macro_f1": {"mean": 0.5, "ci_low": 0.4, "ci_high": 0.6},
    }
    (folder / "metrics.json").write_text(json.dumps(metrics))
    (folder / "config.yaml").write_text(f"task:\n  name: {task}\nmodel:\n  name: {model}\n")


@pytest.fixture
def results(tmp_path, figures, schema, curve):
    """Run folders of one family (two seeds, both tasks), comparison.csv made from them by the
    comparison's own code, and a learning curve: what a finished sweep leaves."""
    from framing.runs.comparison import comparison_table
    from framing.runs.discover import find_runs

    sha = hashlib.sha256(SENTENCES.read_bytes()).hexdigest()
    runs = tmp_path / "multirun"
    for task in ("frames", "stance"):
        for seed in (0, 1):
            write_run(
                runs / f"{task}_tfidf_lr_s{seed}",
                figures["_oof"][task],
                task,
                "tfidf_lr",
                "TF-IDF + LR",
                seed,
                schema.labels(task),
                sha,
            )
    comparison = comparison_table(find_runs([runs]), n_boot=100)
    comparison.to_csv(tmp_path / "comparison.csv", index=False, float_format="%.4f")
    curve.to_csv(tmp_path / "learning_curve.csv", index=False)
    argv = ["--runs", str(runs), "--comparison", str(tmp_path / "comparison.csv")]
    argv += ["--learning-curve", str(tmp_path / "learning_curve.csv")]
    return {"argv": argv, "runs": runs, "comparison": comparison, "folder": tmp_path}


ALL_STEMS = {
    "framing_mix_frames",
    "framing_mix_stance",
    "model_comparison",
    "f1_per_frame",
    "f1_per_stance_class",
    "frame_cooccurrence",
    "stance_confusion",
    "learning_curve",
}


def test_plot_command_draws_every_figure_from_the_results_without_a_warning(results, capsys):
    out = results["folder"] / "figures"
    argv = [*results["argv"], "--out", str(out), "--model", "tfidf_lr", "--bootstrap", "100"]
    assert plot.main(argv) == 0
    err = capsys.readouterr().err
    assert "warning" not in err, err  # every title and label fits: nothing to warn about
    written = [p for p in out.iterdir() if p.name != ".framing-output.json"]
    assert {p.stem for p in written} == ALL_STEMS
    assert len(written) == 3 * len(ALL_STEMS)
    # the mix figure shows the chosen run's predictions, both seeds pooled
    mix = pd.read_csv(out / "framing_mix_frames.csv")
    assert set(mix["source"]) == {"gold", "oof:TF-IDF + LR"}
    assert mix["n_seeds"].max() == 2
    # per-label F1 with intervals from the runs' bootstrap, the point as in comparison.csv
    f1 = pd.read_csv(out / "f1_per_frame.csv")
    listed = results["comparison"].set_index(["task", "model"])
    for row in f1.itertuples():
        listed_f1 = listed.loc[("frames", row.model), f"f1:{row.label}"]
        assert row.f1 == pytest.approx(listed_f1, abs=1e-4)  # comparison.csv has 4 decimals
        assert row.f1_low <= row.f1 + 1e-4 and row.f1 - 1e-4 <= row.f1_high
    assert (f1["f1_high"] - f1["f1_low"] > 0.02).all()
    # the stance confusion counts every prediction once: two seeds x every sentence
    confusion_table = pd.read_csv(out / "stance_confusion.csv")
    assert confusion_table["n_predictions"].sum() == 2 * 167
    for stem in ALL_STEMS:
        assert png_width_in(out / f"{stem}.png") == pytest.approx(3.5, abs=0.05)


def test_plot_command_draws_two_columns_wide_on_request(results, capsys):
    out = results["folder"] / "wide"
    argv = [*results["argv"], "--out", str(out), "--model", "tfidf_lr", "--bootstrap", "50"]
    assert plot.main([*argv, "--width", "double", "--only", "f1_per_frame", "learning_curve"]) == 0
    assert "warning" not in capsys.readouterr().err
    for stem in ("f1_per_frame", "learning_curve"):
        assert png_width_in(out / f"{stem}.png") == pytest.approx(7.2, abs=0.05)
    assert plot.main([*argv, "--width", "huge"]) == 2
    assert "--width" in capsys.readouterr().err


def test_plot_command_shows_f1_without_interval_for_a_family_without_runs(
    results, comparison, capsys
):
    """A family in comparison.csv whose run folders are not under --runs keeps its F1, gets
    no interval, and both the figure and a warning say so."""
    table = pd.concat(
        [results["comparison"], comparison[comparison["model"] == "lexicon"]], ignore_index=True
    )
    table.to_csv(results["folder"] / "comparison.csv", index=False)
    out = results["folder"] / "figures"
    argv = [*results["argv"], "--out", str(out), "--model", "tfidf_lr", "--bootstrap", "50"]
    assert plot.main([*argv, "--only", "f1_per_frame"]) == 0
    err = capsys.readouterr().err
    assert "warning: f1_per_frame: no run folders of lexicon on frames" in err
    f1 = pd.read_csv(out / "f1_per_frame.csv")
    assert f1.loc[f1["model"] == "lexicon", "f1_low"].isna().all()
    assert f1.loc[f1["model"] == "tfidf_lr", "f1_low"].notna().all()


def test_plot_command_refuses_runs_that_are_not_the_ones_compared(results, capsys):
    table = results["comparison"].copy()
    table.loc[table["task"] == "frames", "f1:neutrality"] += 0.05
    table.to_csv(results["folder"] / "comparison.csv", index=False)
    out = results["folder"] / "figures"
    argv = [*results["argv"], "--out", str(out), "--model", "tfidf_lr", "--bootstrap", "50"]
    assert plot.main([*argv, "--only", "f1_per_frame"]) == 2
    err = capsys.readouterr().err
    assert "not the runs compared" in err
    assert not (out / "f1_per_frame.png").exists()


def test_plot_command_with_missing_inputs_exits_2_and_names_them(tmp_path):
    out = tmp_path / "figures"
    missing = {
        "--comparison": tmp_path / "no" / "comparison.csv",
        "--runs": tmp_path / "no" / "multirun",
        "--learning-curve": tmp_path / "no" / "learning_curve.csv",
    }
    argv = [a for key, path in missing.items() for a in (key, str(path))]
    proc = subprocess.run(
        [sys.executable, "-m", "framing.plot", *argv, "--out", str(out)],  # the README's alias
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    for path in missing.values():
        assert str(path) in proc.stderr
    assert f"framing compare {missing['--runs']} --out {missing['--comparison'].parent}" in (
        proc.stderr
    )
    assert "framing learning-curve" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: ")
    # only the figure whose inputs exist (the gold set) is written, and completely
    files = sorted(p.name for p in out.iterdir() if p.name != ".framing-output.json")
    assert files == [f"frame_cooccurrence.{ext}" for ext in ("csv", "pdf", "png")]


def test_plot_advice_in_a_study_folder_names_only_framing_commands(tmp_path):
    """In a study outside this repository the advice must name commands the user has: every
    command it quotes is a `framing` command that exists, no script of this repository."""
    import re
    import shutil

    from framing.cli.main import COMMANDS

    from conftest import EXAMPLE_STUDY, framing

    study = tmp_path / "study"
    shutil.copytree(EXAMPLE_STUDY, study)
    (study / "labels").mkdir(exist_ok=True)
    shutil.copy(study / "codings" / "coder_a.jsonl", study / "labels" / "coder_a.jsonl")
    assert framing("coding", "assemble", cwd=study).returncode == 0
    done = framing("plot", cwd=study)
    assert done.returncode == 2, done.stderr
    quoted = re.findall(r"`([^`]+)`", done.stderr)
    assert quoted, done.stderr
    for command in quoted:
        words = command.split()
        assert words[0] == "framing" and words[1] in COMMANDS, command
    assert "experiments/" not in done.stderr and "bash" not in done.stderr
    assert "warning" not in done.stderr  # the figure it could draw fits its canvas
    written = sorted(p.name for p in (study / "results" / "figures").iterdir())
    assert "frame_cooccurrence.png" in written


def test_plot_command_refuses_runs_of_another_labelled_set(tmp_path, figures, schema, capsys):
    runs = tmp_path / "multirun"
    write_run(
        runs / "stance_tfidf_lr_s0",
        figures["_oof"]["stance"],
        "stance",
        "tfidf_lr",
        "TF-IDF + LR",
        0,
        schema.labels("stance"),
        "0" * 64,
    )
    out = tmp_path / "figures"
    argv = ["--runs", str(runs), "--out", str(out), "--only", "stance_confusion"]
    argv += ["--model", "tfidf_lr"]
    assert plot.main(argv) == 2
    assert "rerun the sweep on the current labelled set" in capsys.readouterr().err
    assert not out.exists() or not list(out.iterdir())
