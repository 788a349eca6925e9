#!/usr/bin/env bats
# AdaGAN (issue 16): gan-train --weights / --weight-col, gan-mixdisc, ensembles in gan-sample
# and gan-ensemble, the workflow's resume after kill -9.
load helpers

load gan-data

weights() { # weights FILE N VALUE-AWK-EXPR: a weight file of N rows
  awk -v n="$2" "BEGIN { print \"weight\"; for (i = 0; i < n; i++) print $3 }" > "$1"
}

# one unconditional model whose events all lie in [lo, hi] (tanh output within the training
# range): a component whose events can be told from the others'
range_model() { # range_model OUT LO
  awk -v lo="$2" 'BEGIN { srand(7); print "x"; for (i = 0; i < 400; i++) printf "%.6g\n", lo + rand() }' > "d$2.csv"
  gan-train --train "d$2.csv" --val "d$2.csv" --out-cols x --noise-dim 2 --batch-size 64 \
    --gen-layersize 8 --disc-layersize 8 --epochs 1 --save-model "$1" > /dev/null
}

@test "all-equal weights reproduce unweighted training: identical record, log and model" {
  setup_data
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 3 --save-model m0.gtm --log l0.csv > r0.csv
  weights w.csv 3000 0.3
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 3 --weights w.csv --save-model m1.gtm --log l1.csv > r1.csv
  cut -d, -f1-3,6- r0.csv > a; cut -d, -f1-3,6- r1.csv > b
  cmp a b
  cmp m0.gtm m1.gtm
  cut -d, -f1-6 l0.csv > a; cut -d, -f1-6 l1.csv > b
  cmp a b
  # the same weights as a column of the training file
  awk -F, -v OFS=, 'NR == 1 { print $0, "w"; next } { print $0, 7 }' train.csv > tw.csv
  gan-train --train tw.csv --val val.csv "${small[@]}" --epochs 3 --weight-col w --save-model m2.gtm > r2.csv
  cmp m0.gtm m2.gtm
  # unequal weights train another model
  weights w3.csv 3000 '(i % 3 == 0 ? 0 : 1.5)'
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 3 --weights w3.csv --save-model m3.gtm > r3.csv
  run ! cmp -s m0.gtm m3.gtm
}

@test "weights are validated: FILE:LINE, exit 1; both options at once: exit 2" {
  setup_data
  printf 'weight\n1\n-0.5\n' > neg.csv
  run gan-train --train train.csv --val val.csv "${small[@]}" --weights neg.csv
  [ "$status" -eq 1 ]
  [[ $output == "gan-train: neg.csv:3: weight -0.5 is negative" ]]
  printf 'weight\n1\nnan\n' > nan.csv
  run gan-train --train train.csv --val val.csv "${small[@]}" --weights nan.csv
  [ "$status" -eq 1 ]
  [[ $output == "gan-train: nan.csv:3: "* ]]
  printf 'weight\n1\ninf\n' > inf.csv
  run gan-train --train train.csv --val val.csv "${small[@]}" --weights inf.csv
  [ "$status" -eq 1 ]
  [[ $output == "gan-train: inf.csv:3: "* ]]
  weights zero.csv 3000 0
  run gan-train --train train.csv --val val.csv "${small[@]}" --weights zero.csv
  [ "$status" -eq 1 ]
  [[ $output == *"zero.csv:3001: every weight is zero"* ]]
  weights short.csv 2999 1
  run gan-train --train train.csv --val val.csv "${small[@]}" --weights short.csv
  [ "$status" -eq 1 ]
  [[ $output == *"short.csv:3000: 2999 weights for 3000 training rows"* ]]
  weights long.csv 3001 1
  run gan-train --train train.csv --val val.csv "${small[@]}" --weights long.csv
  [ "$status" -eq 1 ]
  [[ $output == *"long.csv:3002: more weights than the 3000 training rows"* ]]
  printf 'w\n1\n' > nocol.csv
  run gan-train --train train.csv --val val.csv "${small[@]}" --weights nocol.csv
  [ "$status" -eq 1 ]
  [[ $output == *"nocol.csv:1: no weight column 'weight'"* ]]
  run gan-train --train train.csv --val val.csv "${small[@]}" --weights long.csv --weight-col E
  [ "$status" -eq 2 ]
  [[ $output == *"exclude each other"* ]]
}

@test "gan-mixdisc: one weight per training row, sum 1, >= 0; D higher on training than on bad events" {
  setup_data
  # "generated" events: the training events with phi moved off both modes
  awk -F, -v OFS=, 'NR == 1 { print; next } { $5 = $5 + 3; print }' train.csv > gen.csv
  run gan-mixdisc --train train.csv --gen gen.csv --out-cols theta,phi --cond-cols E,px,py \
    --rule uniform --step 1 --epochs 10 --batch-size 64 --disc-layersize 16 -o w.csv
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "d_real,d_gen,beta,lambda,nonzero,max_weight_x_n,train_events,gen_events" ]
  dr=$(field d_real <<< "$output"); dg=$(field d_gen <<< "$output"); beta=$(field beta <<< "$output")
  awk -v r="$dr" -v g="$dg" 'BEGIN { exit !(r > 0.8 && g < 0.2) }'
  [ "$beta" = 0.5 ]
  [ "$(head -n 1 w.csv)" = "weight,d" ]
  [ "$(wc -l < w.csv)" -eq 3001 ]
  awk -F, 'NR > 1 { if ($1 < 0) bad = 1; s += $1 } END { exit !(!bad && s > 0.999999 && s < 1.000001) }' w.csv
  # the larger D (the worse the ensemble covers a row), the larger its weight
  sort -t, -k2,2g w.csv | awk -F, 'NR > 1 { if ($1 < prev - 1e-12) bad = 1; prev = $1 } END { exit bad }'
  # the same seed: the same weights
  gan-mixdisc --train train.csv --gen gen.csv --out-cols theta,phi --cond-cols E,px,py \
    --beta 0.5 --epochs 10 --batch-size 64 --disc-layersize 16 -o w2.csv > /dev/null
  cmp w.csv w2.csv
}

@test "gan-mixdisc usage errors: exit 2" {
  setup_data
  run gan-mixdisc --train train.csv --gen val.csv --out-cols theta --beta 0.5 --rule uniform --step 1 -o w.csv
  [ "$status" -eq 2 ]
  run gan-mixdisc --train train.csv --gen val.csv --out-cols theta --rule uniform -o w.csv
  [ "$status" -eq 2 ]
  [[ $output == *"--step"* ]]
  run gan-mixdisc --train train.csv --gen val.csv --out-cols theta --rule const:2 --step 1 -o w.csv
  [ "$status" -eq 2 ]
  run gan-mixdisc --train train.csv --gen val.csv --out-cols nope --beta 0.5 -o w.csv
  [ "$status" -eq 1 ]
  [[ $output == *"train.csv:1: no column 'nope'"* ]]
  [ ! -e w.csv ]
}

@test "ensemble sampling: component shares match the mixture (chi-square), deterministic per seed" {
  range_model a.gtm 0
  range_model b.gtm 10
  range_model c.gtm 20
  gan-sample --model a.gtm --model b.gtm --model c.gtm --mix 0.5,0.3,0.2 --events 6000 --seed 3 -o g.csv
  [ "$(wc -l < g.csv)" -eq 6001 ]
  # chi-square with 2 degrees of freedom below 13.82 (p = 0.001); every event in one range
  awk -F, 'NR > 1 { k = int($1 / 10); if ($1 < k * 10 || $1 > k * 10 + 1 || k > 2) bad++; n[k]++ }
    END { e[0] = 3000; e[1] = 1800; e[2] = 1200
          for (k = 0; k < 3; k++) c += (n[k] - e[k]) ^ 2 / e[k]
          print "chi2", c, n[0], n[1], n[2]; exit !(bad == 0 && c < 13.82) }' g.csv
  # the ensemble file gives the same events; the same seed again too; another seed others
  gan-ensemble --mix 5,3,2 -o ens.gte a.gtm b.gtm c.gtm
  [ "$(head -n 1 ens.gte)" = "mix,model" ]
  gan-sample --model ens.gte --events 6000 --seed 3 -o g2.csv
  cmp g.csv g2.csv
  gan-sample --model ens.gte --events 6000 --seed 4 -o g3.csv
  run ! cmp -s g.csv g3.csv
  # uniform rule: equal shares in the file
  gan-ensemble --rule uniform -o u.gte a.gtm b.gtm c.gtm
  awk -F, 'NR > 1 { if ($1 < 1 / 3 - 1e-12 || $1 > 1 / 3 + 1e-12) bad = 1; n++ } END { exit !(!bad && n == 3) }' u.gte
}

@test "ensemble errors: bad weights, missing --mix, mismatched columns, GPU or bf16 refused" {
  range_model a.gtm 0
  setup_data
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 1 --save-model cond.gtm > /dev/null
  run gan-sample --model a.gtm --model a.gtm --events 10 -o g.csv
  [ "$status" -eq 2 ]
  [[ $output == *"--mix"* ]]
  run gan-sample --model a.gtm --model a.gtm --mix 1 --events 10 -o g.csv
  [ "$status" -eq 2 ]
  printf 'mix,model\n0,a.gtm\n' > z.gte
  run gan-sample --model z.gte --events 10 -o g.csv
  [ "$status" -eq 1 ]
  [[ $output == "gan-sample: z.gte:2: mixture weight 0 is not positive" ]]
  printf 'mix,model\n1,a.gtm\n1,cond.gtm\n' > mixed.gte
  run gan-sample --model mixed.gte --events 10 -o g.csv
  [ "$status" -eq 1 ]
  [[ $output == *"other columns than"* ]]
  run gan-sample --model a.gtm --model a.gtm --mix uniform --precision bf16 --events 10 -o g.csv
  [ "$status" -ne 0 ]
  run gan-ensemble --rule uniform -o e.gte a.gtm missing.gtm
  [ "$status" -eq 1 ]
  [ ! -e e.gte ]
  [ ! -e g.csv ]
}

@test "workflows/adagan: kill -9 mid-ensemble, then the same command resumes to the same ensemble" {
  setup_data
  export TRAIN=train.csv VAL=val.csv OUT_COLS=theta,phi COND_COLS=E,px,py T=3
  export TRAIN_ARGS="--noise-dim 3 --batch-size 64 --gen-layersize 24 --disc-layersize 24 --epochs 4"
  export MIXDISC_ARGS="--epochs 2 --batch-size 64 --disc-layersize 16"
  "$ROOT/workflows/adagan" run ref 2> /dev/null
  [ -f ref/ensemble.gte ]
  setsid "$ROOT/workflows/adagan" run a 2> /dev/null &
  pid=$!
  for _ in $(seq 600); do [ -f a/comp-0.csv ] && break; sleep 0.02; done
  kill -9 -- -"$pid"
  wait "$pid" || true
  [ -f a/comp-0.csv ]
  [ ! -f a/ensemble.gte ]
  stamp=$(stat -c "%i %.9Y" a/comp-0.gtm)
  "$ROOT/workflows/adagan" run a 2> /dev/null
  # component 0 was not retrained; every file equals the uninterrupted run's
  [ "$(stat -c "%i %.9Y" a/comp-0.gtm)" = "$stamp" ]
  for f in comp-0.gtm comp-1.gtm comp-2.gtm weights-1.csv weights-2.csv ens-2.gte ensemble.gte; do
    cmp "ref/$f" "a/$f"
  done
  gan-sample --model a/ensemble.gte --cond val.csv --seed 5 -o ga.csv
  gan-sample --model ref/ensemble.gte --cond val.csv --seed 5 -o gr.csv
  cmp ga.csv gr.csv
  # another run's settings are refused in the same directory
  RULE=const:0.5 run "$ROOT/workflows/adagan" run a
  [ "$status" -eq 1 ]
  [[ $output == *"other settings"* ]]
}

@test "workflows/adagan study (make adagan): the best set and data of a finished phase; a larger T extends" {
  setup_data
  export RUNS=$TMP/runs
  DATA=$TMP/train.csv OUT_COLS=theta,phi COND_COLS=E,px,py BUDGET=2 TRIALS=1 EPOCHS=1 N_INIT=2 \
    ARCH_SLOTS=1 "$ROOT/workflows/anp" broad mys > /dev/null 2>&1
  run env T=2 EPOCHS=1 FROM=broad "$ROOT/workflows/adagan" study mys
  [ "$status" -eq 0 ]
  [[ $output == *"broad's best set: --noise-dim "* ]]
  d=$RUNS/mys/adagan
  [ "$(tail -n +2 "$d/ensemble.gte" | wc -l)" -eq 2 ]
  grep -q "^train=$RUNS/mys/data/" "$d/settings"
  T=3 EPOCHS=1 FROM=broad "$ROOT/workflows/adagan" study mys 2> /dev/null
  [ "$(tail -n +2 "$d/ensemble.gte" | wc -l)" -eq 3 ]
  gan-sample --model "$d/ensemble.gte" --cond val.csv --seed 1 -o g.csv
  [ "$(wc -l < g.csv)" -eq 601 ]
  # OUTDIR: another seed's ensemble elsewhere, RUNS/STUDY/adagan untouched
  before=$(cat "$d/ensemble.gte")
  OUTDIR=$TMP/seed2 SEED=2 T=1 EPOCHS=1 FROM=broad "$ROOT/workflows/adagan" study mys 2> /dev/null
  [ "$(tail -n +2 seed2/ensemble.gte | wc -l)" -eq 1 ]
  grep -q '^seed=2$' seed2/settings
  [ "$(cat "$d/ensemble.gte")" = "$before" ]
}
