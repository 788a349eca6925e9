#!/usr/bin/python3
"""The scipy side of bench-data: load two CSV files with numpy and print scipy's W1 per column
and the mean, the same record as wd-score (file reading included in the timing)."""
import sys
import numpy as np
from scipy.stats import wasserstein_distance

a_path, b_path = sys.argv[1], sys.argv[2]
with open(a_path) as f:
    cols = f.readline().strip().split(",")
a = np.loadtxt(a_path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
b = np.loadtxt(b_path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
wd = [wasserstein_distance(a[:, j], b[:, j]) for j in range(len(cols))]
print(",".join("wd_" + c for c in cols) + ",wd_mean")
print(",".join(repr(v) for v in wd) + "," + repr(float(np.mean(wd))))
