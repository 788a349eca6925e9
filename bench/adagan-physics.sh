#!/usr/bin/env bash
# adagan-physics.sh — AdaGAN on a physics study (issue 16), at equal total training epochs: the
# AdaGAN ensemble of T components of E/T epochs (workflows/adagan study, the final set's
# hyperparameters and data) against one `make final` model of E epochs and against the uniform
# mix of T independently trained E/T-epoch models of the same set; beside them the uniform mix
# of all the final models (FINAL_N x E epochs: FINAL_N times the cost). Per method and seed, on
# one event per validation row (gan-sample on that row's conditions, seed 7): per-column W1
# (wd-score --scale-from the training data: the records' units), gan-eval's classifier AUC and
# the derived observables' W1, and the tail W1 of bench/adagan_tail.py (events beyond the
# validation's 99th percentile of each pT-like column: the pions' pT for hadronization, pt1/pt2
# for dimuon).
#
# Needs a finished final phase: runs it first when RUNS/STUDY/final has no history (the
# quick-start search: EVENTS=20000 EPOCHS=4 BUDGET=12 N_INIT=8 TRIALS=1, then FINAL_N=SEEDS
# EPOCHS=E from broad). Settings: STUDY (hadronization) SEEDS (5) T (4) E (40: the final
# models' epochs; T must divide it) LONG_SEEDS (3) RUNS (OUT/runs) OUT
# (build/bench/adagan-physics-STUDY). LONG_SEEDS > 0 adds components as long as the final models
# (T x E epochs per ensemble, T times the cost): AdaGAN (seeds 10 s) against the uniform mix of T
# of the final models (models s .. s + T - 1, cyclically). Prints
# one line per method and seed, then the medians (min-max); EVAL (test|val) below.
set -euo pipefail
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/bin:$PATH"
PY=/usr/bin/python3
STUDY=${STUDY:-hadronization} SEEDS=${SEEDS:-5} T=${T:-4} E=${E:-40}
OUT=${OUT:-$ROOT/build/bench/adagan-physics-$STUDY}
RUNS=${RUNS:-$OUT/runs}
[ $((E % T)) -eq 0 ] || { echo "adagan-physics.sh: T=$T does not divide E=$E" >&2; exit 2; }
EC=$((E / T))
mkdir -p "$OUT"
RUNS=$(cd "$RUNS" 2> /dev/null && pwd || { mkdir -p "$RUNS" && cd "$RUNS" && pwd; })
export RUNS
fin=$RUNS/$STUDY/final
if [ ! -f "$fin/history.csv" ]; then
  EVENTS=20000 EPOCHS=4 BUDGET=12 N_INIT=8 TRIALS=1 LIVE=0 PRUNE=none "$ROOT/workflows/anp" broad "$STUDY" > "$OUT/broad.log"
  FINAL_N=$SEEDS EPOCHS=$E FINAL_FROM=broad JOBS=2 LIVE=0 "$ROOT/workflows/anp" final "$STUDY" > "$OUT/final.log"
fi
mapfile -t finals < <(ls "$fin"/models/*.gtm | sort -V)
[ "${#finals[@]}" -ge "$SEEDS" ] || { echo "adagan-physics.sh: $fin has ${#finals[@]} models, SEEDS=$SEEDS" >&2; exit 1; }
# AdaGAN, seed s: the workflow as `make adagan` runs it (seed 1 into RUNS/STUDY/adagan, which the
# report draws), seeds 100 s .. 100 s + T - 1 for its components
for s in $(seq "$SEEDS"); do
  d=$RUNS/$STUDY/adagan
  [ "$s" -eq 1 ] || d=$OUT/adagan-$s
  T=$T EPOCHS=$EC SEED=$((100 * s)) FROM=final OUTDIR=$d "$ROOT/workflows/adagan" study "$STUDY" \
    > "$OUT/adagan-$s.log" 2>&1
done
# the data and the set's flags as the workflow used them (its settings file)
set1=$RUNS/$STUDY/adagan/settings
get() { sed -n "s/^$1=//p" "$set1"; }
TRAIN=$(get train) VAL=$(get val) OUTC=$(get out_cols) CONDC=$(get cond_cols)
read -ra targs <<< "$(get train_args)"
cols=(--out-cols "$OUTC")
[ -n "$CONDC" ] && cols+=(--cond-cols "$CONDC")
# the uniform mix of T independent E/T-epoch models (seeds 1000 s + t)
for s in $(seq "$SEEDS"); do
  m=()
  for t in $(seq 0 $((T - 1))); do
    f=$OUT/mix-$s-$t.gtm
    [ -f "$f" ] || gan-train --train "$TRAIN" --val "$VAL" "${cols[@]}" "${targs[@]}" \
      --seed $((1000 * s + t)) --save-model "$f" > /dev/null
    m+=("$f")
  done
  gan-ensemble --rule uniform -o "$OUT/mix-$s.gte" "${m[@]}"
done
gan-ensemble --rule uniform -o "$OUT/finals.gte" "${finals[@]}"

# The events scored against: EVAL=test (default), a fresh sample of the study's generator as
# large as the validation one (event-gen seed 20261201), which no model saw; EVAL=val, the
# validation events themselves, on which every model's best epoch was chosen (gan-train keeps
# the epoch of lowest validation W1), so a model picked among more epochs is favoured there.
nv=$(zcat -f "$VAL" | awk 'NF { n++ } END { print n - 1 }')
case ${EVAL:-test} in
  test) REF=$OUT/test.csv
        [ -f "$REF" ] || event-gen "$STUDY" --events $((2 * nv)) --val "$nv" --seed 20261201 \
                           -o /dev/null --val-out "$REF" ;;
  val) REF=$VAL ;;
  *) echo "adagan-physics.sh: EVAL=$EVAL: test or val" >&2; exit 2 ;;
esac
allc=$OUTC${CONDC:+,$CONDC}
if [ -n "$CONDC" ]; then gen=(--cond "$REF"); else gen=(--events "$nv"); fi
score() { # score METHOD SEED MODEL|-: one line of figures (-: the events in $OUT/g.csv)
  local g=$OUT/g.csv
  [ "$3" = - ] || gan-sample --model "$3" "${gen[@]}" --seed 7 -o "$g"
  local wd ev tail
  wd=$(wd-score --cols "$OUTC" --scale-from "$TRAIN" "$g" "$REF" | awk -F, 'NR == 2 { print $NF }')
  ev=$(gan-eval --cols "$allc" --scale-from "$TRAIN" --seed 1 "$g" "$REF" |
       awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                { print $c["c2st_auc"], (c["w1obs_mean"] ? $c["w1obs_mean"] : "NaN") }')
  tail=$("$PY" "$ROOT/bench/adagan_tail.py" "$g" "$REF")
  echo "$1 $2 $wd $ev $tail"
}
res=$OUT/results-${EVAL:-test}.txt
hdr="method seed wd_mean c2st_auc w1obs_mean $("$PY" "$ROOT/bench/adagan_tail.py" --header "$REF")"
echo "# scored against $REF ($nv events)"
echo "$hdr" | tee "$res"
# the floor: as many training events as validation rows, scored as if generated
zcat -f "$TRAIN" | awk -v n=$((nv + 1)) 'NR <= n' > "$OUT/g.csv"   # (head: SIGPIPE under pipefail)
score "training-sample" 0 - | tee -a "$res"
for s in $(seq "$SEEDS"); do
  d=$RUNS/$STUDY/adagan
  [ "$s" -eq 1 ] || d=$OUT/adagan-$s
  score "single-final" "$s" "${finals[$((s - 1))]}" | tee -a "$res"
  score "uniform-mix" "$s" "$OUT/mix-$s.gte" | tee -a "$res"
  score "adagan" "$s" "$d/ensemble.gte" | tee -a "$res"
done
score "mix-of-finals" 1 "$OUT/finals.gte" | tee -a "$res"   # one ensemble of every final model
# components as long as the final models: T times the epochs of one
for s in $(seq "${LONG_SEEDS:-3}"); do
  m=()
  for t in $(seq 0 $((T - 1))); do m+=("${finals[$(((s - 1 + t) % ${#finals[@]}))]}"); done
  gan-ensemble --rule uniform -o "$OUT/finals-$s.gte" "${m[@]}"
  score "mix-of-${T}-finals" "$s" "$OUT/finals-$s.gte" | tee -a "$res"
  T=$T EPOCHS=$E SEED=$((10 * s)) FROM=final OUTDIR=$OUT/adagan-long-$s "$ROOT/workflows/adagan" study "$STUDY" \
    > "$OUT/adagan-long-$s.log" 2>&1
  score "adagan-long" "$s" "$OUT/adagan-long-$s/ensemble.gte" | tee -a "$res"
done
echo "# medians (min-max) over the seeds: T=$T components of $EC epochs, one final model $E epochs;"
echo "# mix-of-finals (all ${#finals[@]}), mix-of-${T}-finals and adagan-long: components of $E epochs"
"$PY" - "$res" <<'EOF'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
hdr, rows = rows[0], rows[1:]
for m in dict.fromkeys(r[0] for r in rows):
    sel = [r for r in rows if r[0] == m]
    cells = []
    for j, name in enumerate(hdr[2:], 2):
        v = [float(r[j]) for r in sel if r[j] != "nan" and r[j] != "NaN"]
        cells.append("%s %.4g (%.4g-%.4g)" % (name, st.median(v), min(v), max(v)) if v else name + " -")
    print(m, len(sel), "; ".join(cells))
EOF
