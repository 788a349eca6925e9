#!/usr/bin/env bats
# event-gen: sizes, columns, reproducibility, physics visible in the files, options and errors.
load helpers

@test "event-gen hadronization: sizes, header, conditions on shell, angles in range" {
  event-gen hadronization --events 3000 --val 500 --seed 3 -o train.csv --val-out val.csv
  [ "$(head -1 train.csv)" = "E,px,py,pz,theta,phi" ]
  [ "$(head -1 val.csv)" = "E,px,py,pz,theta,phi" ]
  [ "$(wc -l < train.csv)" -eq 2501 ]
  [ "$(wc -l < val.csv)" -eq 501 ]
  awk -F, 'NR > 1 {
      m2 = $1*$1 - $2*$2 - $3*$3 - $4*$4; m = sqrt(m2 > 0 ? m2 : 0)
      if (NF != 6 || m < 0.2791 * 0.9999 || m > 4.0001 || $5 < 0 || $5 > 3.1416 || $6 < -3.1416 || $6 > 3.1416) { print "bad row " NR ": " $0; bad = 1 }
    } END { exit bad }' train.csv
  assert_no_output
}

@test "event-gen hadronization: the leading pion follows the cluster direction (smeared quark axis)" {
  event-gen hadronization --events 20000 --val 0 --seed 5 -o h.csv
  # mean cosine between the rest-frame direction and the flight direction: 0 if all isotropic,
  # about 0.7 * 0.55 with 30% isotropic clusters and the mass-dependent smearing
  awk -F, 'NR > 1 { p = sqrt($2*$2 + $3*$3 + $4*$4); st = sin($5)
      c = (st*cos($6)*$2 + st*sin($6)*$3 + cos($5)*$4) / p; s += c; n++ }
    END { printf "%f\n", s / n; exit !(s / n > 0.25 && s / n < 0.6) }' h.csv
}

@test "event-gen dimuon: acceptance, leading muon first, Z peak in the pair mass" {
  event-gen dimuon --events 20000 --val 1000 --seed 9 -o d.csv.gz --val-out dv.csv
  [ "$(zcat d.csv.gz | head -1)" = "pt1,eta1,phi1,pt2,eta2,phi2" ]
  [ "$(zcat d.csv.gz | wc -l)" -eq 19001 ]
  zcat d.csv.gz | awk -F, 'NR > 1 {
      if ($1 <= 20 || $4 <= 10 || $1 < $4 || $2 <= -2.5 || $2 >= 2.5 || $5 <= -2.5 || $5 >= 2.5) { print "cut failed " NR ": " $0; bad = 1 }
      # massless pair mass m^2 = 2 pt1 pt2 (cosh deta - cos dphi), 0.5 GeV bins
      de = $2 - $5; m = sqrt(2 * $1 * $4 * ((exp(de) + exp(-de)) / 2 - cos($3 - $6)))
      if (m < 65.9 || m > 116.1) { print "mass outside the window " m; bad = 1 }
      h[int(m / 0.5)]++
    } END { for (b in h) if (h[b] > best) { best = h[b]; pk = b }
      printf "peak bin %.2f\n", pk * 0.5 + 0.25
      if (pk * 0.5 + 0.25 < 90.5 || pk * 0.5 + 0.25 > 92) bad = 1
      exit bad }'
}

@test "event-gen: the same seed gives the same files, another seed does not" {
  event-gen dimuon --events 2000 --val 100 --seed 42 -o a.csv --val-out av.csv
  event-gen dimuon --events 2000 --val 100 --seed 42 -o b.csv --val-out bv.csv
  event-gen dimuon --events 2000 --val 100 --seed 43 -o c.csv --val-out cv.csv
  cmp a.csv b.csv
  cmp av.csv bv.csv
  run ! cmp -s a.csv c.csv
  # validation is a stream of its own, not the start of the training one (sizes alone differ)
  run ! cmp -s <(head -n 101 a.csv) av.csv
  event-gen hadronization --events 1000 --val 0 --seed 42 -o h1.csv
  event-gen hadronization --events 1000 --seed 42 > h2.csv
  cmp h1.csv h2.csv
}

@test "event-gen: defaults are 564000 hadronization events and 5000 validation" {
  event-gen hadronization -o t.csv --val-out v.csv
  [ "$(wc -l < t.csv)" -eq 559001 ]
  [ "$(wc -l < v.csv)" -eq 5001 ]
}

@test "event-gen: usage errors exit 2 and write nothing" {
  run event-gen --help
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == usage:* ]]
  run event-gen
  [ "$status" -eq 2 ]
  run event-gen higgs -o x.csv
  [ "$status" -eq 2 ]
  [ "$output" = "event-gen: unknown study 'higgs' (hadronization, dimuon or calo)" ]
  run event-gen dimuon --val 10 -o x.csv
  [ "$status" -eq 2 ]
  run event-gen dimuon --events 10 --val 10 -o x.csv --val-out y.csv
  [ "$status" -eq 2 ]
  run event-gen dimuon --events -5 -o x.csv
  [ "$status" -eq 2 ]
  run event-gen dimuon --events 10 --val 1 -o x.csv --val-out x.csv
  [ "$status" -eq 2 ]
  assert_no_output x.csv y.csv
}

@test "event-gen calo: 504 named cells and E0, sizes, non-negative, energies in range" {
  event-gen calo --events 300 --val 50 --seed 4 --energy 5:20 -o c.csv --val-out cv.csv.gz
  [ "$(wc -l < c.csv)" -eq 251 ]
  [ "$(zcat cv.csv.gz | wc -l)" -eq 51 ]
  want=$(awk 'BEGIN { for (c = 0; c < 288; c++) printf "l0_c%d,", c; for (c = 0; c < 144; c++) printf "l1_c%d,", c
                      for (c = 0; c < 72; c++) printf "l2_c%d,", c; print "E0" }')
  [ "$(head -1 c.csv)" = "$want" ]
  awk -F, 'NR > 1 { if (NF != 505 || $505 < 5 || $505 > 20) { print "bad row " NR; bad = 1 }
      s = 0; for (i = 1; i <= 504; i++) { if ($i < 0) { print "negative cell " NR; bad = 1 } s += $i }
      # an e+ deposits about the sampling fraction 0.2 of E0 (resolution 10%/sqrt(E))
      if (s / $505 < 0.12 || s / $505 > 0.26) { print "visible/E0 " s / $505 " in row " NR; bad = 1 } }
    END { exit bad }' c.csv
  assert_no_output
}

@test "event-gen calo: particles, the mixed particle column, pi+ deposit less and fluctuate more" {
  event-gen calo --events 400 --seed 5 --energy 10:10 --particle pi+ -o p.csv
  event-gen calo --events 400 --seed 5 --energy 10:10 --particle gamma -o g.csv
  event-gen calo --events 400 --seed 5 --energy 10:10 -o e.csv
  stats='NR > 1 { s = 0; for (i = 1; i <= 504; i++) s += $i; m += s; q += s * s; n++ }
         END { m /= n; printf "%.4f %.4f\n", m / 10, sqrt(q / n - m * m) / m }'
  read -r ep er < <(awk -F, "$stats" e.csv)
  read -r gp gr < <(awk -F, "$stats" g.csv)
  read -r pp pr < <(awk -F, "$stats" p.csv)
  echo "visible/E0, sigma/E: e+ $ep $er gamma $gp $gr pi+ $pp $pr"
  awk -v e="$ep" -v g="$gp" -v p="$pp" 'BEGIN { exit !(e > 0.18 && g > 0.18 && p < 0.6 * e) }'
  awk -v e="$er" -v p="$pr" 'BEGIN { exit !(e > 0.02 && e < 0.05 && p > 4 * e) }'
  event-gen calo --events 600 --seed 6 --particle mixed -o m.csv
  [ "$(head -1 m.csv | cut -d, -f505-)" = "E0,particle" ]
  for p in 0 1 2; do
    n=$(awk -F, -v p=$p 'NR > 1 && $506 == p' m.csv | wc -l)
    [ "$n" -gt 150 ]
  done
}

@test "event-gen calo: the same seed gives the same file; option errors exit 2" {
  event-gen calo --events 50 --seed 8 --particle gamma -o a.csv
  event-gen calo --events 50 --seed 8 --particle gamma > b.csv
  cmp a.csv b.csv
  event-gen calo --events 50 --seed 8 -o c.csv
  run ! cmp -s a.csv c.csv
  run event-gen calo --events 5 --particle mu- -o x.csv
  [ "$status" -eq 2 ]
  [ "$output" = "event-gen: --particle: 'mu-' is not e+, gamma, pi+ or mixed" ]
  run event-gen calo --events 5 --energy 50:10 -o x.csv
  [ "$status" -eq 2 ]
  run event-gen calo --events 5 --energy 10 -o x.csv
  [ "$status" -eq 2 ]
  run event-gen dimuon --events 5 --particle e+ -o x.csv
  [ "$status" -eq 2 ]
  [ "$output" = "event-gen: --particle and --energy are for calo only" ]
  assert_no_output x.csv
}

@test "event-gen: killed mid-run leaves no file and no temp" {
  event-gen hadronization --events 2000000000 --val 0 -o big.csv &
  pid=$!
  sleep 0.3
  kill -TERM "$pid"
  wait "$pid" || true
  assert_no_output big.csv
}

@test "event-gen: an unwritable output is a runtime error" {
  run event-gen dimuon --events 10 --val 0 -o /nonexistent/dir/x.csv
  [ "$status" -eq 1 ]
  [[ "$output" == "event-gen: /nonexistent/dir/x.csv: cannot create: "* ]]
}
