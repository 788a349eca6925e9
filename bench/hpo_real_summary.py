#!/usr/bin/python3
"""hpo_real_summary.py OUT STUDY BUDGET SEEDS — the table of bench/hpo-real: per method and
search seed the pick's observed W1 and its retrained W1 (mean +- sd over the retrainings); per
method the mean and sd over search seeds of the retrained means, the search CPU time (user +
sys of the whole search) and a Mann-Whitney p (two-sided, scipy) of gantune's retrained means
against each other method's, and one over the pooled retrainings (optimistic: a pick's
retrainings are not independent of its search). Seeds whose search or retraining is not finished are left out."""
import csv, os, statistics, sys
from scipy.stats import mannwhitneyu

out, study, budget, seeds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tag = f"{study}-b{budget}"
picks = {}
pf = os.path.join(out, f"picks-{tag}.csv")
if os.path.exists(pf):
    for row in csv.reader(open(pf)):
        label, s, obs, hps = row[0], int(row[1]), float(row[2]), row[3]
        picks[(label, s)] = (obs, hps)


def cpu(label, s):
    f = (os.path.join(out, "gantune", f"{tag}-s{s}.time") if label.startswith("gantune")
         else os.path.join(out, "search", f"{tag}-{label}-s{s}.time"))
    try:
        u, sy, _ = open(f).read().split()[-3:]
        return float(u) + float(sy)
    except (OSError, ValueError):
        return float("nan")


def retrained(label, s):
    f = os.path.join(out, "retrain", f"{tag}-{label}-s{s}.csv")
    if not os.path.exists(f):
        return None
    v = [float(r[1]) for r in csv.reader(open(f)) if len(r) >= 3 and r[2] == "ok"]
    return v or None


labels = sorted({k[0] for k in picks}, key=lambda x: ["gantune", "gantune-observed", "tpe", "random"].index(x)
                if x in ("gantune", "gantune-observed", "tpe", "random") else 9)
print(f"# {tag}: search seeds 1..{seeds}; W1 observed at the pick -> retrained mean +- sd "
      "over the retrainings (hyperparameters)")
means = {}
for label in labels:
    means[label] = []
    for s in range(1, seeds + 1):
        if (label, s) not in picks:
            continue
        v = retrained(label, s)
        obs, hps = picks[(label, s)]
        if v is None:
            print(f"{label:17s} seed {s}: observed {obs:.3f} -> (not retrained yet)")
            continue
        m = statistics.mean(v)
        sd = statistics.stdev(v) if len(v) > 1 else 0.0
        means[label].append((s, m))
        print(f"{label:17s} seed {s}: observed {obs:.3f} -> {m:.3f} +- {sd:.3f} over {len(v)} "
              f"({hps.replace(';', ' ')}); search CPU {cpu(label, s):.0f} s")
print("# method: retrained W1 mean over search seeds (sd over seeds), n seeds, mean search CPU s; "
      "Mann-Whitney p of gantune against it")
g = [m for _, m in means.get("gantune", [])]
for label in labels:
    ms = [m for _, m in means[label]]
    if not ms:
        continue
    sd = statistics.stdev(ms) if len(ms) > 1 else 0.0
    c = [x for x in (cpu(label, s) for s, _ in means[label]) if x == x]   # a resumed search has no time
    line = (f"{label:17s} {statistics.mean(ms):.4f} (sd {sd:.4f}) n={len(ms)} cpu "
            f"{statistics.mean(c) if c else float('nan'):.0f} s over {len(c)}")
    if label != "gantune" and g and len(ms) > 0:
        p = mannwhitneyu(g, ms, alternative="two-sided").pvalue
        r = statistics.mean(g) / statistics.mean(ms) - 1
        line += f"; gantune {abs(100 * r):.0f}% {'higher' if r > 0 else 'lower'}, p = {p:.2f}"
        # every retraining of every pick: one pick's retrainings share its search, so they are
        # not independent draws and this p is optimistic
        gp = [v for s, _ in means["gantune"] for v in retrained("gantune", s)]
        op = [v for s, _ in means[label] for v in retrained(label, s)]
        line += (f"; pooled {len(gp)} vs {len(op)} retrainings p = "
                 f"{mannwhitneyu(gp, op, alternative='two-sided').pvalue:.3f} (optimistic)")
    print(line)
