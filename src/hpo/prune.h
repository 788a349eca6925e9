/* prune.h — the pruning rule of the search loop: asynchronous successive halving (ASHA) that
 * judges a hyperparameter set by all of its trials together.
 *
 * At a rung (an epoch), a set reports the best W1 so far of each of its trials. It continues
 * when its lower bound lcb = mean - z*sd/sqrt(n) over those trials is at most the k-th smallest
 * mean among the n_sets sets that have reached this rung (itself included), k = max(1,
 * floor(n_sets/eta)); or when its mean is already no worse than the best finished set's
 * objective (so the best set so far is never pruned); or while fewer than min sets have reached
 * the rung. Otherwise it is pruned there. The rule sees only what is known when the set asks:
 * no set waits for another (no barrier), and the decision, written with its inputs to
 * rungs.csv (rundir.h), is never recomputed. */
#ifndef GANTUNE_PRUNE_H
#define GANTUNE_PRUNE_H
#include "hpo/rundir.h"

enum { PRUNE_MAX_RUNGS = 32 };

typedef struct {
    int on;                        /* run.conf prune=asha (0: prune=none or absent) */
    double eta, z;
    long min_sets;
    int nrungs;
    long rung[PRUNE_MAX_RUNGS];    /* ascending epochs, each below the phase's epochs (resolved) */
} PruneConf;

/* Defaults: eta 3, min 4, z 0.5 (BENCHMARKS.md: the replay on real curves). */
#define PRUNE_ETA 3.0
#define PRUNE_MIN 4
#define PRUNE_Z 0.5

/* The geometric default: round(epochs / eta^k) for k = 1, 2, ... while epochs / eta^k >= 1,
 * ascending, duplicates dropped (20 epochs, eta 3: 2,7). Returns the count. */
int prune_default_rungs(long epochs, double eta, long *rung, int max);
/* Parse a rung list: ascending items, each a whole epoch in [1, epochs) ("2,7") or a fraction
 * of the phase's epochs strictly between 0 and 1, as a/b or a decimal ("1/8,1/4,1/2", "0.25").
 * A fraction f is the epoch round(f*epochs), halves up, computed exactly (1/8 of 20 is 2.5:
 * 3); one that lands below 1 or at or above epochs, or on the rung before it, is dropped, so
 * 1/8,1/4,1/2 is 3,5,10 at 20 epochs, 1,2,4 at 8, 1,2 at 4 and 3, 1 at 2, none at 1. Every
 * reader resolves the list as written in run.conf with the run's epochs, so all agree. what
 * names the list in messages ("DIR/run.conf: prune_rungs"). Returns the count; dies (exit 1)
 * naming a bad item, a whole epoch outside [1, epochs) or items out of order. */
int prune_parse_rungs(const char *what, const char *list, long epochs, long *rung, int max);
/* From run.conf: prune (none|asha), prune_eta, prune_rungs, prune_min, prune_z, epochs.
 * Dies "DIR/run.conf: ..." on an unknown mode or a bad rung list. */
void prune_conf_load(const RunConf *c, PruneConf *p);
/* Whether epoch is one of p's rungs. */
int prune_is_rung(const PruneConf *p, long epoch);

typedef struct {
    double mean, sd, lcb, threshold;
    long n_sets;
    int keep;                      /* 1 continue, 0 prune */
} PruneDecision;

/* The rule. vals: the set's n trial values (non-finite ones ignored; at least one finite);
 * others: the means of the sets that reached this rung before (non-finite ones ignored);
 * best: the best finished set's objective (INFINITY: none yet). */
void prune_decide(const PruneConf *p, const double *vals, int n, const double *others,
                  int nothers, double best, PruneDecision *d);
#endif
