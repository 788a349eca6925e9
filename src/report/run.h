/* run.h — one run directory as hpo-report reads it: run.conf, space.csv, history.csv, the trial
 * records' parameter counts, timeline.csv and pending.csv, loaded into a Run. */
#ifndef GANTUNE_REPORT_RUN_H
#define GANTUNE_REPORT_RUN_H
#include "hpo/rundir.h"

typedef struct {
    char *dir, *label;
    RunConf *conf;               /* run.conf through rundir.h; ckey/cval/nconf are its lines */
    char **ckey, **cval;
    int nconf;
    int d;                       /* hyperparameters, from space.csv */
    char **hp;
    double *lo, *hi, *scal;      /* lattice bounds k in [lo, hi], value k*scal */
    int n;                       /* history rows, in completion order */
    int *id, *ok, *ntr, *nfail;
    int *pruned_at;              /* the rung a pruned set stopped at, 0 when not pruned */
    double *x;                   /* n x d hyperparameter values */
    double *mean, *sd, *params;  /* params NaN when no trial record names it */
    int best;                    /* index into history of the recommended set (rundir's best_pick:
                                  * run.conf's kappa and recommend), -1 if none */
    int best_obs;                /* the lowest observed objective (best_set), -1 if none */
    const char *rule;            /* the rule that made the pick: smoothed or observed */
    double best_smoothed;        /* the pick's smoothed value (its objective under observed) */
    int npending;
    int nt;                      /* timeline rows */
    int *t_id, *t_trial, *t_slot;
    double *t_start, *t_end;
} Run;

/* run.conf's value of key, NULL when unset (rundir.h: an empty value is unset). */
const char *conf_get(const Run *r, const char *key);
/* A search whose budget the initial design fills (n_init >= budget): the surrogate of its
 * method never chose a set. Not for the final phase, nor methods without a model. */
int run_design_only(const Run *r);
/* Load the run directory dir into r; dies naming the file on a malformed or missing input. */
void read_run(Run *r, const char *dir);
void run_free(Run *r);
#endif
