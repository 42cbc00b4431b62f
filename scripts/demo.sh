#!/usr/bin/env bash
# The main job, from a fresh clone: install what is needed, build, generate a month of
# synthetic taxi trips, fit the reference pipeline, and score a bigger, multi-file dataset.
# Usage: scripts/demo.sh [TRAIN_ROWS] [PREDICT_ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
train_rows=${1:-1000000}
predict_rows=${2:-4000000}
scripts/setup.sh
scripts/build.sh
mkdir -p out
set -x
build/outcore gen-taxi --rows "$train_rows" --seed 1 -o out/train.csv
build/outcore fit examples/taxi_tip.toml out/train.csv -o out/model.json
build/outcore inspect out/model.json
build/outcore gen-taxi --rows "$predict_rows" --files 4 --seed 2 -o out/big
build/outcore predict out/model.json out/big -o out/predictions --overwrite
