"""framing predict: the frame and stance mix of new articles with trained checkpoints.

    framing predict checkpoint=CKPT input=ARTICLES output=OUT_DIR
    framing predict checkpoint=[FRAMES_CKPT,STANCE_CKPT] input=news.jsonl output=OUT_DIR \\
        outlets=outlets.csv batch_size=256
    framing predict checkpoint=CKPT input=ARTICLES output=OUT_DIR shards=8 hydra/launcher=slurm

Options are in framing/conf/predict.yaml (``framing predict --help`` lists them). What is
written: see ``framing.prediction.stream``; sharding: ``framing.prediction.sharding``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from framing.cli import _config_help as config_help
from framing.cli._common import hydra_app, is_hydra_flag, quoted_override, run_command, run_hydra
from framing.cli._framework import invoke
from framing.cli._hydra import hydra_command, key_rows, option_rows
from framing.cli._progress import duration, rate, show_progress


def predict_task(cfg) -> None:
    from framing.cli.options import predict_options
    from framing.errors import FramingInputError
    from framing.prediction import predict_corpus
    from framing.prediction.sharding import predict_shard

    try:
        options = predict_options(cfg)
        one_shard = cfg.get("shard") is not None  # one job of a sharded run: lines, no bar
        with show_progress(options.progress, interactive=False if one_shard else None):
            if one_shard:
                stats = predict_shard(options, int(cfg.shard))
                print(f"shard {cfg.shard}: {stats['n_sentences']:,} sentences")
                return
            report = predict_corpus(options)
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    skipped = f", {len(report['skipped'])} file(s) skipped" if report["skipped"] else ""
    empty = report["n_articles_without_sentences"]
    empty = f" ({empty} without classifiable text: 0 sentences in article_mix.csv)" if empty else ""
    language = report["language"]
    other = (
        f"; {language['other_language_share']:.1%} of sentences not in "
        f"{'/'.join(language['study_languages'])}"
    )
    if language["warning"]:
        print(
            f"warning: {language['other_language_share']:.1%} of the sentences are in another "
            f"language than the study's ({', '.join(language['study_languages'])}): the "
            f"checkpoints were not trained on them (report.json: language)",
            file=sys.stderr,
        )
    total_s = report["timing_s"]["total"]
    print(
        f"{report['n_sentences']:,} sentences from {report['n_articles']:,} articles{empty}"
        f"{skipped}{other} -> {report['output']} in {duration(total_s)} "
        f"({rate(report['n_sentences'], total_s, 'sentences')}, loading and reading included)"
    )


def sharded(argv: list[str]) -> int:
    """First pass here, the shards as jobs of a Hydra multirun, then the merge."""
    from framing.cli.options import predict_options
    from framing.prediction.sharding import predict_sharded, workspace_for
    from framing.study.config import compose

    def body() -> None:
        cfg = compose("predict", argv)

        def launch(shards: list[int]) -> None:
            jobs = workspace_for(Path(str(cfg.output))) / "jobs"
            run_hydra(
                predict_task,
                "predict",
                [
                    "-m",
                    *argv,
                    f"shard={','.join(map(str, shards))}",
                    quoted_override("hydra.sweep.dir", str(jobs)),
                ],
                "framing predict",
            )

        options = predict_options(cfg)
        with show_progress(options.progress):
            report = predict_sharded(
                options, launch, progress=lambda line: print(line, file=sys.stderr)
            )
        print(
            f"{report['n_sentences']:,} sentences from {report['n_articles']:,} articles in "
            f"{len(report['shards'])} shards -> {report['output']}"
        )

    return run_command(body)


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys ``framing predict --help`` lists, with the comments of conf/predict.yaml."""
    keys = config_help.documented_keys(config_help.config_text("predict"))
    return [
        ("Settings (KEY=VALUE; conf/predict.yaml)", key_rows(keys, skip=["shard"])),
        ("Launchers for shards=N", option_rows("hydra/launcher")),
    ]


@hydra_command(__doc__, "predict", help_sections, groups=[])
def predict(overrides: tuple[str, ...]) -> int:
    return run_predict(list(overrides))


def run_predict(argv: list[str]) -> int:
    from framing.cli.options import check_predict_config

    values = [a for a in argv if not is_hydra_flag(a)]
    wants_shards = any(a.startswith("shards=") and a != "shards=1" for a in values)
    if wants_shards and len(values) == len(argv):
        return sharded(argv)
    return hydra_app(predict_task, "predict", argv, "framing predict", check=check_predict_config)


def main(argv: list[str] | None = None) -> int:
    return invoke(predict, argv, "framing predict")


if __name__ == "__main__":
    sys.exit(main())
