#!/usr/bin/python3
"""hpo_sim.py — a surrogate benchmark of the real job: a stand-in gan-train whose W1 is a GP
fitted to every set the real searches of bench/hpo-real evaluated, so that optimizer settings
can be compared over many search seeds in minutes instead of hours (bench/hpo-sim drives it).

  hpo_sim.py pool HPO_REAL_OUT STUDY [METHODS] > SETS.csv
      STUDY's sets that HPO_REAL_OUT's searches evaluated (gantune/*/history.csv rows with
      status ok, and the search CSVs of METHODS, default tpe,random): the hyperparameters and
      the set's mean W1. bench/hpo-sim-dimuon.csv is `pool bench/out/hpo-real dimuon tpe`
      over the runs of BENCHMARKS.md, issue 22 (gantune and TPE, budgets 20 and 40, 5 seeds).
  hpo_sim.py fit SETS.csv SPACE MODEL.npz
      fit a GP (Matern 5/2, one length scale per hyperparameter, constant mean, homoscedastic
      nugget, by marginal likelihood) on the unit cube of SPACE (a space file; its `axis`
      column's log axes are taken in log k), and save it.
  hpo_sim.py train MODEL.npz [gan-train flags]
      a trial: W1 = truth(x) * exp(s*z - s^2/2), z standard normal from the seed and the
      hyperparameters, s = SIM_SIGMA (default 0.25: the real dimuon trials' sd of 0.065-0.077
      at means 0.25-0.5); prints gan-train's record, writes --log and --save-model.
  hpo_sim.py truth MODEL.npz HPO_REAL_OUT STUDY BUDGET
      per method the truth at its picks (mean, sd over search seeds, Mann-Whitney p of gantune
      against each), and the oracle: the lowest truth among the sets each search evaluated.

The truth is the GP mean: a smooth summary of about 600 noisy evaluations, not the job itself.
It is good for ranking settings (it reproduces the real benchmark's ordering); its levels are
optimistic (the real picks retrain about 0.03 above it)."""
import csv, glob, math, os, sys, zlib

import numpy as np

HP = ["noise_dim", "batch_size", "lr_gen", "lr_disc", "gen_layersize", "disc_layersize"]


def unit(space, hp):
    u = []
    for name, lo, hi, sc, lg in space:
        k = hp[name] / sc
        u.append((math.log(k) - math.log(lo)) / (math.log(hi) - math.log(lo)) if lg
                 else (k - lo) / (hi - lo))
    return np.array(u)


def matern(A, B, ls):
    d = np.sqrt((((A[:, None, :] - B[None, :, :]) / ls) ** 2).sum(-1))
    return (1 + math.sqrt(5) * d + 5 / 3 * d * d) * np.exp(-math.sqrt(5) * d)


def pooled(out, study, methods="tpe,random"):
    pts = []
    for f in sorted(glob.glob(f"{out}/gantune/{study}-b*-s*/{study}/broad/history.csv")):
        for r in csv.DictReader(open(f)):
            if r["status"] == "ok":
                pts.append(({k: float(r[k]) for k in HP}, float(r["wd_mean"])))
    for f in sorted(glob.glob(f"{out}/search/{study}-b*-*-s*.csv")):
        if f.rsplit("-s", 1)[0].rsplit("-", 1)[1] not in methods.split(","):
            continue
        for r in csv.reader(open(f)):
            if r and r[0] != "best" and math.isfinite(float(r[7])):
                pts.append((dict(zip(HP, map(float, r[1:7]))), float(r[7])))
    return pts


def pool(out, study, methods="tpe,random"):
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(HP + ["wd_mean"])
    for p, v in pooled(out, study, methods):
        w.writerow([f"{p[k]:g}" for k in HP] + [f"{v:.6g}"])


def fit(sets, space_file, model):
    from scipy.optimize import minimize
    text = open(space_file).read()          # once: SPACE may be a pipe
    space = read_space_text(text.splitlines())
    pts = [({k: float(r[k]) for k in HP}, float(r["wd_mean"])) for r in csv.DictReader(open(sets))]
    X = np.array([unit(space, p) for p, _ in pts])
    y = np.array([v for _, v in pts])
    d = X.shape[1]

    def nll(p):
        ls, s2, n2, mu = np.exp(p[:d]), math.exp(p[d]), math.exp(p[d + 1]), p[d + 2]
        K = s2 * matern(X, X, ls) + n2 * np.eye(len(y))
        try:
            L = np.linalg.cholesky(K)
        except np.linalg.LinAlgError:
            return 1e10
        a = np.linalg.solve(L.T, np.linalg.solve(L, y - mu))
        return 0.5 * (y - mu) @ a + np.log(np.diag(L)).sum()

    p0 = np.array([0.0] * d + [math.log(np.var(y)), math.log(0.003), float(np.mean(y))])
    p = minimize(nll, p0, method="L-BFGS-B",
                 bounds=[(-3, 3)] * d + [(-10, 2), (-12, 0), (0, 1)]).x
    ls, s2, n2, mu = np.exp(p[:d]), math.exp(p[d]), math.exp(p[d + 1]), p[d + 2]
    alpha = np.linalg.solve(s2 * matern(X, X, ls) + n2 * np.eye(len(y)), y - mu)
    tmp = model + ".tmp.npz"
    np.savez(tmp, X=X, alpha=alpha, ls=ls, s2=s2, mu=mu, space=np.array(text))
    os.replace(tmp, model)
    print(f"hpo_sim: {len(y)} sets of {sets}; length scales "
          + " ".join(f"{n}={v:.2f}" for (n, *_), v in zip(space, ls))
          + f"; amplitude {math.sqrt(s2):.3f}, nugget sd {math.sqrt(n2):.3f}, mean {mu:.3f}")


class Model:
    def __init__(self, path):
        m = np.load(path)
        self.X, self.alpha, self.ls = m["X"], m["alpha"], m["ls"]
        self.s2, self.mu = float(m["s2"]), float(m["mu"])
        self.space = read_space_text(str(m["space"]).strip().splitlines())

    def truth(self, hp):
        u = unit(self.space, hp)[None, :]
        return max(float(self.mu + self.s2 * matern(u, self.X, self.ls)[0] @ self.alpha), 0.01)


def read_space_text(lines):
    return [(r["name"], float(r["lower"]), float(r["upper"]), float(r["scaling"]),
             (r.get("axis") or "").strip() == "log") for r in csv.DictReader(lines)]


def train(model, args):
    hp = {"noise_dim": 64, "batch_size": 512, "lr_gen": 1e-3, "lr_disc": 1e-3,
          "gen_layersize": 256, "disc_layersize": 256}
    seed, epochs, log, save, cols = 1, 1, None, None, ["x"]
    for k, v in zip(args[::2], args[1::2]):
        name = k[2:].replace("-", "_")
        if name in hp:
            hp[name] = float(v)
        elif k == "--seed":
            seed = int(v)
        elif k == "--epochs":
            epochs = int(v)
        elif k == "--log":
            log = v
        elif k == "--save-model":
            save = v
        elif k == "--out-cols":
            cols = v.split(",")
    t = Model(model).truth(hp)
    rng = np.random.default_rng(zlib.crc32(f"{seed} {sorted(hp.items())}".encode()))
    s = float(os.environ.get("SIM_SIGMA", "0.25"))
    w = t * math.exp(s * rng.standard_normal() - s * s / 2)
    if log:
        with open(log + ".tmp", "w") as f:
            f.write("epoch,d_loss,g_loss" + "".join(",wd_" + c for c in cols) + ",wd_mean,seconds\n")
            for e in range(1, epochs + 1):
                f.write(f"{e},0.69,0.69" + "".join(f",{w:.6g}" for _ in cols) + f",{w:.6g},0.01\n")
        os.replace(log + ".tmp", log)
    if save:
        with open(save + ".tmp", "w") as f:
            f.write(f"hpo_sim stand-in seed={seed}\n")
        os.replace(save + ".tmp", save)
    print("best_wd,best_epoch,epochs,seconds,params,status" + "".join(",wd_" + c for c in cols))
    print(f"{w:.6g},{epochs},{epochs},0.01,1000,ok" + "".join(f",{w:.6g}" for _ in cols))


def truth(model, out, study, budget):
    from scipy.stats import mannwhitneyu
    m = Model(model)
    tag = f"{study}-b{budget}"
    picks = {}
    for f in (f"{out}/picks-{tag}.csv", f"{out}/picks-{tag}.csv.tmp"):
        if os.path.exists(f):
            for r in csv.reader(open(f)):
                picks.setdefault(r[0], {})[int(r[1])] = m.truth(
                    {kv.split("=")[0]: float(kv.split("=")[1]) for kv in r[3].split(";")})
    oracle = {}
    for f in glob.glob(f"{out}/gantune/{tag}-s*/{study}/broad/history.csv"):
        s = int(f.split(f"{tag}-s")[1].split("/")[0])
        oracle.setdefault("gantune", {})[s] = min(m.truth({k: float(r[k]) for k in HP})
                                                  for r in csv.DictReader(open(f)) if r["status"] == "ok")
    for f in glob.glob(f"{out}/search/{tag}-*-s*.csv"):
        meth, s = f.rsplit("/", 1)[1][len(tag) + 1:-4].rsplit("-s", 1)
        oracle.setdefault(meth, {})[int(s)] = min(m.truth(dict(zip(HP, map(float, r[1:7]))))
                                                  for r in csv.reader(open(f)) if r and r[0] != "best")
    print(f"# {tag} on the surrogate: truth at the pick, mean (sd) over search seeds; oracle: the "
          "lowest truth among the sets the search evaluated")
    g = picks.get("gantune", {})
    for meth in sorted(picks, key=lambda x: (x != "gantune", x)):
        v = picks[meth]
        seeds = sorted(v)
        line = (f"{meth:17s} n={len(seeds):2d} pick {np.mean([v[s] for s in seeds]):.4f} "
                f"({np.std([v[s] for s in seeds], ddof=1) if len(seeds) > 1 else 0:.4f})")
        o = oracle.get(meth, {})
        if o:
            line += f"  oracle {np.mean(list(o.values())):.4f}"
        common = sorted(set(g) & set(v))
        if meth != "gantune" and len(common) > 1:
            a, b = [g[s] for s in common], [v[s] for s in common]
            line += (f"  gantune {100 * (1 - np.mean(a) / np.mean(b)):.0f}% lower over {len(common)}"
                     f" seeds, p = {mannwhitneyu(a, b).pvalue:.3f}, lower on {sum(x < y for x, y in zip(a, b))}")
        print(line)


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "pool":
        pool(*sys.argv[2:5])
    elif len(sys.argv) == 5 and sys.argv[1] == "fit":
        fit(*sys.argv[2:5])
    elif len(sys.argv) >= 3 and sys.argv[1] == "train":
        train(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) >= 6 and sys.argv[1] == "truth":
        truth(*sys.argv[2:6])
    else:
        sys.exit(__doc__)
