#!/usr/bin/env bats
# workflows/anp: asynchronous nested parallelism, resuming after kill -9, failing trainers,
# several hosts over ssh, one-trial reruns, and tiny real searches of both studies.
load helpers

ANP=$ROOT/workflows/anp
STANDIN=$ROOT/workflows/standin-trainer
STATS=$ROOT/workflows/timeline-stats

need_progs() {
  for p in "$@"; do command -v "$p" > /dev/null || { echo "$p: not built (make)" >&2; return 1; }; done
}

# Stand-in runs need no data: the stand-in ignores --train/--val.
standin_env() {
  need_progs surrogate-propose trial-aggregate
  echo x > "$TMP/d.csv"
  export RUNS=$TMP/runs TRAIN=$TMP/d.csv VAL=$TMP/d.csv TRAINER="$STANDIN $*"
}

# Checks shared by every finished run: a complete, duplicate-free history of the budget.
assert_complete() {
  local rd=$1 budget
  budget=$(grep '^budget=' "$rd/run.conf" | cut -d= -f2)
  [ "$(tail -n +2 "$rd/history.csv" | wc -l)" -eq "$budget" ]
  [ "$(tail -n +2 "$rd/history.csv" | cut -d, -f1 | sort -n | uniq | wc -l)" -eq "$budget" ]
  [ "$(tail -n +2 "$rd/history.csv" | cut -d, -f1 | sort -n)" = "$(tail -n +2 "$rd/proposals.csv" | cut -d, -f1 | sort -n)" ]
  [ "$(tail -n +2 "$rd/pending.csv" | wc -l)" -eq 0 ]
  [ -z "$(ls -A "$rd/claims" 2> /dev/null)" ]
  assert_no_temp "$rd" "$rd/trials"
}

@test "anp: usage errors and unknown study" {
  run "$ANP"
  [ "$status" -eq 1 ]
  [[ $output == *usage* ]]
  run "$ANP" broad nosuchstudy
  [ "$status" -eq 1 ]
  [[ $output == *"unknown study 'nosuchstudy'"*hadronization* ]]
  run "$ANP" run "$TMP"
  [ "$status" -eq 1 ]
  [[ $output == *"no run.conf"* ]]
}

@test "anp: new sets start while slower ones still run; slots stay >= 90% busy" {
  standin_env --sleep 16
  # about slots, not rungs: the study's default pruning off (its rung waits change the timing)
  rd=$(PRUNE=none BUDGET=3 TRIALS=2 ARCH_SLOTS=2 "$ANP" init broad hadronization)
  # a slow architecture (widest layers) and a fast one (narrowest) first, then a guided set
  hpo-step "$rd" --add 64,512,0.001,0.001,1024,1024 > /dev/null
  hpo-step "$rd" --add 64,512,0.001,0.001,64,64 > /dev/null
  run "$ANP" run "$rd"
  [ "$status" -eq 0 ]
  assert_complete "$rd"
  run "$STATS" "$rd"
  echo "$output"
  [ "$status" -eq 0 ]
  eval "$(echo "$output" | tr '\n' ';')"
  [ "$sets" -eq 3 ]
  [ "$async_starts" -ge 1 ]                  # set 3 started while slow set 1 still ran
  awk -v b="$slot_busy" 'BEGIN { exit !(b >= 0.90) }'
  # the slow set's trials overlap the fast slot's later sets
  s1=$(awk -F, '$1 == 1 { print $6 }' "$rd/timeline.csv" | sort -g | tail -1)
  s3=$(awk -F, '$1 == 3 { print $5 }' "$rd/timeline.csv" | sort -g | head -1)
  awk -v a="$s3" -v b="$s1" 'BEGIN { exit !(a < b) }'
}

@test "anp: kill -9 mid-run, rerun: complete, duplicate-free, no finished trial redone" {
  standin_env --sleep 1.2
  # pruning's kill -9 is prune.bats's: the study's default off here
  export BUDGET=5 TRIALS=2 ARCH_SLOTS=2 PRUNE=none
  rd=$RUNS/hadronization/broad
  setsid "$ANP" broad hadronization > log1 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    [ "$(tail -n +2 "$rd/history.csv" 2> /dev/null | wc -l)" -ge 2 ] && break
    sleep 0.1
  done
  sleep 0.5
  # kill -9 everything of the run (GNU Parallel puts each job in a process group of its own,
  # so the run is its session): as a crash of the machine or of a batch job would
  # (repeated: a process forked while pkill ran escapes the first round)
  while pkill -9 -s "$pid"; do sleep 0.2; done
  wait "$pid" || true
  n1=$(tail -n +2 "$rd/history.csv" | wc -l)
  [ "$n1" -ge 2 ]
  [ "$n1" -lt 5 ]
  mkdir before
  cp "$rd"/trials/*.csv before/
  run "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"resuming $rd"* ]]
  assert_complete "$rd"
  for f in before/*.csv; do cmp "$f" "$rd/trials/$(basename "$f")"; done
  # no trial ran twice to completion; every trial of every set has its record
  [ -z "$(tail -n +2 "$rd/timeline.csv" | cut -d, -f1,2 | sort | uniq -d)" ]
  [ "$(ls "$rd"/trials/*.csv | wc -l)" -eq 10 ]
}

@test "anp: kill -9 of the driver alone, rerun at once: its orphaned trials are stopped, the run completes" {
  standin_env --sleep 1.5
  export BUDGET=4 TRIALS=2 ARCH_SLOTS=1 PRUNE=none
  rd=$RUNS/hadronization/broad
  setsid "$ANP" broad hadronization > log1 2>&1 &
  sid=$!
  for _ in $(seq 200); do [ -s "$rd/driver.pid" ] && ls "$rd"/trials/*.cmd > /dev/null 2>&1 && break; sleep 0.1; done
  # only the driver dies, as when a batch system kills the job's main process: its trials run on
  kill -9 "$(cat "$rd/driver.pid")"
  pgrep -s "$sid" > /dev/null   # trials still running, holding the run's lock
  run "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"stopping the trials it left running"* ]]
  assert_complete "$rd"
  pkill -9 -s "$sid" || true
}

@test "anp: a second driver on a live run is refused" {
  standin_env --sleep 1
  export BUDGET=3 TRIALS=2 ARCH_SLOTS=1 PRUNE=none
  rd=$RUNS/hadronization/broad
  setsid "$ANP" broad hadronization > log1 2>&1 &
  sid=$!
  for _ in $(seq 200); do [ -s "$rd/driver.pid" ] && break; sleep 0.1; done
  run "$ANP" broad hadronization
  [ "$status" -eq 1 ]
  [[ $output == *"another anp run (pid "*") is working on this directory"* ]]
  wait "$sid"
  assert_complete "$rd"
}

@test "anp: failing and diverging trainings are recorded and the search goes on" {
  standin_env --sleep 0.3 --fail-lr-gen 0.008 --diverge-lr-disc 0.009 --fail-seed-mod 5
  rd=$(BUDGET=6 TRIALS=2 ARCH_SLOTS=2 N_INIT=4 "$ANP" init broad dimuon)
  hpo-step "$rd" --add 64,512,0.009,0.001,64,64 > /dev/null   # crashes
  hpo-step "$rd" --add 64,512,0.001,0.0095,64,64 > /dev/null  # diverges
  run "$ANP" run "$rd"
  [ "$status" -eq 0 ]
  assert_complete "$rd"
  [ "$(grep '^1,' "$rd/history.csv" | cut -d, -f10-)" = "2,2,failed,0" ]
  [ "$(grep '^2,' "$rd/history.csv" | cut -d, -f10-)" = "2,2,failed,0" ]
  grep -q ',failed' "$rd/trials/1-1.csv"
  grep -q ',diverged,' "$rd/trials/2-1.csv"
  grep -q 'simulated crash' "$rd/trials/1-1.err"
  # the other sets were trained and one of them is the best
  [ "$(awk -F, 'NR > 1 && $12 == "ok"' "$rd/history.csv" | wc -l)" -ge 1 ]
  [[ $output == *"done: 6 sets in "*"; best set "* ]]
}

@test "anp: a rerun with other settings than run.conf's stops and lists them; BUDGET may grow; FRESH=1 starts anew" {
  standin_env --sleep 0.1
  rd=$(BUDGET=2 TRIALS=1 EPOCHS=2 N_INIT=1 "$ANP" init broad hadronization)
  cp "$rd/run.conf" conf.before
  run env BUDGET=2 TRIALS=1 EPOCHS=3 N_INIT=1 OUT_COLS=pt "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"$rd was made with other settings than this rerun's:"* ]]
  [[ $output == *"EPOCHS=3, run.conf has epochs=2"* ]]
  [[ $output == *"OUT_COLS=pt, run.conf has out_cols="* ]]
  [[ $output == *"only BUDGET= may grow"* ]]
  [[ $output == *"FRESH=1"*"or another RUNS=DIR"* ]]
  run ! grep -q "TRIALS=" <<< "$output"     # the same as run.conf: not listed
  cmp conf.before "$rd/run.conf"
  [ ! -e "$rd/history.csv" ]                # nothing ran
  # a smaller budget is refused too
  run env BUDGET=1 TRIALS=1 EPOCHS=2 "$ANP" broad hadronization
  [ "$status" -eq 1 ]
  [[ $output == *"BUDGET=1, run.conf has budget=2 (a budget may only grow)"* ]]
  # the same settings, a larger budget: the search goes on
  run env BUDGET=3 TRIALS=1 EPOCHS=2 N_INIT=1 KAPPA=0.0 "$ANP" broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"budget of $rd changed from 2 to 3"* ]]
  [ "$(tail -n +2 "$rd/history.csv" | wc -l)" -eq 3 ]
  # FRESH=1: the old run is kept aside, the new one has the new settings
  run env FRESH=1 BUDGET=1 TRIALS=1 EPOCHS=3 "$ANP" init broad hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(grep '^epochs=' "$rd/run.conf")" = "epochs=3" ]
  old=$(ls -d "$rd".old-*)
  [ "$(tail -n +2 "$old/history.csv" | wc -l)" -eq 3 ]
}

@test "anp: warns when the initial design fills the budget and when most sets failed" {
  standin_env --sleep 0.1 --fail-lr-gen 0.0
  run env BUDGET=2 TRIALS=1 N_INIT=4 "$ANP" broad dimuon
  echo "$output"
  # every set failed: a failure (issue 20), after the warning about the budget
  [ "$status" -eq 1 ]
  [[ $output == *"warning: budget 2 <= n_init 4: every set comes from the initial design, rbf never chooses one"* ]]
  [[ ${lines[-1]} == *"none finished ok"* ]]
  # a budget beyond the design, sets that train: no warning
  export TRAINER="$STANDIN --sleep 0.1"
  run env BUDGET=3 TRIALS=1 N_INIT=2 RUNS="$TMP/runs2" "$ANP" broad dimuon
  echo "$output"
  [ "$status" -eq 0 ]
  run ! grep -q warning <<< "$output"
}

@test "anp: trials run on another host through ssh (HOSTS=file, --sshloginfile)" {
  [ -x /usr/sbin/sshd ] || { echo "sshd not installed (make deps installs openssh-server)" >&2; return 1; }
  standin_env --sleep 0.2
  ssh-keygen -q -t ed25519 -N '' -f hostkey
  ssh-keygen -q -t ed25519 -N '' -f userkey
  cp userkey.pub authorized_keys
  chmod 600 authorized_keys
  cat > sshd_template <<EOF
Port @PORT@
ListenAddress 127.0.0.1
HostKey $TMP/hostkey
AuthorizedKeysFile $TMP/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel VERBOSE
EOF
  [ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
  # sshd wants /run/sshd, which only root can make; a port taken meanwhile is retried
  start_sshd sshd_template || skip "the private sshd did not start: $SSHD_WHY"
  echo "2/ssh -p $SSHD_PORT -i $TMP/userkey -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR 127.0.0.1" > hosts
  rd=$(BUDGET=2 TRIALS=2 ARCH_SLOTS=1 "$ANP" init broad hadronization)
  run env HOSTS=hosts "$ANP" run "$rd"
  echo "$output"
  [ "$status" -eq 0 ]
  assert_complete "$rd"
  [ "$(tail -n +2 "$rd/timeline.csv" | cut -d, -f4 | sort -u)" = "127.0.0.1" ]
  [ "$(grep -c 'Accepted publickey' sshd.log)" -ge 4 ]
}

# A real search: event-gen data, gan-train trials, broad then focus (then final).
real_search() {
  need_progs event-gen gan-train surrogate-propose trial-aggregate
  export RUNS=$TMP/runs EVENTS=600 EPOCHS=1 TRIALS=2 ARCH_SLOTS=2 BUDGET=2
  # a small corner of the broad space, so that 500 events make a batch and trials take a second
  printf 'name,lower,upper,scaling\nnoise_dim,1,8,4\nbatch_size,1,4,32\nlr_gen,1,200,5e-5\nlr_disc,1,200,5e-5\ngen_layersize,1,8,8\ndisc_layersize,1,8,8\n' > small.csv
  SPACE=small.csv run "$ANP" broad "$1"
  echo "$output"
  [ "$status" -eq 0 ]
  b=$RUNS/$1/broad
  assert_complete "$b"
  [ "$(awk -F, 'NR > 1 && $12 == "ok"' "$b/history.csv" | wc -l)" -ge 1 ]
  for f in models/1-1.gtm trials/1-1.log trials/1-1.cmd joblog/set-1; do [ -s "$b/$f" ]; done
  [[ $output == *"set 1 ["*"wd "*"best "*"/2 done, "*"ETA"* ]]
  # the focus space lies inside the broad one, holds the broad best, and spans at most 2 eps
  run "$ANP" focus "$1"
  echo "$output"
  [ "$status" -eq 0 ]
  f=$RUNS/$1/focus
  assert_complete "$f"
  best=$(awk -F, 'NR > 1 && $12 == "ok"' "$b/history.csv" | sort -t, -k8,8g | head -1)
  . "$ROOT/workflows/studies/$1"
  paste -d, <(tail -n +2 "$b/space.csv") <(tail -n +2 "$f/space.csv") <(echo "$best" | cut -d, -f2-7 | tr , '\n') |
    while IFS=, read -r n lo hi sc n2 flo fhi fsc p; do
      [ "$n" = "$n2" ]
      [ "$sc" = "$fsc" ]
      [ "$flo" -ge "$lo" ]
      [ "$fhi" -le "$hi" ]
      [ "$flo" -le "$fhi" ]
      eps=$(eval echo "\$focus_eps_$n")
      awk -v p="$p" -v a="$flo" -v b="$fhi" -v s="$sc" -v e="$eps" \
        'BEGIN { exit !(a * s <= p + 1e-9 && p <= b * s + 1e-9 && (b - a) * s <= 2 * e + 1e-9) }'
    done
}

@test "anp: tiny real broad + focus + final search of hadronization; one trial reruns identically" {
  real_search hadronization
  f=$RUNS/hadronization/focus
  # make trial reruns trial 1-2 from its .cmd and prints the same record (but the timing)
  run make -s -C "$ROOT" trial RUNS="$RUNS" STUDY=hadronization PHASE=focus ID=1 TRIAL=2
  [ "$status" -eq 0 ]
  rec=$(tail -1 "$f/trials/1-2.csv" | cut -d, -f10-)
  hdr=$(head -1 "$f/trials/1-2.csv" | cut -d, -f10-)
  [ "${lines[-2]}" = "$hdr" ]
  drop_time() { awk -F, -v h="$hdr" 'BEGIN { n = split(h, c, ",") }
    { for (i = 1; i <= n; i++) if (c[i] != "seconds" && c[i] != "epochs_per_s") printf "%s,", $i; print "" }'; }
  [ "$(echo "${lines[-1]}" | drop_time)" = "$(echo "$rec" | drop_time)" ]
  # final: the chosen set trained FINAL_N times, every model kept, W1 mean +- std reported
  FINAL_N=3 run "$ANP" final hadronization
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"final: best W1 over 3 trainings: "*" ± "* ]]
  [ "$(ls "$RUNS"/hadronization/final/models/1-*.gtm | wc -l)" -eq 3 ]
  [ "$(tail -n +2 "$RUNS/hadronization/final/history.csv" | cut -d, -f10)" -eq 3 ]
}

@test "anp: tiny real broad + focus search of dimuon (no conditions)" {
  real_search dimuon
  run ! grep -q -- '--cond-cols' "$RUNS/dimuon/broad/trials/1-1.cmd"
}
