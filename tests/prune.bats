#!/usr/bin/env bats
# Pruning at rungs (hpo/prune.h, hpo-step --rung, gan-train --rungs): a stand-in trainer follows
# scripted per-epoch curves, so what the rule must decide is known. Sets below the rule stop
# exactly at their rung, the best set is never pruned, decisions are the same on a rerun and
# after kill -9 + resume, pruned sets are never proposed again, and the epochs trained are what
# the rule implies.
load helpers

ANP=$ROOT/workflows/anp
STANDIN=$ROOT/workflows/standin-trainer

# A 9-point lattice (only lr_gen varies, k = 2..10) and a curve per point: W1 after epoch 1, 3
# and 9 (linear between), so that sets are pruned at both rungs and the best set is a late one.
setup_curves() {
  echo x > d.csv
  printf 'name,lower,upper,scaling\nnoise_dim,4,4,4\nbatch_size,16,16,32\nlr_gen,2,10,5e-5\nlr_disc,10,10,5e-5\ngen_layersize,8,8,8\ndisc_layersize,8,8,8\n' > small.csv
  awk 'BEGIN { n = split("0.50 0.40 0.30|0.30 0.25 0.20|0.60 0.50 0.45|0.35 0.30 0.10|0.70 0.65 0.60|0.32 0.31 0.30|0.21 0.21 0.20|0.28 0.22 0.15|0.20 0.28 0.27", t, "|")
    for (k = 2; k <= 10; k++) { split(t[k - 1], v, " "); printf "%g", k * 5e-5
      for (e = 1; e <= 9; e++) printf ",%.4f", e == 1 ? v[1] : e == 2 ? (v[1] + v[2]) / 2 : e == 3 ? v[2] : v[2] + (v[3] - v[2]) * (e - 3) / 6
      print "" } }' > curves.csv
  export TRAIN=$TMP/d.csv VAL=$TMP/d.csv SPACE=$TMP/small.csv BUDGET=9 N_INIT=4 TRIALS=2 ARCH_SLOTS=1 \
    EPOCHS=9 PRUNE=asha PRUNE_RUNGS=1,3 PRUNE_ETA=3 PRUNE_MIN=3 PRUNE_Z=0
}

# What the rule decides with one slot (sets in id order, no noise: a set's mean is its curve's
# lowest value up to the rung),
# computed here from the curves and proposals.csv: id,epoch,decision lines; the epochs trained
# (all trials) in expected_epochs.
expect_rule() {
  awk -F, -v rungs="$PRUNE_RUNGS" -v eta="$PRUNE_ETA" -v min="$PRUNE_MIN" -v E="$EPOCHS" -v T="$TRIALS" '
    FNR == NR { c[$1 + 0] = $0; next }
    FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { split(c[$col["lr_gen"] + 0], v, ","); nr = split(rungs, R, ","); ep = E
      for (j = 1; j <= nr; j++) {
        e = R[j]; m = v[2] + 0; n = cnt[e] + 1
        for (i = 3; i <= e + 1; i++) if (v[i] + 0 < m) m = v[i] + 0   # best W1 so far
        for (i = 1; i < n; i++) s[i] = val[e, i]
        s[n] = m
        for (i = 2; i <= n; i++) for (q = i; q > 1 && s[q] < s[q - 1]; q--) { x = s[q]; s[q] = s[q - 1]; s[q - 1] = x }
        k = int(n / eta); if (k < 1) k = 1
        keep = n < min || m <= s[k] || (nbest && m <= best)
        cnt[e] = n; val[e, n] = m
        print $1 "," e "," (keep ? "continue" : "prune")
        if (!keep) { ep = e; break }
      }
      if (ep == E) { f = v[2]; for (i = 3; i <= E + 1; i++) if (v[i] < f) f = v[i]; if (!nbest || f < best) best = f; nbest = 1 }
      total += T * ep }
    END { print total > "expected_epochs" }' curves.csv "$1/proposals.csv"
}

@test "prune: sets below the rule stop exactly at their rung; epochs trained are what the rule implies" {
  setup_curves
  export RUNS=$TMP/runs TRAINER="$STANDIN --sleep 1 --curves $TMP/curves.csv"
  run "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  rd=$RUNS/hadronization/broad
  [ "$(grep -c '^prune' "$rd/run.conf")" -eq 5 ]
  [ "$(hpo-step "$rd" --rungs)" = 1,3 ]
  want=$(expect_rule "$rd")
  echo "$want"
  [ "$(tail -n +2 "$rd/rungs.csv" | cut -d, -f1,2,10)" = "$want" ]
  # both rungs prune something, and something survives both
  [[ $want == *",1,prune"* ]]
  [[ $want == *",3,prune"* ]]
  [[ $want == *",3,continue"* ]]
  # every pruned trial stopped at its rung: record, log and history agree
  while IFS=, read -r id e d; do
    [ "$d" = prune ] || continue
    for t in 1 2; do
      rec=$rd/trials/$id-$t.csv
      [ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["status"] "," $c["epochs"] }' "$rec")" = "pruned,$e" ]
      [ "$(tail -n +2 "$rd/trials/$id-$t.log" | wc -l)" -eq "$e" ]
    done
    [ "$(awk -F, -v id="$id" '$1 == id { print $12 "," $13 }' "$rd/history.csv")" = "pruned,$e" ]
  done <<< "$want"
  # the sets never pruned trained every epoch and finished ok
  [ "$(awk -F, '$12 == "ok" && $13 == 0' "$rd/history.csv" | wc -l)" -eq "$(awk -F, '$3 == "prune"' <<< "$want" | wc -l | awk '{ print 9 - $1 }')" ]
  # the epochs trained, summed over every trial's log, are the rule's
  [ "$(cat "$rd"/trials/*.log | grep -vc '^epoch')" -eq "$(cat expected_epochs)" ]
  [ "$(cat expected_epochs)" -lt $(( 9 * 2 * 9 )) ]
  assert_no_temp "$rd" "$rd/trials" "$rd/rungs"
}

@test "prune: the best set is never pruned; pruned sets are never proposed again (rbf and gp)" {
  setup_curves
  export RUNS=$TMP/runs TRAINER="$STANDIN --sleep 1 --curves $TMP/curves.csv --curve-noise 0.25"
  PRUNE_Z=1 run "$ANP" broad hadronization
  [ "$status" -eq 0 ]
  rd=$RUNS/hadronization/broad
  # at every decision: the lowest mean at its rung so far, or a mean no worse than the best
  # finished set, continues
  awk -F, 'NR > 1 { e = $2; m = $4; low = !(e in lo) || m <= lo[e]; if (!(e in lo) || m < lo[e]) lo[e] = m
      if ((low || m <= $9) && $10 != "continue") { print "pruned the best: " $0; bad = 1 } }
    END { exit bad }' "$rd/rungs.csv"
  # the spread allowance was used: some decision kept a set whose mean was above the cut
  awk -F, 'NR > 1 && $4 > $8 && $6 <= $8 && $10 == "continue" { f = 1 } END { exit !f }' "$rd/rungs.csv"
  best=$(hpo-step "$rd" --best | tail -1)
  [ "$(csv_status() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["status"] }'; }; hpo-step "$rd" --best | csv_status)" = ok ]
  # all 9 points were trained once; nothing is left to propose, pruned or not
  [ "$(tail -n +2 "$rd/history.csv" | cut -d, -f2-7 | sort -u | wc -l)" -eq 9 ]
  [ "$(grep -c ',pruned,' "$rd/history.csv")" -ge 3 ]
  run surrogate-propose --space "$rd/space.csv" --history "$rd/history.csv" --n 1
  [ "$status" -eq 1 ]
  # in a wider space, rbf and gp fit pruned rows and propose none of the history's points
  sed 's/^lr_gen,2,10,/lr_gen,2,40,/' small.csv > wide.csv
  for m in rbf gp; do
    run surrogate-propose --space wide.csv --history "$rd/history.csv" --n 5 --method "$m" --seed 3
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 6 ]
    [ -z "$(comm -12 <(printf '%s\n' "${lines[@]:1}" | sort) <(tail -n +2 "$rd/history.csv" | cut -d, -f2-7 | sort))" ]
  done
}

@test "prune: the same decisions on a rerun, and after kill -9 while a set waits at a rung (fraction rungs); make trial reproduces a pruned trial" {
  setup_curves
  # rungs as fractions of the 9 epochs: 1/9 and 1/3 are epochs 1 and 3, resolved by every
  # reader (the trainers' --rungs, hpo-step --rung) from run.conf as written
  export TRAINER="$STANDIN --sleep 1.5 --curves $TMP/curves.csv --slow-seed-mod 2" PRUNE_RUNGS=1/9,1/3
  RUNS=$TMP/ref run "$ANP" broad hadronization
  [ "$status" -eq 0 ]
  ref=$TMP/ref/hadronization/broad
  grep -qx 'prune_rungs=1/9,1/3' "$ref/run.conf"
  [ "$(hpo-step "$ref" --rungs)" = 1,3 ]
  [ "$(tail -n +2 "$ref/rungs.csv" | cut -d, -f2 | sort -u | paste -sd,)" = 1,3 ]
  grep -qF -- '--rungs 1\,3 ' "$ref/trials/1-1.cmd"
  RUNS=$TMP/again run "$ANP" broad hadronization
  [ "$status" -eq 0 ]
  cmp "$ref/rungs.csv" "$TMP/again/hadronization/broad/rungs.csv"
  cmp "$ref/history.csv" "$TMP/again/hadronization/broad/history.csv"
  # kill -9 the whole run while a trial has reported at a rung and its set is undecided
  export RUNS=$TMP/runs
  rd=$RUNS/hadronization/broad
  setsid "$ANP" broad hadronization > log1 2>&1 &
  sid=$!
  caught=
  for _ in $(seq 3000); do
    for f in "$rd"/rungs/*-*-*; do
      [ -e "$f" ] || continue
      b=${f##*/}; id=${b%%-*}; e=${b##*-}
      if ! grep -q "^$id,$e," "$rd/rungs.csv" 2> /dev/null; then caught=$b; break 2; fi
    done
    sleep 0.01
  done
  while pkill -9 -s "$sid"; do sleep 0.2; done
  wait "$sid" || true
  echo "killed while $caught waited"
  [ -n "$caught" ]
  [ "$(tail -n +2 "$rd/history.csv" | wc -l)" -lt 9 ]
  run "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"resuming $rd"* ]]
  cmp "$ref/rungs.csv" "$rd/rungs.csv"
  cmp "$ref/history.csv" "$rd/history.csv"
  [ "$(tail -n +2 "$rd/proposals.csv" | cut -d, -f1-7)" = "$(tail -n +2 "$ref/proposals.csv" | cut -d, -f1-7)" ]
  # make trial reruns a pruned trial from its .cmd: the same record, decision read back
  id=$(awk -F, '$10 == "prune" { print $1; exit }' "$rd/rungs.csv")
  [ -n "$id" ]
  grep -q -- '--rung-cmd' "$rd/trials/$id-1.cmd"
  run make -s -C "$ROOT" trial RUNS="$RUNS" STUDY=hadronization PHASE=broad ID="$id" TRIAL=1
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "$(tail -1 "$rd/trials/$id-1.csv" | cut -d, -f10-)" ]
  [[ ${lines[-1]} == *,pruned,* ]]
  cmp "$ref/rungs.csv" "$rd/rungs.csv"
}

@test "prune: settings are checked (PRUNE, JOBS < TRIALS, a rung list outside the epochs)" {
  setup_curves
  export RUNS=$TMP/runs TRAINER="$STANDIN --sleep 0"
  PRUNE=maybe run "$ANP" broad hadronization
  [ "$status" -eq 1 ]
  [[ $output == *"PRUNE=maybe: expected none or asha"* ]]
  JOBS=1 run "$ANP" broad hadronization
  [ "$status" -eq 1 ]
  [[ $output == *"needs a set's 2 trials to run at once, JOBS=1"* ]]
  rm -rf "$RUNS"
  PRUNE_RUNGS=3,9 run "$ANP" broad hadronization
  [ "$status" -eq 1 ]
  [[ $output == *"run.conf: prune_rungs: rung 9 is not an epoch in [1, 9)"* ]]
  # pruning off: the trainer gets no rung protocol, history says pruned_at 0
  rm -rf "$RUNS"
  PRUNE=none BUDGET=2 run "$ANP" broad hadronization
  [ "$status" -eq 0 ]
  run ! grep -q -- '--rungs' "$RUNS/hadronization/broad/trials/1-1.cmd"
  [ -z "$(hpo-step "$RUNS/hadronization/broad" --rungs)" ]
  [ "$(tail -n +2 "$RUNS/hadronization/broad/history.csv" | cut -d, -f12,13 | sort -u)" = "ok,0" ]
  run hpo-step "$RUNS/hadronization/broad" --rung 1,1 1 0.5
  [ "$status" -eq 1 ]
  [[ $output == *"pruning is off"* ]]
}

# The study's own rule (workflows/studies/hadronization): no PRUNE* setting given.
unset_prune() { unset PRUNE PRUNE_RUNGS PRUNE_ETA PRUNE_MIN PRUNE_Z; }

@test "prune: rung fractions resolve with the phase's epochs, alike in hpo-step, hpo-estimate and the trainers' flags" {
  setup_curves
  unset_prune
  export RUNS=$TMP/runs TRAINER="$STANDIN --sleep 0"
  # the study default 1/8,1/4,1/2: round(f*epochs), halves up; below 1, at the last epoch or on
  # the rung before: dropped
  for ew in 1: 2:1 3:1,2 4:1,2 8:1,2,4 20:3,5,10 100:13,25,50; do
    e=${ew%%:*} want=${ew#*:}
    rd=$(RUNS=$TMP/r$e EPOCHS=$e "$ANP" init broad hadronization)
    grep -qx 'prune_rungs=1/8,1/4,1/2' "$rd/run.conf"
    [ "$(hpo-step "$rd" --rungs)" = "$want" ]
  done
  # decimals, whole epochs and fractions in one list
  rd=$(RUNS=$TMP/mix EPOCHS=10 PRUNE_RUNGS=0.15,3,1/2,0.9 "$ANP" init broad hadronization)
  [ "$(hpo-step "$rd" --rungs)" = 2,3,5,9 ]
  rd=$(RUNS=$TMP/dup EPOCHS=8 PRUNE_RUNGS=0.2,2,6/8 "$ANP" init broad hadronization)
  [ "$(hpo-step "$rd" --rungs)" = 2,6 ]
  # hpo-estimate resolves the same list the same way
  printf 'name,lower,upper,scaling\nnoise_dim,1,100,4\nbatch_size,8,64,32\n' > sp.csv
  printf 'noise_dim,batch_size,events,seconds\n4,8,1000,1\n40,16,1000,2\n100,64,1000,3\n8,32,1000,1.5\n' > t.csv
  run hpo-estimate --space sp.csv --timings t.csv --events 1000 --epochs 20 --trials 5 --budget 100 \
    --prune-rungs 1/8,1/4,1/2 --prune-eta 4
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"pruned (rungs 3,5,10, eta 4, min 4): "* ]]
  run hpo-estimate --space sp.csv --timings t.csv --events 1000 --epochs 20 --trials 5 --budget 100 --prune-rungs 1/4,abc
  [ "$status" -eq 1 ]
  [[ $output == *"--prune-rungs: rung 'abc' is not an epoch (2) or a fraction"* ]]
  # a run with fraction rungs hands the trainers the resolved epochs
  rd=$(RUNS=$TMP/cmd EPOCHS=4 BUDGET=1 "$ANP" init broad hadronization)
  run "$ANP" run "$rd"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"pruning (asha): rungs at epochs 1,2 (prune_rungs=1/8,1/4,1/2 of 4), eta 4, min 4, z 0.5"* ]]
  grep -qF -- '--rungs 1\,2 ' "$rd/trials/1-1.cmd"
}

@test "prune: a bad rung item is refused, naming run.conf and the item" {
  setup_curves
  export RUNS=$TMP/runs TRAINER="$STANDIN --sleep 0"
  i=0
  for bad in "1/0|rung '1/0' is not a fraction strictly between 0 and 1" \
      "0|rung 0 is not an epoch in [1, 9)" "1.5/2|rung '1.5/2' is not an epoch (2) or a fraction" \
      "-1/4|rung '-1/4' is not an epoch (2) or a fraction" "abc|rung 'abc' is not an epoch (2) or a fraction" \
      "1/4,1.0|rung '1.0' is not a fraction strictly between 0 and 1" "3/2|rung '3/2' is not a fraction" \
      "1/3,1/9|rungs must ascend ('1/3,1/9')" "2,,3|rung '' is not" "1/2,|rung '' is not"; do
    i=$((i + 1))
    rd=$TMP/b$i/hadronization/broad
    run env RUNS=$TMP/b$i PRUNE_RUNGS=${bad%%|*} "$ANP" init broad hadronization
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"hpo-step: $rd/run.conf: prune_rungs: ${bad#*|}"* ]]
    [[ $output == *"anp: $rd: not created: its settings were refused (above)" ]]
    [ ! -e "$rd" ]                     # nothing left for a rerun to resume
  done
  # the run itself stops before anything trains, with the same line; a rerun with a good
  # list then starts afresh instead of resuming the refused settings
  run env RUNS=$TMP/b1 PRUNE_RUNGS=1/0 "$ANP" broad hadronization
  [ "$status" -eq 1 ]
  [[ $output == *"$TMP/b1/hadronization/broad/run.conf: prune_rungs: rung '1/0' is not a fraction"* ]]
  [ ! -e "$TMP/b1/hadronization/broad" ]
  rd=$(RUNS=$TMP/b1 PRUNE_RUNGS=1/2 "$ANP" init broad hadronization)
  run hpo-step "$rd" --rungs
  [ "$status" -eq 0 ]
  [ "$output" = 5 ]                    # 1/2 of 9 epochs, halves up
}

@test "prune: the study's broad default prunes (asha, rungs 1/8,1/4,1/2, eta 4, min 4, z 0.5); PRUNE_* and PRUNE=none override it" {
  setup_curves
  unset_prune
  export RUNS=$TMP/runs TRAINER="$STANDIN --sleep 0.5 --curves $TMP/curves.csv" EPOCHS=8
  run "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  rd=$RUNS/hadronization/broad
  [ "$(grep '^prune' "$rd/run.conf" | paste -sd' ')" = "prune=asha prune_eta=4 prune_rungs=1/8,1/4,1/2 prune_min=4 prune_z=0.5" ]
  [ "$(hpo-step "$rd" --rungs)" = 1,2,4 ]
  # the decisions are the rule's at rungs 1,2,4 (no curve noise: z does not matter), warm-up
  # included: the first 3 sets at a rung are never pruned, the 4th is judged
  want=$(PRUNE_RUNGS=1,2,4 PRUNE_ETA=4 PRUNE_MIN=4 expect_rule "$rd")
  echo "$want"
  [ "$(tail -n +2 "$rd/rungs.csv" | cut -d, -f1,2,10)" = "$want" ]
  [[ $want == *",1,prune"* ]]
  [ "$(awk -F, 'NR > 1 && $2 == 1 && $7 < 4 && $10 != "continue"' "$rd/rungs.csv" | wc -l)" -eq 0 ]
  [ "$(cat "$rd"/trials/*.log | grep -vc '^epoch')" -eq "$(cat expected_epochs)" ]
  [ "$(cat expected_epochs)" -lt $(( 9 * 2 * 8 )) ]
  # the environment overrides the study's keys
  rd=$(RUNS=$TMP/o PRUNE_RUNGS=1,3 PRUNE_ETA=3 PRUNE_MIN=2 PRUNE_Z=0 "$ANP" init broad hadronization)
  [ "$(grep '^prune' "$rd/run.conf" | paste -sd' ')" = "prune=asha prune_eta=3 prune_rungs=1,3 prune_min=2 prune_z=0" ]
  rd=$(RUNS=$TMP/n PRUNE=none "$ANP" init broad hadronization)
  grep -qx 'prune=none' "$rd/run.conf"
  # focus and final stay off by default
  rd=$(RUNS=$TMP/f FOCUS_FROM=study "$ANP" init focus hadronization)
  grep -qx 'prune=none' "$rd/run.conf"
}

@test "prune: the study default is left off with a note when JOBS < TRIALS; PRUNE=asha then still dies" {
  setup_curves
  unset_prune
  export RUNS=$TMP/runs TRAINER="$STANDIN --sleep 0" EPOCHS=8 BUDGET=5
  JOBS=1 run "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(grep -c "JOBS=1 is below a set's 2 trials: the study's broad_prune=asha is left off" <<< "$output")" -eq 1 ]
  rd=$RUNS/hadronization/broad
  grep -qx 'prune=none' "$rd/run.conf"
  [ "$(tail -n +2 "$rd/history.csv" | wc -l)" -eq 5 ]
  [ ! -e "$rd/rungs.csv" ]
  run ! grep -q -- '--rungs' "$rd/trials/1-1.cmd"
  # a rerun keeps run.conf's prune=none, without the note
  BUDGET=6 JOBS=1 run "$ANP" broad hadronization
  [ "$status" -eq 0 ]
  [[ $output != *"is left off"* ]]
  # asked for, pruning with JOBS < TRIALS is refused as before
  JOBS=1 PRUNE=asha RUNS=$TMP/ask run "$ANP" broad hadronization
  [ "$status" -eq 1 ]
  [[ $output == *"needs a set's 2 trials to run at once, JOBS=1"* ]]
  # JOBS = TRIALS: the default is on
  rd=$(RUNS=$TMP/j2 JOBS=2 "$ANP" init broad hadronization)
  grep -qx 'prune=asha' "$rd/run.conf"
}

@test "gan-train --rungs: stops with status pruned at the rung the command prunes; continue changes nothing" {
  event-gen hadronization --events 1200 --val 200 --seed 3 -o tr.csv --val-out va.csv
  args=(--train tr.csv --val va.csv --out-cols theta,phi --cond-cols E,px,py,pz --noise-dim 4
        --batch-size 256 --gen-layersize 16 --disc-layersize 16 --lr-gen 1e-3 --lr-disc 1e-3 --epochs 4 --seed 5)
  drop_time() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds" || $i == "epochs_per_s") skip[i] = 1 }
    { s = ""; for (i = 1; i <= NF; i++) if (!skip[i]) s = s $i ","; print s }'; }
  plain=$(gan-train "${args[@]}" --log plain.log | drop_time)
  kept=$(gan-train "${args[@]}" --rungs 1,2 --rung-cmd 'echo continue; echo "$@" >> asked; :' --log kept.log | drop_time)
  [ "$kept" = "$plain" ]
  [ "$(cat asked)" = "$(printf '1 %s\n2 %s' "$(sed -n 2p plain.log | cut -d, -f6)" "$(awk -F, 'NR > 1 && NR <= 3 { if (b == "" || $6 < b) b = $6 } END { print b }' plain.log)")" ]
  cut -d, -f1-6 plain.log | head -3 > want.log
  run gan-train "${args[@]}" --rungs 2 --rung-cmd 'echo prune' --log pruned.log --save-model p.gtm
  [ "$status" -eq 0 ]
  [[ ${lines[1]} == *,2,*,pruned,* ]]
  [ "$(echo "${lines[1]}" | cut -d, -f3)" = 2 ]
  [ "$(cut -d, -f1-6 pruned.log)" = "$(cat want.log)" ]
  [ -s p.gtm ]
  run gan-train "${args[@]}" --rungs 2
  [ "$status" -eq 2 ]
  [[ $output == *"--rungs and --rung-cmd go together"* ]]
  run gan-train "${args[@]}" --rungs 2 --rung-cmd 'echo maybe'
  [ "$status" -eq 1 ]
  [[ $output == *"answered 'maybe' after epoch 2"* ]]
  run gan-train "${args[@]}" --rungs 2 --rung-cmd 'exit 4'
  [ "$status" -eq 1 ]
}

@test "history without pruned_at (older runs) is read; the next rewrite adds it" {
  cp -r "$ROOT/tests/fixtures/run-hadronization-broad" run
  run ! grep -q pruned_at run/history.csv
  run hpo-step run --best
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == *,status,pruned_at,objective ]]
  [[ ${lines[1]} == *,ok,0,* ]]
}

@test "hpo-estimate: recovers a known cost model, predicts the phase with and without pruning; the ETA uses the run's cost.csv" {
  printf 'name,lower,upper,scaling\nnoise_dim,1,100,4\nbatch_size,8,64,32\ngen_layersize,8,128,8\ndisc_layersize,8,128,8\n' > sp.csv
  # timings made from seconds/event = 1e-6 + 2e-10*params + 1e-3/batch; params as gan-train counts them
  echo x > d.csv
  printf 'noise_dim,batch_size,gen_layersize,disc_layersize,events,seconds\n' > t.csv
  for hp in "4,256,64,64" "40,512,256,128" "100,2048,1024,1024" "8,1024,512,64"; do
    IFS=, read -r nd bs gl dl <<< "$hp"
    p=$(awk -v nd="$nd" -v gl="$gl" -v dl="$dl" 'BEGIN {
      # generator 4+nd -> gl -> gl -> 2 and discriminator 6 -> dl -> dl -> 1, each hidden layer with batch norm
      g = (4 + nd) * gl + gl + 2 * gl + gl * gl + gl + 2 * gl + gl * 2 + 2
      d = 6 * dl + dl + 2 * dl + dl * dl + dl + 2 * dl + dl + 1; print g + d }')
    echo "$nd,$bs,$gl,$dl,1000,$(awk -v p="$p" -v b="$bs" 'BEGIN { printf "%.9g", 1000 * (1e-6 + 2e-10 * p + 1e-3 / b) }')" >> t.csv
  done
  run hpo-estimate --space sp.csv --timings t.csv --events 1000 --epochs 20 --trials 5 --budget 100 --places 2 \
    --prune-rungs default -o cost.csv
  echo "$output"
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == *"= 1e-06 + 2e-10*params + 0.001/batch (4 timings, largest error 0%)"* ]]
  [[ $output == *"unpruned: 100 sets x 5 trials x 20 epochs = "*" trainer hours; on 2 places: "* ]]
  [[ $output == *"pruned (rungs 2,7, eta 3, min 4): "*" epochs per trial on average"* ]]
  [ "$(head -1 cost.csv)" = a,b,c,events,set_seconds,model,noise_dim,batch_size,gen_layersize,disc_layersize,filters,kernel ]
  # no --trainer-args: gan-train's MLP at its defaults where the space sets nothing
  [ "$(sed -n 2p cost.csv | cut -d, -f6-)" = mlp,4,512,256,256,8,4 ]
  run hpo-estimate --space sp.csv --timings <(head -3 t.csv) --events 1 --epochs 2 --trials 1 --budget 1
  [ "$status" -eq 1 ]
  [[ $output == *"2 timings, the model needs at least 3"* ]]
  # the ETA: elapsed x predicted time still to come / predicted time of the finished sets. One
  # set finished of 2, one trial of 2 epochs at 1 s an epoch (a = 1e-3 s/event, 1000 events):
  # 2 s done against set_seconds 20 to come, so ETA = 10 x elapsed (elapsed ~100 s)
  export RUNS=$TMP/runs TRAIN=$TMP/d.csv VAL=$TMP/d.csv TRAINER="$STANDIN --sleep 0" PRUNE=none
  mkdir -p "$RUNS/hadronization/estimate"
  printf 'a,b,c,events,set_seconds\n0.001,0,0,1000,20\n' > "$RUNS/hadronization/estimate/cost.csv"
  rd=$(BUDGET=2 TRIALS=1 ARCH_SLOTS=1 EPOCHS=2 "$ANP" init broad hadronization)
  cmp "$RUNS/hadronization/estimate/cost.csv" "$rd/cost.csv"
  sed -i "s/^started=.*/started=$(( $(date +%s) - 100 ))/" "$rd/run.conf"
  run "$ANP" run "$rd"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"1/2 done, 1m4"?"s, ETA 1"[67]"m"* ]]
  # without the model: the mean of the finished sets, ETA ~ elapsed
  rm "$rd/cost.csv"
  sed -i 's/^budget=.*/budget=4/' "$rd/run.conf"
  run "$ANP" run "$rd"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"3/4 done, 1m4"?"s, ETA "[3-4][0-9]"s"* ]]
}

@test "make estimate: times with the phase's trainer arguments (TRAIN_ARGS) and writes CPU-based timings" {
  export RUNS=$TMP/runs EVENTS=3000 ESTIMATE_SETS=3 ESTIMATE_STEPS=2 PRUNE=none
  # an option gan-train refuses: the timings must pass TRAIN_ARGS on, so the estimate stops
  run env TRAIN_ARGS=--no-such-option "$ANP" estimate hadronization
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"estimate: gan-train failed: gan-train: try 'gan-train --help'"* ]]
  # no PRUNE: the study's broad default, as a run would take it (rungs 1/8,1/4,1/2 of 20, eta 4)
  run env -u PRUNE TRAIN_ARGS="--precision fp32" "$ANP" estimate hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"trainer args --precision fp32"* ]]
  [[ $output == *"unpruned: 100 sets x 5 trials x 20 epochs = "* ]]
  [[ $output == *"pruned (rungs 3,5,10, eta 4, min 4): "* ]]
  # three timed rows, each with positive seconds no larger than a generous bound
  [ "$(tail -n +2 "$RUNS/hadronization/estimate/timings.csv" | wc -l)" -eq 3 ]
  run awk -F, 'NR > 1 && !($(NF - 1) > 0 && $(NF - 1) < 600) { bad = 1 } END { exit bad }' "$RUNS/hadronization/estimate/timings.csv"
  [ "$status" -eq 0 ]
}

@test "prune: a rerun's PRUNE_RUNGS is compared by the epochs it resolves to, not its text" {
  setup_curves
  export RUNS=$TMP/runs TRAINER="$STANDIN --sleep 0" EPOCHS=8
  rd=$(PRUNE_RUNGS=1/8,1/4,1/2 "$ANP" init broad hadronization)
  run env PRUNE_RUNGS=1,2,4 "$ANP" init broad hadronization      # the same epochs at 8
  [ "$status" -eq 0 ]
  [[ $output == *"resuming $rd"* ]]
  grep -qx 'prune_rungs=1/8,1/4,1/2' "$rd/run.conf"               # kept as written
  run env PRUNE_RUNGS=1,3 "$ANP" init broad hadronization         # other epochs: refused
  [ "$status" -eq 1 ]
  [[ $output == *"PRUNE_RUNGS=1,3, run.conf has prune_rungs=1/8,1/4,1/2"* ]]
  run env PRUNE_RUNGS=1/0 "$ANP" init broad hadronization         # unresolvable: refused too
  [ "$status" -eq 1 ]
  [[ $output == *"PRUNE_RUNGS=1/0, run.conf has prune_rungs=1/8,1/4,1/2"* ]]
}
