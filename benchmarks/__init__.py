"""Speed and memory benchmarks, outside the package (as scikit-learn keeps its asv suite):
run from the repository root as ``python -m benchmarks.<name>``."""
