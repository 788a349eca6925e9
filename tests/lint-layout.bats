#!/usr/bin/env bats
# tests/lint-layout: src/ keeps README's layout (no include reaching up, mains only in tools/),
# and the lint finds a break of either rule.
load helpers

LINT=$ROOT/tests/lint-layout

@test "lint-layout: the project's own src/ keeps the layout" {
  run "$LINT" "$ROOT/src"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "lint-layout: an include that reaches up, an unknown folder and a stray main are refused with FILE:LINE" {
  cp -r "$ROOT/src" s
  printf '#include "base/util.h"\n#include "report/run.h"\n' > s/base/up.c
  printf '/* x */\n#include "util.h"\n' > s/model/flat.h
  printf 'int x;\nint main(void) { return 0; }\n' > s/hpo/stray.c
  mkdir s/misc
  run "$LINT" s
  [ "$status" -eq 1 ]
  [[ $output == *"s/base/up.c:2: base/ includes \"report/run.h\" from report/, which sits above it"* ]]
  [[ $output == *"s/model/flat.h:2: includes \"util.h\" from no folder of the layout"* ]]
  [[ $output == *"s/hpo/stray.c:2: a main() outside src/tools/"* ]]
  [[ $output == *"s/misc: folder 'misc' is not one of"* ]]
  [ "${#lines[@]}" -eq 4 ]
}

@test "lint-layout: a missing directory is a usage error" {
  run "$LINT" no-such-dir
  [ "$status" -eq 2 ]
}
