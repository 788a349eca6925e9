# helpers.bash — loaded by every Bats file: programs from bin/, a scratch dir removed after.
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export PATH="$ROOT/bin:$PATH" LC_ALL=C
# `run ! cmd` (the only negation that can fail a test: tests/lint-bats) needs Bats 1.5
bats_require_minimum_version 1.5.0

setup() {
  TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/gantune.XXXXXX")
  cd "$TMP"
}

teardown() {
  cd /
  rm -rf "$TMP"
}

# assert that no file matching the given names (or temp leftovers) exists in $TMP
assert_no_output() {
  for f in "$@"; do
    [ ! -e "$f" ] || { echo "unexpected output file $f" >&2; return 1; }
  done
  assert_no_temp "$TMP"
}

# assert that no temp file (NAME.tmp.XXXXXX, base/atomic.h) is left in the given directories
assert_no_temp() {
  local left
  left=$(ls -A "$@" | grep '\.tmp\.') || return 0
  echo "temp file left behind: $left" >&2
  return 1
}
