/* lhs.c — the "lhs" method: one random Latin hypercube of the points asked for (a point already
 * taken is replaced by a random free one), no model (its importance, and a report's surrogate
 * of its runs, use the default method's model). */
#include "hpo/propose.h"
#include "hpo/surrogate.h"
#include "base/util.h"

#include <stdlib.h>

static void lhs_propose(Proposer *c, const SurrogateMethod *self)
{
    (void)self;
    int d = c->d, n = c->n;
    double *U = xmalloc((size_t)n * d * sizeof *U);
    uint32_t *perm = xmalloc((size_t)n * sizeof *perm);
    for (int j = 0; j < d; j++) {
        for (int i = 0; i < n; i++) perm[i] = (uint32_t)i;
        rng_shuffle_u32(&c->rng, perm, (size_t)n);
        for (int i = 0; i < n; i++) U[(size_t)i * d + j] = (perm[i] + rng_uniform(&c->rng)) / n;
    }
    long *k = xmalloc((size_t)d * sizeof *k);
    for (int i = 0; i < n; i++) {
        point_from_unit(c->sp, U + (size_t)i * d, k);
        if (keyset_has(&c->taken, space_key(c->sp, k))) proposer_fresh(c, k);
        proposer_emit(c, k);
    }
    free(U); free(perm); free(k);
}

const SurrogateMethod surrogate_lhs = {
    .name = "lhs", .label = "Latin hypercube", .propose = lhs_propose,
};
