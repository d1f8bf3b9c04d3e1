"""Paper figures on the real gold set and small synthetic results files (formats of CONTRACTS).

Every figure function must write PDF + PNG (300 dpi, 3.5 in wide) + the CSV of the plotted
numbers, keep one colour and order per frame / stance class, keep its texts >= 7 pt, inside
the canvas and apart, and ``python -m framing.plot`` must name what is missing.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import defaultdict

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
                "task": task, "model": model, "model_label": label, "is_baseline": baseline,
                "n_seeds": 3, "n_sentences": 167, "macro_f1": mean,
                "macro_f1_low": mean - rng.uniform(0.02, 0.1),
                "macro_f1_high": mean + rng.uniform(0.02, 0.1), "micro_f1": micro,
                "micro_f1_low": micro - 0.05, "micro_f1_high": micro + 0.05,
            }  # fmt: skip
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
                    }  # fmt: skip
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
            gold["frames"], outlet_mix.oof_indicators(frames_oof, f), f, True, out / "mix_frames",
            "TF-IDF + LR", n_boot=300,
        ),
        "mix_stance": outlet_mix.plot_outlet_mix(
            gold["stance"], outlet_mix.oof_indicators(stance_oof, s), s, False, out / "mix_stance",
            "TF-IDF + LR", n_boot=300,
        ),
        "comparison": model_comparison.plot_model_comparison(comparison, out / "comparison"),
        "f1_frames": label_f1.plot_label_f1_heatmap(comparison, "frames", f, out / "f1_frames"),
        "f1_stance": label_f1.plot_label_f1_heatmap(comparison, "stance", s, out / "f1_stance"),
        "cooccurrence": cooccurrence.plot_frame_cooccurrence(
            gold["frames"], f, out / "cooccurrence"
        ),
        "confusion": confusion.plot_confusion_matrix(
            stance_oof, s, out / "confusion", "TF-IDF + LR"
        ),
        "learning_curve": learning_curve_figure.plot_learning_curve(curve, out / "learning_curve"),
        "_oof": {"frames": frames_oof, "stance": stance_oof},
    }  # fmt: skip


FIGURE_NAMES = [
    "mix_frames", "mix_stance", "comparison", "f1_frames", "f1_stance", "cooccurrence",
    "confusion", "learning_curve",
]  # fmt: skip


# ---------------------------------------------------------------------------- files and size
@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_each_figure_writes_pdf_png_and_csv_at_column_width(figures, name):
    from PIL import Image

    result = figures[name]
    assert result.pdf.read_bytes().startswith(b"%PDF")
    table = pd.read_csv(result.csv)
    assert len(table) > 0
    with Image.open(result.png) as png:
        dpi = png.info["dpi"]
        width_in = png.size[0] / dpi[0]
    assert dpi == pytest.approx((300, 300), abs=0.5)
    assert width_in == pytest.approx(3.5, abs=0.05)
    leftovers = {p.name for p in result.png.parent.glob(".*")} - {".framing-output.json"}
    assert not list(result.png.parent.glob("*.tmp")) and not leftovers


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_texts_are_readable_unclipped_and_apart(figures, name):
    assert style.layout_problems(figures[name].figure) == []


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


@pytest.mark.parametrize("task", ["frames", "stance"])
def test_outlet_mix_intervals_contain_the_estimate_and_bars_show_the_csv(figures, task):
    result = figures[f"mix_{task}"]
    table = pd.read_csv(result.csv)
    assert (table["ci_low"] <= table["share"] + 1e-12).all()
    assert (table["share"] <= table["ci_high"] + 1e-12).all()
    assert (table["ci_high"] - table["ci_low"] > 0.01).mean() > 0.5  # real resampling
    for ax, source in zip(result.figure.axes[:2], ["gold", "oof:TF-IDF + LR"], strict=True):
        widths = sorted(p.get_width() for p in ax.patches if p.get_height() > 0)
        shares = sorted(table.loc[table["source"] == source, "share"])
        assert widths == pytest.approx(shares, abs=1e-9)


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


def test_label_f1_heatmap_csv_holds_the_comparison_columns(figures, comparison, schema):
    for task in ("frames", "stance"):
        table = pd.read_csv(figures[f"f1_{task}"].csv)
        assert list(dict.fromkeys(table["label"])) == schema.labels(task)
        for row in table.itertuples():
            source = comparison[(comparison["task"] == task) & (comparison["model"] == row.model)]
            assert row.f1 == pytest.approx(source[f"f1:{row.label}"].iloc[0])


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
    n_seeds = oof["seed"].nunique()
    for row in table.itertuples():
        i, j = labels.index(row.true), labels.index(row.pred)
        assert row.n_sentences == pytest.approx(((truth == i) & (pred == j)).sum() / n_seeds)
    assert table.groupby("true")["share_of_true"].sum().to_numpy() == pytest.approx(1)


def test_learning_curve_csv_holds_the_input(figures, curve):
    table = pd.read_csv(figures["learning_curve"].csv)
    merged = table.merge(curve, on=["task", "model", "fraction"], suffixes=("", "_in"))
    assert len(merged) == len(curve)
    assert merged["macro_f1"].to_numpy() == pytest.approx(merged["macro_f1_in"].to_numpy())
    assert (table["macro_f1_low"] <= table["macro_f1"]).all()
    assert (table["macro_f1"] <= table["macro_f1_high"]).all()


# ---------------------------------------------------------------------------- one style
def legend_key(figure):
    return [
        (t.get_text(), to_hex(h.get_facecolor()))
        for t, h in zip(
            figure.legends[0].get_texts(), figure.legends[0].legend_handles, strict=True
        )
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
    assert legend_key(figures["mix_frames"].figure) == frames
    assert legend_key(figures["mix_stance"].figure) == stance
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
        "task": task, "model": model, "model_label": label, "is_baseline": False, "seed": seed,
        "protocol": "grouped_kfold", "n_folds": 5, "n_sentences": len(part), "labels": labels,
        "data_sha256": sha, "wall_time_s": {"train": 1.0, "evaluate": 1.0, "total": 2.0},
        "macro_f1": {"mean": 0.5, "ci_low": 0.4, "ci_high": 0.6},
    }  # fmt: skip
    (folder / "metrics.json").write_text(json.dumps(metrics))
    (folder / "config.yaml").write_text(f"task:\n  name: {task}\nmodel:\n  name: {model}\n")


def test_plot_command_draws_every_figure_from_the_results(
    tmp_path, figures, schema, comparison, curve
):
    sha = hashlib.sha256(SENTENCES.read_bytes()).hexdigest()
    runs = tmp_path / "multirun"
    for task in ("frames", "stance"):
        for seed in (0, 1):
            write_run(
                runs / f"{task}_tfidf_lr_s{seed}", figures["_oof"][task], task, "tfidf_lr",
                "TF-IDF + LR", seed, schema.labels(task), sha,
            )  # fmt: skip
    comparison.to_csv(tmp_path / "comparison.csv", index=False)
    curve.to_csv(tmp_path / "learning_curve.csv", index=False)
    out = tmp_path / "figures"
    argv = ["--runs", str(runs), "--comparison", str(tmp_path / "comparison.csv")]
    argv += ["--learning-curve", str(tmp_path / "learning_curve.csv"), "--out", str(out)]
    assert plot.main([*argv, "--model", "tfidf_lr", "--bootstrap", "100"]) == 0
    written = [p for p in out.iterdir() if p.name != ".framing-output.json"]
    stems = {p.stem for p in written}
    assert stems == {
        "framing_mix_frames", "framing_mix_stance", "model_comparison", "f1_per_frame",
        "f1_per_stance_class", "frame_cooccurrence", "stance_confusion", "learning_curve",
    }  # fmt: skip
    assert len(written) == 3 * len(stems)
    # the mix figure shows the chosen run's predictions, both seeds pooled
    mix = pd.read_csv(out / "framing_mix_frames.csv")
    assert set(mix["source"]) == {"gold", "oof:TF-IDF + LR"}
    assert mix["n_seeds"].max() == 2


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
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    for path in missing.values():
        assert str(path) in proc.stderr
    assert "bash experiments/full_comparison.sh" in proc.stderr
    assert "framing learning-curve" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: ")
    # only the figure whose inputs exist (the gold set) is written, and completely
    files = sorted(p.name for p in out.iterdir() if p.name != ".framing-output.json")
    assert files == [f"frame_cooccurrence.{ext}" for ext in ("csv", "pdf", "png")]


def test_plot_command_refuses_runs_of_another_labelled_set(tmp_path, figures, schema):
    runs = tmp_path / "multirun"
    write_run(
        runs / "stance_tfidf_lr_s0", figures["_oof"]["stance"], "stance", "tfidf_lr",
        "TF-IDF + LR", 0, schema.labels("stance"), "0" * 64,
    )  # fmt: skip
    out = tmp_path / "figures"
    argv = ["--runs", str(runs), "--out", str(out), "--only", "stance_confusion"]
    assert plot.main(argv) == 2
    assert not out.exists() or not list(out.iterdir())
