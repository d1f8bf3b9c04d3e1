"""framing report: one self-contained HTML page per study, built from what the commands wrote.

The study is a copy of the invented example study taken through the README's flow with real
commands (assemble, a small comparison sweep, compare, plot, predict, a coded random sample,
validate, estimate). The page is then opened from disk in Debian's headless Chromium, driven
over the DevTools protocol (tests/browser.py): it must load with no console error and no
request beyond the file itself and its data URIs, every image must render, and a screenshot
is kept (in the test's tmp folder, and copied to $FRAMING_TEST_ARTEFACTS when set).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from browser import chromium_path, open_page

from conftest import EXAMPLE_STUDY, codings, fill_sheet, framing

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: a line of the codebook that a page which runs raw HTML would execute
HOSTILE = "Coders note: <script>document.title='ran'</script> <img src=x onerror=alert(1)>"


def run(study: Path, *args: str, ok=(0,)):
    done = framing(*args, cwd=study)
    assert done.returncode in ok, (args, done.stderr[-3000:])
    return done


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """The example study after the README's "Your own study" commands (TF-IDF + LR)."""
    root = tmp_path_factory.mktemp("report") / "study"
    shutil.copytree(EXAMPLE_STUDY, root)
    (root / "labels").mkdir(exist_ok=True)
    with (root / "codebook.md").open("a", encoding="utf-8") as fh:
        fh.write(f"\n{HOSTILE}\n")
    shutil.copy(root / "codings" / "coder_a.jsonl", root / "labels" / "coder_a.jsonl")
    run(root, "coding", "assemble")
    shutil.copy(root / "codings" / "coder_b.jsonl", root / "labels" / "coder_b.jsonl")
    sweep = "results/multirun/sweep"
    run(
        root,
        "train",
        "-m",
        "task=frames,stance",
        "model=tfidf_lr",
        "seed=0,1",
        f"hydra.sweep.dir={sweep}",
    )
    run(root, "compare", sweep, "--out", "results/comparison")
    # no learning curve: that figure is skipped (exit 2), the others are drawn
    run(root, "plot", "--model", "tfidf_lr", "--runs", sweep, "--bootstrap", "200", ok=(2,))
    checkpoints = [
        next((root / sweep).glob(f"*_{task}_tfidf_lr_s0")) / "checkpoint"
        for task in ("frames", "stance")
    ]
    run(
        root,
        "predict",
        f"checkpoint=[{','.join(map(str, checkpoints))}]",
        "input=articles",
        "outlets=outlets.csv",
        "output=results/predictions",
    )
    run(
        root,
        "coding",
        "sample",
        "labels/check.jsonl",
        "--strategy",
        "simple",
        "--size",
        "20",
        "--seed",
        "3",
        "--population",
        "results/predictions/predictions.csv",
    )
    run(
        root,
        "coding",
        "export",
        "labels/check.jsonl",
        "--format",
        "csv",
        "--out",
        "labels/check.csv",
    )
    fill_sheet(root / "labels" / "check.csv", codings("coder_b"))
    run(root, "coding", "import", "labels/check.csv", "--out", "labels/check.coded.jsonl")
    predictions = "results/predictions/predictions.csv"
    run(
        root,
        "validate",
        *map(str, checkpoints),
        "--coded",
        "labels/check.coded.jsonl",
        "--sentences",
        predictions,
        "--out",
        "results/validation",
    )
    run(root, "estimate", predictions, "labels/check.coded.jsonl", "--out", "results/estimates")
    return root


@pytest.fixture(scope="module")
def page(study) -> Path:
    done = run(study, "report")
    assert "wrote results/report.html" in done.stdout
    return study / "results" / "report.html"


def parse(path: Path):
    import lxml.html

    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def require_chromium():
    if chromium_path() is None:
        if ON_CI:
            pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
        pytest.skip("needs Debian's chromium (apt-get install chromium)")


# ---------------------------------------------------------------------------- in the browser
def test_page_opens_from_disk_in_chromium_with_no_error_and_every_image_drawn(
    study, page, tmp_path
):
    require_chromium()
    shot, counted_shot = tmp_path / "report.png", tmp_path / "report_counted.png"
    open_first = (
        "document.querySelector('details.outlet').open = true;"
        "document.querySelector('details.label').open = true; true"
    )
    visit = open_page(
        page,
        tmp_path / "profile",
        screenshot=shot,
        before_screenshot=open_first,
        element_shots={"#predictions": counted_shot},
        evaluate={"title": "document.title", "scripts": "document.scripts.length"},
    )
    assert visit.errors == []
    # nothing but the file itself and its inlined images: no network, no other file
    schemes = {url.split(":", 1)[0] for url in visit.requests}
    assert schemes <= {"file", "data"}, schemes
    assert [u for u in visit.requests if u.startswith("file:")] == [page.resolve().as_uri()]
    pngs = [
        *(study / "results" / "figures").glob("*.png"),
        *(study / "results" / "estimates").glob("*.png"),
        study / "results" / "predictions" / "framing_mix.png",
    ]
    assert len(visit.images) == len(pngs) >= 10
    for image in visit.images:
        assert image["complete"] and image["naturalWidth"] > 0, image["alt"]
        assert image["scheme"] == "data"
    # the codebook's raw HTML was shown as text, never run
    assert visit.evaluated == {"title": "congestion_charge: study report", "scripts": 0}
    for png in (shot, counted_shot):
        with png.open("rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    artefacts = os.environ.get("FRAMING_TEST_ARTEFACTS")
    if artefacts:
        Path(artefacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artefacts) / "report_screenshot.png")
        shutil.copy(counted_shot, Path(artefacts) / "report_what_was_counted.png")
        shutil.copy(page, Path(artefacts) / "report.html")


# ---------------------------------------------------------------------------- the page itself
def test_page_is_one_self_contained_file(page, study):
    html = page.read_text(encoding="utf-8")
    tree = parse(page)
    assert tree.xpath("//script") == [] and tree.xpath("//link") == []
    assert tree.xpath("//iframe|//object|//embed") == []
    assert all(src.startswith("data:image/png;base64,") for src in tree.xpath("//img/@src"))
    for href in tree.xpath("//a/@href"):
        assert href.startswith("#"), href  # links only within the page
    assert not re.search(r"https?://", html.replace("http-equiv", ""))
    assert "default-src 'none'" in tree.xpath("//meta[@http-equiv]/@content")[0]
    assert str(study) not in html  # no path of this machine: relative to the study
    assert "&lt;script&gt;" in html  # the codebook's raw HTML, escaped


def test_page_has_every_section_with_its_numbers(page, study):
    tree = parse(page)
    sections = {s.get("id"): s for s in tree.xpath("//section")}
    assert list(sections) == [
        "codebook",
        "gold",
        "agreement",
        "comparison",
        "figures",
        "validation",
        "estimates",
        "predictions",
        "discover",
        "cues",
    ]
    text = {k: s.text_content() for k, s in sections.items()}
    for definition in ("economic_cost", "public_health", "favourable", "critical"):
        assert definition in text["codebook"]
    assert "Codebook: congestion_charge" in text["codebook"]  # the study's codebook.md
    assert "Krippendorff's alpha" in text["agreement"]
    comparison = pd.read_csv(study / "results" / "comparison" / "comparison.csv")
    assert f"{comparison['macro_f1'].iloc[0]:.3f}" in text["comparison"]
    assert "Validation on the new corpus" in text["validation"]
    for key in (
        "codebook",
        "gold",
        "agreement",
        "comparison",
        "figures",
        "validation",
        "estimates",
        "predictions",
    ):
        assert not sections[key].xpath(".//*[@class='missing']"), key
    # what is missing is named, with the command that makes it
    for key, command in (("discover", "framing discover"), ("cues", "framing coding cues")):
        (note,) = sections[key].xpath(".//*[@class='missing']")
        assert command in note.text_content() and "not found" in note.text_content()


def counted(tree) -> dict[tuple[str, str], dict]:
    """{(outlet, label): {n_counted, n, share, probabilities, texts, more}} from the page."""
    out = {}
    for block in tree.xpath("//details[@class='outlet']"):
        outlet = re.match(r"(.*) \((\d+) sentences\)", block.find("summary").text_content())
        for entry in block.xpath("./details[@class='label']"):
            head = re.match(
                r"(\w+): (\d+) of (\d+) sentences \(([\d.]+)%\)",
                entry.find("summary").text_content(),
            )
            rows = entry.xpath(".//tbody/tr[not(@class='more')]")
            out[(outlet.group(1), head.group(1))] = {
                "n_counted": int(head.group(2)),
                "n": int(head.group(3)),
                "share": float(head.group(4)) / 100,
                "probabilities": [float(r.xpath("./td")[0].text_content()) for r in rows],
                "texts": [r.xpath("./td")[1].text_content() for r in rows],
                "more": entry.xpath(".//tr[@class='more']"),
            }
    return out


def test_page_shows_the_sentences_behind_each_share(page, study):
    """Every outlet x label: the count and share of predictions.csv (= outlet_mix.csv), the
    counted sentences themselves, each with a probability past the checkpoint's threshold."""
    predictions = pd.read_csv(study / "results" / "predictions" / "predictions.csv")
    mix = pd.read_csv(study / "results" / "predictions" / "outlet_mix.csv").set_index("outlet")
    report = json.loads((study / "results" / "predictions" / "report.json").read_text())
    thresholds = next(c for c in report["checkpoints"] if c["task"] == "frames")["thresholds"]
    shown = counted(parse(page))
    frames, stance = ["economic_cost", "public_health"], ["favourable", "neutral", "critical"]
    assert {label for _, label in shown} == {*frames, "no_frame", *stance}
    for outlet, part in [*predictions.groupby("outlet"), ("All outlets", predictions)]:
        for label in [*frames, *stance, "no_frame"]:
            entry = shown[(outlet, label)]
            if label == "no_frame":
                chosen = part[part[[f"pred:{x}" for x in frames]].sum(axis=1) == 0]
            else:
                chosen = part[part[f"pred:{label}"] == 1]
            assert (entry["n_counted"], entry["n"]) == (len(chosen), len(part))
            if outlet in mix.index:
                assert entry["share"] == pytest.approx(mix.loc[outlet, f"share:{label}"], abs=6e-4)
            assert sorted(entry["texts"]) == sorted(chosen["text"])  # 40 at most: all shown
            assert entry["probabilities"] == sorted(entry["probabilities"], reverse=True)
            if label in thresholds:
                assert min(entry["probabilities"], default=1) >= thresholds[label] - 5e-4


def test_many_counted_sentences_show_the_surest_and_the_least_sure(study, tmp_path):
    out = tmp_path / "short.html"
    run(study, "report", "--max-sentences", "4", "--out", str(out))
    predictions = pd.read_csv(study / "results" / "predictions" / "predictions.csv")
    chosen = predictions[predictions["pred:neutral"] == 1].sort_values(
        "proba:neutral", ascending=False
    )
    entry = counted(parse(out))[("All outlets", "neutral")]
    assert entry["n_counted"] == len(chosen) > 4
    expected = [*chosen["proba:neutral"].iloc[:2], *chosen["proba:neutral"].iloc[-2:]]
    assert entry["probabilities"] == pytest.approx(expected, abs=5e-4)
    (more,) = entry["more"]
    assert f"{len(chosen) - 4} more sentences" in more.text_content()


def test_outputs_of_discover_and_cues_are_included_when_present(study, tmp_path):
    """Folders of `framing discover` / `framing coding cues` given: their markdown is shown,
    a CSV without a markdown twin as a table (stand-in files written here)."""
    discover = tmp_path / "discover"
    discover.mkdir()
    (discover / "clusters.md").write_text(
        "# Clusters\n\n| cluster | size | top terms |\n|---|---|---|\n| 0 | 7 | bus, fares |\n"
    )
    (discover / "clusters.csv").write_text("cluster,size,top_terms\n0,7,bus fares\n")
    (discover / "sentences.csv").write_text("sentence_id,cluster\ns1,0\n")
    cues = tmp_path / "cues.csv"
    cues.write_text("label,term,z,in_codebook\neconomic_cost,takings,3.1,new\n")
    out = tmp_path / "with.html"
    run(study, "report", "--discover", str(discover), "--cues", str(cues), "--out", str(out))
    sections = {s.get("id"): s for s in parse(out).xpath("//section")}
    for key in ("discover", "cues"):
        assert not sections[key].xpath(".//*[@class='missing']"), key
    assert "bus, fares" in sections["discover"].text_content()
    assert "bus fares" not in sections["discover"].text_content()  # the md, not its csv twin
    assert "sentences.csv" in sections["discover"].text_content()  # a caption of its table
    assert "takings" in sections["cues"].text_content()


def test_bad_predictions_stop_with_one_error_and_write_nothing(study, tmp_path):
    broken = tmp_path / "predictions"
    broken.mkdir()
    table = pd.read_csv(study / "results" / "predictions" / "predictions.csv")
    table.drop(columns=["text"]).to_csv(broken / "predictions.csv", index=False)
    out = tmp_path / "never.html"
    done = framing("report", "--predictions", str(broken), "--out", str(out), cwd=study)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "predictions.csv" in errors[0] and "text" in errors[0]
    assert not out.exists() and not list(tmp_path.glob(".never.html*"))


def test_outside_a_study_folder_the_report_says_so(tmp_path):
    done = framing("report", "--out", str(tmp_path / "r.html"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.html").exists()
