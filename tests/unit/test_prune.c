/* test_prune.c — the pruning rule (hpo/prune.h): the geometric default rungs, rung lists, the
 * warm-up, the k-th smallest mean as the cut, the trial-spread allowance, and the best finished
 * set's exemption. */
#include "check.h"
#include "hpo/prune.h"

#include <math.h>

int main(void)
{
    long r[PRUNE_MAX_RUNGS];
    int n = prune_default_rungs(20, 3, r, PRUNE_MAX_RUNGS);
    CHECK(n == 2 && r[0] == 2 && r[1] == 7, "20 epochs, eta 3: 2,7 (got %d: %ld,%ld)", n, r[0], r[1]);
    n = prune_default_rungs(8, 3, r, PRUNE_MAX_RUNGS);
    CHECK(n == 1 && r[0] == 3, "8 epochs: 3 (got %d)", n);
    CHECK(prune_default_rungs(2, 3, r, PRUNE_MAX_RUNGS) == 0, "2 epochs: no rung");
    n = prune_default_rungs(100, 2, r, PRUNE_MAX_RUNGS);
    CHECK(n == 6 && r[0] == 2 && r[5] == 50, "100 epochs, eta 2: 2,3,6,13,25,50 (got %d, %ld..%ld)", n, r[0], r[n - 1]);
    n = prune_parse_rungs("t", "1,3", 9, r, PRUNE_MAX_RUNGS);
    CHECK(n == 2 && r[0] == 1 && r[1] == 3, "parse 1,3");
    /* fractions of the epochs: round(f*epochs), halves up; below 1, at/above epochs or on the
     * rung before: dropped. The study default 1/8,1/4,1/2 at several epoch counts. */
    static const struct { long epochs; const char *list; int n; long r[4]; } fr[] = {
        {8, "1/8,1/4,1/2", 3, {1, 2, 4}},
        {20, "1/8,1/4,1/2", 3, {3, 5, 10}},      /* 2.5 -> 3 */
        {4, "1/8,1/4,1/2", 2, {1, 2}},           /* 0.5 -> 1, 1 duplicate */
        {3, "1/8,1/4,1/2", 2, {1, 2}},           /* 0.375 dropped, 0.75 -> 1, 1.5 -> 2 */
        {2, "1/8,1/4,1/2", 1, {1}},              /* 0.25 dropped, 0.5 -> 1, 1 duplicate */
        {1, "1/8,1/4,1/2", 0, {0}},              /* every rung at or above the last epoch */
        {100, "1/8,1/4,1/2", 3, {13, 25, 50}},   /* 12.5 -> 13 */
        {10, "0.15,0.5", 2, {2, 5}},             /* 1.5 exactly (no binary 0.15): 2 */
        {8, ".25,3,0.9", 3, {2, 3, 7}},          /* decimals and whole epochs mixed; 7.2 -> 7 */
        {8, "0.2,2,6/8", 2, {2, 6}},             /* 1.6 -> 2 = the whole 2 after it: dropped */
        {16, "2/6,1/2", 2, {5, 8}},              /* 5.33 -> 5 */
        {8, "0.99", 0, {0}},                     /* 7.92 -> 8, the last epoch: dropped */
        {8, "1/16", 1, {1}},                     /* 0.5 -> 1 */
        {8, "1/17", 0, {0}},                     /* 0.47 -> 0: dropped */
    };
    for (size_t i = 0; i < sizeof fr / sizeof *fr; i++) {
        n = prune_parse_rungs("t", fr[i].list, fr[i].epochs, r, PRUNE_MAX_RUNGS);
        int same = n == fr[i].n;
        for (int j = 0; same && j < n; j++) same = r[j] == fr[i].r[j];
        CHECK(same, "%s at %ld epochs: %d rungs (%ld,%ld,%ld), want %d", fr[i].list, fr[i].epochs, n,
              n > 0 ? r[0] : -1, n > 1 ? r[1] : -1, n > 2 ? r[2] : -1, fr[i].n);
    }

    PruneConf p = {.on = 1, .eta = 3, .z = 0, .min_sets = 3};
    PruneDecision d;
    double v2[2] = {0.5, 0.5}, others[8] = {0.2, 0.3, 0.4, 0.6, 0.7};
    /* warm-up: two sets before, so three at the rung with this one: still too few? min 3 ranks */
    prune_decide(&p, v2, 2, others, 1, INFINITY, &d);
    CHECK(d.keep && d.n_sets == 2, "2 sets < min 3: kept (n_sets %ld)", d.n_sets);
    prune_decide(&p, v2, 2, others, 2, INFINITY, &d);
    CHECK(!d.keep && d.n_sets == 3 && d.threshold == 0.2, "3 sets, keep 1: 0.5 > 0.2 pruned");
    /* 6 sets: keep floor(6/3) = 2, the cut is the 2nd smallest mean 0.3 */
    prune_decide(&p, v2, 2, others, 5, INFINITY, &d);
    CHECK(!d.keep && d.threshold == 0.3 && d.n_sets == 6, "6 sets: cut 0.3 (got %g)", d.threshold);
    double good[2] = {0.25, 0.25};
    prune_decide(&p, good, 2, others, 5, INFINITY, &d);
    CHECK(d.keep && d.threshold == 0.25, "0.25 is in the best 2 of 6 (cut %g)", d.threshold);
    /* the spread allowance: mean 0.35, sd 0.1414, n 2, z 1 -> lcb 0.25 <= cut 0.3: kept */
    double spread[2] = {0.25, 0.45};
    prune_decide(&p, spread, 2, others, 5, INFINITY, &d);
    CHECK(!d.keep, "z 0: mean 0.35 > cut 0.3: pruned");
    p.z = 1;
    prune_decide(&p, spread, 2, others, 5, INFINITY, &d);
    CHECK(d.keep && fabs(d.lcb - 0.25) < 1e-12 && fabs(d.sd - 0.1414213562) < 1e-9, "z 1: lcb 0.25 kept");
    p.z = 0;
    /* the best finished set's exemption: a mean already no worse than it is never pruned */
    prune_decide(&p, v2, 2, others, 5, 0.5, &d);
    CHECK(d.keep, "mean 0.5 <= best finished 0.5: kept");
    prune_decide(&p, v2, 2, others, 5, 0.49, &d);
    CHECK(!d.keep, "mean 0.5 > best finished 0.49: pruned");
    /* non-finite values: a diverged trial's nan is ignored, a set of nans only is kept */
    double one[2] = {0.25, NAN}, none[2] = {NAN, NAN};
    prune_decide(&p, one, 2, others, 5, INFINITY, &d);
    CHECK(d.keep && d.mean == 0.25 && d.sd == 0, "nan trial ignored");
    prune_decide(&p, none, 2, others, 5, INFINITY, &d);
    CHECK(d.keep && isnan(d.mean) && d.n_sets == 5, "no value: kept, not counted");
    /* the best at the rung always stays, however many sets */
    double many[64];
    for (int i = 0; i < 64; i++) many[i] = 0.1 + 0.01 * i;
    double best1[1] = {0.05};
    prune_decide(&p, best1, 1, many, 64, INFINITY, &d);
    CHECK(d.keep, "the lowest mean at the rung is kept");
    return check_done("test_prune");
}
