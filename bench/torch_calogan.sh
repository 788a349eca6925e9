#!/bin/bash
# torch_calogan.sh — gan-train --model calo against bench/torch_calogan.py, one thread each,
# fp32, at two model sizes, alternating, 5 runs each: per-epoch training time (BENCHMARKS.md,
# "The CaloGAN-like model"). gan-train's seconds include its per-epoch shower-shape score on
# the validation set; the reference's are training only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
"$ROOT/bin/event-gen" calo --events 5500 --val 500 --val-out bv.csv --seed 2 -o bt.csv
OC=$(head -1 bt.csv | tr , '\n' | grep '^l' | paste -sd,)
small=(--gen-layersize 32 --disc-layersize 32 --filters 4 --kernel 3)
large=(--gen-layersize 128 --disc-layersize 128 --filters 16 --kernel 4)
common=(--epochs 2 --batch-size 128 --noise-dim 16 --threads 1 --lr-gen 1e-4 --lr-disc 1e-4)
uptime
for r in 1 2 3 4 5; do
  for size in small large; do
    declare -n hp=$size
    c=$(OPENBLAS_NUM_THREADS=1 "$ROOT/bin/gan-train" --model calo --train bt.csv --val bv.csv \
      --out-cols "$OC" --cond-cols E0 "${common[@]}" "${hp[@]}" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") k = i } NR == 2 { print $k / 2 }')
    t=$(/usr/bin/python3 "$ROOT/bench/torch_calogan.py" --train bt.csv --val bv.csv "${common[@]}" "${hp[@]}" |
      awk -F, 'NR == 2 { print $2 / $1 }')
    echo "$size gan-train $c torch $t"
  done
done
uptime
