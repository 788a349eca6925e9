#!/usr/bin/python3
"""hpo_pileup.py BIN [surrogate-propose options...] — the pile-up probe of BENCHMARKS.md (issue
22): surrogate-propose over ../shared/bench/broad-space.csv on a synthetic objective that does
not depend on batch_size (2 noisy trials a set; 10 SLHD + 10 guided sets; seeds 1-8), counting
the guided sets whose batch_size lies in the top / bottom 5 of its 57 lattice levels (uniform:
about 7 of 80 each), and the true value of the lowest observed set (mean over seeds).
Example: bench/hpo_pileup.py bin --noise-dof 0"""
import subprocess, sys, math, random, os
sp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "broad-space.csv")
bin_ = sys.argv[1]; extra = sys.argv[2:]
space = [l.strip().split(",") for l in open(sp)][1:]
def f(v, rng):
    nd, bs, lg, ld, gl, dl = v
    t = 0.08 + 0.05 * (math.log10(lg / 2e-4)) ** 2 + 0.03 * (math.log10(ld / 1e-3)) ** 2 + 0.02 * ((gl - 600) / 500) ** 2
    return [t + abs(rng.gauss(0, 0.04)) for _ in range(2)]
top = bot = guided = 0
final = []
for seed in range(1, 9):
    rng = random.Random(seed)
    h = "%s/hpo-pileup.%d.csv" % (os.environ.get("TMPDIR", "/tmp"), os.getpid())
    rows = []
    for i in range(20):
        with open(h, "w") as fh:
            fh.write("id," + ",".join(r[0] for r in space) + ",wd_mean,wd_std,n_trials,n_failed,status\n")
            for r in rows: fh.write(r + "\n")
        out = subprocess.run([bin_ + "/surrogate-propose", "--space", sp, "--history", h, "--seed", str(seed), "--budget", "20", "--n-init", "10"] + extra,
                             capture_output=True, text=True, check=True).stdout.strip().splitlines()
        v = [float(x) for x in out[1].split(",")]
        y = f(v, rng); m = sum(y) / 2; s = abs(y[0] - y[1]) / math.sqrt(2)
        rows.append("%d,%s,%.6g,%.6g,2,0,ok" % (i + 1, out[1], m, s))
        if i >= 10:
            guided += 1
            k = round(v[1] / 32)
            top += k >= 60; bot += k <= 12
    best = min(rows, key=lambda r: float(r.split(",")[7]))
    v = [float(x) for x in best.split(",")[1:7]]
    final.append(0.08 + 0.05 * (math.log10(v[2] / 2e-4)) ** 2 + 0.03 * (math.log10(v[3] / 1e-3)) ** 2 + 0.02 * ((v[4] - 600) / 500) ** 2)
print("true at lowest observed (mean over seeds) %.4f" % (sum(final) / len(final)), end=" ")
os.unlink(h)
print("guided", guided, "top5", top, "bottom5", bot, *extra)
