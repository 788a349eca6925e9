#!/usr/bin/env bash
# bench-data: wd-score against numpy.loadtxt + scipy.stats.wasserstein_distance on the same two
# 1,000,000-row six-column files (file reading included), and event-gen's events/s to an
# uncompressed file on one core. Median of 3, runs interleaved so both sides see the same load.
# BENCH_DIR (default: a fresh temp dir) holds the files; BENCH_ROWS, BENCH_EVENTS resize.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${BENCH_ROWS:-1000000}
EVENTS=${BENCH_EVENTS:-5000000}
PY=/usr/bin/python3
DIR=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -f "$DIR"/bench-*.csv "$DIR"/bench-time' EXIT

# "WALL/CPU" seconds of a command (CPU = user + system), its stdout discarded. On a shared
# machine the CPU time is the steadier figure; both are reported.
secs() {
  /usr/bin/time -f '%e %U %S' -o "$DIR/bench-time" "$@" > /dev/null
  awk '{ printf "%.3f/%.3f\n", $1, $2 + $3 }' "$DIR/bench-time"
}
# median of the wall (field 1) or CPU (field 2) parts of WALL/CPU pairs
median() { local f=$1; shift; printf '%s\n' "$@" | cut -d/ -f"$f" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "== data: two $ROWS-row files from event-gen dimuon (pt1,eta1,phi1,pt2,eta2,phi2)"
bin/event-gen dimuon --events "$ROWS" --val 0 --seed 1 -o "$DIR/bench-a.csv"
bin/event-gen dimuon --events "$ROWS" --val 0 --seed 2 -o "$DIR/bench-b.csv"
ls -l "$DIR"/bench-a.csv "$DIR"/bench-b.csv | awk '{ print "  " $NF ": " $5 " bytes" }'

# same numbers on both sides first
bin/wd-score "$DIR/bench-a.csv" "$DIR/bench-b.csv" | tail -1 | tr , '\n' > "$DIR/bench-c.csv"
$PY bench/wd_scipy.py "$DIR/bench-a.csv" "$DIR/bench-b.csv" | tail -1 | tr , '\n' > "$DIR/bench-s.csv"
paste -d, "$DIR/bench-c.csv" "$DIR/bench-s.csv" | awk -F, '{ d = $1 - $2; d = d < 0 ? -d : d; r = d / ($2 < 0 ? -$2 : $2); if (r > m) m = r }
  END { printf "  max relative difference wd-score vs scipy: %.2g\n", m }'

c=(); s=()
for i in 1 2 3; do
  c+=("$(secs bin/wd-score "$DIR/bench-a.csv" "$DIR/bench-b.csv")")
  s+=("$(secs $PY bench/wd_scipy.py "$DIR/bench-a.csv" "$DIR/bench-b.csv")")
done
mc=$(median 1 "${c[@]}"); ms=$(median 1 "${s[@]}"); cc=$(median 2 "${c[@]}"); cs=$(median 2 "${s[@]}")
echo "  wd-score A B         runs (wall/cpu) ${c[*]} s, median wall $mc s, cpu $cc s"
echo "  numpy+scipy A B      runs (wall/cpu) ${s[*]} s, median wall $ms s, cpu $cs s"
awk -v a="$mc" -v b="$ms" -v c="$cc" -v d="$cs" 'BEGIN { printf "  wd-score is %.1fx faster than scipy (wall), %.1fx (cpu)\n", b / a, d / c }'

for study in hadronization dimuon; do
  n=$EVENTS
  [ "$study" = dimuon ] && n=$((EVENTS / 2))
  e=()
  for i in 1 2 3; do
    e+=("$(secs bin/event-gen "$study" --events "$n" --val 0 --seed "$i" -o "$DIR/bench-e.csv")")
  done
  me=$(median 1 "${e[@]}"); ce=$(median 2 "${e[@]}")
  echo "== event-gen $study --events $n -o FILE.csv: runs (wall/cpu) ${e[*]} s"
  awk -v n="$n" -v t="$me" -v c="$ce" 'BEGIN { printf "  median wall %.3f s = %.2f M events/s; median cpu %.3f s = %.2f M events/s\n", t, n / t / 1e6, c, n / c / 1e6 }'
done
