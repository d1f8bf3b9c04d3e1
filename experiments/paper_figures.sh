#!/usr/bin/env bash
# Every figure of the paper from a fresh clone, in one command:
#   1. the model comparison sweep + comparison table (experiments/full_comparison.sh),
#   2. the learning curve (framing learning-curve: a training-fraction sweep, then aggregation),
#   3. the figures (framing plot) -> results/figures/{*.pdf,*.png,*.csv}.
#
#   bash experiments/paper_figures.sh                        # local, two jobs at a time
#   bash experiments/paper_figures.sh hydra/launcher=slurm   # extra Hydra overrides go to the sweep
#
# FIGURE_MODEL=tfidf_lr bash experiments/paper_figures.sh  shows another family's
# out-of-fold predictions in the outlet-mix and confusion figures (default embedding_lr: level with the best trained family on frames, the best on stance).
set -euo pipefail
cd "$(dirname "$0")/.."

SWEEP_DIR=results/multirun/full_comparison   # where full_comparison.sh writes its runs
FIGURE_MODEL="${FIGURE_MODEL:-embedding_lr}"

bash experiments/full_comparison.sh "$@"
framing learning-curve --out results/learning_curve
framing plot --runs "$SWEEP_DIR" --model "$FIGURE_MODEL" \
    --comparison results/comparison/comparison.csv \
    --learning-curve results/learning_curve/learning_curve.csv --out results/figures
python -m experiments.lock_versions
