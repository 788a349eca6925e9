#!/usr/bin/env bats
# event-obs: the observables match an independent numpy computation of the formulas
# (tests/golden/make_gof_golden.py); detection, --keep, standard input, several files; errors.
load helpers

FIX="$ROOT/tests/fixtures"

# every cell of A within 1e-8 relative (+1e-9) of B's, same header
same_values() {
  awk -F, 'NR == FNR { for (i = 1; i <= NF; i++) v[FNR, i] = $i; n = FNR; next }
    FNR == 1 { for (i = 1; i <= NF; i++) if ($i != v[1, i]) { print "header " $i " vs " v[1, i]; bad = 1 } next }
    { for (i = 1; i <= NF; i++) { d = $i - v[FNR, i]; if (d < 0) d = -d; w = $i < 0 ? -$i : $i
        if (d > 1e-8 * w + 1e-9) { print "line " FNR " col " i ": " v[FNR, i] " vs " $i; bad = 1 } } }
    END { if (FNR != n) { print "rows " n " vs " FNR; bad = 1 } exit bad }' "$1" "$2"
}

@test "event-obs: dimuon observables match the numpy reference" {
  event-obs "$FIX/obs_dimuon.csv" > got.csv
  run same_values got.csv "$ROOT/tests/golden/obs_golden_dimuon.csv"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "event-obs: hadronization observables match the numpy reference" {
  event-obs --kind hadronization "$FIX/obs_had.csv" > got.csv
  run same_values got.csv "$ROOT/tests/golden/obs_golden_had.csv"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "event-obs: a pipe from event-gen, --keep, two files in one output" {
  event-gen -n 50 -s 2 dimuon | event-obs > a.csv
  [ "$(wc -l < a.csv)" -eq 51 ]
  [ "$(head -1 a.csv)" = "pt_lead,pt_sub,mll,ptll,yll,dphi,cos_cs" ]
  event-obs --keep "$FIX/obs_dimuon.csv" - < "$FIX/obs_dimuon.csv" > k.csv
  [ "$(wc -l < k.csv)" -eq 401 ]
  [ "$(head -1 k.csv)" = "pt1,eta1,phi1,pt2,eta2,phi2,pt_lead,pt_sub,mll,ptll,yll,dphi,cos_cs" ]
  [ "$(sed -n 2p k.csv | cut -d, -f1-6)" = "$(sed -n 2p "$FIX/obs_dimuon.csv")" ]
}

@test "event-obs: Mll of the embedded dimuon sample lies in its mass window" {
  event-gen -n 500 -s 5 dimuon | event-obs > o.csv
  run awk -F, 'NR > 1 && ($3 < 66 || $3 > 116) { print; bad = 1 } END { exit bad }' o.csv
  [ "$status" -eq 0 ]
}

@test "event-obs: a header with no kind's columns is refused with one line, nothing written" {
  printf 'a,b\n1,2\n' > x.csv
  run event-obs -o out.csv x.csv
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == event-obs:\ x.csv:1:* ]]
  [ ! -e out.csv ]
  run event-obs --kind dimuon -o out.csv "$FIX/obs_had.csv"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *pt1* ]]
  [ ! -e out.csv ]
}

@test "event-obs: a bad cell in a later file leaves nothing written" {
  { cat "$FIX/obs_dimuon.csv"; } > good.csv
  { head -2 "$FIX/obs_dimuon.csv"; echo "1,2,3,x,5,6"; } > bad.csv
  run event-obs -o out.csv good.csv bad.csv
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == event-obs:\ bad.csv:3:* ]]
  [ ! -e out.csv ]
}

@test "event-obs: usage errors exit 2" {
  run event-obs --kind calo
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown kind 'calo'"* ]]
  run event-obs - -
  [ "$status" -eq 2 ]
  run event-obs --help
  [ "$status" -eq 0 ]
  [[ "$output" == usage:\ event-obs* ]]
}
