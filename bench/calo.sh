#!/bin/sh
# calo.sh — event-gen calo throughput: 20000 showers, E0 uniform in 1-100 GeV, written as CSV
# to /dev/null; e+, gamma and pi+ take turns, 5 runs each; the median in showers/s.
set -eu
cd "$(dirname "$0")/.."
uptime
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for i in 1 2 3 4 5; do
  for p in e+ gamma pi+; do
    t0=$(date +%s.%N)
    bin/event-gen calo --particle "$p" --events 20000 --seed "$i" -o /dev/null
    t1=$(date +%s.%N)
    echo "$p $(echo "$t1 - $t0" | bc)" >> "$log"
  done
done
for p in e+ gamma pi+; do
  awk -v p="$p" '$1 == p { print $2 }' "$log" | sort -g | awk -v p="$p" '{ a[NR] = $1; s = s " " $1 }
    END { printf "%-6s median %.3f s for 20000 showers: %.0f showers/s (runs:%s)\n", p, a[3], 20000 / a[3], s }'
done
uptime
