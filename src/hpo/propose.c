/* propose.c — see propose.h. Each call of surrogate-propose is a fresh process, so all search
 * state (the DYCORS step size and its counters) is rebuilt by replaying the history in order;
 * the same inputs and seed give the same proposal. */
#include "hpo/propose.h"
#include "hpo/design.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void proposer_init(Proposer *p)
{
    p->d = p->sp->d;
    keyset_init(&p->taken);
    for (size_t i = 0; i < p->hist->n; i++) keyset_add(&p->taken, space_key(p->sp, p->hist->k + i * p->d));
    for (size_t i = 0; i < p->pend->n; i++) keyset_add(&p->taken, space_key(p->sp, p->pend->k + i * p->d));
    p->out = xmalloc((size_t)(p->n > 0 ? p->n : 1) * p->d * sizeof *p->out);
    p->nout = 0;
}

void proposer_free(Proposer *p)
{
    keyset_free(&p->taken);
    free(p->out);
    p->out = NULL;
}

double proposer_left(const Proposer *p) { return space_size(p->sp) - (double)p->taken.n; }

static void decode_key(const Space *sp, uint64_t key, long *k)
{
    for (int j = sp->d - 1; j >= 0; j--) {
        uint64_t w = (uint64_t)(sp->hi[j] - sp->lo[j] + 1);
        k[j] = sp->lo[j] + (long)(key % w);
        key /= w;
    }
}

static void random_point(Proposer *p, long *k)
{
    for (int j = 0; j < p->d; j++)
        k[j] = p->sp->lo[j] + (long)rng_below(&p->rng, (uint64_t)(p->sp->hi[j] - p->sp->lo[j] + 1));
}

void proposer_fresh(Proposer *p, long *k)
{
    for (int t = 0; t < 10000; t++) {
        random_point(p, k);
        if (!keyset_has(&p->taken, space_key(p->sp, k))) return;
    }
    /* Nearly exhausted: walk the keys from a random start. */
    uint64_t size = (uint64_t)space_size(p->sp), key = rng_below(&p->rng, size);
    for (uint64_t t = 0; t < size; t++, key = (key + 1) % size)
        if (!keyset_has(&p->taken, key)) { decode_key(p->sp, key, k); return; }
    die(EXIT_RUNTIME, "internal error: no free lattice point");
}

void proposer_emit(Proposer *p, const long *k)
{
    keyset_add(&p->taken, space_key(p->sp, k));
    memcpy(p->out + (size_t)p->nout * p->d, k, (size_t)p->d * sizeof *k);
    p->nout++;
}

/* Squared distance from u to the nearest of the n points in X (unit cube). */
static double nearest2(const double *u, const double *X, int n, int d)
{
    double best = INFINITY;
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < d && s < best; j++) s += (u[j] - X[(size_t)i * d + j]) * (u[j] - X[(size_t)i * d + j]);
        if (s < best) best = s;
    }
    return best;
}

/* ---- DYCORS search state, rebuilt from the history */

typedef struct { double sigma; int succ, fail, restarts; } Dycors;

static const double SIGMA_INIT = 0.2, SIGMA_MAX = 0.4;

static Dycors dycors_replay(const PointSet *h, int n_init, int d)
{
    Dycors s = { SIGMA_INIT, 0, 0, 0 };
    double best = INFINITY, sigma_min = SIGMA_INIT / 16;
    int seen = 0, tol_fail = d > 4 ? d : 4;
    for (size_t i = 0; i < h->n; i++) {
        int ok = h->ok[i];
        if (seen < n_init) {            /* the initial design moves no step size */
            if (ok) { seen++; best = fmin(best, h->y[i]); }
            continue;
        }
        if (ok && h->y[i] < best - 1e-3 * fabs(best)) { s.succ++; s.fail = 0; }
        else { s.fail++; s.succ = 0; }
        if (ok) best = fmin(best, h->y[i]);
        if (s.succ >= 3) { s.sigma = fmin(2 * s.sigma, SIGMA_MAX); s.succ = 0; }
        if (s.fail >= tol_fail) { s.sigma /= 2; s.fail = 0; }
        if (s.sigma < sigma_min) { s.sigma = SIGMA_INIT; s.restarts++; }   /* collapsed */
    }
    return s;
}

/* Candidates: DYCORS perturbations of the best point plus uniform lattice points. */
static int make_candidates(Proposer *c, const long *best, const Dycors *st, int nevals,
                           long *cand)
{
    const Space *sp = c->sp;
    int d = c->d, m = 0, ncand = c->ncand;
    /* Perturbation probability falls with the evaluations spent (Regis & Shoemaker 2013). */
    double p0 = fmin(1.0, 20.0 / d), span = fmax(2.0, (double)(c->budget - c->n_init));
    double t = fmax(0.0, (double)(nevals - c->n_init));
    double p = p0 * (1 - log(t + 1) / log(span));
    if (p < 1.0 / d) p = 1.0 / d;
    int nlocal = ncand * 4 / 5;
    long *k = xmalloc((size_t)d * sizeof *k);
    for (int tries = 0; m < ncand && tries < 20 * ncand; tries++) {
        if (m < nlocal) {
            memcpy(k, best, (size_t)d * sizeof *k);
            int moved = 0;
            for (int j = 0; j < d; j++) {
                if (rng_uniform(&c->rng) >= p) continue;
                long w = sp->hi[j] - sp->lo[j];
                if (w == 0) continue;
                if (m % 3 == 2) {
                    /* A third of the local candidates redraw the perturbed coordinates over
                     * their whole range: a coordinate stuck in the wrong basin of a
                     * multimodal objective can only leave it by a long jump. */
                    k[j] = sp->lo[j] + (long)rng_below(&c->rng, (uint64_t)w + 1);
                    moved |= k[j] != best[j];
                    continue;
                }
                double step = st->sigma * rng_normal(&c->rng) * (double)w;
                long s = (long)nearbyint(step);
                if (s == 0) s = step < 0 ? -1 : 1;      /* at least one lattice step */
                long v = k[j] + s;
                if (v < sp->lo[j]) v = 2 * sp->lo[j] - v;    /* reflect at the bounds */
                if (v > sp->hi[j]) v = 2 * sp->hi[j] - v;
                k[j] = v < sp->lo[j] ? sp->lo[j] : v > sp->hi[j] ? sp->hi[j] : v;
                moved = 1;
            }
            if (!moved) {                           /* perturb one coordinate at least */
                int j = (int)rng_below(&c->rng, (uint64_t)d);
                long w = sp->hi[j] - sp->lo[j];
                if (w > 0) k[j] = k[j] < sp->hi[j] && (k[j] == sp->lo[j] || rng_below(&c->rng, 2)) ? k[j] + 1 : k[j] - 1;
            }
        } else {
            random_point(c, k);
        }
        if (keyset_has(&c->taken, space_key(sp, k))) continue;
        memcpy(cand + (size_t)m * d, k, (size_t)d * sizeof *k);
        m++;
    }
    free(k);
    return m;
}

/* ---- the two phases of a method with a model */

/* Space-filling start: the seed's maximin SLHD of n_init points, in order, skipping those
 * already taken; then random points far from everything (best of 50). */
static void propose_design(Proposer *c)
{
    const Space *sp = c->sp;
    const PointSet *h = c->hist, *pend = c->pend;
    int d = c->d, ni = c->n_init;
    double *U = xmalloc((size_t)(ni > 0 ? ni : 1) * d * sizeof *U);
    Rng dr;
    rng_seed2(&dr, c->seed, 0x5148D);          /* the same design on every call */
    if (ni > 0) slhd(&dr, ni, d, 200, U);
    long *k = xmalloc((size_t)d * sizeof *k), *kb = xmalloc((size_t)d * sizeof *kb);
    for (int i = 0; i < ni && c->nout < c->n; i++) {
        point_from_unit(sp, U + (size_t)i * d, k);
        if (!keyset_has(&c->taken, space_key(sp, k))) proposer_emit(c, k);
    }
    int cap = (int)(h->n + pend->n) + c->n, ne = 0;
    double *E = xmalloc((size_t)cap * d * sizeof *E), *u = xmalloc((size_t)d * sizeof *u);
    for (size_t i = 0; i < h->n; i++) point_to_unit(sp, h->k + i * d, E + (size_t)ne++ * d);
    for (size_t i = 0; i < pend->n; i++) point_to_unit(sp, pend->k + i * d, E + (size_t)ne++ * d);
    for (int i = 0; i < c->nout; i++) point_to_unit(sp, c->out + (size_t)i * d, E + (size_t)ne++ * d);
    while (c->nout < c->n) {
        double bestd = -1;
        for (int t = 0; t < 50; t++) {
            proposer_fresh(c, k);
            point_to_unit(sp, k, u);
            double dd = ne ? nearest2(u, E, ne, d) : 0;
            if (dd > bestd) { bestd = dd; memcpy(kb, k, (size_t)d * sizeof *k); }
        }
        proposer_emit(c, kb);
        point_to_unit(sp, kb, E + (size_t)ne++ * d);
    }
    free(U); free(k); free(kb); free(E); free(u);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Tether: a model's value far from every evaluated point is extrapolation (a cubic RBF fitted
 * to noise has a spurious trend, and its minimum along a direction that does not matter lies
 * on a face of the box). Each candidate's score is pulled towards the candidates' median by
 * w = exp(-(dist / (tether * h))^2), h the median nearest-neighbour spacing of the evaluated
 * points, so a far candidate wins by its distance (exploration), not by an extrapolated low. */
static void tether_scores(double tether, const double *E, int n, int d, const double *dv, int nc,
                          double *sv)
{
    if (!(tether > 0) || n < 2 || nc < 1) return;
    double *t = xmalloc((size_t)(n > nc ? n : nc) * sizeof *t);
    for (int a = 0; a < n; a++) {
        double b2 = INFINITY;
        for (int b = 0; b < n; b++)
            if (b != a) b2 = fmin(b2, nearest2(E + (size_t)a * d, E + (size_t)b * d, 1, d));
        t[a] = sqrt(b2);
    }
    qsort(t, (size_t)n, sizeof *t, cmp_dbl);
    double ell = tether * t[n / 2];
    memcpy(t, sv, (size_t)nc * sizeof *t);
    qsort(t, (size_t)nc, sizeof *t, cmp_dbl);
    double med = t[nc / 2];
    free(t);
    if (!(ell > 0)) return;
    for (int i = 0; i < nc; i++) {
        double z = dv[i] / ell;
        sv[i] = med + (sv[i] - med) * exp(-z * z);
    }
}

/* The model phase: fit, condition on the pending points, then one candidate set per pick. */
static void propose_model(Proposer *c, const SurrogateMethod *m)
{
    const Space *sp = c->sp;
    const PointSet *h = c->hist, *pend = c->pend;
    int d = c->d, n = (int)h->n;
    void *model = surrogate_fit(m, sp, h, c->cap, c->smoothing, c->noise_dof, c->pruned_sd, &c->rng);

    size_t ibest = 0;
    for (size_t i = 0; i < h->n; i++)
        if (h->ok[i] && (!h->ok[ibest] || h->y[i] < h->y[ibest])) ibest = i;
    Dycors st = dycors_replay(h, c->n_init, d);

    /* Points the search keeps its distance from: evaluated, pending, then chosen. */
    int cap = n + (int)pend->n + c->n;
    double *E = xmalloc((size_t)cap * d * sizeof *E);
    int ne = 0;
    for (size_t i = 0; i < h->n; i++, ne++) point_to_unit(sp, h->k + i * d, E + (size_t)ne * d);
    for (size_t i = 0; i < pend->n; i++, ne++) point_to_unit(sp, pend->k + i * d, E + (size_t)ne * d);
    if (m->condition && pend->n) m->condition(model, E + (size_t)n * d, (int)pend->n);

    long *cand = xmalloc((size_t)c->ncand * d * sizeof *cand);
    double *cu = xmalloc((size_t)c->ncand * d * sizeof *cu);
    double *sv = xmalloc((size_t)c->ncand * sizeof *sv), *dv = xmalloc((size_t)c->ncand * sizeof *dv);
    double *mv = xmalloc((size_t)c->ncand * sizeof *mv);
    int nevals = n + (int)pend->n;
    while (c->nout < c->n) {
        int nc = make_candidates(c, h->k + ibest * d, &st, nevals + c->nout, cand);
        if (nc == 0) { long k[64]; proposer_fresh(c, k); proposer_emit(c, k); continue; }
        for (int i = 0; i < nc; i++) {
            double *u = cu + (size_t)i * d;
            point_to_unit(sp, cand + (size_t)i * d, u);
            dv[i] = sqrt(nearest2(u, E, ne, d));
        }
        m->score(model, cu, nc, sv);
        tether_scores(c->tether, E, n, d, dv, nc, sv);
        m->merit(sv, dv, nc, nevals + c->nout, mv);
        int pick = 0;
        double bestm = INFINITY;
        for (int i = 0; i < nc; i++)
            if (mv[i] < bestm) { bestm = mv[i]; pick = i; }
        proposer_emit(c, cand + (size_t)pick * d);
        memcpy(E + (size_t)ne++ * d, cu + (size_t)pick * d, (size_t)d * sizeof *cu);
        if (m->condition && c->nout < c->n) m->condition(model, cu + (size_t)pick * d, 1);
    }
    free(cand); free(cu); free(sv); free(dv); free(mv); free(E);
    m->free(model);
}

void propose_with_model(Proposer *p, const SurrogateMethod *m)
{
    int nok = 0;
    for (size_t i = 0; i < p->hist->n; i++) nok += p->hist->ok[i];
    if (nok < p->n_init || nok < 2) propose_design(p);
    else propose_model(p, m);
}
