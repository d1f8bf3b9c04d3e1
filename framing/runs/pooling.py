"""Pooling run folders: the one rule the comparison and the learning curve share.

Runs are pooled by (task, model) across seeds, and for a learning curve also by training
fraction. A pool mixes nothing it should not: every run was trained on one labelled set with
one eval setting (for a learning curve, the training fraction is the setting that varies), a
family has one model setting per task (two settings of one family are two different
classifiers, not two seeds of one), and a pool holds one run per seed.
"""

from __future__ import annotations

from collections import defaultdict

from framing.errors import FramingInputError
from framing.runs.discover import Run

#: the eval setting a learning-curve sweep varies (``eval.train_fraction``)
FRACTION_KEY = "train_fraction"


def pool_runs(runs: list[Run], *, by_fraction: bool = False) -> dict[tuple, list[Run]]:
    """Runs grouped by (task, model), or by (task, model, training fraction) when
    ``by_fraction``; in each group the runs' order. Refuses, naming both folders: different
    labelled sets, different eval settings (the training fraction aside when ``by_fraction``),
    two model settings of one family on one task, and two runs of one group with one seed."""
    ignored = {FRACTION_KEY} if by_fraction else set()
    first = runs[0]
    for run in runs[1:]:
        differs = []
        if run.metrics["data_sha256"] != first.metrics["data_sha256"]:
            differs.append("labelled set")
        if eval_setting(run, ignored) != eval_setting(first, ignored):
            differs.append("eval settings")
        if differs:
            raise FramingInputError(
                f"{run.folder} and {first.folder} differ in their {' and '.join(differs)}",
                fix="pool the runs of one labelled set and one eval config (one sweep) at a time",
            )
    setting_of: dict[tuple[str, str], Run] = {}
    pools: dict[tuple, list[Run]] = defaultdict(list)
    for run in runs:
        family = (run.metrics["task"], run.metrics["model"])
        other = setting_of.setdefault(family, run)
        if other.setting("model") != run.setting("model"):
            raise FramingInputError(
                f"two {family[1]} runs with different model settings: "
                f"{other.folder} and {run.folder}",
                fix="pool one setting of each model at a time",
            )
        key = (*family, run.train_fraction) if by_fraction else family
        for same in pools[key]:
            if same.seed == run.seed:
                at = f" at fraction {run.train_fraction}" if by_fraction else ""
                raise FramingInputError(
                    f"two runs of {family[1]} on {family[0]}{at} with seed {run.seed}: "
                    f"{same.folder} and {run.folder}",
                    fix="pass only one run per task, model and seed",
                )
        pools[key].append(run)
    return dict(pools)


def eval_setting(run: Run, ignored: set[str]) -> dict:
    """The run's eval config section without the keys in ``ignored``."""
    return {k: v for k, v in (run.setting("eval") or {}).items() if k not in ignored}
