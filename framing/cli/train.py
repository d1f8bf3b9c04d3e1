"""framing train: cross-validate one classifier family on one task, then train it on all data.

    framing train                                    # tfidf_lr on frames, seed 0
    framing train task=stance model=majority eval=loo_outlet seed=1
    framing train -m +experiment=full_comparison     # every family x task x seed
    framing train -m +experiment=learning_curve      # ... x training fraction

RUN (= hydra.run.dir) receives config.yaml, metrics.json, oof_predictions.csv, checkpoint/ and
train.log (see ``framing.runs.job``). Hydra writes into a hidden temporary folder beside RUN
(or beside the sweep folder with -m); a finished run replaces RUN at the end, a failed or
interrupted one leaves nothing, and an earlier run in RUN stays as it was. Bad input prints
one ``error: ...`` line and exits with 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra.errors

from framing.cli import _config_help as config_help
from framing.cli._common import hydra_app
from framing.cli._framework import invoke
from framing.cli._hydra import hydra_command, key_rows, option_rows
from framing.cli._logs import third_party_output_to_log
from framing.cli._progress import show_progress


class JobFailed(hydra.errors.CompactHydraException):
    """A sweep job stopped by bad input: Hydra prints this one line, not a traceback."""


def train_task(cfg) -> float:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from framing.cli.options import in_config_terms, train_keys, train_options
    from framing.errors import FramingInputError
    from framing.runs.job import discard_run, publish_run, train_run
    from framing.study.config import input_error_message

    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    try:
        # the progress goes to the terminal's stderr, taken before third-party output is
        # sent to the log file; a sweep's jobs may run side by side: lines, not bars
        with (
            show_progress(stream=sys.stderr, interactive=False if multirun else None),
            third_party_output_to_log(),
        ):
            score = train_run(train_options(cfg), run_dir)
        if hydra_cfg.mode == RunMode.MULTIRUN:
            publish_run(run_dir)
        return score
    except BaseException as err:
        discard_run(run_dir)
        if isinstance(err, FramingInputError):  # an error naming a parameter names its key
            err = in_config_terms(err, train_keys(cfg))
        message = input_error_message(err)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        if hydra_cfg.mode == RunMode.MULTIRUN:  # the other jobs still run; Hydra reports at the end
            raise JobFailed(f"{run_dir.name}: {message}") from None
        sys.exit(2)


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """The config groups and keys ``framing train --help`` lists, from the config files."""
    train_keys = config_help.documented_keys(config_help.config_text("train"))
    eval_keys = config_help.documented_keys(config_help.config_text("eval/default"), "eval.")
    return [
        (
            "Task, family and protocol (GROUP=OPTION)",
            [
                *option_rows("task"),
                *option_rows("model"),
                *option_rows("eval"),
            ],
        ),
        (
            "Settings (KEY=VALUE)",
            [
                *key_rows(train_keys),
                *key_rows(eval_keys, skip=["eval.protocol"]),
                (
                    "model.KEY=VALUE",
                    "a setting of the chosen family (framing train model=NAME "
                    "--cfg job lists them)",
                ),
            ],
        ),
        (
            "Sweeps (with -m)",
            [
                *[(f"+{row[0]}", row[1]) for row in option_rows("experiment")],
                *option_rows("hydra/launcher"),
            ],
        ),
    ]


@hydra_command(__doc__, "train", help_sections)
def train(overrides: tuple[str, ...]) -> int:
    return run_train(list(overrides))


def run_train(argv: list[str]) -> int:
    from framing.cli.options import check_train_config
    from framing.runs.job import staged_runs

    return hydra_app(
        train_task, "train", argv, "framing train", check=check_train_config, staged=staged_runs
    )


def main(argv: list[str] | None = None) -> int:
    return invoke(train, argv, "framing train")


if __name__ == "__main__":
    sys.exit(main())
