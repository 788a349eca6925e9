# helpers.bash — loaded by every Bats file: programs from bin/, a scratch dir removed after.
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export PATH="$ROOT/bin:$PATH" LC_ALL=C

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
  ! ls -A "$TMP" | grep -q '\.tmp\.' || { echo "temp file left behind" >&2; ls -A "$TMP" >&2; return 1; }
}
