#!/usr/bin/env bats
# src/hpo/rundir: the one owner of the run directory. run.conf has one rule in every program;
# hpo-report, hpo-step --best and make focus agree on the best set under KAPPA=2;
# trial-aggregate over a real run's trial records gives the history hpo-step wrote.
load helpers

ANP=$ROOT/workflows/anp
BROAD=$ROOT/tests/fixtures/run-hadronization-broad

# cell ID FILE: the summary table cell with that id (as tests/hpo-report.bats reads it)
cell() { sed -n "s/.*<td id=\"$1\"[^>]*>\([^<]*\)<.*/\1/p" "$2"; }

# the id of the ok row with the lowest wd_mean + K * wd_std, computed here by column name
awk_best() {
  awk -F, -v k="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["status"] == "ok" { o = $c["wd_mean"] + k * $c["wd_std"]; if (!n++ || o < b) { b = o; id = $c["id"] } }
    END { print id }' "$2"
}

@test "run.conf: a duplicate, an unknown key or a bad value is refused with file:line by every reader" {
  cp -r "$BROAD" run
  echo 'seed=2' >> run/run.conf
  line=$(wc -l < run/run.conf)
  for cmd in "hpo-step run --status" "hpo-step run --best" "hpo-step run --seed 1,1" "hpo-report run -o rep"; do
    run $cmd
    [ "$status" -eq 1 ]
    [[ $output == *": run/run.conf:$line: duplicate key 'seed' (first on line 4)"* ]]
  done
  run "$ANP" run run
  [ "$status" -eq 1 ]
  [[ $output == *"run/run.conf:$line: duplicate key 'seed'"* ]]
  sed -i '$d' run/run.conf
  echo 'kapa=2' >> run/run.conf
  run hpo-step run --best
  [ "$status" -eq 1 ]
  [[ $output == "hpo-step: run/run.conf:$line: unknown key 'kapa'" ]]
  sed -i -e '$d' -e 's/^trials=.*/trials=0/' run/run.conf
  run hpo-report run -o rep
  [ "$status" -eq 1 ]
  [[ $output == *"run/run.conf:5: trials: '0' is not an integer in [1, 100000]" ]]
  [ ! -e rep ]
  # comments and blank lines are the format's; hpo-step --conf prints what it read
  { echo '# made by hand'; echo; cat "$BROAD/run.conf"; } > run/run.conf
  run hpo-step run --conf
  [ "$status" -eq 0 ]
  [ "$output" = "$(grep -v -e '^#' -e '^$' "$BROAD/run.conf")" ]
}

@test "KAPPA=2: hpo-report, hpo-step --best and make focus agree on the best set" {
  mkdir -p runs/hadronization
  cp -r "$BROAD" runs/hadronization/broad
  b=runs/hadronization/broad
  mean_best=$(awk_best 0 "$b/history.csv")
  kappa_best=$(awk_best 2 "$b/history.csv")
  [ -n "$mean_best" ]
  [ -n "$kappa_best" ]
  [ "$mean_best" != "$kappa_best" ]  # the case that matters
  # kappa 0 (the fixture's run.conf): all three pick the lowest mean
  [ "$(hpo-step "$b" --best | tail -1 | cut -d, -f1)" = "$mean_best" ]
  sed -i 's/^kappa=.*/kappa=2/' "$b/run.conf"
  run hpo-step "$b" --best
  [ "$status" -eq 0 ]
  # the fixture predates pruned_at: --best prints the schema, the column read as 0
  [ "${lines[0]}" = "$(head -1 "$b/history.csv"),pruned_at,objective" ]
  [ "${lines[1]%,*}" = "$(grep "^$kappa_best," "$b/history.csv"),0" ]
  awk -F, -v o="${lines[1]##*,}" -v id="$kappa_best" '$1 == id { found = 1; ok = (o - ($8 + 2 * $9))^2 < 1e-18 }
    END { exit !(found && ok) }' "$b/history.csv"
  run hpo-report "$b" -o rep
  [ "$status" -eq 0 ]
  [ "$(cell r1-best-id rep/index.html)" = "$kappa_best" ]
  # make focus with eps 0: the focus space is the single lattice point of the best broad set
  echo x > d.csv
  run make -s -C "$ROOT" focus STUDY=hadronization RUNS="$TMP/runs" TRAIN="$TMP/d.csv" VAL="$TMP/d.csv" \
    TRAINER="$ROOT/workflows/standin-trainer --sleep 0" KAPPA=2 BUDGET=1 TRIALS=1 ARCH_SLOTS=1 \
    EPS_noise_dim=0 EPS_batch_size=0 EPS_lr_gen=0 EPS_lr_disc=0 EPS_gen_layersize=0 EPS_disc_layersize=0
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"focus space around broad set $kappa_best "* ]]
  f=runs/hadronization/focus
  # expected: k = value / scaling of set kappa_best, per hyperparameter, by name
  want=$(awk -F, -v id="$kappa_best" 'NR == FNR { if (FNR == 1) for (i = 1; i <= NF; i++) c[i] = $i
      else if ($1 == id) for (i = 1; i <= NF; i++) v[c[i]] = $i
      next }
    FNR > 1 { k = int(v[$1] / $4 + 0.5); printf "%s,%d,%d,%s\n", $1, k, k, $4 }' "$b/history.csv" "$b/space.csv")
  [ -n "$want" ]
  [ "$(tail -n +2 "$f/space.csv")" = "$want" ]
  # and the focus search trained exactly that set
  [ "$(tail -1 "$f/history.csv" | cut -d, -f2-7)" = "$(grep "^$kappa_best," "$b/history.csv" | cut -d, -f2-7)" ]
}

@test "hpo-step --best: exit 3 and no output before any set finished ok; --focus-space checks names" {
  cp -r "$BROAD" run
  printf 'id,noise_dim,batch_size,lr_gen,lr_disc,gen_layersize,disc_layersize,wd_mean,wd_std,n_trials,n_failed,status\n1,4,256,0.001,0.001,64,64,nan,nan,2,2,failed\n' > run/history.csv
  run hpo-step run --best
  [ "$status" -eq 3 ]
  [ -z "$output" ]
  run hpo-step run --focus-space lr_gen=0.001
  [ "$status" -eq 3 ]
  [ -z "$output" ]
  cp "$BROAD/history.csv" run/history.csv
  run hpo-step run --focus-space lr_gen=0.001,nosuch=1
  [ "$status" -eq 2 ]
  [[ $output == *"'nosuch' is not a hyperparameter"* ]]
  run hpo-step run --focus-space lr_gen=-1
  [ "$status" -eq 2 ]
  # history columns in another order read the same
  awk -F, 'BEGIN { OFS = "," } { t = $1; $1 = $12; $12 = t; print }' "$BROAD/history.csv" > run/history.csv
  [ "$(hpo-step run --best | tail -1 | cut -d, -f1)" = "$(hpo-step "$BROAD" --best | tail -1 | cut -d, -f1)" ]
}

@test "trial-aggregate over a real run's trials/*.csv, as files or one stream, gives hpo-step's history" {
  export RUNS=$TMP/runs EVENTS=600 EPOCHS=1 TRIALS=2 ARCH_SLOTS=1 BUDGET=3
  printf 'name,lower,upper,scaling\nnoise_dim,1,8,4\nbatch_size,1,4,32\nlr_gen,1,200,5e-5\nlr_disc,1,200,5e-5\ngen_layersize,1,8,8\ndisc_layersize,1,8,8\n' > small.csv
  SPACE=small.csv run "$ANP" broad hadronization
  [ "$status" -eq 0 ]
  rd=$RUNS/hadronization/broad
  grep -q epochs_per_s "$rd/trials/1-1.csv"          # gan-train's record, timing columns and all
  [ "$(tail -n +2 "$rd/history.csv" | wc -l)" -eq 3 ]
  sorted() { awk 'NR == 1 { print; next } { print | "sort -t, -k1,1n" }'; }
  want=$(sorted < "$rd/history.csv")
  run trial-aggregate "$rd"/trials/*.csv
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | sorted)" = "$want" ]
  run trial-aggregate "$rd"/trials/2-*.csv
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "$(grep '^2,' "$rd/history.csv")" ]
  out=$(cat "$rd"/trials/*.csv | trial-aggregate)
  [ "$(printf '%s\n' "$out" | sorted)" = "$want" ]
  # a header that differs from the first one in the stream is refused with its line
  run bash -c "{ cat '$rd/trials/1-1.csv'; head -1 '$rd/trials/1-2.csv' | sed 's/best_epoch/best_epochs/'; tail -1 '$rd/trials/1-2.csv'; } | trial-aggregate"
  [ "$status" -eq 1 ]
  [[ $output == "trial-aggregate: <stdin>:3: a header other than line 1's"* ]]
}

@test "hpo-step --picks: a lucky set (two trials agreeing on the lowest mean) is not recommended; recommend=observed takes it; the report names the rule" {
  cp -r "$BROAD" run
  # set 9 (observed 0.18 over 5 trials) made lucky: 2 trials agreeing on 0.045, below every other mean
  awk -F, 'BEGIN { OFS = "," } NR > 1 && $1 == 9 { $8 = 0.045; $9 = 0.0004; $10 = 2 } { print }' \
    "$BROAD/history.csv" > run/history.csv
  [ "$(awk_best 0 run/history.csv)" = 9 ]
  run hpo-step run --picks
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "rule,id,value,objective,observed_id,observed_objective" ]
  IFS=, read -r rule id value obj oid oobj <<< "${lines[1]}"
  [ "$rule" = smoothed ]
  [ "$oid" = 9 ]
  [ "$oobj" = 0.045 ]
  [ "$id" != 9 ]
  [ "$(hpo-step run --best | tail -1 | cut -d, -f1)" = "$id" ]
  run hpo-report run -o rep
  [ "$status" -eq 0 ]
  [ "$(cell r1-best-id rep/index.html)" = "$id" ]
  [ "$(cell r1-observed-id rep/index.html)" = 9 ]
  [[ $(cell r1-best-rule rep/index.html) == smoothed* ]]
  # one line says what the smoothed W1 is and why the pick is not the lowest observed mean
  note=$(sed -n 's/.*<p id="best-rule-note">\([^<]*\)<.*/\1/p' rep/index.html)
  [[ $note == *"posterior mean"* ]]
  [[ $note == *"not the lowest observed mean"* ]]
  [[ $note == *"lucky draw"* ]]
  echo 'recommend=observed' >> run/run.conf
  run hpo-step run --picks
  [ "$status" -eq 0 ]
  [ "${lines[1]%%,*}" = observed ]
  [ "$(hpo-step run --best | tail -1 | cut -d, -f1)" = 9 ]
  # under the observed rule there is no smoothed pick to explain
  run hpo-report run -o rep
  [ "$status" -eq 0 ]
  [[ $(cell r1-best-rule rep/index.html) == observed* ]]
  run grep -c best-rule-note rep/index.html
  [ "$output" = 0 ]
  echo 'recommend=lowest' > run/run.conf.new
  grep -v '^recommend=' run/run.conf >> run/run.conf.new
  mv run/run.conf.new run/run.conf
  run hpo-step run --best
  [ "$status" -eq 1 ]
  [[ $output == *"run/run.conf: recommend=lowest: expected smoothed or observed"* ]]
}
