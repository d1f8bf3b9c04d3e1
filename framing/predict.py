"""Alias: ``python -m framing.predict`` runs ``framing predict`` (framing/cli/predict.py)."""

if __name__ == "__main__":
    __import__("runpy").run_module("framing.cli.predict", run_name="__main__", alter_sys=True)
