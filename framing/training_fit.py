"""Alias: ``python -m framing.training_fit`` runs ``python -m experiments.training_fit``,
which lives outside the package (experiments/training_fit.py): run it from a checkout."""

if __name__ == "__main__":
    __import__("runpy").run_module("experiments.training_fit", run_name="__main__", alter_sys=True)
