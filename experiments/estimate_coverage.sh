#!/usr/bin/env bash
# Coverage of framing estimate's intervals by simulation: the out-of-fold predictions of
# MiniLM + LR on both tasks (seed 0), then 2000 coded samples per population, design and size
# for overall shares, and 250 per population and size for the per-outlet study (200 for the
# population with cross-prediction, whose 5 refits per sample cost 0.5-7 s). 45 min on 2
# shared cores at load 4-9, 15-25 min on an idle machine; each finished chunk of the per-outlet
# study is kept in results/cache/estimate_coverage/ (add --resume to the python line to finish
# a stopped run).
#   bash experiments/estimate_coverage.sh            -> results/estimate_coverage/
set -euo pipefail
cd "$(dirname "$0")/.."

SWEEP_DIR=results/multirun/estimate_coverage
framing train -m +experiment=full_comparison model=embedding_lr seed=0 hydra.sweep.dir="$SWEEP_DIR"
python -m experiments.estimate_coverage "$SWEEP_DIR" --out results/estimate_coverage --replicates 2000 \
    --outlet-replicates 250 --cross-replicates 200
