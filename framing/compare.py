"""Alias: ``python -m framing.compare`` runs ``framing compare`` (framing/cli/compare.py)."""

if __name__ == "__main__":
    __import__("runpy").run_module("framing.cli.compare", run_name="__main__", alter_sys=True)
