"""Alias: ``python -m framing.plot`` runs ``framing plot`` (framing/cli/plot.py)."""

if __name__ == "__main__":
    __import__("runpy").run_module("framing.cli.plot", run_name="__main__", alter_sys=True)
