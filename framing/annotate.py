"""Alias: ``python -m framing.annotate sheet|sample|assemble|stats`` runs ``framing coding ...``
(framing/cli/coding.py). ``sample`` without ``--strategy`` is the blind second coder's
per-article sample of the whole corpus, as it was before the coding loop had strategies:
``python -m framing.annotate sample OUT --fraction 0.5 --seed 2024``."""

if __name__ == "__main__":
    import sys

    args = sys.argv[1:]
    if args[:1] == ["sample"] and not any(a.startswith("--strategy") for a in args):
        sys.argv[2:2] = ["--strategy", "overlap"]
    __import__("runpy").run_module("framing.cli.coding", run_name="__main__", alter_sys=True)
