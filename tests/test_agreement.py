"""Krippendorff's alpha and the agreement command."""

from __future__ import annotations

import math
import subprocess
import sys

from framing.coding.agreement import agreement_report, krippendorff_alpha_nominal

from conftest import PROJECT_ROOT


def test_alpha_hand_computed_example():
    # Coincidences: o_aa=4, o_bb=2, o_ab=o_ba=1, n=8; D_o=2/8, D_e=2*5*3/(8*7) -> 1-14/30.
    units = [("a", "a"), ("a", "a"), ("b", "b"), ("b", "a")]
    assert math.isclose(krippendorff_alpha_nominal(units), 1 - 14 / 30)


def test_alpha_perfect_chance_and_undefined():
    assert krippendorff_alpha_nominal([(1, 1), (0, 0), (1, 1)]) == 1.0
    # systematic disagreement is worse than chance
    assert krippendorff_alpha_nominal([(1, 0), (0, 1), (1, 0), (0, 1)]) < 0
    assert math.isnan(krippendorff_alpha_nominal([(1, 1), (1, 1)]))
    # units coded once are not pairable
    assert krippendorff_alpha_nominal([(1,), (1, 1), (0, 0)]) == 1.0


def test_alpha_three_coders_with_missing_values():
    # Krippendorff (2011) style check: missing codings leave units partially pairable.
    units = [("a", "a", "a"), ("b", "b"), ("a", "b", "a"), ("c", "c", "c")]
    alpha = krippendorff_alpha_nominal(units)
    assert 0 < alpha < 1


def test_report_counts_disagreements(schema):
    first = {
        "s1": {"frames": ["neutrality"], "stance": "neutral"},
        "s2": {"frames": [], "stance": "critical"},
        "s3": {"frames": [], "stance": "neutral"},
    }
    second = {
        "s1": {"frames": ["neutrality"], "stance": "neutral"},
        "s2": {"frames": ["western_criticism"], "stance": "critical"},
    }
    report = agreement_report(first, second, schema)
    assert report["n_shared"] == 2
    assert [d["sentence_id"] for d in report["disagreements"]] == ["s2"]
    assert report["by_label"]["neutrality"]["percent_agreement"] == 1.0
    assert report["by_label"]["western_criticism"]["percent_agreement"] == 0.5


def test_agreement_command_prints_the_data_card_figures():
    out = subprocess.run(
        [sys.executable, "-m", "framing.agreement", "--markdown"],  # the README's alias
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    card = (PROJECT_ROOT / "seeds/README.md").read_text()
    for line in out.strip().splitlines():
        if line.startswith("|"):
            assert line in card, f"data card is missing or out of date: {line}"


def test_the_krippendorff_package_agrees_with_the_hand_computed_example():
    """The alpha behind the agreement report is the krippendorff package's (nominal level);
    the same four units as reliability data (coders x units) give the hand-computed value."""
    import krippendorff
    import numpy as np

    data = np.array([[0, 0, 1, 1], [0, 0, 1, 0]], dtype=float)
    assert math.isclose(krippendorff.alpha(data, level_of_measurement="nominal"), 1 - 14 / 30)


def test_bootstrap_interval_of_alpha():
    from framing.coding.agreement import alpha_with_interval

    perfect = alpha_with_interval([(1, 1), (0, 0)] * 20, n_boot=200)
    assert (perfect["alpha"], perfect["ci_low"], perfect["ci_high"]) == (1.0, 1.0, 1.0)
    noisy = [("a", "a")] * 30 + [("b", "b")] * 15 + [("a", "b")] * 5
    result = alpha_with_interval(noisy, n_boot=500, seed=3)
    assert result["ci_low"] < result["alpha"] < result["ci_high"] <= 1.0
    assert result == alpha_with_interval(noisy, n_boot=500, seed=3)  # seeded
    # resampling whole groups: two copies of each unit drawn together widen nothing away
    grouped = alpha_with_interval(noisy + noisy, groups=list(range(50)) * 2, n_boot=500, seed=3)
    assert math.isclose(grouped["alpha"], krippendorff_alpha_nominal(noisy + noisy))
    assert grouped["n_boot_defined"] == 500
