#!/usr/bin/python3
"""bench/transforms.py VAL DIR Q SEED... — bench/transforms.sh's scores: for each arm (none,
logcut) and seed, DIR/ARM-SEED.csv (gan-sample's events, physical units) against the validation
events VAL: W1 (scipy.stats.wasserstein_distance) of pt1, pt2 and Mll in GeV, Mll of two
massless muons from their pt, eta, phi. 'full': against every validation event; 'cut':
against those the tail cut keeps (pt1 and pt2 at most the cuts DIR/logcut-SEED.err reports).
Prints one row per run, then per score the medians of both arms and a two-sided Mann-Whitney p."""
import re
import sys

import numpy as np
from scipy.stats import mannwhitneyu, wasserstein_distance


def load(path):
    d = np.genfromtxt(path, delimiter=",", names=True)
    return {k: d[k] for k in d.dtype.names}


def mll(d):
    return np.sqrt(2 * d["pt1"] * d["pt2"] * (np.cosh(d["eta1"] - d["eta2"]) - np.cos(d["phi1"] - d["phi2"])))


def main():
    val, tmp, q, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    v = load(val)
    v["mll"] = mll(v)
    names = ["pt1", "pt2", "mll"]
    res = {}
    print("arm,seed,best_wd,w1_pt1,w1_pt2,w1_mll,w1cut_pt1,w1cut_pt2,w1cut_mll")
    for s in seeds:
        err = open(f"{tmp}/logcut-{s}.err").read()
        c1 = float(re.search(r"pt1 <= ([0-9.eE+-]+)", err).group(1))
        c2 = float(re.search(r"pt2 <= ([0-9.eE+-]+)", err).group(1))
        keep = (v["pt1"] <= c1) & (v["pt2"] <= c2)
        for arm in ("none", "logcut"):
            g = load(f"{tmp}/{arm}-{s}.csv")
            g["mll"] = mll(g)
            rec = open(f"{tmp}/{arm}-{s}.rec").read().split("\n")
            bw = float(rec[1].split(",")[rec[0].split(",").index("best_wd")])
            full = [wasserstein_distance(g[k], v[k]) for k in names]
            cut = [wasserstein_distance(g[k], v[k][keep]) for k in names]
            res.setdefault(arm, []).append(full + cut)
            print(f"{arm},{s},{bw:.5g}," + ",".join(f"{x:.4g}" for x in full + cut))
    a, b = np.array(res["none"]), np.array(res["logcut"])
    print(f"# medians over {len(seeds)} seeds (GeV), tail cut Q={q}; p: two-sided Mann-Whitney")
    print("score,none,logcut,ratio,p")
    for i, k in enumerate(["w1_" + n for n in names] + ["w1cut_" + n for n in names]):
        p = mannwhitneyu(a[:, i], b[:, i], alternative="two-sided").pvalue
        ma, mb = np.median(a[:, i]), np.median(b[:, i])
        print(f"{k},{ma:.4g},{mb:.4g},{mb / ma:.3g},{p:.3g}")


if __name__ == "__main__":
    main()
