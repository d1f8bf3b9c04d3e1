"""framing study: start a study of your own.

    framing study init DIR [--name NAME] [--description TEXT] [--language en]
    framing study show                    # the study found from here, and its config

A study folder holds conf/study.yaml (label schema, paths, language), a codebook, articles/
and labels/ (``framing.study``). Every command run inside it uses its config.
"""

from __future__ import annotations

import sys

from framing.cli._args import parser
from framing.cli._common import run_command


def main(argv: list[str] | None = None) -> int:
    p = parser("framing study", __doc__)
    sub = p.add_subparsers(dest="command", required=True)
    p_init = sub.add_parser("init", help="create a new study folder from the template")
    p_init.add_argument("folder")
    p_init.add_argument("--name", default=None, help="default: the folder's name")
    p_init.add_argument("--description", default="")
    p_init.add_argument("--language", default="en", help="ISO 639-1 code of the corpus")
    sub.add_parser("show", help="print the study found from the working directory")
    args = p.parse_args(argv)

    def body() -> None:
        if args.command == "init":
            from framing.study.init import create_study

            written = create_study(args.folder, args.name, args.description, args.language)
            print(f"created study {args.folder} ({len(written)} files); next: edit "
                  f"{args.folder}/conf/study.yaml and {args.folder}/codebook.md")  # fmt: skip
            return
        import yaml

        from framing.study import load_study

        study = load_study()
        print(f"study {study.name} at {study.root}")
        print(yaml.safe_dump(study.config, sort_keys=False, allow_unicode=True).rstrip())

    return run_command(body)


if __name__ == "__main__":
    sys.exit(main())
