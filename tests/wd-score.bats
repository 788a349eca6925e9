#!/usr/bin/env bats
# wd-score: agreement with scipy on committed fixtures (golden values from
# tests/golden/make_wd_golden.py), properties of W1, options and errors.
load helpers

FIX="$ROOT/tests/fixtures"

# compare wd-score's record with the golden rows of one case, 1e-9 relative
check_case() {
  local name=$1
  local row a b sf
  row=$(awk -F, -v c="$name" '$1 == c { print $2 "," $3 "," $4; exit }' "$ROOT/tests/golden/wd_golden.csv")
  IFS=, read -r a b sf <<< "$row"
  if [ -n "$sf" ]; then
    wd-score --cols x,k,c,w --scale-from "$FIX/$sf" "$FIX/$a" "$FIX/$b" > got.csv
  else
    wd-score --cols x,k,c,w "$FIX/$a" "$FIX/$b" > got.csv
  fi
  [ "$(head -1 got.csv)" = "wd_x,wd_k,wd_c,wd_w,wd_mean" ]
  awk -F, -v c="$name" '
    NR == FNR { if (FNR == 1) for (i = 1; i <= NF; i++) col[i] = substr($i, 4); else for (i = 1; i <= NF; i++) got[col[i]] = $i; next }
    $1 == c { n++; d = got[$5] - $6; if (d < 0) d = -d; w = $6 < 0 ? -$6 : $6
              if (!($5 in got) || d > 1e-9 * w + 1e-300) { print "mismatch " $5 ": " got[$5] " vs " $6; bad = 1 } }
    END { if (n != 5) { print "expected 5 golden rows, got " n; bad = 1 } exit bad }' got.csv "$ROOT/tests/golden/wd_golden.csv"
}

@test "wd-score: matches scipy on unequal sizes with ties and a constant column" {
  check_case plain
}

@test "wd-score: matches scipy when B is gzip-compressed" {
  check_case gz
}

@test "wd-score: symmetric in A and B" {
  check_case reversed
}

@test "wd-score: --scale-from matches scipy on min-max scaled samples" {
  check_case scaled
}

@test "wd-score: a sample against itself is 0, a shifted copy is the shift" {
  printf 'v\n1\n2\n2\n7\n' > a.csv
  printf 'v\n3.5\n4.5\n4.5\n9.5\n' > b.csv
  run wd-score a.csv a.csv
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "0,0" ]
  run wd-score --cols v a.csv b.csv
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "wd_v,wd_mean" ]
  [ "${lines[1]}" = "2.5,2.5" ]
}

@test "wd-score: default columns are A's, -o writes the record atomically" {
  wd-score -o out.csv "$FIX/wd_a.csv" "$FIX/wd_b.csv"
  [ "$(head -1 out.csv)" = "wd_x,wd_k,wd_c,wd_w,wd_mean" ]
  [ "$(wc -l < out.csv)" -eq 2 ]
  assert_no_output
}

@test "wd-score: --help to stdout, usage errors exit 2" {
  run wd-score --help
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == usage:* ]]
  run wd-score only-one.csv
  [ "$status" -eq 2 ]
  [[ "$output" == "wd-score: "* ]]
  run wd-score --bogus a b
  [ "$status" -eq 2 ]
  run wd-score --cols x,,k "$FIX/wd_a.csv" "$FIX/wd_b.csv"
  [ "$status" -eq 2 ]
  run wd-score --cols x,x "$FIX/wd_a.csv" "$FIX/wd_b.csv"
  [ "$status" -eq 2 ]
}

@test "wd-score: one sample may come from standard input" {
  printf 'v\n1\n2\n' > a.csv
  printf 'v\n2\n3\n' > b.csv
  run bash -c 'wd-score - b.csv < a.csv'
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "1,1" ]
  run bash -c 'gzip -c a.csv | wd-score b.csv -'
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "1,1" ]
  run wd-score - -
  [ "$status" -eq 2 ]
}
