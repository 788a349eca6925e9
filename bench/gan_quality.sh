#!/bin/bash
# bench/gan_quality.sh — best_wd of gan-train and of the PyTorch reference over several seeds
# (vs-torch repeats one seed, and one GAN run says little), one thread each.
#   bench/gan_quality.sh TRAIN VAL "SEEDS" GAN_FLAGS...
set -euo pipefail
tr=$1 va=$2 seeds=$3; shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
field() { awk -F, -v n="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} NR==2{print $c}'; }
median() { sort -g | awk '{a[NR]=$1} END{print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "seed,torch_best_wd,gan_best_wd"
tw=() gw=()
for s in $seeds; do
  t=$(OMP_NUM_THREADS=1 /usr/bin/python3 "$here/../shared/bench/torch_gan.py" --train "$tr" --val "$va" "$@" --seed "$s" --threads 1 | tail -2 | field best_wd)
  g=$(OPENBLAS_NUM_THREADS=1 "$here/bin/gan-train" --train "$tr" --val "$va" "$@" --seed "$s" --threads 1 | field best_wd)
  echo "$s,$t,$g"; tw+=("$t") gw+=("$g")
done
echo "median,$(printf '%s\n' "${tw[@]}" | median),$(printf '%s\n' "${gw[@]}" | median)"
