#!/usr/bin/env bats
# One file in: data-split (a seeded split of one CSV into training and validation, extra
# columns dropped) and the workflows' DATA= for a study of one's own, its phases keeping the
# data they were tuned on, and the refusals made once before anything trains.
load helpers

ANP=$ROOT/workflows/anp
STANDIN=$ROOT/workflows/standin-trainer
COLS=lep0_pt,lep0_eta,lep0_phi,lep1_pt,lep1_eta,lep1_phi

# A physicist's file: other names, columns in another order, extra columns (run, weight).
events_file() {
  event-gen dimuon --events "$1" --val 1 --seed 4 -o g.csv --val-out gv.csv
  awk -F, 'BEGIN { OFS = "," }
    NR == 1 { print "run", "lep1_pt", "lep0_pt", "lep0_eta", "lep0_phi", "weight", "lep1_eta", "lep1_phi"; next }
    { print 1000 + NR, $4, $1, $2, $3, 0.5, $5, $6 }' g.csv | gzip > events.csv.gz
  rm g.csv gv.csv
}

small_space() {
  printf 'name,lower,upper,scaling\nnoise_dim,1,4,4\nbatch_size,1,4,32\nlr_gen,1,20,5e-5\nlr_disc,1,20,5e-5\ngen_layersize,1,4,8\ndisc_layersize,1,4,8\n' > small.csv
}

@test "data-split: exact counts, seeded and reproducible, extra columns dropped, nothing lost" {
  events_file 1001
  run data-split --cols "$COLS" --val-fraction 0.2 --seed 7 -o t.csv.gz --val-out v.csv events.csv.gz
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "1000,800,200" ]
  [ "$(zcat t.csv.gz | head -1)" = "$COLS" ]
  [ "$(head -1 v.csv)" = "$COLS" ]
  [ "$(zcat t.csv.gz | wc -l)" -eq 801 ]
  [ "$(wc -l < v.csv)" -eq 201 ]
  # the two parts are the file's events, each once (in the columns asked for)
  zcat events.csv.gz | awk -F, 'BEGIN { OFS = "," } NR > 1 { print $3, $4, $5, $2, $7, $8 }' | sort > all
  { zcat t.csv.gz | tail -n +2; tail -n +2 v.csv; } | sort > parts
  cmp all parts
  # the same seed gives the same bytes; another seed another split
  data-split --cols "$COLS" --val-fraction 0.2 --seed 7 -o t2.csv.gz --val-out v2.csv events.csv.gz
  cmp v.csv v2.csv
  data-split --cols "$COLS" --val-fraction 0.2 --seed 8 -o t3.csv.gz --val-out v3.csv events.csv.gz
  run ! cmp -s v.csv v3.csv
  assert_no_temp "$TMP"
}

@test "data-split: bad input refused with one line, nothing written" {
  events_file 101
  run data-split --cols lep0_pt,lep0_ptt -o t.csv --val-out v.csv events.csv.gz
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"no column 'lep0_ptt'"* ]]
  for f in 0 1 1.5 -0.1 x; do
    run data-split --cols lep0_pt --val-fraction "$f" -o t.csv --val-out v.csv events.csv.gz
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *--val-fraction* ]]
  done
  printf 'a,b\n1,2\n3,oops\n5,6\n' > bad.csv
  run data-split --cols a,b -o t.csv --val-out v.csv bad.csv
  [ "$status" -eq 1 ]
  [[ $output == *"bad.csv:3:"* ]]
  # too few events for the fraction: someone gets nothing
  run data-split --cols a --val-fraction 0.1 -o t.csv --val-out v.csv bad.csv
  [ "$status" -eq 1 ]
  [[ $output == *"at least 1"* ]]
  run data-split --cols a,a -o t.csv --val-out v.csv bad.csv
  [ "$status" -eq 2 ]
  assert_no_output t.csv v.csv
}

@test "anp: a study of one's own from one file (extra columns, other names), broad to final keeping its data, then sampled" {
  events_file 1201
  small_space
  export RUNS=$TMP/runs
  run env DATA=events.csv.gz OUT_COLS=$COLS VAL_FRACTION=0.25 SPLIT_SEED=3 SPACE=small.csv \
    EPOCHS=2 BUDGET=2 N_INIT=2 TRIALS=2 "$ANP" broad mydy
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"900 training + 300 validation events"* ]]
  rd=$RUNS/mydy/broad
  [ "$(grep -c ',ok,' "$rd/history.csv")" -eq 2 ]
  grep -qx "data=$TMP/events.csv.gz" "$rd/run.conf"
  grep -qx 'val_fraction=0.25' "$rd/run.conf"
  grep -qx 'split_seed=3' "$rd/run.conf"
  grep -qx 'study=mydy' "$rd/run.conf"
  hpo-step "$rd" --conf > /dev/null
  val=$(sed -n 's/^val=//p' "$rd/run.conf")
  [ "$(zcat "$val" | head -1)" = "$COLS" ]
  [ "$(zcat "$val" | wc -l)" -eq 301 ]
  # the split is the one data-split makes with that seed
  data-split --cols "$COLS" --val-fraction 0.25 --seed 3 -o t.csv.gz --val-out v.csv.gz events.csv.gz
  cmp <(zcat v.csv.gz) <(zcat "$val")
  # focus and final name no data: they take the broad run's, and say so
  run env EPOCHS=2 BUDGET=1 N_INIT=1 TRIALS=1 "$ANP" focus mydy
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"focus: the data of $rd"* ]]
  run env FINAL_N=2 "$ANP" final mydy
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"final: best W1 over 2 trainings"* ]]
  for p in focus final; do
    [ "$(grep '^val=' "$RUNS/mydy/$p/run.conf")" = "val=$val" ]
    [ "$(grep '^data=' "$RUNS/mydy/$p/run.conf")" = "data=$TMP/events.csv.gz" ]
    [ "$(grep '^out_cols=' "$RUNS/mydy/$p/run.conf")" = "out_cols=$COLS" ]
  done
  # nothing went into a built-in study's directory
  [ "$(ls "$RUNS")" = mydy ]
  gan-sample --model "$RUNS/mydy/final/models/1-1.gtm" --events 50 --seed 1 -o gen.csv
  [ "$(head -1 gen.csv)" = "$COLS" ]
  [ "$(wc -l < gen.csv)" -eq 51 ]
}

@test "anp: make broad STUDY=NAME DATA=... through make, stand-in trainer" {
  events_file 301
  export RUNS=$TMP/runs
  run make -s -C "$ROOT" broad STUDY=mine DATA="$TMP/events.csv.gz" OUT_COLS=lep0_pt,lep1_pt \
    TRAINER="$STANDIN --sleep 0" BUDGET=2 N_INIT=2 TRIALS=2
  echo "$output"
  [ "$status" -eq 0 ]
  [ -f "$RUNS/mine/broad/history.csv" ]
  grep -qx 'out_cols=lep0_pt,lep1_pt' "$RUNS/mine/broad/run.conf"
  grep -qx 'val_fraction=0.1' "$RUNS/mine/broad/run.conf"
}

@test "anp: refused once before training, one line, nothing written" {
  events_file 301
  export RUNS=$TMP/runs
  run "$ANP" broad mydy
  [ "$status" -eq 1 ]
  [[ $output == *"unknown study 'mydy'"*DATA=* ]]
  run env DATA=events.csv.gz "$ANP" broad mydy
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *OUT_COLS=* ]]
  run env DATA=events.csv.gz OUT_COLS=lep0_pt,lep0_ptt "$ANP" broad mydy
  echo "$output"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"no column 'lep0_ptt'"* ]]
  for f in 0 1 1.5 abc; do
    run env DATA=events.csv.gz OUT_COLS=lep0_pt VAL_FRACTION=$f "$ANP" broad mydy
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *"VAL_FRACTION=$f"* ]]
  done
  run env DATA=nosuch.csv OUT_COLS=lep0_pt "$ANP" broad mydy
  [ "$status" -eq 1 ]
  [[ $output == *"no such file"* ]]
  run env DATA=events.csv.gz TRAIN=events.csv.gz VAL=events.csv.gz OUT_COLS=lep0_pt "$ANP" broad mydy
  [ "$status" -eq 1 ]
  [[ $output == *"not both"* ]]
  run env TRAIN=events.csv.gz "$ANP" broad dimuon
  [ "$status" -eq 1 ]
  [[ $output == *"TRAIN and VAL must both"*DATA=* ]]
  [ ! -e "$RUNS/mydy" ]
  # a column typo in TRAIN/VAL files, checked for gan-train before anything trains
  zcat events.csv.gz > e.csv
  run env TRAIN=e.csv VAL=e.csv OUT_COLS=lep0_pt,nope "$ANP" broad dimuon
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"e.csv: no column 'nope'"* ]]
  [ ! -e "$RUNS/dimuon/broad" ]
  # the broad space's batch sizes (up to 2048) do not fit 270 training events
  run env DATA=events.csv.gz OUT_COLS=lep0_pt "$ANP" broad mydy
  echo "$output"
  [ "$status" -eq 1 ]
  [[ ${lines[-1]} == *"batch_size up to 2048"*"270 training events"* ]]
  [ ! -e "$RUNS/mydy/broad" ]
}

@test "anp: a warning where the largest batch leaves under 16 steps per epoch, none where it does not" {
  events_file 1001
  export RUNS=$TMP/runs
  small_space   # batch_size up to 4 x 32 = 128 on 900 training events: 7 steps per epoch
  run env DATA=events.csv.gz OUT_COLS=lep0_pt SPACE=small.csv "$ANP" init broad mydy
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"warning: broad space: batch_size up to 128 on 900 training events is 7 steps per epoch"* ]]
  # within the 120 columns of the progress lines with the quick start's 2048 and 16000 (3 more)
  w=$(printf '%s\n' "$output" | grep 'steps per epoch' | awk '{ print length($0) }')
  [ "$w" -le 117 ]
  sed -i 's/^batch_size,1,4,32$/batch_size,1,1,32/' small.csv   # 32: 28 steps
  run env DATA=events.csv.gz OUT_COLS=lep0_pt SPACE=small.csv RUNS=$TMP/runs2 "$ANP" init broad mydy
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output != *"steps per epoch"* ]]
}
