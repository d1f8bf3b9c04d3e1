"""Alias: ``python -m framing.benchmark`` runs ``python -m benchmarks.train``,
which lives outside the package (benchmarks/train.py): run it from the root of a checkout."""

if __name__ == "__main__":
    __import__("runpy").run_module("benchmarks.train", run_name="__main__", alter_sys=True)
