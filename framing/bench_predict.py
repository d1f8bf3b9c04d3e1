"""Alias: ``python -m framing.bench_predict`` runs ``python -m benchmarks.predict``,
which lives outside the package (benchmarks/predict.py): run it from the root of a checkout."""

if __name__ == "__main__":
    __import__("runpy").run_module("benchmarks.predict", run_name="__main__", alter_sys=True)
