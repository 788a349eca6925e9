#!/usr/bin/env bats
# surrogate-propose and trial-aggregate: the CLI contract, refusals of bad input, and the
# properties a study relies on (nothing evaluated, pending or failed is proposed again).
load helpers

space3() {   # a 3 x 3 lattice (9 points) and the broad space of the study
  printf 'name,lower,upper,scaling\na,1,3,0.5\nb,0,2,2\n' > small.csv
  # the study's own copy (Table 1), so that the tests run without ../shared beside the clone
  (. "$ROOT/workflows/studies/hadronization" && printf '%s\n' "$broad_space") > broad.csv
}

hist_small() {   # 4 finished points (one failed) of the 3 x 3 lattice
  cat > hist.csv <<'H'
a,b,wd_mean,wd_std,n_trials,n_failed,status
0.5,0,1.5,0.1,3,0,ok
1,2,0.7,0.2,3,0,ok
1.5,4,nan,nan,3,3,failed
0.5,4,2.5,0.3,3,1,ok
H
  printf 'id,a,b\n7,1.5,0\n8,1,0\n' > pend.csv
}

@test "surrogate-propose --help and usage errors" {
  run surrogate-propose --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--method"* ]]
  run surrogate-propose
  [ "$status" -eq 2 ]
  [[ "$output" == *"--space"* ]]
  space3
  run surrogate-propose --space small.csv --method tpe
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown method 'tpe'"* ]]
  run surrogate-propose --space small.csv --n 0
  [ "$status" -eq 2 ]
  run surrogate-propose --space small.csv --bogus
  [ "$status" -eq 2 ]
}

@test "bad space files are refused with FILE:LINE" {
  printf 'name,lower,upper,scaling\na,1,3,0.5\nb,5,2,1\n' > s1.csv
  run surrogate-propose --space s1.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"s1.csv:3:"*"lower 5 > upper 2"* ]]
  printf 'name,lower,upper,scaling\na,1,3,0\n' > s2.csv
  run surrogate-propose --space s2.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"s2.csv:2:"*"scaling 0 is not positive"* ]]
  printf 'name,lower,upper,scaling\na,1,3,-2\n' > s3.csv
  run surrogate-propose --space s3.csv
  [ "$status" -eq 1 ]
  printf 'name,lower,upper\na,1,3\n' > s4.csv
  run surrogate-propose --space s4.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"scaling"* ]]
  printf 'name,lower,upper,scaling\na,1.5,3,1\n' > s5.csv
  run surrogate-propose --space s5.csv
  [ "$status" -eq 1 ]
  # a log axis needs a positive lower bound; an unknown axis is refused
  printf 'name,lower,upper,scaling,axis\nb,1,9,1,linear\na,0,200,5e-5,log\n' > s6.csv
  run surrogate-propose --space s6.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"s6.csv:3: a: a log axis needs lower >= 1 (a positive bound), got 0" ]]
  printf 'name,lower,upper,scaling,axis\na,1,200,5e-5,cubic\n' > s7.csv
  run surrogate-propose --space s7.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"s7.csv:2: a: axis 'cubic' is not linear or log" ]]
}

@test "a log axis: the same lattice values, a design spread evenly in log k" {
  printf 'name,lower,upper,scaling,axis\nlr,1,200,5e-5,log\nb,1,20,1,\n' > log.csv
  printf 'name,lower,upper,scaling\nlr,1,200,5e-5\nb,1,20,1\n' > lin.csv
  surrogate-propose --space log.csv --n 10 --n-init 10 --seed 3 > a.csv
  surrogate-propose --space lin.csv --n 10 --n-init 10 --seed 3 > b.csv
  # values stay on the k*scaling lattice: the linear space reads the log space's proposals
  surrogate-propose --space lin.csv --pending a.csv --n 1 > /dev/null
  # half the log design lies below the geometric middle (k <= 14, lr <= 7e-4), one in ten of the linear one
  [ "$(awk -F, 'NR > 1 && $1 <= 0.0007' a.csv | wc -l)" -eq 5 ]
  [ "$(awk -F, 'NR > 1 && $1 <= 0.0007' b.csv | wc -l)" -le 1 ]
}

@test "--noise-dof and --tether: ranges checked; one proposal for each setting" {
  space3
  hist_small
  run surrogate-propose --space small.csv --noise-dof -1
  [ "$status" -eq 2 ]
  run surrogate-propose --space small.csv --tether -1
  [ "$status" -eq 2 ]
  for o in "--noise-dof 0" "--noise-dof 4" "--tether 0.5"; do
    run surrogate-propose --space small.csv --history hist.csv --n-init 2 $o
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 2 ]
  done
}

@test "--pruned-sd: range checked; no effect without pruned rows, a looser fit of pruned ones" {
  space3
  names=noise_dim,batch_size,lr_gen,lr_disc,gen_layersize,disc_layersize
  run surrogate-propose --space broad.csv --pruned-sd -1
  [ "$status" -eq 2 ]
  surrogate-propose --space broad.csv --n 24 --method lhs --seed 2 > pts.csv
  # a bowl in log lr_gen; the sets far from its minimum are pruned in the second history
  { echo "$names,wd_mean,wd_std,n_trials,status"
    tail -n +2 pts.csv | awk -F, '{x = log($3 / 5e-5) / log(200); print $0 "," 0.1 + (x - 0.3) ^ 2 ",0.02,2," (x > 0.8 ? "P" : "ok")}'; } > h.csv
  sed 's/,P$/,ok/' h.csv > plain.csv
  sed 's/,P$/,pruned/' h.csv > pruned.csv
  [ "$(grep -c ',pruned$' pruned.csv)" -ge 2 ]
  for m in rbf gp; do
    for what in "--importance" "--n 3 --n-init 10 --seed 4"; do
      a=$(surrogate-propose --space broad.csv --history plain.csv --method $m $what --pruned-sd 0)
      b=$(surrogate-propose --space broad.csv --history plain.csv --method $m $what)
      c=$(surrogate-propose --space broad.csv --history plain.csv --method $m $what --pruned-sd 3)
      [ "$a" = "$b" ]
      [ "$a" = "$c" ]
    done
    a=$(surrogate-propose --space broad.csv --history pruned.csv --method $m --importance --pruned-sd 0)
    b=$(surrogate-propose --space broad.csv --history pruned.csv --method $m --importance --pruned-sd 3)
    [ "$a" != "$b" ]
  done
}

@test "history off the lattice or missing a column is refused" {
  space3
  printf 'noise_dim,batch_size,lr_gen,lr_disc,gen_layersize,disc_layersize,wd_mean\n4,256,0.00012,0.001,64,64,1.0\n' > h1.csv
  run surrogate-propose --space broad.csv --history h1.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"h1.csv:2: lr_gen=0.00012 is off the lattice"* ]]
  printf 'noise_dim,batch_size,lr_gen,lr_disc,gen_layersize,wd_mean\n4,256,0.0001,0.001,64,1.0\n' > h2.csv
  run surrogate-propose --space broad.csv --history h2.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"h2.csv:1:"*"disc_layersize"* ]]
  printf 'a,b\n0.5,0\n' > h3.csv
  run surrogate-propose --space small.csv --history h3.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"wd_mean"* ]]
  printf 'a,b\n0.5,3\n' > p1.csv
  run surrogate-propose --space small.csv --pending p1.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"p1.csv:2: b=3 is off the lattice"* ]]
  hist_small
  run surrogate-propose --space small.csv --history hist.csv --kappa 1 --std sd
  [ "$status" -eq 1 ]
  [[ "$output" == *"'sd'"* ]]
}

@test "evaluated, failed and pending points are never proposed; exhaustion exits 1" {
  space3
  hist_small
  for m in rbf gp random lhs; do
    run surrogate-propose --space small.csv --history hist.csv --pending pend.csv --n 3 --method $m --n-init 2
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 4 ]
    [ "${lines[0]}" = "a,b" ]
    printf '%s\n' "${lines[@]:1}" > got
    [ "$(sort -u got | wc -l)" -eq 3 ]                   # no duplicates in one call
    run ! grep -qxE '0\.5,0|1,2|1\.5,4|0\.5,4|1\.5,0|1,0' got   # nothing taken
  done
  run surrogate-propose --space small.csv --history hist.csv --pending pend.csv --n 4
  [ "$status" -eq 1 ]
  [[ "$output" == *"exhausted"* ]]
  [ "${#lines[@]}" -eq 1 ]
}

@test "proposals lie on the lattice, are deterministic per seed and differ across seeds" {
  space3
  for m in rbf gp random lhs; do
    surrogate-propose --space broad.csv --n 20 --method $m --seed 5 > a.csv
    surrogate-propose --space broad.csv --n 20 --method $m --seed 5 > b.csv
    surrogate-propose --space broad.csv --n 20 --method $m --seed 6 > c.csv
    cmp a.csv b.csv
    run ! cmp -s a.csv c.csv
    [ "$(wc -l < a.csv)" -eq 21 ]
    # the proposals are themselves valid pending points (values back on the lattice)
    surrogate-propose --space broad.csv --pending a.csv --n 1 --method $m > /dev/null
  done
}

@test "the initial design is a symmetric Latin hypercube; later calls continue it" {
  space3
  surrogate-propose --space broad.csv --n 14 --seed 3 > d.csv
  [ "$(tail -n +2 d.csv | sort -u | wc -l)" -eq 14 ]
  for c in 1 2 3 4 5 6; do [ "$(tail -n +2 d.csv | cut -d, -f$c | sort -u | wc -l)" -eq 14 ]; done
  # one at a time, with the earlier ones pending, gives the same design
  head -1 d.csv > pend.csv
  for i in $(seq 14); do
    surrogate-propose --space broad.csv --pending pend.csv --seed 3 | tail -n 1 >> pend.csv
  done
  cmp <(tail -n +2 d.csv | sort) <(tail -n +2 pend.csv | sort)
}

@test "degenerate histories give a sensible proposal" {
  space3
  names=noise_dim,batch_size,lr_gen,lr_disc,gen_layersize,disc_layersize
  surrogate-propose --space broad.csv --n 20 --method random --seed 9 > pts.csv
  for m in rbf gp; do
    # all equal
    { echo "$names,wd_mean,wd_std,n_trials,status"; tail -n +2 pts.csv | sed 's/$/,1.0,0.1,5,ok/'; } > eq.csv
    run surrogate-propose --space broad.csv --history eq.csv --method $m --n 2
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
    # one point
    head -2 eq.csv > one.csv
    run surrogate-propose --space broad.csv --history one.csv --method $m --n-init 1
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 2 ]
    # all failed
    { echo "$names,wd_mean,wd_std,n_trials,status"; tail -n +2 pts.csv | sed 's/$/,nan,nan,5,failed/'; } > fail.csv
    run surrogate-propose --space broad.csv --history fail.csv --method $m --n 2
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
    # zero spread with kappa, and a model fit past the design
    { echo "$names,wd_mean,wd_std,n_trials,status"; tail -n +2 pts.csv | awk -F, '{print $0 "," NR % 7 ",0,5,ok"}'; } > fit.csv
    run surrogate-propose --space broad.csv --history fit.csv --method $m --kappa 2 --n 3
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 4 ]
    run surrogate-propose --space broad.csv --history fit.csv --method $m --cap --n 2
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
  done
}

@test "--importance and --interactions report Sobol indices of the fitted surrogate" {
  space3
  names=noise_dim,batch_size,lr_gen,lr_disc,gen_layersize,disc_layersize
  surrogate-propose --space broad.csv --n 40 --method lhs --seed 2 > pts.csv
  # an objective driven by lr_gen alone: it must dominate (smooth in log lr_gen, the axis the
  # study's space gives the surrogate: lattice 1..200 x 5e-5)
  { echo "$names,wd_mean,wd_std,n_trials,status"
    tail -n +2 pts.csv | awk -F, '{x = log($3 / 5e-5) / log(200); print $0 "," (x - 0.3) ^ 2 ",0,5,ok"}'; } > h.csv
  for m in rbf gp; do
    run surrogate-propose --space broad.csv --history h.csv --method $m --importance
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "name,S1,ST,S1_se,ST_se" ]
    [ "${#lines[@]}" -eq 7 ]
    # a total index below its first-order one only by its stated error (3 SE of the difference)
    bad=$(printf '%s\n' "${lines[@]:1}" | awk -F, '$3 < $2 - 3 * sqrt($4 * $4 + $5 * $5) + 0 { print }')
    [ -z "$bad" ]
    top=$(printf '%s\n' "${lines[@]:1}" | sort -t, -k2 -gr | head -1 | cut -d, -f1)
    [ "$top" = lr_gen ]
  done
  run surrogate-propose --space broad.csv --history h.csv --interactions
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "name_a,name_b,S2" ]
  [ "${#lines[@]}" -eq 16 ]
  head -2 h.csv > one.csv
  run surrogate-propose --space broad.csv --history one.csv --importance
  [ "$status" -eq 1 ]
}

@test "trial-aggregate: mean, sample std, failed trials counted not averaged" {
  cat > t.csv <<'T'
id,trial,seed,lr,bs,best_wd,best_epoch,epochs,seconds,params,status,wd_x
1,1,11,0.0001,32,1.0,3,5,1.0,100,ok,1.0
1,2,12,0.0001,32,3.0,3,5,1.0,100,ok,3.0
1,3,13,0.0001,32,99,3,5,1.0,100,diverged,99
2,1,21,0.0002,64,nan,3,5,1.0,100,ok,nan
2,2,22,0.0002,64,inf,3,5,1.0,100,ok,inf
1,4,14,0.0001,32,2.0,3,5,1.0,100,ok,2.0
T
  run trial-aggregate t.csv
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "id,lr,bs,wd_mean,wd_std,n_trials,n_failed,status,pruned_at" ]
  [ "${lines[1]}" = "1,0.0001,32,2,1,4,1,ok,0" ]
  [[ "${lines[2]}" == 2,0.0002,64,nan,nan,2,2,failed,0 ]]
  [ "${#lines[@]}" -eq 3 ]
  # stdin, several files, no header, and grouping by values when there is no id
  cut -d, -f2- t.csv > noid.csv
  head -3 noid.csv > part1.csv; { head -1 noid.csv; tail -n +4 noid.csv; } > part2.csv
  run trial-aggregate --no-header part1.csv part2.csv
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0.0001,32,2,1,4,1,ok,0" ]
  [ "${#lines[@]}" -eq 2 ]
  run bash -c 'trial-aggregate < noid.csv'
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "0.0001,32,2,1,4,1,ok,0" ]
}

@test "trial-aggregate: records with a chosen score (best_score) are averaged by it, not by best_wd" {
  cat > s.csv <<'T'
id,trial,seed,lr,best_wd,best_epoch,epochs,seconds,params,status,score,best_score
1,1,11,0.0001,0.5,3,5,1.0,100,ok,calo,4.0
1,2,12,0.0001,0.1,3,5,1.0,100,ok,calo,6.0
2,1,21,0.0002,9.0,3,5,1.0,100,ok,calo,1.0
2,2,22,0.0002,9.0,3,5,1.0,100,ok,calo,3.0
T
  run trial-aggregate s.csv
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "1,0.0001,5,1.414213562,2,0,ok,0" ]
  [ "${lines[2]}" = "2,0.0002,2,1.414213562,2,0,ok,0" ]
  # a non-numeric objective names the column it came from
  sed -i 's/,calo,1.0$/,calo,x/' s.csv
  run trial-aggregate s.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"s.csv:4: best_score: 'x' is not a number"* ]]
}

@test "trial-aggregate: --space checks the lattice, -o writes atomically, bad input refused" {
  printf 'name,lower,upper,scaling\nlr,1,200,5e-5\nbs,1,4,32\n' > s.csv
  printf 'lr,bs,best_wd,status\n0.00465,32,1.5,ok\n0.0046500000000000005,32,2.5,ok\n' > t.csv
  run trial-aggregate --space s.csv t.csv
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "0.00465,32,2,0.7071067812,2,0,ok,0" ]
  printf 'lr,bs,best_wd,status\n0.00012,32,1.5,ok\n' > bad.csv
  run trial-aggregate --space s.csv -o out.csv bad.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"bad.csv:2: lr=0.00012 is off the lattice"* ]]
  assert_no_output out.csv
  trial-aggregate --space s.csv -o out.csv t.csv
  [ "$(wc -l < out.csv)" -eq 2 ]
  printf 'lr,bs,status\n0.0001,32,ok\n' > nowd.csv
  run trial-aggregate nowd.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"best_wd"* ]]
  printf 'lr,bs,best_wd,status\n0.0001,32,abc,ok\n' > junk.csv
  run trial-aggregate junk.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"junk.csv:2:"* ]]
  printf 'id,lr,bs,best_wd,status\n1,0.0001,32,1,ok\n1,0.0002,32,1,ok\n' > clash.csv
  run trial-aggregate clash.csv
  [ "$status" -eq 1 ]
  [[ "$output" == *"clash.csv:3:"* ]]
  run trial-aggregate --help
  [ "$status" -eq 0 ]
  run trial-aggregate --nope
  [ "$status" -eq 2 ]
  run trial-aggregate missing.csv
  [ "$status" -eq 1 ]
}

@test "an unknown --method lists the valid ones and exits 2; each one listed is accepted" {
  space3
  run surrogate-propose --space small.csv --method tpe
  [ "$status" -eq 2 ]
  [ "${#lines[@]}" -eq 1 ]
  re="--method: unknown method 'tpe' \(([a-z, ]+)\)$"
  [[ "$output" =~ $re ]]
  list=${BASH_REMATCH[1]}
  for m in rbf gp random lhs; do [[ ", $list, " == *", $m, "* ]]; done
  # the list is the table: every name in it proposes, and --help shows the same names
  names=(${list//,/ })
  [ "${#names[@]}" -ge 4 ]
  for m in "${names[@]}"; do
    run surrogate-propose --space small.csv --method "$m" --n 2
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
  done
  run surrogate-propose --help
  [[ "$output" == *"[--method ${list//, /|}]"* ]]
  run surrogate-propose --space small.csv --method ''
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown method '' ($list)"* ]]
}
