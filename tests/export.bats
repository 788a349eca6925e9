#!/usr/bin/env bats
# gan-export and libgantune: the ONNX graph against ONNX Runtime and the ONNX checker, the
# library (examples/cluster_decayer.cpp) against gan-sample, refusals of bad model files,
# threads, make install + pkg-config.
load helpers

ORT_RUN="$ROOT/tools/ort-run.js"
EXAMPLE="$ROOT/build/examples/cluster_decayer"
PY=/usr/bin/python3   # Debian's python3-onnx lives in the system Python, not in a pyenv one

# One conditional hadronization model (the study's best architecture 3/642/65/243) and one
# unconditional dimuon model (noise dim 5: odd, so the noise stream's odd tails are exercised),
# trained once for the file.
setup_file() {
  export PATH="$ROOT/bin:$PATH" LC_ALL=C
  cd "$BATS_FILE_TMPDIR"
  event-gen hadronization --events 4000 --val 1001 --seed 3 -o h.csv --val-out hv.csv
  gan-train --train h.csv --val hv.csv --out-cols theta,phi --cond-cols E,px,py,pz \
    --noise-dim 3 --batch-size 642 --gen-layersize 65 --disc-layersize 243 --epochs 2 --seed 1 \
    --save-model h.gtm > /dev/null
  event-gen dimuon --events 4000 --val 500 --seed 3 -o d.csv --val-out dv.csv
  gan-train --train d.csv --val dv.csv --out-cols pt1,eta1,phi1,pt2,eta2,phi2 --noise-dim 5 \
    --batch-size 256 --gen-layersize 32 --disc-layersize 32 --epochs 2 --seed 1 \
    --save-model d.gtm > /dev/null
}

M() { echo "$BATS_FILE_TMPDIR/$1"; }

# close_to A B TOL: every column of A (by name) within TOL * max(|b|, 1) of B's; prints the
# largest such relative difference
close_to() {
  awk -F, -v tol="$3" '
    FNR == 1 { if (NR == 1) { na = NF; for (i = 1; i <= NF; i++) an[i] = $i }
               else { for (i = 1; i <= NF; i++) bi[$i] = i
                      for (i = 1; i <= na; i++) if (!(an[i] in bi)) { print "no column " an[i]; bad = 1; exit } }
               next }
    NR == FNR { for (i = 1; i <= NF; i++) A[FNR, i] = $i; ra = FNR; next }
    { rb = FNR
      for (i = 1; i <= na; i++) { a = A[FNR, i]; b = $(bi[an[i]]); d = a - b; if (d < 0) d = -d
        s = b < 0 ? -b : b; if (s < 1) s = 1; e = d / s; if (e > m) m = e
        if (!(e <= tol)) { if (bad < 5) print "row " FNR - 1 " " an[i] ": " a " vs " b; bad++ } } }
    END { if (ra != rb) { print "rows: " ra - 1 " vs " rb - 1; bad++ }
          printf "max relative difference %.3g (tolerance %g)\n", m, tol; exit bad > 0 }' "$1" "$2"
}

need_ort() {
  command -v node > /dev/null || skip "node not installed: no ONNX Runtime (install Node.js, then make deps)"
  [ -d "$ROOT/tools/node_modules/onnxruntime-node" ] || skip "onnxruntime-node not installed (make deps)"
}
need_checker() {
  "$PY" -c 'import onnx' 2> /dev/null || skip "python3-onnx not installed (make deps)"
}

@test "gan-export --help, usage errors exit 2" {
  run gan-export --help
  [ "$status" -eq 0 ]
  [[ $output == *"--onnx MODEL"* ]]
  run gan-export
  [ "$status" -eq 2 ]
  [[ $output == *"exactly one of"* ]]
  run gan-export --onnx "$(M h.gtm)"
  [ "$status" -eq 2 ]
  [[ $output == *"-o FILE"* ]]
  run gan-export --noise "$(M h.gtm)"
  [ "$status" -eq 2 ]
  [[ $output == *"--events"* ]]
  run gan-export --onnx "$(M h.gtm)" --noise "$(M h.gtm)" -o x.onnx
  [ "$status" -eq 2 ]
  assert_no_output x.onnx
}

@test "ONNX checker passes; IR version, opset, dynamic batch, inputs, outputs, metadata" {
  need_checker
  gan-export --onnx "$(M h.gtm)" -o h.onnx
  gan-export --onnx "$(M d.gtm)" -o d.onnx
  run "$PY" - h.onnx d.onnx <<'PYEOF'
import sys, onnx
for f in sys.argv[1:]:
    m = onnx.load(f)
    onnx.checker.check_model(m, full_check=True)   # with shape inference
    md = {p.key: p.value for p in m.metadata_props}
    ins = [(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]) for i in m.graph.input]
    outs = [(o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]) for o in m.graph.output]
    ops = sorted({n.op_type for n in m.graph.node})
    print(f, m.ir_version, [(o.domain, o.version) for o in m.opset_import], ins, outs,
          md["gantune.out_cols"], "cond=" + md["gantune.cond_cols"], md["gantune.noise_dim"], ops)
PYEOF
  echo "$output"
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "h.onnx 8 [('', 17)] [('conditions', ['N', 4]), ('noise', ['N', 3])] [('events', ['N', 2])] theta,phi cond=E,px,py,pz 3 "* ]]
  [[ ${lines[0]} == *"'BatchNormalization'"*"'Gemm'"*"'LeakyRelu'"*"'Tanh'"* ]]
  [[ ${lines[1]} == "d.onnx 8 [('', 17)] [('noise', ['N', 5])] [('events', ['N', 6])] pt1,eta1,phi1,pt2,eta2,phi2 cond= 5 "* ]]
}

@test "ONNX Runtime on the exported conditional graph gives gan-sample's events within 1e-5" {
  need_ort
  gan-export --onnx "$(M h.gtm)" -o h.onnx
  gan-sample --model "$(M h.gtm)" --cond "$(M hv.csv)" --seed 7 -o ref.csv
  n=$(($(wc -l < "$(M hv.csv)") - 1))
  gan-export --noise "$(M h.gtm)" --events "$n" --seed 7 -o z.csv
  [ "$(head -1 z.csv)" = "z1,z2,z3" ]
  node "$ORT_RUN" h.onnx --noise z.csv --cond "$(M hv.csv)" --cond-cols E,px,py,pz \
    --out-cols theta,phi -o ort.csv
  run close_to ort.csv ref.csv 1e-5
  echo "$output"
  [ "$status" -eq 0 ]
  # the check can fail: another seed's noise is far from these events
  gan-export --noise "$(M h.gtm)" --events "$n" --seed 8 -o z8.csv
  node "$ORT_RUN" h.onnx --noise z8.csv --cond "$(M hv.csv)" --cond-cols E,px,py,pz \
    --out-cols theta,phi -o ort8.csv
  run ! close_to ort8.csv ref.csv 1e-5
}

@test "ONNX Runtime on the exported unconditional dimuon graph gives gan-sample's events within 1e-5" {
  need_ort
  gan-export --onnx "$(M d.gtm)" -o d.onnx
  gan-sample --model "$(M d.gtm)" --events 9001 --seed 7 -o ref.csv
  gan-export --noise "$(M d.gtm)" --events 9001 --seed 7 -o z.csv
  node "$ORT_RUN" d.onnx --noise z.csv --out-cols pt1,eta1,phi1,pt2,eta2,phi2 --batch 1000 -o ort.csv
  run close_to ort.csv ref.csv 1e-5
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "gan-export refuses truncated and corrupted models (gan-sample's cases), nothing written" {
  size=$(stat -c %s "$(M h.gtm)")
  head -c $((size - 7)) "$(M h.gtm)" > t.gtm
  run gan-export --onnx t.gtm -o t.onnx
  [ "$status" -eq 1 ]
  [[ $output == *"truncated"* ]]
  cp "$(M h.gtm)" c.gtm
  printf '\xff\x00\x13' | dd of=c.gtm bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
  run gan-export --onnx c.gtm -o c.onnx
  [ "$status" -eq 1 ]
  [[ $output == *"corrupted"* ]]
  assert_no_output t.onnx c.onnx
}

@test "libgantune example: gan-sample's output byte for byte, conditional and unconditional" {
  [ -x "$EXAMPLE" ] || { echo "missing $EXAMPLE: run make example" >&2; return 1; }
  gan-sample --model "$(M h.gtm)" --cond "$(M hv.csv)" --seed 7 -o ref.csv
  "$EXAMPLE" --seed 7 "$(M h.gtm)" "$(M hv.csv)" > ex.csv
  cmp ex.csv ref.csv
  gan-sample --model "$(M d.gtm)" --events 9001 --seed 7 -o dref.csv
  "$EXAMPLE" --seed 7 --events 9001 "$(M d.gtm)" > dex.csv
  cmp dex.csv dref.csv
  # the stream continues across calls: calls of 8192 are still bit-identical, calls of 333
  # (GEMMs of other sizes) equal to float rounding, and another seed differs
  "$EXAMPLE" --seed 7 --events 9001 --batch 8192 "$(M d.gtm)" | cmp - dref.csv
  "$EXAMPLE" --seed 7 --events 9001 --batch 333 "$(M d.gtm)" > d333.csv
  run close_to d333.csv dref.csv 1e-6
  [ "$status" -eq 0 ]
  "$EXAMPLE" --seed 8 --events 9001 "$(M d.gtm)" > d8.csv
  run ! cmp -s d8.csv dref.csv
}

@test "libgantune refuses truncated, corrupted and foreign files with a status and a message" {
  size=$(stat -c %s "$(M h.gtm)")
  head -c $((size - 7)) "$(M h.gtm)" > t.gtm
  run "$EXAMPLE" t.gtm "$(M hv.csv)"
  [ "$status" -eq 1 ]
  [[ $output == *"t.gtm: model file is truncated"*"(not a valid gantune model file)"* ]]
  cp "$(M h.gtm)" c.gtm
  printf '\xff\x00\x13' | dd of=c.gtm bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
  run "$EXAMPLE" c.gtm "$(M hv.csv)"
  [ "$status" -eq 1 ]
  [[ $output == *"c.gtm: model data is corrupted"* ]]
  printf 'not a model' > n.gtm
  run "$EXAMPLE" n.gtm "$(M hv.csv)"
  [ "$status" -eq 1 ]
  [[ $output == *"not a gantune model"* ]]
  run "$EXAMPLE" missing.gtm "$(M hv.csv)"
  [ "$status" -eq 1 ]
  [[ $output == *"missing.gtm: No such file"*"(the model file cannot be read)"* ]]
  # every truncation length: an error, never a crash
  for k in 0 8 31 32 33 100 $((size / 2)) $((size - 1)); do
    head -c "$k" "$(M h.gtm)" > k.gtm
    run "$EXAMPLE" k.gtm "$(M hv.csv)"
    [ "$status" -eq 1 ]
  done
}

@test "libgantune: separate handles in separate threads give the serial results" {
  cc -std=c11 -O2 -Wall -Wextra -Werror -I"$ROOT/include" -o threads "$ROOT/tests/lib/threads.c" \
    -L"$ROOT/build/lib" -lgantune -lpthread -Wl,-rpath,"$ROOT/build/lib"
  run ./threads "$(M d.gtm)" 20000 4
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"identical to serial"* ]]
}

@test "make install PREFIX: programs, man pages, library, header, gantune.pc; the example builds with pkg-config" {
  command -v pkg-config > /dev/null || skip "pkg-config not installed (make deps)"
  P="$PWD/prefix"
  run make -C "$ROOT" --no-print-directory install PREFIX="$P"
  [ "$status" -eq 0 ]
  for f in bin/gan-export bin/gan-sample share/man/man1/gan-export.1 share/man/man3/gantune.3 \
           include/gantune.h lib/libgantune.so lib/libgantune.so.0 lib/pkgconfig/gantune.pc; do
    [ -e "$P/$f" ] || { echo "not installed: $f" >&2; return 1; }
  done
  export PKG_CONFIG_PATH="$P/lib/pkgconfig"
  [[ $(pkg-config --cflags gantune) == "-I$P/include"* ]]
  g++ -std=c++17 -O2 -o decayer "$ROOT/examples/cluster_decayer.cpp" $(pkg-config --cflags --libs gantune)
  LD_LIBRARY_PATH="$P/lib" ./decayer --seed 3 "$(M h.gtm)" "$(M hv.csv)" > ex.csv
  "$P/bin/gan-sample" --model "$(M h.gtm)" --cond "$(M hv.csv)" --seed 3 -o ref.csv
  cmp ex.csv ref.csv
}
