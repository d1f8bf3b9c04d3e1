"""What ``framing plot`` was asked for, in a module of its own: the command builds its
options (and its ``--help`` defaults) from it without importing the figure code, which loads
pandas and scikit-learn (``tests/test_plots.py`` keeps ``framing plot --help`` light)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PlotOptions:
    """What ``framing plot`` was asked for (paths as given; resolved against the study)."""

    comparison: str = "results/comparison/comparison.csv"
    runs: list[str] = field(default_factory=lambda: ["results/multirun/full_comparison"])
    model: str = "embedding_lr"
    learning_curve: str = "results/learning_curve/learning_curve.csv"
    out: str = "results/figures"
    bootstrap: int = 1000
    only: list[str] | None = None
    width: str | None = None  # "single", "double", inches; None = each figure's own
