#!/usr/bin/env bash
# bench/eval.sh — gan-eval's wall time on 1,000,000 generated against 100,000 validation events
# of 6 columns (the embedded dimuon sample: its observables included), classifier included, and
# without it (--c2st-rows 0); RUNS (default 5) alternating runs each, medians. BENCHMARKS.md,
# "gan-eval".
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
W=$(mktemp -d "${TMPDIR:-/tmp}/gantune-eval.XXXXXX")
trap 'rm -rf "$W"' EXIT
bin/event-gen dimuon -n 1000000 -s 1 -o "$W/gen.csv"
bin/event-gen dimuon -n 100000 -s 2 -o "$W/val.csv"
secs() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
full=() none=()
for i in $(seq "$RUNS"); do
  full+=("$(secs bin/gan-eval "$W/gen.csv" "$W/val.csv")")
  none+=("$(secs bin/gan-eval --c2st-rows 0 "$W/gen.csv" "$W/val.csv")")
done
echo "load: $(uptime | sed 's/.*load average: //')"
echo "gan-eval, classifier included: ${full[*]} s; median $(printf '%s\n' "${full[@]}" | median) s"
echo "gan-eval --c2st-rows 0:        ${none[*]} s; median $(printf '%s\n' "${none[@]}" | median) s"
