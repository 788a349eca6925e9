/* random.c — the "random" method: uniformly random lattice points not yet taken, no model (its
 * importance, and a report's surrogate of its runs, use the default method's model). */
#include "hpo/propose.h"
#include "hpo/surrogate.h"

static void random_propose(Proposer *p, const SurrogateMethod *self)
{
    (void)self;
    long k[64];
    while (p->nout < p->n) {
        proposer_fresh(p, k);
        proposer_emit(p, k);
    }
}

const SurrogateMethod surrogate_random = {
    .name = "random", .label = "random search", .propose = random_propose,
};
