#!/usr/bin/env bats
# Per-column transforms and tail cuts (gan-train --transform/--tail-cut/--scale-range): stored
# in the model file so that gan-sample inverts them, a cut that drops exactly the quantile
# asked, bad input refused with one line and nothing written, and models without them as
# before (version 1, the same bytes; an old model file still samples the same events).
load helpers

COLS=pt1,eta1,phi1,pt2,eta2,phi2
net=(--out-cols "$COLS" --noise-dim 3 --batch-size 64 --gen-layersize 16 --disc-layersize 16 --seed 3)

dimuon() { event-gen dimuon --events "$1" --val "$2" --seed 4 -o train.csv --val-out val.csv; }
# column NAME of a CSV file, its values one a line
col() { awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next } { print $c }' "$2"; }
field() { awk -F, -v n="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} NR==2{print $c}'; }
version() { od -An -tu4 -j8 -N4 "$1" | tr -d ' '; }

@test "a log-transformed column round-trips through the model file: gan-sample's output in physical units, positive" {
  dimuon 2600 600
  run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 3 \
    --transform pt1=log,pt2=log,eta1=logit:-2.5:2.5 --save-model m.gtm
  [ "$status" -eq 0 ]
  [ "$(version m.gtm)" -eq 2 ]
  gan-sample --model m.gtm --events 4000 --seed 1 -o s.csv
  [ "$(wc -l < s.csv)" -eq 4001 ]
  # every pt positive and inside the span of the training pts' exp(range) (the generator's
  # tanh output maps onto [log min, log max]); eta1 inside logit's bounds
  lo=$(col pt1 train.csv | sort -g | head -1) hi=$(col pt1 train.csv | sort -g | tail -1)
  col pt1 s.csv | awk -v lo="$lo" -v hi="$hi" '$1 <= 0 || $1 < lo * 0.999 || $1 > hi * 1.001 { bad++ } END { exit bad > 0 }'
  col pt2 s.csv | awk '$1 <= 0 { bad++ } END { exit bad > 0 }'
  col eta1 s.csv | awk '$1 <= -2.5 || $1 >= 2.5 { bad++ } END { exit bad > 0 }'
  # in GeV, not in log units: the median pt1 is within a factor 2 of the data's
  md=$(col pt1 train.csv | sort -g | awk '{ a[NR] = $1 } END { print a[int(NR / 2)] }')
  ms=$(col pt1 s.csv | sort -g | awk '{ a[NR] = $1 } END { print a[int(NR / 2)] }')
  awk -v a="$md" -v b="$ms" 'BEGIN { exit !(b > a / 2 && b < 2 * a) }'
  # the same model, seed and count: the same events (the inverse is part of sampling)
  gan-sample --model m.gtm --events 4000 --seed 1 -o s2.csv
  cmp s.csv s2.csv
  assert_no_temp "$TMP"
}

@test "without transforms the model file is version 1, and an old model file samples the same events" {
  dimuon 1300 300
  gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --save-model plain.gtm
  [ "$(version plain.gtm)" -eq 1 ]
  # the none transform and the default range are no transform: the same bytes
  gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --save-model none.gtm \
    --transform pt1=none --scale-range -1,1
  cmp plain.gtm none.gtm
  # tests/fixtures/v1-dimuon.gtm and its sample were made by gan-train and gan-sample before
  # transforms existed
  gan-sample --model "$ROOT/tests/fixtures/v1-dimuon.gtm" --events 50 --seed 2 -o old.csv
  cmp old.csv "$ROOT/tests/fixtures/v1-dimuon-sample.csv"
}

@test "--scale-range 0,1 is stored in the model: gan-sample maps the generator's output back through it" {
  dimuon 1300 300
  gan-train --train train.csv --val val.csv "${net[@]}" --epochs 2 --save-model a.gtm --scale-range 0,1
  [ "$(version a.gtm)" -eq 2 ]
  gan-sample --model a.gtm --events 2000 -o s.csv
  # the generator's tanh reaches below 0 in [0, 1] units, i.e. below the smallest training pt,
  # but not below lo - (hi - lo) (y = -1)
  lo=$(col pt1 train.csv | sort -g | head -1) hi=$(col pt1 train.csv | sort -g | tail -1)
  col pt1 s.csv | awk -v lo="$lo" -v hi="$hi" '$1 < lo - (hi - lo) - 1e-3 || $1 > hi + 1e-3 { bad++ } END { exit bad > 0 }'
  # the ONNX export takes it (an affine map like the default's)
  gan-export --onnx a.gtm -o a.onnx
  [ -s a.onnx ]
}

@test "a tail cut drops exactly the quantile asked, of training and validation alike, and is recorded" {
  dimuon 1600 400
  run --separate-stderr gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 \
    --tail-cut 0.9 --tail-cols pt1 --save-model m.gtm --log l.csv
  [ "$status" -eq 0 ]
  rec=$output
  # 1200 training events, distinct pts: ceil(0.9 * 1200) = 1080 kept
  [ "$(field train_kept <<< "$rec")" -eq 1080 ]
  [ "$(field tail_cut <<< "$rec")" = 0.9 ]
  cut=$(sed -n 's/.* pt1 <= \([^ ]*\).*/\1/p' <<< "$stderr")
  [ -n "$cut" ]
  [ "$(col pt1 train.csv | awk -v c="$cut" '$1 <= c' | wc -l)" -eq 1080 ]
  # the validation events are cut where the training ones were
  [ "$(field val_kept <<< "$rec")" -eq "$(col pt1 val.csv | awk -v c="$cut" '$1 <= c' | wc -l)" ]
  [ "$(version m.gtm)" -eq 2 ]
  # the model's events stay below the cut (its range ends there)
  gan-sample --model m.gtm --events 1000 -o s.csv
  col pt1 s.csv | awk -v c="$cut" '$1 > c * 1.0001 { bad++ } END { exit bad > 0 }'
  # two columns: each cut at its own quantile, an event dropped when either is above
  run --separate-stderr gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --tail-cut 0.95 --tail-cols pt1,pt2
  c1=$(sed -n 's/.* pt1 <= \([^ ]*\).*/\1/p' <<< "$stderr") c2=$(sed -n 's/.* pt2 <= \([^ ]*\).*/\1/p' <<< "$stderr")
  want=$(awk -F, -v a="$c1" -v b="$c2" 'NR > 1 && $1 <= a && $4 <= b' train.csv | wc -l)
  [ "$(field train_kept <<< "$output")" -eq "$want" ]
  [ "$(col pt1 train.csv | awk -v c="$c1" '$1 <= c' | wc -l)" -eq 1140 ]
}

@test "--check-data checks transforms and cut against the data and trains nothing" {
  dimuon 1300 300
  run --separate-stderr gan-train --train train.csv --val val.csv "${net[@]}" --transform pt1=log --tail-cut 0.5 \
    --tail-cols pt1 --check-data --save-model m.gtm --log l.csv
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "train_events,val_events,train_kept,val_kept" ]
  [[ ${lines[1]} == 1000,300,500,* ]]
  [[ $stderr == *"kept 500 of 1000 training"* ]]
  [ ! -e m.gtm ]
  [ ! -e l.csv ]
}

@test "bad transforms, non-positive logs and quantiles outside (0, 1) refused with one line, nothing written" {
  dimuon 1300 300
  out=(--save-model m.gtm --log l.csv)
  for t in pt1=exp pt1=Log pt1=log:1:2 pt1=logit:2:1 pt1 nosuch=log pt1=log,pt1=log1p; do
    run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --transform "$t" "${out[@]}"
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == "gan-train: --transform"* ]]
  done
  for q in 0 1 1.5 -0.1 x nan; do
    run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --tail-cut "$q" --tail-cols pt1 "${out[@]}"
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == "gan-train: --tail-cut"* ]]
  done
  run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --tail-cols pt1 "${out[@]}"
  [ "$status" -eq 2 ]
  [[ $output == *"--tail-cols needs --tail-cut"* ]]
  run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --tail-cut 0.9 "${out[@]}"
  [ "$status" -eq 2 ]
  [[ $output == *"--tail-cut needs --tail-cols"* ]]
  run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --tail-cut 0.9 --tail-cols pt9 "${out[@]}"
  [ "$status" -eq 2 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"--tail-cols: 'pt9' is not one of --out-cols"* ]]
  run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --scale-range 0,2 "${out[@]}"
  [ "$status" -eq 2 ]
  [ "${#lines[@]}" -eq 1 ]
  # a log of a non-positive value: the file, its line and the value (eta is negative somewhere)
  line=$(awk -F, 'NR > 1 && $2 <= 0 { print NR; exit }' val.csv)
  run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --transform eta1=log "${out[@]}"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == "gan-train: train.csv:"*": eta1 = "*" is outside log's domain (x > 0)" ]]
  awk -F, 'NR > 1 { $1 = (NR == 7 ? 0 : $1) } { print }' OFS=, val.csv > val0.csv
  run gan-train --train train.csv --val val0.csv "${net[@]}" --epochs 1 --transform pt1=log "${out[@]}"
  [ "$status" -eq 1 ]
  [ "$output" = "gan-train: val0.csv:7: pt1 = 0 is outside log's domain (x > 0)" ]
  [ -n "$line" ]
  [ ! -e m.gtm ]
  [ ! -e l.csv ]
  assert_no_temp "$TMP"
}

@test "the ONNX export refuses a transformed model with one clear line, nothing written" {
  dimuon 1300 300
  gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --transform pt1=log --save-model m.gtm
  run gan-export --onnx m.gtm -o g.onnx
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"per-column transforms"*"gan-sample and libgantune invert them"* ]]
  [ ! -e g.onnx ]
  assert_no_temp "$TMP"
}

small_space() {
  printf 'name,lower,upper,scaling\nnoise_dim,1,4,4\nbatch_size,1,4,32\nlr_gen,1,20,5e-5\nlr_disc,1,20,5e-5\ngen_layersize,1,4,8\ndisc_layersize,1,4,8\n' > small.csv
}

@test "anp: TRANSFORM, TAIL_CUT, TAIL_COLS, SCALE_RANGE, UNITS go to run.conf and every trial, checked once against the data" {
  event-gen dimuon --events 1201 --val 1 --seed 4 -o events.csv --val-out v1.csv
  small_space
  export RUNS=$TMP/runs
  run env DATA=events.csv OUT_COLS=$COLS SPACE=small.csv EPOCHS=1 BUDGET=1 N_INIT=1 TRIALS=1 \
    TRANSFORM=pt1=log,pt2=log TAIL_CUT=0.99 TAIL_COLS=pt1,pt2 SCALE_RANGE=0,1 UNITS=pt1=GeV,pt2=GeV,mll=GeV \
    "$ROOT/workflows/anp" broad mydy
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"transforms and tail cut checked against the data: "*" of 1080 training"* ]]
  rd=$RUNS/mydy/broad
  grep -qx 'transform=pt1=log,pt2=log' "$rd/run.conf"
  grep -qx 'tail_cut=0.99' "$rd/run.conf"
  grep -qx 'tail_cols=pt1,pt2' "$rd/run.conf"
  grep -qx 'scale_range=0,1' "$rd/run.conf"
  grep -qx 'units=pt1=GeV,pt2=GeV,mll=GeV' "$rd/run.conf"
  [[ $output == *"UNITS: 'mll' is not a column of the study"* ]]
  grep -qF -- '--transform pt1=log\,pt2=log --tail-cut 0.99 --tail-cols pt1\,pt2 --scale-range 0\,1' "$rd/trials/1-1.cmd"
  [ "$(version "$rd/models/1-1.gtm")" -eq 2 ]
  [ "$(field tail_cut < "$rd/trials/1-1.csv")" = 0.99 ]
  # the trial record's extra columns are the trainer's, not hyperparameters
  hpo-step "$rd" --best > /dev/null
  # focus takes the broad run's transforms with its data
  run env EPOCHS=1 BUDGET=1 N_INIT=1 TRIALS=1 "$ROOT/workflows/anp" focus mydy
  [ "$status" -eq 0 ]
  grep -qx 'transform=pt1=log,pt2=log' "$RUNS/mydy/focus/run.conf"
  grep -qx 'tail_cut=0.99' "$RUNS/mydy/focus/run.conf"
}

@test "anp: a log of a non-positive value or a bad TAIL_CUT refused before anything trains, one line, no run" {
  event-gen dimuon --events 1201 --val 1 --seed 4 -o events.csv --val-out v1.csv
  awk -F, 'BEGIN { OFS = "," } NR == 50 { $4 = 0 } { print }' events.csv > zero.csv
  small_space
  export RUNS=$TMP/runs
  run env DATA=zero.csv OUT_COLS=$COLS SPACE=small.csv EPOCHS=1 BUDGET=1 N_INIT=1 TRIALS=1 \
    TRANSFORM=pt2=log "$ROOT/workflows/anp" broad mydy
  echo "$output"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 2 ]   # data-split's note of the split, then the refusal
  [[ ${lines[1]} == "anp: the study's transforms or tail cut do not fit the data: gan-train: "*": pt2 = 0 is outside log's domain (x > 0)" ]]
  [ ! -e "$RUNS/mydy/broad" ]
  for q in 0 1 1.5 x; do
    run env DATA=events.csv OUT_COLS=$COLS SPACE=small.csv TAIL_CUT=$q TAIL_COLS=pt1 "$ROOT/workflows/anp" broad mydy
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *"TAIL_CUT=$q: expected a quantile strictly between 0 and 1"* ]]
  done
  run env DATA=events.csv OUT_COLS=$COLS SPACE=small.csv TRANSFORM=pt1=sqrt "$ROOT/workflows/anp" broad mydy
  [ "$status" -eq 1 ]
  [[ $output == *"--transform: pt1=sqrt: unknown transform"* ]]
  for u in =GeV pt1 'pt1=GeV,phi' 'pt1=a=b'; do
    run env DATA=events.csv OUT_COLS=$COLS SPACE=small.csv UNITS="$u" "$ROOT/workflows/anp" broad mydy
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *"UNITS: '"*"' is not COL=UNIT"* ]]
  done
  [ ! -e "$RUNS/mydy/broad" ]
}

@test "hpo-report: axis units come from run.conf's units (UNITS=), a column it does not name has none" {
  FIX=$ROOT/tests/fixtures
  cp -r "$FIX/run-hadronization-final" run
  echo 'units=theta=rad,E=GeV' >> run/run.conf
  run hpo-report run -o rep --sampler "$FIX/stand-in-gan-sample" --surrogate none
  [ "$status" -eq 0 ]
  grep -qx "set xlabel 'theta (rad)'" rep/generated.gp
  grep -qx "set ylabel 'normalised density (1/rad)'" rep/generated.gp
  # phi is not named: no unit, and none guessed from its name
  grep -qx "set xlabel 'phi'" rep/generated.gp
  run grep -c "phi (rad)" rep/generated.gp
  [ "$output" -eq 0 ]
  grep -q "<= E < [0-9.e+-]* GeV)'$" rep/generated.gp
  # without units= nothing is guessed
  run hpo-report "$FIX/run-hadronization-final" -o rep2 --sampler "$FIX/stand-in-gan-sample" --surrogate none
  [ "$status" -eq 0 ]
  grep -qx "set xlabel 'theta'" rep2/generated.gp
  run grep -c "GeV\|rad" rep2/generated.gp
  [ "$output" -eq 0 ]
}

@test "--score other than w1 refused with a transform or the [0, 1] range, fine with a tail cut alone" {
  dimuon 1300 300
  for x in "--transform pt1=log" "--scale-range 0,1"; do
    run gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --score ks $x --save-model m.gtm
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *"--score ks: not with --transform or --scale-range 0,1"* ]]
    [ ! -e m.gtm ]
  done
  run --separate-stderr gan-train --train train.csv --val val.csv "${net[@]}" --epochs 1 --score ks \
    --tail-cut 0.9 --tail-cols pt1
  [ "$status" -eq 0 ]
  [ "$(field score <<< "$output")" = ks ]
  [ "$(field train_kept <<< "$output")" -eq 900 ]
}

@test "a tail cut drops the events' weights with them: weights 1 on the kept events give the unweighted cut training" {
  dimuon 1300 300
  cut_args=(--epochs 2 --tail-cut 0.9 --tail-cols pt1,pt2)
  gan-train --train train.csv --val val.csv "${net[@]}" "${cut_args[@]}" --save-model a.gtm 2> a.err | cut -d, -f1-3,6- > a.rec
  c1=$(sed -n 's/.* pt1 <= \([^ ]*\).*/\1/p' a.err) c2=$(sed -n 's/.* pt2 <= \([^ ]*\).*/\1/p' a.err)
  # weight 5 on the events the cut drops, 1 on the others: misaligned weights would show
  awk -F, -v a="$c1" -v b="$c2" 'BEGIN { OFS = "," } NR == 1 { print $0, "w"; next }
    { print $0, ($1 > a || $4 > b) ? 5 : 1 }' train.csv > tw.csv
  [ "$(grep -c ',5$' tw.csv)" -gt 100 ]
  gan-train --train tw.csv --val val.csv "${net[@]}" "${cut_args[@]}" --weight-col w --save-model b.gtm 2> /dev/null | cut -d, -f1-3,6- > b.rec
  cmp a.rec b.rec
  cmp a.gtm b.gtm
}
