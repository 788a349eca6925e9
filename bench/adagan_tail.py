#!/usr/bin/python3
"""adagan_tail.py GENERATED VALIDATION | --header VALIDATION — tail figures for
bench/adagan-physics.sh: for each pT-like column (dimuon: pt1, pt2; hadronization: the pions'
transverse momenta pi1_pt, pi2_pt, from event-obs's pi*_px, pi*_py), the threshold q = the
validation sample's 99th percentile; tailw1_C is the 1-D W1 (GeV, scipy) between the generated
and the validation events beyond q, tailfrac_C the generated share beyond q (the validation's:
0.01). Derived observables come from event-obs (bin/, the project's one owner of them).
Prints the figures on one line, space separated (NaN when no generated event is beyond q)."""
import gzip
import os
import subprocess
import sys

import numpy as np
from scipy.stats import wasserstein_distance

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def columns(path):
    """The pT-like columns of a CSV: name -> array."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rt") as f:
        head = f.readline().strip().split(",")
    if "pt1" in head and "pt2" in head:
        d = np.genfromtxt(path, delimiter=",", names=True)
        return {"pt1": d["pt1"], "pt2": d["pt2"]}
    out = subprocess.run([os.path.join(ROOT, "bin", "event-obs"), "--kind", "hadronization", path],
                         check=True, capture_output=True, text=True).stdout
    names = out.split("\n", 1)[0].split(",")
    d = np.loadtxt(out.splitlines()[1:], delimiter=",")
    c = {n: d[:, i] for i, n in enumerate(names)}
    return {p + "_pt": np.hypot(c[p + "_px"], c[p + "_py"]) for p in ("pi1", "pi2")}


def main():
    if sys.argv[1] == "--header":
        print(" ".join("tailw1_%s tailfrac_%s" % (n, n) for n in columns(sys.argv[2])))
        return
    g, v = columns(sys.argv[1]), columns(sys.argv[2])
    cells = []
    for n in v:
        q = np.quantile(v[n], 0.99)
        gt, vt = g[n][g[n] > q], v[n][v[n] > q]
        w = wasserstein_distance(gt, vt) if len(gt) else float("nan")
        cells += ["%.6g" % w, "%.6g" % (len(gt) / len(g[n]))]
    print(" ".join(cells))


main()
