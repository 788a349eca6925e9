#!/bin/bash
# bench/gan.sh — gan-train against the PyTorch reference (../shared/bench/vs-torch) on event-gen's
# hadronization data at the issue's three configurations, then gan-sample throughput against
# the reference generator in inference mode. Run from the project root:  bench/gan.sh [RUNS] [EPOCHS]
set -euo pipefail
runs=${1:-3} epochs=${2:-2}
d=${BENCH_DIR:-/tmp/gantune-bench}
mkdir -p "$d"
[[ -s $d/had-train.csv ]] || bin/event-gen -s 1 -o "$d/had-train.csv" --val-out "$d/had-val.csv" hadronization
common=(--train "$d/had-train.csv" --val "$d/had-val.csv" --out-cols theta,phi --cond-cols E,px,py,pz
        --lr-gen 1e-4 --lr-disc 1e-4 --epochs "$epochs" --seed 1)
for cfg in "8 256 64 64" "4 512 256 256" "3 642 65 243"; do
  read -r nz bs gw dw <<<"$cfg"
  echo "== noise $nz batch $bs gen $gw disc $dw ($runs runs, $epochs epochs, one thread each)"
  ../shared/bench/vs-torch --runs "$runs" -- "${common[@]}" --noise-dim "$nz" --batch-size "$bs" \
    --gen-layersize "$gw" --disc-layersize "$dw"
done
echo "== GEMM GFLOP/s (user CPU time)"
OPENBLAS_NUM_THREADS=1 bench/gan_gflops.sh "$d/had-train.csv" "$d/had-val.csv"
echo "== gan-sample: study's best architecture (noise 3, gen 65), 559000 conditioned events"
bin/gan-train "${common[@]}" --epochs 1 --noise-dim 3 --batch-size 642 --gen-layersize 65 \
  --disc-layersize 243 --save-model "$d/best.gtm" --max-events 20000 > /dev/null
t0=$(date +%s.%N)
OPENBLAS_NUM_THREADS=1 bin/gan-sample --model "$d/best.gtm" --cond "$d/had-train.csv" -o "$d/sample.csv"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN{printf "gan-sample (CSV out): %.0f events/s\n", 559000/(b-a)}'
build/gan_infer "$d/best.gtm" 559000
OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_sample.py 559000 3 65 4 2
echo "== best_wd over seeds 1-5 (noise 8, batch 256, 64/64, 2 epochs)"
bench/gan_quality.sh "$d/had-train.csv" "$d/had-val.csv" "1 2 3 4 5" --out-cols theta,phi \
  --cond-cols E,px,py,pz --lr-gen 1e-4 --lr-disc 1e-4 --epochs 2 --noise-dim 8 --batch-size 256 \
  --gen-layersize 64 --disc-layersize 64
