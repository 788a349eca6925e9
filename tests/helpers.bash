# helpers.bash — loaded by every Bats file: programs from bin/, a scratch dir removed after.
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export PATH="$ROOT/bin:$PATH" LC_ALL=C
# the workflows' live report after every set (LIVE=1 by default) is tested in live.bats only
export LIVE=0
# `run ! cmd` (the only negation that can fail a test: tests/lint-bats) needs Bats 1.5
bats_require_minimum_version 1.5.0

setup() {
  TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/gantune.XXXXXX")
  cd "$TMP"
}

teardown() {
  cd /
  # daemons a test started (start_sshd, slurm.bats): stopped even when the test failed half-way,
  # and waited for (up to 5 s, then killed), since they write into $TMP until they are gone
  if [ -n "${DAEMON_PIDS:-}" ]; then
    local p left
    kill $DAEMON_PIDS 2> /dev/null || true
    for _ in $(seq 50); do
      left=
      for p in $DAEMON_PIDS; do if kill -0 "$p" 2> /dev/null; then left="$left $p"; fi; done
      [ -n "$left" ] || break
      sleep 0.1
    done
    [ -z "$left" ] || kill -9 $left 2> /dev/null || true
  fi
  rm -rf "$TMP"
}

# a free TCP port on 127.0.0.1 (the kernel's pick; it may be taken again before use, so callers
# retry when their daemon cannot bind it)
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_sshd CONFIG_TEMPLATE: a private sshd in the foreground (-D, so its pid is known without a
# pid file) on a free port, up to 5 ports tried; waits until it listens. Sets SSHD_PORT and adds
# the pid to DAEMON_PIDS (teardown stops it). The template's @PORT@ becomes the port. Returns 1
# with the reason in SSHD_WHY when it cannot start.
start_sshd() {
  local try pid
  SSHD_WHY=
  for try in 1 2 3 4 5; do
    SSHD_PORT=$(free_port)
    sed "s/@PORT@/$SSHD_PORT/" "$1" > "$TMP/sshd_config"
    : > "$TMP/sshd.log"
    /usr/sbin/sshd -D -f "$TMP/sshd_config" -E "$TMP/sshd.log" < /dev/null > /dev/null 2>&1 3>&- &
    pid=$!
    for _ in $(seq 200); do     # up to 20 s on a loaded machine
      if grep -q 'Server listening on' "$TMP/sshd.log"; then DAEMON_PIDS="${DAEMON_PIDS:-} $pid"; return 0; fi
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.1
    done
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    SSHD_WHY="try $try, port $SSHD_PORT: $(tr '\n' ' ' < "$TMP/sshd.log")"
  done
  return 1
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
