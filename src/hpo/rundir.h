/* rundir.h — the one owner of a run directory's format (README, Workflows; hpo-step.1):
 *
 *   run.conf        key=value lines (the known keys and their types are one table in rundir.c)
 *   space.csv       the lattice, read through space.h
 *   proposals.csv   id,<hyperparameters>,proposed_at      every set ever issued
 *   pending.csv     id,<hyperparameters>                  issued, not finished
 *   history.csv     id,<hyperparameters>,wd_mean,wd_std,n_trials,n_failed,status,pruned_at
 *   trials/ID-T.csv one trial record: id,trial,seed,<hyperparameters>,<gan-train's record>
 *   timeline.csv    id,trial,slot,host,start,end          one line per trial, O_APPEND
 *   lock            flock(2) of hpo-step; claims/ID the sets being worked on
 *   rungs/ID-T-E    pruning: trial T of set ID's best W1 after epoch E (one number)
 *   rungs.csv       pruning: one row per set and rung, the decision and all its inputs
 *   cost.csv        the cost model of the machine (hpo-estimate), for the progress line's ETA
 *
 * Every CSV file is read by column name (any column order); hpo-step rewrites them in the
 * order above. The best set of a run is defined here and nowhere else (best_set). */
#ifndef GANTUNE_RUNDIR_H
#define GANTUNE_RUNDIR_H
#include "hpo/space.h"

#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------- run.conf */

/* One rule: a line is blank, a comment ('#' first), or KEY=VALUE (VALUE verbatim to the end of
 * the line, may be empty or hold spaces and '='). A key not in the known list, a key given
 * twice, or a value that is not of the key's type and range is an error
 * "prog: DIR/run.conf:LINE: ..." (exit 1). An empty value means the key is not set. */
typedef struct {
    char *path;
    int n;
    char **key, **val;  /* in file order */
    long *line;
} RunConf;

RunConf *runconf_load(const char *dir);
/* The same rule on any file (the unit tests; a conf not in a run directory). */
RunConf *runconf_read(const char *path);
void runconf_free(RunConf *c);
/* The value, or NULL when the key is absent or empty. Asking for a key not in the known list
 * is a program error (dies): every key has to be added to the table first. */
const char *runconf_get(const RunConf *c, const char *key);
/* As runconf_get, but dies "DIR/run.conf: missing key 'x'" when it is not set. */
const char *runconf_need(const RunConf *c, const char *key);
/* Typed values, checked against the key's range when the file was read: the required form dies
 * when unset, the _or form returns dflt. */
long runconf_long(const RunConf *c, const char *key);
long runconf_long_or(const RunConf *c, const char *key, long dflt);
double runconf_double_or(const RunConf *c, const char *key, double dflt);
/* A key whose value is a list NAME=VALUE,... (units, transform): NAME's value into buf (cut to
 * n bytes), 1 if named (its value may be empty), 0 if not (buf ""). */
int runconf_pair(const RunConf *c, const char *key, const char *name, char *buf, size_t n);
uint64_t runconf_u64(const RunConf *c, const char *key);
/* The set keys as key=value lines, in file order (hpo-step --conf: the shell's reader). */
void runconf_print(const RunConf *c, FILE *f);

/* ---------------------------------------------------------------- space.csv */

Space *rundir_space(const char *dir);   /* space_read(DIR/space.csv): bounds, unique names */

/* ---------------------------------------------------------------- bookkeeping files */

/* A bookkeeping file held as strings, so values round-trip verbatim when it is rewritten.
 * Columns are the file kind's schema in canonical order; line[i] is the source line of row i
 * (0 for a row added in memory). */
typedef struct {
    char *path;
    int ncols;
    char **names;
    int nrows, cap;
    char ***rows;
    long *line;
} RdTable;

typedef enum { RD_PROPOSALS, RD_PENDING, RD_HISTORY } RdKind;

/* Columns after id and the hyperparameters, per kind (NULL-terminated). */
const char *const *rd_extra_cols(RdKind kind);
/* The history columns after the hyperparameters, in order. */
enum { HIST_MEAN, HIST_STD, HIST_NTRIALS, HIST_NFAILED, HIST_STATUS, HIST_PRUNED, HIST_NSTATS };
const char *hist_col(int k);

/* Load DIR/<kind's file> by column name: every schema column must be there (else
 * "FILE:1: no column 'x'"), a column outside the schema is refused; a missing file is an
 * empty table. Rows come in file order. A column added to a schema later (history's
 * pruned_at) may be absent: its rows read its default ("0"), and the next rewrite adds it. */
void rd_load(RdTable *t, const char *dir, RdKind kind, const Space *sp);
void rd_init(RdTable *t, const char *path, int ncols, char *const *names);
void rd_add(RdTable *t, char *const *row);    /* copies the strings */
void rd_del(RdTable *t, int i);
void rd_free(RdTable *t);
int rd_col(const RdTable *t, const char *name);     /* -1 if absent */
int rd_find_id(const RdTable *t, long id);          /* row whose id column is id, or -1 */
void rd_save(const RdTable *t);                      /* atomically, header + rows, to t->path */
/* "prog: FILE:LINE: msg" for row i (exit 1). */
_Noreturn void rd_fail(const RdTable *t, int i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A history row's numbers: mean and std NaN when not a number (a failed set), ok when the
 * status is ok and the mean is finite; pruned when the status is pruned (stopped at a rung:
 * pruned_at is that epoch, mean and sd are over its trials' best W1 up to it). Dies with
 * file:line on a malformed id or count. */
typedef struct {
    long id, ntrials, nfailed, pruned_at;
    double mean, sd;
    int ok, pruned;
} HistRow;
void hist_row(const RdTable *hist, int i, HistRow *h);

/* The best set: the row with the lowest wd_mean + kappa * wd_std among rows with status ok and
 * a finite wd_mean (a wd_std that is not a finite number counts as 0); among equal objectives
 * the lowest id wins, so the answer does not depend on the order rows were finished in.
 * -1 when no row qualifies. The single definition: hpo-step's progress line and --best,
 * hpo-report and the workflow (through hpo-step --best) all use it. */
int best_set(const RdTable *hist, double kappa);
double hist_objective(const HistRow *h, double kappa);

/* The recommended set (what hpo-step --best prints, focus narrows around and final trains):
 * with run.conf's recommend=smoothed (the default), the status-ok row whose posterior mean
 * under the GP surrogate (whatever method= proposes: its fitted amplitude and nugget weigh a
 * set's trials against its neighbours) fitted to the whole history with pooled noise
 * (surrogate_noise) is lowest: a set whose few trials were lucky is pulled
 * towards its neighbours and the pooled noise, so the pick holds up better when retrained
 * than the lowest observed mean (the winner's curse). recommend=observed, or fewer than d + 2
 * finished rows to fit to, takes best_set. row is -1 when no row qualifies; observed is
 * best_set's row; smoothed[] (when not NULL, nrows long) gets each row's smoothed value (NaN
 * for rows not fitted or under the observed rule); rule names the rule that made the pick. */
typedef struct {
    int row, observed;
    const char *rule;      /* "smoothed" or "observed" */
    double value;          /* the pick's smoothed value, or its objective under "observed" */
} BestPick;
void best_pick(const RdTable *hist, const Space *sp, const RunConf *conf, BestPick *p,
               double *smoothed);

/* ---------------------------------------------------------------- trial records */

/* Columns of a trial record that are not hyperparameters: id, trial, seed (hpo-step), then
 * gan-train's record (gan-train.1: best_wd, best_epoch, epochs, seconds, epochs_per_s, params,
 * status, wd_<variable>...), and slot, host of older records. Without a space, every other
 * column of a record is a hyperparameter. */
int record_known_col(const char *name);

/* The params column of every trial record trials/ *.csv (hpo-report's parameter counts):
 * calls fn(id, params, ctx) for each record row with a positive params value. */
void rundir_record_params(const char *dir, void (*fn)(long id, double params, void *ctx), void *ctx);

/* trials/ID-T.log, the trainer's per-epoch log (gan-train --log: epoch,...,wd_mean,seconds),
 * of trials 1..ntrials of set id: calls fn(trial, epoch, wd_mean, ctx) for each row with a
 * number in both; a trial without a log (failed, or a trainer that writes none) is skipped.
 * Returns the number of logs read. */
int rundir_trial_curves(const char *dir, long id, long ntrials,
                        void (*fn)(long trial, long epoch, double wd, void *ctx), void *ctx);

/* ---------------------------------------------------------------- pruning (rungs) */

/* rungs.csv: one row per decision, appended in the order decisions were made:
 *   id,epoch,values,mean,sd,lcb,n_sets,threshold,best,decision
 * values are the set's trials' best W1 after epoch (';'-separated, trial order; "nan" for a
 * trial that ended before the rung), mean/sd/lcb over the finite ones, n_sets the sets at this
 * rung counting this one, threshold the k-th smallest mean among them, best the objective of
 * the best finished set (inf: none), decision continue or prune (prune.h has the rule). A
 * decision once written is never recomputed: a rerun or a resumed run reads it back. */
const char *const *rd_rung_cols(void);
enum { RUNG_ID, RUNG_EPOCH, RUNG_VALUES, RUNG_MEAN, RUNG_SD, RUNG_LCB, RUNG_NSETS, RUNG_THRESHOLD,
       RUNG_BEST, RUNG_DECISION, RUNG_NCOLS };
void rd_load_rungs(RdTable *t, const char *dir);   /* by column name; missing file: empty */
int rd_find_rung(const RdTable *t, long id, long epoch);   /* row, or -1 */
/* DIR/rungs/ID-T-E, the file a trial reports its value at a rung in (freshly allocated). */
char *rd_rung_report_path(const char *dir, long id, long trial, long epoch);

/* ---------------------------------------------------------------- timeline.csv */

typedef struct {
    int n;
    long *id, *trial, *slot;
    double *start, *end;
} Timeline;
/* DIR/timeline.csv (n = 0 when absent); end before start is an error with file:line. */
void timeline_load(Timeline *tl, const char *dir);
void timeline_free(Timeline *tl);
#endif
