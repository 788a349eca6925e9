#!/bin/bash
# bench/gan_precision.sh — gan-train --precision fp32 against bf16 on the same flags, one
# thread each, alternating fp32, bf16, fp32, ... RUNS times so both see the same load. Prints
# per side the training seconds per epoch (the record's `seconds`, data loading excluded):
# fastest and median, the CPU seconds of the whole process (user + sys, steadier on a shared
# machine), and the ratios fp32/bf16; the load average before and after.
#   [RUNS=5] [GAN_TRAIN=bin/gan-train] bench/gan_precision.sh GAN_TRAIN_FLAGS...
# (flags with --epochs, without --precision)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5} gt=${GAN_TRAIN:-$here/bin/gan-train}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
epochs=$(printf '%s\n' "$@" | awk 'p{print; exit} $0=="--epochs"{p=1}')
: "${epochs:?gan_precision.sh: pass --epochs}"
field() { awk -F, -v n="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} NR==2{print $c}'; }
stats() { sort -g | awk '{a[NR]=$1} END{m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.4g %.4g\n", a[1], m}'; }
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < runs; r++)); do
  for p in fp32 bf16; do
    /usr/bin/time -f '%U %S' -o "$tmp/t" env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
      "$gt" "$@" --threads 1 --precision "$p" > "$tmp/rec"
    [[ $(field precision < "$tmp/rec") == "$p" ]] || { echo "gan_precision.sh: $p did not run" >&2; exit 1; }
    awk -v e="$epochs" -v s="$(field seconds < "$tmp/rec")" 'BEGIN{print s / e}' >> "$tmp/$p.s"
    awk '{print $1 + $2}' "$tmp/t" >> "$tmp/$p.cpu"
    field best_wd < "$tmp/rec" >> "$tmp/$p.wd"
  done
done
echo "side,s_per_epoch_min,s_per_epoch_median,cpu_s_min,cpu_s_median,best_wd_median,runs"
for p in fp32 bf16; do
  read smin smed < <(stats < "$tmp/$p.s")
  read cmin cmed < <(stats < "$tmp/$p.cpu")
  read _ wmed < <(stats < "$tmp/$p.wd")
  echo "$p,$smin,$smed,$cmin,$cmed,$wmed,$runs"
  eval "${p}_smin=$smin ${p}_smed=$smed ${p}_cmed=$cmed"
done
awk -v a="$fp32_smin" -v b="$bf16_smin" -v c="$fp32_smed" -v d="$bf16_smed" -v e="$fp32_cmed" -v f="$bf16_cmed" \
  'BEGIN{printf "speedup fp32/bf16: %.2fx fastest, %.2fx median, %.2fx CPU median\n", a/b, c/d, e/f}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
