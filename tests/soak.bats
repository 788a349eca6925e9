#!/usr/bin/env bats
# The kill -9 soak: a stand-in search killed at SOAK_KILLS (8) random points, drawn from
# SOAK_SEED (20) so that a failure reproduces (`SOAK_SEED=N bats tests/soak.bats`), each time
# the whole run (its session) or the driver alone, then resumed; after every kill the run
# directory's invariants are checked, and the finished history must equal, byte for byte, the
# history of the same search run without kills (one set slot: proposals do not depend on
# timing, and the stand-in's distances depend only on the seed and the hyperparameters).
load helpers

ANP=$ROOT/workflows/anp
STANDIN=$ROOT/workflows/standin-trainer

# The invariants any kill must leave: every bookkeeping file readable by its owner, the history
# duplicate-free and a subset of the proposals, no record that was there before lost or changed.
check_invariants() {
  local rd=$1 kept=$2 f
  hpo-step "$rd" --status > /dev/null || [ $? -eq 3 ]
  hpo-step "$rd" --best > /dev/null || [ $? -eq 3 ]
  [ -z "$(tail -n +2 "$rd/history.csv" 2> /dev/null | cut -d, -f1 | sort | uniq -d)" ]
  if [ -f "$rd/history.csv" ]; then
    [ -z "$(comm -23 <(tail -n +2 "$rd/history.csv" | cut -d, -f1 | sort) \
                     <(tail -n +2 "$rd/proposals.csv" | cut -d, -f1 | sort))" ]
  fi
  for f in "$kept"/*.csv; do
    [ -e "$f" ] || continue
    cmp "$f" "$rd/trials/${f##*/}"
  done
}

@test "soak: kill -9 at random points (whole run or driver alone), resume, invariants hold, history as unkilled" {
  seed=${SOAK_SEED:-20} kills=${SOAK_KILLS:-8}
  echo x > d.csv
  # the study's default pruning off: this soaks the plain resume (prune.bats kills at a rung)
  export TRAIN=$TMP/d.csv VAL=$TMP/d.csv TRAINER="$STANDIN --sleep 0.3" BUDGET=6 TRIALS=2 ARCH_SLOTS=1 PRUNE=none
  # the reference: the same search, never killed
  RUNS=$TMP/ref "$ANP" broad hadronization > ref.log 2>&1
  ref=$TMP/ref/hadronization/broad
  export RUNS=$TMP/runs
  rd=$RUNS/hadronization/broad
  mkdir kept
  # kill points: delay in [0.3, 2.5) s after the start of a resume, and what is killed
  awk -v s="$seed" -v k="$kills" 'BEGIN { srand(s); for (i = 0; i < k; i++)
    printf "%.2f %d\n", 0.3 + 2.2 * rand(), rand() < 0.3 }' > points
  echo "soak seed $seed: $(tr '\n' ' ' < points)"
  done=0
  while read -r delay driver_only; do
    setsid "$ANP" broad hadronization > run.log 2>&1 &
    sid=$!
    sleep "$delay"
    if [ "$driver_only" = 1 ] && [ -s "$rd/driver.pid" ]; then
      kill -9 "$(cat "$rd/driver.pid")" 2> /dev/null || true    # its trials run on, orphaned
    else
      while pkill -9 -s "$sid"; do sleep 0.1; done              # the whole run, as a crash
    fi
    wait "$sid" 2> /dev/null || true
    if grep -q ': done: ' run.log; then done=$((done + 1)); fi
    [ -f "$rd/run.conf" ] || continue
    check_invariants "$rd" kept
    cp "$rd"/trials/*.csv kept/ 2> /dev/null || true
  done < points
  # the last resume runs to the end; orphans of a driver-only kill are taken over
  while pkill -9 -s "$sid" 2> /dev/null; do sleep 0.1; done
  run "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  check_invariants "$rd" kept
  [ "$(tail -n +2 "$rd/pending.csv" | wc -l)" -eq 0 ]
  [ "$(ls "$rd"/trials/*.csv | wc -l)" -eq 12 ]
  [ -z "$(tail -n +2 "$rd/timeline.csv" | cut -d, -f1,2 | sort | uniq -d)" ]
  assert_no_temp "$rd" "$rd/trials"
  cmp "$ref/history.csv" "$rd/history.csv"
  echo "soak: $kills kills survived ($done resumes had finished before their kill)"
}
