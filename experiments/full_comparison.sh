#!/usr/bin/env bash
# The model comparison: every classifier family x both tasks x three seeds (60 runs) in grouped
# 5-fold CV, then the leave-one-outlet-out column (the eight fast families at three seeds,
# SetFit and the fine-tune at seed 0), then the comparison table and figure in
# results/comparison/ (comparison.md shows both protocols side by side; transfer.csv).
#
#   experiments/full_comparison.sh                          # local, two jobs at a time
#   experiments/full_comparison.sh hydra/launcher=slurm     # extra Hydra overrides go to each sweep
set -euo pipefail
cd "$(dirname "$0")/.."

SWEEP_DIR=results/multirun/full_comparison
LOO_DIR=results/multirun/full_comparison_loo
framing train -m +experiment=full_comparison hydra.sweep.dir="$SWEEP_DIR" "$@"
framing train -m +experiment=full_comparison_loo hydra.sweep.dir="$LOO_DIR" "$@"
framing train -m +experiment=full_comparison_loo model=setfit,finetune seed=0 \
    hydra.sweep.dir="$LOO_DIR" hydra.sweep.subdir='heavy_${hydra.job.num}_${task.name}_${model.name}_s${seed}' "$@"
framing compare "$SWEEP_DIR" "$LOO_DIR" --out results/comparison
# the releases that made these results (results/requirements.lock)
python -m experiments.lock_versions
