#!/usr/bin/env bats
# Watching a search while it runs: gan-train's per-epoch progress line, the live report the
# workflow rewrites after every finished set (hpo-report --live), and the progress of a single
# foreground run (final, make trial) on the terminal.
load helpers
load gan-data

ANP=$ROOT/workflows/anp
STANDIN=$ROOT/workflows/standin-trainer

@test "gan-train --progress: one line per epoch, fields in order, at most 120 columns" {
  setup_data
  label="set 1234567 trial 89 of a label much longer than the forty columns it may take"
  run --separate-stderr gan-train --train train.csv --val val.csv "${small[@]}" --epochs 3 --progress "$label"
  [ "$status" -eq 0 ]
  # the record on stdout is unchanged: header and row only
  [ "${#lines[@]}" -eq 2 ]
  [[ ${lines[0]} == best_wd,* ]]
  mapfile -t err <<< "$stderr"
  [ "${#err[@]}" -eq 3 ]
  for k in 1 2 3; do
    l=${err[k-1]}
    echo "$l"
    [ "${#l}" -le 120 ]
    [[ $l == "${label:0:40}: epoch $k/3  W1 "[0-9.]*"  best "[0-9.]*" (epoch "[1-3]")  "*"/epoch  ETA "* ]]
  done
  # the last epoch has nothing left; the best is the lowest W1 so far, as the record says
  [[ ${err[2]} == *"ETA 0.0s" ]]
  best=$(echo "$output" | field best_wd)
  [[ ${err[2]} == *"best $(printf '%.4g' "$best") "* ]]
  # without --progress, nothing on stderr
  run --separate-stderr gan-train --train train.csv --val val.csv "${small[@]}" --epochs 2
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
}

@test "hpo-report --live: the page reloads itself and says so; without it, it does not" {
  need() { command -v "$1" > /dev/null || skip "$1 not installed"; }
  need gnuplot
  rd=$TMP/rd
  mkdir -p "$rd"
  printf 'study=t\nphase=broad\nmethod=rbf\nseed=1\ntrials=2\nepochs=3\nbudget=5\nn_init=2\nkappa=0\n' > "$rd/run.conf"
  printf 'name,lower,upper,scaling\nlr_gen,1,10,1e-4\nnoise_dim,1,8,1\n' > "$rd/space.csv"
  printf 'id,lr_gen,noise_dim,wd_mean,wd_std,n_trials,n_failed,status,pruned_at\n1,0.0002,3,0.3,0.01,2,0,ok,0\n2,0.0005,5,0.2,0.02,2,0,ok,0\n' > "$rd/history.csv"
  run hpo-report "$rd" --live 7
  echo "$output"
  [ "$status" -eq 0 ]
  grep -q '<meta http-equiv="refresh" content="7">' "$rd/report/index.html"
  grep -q '<p id="live" class="live">Live: the search is running, 2 of 5 sets finished' "$rd/report/index.html"
  run hpo-report "$rd"
  [ "$status" -eq 0 ]
  run ! grep -q 'http-equiv="refresh"' "$rd/report/index.html"
  run ! grep -q 'id="live"' "$rd/report/index.html"
  run hpo-report "$rd" --live 0
  [ "$status" -eq 2 ]
}

@test "anp: the live report is rewritten after every finished set, and stops reloading at the end" {
  command -v gnuplot > /dev/null || skip "gnuplot not installed"
  # the stand-in reads no data; the report reads the validation file's columns (the study's)
  printf 'x,E,px,py,pz\n0.1,1,0,0,1\n' > d.csv
  # a trainer that, before it trains, notes what the live page says: with one slot, set k's
  # trials start after set k-1 was finished, so the page must already count k-1 sets
  cat > watch-trainer <<EOF
#!/usr/bin/env bash
idx=\$RUNS/hadronization/broad/report/index.html
if [ -f "\$idx" ]; then
  grep -o 'Live: the search is running, [0-9]* of' "\$idx" >> "$TMP/seen" || echo "not live" >> "$TMP/seen"
  grep -c 'http-equiv="refresh"' "\$idx" >> "$TMP/refresh" || true
else
  echo none >> "$TMP/seen"
fi
exec $STANDIN --sleep 0.05 "\$@"
EOF
  chmod +x watch-trainer
  printf 'name,lower,upper,scaling\nlr_gen,1,10,1e-4\nnoise_dim,1,8,1\n' > sp.csv
  export RUNS=$TMP/runs TRAIN=$TMP/d.csv VAL=$TMP/d.csv TRAINER=$TMP/watch-trainer LIVE=1
  # every set trains to the end (the study's default pruning off): one report a finished set
  DATA= SPACE=sp.csv BUDGET=4 N_INIT=2 TRIALS=1 ARCH_SLOTS=1 OUT_COLS=x PRUNE=none run "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  cat seen
  # set 1: no page yet; sets 2, 3, 4: the page of 1, 2, 3 finished sets, reloading
  [ "$(cat seen)" = "$(printf 'none\nLive: the search is running, 1 of\nLive: the search is running, 2 of\nLive: the search is running, 3 of')" ]
  [ "$(sort -u refresh)" = 1 ]
  # the end: all four sets, no reload, no live line
  idx=$RUNS/hadronization/broad/report/index.html
  grep -q '<td id="r1-sets">4</td>' "$idx"
  run ! grep -q 'http-equiv="refresh"' "$idx"
  run ! grep -q 'id="live"' "$idx"
  grep -q 'index.html' "$RUNS/hadronization/broad/report.log"
  assert_no_temp "$RUNS/hadronization/broad" "$RUNS/hadronization/broad/report"
  # LIVE=0: no report at all
  rm -f seen
  DATA= SPACE=sp.csv BUDGET=2 N_INIT=2 TRIALS=1 ARCH_SLOTS=1 OUT_COLS=x LIVE=0 RUNS=$TMP/runs0 run "$ANP" broad hadronization
  [ "$status" -eq 0 ]
  [ ! -e "$TMP/runs0/hadronization/broad/report" ]
}

@test "anp: a trial's progress lines go to its .err; final and make trial show them on the terminal" {
  setup_data
  printf 'name,lower,upper,scaling\nnoise_dim,1,4,1\nbatch_size,1,2,64\nlr_gen,1,20,1e-4\nlr_disc,1,20,1e-4\ngen_layersize,1,3,8\ndisc_layersize,1,3,8\n' > sp.csv
  export RUNS=$TMP/runs TRAIN=$TMP/train.csv VAL=$TMP/val.csv OUT_COLS=theta,phi COND_COLS=E,px,py LIVE=0
  SPACE=sp.csv BUDGET=2 N_INIT=2 TRIALS=1 ARCH_SLOTS=1 EPOCHS=2 run --separate-stderr "$ANP" broad hadronization
  echo "$stderr"
  [ "$status" -eq 0 ]
  rd=$RUNS/hadronization/broad
  # the search's terminal gets one line per set, not the epochs; the trial's .err has them
  run ! grep -q 'epoch 1/2' <<< "$stderr"
  [ "$(grep -c '^set 1 trial 1: epoch [12]/2  W1 ' "$rd/trials/1-1.err")" -eq 2 ]
  # make trial (anp rerun): the rerun's epochs on the terminal
  run --separate-stderr "$ANP" rerun "$rd" 1 1
  [ "$status" -eq 0 ]
  [[ $stderr == *"set 1 trial 1: epoch 2/2  W1 "*"ETA "* ]]
  # final: one foreground run, its trials' epochs on the terminal too
  unset TRAIN VAL OUT_COLS COND_COLS
  FINAL_N=2 run --separate-stderr "$ANP" final hadronization
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ $stderr == *"set 1 trial 1: epoch 2/2  W1 "* ]]
  [[ $stderr == *"set 1 trial 2: epoch 2/2  W1 "* ]]
  [ "$(grep -c 'epoch [12]/2' "$RUNS/hadronization/final/trials/1-2.err")" -eq 2 ]
  grep "epoch [12]/2" <<< "$stderr" | while IFS= read -r l; do [ "${#l}" -le 120 ]; done
}
