#!/usr/bin/env bats
# --device cuda: refused clearly where it cannot run; where a GPU and the CUDA build (make cuda,
# bin/cuda/) exist, every layer matches the CPU and a short training learns. Tests that need
# what this machine lacks are skipped, saying what is missing.
load helpers

CUDA_BIN="$ROOT/bin/cuda"

have_gpu() { command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; }

need_cuda_build() {
  [ -x "$CUDA_BIN/gan-train" ] || skip "no CUDA build (bin/cuda/gan-train): run 'make cuda' where nvcc exists"
}

need_gpu() {
  need_cuda_build
  have_gpu || skip "no GPU here (nvidia-smi -L fails): the CUDA build is only compiled and linked"
}

small_data() {
  event-gen hadronization --events 3000 --val 500 --seed 3 -o train.csv --val-out val.csv
}

TRAIN_ARGS=(--train train.csv --val val.csv --out-cols E,px,pz --cond-cols theta
            --noise-dim 3 --batch-size 128 --gen-layersize 16 --disc-layersize 24 --seed 4)

# the record without the timing columns (seconds, epochs_per_s)
record() { cut -d, -f1-3,6- "$1"; }

@test "CPU-only gan-train: --device cuda is refused at once, exit 1, nothing written" {
  small_data
  run gan-train "${TRAIN_ARGS[@]}" --epochs 1 --device cuda --save-model m.gtm --log l.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"--device cuda"*"built without CUDA"* ]]
  [ "${#lines[@]}" -eq 1 ]
  assert_no_output m.gtm l.csv
}

@test "gan-train: an unknown --device is a usage error (exit 2)" {
  small_data
  run gan-train "${TRAIN_ARGS[@]}" --epochs 1 --device gpu
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown device 'gpu'"* ]]
}

@test "CUDA build without a usable GPU: --device cuda is refused at once, exit 1, nothing written" {
  need_cuda_build
  have_gpu && skip "a GPU is present: the refusal cannot be observed here"
  small_data
  run "$CUDA_BIN/gan-train" "${TRAIN_ARGS[@]}" --epochs 1 --device cuda --save-model m.gtm --log l.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"--device cuda: no usable CUDA GPU"* ]]
  assert_no_output m.gtm l.csv
  run "$CUDA_BIN/cuda-check"
  [ "$status" -eq 1 ]
  [[ "$output" == *"no usable CUDA GPU"* ]]
}

@test "CUDA build, --device cpu: the same records and model files as the CPU-only build" {
  need_cuda_build
  small_data
  gan-train "${TRAIN_ARGS[@]}" --epochs 2 --save-model a.gtm --log a.log > a.csv
  "$CUDA_BIN/gan-train" "${TRAIN_ARGS[@]}" --epochs 2 --device cpu --save-model b.gtm --log b.log > b.csv
  [ "$(record a.csv)" = "$(record b.csv)" ]
  cmp a.gtm b.gtm
  [ "$(cut -d, -f1-7 a.log)" = "$(cut -d, -f1-7 b.log)" ]
}

@test "cuda-check: every layer, a whole step and the graph-captured trainer match the CPU" {
  need_gpu
  run "$CUDA_BIN/cuda-check"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"cuda-check: "*" passed, 0 failed"* ]]
  ! grep -q '^FAIL' <<<"$output"
}

@test "gan-train --device cuda: learns, is reproducible, writes its model" {
  need_gpu
  small_data
  "$CUDA_BIN/gan-train" "${TRAIN_ARGS[@]}" --epochs 1 --lr-gen 1e-9 --lr-disc 1e-9 --device cuda > untrained.csv
  "$CUDA_BIN/gan-train" "${TRAIN_ARGS[@]}" --epochs 8 --lr-gen 2e-3 --lr-disc 2e-3 --device cuda --save-model m.gtm > a.csv
  "$CUDA_BIN/gan-train" "${TRAIN_ARGS[@]}" --epochs 8 --lr-gen 2e-3 --lr-disc 2e-3 --device cuda > b.csv
  [ "$(record a.csv)" = "$(record b.csv)" ]
  awk -F, 'NR == 2 { u = $1 } NR == 4 { exit !($1 < 0.6 * u && $7 == "ok") }' untrained.csv a.csv
  [ -s m.gtm ]
}
