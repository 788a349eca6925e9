#!/usr/bin/env bats
# hpo-report on committed run-directory fixtures (tests/fixtures/make-run wrote them): every
# picture a valid PNG of sensible size, the summary table equal to what awk computes from the
# history, panels that cannot be drawn omitted with a note, the report replaced atomically.
load helpers

FIX="$ROOT/tests/fixtures"
BROAD="$FIX/run-hadronization-broad"
FINAL="$FIX/run-hadronization-final"

# valid_png FILE: PNG signature, IHDR chunk first, size > 5 KB, at least 600x400 pixels
valid_png() {
  [ -f "$1" ] || { echo "$1: missing" >&2; return 1; }
  local sig ihdr size w h
  sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
  [ "$sig" = 89504e470d0a1a0a ] || { echo "$1: not a PNG (signature $sig)" >&2; return 1; }
  ihdr=$(od -An -c -j12 -N4 "$1" | tr -d ' \n')
  [ "$ihdr" = IHDR ] || { echo "$1: no IHDR chunk" >&2; return 1; }
  size=$(wc -c < "$1")
  [ "$size" -gt 5000 ] || { echo "$1: only $size bytes" >&2; return 1; }
  read -r w h < <(od -An -tu1 -j16 -N8 "$1" |
    awk '{ print ($1 * 16777216 + $2 * 65536 + $3 * 256 + $4), ($5 * 16777216 + $6 * 65536 + $7 * 256 + $8) }')
  [ "$w" -ge 600 ] && [ "$h" -ge 400 ] || { echo "$1: ${w}x${h} pixels" >&2; return 1; }
}

# cell ID FILE: the summary table cell with that id
cell() { sed -n "s/.*<td id=\"$1\"[^>]*>\([^<]*\)<.*/\1/p" "$2"; }
# val ID FILE [ATTR]: every digit of that cell's number (its data-v, or data-ATTR), the text
# itself for a whole number
val() { local v; v=$(sed -n "s/.*<td id=\"$1\"[^>]* data-${3:-v}=\"\([^\"]*\)\".*/\1/p" "$2")
        if [ -n "$v" ]; then echo "$v"; else cell "$1" "$2"; fi; }

# close A B: numerically equal to 6 significant digits
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b;
                                            exit !(d <= 1e-9 + 5e-6 * m) }'; }

@test "hpo-report: every picture of a broad run is a valid PNG, linked from index.html" {
  run hpo-report "$BROAD" -o rep --sampler no-such-sampler   # surrogate-propose from bin/
  [ "$status" -eq 0 ]
  [ -f rep/index.html ]
  for p in wd-sigma sensitivity importance convergence pareto timing; do
    valid_png "rep/$p.png"
    grep -q "<img src=\"$p.png\"" rep/index.html
    [ -f "rep/$p.gp" ]
  done
  # every picture made is linked, and only pictures that exist are linked
  for f in rep/*.png; do grep -q "src=\"$(basename "$f")\"" rep/index.html; done
  for src in $(sed -n 's/.*<img src="\([^"]*\)".*/\1/p' rep/index.html); do [ -f "rep/$src" ]; done
  # no sampler here: the generated-vs-truth panel is omitted with a note, not faked
  [ ! -e rep/generated.png ]
  grep -q 'Generated vs truth omitted' rep/index.html
  assert_no_temp . rep
  # the importance chart holds surrogate-propose's indices, one bar pair per hyperparameter
  [ "$(grep -c '^"' rep/importance.dat)" -eq "$(($(wc -l < "$BROAD/space.csv") - 1))" ]
  grep -q 'Strongest interaction: [a-z_]* x [a-z_]*' rep/index.html
  # one source of truth: the report's strongest interaction and indices are what
  # surrogate-propose prints for the same history, run.conf's method and its own defaults
  method=$(sed -n 's/^method=//p' "$BROAD/run.conf")
  top=$(surrogate-propose --space "$BROAD/space.csv" --history "$BROAD/history.csv" --method "$method" --interactions |
        sed -n '2p' | awk -F, '{ printf "%s x %s (second-order index %.3g)", $1, $2, $3 }')
  grep -qF "Strongest interaction: $top, from " rep/index.html
  grep -qF "strongest interaction: $top" rep/importance.gp
  surrogate-propose --space "$BROAD/space.csv" --history "$BROAD/history.csv" --method "$method" --importance |
    tail -n +2 | while IFS=, read -r name s1 st _; do
      read -r s1r str < <(awk -v n="\"$name\"" '$1 == n { print $2, $3 }' rep/importance.dat)
      close "$s1r" "$s1"
      close "$str" "$st"
    done
  # fitted to 30 sets in 6 dimensions, under 10 per dimension: said in the title and a warning
  grep -q 'fitted to [0-9]* sets in 6 dimensions (few: a sketch)' rep/importance.gp
  grep -q 'class="warning">Warning: the importance indices .* from a surrogate fitted to [0-9]* sets in 6 dimensions' rep/index.html
}

@test "hpo-report: summary numbers equal those computed from history.csv" {
  run hpo-report "$BROAD" -o rep --surrogate no-such-surrogate --sampler no-such-sampler
  [ "$status" -eq 0 ]
  h="$BROAD/history.csv"
  # columns by name, best = lowest wd_mean among status ok
  read -r nsets nfailed bestid bestmean beststd ntrials nfailtr < <(awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { n++; tt += $c["n_trials"]; ft += $c["n_failed"]
      if ($c["status"] != "ok") { f++; next }
      if (best == "" || $c["wd_mean"] + 0 < bm) { best = $c["id"]; bm = $c["wd_mean"] + 0; bs = $c["wd_std"] + 0 } }
    END { print n, f + 0, best, bm, bs, tt, ft }' "$h")
  [ "$nsets" -eq 30 ]
  [ "$nfailed" -ge 1 ]   # the fixture has failed sets to count
  [ "$(cell r1-sets rep/index.html)" = "$nsets" ]
  [ "$(cell r1-failed-sets rep/index.html)" = "$nfailed" ]
  [ "$(cell r1-best-id rep/index.html)" = "$bestid" ]
  close "$(val r1-best-wd rep/index.html mean)" "$bestmean"
  close "$(val r1-best-wd rep/index.html sd)" "$beststd"
  # for reading: mean ± σ, the σ to two significant digits, the mean to the same place
  [[ $(cell r1-best-wd rep/index.html) =~ ^[0-9]+\.([0-9]+)\ ±\ 0\.(0*)[1-9][0-9]?$ ]]
  [[ ${#BASH_REMATCH[1]} -eq $(( ${#BASH_REMATCH[2]} + 2 )) || ${BASH_REMATCH[2]} == "" ]]
  [ "$(cell r1-trials-run rep/index.html)" = "$ntrials" ]
  [ "$(cell r1-trials-failed rep/index.html)" = "$nfailtr" ]
  # the best set's learning rate, from the history row of that id
  lr=$(awk -F, -v id="$bestid" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                                $1 == id { print $c["lr_gen"] }' "$h")
  close "$(val r1-best-lr_gen rep/index.html)" "$lr"
  # wall time and trial-time sum from timeline.csv (run.conf's started is the run's start)
  read -r wall sum < <(awk -F, -v t0="$(sed -n 's/^started=//p' "$BROAD/run.conf")" '
    NR > 1 { s += $6 - $5; if ($6 > e) e = $6 } END { printf "%.6f %.6f\n", e - t0, s }' "$BROAD/timeline.csv")
  close "$(val r1-wall-s rep/index.html)" "$wall"
  close "$(val r1-trial-sum-s rep/index.html)" "$sum"
  [[ $(cell r1-wall-s rep/index.html) =~ ^([0-9]+h)?[0-9]+m[0-9][0-9]s$|^[0-9]+s$|^[0-9]+h[0-9][0-9]m$ ]]
  # trial utilisation: trial time over set slots x trials per set x wall time
  util=$(awk -F, -v w="$wall" -v s="$sum" 'NR > 1 { sl[$3] = 1 } END { n = 0; for (k in sl) n++; printf "%.6f", 100 * s / (n * 5 * w) }' "$BROAD/timeline.csv")
  close "$(val r1-utilisation rep/index.html)" "$util"
  [[ $(cell r1-utilisation rep/index.html) =~ ^[0-9]+\.[0-9]%$ ]]
  [[ $(cell r1-speedup rep/index.html) =~ ^[0-9]+\.[0-9][0-9]×$ ]]
  # the Pareto table lists exactly the finished sets no other finished set dominates in
  # (wd_mean, wd_std, params), params from the trial records
  sed -n 's/^<tr><td>\([0-9]*\)<\/td>.*/\1/p' rep/index.html | sort -n > listed
  cat "$BROAD"/trials/*-1.csv | awk -F, '$1 == "id" { for (i = 1; i <= NF; i++) c[$i] = i; next }
                                        { print $1, $c["params"] }' > params
  awk -F'[ ,]' 'FNR == NR { p[$1] = $2; next }
    FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["status"] == "ok" { n++; id[n] = $1; m[n] = $c["wd_mean"] + 0; s[n] = $c["wd_std"] + 0; q[n] = p[$1] + 0 }
    END { for (i = 1; i <= n; i++) { dom = 0
            for (j = 1; j <= n; j++) if (j != i && m[j] <= m[i] && s[j] <= s[i] && q[j] <= q[i] &&
                                         (m[j] < m[i] || s[j] < s[i] || q[j] < q[i])) dom = 1
            if (!dom) print id[i] } }' params "$BROAD/history.csv" | sort -n > front
  [ -s front ]
  diff listed front
  grep -q 'Surrogate importance omitted' rep/index.html
}

@test "hpo-report: --threshold and --color-by are honoured" {
  # an absolute report path well over 64 characters, in directories not made yet
  out="$TMP/a-fairly-long-directory-name/and-another-long-directory-name/rep"
  run hpo-report "$BROAD" -o "$out" --threshold 0.1 --color-by batch_size --surrogate none --sampler none
  [ "$status" -eq 0 ]
  mv "$out" rep
  under=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                   $c["status"] == "ok" && $c["wd_mean"] + 0 <= 0.1 { n++ } END { print n + 0 }' "$BROAD/history.csv")
  [ "$(cell r1-under-threshold rep/index.html)" = "$under" ]
  grep -q "cblabel 'batch_size" rep/wd-sigma.gp
  valid_png rep/wd-sigma.png
}

@test "hpo-report: final phase draws generated vs truth from every model" {
  run hpo-report "$FINAL" -o rep --sampler "$FIX/stand-in-gan-sample" --surrogate none
  [ "$status" -eq 0 ]
  valid_png rep/generated.png
  grep -q '<img src="generated.png"' rep/index.html
  nmodels=$(ls "$FINAL"/models/*.gtm | wc -l)
  grep -q "$nmodels models of set #1" rep/index.html
  # not a calorimeter study (theta, phi): no average showers per layer, and no note about them
  [ ! -e rep/calo-images.png ]
  [ ! -e rep/calo-images.dat ]
  run grep -c -i 'calo-images\|average showers' rep/index.html
  [ "$output" = 0 ]
  # conditional study: all events plus 3 condition bins, for each of the 2 output columns and
  # the 4 derived observables hadronization's picture shows (event-obs(1))
  [ "$(grep -c '^# bin ' rep/generated.dat)" -eq 24 ]
  for o in pi1_E pi2_E pi2_theta pi2_phi; do grep -q "^# bin 3 column $o\$" rep/generated.dat; done
  grep -q "set xlabel 'pi2_theta" rep/generated.gp
  # every model scored by gan-eval; the summary rows are the means over the models
  [ "$(wc -l < rep/generated_eval.csv)" -eq $((nmodels + 1)) ]
  for c in wd_mean chi2_mean chi2_2d_mean ks_max c2st_auc; do
    want=$(awk -F, -v c="$c" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { s += $k; n++ } END { printf "%.10g", s / n }' rep/generated_eval.csv)
    close "$(val "r1-eval-$c" rep/index.html)" "$want"
  done
  # each truth histogram is normalised to all events: density x bin width sums to 1 (the drawn
  # range is the data's whole range)
  awk '/^# bin 0 column theta/ { on = 1; next } /^#/ { on = 0 } on && NF == 8 { x[++n] = $1; s += $2 }
       END { w = x[2] - x[1]; t = s * w; exit !(t > 0.99 && t < 1.0001) }' rep/generated.dat
}

@test "hpo-report: several runs side by side, convergence mean over runs of a method" {
  for m in "rbf 2" "random 1" "random 2"; do
    set -- $m
    "$FIX/make-run" "$1$2" --method "$1" --seed "$2"
  done
  run hpo-report "$BROAD" rbf2 random1 random2 -o rep --surrogate none --sampler none
  [ "$status" -eq 0 ]
  for p in wd-sigma convergence timing; do valid_png "rep/$p.png"; done
  [ "$(cell r4-method rep/index.html)" = random ]
  # the rbf curve's last point is the mean of both rbf runs' best (lowest ok) wd_mean
  want=$(for h in "$BROAD/history.csv" rbf2/history.csv; do
           awk -F, 'NR > 1 && $NF == "ok" && (b == "" || $(NF - 4) + 0 < b) { b = $(NF - 4) + 0 } END { print b }' "$h"
         done | awk '{ s += $1 } END { print s / NR }')
  got=$(awk '/^# rbf/ { on = 1; next } /^# / { on = 0 } on && NF == 5 { v = $2 } END { print v }' rep/convergence.dat)
  close "$got" "$want"
  grep -q 'mean of 2 runs' rep/convergence.gp
}

@test "hpo-report: an existing report is replaced whole; bad input leaves it untouched" {
  mkdir rep && echo stale > rep/stale.txt
  run hpo-report "$BROAD" -o rep --surrogate none --sampler none
  [ "$status" -eq 0 ]
  [ ! -e rep/stale.txt ]
  [ -f rep/index.html ]
  cp -r "$BROAD" bad
  sed -i '1s/wd_std/wd_spread/' bad/history.csv
  before=$(ls rep | wc -l)
  run hpo-report bad -o rep --surrogate none --sampler none
  [ "$status" -eq 1 ]
  [[ "$output" == "hpo-report: bad/history.csv:1: "*wd_std* ]] || [[ "$output" == "hpo-report: bad/history.csv"*wd_std* ]]
  [ "$(ls rep | wc -l)" -eq "$before" ]
  [ -f rep/index.html ]
  assert_no_temp .
  # gnuplot failing, or missing: exit 1, the old report untouched, no temp left
  run hpo-report "$BROAD" -o rep --gnuplot /bin/false --surrogate none --sampler none
  [ "$status" -eq 1 ]
  [[ "$output" == *"wd-sigma.png: could not be drawn"* ]]
  [ "$(ls rep | wc -l)" -eq "$before" ]
  run hpo-report "$BROAD" -o rep --gnuplot no-such-gnuplot
  [ "$status" -eq 1 ]
  [[ "$output" == *"no-such-gnuplot: not found on PATH"* ]]
  assert_no_temp .
  # no finished set yet: one clear line, nothing written
  head -1 "$BROAD/history.csv" > bad/history.csv
  run hpo-report bad --surrogate none --sampler none
  [ "$status" -eq 1 ]
  [[ "$output" == *"no finished sets"* ]]
  [ ! -e bad/report ]
  assert_no_temp bad
}

@test "hpo-report: usage errors exit 2, --help exits 0" {
  run hpo-report
  [ "$status" -eq 2 ]
  run hpo-report "$BROAD" --color-by no_such_hp -o rep
  [ "$status" -eq 2 ]
  [[ "$output" == *"no_such_hp"* ]]
  [ ! -e rep ]
  run hpo-report "$BROAD" --threshold -1
  [ "$status" -eq 2 ]
  run hpo-report --bogus
  [ "$status" -eq 2 ]
  run hpo-report --help
  [ "$status" -eq 0 ]
  [[ "$output" == usage:* ]]
}

@test "hpo-report: the committed fixtures are what make-run writes" {
  "$FIX/make-run" broad --method rbf --seed 1
  "$FIX/make-run" final --method final --seed 3 --sets 1 --trials 8 --slots 1 --failed 0 --val 1500
  diff -r broad "$BROAD"
  diff -r final "$FINAL"
}

@test "hpo-report: generated vs truth from models gan-train really trained (gan-sample)" {
  event-gen hadronization --events 6000 --val 1000 --seed 2 -o train.csv --val-out val.csv
  cp -r "$FINAL" run && rm run/models/*
  sed -i "s|^val=.*|val=$TMP/val.csv|" run/run.conf
  for s in 1 2; do
    gan-train --train train.csv --val val.csv --out-cols theta,phi --cond-cols E,px,py,pz \
      --noise-dim 8 --batch-size 128 --lr-gen 0.001 --lr-disc 0.002 --gen-layersize 16 \
      --disc-layersize 16 --epochs 2 --seed "$s" --save-model "run/models/1-$s.gtm" > /dev/null
  done
  run hpo-report run -o rep --surrogate none
  [ "$status" -eq 0 ]
  valid_png rep/generated.png
  grep -q "2 models of set #1 sampled with <code>$ROOT/bin/gan-sample</code>, 1000 events each" rep/index.html
  # gan-sample writes the conditions too: gan-eval finds the observables' inputs
  run awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "w1obs_pi2_theta") k = i; next } !k || $k == "" { bad = 1 } END { exit bad || NR != 3 }' rep/generated_eval.csv
  [ "$status" -eq 0 ]
  [ -n "$(val r1-eval-w1obs_mean rep/index.html)" ]
}

@test "hpo-report: degenerate histories: one finished set, every set failed" {
  cp -r "$BROAD" one
  head -2 "$BROAD/history.csv" > one/history.csv
  run hpo-report one -o rep1 --surrogate none --sampler none
  [ "$status" -eq 0 ]
  for p in wd-sigma sensitivity convergence pareto timing; do valid_png "rep1/$p.png"; done
  [ "$(cell r1-best-id rep1/index.html)" = "$(sed -n '2s/,.*//p' one/history.csv)" ]
  cp -r "$BROAD" failed
  awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
           { $c["wd_mean"] = "nan"; $c["wd_std"] = "nan"; $c["status"] = "failed"; print }' \
    "$BROAD/history.csv" > failed/history.csv
  run hpo-report failed -o rep2 --sampler none
  [ "$status" -eq 0 ]
  [ "$(cell r1-failed-sets rep2/index.html)" = 30 ]
  [ "$(cell r1-best-id rep2/index.html)" = "&ndash;" ]
  grep -q 'no set has finished with status ok' rep2/index.html
  [ ! -e rep2/wd-sigma.png ]
  [ ! -e rep2/pareto.png ]
  valid_png rep2/timing.png
}

@test "make report STUDY=... PHASE=... draws RUNS/STUDY/PHASE/report" {
  mkdir -p runs/demo && cp -r "$BROAD" runs/demo/broad
  run make -s -C "$ROOT" report STUDY=demo PHASE=broad RUNS="$TMP/runs" REPORT_FLAGS="--sampler none"
  [ "$status" -eq 0 ]
  valid_png runs/demo/broad/report/wd-sigma.png
  grep -q '<td id="r1-sets">30</td>' runs/demo/broad/report/index.html
  run make -s -C "$ROOT" report STUDY=demo PHASE=final RUNS="$TMP/runs"
  [ "$status" -ne 0 ]
  [[ "$output" == *"runs/demo/final/history.csv not found"* ]]
  # STUDY and PHASE default as for make broad (workflows/anp.mk: hadronization, broad)
  run make -s -C "$ROOT" report RUNS="$TMP/runs"
  [ "$status" -ne 0 ]
  [[ "$output" == *"runs/hadronization/broad/history.csv not found"* ]]
}

@test "hpo-report: warns of a search the initial design filled and of one whose sets mostly failed" {
  cp -r "$BROAD" run
  run hpo-report run -o rep --surrogate none --sampler none
  [ "$status" -eq 0 ]
  run ! grep -q 'id="warnings"' rep/index.html
  # budget 30 <= n_init 30: every set from the Latin hypercube
  sed -i 's/^n_init=.*/n_init=30/' run/run.conf
  # at least 20 of 30 sets failed
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    NR <= 21 { $c["wd_mean"] = "nan"; $c["wd_std"] = "nan"; $c["status"] = "failed" } { print }' \
    "$BROAD/history.csv" > run/history.csv
  run hpo-report run -o rep --surrogate none --sampler none
  [ "$status" -eq 0 ]
  grep -q 'class="warning">Warning: run: budget 30 &le; n_init 30: every set came from the initial design, the rbf surrogate never chose one' rep/index.html
  nf=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["status"] == "failed" { n++ } END { print n }' run/history.csv)
  [ "$nf" -ge 20 ]
  grep -q "class=\"warning\">Warning: run: $nf of 30 sets failed" rep/index.html
  grep -q 'rbf seed 1, initial design only' rep/wd-sigma.gp
}

@test "hpo-report: with no spread at all (one trial a set) the σ axis spans a share of the means, and says why" {
  cp -r "$BROAD" one
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wd_std") c = i; print; next }
                    { if ($c != "") $c = 0; print }' "$BROAD/history.csv" > one/history.csv
  run hpo-report one -o rep --surrogate none --sampler none
  [ "$status" -eq 0 ]
  grep -q "over trials (scaled units): all 0 (one trial a set has none)'" rep/wd-sigma.gp
  top=$(sed -n 's/^set yrange \[0:\([^]]*\)\]$/\1/p' rep/wd-sigma.gp | tail -1)
  awk -v t="$top" 'BEGIN { exit !(t > 0.01) }'
  valid_png rep/wd-sigma.png
  run hpo-report "$BROAD" -o rep2 --surrogate none --sampler none
  [ "$status" -eq 0 ]
  run grep -c "one trial a set" rep2/wd-sigma.gp
  [ "$output" = 0 ]
}
