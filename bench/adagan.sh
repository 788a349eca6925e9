#!/usr/bin/env bash
# adagan.sh — AdaGAN's claim on the toy where it shows (issue 16): a 2-D mixture of K = 8
# Gaussians on a ring (radius 2, width S = 0.05), or with TOY=grid 25 on a grid (-4..4 step 2,
# S = 0.05; the AdaGAN paper's toys), one GAN against the
# uniform mix of T independently trained GANs and the AdaGAN ensemble of T (workflows/adagan),
# at the same total GAN epochs (one GAN: T x E epochs; each component E). Per method and seed:
# modes covered (a mode counts when it holds >= SHARE of the generated events within 3 S of its
# centre) and the share of bad events (farther than 3 S from every mode), on EVENTS generated
# events (bench/adagan_score.awk). The mixture discriminator's epochs are not GAN epochs and are
# not counted. Settings: TOY (ring|grid) SEEDS (5) T (4) E (50) SINGLE_EPOCHS (T x E: give E
# for components as long as the one GAN, at T times its epochs) EVENTS (5000) SHARE (a fifth of
# the fair share 1/K: 0.025 on the ring, 0.008 on the grid) OUT
# (build/bench/adagan). Prints one line per method and seed, then the medians.
set -euo pipefail
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/bin:$PATH"
TOY=${TOY:-ring} SEEDS=${SEEDS:-5} T=${T:-4} E=${E:-50} EVENTS=${EVENTS:-5000}
SINGLE_EPOCHS=${SINGLE_EPOCHS:-$((T * E))}
OUT=${OUT:-$ROOT/build/bench/adagan-$TOY}
mkdir -p "$OUT"
cd "$OUT"
case $TOY in ring) grid=0 ;; grid) grid=1 ;; *) echo "adagan.sh: TOY=$TOY: ring or grid" >&2; exit 2 ;; esac
toy() { # toy FILE N SEED: N events, each from a mode drawn uniformly
  awk -v n="$2" -v s="$3" -v grid="$grid" 'BEGIN { srand(s); pi = 3.14159265358979; print "x,y"
    for (i = 0; i < n; i++) {
      if (grid) { k = int(rand() * 25); cx = 2 * (k % 5) - 4; cy = 2 * int(k / 5) - 4 }
      else { k = int(rand() * 8); cx = 2 * cos(2 * pi * k / 8); cy = 2 * sin(2 * pi * k / 8) }
      u = rand(); v = rand(); r = sqrt(-2 * log(u + 1e-300))
      printf "%.6g,%.6g\n", cx + 0.05 * r * cos(2 * pi * v), cy + 0.05 * r * sin(2 * pi * v) } }' > "$1"
}
if [ -z "${SHARE:-}" ]; then if [ "$grid" = 1 ]; then SHARE=0.008; else SHARE=0.025; fi; fi
score() { awk -v K=8 -v R=2 -v S=0.05 -v GRID="$grid" -v SHARE="$SHARE" -f "$ROOT/bench/adagan_score.awk" "$1"; }
[ -f train.csv ] || toy train.csv $((grid ? 25000 : 8000)) 1
[ -f val.csv ] || toy val.csv $((grid ? 5000 : 2000)) 2
hp=(--noise-dim 2 --batch-size 128 --gen-layersize 64 --disc-layersize 64 --lr-gen 3e-4 --lr-disc 3e-4)
echo "# truth (val.csv): $(score val.csv) (covered, bad share)"
echo "method seed covered bad_share seconds"
res=results.txt
: > "$res"
for s in $(seq "$SEEDS"); do
  t0=$EPOCHREALTIME
  [ -f one-$s.gtm ] || gan-train --train train.csv --val val.csv --out-cols x,y "${hp[@]}" \
    --epochs "$SINGLE_EPOCHS" --seed "$s" --save-model one-$s.gtm > /dev/null
  gan-sample --model one-$s.gtm --events "$EVENTS" --seed 99 -o g.csv
  echo "single $s $(score g.csv) $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }")" | tee -a "$res"
  t0=$EPOCHREALTIME
  m=()
  for t in $(seq 0 $((T - 1))); do
    [ -f mix-$s-$t.gtm ] || gan-train --train train.csv --val val.csv --out-cols x,y "${hp[@]}" \
      --epochs "$E" --seed $((1000 * s + t)) --save-model mix-$s-$t.gtm > /dev/null
    m+=(mix-$s-$t.gtm)
  done
  gan-ensemble --rule uniform -o mix-$s.gte "${m[@]}"
  gan-sample --model mix-$s.gte --events "$EVENTS" --seed 99 -o g.csv
  echo "uniform-mix $s $(score g.csv) $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }")" | tee -a "$res"
  for rule in uniform const:0.5; do
    t0=$EPOCHREALTIME
    TRAIN=train.csv VAL=val.csv OUT_COLS=x,y T=$T RULE=$rule SEED=$((100 * s)) \
      TRAIN_ARGS="${hp[*]} --epochs $E" MIXDISC_ARGS="--epochs 5 --batch-size 128 --disc-layersize 64" \
      "$ROOT/workflows/adagan" run "ada-${rule/:/}-$s" 2> /dev/null > /dev/null
    gan-sample --model "ada-${rule/:/}-$s/ensemble.gte" --events "$EVENTS" --seed 99 -o g.csv
    echo "adagan-$rule $s $(score g.csv) $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }")" | tee -a "$res"
  done
done
echo "# $TOY: medians over $SEEDS seeds (T=$T, E=$E epochs per component, $SINGLE_EPOCHS for one GAN; SHARE=$SHARE):"
for meth in single uniform-mix adagan-uniform adagan-const:0.5; do
  med() { awk -v m="$meth" -v c="$1" '$1 == m { print $c }' "$res" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
  echo "$meth covered $(med 3) (min $(awk -v m="$meth" '$1 == m { print $3 }' "$res" | sort -g | head -1)) bad_share $(med 4)"
done
