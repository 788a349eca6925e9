#!/usr/bin/env bats
# gan-train / gan-sample --precision: the option, refusal and fallback where bf16 cannot run,
# and, where it can (oneDNN built, AVX512-BF16 or AMX-BF16), learning, determinism and sampling
# in bf16. The arithmetic itself is checked layer by layer in tests/unit/test_bf16.c.
load helpers

load gan-data

# skips the test where this build or CPU cannot run bf16, saying why
need_bf16() {
  run gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 --precision bf16
  if [ "$status" -eq 2 ]; then skip "bf16 cannot run here: ${output#*bf16: }"; fi
  [ "$status" -eq 0 ]
}

@test "--precision: fp32 is the default and the record says which ran; unknown value exit 2" {
  setup_data
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 > r.csv
  [ "$(field precision < r.csv)" = fp32 ]
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 --precision fp32 > r2.csv
  [ "$(field precision < r2.csv)" = fp32 ]
  cut -d, -f1-3,6- r.csv > a; cut -d, -f1-3,6- r2.csv > b
  cmp a b
  run gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 --precision fp16
  [ "$status" -eq 2 ]
  [[ $output == *"unknown precision 'fp16'"* ]]
  run gan-sample --model nothing.gtm --events 3 -o s.csv --precision half
  [ "$status" -eq 2 ]
  [[ $output == *"unknown precision"* ]]
  run gan-train --help
  [[ $output == *"--precision fp32|bf16|auto"* ]]
}

@test "a CPU without bfloat16: --precision bf16 refused (exit 2), auto falls back to fp32" {
  # oneDNN's own cap on the ISA it dispatches to turns this CPU into one without bf16 (a
  # build without oneDNN refuses bf16 the same way, for that reason)
  setup_data
  export ONEDNN_MAX_CPU_ISA=AVX2
  run gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 --precision bf16 --save-model m.gtm --log l.csv
  [ "$status" -eq 2 ]
  [[ $output == *"--precision bf16: "*"(--precision fp32 or auto runs here)"* ]]
  assert_no_output m.gtm l.csv
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 --precision auto > r.csv
  [ "$(field precision < r.csv)" = fp32 ]
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 --save-model m.gtm > /dev/null
  run gan-sample --model m.gtm --cond val.csv -o s.csv --precision bf16
  [ "$status" -eq 2 ]
  assert_no_output s.csv
}

@test "bf16: auto picks it where it runs; the record says bf16" {
  setup_data
  need_bf16
  [ "$(field precision <<<"$output")" = bf16 ]
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 --precision auto > r.csv
  [ "$(field precision < r.csv)" = bf16 ]
}

@test "bf16: training learns (the learning test of gan.bats in bf16)" {
  setup_data
  need_bf16
  event-gen -n 4000 -v 1000 -s 1 -o train.csv --val-out val.csv hadronization
  net=(--out-cols theta,phi --cond-cols E,px,py,pz --noise-dim 3 --batch-size 64
       --gen-layersize 64 --disc-layersize 64 --precision bf16)
  for s in 1 2 3; do
    run gan-train --train train.csv --val val.csv "${net[@]}" --seed "$s" --epochs 1 \
      --lr-gen 1e-12 --lr-disc 1e-12
    [ "$status" -eq 0 ]
    w0=$(field best_wd <<<"$output")
    gan-train --train train.csv --val val.csv "${net[@]}" --seed "$s" --epochs 20 \
      --lr-gen 1e-3 --lr-disc 1e-3 > rec$s.csv
    [ "$(field status < rec$s.csv)" = ok ]
    [ "$(field precision < rec$s.csv)" = bf16 ]
    w=$(field best_wd < rec$s.csv)
    echo "seed $s: untrained $w0 trained $w"
    awk -v a="$w" -v b="$w0" 'BEGIN{print a / b}' >> ratios
  done
  sort -g ratios | sed -n 2p | awk '{exit !($1 < 0.5)}'
}

@test "bf16: same flags, seed and threads give identical record and model; not fp32's model" {
  setup_data
  need_bf16
  for i in 1 2; do
    gan-train --train train.csv --val val.csv "${small[@]}" --epochs 3 --threads 1 --precision bf16 --save-model m$i.gtm --log l$i.csv > r$i.csv
  done
  cut -d, -f1-3,6- r1.csv > a; cut -d, -f1-3,6- r2.csv > b
  cmp a b
  cmp m1.gtm m2.gtm
  cut -d, -f1-6 l1.csv > a; cut -d, -f1-6 l2.csv > b
  cmp a b
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 3 --threads 1 --precision fp32 --save-model m3.gtm > /dev/null
  run ! cmp -s m1.gtm m3.gtm
}

@test "bf16: gan-sample --precision bf16 is deterministic and close to fp32 sampling" {
  setup_data
  need_bf16
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 2 --gen-layersize 40 --save-model m.gtm > /dev/null
  gan-sample --model m.gtm --cond val.csv --seed 2 -o f.csv --precision fp32
  gan-sample --model m.gtm --cond val.csv --seed 2 -o b1.csv --precision bf16
  gan-sample --model m.gtm --cond val.csv --seed 2 -o b2.csv --precision bf16
  cmp b1.csv b2.csv
  [ "$(wc -l < b1.csv)" -eq 601 ]
  run ! cmp -s f.csv b1.csv
  # the same conditions and noise: generated theta within 2% of its training range on average
  read lo hi < <(awk -F, 'NR>1{if(NR==2||$4<lo)lo=$4; if(NR==2||$4>hi)hi=$4} END{print lo, hi}' train.csv)
  paste -d, f.csv b1.csv | awk -F, -v w="$(awk -v a="$lo" -v b="$hi" 'BEGIN{print b - a}')" \
    'NR>1{s+=($4>$9?$4-$9:$9-$4); n++} END{print s/n/w; exit !(s/n/w < 0.02)}'
}
