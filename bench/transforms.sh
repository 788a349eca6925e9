#!/bin/bash
# bench/transforms.sh — does log(pT) + a tail cut help the dimuon GAN? One fixed hyperparameter
# set trained SEEDS times without and with `--transform pt1=log,pt2=log --tail-cut Q
# --tail-cols pt1,pt2`, each model sampled (as many events as the validation set) and scored
# in physical units (GeV) by bench/transforms.py: W1 of pt1, pt2 and of Mll (computed from the
# muons' pt, eta, phi, massless) against the full validation sample and against it cut as the
# model was. One thread per run, JOBS runs at a time (scores do not depend on load).
#   [EVENTS=110000] [VAL=10000] [EPOCHS=40] [SEEDS="1 .. 10"] [Q=0.995] [JOBS=2]
#   [ARMS="none logcut"] bench/transforms.sh
# ARMS: none, logcut (log(pT) and the cut), log (log(pT) only), cut (the cut only); each later
# arm is compared with the first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/bin
py=/usr/bin/python3
n=${EVENTS:-110000} nv=${VAL:-10000} ep=${EPOCHS:-40} q=${Q:-0.995} jobs=${JOBS:-2}
arms=${ARMS:-none logcut}
seeds=${SEEDS:-$(seq -s ' ' 1 10)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the programs copied first: a rebuild during the (long) run does not change them under it
mkdir "$tmp/bin" && cp "$bin/event-gen" "$bin/gan-train" "$bin/gan-sample" "$tmp/bin/" && bin=$tmp/bin
"$bin/event-gen" dimuon --events "$n" --val "$nv" --seed 1 -o "$tmp/train.csv" --val-out "$tmp/val.csv"
flags=(--out-cols pt1,eta1,phi1,pt2,eta2,phi2 --epochs "$ep" --batch-size 256 --noise-dim 8
       --gen-layersize 128 --disc-layersize 128 --lr-gen 2e-4 --lr-disc 2e-4 --threads 1)
echo "# dimuon: $((n - nv)) training + $nv validation events, $ep epochs, flags: ${flags[*]}; tail cut Q=$q"
echo "# $(uptime)"
one() {  # one ARM SEED: train, sample, keep the record
  local arm=$1 s=$2 x=()
  case $arm in
    none) ;;
    logcut) x=(--transform pt1=log,pt2=log --tail-cut "$q" --tail-cols pt1,pt2) ;;
    log) x=(--transform pt1=log,pt2=log) ;;
    cut) x=(--tail-cut "$q" --tail-cols pt1,pt2) ;;
    *) echo "transforms.sh: unknown arm $arm" >&2; return 1 ;;
  esac
  OPENBLAS_NUM_THREADS=1 "$bin/gan-train" --train "$tmp/train.csv" --val "$tmp/val.csv" "${flags[@]}" \
    "${x[@]}" --seed "$s" --save-model "$tmp/$arm-$s.gtm" > "$tmp/$arm-$s.rec" 2> "$tmp/$arm-$s.err"
  OPENBLAS_NUM_THREADS=1 "$bin/gan-sample" --model "$tmp/$arm-$s.gtm" --events "$nv" --seed "$s" -o "$tmp/$arm-$s.csv"
}
export tmp bin q nv
export flags_s="${flags[*]}"
start=$(date +%s)
for s in $seeds; do for arm in $arms; do echo "$arm $s"; done; done |
  xargs -P "$jobs" -L 1 bash -c 'flags=($flags_s); '"$(declare -f one)"'; one "$0" "$1"'
echo "# training and sampling: $(( $(date +%s) - start )) s"
$py "$here/bench/transforms.py" "$tmp/val.csv" "$tmp" "$q" "$arms" $seeds
