"""Alias: ``python -m framing.corpus`` runs ``framing corpus`` (framing/cli/corpus.py)."""

if __name__ == "__main__":
    __import__("runpy").run_module("framing.cli.corpus", run_name="__main__", alter_sys=True)
