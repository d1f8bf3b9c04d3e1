"""framing estimate / sample-size: the PPI++ estimator against ppi-python, its clustering and
weights, and the commands end to end on files written here (bad input included)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.coding.records import SampledUnit, SampleRecord, write_sample_record
from framing.estimate.ppi import corpus_mean, difference_interval, ppi_mean

from conftest import framing

FRAMES = ["isolation_breaking", "neutrality", "historical_friendship", "western_criticism"]
STANCE = ["favourable", "neutral", "critical"]


def unclustered(y_all, f_all, idx, lam):
    corpus = corpus_mean(f_all[:, None], np.ones(len(f_all)))
    return ppi_mean(
        y_all[idx, None], f_all[idx, None], np.arange(len(idx)), corpus, lam=lam, clustered_df=False
    )


@pytest.mark.extra("dev")
@pytest.mark.parametrize("lam", [0.0, 0.6, 1.0, None])
def test_unclustered_estimate_matches_ppi_python(lam):
    from ppi_py import ppi_mean_ci, ppi_mean_pointestimate

    rng = np.random.default_rng(3)
    y_all = (rng.random(30_000) < 0.25).astype(float)
    f_all = np.where(rng.random(30_000) < 0.85, y_all, 1 - y_all)
    idx = rng.choice(len(y_all), 400, replace=False)
    ours = unclustered(y_all, f_all, idx, "tuned" if lam is None else lam)
    # ppi-python's default level is 90%: ask for 95%
    low, high = ppi_mean_ci(y_all[idx], f_all[idx], f_all, alpha=0.05, lam=lam)
    point = ppi_mean_pointestimate(y_all[idx], f_all[idx], f_all, lam=lam)
    if lam is not None:  # same estimator: equal up to ddof (n - 1 vs n in the variances)
        assert ours.estimate[0] == pytest.approx(point[0], abs=1e-12)
        assert ours.low[0] == pytest.approx(low[0], rel=2e-3)
        assert ours.high[0] == pytest.approx(high[0], rel=2e-3)
    else:  # lam tuned on the labelled sample's variance rather than the pooled one
        assert abs(ours.estimate[0] - point[0]) < 0.005
        assert (ours.high - ours.low)[0] == pytest.approx(high[0] - low[0], rel=0.03)


def test_tuned_lambda_minimises_the_variance():
    rng = np.random.default_rng(0)
    y = (rng.random(5000) < 0.3).astype(float)
    f = np.where(rng.random(5000) < 0.7, y, 1 - y)
    idx = rng.choice(5000, 200, replace=False)
    tuned = unclustered(y, f, idx, "tuned")
    grid = [unclustered(y, f, idx, lam).se[0] for lam in np.linspace(0, 1, 41)]
    assert tuned.se[0] <= min(grid) + 1e-12
    assert 0 < tuned.lam[0] < 1


def test_copies_within_an_article_widen_the_interval_as_fewer_units_would():
    """Every sentence twice in its article: the clustered interval equals that of the
    de-duplicated sample, the unclustered one pretends to twice the data."""
    rng = np.random.default_rng(1)
    y = (rng.random(300) < 0.4).astype(float)
    f = np.where(rng.random(300) < 0.8, y, 1 - y)
    corpus = corpus_mean(f[:, None], np.ones(300))
    single = ppi_mean(y[:, None], f[:, None], np.arange(300), corpus, lam=0.5)
    doubled = ppi_mean(
        np.repeat(y, 2)[:, None],
        np.repeat(f, 2)[:, None],
        np.repeat(np.arange(300), 2),
        corpus,
        lam=0.5,
    )
    naive = ppi_mean(
        np.repeat(y, 2)[:, None], np.repeat(f, 2)[:, None], np.arange(600), corpus, lam=0.5
    )
    assert doubled.se[0] == pytest.approx(single.se[0], rel=1e-9)
    assert naive.se[0] < 0.82 * doubled.se[0]  # 1/sqrt(2) for the sample part


def test_weights_undo_an_oversampled_stratum():
    """Stratum A (10% of the corpus, share 0.9) drawn at 10x the rate of B (share 0.1): the
    unweighted mean is far off, the weighted estimate is not."""
    y = np.r_[np.ones(90), np.zeros(10), np.ones(100), np.zeros(900)]
    stratum = np.r_[np.zeros(100), np.ones(1000)]
    f = y.copy()
    rng = np.random.default_rng(2)
    idx = np.r_[rng.choice(100, 50, replace=False), 100 + rng.choice(1000, 50, replace=False)]
    prob = np.where(stratum[idx] == 0, 0.5, 0.05)
    corpus = corpus_mean(f[:, None], np.ones(len(f)))
    est = ppi_mean(y[idx, None], f[idx, None], idx, corpus, weights=1 / prob, lam=0.0)
    truth = y.mean()  # 0.173
    assert abs(y[idx].mean() - truth) > 0.3
    assert abs(est.estimate[0] - truth) < 0.05 and est.low[0] < truth < est.high[0]


def test_difference_of_independent_estimates():
    diff, se, low, high = difference_interval(
        np.array([0.5]), np.array([0.03]), np.inf, np.array([0.2]), np.array([0.04]), np.inf
    )
    assert diff[0] == pytest.approx(0.3) and se[0] == pytest.approx(0.05)
    assert (low[0], high[0]) == pytest.approx((0.3 - 1.959964 * 0.05, 0.3 + 1.959964 * 0.05))


# ------------------------------------------------------------------ the commands, end to end
def make_corpus(folder: Path, seed: int = 0, n_coded: int = 160, strategy="simple"):
    """predictions.csv of 6 outlets (one of 2 short articles), the gold coding of a random
    sample of its sentences and the sample record; returns the true shares."""
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    outlets = {f"Outlet {c}": 15 for c in "ABCDE"} | {"Tiny outlet": 2}
    for o, (outlet, n_articles) in enumerate(outlets.items()):
        for a in range(n_articles):
            base = rng.random(4) * (0.2 + 0.1 * o)
            for s in range(int(rng.integers(6, 16))):
                frames = [lab for j, lab in enumerate(FRAMES) if rng.random() < base[j]]
                stance = STANCE[int(rng.choice(3, p=[0.2, 0.6, 0.2]))]
                pred_frames = [lab for lab in FRAMES if (lab in frames) == (rng.random() < 0.85)]
                pred_stance = stance if rng.random() < 0.7 else STANCE[int(rng.integers(3))]
                sid = f"s{o}_{a}_{s}"
                row = {
                    "sentence_id": sid,
                    "article_id": f"{outlet[:1]}{o}-{a}",
                    "outlet": outlet,
                    "position": s,
                    "text": f"Sentence {sid}.",
                }
                for lab in FRAMES:
                    row |= {f"proba:{lab}": 0.5, f"pred:{lab}": int(lab in pred_frames)}
                for lab in STANCE:
                    row |= {f"proba:{lab}": 0.3, f"pred:{lab}": int(lab == pred_stance)}
                rows.append(row)
                truth.append({"sentence_id": sid, "frames": frames, "stance": stance})
    table = pd.DataFrame(rows)
    table.to_csv(folder / "predictions.csv", index=False)
    pick = sorted(rng.choice(len(rows), n_coded, replace=False))
    with (folder / "coded.jsonl").open("w") as fh:
        for i in pick:
            fh.write(json.dumps(truth[i]) + "\n")
    p = n_coded / len(rows)
    units = [
        SampledUnit(rows[i]["sentence_id"], rows[i]["article_id"], rows[i]["outlet"], p)
        for i in pick
    ]
    write_sample_record(
        SampleRecord(
            strategy,
            strategy != "active",
            "sentence",
            seed,
            {"file": "predictions.csv", "n_sentences": len(rows)},
            units,
        ),
        folder / "coded.jsonl",
    )
    return table, truth


def assert_bad_input(done, *needles, out: Path | None = None) -> None:
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    if out is not None:
        assert not out.exists()


def test_estimate_writes_every_table_and_a_figure_per_label(tmp_path):
    table, truth = make_corpus(tmp_path)
    out = tmp_path / "est"
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(out),
        "--difference",
        "Outlet A",
        "Outlet E",
    )
    assert done.returncode == 0, done.stderr
    # off a terminal, the figures' progress is a line at the start and one at the end
    assert "figures: started (2 figures)" in done.stderr, done.stderr
    assert "figures: done, 2 figures in" in done.stderr, done.stderr
    estimates = pd.read_csv(out / "estimates.csv")
    sentences = estimates[estimates.level == "sentences"]
    assert set(sentences.outlet) == {
        *(f"Outlet {c}" for c in "ABCDE"),
        "Tiny outlet",
        "All outlets",
    }
    assert set(sentences.label) == {*FRAMES, "no_frame", *STANCE}
    overall = sentences[sentences.outlet == "All outlets"].set_index("label")
    cc = table[[f"pred:{lab}" for lab in FRAMES]].mean().to_numpy()
    assert overall.loc[FRAMES, "classify_and_count"].to_numpy() == pytest.approx(cc, abs=1e-5)
    true_share = np.mean([[lab in t["frames"] for lab in FRAMES] for t in truth], axis=0)
    inside = (overall.loc[FRAMES, "low"] <= true_share) & (
        true_share <= overall.loc[FRAMES, "high"]
    )
    assert inside.sum() >= 3  # 95% intervals: all four, or rarely three
    # the PPI++ interval is no wider than the coded sample's own
    assert (
        overall["high"] - overall["low"] <= overall.coded_only_high - overall.coded_only_low + 1e-9
    ).all()
    tiny = sentences[sentences.outlet == "Tiny outlet"]
    assert tiny.note.str.contains("wide interval").all() or (tiny.n_coded == 0).all()
    # article shares need whole articles: classify-and-count only, said so
    articles = estimates[estimates.level == "articles"]
    assert articles.estimate.isna().all() and articles.note.str.contains("whole articles").all()
    diffs = pd.read_csv(out / "differences.csv")
    assert {"all but Outlet A", "Outlet E"} <= set(diffs.b)
    assert (diffs.low <= diffs.difference).all() and (diffs.difference <= diffs.high).all()
    plan = pd.read_csv(out / "plan.csv")
    big = plan[(plan.outlet == "All outlets") & (plan.label == "neutrality")].set_index(
        "n_coded_total"
    )
    n_sentences = len(table)
    # never more than the corpus: the largest size is the census, exact under the corpus
    # estimand, and said so on its rows only
    assert big.index.max() == n_sentences and 1600 not in big.index
    assert big.half_width.is_monotonic_decreasing and big.loc[n_sentences, "half_width"] == 0
    census = plan.note.fillna("").str.contains("census")
    assert census[plan.n_coded_total == n_sentences].all()
    assert (plan[census].half_width == 0).all() and (plan[~census].half_width > 0).all()
    outlet_rows = plan[plan.outlet != "All outlets"]
    assert outlet_rows.pooled_half_width.notna().all()
    for task in ("frames", "stance"):
        assert (out / f"outlet_estimates_{task}.png").is_file()
    assert not list(out.glob("outlet_estimates_neutrality*"))  # one figure per task
    report = json.loads((out / "report.json").read_text())
    assert report["valid"] and report["sample"]["n_coded"] == 160
    assert report["estimand"] == "corpus" and report["pooling"]["frames"]["pooled"]
    assert (sentences.estimand == "corpus").all()
    pooled = sentences[sentences.outlet != "All outlets"]
    assert pooled.method.str.startswith("pooled").all()
    assert ((pooled.low <= pooled.estimate) & (pooled.estimate <= pooled.high)).all()
    assert {"unpooled", "unpooled_low", "unpooled_high", "predictor"} <= set(estimates)
    assert (overall.method == "PPI++").all()
    predictors = pd.read_csv(out / "predictors.csv")
    assert set(predictors.narrower) <= {"probability", "decision"} and len(predictors) > 0
    assert "PPI++" in done.stdout and "Estimand: corpus" in done.stdout


def test_sample_size_projects_from_a_pilot(tmp_path):
    make_corpus(tmp_path, n_coded=60)
    done = framing(
        "sample-size",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--sizes",
        "50,400",
        "--target",
        "0.05",
        "--out",
        str(tmp_path / "plan.csv"),
    )
    assert done.returncode == 0, done.stderr
    plan = pd.read_csv(tmp_path / "plan.csv")
    overall = plan[plan.outlet == "All outlets"].set_index(["label", "n_coded_total"])
    assert (overall.xs(400, level=1).half_width < overall.xs(50, level=1).half_width).all()
    assert (plan.half_width <= plan.coded_only_half_width + 1e-12).all()
    assert plan["n_for_half_width_0.05"].notna().any()


def test_a_sample_the_record_calls_not_random_is_refused_then_flagged(tmp_path):
    make_corpus(tmp_path, strategy="active")
    out = tmp_path / "est"
    args = [
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(out),
        "--no-figure",
    ]
    assert_bad_input(framing(*args), "coded.sample.json", "'random'", "not at random", out=out)
    done = framing(*args, "--allow-nonrandom")
    assert done.returncode == 0, done.stderr
    assert "warning: NOT A RANDOM SAMPLE" in done.stderr
    assert "NOT A RANDOM SAMPLE" in (out / "summary.md").read_text()
    assert json.loads((out / "report.json").read_text())["valid"] is False
    for name in ("estimates.csv", "differences.csv", "predictors.csv", "plan.csv"):
        notes = pd.read_csv(out / name).note
        assert notes.str.startswith("NOT A RANDOM SAMPLE").all(), name


def test_coded_sentence_missing_from_the_predictions(tmp_path):
    make_corpus(tmp_path)
    with (tmp_path / "coded.jsonl").open("a") as fh:
        fh.write(json.dumps({"sentence_id": "elsewhere", "frames": [], "stance": "neutral"}) + "\n")
    out = tmp_path / "est"
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(out),
    )
    assert_bad_input(done, "coded.jsonl", "line 161", "'sentence_id'", "elsewhere", out=out)


def test_coded_sample_of_another_schema(tmp_path):
    make_corpus(tmp_path)
    lines = (tmp_path / "coded.jsonl").read_text().splitlines()
    first = json.loads(lines[2]) | {"frames": ["economic_consequences"]}
    lines[2] = json.dumps(first)
    (tmp_path / "coded.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "est"
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(out),
    )
    assert_bad_input(done, "coded.jsonl", "line 3", "'frames'", "economic_consequences", out=out)


def test_predictions_of_another_schema(tmp_path):
    make_corpus(tmp_path)
    table = pd.read_csv(tmp_path / "predictions.csv").rename(columns={"pred:neutral": "pred:other"})
    table.to_csv(tmp_path / "predictions.csv", index=False)
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(tmp_path / "est"),
    )
    assert_bad_input(done, "predictions.csv", "'pred:other'", out=tmp_path / "est")


def test_coded_sentence_outside_the_sample_record_and_existing_output(tmp_path):
    make_corpus(tmp_path)
    record = json.loads((tmp_path / "coded.sample.json").read_text())
    record["units"] = record["units"][1:]
    for unit in record["units"]:  # a consistent record (n/N) that lacks the first coded sentence
        unit["inclusion_probability"] = len(record["units"]) / record["population"]["n_sentences"]
    (tmp_path / "coded.sample.json").write_text(json.dumps(record))
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(tmp_path / "est"),
    )
    assert_bad_input(done, "coded.jsonl", "line 1", "sample record", out=tmp_path / "est")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("not ours")
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(tmp_path / "mine"),
    )
    assert_bad_input(done, "mine", "framing did not write (keep.txt)")
    assert (tmp_path / "mine" / "keep.txt").read_text() == "not ours"


def test_no_coded_sentence_in_an_outlet_pooled_estimate_still_flagged(tmp_path):
    make_corpus(tmp_path)
    coded = [json.loads(x) for x in (tmp_path / "coded.jsonl").read_text().splitlines()]
    kept = [c for c in coded if not c["sentence_id"].startswith("s5_")]  # drop the tiny outlet
    (tmp_path / "coded.jsonl").write_text("".join(json.dumps(c) + "\n" for c in kept))
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(tmp_path / "est"),
        "--no-figure",
    )
    assert done.returncode == 0, done.stderr
    estimates = pd.read_csv(tmp_path / "est" / "estimates.csv")
    tiny = estimates[(estimates.outlet == "Tiny outlet") & (estimates.level == "sentences")]
    # its own PPI++ knows nothing: [0, 1]; the pooled model still predicts it, flagged
    assert tiny.unpooled.isna().all()
    assert (tiny.unpooled_low == 0).all() and (tiny.unpooled_high == 1).all()
    assert tiny.estimate.notna().all() and ((tiny.high - tiny.low) < 1).all()
    assert tiny.note.str.contains("no coded unit").all()
    assert tiny.note.str.contains("predicted from the other outlets").all()


@pytest.mark.parametrize("n_outlets", [20, 50])
def test_outlet_estimate_figure_reads_with_many_outlets(tmp_path, n_outlets):
    """One faceted figure per task: a panel per label, a row per outlet; every mark drawn has
    a legend entry; shares in percent with 0 % inside the axis."""
    from framing.figures.outlet_estimates import plot_outlet_estimates
    from framing.figures.style import layout_problems

    rng = np.random.default_rng(n_outlets)
    names = [f"Outlet with a rather long name number {i}" for i in range(n_outlets)]
    rows = []
    for label in [*FRAMES, "no_frame"]:
        share = rng.random(n_outlets) * 0.5
        share[1] = 0.0  # a zero share must stay visible
        for i, name in enumerate([*names, "All outlets"]):
            est = share.mean() if name == "All outlets" else share[i]
            rows.append(
                {
                    "outlet": name,
                    "label": label,
                    "n_coded": 0 if i == 0 else 10,
                    "method": "PPI++" if name == "All outlets" else "pooled (Fay-Herriot)",
                    "estimate": est,
                    "low": max(est - 0.08, 0),
                    "high": est + 0.08,
                    "unpooled_low": max(est - 0.2, 0),
                    "unpooled_high": est + 0.2,
                    "classify_and_count": est + 0.05,
                }
            )
    files = plot_outlet_estimates(pd.DataFrame(rows), tmp_path / "fig", FRAMES, True)
    fig = files.figure
    assert layout_problems(fig) == []
    width, height = fig.get_size_inches()
    assert width <= 7.2 and height < 9.5  # fits a page at double-column width
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == [
        "isolation breaking",
        "neutrality",
        "historical friendship",
        "western criticism",
        "no frame",
    ]
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert legend == {
        "pooled across outlets",
        "no coded sentence (predicted)",
        "outlet's own PPI++",
        "classify and count",
    }
    for ax in panels:
        assert ax.get_xlim()[0] < 0 < ax.get_xlim()[1]
        assert "%" in ax.xaxis.get_major_formatter()(0.5, 0)
    assert len(files.data) == (n_outlets + 1) * 5


def test_a_label_the_coded_sample_never_shows_still_gets_a_real_interval():
    """0 of 40 coded sentences carry the label: the variance estimate is 0, yet the share is
    not known to be 0 (the classifier finds it in 5% of the corpus). Found in the second
    study's own output before the fix: 0.000 [0.000, 0.000] where the truth was 0.15."""
    from framing.estimate.outlets import MIN_CODED, estimate_scope

    rng = np.random.default_rng(0)
    f_all = (rng.random((400, 1)) < 0.05).astype(float)
    articles = np.repeat(np.arange(40), 10)
    corpus = corpus_mean(f_all, articles)
    coded = rng.choice(400, 40, replace=False)
    y = np.zeros((40, 1))  # none of the coded sentences carries the label
    ppi, alone, notes = estimate_scope(
        y, f_all[coded], articles[coded], np.ones(40), corpus, 0.95, MIN_CODED
    )
    for est in (ppi, alone):
        assert est.high[0] - est.low[0] > 0.05
        assert est.low[0] <= 0 < est.high[0]
    assert "never (or always) shows" in notes[0]


def test_a_census_gives_the_exact_share_under_the_corpus_estimand(tmp_path):
    """Every sentence coded (framing coding sheet's record): each share is known, and the
    interval has width 0; the process estimand still gives an interval for the wider
    population of articles."""
    table, truth = make_corpus(tmp_path)
    all_ids = table.sentence_id.tolist()
    by_id = {t["sentence_id"]: t for t in truth}
    (tmp_path / "all.jsonl").write_text("".join(json.dumps(by_id[i]) + "\n" for i in all_ids))
    units = [SampledUnit(r.sentence_id, r.article_id, r.outlet, 1.0) for r in table.itertuples()]
    write_sample_record(
        SampleRecord("sheet", True, "sentence", None, {"n_sentences": len(table)}, units),
        tmp_path / "all.jsonl",
    )
    for estimand in ("corpus", "process"):
        done = framing(
            "estimate",
            str(tmp_path / "predictions.csv"),
            str(tmp_path / "all.jsonl"),
            "--out",
            str(tmp_path / estimand),
            "--no-figure",
            "--estimand",
            estimand,
        )
        assert done.returncode == 0, done.stderr
    exact = pd.read_csv(tmp_path / "corpus" / "estimates.csv").query(
        "level == 'sentences' and outlet == 'All outlets'"
    )
    true_share = np.mean([[lab in t["frames"] for lab in FRAMES] for t in truth], axis=0)
    assert exact.set_index("label").loc[FRAMES, "estimate"].to_numpy() == pytest.approx(
        true_share,
        abs=1e-6,  # the CSV's 6 significant digits
    )
    assert (exact.high - exact.low).max() == pytest.approx(0, abs=1e-6)
    wider = pd.read_csv(tmp_path / "process" / "estimates.csv").query(
        "level == 'sentences' and outlet == 'All outlets'"
    )
    assert (wider.high - wider.low).min() > 0.01 and (wider.estimand == "process").all()


def test_cluster_applies_only_to_the_process_estimand(tmp_path):
    make_corpus(tmp_path)
    out = tmp_path / "est"
    done = framing(
        "estimate",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--out",
        str(out),
        "--cluster",
        "sentence",
    )
    assert_bad_input(done, "--cluster", "--estimand process", out=out)


def test_sample_size_never_plans_zero_for_a_label_the_pilot_never_showed(tmp_path):
    """issue 21: a label the pilot never showed was planned at +-0.000 ('code 1 sentence').
    Now: the Agresti-Coull variance, a note on those rows only, sizes capped at the corpus."""
    table, truth = make_corpus(tmp_path, n_coded=60)
    coded = [json.loads(x) for x in (tmp_path / "coded.jsonl").read_text().splitlines()]
    for c in coded:
        c["frames"] = [f for f in c["frames"] if f != "western_criticism"]
    (tmp_path / "coded.jsonl").write_text("".join(json.dumps(c) + "\n" for c in coded))
    done = framing(
        "sample-size",
        str(tmp_path / "predictions.csv"),
        str(tmp_path / "coded.jsonl"),
        "--sizes",
        "50,400,100000",
        "--out",
        str(tmp_path / "plan.csv"),
    )
    assert done.returncode == 0, done.stderr
    plan = pd.read_csv(tmp_path / "plan.csv")
    assert plan.n_coded_total.max() == len(table)  # 100000 capped at the corpus
    below = plan[plan.n_coded_total < len(table)]
    assert (below.half_width > 0.005).all() and (below.coded_only_half_width > 0.005).all()
    outlets = below[below.outlet != "All outlets"]
    assert (outlets.pooled_half_width > 0.005).all()
    never = below.label == "western_criticism"
    assert below.note[never].str.contains("never").all()
    overall = below[below.outlet == "All outlets"]
    flagged = overall.note.fillna("").str.contains("never")
    assert (flagged == (overall.label == "western_criticism")).all()


def test_neyman_allocation_follows_the_predicted_spread(tmp_path):
    """An outlet whose probabilities sit near 0.5 (uncertain) gets more of the sample than an
    outlet of the same size the classifier is sure about; inclusion probabilities n_h / N_h."""
    from framing.coding.population import read_population
    from framing.coding.sampling import predicted_spread, stratified_sample

    rows = []
    for outlet, proba in (("Sure", 0.02), ("Unsure", 0.5)):
        for i in range(200):
            rows.append(
                {
                    "sentence_id": f"{outlet}{i}",
                    "article_id": f"{outlet}{i // 20}",
                    "outlet": outlet,
                    "text": f"Sentence {i} of {outlet}.",
                    "proba:neutral": proba,
                    "pred:neutral": int(proba > 0.5),
                }
            )
    path = tmp_path / "predictions.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    spread = predicted_spread(path)
    assert spread["Unsure"] == pytest.approx(0.5) and spread["Sure"] == pytest.approx(
        0.14, abs=0.01
    )
    drawn = stratified_sample(read_population(path), 60, 0, "neyman", spread)
    sizes = drawn.params["strata_sizes"]
    assert sizes["Unsure"] > 2.5 * sizes["Sure"] and sum(sizes.values()) == 60
    assert drawn.probabilities[next(iter(drawn.probabilities))] in (
        sizes["Sure"] / 200,
        sizes["Unsure"] / 200,
    )
    # without probabilities: one error naming the field
    plain = tmp_path / "plain.csv"
    pd.DataFrame(rows).drop(columns=["proba:neutral"]).to_csv(plain, index=False)
    study = tmp_path / "study"
    done = framing("study", "init", str(study))
    assert done.returncode == 0, done.stderr
    done = framing(
        "coding",
        "sample",
        str(study / "labels" / "n.jsonl"),
        "--strategy",
        "stratified",
        "--allocation",
        "neyman",
        "--size",
        "20",
        "--population",
        str(plain),
        cwd=study,
    )
    assert_bad_input(done, "proba:", "--allocation", out=study / "labels" / "n.jsonl")
