#!/usr/bin/env bats
# hpo-report's AdaGAN pictures (issue 16): with an adagan/ folder beside the run directory (the
# workflow's runs/STUDY/adagan/), the ensemble against the validation data and each component's
# training-weight histogram, their data checked against the files they come from; without one,
# neither picture and no note.
load helpers

FINAL="$ROOT/tests/fixtures/run-hadronization-final"

# png FILE: a PNG (signature) of more than 5 kB
png() {
  [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "$1: not a PNG" >&2; return 1; }
  [ "$(wc -c < "$1")" -gt 5000 ] || { echo "$1: too small" >&2; return 1; }
}

# runs/h/final: the fixture's history, no models, this data
setup_run() {
  event-gen hadronization --events 3600 --val 600 --seed 2 -o train.csv --val-out val.csv
  mkdir -p runs/h
  cp -r "$FINAL" runs/h/final
  rm runs/h/final/models/*
  sed -i -e "s|^val=.*|val=$TMP/val.csv|" -e "s|^train=.*|train=$TMP/train.csv|" runs/h/final/run.conf
}

# a real AdaGAN ensemble of T components beside it in runs/h/adagan
setup_adagan() {
  TRAIN=train.csv VAL=val.csv OUT_COLS=theta,phi COND_COLS=E,px,py,pz T=${T:-3} \
    TRAIN_ARGS="--noise-dim 4 --batch-size 128 --gen-layersize 16 --disc-layersize 16 --epochs 2" \
    MIXDISC_ARGS="--epochs 2 --batch-size 128 --disc-layersize 16" \
    "$ROOT/workflows/adagan" run runs/h/adagan 2> /dev/null > /dev/null
}

@test "report: an AdaGAN folder draws the ensemble against truth and the weight histograms" {
  setup_run
  setup_adagan
  run hpo-report runs/h/final -o rep --surrogate none
  [ "$status" -eq 0 ]
  png rep/adagan.png
  png rep/adagan-weights.png
  grep -q '<img src="adagan.png"' rep/index.html
  grep -q '<img src="adagan-weights.png"' rep/index.html
  grep -q '<code>runs/h/adagan/ensemble.gte</code>: 3 components (mixture 0.333, 0.333, 0.333), 600 events each' rep/index.html
  # one block per output column and hadronization's 4 derived observables
  [ "$(grep -c '^# column ' rep/adagan.dat)" -eq 6 ]
  for c in theta phi pi1_E pi2_E pi2_theta pi2_phi; do grep -q "^# column $c\$" rep/adagan.dat; done
  # every density (truth, ensemble, the 3 components: columns 2, 3, 5-7) integrates to 1
  for k in 2 3 5 6 7; do
    awk -v k="$k" '/^# column/ { n++ } /^#/ { next } NF == 7 { s[n] += $k; if (!w[n]) { if (x0[n] != "") w[n] = $1 - x0[n]; else x0[n] = $1 } }
      END { for (i = 1; i <= n; i++) if (s[i] * w[i] < 0.9999 || s[i] * w[i] > 1.0001) { print "block", i, "column", k, s[i] * w[i]; bad = 1 }
            exit bad }' rep/adagan.dat
  done
  # the ensemble's theta histogram is that of gan-sample's events from ensemble.gte (seed 1, on
  # the validation rows' conditions) in 30 bins over the validation's range, edge bins taking
  # the events beyond it
  cut -d, -f1-4 val.csv > cond.csv
  gan-sample --model runs/h/adagan/ensemble.gte --cond cond.csv --seed 1 -o g.csv
  awk -F, 'NR == FNR { if (FNR > 1) { v = $5; lo = (FNR == 2 || v < lo) ? v : lo; hi = (FNR == 2 || v > hi) ? v : hi }; next }
    FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "theta") c = i; w = (hi - lo) / 30; next }
    { b = int(($c - lo) / w); if ($c < lo) b = 0; if (b > 29) b = 29; h[b]++; n++ }
    END { for (b = 0; b < 30; b++) printf "%.6g\n", h[b] / (n * w) }' val.csv g.csv > want
  awk '/^# column theta$/ { on = 1; next } /^#/ { on = 0 } on && NF == 7 { printf "%.6g\n", $3 }' rep/adagan.dat > got
  [ "$(wc -l < got)" -eq 30 ]
  diff want got
  # the weight histograms: components 1 and 2, each over all 3000 training rows, the zero rows
  # as many as weights-t.csv's zeros
  [ "$(grep -c '^# component ' rep/adagan-weights.dat)" -eq 2 ]
  for t in 1 2; do
    rows=$(($(wc -l < "runs/h/adagan/weights-$t.csv") - 1))
    [ "$rows" -eq 3000 ]
    zero=$(awk -F, 'NR > 1 && $1 == 0 { z++ } END { print z + 0 }' "runs/h/adagan/weights-$t.csv")
    grep -q "^# component $t rows $rows zero $zero max " rep/adagan-weights.dat
    sum=$(awk -v t="$t" '/^# component/ { on = $3 == t; next } /^#/ { on = 0 } on && NF == 4 { s += $2 } END { print s }' rep/adagan-weights.dat)
    [ "$sum" -eq "$rows" ]
    # the largest N x w is the top edge of the last bin
    max=$(awk -F, -v n="$rows" 'NR > 1 && $1 * n > m { m = $1 * n } END { printf "%.6g", m }' "runs/h/adagan/weights-$t.csv")
    got=$(awk -v t="$t" '/^# component/ { on = $3 == t; next } /^#/ { on = 0 } on && NF == 4 { m = $4 } END { printf "%.6g", m }' rep/adagan-weights.dat)
    [ "$got" = "$max" ]
    # the panel's title: gan-mixdisc's statistics
    dr=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "d_real") c = i; next } { printf "%.3g", $c }' "runs/h/adagan/mixdisc-$t.csv")
    grep -q "component $t: 3000 rows, .* zero, d_real $dr, " rep/adagan-weights.gp
  done
}

@test "report: no AdaGAN folder, no AdaGAN pictures and no note; a broken one is a note" {
  setup_run
  run hpo-report runs/h/final -o rep --surrogate none
  [ "$status" -eq 0 ]
  [ ! -e rep/adagan.png ]
  [ ! -e rep/adagan-weights.png ]
  [ ! -e rep/adagan.dat ]
  run ! grep -qi adagan rep/index.html
  # a folder without ensemble.gte is no AdaGAN folder
  mkdir runs/h/adagan
  run hpo-report runs/h/final -o rep --surrogate none
  [ "$status" -eq 0 ]
  [ ! -e rep/adagan.png ]
  # an ensemble of one component: the ensemble is drawn, the weights say why they are not
  T=1 setup_adagan
  run hpo-report runs/h/final -o rep --surrogate none
  [ "$status" -eq 0 ]
  png rep/adagan.png
  [ ! -e rep/adagan-weights.png ]
  grep -q 'AdaGAN weights omitted: the ensemble runs/h/adagan/ensemble.gte has no component trained on weights' rep/index.html
  # a component that is gone: the sampler's error in a note, the rest of the report made
  rm runs/h/adagan/comp-0.gtm
  run hpo-report runs/h/final -o rep --surrogate none
  [ "$status" -eq 0 ]
  [ ! -e rep/adagan.png ]
  grep -q 'AdaGAN ensemble vs truth omitted: <code>[^<]*gan-sample</code> failed on runs/h/adagan/ensemble.gte (exit 1' rep/index.html
  [ -f rep/wd-sigma.png ]
}
