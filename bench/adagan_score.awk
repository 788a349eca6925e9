# adagan_score.awk — the 2-D toys' score of generated events (x,y CSV with a header): the K
# modes at radius R, angle 2 pi k / K (the ring), or with GRID=1 the 25 modes (-4..4 step 2)^2
# (the grid), each a Gaussian of width S. An event is "good" for the
# nearest mode when within 3 S of its centre, else "bad"; a mode is covered when it holds at
# least SHARE of all generated events within 3 S. Prints: covered bad_share (and per-mode shares
# when VERBOSE=1). Variables: K R S SHARE GRID.
BEGIN {
  FS = ","; pi = 3.14159265358979
  if (GRID) { K = 25; for (k = 0; k < K; k++) { cx[k] = 2 * (k % 5) - 4; cy[k] = 2 * int(k / 5) - 4 } }
  else for (k = 0; k < K; k++) { cx[k] = R * cos(2 * pi * k / K); cy[k] = R * sin(2 * pi * k / K) }
}
NR == 1 { next }
{
  best = -1; bd = 1e300
  for (k = 0; k < K; k++) { d = ($1 - cx[k]) ^ 2 + ($2 - cy[k]) ^ 2; if (d < bd) { bd = d; best = k } }
  n++
  if (bd <= 9 * S * S) in_mode[best]++; else bad++
}
END {
  cov = 0
  for (k = 0; k < K; k++) if (in_mode[k] >= SHARE * n) cov++
  printf "%d %.4f", cov, bad / n
  if (VERBOSE) for (k = 0; k < K; k++) printf " %.3f", in_mode[k] / n
  printf "\n"
}
