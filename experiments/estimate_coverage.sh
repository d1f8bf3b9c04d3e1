#!/usr/bin/env bash
# Coverage of framing estimate's intervals by simulation: the out-of-fold predictions of
# MiniLM + LR on both tasks (seed 0), then 2000 coded samples per population, design and size.
#   bash experiments/estimate_coverage.sh            -> results/estimate_coverage/
set -euo pipefail
cd "$(dirname "$0")/.."

SWEEP_DIR=results/multirun/estimate_coverage
framing train -m +experiment=full_comparison model=embedding_lr seed=0 hydra.sweep.dir="$SWEEP_DIR"
python -m experiments.estimate_coverage "$SWEEP_DIR" --out results/estimate_coverage --replicates 2000
