#!/usr/bin/env bats
# gan-eval: W1 equal to wd-score's; chi2 and KS equal to scipy's on committed fixtures (golden
# values from tests/golden/make_gof_golden.py); the classifier test's AUC on one distribution
# and on shifted ones; derived observables; bad input refused with one line, nothing written.
load helpers

FIX="$ROOT/tests/fixtures"

# value of column NAME in a one-record CSV file
field() {
  awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } NR == 2 && k { print $k }' "$1"
}

@test "gan-eval: W1 per column equals wd-score's, scaled by TRAIN and by VALIDATION" {
  gan-eval --c2st-rows 0 --scale-from "$FIX/gof_gen.csv" "$FIX/gof_gen.csv" "$FIX/gof_val.csv" > ev.csv
  wd-score --scale-from "$FIX/gof_gen.csv" "$FIX/gof_gen.csv" "$FIX/gof_val.csv" > wd.csv
  for c in wd_x wd_k wd_w wd_mean; do
    [ "$(field ev.csv $c)" = "$(field wd.csv $c)" ]
  done
  gan-eval --c2st-rows 0 "$FIX/gof_gen.csv" "$FIX/gof_val.csv" > ev.csv
  wd-score --scale-from "$FIX/gof_val.csv" "$FIX/gof_gen.csv" "$FIX/gof_val.csv" > wd.csv
  for c in wd_x wd_k wd_w wd_mean; do
    [ "$(field ev.csv $c)" = "$(field wd.csv $c)" ]
  done
}

@test "gan-eval: chi2/ndf (1-D and 2-D), KS and W1 match scipy on the fixtures" {
  gan-eval --c2st-rows 0 "$FIX/gof_gen.csv" "$FIX/gof_val.csv" > ev.csv
  run awk -F, '
    NR == FNR { if (FNR == 1) for (i = 1; i <= NF; i++) col[i] = $i; else for (i = 1; i <= NF; i++) got[col[i]] = $i; next }
    FNR > 1 { n++; d = got[$1] - $2; if (d < 0) d = -d; w = $2 < 0 ? -$2 : $2
              if (!($1 in got) || d > 1e-9 * w + 1e-12) { print "mismatch " $1 ": " got[$1] " vs " $2; bad = 1 } }
    END { if (n != 12) { print "expected 12 golden rows, got " n; bad = 1 } exit bad }' ev.csv "$ROOT/tests/golden/gof_golden.csv"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "gan-eval: the record's header names every statistic" {
  gan-eval --c2st-rows 0 "$FIX/gof_gen.csv" "$FIX/gof_val.csv" > ev.csv
  [ "$(head -1 ev.csv)" = "n_gen,n_val,wd_x,wd_k,wd_w,wd_mean,w1obs_mean,chi2_x,chi2_k,chi2_w,chi2_mean,chi2_x_vs_k,chi2_x_vs_w,chi2_k_vs_w,chi2_2d_mean,ks_x,ks_k,ks_w,ks_max,c2st_auc,c2st_rows" ]
  [ "$(field ev.csv n_gen)" = 3000 ]
  [ "$(field ev.csv c2st_rows)" = 0 ]
  [ -z "$(field ev.csv c2st_auc)" ]
}

# auc_in LO HI SEEDS B [OPTION...]: gan-eval's classifier AUC of a.csv against B lies strictly
# between LO and HI for every seed
auc_in() {
  local lo=$1 hi=$2 seeds=$3 b=$4 s auc
  shift 4
  for s in $seeds; do
    gan-eval "$@" --seed "$s" a.csv "$b" > ev.csv
    auc=$(field ev.csv c2st_auc)
    echo "seed $s: AUC $auc"
    awk -v a="$auc" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(a > lo && a < hi) }'
  done
}

@test "gan-eval: classifier AUC within 0.05 of 0.5 for one distribution, 5 seeds" {
  event-gen -n 4000 -s 11 dimuon -o a.csv
  event-gen -n 4000 -s 12 dimuon -o b.csv
  auc_in 0.45 0.55 "1 2 3 4 5" b.csv
}

@test "gan-eval: the AUC is the held-out half's: a classifier that memorises stays near 0.5" {
  # 200 training rows of each, 400 epochs: the network learns those rows by heart (its AUC on
  # them is about 0.98), on the other 200 it is chance; within 0.15 (3.6 sd) over 5 seeds
  event-gen -n 4000 -s 11 dimuon -o a.csv
  event-gen -n 4000 -s 12 dimuon -o b.csv
  auc_in 0.35 0.65 "1 2 3 4 5" b.csv --c2st-rows 400 --c2st-epochs 400
}

@test "gan-eval: classifier AUC above 0.9 for shifted samples, 3 seeds" {
  event-gen -n 4000 -s 11 dimuon -o a.csv
  event-gen -n 4000 -s 12 dimuon -o b.csv
  awk -F, -v OFS=, 'NR > 1 { $2 = $2 + 2 } 1' b.csv > shifted.csv
  auc_in 0.9 1.01 "1 2 3" shifted.csv
}

@test "gan-eval: the same seed gives the same record" {
  event-gen -n 3000 -s 3 dimuon -o a.csv
  event-gen -n 2000 -s 4 dimuon -o b.csv
  gan-eval --seed 9 a.csv b.csv > one.csv
  gan-eval --seed 9 a.csv b.csv > two.csv
  cmp one.csv two.csv
}

@test "gan-eval: dimuon observables detected; Mll's W1 in GeV is event-obs's through wd-score" {
  event-gen -n 3000 -s 3 dimuon -o a.csv
  event-gen -n 2000 -s 4 dimuon -o b.csv
  gan-eval --c2st-rows 0 a.csv b.csv > ev.csv
  event-obs a.csv > oa.csv
  event-obs b.csv > ob.csv
  wd-score --cols mll,cos_cs oa.csv ob.csv > wd.csv
  # event-obs writes 10 significant digits: equal to 1e-8
  for o in mll cos_cs; do
    awk -v a="$(field ev.csv w1obs_$o)" -v b="$(field wd.csv wd_$o)" 'BEGIN { d = a - b; exit !(a > 0 && (d < 0 ? -d : d) < 1e-8 * a) }'
  done
  gan-eval --c2st-rows 0 --kind none a.csv b.csv > none.csv
  [ -z "$(field none.csv w1obs_mean)" ]
  run ! grep -q w1obs_mll none.csv
}

@test "gan-eval: GENERATED from standard input gives the same record" {
  gan-eval --c2st-rows 50 "$FIX/gof_gen.csv" "$FIX/gof_val.csv" > a.csv
  gan-eval --c2st-rows 50 - "$FIX/gof_val.csv" < "$FIX/gof_gen.csv" > b.csv
  cmp a.csv b.csv
}

@test "gan-eval: a validation file without a column is refused with one line, nothing written" {
  cut -d, -f1,3 "$FIX/gof_val.csv" > val2.csv
  run gan-eval -o out.csv "$FIX/gof_gen.csv" val2.csv
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == gan-eval:\ *val2.csv:1:*k* ]]
  [ ! -e out.csv ]
}

@test "gan-eval: a non-numeric cell is refused with its line, nothing written" {
  { head -3 "$FIX/gof_gen.csv"; echo "1,x,2"; } > bad.csv
  run gan-eval -o out.csv bad.csv "$FIX/gof_val.csv"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == gan-eval:\ *bad.csv:4:* ]]
  [ ! -e out.csv ]
}

@test "gan-eval: usage errors exit 2 with one line" {
  for args in "--kind calo a b" "--bins 1 a b" "--c2st-rows 3 a b" "onlyone" "- -" "--cols x,x a b"; do
    run gan-eval -o out.csv $args
    echo "$args: $output"
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == gan-eval:* ]]
  done
  [ ! -e out.csv ]
}

@test "gan-eval: --help" {
  run gan-eval --help
  [ "$status" -eq 0 ]
  [[ "$output" == usage:\ gan-eval* ]]
}
