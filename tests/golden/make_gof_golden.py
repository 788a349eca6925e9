#!/usr/bin/python3
"""Make gan-eval's and event-obs's fixtures and their golden values with Debian's numpy/scipy.

Run from the project root:  /usr/bin/python3 tests/golden/make_gof_golden.py
Writes tests/fixtures/gof_{gen,val}.csv (three columns: continuous, many ties, skewed; unequal
sizes) and tests/golden/gof_golden.csv: one row per statistic name as gan-eval's record names
it (ks_C, chi2_C, chi2_A_vs_B, wd_C) with the value scipy gives:
  ks_C        scipy.stats.ks_2samp(gen, val).statistic
  chi2_C      chi2_contingency(2 x k table, correction=False) / dof on 20 equal-population bins
              of the validation (edges val_sorted[floor(m n / k)], numpy.searchsorted 'right'),
              bins empty in both samples dropped
  chi2_A_vs_B the same on the 10 x 10 grid of the per-axis edges
  wd_C        scipy.stats.wasserstein_distance scaled by 2 / (validation max - min)
It also writes tests/fixtures/obs_{dimuon,had}.csv (event-gen rows) and
tests/golden/obs_golden_{dimuon,had}.csv: the observables computed here with numpy from the
formulas in event-obs(1), independently of the C code.
"""
import csv
import subprocess
import numpy as np
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance

rng = np.random.default_rng(20261201)
COLS = ["x", "k", "w"]


def sample(n, shift):
    x = rng.normal(shift, 1.0 + shift, n)
    k = rng.integers(0, 7, n).astype(float)            # ties: equal edges, empty bins
    w = rng.exponential(2.0 + shift, n) * 10.0 + x      # skewed, correlated with x
    return np.column_stack([x, k, w])


def write(path, cols, data):
    with open(path, "w", newline="") as f:
        f.write(",".join(cols) + "\n")
        for row in data:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


def edges(ref, k):
    s = np.sort(ref)
    n = len(s)
    return np.array([s[(m * n) // k] for m in range(1, k)])


def chi2ndf(a_counts, b_counts):
    t = np.vstack([a_counts, b_counts])
    t = t[:, t.sum(axis=0) > 0]
    if t.shape[1] < 2:
        return 0.0
    stat, _, dof, _ = chi2_contingency(t, correction=False)
    return stat / dof


g, v = sample(3000, 0.15), sample(2000, 0.0)
write("tests/fixtures/gof_gen.csv", COLS, g)
write("tests/fixtures/gof_val.csv", COLS, v)
rows = []
for j, c in enumerate(COLS):
    rows.append(("ks_" + c, ks_2samp(g[:, j], v[:, j]).statistic))
    e = edges(v[:, j], 20)
    bg = np.bincount(np.searchsorted(e, g[:, j], "right"), minlength=20)
    bv = np.bincount(np.searchsorted(e, v[:, j], "right"), minlength=20)
    rows.append(("chi2_" + c, chi2ndf(bg, bv)))
    span = v[:, j].max() - v[:, j].min()
    rows.append(("wd_" + c, wasserstein_distance(g[:, j], v[:, j]) * 2.0 / (span if span > 0 else 1.0)))
for x in range(3):
    for y in range(x + 1, 3):
        ex, ey = edges(v[:, x], 10), edges(v[:, y], 10)
        cg = np.searchsorted(ex, g[:, x], "right") * 10 + np.searchsorted(ey, g[:, y], "right")
        cv = np.searchsorted(ex, v[:, x], "right") * 10 + np.searchsorted(ey, v[:, y], "right")
        rows.append((f"chi2_{COLS[x]}_vs_{COLS[y]}",
                     chi2ndf(np.bincount(cg, minlength=100), np.bincount(cv, minlength=100))))
with open("tests/golden/gof_golden.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["stat", "value"])
    for name, val in rows:
        w.writerow([name, repr(float(val))])

# ---- observables
MMU, MPI = 0.1056583755, 0.13957039


def load(path):
    with open(path) as f:
        r = csv.reader(f)
        head = next(r)
        return head, np.array([[float(x) for x in row] for row in r])


def four(pt, eta, phi, m):
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    return np.sqrt(px**2 + py**2 + pz**2 + m**2), px, py, pz


def dimuon(d):
    lead_first = d[:, 0] >= d[:, 3]
    a = np.where(lead_first[:, None], d[:, 0:3], d[:, 3:6])
    b = np.where(lead_first[:, None], d[:, 3:6], d[:, 0:3])
    l, s = four(*a.T, MMU), four(*b.T, MMU)
    E, X, Y, Z = (l[i] + s[i] for i in range(4))
    m2 = E**2 - X**2 - Y**2 - Z**2
    dphi = np.abs(a[:, 2] - b[:, 2]) % (2 * np.pi)
    dphi = np.where(dphi > np.pi, 2 * np.pi - dphi, dphi)
    # Collins-Soper: 2 (l+ lb- - l- lb+) / (M sqrt(M^2 + qT^2)), l+- = (E +- pz) / sqrt2,
    # the sign of the dimuon's pz; the leading muon plays the lepton
    num = (l[0] + l[3]) * (s[0] - s[3]) - (l[0] - l[3]) * (s[0] + s[3])
    cs = num / (np.sqrt(m2) * np.sqrt(m2 + X**2 + Y**2)) * np.where(Z >= 0, 1, -1)
    return ["pt_lead", "pt_sub", "mll", "ptll", "yll", "dphi", "cos_cs"], np.column_stack(
        [a[:, 0], b[:, 0], np.sqrt(m2), np.hypot(X, Y), 0.5 * np.log((E + Z) / (E - Z)), dphi, cs])


def boost(p, P, m):
    # rest-frame p to the lab frame of a system with lab four-momentum P and mass m
    E, px, py, pz = P
    bx, by, bz = px / E, py / E, pz / E
    b2 = bx**2 + by**2 + bz**2
    gam = E / m
    bp = bx * p[1] + by * p[2] + bz * p[3]
    f = (gam - 1) * bp / b2 + gam * p[0]
    return gam * (p[0] + bp), p[1] + f * bx, p[2] + f * by, p[3] + f * bz


def had(d):
    E, px, py, pz, th, ph = d.T
    m = np.sqrt(E**2 - px**2 - py**2 - pz**2)
    q = np.sqrt(m**2 / 4 - MPI**2)
    es = np.sqrt(q**2 + MPI**2)
    dx, dy, dz = np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)
    p1 = boost((es, q * dx, q * dy, q * dz), (E, px, py, pz), m)
    p2 = boost((es, -q * dx, -q * dy, -q * dz), (E, px, py, pz), m)
    names = ["m", "pi1_E", "pi1_px", "pi1_py", "pi1_pz", "pi2_E", "pi2_px", "pi2_py", "pi2_pz",
             "pi2_theta", "pi2_phi"]
    return names, np.column_stack([m, *p1, *p2, np.arccos(p2[3] / np.sqrt(p2[1]**2 + p2[2]**2 + p2[3]**2)),
                                   np.arctan2(p2[2], p2[1])])


for kind, short, fn in [("dimuon", "dimuon", dimuon), ("hadronization", "had", had)]:
    path = f"tests/fixtures/obs_{short}.csv"
    subprocess.run(["bin/event-gen", "-n", "200", "-s", "7", kind, "-o", path], check=True)
    _, d = load(path)
    names, o = fn(d)
    write(f"tests/golden/obs_golden_{short}.csv", names, o)
