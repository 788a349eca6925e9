#!/bin/bash
# bench/export.sh — events/s of the study's best architecture (noise 3, batch 642, generator 65,
# discriminator 243; 4 conditions, 2 outputs) three ways, one thread each, on the same N
# conditioned events: libgantune in-process (build/lib_throughput, events into memory), ONNX
# Runtime on the gan-export'ed graph (tools/ort-run.js --bench: intra-op threads 1, calls of
# 4096 events, inputs already in memory), and gan-sample end to end to a CSV file. Rounds
# alternate the three; the fastest of each is printed. Run from the project root:
#   bench/export.sh [EVENTS] [ROUNDS]
set -euo pipefail
n=${1:-200000} rounds=${2:-5}
d=${BENCH_DIR:-/tmp/gantune-bench-export}
mkdir -p "$d"
export OPENBLAS_NUM_THREADS=1
[[ -s $d/cond.csv ]] || bin/event-gen hadronization --events "$n" --val 20000 --seed 1 -o "$d/cond.csv" --val-out "$d/val.csv"
[[ -s $d/best.gtm ]] || bin/gan-train --train "$d/cond.csv" --val "$d/val.csv" --out-cols theta,phi \
  --cond-cols E,px,py,pz --noise-dim 3 --batch-size 642 --gen-layersize 65 --disc-layersize 243 \
  --epochs 1 --max-events 20000 --seed 1 --save-model "$d/best.gtm" > /dev/null
rows=$(($(wc -l < "$d/cond.csv") - 1))
bin/gan-export --onnx "$d/best.gtm" -o "$d/best.onnx"
bin/gan-export --noise "$d/best.gtm" --events "$rows" --seed 1 -o "$d/noise.csv"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'); load before: $(uptime | sed 's/.*load average: //')"
echo "events: $rows"
best_lib=0 best_ort=0 best_cli=0
for r in $(seq "$rounds"); do
  lib=$(build/lib_throughput "$d/best.gtm" "$d/cond.csv" 1 | tail -1 | cut -d, -f3)
  ort=$(node tools/ort-run.js "$d/best.onnx" --noise "$d/noise.csv" --cond "$d/cond.csv" \
        --cond-cols E,px,py,pz --threads 1 --batch 4096 --repeat 1 --bench | tail -1 | cut -d, -f3)
  t0=$(date +%s.%N)
  bin/gan-sample --model "$d/best.gtm" --cond "$d/cond.csv" --seed 1 --threads 1 -o "$d/sample.csv"
  t1=$(date +%s.%N)
  cli=$(awk -v a="$t0" -v b="$t1" -v n="$rows" 'BEGIN{printf "%.4g", n/(b-a)}')
  echo "round $r: libgantune $lib  onnxruntime $ort  gan-sample-csv $cli events/s"
  best_lib=$(awk -v a="$best_lib" -v b="$lib" 'BEGIN{print (b > a ? b : a)}')
  best_ort=$(awk -v a="$best_ort" -v b="$ort" 'BEGIN{print (b > a ? b : a)}')
  best_cli=$(awk -v a="$best_cli" -v b="$cli" 'BEGIN{print (b > a ? b : a)}')
done
echo "fastest: libgantune $best_lib  onnxruntime(1 thread) $best_ort  gan-sample(CSV) $best_cli events/s"
echo "load after: $(uptime | sed 's/.*load average: //')"
