#!/usr/bin/env bats
# gan-train --score: the default (w1) leaves the record and the log as they were; chi2, ks and
# w1-obs pick the best epoch by their own value, which the log records per epoch and the
# record names; bad choices are refused before anything is written.
load helpers
load gan-data

setup_dimuon() {
  event-gen -n 3000 -s 1 --val 600 --val-out val.csv dimuon -o train.csv
}
dimu=(--out-cols pt1,eta1,phi1,pt2,eta2,phi2 --batch-size 128 --gen-layersize 24
      --disc-layersize 24 --seed 2 --epochs 4)

@test "gan-train --score w1: the same record, log and model as without --score" {
  setup_data
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 3 --log a.log --save-model a.gtm > a.csv
  gan-train --train train.csv --val val.csv "${small[@]}" --epochs 3 --score w1 --log b.log --save-model b.gtm > b.csv
  cmp <(cut -d, -f1-3,6- a.csv) <(cut -d, -f1-3,6- b.csv)
  cmp <(cut -d, -f1-6 a.log) <(cut -d, -f1-6 b.log)
  cmp a.gtm b.gtm
  [ "$(head -1 a.csv)" = "best_wd,best_epoch,epochs,seconds,epochs_per_s,params,status,precision,wd_theta,wd_phi" ]
  [ "$(head -1 a.log)" = "epoch,d_loss,g_loss,wd_theta,wd_phi,wd_mean,seconds" ]
}

# the record's best_score and best_epoch are the log's minimum of score_NAME and its epoch
check_score() {
  local name=$1
  [ "$(field score < rec.csv)" = "$name" ]
  local best ep
  best=$(field best_score < rec.csv)
  ep=$(field best_epoch < rec.csv)
  run awk -F, -v c="score_$name" -v b="$best" -v e="$ep" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
    k && (min == "" || $k < min) { min = $k; at = $1 }
    END { if (!k) { print "no column " c; exit 1 } if (min != b || at != e) { print "log min " min " at " at ", record " b " at " e; exit 1 } }' run.log
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(wc -l < run.log)" -eq 5 ]
}

@test "gan-train --score chi2: the log's chi2 per epoch, the record names it and its best" {
  setup_dimuon
  gan-train --train train.csv --val val.csv "${dimu[@]}" --score chi2 --log run.log > rec.csv
  check_score chi2
  [ "$(head -1 run.log)" = "epoch,d_loss,g_loss,wd_pt1,wd_eta1,wd_phi1,wd_pt2,wd_eta2,wd_phi2,wd_mean,score_chi2,seconds" ]
}

@test "gan-train --score ks" {
  setup_dimuon
  gan-train --train train.csv --val val.csv "${dimu[@]}" --score ks --log run.log > rec.csv
  check_score ks
  # KS lies in [0, 1]
  run awk -F, 'NR > 1 && ($11 < 0 || $11 > 1) { bad = 1 } END { exit bad }' run.log
  [ "$status" -eq 0 ]
}

@test "gan-train --score w1-obs on dimuon outputs" {
  setup_dimuon
  gan-train --train train.csv --val val.csv "${dimu[@]}" --score w1-obs --log run.log > rec.csv
  check_score w1-obs
}

@test "gan-train --score w1-obs takes hadronization inputs from outputs and conditions" {
  event-gen -n 3000 -s 1 --val 600 --val-out val.csv hadronization -o train.csv
  gan-train --train train.csv --val val.csv --out-cols theta,phi --cond-cols E,px,py,pz \
    --batch-size 128 --gen-layersize 24 --disc-layersize 24 --epochs 4 --score w1-obs --log run.log > rec.csv
  check_score w1-obs
}

@test "gan-train --score: an unknown score or one without its columns is refused, nothing written" {
  setup_data
  run gan-train --train train.csv --val val.csv "${small[@]}" --score chi3 --log run.log --save-model m.gtm
  [ "$status" -eq 2 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == "gan-train: --score: unknown score 'chi3' (w1|w1-obs|chi2|ks|calo)" ]]
  run gan-train --train train.csv --val val.csv "${small[@]}" --score w1-obs --log run.log --save-model m.gtm
  [ "$status" -eq 2 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"--score w1-obs: no kind of observables"* ]]
  [ ! -e run.log ]
  [ ! -e m.gtm ]
}
