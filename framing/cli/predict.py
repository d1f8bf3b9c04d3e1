"""framing predict: the frame and stance mix of new articles with trained checkpoints.

    framing predict checkpoint=CKPT input=ARTICLES output=OUT_DIR
    framing predict checkpoint=[FRAMES_CKPT,STANCE_CKPT] input=news.jsonl output=OUT_DIR \\
        outlets=outlets.csv batch_size=256

Options are in framing/conf/predict.yaml (``framing predict --help`` lists them). What is
written: see ``framing.prediction.stream``.
"""

from __future__ import annotations

import sys

from framing.cli._common import hydra_app


def predict_task(cfg) -> None:
    from framing.errors import FramingInputError
    from framing.prediction import predict_corpus

    try:
        report = predict_corpus(cfg)
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
    print(
        f"{report['n_sentences']} sentences from {report['n_articles']} articles{empty}{skipped}"
        f"{other} -> {report['output']} ({report['sentences_per_s']} sentences/s)"
    )


def main(argv: list[str] | None = None) -> int:
    from framing.prediction.stream import check_predict_config

    argv = sys.argv[1:] if argv is None else argv
    return hydra_app(predict_task, "predict", argv, "framing predict", check=check_predict_config)


if __name__ == "__main__":
    sys.exit(main())
