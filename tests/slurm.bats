#!/usr/bin/env bats
# The Slurm recipe of the README run for real: a one-node Slurm cluster (Debian's slurm-wlm and
# munge) started by the test on this machine with private state, sockets and ports, like the
# ssh test's private sshd; a small broad search of the stand-in trainer submitted with sbatch,
# each trial an `srun --exclusive` job step; a scancel of the job mid-run; the same script
# submitted again resumes the run, losing nothing. Skipped, saying why, where the daemons are
# not installed or cannot start. (sacct needs slurmdbd and a database, which this test does not
# set up: the steps are shown by `squeue -s` while the job runs.)
load helpers

ANP=$ROOT/workflows/anp
STANDIN=$ROOT/workflows/standin-trainer

# wait_for SECONDS CMD...: until CMD succeeds; 1 on time out
wait_for() {
  local n=$(( $1 * 10 )); shift
  for _ in $(seq "$n"); do "$@" > /dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

start_cluster() {
  local p
  for p in munged slurmctld slurmd sbatch srun squeue scancel; do
    command -v "$p" > /dev/null || [ -x "/usr/sbin/$p" ] ||
      skip "$p not installed (Debian: apt-get install slurm-wlm munge)"
  done
  [ "$(id -u)" -eq 0 ] || skip "slurmd of a private cluster needs root (its job steps run as any user)"
  S=$TMP/slurm
  mkdir -p "$S/state" "$S/spool"
  chmod 755 "$TMP" "$S"
  head -c 1024 /dev/urandom > "$S/munge.key"
  chmod 400 "$S/munge.key"
  /usr/sbin/munged -F --force --key-file="$S/munge.key" --socket="$S/munge.sock" \
    --pid-file="$S/munged.pid" --log-file="$S/munged.log" --seed-file="$S/munged.seed" \
    < /dev/null > "$S/munged.out" 2>&1 3>&- &
  DAEMON_PIDS="${DAEMON_PIDS:-} $!"
  wait_for 10 test -S "$S/munge.sock" || skip "munged did not start: $(tail -3 "$S/munged.out" | tr '\n' ' ')"
  local port
  port=$(free_port)
  cat > "$S/slurm.conf" <<EOF
ClusterName=gantune
SlurmctldHost=$(hostname)(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge.sock
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
KillWait=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
PlugStackConfig=/dev/null
NodeName=$(hostname) NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
  export SLURM_CONF=$S/slurm.conf
  /usr/sbin/slurmctld -D -f "$SLURM_CONF" < /dev/null > "$S/ctld.out" 2>&1 3>&- &
  DAEMON_PIDS="$DAEMON_PIDS $!"
  /usr/sbin/slurmd -D -f "$SLURM_CONF" < /dev/null > "$S/slurmd.out" 2>&1 3>&- &
  DAEMON_PIDS="$DAEMON_PIDS $!"
  wait_for 30 sh -c 'sinfo -h -o %T | grep -qx idle' ||
    skip "the one-node cluster did not come up: $(tail -2 "$S/ctld.out" "$S/slurmd.out" "$S/slurmctld.log" 2> /dev/null | tr '\n' ' ')"
}

job_gone() { [ -z "$(squeue -h -j "$1" 2> /dev/null)" ]; }

@test "slurm: a broad search as srun job steps; scancel mid-run; resubmitted, it resumes losing nothing" {
  start_cluster
  echo x > d.csv
  # the README's recipe, on one node of nproc CPUs: one trial = one job step of one CPU
  cat > job.sh <<EOF
#!/bin/bash
export RUNS=$TMP/runs TRAIN=$TMP/d.csv VAL=$TMP/d.csv BUDGET=4 TRIALS=2 ARCH_SLOTS=1 PRUNE=none
export TRAINER="srun --exclusive -N1 -n1 -c1 $STANDIN --sleep 2"
exec $ANP broad hadronization
EOF
  rd=$TMP/runs/hadronization/broad
  job=$(sbatch --parsable -N1 -n2 -c1 -o "$TMP/job-%j.out" job.sh)
  # mid-run: a set finished, the next one's trials running as steps
  wait_for 60 sh -c "[ \$(tail -n +2 '$rd/history.csv' 2> /dev/null | wc -l) -ge 1 ]"
  wait_for 20 sh -c "squeue -h -s -j $job | grep -q '$job\.[0-9]'"
  squeue -s -j "$job" -o '%.12i %.14j %.8M %N' | tee steps.txt
  grep -qE "^ *$job\.[0-9]+ " steps.txt
  scancel "$job"
  wait_for 30 job_gone "$job"
  n1=$(tail -n +2 "$rd/history.csv" | wc -l)
  [ "$n1" -ge 1 ]
  [ "$n1" -lt 4 ]
  mkdir kept
  cp "$rd"/trials/*.csv kept/
  # the same script again: the run resumes
  job2=$(sbatch --parsable -N1 -n2 -c1 -o "$TMP/job-%j.out" job.sh)
  wait_for 120 job_gone "$job2"
  cat "$TMP/job-$job2.out"
  grep -q "resuming $rd" "$TMP/job-$job2.out"
  grep -q ": done: 4 sets in $rd" "$TMP/job-$job2.out"
  [ "$(tail -n +2 "$rd/history.csv" | wc -l)" -eq 4 ]
  [ -z "$(tail -n +2 "$rd/history.csv" | cut -d, -f1 | sort | uniq -d)" ]
  [ "$(tail -n +2 "$rd/pending.csv" | wc -l)" -eq 0 ]
  for f in kept/*.csv; do cmp "$f" "$rd/trials/${f##*/}"; done
  [ "$(ls "$rd"/trials/*.csv | wc -l)" -eq 8 ]
  assert_no_temp "$rd" "$rd/trials"
  # every trial ran through srun (a step of one of the two jobs)
  [ -z "$(grep -L 'srun --exclusive' "$rd"/trials/*.cmd)" ]
  sed 's/^/# steps mid-run: /' steps.txt >&3
}
