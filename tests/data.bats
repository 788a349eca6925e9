#!/usr/bin/env bats
# The data layer (csvio, atomic) on bad input, through wd-score: each refusal is one line
# "prog: FILE:LINE: what is wrong" (or "prog: FILE: ..." where there is no line), exit 1, and no
# output file or temp left behind. Every case runs on plain and on gzip-compressed input.
load helpers

good() { printf 'x,y,z\n1,2,3\n4,5,6\n7,8,9\n'; }

# mk NAME EXT: write stdin to NAME.csv or NAME.csv.gz, echo the path
mk() {
  if [ "$2" = gz ]; then gzip -c > "$1.csv.gz"; echo "$1.csv.gz"; else cat > "$1.csv"; echo "$1.csv"; fi
}

# expect_refusal MESSAGE wd-score-args...: exit 1, exactly that one line, no out.csv
expect_refusal() {
  local want=$1; shift
  run wd-score -o out.csv "$@"
  echo "status $status, output: $output" >&2
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [ "$output" = "$want" ]
  assert_no_output out.csv
}

for_both() {   # run a case body for plain and gz
  local ext
  for ext in plain gz; do "$@" "$ext"; done
}

case_missing() {
  local ok; ok=$(good | mk ok "$1")
  expect_refusal "wd-score: nope.csv: cannot open: No such file or directory" "$ok" nope.csv
}
@test "data: missing file" { case_missing plain; case_missing gz; }

case_empty() {
  local ok bad; ok=$(good | mk ok "$1"); bad=$(: | mk empty "$1")
  expect_refusal "wd-score: $bad:1: empty file (no header row)" "$ok" "$bad"
  bad=$(printf '\n  \n' | mk blank "$1")
  expect_refusal "wd-score: $bad:2: empty file (no header row)" "$bad" "$ok"
}
@test "data: empty file (zero bytes, blank lines)" { for_both case_empty; }

case_header_only() {
  local ok bad; ok=$(good | mk ok "$1"); bad=$(printf 'x,y,z\n' | mk hdr "$1")
  expect_refusal "wd-score: $bad:1: no data rows" "$ok" "$bad"
}
@test "data: header without data rows" { for_both case_header_only; }

case_missing_col() {
  local ok bad; ok=$(good | mk ok "$1"); bad=$(printf 'x,w,z\n1,2,3\n' | mk nocol "$1")
  expect_refusal "wd-score: $bad:1: no column 'y' in the header" --cols x,y "$ok" "$bad"
  expect_refusal "wd-score: $ok:1: no column 'q' in the header" --cols q "$ok" "$ok"
}
@test "data: missing column" { for_both case_missing_col; }

case_ragged() {
  local ok bad; ok=$(good | mk ok "$1")
  bad=$(printf 'x,y,z\n1,2,3\n4,5\n7,8,9\n' | mk short "$1")
  expect_refusal "wd-score: $bad:3: 2 fields, but the header has 3" "$ok" "$bad"
  bad=$(printf 'x,y,z\n1,2,3\n4,5,6\n\n7,8,9,10\n' | mk long "$1")
  expect_refusal "wd-score: $bad:5: 4 fields, but the header has 3" "$bad" "$ok"
}
@test "data: ragged row (short and long, line numbers count blank lines)" { for_both case_ragged; }

case_nonnum() {
  local ok bad; ok=$(good | mk ok "$1")
  bad=$(printf 'x,y,z\n1,2,3\n4,abc,6\n' | mk word "$1")
  expect_refusal "wd-score: $bad:3: column 'y': 'abc' is not a number" "$ok" "$bad"
  bad=$(printf 'x,y,z\n1,2,3\n4,5,\n' | mk emptycell "$1")
  expect_refusal "wd-score: $bad:3: column 'z': '' is not a number" "$ok" "$bad"
  bad=$(printf 'x,y,z\n1,2,3\n4,5.5.5,6\n' | mk twodots "$1")
  expect_refusal "wd-score: $bad:3: column 'y': '5.5.5' is not a number" "$ok" "$bad"
}
@test "data: non-numeric cell" { for_both case_nonnum; }

case_nan() {
  local ok bad; ok=$(good | mk ok "$1")
  bad=$(printf 'x,y,z\n1,2,3\nnan,5,6\n' | mk nan "$1")
  expect_refusal "wd-score: $bad:3: column 'x': 'nan' is not finite" "$ok" "$bad"
  bad=$(printf 'x,y,z\n1,2,3\n4,5,NaN\n' | mk nan2 "$1")
  expect_refusal "wd-score: $bad:3: column 'z': 'NaN' is not finite" --scale-from "$bad" "$ok" "$ok"
}
@test "data: NaN (in a sample and in the --scale-from file)" { for_both case_nan; }

case_inf() {
  local ok bad; ok=$(good | mk ok "$1")
  bad=$(printf 'x,y,z\n1,2,3\n4,inf,6\n' | mk inf "$1")
  expect_refusal "wd-score: $bad:3: column 'y': 'inf' is not finite" "$ok" "$bad"
  bad=$(printf 'x,y,z\n1,-Infinity,3\n' | mk ninf "$1")
  expect_refusal "wd-score: $bad:2: column 'y': '-Infinity' is not finite" "$bad" "$ok"
  bad=$(printf 'x,y,z\n1e999,2,3\n' | mk overflow "$1")
  expect_refusal "wd-score: $bad:2: column 'x': '1e999' is not finite" "$bad" "$ok"
}
@test "data: Inf (inf, -Infinity, overflowing 1e999)" { for_both case_inf; }

@test "data: a truncated .gz is a read error, not a short sample" {
  awk 'BEGIN { print "x,y,z"; for (i = 1; i <= 20000; i++) print i "," i "," i }' | gzip -c > full.csv.gz
  head -c 20000 full.csv.gz > cut.csv.gz
  good > ok.csv
  run wd-score -o out.csv ok.csv cut.csv.gz
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" =~ ^wd-score:\ cut\.csv\.gz:[0-9]+:\ read\ error:\ unexpected\ end\ of\ file$ ]]
  assert_no_output out.csv
}

@test "data: CRLF line ends, spaces around cells and a missing final newline are read" {
  printf 'x, y ,z\r\n1, 2 ,3\r\n4,5,6' > crlf.csv
  printf 'x,y,z\n1,2,3\n4,5,6\n' > unix.csv
  run wd-score crlf.csv unix.csv
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "0,0,0,0" ]
}

@test "data: a .gz output is compressed and renamed into place" {
  good > a.csv
  wd-score -o out.csv.gz a.csv a.csv
  [ "$(zcat out.csv.gz | head -1)" = "wd_x,wd_y,wd_z,wd_mean" ]
  assert_no_output
}
