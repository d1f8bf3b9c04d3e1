"""Alias: ``python -m framing.learning_curve`` runs ``framing learning-curve``
(framing/cli/learning_curve.py)."""

if __name__ == "__main__":
    __import__("runpy").run_module(
        "framing.cli.learning_curve", run_name="__main__", alter_sys=True
    )
