#!/usr/bin/env bash
# The model comparison: every classifier family x both tasks x three seeds (48 runs), then the
# comparison table and figure in results/comparison/.
#
#   experiments/full_comparison.sh                          # local, two jobs at a time
#   experiments/full_comparison.sh hydra/launcher=slurm     # extra Hydra overrides go to the sweep
set -euo pipefail
cd "$(dirname "$0")/.."

SWEEP_DIR=results/multirun/full_comparison
framing train -m +experiment=full_comparison hydra.sweep.dir="$SWEEP_DIR" "$@"
framing compare "$SWEEP_DIR" --out results/comparison
