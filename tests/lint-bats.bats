#!/usr/bin/env bats
# tests/lint-bats: rejects the assertions Bats cannot fail (a bare `! cmd`, `[ a ] && [ b ]`),
# passes the forms that do fail, and finds nothing in the project's own tests.
load helpers

# (each file below starts with its @test line from echo: Bats would read one in a heredoc as
# a test of this file)

LINT=$ROOT/tests/lint-bats

@test "lint-bats: a bare '! cmd' in the middle of a test is rejected with FILE:LINE" {
  # printf, not a heredoc: the bad lines stay data, not lines of this file that a scan of
  # the project's tests for bare '! cmd' would report
  printf '%s\n' '@test "x" {' '  run true' '  ! grep -q x y.csv' '  [ "$status" -eq 0 ]' \
    '  for f in a b; do ! cmp -s "$f" c; done' '  true && ! false' '}' > bad.bats
  run "$LINT" bad.bats
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "bad.bats:3: a bare '! cmd' cannot fail a Bats test; use 'run ! cmd'" ]
  [[ "${lines[1]}" == "bad.bats:5: "* ]]
  [[ "${lines[2]}" == "bad.bats:6: "* ]]
  [ "${#lines[@]}" -eq 3 ]
}

@test "lint-bats: '[ a ] && [ b ]' as a check line is rejected" {
  { echo '@test "x" {'; cat; } > and.bats <<'B'
  run true
  [ "$status" -eq 0 ] && [[ $output == "" ]]
  grep -q a f && grep -q b f
  true
}
B
  run "$LINT" and.bats
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "and.bats:3: only the last check of 'a && b' can fail a Bats test; write one check a line" ]
  [[ "${lines[1]}" == "and.bats:4: "* ]]
  [ "${#lines[@]}" -eq 2 ]
}

@test "lint-bats: the forms that can fail a test pass" {
  { echo '@test "x" {'; cat; } > good.bats <<'B'
  run ! grep -q x y.csv
  if ! cmp -s a b; then echo differ; fi
  while ! [ -s f ]; do sleep 0.1; done
  [ ! -e out.csv ]
  [[ ! -e out.csv && -n "$x" ]]
  ( ! cmp -s a b )
  [ -s pid ] && break
  [ "$w" -ge 600 ] && [ "$h" -ge 400 ] || return 1
  [ "$(awk 'NR > 1 && $2 == "ok"' h.csv | wc -l)" -ge 1 ]
  awk 'BEGIN { exit !(1 < 2) }'
  # ! a comment is not code
  cat > f <<EOF
! not code either
EOF
  true
}
B
  run "$LINT" good.bats
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "lint-bats: the project's own Bats files and helpers are clean; a missing file is a usage error" {
  run "$LINT"
  echo "$output"
  [ "$status" -eq 0 ]
  run "$LINT" no-such.bats
  [ "$status" -eq 2 ]
  [ "$output" = "lint-bats: no-such.bats: no such file" ]
}
