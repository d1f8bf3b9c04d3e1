#!/usr/bin/env bash
# Coverage of framing estimate's intervals by simulation: the out-of-fold predictions of
# MiniLM + LR on both tasks (seed 0), then 2000 coded samples per population, design and size
# for overall shares, and 300 (150 with cross-prediction, whose refits cost ~5-10 s a sample) per
# population and size for the per-outlet study. About 3 h on 2 shared cores (load ~9).
#   bash experiments/estimate_coverage.sh            -> results/estimate_coverage/
set -euo pipefail
cd "$(dirname "$0")/.."

SWEEP_DIR=results/multirun/estimate_coverage
framing train -m +experiment=full_comparison model=embedding_lr seed=0 hydra.sweep.dir="$SWEEP_DIR"
python -m experiments.estimate_coverage "$SWEEP_DIR" --out results/estimate_coverage --replicates 2000 \
    --outlet-replicates 300 --cross-replicates 150
