#!/bin/bash
# bench/gan_same_streams.sh — gan-train and the PyTorch reference on the same random draws:
# build/gan_streams writes gan-train's initial weights, permutations and noise for a seed and
# bench/torch_same_streams.py runs the reference's networks on them. Prints both per-epoch
# logs side by side and, per seed, the last epoch before the two scores part by more than 1%.
# A GAN's trajectory is chaotic, so float32 rounding differences grow and the runs part at
# some point; until then they are one computation.
#   bench/gan_same_streams.sh TRAIN VAL "SEEDS" EPOCHS GAN_FLAGS...   (GAN_FLAGS without --seed)
set -euo pipefail
tr=$1 va=$2 seeds=$3 epochs=$4; shift 4
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
opt() { local k=$1; shift; while (($#)); do [[ $1 == "$k" ]] && { echo "$2"; return; }; shift; done; }
ncol() { tr , '\n' <<<"$1" | grep -c .; }
nout=$(ncol "$(opt --out-cols "$@")") ncond=$(ncol "$(opt --cond-cols "$@")")
ntr=$(($(zcat -f "$tr" | wc -l) - 1)) nva=$(($(zcat -f "$va" | wc -l) - 1))
for s in $seeds; do
  mkdir -p "$tmp/$s"
  "$here/build/gan_streams" "$tmp/$s" "$s" "$epochs" "$ntr" "$nva" "$ncond" "$(opt --noise-dim "$@")" \
    "$nout" "$(opt --gen-layersize "$@")" "$(opt --disc-layersize "$@")" "$(opt --batch-size "$@")"
  OPENBLAS_NUM_THREADS=1 "$here/bin/gan-train" --train "$tr" --val "$va" "$@" --epochs "$epochs" \
    --seed "$s" --threads 1 --log "$tmp/$s/gan.csv" > /dev/null
  OMP_NUM_THREADS=1 /usr/bin/python3 "$here/bench/torch_same_streams.py" "$tmp/$s" --train "$tr" \
    --val "$va" "$@" --epochs "$epochs" > "$tmp/$s/torch.csv"
  echo "== seed $s: epoch, wd_mean gan-train / torch, d_loss gan-train / torch"
  paste -d, "$tmp/$s/gan.csv" "$tmp/$s/torch.csv" | awk -F, -v no="$nout" -v s="$s" '
    NR == 1 { next }   # gan-train: wd_mean at 4+no of 5+no columns; torch: d_loss at 7+no, wd_mean last
    { g = $(4 + no); t = $NF; d = (g > t ? g - t : t - g) / t
      printf "%d %.5f %.5f %.5f %.5f\n", $1, g, t, $2, $(7 + no)
      if (d <= 0.01 && !parted) same = $1; else parted = 1 }
    END { printf "seed %s: same to 1%% through epoch %d of %d\n", s, same, NR - 1 }'
done
