"""framing compare with grouped-CV and leave-one-outlet-out runs: two columns side by side,
each pooled on its own, never one pool."""

from __future__ import annotations

import pandas as pd
import pytest
from test_estimate import assert_bad_input, framing


def test_compare_puts_the_two_protocols_side_by_side(tmp_path):
    sweep = tmp_path / "sweep"
    for eval_cfg, extra in (("default", ["eval.n_folds=3"]), ("loo_outlet", [])):
        done = framing(
            "train",
            "-m",
            "task=frames,stance",
            "model=majority,tfidf_lr",
            f"eval={eval_cfg}",
            *extra,
            "eval.inner_folds=2",
            "eval.bootstrap=100",
            f"hydra.sweep.dir={sweep / eval_cfg}",
        )
        assert done.returncode == 0, done.stderr[-2000:]
    out = tmp_path / "comparison"
    done = framing("compare", str(sweep), "--out", str(out), "--bootstrap", "200")
    assert done.returncode == 0, done.stderr[-2000:]
    main = pd.read_csv(out / "comparison.csv")
    assert len(main) == 4  # the main table: grouped CV only
    transfer = pd.read_csv(out / "transfer.csv")
    assert len(transfer) == 4
    assert set(transfer.protocol) == {"grouped_kfold"}
    assert set(transfer.other_protocol) == {"leave_one_outlet_out"}
    row = transfer.set_index(["task", "model"]).loc[("frames", "tfidf_lr")]
    assert row.difference == pytest.approx(row.other_macro_f1 - row.macro_f1, abs=2e-4)
    assert row.difference_low <= row.difference <= row.difference_high
    markdown = (out / "comparison.md").read_text()
    assert "grouped CV and leave-one-outlet-out" in markdown and "understates" in markdown
    # within a column, two eval settings are still refused
    done = framing(
        "train",
        "task=frames",
        "model=majority",
        "eval.n_folds=4",
        "eval.bootstrap=100",
        f"hydra.run.dir={sweep / 'default' / 'extra_frames_majority'}",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert_bad_input(
        framing("compare", str(sweep), "--out", str(tmp_path / "again")), "eval settings"
    )
