"""The ``framing`` command: ``framing COMMAND [options]``; ``framing --help`` lists them."""

from __future__ import annotations

import importlib
import sys

#: command -> (module under framing.cli, one line of help)
COMMANDS: dict[str, tuple[str, str]] = {
    "study": ("study", "create a study folder (init) or show the current one"),
    "corpus": ("corpus", "clean and split articles into sentences, with duplicate groups"),
    "coding": ("coding", "sheets and samples to code, agreement, gold assembly, counts"),
    "train": ("train", "cross-validate a family on a task and save a checkpoint (Hydra)"),
    "compare": ("compare", "pool runs into the comparison table, differences and figure"),
    "learning-curve": ("learning_curve", "run or aggregate the learning-curve sweep"),
    "plot": ("plot", "redraw every figure of the paper"),
    "predict": ("predict", "apply checkpoints to new articles (Hydra)"),
    "validate": ("validate", "score checkpoints on a coded sample of a new corpus"),
    "estimate": ("estimate", "shares per outlet of a new corpus, corrected by a coded sample"),
    "sample-size": ("sample_size", "expected interval width for a number of coded sentences"),
    "discover": ("discover", "cluster unframed sentences: candidate frames the codebook lacks"),
    "report": ("report", "one self-contained HTML page of the study"),
    "push": ("push", "upload a checkpoint to the Hugging Face Hub (framing.load loads hf://)"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["usage: framing COMMAND [options]   (framing COMMAND --help for each)", ""]
    lines += [f"  {name:<{width}}  {text}" for name, (_, text) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if argv[0] in ("-V", "--version"):
        from framing.version import package_version

        print(f"framing {package_version()}")
        return 0
    if argv[0] not in COMMANDS:
        print(f"error: unknown command '{argv[0]}'\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"framing.cli.{COMMANDS[argv[0]][0]}")
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
