"""Alias: ``python -m framing.train`` runs ``framing train`` (framing/cli/train.py)."""

if __name__ == "__main__":
    __import__("runpy").run_module("framing.cli.train", run_name="__main__", alter_sys=True)
