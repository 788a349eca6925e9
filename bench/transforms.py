#!/usr/bin/python3
"""bench/transforms.py VAL DIR Q "ARM..." SEED... — bench/transforms.sh's scores: for each arm
(none, logcut, log, cut) and seed, DIR/ARM-SEED.csv (gan-sample's events, physical units) against the validation
events VAL: W1 (scipy.stats.wasserstein_distance) of pt1, pt2 and Mll in GeV, Mll of two
massless muons from their pt, eta, phi. 'full': against every validation event; 'cut':
against those the tail cut keeps (pt1 and pt2 at most the cuts the seed's first arm with a cut
reports in DIR/ARM-SEED.err; every event without one). Prints one row per run, then per score
and later arm the medians of the first arm and that one, and a two-sided Mann-Whitney p."""
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
    val, tmp, q, arms, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(), sys.argv[5:]
    v = load(val)
    v["mll"] = mll(v)
    names = ["pt1", "pt2", "mll"]
    res = {}
    print("arm,seed,best_wd,w1_pt1,w1_pt2,w1_mll,w1cut_pt1,w1cut_pt2,w1cut_mll")
    for s in seeds:
        keep = np.ones(len(v["pt1"]), dtype=bool)
        for arm in arms:
            err = open(f"{tmp}/{arm}-{s}.err").read()
            c1, c2 = re.search(r"pt1 <= ([0-9.eE+-]+)", err), re.search(r"pt2 <= ([0-9.eE+-]+)", err)
            if c1 and c2:
                keep = (v["pt1"] <= float(c1.group(1))) & (v["pt2"] <= float(c2.group(1)))
                break
        for arm in arms:
            g = load(f"{tmp}/{arm}-{s}.csv")
            g["mll"] = mll(g)
            rec = open(f"{tmp}/{arm}-{s}.rec").read().split("\n")
            bw = float(rec[1].split(",")[rec[0].split(",").index("best_wd")])
            full = [wasserstein_distance(g[k], v[k]) for k in names]
            cut = [wasserstein_distance(g[k], v[k][keep]) for k in names]
            res.setdefault(arm, []).append(full + cut)
            print(f"{arm},{s},{bw:.5g}," + ",".join(f"{x:.4g}" for x in full + cut))
    print(f"# medians over {len(seeds)} seeds (GeV), tail cut Q={q}; p: two-sided Mann-Whitney")
    print("score,arm,median,vs,vs_median,ratio,p")
    a = np.array(res[arms[0]])
    for arm in arms[1:]:
        b = np.array(res[arm])
        for i, k in enumerate(["w1_" + n for n in names] + ["w1cut_" + n for n in names]):
            p = mannwhitneyu(a[:, i], b[:, i], alternative="two-sided").pvalue
            ma, mb = np.median(a[:, i]), np.median(b[:, i])
            print(f"{k},{arm},{mb:.4g},{arms[0]},{ma:.4g},{mb / ma:.3g},{p:.3g}")


if __name__ == "__main__":
    main()
