"""Alias: ``python -m framing.annotate sheet|sample|assemble|stats`` runs ``framing coding ...``
(framing/cli/coding.py)."""

if __name__ == "__main__":
    __import__("runpy").run_module("framing.cli.coding", run_name="__main__", alter_sys=True)
