/* cost.h — the per-set cost model behind `make estimate` (hpo-estimate) and hpo-step's ETA.
 *
 * One training epoch of a trial costs events * (a + b*params + c/batch) seconds: a the per-event
 * work that does not grow with the networks (data gather, noise, batch norm), b the GEMMs
 * (their flops grow with the parameter count), c the fixed cost of a step (a kernel launch,
 * Adam over the parameters) spread over the batch. a, b, c are fitted by least squares to a few
 * hundred timed steps of a few architectures spread over the space; params is gan-train's count
 * (gan_params_reference) of the set's networks: the space's hyperparameters on the study's
 * trainer arguments (its TRAIN_ARGS: --model calo counts the CaloGAN-like model, calogan.h).
 * RUNDIR/cost.csv holds a fitted model (a,b,c,events,set_seconds, then the networks it counts:
 * model,noise_dim,batch_size,gen_layersize,disc_layersize,filters,kernel, gan-train's values
 * where the space sets none; set_seconds the expected trainer seconds of one set of the phase,
 * pruning included); rundir.h lists it among the run directory's files. */
#ifndef GANTUNE_COST_H
#define GANTUNE_COST_H
#include "hpo/prune.h"
#include "hpo/space.h"
#include "model/ganconf.h"

typedef struct {
    double a, b, c;
} CostModel;

/* The networks the trainer builds outside the space: gan-train's defaults, then its options in
 * words (the trainer arguments, split at blanks as the workflow splits TRAIN_ARGS; NULL or ""
 * for none; a word gan-train refuses is refused as gan-train would, exit 2), with ncond and nout
 * the data's columns. Only the networks' fields are kept (no strings point into words). */
void cost_base(GanConfig *base, const char *words, int ncond, int nout);
/* Parameter count and batch size of the set with values v (space order): hyperparameters named
 * noise_dim, batch_size, gen_layersize, disc_layersize, filters, kernel set those of base. */
double cost_params(const GanConfig *base, const Space *sp, const double *v, double *batch);
/* Least squares of sec_per_event ~ a + b*params + c/batch over n >= 3 timings, weighted by
 * 1/sec_per_event so relative errors count. Returns 0, or -1 when the fit is singular. */
int cost_fit(const double *params, const double *batch, const double *sec_per_event, int n, CostModel *m);
double cost_epoch(const CostModel *m, double params, double batch, double events);
/* Expected epochs a trial trains under p in a phase of nsets sets of `epochs` epochs, averaged
 * over the sets: at a rung reached by n sets before it a set survives with probability
 * max(1, floor((n+1)/eta))/(n+1) (its rank is uniform), always while n+1 < min. */
double cost_expected_epochs(const PruneConf *p, long epochs, long nsets);
/* RUNDIR/cost.csv: 1 and the model with set_seconds and the networks it counts (base, may be
 * NULL; gan-train's defaults where an older file names none; its ncond and nout stay 0) when
 * present, 0 when absent. */
int cost_read(const char *dir, CostModel *m, double *events, double *set_seconds, GanConfig *base);
/* Write a cost.csv (to a temp name, renamed) of the model, its events and set_seconds, and the
 * networks it counts. */
void cost_write(const char *path, const CostModel *m, long events, double set_seconds,
                const GanConfig *base);
#endif
