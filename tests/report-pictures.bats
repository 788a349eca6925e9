#!/usr/bin/env bats
# hpo-report's pictures as a reader checks them, through their gnuplot scripts and data: the
# convergence's dashed end of the initial design, wd-sigma's histogram and scatter on one x
# axis, ticks on every log axis of the Pareto view and labels for its front, generated vs truth
# over the sample's whole range, and the learning curves with the pruning rungs.
load helpers

FIX="$ROOT/tests/fixtures"
BROAD="$FIX/run-hadronization-broad"
FINAL="$FIX/run-hadronization-final"

# a run directory of NSETS sets with per-epoch trial logs; prune=asha at rungs 2,4 when PRUNE
mkrun() { # mkrun DIR NSETS NINIT PRUNE
  local d=$1 n=$2
  mkdir -p "$d/trials"
  printf 'study=t\nphase=broad\nmethod=rbf\nseed=1\ntrials=2\nepochs=6\nbudget=%d\nn_init=%d\nkappa=0\n' "$n" "$3" > "$d/run.conf"
  [ "$4" != asha ] || printf 'prune=asha\nprune_rungs=2,4\n' >> "$d/run.conf"
  printf 'name,lower,upper,scaling\nlr_gen,1,100,1e-5\ngen_layersize,1,64,8\n' > "$d/space.csv"
  echo 'id,lr_gen,gen_layersize,wd_mean,wd_std,n_trials,n_failed,status,pruned_at' > "$d/history.csv"
  local i t e
  for ((i = 1; i <= n; i++)); do
    # set i's trials fall from 0.5 to 0.05 + 0.02 i; the last set was pruned at epoch 2
    local st=ok pa=0 last=6
    if [ "$4" = asha ] && [ "$i" -eq "$n" ]; then st=pruned pa=2 last=2; fi
    awk -v i="$i" -v st="$st" -v pa="$pa" -v l="$last" 'BEGIN {
      printf "%d,%g,%d,%.6g,%.6g,2,0,%s,%d\n", i, i * 1e-5, 8 * i, 0.05 + 0.02 * i + 0.45 * (l < 6), 0.01, st, pa }' >> "$d/history.csv"
    for t in 1 2; do
      { echo 'epoch,d_loss,g_loss,wd_x,wd_mean,seconds'
        for ((e = 1; e <= last; e++)); do
          awk -v i="$i" -v t="$t" -v e="$e" 'BEGIN { w = 0.05 + 0.02 * i + 0.45 * exp(-(e - 1)) + 0.003 * t
            printf "%d,0.69,0.69,%.6g,%.6g,%d\n", e, w, w, e }'
        done; } > "$d/trials/$i-$t.log"
      printf 'id,trial,seed,lr_gen,gen_layersize,best_wd,best_epoch,epochs,seconds,params,status\n%d,%d,1,%g,%d,0.1,6,%d,6,%d,%s\n' \
        "$i" "$t" "$((i * 1))e-5" "$((8 * i))" "$last" "$((1000 * i * i))" "$st" > "$d/trials/$i-$t.csv"
    done
  done
}

# the list of a "set Xtics (...)" line of a script, one tick a line
tics() { sed -n "s/^set $1tics (\(.*\))\$/\1/p" "$2" | head -1 | tr ',' '\n'; }

@test "convergence: the dashed line ends the initial design, also when no set got past it" {
  run hpo-report "$BROAD" -o rep --sampler none --surrogate none
  [ "$status" -eq 0 ]
  grep -q "^set arrow from 10.5, graph 0 to 10.5, graph 1 nohead dt 2" rep/convergence.gp
  grep -q "end of initial design (n_init=10)' at 10.5" rep/convergence.gp
  # a budget the design fills: the x axis reaches the line, which says it was not reached
  mkrun r 3 5 none
  run hpo-report r -o rep2 --sampler none --surrogate none
  [ "$status" -eq 0 ]
  grep -q '^set xrange \[0.5:6.5\]' rep2/convergence.gp
  grep -q "^set arrow from 5.5, graph 0 to 5.5, graph 1 nohead dt 2" rep2/convergence.gp
  grep -q "n_init=5): not reached" rep2/convergence.gp
}

@test "convergence: a best that never improved is drawn flat from 0, a falling one autoscaled" {
  # set 1 (mean 0.07) stays the best of all 6 sets
  mkrun flat 6 3
  { echo 'id,trial,slot,start,end'
    for i in 1 2 3 4 5 6; do for t in 1 2; do echo "$i,$t,1,$((i * 10)),$((i * 10 + 9))"; done; done; } > flat/timeline.csv
  run hpo-report flat -o rep --sampler none --surrogate none
  [ "$status" -eq 0 ]
  [ "$(grep -c '^set yrange' rep/convergence.gp)" -eq 1 ]
  grep -qx 'set yrange \[0:0.14\]' rep/convergence.gp
  grep -qx 'set yrange \[0:0.14\]' rep/cost-convergence.gp
  # the same run with set i's mean 0.5 - 0.05 i: the best falls, gnuplot's autoscale draws it
  cp -r flat fall
  awk -F, -v OFS=, 'NR > 1 { $4 = 0.5 - 0.05 * $1 } 1' flat/history.csv > fall/history.csv
  run hpo-report fall -o rep2 --sampler none --surrogate none
  [ "$status" -eq 0 ]
  run grep -c '^set yrange' rep2/convergence.gp rep2/cost-convergence.gp
  [ "$output" = "$(printf 'rep2/convergence.gp:0\nrep2/cost-convergence.gp:0')" ]
}

@test "wd-sigma: histogram and scatter share their x axis to the pixel, both with tick labels" {
  run hpo-report "$BROAD" -o rep --sampler none --surrogate none
  [ "$status" -eq 0 ]
  # the same left and right plot edges, in screen coordinates, before each of the two plots
  [ "$(grep -c '^set lmargin at screen ' rep/wd-sigma.gp)" -eq 1 ]
  [ "$(grep -c '^set rmargin at screen ' rep/wd-sigma.gp)" -eq 1 ]
  [ "$(grep -c '^plot ' rep/wd-sigma.gp)" -eq 2 ]
  run ! grep -q "^set format x ''" rep/wd-sigma.gp
  run ! grep -q '^set origin' rep/wd-sigma.gp
  # one shared x range, set once before both
  [ "$(grep -c '^set xrange' rep/wd-sigma.gp)" -eq 1 ]
}

@test "pareto: at least three ticks on every log axis, one label per front set, key outside" {
  run hpo-report "$BROAD" -o rep --sampler none --surrogate none
  [ "$status" -eq 0 ]
  for ax in x y cb; do
    echo "$ax: $(tics "$ax" rep/pareto.gp | paste -sd' ')"
    [ "$(tics "$ax" rep/pareto.gp | wc -l)" -ge 3 ]
  done
  nf=$(awk '/^# non-dominated/ { on = 1; next } on && NF == 5' rep/pareto.dat | wc -l)
  [ "$nf" -ge 2 ]
  # two panels: each front set labelled once in each
  [ "$(grep -c "^set label 1[0-9][0-9] '" rep/pareto.gp)" -eq $((2 * nf)) ]
  [ "$(grep -c '^set key at screen' rep/pareto.gp)" -eq 2 ]
  # labels are placed, not alternated by a data column: no labels plot style is left
  run ! grep -q 'w labels' rep/pareto.gp
  # no parameter counts: the left panel says so instead of failing
  mkdir -p np
  cp "$BROAD"/run.conf "$BROAD"/space.csv "$BROAD"/history.csv np/
  run hpo-report np -o rep3 --sampler none --surrogate none
  [ "$status" -eq 0 ]
  [ -s rep3/pareto.png ]
}

@test "generated: each x axis spans the validation sample's range, minimum to maximum" {
  run hpo-report "$FINAL" -o rep --sampler "$FIX/stand-in-gan-sample" --surrogate none
  [ "$status" -eq 0 ]
  for c in theta phi; do
    read -r lo hi < <(awk -F, -v c="$c" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
      NR == 2 || $k < lo { lo = $k } NR == 2 || $k > hi { hi = $k } END { print lo, hi }' "$FINAL/val.csv")
    echo "$c: $lo $hi"
    # the panels' range (the first xrange of the column's panel) equals the data's, numerically
    sed -n "/^set title '$c (all events)'/,/^plot/s/^set xrange \[\(.*\):\(.*\)\]/\1 \2/p" rep/generated.gp > r.txt
    [ -s r.txt ]
    awk -v lo="$lo" -v hi="$hi" '{ exit !($1 == lo + 0 && $2 == hi + 0) }' r.txt
  done
}

@test "learning curves: W1 per epoch of the best sets' trials, the run's pruning rungs marked" {
  mkrun r 7 3 asha
  run hpo-report r -o rep --sampler none --surrogate none
  echo "$output"
  [ "$status" -eq 0 ]
  [ -s rep/learning.png ]
  grep -q '<img src="learning.png"' rep/index.html
  # the 5 best sets and the pruned one, two trials each; set 1 first (the best)
  [ "$(grep -c '^# set ' rep/learning.dat)" -eq 12 ]
  [ "$(grep -m1 '^# set ' rep/learning.dat)" = "# set 1 trial 1" ]
  # the pruned set's curve ends at its rung
  [ "$(awk '/^# set 7 trial 1/ { on = 1; next } /^#/ { on = 0 } on && NF == 2 { e = $1 } END { print e }' rep/learning.dat)" -eq 2 ]
  [ "$(awk '/^# set 1 trial 2/ { on = 1; next } /^#/ { on = 0 } on && NF == 2 { print $2; exit }' rep/learning.dat)" = 0.526 ]
  for e in 2 4; do grep -q "^set arrow from $e, graph 0 to $e, graph 1 nohead dt 2" rep/learning.gp; done
  grep -q "title 'set 1: W1 0.070 ± 0.010 (best)'" rep/learning.gp
  [ "$(grep -c "title 'pruned sets (at their rung)'" rep/learning.gp)" -eq 1 ]
  grep -q "the run's rungs (epochs 2, 4)" rep/index.html
  # without pruning: the rungs PRUNE=asha would use (6 epochs, eta 3: 2), dotted
  mkrun r2 3 3 none
  run hpo-report r2 -o rep2 --sampler none --surrogate none
  [ "$status" -eq 0 ]
  grep -q "^set arrow from 2, graph 0 to 2, graph 1 nohead dt 3" rep2/learning.gp
  grep -q "rungs PRUNE=asha would use for 6 epochs" rep2/index.html
  # an unpruned run whose run.conf holds a rule (a study's PHASE_prune_rungs, PRUNE=none): its
  # rungs, resolved with its epochs (1/4,1/2 of 6: 2, 3)
  mkrun r4 3 3 none
  printf 'prune=none\nprune_rungs=1/4,1/2\n' >> r4/run.conf
  run hpo-report r4 -o rep4 --sampler none --surrogate none
  [ "$status" -eq 0 ]
  grep -q "^set arrow from 3, graph 0 to 3, graph 1 nohead dt 3" rep4/learning.gp
  grep -q "rungs PRUNE=asha would use for 6 epochs (epochs 2, 3)" rep4/index.html
  # no logs: left out with a note
  run hpo-report "$BROAD" -o rep3 --sampler none --surrogate none
  [ "$status" -eq 0 ]
  [ ! -e rep3/learning.png ]
  grep -q 'Learning curves omitted: no trial logs' rep3/index.html
}

@test "importance: ±2 SE of the delete-d jackknife around every index, the subsets' median beside" {
  run hpo-report "$BROAD" -o rep --sampler none
  [ "$status" -eq 0 ]
  n=$(awk -F, 'NR > 1 && $12 == "ok"' "$BROAD/history.csv" | wc -l)
  d=$(( (n + 4) / 5 ))
  grep -q "delete-$d jackknife over 40 subsets of $((n - d)) of the $n sets" rep/importance.dat
  grep -q "delete-$d jackknife, 40 subsets of $((n - d)) sets" rep/importance.gp
  grep -q "From $n sets. Whiskers: ±2 standard errors of the delete-$d jackknife" rep/index.html
  # every estimate inside its own interval, the interval inside [0, 1], and some spread at all
  [ "$(grep -c '^"' rep/importance.dat)" -eq 6 ]
  awk '/^"/ { if (NF != 9) bad = 1
              if (!($4 <= $2 && $2 <= $5 && $6 <= $3 && $3 <= $7)) bad = 1
              if ($4 < 0 || $5 > 1 || $6 < 0 || $7 > 1) bad = 1
              w += $5 - $4 }
       END { exit bad || !(w > 0) }' rep/importance.dat
  # the medians are numbers, from the refits
  awk '/^"/ && ($8 == "nan" || $9 == "nan") { bad = 1 } END { exit bad }' rep/importance.dat
  # four sets: too few to leave some out
  mkdir -p few
  cp "$BROAD"/run.conf "$BROAD"/space.csv few/
  head -5 "$BROAD/history.csv" > few/history.csv
  run hpo-report few -o rep2 --sampler none
  [ "$status" -eq 0 ]
  grep -q 'From 4 sets: too few to refit on subsets' rep2/index.html
  run ! grep -q 'jackknife' rep2/importance.gp
}
