#!/usr/bin/python3
"""Make the wd-score fixtures and their golden values with Debian's scipy.

Run from the project root:  /usr/bin/python3 tests/golden/make_wd_golden.py
Writes tests/fixtures/wd_{a,b,train}.csv, wd_b.csv.gz (the same rows as wd_b.csv) and
tests/golden/wd_golden.csv: one row per (case, column) with scipy's W1. Scaled cases apply
torch_gan.py's min-max map to [-1, 1] fitted on the train fixture (divide by 1 where hi == lo)
to both samples before scipy.stats.wasserstein_distance.
"""
import csv
import gzip
import numpy as np
from scipy.stats import wasserstein_distance

rng = np.random.default_rng(20261123)
COLS = ["x", "k", "c", "w"]


def sample(n, shift):
    x = rng.normal(shift, 1.0 + shift, n)                 # continuous
    k = rng.integers(0, 5, n).astype(float)               # many ties
    c = np.full(n, 3.25)                                  # constant column
    w = rng.exponential(2.0 + shift, n) * 1e3 - 50.0      # skewed, larger scale
    return np.column_stack([x, k, c, w])


def write(path, data, opener=open):
    with opener(path, "wt", newline="") as f:
        f.write(",".join(COLS) + "\n")
        for row in data:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


a, b, t = sample(60, 0.0), sample(43, 0.4), sample(80, 0.2)   # unequal sizes
b[0, 2] = 3.5   # B's constant column not quite constant
write("tests/fixtures/wd_a.csv", a)
write("tests/fixtures/wd_b.csv", b)
write("tests/fixtures/wd_b.csv.gz", b, gzip.open)
write("tests/fixtures/wd_train.csv", t)

lo, hi = t.min(0), t.max(0)
scale = lambda x: 2 * (x - lo) / np.where(hi > lo, hi - lo, 1) - 1

with open("tests/golden/wd_golden.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["case", "a", "b", "scale_from", "col", "wd"])
    cases = [("plain", "wd_a.csv", "wd_b.csv", "", a, b),
             ("gz", "wd_a.csv", "wd_b.csv.gz", "", a, b),
             ("reversed", "wd_b.csv", "wd_a.csv", "", b, a),
             ("scaled", "wd_a.csv", "wd_b.csv.gz", "wd_train.csv", scale(a), scale(b))]
    for name, fa, fb, sf, xa, xb in cases:
        vals = [wasserstein_distance(xa[:, j], xb[:, j]) for j in range(len(COLS))]
        for j, col in enumerate(COLS):
            w.writerow([name, fa, fb, sf, col, repr(vals[j])])
        w.writerow([name, fa, fb, sf, "mean", repr(float(np.mean(vals)))])
